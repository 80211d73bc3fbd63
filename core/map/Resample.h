#pragma once
// Resampling of images between pixel frames: the geometric engine under Prep. Chooses the exact
// transformation between two frames (affine, homography, or per-pixel through world coordinates), and
// area-averaging downsampling. Works on plain Images so the viewer can resample without building maps.

#include "core/base/Expected.h"
#include "core/base/Image.h"
#include "core/map/PixelFrame.h"

#include <QString>

namespace solarchip {

enum class Interpolation {
    Bilinear = 1,  // --order 1
    Cubic = 3,     // --order 3: Keys cubic convolution with a = -0.5 (Catmull-Rom; third-order accurate)
};

/// What becomes of off-disk positions when a resampling goes through the solar sphere (the two observers differ).
enum class OffDisk {
    Undefined,        // NaN: off the disk a line of sight meets no sphere point (sunpy's reproject default)
    SphericalScreen,  // on a sphere about the output's observer through the Sun centre (Wcs::helioprojectiveViaScreen,
                      // sunpy's assume_spherical_screen(observer, only_off_disk=True)): off-limb emission is kept
};

/// How a resampling was done (for HISTORY cards, --json and tests).
struct ResampleInfo {
    /// "affine" or "homography" (positions from the exact model, in double precision) or "per-pixel" (every
    /// position through WCSLIB, and through the solar sphere when observers differ).
    QString method;
    /// Largest difference, in input pixels, between the fitted affine/homography model and WCSLIB on a
    /// grid of check points (0 for "per-pixel").
    double modelErrorPx = 0;
    /// True when the two maps' observers differ enough that positions went through the solar sphere.
    bool throughSphere = false;
    /// True when off-disk positions went through the spherical screen (OffDisk::SphericalScreen and throughSphere).
    bool offDiskScreen = false;
    /// Rotation (degrees, counter-clockwise) and scale factor (input px per output px) of the mapping's
    /// linear part at the frame centre.
    double rotationDeg = 0;
    double scaleFactor = 1;
};

class Resample {
public:
    /// Resamples `src` (living in `srcFrame`) onto `dst`. NaN in `src` makes NaN exactly the output pixels
    /// whose interpolation footprint touches it; output pixels whose footprint leaves the input are NaN.
    /// `offDisk` matters only when the observers differ (see OffDisk).
    static Expected<Image> toFrame(const Image &src, const PixelFrame &srcFrame, const PixelFrame &dst,
                                   Interpolation interpolation, ResampleInfo *info = nullptr,
                                   OffDisk offDisk = OffDisk::Undefined);

    /// Area-averaging resize to width x height (any ratio; exact block means for integer factors). NaN
    /// pixels are left out of the average; an output pixel whose valid area is below minValidFraction of
    /// its footprint is NaN.
    static Image areaAverage(const Image &src, int width, int height, double minValidFraction = 0.5);
    /// The frame of areaAverage's output (CDELT and CRPIX scaled so the WCS stays exact).
    static Expected<PixelFrame> areaAverageFrame(const PixelFrame &src, int width, int height);

    /// Threads the resampling uses (OpenCV's parallel_for_ pool; all cores by default) and a way to change it (<= 0:
    /// back to the default), for benchmarks and for callers that run many resamplings in parallel.
    static int threads();
    static void setThreads(int n);
};

}  // namespace solarchip
