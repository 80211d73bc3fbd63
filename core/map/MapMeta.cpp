#include "core/map/MapMeta.h"

#include "core/map/SdoTime.h"
#include "core/map/SunEphemeris.h"

#include <QFileInfo>
#include <QRegularExpression>

#include <cmath>

namespace solarchip {

namespace {

constexpr double kDeg = M_PI / 180.0;

const QStringList &aiaChannels()
{
    static const QStringList c{QStringLiteral("94"),  QStringLiteral("131"),  QStringLiteral("171"),
                               QStringLiteral("193"), QStringLiteral("211"),  QStringLiteral("304"),
                               QStringLiteral("335"), QStringLiteral("1600"), QStringLiteral("1700"),
                               QStringLiteral("4500")};
    return c;
}

const QStringList &hmiChannels()
{
    static const QStringList c{QStringLiteral("hmi"), QStringLiteral("hmi_ic"), QStringLiteral("hmi_v"),
                               QStringLiteral("hmi_br"), QStringLiteral("hmi_bitmap")};
    return c;
}

// Which HMI observable a header describes. JSOC's CONTENT keyword names it for full-disk data; SHARP
// segments all say "HMI observable", and only the segment name (in the file name) or BUNIT tells them apart.
QString hmiChannel(const FitsHeader &h, const QString &file)
{
    const QString content = h.string(QStringLiteral("CONTENT"), {}).toUpper();
    if (content.contains(QLatin1String("MAGNETOGRAM")))
        return QStringLiteral("hmi");
    if (content.contains(QLatin1String("CONTINUUM")))
        return QStringLiteral("hmi_ic");
    if (content.contains(QLatin1String("DOPPLER")))
        return QStringLiteral("hmi_v");
    const QString base = QFileInfo(file).fileName().toLower();
    static const QRegularExpression seg(QStringLiteral(R"(\.(br|bt|bp|magnetogram|continuum|bitmap|dopplergram|conf_disambig)\.fits)"));
    auto m = seg.match(base);
    if (m.hasMatch()) {
        const QString s = m.captured(1);
        if (s == QLatin1String("magnetogram"))
            return QStringLiteral("hmi");
        if (s == QLatin1String("continuum"))
            return QStringLiteral("hmi_ic");
        if (s == QLatin1String("dopplergram"))
            return QStringLiteral("hmi_v");
        return QStringLiteral("hmi_") + s;
    }
    const QString unit = h.string(QStringLiteral("BUNIT"), {}).toLower();
    if (unit.startsWith(QLatin1String("gauss")) || unit.contains(QLatin1String("mx/cm")))
        return QStringLiteral("hmi");
    if (unit.contains(QLatin1String("dn/s")))
        return QStringLiteral("hmi_ic");
    if (unit.contains(QLatin1String("m/s")))
        return QStringLiteral("hmi_v");
    if (!content.isEmpty())
        return QStringLiteral("hmi_") + content.toLower().replace(QLatin1Char(' '), QLatin1Char('_'));
    return QStringLiteral("hmi");
}

double wrap180(double a)
{
    a = std::fmod(a + 180.0, 360.0);
    if (a < 0)
        a += 360.0;
    return a - 180.0;
}

// Heliocentric position of the Earth in the ecliptic of date (metres), from the low-precision ephemeris.
void earthEclipticOfDate(const QDateTime &utc, double out[3])
{
    const SunEphemeris e = SunEphemeris::at(utc);
    const double lon = (e.geometricLonDeg + 180.0) * kDeg;
    out[0] = e.distanceM * std::cos(lon);
    out[1] = e.distanceM * std::sin(lon);
    out[2] = 0.0;
}

// Stonyhurst longitude of a heliocentric ecliptic position: its longitude about the solar rotation axis
// minus the Earth's. The axis is placed by the IAU node K and inclination I = 7.25 deg; the result is a
// difference of two nearby longitudes, so it hardly depends on them.
double stonyhurstLongitudeOf(const double obs[3], const double earth[3], const QDateTime &utc)
{
    const double jd = julianDate(utc);
    const double K = (73.6667 + 1.3958333 * (jd - 2396758.0) / 36525.0) * kDeg;
    const double I = 7.25 * kDeg;
    auto solarEquatorLon = [&](const double v[3]) {
        // Rotate about the ecliptic pole by -K (node on the x axis), then about x by -I.
        const double x1 = v[0] * std::cos(K) + v[1] * std::sin(K);
        const double y1 = -v[0] * std::sin(K) + v[1] * std::cos(K);
        const double z1 = v[2];
        const double y2 = y1 * std::cos(I) + z1 * std::sin(I);
        return std::atan2(y2, x1) / kDeg;
    };
    return wrap180(solarEquatorLon(obs) - solarEquatorLon(earth));
}

}  // namespace

QString instrumentName(Instrument instrument)
{
    switch (instrument) {
    case Instrument::AIA: return QStringLiteral("AIA");
    case Instrument::HMI: return QStringLiteral("HMI");
    default: return QStringLiteral("unknown");
    }
}

QStringList knownChannels() { return aiaChannels() + hmiChannels(); }

QString canonicalChannel(const QString &textIn)
{
    QString t = textIn.trimmed().toLower();
    t.remove(QLatin1Char(' '));
    if (t.isEmpty())
        return {};
    if (t == QLatin1String("hmi") || t == QLatin1String("magnetogram") || t == QLatin1String("hmi_m")
        || t == QLatin1String("hmi_mag") || t == QLatin1String("hmi_magnetogram") || t == QLatin1String("blos")
        || t == QLatin1String("m"))
        return QStringLiteral("hmi");
    if (t == QLatin1String("continuum") || t == QLatin1String("hmi_ic") || t == QLatin1String("ic")
        || t == QLatin1String("hmi_continuum") || t == QLatin1String("intensitygram"))
        return QStringLiteral("hmi_ic");
    if (t == QLatin1String("dopplergram") || t == QLatin1String("hmi_v") || t == QLatin1String("hmi_dopplergram"))
        return QStringLiteral("hmi_v");
    if (t.startsWith(QLatin1String("hmi_")))
        return t;
    if (t.startsWith(QLatin1String("aia")))
        t = t.mid(3);
    if (t.startsWith(QLatin1Char('_')))
        t = t.mid(1);
    if (t.endsWith(QLatin1Char('a')) || t.endsWith(QStringLiteral("å")))
        t.chop(1);
    bool ok = false;
    const int wl = t.toInt(&ok);
    if (!ok)
        return {};
    const QString s = QString::number(wl);
    return aiaChannels().contains(s) ? s : QString();
}

QString channelLabel(const QString &channel)
{
    if (channel == QLatin1String("hmi"))
        return QStringLiteral("HMI magnetogram");
    if (channel == QLatin1String("hmi_ic"))
        return QStringLiteral("HMI continuum");
    if (channel == QLatin1String("hmi_v"))
        return QStringLiteral("HMI Dopplergram");
    if (channel.startsWith(QLatin1String("hmi_")))
        return QStringLiteral("HMI ") + channel.mid(4);
    return QStringLiteral("AIA ") + channel + QStringLiteral(" \u00C5");
}

QString valueLabel(const MapMeta &meta)
{
    return meta.displayScaled ? QStringLiteral("Helioviewer byte value") : meta.unit;
}

bool isMagneticFieldUnit(const QString &unit)
{
    const QString u = unit.trimmed().toLower();
    return u == QLatin1String("gauss") || u == QLatin1String("g") || u == QLatin1String("mx/cm^2")
           || u == QLatin1String("mx/cm2") || u == QLatin1String("mx cm^-2");
}

double MapMeta::plateScale() const { return std::sqrt(std::fabs(cdelt1 * cdelt2)); }

bool MapMeta::isHelioprojective() const
{
    return ctype1.startsWith(QLatin1String("HPLN")) && ctype2.startsWith(QLatin1String("HPLT"));
}

QString MapMeta::displayName() const
{
    return channelLabel(channel) + QLatin1Char(' ') + tObs.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

Expected<MapMeta> MapMeta::fromHeader(const FitsHeader &h, const QString &file)
{
    MapMeta m;
    m.file = file;
    m.telescope = h.string(QStringLiteral("TELESCOP"), {});
    m.detector = h.string(QStringLiteral("INSTRUME"), {});
    const QString tel = m.telescope.toUpper();
    const QString ins = m.detector.toUpper();
    if (ins.startsWith(QLatin1String("AIA")) || tel.contains(QLatin1String("AIA")))
        m.instrument = Instrument::AIA;
    else if (ins.startsWith(QLatin1String("HMI")) || tel.contains(QLatin1String("HMI")))
        m.instrument = Instrument::HMI;
    else if (tel.startsWith(QLatin1String("SDO")) && h.has(QStringLiteral("WAVELNTH"))) {
        const int wl = static_cast<int>(h.number(QStringLiteral("WAVELNTH"), 0));
        m.instrument = aiaChannels().contains(QString::number(wl)) ? Instrument::AIA : Instrument::HMI;
    }
    if (m.instrument == Instrument::Unknown) {
        if (m.telescope.isEmpty() && m.detector.isEmpty())
            return Error{file, QStringLiteral("not an SDO map: the header has no TELESCOP or INSTRUME keyword "
                                              "naming SDO/AIA or SDO/HMI")};
        return Error{file, QStringLiteral("not an SDO map: TELESCOP='%1', INSTRUME='%2' (expected SDO AIA or HMI)")
                               .arg(m.telescope, m.detector)};
    }

    m.wavelength = h.number(QStringLiteral("WAVELNTH"), m.instrument == Instrument::HMI ? 6173.0 : 0.0);
    if (m.instrument == Instrument::AIA) {
        if (m.wavelength <= 0)
            return Error{file, QStringLiteral("AIA header without WAVELNTH: the channel is unknown")};
        m.channel = QString::number(static_cast<int>(std::lround(m.wavelength)));
    } else {
        m.channel = hmiChannel(h, file);
    }

    // Time: T_OBS (mid-exposure) first; HMI writes it in TAI ("..._TAI"), AIA in UTC.
    std::optional<QDateTime> t;
    for (const char *key : {"T_OBS", "DATE-OBS", "DATE_OBS", "T_REC"}) {
        const QString k = QString::fromLatin1(key);
        if (!h.has(k))
            continue;
        t = SdoTime::parse(h.string(k, {}), SdoTime::Scale::UTC);
        if (t)
            break;
    }
    if (!t)
        return Error{file, QStringLiteral("no usable observation time (T_OBS / DATE-OBS missing or unparsable)")};
    m.tObs = *t;

    m.exptime = h.number(QStringLiteral("EXPTIME"), 0.0);
    m.unit = h.string(QStringLiteral("BUNIT"), {});
    if (m.unit.isEmpty())
        m.unit = h.string(QStringLiteral("PIXLUNIT"), {});
    if (m.unit.isEmpty() && m.instrument == Instrument::AIA)
        m.unit = QStringLiteral("DN");
    if (m.unit.compare(QLatin1String(kDisplayScaledBunit), Qt::CaseInsensitive) == 0) {
        m.displayScaled = true;
        m.unit = QString::fromLatin1(kDisplayScaledUnit);
    }
    m.level = h.number(QStringLiteral("LVL_NUM"), 1.0);
    m.quality = static_cast<long long>(h.number(QStringLiteral("QUALITY"), 0.0));
    m.naxis1 = static_cast<int>(h.number(QStringLiteral("NAXIS1"), 0));
    m.naxis2 = static_cast<int>(h.number(QStringLiteral("NAXIS2"), 0));
    m.bitpix = static_cast<int>(h.number(QStringLiteral("BITPIX"), 0));

    m.ctype1 = h.string(QStringLiteral("CTYPE1"), {});
    m.ctype2 = h.string(QStringLiteral("CTYPE2"), {});
    if (m.ctype1.isEmpty() || m.ctype2.isEmpty() || !h.has(QStringLiteral("CDELT1")) || !h.has(QStringLiteral("CRPIX1")))
        return Error{file, QStringLiteral("no world coordinates: CTYPE1/2, CRPIX1/2 or CDELT1/2 missing")};
    m.cunit1 = h.string(QStringLiteral("CUNIT1"), m.isHelioprojective() ? QStringLiteral("arcsec") : QStringLiteral("deg"));
    m.cunit2 = h.string(QStringLiteral("CUNIT2"), m.cunit1);
    m.crpix1 = h.number(QStringLiteral("CRPIX1"), 0);
    m.crpix2 = h.number(QStringLiteral("CRPIX2"), 0);
    m.crval1 = h.number(QStringLiteral("CRVAL1"), 0);
    m.crval2 = h.number(QStringLiteral("CRVAL2"), 0);
    m.cdelt1 = h.number(QStringLiteral("CDELT1"), 1);
    m.cdelt2 = h.number(QStringLiteral("CDELT2"), m.cdelt1);
    if (!(std::isfinite(m.cdelt1) && std::isfinite(m.cdelt2)) || m.cdelt1 == 0 || m.cdelt2 == 0)
        return Error{file, QStringLiteral("invalid plate scale CDELT1=%1 CDELT2=%2").arg(m.cdelt1).arg(m.cdelt2)};
    if (h.has(QStringLiteral("PC1_1")) || h.has(QStringLiteral("PC1_2")) || h.has(QStringLiteral("PC2_1"))) {
        m.hasPc = true;
        m.pc[0][0] = h.number(QStringLiteral("PC1_1"), 1);
        m.pc[0][1] = h.number(QStringLiteral("PC1_2"), 0);
        m.pc[1][0] = h.number(QStringLiteral("PC2_1"), 0);
        m.pc[1][1] = h.number(QStringLiteral("PC2_2"), 1);
        m.crota2 = std::atan2(m.pc[1][0] * m.cdelt2 / m.cdelt1, m.pc[0][0]) / kDeg;
        if (h.has(QStringLiteral("CROTA2")))
            m.crota2 = h.number(QStringLiteral("CROTA2"), m.crota2);
    } else {
        m.crota2 = h.number(QStringLiteral("CROTA2"), 0.0);
        const double c = std::cos(m.crota2 * kDeg), s = std::sin(m.crota2 * kDeg);
        const double ratio = m.cdelt2 / m.cdelt1;
        m.pc[0][0] = c;
        m.pc[0][1] = -s * ratio;
        m.pc[1][0] = s / ratio;
        m.pc[1][1] = c;
    }

    // Observer. Missing keywords are filled from the ephemeris of the date (an Earth-bound observer).
    const SunEphemeris eph = SunEphemeris::at(m.tObs);
    m.rsunRef = h.number(QStringLiteral("RSUN_REF"), 696000000.0);
    // Placeholders (Helioviewer writes DSUN_OBS = 0.03, RSUN_OBS = 0) count as missing: any real observer
    // is millions of kilometres away and sees a radius of tens of arcseconds or more.
    m.dsunObs = h.number(QStringLiteral("DSUN_OBS"), eph.distanceM);
    if (!(m.dsunObs > 1e9))
        m.dsunObs = eph.distanceM;
    m.rsunObs = h.number(QStringLiteral("RSUN_OBS"), 0.0);
    if (!(m.rsunObs > 1.0))
        m.rsunObs = std::asin(m.rsunRef / m.dsunObs) / kDeg * 3600.0;
    m.crltObs = h.number(QStringLiteral("CRLT_OBS"), eph.b0Deg);
    m.crlnObs = h.number(QStringLiteral("CRLN_OBS"), eph.l0Deg);
    m.hgltObs = h.number(QStringLiteral("HGLT_OBS"), m.crltObs);
    // Observer longitude, in the order sunpy uses: AIA's heliocentric-ecliptic position (HAE*_OBS; older
    // AIA headers carry a placeholder HGLN_OBS = 0), then HGLN_OBS, then Carrington CRLN_OBS - L0(T_OBS).
    const bool hasHae = h.has(QStringLiteral("HAEX_OBS")) && h.has(QStringLiteral("HAEY_OBS"))
        && h.has(QStringLiteral("HAEZ_OBS"));
    if (m.instrument == Instrument::AIA && hasHae) {
        const double hae[3] = {h.number(QStringLiteral("HAEX_OBS"), 0), h.number(QStringLiteral("HAEY_OBS"), 0),
                               h.number(QStringLiteral("HAEZ_OBS"), 0)};
        double earth[3];
        if (h.has(QStringLiteral("GAEX_OBS")) && h.has(QStringLiteral("GAEY_OBS")) && h.has(QStringLiteral("GAEZ_OBS"))) {
            // Earth = observer (heliocentric) - observer (geocentric), in the same ecliptic axes.
            earth[0] = hae[0] - h.number(QStringLiteral("GAEX_OBS"), 0);
            earth[1] = hae[1] - h.number(QStringLiteral("GAEY_OBS"), 0);
            earth[2] = hae[2] - h.number(QStringLiteral("GAEZ_OBS"), 0);
        } else {
            earthEclipticOfDate(m.tObs, earth);
        }
        m.hglnObs = stonyhurstLongitudeOf(hae, earth, m.tObs);
        m.hglnFromHeader = true;
    } else if (h.has(QStringLiteral("HGLN_OBS"))) {
        m.hglnObs = h.number(QStringLiteral("HGLN_OBS"), 0.0);
        m.hglnFromHeader = true;
    } else if (h.has(QStringLiteral("CRLN_OBS"))) {
        m.hglnObs = wrap180(m.crlnObs - eph.l0Deg);
    }
    return m;
}

}  // namespace solarchip
