#include "widgets/OverlayLabel.h"

#include "widgets/MapView.h"

#include <QCoreApplication>
#include <QFontMetricsF>
#include <QPainter>

#include <algorithm>

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
    // A label wider than the view (a difference label in a small grid cell) wraps onto more lines rather than
    // being cut at the view's edge.
    const double room = std::max(40.0, area.width() - 2 * (margin + pad));
    const QRectF wanted = fm.boundingRect(QRectF(0, 0, room, 1e4), Qt::AlignLeft | Qt::TextWordWrap, context.title);
    const QRectF text(area.left() + margin + pad, area.top() + margin + pad,
                      std::min(room, wanted.width()), wanted.height());
    painter.setPen(Qt::NoPen);
    painter.setBrush(QColor(0, 0, 0, 150));
    painter.drawRoundedRect(text.adjusted(-pad, -pad, pad, pad), 3, 3);
    painter.setPen(m_color);
    painter.drawText(text, Qt::AlignLeft | Qt::AlignVCenter | Qt::TextWordWrap, context.title);
}

}  // namespace solarchip
