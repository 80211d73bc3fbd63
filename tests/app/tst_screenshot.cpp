// The scripting hook end to end: build/bin/solarchip-studio on a small synthetic archive (written by
// `solarchip synth`) with --screenshot. The PNG must show the map drawn with its channel's colour table: the
// table comes from sunpy (tests/reference/studio_reference.py), and most saturated pixels of the map area
// must lie on it. An HMI screenshot must be grey there instead, the globe view must show the 171 table too,
// and every kind of bad request must fail with its exit code and a message naming the problem.
#include "TestSupport.h"

#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

#include <array>
#include <vector>

using namespace solarchip;

namespace {

using Rgb = std::array<int, 3>;

// Distance (max over channels) from a pixel to the nearest colour of a table.
int distanceToTable(QRgb px, const std::vector<Rgb> &table)
{
    int best = 1 << 30;
    for (const Rgb &c : table) {
        const int d = std::max({std::abs(qRed(px) - c[0]), std::abs(qGreen(px) - c[1]), std::abs(qBlue(px) - c[2])});
        best = std::min(best, d);
    }
    return best;
}

bool saturated(QRgb px)
{
    const int hi = std::max({qRed(px), qGreen(px), qBlue(px)});
    const int lo = std::min({qRed(px), qGreen(px), qBlue(px)});
    return hi - lo > 40;
}

struct AreaStats {
    int pixels = 0;     // in the area
    int saturated = 0;  // coloured (not grey/black/white)
    int onTable = 0;    // coloured and within tolerance of the table
};

// The map area: below the menu and toolbar, above the timeline dock, left of the display dock (the window is
// 1000x760 here).
AreaStats mapArea(const QImage &img, const std::vector<Rgb> &table)
{
    AreaStats s;
    for (int y = 80; y < img.height() * 6 / 10; y += 2)
        for (int x = 0; x < img.width() * 7 / 10; x += 2) {
            const QRgb px = img.pixel(x, y);
            ++s.pixels;
            if (!saturated(px))
                continue;
            ++s.saturated;
            if (distanceToTable(px, table) <= 12)
                ++s.onTable;
        }
    return s;
}

}  // namespace

class TestScreenshot : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir = test::scratchDir();
    QString m_archive;
    std::vector<Rgb> m_aia171;
    std::vector<Rgb> m_rdbu;

    test::ProcessResult studio(const QStringList &args)
    {
        QStringList all = args;
        all << QStringLiteral("--settings") << m_dir.filePath(QStringLiteral("settings.ini"))
            << QStringLiteral("--window-size") << QStringLiteral("1000x760") << QStringLiteral("--timeout")
            << QStringLiteral("240");
        return test::run(test::binPath(QStringLiteral("solarchip-studio")), all, 300000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_archive = m_dir.filePath(QStringLiteral("archive"));
        const auto synth = test::run(test::binPath(QStringLiteral("solarchip")),
                                     {QStringLiteral("synth"), m_archive, QStringLiteral("--start"),
                                      QStringLiteral("2011-06-07T00:00"), QStringLiteral("--days"), QStringLiteral("1"),
                                      QStringLiteral("--cadence"), QStringLiteral("12"), QStringLiteral("--size"),
                                      QStringLiteral("128"), QStringLiteral("--channels"),
                                      QStringLiteral("171,304,hmi"), QStringLiteral("--seed"), QStringLiteral("7"),
                                      QStringLiteral("--no-truth"), QStringLiteral("--quiet")},
                                     300000);
        QVERIFY2(synth.exitCode == 0, synth.err.constData());
        const auto ref = test::runPython(QStringLiteral("studio_reference.py"),
                                         {QStringLiteral("colormap"), QStringLiteral("sdoaia171"), QStringLiteral("RdBu_r")});
        QVERIFY2(ref.exitCode == 0, ref.err.constData());
        const QJsonObject tables = test::parseJson(ref.out).object();
        auto table = [&tables](const char *name) {
            std::vector<Rgb> out;
            for (const QJsonValue &v : tables.value(QLatin1String(name)).toArray()) {
                const QJsonArray c = v.toArray();
                out.push_back({c[0].toInt(), c[1].toInt(), c[2].toInt()});
            }
            return out;
        };
        m_aia171 = table("sdoaia171");
        m_rdbu = table("RdBu_r");
        QCOMPARE(int(m_aia171.size()), 256);
        QCOMPARE(int(m_rdbu.size()), 256);
    }

    void mapViewDrawnWith171Table()
    {
        const QString png = m_dir.filePath(QStringLiteral("map171.png"));
        const auto r = studio({QStringLiteral("--archive"), m_archive, QStringLiteral("--channel"),
                               QStringLiteral("171"), QStringLiteral("--date"), QStringLiteral("2011-06-07T12:00"),
                               QStringLiteral("--screenshot"), png});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.out.contains("2011-06-07T12:00"));  // the observation nearest the asked date
        const QImage img(png);
        QCOMPARE(img.size(), QSize(1000, 760));
        const AreaStats s = mapArea(img, m_aia171);
        // The disk and corona fill a good part of the view, and what is coloured is sunpy's sdoaia171.
        QVERIFY2(s.saturated > s.pixels / 10, qPrintable(QStringLiteral("%1 of %2").arg(s.saturated).arg(s.pixels)));
        QVERIFY2(s.onTable > s.saturated * 9 / 10,
                 qPrintable(QStringLiteral("%1 of %2 on the table").arg(s.onTable).arg(s.saturated)));
    }

    void hmiIsGreyNot171()
    {
        const QString png = m_dir.filePath(QStringLiteral("hmi.png"));
        const auto r = studio({QStringLiteral("--archive"), m_archive, QStringLiteral("--channel"),
                               QStringLiteral("hmi"), QStringLiteral("--screenshot"), png});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QImage img(png);
        const AreaStats s = mapArea(img, m_aia171);
        // The magnetogram is drawn grey: hardly any coloured pixel in the map area (labels and limb are white).
        QVERIFY2(s.saturated < s.pixels / 200, qPrintable(QStringLiteral("%1 of %2").arg(s.saturated).arg(s.pixels)));
        int grey = 0, lit = 0;
        for (int y = 80; y < img.height() * 6 / 10; y += 2)
            for (int x = 0; x < img.width(); x += 2) {
                const QRgb px = img.pixel(x, y);
                if (qRed(px) > 60 && qRed(px) < 200) {
                    ++lit;
                    grey += qRed(px) == qGreen(px) && qGreen(px) == qBlue(px);
                }
            }
        QVERIFY2(lit > 1000 && grey > lit * 9 / 10, qPrintable(QStringLiteral("%1 grey of %2").arg(grey).arg(lit)));
    }

    void wholeSetAndGlobe()
    {
        const QString png = m_dir.filePath(QStringLiteral("globe.png"));
        const auto r = studio({QStringLiteral("--archive"), m_archive, QStringLiteral("--channel"),
                               QStringLiteral("171"), QStringLiteral("--view"), QStringLiteral("globe"),
                               QStringLiteral("--screenshot"), png});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const AreaStats s = mapArea(QImage(png), m_aia171);
        QVERIFY2(s.saturated > s.pixels / 20, qPrintable(QStringLiteral("%1 of %2").arg(s.saturated).arg(s.pixels)));
        QVERIFY2(s.onTable > s.saturated * 8 / 10,
                 qPrintable(QStringLiteral("%1 of %2 on the table").arg(s.onTable).arg(s.saturated)));

        const QString all = m_dir.filePath(QStringLiteral("set.png"));
        const auto r2 = studio({QStringLiteral("--archive"), m_archive, QStringLiteral("--screenshot"), all});
        QVERIFY2(r2.exitCode == 0, r2.err.constData());
        QVERIFY(QImage(all).size() == QSize(1000, 760));
    }

    void runningDifferenceDrawnDiverging()
    {
        // 12:00 minus 00:00: the Sun rotated and changed, so both signs appear, in matplotlib's RdBu_r.
        const QString png = m_dir.filePath(QStringLiteral("diff.png"));
        // --view map: the settings file is shared with the tests before, and the window remembers the globe.
        const auto r = studio({QStringLiteral("--archive"), m_archive, QStringLiteral("--channel"),
                               QStringLiteral("171"), QStringLiteral("--date"), QStringLiteral("2011-06-07T12:00"),
                               QStringLiteral("--view"), QStringLiteral("map"), QStringLiteral("--difference"),
                               QStringLiteral("running"), QStringLiteral("--screenshot"), png});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QImage img(png);
        const AreaStats s = mapArea(img, m_rdbu);
        QVERIFY2(s.saturated > 200, qPrintable(QStringLiteral("%1 of %2").arg(s.saturated).arg(s.pixels)));
        // The 128 px map is magnified ~3.5x with smooth interpolation: blends of neighbouring reds, blues and
        // the black sky leave the table's curve, unlike a monotonic table such as sdoaia171's.
        QVERIFY2(s.onTable > s.saturated * 7 / 10,
                 qPrintable(QStringLiteral("%1 of %2 on RdBu_r").arg(s.onTable).arg(s.saturated)));
        int red = 0, blue = 0;
        for (int y = 80; y < img.height() * 6 / 10; y += 2)
            for (int x = 0; x < img.width() * 7 / 10; x += 2) {
                const QRgb px = img.pixel(x, y);
                red += saturated(px) && qRed(px) > qBlue(px) + 40;
                blue += saturated(px) && qBlue(px) > qRed(px) + 40;
            }
        QVERIFY2(red > 20 && blue > 20, qPrintable(QStringLiteral("red %1 blue %2").arg(red).arg(blue)));
        const AreaStats plain = mapArea(img, m_aia171);
        QVERIFY(plain.onTable < plain.saturated / 2);  // not the plain 171 map
    }

    // --state-json: what the window shows, as JSON, checked against the file headers read by astropy.
    void stateJsonOfARealFile()
    {
        SOLARCHIP_REQUIRE_SDO();
        const QString file = test::sdoFile(QStringLiteral("fits/aia_171_level1.fits"));
        const QString json = m_dir.filePath(QStringLiteral("state-real.json"));
        const auto r = studio({file, QStringLiteral("--state-json"), json});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QFile f(json);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject state = test::parseJson(f.readAll()).object();
        const auto ref = test::runPython(QStringLiteral("state_reference.py"), {QStringLiteral("header"), file});
        QVERIFY2(ref.exitCode == 0, ref.err.constData());
        const QJsonObject header = test::parseJson(ref.out).object();

        const QJsonArray views = state.value(QStringLiteral("views")).toArray();
        QCOMPARE(views.size(), 1);
        const QJsonObject v = views[0].toObject();
        QCOMPARE(v.value(QStringLiteral("channel")).toString(), QString::number(header.value(QStringLiteral("wavelnth")).toInt()));
        QCOMPARE(v.value(QStringLiteral("time")).toString(), header.value(QStringLiteral("t_obs")).toString());
        QCOMPARE(state.value(QStringLiteral("time")).toString(), header.value(QStringLiteral("t_obs")).toString());
        QCOMPARE(QFileInfo(v.value(QStringLiteral("file")).toString()).canonicalFilePath(),
                 QFileInfo(file).canonicalFilePath());
        QCOMPARE(v.value(QStringLiteral("unit")).toString(), header.value(QStringLiteral("bunit")).toString());
        QVERIFY(v.value(QStringLiteral("shown")).toBool());
        const QJsonArray limits = v.value(QStringLiteral("limits")).toArray();
        QCOMPARE(limits.size(), 2);
        QVERIFY(limits[0].toDouble() < limits[1].toDouble());
        QVERIFY(!v.value(QStringLiteral("colormap")).toString().isEmpty());
        QVERIFY(!v.value(QStringLiteral("stretch")).toString().isEmpty());
        QCOMPARE(state.value(QStringLiteral("errors")).toArray().size(), 0);
    }

    // Helioviewer JPEG2000 files are shown as Helioviewer means them: linear over their bytes 0..255 with the
    // channel's colour table, unit "byte" (no DN, no Gauss), whatever the channel's FITS defaults are.
    void stateJsonOfHelioviewerJp2()
    {
        SOLARCHIP_REQUIRE_SDO();
        const struct {
            const char *file;
            const char *channel;
            const char *colormap;
        } cases[] = {{"jp2/2022_08_02__10_47_53_000__SDO_HMI_HMI_magnetogram.jp2", "hmi", "grey"},
                     {"jp2/2022_01_01__00_03_52_835__SDO_AIA_AIA_193.jp2", "193", "sdoaia193"}};
        for (const auto &c : cases) {
            const QString file = test::sdoFile(QLatin1String(c.file));
            const QString json = m_dir.filePath(QStringLiteral("state-jp2-%1.json").arg(QLatin1String(c.channel)));
            const auto r = studio({file, QStringLiteral("--state-json"), json});
            QVERIFY2(r.exitCode == 0, r.err.constData());
            QFile f(json);
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QJsonObject state = test::parseJson(f.readAll()).object();
            const QJsonArray views = state.value(QStringLiteral("views")).toArray();
            QCOMPARE(views.size(), 1);
            const QJsonObject v = views[0].toObject();
            QCOMPARE(v.value(QStringLiteral("channel")).toString(), QLatin1String(c.channel));
            QCOMPARE(v.value(QStringLiteral("stretch")).toString(), QStringLiteral("linear"));
            QCOMPARE(v.value(QStringLiteral("limits")).toArray(), (QJsonArray{0.0, 255.0}));
            QCOMPARE(v.value(QStringLiteral("unit")).toString(), QStringLiteral("byte"));
            QCOMPARE(v.value(QStringLiteral("colormap")).toString(), QLatin1String(c.colormap));
            QVERIFY(v.value(QStringLiteral("shown")).toBool());
        }
    }

    void stateJsonOfAnArchive()
    {
        const QString json = m_dir.filePath(QStringLiteral("state-archive.json"));
        const auto r = studio({QStringLiteral("--archive"), m_archive, QStringLiteral("--view"), QStringLiteral("map"),
                               QStringLiteral("--date"), QStringLiteral("2011-06-07T12:00"), QStringLiteral("--state-json"),
                               json});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QFile f(json);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject state = test::parseJson(f.readAll()).object();
        // The anchor is the first AIA channel (171): the timeline holds as many times as there are 171 files.
        QCOMPARE(state.value(QStringLiteral("anchor_channel")).toString(), QStringLiteral("171"));
        const auto ref = test::runPython(QStringLiteral("state_reference.py"),
                                         {QStringLiteral("count"), m_archive, QStringLiteral("171")});
        QVERIFY2(ref.exitCode == 0, ref.err.constData());
        const int files171 = test::parseJson(ref.out).object().value(QStringLiteral("count")).toInt();
        QVERIFY(files171 > 1);
        QCOMPARE(state.value(QStringLiteral("times_count")).toInt(), files171);
        QVERIFY(state.value(QStringLiteral("time")).toString().startsWith(QStringLiteral("2011-06-07T12:00")));
        const QJsonArray views = state.value(QStringLiteral("views")).toArray();
        QStringList channels;
        for (const QJsonValue &v : views) {
            channels << v.toObject().value(QStringLiteral("channel")).toString();
            QVERIFY(v.toObject().value(QStringLiteral("shown")).toBool());
        }
        QCOMPARE(channels, (QStringList{QStringLiteral("171"), QStringLiteral("304"), QStringLiteral("hmi")}));
        // Nothing clicked yet: the first view is the selected one (the Display dock and the exports act on it);
        // one co-registered set: all three cells move together.
        QCOMPARE(state.value(QStringLiteral("selected_view")).toInt(), 0);
        QCOMPARE(state.value(QStringLiteral("linked_groups")).toArray(), (QJsonArray{QJsonArray{0, 1, 2}}));
    }

    void failuresExitNonZeroWithAMessage_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        const QString png = QStringLiteral("/tmp/solarchip-never-written.png");
        QTest::newRow("missing archive") << QStringList{QStringLiteral("--archive"), QStringLiteral("/nonexistent/sdo"),
                                                        QStringLiteral("--screenshot"), png}
                                         << 1 << QStringLiteral("/nonexistent/sdo: no such folder");
        QTest::newRow("bad date") << QStringList{QStringLiteral("--archive"), QStringLiteral("@ARCHIVE@"),
                                                 QStringLiteral("--date"), QStringLiteral("2011-13-45"),
                                                 QStringLiteral("--screenshot"), png}
                                  << 2 << QStringLiteral("--date: '2011-13-45'");
        QTest::newRow("unknown channel") << QStringList{QStringLiteral("--archive"), QStringLiteral("@ARCHIVE@"),
                                                        QStringLiteral("--channel"), QStringLiteral("999"),
                                                        QStringLiteral("--screenshot"), png}
                                         << 2 << QStringLiteral("--channel: '999'");
        QTest::newRow("channel not in archive") << QStringList{QStringLiteral("--archive"), QStringLiteral("@ARCHIVE@"),
                                                               QStringLiteral("--channel"), QStringLiteral("94"),
                                                               QStringLiteral("--screenshot"), png}
                                                << 1 << QStringLiteral("no AIA 94");
        QTest::newRow("bad view") << QStringList{QStringLiteral("--view"), QStringLiteral("3d")} << 2
                                  << QStringLiteral("--view: '3d'");
        QTest::newRow("bad difference") << QStringList{QStringLiteral("--difference"), QStringLiteral("ratio")} << 2
                                        << QStringLiteral("--difference: 'ratio'");
        QTest::newRow("screenshot folder missing")
            << QStringList{QStringLiteral("--archive"), QStringLiteral("@ARCHIVE@"), QStringLiteral("--screenshot"),
                           QStringLiteral("/nonexistent/dir/x.png")}
            << 1 << QStringLiteral("/nonexistent/dir/x.png");
        QTest::newRow("empty archive") << QStringList{QStringLiteral("--archive"), QStringLiteral("@EMPTY@"),
                                                      QStringLiteral("--screenshot"), png}
                                       << 1 << QStringLiteral("no SDO maps found");
    }
    void failuresExitNonZeroWithAMessage()
    {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        QFETCH(QString, message);
        const QString empty = m_dir.filePath(QStringLiteral("empty"));
        QDir().mkpath(empty);
        args.replaceInStrings(QStringLiteral("@ARCHIVE@"), m_archive);
        args.replaceInStrings(QStringLiteral("@EMPTY@"), empty);
        const auto r = studio(args);
        QCOMPARE(r.exitCode, code);
        QVERIFY2(QString::fromUtf8(r.err).contains(message), r.err.constData());
        QVERIFY(!QFile::exists(QStringLiteral("/tmp/solarchip-never-written.png")));
    }
};

QTEST_MAIN(TestScreenshot)
#include "tst_screenshot.moc"
