#pragma once
// The one rule by which a map is put onto another pixel grid, shared by the viewer (an HMI magnetogram shown
// on the AIA display grid of its set) and the models' Dataset (every channel on the common model frame, see
// ModelFrame): first area-average the map by the largest whole factor that keeps it at least as fine as the
// target grid, then resample it onto the grid through the WCS of both (Prep::toFrame). The averaging matters:
// an interpolating resample by a large factor (0.504"/px HMI onto a 2.4"/px grid) would read only a few of
// the input pixels under each output pixel and alias.
//
// Also the display-size rule of the viewer: a map larger than the display is block-averaged by the smallest
// whole factor that brings its longer side within the limit (exact block means, so its WCS stays exact).

#include "core/base/Expected.h"
#include "core/map/PixelFrame.h"
#include "core/map/Resample.h"
#include "core/map/SdoMap.h"

#include <QSize>

namespace solarchip {

class FramePrep {
public:
    /// Mean plate scale of a map or frame, arcsec (or degrees) per pixel: (|CDELT1| + |CDELT2|) / 2.
    static double meanPlateScale(const MapMeta &meta);
    /// The whole factor by which a map of plate scale `mapScale` is averaged before it is resampled onto a
    /// grid of plate scale `frameScale`: floor(frameScale / mapScale) (1e-9 tolerance, so an exact ratio of 2
    /// gives 2), and 1 when that is below 2 or a scale is not positive.
    static int shrinkFactor(double frameScale, double mapScale);
    /// The rule: averages `map` by shrinkFactor (Prep::downsample to width/k x height/k), then resamples it
    /// onto `frame` (Prep::toFrame). The result's header, MapMeta and Wcs describe `frame`.
    /// `offDisk`: what off-disk pixels become when the observers differ (the viewer keeps them on a spherical
    /// screen; the models' input leaves them undefined).
    static Expected<SdoMap> ontoFrame(SdoMap map, const PixelFrame &frame, Interpolation interpolation,
                                      OffDisk offDisk = OffDisk::Undefined);

    /// The smallest whole factor that brings the longer side of a width x height map to at most maxSize
    /// (1 when it already fits or maxSize <= 0).
    static int displayFactor(int width, int height, int maxSize);
    /// The map's display size: width and height divided (integer division) by displayFactor, at least 1.
    static QSize displaySize(int width, int height, int maxSize);
};

}  // namespace solarchip
