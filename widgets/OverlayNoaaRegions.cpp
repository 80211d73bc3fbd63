#include "widgets/OverlayNoaaRegions.h"

#include "core/archive/FlareLabels.h"
#include "core/map/SdoMap.h"

#include <QCoreApplication>
#include <QPainter>
#include <QPainterPath>
#include <QPen>

#include <algorithm>
#include <cmath>

namespace solarchip {

OverlayNoaaRegions::OverlayNoaaRegions() { m_color = QColor(255, 236, 120, 245); }

QString OverlayNoaaRegions::name() const
{
    return QCoreApplication::translate("solarchip::OverlayNoaaRegions", "NOAA active regions");
}

void OverlayNoaaRegions::setFlares(const QVector<FlareEvent> &flares)
{
    ++m_version;
    m_flares.clear();
    for (const FlareEvent &f : flares)
        if (f.noaaAr > 0 && f.peakFlux >= kGoesC && f.labelTime().isValid())
            m_flares.push_back(f);
    std::stable_sort(m_flares.begin(), m_flares.end(),
                     [](const FlareEvent &a, const FlareEvent &b) { return a.labelTime() < b.labelTime(); });
}

const RegionSummary *OverlayNoaaRegions::reportFor(const SdoMap &map) const
{
    if (!m_reports || !map.wcs.isValid() || map.wcs.kind() != Wcs::Kind::Helioprojective || !map.meta.tObs.isValid())
        return nullptr;
    return m_reports->nearest(map.meta.tObs.toMSecsSinceEpoch());
}

QVector<OverlayNoaaRegions::Label> OverlayNoaaRegions::labelsOn(const SdoMap &map) const
{
    const qint64 t0 = map.meta.tObs.isValid() ? map.meta.tObs.toMSecsSinceEpoch() : 0;
    if (m_cachedVersion != m_version) {
        m_cached.clear();
        m_cachedVersion = m_version;
    }
    for (const CachedLabels &c : m_cached)
        if (c.matches(map, t0))
            return c.labels;
    const QVector<Label> out = computeLabels(map);
    if (m_cached.size() >= 32)
        m_cached.removeFirst();
    m_cached.push_back({&map, t0, map.image.width, map.meta.crpix1, map.meta.crpix2, map.meta.cdelt1, map.meta.crota2, out});
    return out;
}

bool OverlayNoaaRegions::CachedLabels::matches(const SdoMap &m, qint64 t) const
{
    return map == &m && timeMs == t && width == m.image.width && crpix1 == m.meta.crpix1 && crpix2 == m.meta.crpix2
           && cdelt1 == m.meta.cdelt1 && crota2 == m.meta.crota2;
}

QVector<OverlayNoaaRegions::Label> OverlayNoaaRegions::computeLabels(const SdoMap &map) const
{
    QVector<Label> out;
    const RegionSummary *report = reportFor(map);
    if (!report)
        return out;
    const double w = map.image.width, h = map.image.height;
    for (const NoaaRegionSeen &s : regionsSeenAt(*report, map.meta.tObs.toMSecsSinceEpoch(), map.wcs.observer())) {
        double x = 0, y = 0;
        if (!map.wcs.helioprojectiveToPixel(s.tx, s.ty, x, y) || x < -0.5 || y < -0.5 || x > w - 0.5 || y > h - 0.5)
            continue;
        out.push_back({s, QPointF(x, y), std::nullopt});
    }
    if (m_flares.isEmpty() || out.isEmpty())
        return out;
    // The flares of the window, each given to its region's label: the largest (the earlier of equal classes).
    const QDateTime t = map.meta.tObs;
    const qint64 half = static_cast<qint64>(kFlareWindowHours * 3600);
    const auto first = std::lower_bound(m_flares.begin(), m_flares.end(), t.addSecs(-half),
                                        [](const FlareEvent &f, const QDateTime &v) { return f.labelTime() < v; });
    for (auto it = first; it != m_flares.end() && it->labelTime() <= t.addSecs(half); ++it)
        for (Label &l : out)
            if (l.seen.region.number == it->noaaAr && (!l.flare || it->peakFlux > l.flare->peakFlux))
                l.flare = *it;
    return out;
}

QImage OverlayNoaaRegions::composeOnto(const QImage &texture, const SdoMap &map, int *drawn) const
{
    if (drawn)
        *drawn = 0;
    if (texture.isNull() || map.image.isEmpty())
        return texture;
    const int n = static_cast<int>(labelsOn(map).size());
    if (n == 0)
        return texture;
    // A small map's texture (a 256 px archive) is magnified on the sphere: the labels go onto it enlarged first, so
    // their text is drawn at a size that stays sharp instead of a few blurred texels (the globe places the texture by
    // the map's pixels, whatever its size).
    constexpr int kMinSide = 1024;
    QImage out = texture.convertToFormat(QImage::Format_ARGB32_Premultiplied);
    if (out.height() < kMinSide)
        out = out.scaled(out.width() * kMinSide / out.height(), kMinSide, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    // Map pixel x covers [x - 0.5, x + 0.5): texture X = (x + 0.5) sx, Y = height - (y + 0.5) sy (row 0 at the top).
    QTransform toTexture;
    toTexture.translate(0, out.height());
    toTexture.scale(static_cast<double>(out.width()) / map.image.width, -static_cast<double>(out.height()) / map.image.height);
    toTexture.translate(0.5, 0.5);
    QPainter painter(&out);
    // Text about 1/42 of the sphere's diameter: legible on a globe filling a few hundred screen pixels.
    paintLabels(painter, map, toTexture, out.height() / 42);
    painter.end();
    if (drawn)
        *drawn = n;
    return out;
}

void OverlayNoaaRegions::paint(QPainter &painter, const OverlayContext &context)
{
    paintLabels(painter, *context.map, context.pixelToWidget,
                std::clamp(static_cast<int>(context.mapRect.height() / 32), 9, 14));
}

OverlayNoaaRegions::Sprite OverlayNoaaRegions::sprite(const QString &text, const QFont &font, const QColor &colour,
                                                             double dpr) const
{
    const QString key = QStringLiteral("%1|%2|%3|%4|%5").arg(text).arg(font.pixelSize()).arg(font.bold()).arg(colour.rgba()).arg(dpr);
    if (auto it = m_sprites.constFind(key); it != m_sprites.constEnd())
        return *it;
    if (m_sprites.size() > 512)
        m_sprites.clear();  // (numbers and flares of many times: start again rather than grow)
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
    m_sprites.insert(key, s);
    return s;
}

void OverlayNoaaRegions::paintLabels(QPainter &painter, const SdoMap &map, const QTransform &pixelToTarget, int spotPx) const
{
    QVector<Label> labels = labelsOn(map);
    if (labels.isEmpty())
        return;
    // Plages first, regions with spots over them: where labels crowd (near a limb, on a small view) the regions
    // that flare stay legible.
    std::stable_partition(labels.begin(), labels.end(),
                          [](const Label &l) { return l.seen.region.section != NoaaRegion::Section::Spots; });
    painter.setRenderHint(QPainter::Antialiasing);
    const double dpr = painter.device() ? painter.device()->devicePixelRatioF() : 1.0;
    // Lines as thick as the text is large beyond a view's largest (14 px): the globe's enlarged texture.
    const double line = std::max(1.0, spotPx / 14.0);
    const QColor plage(205, 205, 205, 215);
    for (const Label &l : labels) {
        const bool spots = l.seen.region.section == NoaaRegion::Section::Spots;
        const QColor colour = spots ? m_color : plage;
        QFont font = painter.font();
        font.setPixelSize(spots ? spotPx : std::max(8, spotPx * 4 / 5));
        font.setBold(spots);
        const double ring = std::max(spots ? 3.0 : 2.0, font.pixelSize() * (spots ? 0.45 : 0.3));
        const QPointF at = pixelToTarget.map(l.pixel);
        // A ring on a dark rim, then the number beside it on a dark halo: legible on every colour table.
        painter.setBrush(Qt::NoBrush);
        painter.setPen(QPen(QColor(0, 0, 0, 200), 3.5 * line));
        painter.drawEllipse(at, ring, ring);
        painter.setPen(QPen(colour, (spots ? 1.6 : 1.2) * line));
        painter.drawEllipse(at, ring, ring);
        QString text = QString::number(l.seen.region.number);
        if (spots && !l.seen.region.magType.isEmpty())
            text += QLatin1Char(' ') + l.seen.region.magTypeSymbols();
        const QPointF baseline(at.x() + ring + 3, at.y() - ring - 2);
        const Sprite number = sprite(text, font, colour, dpr);
        painter.drawImage(baseline - number.origin, number.image);
        if (l.flare) {
            // The flare after the number, in its class's colour (C white, M orange, X red), with its peak time.
            const QColor classColours[3] = {QColor(245, 245, 245), QColor(255, 150, 40), QColor(255, 70, 60)};
            const int k = std::clamp(flareClassIndex(l.flare->peakFlux), 1, 3) - 1;
            QFont bold = font;
            bold.setBold(true);
            const Sprite flare = sprite(QStringLiteral("%1 %2").arg(l.flare->goesClass,
                                                                     l.flare->labelTime().toUTC().toString(QStringLiteral("HH:mm"))),
                                         bold, classColours[k], dpr);
            painter.drawImage(QPointF(baseline.x() + number.right + font.pixelSize() * 0.5, baseline.y()) - flare.origin,
                              flare.image);
        }
    }
}

}  // namespace solarchip
