#include "core/map/RegionMeasure.h"

#include "core/map/FitsReader.h"
#include "core/map/MapFile.h"
#include "core/map/PixelFrame.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace solarchip {

Expected<QRect> regionPixelRect(const QString &path, const PixelFrame &frame, const SkyBox &box)
{
    const MapMeta &meta = frame.meta;
    if (meta.displayScaled)
        return Error{path, QStringLiteral("a Helioviewer JPEG2000 file holds display-scaled bytes, not %1: open the "
                                          "FITS file for physical values").arg(meta.instrument == Instrument::HMI
                                                                                 ? QStringLiteral("Gauss")
                                                                                 : QStringLiteral("DN"))};
    if (!(box.width > 0) || !(box.height > 0) || !std::isfinite(box.tx) || !std::isfinite(box.ty))
        return Error{path, QStringLiteral("the box must have a finite centre and a positive size (got %1 x %2 arcsec)")
                               .arg(box.width).arg(box.height)};
    if (frame.wcs.kind() != Wcs::Kind::Helioprojective)
        return Error{path, QStringLiteral("the map is in a heliographic projection (%1), not helioprojective: a box in "
                                          "arcsec does not apply").arg(meta.ctype1)};

    // The file pixels that can hold the box: its corners and edge midpoints through the WCS (a TAN map is near
    // linear over a box), one pixel of margin, clipped to the image.
    const double hw = box.width / 2, hh = box.height / 2;
    const double corners[8][2] = {{-hw, -hh}, {hw, -hh}, {hw, hh}, {-hw, hh}, {0, -hh}, {hw, 0}, {0, hh}, {-hw, 0}};
    double xmin = std::numeric_limits<double>::infinity(), ymin = xmin, xmax = -xmin, ymax = -xmin;
    for (const auto &c : corners) {
        double x = 0, y = 0;
        if (!frame.wcs.helioprojectiveToPixel(box.tx + c[0], box.ty + c[1], x, y))
            return Error{path, QStringLiteral("the box corner (%1, %2) arcsec has no pixel in the file's WCS")
                                   .arg(box.tx + c[0]).arg(box.ty + c[1])};
        xmin = std::min(xmin, x), xmax = std::max(xmax, x), ymin = std::min(ymin, y), ymax = std::max(ymax, y);
    }
    const int x0 = std::max(0, static_cast<int>(std::floor(xmin)) - 1);
    const int y0 = std::max(0, static_cast<int>(std::floor(ymin)) - 1);
    const int x1 = std::min(frame.width - 1, static_cast<int>(std::ceil(xmax)) + 1);
    const int y1 = std::min(frame.height - 1, static_cast<int>(std::ceil(ymax)) + 1);
    if (x0 > x1 || y0 > y1)
        return Error{path, QStringLiteral("the box at (%1, %2) arcsec lies outside the file's field of view")
                               .arg(box.tx, 0, 'f', 1).arg(box.ty, 0, 'f', 1)};
    return QRect(QPoint(x0, y0), QPoint(x1, y1));
}

namespace {

// Which pixel centres of a rectangle lie in the box. WCSLIB for every pixel of a 4096^2 file's 120" box is 40 000
// calls, most of a light-curve point's time; over a box a map's WCS is affine to well below a pixel. So an affine
// pixel -> world map through three corners of the rectangle decides every pixel farther from the box's edges than the
// map can be wrong there (its largest error against WCSLIB on a 9 x 9 grid over the rectangle, times four, plus a
// milliarcsecond), and WCSLIB decides the rest: the same pixels as WCSLIB for all of them (tested against astropy).
class BoxMembership {
public:
    BoxMembership(const Wcs &wcs, const QRect &rect, const SkyBox &box) : m_wcs(wcs), m_rect(rect), m_box(box)
    {
        const double x0 = rect.left(), x1 = rect.right(), y0 = rect.top(), y1 = rect.bottom();
        if (x1 <= x0 || y1 <= y0)
            return;  // a line of pixels: WCSLIB for each
        constexpr int kGrid = 9;
        std::vector<double> xy, world(2 * kGrid * kGrid);
        for (int j = 0; j < kGrid; ++j)
            for (int i = 0; i < kGrid; ++i) {
                xy.push_back(x0 + (x1 - x0) * i / (kGrid - 1));
                xy.push_back(y0 + (y1 - y0) * j / (kGrid - 1));
            }
        wcs.pixelToWorld(xy.data(), world.data(), kGrid * kGrid);
        for (double v : world)
            if (!std::isfinite(v))
                return;
        // Corners (x0, y0), (x1, y0), (x0, y1): samples 0, kGrid - 1 and kGrid (kGrid - 1).
        const double *w00 = &world[0], *w10 = &world[2 * (kGrid - 1)], *w01 = &world[2 * kGrid * (kGrid - 1)];
        m_a11 = (w10[0] - w00[0]) / (x1 - x0);
        m_a21 = (w10[1] - w00[1]) / (x1 - x0);
        m_a12 = (w01[0] - w00[0]) / (y1 - y0);
        m_a22 = (w01[1] - w00[1]) / (y1 - y0);
        m_b1 = w00[0] - m_a11 * x0 - m_a12 * y0;
        m_b2 = w00[1] - m_a21 * x0 - m_a22 * y0;
        double err = 0;
        for (int k = 0; k < kGrid * kGrid; ++k) {
            const double ax = m_a11 * xy[2 * k] + m_a12 * xy[2 * k + 1] + m_b1;
            const double ay = m_a21 * xy[2 * k] + m_a22 * xy[2 * k + 1] + m_b2;
            err = std::max({err, std::fabs(ax - world[2 * k]), std::fabs(ay - world[2 * k + 1])});
        }
        m_tolerance = 4 * err + 1e-3;
        m_affine = true;
    }

    /// inside[c] for the pixels (rect.left() + c, y), c < rect.width().
    void row(int y, std::vector<char> &inside)
    {
        const int w = m_rect.width();
        inside.assign(static_cast<std::size_t>(w), 0);
        m_undecided.clear();
        for (int c = 0; c < w; ++c) {
            if (!m_affine) {
                m_undecided.push_back(c);
                continue;
            }
            const double x = m_rect.left() + c;
            const double d = std::max(std::fabs(m_a11 * x + m_a12 * y + m_b1 - m_box.tx) - m_box.width / 2,
                                      std::fabs(m_a21 * x + m_a22 * y + m_b2 - m_box.ty) - m_box.height / 2);
            if (d < -m_tolerance)
                inside[static_cast<std::size_t>(c)] = 1;
            else if (d <= m_tolerance)
                m_undecided.push_back(c);
        }
        if (m_undecided.empty())
            return;
        m_xy.resize(2 * m_undecided.size());
        m_world.resize(m_xy.size());
        for (std::size_t k = 0; k < m_undecided.size(); ++k) {
            m_xy[2 * k] = m_rect.left() + m_undecided[k];
            m_xy[2 * k + 1] = y;
        }
        m_wcs.pixelToWorld(m_xy.data(), m_world.data(), static_cast<int>(m_undecided.size()));
        for (std::size_t k = 0; k < m_undecided.size(); ++k)  // (NaN coordinates fail the test)
            inside[static_cast<std::size_t>(m_undecided[k])] =
                std::fabs(m_world[2 * k] - m_box.tx) <= m_box.width / 2 && std::fabs(m_world[2 * k + 1] - m_box.ty) <= m_box.height / 2;
        m_exact += static_cast<long long>(m_undecided.size());
    }

    long long exactCalls() const { return m_exact; }

private:
    const Wcs &m_wcs;
    QRect m_rect;
    SkyBox m_box;
    bool m_affine = false;
    double m_a11 = 0, m_a12 = 0, m_a21 = 0, m_a22 = 0, m_b1 = 0, m_b2 = 0, m_tolerance = 0;
    std::vector<int> m_undecided;
    std::vector<double> m_xy, m_world;
    long long m_exact = 0;
};

}  // namespace

Expected<RegionMeasure> measureRegionPixels(const QString &path, const PixelFrame &frame, const SkyBox &box,
                                            const Image &pixels, int imageX0, int imageY0, const QRect &rect)
{
    const MapMeta &meta = frame.meta;
    const int w = rect.width();
    BoxMembership membership(frame.wcs, rect, box);
    std::vector<char> inside;
    RegionMeasure m;
    m.file = path;
    m.channel = meta.channel;
    m.time = meta.tObs;
    m.exptime = meta.exptime;
    m.quality = meta.quality;
    m.box = box;
    m.unit = meta.unit;
    double scale = 1;
    if (meta.instrument == Instrument::AIA && meta.unit.trimmed().compare(QLatin1String("DN"), Qt::CaseInsensitive) == 0
        && meta.exptime > 0) {
        scale = 1.0 / meta.exptime;
        m.perSecond = true;
        m.unit = QStringLiteral("DN/s");
    }
    // Welford's running mean and sum of squared deviations: no cancellation for a bright, flat box.
    double sum = 0, sumAbs = 0, runMean = 0, m2 = 0;
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (int y = rect.top(); y <= rect.bottom(); ++y) {
        membership.row(y, inside);
        const float *row = pixels.row(y - imageY0) + (rect.left() - imageX0);
        for (int c = 0; c < w; ++c) {
            if (!inside[static_cast<std::size_t>(c)])
                continue;
            const double v = row[c];
            if (!std::isfinite(v)) {
                ++m.nanPixels;
                continue;
            }
            const double s = v * scale;
            ++m.pixels;
            sum += s;
            sumAbs += std::fabs(s);
            const double delta = s - runMean;
            runMean += delta / static_cast<double>(m.pixels);
            m2 += delta * (s - runMean);
            lo = std::min(lo, s);
            hi = std::max(hi, s);
        }
    }
    m.x0 = rect.left(), m.y0 = rect.top(), m.x1 = rect.right(), m.y1 = rect.bottom();
    if (m.pixels == 0)
        return Error{path, m.nanPixels ? QStringLiteral("no data inside the box at (%1, %2) arcsec (%3 pixels, all blank)")
                                             .arg(box.tx, 0, 'f', 1).arg(box.ty, 0, 'f', 1).arg(m.nanPixels)
                                       : QStringLiteral("no pixel centre lies inside the %1 x %2 arcsec box at (%3, %4) "
                                                        "arcsec (smaller than a pixel, or outside the image)")
                                             .arg(box.width).arg(box.height).arg(box.tx, 0, 'f', 1).arg(box.ty, 0, 'f', 1)};
    const double n = static_cast<double>(m.pixels);
    m.sum = sum;
    m.mean = sum / n;
    m.meanAbs = sumAbs / n;
    m.std = std::sqrt(std::max(0.0, m2 / n));
    m.min = lo;
    m.max = hi;
    return m;
}

Expected<RegionMeasure> measureRegion(const QString &path, const PixelFrame &frame, const SkyBox &box)
{
    auto rect = regionPixelRect(path, frame, box);
    if (!rect)
        return rect.error();
    auto section = FitsReader::readSection(path, rect->left(), rect->top(), rect->width(), rect->height());
    if (!section)
        return section.error();
    return measureRegionPixels(path, frame, box, section->image, rect->left(), rect->top(), *rect);
}

Expected<RegionMeasure> measureRegion(const QString &path, const SkyBox &box)
{
    auto frame = MapFile::readFrame(path);
    if (!frame)
        return frame.error();
    return measureRegion(path, *frame, box);
}

}  // namespace solarchip
