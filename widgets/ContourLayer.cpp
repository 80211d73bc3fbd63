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
    g.width = map.image.width;
    g.height = map.image.height;
    g.crpix1 = map.meta.crpix1;
    g.crpix2 = map.meta.crpix2;
    g.crval1 = map.meta.crval1;
    g.crval2 = map.meta.crval2;
    g.cdelt1 = map.meta.cdelt1;
    g.cdelt2 = map.meta.cdelt2;
    g.crota2 = map.meta.crota2;
    return g;
}

bool ContourSet::sharesGridWith(const SdoMap &map) const
{
    const ContourSet o = gridOf(map);
    const auto close = [](double a, double b, double tol) { return std::abs(a - b) <= tol; };
    const double arcsecTol = 1e-6 * std::max(std::abs(cdelt1), std::abs(cdelt2));
    return o.width == width && o.height == height && close(o.crpix1, crpix1, 1e-6) && close(o.crpix2, crpix2, 1e-6)
           && close(o.crval1, crval1, arcsecTol) && close(o.crval2, crval2, arcsecTol)
           && close(o.cdelt1, cdelt1, 1e-9 * std::abs(cdelt1)) && close(o.cdelt2, cdelt2, 1e-9 * std::abs(cdelt2))
           && close(o.crota2, crota2, 1e-6);
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

bool ContourLayer::drawsOnCurrentMap() const
{
    return m_contours && m_map && m_contours->sharesGridWith(*m_map);
}

void ContourLayer::paint(QPainter &painter, const OverlayContext &context)
{
    if (!m_contours || !context.map || !m_contours->sharesGridWith(*context.map))
        return;
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.setTransform(context.pixelToWidget, true);
    for (const ContourSet::Level &level : m_contours->levels) {
        QPen pen(level.colour, 1.2);
        pen.setCosmetic(true);  // the width in screen pixels, whatever the zoom
        painter.setPen(pen);
        painter.drawLines(level.segments.data(), static_cast<int>(level.segments.size()));
    }
}

}  // namespace solarchip
