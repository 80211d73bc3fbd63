#include "widgets/HaloText.h"

#include <QPainter>
#include <QPainterPath>
#include <QPen>

#include <cmath>

namespace solarchip {

HaloTextCache::Sprite HaloTextCache::sprite(const QString &text, const QFont &font, const QColor &colour, double dpr) const
{
    const QString key = QStringLiteral("%1|%2|%3|%4|%5").arg(text).arg(font.pixelSize()).arg(font.bold()).arg(colour.rgba()).arg(dpr);
    if (auto it = m_sprites.constFind(key); it != m_sprites.constEnd())
        return *it;
    if (m_sprites.size() > 512)
        m_sprites.clear();  // (labels of many times: start again rather than grow)
    QPainterPath path;
    path.addText(QPointF(0, 0), font, text);
    constexpr double kMargin = 2.5;  // the halo's half width and a little
    const QRectF box = path.boundingRect().adjusted(-kMargin, -kMargin, kMargin, kMargin);
    Sprite s;
    s.image = QImage(QSize(int(std::ceil(box.width() * dpr)), int(std::ceil(box.height() * dpr))),
                     QImage::Format_ARGB32_Premultiplied);
    s.image.setDevicePixelRatio(dpr);
    s.image.fill(Qt::transparent);
    s.origin = -box.topLeft();
    s.right = path.boundingRect().right();
    QPainter p(&s.image);
    p.setRenderHint(QPainter::Antialiasing);
    p.translate(s.origin);
    p.setPen(QPen(QColor(0, 0, 0, 210), 3, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    p.drawPath(path);
    p.fillPath(path, colour);
    p.end();
    return *m_sprites.insert(key, s);
}

HaloTextCache::Sprite HaloTextCache::draw(QPainter &painter, QPointF baseline, const QString &text, const QFont &font,
                                                 const QColor &colour) const
{
    const double dpr = painter.device() ? painter.device()->devicePixelRatioF() : 1.0;
    const Sprite s = sprite(text, font, colour, dpr);
    painter.drawImage(baseline - s.origin, s.image);
    return s;
}

LabelTexture labelTexture(const QImage &texture, int mapWidth, int mapHeight)
{
    constexpr int kMinSide = 1024;
    LabelTexture out;
    out.image = texture.convertToFormat(QImage::Format_ARGB32_Premultiplied);
    if (out.image.height() < kMinSide)
        out.image = out.image.scaled(out.image.width() * kMinSide / out.image.height(), kMinSide, Qt::IgnoreAspectRatio,
                                     Qt::SmoothTransformation);
    // Map pixel x covers [x - 0.5, x + 0.5): texture X = (x + 0.5) sx, Y = height - (y + 0.5) sy (row 0 at the top).
    out.fromMapPixels.translate(0, out.image.height());
    out.fromMapPixels.scale(static_cast<double>(out.image.width()) / mapWidth, -static_cast<double>(out.image.height()) / mapHeight);
    out.fromMapPixels.translate(0.5, 0.5);
    return out;
}

}  // namespace solarchip
