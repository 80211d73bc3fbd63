#include "widgets/OverlayNoaaRegions.h"

#include "core/map/SdoMap.h"

#include <QCoreApplication>
#include <QPainter>
#include <QPainterPath>
#include <QPen>

#include <algorithm>

namespace solarchip {

OverlayNoaaRegions::OverlayNoaaRegions() { m_color = QColor(255, 236, 120, 245); }

QString OverlayNoaaRegions::name() const
{
    return QCoreApplication::translate("solarchip::OverlayNoaaRegions", "NOAA active regions");
}

const RegionSummary *OverlayNoaaRegions::reportFor(const SdoMap &map) const
{
    if (!m_reports || !map.wcs.isValid() || map.wcs.kind() != Wcs::Kind::Helioprojective || !map.meta.tObs.isValid())
        return nullptr;
    return m_reports->nearest(map.meta.tObs.toMSecsSinceEpoch());
}

QVector<OverlayNoaaRegions::Label> OverlayNoaaRegions::labelsOn(const SdoMap &map) const
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
        out.push_back({s, QPointF(x, y)});
    }
    return out;
}

void OverlayNoaaRegions::paint(QPainter &painter, const OverlayContext &context)
{
    QVector<Label> labels = labelsOn(*context.map);
    if (labels.isEmpty())
        return;
    // Plages first, regions with spots over them: where labels crowd (near a limb, on a small view) the regions
    // that flare stay legible.
    std::stable_partition(labels.begin(), labels.end(),
                          [](const Label &l) { return l.seen.region.section != NoaaRegion::Section::Spots; });
    painter.setRenderHint(QPainter::Antialiasing);
    const int spotPx = std::clamp(static_cast<int>(context.mapRect.height() / 32), 9, 14);
    const QColor plage(205, 205, 205, 215);
    for (const Label &l : labels) {
        const bool spots = l.seen.region.section == NoaaRegion::Section::Spots;
        const QColor colour = spots ? m_color : plage;
        QFont font = painter.font();
        font.setPixelSize(spots ? spotPx : std::max(8, spotPx * 4 / 5));
        font.setBold(spots);
        const double ring = std::max(spots ? 3.0 : 2.0, font.pixelSize() * (spots ? 0.45 : 0.3));
        const QPointF at = context.pixelToWidget.map(l.pixel);
        // A ring on a dark rim, then the number beside it on a dark halo: legible on every colour table.
        painter.setBrush(Qt::NoBrush);
        painter.setPen(QPen(QColor(0, 0, 0, 200), 3.5));
        painter.drawEllipse(at, ring, ring);
        painter.setPen(QPen(colour, spots ? 1.6 : 1.2));
        painter.drawEllipse(at, ring, ring);
        QString text = QString::number(l.seen.region.number);
        if (spots && !l.seen.region.magType.isEmpty())
            text += QLatin1Char(' ') + l.seen.region.magTypeSymbols();
        const QPointF baseline(at.x() + ring + 3, at.y() - ring - 2);
        QPainterPath path;
        path.addText(baseline, font, text);
        painter.setPen(QPen(QColor(0, 0, 0, 210), 3, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        painter.drawPath(path);
        painter.fillPath(path, colour);
    }
}

}  // namespace solarchip
