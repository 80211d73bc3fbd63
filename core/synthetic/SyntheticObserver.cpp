#include "core/synthetic/SyntheticObserver.h"

#include "core/map/SunEphemeris.h"

#include <cmath>

namespace solarchip {

namespace {

constexpr double kDeg = M_PI / 180.0;
constexpr double kGeoRadius = 42164.0e3;   // geosynchronous orbit radius, m
constexpr double kInclination = 28.5;      // SDO orbit inclination, deg
constexpr double kStationLon = -102.0;     // SDO station longitude, deg (east positive)
constexpr double kNode = 100.0;            // right ascension of the ascending node (model choice), deg

struct Position {
    double dsun;     // m
    double dlonDeg;  // heliocentric ecliptic longitude offset from the Earth
    double dlatDeg;  // heliocentric ecliptic latitude offset
    double earthLonDeg;
};

Position positionAt(const QDateTime &utc, SunEphemeris *ephOut = nullptr)
{
    const SunEphemeris e = SunEphemeris::at(utc);
    if (ephOut)
        *ephOut = e;
    const double jd = julianDate(utc);
    const double T = (jd - 2451545.0) / 36525.0;
    // Greenwich mean sidereal time (IAU 1982, UT1 ~ UTC here).
    const double gmst = 280.46061837 + 360.98564736629 * (jd - 2451545.0) + 0.000387933 * T * T;
    const double ra = (gmst + kStationLon) * kDeg;
    const double dec = std::asin(std::sin(kInclination * kDeg) * std::sin(ra - kNode * kDeg));
    // Geocentric equatorial -> ecliptic (mean obliquity of date).
    const double eps = (23.439291 - 0.0130042 * T) * kDeg;
    const double xq = kGeoRadius * std::cos(dec) * std::cos(ra);
    const double yq = kGeoRadius * std::cos(dec) * std::sin(ra);
    const double zq = kGeoRadius * std::sin(dec);
    const double x = xq, y = yq * std::cos(eps) + zq * std::sin(eps), z = -yq * std::sin(eps) + zq * std::cos(eps);
    // Components along the Sun direction, the Earth's heliocentric east (increasing ecliptic longitude), north.
    const double ls = e.geometricLonDeg * kDeg;
    const double towardSun = x * std::cos(ls) + y * std::sin(ls);
    const double east = x * std::sin(ls) - y * std::cos(ls);
    const double D = e.distanceM - towardSun;
    Position p;
    p.dsun = std::sqrt(D * D + east * east + z * z);
    p.dlonDeg = std::atan2(east, D) / kDeg;
    p.dlatDeg = std::asin(z / p.dsun) / kDeg;
    p.earthLonDeg = e.geometricLonDeg + 180.0;
    return p;
}

double wrap360(double a)
{
    a = std::fmod(a, 360.0);
    return a < 0 ? a + 360.0 : a;
}

}  // namespace

SyntheticObserver SyntheticObserver::sdoAt(const QDateTime &utc)
{
    SunEphemeris e;
    const Position p = positionAt(utc, &e);
    SyntheticObserver o;
    o.earthDistanceM = e.distanceM;
    o.earthB0Deg = e.b0Deg;
    o.l0Deg = e.l0Deg;
    o.observer.dsun = p.dsun;
    o.observer.rsun = kRsunRef;
    // Stonyhurst longitude grows toward solar west, i.e. ahead of the Earth in its orbit (as STEREO-A).
    // The small offsets are applied without the 7.25 deg tilt between ecliptic and solar equator (a
    // second-order effect: < 0.002 deg).
    o.observer.hgln = p.dlonDeg;
    o.observer.hglt = e.b0Deg + p.dlatDeg;
    o.observer.crln = wrap360(o.observer.hgln + e.l0Deg);
    o.rsunArcsec = std::asin(kRsunRef / p.dsun) / kDeg * 3600.0;
    // Carrington rotation number (Meeus ch. 29: rotation C starts at JD 2398140.2270 + 27.2752316 C) and
    // CRLN decreases through each one, so the count is the mean-rate estimate snapped to the longitude.
    const double jd = julianDate(utc);
    const double estimate = (jd - 2398140.2270) / 27.2752316;
    const double frac = 1.0 - o.observer.crln / 360.0;
    o.carringtonRotation = static_cast<int>(std::lround(estimate - frac));
    // Velocities by central differences over a minute.
    const Position a = positionAt(utc.addSecs(-30)), b = positionAt(utc.addSecs(30));
    o.vrMs = (b.dsun - a.dsun) / 60.0;
    o.vwMs = p.dsun * ((b.earthLonDeg + b.dlonDeg) - (a.earthLonDeg + a.dlonDeg)) * kDeg / 60.0;
    o.vnMs = p.dsun * (b.dlatDeg - a.dlatDeg) * kDeg / 60.0;
    return o;
}

}  // namespace solarchip
