#include "widgets/HeatmapLayer.h"

#include "core/map/SdoMap.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFontMetricsF>
#include <QImage>

#include <algorithm>
#include <cmath>
#include <limits>

namespace solarchip {

HeatmapLayer::HeatmapLayer() : m_colormap(Colormap::byName(QStringLiteral("inferno")))
{
    m_color = QColor(0, 255, 255);
}

QString HeatmapLayer::name() const
{
    return QCoreApplication::translate("solarchip::HeatmapLayer", "Similarity heatmap");
}

void HeatmapLayer::mapChanged(const SdoMap *map)
{
    m_outlines.setMap(map);
    requestPolygons();
}

void HeatmapLayer::setData(HeatmapData data)
{
    m_data = std::move(data);
    m_outlines.setFrame(m_data.frame);
    requestPolygons();
}

void HeatmapLayer::clearData()
{
    m_data = HeatmapData{};
    m_outlines.setFrame(nullptr);
}

bool HeatmapLayer::isGeometryPending() const
{
    return hasData() && m_outlines.map() && !m_outlines.isCurrent();
}

void HeatmapLayer::requestPolygons()
{
    if (isGeometryPending() && m_geometryArrived)
        m_outlines.prefetch([this] { geometryArrived(); });
}

QPolygonF HeatmapLayer::cellPolygon(int cell) const
{
    return CellOutlines::at(m_outlines.current(), cell);
}

std::pair<double, double> HeatmapLayer::range() const
{
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (float v : m_data.values)
        if (std::isfinite(v)) {
            lo = std::min(lo, static_cast<double>(v));
            hi = std::max(hi, static_cast<double>(v));
        }
    if (!std::isfinite(lo))
        return {0, 1};
    lo = std::max(lo, m_threshold);
    if (!(hi > lo))
        lo = hi - 1e-3;
    return {lo, hi};
}

int HeatmapLayer::cellAtMapPixel(QPointF pixel) const
{
    if (!m_outlines.map() || !m_data.frame)
        return -1;
    return m_data.frame->cellIndex(m_data.frame->cellAtMapPixel(pixel, m_outlines.map()->wcs));
}

double HeatmapLayer::valueAtMapPixel(QPointF pixel) const
{
    const int cell = cellAtMapPixel(pixel);
    if (cell < 0 || cell >= static_cast<int>(m_data.values.size()))
        return std::numeric_limits<double>::quiet_NaN();
    return m_data.values[static_cast<std::size_t>(cell)];
}

QImage HeatmapLayer::colorBarImage(const Colormap &map, int width, int height)
{
    QImage img(std::max(1, width), std::max(1, height), QImage::Format_ARGB32);
    for (int y = 0; y < img.height(); ++y) {
        const double t = img.height() > 1 ? 1.0 - static_cast<double>(y) / (img.height() - 1) : 1.0;
        const QRgb c = map.map(t);
        auto *line = reinterpret_cast<QRgb *>(img.scanLine(y));
        std::fill(line, line + img.width(), c);
    }
    return img;
}

void HeatmapLayer::paintCells(QPainter &painter, const std::vector<QPolygonF> &polygons, const QTransform &pixelToTarget,
                              double markScale) const
{
    const auto [lo, hi] = range();
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, false);
    painter.setPen(Qt::NoPen);
    const int alpha = std::clamp(static_cast<int>(std::lround(m_opacity * 255)), 0, 255);
    for (std::size_t i = 0; i < polygons.size() && i < m_data.values.size(); ++i) {
        const double v = m_data.values[i];
        if (!std::isfinite(v) || v < m_threshold || polygons[i].size() < 3)
            continue;
        QColor c = QColor::fromRgb(m_colormap.map((v - lo) / (hi - lo)));
        c.setAlpha(alpha);
        painter.setBrush(c);
        painter.drawPolygon(pixelToTarget.map(polygons[i]));
    }
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.setBrush(Qt::NoBrush);
    // The query: outlined with a dark casing so it reads on any colour.
    for (int cell : m_data.queryCells) {
        const QPolygonF poly = CellOutlines::at(polygons, cell);
        if (poly.size() < 3)
            continue;
        const QPolygonF s = pixelToTarget.map(poly);
        painter.setPen(QPen(QColor(0, 0, 0, 200), 4 * markScale));
        painter.drawPolygon(s);
        painter.setPen(QPen(m_color, 2 * markScale));
        painter.drawPolygon(s);
    }
    // Top-k: a ring and the rank at the cell's centre.
    QFont f = painter.font();
    f.setPointSizeF(std::max(6.0, f.pointSizeF() * 0.8 * markScale));
    painter.setFont(f);
    for (std::size_t r = 0; r < m_data.topCells.size(); ++r) {
        const QPolygonF poly = CellOutlines::at(polygons, m_data.topCells[r]);
        if (poly.size() < 3)
            continue;
        const QPointF centre = pixelToTarget.map(poly.boundingRect().center());
        const double radius = std::clamp(pixelToTarget.map(poly).boundingRect().width() * 0.3, 4.0 * markScale, 14.0 * markScale);
        painter.setPen(QPen(QColor(0, 0, 0, 200), 3 * markScale));
        painter.drawEllipse(centre, radius, radius);
        painter.setPen(QPen(QColor(120, 255, 120), 1.5 * markScale));
        painter.drawEllipse(centre, radius, radius);
        const QString rank = QString::number(r + 1);
        painter.setPen(QColor(0, 0, 0));
        painter.drawText(QRectF(centre.x() - radius + 1, centre.y() - radius + 1, 2 * radius, 2 * radius), Qt::AlignCenter, rank);
        painter.setPen(QColor(255, 255, 255));
        painter.drawText(QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius), Qt::AlignCenter, rank);
    }
    painter.restore();
}

QImage HeatmapLayer::composeOnto(const QImage &texture) const
{
    const SdoMap *map = m_outlines.map();
    if (!hasData() || !map || texture.isNull())
        return texture;
    QImage out = texture.convertToFormat(QImage::Format_ARGB32_Premultiplied);
    // The texture covers the map's pixel grid north-up, row 0 = FITS row NAXIS2 (GlobeView::setMap's contract).
    const double sx = static_cast<double>(out.width()) / map->image.width;
    const double sy = static_cast<double>(out.height()) / map->image.height;
    // Map pixel x covers [x - 0.5, x + 0.5): texture X = (x + 0.5) sx, Y = height - (y + 0.5) sy.
    QTransform t;
    t.translate(0, out.height());
    t.scale(sx, -sy);
    t.translate(0.5, 0.5);
    QPainter painter(&out);
    paintCells(painter, m_outlines.current(), t, std::max(1.0, out.width() / 600.0));
    return out;
}

void HeatmapLayer::paint(QPainter &painter, const OverlayContext &context)
{
    m_lastPlate = QRectF();
    if (!hasData() || !m_outlines.map())
        return;
    QElapsedTimer clock;
    clock.start();
    const std::vector<QPolygonF> &polygons = m_outlines.forPaint(context.interactive);
    if (polygons.empty())
        return;
    const auto [lo, hi] = range();
    painter.save();
    painter.setClipRect(context.mapRect);
    paintCells(painter, polygons, context.pixelToWidget, 1.0);
    // The colour bar on a translucent plate, beside the map's image where the view has room for it (the band left
    // or right of a map fitted to a wider view), so it hides no data; over the map's lower-left corner otherwise.
    const QFontMetricsF fm(painter.font());
    const double barW = 10;
    const QString hiText = QString::number(hi, 'f', 3), loText = QString::number(lo, 'f', 3);
    const double textW = std::max({fm.horizontalAdvance(hiText), fm.horizontalAdvance(loText)});
    const double barBlockW = barW + 10 + textW;  // the bar and its numbers
    const QRectF image = context.pixelToWidget.mapRect(QRectF(-0.5, -0.5, m_outlines.map()->image.width,
                                                              m_outlines.map()->image.height));
    const double leftBand = image.left() - context.mapRect.left(), rightBand = context.mapRect.right() - image.right();
    // A plate beside the image needs the bar and its numbers; the label wraps at its spaces, a word wider than the
    // band elided ("magnetog…"; the Similarity dock has it whole).
    const double needed = barBlockW + 12 + 12;  // the plate's padding and 6 px either side
    const bool left = leftBand >= needed, right = !left && rightBand >= needed;
    const double room = left ? leftBand - 12 : right ? rightBand - 12 : context.mapRect.width() - 12;
    QString label = m_data.label;
    if (left || right) {
        QStringList words = label.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        for (QString &word : words)
            word = fm.elidedText(word, Qt::ElideRight, room - 12);
        label = words.join(QLatin1Char(' '));
    }
    const double plateW = std::min(std::max(barBlockW, fm.horizontalAdvance(label)) + 12, room);
    const QRectF titleBox = fm.boundingRect(QRectF(0, 0, plateW - 12, 1000), Qt::TextWordWrap, label);
    // The bar: a fifth to 30% of the height, never pushing the plate over the view's label at the top.
    const double fitH = context.mapRect.height() - titleBox.height() - 28 - 2 * fm.height();
    const double barH = std::max(20.0, std::min(std::clamp(context.mapRect.height() * (left || right ? 0.3 : 0.2), 40.0, 160.0), fitH));
    const QSizeF plateSize(plateW, titleBox.height() + barH + 16);
    const double x = right ? image.right() + 6 : context.mapRect.left() + 6;
    // Bottom: the view's label sits top-left (and the zoom bottom-right: a plate in the right band goes on top).
    const double y = right ? context.mapRect.top() + 6 : context.mapRect.bottom() - 6 - plateSize.height();
    const QRectF plate(QPointF(x, y), plateSize);
    painter.setPen(Qt::NoPen);
    painter.setBrush(QColor(0, 0, 0, 150));
    painter.drawRoundedRect(plate, 4, 4);
    painter.setPen(QColor(235, 235, 235));
    painter.drawText(QRectF(plate.left() + 6, plate.top() + 4, plateW - 12, titleBox.height()), Qt::TextWordWrap, label);
    const QRectF bar(plate.left() + 6, plate.top() + titleBox.height() + 8, barW, barH);
    painter.drawImage(bar, colorBarImage(m_colormap, 1, 128));
    painter.drawText(QPointF(bar.right() + 5, bar.top() + fm.ascent() * 0.8), hiText);
    painter.drawText(QPointF(bar.right() + 5, bar.bottom()), loText);
    m_lastPlate = plate;
    painter.restore();
    m_lastPaintMs = clock.nsecsElapsed() / 1e6;
}

}  // namespace solarchip
