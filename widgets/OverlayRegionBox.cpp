#include "widgets/OverlayRegionBox.h"

#include "core/map/SdoMap.h"
#include "widgets/OverlayHitBox.h"

#include <QCoreApplication>
#include <QPainter>
#include <QPen>

namespace solarchip {

// White dashes on a dark rim: visible on every channel's colour table (a yellow box vanished on AIA 171).
OverlayRegionBox::OverlayRegionBox() { m_color = QColor(255, 255, 255, 240); }

QString OverlayRegionBox::name() const
{
    return QCoreApplication::translate("solarchip::OverlayRegionBox", "Light-curve region");
}

QRectF OverlayRegionBox::boxOn(const SdoMap &map) const
{
    if (!m_region || !map.wcs.isValid() || map.wcs.kind() != Wcs::Kind::Helioprojective || !map.meta.tObs.isValid())
        return {};
    auto centre = regionCentreAt(*m_region, map.meta.tObs.toMSecsSinceEpoch(), map.wcs.observer());
    if (!centre)
        return {};
    const SkyBox &b = m_region->box;
    return QRectF(centre->x() - b.width / 2, centre->y() - b.height / 2, b.width, b.height);
}

void OverlayRegionBox::paint(QPainter &painter, const OverlayContext &context)
{
    const QRectF box = boxOn(*context.map);
    if (box.isEmpty())
        return;
    const QPolygonF poly = OverlayHitBox::boxPixels(*context.map, box);
    if (poly.size() < 3)
        return;
    OverlayHitBox::drawOutline(painter, context.pixelToWidget.map(poly), m_color, true);
}

}  // namespace solarchip
