#include "core/map/SunEphemeris.h"

#include "core/map/SdoTime.h"

#include <QTimeZone>

#include <cmath>

namespace solarchip {

namespace {
constexpr double kDeg = M_PI / 180.0;
constexpr double kAu = 1.495978707e11;
constexpr double kRsunNominal = 695700000.0;  // IAU 2015 nominal solar radius (sunpy's constant)
constexpr double kSpeedOfLight = 299792458.0;
constexpr double kPoleRa = 286.13;    // solar north pole in ICRS (IAU)
constexpr double kPoleDec = 63.87;
constexpr double kW0 = 84.176;        // prime meridian at J2000.0 (IAU)
constexpr double kSiderealRate = 14.1844;  // deg/day (IAU, Archinal et al. 2018)

double wrap360(double a)
{
    a = std::fmod(a, 360.0);
    return a < 0 ? a + 360.0 : a;
}
// Longitude of an ICRS direction in the frame whose z axis is the solar pole, obtained by the smallest
// rotation taking the pole onto z (the "de-tilt" rotation).
double detiltLongitude(double x, double y, double z)
{
    const double px = std::cos(kPoleDec * kDeg) * std::cos(kPoleRa * kDeg);
    const double py = std::cos(kPoleDec * kDeg) * std::sin(kPoleRa * kDeg);
    const double pz = std::sin(kPoleDec * kDeg);
    // Rotation axis k = p x z (normalised), angle a with cos a = pz.
    double kx = py, ky = -px;
    const double kn = std::sqrt(kx * kx + ky * ky);
    kx /= kn;
    ky /= kn;
    const double c = pz, s = kn;
    // Rodrigues: v' = v c + (k x v) s + k (k.v)(1 - c), with kz = 0.
    const double kdotv = kx * x + ky * y;
    const double cx = ky * z, cy = -kx * z, cz = kx * y - ky * x;
    const double rx = x * c + cx * s + kx * kdotv * (1 - c);
    const double ry = y * c + cy * s + ky * kdotv * (1 - c);
    (void)cz;
    return std::atan2(ry, rx) / kDeg;
}

}  // namespace

double julianDate(const QDateTime &utc)
{
    // J2000.0 = 2000-01-01T12:00:00 UTC-labelled = JD 2451545.0
    static const QDateTime j2000(QDate(2000, 1, 1), QTime(12, 0, 0), QTimeZone::utc());
    return 2451545.0 + static_cast<double>(j2000.msecsTo(utc.toUTC())) / 86400000.0;
}

SunEphemeris SunEphemeris::at(const QDateTime &utc)
{
    // Terrestrial time: TT = TAI + 32.184 s.
    const double jde = julianDate(utc) + (SdoTime::taiMinusUtc(utc) + 32.184) / 86400.0;
    const double T = (jde - 2451545.0) / 36525.0;

    // Meeus ch. 25: the Sun's geometric and apparent longitude, distance.
    const double L0 = wrap360(280.46646 + 36000.76983 * T + 0.0003032 * T * T);
    const double M = wrap360(357.52911 + 35999.05029 * T - 0.0001537 * T * T);
    const double e = 0.016708634 - 0.000042037 * T - 0.0000001267 * T * T;
    const double C = (1.914602 - 0.004817 * T - 0.000014 * T * T) * std::sin(M * kDeg)
        + (0.019993 - 0.000101 * T) * std::sin(2 * M * kDeg) + 0.000289 * std::sin(3 * M * kDeg);
    const double trueLon = L0 + C;
    const double v = M + C;
    const double R = 1.000001018 * (1 - e * e) / (1 + e * std::cos(v * kDeg));  // AU
    const double omega = 125.04 - 1934.136 * T;
    // Apparent longitude: aberration (-20.4898"/R) and nutation in longitude (~ -0.00478 sin omega).
    const double aberration = -20.4898 / 3600.0 / R;
    const double nutation = -0.00478 * std::sin(omega * kDeg);
    const double lambda = trueLon + aberration;          // without nutation
    const double lambdaApp = lambda + nutation;          // with nutation
    const double eps0 = 23.0 + 26.0 / 60.0 + 21.448 / 3600.0 - (46.8150 * T + 0.00059 * T * T - 0.001813 * T * T * T) / 3600.0;
    const double eps = eps0 + 0.00256 * std::cos(omega * kDeg);

    // Meeus ch. 29: B0 and P from the Sun's apparent longitude and the IAU node/inclination of the
    // solar equator.
    const double I = 7.25;
    const double K = 73.6667 + 1.3958333 * (jde - 2396758.0) / 36525.0;
    const double x = std::atan(-std::cos(lambdaApp * kDeg) * std::tan(eps * kDeg)) / kDeg;
    const double y = std::atan(-std::cos((lambda - K) * kDeg) * std::tan(I * kDeg)) / kDeg;
    const double b0 = std::asin(std::sin((lambda - K) * kDeg) * std::sin(I * kDeg)) / kDeg;

    SunEphemeris out;
    out.distanceM = R * kAu;
    out.radiusArcsec = std::asin(kRsunNominal / out.distanceM) / kDeg * 3600.0;
    out.b0Deg = b0;
    out.pDeg = x + y;
    out.geometricLonDeg = wrap360(trueLon);

    // L0 as sunpy defines it (IAU rotational elements, Archinal et al.): the longitude of the Earth in the
    // frame whose z axis is the solar pole (RA 286.13, Dec 63.87 in ICRS), minus the prime meridian angle
    // W0 + 14.1844 deg/day at the time light left the nearest point of the solar surface.
    const double geometricLon = trueLon - 0.01397 * (T * 100.0);  // mean ecliptic/equinox of J2000
    const double earthLon = geometricLon + 180.0;
    const double epsJ2000 = 23.4392911 * kDeg;
    const double ex = std::cos(earthLon * kDeg);
    const double ey = std::sin(earthLon * kDeg) * std::cos(epsJ2000);
    const double ez = std::sin(earthLon * kDeg) * std::sin(epsJ2000);
    const double earthDetiltLon = detiltLongitude(ex, ey, ez);
    const double nodeDetiltLon = detiltLongitude(std::cos((kPoleRa + 90.0) * kDeg), std::sin((kPoleRa + 90.0) * kDeg), 0.0);
    const double dlonMeridian0 = nodeDetiltLon + kW0;
    const double lightTimeDays = (out.distanceM - kRsunNominal) / kSpeedOfLight / 86400.0;
    // Elapsed physical time since J2000.0 (TT), in days.
    const double daysSinceJ2000 = jde - 2451545.0 - lightTimeDays;
    out.l0Deg = wrap360(earthDetiltLon - (dlonMeridian0 + daysSinceJ2000 * kSiderealRate));
    return out;
}

}  // namespace solarchip
