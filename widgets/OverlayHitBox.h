#pragma once
// Frames a search hit on the maps: the outline of a helioprojective box (the hit's model cell), drawn through
// each map's own WCS so it sits on the same feature in every channel of the set (HMI shown as stored included).
// It shows only on maps observed within `toleranceMs` of the hit's time: stepping away leaves no stale box on
// a Sun that has rotated on.

#include "widgets/OverlayLayer.h"

#include <QImage>
#include <QPolygonF>
#include <QRectF>
#include <QtGlobal>

#include <vector>

namespace solarchip {

struct SdoMap;

/// A search hit to mark on a texture (the globe's): its cell's helioprojective box, the hit's time, a label.
struct GlobeHitMark {
    QRectF hpcBox;
    qint64 timeMs = 0;
    QString label;
};

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
    /// Draws an outline on screen: a dark rim under a line of `colour` (dashed or not), so it shows on a bright
    /// active region and on the dark quiet Sun alike.
    static void drawOutline(QPainter &painter, const QPolygonF &onScreen, const QColor &colour, bool dashed);
    /// `texture` (the map's pixel grid north-up, row 0 = FITS row NAXIS2: GlobeView::setMap's contract) with
    /// the boxes of the hits observed within `toleranceMs` of the map's time outlined and labelled, as the 2D
    /// views frame a hit; `texture` itself when none is. `drawn` (optional) counts the boxes drawn.
    static QImage composeOnto(const QImage &texture, const SdoMap &map, const std::vector<GlobeHitMark> &hits,
                              qint64 toleranceMs = 30 * 60 * 1000, int *drawn = nullptr);

private:
    QRectF m_box;
    qint64 m_timeMs = 0;
    qint64 m_toleranceMs = 30 * 60 * 1000;
    QString m_label;
};

}  // namespace solarchip
