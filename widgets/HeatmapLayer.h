#pragma once
// A similarity heatmap over a map: one value per model cell (the cosine similarity of a query cell's embedding
// to every cell of this view's channel), drawn where each cell lies on the Sun. Cells are placed THROUGH THE
// MODEL FRAME (core/map/ModelFrame): each cell's outline in the input frame goes through the shown map's own
// WCS (ModelFrame::cellPolygonInMap), so a cell sits on the feature it describes whatever the map's plate
// scale, roll or size (HMI shown rolled, a block-averaged AIA map, a rotated or zoomed view). The polygons are
// computed once per (map, frame) and kept; a new query only recolours them, so a click redraws in well under
// the 100 ms target.
//
// Drawn over the map: cells at or above the threshold in a perceptual colormap (inferno by default) at the
// layer's opacity, cells without data (NaN) not at all (never a fake Sun), the query cell(s) outlined, the top-k
// cells marked with their rank, and a small colour bar (range and label) in the map's upper-left corner.

#include "core/map/ModelFrame.h"
#include "widgets/CellOutlines.h"
#include "widgets/Colormap.h"
#include "widgets/OverlayLayer.h"

#include <QPolygonF>
#include <QString>

#include <memory>
#include <optional>
#include <vector>

namespace solarchip {

/// What one view's heatmap shows.
struct HeatmapData {
    std::shared_ptr<const ModelFrame> frame;  ///< the model-input geometry of the encoded set
    int grid = 0;
    std::vector<float> values;     ///< [grid*grid] row 0 = south; NaN: no data (not drawn)
    std::vector<int> queryCells;   ///< outlined (row*grid + col)
    std::vector<int> topCells;     ///< marked with their rank, best first
    QString label;                 ///< "similarity to 171 [8, 5]" (the colour bar's title)

    bool isValid() const { return frame && grid > 0 && static_cast<int>(values.size()) == grid * grid; }
};

class HeatmapLayer : public OverlayLayer {
public:
    HeatmapLayer();

    QString id() const override { return QStringLiteral("heatmap"); }
    QString name() const override;
    void mapChanged(const SdoMap *map) override;
    void paint(QPainter &painter, const OverlayContext &context) override;
    bool clipsToMap() const override { return false; }

    void setData(HeatmapData data);
    void clearData();
    const HeatmapData &data() const { return m_data; }
    bool hasData() const { return m_data.isValid(); }

    /// 0..1 (default 0.6).
    void setOpacity(double opacity) { m_opacity = opacity; }
    double opacity() const { return m_opacity; }
    /// Cells below this cosine are not drawn (default -1: all).
    void setThreshold(double threshold) { m_threshold = threshold; }
    double threshold() const { return m_threshold; }
    void setColormap(const Colormap &map) { m_colormap = map; }
    const Colormap &colormap() const { return m_colormap; }

    /// The colour range: [max(threshold, lowest value), highest value].
    std::pair<double, double> range() const;
    /// The cell under a map pixel of the current map (-1 outside the frame) and its value (NaN when none).
    int cellAtMapPixel(QPointF pixel) const;
    double valueAtMapPixel(QPointF pixel) const;
    /// How long the last paint() took (ms; the cells' outlines are made off the UI thread in a view, at the first
    /// paint after a new map or frame elsewhere).
    double lastPaintMs() const { return m_lastPaintMs; }
    /// Where the colour bar's plate was drawn last, in that paint's coordinates (tests).
    QRectF lastPlateRect() const { return m_lastPlate; }
    /// A cell's outline in the current map's pixels (empty when it has no counterpart there). For tests.
    QPolygonF cellPolygon(int cell) const;
    bool isGeometryPending() const override;

    /// `texture` (the map as displayed, covering its pixel grid north-up with row 0 = FITS row NAXIS2: the
    /// globe's texture) with the cells, the query and the top-k drawn on it: the heatmap on the sphere.
    QImage composeOnto(const QImage &texture) const;
    /// The colour bar image (vertical, high at the top) for a range; used by the layer and the docks.
    static QImage colorBarImage(const Colormap &map, int width, int height);

private:
    /// Asks for the outlines of the current map and frame off the UI thread when there is a heatmap to draw.
    void requestPolygons();
    /// Cells, query outline and top-k marks through `pixelToTarget` (map pixel -> target); marks scaled.
    void paintCells(QPainter &painter, const std::vector<QPolygonF> &polygons, const QTransform &pixelToTarget,
                    double markScale) const;

    CellOutlines m_outlines;  // the map, the data's frame and the cells' outlines in the map's pixels
    HeatmapData m_data;
    double m_opacity = 0.6;
    double m_threshold = -1.0;
    Colormap m_colormap;
    double m_lastPaintMs = -1;
    QRectF m_lastPlate;
};

}  // namespace solarchip
