#include "widgets/MapRenderer.h"

#include <QElapsedTimer>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>
#include <thread>

namespace solarchip {

namespace {

// Splits [0, n) into contiguous chunks run on `threads` threads (the caller's included). Plain threads
// rather than the global QThreadPool: render() itself usually runs on a pool thread, and waiting there
// for more pool work could starve the pool.
template <class F>
void parallelRows(int n, int threads, F &&f)
{
    threads = std::clamp(threads, 1, std::max(1, n / 16));
    if (threads <= 1) {
        f(0, n);
        return;
    }
    std::vector<std::thread> pool;
    pool.reserve(static_cast<size_t>(threads - 1));
    const int chunk = (n + threads - 1) / threads;
    for (int t = 1; t < threads; ++t) {
        const int b = t * chunk, e = std::min(n, b + chunk);
        if (b < e)
            pool.emplace_back([&f, b, e] { f(b, e); });
    }
    f(0, std::min(n, chunk));
    for (std::thread &th : pool)
        th.join();
}

int threadCount(const RenderOptions &o)
{
    return o.threads > 0 ? o.threads : std::max(1, QThread::idealThreadCount());
}

// One 2x2 box-average step on premultiplied ARGB (averaging premultiplied channels, alpha included, is
// the correct way to filter with transparency).
QImage halve(const QImage &src, int threads)
{
    const int w = (src.width() + 1) / 2, h = (src.height() + 1) / 2;
    QImage dst(w, h, QImage::Format_ARGB32_Premultiplied);
    const int sw = src.width(), sh = src.height();
    parallelRows(h, threads, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const QRgb *r0 = reinterpret_cast<const QRgb *>(src.constScanLine(2 * y));
            const QRgb *r1 = reinterpret_cast<const QRgb *>(src.constScanLine(std::min(2 * y + 1, sh - 1)));
            const int rows = 2 * y + 1 < sh ? 2 : 1;
            QRgb *out = reinterpret_cast<QRgb *>(dst.scanLine(y));
            for (int x = 0; x < w; ++x) {
                const int xa = 2 * x, xb = std::min(2 * x + 1, sw - 1);
                const int cols = 2 * x + 1 < sw ? 2 : 1;
                unsigned a = 0, r = 0, g = 0, b = 0;
                auto add = [&](QRgb p) {
                    a += qAlpha(p);
                    r += qRed(p);
                    g += qGreen(p);
                    b += qBlue(p);
                };
                add(r0[xa]);
                if (cols == 2)
                    add(r0[xb]);
                if (rows == 2) {
                    add(r1[xa]);
                    if (cols == 2)
                        add(r1[xb]);
                }
                const unsigned k = unsigned(rows * cols), half = k / 2;
                out[x] = qRgba(int((r + half) / k), int((g + half) / k), int((b + half) / k), int((a + half) / k));
            }
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
    const std::vector<QRgb> lut = colourLut(*table, out.colormap);
    const double lo = out.range.min, scale = table->scale();
    const double top = double(StretchTable::kBins - 1);
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
                const double t = (double(v) - lo) * scale;
                const int b = t > 0 ? (t < top ? static_cast<int>(t + 0.5) : StretchTable::kBins - 1) : 0;
                dst[x] = lut[static_cast<size_t>(b)];
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

QFuture<RenderedMap> MapRenderer::renderAsync(std::shared_ptr<const Image> image, DisplaySettings settings,
                                              RenderOptions options)
{
    return QtConcurrent::run([image = std::move(image), settings = std::move(settings), options]() {
        return image ? render(*image, settings, options) : RenderedMap{};
    });
}

}  // namespace solarchip
