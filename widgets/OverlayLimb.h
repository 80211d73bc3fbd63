#pragma once
// The solar limb from the map's WCS: the circle of helioprojective points at the apparent solar radius
// asin(R_sun / D_sun) seen from the map's observer, transformed to map pixels point by point (so a rolled,
// off-centre or rescaled map gets its limb where the WCS puts it).

#include "core/map/Wcs.h"
#include "widgets/OverlayLayer.h"

#include <QPolygonF>

namespace solarchip {

class OverlayLimb : public OverlayLayer {
public:
    OverlayLimb();
    QString id() const override { return QStringLiteral("limb"); }
    QString name() const override;
    void mapChanged(const SdoMap *map) override;
    void paint(QPainter &painter, const OverlayContext &context) override;

    /// Map pixel positions of `points` limb points (counter-clockwise from solar west); empty when the WCS
    /// cannot place them or is not helioprojective (heliographic maps have no limb in them).
    static QPolygonF limbPixels(const Wcs &wcs, int points = 720);
    /// Apparent solar radius in arcsec for an observer: asin(rsun / dsun).
    static double apparentRadiusArcsec(const Observer &observer);

    /// The limb of the current map (computed on first use after a map change).
    const QPolygonF &polygon() const;

private:
    const SdoMap *m_map = nullptr;
    mutable QPolygonF m_polygon;
    mutable bool m_dirty = true;
};

}  // namespace solarchip
