#include "widgets/OverlayColorBar.h"

#include "core/map/SdoMap.h"
#include "widgets/ColorBar.h"

#include <QCoreApplication>

namespace solarchip {

OverlayColorBar::OverlayColorBar() { m_color = QColor(255, 255, 255); }

QString OverlayColorBar::name() const { return QCoreApplication::translate("solarchip::OverlayColorBar", "Colorbar"); }

void OverlayColorBar::paint(QPainter &painter, const OverlayContext &context)
{
    if (!context.rendered || context.rendered->isNull())
        return;
    const QRectF r = context.widgetRect;
    const double w = std::min(90.0, r.width() * 0.3), h = r.height() * 0.6;
    const QRectF box(r.right() - w - 8, r.center().y() - h / 2, w, h);
    painter.setPen(Qt::NoPen);
    painter.setBrush(QColor(0, 0, 0, 150));
    painter.drawRoundedRect(box, 3, 3);
    ColorBar::paint(painter, box.adjusted(6, 4, -4, -4), *context.rendered, context.valueLabel, Qt::Vertical, m_color);
}

}  // namespace solarchip
