#pragma once
// The channel and time label in the top-left corner of a map view (the view's title: "AIA 171 Å
// 2011-06-07 12:00:01", or a difference label), on a translucent box so it reads on any map, and the zoom
// level ("zoom 78%") in the bottom-right corner of the map's area.

#include "widgets/OverlayLayer.h"

namespace solarchip {

class OverlayLabel : public OverlayLayer {
public:
    OverlayLabel();
    QString id() const override { return QStringLiteral("label"); }
    bool clipsToMap() const override { return false; }
    QString name() const override;
    void paint(QPainter &painter, const OverlayContext &context) override;
};

}  // namespace solarchip
