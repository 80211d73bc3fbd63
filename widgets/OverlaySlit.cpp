#include "widgets/OverlaySlit.h"

#include "core/archive/LightCurve.h"
#include "core/map/SdoMap.h"

#include <QCoreApplication>
#include <QPainter>
#include <QPen>

#include <cmath>

namespace solarchip {

OverlaySlit::OverlaySlit() { m_color = QColor(255, 255, 255, 240); }

QString OverlaySlit::name() const
{
    return QCoreApplication::translate("solarchip::OverlaySlit", "Time-distance slit");
}

std::optional<QLineF> OverlaySlit::slitOn(const SdoMap &map) const
{
    if (!m_slit || !map.wcs.isValid() || map.wcs.kind() != Wcs::Kind::Helioprojective || !map.meta.tObs.isValid())
        return std::nullopt;
    LightCurveRegion mid;  // the midpoint carried as the time-distance plot carries it
    mid.box = SkyBox{(m_slit->start.x() + m_slit->end.x()) / 2, (m_slit->start.y() + m_slit->end.y()) / 2, 1, 1};
    mid.referenceMs = m_slit->referenceMs;
    mid.followRotation = m_slit->followRotation;
    auto centre = regionCentreAt(mid, map.meta.tObs.toMSecsSinceEpoch(), map.wcs.observer());
    if (!centre)
        return std::nullopt;
    const QPointF shift(centre->x() - mid.box.tx, centre->y() - mid.box.ty);
    return QLineF(m_slit->start + shift, m_slit->end + shift);
}

void OverlaySlit::paint(QPainter &painter, const OverlayContext &context)
{
    const auto line = slitOn(*context.map);
    if (!line)
        return;
    const Wcs &wcs = context.map->wcs;
    auto toWidget = [&](QPointF hpc, QPointF &out) {
        double x = 0, y = 0;
        if (!wcs.helioprojectiveToPixel(hpc.x(), hpc.y(), x, y))
            return false;
        out = context.pixelToWidget.map(QPointF(x, y));
        return true;
    };
    QPointF a, b;
    if (!toWidget(line->p1(), a) || !toWidget(line->p2(), b))
        return;
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    const QPen rim(QColor(0, 0, 0, 200), 3.5);
    QPen dash(m_color, 1.6, Qt::DashLine);
    painter.setPen(rim);
    painter.drawLine(a, b);
    painter.setPen(dash);
    painter.drawLine(a, b);
    // The width's edges.
    if (m_slit->width > 0 && line->length() > 0) {
        const QPointF u((line->dx()) / line->length(), (line->dy()) / line->length());
        const QPointF nrm(-u.y() * m_slit->width / 2, u.x() * m_slit->width / 2);
        for (double side : {-1.0, 1.0}) {
            QPointF c, d;
            if (toWidget(line->p1() + side * nrm, c) && toWidget(line->p2() + side * nrm, d)) {
                painter.setPen(QPen(QColor(255, 255, 255, 150), 1.0));
                painter.drawLine(c, d);
            }
        }
    }
    // Distance 0: a ring at the start.
    painter.setPen(rim);
    painter.setBrush(Qt::NoBrush);
    painter.drawEllipse(a, 5.0, 5.0);
    painter.setPen(QPen(m_color, 1.6));
    painter.drawEllipse(a, 5.0, 5.0);
    painter.restore();
}

}  // namespace solarchip
