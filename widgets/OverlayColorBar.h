#pragma once
// The colorbar drawn inside the map view along its right edge (so PNG exports with overlays carry it);
// the ColorBar widget draws the same thing outside the view.

#include "widgets/OverlayLayer.h"

namespace solarchip {

class OverlayColorBar : public OverlayLayer {
public:
    OverlayColorBar();
    QString id() const override { return QStringLiteral("colorbar"); }
    QString name() const override;
    void paint(QPainter &painter, const OverlayContext &context) override;
};

}  // namespace solarchip
