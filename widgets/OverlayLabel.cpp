#include "widgets/OverlayLabel.h"

#include "widgets/MapView.h"

#include <QCoreApplication>
#include <QFontMetricsF>

namespace solarchip {

OverlayLabel::OverlayLabel() { m_color = QColor(255, 255, 255); }

QString OverlayLabel::name() const { return QCoreApplication::translate("solarchip::OverlayLabel", "Channel and time"); }

void OverlayLabel::paint(QPainter &painter, const OverlayContext &context)
{
    const QRectF area = context.mapRect.isEmpty() ? context.widgetRect : context.mapRect;
    {
        // The zoom level in the bottom right corner of the map's area.
        const QString zoom = MapView::zoomText(context.zoom);
        const QFontMetricsF fm(painter.font());
        const double pad = 3;
        const QRectF text(area.right() - 6 - pad - fm.horizontalAdvance(zoom), area.bottom() - 6 - pad - fm.height(),
                          fm.horizontalAdvance(zoom), fm.height());
        painter.setPen(Qt::NoPen);
        painter.setBrush(QColor(0, 0, 0, 150));
        painter.drawRoundedRect(text.adjusted(-pad, -pad, pad, pad), 3, 3);
        painter.setPen(QColor(220, 220, 220));
        painter.drawText(text, Qt::AlignLeft | Qt::AlignVCenter, zoom);
    }
    if (context.title.isEmpty())
        return;
    QFont font = painter.font();
    font.setBold(true);
    painter.setFont(font);
    const QFontMetricsF fm(font);
    const double margin = 6, pad = 4;
    const QRectF text(area.left() + margin + pad, area.top() + margin + pad,
                      fm.horizontalAdvance(context.title), fm.height());
    painter.setPen(Qt::NoPen);
    painter.setBrush(QColor(0, 0, 0, 150));
    painter.drawRoundedRect(text.adjusted(-pad, -pad, pad, pad), 3, 3);
    painter.setPen(m_color);
    painter.drawText(text, Qt::AlignLeft | Qt::AlignVCenter, context.title);
}

}  // namespace solarchip
