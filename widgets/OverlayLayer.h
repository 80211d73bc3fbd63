#pragma once
// One drawable layer over a map in MapView (limb, heliographic grid, label, colorbar, user layers such as
// a heatmap later). Geometry is computed once per map in map pixel coordinates (after mapChanged, at the
// first paint) and drawn through the view's pixel -> widget transform, so panning and zooming cost only
// the drawing.

#include <QMarginsF>
#include <QPainter>
#include <QRectF>
#include <QString>
#include <QTransform>

#include <functional>

namespace solarchip {

struct SdoMap;
struct RenderedMap;

/// What a layer needs to draw itself.
struct OverlayContext {
    const SdoMap *map = nullptr;             // never null when paint() is called
    const RenderedMap *rendered = nullptr;   // the displayed rendering (colormap, range); may be null
    QTransform pixelToWidget;                // 0-based map pixel (y up, FITS order) -> widget coordinates
    QRectF widgetRect;                       // the area being drawn (widget rect or export image rect)
    QRectF mapRect;                          // the map's part of it: widgetRect less the layers' margins()
    double zoom = 1;                         // screen pixels per map pixel
    QString title;                           // the view's label (channel and time)
    /// What the values on screen are ("DN", "Gauss", "Helioviewer byte value"; core/map valueLabel): of the
    /// image shown, which while blinking may be the comparison map rather than `map`.
    QString valueLabel;
    /// Painting the widget on screen (true), or an image of the view (export, renderView: false), which must show
    /// everything for the current map at once: a layer computing its geometry off the UI thread computes it here.
    bool interactive = true;
};

class OverlayLayer {
public:
    virtual ~OverlayLayer();

    /// Stable identifier for toggles and settings: "limb", "grid", "label", "colorbar".
    virtual QString id() const = 0;
    /// Translated name for menus.
    virtual QString name() const = 0;
    /// A new map (or null). Called on the UI thread for every map shown, also with the layer hidden: keep it
    /// cheap and compute geometry lazily. The map outlives the call until the next mapChanged.
    virtual void mapChanged(const SdoMap *map) { (void)map; }
    virtual void paint(QPainter &painter, const OverlayContext &context) = 0;
    /// Room the layer needs beside the map, outside the map's drawn area (a colour bar at the right, axis
    /// labels at the left and bottom), for a view of `viewSize` drawn with `font`. While the layer is visible
    /// MapView fits and draws the map in what is left, so such a layer never covers data; a layer without
    /// margins is drawn over the map.
    virtual QMarginsF margins(const QSizeF &viewSize, const QFont &font) const
    {
        (void)viewSize;
        (void)font;
        return {};
    }
    /// What the layer shows at a point, for the view's tooltip: `mapPixel` is the 0-based map pixel under the cursor,
    /// `zoom` screen pixels per map pixel. Empty when it shows nothing there (the default).
    virtual QString toolTipAt(const SdoMap &map, const QPointF &mapPixel, double zoom) const
    {
        (void)map;
        (void)mapPixel;
        (void)zoom;
        return {};
    }
    /// Whether MapView clips the layer to the map's area (lines on the map: limb, grid) or lets it use the whole
    /// view (labels, and the layers drawn in their margins).
    virtual bool clipsToMap() const { return true; }

    /// Whether geometry this layer computes off the UI thread for the current map is still on its way (the view
    /// counts the layer's drawing as a render in flight: MapView::isRenderPending). Layers that compute their
    /// geometry in paint() are never pending.
    virtual bool isGeometryPending() const { return false; }
    /// Set by the view that shows the layer: what the layer calls, on the UI thread, when geometry it computed off
    /// that thread has arrived (the view repaints and, once nothing else is pending, reports the render finished).
    void setGeometryArrived(std::function<void()> callback) { m_geometryArrived = std::move(callback); }

    bool isVisible() const { return m_visible; }
    void setVisible(bool visible) { m_visible = visible; }
    QColor color() const { return m_color; }
    void setColor(const QColor &color) { m_color = color; }

protected:
    void geometryArrived() const
    {
        if (m_geometryArrived)
            m_geometryArrived();
    }

    bool m_visible = true;
    std::function<void()> m_geometryArrived;
    QColor m_color = QColor(255, 255, 255, 200);
};

}  // namespace solarchip
