#pragma once
// The total unsigned magnetic flux of a line-of-sight magnetogram over the visible disk: the classic full-disk
// flare predictor (the flare rate grows with an active region's flux, and a full-disk forecast sums regions), and
// the simple non-learned baseline every flare head is reported beside (models/flare/FlareRun).
//
// Radial-field assumption, as for full-disk flux from line-of-sight data: at a pixel whose line of sight meets
// the sphere at heliocentric angle theta (mu = cos theta), B_r = B_los / mu, and the pixel's plane-of-sky area
// A covers A / mu of the surface, so Phi = sum |B_los| A / mu^2 over the pixels within `radiusFactor` of the
// apparent radius (0.95 by default: mu >= 0.31, where the correction stays below 10x and the limb's noise out).
// A is CDELT1 * CDELT2 arcsec^2 at the observer's distance (DSUN_OBS; else RSUN_REF / sin RSUN_OBS). Pixels that
// are NaN (off-disk fill, missing data) are skipped and counted.

#include "core/base/Expected.h"
#include "core/map/SdoMap.h"

namespace solarchip {

struct DiskFlux {
    double unsignedMx = 0;     ///< Phi, maxwell
    long long pixels = 0;      ///< pixels summed
    long long nanPixels = 0;   ///< pixels inside the radius that were NaN (skipped)
    double radiusFactor = 0.95;
};

/// Fails, naming the file, for a map that is not an HMI line-of-sight magnetogram in gauss (or Mx/cm^2), or
/// whose frame has no apparent radius or usable coordinates.
Expected<DiskFlux> diskUnsignedFlux(const SdoMap &map, double radiusFactor = 0.95);

}  // namespace solarchip
