#pragma once
// Frames the region a light curve measures on every map: its helioprojective box, where the light curve puts it
// at the map's time (fixed on the sky, or carried there by the Sun's differential rotation from the time it was
// drawn: core/archive/LightCurve's regionCentreAt with the map's own observer), drawn through the map's WCS
// (dashed, so it is not mistaken for a search hit's box). Nothing is drawn where the region has rotated behind the
// limb or on a map in a heliographic projection.

#include "core/archive/LightCurve.h"
#include "widgets/OverlayLayer.h"

#include <QRectF>

#include <optional>

namespace solarchip {

class OverlayRegionBox : public OverlayLayer {
public:
    OverlayRegionBox();
    QString id() const override { return QStringLiteral("lightCurveRegion"); }
    QString name() const override;
    void paint(QPainter &painter, const OverlayContext &context) override;

    /// The region (none hides the box).
    void setRegion(const std::optional<LightCurveRegion> &region) { m_region = region; }
    const std::optional<LightCurveRegion> &region() const { return m_region; }
    /// The box at a map's time, helioprojective arcsec (empty where it is not drawn).
    QRectF boxOn(const SdoMap &map) const;

private:
    std::optional<LightCurveRegion> m_region;
};

}  // namespace solarchip
