#pragma once
// Where the Sun is seen from Earth at a UTC instant: Sun-Earth distance, apparent radius, B0, P and the
// Carrington longitude L0 of the disk centre. Low-precision solar theory (Meeus, Astronomical Algorithms,
// ch. 25 and 29) with the light-travel-time correction sunpy applies; good to ~0.01 degree.

#include <QDateTime>

namespace solarchip {

struct SunEphemeris {
    double distanceM = 0;      // Sun-Earth distance, metres
    double radiusArcsec = 0;   // apparent radius of the photosphere (696000 km), arcsec
    double b0Deg = 0;          // heliographic latitude of the disk centre
    double l0Deg = 0;          // Carrington longitude of the disk centre (0..360)
    double pDeg = 0;           // position angle of the solar north pole, east of celestial north

    static SunEphemeris at(const QDateTime &utc);
};

/// Julian date (UTC scale) of a UTC instant.
double julianDate(const QDateTime &utc);

}  // namespace solarchip
