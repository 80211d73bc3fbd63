// The synthetic archive: geometry against core's WCSLIB path, header conventions against the real files,
// determinism, resume after a kill, the flare-size power law and rates, options and the CLI.
#include "TestSupport.h"

#include "core/map/FitsReader.h"
#include "core/map/MapMeta.h"
#include "core/map/SdoMap.h"
#include "core/map/SunEphemeris.h"
#include "core/synthetic/SyntheticChannel.h"
#include "core/synthetic/SyntheticFrameSpec.h"
#include "core/map/DifferentialRotation.h"
#include "core/synthetic/SyntheticArchiveWriter.h"
#include "core/synthetic/SyntheticSun.h"
#include "core/map/Wcs.h"

#include <QCryptographicHash>
#include <QDirIterator>
#include <QProcess>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTimeZone>
#include <QtTest>

#include <cmath>

using namespace solarchip;

namespace {

QDateTime utc(int y, int mo, int d, int h = 0, int mi = 0)
{
    return QDateTime(QDate(y, mo, d), QTime(h, mi), QTimeZone::utc());
}

SyntheticOptions smallRun(const QString &out, quint64 seed = 7)
{
    SyntheticOptions o;
    o.outDir = out;
    o.start = utc(2011, 6, 7);
    o.days = 1;
    o.cadenceHours = 12;
    o.size = 96;
    o.channels = {QStringLiteral("hmi"), QStringLiteral("171"), QStringLiteral("1600")};
    o.seed = seed;
    o.threads = 2;
    return o;
}

// Relative path -> SHA-1 of every file under a folder (the lock file aside).
QMap<QString, QByteArray> digest(const QString &root)
{
    QMap<QString, QByteArray> out;
    QDirIterator it(root, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (path.endsWith(QLatin1String(".synth.lock")))
            continue;
        QFile f(path);
        if (f.open(QIODevice::ReadOnly))
            out.insert(QDir(root).relativeFilePath(path), QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha1));
    }
    return out;
}

}  // namespace

class TestSynthetic : public QObject {
    Q_OBJECT
private slots:
    void geometryMatchesCoreWcs_data()
    {
        QTest::addColumn<QString>("channel");
        QTest::addColumn<int>("size");
        QTest::newRow("171 256") << "171" << 256;
        QTest::newRow("1600 512") << "1600" << 512;
        QTest::newRow("hmi 256") << "hmi" << 256;
        QTest::newRow("hmi 4096") << "hmi" << 4096;
        QTest::newRow("94 4096") << "94" << 4096;
    }
    void geometryMatchesCoreWcs()
    {
        // The renderer's closed-form pixel -> sphere mapping must be what core's WCS (WCSLIB) says for the
        // header the file carries.
        QFETCH(QString, channel);
        QFETCH(int, size);
        const SyntheticChannel *ch = SyntheticChannel::find(channel);
        QVERIFY(ch);
        const SyntheticFrameSpec spec = SyntheticFrameSpec::make(*ch, utc(2014, 2, 25, 6), size, 3);
        const FitsHeader h = spec.header(SyntheticImageStats{}, spec.exptime, false, 3);
        auto meta = MapMeta::fromHeader(h, spec.fileName);
        QVERIFY2(meta.ok(), qPrintable(meta.errorString()));
        meta->naxis1 = meta->naxis2 = size;
        auto wcs = Wcs::fromHeader(h, *meta);
        QVERIFY2(wcs.ok(), qPrintable(wcs.errorString()));
        const SyntheticFrameGeometry &g = spec.geometry;
        int checked = 0;
        for (int j = 1; j < 20; ++j)
            for (int i = 1; i < 20; ++i) {
                const double px = (size - 1) * i / 20.0, py = (size - 1) * j / 20.0;
                double tx = 0, ty = 0, p[3], mu = 0, rho = 0;
                g.pixelToTangent(px, py, tx, ty);
                const bool onDisk = g.tangentToSurface(tx, ty, p, mu, rho);
                LonLat ref;
                const bool refOn = wcs->pixelToStonyhurst(px, py, ref);
                QCOMPARE(onDisk, refOn);
                if (!onDisk)
                    continue;
                double hgs[3], lon = 0, lat = 0;
                // heliocentric -> Stonyhurst is the transpose of hgsToHelio
                for (int k = 0; k < 3; ++k)
                    hgs[k] = g.hgsToHelio[0][k] * p[0] + g.hgsToHelio[1][k] * p[1] + g.hgsToHelio[2][k] * p[2];
                SyntheticFrameGeometry::vectorToLonLat(hgs, lon, lat);
                QVERIFY2(std::fabs(lon - ref.lon) < 1e-6 && std::fabs(lat - ref.lat) < 1e-6,
                         qPrintable(QStringLiteral("pixel %1,%2: %3,%4 vs WCS %5,%6").arg(px).arg(py).arg(lon).arg(lat).arg(ref.lon).arg(ref.lat)));
                // And back: the surface point projects onto the same pixel, unhidden.
                double bx = 0, by = 0;
                bool hidden = true;
                QVERIFY(g.helioToPixel(p, bx, by, &hidden));
                QVERIFY(!hidden);
                QVERIFY(std::fabs(bx - px) < 1e-6 && std::fabs(by - py) < 1e-6);
                ++checked;
            }
        QVERIFY(checked > 150);
    }

    void headerConventions_data()
    {
        QTest::addColumn<QString>("channel");
        QTest::addColumn<QString>("instrume");
        for (const auto &[c, i] : {std::pair{"94", "AIA_4"}, {"304", "AIA_4"}, {"131", "AIA_1"}, {"335", "AIA_1"},
                                   {"171", "AIA_3"}, {"1600", "AIA_3"}, {"1700", "AIA_3"}, {"4500", "AIA_3"},
                                   {"193", "AIA_2"}, {"211", "AIA_2"}, {"hmi", "HMI_SIDE1"}, {"hmi_ic", "HMI_SIDE1"}})
            QTest::newRow(c) << QString::fromLatin1(c) << QString::fromLatin1(i);
    }
    void headerConventions()
    {
        QFETCH(QString, channel);
        QFETCH(QString, instrume);
        const int size = 1024;
        const QDateTime step = utc(2011, 6, 7);
        const SyntheticFrameSpec spec = SyntheticFrameSpec::make(*SyntheticChannel::find(channel), step, size, 1);
        const FitsHeader h = spec.header(SyntheticImageStats{}, spec.exptime, false, 1);
        QCOMPARE(h.string(QStringLiteral("INSTRUME"), {}), instrume);
        const auto meta = MapMeta::fromHeader(h, spec.fileName);
        QVERIFY2(meta.ok(), qPrintable(meta.errorString()));
        QCOMPARE(meta->channel, channel);
        QCOMPARE(h.string(QStringLiteral("CTYPE1"), {}), QStringLiteral("HPLN-TAN"));
        QCOMPARE(h.string(QStringLiteral("CUNIT1"), {}), QStringLiteral("arcsec"));
        QCOMPARE(h.number(QStringLiteral("CRVAL1"), 1), 0.0);
        const double centre = (size + 1) / 2.0;
        QVERIFY(std::fabs(meta->crpix1 - centre) < 4 && meta->crpix1 != centre);
        QVERIFY(std::fabs(meta->crpix2 - centre) < 4 && meta->crpix2 != centre);
        const double rsunArcsec = SunEphemeris::at(meta->tObs).radiusArcsec;
        QVERIFY(std::fabs(meta->rsunObs - rsunArcsec) < 1.0);  // 696 vs 695.7 Mm and SDO's orbit: < 0.5"
        // Observer: Carrington = Stonyhurst + L0 of the date; SDO within its orbit of the Earth.
        const SunEphemeris eph = SunEphemeris::at(meta->tObs);
        QVERIFY(std::fabs(std::remainder(meta->crlnObs - meta->hglnObs - eph.l0Deg, 360.0)) < 1e-6);
        QVERIFY(std::fabs(meta->dsunObs - eph.distanceM) < 5e7);
        QVERIFY(std::fabs(meta->hgltObs - eph.b0Deg) < 0.03);
        QVERIFY(std::fabs(meta->hglnObs) < 0.03);
        if (channel.startsWith(QLatin1String("hmi"))) {
            // HMI: ~0.504"/px at 4096, stored upside down, TAI times, 720 s slots.
            QVERIFY(std::fabs(meta->cdelt1 - 0.504 * 4096 / size) < 0.002 * 4096 / size);
            QVERIFY(std::fabs(meta->crota2 - 179.93) < 0.05);
            QVERIFY(h.string(QStringLiteral("T_OBS"), {}).endsWith(QLatin1String("_TAI")));
            QCOMPARE(h.string(QStringLiteral("T_REC"), {}), QStringLiteral("2011.06.07_00:00:00_TAI"));
            QCOMPARE(h.string(QStringLiteral("TELESCOP"), {}), QStringLiteral("SDO/HMI"));
            QVERIFY(std::fabs(meta->tObs.secsTo(step)) < 60);
            const QString fn = channel == QLatin1String("hmi") ? QStringLiteral("hmi.M_720s.20110607_000000_TAI.1.magnetogram.fits")
                                                               : QStringLiteral("hmi.Ic_720s.20110607_000000_TAI.1.continuum.fits");
            QCOMPARE(spec.fileName, fn);
            QCOMPARE(h.string(QStringLiteral("CONTENT"), {}),
                     channel == QLatin1String("hmi") ? QStringLiteral("MAGNETOGRAM") : QStringLiteral("CONTINUUM INTENSITY"));
            QCOMPARE(meta->unit, channel == QLatin1String("hmi") ? QStringLiteral("Gauss") : QStringLiteral("DN/s"));
        } else {
            QVERIFY(std::fabs(meta->cdelt1 - 0.6 * 4096 / size) < 0.02 * 4096 / size);
            QVERIFY(std::fabs(meta->crota2) < 1.0 && meta->crota2 != 0.0);
            QCOMPARE(meta->level, 1.0);
            QCOMPARE(meta->unit, QStringLiteral("DN"));
            QCOMPARE(h.string(QStringLiteral("TELESCOP"), {}), QStringLiteral("SDO/AIA"));
            QCOMPARE(h.number(QStringLiteral("WAVELNTH"), 0), channel.toDouble());
            QVERIFY(meta->exptime > 0.5 && meta->exptime < 3.0);
            // JSOC export name: aia.lev1.<wl>A_<DATE-OBS with _ for :>Z.image_lev1.fits
            static const QRegularExpression name(QStringLiteral(R"(^aia\.lev1\.(\d+)A_(\d{4}-\d\d-\d\d)T(\d\d)_(\d\d)_(\d\d\.\d\d)Z\.image_lev1\.fits$)"));
            const auto m = name.match(spec.fileName);
            QVERIFY2(m.hasMatch(), qPrintable(spec.fileName));
            QCOMPARE(m.captured(1), channel);
            QCOMPARE(QStringLiteral("%1T%2:%3:%4").arg(m.captured(2), m.captured(3), m.captured(4), m.captured(5)),
                     h.string(QStringLiteral("DATE-OBS"), {}));
            QVERIFY(std::fabs(meta->tObs.msecsTo(step)) < 25000);  // within the 24 s AIA sequence
        }
    }

    void timeFormatsLikeRealFiles()
    {
        // T_OBS / DATE-OBS / T_REC written exactly in the shapes of the real AIA and HMI headers.
        SOLARCHIP_REQUIRE_SDO();
        auto shape = [](QString s) {
            static const QRegularExpression digits(QStringLiteral("\\d"));
            return s.replace(digits, QStringLiteral("9"));
        };
        auto aiaInfo = FitsReader::readInfo(test::sdoFile(QStringLiteral("fits/aia_171_level1.fits")));
        auto hmiInfo = FitsReader::readInfo(test::sdoFile(QStringLiteral("fits/sdo-hmi_2011-02-14_20-34-12.fits")));
        QVERIFY2(aiaInfo.ok() && hmiInfo.ok(), "cannot read the real headers");
        const FitsHeader *aia = &aiaInfo->header, *hmi = &hmiInfo->header;
        const SyntheticFrameSpec a = SyntheticFrameSpec::make(*SyntheticChannel::find(QStringLiteral("171")), utc(2011, 6, 7), 256, 1);
        const SyntheticFrameSpec m = SyntheticFrameSpec::make(*SyntheticChannel::find(QStringLiteral("hmi")), utc(2011, 6, 7), 256, 1);
        const FitsHeader ha = a.header({}, a.exptime, false, 1), hm = m.header({}, m.exptime, false, 1);
        for (const char *k : {"T_OBS", "DATE-OBS", "T_REC"})
            QCOMPARE(shape(ha.string(QString::fromLatin1(k), {})), shape(aia->string(QString::fromLatin1(k), {})));
        for (const char *k : {"T_OBS", "DATE-OBS", "T_REC"})
            QCOMPARE(shape(hm.string(QString::fromLatin1(k), {})), shape(hmi->string(QString::fromLatin1(k), {})));
        for (const char *k : {"WAVEUNIT", "PIXLUNIT", "CTYPE2", "TELESCOP", "CUNIT2", "TRECEPOC"})
            QCOMPARE(ha.string(QString::fromLatin1(k), {}), aia->string(QString::fromLatin1(k), {}));
        for (const char *k : {"BUNIT", "CONTENT", "CTYPE1", "TELESCOP", "TRECEPOC"})
            QCOMPARE(hm.string(QString::fromLatin1(k), {}), hmi->string(QString::fromLatin1(k), {}));
    }

    void filesReadBackByCore()
    {
        auto dir = test::scratchDir();
        SyntheticOptions o = smallRun(dir.path());
        o.channels = {QStringLiteral("hmi"), QStringLiteral("171"), QStringLiteral("hmi_ic")};
        auto r = SyntheticArchiveWriter::run(o);
        QVERIFY2(r.ok(), qPrintable(r.errorString()));
        QCOMPARE(r->written, 6);
        QDirIterator it(dir.path(), {QStringLiteral("*.fits")}, QDir::Files, QDirIterator::Subdirectories);
        int n = 0;
        while (it.hasNext()) {
            const QString path = it.next();
            auto map = SdoMap::load(path);
            QVERIFY2(map.ok(), qPrintable(map.errorString()));
            QCOMPARE(map->source.hdu, 2);  // the image in HDU 2 (1-based), as real AIA/HMI files
            QVERIFY(map->source.compressed);
            const ImageStats s = computeStats(map->image);
            if (map->meta.channel == QLatin1String("171")) {
                QCOMPARE(map->meta.bitpix, 16);
                QCOMPARE(s.nanCount, 0LL);
                QVERIFY(s.min >= -50 && s.max <= 16383);
            } else {
                // HMI: NaN off the disk (a disk of radius R_SUN pixels covers pi/4 * (2R/N)^2 of the image).
                const double rpx = map->meta.rsunObs / map->meta.cdelt1;
                const double diskFraction = M_PI * rpx * rpx / (96.0 * 96.0);
                QVERIFY(std::fabs(1.0 - double(s.nanCount) / map->image.size() - diskFraction) < 0.03);
                if (map->meta.channel == QLatin1String("hmi"))
                    QVERIFY(std::fabs(s.mean) < 30 && s.max > 50);  // Gauss: mixed polarity around zero
                else
                    QVERIFY(s.mean > 30000 && s.max < 80000);       // DN/s continuum
            }
            ++n;
        }
        QCOMPARE(n, 6);
    }

    void deterministicPerSeed()
    {
        auto a = test::scratchDir(), b = test::scratchDir(), c = test::scratchDir();
        SyntheticOptions o = smallRun(a.path());
        QVERIFY(SyntheticArchiveWriter::run(o).ok());
        o.outDir = b.path();
        o.threads = 1;  // a different thread count must not change a byte
        QVERIFY(SyntheticArchiveWriter::run(o).ok());
        o.outDir = c.path();
        o.seed = 8;
        QVERIFY(SyntheticArchiveWriter::run(o).ok());
        const auto da = digest(a.path()), db = digest(b.path()), dc = digest(c.path());
        // FITS, truth per step, manifest, the flare list and the list with sites, a region summary for June 7 and one
        // for June 8
        QCOMPARE(da.size(), 3 * 2 + 2 + 1 + 2 + 2);
        QVERIFY(da.contains(QStringLiteral("srs/2011/20110608SRS.txt")));
        QVERIFY(da.contains(SyntheticArchiveWriter::flareSitesName(o)));
        QCOMPARE(da, db);
        int differ = 0;
        for (auto it = da.begin(); it != da.end(); ++it)
            if (it.key().endsWith(QLatin1String(".fits")))
                differ += dc.value(it.key()) != it.value();
        QCOMPARE(differ, 6);  // same names (geometry does not depend on the seed's Sun), other pixels
    }

    void resumeAfterKill()
    {
        auto dir = test::scratchDir(), ref = test::scratchDir();
        SyntheticOptions o = smallRun(dir.path());
        // Cancel after two files, as a kill would stop it; nothing half-written may remain.
        int calls = 0;
        auto first = SyntheticArchiveWriter::run(o, [&](const SyntheticProgress &) { return ++calls < 2; });
        QVERIFY(first.ok());
        QVERIFY(first->cancelled);
        QVERIFY(first->written < 6);
        // A temporary as a killed FitsWriter leaves it.
        const QString stale = dir.filePath(QStringLiteral("171/.aia.lev1.171A_x.fits.tmp-0badf00d"));
        QDir().mkpath(dir.filePath(QStringLiteral("171")));
        QFile f(stale);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("partial");
        f.close();
        auto second = SyntheticArchiveWriter::run(o);
        QVERIFY2(second.ok(), qPrintable(second.errorString()));
        QCOMPARE(second->written + second->skipped, 6);
        QCOMPARE(second->skipped, first->written);
        QVERIFY(!QFileInfo::exists(stale));
        auto third = SyntheticArchiveWriter::run(o);
        QCOMPARE(third->written, 0);
        QCOMPARE(third->skipped, 6);
        // The resumed archive is the uninterrupted one, byte for byte.
        o.outDir = ref.path();
        QVERIFY(SyntheticArchiveWriter::run(o).ok());
        QCOMPARE(digest(dir.path()), digest(ref.path()));
        // Another seed into the same folder is refused, naming the manifest and what differs.
        SyntheticOptions other = smallRun(dir.path(), 99);
        auto refused = SyntheticArchiveWriter::run(other);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.errorString().contains(QLatin1String("synth.json")) && refused.errorString().contains(QLatin1String("seed")),
                 qPrintable(refused.errorString()));
    }

    void unwritableOutput()
    {
        SyntheticOptions o = smallRun(QStringLiteral("/proc/solarchip-synth-test"));
        auto r = SyntheticArchiveWriter::run(o);
        QVERIFY(!r.ok());
        QVERIFY2(r.errorString().startsWith(QStringLiteral("/proc/solarchip-synth-test")), qPrintable(r.errorString()));
    }

    void optionValidation_data()
    {
        QTest::addColumn<QString>("what");
        QTest::addColumn<QString>("expect");
        QTest::newRow("channel") << "channel" << "unknown channel 'foo'";
        QTest::newRow("size") << "size" << "--size 8";
        QTest::newRow("days") << "days" << "--days -1";
        QTest::newRow("cadence") << "cadence" << "--cadence 0";
        QTest::newRow("twice") << "twice" << "'171' is listed twice";
    }
    void optionValidation()
    {
        QFETCH(QString, what);
        QFETCH(QString, expect);
        SyntheticOptions o = smallRun(QStringLiteral("/tmp/unused"));
        if (what == QLatin1String("channel")) o.channels << QStringLiteral("foo");
        if (what == QLatin1String("size")) o.size = 8;
        if (what == QLatin1String("days")) o.days = -1;
        if (what == QLatin1String("cadence")) o.cadenceHours = 0;
        if (what == QLatin1String("twice")) o.channels << QStringLiteral("171");
        const Status s = o.validate();
        QVERIFY(!s.ok());
        QVERIFY2(s.errorString().contains(expect), qPrintable(s.errorString()));
    }

    void flareSizesFollowThePowerLaw()
    {
        // Maximum-likelihood exponent of dN/dF ~ F^-alpha above F0: alpha = 1 + n / sum ln(F / F0)
        // (Clauset, Shalizi & Newman 2009); its standard error is (alpha - 1) / sqrt(n).
        const int n = 200000;
        const QVector<double> f = SyntheticSun::drawFlareFluxes(11, n);
        double sum = 0;
        int c = 0, m = 0;
        for (double v : f) {
            QVERIFY(v >= kGoesA && v <= 2e-3);
            sum += std::log(v / kGoesA);
            c += v >= kGoesC;
            m += v >= kGoesM;
        }
        const double alpha = 1.0 + n / sum;
        QVERIFY2(std::fabs(alpha - SyntheticSun::flarePowerLawIndex()) < 0.01, qPrintable(QString::number(alpha)));
        QCOMPARE(SyntheticSun::flarePowerLawIndex(), 2.0);
        // For alpha = 2 a decade holds a tenth of the flares above it: P(F >= C1) = 1e-2, P(F >= M1) = 1e-3.
        QVERIFY(std::fabs(c / double(n) - 1e-2) < 5 * std::sqrt(1e-2 / n));
        QVERIFY(std::fabs(m / double(n) - 1e-3) < 5 * std::sqrt(1e-3 / n));
    }

    void flareListOfAYearAtMaximum()
    {
        // A year at the activity of the 2014 maximum: the listed flares follow the same law above C1 and
        // come at rates like the real SWPC list of 2014 (1796 C, 207 M, 16 X: 4.9 C and 0.57 M per day).
        SyntheticOptions o;
        o.start = utc(2014, 1, 1);
        o.days = 365;
        o.cadenceHours = 24;
        o.seed = 5;
        o.activity = 1.0;
        SyntheticSun sun(o);
        const QVector<FlareEvent> list = sun.flareListEvents();
        double sum = 0;
        int c = 0, mx = 0;
        for (const FlareEvent &e : list) {
            if (e.peakFlux < kGoesC)
                continue;
            ++c;
            sum += std::log(e.peakFlux / kGoesC);
            mx += e.peakFlux >= kGoesM;
        }
        QVERIFY(c > 300);
        const double alpha = 1.0 + c / sum;
        QVERIFY2(std::fabs(alpha - 2.0) < 5 * (alpha - 1) / std::sqrt(c) + 0.05, qPrintable(QString::number(alpha)));
        const double cPerDay = c / 366.0, mPerDay = mx / 366.0;
        qInfo("a year at activity 1: %d flares listed, >= C1: %.2f/day, >= M1: %.3f/day, alpha above C1 %.3f",
              int(list.size()), cPerDay, mPerDay, alpha);
        QVERIFY2(cPerDay > 1.5 && cPerDay < 12, qPrintable(QString::number(cPerDay)));
        QVERIFY2(mPerDay > 0.1 && mPerDay < 1.5, qPrintable(QString::number(mPerDay)));
        // Listed flares are on the visible side, sorted, and each has a consistent light curve.
        for (int i = 0; i < list.size(); ++i) {
            const FlareEvent &e = list[i];
            QVERIFY(e.start <= e.peak && e.peak <= e.end);
            // On the visible side at the peak (the site is given at the start: carried to the peak).
            QVERIFY(std::fabs(rotateStonyhurst(QPointF(e.hgsLon, e.hgsLat), e.siteTime().toMSecsSinceEpoch(),
                                               e.peak.toMSecsSinceEpoch()).x()) <= 90);
            if (i > 0)
                QVERIFY(list[i - 1].peak <= e.peak);
            QVERIFY(e.integratedFlux > 0);
        }
    }

    void truthPositionsAgreeWithFrames()
    {
        // The truth's pixel of a region centre in each frame is where core's WCS puts its lon/lat.
        SyntheticOptions o = smallRun(QString());
        o.size = 256;
        o.channels = {QStringLiteral("hmi"), QStringLiteral("171")};
        o.start = utc(2014, 2, 25);
        SyntheticSun sun(o);
        auto frames = sun.renderStep(o.start);
        QVERIFY(frames.ok());
        const QJsonObject truth = sun.truth(o.start, *frames);
        int checked = 0;
        for (const SyntheticFrame &f : *frames) {
            auto map = SdoMap::fromHeaderAndImage(f.header, f.image, f.fileName);
            QVERIFY2(map.ok(), qPrintable(map.errorString()));
            for (const QJsonValue &v : truth.value(QStringLiteral("regions")).toArray()) {
                const QJsonObject p = v.toObject().value(QStringLiteral("pixels")).toObject().value(f.channel).toObject();
                if (!p.value(QStringLiteral("visible")).toBool())
                    continue;
                LonLat ll;
                QVERIFY(map->wcs.pixelToStonyhurst(p.value(QStringLiteral("x")).toDouble(), p.value(QStringLiteral("y")).toDouble(), ll));
                QVERIFY(std::fabs(ll.lon - p.value(QStringLiteral("lon")).toDouble()) < 1e-3);
                QVERIFY(std::fabs(ll.lat - p.value(QStringLiteral("lat")).toDouble()) < 1e-3);
                ++checked;
            }
        }
        QVERIFY(checked >= 4);
    }

    void cli()
    {
        const QString bin = test::binPath(QStringLiteral("solarchip"));
        QVERIFY2(QFileInfo::exists(bin), qPrintable(bin + " not built"));
        auto dir = test::scratchDir();
        auto bad = test::run(bin, {QStringLiteral("synth"), dir.path(), QStringLiteral("--start"), QStringLiteral("2011-06-07"),
                                   QStringLiteral("--channels"), QStringLiteral("171,foo")});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY(bad.err.contains("'foo' is not an SDO channel"));
        auto noStart = test::run(bin, {QStringLiteral("synth"), dir.path()});
        QCOMPARE(noStart.exitCode, 2);
        auto unwritable = test::run(bin, {QStringLiteral("synth"), QStringLiteral("/proc/synth-out"), QStringLiteral("--start"),
                                          QStringLiteral("2011-06-07"), QStringLiteral("--size"), QStringLiteral("64")});
        QCOMPARE(unwritable.exitCode, 1);
        QVERIFY2(unwritable.err.startsWith("solarchip synth: /proc/synth-out"), unwritable.err.constData());
        const QStringList args{QStringLiteral("synth"), dir.path(), QStringLiteral("--start"), QStringLiteral("2011-06-07T00:00"),
                               QStringLiteral("--days"), QStringLiteral("1"), QStringLiteral("--cadence"), QStringLiteral("12"),
                               QStringLiteral("--size"), QStringLiteral("64"), QStringLiteral("--channels"), QStringLiteral("hmi,aia171"),
                               QStringLiteral("--seed"), QStringLiteral("3"), QStringLiteral("--json")};
        auto ok = test::run(bin, args);
        QVERIFY2(ok.exitCode == 0, ok.err.constData());
        const QJsonObject s = test::parseJson(ok.out).object();
        QCOMPARE(s.value(QStringLiteral("written")).toInt(), 4);
        QCOMPARE(s.value(QStringLiteral("steps")).toInt(), 2);
        QCOMPARE(s.value(QStringLiteral("channels")).toArray().size(), 2);
        QVERIFY(ok.err.count('\n') >= 4);  // one JSON progress line per file
        const QJsonObject line = test::parseJson(ok.err.split('\n').first()).object();
        QCOMPARE(line.value(QStringLiteral("event")).toString(), QStringLiteral("file"));
        auto again = test::run(bin, args);
        QCOMPARE(test::parseJson(again.out).object().value(QStringLiteral("skipped")).toInt(), 4);
    }

    void cliKilledAndResumed()
    {
        // SIGKILL mid-run, then the same command again: the archive equals an uninterrupted one.
        const QString bin = test::binPath(QStringLiteral("solarchip"));
        QVERIFY2(QFileInfo::exists(bin), qPrintable(bin + " not built"));
        auto dir = test::scratchDir(), ref = test::scratchDir();
        const QStringList args{QStringLiteral("synth"), dir.path(), QStringLiteral("--start"), QStringLiteral("2011-06-07"),
                               QStringLiteral("--days"), QStringLiteral("2"), QStringLiteral("--cadence"), QStringLiteral("6"),
                               QStringLiteral("--size"), QStringLiteral("128"), QStringLiteral("--channels"), QStringLiteral("hmi,171"),
                               QStringLiteral("--seed"), QStringLiteral("4"), QStringLiteral("--json")};
        QProcess p;
        p.start(bin, args);
        QVERIFY(p.waitForStarted());
        QByteArray err;
        while (err.count('\n') < 3 && p.state() == QProcess::Running) {
            p.waitForReadyRead(200);
            err += p.readAllStandardError();
        }
        p.kill();  // SIGKILL: no chance to clean up
        p.waitForFinished();
        auto resumed = test::run(bin, args);
        QVERIFY2(resumed.exitCode == 0, resumed.err.constData());
        const QJsonObject s = test::parseJson(resumed.out).object();
        QCOMPARE(s.value(QStringLiteral("written")).toInt() + s.value(QStringLiteral("skipped")).toInt(), 16);
        QVERIFY(s.value(QStringLiteral("skipped")).toInt() >= 3);
        SyntheticOptions o;
        o.outDir = ref.path();
        o.start = utc(2011, 6, 7);
        o.days = 2;
        o.cadenceHours = 6;
        o.size = 128;
        o.channels = {QStringLiteral("hmi"), QStringLiteral("171")};
        o.seed = 4;
        QVERIFY(SyntheticArchiveWriter::run(o).ok());
        QCOMPARE(digest(dir.path()), digest(ref.path()));
    }
};

QTEST_GUILESS_MAIN(TestSynthetic)
#include "tst_synthetic.moc"
