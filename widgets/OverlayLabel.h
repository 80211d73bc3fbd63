#pragma once
// The channel and time label in the top-left corner of a map view (the view's title: "AIA 171 Å
// 2011-06-07 12:00:01", or a difference label with a second line on its blank pixels), on a translucent box so
// it reads on any map, and the zoom level ("zoom 78%") in the bottom-right corner of the map's area. Lines wrap
// within the view's width: nothing is cut off in a narrow grid cell.

#include "widgets/OverlayLayer.h"

#include <QFont>

namespace solarchip {

class OverlayLabel : public OverlayLayer {
public:
    OverlayLabel();
    QString id() const override { return QStringLiteral("label"); }
    bool clipsToMap() const override { return false; }
    QString name() const override;
    void paint(QPainter &painter, const OverlayContext &context) override;
    /// The label's box (background included) for a title drawn with `font` in a view of `widgetRect`.
    static QRectF boxFor(const QString &title, const QFont &font, const QRectF &widgetRect);
};

}  // namespace solarchip
