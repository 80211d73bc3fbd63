// solarchip-studio on the real files that used to fail or be drawn in the wrong geometry (issue 9, item 3),
// end to end through the --screenshot hook (which quits with 1 and the message when any map fails to load):
//  - the 410x410 Helioviewer AIA 193 file whose header says 4096x4096 ("cannot downsample 410x410 to a larger
//    1024x1024");
//  - each HMI SHARP CEA file alone, the four together, and with an AIA map ("invalid output size 1x0"), drawn
//    as the rectangular Carrington CEA maps they are: the screenshot's map area holds an axis-aligned rectangle
//    of data with the patch's aspect ratio, not a skewed quadrilateral.
#include "TestSupport.h"

#include <QDir>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace solarchip;

namespace {
const QString kAia410 = QStringLiteral("jp2/2013_06_24__17_31_30_84__SDO_AIA_AIA_193.jp2");
QStringList sharpFiles()
{
    QStringList out;
    for (const char *kind : {"Br", "bitmap", "continuum", "magnetogram"})
        out << test::sdoFile(QStringLiteral("fits/hmi.sharp_cea_720s.377.20110215_020000_TAI.%1.fits")
                                 .arg(QLatin1String(kind)));
    return out;
}

// The bounding box of the non-black pixels in a region of the screenshot, and how much of it they fill.
struct Blob {
    QRect box;
    int pixels = 0;
};
Blob nonBlack(const QImage &img, const QRect &region)
{
    Blob b;
    int x0 = region.right(), y0 = region.bottom(), x1 = region.left(), y1 = region.top();
    for (int y = region.top(); y <= region.bottom(); ++y)
        for (int x = region.left(); x <= region.right(); ++x) {
            const QRgb p = img.pixel(x, y);
            if (qRed(p) + qGreen(p) + qBlue(p) < 24)
                continue;
            ++b.pixels;
            x0 = std::min(x0, x);
            y0 = std::min(y0, y);
            x1 = std::max(x1, x);
            y1 = std::max(y1, y);
        }
    if (b.pixels)
        b.box = QRect(QPoint(x0, y0), QPoint(x1, y1));
    return b;
}
}  // namespace

class TestRealFilesFrames : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir = test::scratchDir();

    // Runs the studio with --screenshot and --state-json; the state lands in m_state.
    QJsonObject m_state;
    test::ProcessResult studio(const QStringList &files, const QString &png)
    {
        const QString json = png + QStringLiteral(".json");
        QFile::remove(json);
        QStringList all = files;
        all << QStringLiteral("--state-json") << json << QStringLiteral("--settings") << m_dir.filePath(QStringLiteral("settings.ini"))
            << QStringLiteral("--window-size") << QStringLiteral("1000x760") << QStringLiteral("--timeout")
            << QStringLiteral("240") << QStringLiteral("--screenshot") << png;
        auto r = test::run(test::binPath(QStringLiteral("solarchip-studio")), all, 300000);
        QFile f(json);
        m_state = f.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(f.readAll()).object() : QJsonObject();
        return r;
    }
    QJsonObject view(int i) const { return m_state.value(QStringLiteral("views")).toArray().at(i).toObject(); }
    static QJsonArray pair(int a, int b) { return QJsonArray{a, b}; }

private slots:
    void smallJp2Opens()
    {
        SOLARCHIP_REQUIRE_SDO();
        const QString png = m_dir.filePath(QStringLiteral("aia410.png"));
        const auto r = studio({test::sdoFile(kAia410)}, png);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(!r.err.contains("cannot downsample"));
        QVERIFY(QImage(png).width() > 0);
        // Shown at its own size: 410 px (its header says 4096), and the map is the file pixel for pixel.
        QCOMPARE(view(0).value(QStringLiteral("size")).toArray(), pair(410, 410));
        QCOMPARE(view(0).value(QStringLiteral("file_size")).toArray(), pair(410, 410));
        QCOMPARE(view(0).value(QStringLiteral("note")).toString(), QString());
        QVERIFY(m_state.value(QStringLiteral("errors")).toArray().isEmpty());
    }

    // A 4096^2 file is shown reduced to the display size, and the view knows the file it came from.
    void largeJp2KnowsItsFile()
    {
        SOLARCHIP_REQUIRE_SDO();
        const QString png = m_dir.filePath(QStringLiteral("aia304.png"));
        const auto r = studio({test::sdoFile(QStringLiteral("jp2/2024_04_16__11_15_41_129__SDO_AIA_AIA_304.jp2"))}, png);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(view(0).value(QStringLiteral("size")).toArray(), pair(1024, 1024));
        QCOMPARE(view(0).value(QStringLiteral("file_size")).toArray(), pair(4096, 4096));
    }

    void sharpFilesOpenAloneAsRectangles()
    {
        SOLARCHIP_REQUIRE_SDO();
        for (const QString &file : sharpFiles()) {
            const QString png = m_dir.filePath(QFileInfo(file).completeBaseName() + QStringLiteral(".png"));
            const auto r = studio({file}, png);
            QVERIFY2(r.exitCode == 0, qPrintable(file + QStringLiteral(": ") + QString::fromLocal8Bit(r.err)));
            const QImage img(png);
            QCOMPARE(img.size(), QSize(1000, 760));
            QCOMPARE(view(0).value(QStringLiteral("size")).toArray(), pair(744, 377));
            QCOMPARE(view(0).value(QStringLiteral("ctype")).toArray(),
                     (QJsonArray{QStringLiteral("CRLN-CEA"), QStringLiteral("CRLT-CEA")}));
            QCOMPARE(view(0).value(QStringLiteral("note")).toString(),
                     QStringLiteral("Carrington CEA: limb and co-registration off"));
            if (file.contains(QStringLiteral(".bitmap.")))
                continue;  // its zeros (outside the original CCD patch) draw black: no data box to measure
            // The map area (below the label, above the projection note, left of the display dock): the patch fills an
            // axis-aligned rectangle with its 744:377 aspect ratio; a skewed quadrilateral would fill much less of
            // its bounding box and have another aspect.
            int dockLeft = 0;  // the display dock's light background starts where the map view ends
            while (dockLeft < img.width() - 1 && qGray(img.pixel(dockLeft, 100)) < 200)
                ++dockLeft;
            QVERIFY(dockLeft > 500);
            const Blob b = nonBlack(img, QRect(0, 90, dockLeft - 2, 540));
            QVERIFY2(b.pixels > 0, qPrintable(file));
            const double aspect = double(b.box.width()) / b.box.height();
            QVERIFY2(std::abs(aspect - 744.0 / 377.0) < 0.25,
                     qPrintable(QStringLiteral("%1: data box %2x%3").arg(file).arg(b.box.width()).arg(b.box.height())));
            QVERIFY2(b.pixels > 0.85 * b.box.width() * b.box.height(),
                     qPrintable(QStringLiteral("%1: %2 of %3 px").arg(file).arg(b.pixels).arg(b.box.width() * b.box.height())));
        }
    }

    void sharpFilesOpenTogether()
    {
        SOLARCHIP_REQUIRE_SDO();
        const QString png = m_dir.filePath(QStringLiteral("sharps.png"));
        const auto r = studio(sharpFiles(), png);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(!r.err.contains("invalid output size"));
        const QJsonArray views = m_state.value(QStringLiteral("views")).toArray();
        QCOMPARE(views.size(), 4);
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(view(i).value(QStringLiteral("size")).toArray(), pair(744, 377));
            QVERIFY(view(i).value(QStringLiteral("note")).toString().startsWith(QStringLiteral("Carrington CEA")));
        }
    }

    // With an AIA map in the set, HMI maps are co-registered into its frame: the CEA patches used to be pushed
    // through it too ("invalid output size 1x0" beside the 128 px full disk, a skewed quadrilateral beside the
    // cutout). Now they stay in their own projection and every file opens.
    void sharpFilesOpenWithAia()
    {
        SOLARCHIP_REQUIRE_SDO();
        for (const char *aia : {"fits/aia_171_level1.fits", "fits/aia_171_cutout.fits"}) {
            const QString png = m_dir.filePath(QStringLiteral("sharps-aia.png"));
            const auto r = studio(sharpFiles() << test::sdoFile(QLatin1String(aia)), png);
            QVERIFY2(r.exitCode == 0, r.err.constData());
            QVERIFY(QImage(png).width() > 0);
            int cea = 0;
            for (const QJsonValue &v : m_state.value(QStringLiteral("views")).toArray()) {
                const QJsonObject o = v.toObject();
                if (o.value(QStringLiteral("ctype")).toArray().at(0).toString() != QLatin1String("CRLN-CEA"))
                    continue;
                ++cea;  // not pushed onto the AIA grid
                QCOMPARE(o.value(QStringLiteral("size")).toArray(), pair(744, 377));
            }
            QCOMPARE(cea, 4);
        }
    }
};

QTEST_GUILESS_MAIN(TestRealFilesFrames)
#include "tst_realfiles_frames.moc"
