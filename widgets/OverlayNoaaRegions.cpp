#include "widgets/OverlayNoaaRegions.h"

#include "core/map/SdoMap.h"
#include "widgets/LabelPlacement.h"
#include "widgets/OverlayFlareEvents.h"

#include <QCoreApplication>
#include <QPainter>
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
    if (m_cachedVersion != m_version) {
        m_cached.clear();
        m_cachedVersion = m_version;
    }
    if (const QVector<Label> *labels = m_cached.find(map))
        return *labels;
    return m_cached.insert(map, computeLabels(map));
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
    LabelTexture out = labelTexture(texture, map.image.width, map.image.height);
    QPainter painter(&out.image);
    // Text about 1/42 of the sphere's diameter: legible on a globe filling a few hundred screen pixels.
    paintLabels(painter, map, out.fromMapPixels, out.image.height() / 42, QRectF(out.image.rect()));
    painter.end();
    if (drawn)
        *drawn = n;
    return out.image;
}

QString OverlayNoaaRegions::toolTipAt(const SdoMap &map, const QPointF &mapPixel, double zoom) const
{
    constexpr double kReachPx = 12;
    const Label *best = nullptr;
    double nearest = kReachPx;
    const QVector<Label> labels = labelsOn(map);
    for (const Label &l : labels) {
        const QPointF d = (l.pixel - mapPixel) * zoom;
        if (const double r = std::hypot(d.x(), d.y()); r <= nearest) {
            nearest = r;
            best = &l;
        }
    }
    if (!best)
        return {};
    const NoaaRegion &r = best->seen.region;
    auto tr = [](const char *text) { return QCoreApplication::translate("solarchip::OverlayNoaaRegions", text); };
    QString text = QStringLiteral("NOAA %1").arg(r.number);
    if (r.section == NoaaRegion::Section::Spots) {
        text += QStringLiteral("  %1").arg(r.magTypeSymbols());
        if (!r.mcIntosh.isEmpty())
            text += QStringLiteral("  %1").arg(r.mcIntosh);
        if (r.areaMsh >= 0)
            text += tr("  %1 MSH").arg(r.areaMsh);
        if (r.spotCount >= 0)
            text += tr(", %1 spots").arg(r.spotCount);
    } else {
        text += tr("  plage without spots");
    }
    text += QLatin1Char('\n') + tr("%1 in the report; %2 at this map (%3″, %4″)")
                                     .arg(r.location, NoaaRegion::locationText(best->seen.latDeg, best->seen.lonDeg))
                                     .arg(best->seen.tx, 0, 'f', 0)
                                     .arg(best->seen.ty, 0, 'f', 0);
    if (best->flare)
        text += QLatin1Char('\n') + tr("largest flare within %1 h: %2 peaking %3 UTC")
                                         .arg(kFlareWindowHours)
                                         .arg(best->flare->goesClass,
                                              best->flare->labelTime().toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm")));
    return text;
}

int OverlayNoaaRegions::spotPxFor(const QRectF &mapRect)
{
    return std::clamp(static_cast<int>(mapRect.height() / 32), 9, 14);
}

void OverlayNoaaRegions::paint(QPainter &painter, const OverlayContext &context)
{
    // The layer is clipped to the map's area: its labels stay inside it.
    paintLabels(painter, *context.map, context.pixelToWidget, spotPxFor(context.mapRect), context.mapRect);
}

QVector<OverlayNoaaRegions::Placed> OverlayNoaaRegions::place(const SdoMap &map, const QTransform &pixelToTarget, int spotPx,
                                                              const QFont &base, double dpr, const QRectF &bounds) const
{
    QVector<Label> labels = labelsOn(map);
    // Regions with spots placed first: where labels crowd (near a limb, on a small view) the regions that flare get
    // the first choice of place.
    std::stable_partition(labels.begin(), labels.end(),
                          [](const Label &l) { return l.seen.region.section == NoaaRegion::Section::Spots; });
    const QColor plage(205, 205, 205, 215);
    QVector<Placed> out;
    out.reserve(labels.size());
    for (const Label &l : labels) {
        Placed p;
        p.region = l.seen.region.number;
        p.spots = l.seen.region.section == NoaaRegion::Section::Spots;
        p.colour = p.spots ? m_color : plage;
        p.font = base;
        p.font.setPixelSize(p.spots ? spotPx : std::max(8, spotPx * 4 / 5));
        p.font.setBold(p.spots);
        p.ring = std::max(p.spots ? 3.0 : 2.0, p.font.pixelSize() * (p.spots ? 0.45 : 0.3));
        p.at = pixelToTarget.map(l.pixel);
        p.number = QString::number(l.seen.region.number);
        if (p.spots && !l.seen.region.magType.isEmpty())
            p.number += QLatin1Char(' ') + l.seen.region.magTypeSymbols();
        // The number beside the ring, up and to the right (the first choice; the others below).
        p.baseline = QPointF(p.at.x() + p.ring + 3, p.at.y() - p.ring - 2);
        const HaloTextCache::Sprite number = m_text.sprite(p.number, p.font, p.colour, dpr);
        p.box = QRectF(p.baseline - number.origin, QSizeF(number.image.size()) / dpr);
        if (l.flare) {
            // The flare after the number, in its class's colour, with its peak time.
            p.flareText = QStringLiteral("%1 %2").arg(l.flare->goesClass, l.flare->labelTime().toUTC().toString(QStringLiteral("HH:mm")));
            p.flareColour = flareClassColourOnMap(l.flare->peakFlux);
            p.flareFont = p.font;
            p.flareFont.setBold(true);
            p.flareBaseline = QPointF(p.baseline.x() + number.right + p.font.pixelSize() * 0.5, p.baseline.y());
            const HaloTextCache::Sprite flare = m_text.sprite(p.flareText, p.flareFont, p.flareColour, dpr);
            p.box |= QRectF(p.flareBaseline - flare.origin, QSizeF(flare.image.size()) / dpr);
        }
        out.push_back(p);
    }
    // Each text at the first of four places around its ring (above right, below right, above left, below left) that
    // covers no ring and no text placed before it and stays inside the view; else the least covered.
    QVector<QRectF> rings;
    for (const Placed &p : out)
        rings << QRectF(p.at - QPointF(p.ring, p.ring), QSizeF(2 * p.ring, 2 * p.ring));
    QVector<QRectF> texts;
    for (int i = 0; i < out.size(); ++i) {
        Placed &p = out[i];
        const double right = 0, left = (p.at.x() - p.ring - 3 - p.box.width()) - p.box.left();
        const double above = 0, below = (p.at.y() + p.ring + 2) - p.box.top();
        const QPointF shifts[4] = {{right, above}, {right, below}, {left, above}, {left, below}};
        QVector<QRectF> candidates;
        for (const QPointF &d : shifts)
            candidates << p.box.translated(d);
        QVector<QRectF> taken = texts;
        for (int j = 0; j < rings.size(); ++j)
            if (j != i)
                taken << rings[j];
        p.where = choosePlace(candidates, taken, bounds).index;
        const QPointF d = shifts[p.where];
        p.box.translate(d);
        p.baseline += d;
        p.flareBaseline += d;
        texts << p.box;
    }
    // Drawn plages first, regions with spots over them.
    std::stable_partition(out.begin(), out.end(), [](const Placed &p) { return !p.spots; });
    return out;
}

QVector<OverlayNoaaRegions::PlacedLabel> OverlayNoaaRegions::placedLabels(const SdoMap &map, const QTransform &pixelToTarget,
                                                                          int spotPx, const QFont &font, double dpr,
                                                                          const QRectF &bounds) const
{
    QVector<PlacedLabel> out;
    if (!isVisible())
        return out;
    for (const Placed &p : place(map, pixelToTarget, spotPx, font, dpr, bounds))
        out.push_back({p.region, QRectF(p.at - QPointF(p.ring, p.ring), QSizeF(2 * p.ring, 2 * p.ring)), p.box, p.where});
    return out;
}

QVector<QRectF> OverlayNoaaRegions::labelBoxes(const SdoMap &map, const QTransform &pixelToTarget, int spotPx,
                                               const QFont &font, double dpr, const QRectF &bounds) const
{
    QVector<QRectF> out;
    for (const PlacedLabel &p : placedLabels(map, pixelToTarget, spotPx, font, dpr, bounds))
        out << p.text << p.ring;
    return out;
}

void OverlayNoaaRegions::paintLabels(QPainter &painter, const SdoMap &map, const QTransform &pixelToTarget, int spotPx,
                                     const QRectF &bounds) const
{
    const double dpr = painter.device() ? painter.device()->devicePixelRatioF() : 1.0;
    const QVector<Placed> placed = place(map, pixelToTarget, spotPx, painter.font(), dpr, bounds);
    if (placed.isEmpty())
        return;
    painter.setRenderHint(QPainter::Antialiasing);
    // Lines as thick as the text is large beyond a view's largest (14 px): the globe's enlarged texture.
    const double line = std::max(1.0, spotPx / 14.0);
    for (const Placed &p : placed) {
        // A ring on a dark rim, then the number beside it on a dark halo: legible on every colour table.
        painter.setBrush(Qt::NoBrush);
        painter.setPen(QPen(QColor(0, 0, 0, 200), 3.5 * line));
        painter.drawEllipse(p.at, p.ring, p.ring);
        painter.setPen(QPen(p.colour, (p.spots ? 1.6 : 1.2) * line));
        painter.drawEllipse(p.at, p.ring, p.ring);
        m_text.draw(painter, p.baseline, p.number, p.font, p.colour);
        if (!p.flareText.isEmpty())
            m_text.draw(painter, p.flareBaseline, p.flareText, p.flareFont, p.flareColour);
    }
}

}  // namespace solarchip
