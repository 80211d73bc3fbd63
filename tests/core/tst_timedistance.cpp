// Time-distance plots (core/archive/TimeDistance, `solarchip timedistance`):
// - every sample on the eight real AIA 304 frames of 2022-04-02 (a west-limb eruption, 12 s cadence, DN divided by
//   EXPTIME) against astropy alone (tests/reference/time_distance.py: astropy.wcs for the positions,
//   scipy.ndimage.map_coordinates for the bilinear values, the mean across the width);
// - a ridge moving at a known plane-of-sky speed (FITS files written by astropy): the speed read off the plot's ridge
//   within 0.2% of 500 km/s, the Mm per arcsec against the closed form DSUN tan(1");
// - the slit carried by differential rotation: its midpoint against sunpy's RotatedSunFrame, its length kept;
// - the CSV, and bad input: a truncated file among good ones (its profile carries the reason, the plot goes on), a
//   slit outside the field of view, a slit of no length.
#include "TestSupport.h"

#include "core/archive/TimeDistance.h"
#include "core/map/MapFile.h"
#include "core/map/SdoTime.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QTimeZone>
#include <QtTest>

#include <cmath>

using namespace solarchip;

namespace {

QVector<Observation> observationsOf(const QStringList &files)
{
    QVector<Observation> out;
    for (const QString &f : files) {
        auto info = MapFile::readInfo(f);
        if (!info)
            continue;
        Observation o;
        o.setFromFile(*info);
        o.path = f;
        out.append(o);
    }
    return out;
}

QStringList realFrames()
{
    const QDir dir(test::sdoDir() + QStringLiteral("/fits"));
    QStringList files;
    for (const QString &name : dir.entryList({QStringLiteral("AIA20220402_*_0304.fits")}, QDir::Files, QDir::Name))
        files << dir.filePath(name);
    return files;
}

// The peak of a profile to sub-sample precision (a parabola through the maximum and its neighbours).
double peakDistance(const QVector<double> &v, const QVector<double> &d)
{
    int i = 1;
    for (int k = 1; k + 1 < v.size(); ++k)
        if (v[k] > v[i])
            i = k;
    const double a = v[i - 1], b = v[i], c = v[i + 1];
    return d[i] + 0.5 * (a - c) / (a - 2 * b + c) * (d[1] - d[0]);
}

}  // namespace

class TestTimeDistance : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void realFramesAgainstAstropy();
    void movingRidgeGivesItsSpeed();
    void slitFollowsRotation();
    void csvAndBadInput();
};

void TestTimeDistance::realFramesAgainstAstropy()
{
    SOLARCHIP_REQUIRE_SDO();
    const QStringList files = realFrames();
    QCOMPARE(files.size(), 8);
    // Across the limb of the west-limb cutout (Tx 788-1058", Ty 123-363"), 5" wide.
    Slit slit;
    slit.start = QPointF(850, 180);
    slit.end = QPointF(1030, 330);
    slit.width = 5;
    auto td = measureTimeDistance(observationsOf(files), slit);
    QVERIFY2(td.ok(), qPrintable(td.errorString()));
    QCOMPARE(td->channel, QStringLiteral("304"));
    QCOMPARE(td->unit, QStringLiteral("DN/s"));
    QCOMPARE(td->measured(), 8);
    // One sample per 0.6" pixel along (234.3" / 0.6 + 1) and across (5 / 0.6 + 1).
    QCOMPARE(td->slit.points, static_cast<int>(std::lround(std::hypot(180.0, 150.0) / 0.600165009)) + 1);
    QCOMPARE(td->slit.across, 9);
    for (int k = 0; k < td->profiles.size(); k += 7) {  // the first and the last frame
        const SlitProfile &p = td->profiles[k];
        const auto ref = test::runPython(QStringLiteral("time_distance.py"),
                                         {QStringLiteral("sample"), p.file, QStringLiteral("850"), QStringLiteral("180"),
                                          QStringLiteral("1030"), QStringLiteral("330"), QString::number(td->slit.points),
                                          QStringLiteral("5"), QString::number(td->slit.across)});
        QVERIFY2(ref.exitCode == 0, ref.err.constData());
        const QJsonObject o = test::parseJson(ref.out).object();
        QCOMPARE(o.value(QStringLiteral("unit")).toString(), QStringLiteral("DN/s"));
        const QJsonArray want = o.value(QStringLiteral("values")).toArray();
        QCOMPARE(want.size(), p.values.size());
        int compared = 0;
        for (int i = 0; i < want.size(); ++i) {
            if (want.at(i).isNull())
                continue;
            const double w = want.at(i).toDouble(), got = p.values[i];
            QVERIFY2(std::fabs(got - w) <= 1e-6 * std::max(1.0, std::fabs(w)),
                     qPrintable(QStringLiteral("frame %1 sample %2: %3 vs astropy %4").arg(k).arg(i).arg(got).arg(w)));
            ++compared;
        }
        QVERIFY(compared > 0.95 * want.size());
    }
    // Something moves in the eruption: the frames differ.
    double change = 0;
    for (int i = 0; i < td->slit.points; ++i)
        change += std::fabs(td->profiles.last().values[i] - td->profiles.first().values[i]);
    QVERIFY(change > 0);
}

void TestTimeDistance::movingRidgeGivesItsSpeed()
{
    const QTemporaryDir dir = test::scratchDir();
    const auto made = test::runPython(QStringLiteral("time_distance.py"),
                                      {QStringLiteral("fixture"), dir.path(), QStringLiteral("10"), QStringLiteral("500")});
    QVERIFY2(made.exitCode == 0, made.err.constData());
    const QJsonObject fixture = test::parseJson(made.out).object();
    QStringList args{QStringLiteral("timedistance"), QStringLiteral("--start=-80,0"), QStringLiteral("--end"), QStringLiteral("40,0"),
                     QStringLiteral("--width"), QStringLiteral("6"), QStringLiteral("--json")};
    for (const QJsonValue &f : fixture.value(QStringLiteral("files")).toArray())
        args << f.toString();
    const auto r = test::run(test::binPath(QStringLiteral("solarchip")), args);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject out = test::parseJson(r.out).object();
    QCOMPARE(out.value(QStringLiteral("measured")).toInt(), 10);
    QCOMPARE(out.value(QStringLiteral("unit")).toString(), QStringLiteral("DN/s"));
    const double mmPerArcsec = out.value(QStringLiteral("mm_per_arcsec")).toDouble();
    QVERIFY(std::fabs(mmPerArcsec * 1000 - fixture.value(QStringLiteral("km_per_arcsec")).toDouble()) < 1e-9 * mmPerArcsec * 1000);
    QVector<double> d;
    for (const QJsonValue &v : out.value(QStringLiteral("distance_arcsec")).toArray())
        d << v.toDouble();
    QCOMPARE(d.size(), 201);  // 120" at 0.6" per pixel, ends included
    QCOMPARE(d.last(), 120.0);
    // Least-squares slope of the ridge's distance against time.
    double st = 0, sd = 0, stt = 0, std_ = 0;
    int n = 0;
    double peak0 = 0;
    for (const QJsonValue &pv : out.value(QStringLiteral("profiles")).toArray()) {
        const QJsonObject p = pv.toObject();
        QVector<double> v;
        for (const QJsonValue &x : p.value(QStringLiteral("values")).toArray())
            v << x.toDouble();
        const double t = (SdoTime::parseUserTime(p.value(QStringLiteral("time")).toString())->toMSecsSinceEpoch()
                          - SdoTime::parseUserTime(QStringLiteral("2012-03-07T00:00"))->toMSecsSinceEpoch()) / 1000.0;
        const double dist = peakDistance(v, d);
        if (n == 0) {
            peak0 = dist;
            // The ridge's height: (100 + 2000) DN over 2 s.
            QVERIFY(std::fabs(*std::max_element(v.begin(), v.end()) - 1050.0) < 10.0);
        }
        st += t, sd += dist, stt += t * t, std_ += t * dist, ++n;
    }
    QVERIFY(std::fabs(peak0 - 20.0) < 0.05);  // Tx -60 is 20" from the start at Tx -80
    const double slope = (n * std_ - st * sd) / (n * stt - st * st);  // arcsec per second
    const double speed = slope * mmPerArcsec * 1000;
    QVERIFY2(std::fabs(speed - 500.0) < 1.0, qPrintable(QString::number(speed)));
    TimeDistance td;
    td.mmPerArcsec = mmPerArcsec;
    QVERIFY(std::fabs(ridgeSpeedKmPerS(td, 0, 0, 12000, 12 * slope) - speed) < 1e-9);
}

void TestTimeDistance::slitFollowsRotation()
{
    const QTemporaryDir dir = test::scratchDir();
    const QString archive = dir.path() + QStringLiteral("/archive");
    const auto made = test::run(test::binPath(QStringLiteral("solarchip")),
                                {QStringLiteral("synth"), archive, QStringLiteral("--start"), QStringLiteral("2013-06-01T00:00"),
                                 QStringLiteral("--days"), QStringLiteral("3"), QStringLiteral("--cadence"), QStringLiteral("24"),
                                 QStringLiteral("--size"), QStringLiteral("256"), QStringLiteral("--channels"), QStringLiteral("171"),
                                 QStringLiteral("--seed"), QStringLiteral("4"), QStringLiteral("--no-truth")});
    QVERIFY2(made.exitCode == 0, made.err.constData());
    const auto r = test::run(test::binPath(QStringLiteral("solarchip")),
                             {QStringLiteral("timedistance"), QStringLiteral("--archive"), archive, QStringLiteral("--channel"),
                              QStringLiteral("171"), QStringLiteral("--start=-500,100"), QStringLiteral("--end=-300,250"),
                              QStringLiteral("--follow-rotation"), QStringLiteral("--reference"), QStringLiteral("2013-06-01T00:00"),
                              QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject out = test::parseJson(r.out).object();
    const QJsonArray profiles = out.value(QStringLiteral("profiles")).toArray();
    QCOMPARE(profiles.size(), 3);
    const qint64 reference = SdoTime::parseUserTime(QStringLiteral("2013-06-01T00:00"))->toMSecsSinceEpoch();
    for (const QJsonValue &pv : profiles) {
        const QJsonObject p = pv.toObject();
        QVERIFY2(!p.contains(QStringLiteral("error")), qPrintable(p.value(QStringLiteral("error")).toString()));
        const QJsonArray s = p.value(QStringLiteral("start")).toArray(), e = p.value(QStringLiteral("end")).toArray();
        const QPointF a(s.at(0).toDouble(), s.at(1).toDouble()), b(e.at(0).toDouble(), e.at(1).toDouble());
        QVERIFY(std::fabs(std::hypot(b.x() - a.x(), b.y() - a.y()) - 250.0) < 1e-9);  // rigid: 200 x 150
        const QPointF mid = (a + b) / 2;
        const qint64 t = SdoTime::parseUserTime(p.value(QStringLiteral("time")).toString())->toMSecsSinceEpoch();
        const auto ref = test::runPython(QStringLiteral("region_stats.py"),
                                         {QStringLiteral("rotate"), QStringLiteral("-400"), QStringLiteral("175"),
                                          SdoTime::toIso(QDateTime::fromMSecsSinceEpoch(reference, QTimeZone::utc())),
                                          SdoTime::toIso(QDateTime::fromMSecsSinceEpoch(t, QTimeZone::utc()))});
        QVERIFY2(ref.exitCode == 0, ref.err.constData());
        const QJsonObject o = test::parseJson(ref.out).object();
        const QPointF want(o.value(QStringLiteral("tx")).toDouble(), o.value(QStringLiteral("ty")).toDouble());
        // The synthetic observer is the Earth's: sunpy's rotated midpoint within 2" (about 2 days: ~26 deg).
        QVERIFY2(std::hypot(mid.x() - want.x(), mid.y() - want.y()) < 2.0,
                 qPrintable(QStringLiteral("(%1, %2) vs sunpy (%3, %4)").arg(mid.x()).arg(mid.y()).arg(want.x()).arg(want.y())));
    }
}

void TestTimeDistance::csvAndBadInput()
{
    const QTemporaryDir dir = test::scratchDir();
    const auto made = test::runPython(QStringLiteral("time_distance.py"),
                                      {QStringLiteral("fixture"), dir.path(), QStringLiteral("4"), QStringLiteral("300")});
    QVERIFY2(made.exitCode == 0, made.err.constData());
    QStringList files;
    for (const QJsonValue &f : test::parseJson(made.out).object().value(QStringLiteral("files")).toArray())
        files << f.toString();
    // A truncated copy of the second file (its header whole, its data cut short): given to the command, it is
    // skipped with its reason and the plot goes on; as an observation of an archive (catalogued before it was cut),
    // its profile carries the reason.
    const QString broken = dir.path() + QStringLiteral("/aia_171_99.fits");
    QVERIFY(QFile::copy(files[1], broken));
    {
        QFile f(broken);
        QVERIFY(f.open(QIODevice::ReadWrite));
        QVERIFY(f.resize(2880 * 2 + 1000));
    }
    const QString csv = dir.path() + QStringLiteral("/td.csv");
    const auto r = test::run(test::binPath(QStringLiteral("solarchip")),
                             QStringList{QStringLiteral("timedistance"), QStringLiteral("--start=-80,0"), QStringLiteral("--end"),
                                         QStringLiteral("40,0"), QStringLiteral("--points"), QStringLiteral("61"),
                                         QStringLiteral("--csv"), csv, QStringLiteral("--json")}
                                 + files + QStringList{broken});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY2(r.err.contains("aia_171_99.fits") && r.err.contains("truncated"), r.err.constData());
    const QJsonObject out = test::parseJson(r.out).object();
    QCOMPARE(out.value(QStringLiteral("measured")).toInt(), 4);
    const QJsonArray skipped = out.value(QStringLiteral("skipped")).toArray();
    QCOMPARE(skipped.size(), 1);
    QCOMPARE(skipped.at(0).toObject().value(QStringLiteral("file")).toString(), broken);
    const QJsonArray profiles = out.value(QStringLiteral("profiles")).toArray();
    QCOMPARE(profiles.size(), 4);
    for (const QJsonValue &pv : profiles)
        QCOMPARE(pv.toObject().value(QStringLiteral("values")).toArray().size(), 61);
    QVector<Observation> obs = observationsOf(files);
    Observation cut = obs[1];
    cut.path = broken;
    cut.timeMs += 6000;
    obs.append(cut);
    Slit slit;
    slit.start = QPointF(-80, 0);
    slit.end = QPointF(40, 0);
    auto td = measureTimeDistance(obs, slit);
    QVERIFY2(td.ok(), qPrintable(td.errorString()));
    QCOMPARE(td->measured(), 4);
    QCOMPARE(td->profiles.size(), 5);
    QCOMPARE(td->profiles[2].file, broken);  // in time order
    QVERIFY(!td->profiles[2].measured());
    QVERIFY2(td->profiles[2].error.contains(QStringLiteral("truncated")) || td->profiles[2].error.contains(QStringLiteral("read")),
             qPrintable(td->profiles[2].error));
    // The CSV: a comment, a header with a column per sample, a row per measured profile, values as in the JSON.
    QFile f(csv);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = f.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), 1 + 1 + 4);
    QVERIFY(lines[0].startsWith("# time-distance 171 (DN/s)"));
    QCOMPARE(lines[1].split(',').size(), 2 + 61);
    QCOMPARE(lines[1].split(',').last(), QByteArray("120"));
    const QList<QByteArray> row = lines[2].split(',');
    QCOMPARE(row.size(), 2 + 61);
    const double first = profiles.at(0).toObject().value(QStringLiteral("values")).toArray().at(30).toDouble();
    QVERIFY(std::fabs(row[2 + 30].toDouble() - first) <= 1e-6 * std::fabs(first));

    // A slit outside the field of view: every profile says so, the command fails naming it.
    const auto outside = test::run(test::binPath(QStringLiteral("solarchip")),
                                   QStringList{QStringLiteral("timedistance"), QStringLiteral("--start"), QStringLiteral("500,500"),
                                               QStringLiteral("--end"), QStringLiteral("600,500"), QStringLiteral("--json")}
                                       + files);
    QVERIFY(outside.exitCode != 0);
    QVERIFY2(outside.out.contains("outside the file's field of view"), outside.out.constData());
    // No length.
    const auto none = test::run(test::binPath(QStringLiteral("solarchip")),
                                QStringList{QStringLiteral("timedistance"), QStringLiteral("--start"), QStringLiteral("5,5"),
                                            QStringLiteral("--end"), QStringLiteral("5,5")}
                                    + files);
    QVERIFY(none.exitCode != 0);
    QVERIFY2(none.err.contains("the slit needs a length"), none.err.constData());
}

QTEST_GUILESS_MAIN(TestTimeDistance)
#include "tst_timedistance.moc"
