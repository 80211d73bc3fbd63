#pragma once
// Values of the model's grid cells (the alignment view's same-place cosines or ranks; any per-cell score of an
// encoder) drawn over a displayed map where the model looked. Each cell is the polygon core/map/ModelFrame gives
// for it in the displayed map's own pixels (ModelFrame::cellPolygonInMap, through that map's WCS), so a cell
// covers the pixels it was computed from whether the map is shown as prepared, as stored (HMI rolled by 180 deg
// at another plate scale) or reduced for display; panning and zooming only redraw the cached polygons. Cells with
// a NaN value are not drawn (the view says why elsewhere, e.g. off the model frame). A horizontal colour bar with
// its label sits in a strip above the map (the layer's top margin, reserved while the layer is visible, values or
// not, so the map does not jump when they come), so it never covers data.
//
// The frame, values and scale are set by the owner (the app's alignment controller); the layer does no model
// work. Drawn without antialiasing so neighbouring cells meet without seams.
//
// The outlines are made on the render pool when the map or the frame changes (widgets/CellOutlines), the previous
// ones drawn until they arrive; the view counts them as a render in flight meanwhile (isGeometryPending).

#include "core/map/ModelFrame.h"
#include "widgets/CellOutlines.h"
#include "widgets/Colormap.h"
#include "widgets/OverlayLayer.h"

#include <QPolygonF>

#include <memory>
#include <vector>

namespace solarchip {

class CellValueLayer : public OverlayLayer {
public:
    /// `id` names the layer in MapView ("alignment", ...).
    explicit CellValueLayer(const QString &id = QStringLiteral("cells"));

    QString id() const override { return m_id; }
    QString name() const override;
    void mapChanged(const SdoMap *map) override;
    void paint(QPainter &painter, const OverlayContext &context) override;
    QMarginsF margins(const QSizeF &viewSize, const QFont &font) const override;
    bool clipsToMap() const override { return false; }  // the bar sits above the map; cells are clipped by hand

    /// The model frame the values belong to (that of the set the map is part of); null hides the cells.
    void setFrame(std::shared_ptr<const ModelFrame> frame);
    const ModelFrame *frame() const { return m_outlines.frame().get(); }
    /// gridSize^2 values, index row*g + col (row 0 = south, as the model grid); NaN: not drawn. An empty vector
    /// clears them. The size must match the frame's grid.
    void setValues(std::vector<float> values);
    const std::vector<float> &values() const { return m_values; }
    bool hasValues() const;

    /// Colour scale: values from `min` to `max` over `colormap` (a Colormap name); `logarithmic` spaces the
    /// colours by log(value) (ranks). Values outside are clipped to the ends. `label` is written on the bar.
    void setScale(double min, double max, const QString &colormap, bool logarithmic, const QString &label);
    double scaleMin() const { return m_min; }
    double scaleMax() const { return m_max; }
    QString label() const { return m_label; }
    /// Fill opacity of the cells, 0..1 (the bar stays opaque).
    void setOpacity(double opacity);
    double opacity() const { return m_opacity; }

    /// The colour a value is drawn with (opaque; transparent for NaN).
    QColor colourOf(double value) const;
    /// The cell under a pixel of the current map (-1: none) and its value (NaN: none).
    int cellAtMapPixel(const QPointF &pixel) const;
    double valueAtMapPixel(const QPointF &pixel) const;
    /// The outline of a cell in the current map's pixels (empty when it has none there).
    QPolygonF cellPolygon(int index) const;
    /// Where the bar was drawn last, in the coordinates of that paint (tests).
    QRectF lastBarRect() const { return m_lastBar; }
    bool isGeometryPending() const override;

private:
    /// Asks for the outlines of the current map and frame off the UI thread when there are cells to draw.
    void requestPolygons();
    double normalised(double value) const;

    QString m_id;
    CellOutlines m_outlines;  // the frame, the map and the cells' outlines in its pixels
    std::vector<float> m_values;
    double m_min = 0, m_max = 1;
    bool m_log = false;
    Colormap m_colormap = Colormap::byName(QStringLiteral("viridis"));
    QString m_label;
    double m_opacity = 0.6;
    QRectF m_lastBar;
};

}  // namespace solarchip
