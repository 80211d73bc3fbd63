// File > Export view as PNG (with / without overlays) and File > Export map as FITS, through the reactions of
// a main window opened on two small SDO-like files (CatalogFixture: real AIA header conventions and WCS, pixel
// values a known ramp v = x + 64 y). The FITS is read back by astropy (tests/reference/export_check.py) and
// must match the source file as astropy reads it and the map core loads from it (shape, CRPIX/CDELT, pixels).
// The PNG must have the view's size and not be blank, and the limb overlay must be where astropy's WCS puts
// the limb: with-overlays differs from without-overlays there, and nowhere on the same rays inside or outside.
#include "app/gui/ActionRegistry.h"
#include "app/gui/ExportViewReaction.h"
#include "app/gui/MainWindow.h"
#include "app/gui/SetViewPresenter.h"
#include "app/gui/StudioSettings.h"
#include "core/archive/CatalogFixture.h"
#include "core/map/SdoMap.h"
#include "widgets/MapGrid.h"
#include "widgets/MapView.h"

#include "TestSupport.h"

#include <QAction>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonObject>
#include <QSet>
#include <QTest>
#include <QTimeZone>

#include <memory>

using namespace solarchip;

namespace {

constexpr int kSize = 64;

// Largest per-channel difference between two images in a (2r+1)^2 neighbourhood of a widget point.
int maxDiffAround(const QImage &a, const QImage &b, QPointF p, int r)
{
    int best = 0;
    for (int dy = -r; dy <= r; ++dy)
        for (int dx = -r; dx <= r; ++dx) {
            const int x = int(std::lround(p.x())) + dx, y = int(std::lround(p.y())) + dy;
            if (x < 0 || y < 0 || x >= a.width() || y >= a.height())
                continue;
            const QRgb u = a.pixel(x, y), v = b.pixel(x, y);
            best = std::max({best, std::abs(qRed(u) - qRed(v)), std::abs(qGreen(u) - qGreen(v)),
                             std::abs(qBlue(u) - qBlue(v))});
        }
    return best;
}

}  // namespace

class TestExport : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir = test::scratchDir();
    QString m_source171;
    QStringList m_files;
    std::unique_ptr<StudioSettings> m_settings;
    std::unique_ptr<MainWindow> m_window;

    ExportViewReaction *reaction(const char *id) const
    {
        QAction *a = m_window->actions()->action(QString::fromLatin1(id));
        return a ? a->findChild<ExportViewReaction *>() : nullptr;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qputenv("SOLARCHIP_SAMPLE_DIR", m_dir.filePath(QStringLiteral("no-sample")).toUtf8());
        const qint64 t = QDateTime(QDate(2011, 6, 7), QTime(12, 0), QTimeZone::utc()).toMSecsSinceEpoch();
        FixtureOptions options;
        options.size = kSize;
        QVERIFY(CatalogFixture::write(m_dir.filePath(QStringLiteral("maps")),
                                      {{QStringLiteral("171"), t, 0, QStringLiteral("a171.fits")},
                                       {QStringLiteral("193"), t + 5000, 0, QStringLiteral("b193.fits")}},
                                      options)
                    .ok());
        m_source171 = m_dir.filePath(QStringLiteral("maps/a171.fits"));
        m_files = QStringList{m_source171, m_dir.filePath(QStringLiteral("maps/b193.fits"))};

        m_settings = std::make_unique<StudioSettings>(m_dir.filePath(QStringLiteral("settings.ini")));
        m_window = std::make_unique<MainWindow>(m_settings.get());
        m_window->setInteractive(false);
        m_window->resize(1000, 700);
        m_window->show();
        m_window->openFiles(m_files);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled(), 30000);
        QCOMPARE(m_window->grid()->count(), 2);
        QVERIFY(reaction("file.exportPng"));
        QVERIFY(reaction("file.exportPngPlain"));
        QVERIFY(reaction("file.exportFits"));
    }

    void cleanupTestCase() { m_window.reset(); }

    void fitsMatchesSourceAndCore()
    {
        ExportViewReaction *fits = reaction("file.exportFits");
        MapView *view = fits->targetView();
        QVERIFY(view && view->hasMap());
        QCOMPARE(view->map()->meta.channel, QStringLiteral("171"));  // the first view until one is clicked
        const QString out = m_dir.filePath(QStringLiteral("export171.fits"));
        const Status written = fits->exportTo(out);
        QVERIFY2(written.ok(), qPrintable(written.errorString()));

        const auto core = SdoMap::load(m_source171);
        QVERIFY2(core.ok(), qPrintable(core.errorString()));
        const QVector<QPoint> points{{0, 0}, {5, 9}, {31, 32}, {63, 0}, {0, 63}, {63, 63}, {40, 17}};
        QStringList args{out, m_source171, QStringLiteral("--points")};
        for (const QPoint &p : points)
            args << QStringLiteral("%1,%2").arg(p.x()).arg(p.y());
        const auto py = test::runPython(QStringLiteral("export_check.py"), args, 120000);
        QVERIFY2(py.exitCode == 0, py.err.constData());
        const QJsonObject ref = test::parseJson(py.out).object();
        const QJsonObject ex = ref.value(QLatin1String("export")).toObject();
        const QJsonObject src = ref.value(QLatin1String("source")).toObject();

        QCOMPARE(ex.value(QLatin1String("shape")).toArray(), (QJsonArray{kSize, kSize}));
        QCOMPARE(ex.value(QLatin1String("bitpix")).toInt(), -32);  // float32, as documented
        QCOMPARE(core->image.width, kSize);
        for (const char *key : {"CRPIX1", "CRPIX2", "CDELT1", "CDELT2", "CRVAL1", "CRVAL2", "RSUN_OBS"})
            QCOMPARE(ex.value(QLatin1String(key)).toDouble(), src.value(QLatin1String(key)).toDouble());
        QCOMPARE(ex.value(QLatin1String("CRPIX1")).toDouble(), core->meta.crpix1);  // FITS 1-based, as core keeps it
        QCOMPARE(ex.value(QLatin1String("CRPIX1")).toDouble(), (kSize + 1) / 2.0);  // written by the fixture
        const QJsonArray exValues = ex.value(QLatin1String("values")).toArray();
        const QJsonArray srcValues = src.value(QLatin1String("values")).toArray();
        for (int i = 0; i < points.size(); ++i) {
            const QPoint p = points[i];
            const double expected = p.x() + kSize * p.y();  // the fixture's ramp
            QCOMPARE(exValues[i].toDouble(), expected);
            QCOMPARE(srcValues[i].toDouble(), expected);
            QCOMPARE(double(core->image.at(p.x(), p.y())), expected);
            QCOMPARE(double(view->map()->image.at(p.x(), p.y())), expected);  // what the view shows
        }
    }

    void pngHasViewSizeAndLimbWhereWcsSays()
    {
        m_window->presenter()->setOverlayVisible(QStringLiteral("limb"), true);
        m_window->presenter()->setOverlayVisible(QStringLiteral("grid"), false);
        m_window->presenter()->setOverlayVisible(QStringLiteral("colorbar"), false);
        ExportViewReaction *withOverlays = reaction("file.exportPng");
        ExportViewReaction *plain = reaction("file.exportPngPlain");
        MapView *view = withOverlays->targetView();
        QCOMPARE(plain->targetView(), view);
        QVERIFY(view->waitForRender());
        const QString a = m_dir.filePath(QStringLiteral("with.png")), b = m_dir.filePath(QStringLiteral("plain.png"));
        QVERIFY2(withOverlays->exportTo(a).ok(), "PNG with overlays");
        QVERIFY2(plain->exportTo(b).ok(), "PNG without overlays");
        const QImage with(a), without(b);
        QVERIFY(!with.isNull() && !without.isNull());
        QCOMPARE(with.size(), view->size());
        QCOMPARE(without.size(), view->size());

        // Not blank: the ramp spans many colours.
        QSet<QRgb> colours;
        for (int y = 0; y < without.height(); y += 3)
            for (int x = 0; x < without.width(); x += 3)
                colours.insert(without.pixel(x, y));
        QVERIFY2(colours.size() > 50, qPrintable(QStringLiteral("%1 colours").arg(colours.size())));

        // The limb from astropy's WCS of the source, along the horizontal rays (the label sits at the top).
        const auto py = test::runPython(QStringLiteral("export_check.py"),
                                        {m_source171, m_source171, QStringLiteral("--radii"), QStringLiteral("0.6"),
                                         QStringLiteral("1.0"), QStringLiteral("1.2")},
                                        120000);
        QVERIFY2(py.exitCode == 0, py.err.constData());
        const QJsonObject limb = test::parseJson(py.out).object().value(QLatin1String("limb")).toObject();
        auto widgetPoint = [&](const char *radius, int direction) {
            const QJsonArray p = limb.value(QLatin1String(radius)).toArray()[direction].toArray();
            return view->mapToWidget(QPointF(p[0].toDouble(), p[1].toDouble()));
        };
        for (int direction : {0, 1}) {
            const QPointF onLimb = widgetPoint("1.0", direction);
            QVERIFY(QRectF(QPointF(0, 0), QSizeF(view->size())).contains(onLimb));
            const int atLimb = maxDiffAround(with, without, onLimb, 2);
            QVERIFY2(atLimb > 40, qPrintable(QStringLiteral("no limb drawn at (%1, %2): max difference %3")
                                                 .arg(onLimb.x()).arg(onLimb.y()).arg(atLimb)));
            QCOMPARE(maxDiffAround(with, without, widgetPoint("0.6", direction), 2), 0);
            QCOMPARE(maxDiffAround(with, without, widgetPoint("1.2", direction), 2), 0);
        }
    }

    void exportErrorsNameTheFile()
    {
        const QString bad = m_dir.filePath(QStringLiteral("no/such/folder/out.fits"));
        const Status s = reaction("file.exportFits")->exportTo(bad);
        QVERIFY(!s.ok());
        QVERIFY2(s.errorString().contains(bad), qPrintable(s.errorString()));
        const QString badPng = m_dir.filePath(QStringLiteral("no/such/folder/out.png"));
        const Status p = reaction("file.exportPng")->exportTo(badPng);
        QVERIFY(!p.ok());
        QVERIFY2(p.errorString().contains(badPng), qPrintable(p.errorString()));

        // A failed export leaves a file already there untouched: the PNG is written through a temporary.
        const QString existing = m_dir.filePath(QStringLiteral("keep.png"));
        QVERIFY(reaction("file.exportPng")->exportTo(existing).ok());
        QFile f(existing);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray before = f.readAll();
        f.close();
        QVERIFY(QFile::setPermissions(m_dir.path(), QFile::ReadOwner | QFile::ExeOwner));
        const Status denied = reaction("file.exportPng")->exportTo(existing);
        QVERIFY(QFile::setPermissions(m_dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        if (!denied.ok()) {  // (root may write anyway)
            QVERIFY2(denied.errorString().contains(existing), qPrintable(denied.errorString()));
            QVERIFY(f.open(QIODevice::ReadOnly));
            QCOMPARE(f.readAll(), before);
        }
    }

    void clickedViewIsExported()
    {
        MapView *second = m_window->grid()->view(1);
        QTest::mouseClick(second, Qt::LeftButton, {}, QPoint(second->width() / 2, second->height() / 2));
        QTRY_COMPARE(reaction("file.exportFits")->targetView(), second);
        QCOMPARE(second->map()->meta.channel, QStringLiteral("193"));
        const QString out = m_dir.filePath(QStringLiteral("export193.fits"));
        QVERIFY(reaction("file.exportFits")->exportTo(out).ok());
        const auto back = SdoMap::load(out);
        QVERIFY2(back.ok(), qPrintable(back.errorString()));
        QCOMPARE(back->meta.channel, QStringLiteral("193"));
    }
};

QTEST_MAIN(TestExport)
#include "tst_export.moc"
