#include "widgets/ContourLayer.h"

#include "core/map/SdoMap.h"

#include <QCoreApplication>
#include <QPainter>
#include <QPen>

#include <cmath>

namespace solarchip {

ContourSet ContourSet::gridOf(const SdoMap &map)
{
    ContourSet g;
    g.grid = PixelFrame{map.image.width, map.image.height, map.meta, map.wcs};
    return g;
}

bool ContourSet::sharesGridWith(const SdoMap &map) const
{
    const MapMeta &a = grid.meta, &b = map.meta;
    const auto close = [](double x, double y, double tol) { return std::abs(x - y) <= tol; };
    const double arcsecTol = 1e-6 * std::max(std::abs(a.cdelt1), std::abs(a.cdelt2));
    return map.image.width == grid.width && map.image.height == grid.height && close(b.crpix1, a.crpix1, 1e-6)
           && close(b.crpix2, a.crpix2, 1e-6) && close(b.crval1, a.crval1, arcsecTol) && close(b.crval2, a.crval2, arcsecTol)
           && close(b.cdelt1, a.cdelt1, 1e-9 * std::abs(a.cdelt1)) && close(b.cdelt2, a.cdelt2, 1e-9 * std::abs(a.cdelt2))
           && close(b.crota2, a.crota2, 1e-6);
}

std::optional<QTransform> ContourSet::toPixelsOf(const SdoMap &map) const
{
    if (sharesGridWith(map))
        return QTransform();
    const Wcs &wcs = grid.wcs;
    if (!wcs.isValid() || !map.wcs.isValid() || wcs.kind() != Wcs::Kind::Helioprojective
        || map.wcs.kind() != Wcs::Kind::Helioprojective)
        return std::nullopt;
    const int width = grid.width, height = grid.height;
    // Three source pixels across the grid and where the two WCS carry them, then a fourth to check the fit.
    const QPointF from[4] = {QPointF(0.25 * width, 0.25 * height), QPointF(0.75 * width, 0.25 * height),
                             QPointF(0.25 * width, 0.75 * height), QPointF(0.75 * width, 0.75 * height)};
    QPointF to[4];
    for (int i = 0; i < 4; ++i) {
        double tx = 0, ty = 0, x = 0, y = 0;
        if (!wcs.pixelToWorld(from[i].x(), from[i].y(), tx, ty) || !map.wcs.worldToPixel(tx, ty, x, y)
            || !std::isfinite(x) || !std::isfinite(y))
            return std::nullopt;
        to[i] = QPointF(x, y);
    }
    // x' = m11 x + m21 y + dx, y' = m12 x + m22 y + dy through points 0, 1, 2 (1 differs from 0 in x only, 2 in y).
    const double sx = from[1].x() - from[0].x(), sy = from[2].y() - from[0].y();
    if (sx == 0 || sy == 0)
        return std::nullopt;
    const double m11 = (to[1].x() - to[0].x()) / sx, m12 = (to[1].y() - to[0].y()) / sx;
    const double m21 = (to[2].x() - to[0].x()) / sy, m22 = (to[2].y() - to[0].y()) / sy;
    const double dx = to[0].x() - m11 * from[0].x() - m21 * from[0].y();
    const double dy = to[0].y() - m12 * from[0].x() - m22 * from[0].y();
    const QTransform t(m11, m12, m21, m22, dx, dy);
    if (QLineF(t.map(from[3]), to[3]).length() > 0.05)
        return std::nullopt;
    return t;
}

std::size_t ContourSet::segmentCount() const
{
    std::size_t n = 0;
    for (const Level &l : levels)
        n += l.segments.size();
    return n;
}

ContourLayer::ContourLayer() { setVisible(false); }

QString ContourLayer::name() const
{
    return QCoreApplication::translate("solarchip::ContourLayer", "HMI contours");
}

const std::optional<QTransform> &ContourLayer::placementOn(const SdoMap *map) const
{
    if (map != m_placedMap || m_contours.get() != m_placedContours) {
        m_placedMap = map;
        m_placedContours = m_contours.get();
        m_placement = map && m_contours ? m_contours->toPixelsOf(*map) : std::nullopt;
    }
    return m_placement;
}

bool ContourLayer::drawsOnCurrentMap() const
{
    return placementOn(m_map).has_value();
}

void ContourLayer::paint(QPainter &painter, const OverlayContext &context)
{
    const auto &placement = placementOn(context.map);
    if (!placement)
        return;
    // Aliased: thousands of short segments in every view of a step; antialiased they took ~10 ms a view.
    painter.setRenderHint(QPainter::Antialiasing, false);
    // Source pixel -> this map's pixel -> the widget (the transform set last applies first).
    painter.setTransform(context.pixelToWidget, true);
    painter.setTransform(*placement, true);
    for (const ContourSet::Level &level : m_contours->levels) {
        QPen pen(level.colour, 1);
        pen.setCosmetic(true);  // one screen pixel whatever the zoom (Qt's fast path for thin lines)
        painter.setPen(pen);
        painter.drawLines(level.segments.data(), static_cast<int>(level.segments.size()));
    }
}

}  // namespace solarchip
