#include "widgets/MapRenderer.h"

#include "core/base/RecentCache.h"
#include "core/base/ThreadBudget.h"

#include <QElapsedTimer>
#include <QMutex>
#include <QThreadPool>
#include <QWaitCondition>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <functional>

namespace solarchip {

namespace {

// The bins of StretchTable in which the colour table's index changes, for a stretch and its parameter: the
// indices below and above, and the normalised value t where the index changes (through the inverse stretch).
// They do not depend on the data range, so they are found once per stretch (131072 stretch evaluations) and
// reused by every render with it.
struct ColourCrossing {
    int bin = 0;
    int below = 0, above = 0;
    double t = 0;
};

std::shared_ptr<const std::vector<ColourCrossing>> colourCrossings(DisplayStretch stretch, double a)
{
    // Made once and never destroyed: a render still running on a pool thread at exit uses it after function statics
    // made later than the ThreadBudget are destroyed, and the ThreadBudget waits for its pools only after that.
    static auto &cache = *new RecentCache<std::pair<DisplayStretch, double>, std::vector<ColourCrossing>>(16);
    return cache.get({stretch, a}, [&] {
        const double top = StretchTable::kBins - 1;
        auto indexAt = [&](double t) { return Colormap::indexOf(applyStretch(stretch, a, std::clamp(t, 0.0, 1.0))); };
        std::vector<ColourCrossing> out;
        int i0 = indexAt(-0.5 / top);
        for (int b = 0; b < StretchTable::kBins; ++b) {
            const int i1 = indexAt((b + 0.5) / top);  // the next bin's lower edge is this one's upper edge
            if (i0 != i1)
                out.push_back({b, i0, i1, inverseStretch(stretch, a, double(i1) / Colormap::kSize)});
            i0 = i1;
        }
        return out;
    });
}

// Splits [0, n) into contiguous chunks and runs them on the calling thread, helped by idle threads of the
// render pool: no thread is created per render. render() itself usually runs on a render-pool thread, so the
// helpers are only offered to threads idle right now (tryStart) and the caller never waits for a helper to
// start: chunks are taken from a shared counter, the caller takes them too, and it waits only for chunks a
// helper has already taken. A helper that starts after the work ran out finds nothing to do.
template <class F>
void parallelRows(int n, int threads, F &&f)
{
    threads = std::clamp(threads, 1, std::max(1, n / 16));
    if (threads <= 1) {
        f(0, n);
        return;
    }
    struct Shared {
        std::atomic<int> next{0};
        QMutex mutex;
        QWaitCondition allDone;
        int finished = 0;
        int chunks = 0;
        int chunk = 0;
        int n = 0;
        std::function<void(int, int)> work;  // emptied by the caller before it returns
    };
    auto shared = std::make_shared<Shared>();
    shared->n = n;
    shared->chunks = threads * 2;  // a few more chunks than threads: a helper starting late still shares
    shared->chunk = (n + shared->chunks - 1) / shared->chunks;
    shared->work = [&f](int b, int e) { f(b, e); };
    auto drain = [](const std::shared_ptr<Shared> &s) {
        for (;;) {
            const int i = s->next.fetch_add(1);
            if (i >= s->chunks)
                return;
            const int b = i * s->chunk, e = std::min(s->n, b + s->chunk);
            if (b < e)
                s->work(b, e);
            QMutexLocker lock(&s->mutex);
            if (++s->finished == s->chunks)
                s->allDone.wakeAll();
        }
    };
    QThreadPool *pool = MapRenderer::pool();
    for (int t = 1; t < threads; ++t)
        if (!pool->tryStart([shared, drain] { drain(shared); }))
            break;  // no idle render thread: the caller does the rest
    drain(shared);
    QMutexLocker lock(&shared->mutex);
    while (shared->finished < shared->chunks)
        shared->allDone.wait(&shared->mutex);
    shared->work = nullptr;
}

int threadCount(const RenderOptions &o)
{
    return o.threads > 0 ? o.threads : ThreadBudget::instance().size(ThreadBudget::Pool::Render);
}

// One 2x2 box-average step on premultiplied ARGB (averaging premultiplied channels, alpha included, is
// the correct way to filter with transparency). Channels are summed two at a time in 16-bit lanes of a
// 32-bit word (4 x 255 fits), rounded to nearest.
inline quint32 average4(quint32 a, quint32 b, quint32 c, quint32 d)
{
    constexpr quint32 m = 0x00ff00ffu;
    const quint32 rb = (a & m) + (b & m) + (c & m) + (d & m) + 0x00020002u;
    const quint32 ag = ((a >> 8) & m) + ((b >> 8) & m) + ((c >> 8) & m) + ((d >> 8) & m) + 0x00020002u;
    return ((rb >> 2) & m) | (((ag >> 2) & m) << 8);
}

QImage halve(const QImage &src, int threads)
{
    const int w = (src.width() + 1) / 2, h = (src.height() + 1) / 2;
    QImage dst(w, h, QImage::Format_ARGB32_Premultiplied);
    const int sw = src.width(), sh = src.height();
    parallelRows(h, threads, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            // An odd last row or column is averaged with itself (edge replication).
            const quint32 *r0 = reinterpret_cast<const quint32 *>(src.constScanLine(2 * y));
            const quint32 *r1 = reinterpret_cast<const quint32 *>(src.constScanLine(std::min(2 * y + 1, sh - 1)));
            quint32 *out = reinterpret_cast<quint32 *>(dst.scanLine(y));
            const int full = sw / 2;
            for (int x = 0; x < full; ++x)
                out[x] = average4(r0[2 * x], r0[2 * x + 1], r1[2 * x], r1[2 * x + 1]);
            if (full < w)
                out[full] = average4(r0[sw - 1], r0[sw - 1], r1[sw - 1], r1[sw - 1]);
        }
    });
    return dst;
}

}  // namespace

int RenderedMap::levelFor(double zoom) const
{
    int k = 0;
    while (k + 1 < static_cast<int>(pyramid.size()) && zoom * double(1 << (k + 1)) <= 1.0 + 1e-9)
        ++k;
    return k;
}

std::vector<QRgb> MapRenderer::colourLut(const StretchTable &table, const Colormap &colormap)
{
    std::vector<QRgb> lut(table.values().size());
    for (size_t b = 0; b < lut.size(); ++b)
        lut[b] = colormap.rgb(Colormap::indexOf(table.values()[b]));  // opaque: premultiplied == straight
    return lut;
}

RenderedMap MapRenderer::render(const Image &image, const DisplaySettings &settings, const RenderOptions &options)
{
    QElapsedTimer timer;
    timer.start();
    const DisplayRange range = resolveLimits(image, settings);
    const double limitsMs = timer.nsecsElapsed() / 1e6;
    RenderedMap out = render(image, settings, range, options);
    out.limitsMs += limitsMs;
    out.limitsComputed = true;
    return out;
}

RenderedMap MapRenderer::render(const Image &image, const DisplaySettings &settings, const DisplayRange &range,
                                const RenderOptions &options)
{
    RenderedMap out;
    out.settings = settings;
    out.range = range.isValid() ? range : DisplayRange{0.0, 1.0};
    out.colormap = Colormap::byName(settings.colormap);
    if (settings.reverseColormap)
        out.colormap = out.colormap.reversed();
    if (image.isEmpty())
        return out;
    const int threads = threadCount(options);

    QElapsedTimer timer;
    timer.start();
    auto table = std::make_shared<StretchTable>(StretchTable::build(settings, out.range, &image));
    out.table = table;
    out.limitsMs = timer.nsecsElapsed() / 1e6;

    timer.restart();
    std::vector<QRgb> lut = colourLut(*table, out.colormap);
    // Single precision is enough here: the bin is (v - lo) * scale with a relative error of ~1e-7, i.e.
    // < 0.01 of a bin, and the data themselves are float32.
    const float lo = float(out.range.min), scale = float(table->scale());
    const float top = float(StretchTable::kBins - 1);
    // Bins that straddle a colour boundary get the exact data value where matplotlib's index changes
    // (through the inverse stretch), so steep stretches (log, asinh near zero) pick the same entry as
    // astropy + matplotlib would for every pixel, not just at bin centres.
    struct Split {
        float threshold;
        QRgb below, above;
    };
    // A split bin's LUT entry holds the split's number with alpha 0 (colormap entries are opaque).
    std::vector<Split> splits;
    if (settings.stretch != DisplayStretch::HistEq) {
        const double span = out.range.max - out.range.min;
        for (const ColourCrossing &c : *colourCrossings(settings.stretch, settings.effectiveStretchParameter())) {
            lut[static_cast<size_t>(c.bin)] = QRgb(splits.size());
            splits.push_back({float(out.range.min + c.t * span), out.colormap.rgb(c.below), out.colormap.rgb(c.above)});
        }
    }
    const int w = image.width, h = image.height;
    QImage img(w, h, QImage::Format_ARGB32_Premultiplied);
    if (img.isNull())
        return out;  // allocation failed
    parallelRows(h, threads, [&](int r0, int r1) {
        for (int r = r0; r < r1; ++r) {
            const float *src = image.row(h - 1 - r);  // north up: FITS row 0 at the bottom
            QRgb *dst = reinterpret_cast<QRgb *>(img.scanLine(r));
            for (int x = 0; x < w; ++x) {
                const float v = src[x];
                if (v != v) {
                    dst[x] = 0;  // NaN: transparent
                    continue;
                }
                const float t = (v - lo) * scale;
                const int b = t > 0.0f ? (t < top ? static_cast<int>(t + 0.5f) : StretchTable::kBins - 1) : 0;
                const QRgb c = lut[static_cast<size_t>(b)];
                if (c >> 24)
                    dst[x] = c;
                else {
                    const Split &q = splits[c];
                    dst[x] = v >= q.threshold ? q.above : q.below;
                }
            }
        }
    });
    out.colourMs = timer.nsecsElapsed() / 1e6;
    out.pyramid.push_back(std::move(img));

    if (options.buildPyramid) {
        timer.restart();
        while (std::max(out.pyramid.back().width(), out.pyramid.back().height()) > 256)
            out.pyramid.push_back(halve(out.pyramid.back(), threads));
        out.pyramidMs = timer.nsecsElapsed() / 1e6;
    }
    return out;
}

QThreadPool *MapRenderer::pool()
{
    return ThreadBudget::instance().pool(ThreadBudget::Pool::Render);
}

QFuture<RenderedMap> MapRenderer::renderAsync(std::shared_ptr<const Image> image, DisplaySettings settings,
                                              RenderOptions options)
{
    return QtConcurrent::run(pool(), [image = std::move(image), settings = std::move(settings), options]() {
        return image ? render(*image, settings, options) : RenderedMap{};
    });
}

}  // namespace solarchip
