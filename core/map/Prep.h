#pragma once
// Prep ("level 1.5") and the other map -> map operations the viewer and the training pipeline share:
// rotate to solar north and rescale to a plate scale (optionally recentring the disk, as aiapy's register),
// co-register a map onto another map's pixel grid through the WCS of both (HMI into the AIA frame),
// exposure normalisation, NaN-aware area downsampling and the disk mask.
//
// All functions are pure: they take the map by value (pass std::move(map) to avoid a copy of the pixels
// when the caller no longer needs it) and return a new map whose header, MapMeta and Wcs describe the new
// pixels exactly (CRPIX/CRVAL/CDELT/PC rewritten, LVL_NUM, BUNIT, HISTORY), so writing it with FitsWriter
// gives a correct level 1.5 file.
//
// NaN handling: a NaN input pixel makes NaN exactly those output pixels whose interpolation footprint
// touches it (2x2 for bilinear, 4x4 for cubic; what sunpy's rotate does); it never smears further.
// Pixels outside the input are NaN.

#include "core/base/Expected.h"
#include "core/map/PixelFrame.h"
#include "core/map/Resample.h"
#include "core/map/SdoMap.h"

#include <limits>

namespace solarchip {

struct PrepOptions {
    /// Target plate scale in arcsec per pixel (both axes); <= 0 keeps the input's (mean) plate scale.
    double scale = 0.6;
    /// Output size in pixels; 0 keeps the input's size.
    int width = 0;
    int height = 0;
    /// Put the disk centre (helioprojective 0, 0) at the image centre, as aiapy's register does for
    /// full-disk maps. Without it, the input's array centre stays at the output's array centre.
    bool recenter = false;
    Interpolation interpolation = Interpolation::Cubic;
    /// Divide by EXPTIME (unit DN -> DN/s).
    bool exposureNormalise = false;
};

class Prep {
public:
    /// Level 1.5: north up (PC = identity, CROTA2 = 0), plate scale `options.scale`, optional recentring,
    /// optional exposure normalisation. LVL_NUM becomes 1.5.
    static Expected<SdoMap> level15(SdoMap map, const PrepOptions &options = {}, ResampleInfo *info = nullptr);
    /// The frame level15() would produce for this map (so several channels can share one frame).
    static Expected<PixelFrame> level15Frame(const SdoMap &map, const PrepOptions &options);
    /// The same from a map's header alone (metadata and pixel size), e.g. PixelFrame::fromFile's.
    static Expected<PixelFrame> level15Frame(const MapMeta &meta, int width, int height, const PrepOptions &options);

    /// Resamples `map` onto `frame`'s pixel grid through the WCS of both (co-registration, e.g. HMI into an
    /// AIA frame). For two helioprojective TAN maps seen from the same observer the mapping is an exact
    /// homography (an affine map when CRVAL is the same), fitted to WCSLIB and checked; otherwise every
    /// output pixel goes through world coordinates (and through the solar sphere when observers differ;
    /// off-disk pixels then have no counterpart and are NaN). Metadata other than the WCS stay the input's.
    /// `offDisk` = SphericalScreen keeps off-disk pixels when the observers differ (Resample's OffDisk).
    static Expected<SdoMap> toFrame(SdoMap map, const PixelFrame &frame,
                                    Interpolation interpolation = Interpolation::Cubic, ResampleInfo *info = nullptr,
                                    OffDisk offDisk = OffDisk::Undefined);

    /// Divides by EXPTIME; BUNIT/PIXLUNIT become "<unit>/s". Fails when EXPTIME is missing or not positive,
    /// or the map is already per second.
    static Expected<SdoMap> normaliseExposure(SdoMap map);

    /// Area-averaging downsample to width x height (model resolution). A block whose valid (finite) area is
    /// below `minValidFraction` of its area becomes NaN; otherwise it is the mean of its valid part.
    static Expected<SdoMap> downsample(SdoMap map, int width, int height, double minValidFraction = 0.5);

    /// Sets pixels outside radiusFactor * RSUN_OBS to `outside` (NaN by default).
    static Expected<SdoMap> maskOffDisk(SdoMap map, double radiusFactor = 1.0,
                                        float outside = std::numeric_limits<float>::quiet_NaN());
};

}  // namespace solarchip
