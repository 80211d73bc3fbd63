// Light curves of a box on the Sun (core/map/RegionMeasure, core/archive/LightCurve, `solarchip lightcurve`):
// - the affine shortcut RegionMeasure takes for pixels far from the box's edges picks exactly WCSLIB's pixels (600
//   random boxes on real files, half with an edge through a pixel centre);
// - the statistics of a box on real files against astropy alone (tests/reference/region_stats.py: astropy.io.fits
//   reads the RICE or plain HDU, astropy.wcs gives every pixel centre's helioprojective coordinates; not the code
//   under test's WCS path): the eight real AIA 304 level-0.5 frames of 2022-04-02 (DN divided by EXPTIME), the real
//   HMI cutout of NOAA 11158 rolled by 180 deg with the box half outside it, a synthetic full-disk magnetogram with
//   the box across the limb (off-disk NaN pixels counted apart);
// - the box carried by differential rotation against sunpy's RotatedSunFrame with the Snodgrass rates;
// - a synthetic archive through the command line (positions, values, CSV);
// - bad input: a Helioviewer JPEG2000 file, a heliographic SHARP map, a box outside a cut-out, a truncated file
//   among good ones (its point carries the reason, the curve goes on), an off-disk centre asked to rotate.
#include "TestSupport.h"

#include "core/archive/LightCurve.h"
#include "core/map/FitsReader.h"
#include "core/map/MapFile.h"
#include "core/map/PixelFrame.h"
#include "core/map/RegionMeasure.h"
#include "core/map/SdoTime.h"
#include "core/map/SunEphemeris.h"

#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QTimeZone>
#include <QtTest>

#include <cmath>
#include <random>

using namespace solarchip;

namespace {

QJsonObject referenceBox(const QString &file, const SkyBox &b)
{
    const auto r = test::runPython(QStringLiteral("region_stats.py"),
                                   {QStringLiteral("box"), file, QString::number(b.tx, 'g', 17), QString::number(b.ty, 'g', 17),
                                    QString::number(b.width, 'g', 17), QString::number(b.height, 'g', 17)});
    if (r.exitCode != 0)
        qWarning() << r.err;
    return test::parseJson(r.out).object();
}

// Every statistic against the reference: counts exactly, values to 1e-6 relative (the files hold float32 or
// scaled integers; both sides sum in double).
QString compare(const RegionMeasure &m, const QJsonObject &ref)
{
    QStringList problems;
    if (m.pixels != ref.value(QStringLiteral("pixels")).toInteger())
        problems << QStringLiteral("pixels %1 vs %2").arg(m.pixels).arg(ref.value(QStringLiteral("pixels")).toInteger());
    if (m.nanPixels != ref.value(QStringLiteral("nan_pixels")).toInteger())
        problems << QStringLiteral("nan_pixels %1 vs %2").arg(m.nanPixels).arg(ref.value(QStringLiteral("nan_pixels")).toInteger());
    if (m.perSecond != ref.value(QStringLiteral("per_second")).toBool())
        problems << QStringLiteral("per_second %1").arg(m.perSecond);
    const std::pair<const char *, double> values[] = {{"mean", m.mean}, {"mean_abs", m.meanAbs}, {"min", m.min},
                                                      {"max", m.max},   {"std", m.std},         {"sum", m.sum}};
    for (const auto &[key, v] : values) {
        const double want = ref.value(QLatin1String(key)).toDouble();
        if (!(std::fabs(v - want) <= 1e-6 * std::max(1.0, std::fabs(want))))
            problems << QStringLiteral("%1 %2 vs %3").arg(QLatin1String(key)).arg(v, 0, 'g', 12).arg(want, 0, 'g', 12);
    }
    return problems.join(QStringLiteral("; "));
}

QStringList filesUnder(const QString &dir, const QString &pattern)
{
    QStringList out;
    QDirIterator it(dir, {pattern}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        out << it.next();
    out.sort();
    return out;
}

QPointF sunpyRotated(double tx, double ty, qint64 fromMs, qint64 toMs)
{
    auto iso = [](qint64 ms) { return SdoTime::toIso(QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc())); };
    const auto r = test::runPython(QStringLiteral("region_stats.py"),
                                   {QStringLiteral("rotate"), QString::number(tx, 'g', 17), QString::number(ty, 'g', 17),
                                    iso(fromMs), iso(toMs)});
    if (r.exitCode != 0)
        qWarning() << r.err;
    const QJsonObject o = test::parseJson(r.out).object();
    return QPointF(o.value(QStringLiteral("tx")).toDouble(), o.value(QStringLiteral("ty")).toDouble());
}

qint64 msOf(const char *iso)
{
    return SdoTime::parseUserTime(QString::fromLatin1(iso))->toMSecsSinceEpoch();
}

}  // namespace

class TestLightCurve : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void realAia304FramesAgainstAstropy()
    {
        SOLARCHIP_REQUIRE_SDO();
        const QStringList files = filesUnder(test::sdoFile(QStringLiteral("fits")), QStringLiteral("AIA20220402_*_0304.fits"));
        QCOMPARE(files.size(), 8);
        const SkyBox box{920, 260, 60, 40};  // a bright patch of the cut-out near the west limb
        for (const QString &f : files) {
            auto m = measureRegion(f, box);
            QVERIFY2(m, qPrintable(m.errorString()));
            QCOMPARE(m->unit, QStringLiteral("DN/s"));
            QVERIFY(m->perSecond && m->exptime > 2.9 && m->exptime < 2.91);
            const QString problems = compare(*m, referenceBox(f, box));
            QVERIFY2(problems.isEmpty(), qPrintable(f + QStringLiteral(": ") + problems));
            // A 60" x 40" box at 0.6"/px holds about 6667 pixel centres.
            QVERIFY(std::abs(m->pixels - 6667) < 40);
        }
    }

    void rolledHmiCutoutHalfOutside()
    {
        SOLARCHIP_REQUIRE_SDO();
        // CROTA2 = 179.93: the file's rows run south to north reversed; its field spans Tx 50..300", Ty -350..-100".
        const QString f = test::sdoFile(QStringLiteral("fits/sdo-hmi_2011-02-14_20-34-12.fits"));
        for (const SkyBox &box : {SkyBox{200, -250, 100, 80}, SkyBox{300, -225, 100, 100}}) {
            auto m = measureRegion(f, box);
            QVERIFY2(m, qPrintable(m.errorString()));
            QCOMPARE(m->unit, QStringLiteral("Gauss"));
            QVERIFY(!m->perSecond);
            const QString problems = compare(*m, referenceBox(f, box));
            QVERIFY2(problems.isEmpty(), qPrintable(problems));
        }
        // The half outside the cut-out: about half a 100" box's (100/0.504)^2 = 39 368 pixels.
        auto half = measureRegion(f, SkyBox{300, -225, 100, 100});
        QVERIFY(half->pixels > 17000 && half->pixels < 22000);
    }

    void affineShortcutPicksWcslibsPixels()
    {
        SOLARCHIP_REQUIRE_SDO();
        // RegionMeasure decides most pixels through an affine fit of the WCS and only those near the box's edges
        // through WCSLIB; it must pick exactly WCSLIB's pixels. 300 boxes per file, half of them with an edge
        // through a pixel centre (the hardest case), on a rolled HMI cutout and an AIA frame.
        std::mt19937 rng(7);
        for (const char *name : {"fits/sdo-hmi_2011-02-14_20-34-12.fits", "fits/AIA20220402_131341_0304.fits"}) {
            const QString file = test::sdoFile(QLatin1String(name));
            auto frame = MapFile::readFrame(file);
            QVERIFY(frame);
            auto image = FitsReader::read(file);
            QVERIFY(image);
            const QRect all(0, 0, frame->width, frame->height);
            std::uniform_real_distribution<double> px(0, frame->width - 1), py(0, frame->height - 1), side(2, 150);
            for (int k = 0; k < 300; ++k) {
                double cx = 0, cy = 0;
                QVERIFY(frame->wcs.pixelToHelioprojective(px(rng), py(rng), cx, cy));
                SkyBox box{cx, cy, side(rng), side(rng)};
                if (k % 2) {  // the left edge through the centre of an integer pixel
                    double ex = 0, ey = 0;
                    QVERIFY(frame->wcs.pixelToHelioprojective(std::round(px(rng)), std::round(py(rng)), ex, ey));
                    box.tx = ex + box.width / 2;
                    box.ty = ey;
                }
                auto rect = regionPixelRect(file, *frame, box);
                if (!rect)
                    continue;  // outside the cut-out
                long long want = 0;
                std::vector<double> xy(2), world(2);
                for (int y = rect->top(); y <= rect->bottom(); ++y)
                    for (int x = rect->left(); x <= rect->right(); ++x) {
                        xy = {double(x), double(y)};
                        frame->wcs.pixelToWorld(xy.data(), world.data(), 1);
                        want += std::fabs(world[0] - box.tx) <= box.width / 2 && std::fabs(world[1] - box.ty) <= box.height / 2
                                && std::isfinite(image->image.at(x, y));
                    }
                auto got = measureRegionPixels(file, *frame, box, image->image, 0, 0, *rect);
                QCOMPARE(got ? got->pixels : 0LL, want);
            }
        }
    }

    void syntheticLimbCountsBlankPixelsApart()
    {
        const QTemporaryDir dir = test::scratchDir();
        const auto made = test::run(test::binPath(QStringLiteral("solarchip")),
                                    {QStringLiteral("synth"), dir.path(), QStringLiteral("--start"), QStringLiteral("2013-06-01T00:00"),
                                     QStringLiteral("--days"), QStringLiteral("1"), QStringLiteral("--cadence"), QStringLiteral("24"),
                                     QStringLiteral("--size"), QStringLiteral("256"), QStringLiteral("--channels"),
                                     QStringLiteral("hmi"), QStringLiteral("--seed"), QStringLiteral("11")});
        QVERIFY2(made.exitCode == 0, made.err.constData());
        const QStringList hmi = filesUnder(dir.path(), QStringLiteral("*magnetogram.fits"));
        QCOMPARE(hmi.size(), 1);
        const SkyBox acrossLimb{0, 950, 200, 100};
        auto m = measureRegion(hmi.first(), acrossLimb);
        QVERIFY2(m, qPrintable(m.errorString()));
        QVERIFY(m->nanPixels > 50 && m->pixels > 50);
        const QString problems = compare(*m, referenceBox(hmi.first(), acrossLimb));
        QVERIFY2(problems.isEmpty(), qPrintable(problems));
        // Wholly off the disk: no data, and the message says so.
        auto off = measureRegion(hmi.first(), SkyBox{0, 1010, 100, 20});  // (the disk's edge is at 946")
        QVERIFY(!off);
        QVERIFY2(off.error().message.contains(QStringLiteral("all blank")), qPrintable(off.errorString()));
    }

    void followsDifferentialRotationAsSunpy()
    {
        // Points seen from Earth, carried 1 to 5 days; the observer at the target time is the Earth (sunpy's
        // get_earth; ours from SunEphemeris, within 0.006 deg of sunpy), on sunpy's default solar radius.
        struct Case {
            double tx, ty;
            const char *from, *to;
        };
        const Case cases[] = {{-300, 200, "2013-06-01T00:00:00", "2013-06-04T06:00:00"},
                              {-600, -350, "2011-02-14T20:35:00", "2011-02-15T20:35:00"},
                              {100, 500, "2014-12-20T12:00:00", "2014-12-25T12:00:00"},
                              {-500, 0, "2022-04-02T13:13:42", "2022-04-01T13:13:42"}};  // backwards in time
        for (const Case &c : cases) {
            LightCurveRegion region;
            region.box = SkyBox{c.tx, c.ty, 50, 50};
            region.referenceMs = msOf(c.from);
            region.followRotation = true;
            const qint64 to = msOf(c.to);
            const SunEphemeris eph = SunEphemeris::at(QDateTime::fromMSecsSinceEpoch(to, QTimeZone::utc()));
            Observer earth;
            earth.hglt = eph.b0Deg;
            earth.dsun = eph.distanceM;
            earth.rsun = 695700000.0;
            auto ours = regionCentreAt(region, to, earth);
            QVERIFY2(ours, qPrintable(ours.errorString()));
            const QPointF want = sunpyRotated(c.tx, c.ty, region.referenceMs, to);
            QVERIFY2(std::hypot(ours->x() - want.x(), ours->y() - want.y()) < 0.5,
                     qPrintable(QStringLiteral("%1 -> (%2, %3) vs sunpy (%4, %5)").arg(c.from).arg(ours->x()).arg(ours->y())
                                    .arg(want.x()).arg(want.y())));
            // Moved west by about 13 deg/day near the equator: not a no-op.
            QVERIFY(std::fabs(ours->x() - c.tx) > 100);
            // Fixed on the sky: the box's own centre.
            region.followRotation = false;
            QCOMPARE(*regionCentreAt(region, to, earth), QPointF(c.tx, c.ty));
        }
        // Past the west limb after five days; an off-disk centre cannot rotate.
        LightCurveRegion west{SkyBox{850, 0, 50, 50}, msOf("2013-06-01T00:00:00"), true};
        Observer earth;
        auto behind = regionCentreAt(west, msOf("2013-06-06T00:00:00"), earth);
        QVERIFY(!behind);
        QVERIFY2(behind.error().message.contains(QStringLiteral("behind the limb")), qPrintable(behind.errorString()));
        LightCurveRegion offDisk{SkyBox{0, 1100, 50, 50}, msOf("2013-06-01T00:00:00"), true};
        auto off = regionCentreAt(offDisk, msOf("2013-06-02T00:00:00"), earth);
        QVERIFY(!off);
        QVERIFY2(off.error().message.contains(QStringLiteral("off the disk")), qPrintable(off.errorString()));
    }

    void archiveCurveThroughTheCommandLine()
    {
        const QTemporaryDir dir = test::scratchDir();
        const QString archive = dir.path() + QStringLiteral("/archive");
        const auto made = test::run(test::binPath(QStringLiteral("solarchip")),
                                    {QStringLiteral("synth"), archive, QStringLiteral("--start"), QStringLiteral("2013-06-01T00:00"),
                                     QStringLiteral("--days"), QStringLiteral("4"), QStringLiteral("--cadence"), QStringLiteral("24"),
                                     QStringLiteral("--size"), QStringLiteral("256"), QStringLiteral("--channels"),
                                     QStringLiteral("hmi,171"), QStringLiteral("--seed"), QStringLiteral("11")});
        QVERIFY2(made.exitCode == 0, made.err.constData());
        const QString csv = dir.path() + QStringLiteral("/curve.csv");
        const auto r = test::run(test::binPath(QStringLiteral("solarchip")),
                                 {QStringLiteral("lightcurve"), QStringLiteral("--archive"), archive, QStringLiteral("--center"),
                                  QStringLiteral("-400,150"), QStringLiteral("--size"), QStringLiteral("150,100"),
                                  QStringLiteral("--follow-rotation"), QStringLiteral("--reference"),
                                  QStringLiteral("2013-06-02T00:00"), QStringLiteral("--csv"), csv, QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject out = test::parseJson(r.out).object();
        const QJsonObject curves = out.value(QStringLiteral("curves")).toObject();
        QCOMPARE(curves.keys(), (QStringList{QStringLiteral("171"), QStringLiteral("hmi")}));
        QCOMPARE(curves.value(QStringLiteral("171")).toObject().value(QStringLiteral("unit")).toString(), QStringLiteral("DN/s"));
        QCOMPARE(curves.value(QStringLiteral("hmi")).toObject().value(QStringLiteral("unit")).toString(), QStringLiteral("Gauss"));
        const qint64 reference = SdoTime::parseUserTime(out.value(QStringLiteral("region")).toObject()
                                                            .value(QStringLiteral("reference")).toString())->toMSecsSinceEpoch();
        for (const QString &channel : curves.keys()) {
            const QJsonArray points = curves.value(channel).toObject().value(QStringLiteral("points")).toArray();
            QCOMPARE(points.size(), 4);
            for (const QJsonValue &v : points) {
                const QJsonObject p = v.toObject();
                QVERIFY2(!p.contains(QStringLiteral("error")), qPrintable(p.value(QStringLiteral("error")).toString()));
                const qint64 t = SdoTime::parseUserTime(p.value(QStringLiteral("time")).toString())->toMSecsSinceEpoch();
                // The synthetic observer is the Earth's (HGLN_OBS 0): sunpy's rotated position within 2".
                const QPointF want = sunpyRotated(-400, 150, reference, t);
                const QPointF got(p.value(QStringLiteral("tx")).toDouble(), p.value(QStringLiteral("ty")).toDouble());
                QVERIFY2(std::hypot(got.x() - want.x(), got.y() - want.y()) < 2.0,
                         qPrintable(QStringLiteral("%1 %2: (%3, %4) vs sunpy (%5, %6)").arg(channel, p.value(QStringLiteral("time")).toString())
                                        .arg(got.x()).arg(got.y()).arg(want.x()).arg(want.y())));
            }
            // The last point's values against astropy at the position the command used.
            const QJsonObject last = points.last().toObject();
            const QJsonObject ref = referenceBox(last.value(QStringLiteral("file")).toString(),
                                                 SkyBox{last.value(QStringLiteral("tx")).toDouble(),
                                                        last.value(QStringLiteral("ty")).toDouble(), 150, 100});
            QCOMPARE(last.value(QStringLiteral("pixels")).toInteger(), ref.value(QStringLiteral("pixels")).toInteger());
            const double mean = last.value(QStringLiteral("mean")).toDouble(), want = ref.value(QStringLiteral("mean")).toDouble();
            QVERIFY2(std::fabs(mean - want) <= 1e-6 * std::max(1.0, std::fabs(want)), qPrintable(QString::number(mean)));
        }
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 9);  // header + 2 channels x 4 times
        QVERIFY(lines.first().startsWith("channel,time,file,tx,ty,width,height,unit,mean"));
    }

    void badInputIsNamedAndTheCurveGoesOn()
    {
        SOLARCHIP_REQUIRE_SDO();
        auto jp2 = measureRegion(test::sdoFile(QStringLiteral("jp2/2013_06_24__17_31_30_84__SDO_AIA_AIA_193.jp2")),
                                 SkyBox{0, 0, 100, 100});
        QVERIFY(!jp2);
        QVERIFY2(jp2.error().message.contains(QStringLiteral("Helioviewer")), qPrintable(jp2.errorString()));
        auto cea = measureRegion(test::sdoFile(QStringLiteral("fits/hmi.sharp_cea_720s.377.20110215_020000_TAI.magnetogram.fits")),
                                 SkyBox{0, 0, 100, 100});
        QVERIFY(!cea);
        QVERIFY2(cea.error().message.contains(QStringLiteral("heliographic")), qPrintable(cea.errorString()));
        const QString cutout = test::sdoFile(QStringLiteral("fits/aia_171_cutout.fits"));
        auto outside = measureRegion(cutout, SkyBox{-900, -900, 50, 50});
        QVERIFY(!outside);
        QVERIFY2(outside.error().message.contains(QStringLiteral("outside")), qPrintable(outside.errorString()));
        QCOMPARE(outside.error().file, cutout);

        // A truncated copy among the real frames: its point names the problem, the others are measured.
        const QTemporaryDir dir = test::scratchDir();
        const QStringList files = filesUnder(test::sdoFile(QStringLiteral("fits")), QStringLiteral("AIA20220402_*_0304.fits"));
        QFile whole(files[3]);
        QVERIFY(whole.open(QIODevice::ReadOnly));
        const QString cut = dir.path() + QStringLiteral("/cut_0304.fits");
        QFile part(cut);
        QVERIFY(part.open(QIODevice::WriteOnly));
        part.write(whole.readAll().left(100000));
        part.close();
        QVector<Observation> observations;
        for (const QString &f : files) {
            auto info = MapFile::readInfo(f);
            QVERIFY(info);
            Observation o;
            o.setFromFile(*info);
            o.path = f == files[3] ? cut : f;
            observations << o;
        }
        int calls = 0;
        const auto curves = measureLightCurves(observations, LightCurveRegion{SkyBox{920, 260, 60, 40}, 0, false},
                                               [&](int done, int total) {
                                                   ++calls;
                                                   return done <= total;
                                               });
        QCOMPARE(calls, 8);
        QCOMPARE(curves.size(), 1);
        QCOMPARE(curves[0].measured(), 7);
        QVERIFY(!curves[0].points[3].measure);
        QVERIFY2(curves[0].points[3].error.contains(QStringLiteral("truncated")), qPrintable(curves[0].points[3].error));
        // Cancelled after three files: what was measured is kept.
        const auto stopped = measureLightCurves(observations, LightCurveRegion{SkyBox{920, 260, 60, 40}, 0, false},
                                                [](int done, int) { return done < 3; });
        QCOMPARE(stopped[0].points.size(), 3);
    }
};

QTEST_GUILESS_MAIN(TestLightCurve)
#include "tst_lightcurve.moc"
