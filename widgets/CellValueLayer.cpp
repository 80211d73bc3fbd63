#include "widgets/CellValueLayer.h"

#include "core/map/SdoMap.h"

#include <QCoreApplication>
#include <QFontMetricsF>
#include <QLinearGradient>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace solarchip {

namespace {

// Enough decimals to tell the bar's ticks apart: two, more for a narrow range (attention weights of a few
// thousandths), e.g. 0 / 0.004 / 0.008 rather than 0 / 0.00 / 0.01.
QString tickText(double v, double span)
{
    if (std::abs(v) >= 100 || v == std::round(v))
        return QString::number(v, 'g', 4);
    const int decimals = span > 0 && std::isfinite(span) ? std::clamp(static_cast<int>(std::ceil(-std::log10(span))) + 1, 2, 8) : 2;
    return QString::number(v, 'f', decimals);
}

}  // namespace

CellValueLayer::CellValueLayer(const QString &id) : m_id(id) { m_color = QColor(255, 255, 255); }

QString CellValueLayer::name() const
{
    return QCoreApplication::translate("solarchip::CellValueLayer", "Model cell values");
}

void CellValueLayer::mapChanged(const SdoMap *map)
{
    m_outlines.setMap(map);
    requestPolygons();
}

void CellValueLayer::setFrame(std::shared_ptr<const ModelFrame> frame)
{
    if (m_outlines.setFrame(std::move(frame)))
        requestPolygons();
}

void CellValueLayer::setValues(std::vector<float> values)
{
    m_values = std::move(values);
    requestPolygons();
}

bool CellValueLayer::isGeometryPending() const
{
    return m_outlines.map() && m_outlines.frame() && !m_outlines.isCurrent() && hasValues();
}

void CellValueLayer::requestPolygons()
{
    // Only for a layer in a view (told when they arrive); elsewhere they are made where first needed.
    if (isGeometryPending() && m_geometryArrived)
        m_outlines.prefetch([this] { geometryArrived(); });
}

bool CellValueLayer::hasValues() const
{
    const ModelFrame *frame = m_outlines.frame().get();
    if (!frame || m_values.size() != static_cast<std::size_t>(frame->gridSize()) * frame->gridSize())
        return false;
    return std::any_of(m_values.begin(), m_values.end(), [](float v) { return std::isfinite(v); });
}

void CellValueLayer::setScale(double min, double max, const QString &colormap, bool logarithmic, const QString &label)
{
    m_min = min;
    m_max = max;
    m_log = logarithmic && min > 0 && max > min;
    m_colormap = Colormap::byName(colormap);
    m_label = label;
}

void CellValueLayer::setOpacity(double opacity)
{
    m_opacity = std::clamp(opacity, 0.0, 1.0);
}

double CellValueLayer::normalised(double value) const
{
    if (!std::isfinite(value) || !(m_max > m_min))
        return std::numeric_limits<double>::quiet_NaN();
    if (m_log)
        return std::log(std::max(value, m_min) / m_min) / std::log(m_max / m_min);
    return (value - m_min) / (m_max - m_min);
}

QColor CellValueLayer::colourOf(double value) const
{
    const double t = normalised(value);
    if (!std::isfinite(t))
        return QColor(0, 0, 0, 0);
    return QColor::fromRgba(m_colormap.map(std::clamp(t, 0.0, 1.0)));
}

QPolygonF CellValueLayer::cellPolygon(int index) const
{
    return CellOutlines::at(m_outlines.current(), index);
}

int CellValueLayer::cellAtMapPixel(const QPointF &pixel) const
{
    const ModelFrame *frame = m_outlines.frame().get();
    if (!frame || !m_outlines.map())
        return -1;
    return frame->cellIndex(frame->cellAtMapPixel(pixel, m_outlines.map()->wcs));
}

double CellValueLayer::valueAtMapPixel(const QPointF &pixel) const
{
    const int cell = cellAtMapPixel(pixel);
    if (cell < 0 || static_cast<std::size_t>(cell) >= m_values.size())
        return std::numeric_limits<double>::quiet_NaN();
    return m_values[static_cast<std::size_t>(cell)];
}

QMarginsF CellValueLayer::margins(const QSizeF &viewSize, const QFont &font) const
{
    // Constant while visible (values come and go as sets are encoded; the map must not jump): the label line and
    // the bar with its end ticks, two text lines and 10 px of gradient, at most a fifth of the view's height.
    const QFontMetricsF fm(font);
    return QMarginsF(0, std::min(2 * fm.height() + 14, viewSize.height() * 0.2), 0, 0);
}

void CellValueLayer::paint(QPainter &painter, const OverlayContext &context)
{
    m_lastBar = QRectF();
    if (!hasValues() || !context.map)
        return;
    const std::vector<QPolygonF> &polygons = m_outlines.forPaint(context.interactive);
    painter.save();
    // Cells only over the map's own pixels: a cell larger than a cut-out does not spill onto the background. A
    // view without rotation (flips and 180 degrees included) clips to a rectangle, which the raster engine does
    // per scanline; only a rotated one needs the (much slower) path clip.
    const QRectF pixels(-0.5, -0.5, context.map->image.width, context.map->image.height);
    if (context.pixelToWidget.type() <= QTransform::TxScale) {
        painter.setClipRect(context.pixelToWidget.mapRect(pixels).intersected(context.mapRect));
    } else {
        QPainterPath image;
        image.addPolygon(context.pixelToWidget.map(QPolygonF(pixels)));
        QPainterPath area;
        area.addRect(context.mapRect);
        painter.setClipPath(image.intersected(area));
    }
    painter.setRenderHint(QPainter::Antialiasing, false);
    painter.setPen(Qt::NoPen);
    for (std::size_t i = 0; i < polygons.size() && i < m_values.size(); ++i) {
        if (polygons[i].size() < 3 || !std::isfinite(m_values[i]))
            continue;
        QColor c = colourOf(m_values[i]);
        c.setAlphaF(static_cast<float>(m_opacity));
        painter.setBrush(c);
        painter.drawPolygon(context.pixelToWidget.map(polygons[i]));
    }
    painter.restore();

    // The bar: in the strip above the map (the top margin), centred over the map's width.
    const QFontMetricsF fm(painter.font());
    const double top = context.mapRect.top() - margins(context.widgetRect.size(), painter.font()).top();
    const double width = std::min(context.mapRect.width() * 0.8, 360.0);
    if (width < 40 || top < context.widgetRect.top() - 0.5)
        return;
    const double left = context.mapRect.center().x() - width / 2;
    const QRectF labelRect(context.widgetRect.left() + 2, top + 1, context.widgetRect.width() - 4, fm.height());
    const QRectF bar(left, labelRect.bottom() + 2, width, 10);
    QLinearGradient gradient(bar.topLeft(), bar.topRight());
    for (int i = 0; i <= 16; ++i)
        gradient.setColorAt(i / 16.0, QColor::fromRgba(m_colormap.map(i / 16.0)));
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, false);
    painter.fillRect(bar, gradient);
    painter.setPen(m_color);
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(bar);
    painter.drawText(labelRect, Qt::AlignHCenter | Qt::AlignVCenter, m_label);
    const double ty = bar.bottom() + 1;
    const double span = m_max - m_min;
    const QString lo = tickText(m_min, span), hi = tickText(m_max, span);
    painter.drawText(QRectF(bar.left() - 40, ty, 80, fm.height()), Qt::AlignHCenter | Qt::AlignTop, lo);
    painter.drawText(QRectF(bar.right() - 40, ty, 80, fm.height()), Qt::AlignHCenter | Qt::AlignTop, hi);
    if (m_log) {  // a middle tick near the geometric mean, where the log scale puts it
        const double mid = std::max(m_min, std::round(std::sqrt(m_min * m_max)));
        const double x = bar.left() + bar.width() * normalised(mid);
        painter.drawText(QRectF(x - 40, ty, 80, fm.height()), Qt::AlignHCenter | Qt::AlignTop, tickText(mid, span));
    } else {
        painter.drawText(QRectF(bar.center().x() - 40, ty, 80, fm.height()), Qt::AlignHCenter | Qt::AlignTop,
                         tickText((m_min + m_max) / 2, span));
    }
    painter.restore();
    m_lastBar = bar;
}

}  // namespace solarchip
