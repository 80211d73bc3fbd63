#include "widgets/OverlayLabel.h"

#include <QCoreApplication>
#include <QFontMetricsF>

namespace solarchip {

OverlayLabel::OverlayLabel() { m_color = QColor(255, 255, 255); }

QString OverlayLabel::name() const { return QCoreApplication::translate("solarchip::OverlayLabel", "Channel and time"); }

void OverlayLabel::paint(QPainter &painter, const OverlayContext &context)
{
    if (context.title.isEmpty())
        return;
    QFont font = painter.font();
    font.setBold(true);
    painter.setFont(font);
    const QFontMetricsF fm(font);
    const double margin = 6, pad = 4;
    const QRectF text(context.widgetRect.left() + margin + pad, context.widgetRect.top() + margin + pad,
                      fm.horizontalAdvance(context.title), fm.height());
    painter.setPen(Qt::NoPen);
    painter.setBrush(QColor(0, 0, 0, 150));
    painter.drawRoundedRect(text.adjusted(-pad, -pad, pad, pad), 3, 3);
    painter.setPen(m_color);
    painter.drawText(text, Qt::AlignLeft | Qt::AlignVCenter, context.title);
}

}  // namespace solarchip
