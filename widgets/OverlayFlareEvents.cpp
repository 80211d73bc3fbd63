#include "widgets/OverlayFlareEvents.h"

#include "core/archive/FlareLabels.h"
#include "core/map/SdoMap.h"
#include "widgets/LabelPlacement.h"
#include "widgets/OverlayNoaaRegions.h"

#include <QCoreApplication>
#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>
#include <QPen>

#include <algorithm>
#include <cmath>

namespace solarchip {

OverlayFlareEvents::OverlayFlareEvents() { m_color = QColor(255, 150, 40); }

QString OverlayFlareEvents::name() const
{
    return QCoreApplication::translate("solarchip::OverlayFlareEvents", "Flare events");
}

void OverlayFlareEvents::setList(std::shared_ptr<const FlareList> list)
{
    m_list = std::move(list);
    ++m_version;
}

void OverlayFlareEvents::setWindowHours(double hours)
{
    if (!std::isfinite(hours) || hours < 0 || hours == m_windowHours)
        return;
    m_windowHours = hours;
    ++m_version;
}

QVector<OverlayFlareEvents::Marker> OverlayFlareEvents::markersOn(const SdoMap &map) const
{
    if (m_cachedVersion != m_version) {
        m_cached.clear();
        m_cachedVersion = m_version;
    }
    if (const QVector<Marker> *markers = m_cached.find(map))
        return *markers;
    return m_cached.insert(map, computeMarkers(map));
}

QVector<OverlayFlareEvents::Marker> OverlayFlareEvents::computeMarkers(const SdoMap &map) const
{
    QVector<Marker> out;
    if (!m_list || m_list->isEmpty() || !map.wcs.isValid() || map.wcs.kind() != Wcs::Kind::Helioprojective
        || !map.meta.tObs.isValid())
        return out;
    const double w = map.image.width, h = map.image.height;
    for (const FlareSeen &s : flaresSeenAt(*m_list, map.meta.tObs.toMSecsSinceEpoch(), map.wcs.observer(), m_windowHours)) {
        double x = 0, y = 0;
        if (!map.wcs.helioprojectiveToPixel(s.tx, s.ty, x, y) || x < -0.5 || y < -0.5 || x > w - 0.5 || y > h - 0.5)
            continue;
        out.push_back({s, QPointF(x, y)});
    }
    return out;
}

QImage OverlayFlareEvents::composeOnto(const QImage &texture, const SdoMap &map, int *drawn) const
{
    if (drawn)
        *drawn = 0;
    if (texture.isNull() || map.image.isEmpty())
        return texture;
    const int n = static_cast<int>(markersOn(map).size());
    if (n == 0)
        return texture;
    LabelTexture out = labelTexture(texture, map.image.width, map.image.height);
    QPainter painter(&out.image);
    // The NOAA labels the globe wears are drawn at 1/42 of the texture's height too (OverlayNoaaRegions::composeOnto).
    const QRectF bounds(out.image.rect());
    const QVector<QRectF> avoid = m_avoid ? m_avoid->labelBoxes(map, out.fromMapPixels, out.image.height() / 42, painter.font(), 1.0, bounds)
                                          : QVector<QRectF>();
    paintMarkers(painter, map, out.fromMapPixels, out.image.height() / 42, avoid, bounds);
    painter.end();
    if (drawn)
        *drawn = n;
    return out.image;
}

void OverlayFlareEvents::paint(QPainter &painter, const OverlayContext &context)
{
    const double dpr = painter.device() ? painter.device()->devicePixelRatioF() : 1.0;
    const QVector<QRectF> avoid = m_avoid ? m_avoid->labelBoxes(*context.map, context.pixelToWidget,
                                                                OverlayNoaaRegions::spotPxFor(context.mapRect), painter.font(), dpr,
                                                                context.mapRect)
                                          : QVector<QRectF>();
    paintMarkers(painter, *context.map, context.pixelToWidget, std::clamp(static_cast<int>(context.mapRect.height() / 34), 9, 13),
                 avoid, context.widgetRect);
}

void OverlayFlareEvents::paintMarkers(QPainter &painter, const SdoMap &map, const QTransform &pixelToTarget, int textPx,
                                      const QVector<QRectF> &avoid, const QRectF &bounds) const
{
    const QVector<Marker> markers = markersOn(map);
    if (markers.isEmpty())
        return;
    // Sizes from the text: a C flare's burst about half the text high, M and X larger.
    const double line = std::max(1.0, textPx / 13.0);
    auto radiusOf = [&](const FlareEvent &e) {
        const int k = flareClassIndex(e.peakFlux);
        return textPx * (k == 0 ? 0.32 : 0.40 + 0.14 * (k - 1));
    };
    QFont font = painter.font();
    font.setPixelSize(textPx);
    font.setBold(true);
    auto labelText = [](const FlareEvent &e) {
        return QStringLiteral("%1 %2").arg(e.goesClass, e.labelTime().toUTC().toString(QStringLiteral("HH:mm")));
    };
    // The label's box for a burst at `p` of radius `r` in one of four places: below right (first choice: NOAA region
    // labels sit above and to the right of their rings), below left, above left, above right.
    // Boxes are measured with the font's metrics (room for a count, the halo around): a sprite is drawn only for the
    // labels placed, as drawing one costs about a millisecond.
    const QFontMetricsF metrics(font);
    constexpr double kHalo = 2.5;
    auto boxAt = [&](QPointF p, double r, const QString &text, int where) {
        const QSizeF size(metrics.horizontalAdvance(text + QStringLiteral(" +9")) + 2 * kHalo, metrics.height() + 2 * kHalo);
        const double dx = r * 1.3, dy = r * 1.3;
        const QPointF corner = where == 0   ? QPointF(p.x() + dx, p.y() + dy)
                               : where == 1 ? QPointF(p.x() - dx - size.width(), p.y() + dy)
                               : where == 2 ? QPointF(p.x() - dx - size.width(), p.y() - dy - size.height())
                                            : QPointF(p.x() + dx, p.y() - dy - size.height());
        return QRectF(corner, size);
    };
    // Group the markers that crowd one spot at this scale (the list is strongest first): a marker within reach of a
    // group's strongest joins it. Each group's strongest is labelled where its text covers neither another label nor
    // a NOAA region's (`avoid`) and stays inside the view (`bounds`), with the others counted; one that finds no free
    // place joins the group whose label it would cover, if any, else takes the least covered place.
    struct Group {
        int leader = 0;
        int members = 0;
        QRectF label;  // where its label goes (with room for the count)
    };
    QVector<QPointF> at(markers.size());
    QVector<Group> groups;
    for (int i = 0; i < markers.size(); ++i) {
        at[i] = pixelToTarget.map(markers[i].pixel);
        const double r = radiusOf(markers[i].seen.event);
        const double reach = 2.2 * r + textPx * 0.6;
        Group *joined = nullptr;
        for (Group &g : groups) {
            const QPointF d = at[i] - at[g.leader];
            if (std::hypot(d.x(), d.y()) < reach) {
                joined = &g;
                break;
            }
        }
        if (joined) {
            ++joined->members;
            continue;
        }
        const QString text = labelText(markers[i].seen.event);
        QVector<QRectF> taken = avoid;
        for (const Group &g : groups)
            taken << g.label;
        QVector<QRectF> places;
        for (int where = 0; where < 4; ++where)
            places << boxAt(at[i], r, text, where);
        const PlaceChoice choice = choosePlace(places, taken, bounds);
        QRectF label = places[choice.index];
        if (!choice.free) {
            for (Group &g : groups)
                if (g.label.intersects(places[0])) {
                    joined = &g;
                    break;
                }
            if (joined) {
                ++joined->members;
                continue;
            }
        }
        groups.push_back({i, 0, label});
    }

    const double dpr = painter.device() ? painter.device()->devicePixelRatioF() : 1.0;
    // Weakest first, so the strongest burst of a spot is on top.
    for (int i = static_cast<int>(markers.size()) - 1; i >= 0; --i) {
        const FlareSeen &s = markers[i].seen;
        const double r = radiusOf(s.event);
        // A flare in progress at full strength; one before or after fades with the time to its peak.
        const double fade = s.inProgress || m_windowHours <= 0
                                ? 1.0
                                : 1.0 - 0.55 * std::clamp(std::abs(s.hoursFromPeak) / m_windowHours, 0.0, 1.0);
        const QImage image = burst(r, flareClassColourOnMap(s.event.peakFlux), s.inProgress, line, dpr);
        painter.setOpacity(fade);
        painter.drawImage(at[i] - QPointF(image.deviceIndependentSize().width(), image.deviceIndependentSize().height()) / 2, image);
    }
    painter.setOpacity(1.0);
    painter.setBrush(Qt::NoBrush);
    for (const Group &g : groups) {
        const Marker &m = markers[g.leader];
        QString text = labelText(m.seen.event);
        if (g.members > 0)
            text += QStringLiteral(" +%1").arg(g.members);
        // From the box's left edge (to its right edge for a label left of its burst), on its baseline.
        const bool left = g.label.right() < at[g.leader].x();
        const double x = left ? g.label.right() - kHalo - metrics.horizontalAdvance(text) : g.label.left() + kHalo;
        m_text.draw(painter, QPointF(x, g.label.top() + kHalo + metrics.ascent()), text, font,
                    flareClassColourOnMap(m.seen.event.peakFlux));
    }
}

QString OverlayFlareEvents::toolTipAt(const SdoMap &map, const QPointF &mapPixel, double zoom) const
{
    constexpr double kReachPx = 10;
    QStringList lines;
    for (const Marker &m : markersOn(map)) {
        const QPointF d = (m.pixel - mapPixel) * zoom;
        if (std::hypot(d.x(), d.y()) > kReachPx)
            continue;
        if (lines.size() == 6) {
            lines << QCoreApplication::translate("solarchip::OverlayFlareEvents", "(more flares here)");
            break;
        }
        const FlareEvent &e = m.seen.event;
        auto hhmm = [](const QDateTime &t) { return t.isValid() ? t.toUTC().toString(QStringLiteral("HH:mm")) : QStringLiteral("–"); };
        QString head = e.goesClass;
        if (e.noaaAr > 0)
            head += QStringLiteral("  NOAA %1").arg(e.noaaAr);
        if (!e.location.isEmpty())
            head += QStringLiteral("  %1").arg(e.location);
        if (e.siteFromRegion)
            head += QCoreApplication::translate("solarchip::OverlayFlareEvents", "  (at its region's centre, from the Solar "
                                                                                 "Region Summary)");
        const double h = m.seen.hoursFromPeak;
        lines << head
              << QCoreApplication::translate("solarchip::OverlayFlareEvents", "  %1: start %2, peak %3, end %4 UTC; %5")
                     .arg(e.labelTime().toUTC().toString(QStringLiteral("yyyy-MM-dd")), hhmm(e.start), hhmm(e.peak), hhmm(e.end),
                          m.seen.inProgress ? QCoreApplication::translate("solarchip::OverlayFlareEvents", "in progress at this map")
                          : h >= 0 ? QCoreApplication::translate("solarchip::OverlayFlareEvents", "peaked %1 h before this map").arg(h, 0, 'f', 1)
                                   : QCoreApplication::translate("solarchip::OverlayFlareEvents", "peaks %1 h after this map").arg(-h, 0, 'f', 1));
    }
    return lines.join(QLatin1Char('\n'));
}

QImage OverlayFlareEvents::burst(double r, const QColor &colour, bool filled, double line, double dpr) const
{
    const QString key = QStringLiteral("%1|%2|%3|%4|%5").arg(r, 0, 'f', 2).arg(colour.rgba()).arg(filled).arg(line).arg(dpr);
    if (auto it = m_bursts.constFind(key); it != m_bursts.constEnd())
        return *it;
    if (m_bursts.size() > 256)
        m_bursts.clear();
    // Rays out to 1.75 r and the rims' half width around them.
    const double half = r * 1.75 + 2.0 * line + 1;
    const int side = static_cast<int>(std::ceil(2 * half * dpr));
    QImage image(side, side, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    p.scale(dpr, dpr);
    const QPointF c(side / (2 * dpr), side / (2 * dpr));
    QPainterPath rays;
    for (int k = 0; k < 8; ++k) {
        const double a = k * M_PI / 4 + M_PI / 8;
        const QPointF u(std::cos(a), std::sin(a));
        rays.moveTo(c + u * (r * (filled ? 0.75 : 1.05)));
        rays.lineTo(c + u * (r * (k % 2 ? 1.45 : 1.75)));
    }
    // Dark rims first: legible on every colour table.
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(QColor(0, 0, 0, 200), 3.2 * line, Qt::SolidLine, Qt::RoundCap));
    p.drawPath(rays);
    p.drawEllipse(c, r * 0.75, r * 0.75);
    p.setPen(QPen(colour, 1.4 * line, Qt::SolidLine, Qt::RoundCap));
    p.drawPath(rays);
    p.setBrush(filled ? QBrush(colour) : QBrush(Qt::NoBrush));
    p.drawEllipse(c, r * 0.75, r * 0.75);
    p.end();
    image.setDevicePixelRatio(dpr);
    return *m_bursts.insert(key, image);
}

}  // namespace solarchip
