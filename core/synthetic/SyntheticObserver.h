#pragma once
// Where SDO is at a UTC instant, for the synthetic archive's headers and projections: the Earth from the
// low-precision solar ephemeris (SunEphemeris) plus SDO's inclined geosynchronous orbit (radius 42164 km,
// inclination 28.5 deg, station near 102 W). The orbit moves SDO by up to ~0.016 deg in Stonyhurst longitude
// and latitude and +-42000 km in Sun distance over a day, as the real DSUN_OBS/RSUN_OBS/HGLN_OBS do. The model
// is simple (a circular orbit, no perturbations) but every keyword written from it is self-consistent:
// CRLN_OBS = HGLN_OBS + L0, CRLT_OBS = HGLT_OBS, RSUN_OBS = asin(RSUN_REF / DSUN_OBS).

#include "core/map/Wcs.h"

#include <QDateTime>

namespace solarchip {

struct SyntheticObserver {
    Observer observer;        // hgln, hglt, dsun, rsun (RSUN_REF), crln
    double l0Deg = 0;         // Carrington longitude of Stonyhurst longitude 0 (the Earth's L0)
    double rsunArcsec = 0;    // apparent radius of a sphere of RSUN_REF seen from DSUN_OBS
    double vrMs = 0, vwMs = 0, vnMs = 0;  // observer velocity: radial (away from the Sun), solar west, north
    double earthDistanceM = 0;
    double earthB0Deg = 0;
    int carringtonRotation = 0;  // CAR_ROT of the observer's Carrington longitude

    static constexpr double kRsunRef = 696000000.0;  // metres, the RSUN_REF of AIA and HMI headers

    static SyntheticObserver sdoAt(const QDateTime &utc);
};

}  // namespace solarchip
