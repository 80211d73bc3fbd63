#include "widgets/OverlayLabel.h"

#include "widgets/MapView.h"

#include <QCoreApplication>
#include <QFontMetricsF>
#include <QPainter>
#include <QStringList>

#include <algorithm>

namespace solarchip {

OverlayLabel::OverlayLabel() { m_color = QColor(255, 255, 255); }

QString OverlayLabel::name() const { return QCoreApplication::translate("solarchip::OverlayLabel", "Channel and time"); }

namespace {

constexpr double kMargin = 6, kPad = 4;
constexpr int kFlags = Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap;

// The title's lines with their fonts (the first bold) and wrapped heights, within maxWidth.
struct LabelLayout {
    QStringList lines;
    QFont bold, plain;
    QList<double> heights;
    QRectF text;  // where the text goes
};

LabelLayout layoutLabel(const QString &title, const QFont &base, const QRectF &widgetRect)
{
    LabelLayout l;
    l.bold = base;
    l.bold.setBold(true);
    l.plain = base;
    l.plain.setBold(false);
    const double maxWidth = std::max(40.0, widgetRect.width() - 2 * (kMargin + kPad));
    l.lines = title.split(QLatin1Char('\n'));
    double width = 0, height = 0;
    for (int i = 0; i < l.lines.size(); ++i) {
        const QFontMetricsF m(i == 0 ? l.bold : l.plain);
        const QRectF b = m.boundingRect(QRectF(0, 0, maxWidth, 1e6), kFlags, l.lines[i]);
        l.heights << b.height();
        width = std::max(width, std::min(maxWidth, b.width()));
        height += b.height();
    }
    l.text = QRectF(widgetRect.left() + kMargin + kPad, widgetRect.top() + kMargin + kPad, width, height);
    return l;
}

}  // namespace

QRectF OverlayLabel::boxFor(const QString &title, const QFont &font, const QRectF &widgetRect)
{
    if (title.isEmpty())
        return {};
    return layoutLabel(title, font, widgetRect).text.adjusted(-kPad, -kPad, kPad, kPad);
}

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
    // Long labels (a difference "171 Å 2022-04-02 13:13:53 − 13:13:41 (Δt = 12 s)" and its note on blank
    // pixels, in a narrow grid cell) wrap within the view instead of running off its edge; the first line
    // (channel and time) is bold, further lines plain.
    const LabelLayout l = layoutLabel(context.title, painter.font(), area);
    painter.setPen(Qt::NoPen);
    painter.setBrush(QColor(0, 0, 0, 150));
    painter.drawRoundedRect(l.text.adjusted(-kPad, -kPad, kPad, kPad), 3, 3);
    painter.setPen(m_color);
    double y = l.text.top();
    for (int i = 0; i < l.lines.size(); ++i) {
        painter.setFont(i == 0 ? l.bold : l.plain);
        painter.drawText(QRectF(l.text.left(), y, l.text.width(), l.heights[i]), kFlags, l.lines[i]);
        y += l.heights[i];
    }
}

}  // namespace solarchip
