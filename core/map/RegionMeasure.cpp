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

Expected<RegionMeasure> measureRegionPixels(const QString &path, const PixelFrame &frame, const SkyBox &box,
                                            const Image &pixels, int imageX0, int imageY0, const QRect &rect)
{
    const MapMeta &meta = frame.meta;
    const double hw = box.width / 2, hh = box.height / 2;
    const int w = rect.width();
    // World coordinates of every pixel centre of the rectangle, one row at a time.
    std::vector<double> xy(static_cast<std::size_t>(w) * 2), world(xy.size());
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
        for (int c = 0; c < w; ++c) {
            xy[2 * c] = rect.left() + c;
            xy[2 * c + 1] = y;
        }
        frame.wcs.pixelToWorld(xy.data(), world.data(), w);
        const float *row = pixels.row(y - imageY0) + (rect.left() - imageX0);
        for (int c = 0; c < w; ++c) {
            const double tx = world[2 * c], ty = world[2 * c + 1];
            if (!(std::fabs(tx - box.tx) <= hw && std::fabs(ty - box.ty) <= hh))
                continue;  // (NaN coordinates fail the test too)
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
