#include "core/synthetic/SyntheticFrameSpec.h"

#include "core/map/SdoTime.h"
#include "core/synthetic/SyntheticRandom.h"

#include <QTimeZone>

#include <cmath>

namespace solarchip {

namespace {

constexpr double kDeg = M_PI / 180.0;

quint64 keyHash(const QString &key)
{
    quint64 h = 1469598103934665603ULL;  // FNV-1a: stable across processes, unlike qHash
    for (const QChar c : key) {
        h ^= c.unicode();
        h *= 1099511628211ULL;
    }
    return h;
}

QDateTime roundTo(const QDateTime &t, qint64 ms)
{
    const qint64 v = t.toMSecsSinceEpoch();
    const qint64 r = (v >= 0 ? (v + ms / 2) / ms : -((-v + ms / 2) / ms)) * ms;
    return QDateTime::fromMSecsSinceEpoch(r, QTimeZone::utc());
}

double daysSince2010(const QDateTime &t)
{
    static const QDateTime epoch(QDate(2010, 1, 1), QTime(0, 0), QTimeZone::utc());
    return epoch.msecsTo(t) / 86400000.0;
}

// "2011-06-07T00:00:01.34" (2 decimals, no zone): DATE-OBS as AIA writes it.
QString iso2(const QDateTime &t)
{
    return t.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.")) + QStringLiteral("%1").arg(t.time().msec() / 10, 2, 10, QLatin1Char('0'));
}

QString hmiIsoDateObs(const QDateTime &t) { return iso2(t); }

QString jsocTai(const QDateTime &taiLabel)
{
    return taiLabel.toString(QStringLiteral("yyyy.MM.dd_HH:mm:ss")) + QStringLiteral("_TAI");
}

bool hmiCombinedCameras(const QDateTime &t)
{
    // Since 2016-04-13 the 720 s observables combine both HMI cameras (CAMERA 3).
    static const QDateTime switchDate(QDate(2016, 4, 13), QTime(0, 0), QTimeZone::utc());
    return t >= switchDate;
}

}  // namespace

SyntheticFrameSpec SyntheticFrameSpec::make(const SyntheticChannel &channel, const QDateTime &step, int size,
                                            quint64 seed)
{
    SyntheticFrameSpec s;
    s.channel = &channel;
    s.step = step;
    SyntheticRandom rng(seed, 0x46524d45 /* "FRME" */, keyHash(channel.key),
                        static_cast<quint64>(step.toMSecsSinceEpoch()));
    const double days = daysSince2010(step);
    const double scale = 4096.0 / size;

    double crpix4096[2] = {0, 0};
    double crota = 0, cdelt = 0;
    if (channel.isAia()) {
        s.detector = QString::fromLatin1(channel.detector);
        s.camera = channel.camera;
        s.dateObs = roundTo(step.addMSecs(static_cast<qint64>(std::llround((channel.obsOffsetS + rng.uniform(-0.005, 0.005)) * 1000.0))), 10);
        s.exptime = std::round((channel.exptime + rng.normal(0, 0.00015)) * 1e6) / 1e6;
        s.tObs = roundTo(s.dateObs.addMSecs(static_cast<qint64>(std::llround(s.exptime * 500.0))), 10);
        s.tRec = roundTo(s.tObs, 1000);
        // Pointing: the telescope's Sun-centre offset plus a slow daily wobble (thermal, orbital).
        s.imsclMp = channel.plateScale4096;
        s.x0mp = 2047.5 + channel.x0Offset + 0.25 * std::sin(2 * M_PI * days + 0.7 * channel.camera);
        s.y0mp = 2047.5 + channel.y0Offset + 0.25 * std::cos(2 * M_PI * days + 0.3 * channel.camera);
        s.satY0 = rng.normal(0, 0.02) - 8.0;
        s.satZ0 = rng.normal(0, 0.02) + 10.0;
        s.instRot = channel.instRotDeg;
        s.satRot = 1.0e-4 * std::sin(2 * M_PI * days / 3.0) + rng.normal(0, 2e-5);
        crpix4096[0] = s.x0mp + 1.0 + rng.normal(0, 0.02);
        crpix4096[1] = s.y0mp + 1.0 + rng.normal(0, 0.02);
        crota = std::round((s.instRot + s.satRot) * 1e10) / 1e10;
        cdelt = s.imsclMp * scale;
    } else {
        const bool combined = hmiCombinedCameras(step);
        s.camera = combined ? 3 : 1;
        s.detector = combined ? QStringLiteral("HMI_COMBINED") : QStringLiteral("HMI_SIDE1");
        const int dAt = SdoTime::taiMinusUtc(step);
        // T_REC: the nearest slot of the 720 s grid of TAI (epoch 1993.01.01_00:00:00_TAI, a day is 120 slots).
        const QDateTime stepTai = step.addSecs(dAt);  // TAI clock reading as a UTC-labelled QDateTime
        const qint64 ms = stepTai.toMSecsSinceEpoch();
        const qint64 slotMs = 720000;
        const qint64 slot = (ms >= 0 ? (ms + slotMs / 2) / slotMs : -((-ms + slotMs / 2) / slotMs)) * slotMs;
        s.tRecTaiLabel = QDateTime::fromMSecsSinceEpoch(slot, QTimeZone::utc());
        s.tObsTaiLabel = s.tRecTaiLabel.addSecs(static_cast<int>(std::floor(rng.uniform(-8.0, 10.0))));
        s.tObs = SdoTime::taiToUtc(s.tObsTaiLabel);
        s.tRec = SdoTime::taiToUtc(s.tRecTaiLabel);
        s.dateObs = roundTo(s.tObs.addMSecs(-static_cast<qint64>(std::llround(rng.uniform(44.0, 68.0) * 1000.0))), 10);
        s.exptime = 0;
        s.imsclMp = channel.plateScale4096 + 0.00015 * std::sin(2 * M_PI * days / 365.25);
        s.x0mp = 2047.5 + channel.x0Offset + 0.4 * std::sin(2 * M_PI * days + 1.1);
        s.y0mp = 2047.5 + channel.y0Offset + 0.4 * std::cos(2 * M_PI * days + 2.3);
        crpix4096[0] = s.x0mp + 1.0;
        crpix4096[1] = s.y0mp + 1.0;
        s.instRot = channel.instRotDeg;
        crota = std::round((channel.instRotDeg + 0.003 * std::sin(2 * M_PI * days / 5.0) + rng.normal(0, 5e-4)) * 1e6) / 1e6;
        cdelt = std::round(s.imsclMp * scale * 1e6) / 1e6;
    }

    SyntheticFrameGeometry &g = s.geometry;
    g.width = g.height = size;
    // Binning 4096 -> size keeps the pixel edges: FITS centre x of a binned pixel = (x4096 - 0.5)/b + 0.5.
    g.crpix1 = std::round(((crpix4096[0] - 0.5) / scale + 0.5) * 1e6) / 1e6;
    g.crpix2 = std::round(((crpix4096[1] - 0.5) / scale + 0.5) * 1e6) / 1e6;
    g.cdelt1 = g.cdelt2 = channel.isAia() ? std::round(cdelt * 1e6) / 1e6 : cdelt;
    g.crota2 = crota;
    g.obs = SyntheticObserver::sdoAt(s.tObs);
    g.prepare();

    if (channel.isAia()) {
        const QString t = s.dateObs.toString(QStringLiteral("yyyy-MM-ddTHH_mm_ss.")) +
            QStringLiteral("%1Z").arg(s.dateObs.time().msec() / 10, 2, 10, QLatin1Char('0'));
        s.fileName = QStringLiteral("aia.lev1.%1A_%2.image_lev1.fits").arg(channel.wavelength).arg(t);
        s.relativeDir = QStringLiteral("%1/%2").arg(channel.key, s.dateObs.toString(QStringLiteral("yyyy/MM/dd")));
    } else {
        const QString t = s.tRecTaiLabel.toString(QStringLiteral("yyyyMMdd_HHmmss"));
        if (channel.kind == SyntheticChannel::Kind::Magnetogram)
            s.fileName = QStringLiteral("hmi.M_720s.%1_TAI.%2.magnetogram.fits").arg(t).arg(s.camera);
        else
            s.fileName = QStringLiteral("hmi.Ic_720s.%1_TAI.%2.continuum.fits").arg(t).arg(s.camera);
        s.relativeDir = QStringLiteral("%1/%2").arg(channel.key, s.tRecTaiLabel.toString(QStringLiteral("yyyy/MM/dd")));
    }
    return s;
}

FitsWriteOptions SyntheticFrameSpec::storage() const
{
    FitsWriteOptions o;
    o.compression = QStringLiteral("RICE_1");
    if (channel->isAia()) {
        o.type = FitsWriteOptions::Type::Int16;
    } else if (channel->kind == SyntheticChannel::Kind::Magnetogram) {
        o.type = FitsWriteOptions::Type::Int32;
        o.bscale = 0.1;
    } else {
        o.type = FitsWriteOptions::Type::Int16;
        o.bscale = 3.0;
        o.bzero = 97304.0;
    }
    // CFITSIO stamps the checksum comment with the wall clock; use the processing date instead so the same
    // seed gives the same bytes.
    o.checksumTime = tRec.addDays(2).toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss"));
    return o;
}

FitsHeader SyntheticFrameSpec::header(const SyntheticImageStats &st, double exptimeUsed, bool aec, quint64 seed) const
{
    FitsHeader h;
    const SyntheticChannel &c = *channel;
    const SyntheticFrameGeometry &g = geometry;
    const SyntheticObserver &o = g.obs;
    const QString processed = tRec.addDays(2).toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss"));
    auto common = [&]() {
        h.setString(QStringLiteral("CTYPE1"), QStringLiteral("HPLN-TAN"), QStringLiteral("CTYPE1: HPLN"));
        h.setString(QStringLiteral("CTYPE2"), QStringLiteral("HPLT-TAN"), QStringLiteral("CTYPE2: HPLT"));
        h.setString(QStringLiteral("CUNIT1"), QStringLiteral("arcsec"), QStringLiteral("CUNIT1: arcsec"));
        h.setString(QStringLiteral("CUNIT2"), QStringLiteral("arcsec"), QStringLiteral("CUNIT2: arcsec"));
        h.setNumber(QStringLiteral("CRPIX1"), g.crpix1, QStringLiteral("[pixel] location of sun center in x"));
        h.setNumber(QStringLiteral("CRPIX2"), g.crpix2, QStringLiteral("[pixel] location of sun center in y"));
        h.setRaw(QStringLiteral("CRVAL1"), QStringLiteral("0.0"), QStringLiteral("[arcsec] x origin: (0,0) at disk center"));
        h.setRaw(QStringLiteral("CRVAL2"), QStringLiteral("0.0"), QStringLiteral("[arcsec] y origin: (0,0) at disk center"));
        h.setNumber(QStringLiteral("CDELT1"), g.cdelt1, QStringLiteral("[arcsec/pixel] image scale in the x direction"));
        h.setNumber(QStringLiteral("CDELT2"), g.cdelt2, QStringLiteral("[arcsec/pixel] image scale in the y direction"));
        h.setNumber(QStringLiteral("CROTA2"), g.crota2, QStringLiteral("[degree] CROTA2: INST_ROT + SAT_ROT"));
        h.setNumber(QStringLiteral("R_SUN"), std::round(g.radiusPixels() * 1e4) / 1e4, QStringLiteral("[pixel] Radius of the Sun in pixels"));
        h.setNumber(QStringLiteral("DSUN_REF"), 149597870691.0, QStringLiteral("[m] Reference distance to Sun"));
        h.setNumber(QStringLiteral("DSUN_OBS"), o.observer.dsun, QStringLiteral("[m] Distance from SDO to Sun center"));
        h.setNumber(QStringLiteral("RSUN_REF"), SyntheticObserver::kRsunRef, QStringLiteral("[m] Reference radius of the Sun"));
        h.setNumber(QStringLiteral("RSUN_OBS"), o.rsunArcsec, QStringLiteral("[arcsec] Apparent radius of the Sun seen by SDO"));
        h.setNumber(QStringLiteral("OBS_VR"), std::round(o.vrMs * 1e4) / 1e4, QStringLiteral("[m/s] Speed of observer in radial direction"));
        h.setNumber(QStringLiteral("OBS_VW"), std::round(o.vwMs * 1e4) / 1e4, QStringLiteral("[m/s] Speed of observer in solar-west direction"));
        h.setNumber(QStringLiteral("OBS_VN"), std::round(o.vnMs * 1e4) / 1e4, QStringLiteral("[m/s] Speed of observer in solar-north direction"));
        h.setNumber(QStringLiteral("CRLN_OBS"), o.observer.crln, QStringLiteral("[deg] Carrington longitude of the observer"));
        h.setNumber(QStringLiteral("CRLT_OBS"), o.observer.hglt, QStringLiteral("[deg] Carrington latitude of the observer"));
        h.setInteger(QStringLiteral("CAR_ROT"), o.carringtonRotation, QStringLiteral("Carrington rotation number of CRLN_OBS"));
    };
    auto stats = [&](bool integer) {
        auto num = [&](const char *key, double v, const char *comment) {
            if (integer)
                h.setNumber(QString::fromLatin1(key), std::round(v), QString::fromLatin1(comment));
            else
                h.setNumber(QString::fromLatin1(key), std::round(v * 1e4) / 1e4, QString::fromLatin1(comment));
        };
        num("DATAMIN", st.min, "Minimum value of all pixels");
        num("DATAMAX", st.max, "Maximum value of all pixels");
        h.setNumber(QStringLiteral("DATAMEAN"), std::round(st.mean * 1e4) / 1e4, QStringLiteral("Mean value of all pixels"));
        num("DATAMEDN", st.median, "Median value of all pixels");
        h.setNumber(QStringLiteral("DATARMS"), std::round(st.rms * 1e4) / 1e4, QStringLiteral("Rms deviation from the mean value of all pixels"));
        h.setNumber(QStringLiteral("DATASKEW"), std::round(st.skew * 1e6) / 1e6, QStringLiteral("Skewness from the mean value of all pixels"));
        h.setNumber(QStringLiteral("DATAKURT"), std::round(st.kurt * 1e6) / 1e6, QStringLiteral("Kurtosis of all pixels"));
        h.setInteger(QStringLiteral("TOTVALS"), static_cast<long long>(g.width) * g.height, QStringLiteral("Expected number of data values (pixels)"));
        h.setInteger(QStringLiteral("DATAVALS"), st.values, QStringLiteral("Actual number of data values in image"));
        h.setInteger(QStringLiteral("MISSVALS"), st.missing, QStringLiteral("Missing values: TOTVALS - DATAVALS"));
    };

    if (c.isAia()) {
        h.setString(QStringLiteral("T_REC"), tRec.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss")) + QStringLiteral("Z"), QStringLiteral("[ISO] Slotted observation time"));
        h.setInteger(QStringLiteral("WAVELNTH"), c.wavelength, QStringLiteral("[angstrom] Wavelength"));
        h.setString(QStringLiteral("DATE"), processed, QStringLiteral("[ISO] Date_time of processing; ISO 8601"));
        static const QDateTime fsnEpoch(QDate(2010, 3, 24), QTime(0, 0), QTimeZone::utc());
        const long long fsn = 1 + fsnEpoch.secsTo(tObs) * 2 / 3 + c.camera;
        h.setInteger(QStringLiteral("FSN"), fsn, QStringLiteral("FSN Filtergram Sequence Number"));
        h.setNumber(QStringLiteral("EXPTIME"), exptimeUsed, QStringLiteral("[sec] Exposure duration: mean shutter open time"));
        h.setInteger(QStringLiteral("QUALITY"), 0, QStringLiteral("Level 1 Quality word"));
        h.setRaw(QStringLiteral("LVL_NUM"), QStringLiteral("1.0"), QStringLiteral("LVL_NUM data level number"));
        h.setString(QStringLiteral("ORIGIN"), QStringLiteral("SolarCHIP synthetic"), QStringLiteral("ORIGIN: not an observation (solarchip synth)"));
        h.setString(QStringLiteral("TELESCOP"), QStringLiteral("SDO/AIA"), QStringLiteral("For AIA: SDO/AIA"));
        h.setString(QStringLiteral("INSTRUME"), detector, QStringLiteral("For AIA: AIA_1, AIA_2, AIA_3 or AIA_4"));
        h.setString(QStringLiteral("DATE-OBS"), iso2(dateObs), QStringLiteral("[ISO] Date when observation started"));
        h.setString(QStringLiteral("T_OBS"), iso2(tObs) + QStringLiteral("Z"), QStringLiteral("[ISO] Observation time"));
        h.setInteger(QStringLiteral("CAMERA"), camera, QStringLiteral("For AIA: 1, 2, 3 or 4"));
        h.setString(QStringLiteral("IMG_TYPE"), QStringLiteral("LIGHT"), QStringLiteral("Image type: LIGHT or DARK"));
        h.setNumber(QStringLiteral("EXPSDEV"), 0.000135, QStringLiteral("[sec] Exposure standard deviation"));
        h.setNumber(QStringLiteral("INT_TIME"), std::round((exptimeUsed + 0.2734) * 1e6) / 1e6, QStringLiteral("[sec] CCD integration duration"));
        h.setString(QStringLiteral("WAVEUNIT"), QStringLiteral("angstrom"), QStringLiteral("Wavelength unit: angstrom"));
        h.setString(QStringLiteral("WAVE_STR"), QString::fromLatin1(c.waveStr), QStringLiteral("Wavelength_FilterPosition"));
        h.setInteger(QStringLiteral("FID"), 0, QStringLiteral("FID Filtergram ID"));
        h.setInteger(QStringLiteral("QUALLEV0"), 0, QStringLiteral("Level 0 Quality word"));
        stats(true);
        h.setNumber(QStringLiteral("PERCENTD"), 100.0 * st.values / std::max<long long>(1, static_cast<long long>(g.width) * g.height),
                    QStringLiteral("Percent data; 100*DATAVALS/TOTVALS"));
        h.setNumber(QStringLiteral("DATACENT"), std::round(st.centre * 1e4) / 1e4, QStringLiteral("Median value of center column of the image"));
        h.setInteger(QStringLiteral("NSATPIX"), st.saturated, QStringLiteral("Number of saturated pixels detected in image"));
        h.setInteger(QStringLiteral("NSPIKES"), 0, QStringLiteral("Number of cosmic ray affected pixels detected i"));
        const std::pair<const char *, double> pct[] = {{"DATAP01", st.p01}, {"DATAP10", st.p10}, {"DATAP25", st.p25},
                                                       {"DATAP75", st.p75}, {"DATAP90", st.p90}, {"DATAP95", st.p95},
                                                       {"DATAP98", st.p98}, {"DATAP99", st.p99}};
        for (const auto &[k, v] : pct)
            h.setNumber(QString::fromLatin1(k), v, QString::fromLatin1(k));
        common();
        h.setString(QStringLiteral("MPO_REC"), QStringLiteral("sdo.master_pointing[:#549]"), QStringLiteral("Master Pointing series record pointer"));
        h.setNumber(QStringLiteral("INST_ROT"), instRot, QStringLiteral("[deg] Master pointing CCD rotation wrt SDO Z axis"));
        h.setNumber(QStringLiteral("IMSCL_MP"), imsclMp, QStringLiteral("[arcsec/pixel] Master pointing image scale"));
        h.setNumber(QStringLiteral("X0_MP"), std::round(x0mp * 1e4) / 1e4, QStringLiteral("[pixel] Master pointing X0 sun center in CCD frame"));
        h.setNumber(QStringLiteral("Y0_MP"), std::round(y0mp * 1e4) / 1e4, QStringLiteral("[pixel] Master pointing Y0 sun center in CCD frame"));
        h.setNumber(QStringLiteral("SAT_Y0"), std::round(satY0 * 1e6) / 1e6, QStringLiteral("[arcsec] Position of solar center wrt the SDO Y axis"));
        h.setNumber(QStringLiteral("SAT_Z0"), std::round(satZ0 * 1e6) / 1e6, QStringLiteral("[arcsec] Position of solar center wrt the SDO Z axis"));
        h.setNumber(QStringLiteral("SAT_ROT"), std::round(satRot * 1e10) / 1e10, QStringLiteral("[deg] Angle of solar pole wrt the SDO X axis"));
        h.setString(QStringLiteral("ACS_MODE"), QStringLiteral("SCIENCE"), QStringLiteral("ACS pointing mode"));
        h.setString(QStringLiteral("ACS_ECLP"), QStringLiteral("NO"), QStringLiteral("ACS eclipse flag"));
        h.setString(QStringLiteral("ACS_SUNP"), QStringLiteral("YES"), QStringLiteral("ACS sun presence flag"));
        h.setString(QStringLiteral("ACS_SAFE"), QStringLiteral("NO"), QStringLiteral("ACS safe hold flag"));
        h.setString(QStringLiteral("ACS_CGT"), QStringLiteral("GT3"), QStringLiteral("ACS ID of Controlling Guide Telescope"));
        h.setString(QStringLiteral("ORB_REC"), QStringLiteral("sdo.fds_orbit_vectors[%1_UTC]").arg(tRec.toString(QStringLiteral("yyyy.MM.dd_HH:mm:00"))),
                    QStringLiteral("Orbit vector series record pointer"));
        // Stonyhurst position of the observer (real AIA headers of the early mission carried a placeholder 0 here;
        // this archive writes the true value and no HAE/GAE vectors, so every reader uses the same observer).
        h.setNumber(QStringLiteral("HGLN_OBS"), o.observer.hgln, QStringLiteral("[deg] Stonyhurst heliographic longitude of the observer"));
        h.setNumber(QStringLiteral("HGLT_OBS"), o.observer.hglt, QStringLiteral("[deg] Stonyhurst heliographic latitude of the observer"));
        h.setNumber(QStringLiteral("TEMPCCD"), -70.0, QStringLiteral("CCD temperature"));
        h.setString(QStringLiteral("PIXLUNIT"), QStringLiteral("DN"), QStringLiteral("Pixel intensity unit"));
        h.setNumber(QStringLiteral("DN_GAIN"), c.dnGain, QStringLiteral("DN/electron"));
        h.setNumber(QStringLiteral("EFF_AREA"), c.effArea, QStringLiteral("[cmsq] effective area"));
        h.setRaw(QStringLiteral("EFF_AR_V"), QStringLiteral("3.0"), QStringLiteral("version # for EFF_AREA and DN_GAIN"));
        h.setString(QStringLiteral("AECMODE"), QStringLiteral("ON"), QStringLiteral("AIA_IMG_AEC_MODE"));
        h.setInteger(QStringLiteral("AECTYPE"), aec ? 2 : 0, QStringLiteral("AIA_IMG_AEC_TYPE (2: flare mode, shorter exposure)"));
        h.setInteger(QStringLiteral("AIMGSHCE"), static_cast<long long>(std::llround(exptimeUsed * 1000)), QStringLiteral("AIA_IMG_SH_CMDED_EXPOSURE"));
        h.setRaw(QStringLiteral("TRECSTEP"), QStringLiteral("1.0"), QStringLiteral("[second] T_REC step"));
        h.setString(QStringLiteral("TRECEPOC"), QStringLiteral("1977.01.01_00:00:00_TAI"), QStringLiteral("[TAI] T_REC epoch"));
        h.setInteger(QStringLiteral("TRECROUN"), 1, QStringLiteral("T_REC rounding"));
        h.setString(QStringLiteral("DETECTOR"), QStringLiteral("AIA"), QStringLiteral("Detector"));
        h.setString(QStringLiteral("KEYWDDOC"), QStringLiteral("http://www.lmsal.com/sdodocs/aiafitskeywords.pdf"), QString());
    } else {
        const bool mag = c.kind == SyntheticChannel::Kind::Magnetogram;
        h.setString(QStringLiteral("DATE"), processed, QStringLiteral("[ISO] HDU creation date"));
        h.setString(QStringLiteral("DATE-OBS"), hmiIsoDateObs(dateObs), QStringLiteral("[ISO] Observation date"));
        h.setString(QStringLiteral("TELESCOP"), QStringLiteral("SDO/HMI"), QStringLiteral("For HMI: SDO/HMI"));
        h.setString(QStringLiteral("INSTRUME"), detector, QStringLiteral("For HMI: HMI_SIDE1, HMI_FRONT2 or HMI_COMBINED"));
        h.setRaw(QStringLiteral("WAVELNTH"), QStringLiteral("6173.0"), QStringLiteral("[angstrom] For HMI: 6173.0"));
        h.setInteger(QStringLiteral("CAMERA"), camera, QStringLiteral("For HMI: 1 or 2 (3: both cameras combined)"));
        h.setString(QStringLiteral("BUNIT"), mag ? QStringLiteral("Gauss") : QStringLiteral("DN/s"), QStringLiteral("Physical units"));
        h.setString(QStringLiteral("ORIGIN"), QStringLiteral("SolarCHIP synthetic"), QStringLiteral("ORIGIN: not an observation (solarchip synth)"));
        h.setString(QStringLiteral("CONTENT"), mag ? QStringLiteral("MAGNETOGRAM") : QStringLiteral("CONTINUUM INTENSITY"), QStringLiteral("Data description"));
        h.setInteger(QStringLiteral("QUALITY"), 0, QStringLiteral("Quality word"));
        h.setInteger(QStringLiteral("QUALLEV1"), 0, QStringLiteral("Quality word of the level-1 data"));
        h.setString(QStringLiteral("BLD_VERS"), QStringLiteral("V9R1X"), QStringLiteral("Build version"));
        h.setInteger(QStringLiteral("HCAMID"), camera == 1 ? 3 : 2, QStringLiteral("HMI camera id"));
        stats(false);
        h.setString(QStringLiteral("T_REC"), jsocTai(tRecTaiLabel), QStringLiteral("[TAI] Slot time"));
        h.setString(QStringLiteral("T_OBS"), jsocTai(tObsTaiLabel), QStringLiteral("[TAI] nominal time"));
        h.setString(QStringLiteral("TRECEPOC"), QStringLiteral("1993.01.01_00:00:00_TAI"), QStringLiteral("[TAI] Time of origin"));
        h.setRaw(QStringLiteral("TRECSTEP"), QStringLiteral("720.0"), QStringLiteral("[seconds] ts_eq step"));
        h.setString(QStringLiteral("TRECUNIT"), QStringLiteral("secs"), QStringLiteral("ts_eq unit"));
        h.setRaw(QStringLiteral("CADENCE"), QStringLiteral("720.0"), QStringLiteral("[seconds] repetition interval"));
        h.setInteger(QStringLiteral("DATASIGN"), 1, QStringLiteral("sign of the data (1: as observed)"));
        h.setInteger(QStringLiteral("HFLID"), 1021, QStringLiteral("HMI_SEQ_ID_FRAMELIST"));
        h.setInteger(QStringLiteral("HCFTID"), 11, QStringLiteral("HMI_SEQ_ID_FOCUS"));
        h.setInteger(QStringLiteral("QLOOK"), 0, QStringLiteral("0: final data, 1: quick-look"));
        h.setString(QStringLiteral("WCSNAME"), QStringLiteral("Helioprojective-cartesian"), QStringLiteral("WCS system name"));
        common();
        h.setNumber(QStringLiteral("IMSCL_MP"), imsclMp, QStringLiteral("[arcsec/pixel] image scale at 4096"));
        h.setRaw(QStringLiteral("CRDER1"), QStringLiteral("'nan     '"), QStringLiteral("[arcsec] random error in coordinate 1"));
        h.setRaw(QStringLiteral("CRDER2"), QStringLiteral("'nan     '"), QStringLiteral("[arcsec] random error in coordinate 2"));
        h.setRaw(QStringLiteral("CSYSER1"), QStringLiteral("'nan     '"), QStringLiteral("[arcsec] systematic error in coordinate 1"));
        h.setRaw(QStringLiteral("CSYSER2"), QStringLiteral("'nan     '"), QStringLiteral("[arcsec] systematic error in coordinate 2"));
        h.setString(QStringLiteral("WAVEUNIT"), QStringLiteral("Angstrom"), QStringLiteral("Wavelength unit"));
        h.setString(QStringLiteral("DETECTOR"), QStringLiteral("HMI"), QStringLiteral("Detector"));
    }
    h.addComment(QStringLiteral("SYNTHETIC DATA: made by SolarCHIP Studio (solarchip synth), not an observation."));
    h.addHistory(QStringLiteral("solarchip synth: seed %1, size %2, channel %3; geometry, units and header "
                                "conventions of real %4 files.")
                     .arg(seed)
                     .arg(g.width)
                     .arg(c.key, c.isAia() ? QStringLiteral("aia.lev1") : QStringLiteral("hmi 720 s")));
    return h;
}

}  // namespace solarchip
