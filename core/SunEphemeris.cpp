#include "core/SunEphemeris.h"

#include "core/SdoTime.h"

#include <QTimeZone>

#include <cmath>

namespace solarchip {

namespace {
constexpr double kDeg = M_PI / 180.0;
constexpr double kAu = 1.495978707e11;
constexpr double kRsun = 696000000.0;

double wrap360(double a)
{
    a = std::fmod(a, 360.0);
    return a < 0 ? a + 360.0 : a;
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

    // Meeus ch. 29: physical ephemeris. theta is the Carrington rotation angle (already including the
    // light-time convention of Carrington's system).
    const double theta = wrap360((jde - 2398220.0) * 360.0 / 25.38);
    const double I = 7.25;
    const double K = 73.6667 + 1.3958333 * (jde - 2396758.0) / 36525.0;
    const double x = std::atan(-std::cos(lambdaApp * kDeg) * std::tan(eps * kDeg)) / kDeg;
    const double y = std::atan(-std::cos((lambda - K) * kDeg) * std::tan(I * kDeg)) / kDeg;
    const double b0 = std::asin(std::sin((lambda - K) * kDeg) * std::sin(I * kDeg)) / kDeg;
    const double eta = std::atan2(-std::sin((lambda - K) * kDeg) * std::cos(I * kDeg),
                                  -std::cos((lambda - K) * kDeg)) / kDeg;

    SunEphemeris out;
    out.distanceM = R * kAu;
    out.radiusArcsec = std::asin(kRsun / out.distanceM) / kDeg * 3600.0;
    out.b0Deg = b0;
    out.pDeg = x + y;
    out.l0Deg = wrap360(eta - theta);
    return out;
}

}  // namespace solarchip
