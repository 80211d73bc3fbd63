#include "widgets/OverlayHitBox.h"

#include "core/map/SdoMap.h"

#include <QCoreApplication>
#include <QPen>

#include <cstdlib>

namespace solarchip {

OverlayHitBox::OverlayHitBox() { m_color = QColor(0, 255, 128, 230); }

QString OverlayHitBox::name() const
{
    return QCoreApplication::translate("solarchip::OverlayHitBox", "Search hit");
}

void OverlayHitBox::mapChanged(const SdoMap *) {}

void OverlayHitBox::setTarget(const QRectF &hpcBox, qint64 timeMs, const QString &label)
{
    m_box = hpcBox;
    m_timeMs = timeMs;
    m_label = label;
}

QPolygonF OverlayHitBox::boxPixels(const SdoMap &map, const QRectF &hpcBox)
{
    QPolygonF poly;
    if (!map.wcs.isValid() || hpcBox.isEmpty())
        return poly;
    // Each edge in a few steps: under a roll or another projection the edges are not straight in pixels.
    const int steps = 4;
    const QPointF corners[5] = {hpcBox.bottomLeft(), hpcBox.bottomRight(), hpcBox.topRight(), hpcBox.topLeft(),
                                hpcBox.bottomLeft()};
    for (int e = 0; e < 4; ++e)
        for (int s = 0; s < steps; ++s) {
            const QPointF p = corners[e] + (corners[e + 1] - corners[e]) * (double(s) / steps);
            double x = 0, y = 0;
            if (!map.wcs.helioprojectiveToPixel(p.x(), p.y(), x, y))
                return {};
            poly << QPointF(x, y);
        }
    return poly;
}

void OverlayHitBox::paint(QPainter &painter, const OverlayContext &context)
{
    if (m_box.isEmpty() || !context.map || !context.map->meta.tObs.isValid())
        return;
    if (std::llabs(context.map->meta.tObs.toMSecsSinceEpoch() - m_timeMs) > m_toleranceMs)
        return;
    const QPolygonF poly = boxPixels(*context.map, m_box);
    if (poly.size() < 3)
        return;
    const QPolygonF onScreen = context.pixelToWidget.map(poly);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setBrush(Qt::NoBrush);
    // A dark rim under the bright line keeps the box visible on a bright active region and on dark quiet Sun.
    painter.setPen(QPen(QColor(0, 0, 0, 160), 4));
    painter.drawPolygon(onScreen);
    painter.setPen(QPen(m_color, 2));
    painter.drawPolygon(onScreen);
    if (!m_label.isEmpty()) {
        const QRectF b = onScreen.boundingRect();
        painter.setPen(m_color);
        painter.drawText(QPointF(b.left(), b.top() - 4), m_label);
    }
}

}  // namespace solarchip
