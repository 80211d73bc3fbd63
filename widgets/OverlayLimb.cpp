#include "widgets/OverlayLimb.h"

#include "core/map/SdoMap.h"

#include <QCoreApplication>

#include <algorithm>
#include <cmath>

namespace solarchip {

OverlayLimb::OverlayLimb() { m_color = QColor(255, 255, 255, 220); }

QString OverlayLimb::name() const { return QCoreApplication::translate("solarchip::OverlayLimb", "Solar limb"); }

double OverlayLimb::apparentRadiusArcsec(const Observer &observer)
{
    return std::asin(std::min(1.0, observer.rsun / observer.dsun)) * 180.0 / M_PI * 3600.0;
}

QPolygonF OverlayLimb::limbPixels(const Wcs &wcs, int points)
{
    QPolygonF poly;
    // Only a helioprojective map shows the disk: in a heliographic projection (a Carrington CEA patch) the limb
    // is not a curve of the map, and placing it through the sphere drew a stray line across the patch.
    if (!wcs.isValid() || points < 3 || wcs.kind() != Wcs::Kind::Helioprojective)
        return poly;
    const double r = apparentRadiusArcsec(wcs.observer());
    poly.reserve(points);
    for (int i = 0; i < points; ++i) {
        const double phi = 2.0 * M_PI * i / points;
        double x = 0, y = 0;
        if (wcs.helioprojectiveToPixel(r * std::cos(phi), r * std::sin(phi), x, y))
            poly << QPointF(x, y);
    }
    return poly;
}

void OverlayLimb::mapChanged(const SdoMap *map)
{
    m_map = map;
    m_dirty = true;
}

const QPolygonF &OverlayLimb::polygon() const
{
    if (m_dirty) {
        m_polygon = m_map ? limbPixels(m_map->wcs) : QPolygonF();
        m_dirty = false;
    }
    return m_polygon;
}

void OverlayLimb::paint(QPainter &painter, const OverlayContext &context)
{
    if (polygon().size() < 3)
        return;
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setBrush(Qt::NoBrush);
    const QPolygonF onScreen = context.pixelToWidget.map(m_polygon);
    // A dark casing under the line: the limb stays visible where the map is as light as the line (the
    // white middle of a diverging difference colormap, a bright corona) as well as where it is dark.
    QColor casing = m_color.lightnessF() > 0.5 ? QColor(0, 0, 0) : QColor(255, 255, 255);
    casing.setAlpha(std::min(200, m_color.alpha()));
    painter.setPen(QPen(casing, 3.5));
    painter.drawPolygon(onScreen);
    painter.setPen(QPen(m_color, 1.5));
    painter.drawPolygon(onScreen);
}

}  // namespace solarchip
