#pragma once
// Frames a search hit on the maps: the outline of a helioprojective box (the hit's model cell), drawn through
// each map's own WCS so it sits on the same feature in every channel of the set (HMI shown as stored included).
// It shows only on maps observed within `toleranceMs` of the hit's time: stepping away leaves no stale box on
// a Sun that has rotated on.

#include "widgets/OverlayLayer.h"

#include <QPolygonF>
#include <QRectF>
#include <QtGlobal>

namespace solarchip {

class OverlayHitBox : public OverlayLayer {
public:
    OverlayHitBox();
    QString id() const override { return QStringLiteral("searchHit"); }
    QString name() const override;
    void mapChanged(const SdoMap *map) override;
    void paint(QPainter &painter, const OverlayContext &context) override;

    /// The box (arcsec) and the time it belongs to; an empty box hides it.
    void setTarget(const QRectF &hpcBox, qint64 timeMs, const QString &label);
    void setToleranceMs(qint64 ms) { m_toleranceMs = ms; }
    QRectF box() const { return m_box; }
    /// The box's outline in a map's pixels (empty when a corner has no pixel there).
    static QPolygonF boxPixels(const SdoMap &map, const QRectF &hpcBox);

private:
    QRectF m_box;
    qint64 m_timeMs = 0;
    qint64 m_toleranceMs = 30 * 60 * 1000;
    QString m_label;
};

}  // namespace solarchip
