#include "widgets/OverlayLabel.h"

#include "widgets/MapView.h"

#include <QCoreApplication>
#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>
#include <QStringList>
#include <QTextLayout>

#include <algorithm>
#include <memory>
#include <vector>

namespace solarchip {

OverlayLabel::OverlayLabel() { m_color = QColor(255, 255, 255); }

QString OverlayLabel::name() const { return QCoreApplication::translate("solarchip::OverlayLabel", "Channel and time"); }

namespace {

constexpr double kMargin = 6, kPad = 4;

// The title laid out within the view: its lines (the first bold), each word-wrapped within maxWidth into rows;
// every row has its own width, so the dark box behind the text follows the rows (a short second row of a title
// wrapped in a narrow view covers little of the map) rather than their bounding rectangle.
struct LabelLayout {
    std::vector<std::unique_ptr<QTextLayout>> lines;
    std::vector<QRectF> rows;  // each wrapped row's text rectangle, in widget coordinates
    QRectF text;               // their union
};

LabelLayout layoutLabel(const QString &title, const QFont &base, const QRectF &widgetRect)
{
    LabelLayout l;
    QFont bold = base, plain = base;
    bold.setBold(true);
    plain.setBold(false);
    const double maxWidth = std::max(40.0, widgetRect.width() - 2 * (kMargin + kPad));
    const QPointF origin(widgetRect.left() + kMargin + kPad, widgetRect.top() + kMargin + kPad);
    QTextOption option;
    option.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    double y = 0;
    const QStringList lines = title.split(QLatin1Char('\n'));
    for (int i = 0; i < lines.size(); ++i) {
        auto layout = std::make_unique<QTextLayout>(lines[i], i == 0 ? bold : plain);
        layout->setTextOption(option);
        layout->beginLayout();
        for (QTextLine row = layout->createLine(); row.isValid(); row = layout->createLine()) {
            row.setLineWidth(maxWidth);
            row.setPosition(QPointF(0, y));
            l.rows.emplace_back(origin.x(), origin.y() + y, std::min(maxWidth, row.naturalTextWidth()), row.height());
            y += row.height();
        }
        layout->endLayout();
        l.lines.push_back(std::move(layout));
    }
    for (const QRectF &r : l.rows)
        l.text = l.text.isNull() ? r : l.text.united(r);
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
    // One path of the rows' padded boxes, filled once: where they overlap the map is not darkened twice.
    QPainterPath box;
    box.setFillRule(Qt::WindingFill);
    for (const QRectF &r : l.rows)
        box.addRoundedRect(r.adjusted(-kPad, -kPad, kPad, kPad), 3, 3);
    painter.setPen(Qt::NoPen);
    painter.fillPath(box, QColor(0, 0, 0, 150));
    painter.setPen(m_color);
    for (const auto &layout : l.lines)
        layout->draw(&painter, l.text.topLeft());
}

}  // namespace solarchip
