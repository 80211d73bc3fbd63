// Does the synthetic Sun behave like the Sun? Measured on the written files with sunpy/astropy
// (tests/reference/synth_physics.py) against closed forms and the signs physics demands: differential
// rotation (sunpy's diff_rot, Snodgrass), limb brightening of the EUV corona and limb darkening of the
// continuum, coronal holes dark in 193/211, flares brightening their region (with AIA's exposure control).
#include "TestSupport.h"

#include "core/synthetic/SyntheticArchiveWriter.h"
#include "core/synthetic/SyntheticSun.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTimeZone>
#include <QtTest>

#include <cmath>

using namespace solarchip;

namespace {

QDateTime utc(int y, int mo, int d, int h = 0, int mi = 0)
{
    return QDateTime(QDate(y, mo, d), QTime(h, mi), QTimeZone::utc());
}

QJsonObject python(const QStringList &args)
{
    const auto r = test::runPython(QStringLiteral("synth_physics.py"), args);
    if (r.exitCode != 0)
        qWarning("synth_physics.py failed: %s", r.err.constData());
    return test::parseJson(r.out).object();
}

double value(const QJsonObject &o, const char *ch, const char *key)
{
    return o.value(QLatin1String(ch)).toObject().value(QLatin1String(key)).toDouble(std::nan(""));
}

// Largest value in a (2r+1)^2 window around a pixel.
float peakAround(const Image &im, double x, double y, int r)
{
    float best = -1e30f;
    for (int j = int(std::lround(y)) - r; j <= int(std::lround(y)) + r; ++j)
        for (int i = int(std::lround(x)) - r; i <= int(std::lround(x)) + r; ++i)
            if (i >= 0 && j >= 0 && i < im.width && j < im.height)
                best = std::max(best, im.at(i, j));
    return best;
}

}  // namespace

class TestSyntheticPhysics : public QObject {
    Q_OBJECT
private slots:
    void differentialRotation()
    {
        // Two regions, at 5 and 34 degrees, followed for two days in HMI magnetograms. sunpy measures the
        // leading spot's Carrington longitude; its drift must be omega(lat) - 14.1844 deg/day with omega
        // from sunpy's diff_rot(rot_type='snodgrass', frame_time='sidereal').
        auto dir = test::scratchDir();
        SyntheticOptions o;
        o.outDir = dir.path();
        o.start = utc(2011, 6, 7);
        o.days = 3;
        o.cadenceHours = 48;
        o.size = 512;
        o.channels = {QStringLiteral("hmi")};
        o.randomRegions = false;
        o.seed = 1;
        for (const auto &[lon, lat] : {std::pair{-190.0, 5.0}, {-180.0, 35.0}}) {
            SyntheticRegionSpec r;
            r.emergence = utc(2011, 5, 28);  // behind the east limb; on the disk and fully emerged on June 7
            r.lonDeg = lon;
            r.latDeg = lat;
            r.fluxMx = 3e22;
            r.lifetimeDays = 60;
            o.regions << r;
        }
        auto run = SyntheticArchiveWriter::run(o);
        QVERIFY2(run.ok(), qPrintable(run.errorString()));
        const QJsonObject res = python({QStringLiteral("rotation"), dir.path(), QStringLiteral("1"), QStringLiteral("2")});
        const QJsonArray steps = res.value(QStringLiteral("steps")).toArray();
        QCOMPARE(steps.size(), 2);
        double measured[2] = {0, 0};
        for (int k = 0; k < 2; ++k) {
            const QString id = QString::number(k + 1);
            const QJsonObject a = steps[0].toObject().value(QStringLiteral("regions")).toObject().value(id).toObject();
            const QJsonObject b = steps[1].toObject().value(QStringLiteral("regions")).toObject().value(id).toObject();
            QVERIFY(!a.isEmpty() && !b.isEmpty());
            const double days = QDateTime::fromString(a.value(QStringLiteral("date")).toString(), Qt::ISODate)
                                    .msecsTo(QDateTime::fromString(b.value(QStringLiteral("date")).toString(), Qt::ISODate)) / 86400000.0;
            double dlon = b.value(QStringLiteral("carrington_lon")).toDouble() - a.value(QStringLiteral("carrington_lon")).toDouble();
            dlon = std::remainder(dlon, 360.0);
            measured[k] = dlon / days;
            const double expected = a.value(QStringLiteral("rate_snodgrass_sidereal")).toDouble() - 14.1844;
            qInfo("region %d at latitude %.2f: Carrington drift %.4f deg/day measured, %.4f from sunpy's diff_rot",
                  k + 1, a.value(QStringLiteral("lat")).toDouble(), measured[k], expected);
            QVERIFY2(std::fabs(measured[k] - expected) < 0.03, qPrintable(QString::number(measured[k] - expected)));
        }
        // Differential: the high-latitude region falls behind by ~0.7 deg/day.
        QVERIFY(measured[0] - measured[1] > 0.6);
    }

    void limbProfiles()
    {
        auto dir = test::scratchDir();
        SyntheticOptions o;
        o.outDir = dir.path();
        o.start = utc(2011, 6, 7);
        o.days = 0.5;
        o.cadenceHours = 12;
        o.size = 256;
        o.channels = {QStringLiteral("171"), QStringLiteral("193"), QStringLiteral("211"), QStringLiteral("1700"),
                      QStringLiteral("hmi_ic"), QStringLiteral("4500")};
        o.randomRegions = false;
        o.activity = 1.2;  // polar holes closed: the limb is quiet Sun all round
        o.seed = 4;
        QVERIFY(SyntheticArchiveWriter::run(o).ok());
        const QJsonObject p = python({QStringLiteral("profile"), dir.path()});
        for (const char *ch : {"171", "193", "211"}) {
            const double centre = value(p, ch, "mu_0.9_1.0"), nearLimb = value(p, ch, "mu_0.1_0.2");
            const double above = value(p, ch, "rho_1.005_1.030"), high = value(p, ch, "rho_1.100_1.150"),
                         higher = value(p, ch, "rho_1.300_1.350");
            qInfo("%s: disk centre %.1f, mu 0.1-0.2 %.1f, above the limb %.1f, 1.1 R %.1f, 1.3 R %.1f", ch, centre,
                  nearLimb, above, high, higher);
            // Optically thin corona: brighter toward the limb and just above it than at disk centre, fading with
            // height above the limb.
            QVERIFY(nearLimb > 1.2 * centre);
            QVERIFY(above > 1.2 * centre);
            QVERIFY(high < above && higher < high);
            QVERIFY(value(p, ch, "mu_0.5_0.6") < nearLimb);
        }
        for (const char *ch : {"1700", "hmi_ic", "4500"}) {
            const double i1 = value(p, ch, "mu_0.9_1.0"), i2 = value(p, ch, "mu_0.7_0.8"), i3 = value(p, ch, "mu_0.5_0.6"),
                         i4 = value(p, ch, "mu_0.3_0.4"), i5 = value(p, ch, "mu_0.1_0.2");
            qInfo("%s: I(mu)/I(1) at mu 0.75 %.3f, 0.55 %.3f, 0.35 %.3f, 0.15 %.3f", ch, i2 / i1, i3 / i1, i4 / i1, i5 / i1);
            // Continuum: limb darkening, monotonic.
            QVERIFY(i1 > i2 && i2 > i3 && i3 > i4 && i4 > i5);
            QVERIFY(i5 < 0.8 * i1);
        }
        // Visible continuum: I(0.15)/I(1) ~ 0.48 from the Allen (1973) law at 600 nm; a broad check.
        const double ratio = value(p, "hmi_ic", "mu_0.1_0.2") / value(p, "hmi_ic", "mu_0.9_1.0");
        QVERIFY(ratio > 0.35 && ratio < 0.6);
    }

    void coronalHolesDarkIn193()
    {
        // Solar minimum, B0 = +7.2 deg: the northern polar hole faces SDO. Holes are dark in the 1-2 MK
        // lines (193, 211), much less so in 171 (a cooler, more transition-region-like passband).
        auto dir = test::scratchDir();
        SyntheticOptions o;
        o.outDir = dir.path();
        o.start = utc(2019, 9, 7);
        o.days = 0.5;
        o.cadenceHours = 12;
        o.size = 256;
        o.channels = {QStringLiteral("171"), QStringLiteral("193"), QStringLiteral("211")};
        o.seed = 2;
        auto run = SyntheticArchiveWriter::run(o);
        QVERIFY(run.ok());
        const QJsonObject h = python({QStringLiteral("holes"), dir.path()});
        double ratio[3];
        const char *chans[3] = {"171", "193", "211"};
        for (int i = 0; i < 3; ++i) {
            QVERIFY(value(h, chans[i], "polar_pixels") > 100 && value(h, chans[i], "quiet_pixels") > 1000);
            ratio[i] = value(h, chans[i], "polar_mean") / value(h, chans[i], "quiet_mean");
            qInfo("%s: polar hole / quiet Sun = %.3f", chans[i], ratio[i]);
        }
        QVERIFY(ratio[1] < 0.5);
        QVERIFY(ratio[2] < 0.5);
        QVERIFY(ratio[0] < 0.95);
        QVERIFY(ratio[0] > ratio[1] + 0.1);
    }

    void flaresBrightenTheirRegion()
    {
        // A flare-productive region; the same Sun rendered with and without flares at a flare's peak.
        SyntheticOptions o;
        o.start = utc(2012, 3, 6);
        o.days = 4;
        o.cadenceHours = 24;
        o.size = 256;
        o.channels = {QStringLiteral("131"), QStringLiteral("171"), QStringLiteral("1600")};
        o.randomRegions = false;
        o.seed = 9;
        SyntheticRegionSpec r;
        r.emergence = utc(2012, 3, 3);
        r.lonDeg = -50;
        r.latDeg = 18;
        r.fluxMx = 4e22;
        r.lifetimeDays = 40;
        r.flareRatePerDay = 3000;  // >= A1 per day: about 30 >= C1 and 3 >= M1
        o.regions << r;
        SyntheticSun with(o);
        o.flares = false;
        SyntheticSun without(o);
        const SyntheticFlare *mflare = nullptr;
        for (const SyntheticFlare &f : with.flares())
            if (f.visible && f.peakFlux >= kGoesM && std::fabs(f.lonDeg) < 60 && f.peak > o.start) {
                mflare = &f;
                break;
            }
        QVERIFY(mflare);
        const QDateTime t = mflare->peak;
        auto a = with.renderStep(t), b = without.renderStep(t);
        QVERIFY(a.ok() && b.ok());
        const QJsonObject truth = with.truth(t, *a);
        QJsonObject px;
        for (const QJsonValue &v : truth.value(QStringLiteral("flares_in_progress")).toArray())
            if (v.toObject().value(QStringLiteral("id")).toInt() == mflare->id)
                px = v.toObject().value(QStringLiteral("pixels")).toObject();
        QVERIFY(!px.isEmpty());
        for (int i = 0; i < a->size(); ++i) {
            const SyntheticFrame &fa = (*a)[i], &fb = (*b)[i];
            const QJsonObject p = px.value(fa.channel).toObject();
            const double x = p.value(QStringLiteral("x")).toDouble(), y = p.value(QStringLiteral("y")).toDouble();
            const double ea = fa.header.number(QStringLiteral("EXPTIME"), 0), eb = fb.header.number(QStringLiteral("EXPTIME"), 0);
            // Compare rates (DN/s): the flare frame may have a shorter exposure.
            const double withFlare = peakAround(fa.image, x, y, 4) / ea, quiet = peakAround(fb.image, x, y, 4) / eb;
            qInfo("%s at the %s peak: %.0f DN/s with the flare, %.0f without; EXPTIME %.3f vs %.3f s", qPrintable(fa.channel),
                  qPrintable(mflare->goesClass()), withFlare, quiet, ea, eb);
            if (fa.channel == QLatin1String("131")) {
                QVERIFY(withFlare > 3 * quiet);  // the 10 MK arcade: Fe XXI
                // AIA's automatic exposure control shortens the exposure of a saturating flare.
                QVERIFY(ea < eb);
                QCOMPARE(fa.header.number(QStringLiteral("AECTYPE"), 0), 2.0);
            }
            if (fa.channel == QLatin1String("1600"))
                QVERIFY(withFlare > 1.5 * quiet);  // ribbons
        }
    }
};

QTEST_GUILESS_MAIN(TestSyntheticPhysics)
#include "tst_synthetic_physics.moc"
