#pragma once
// Turns a float map into display pixels: limits + stretch (core/DisplayLimits) + colormap, through one
// lookup table from value bin to premultiplied ARGB, on the render pool of the thread budget
// (core/base/ThreadBudget: idle render threads help with the rows; no thread is created per render). The
// result is north-up (FITS row 0 at the bottom of the QImage), NaN transparent, with a mipmap pyramid so a
// 4096^2 map zoomed out to a window paints from a 1024^2 or 512^2 level. render() is thread-safe and
// GUI-thread-free (QImage only, no QPixmap); renderAsync() runs it on that pool (pool()) for MapView.

#include "core/map/DisplayLimits.h"
#include "core/base/Image.h"
#include "widgets/Colormap.h"

#include <QFuture>
#include <QImage>

#include <memory>
#include <vector>

namespace solarchip {

struct RenderedMap {
    /// pyramid[0]: the full-resolution image (width x height of the map, QImage::Format_ARGB32_Premultiplied,
    /// QImage row r = FITS row height-1-r). pyramid[k]: 2^k-fold box-averaged (ceil sizes), down to ~256 px.
    std::vector<QImage> pyramid;
    DisplaySettings settings;
    DisplayRange range;                       // the limits actually used
    Colormap colormap;                        // settings.colormap (reversed if asked)
    std::shared_ptr<const StretchTable> table;  // value -> [0, 1] (for colorbar ticks and readouts)
    double limitsMs = 0;   // time spent choosing limits (percentiles, zscale, histogram)
    bool limitsComputed = false;  // the limits were chosen from the data here (false: given, e.g. reused)
    double colourMs = 0;   // time spent colouring pixels
    double pyramidMs = 0;  // time spent on the mipmaps

    bool isNull() const { return pyramid.empty() || pyramid.front().isNull(); }
    const QImage &image() const { return pyramid.front(); }
    /// The pyramid level to paint from at `zoom` screen pixels per map pixel (the smallest level still at
    /// or above screen resolution).
    int levelFor(double zoom) const;
};

struct RenderOptions {
    bool buildPyramid = true;
    int threads = 0;  // at most this many threads share the rows; 0: the render pool's size
};

class MapRenderer {
public:
    /// Chooses the limits, builds the stretch table and colours every pixel. Empty image -> null result.
    static RenderedMap render(const Image &image, const DisplaySettings &settings, const RenderOptions &options = {});
    /// Same with limits already known (e.g. linked views sharing one range, or a blink pair).
    static RenderedMap render(const Image &image, const DisplaySettings &settings, const DisplayRange &range,
                              const RenderOptions &options = {});
    /// The pool background renders run on: the thread budget's render pool. Not QThreadPool::globalInstance(): Qt 6.4's raster engine runs the
    /// parallel parts of QPainter::drawImage on the global pool and waits for them on the UI thread, so
    /// renders queued there would stall painting.
    static class QThreadPool *pool();
    /// Runs render() on pool(); the image is kept alive by the shared pointer.
    static QFuture<RenderedMap> renderAsync(std::shared_ptr<const Image> image, DisplaySettings settings,
                                            RenderOptions options = {});

    /// The premultiplied colour LUT from stretch-table bin to ARGB at bin centres (one entry per bin);
    /// render() refines the bins that straddle a colour boundary with the exact threshold.
    static std::vector<QRgb> colourLut(const StretchTable &table, const Colormap &colormap);
};

}  // namespace solarchip
