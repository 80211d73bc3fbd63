#pragma once
// Where the Sun is seen from Earth at a UTC instant: Sun-Earth distance, apparent radius, B0, P and the
// Carrington longitude L0 of the disk centre. Low-precision solar theory (Meeus, Astronomical Algorithms,
// ch. 25 and 29) L0 follows sunpy's definition (IAU rotational elements, light travel time to the nearest surface point).
// Measured against sunpy 4.1 (tests/core/tst_sdomap): B0, P and L0 within 0.006 deg, distance within 1e-4.

#include <QDateTime>

namespace solarchip {

struct SunEphemeris {
    double distanceM = 0;      // Sun-Earth distance, metres
    double radiusArcsec = 0;   // apparent radius of the photosphere (696000 km), arcsec
    double b0Deg = 0;          // heliographic latitude of the disk centre
    double l0Deg = 0;          // Carrington longitude of the disk centre (0..360)
    double pDeg = 0;           // position angle of the solar north pole, east of celestial north
    double geometricLonDeg = 0;  // geometric ecliptic longitude of the Sun (mean equinox of date)

    static SunEphemeris at(const QDateTime &utc);
};

/// Julian date (UTC scale) of a UTC instant.
double julianDate(const QDateTime &utc);

}  // namespace solarchip
