#pragma once
// The observer at the Earth's centre at a UTC instant (SunEphemeris: B0 and the Sun-Earth distance, Stonyhurst
// longitude 0): the frame SWPC's reports, the flare lists' helioprojective columns and a `--date` without a map are
// given in. SDO is within a few arcsec of it.

#include "core/map/Wcs.h"

#include <QDateTime>

namespace solarchip {

/// The radius sunpy projects helioprojective coordinates on by default (the IAU 2015 nominal radius): the frame of
/// the cycle-24 flare list's and HEK's hpc_x/hpc_y columns.
inline constexpr double kSunpyRsunM = 695700000.0;

/// The Earth's view of the Sun at `utc`, coordinates projected on a sphere of radius `rsunM` metres.
Observer earthObserverAt(const QDateTime &utc, double rsunM = 696000000.0);

}  // namespace solarchip
