#pragma once
// Which pixels of a frame see the solar disk: inside radiusFactor * RSUN_OBS (the apparent radius) of the
// disk centre, by the angular distance of each pixel's line of sight from the Sun-centre direction. For
// helioprojective TAN frames this is exact and fast (the gnomonic plane turns the angle into a dot
// product); other projections go through the WCS per pixel.

#include "core/base/Expected.h"
#include "core/map/PixelFrame.h"

#include <cstdint>
#include <vector>

namespace solarchip {

struct DiskMask {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> inside;  // 1 on the disk, 0 off; row-major like Image
    /// With `withMu`: mu = cos(heliocentric angle) of each inside pixel's line of sight where it meets the
    /// sphere (0 outside): sqrt(1 - (sin rho / sin rho_sun)^2), rho the angle from the disk centre and rho_sun
    /// the apparent radius, exact for a spherical Sun seen from a finite distance.
    std::vector<float> mu;

    bool at(int x, int y) const { return inside[static_cast<std::size_t>(y) * width + x] != 0; }
    long long count() const;

    /// The mask of a frame. Fails when the frame has no apparent solar radius or no usable WCS.
    static Expected<DiskMask> compute(const PixelFrame &frame, double radiusFactor = 1.0, bool withMu = false);
};

}  // namespace solarchip
