#include "widgets/OverlayHitBox.h"

#include "core/map/SdoMap.h"

#include <QCoreApplication>
#include <QPainter>
#include <QPen>

#include <algorithm>
#include <cmath>
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

QImage OverlayHitBox::composeOnto(const QImage &texture, const SdoMap &map, const std::vector<GlobeHitMark> &hits,
                                  qint64 toleranceMs, int *drawn)
{
    if (drawn)
        *drawn = 0;
    if (texture.isNull() || map.image.isEmpty() || !map.meta.tObs.isValid())
        return texture;
    const qint64 t = map.meta.tObs.toMSecsSinceEpoch();
    QImage out;
    const double sx = static_cast<double>(texture.width()) / map.image.width;
    const double sy = static_cast<double>(texture.height()) / map.image.height;
    // Map pixel x covers [x - 0.5, x + 0.5): texture X = (x + 0.5) sx, Y = height - (y + 0.5) sy.
    QTransform toTexture;
    toTexture.translate(0, texture.height());
    toTexture.scale(sx, -sy);
    toTexture.translate(0.5, 0.5);
    const double scale = std::max(1.0, texture.width() / 600.0);  // lines that survive the globe's minification
    QPainter painter;
    for (const GlobeHitMark &hit : hits) {
        if (hit.hpcBox.isEmpty() || std::llabs(hit.timeMs - t) > toleranceMs)
            continue;
        const QPolygonF poly = boxPixels(map, hit.hpcBox);
        if (poly.size() < 3)
            continue;
        if (out.isNull()) {
            out = texture.convertToFormat(QImage::Format_ARGB32_Premultiplied);
            painter.begin(&out);
            painter.setRenderHint(QPainter::Antialiasing);
            painter.setBrush(Qt::NoBrush);
            QFont font = painter.font();
            font.setPixelSize(std::max(7, texture.width() / 50));  // ~10 px on a globe of 500 px
            font.setBold(true);
            painter.setFont(font);
        }
        const QPolygonF onTexture = toTexture.map(poly);
        painter.setPen(QPen(QColor(0, 0, 0, 160), 4 * scale));
        painter.drawPolygon(onTexture);
        painter.setPen(QPen(QColor(0, 255, 128, 230), 2 * scale));
        painter.drawPolygon(onTexture);
        if (!hit.label.isEmpty()) {
            const QRectF b = onTexture.boundingRect();
            painter.drawText(QPointF(b.left(), b.top() - 3 * scale), hit.label);
        }
        if (drawn)
            ++*drawn;
    }
    return out.isNull() ? texture : out;
}

void OverlayHitBox::drawOutline(QPainter &painter, const QPolygonF &onScreen, const QColor &colour, bool dashed)
{
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setBrush(Qt::NoBrush);
    painter.setPen(QPen(QColor(0, 0, 0, dashed ? 200 : 160), 4));
    painter.drawPolygon(onScreen);
    QPen line(colour, 2);
    if (dashed)
        line.setDashPattern({4, 3});
    painter.setPen(line);
    painter.drawPolygon(onScreen);
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
    drawOutline(painter, onScreen, m_color, false);
    if (!m_label.isEmpty()) {
        const QRectF b = onScreen.boundingRect();
        painter.setPen(m_color);
        painter.drawText(QPointF(b.left(), b.top() - 4), m_label);
    }
}

}  // namespace solarchip
