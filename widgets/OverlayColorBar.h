#pragma once
// The colour bar of a map view, in a strip beside the map at the right of the view: the layer reserves the
// strip through margins(), MapView fits and draws the map left of it, so the bar never covers data (the west
// limb of a fitted full disk included) and PNG exports with overlays carry it the same way. The ColorBar
// widget draws the same thing outside the view.

#include "widgets/OverlayLayer.h"

namespace solarchip {

class OverlayColorBar : public OverlayLayer {
public:
    OverlayColorBar();
    QString id() const override { return QStringLiteral("colorbar"); }
    bool clipsToMap() const override { return false; }
    QString name() const override;
    QMarginsF margins(const QSizeF &viewSize, const QFont &font) const override;
    void paint(QPainter &painter, const OverlayContext &context) override;

    /// Where the bar (gradient and labels) was drawn last, in the coordinates of that paint (tests).
    QRectF lastRect() const { return m_lastRect; }

private:
    QRectF m_lastRect;
};

}  // namespace solarchip
