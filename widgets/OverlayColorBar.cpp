#include "widgets/OverlayColorBar.h"

#include "core/map/SdoMap.h"
#include "widgets/ColorBar.h"

#include <QCoreApplication>
#include <QFontMetricsF>

#include <algorithm>

namespace solarchip {

OverlayColorBar::OverlayColorBar() { m_color = QColor(255, 255, 255); }

QString OverlayColorBar::name() const { return QCoreApplication::translate("solarchip::OverlayColorBar", "Colorbar"); }

QMarginsF OverlayColorBar::margins(const QSizeF &viewSize, const QFont &font) const
{
    // The gradient (14 px), tick marks and gap (10 px) and the widest label ColorBar writes ("−1.25e+04"),
    // but never more than a quarter of the view.
    const QFontMetricsF fm(font);
    const double wanted = 14 + 10 + fm.horizontalAdvance(QStringLiteral("\u22121.25e+04")) + 10;
    return QMarginsF(0, 0, std::min(wanted, viewSize.width() * 0.25), 0);
}

void OverlayColorBar::paint(QPainter &painter, const OverlayContext &context)
{
    m_lastRect = QRectF();
    if (!context.rendered || context.rendered->isNull())
        return;
    const QRectF r = context.widgetRect;
    const double w = margins(r.size(), painter.font()).right();
    // The strip right of the map's area, as tall as the map's area; the bar takes most of its height.
    const QRectF strip(r.right() - w, context.mapRect.top(), w, context.mapRect.height());
    const double h = std::min(strip.height() - 8, std::max(strip.height() * 0.75, 120.0));
    const QRectF box(strip.left() + 4, strip.center().y() - h / 2, strip.width() - 6, h);
    if (box.width() < 8 || box.height() < 24)
        return;
    m_lastRect = box;
    ColorBar::paint(painter, box, *context.rendered, context.valueLabel, Qt::Vertical, m_color);
}

}  // namespace solarchip
