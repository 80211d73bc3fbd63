#pragma once
// The map viewer widget: one SDO map drawn from a cached, pre-coloured QImage (MapRenderer, rendered off
// the UI thread with QtConcurrent), north up (FITS row 0 at the bottom; rolled maps rotated by their WCS
// so solar north points up), with smooth pan and zoom (wheel about the cursor, drag, keyboard), fit and
// 1:1, a live cursor readout through core's Wcs, overlay layers (limb, heliographic grid, label with the
// zoom level, colorbar and WCS axes beside the map, never over it), a second map to blink or blend with opacity, and PNG/FITS export. A plain QWidget painted
// with QPainter (no OpenGL), so it works under QT_QPA_PLATFORM=offscreen as well as on X11.
//
// Coordinates: "map pixel" means 0-based FITS pixel coordinates (x along NAXIS1, y along NAXIS2, the
// centre of pixel (i, j) at (i, j)), as everywhere in the product. View links (ViewLink) speak world
// coordinates (helioprojective arcsec) so maps with different plate scales stay aligned.

#include "core/map/DisplayLimits.h"
#include "core/base/Expected.h"
#include "core/map/SdoMap.h"
#include "widgets/MapReadout.h"
#include "widgets/MapRenderer.h"
#include "widgets/OverlayLayer.h"

#include <QFutureWatcher>
#include <QPointer>
#include <QTimer>
#include <QVariantAnimation>
#include <QTransform>
#include <QWidget>

#include <memory>
#include <vector>

namespace solarchip {

struct DifferenceMap;

class MapView : public QWidget {
    Q_OBJECT
public:
    /// The view's position in world terms, for linking views of different maps.
    struct WorldView {
        bool valid = false;
        double tx = 0, ty = 0;               // helioprojective arcsec at the widget centre
        double arcsecPerScreenPixel = 1;     // zoom in world units
    };
    /// How the comparison map (setComparisonMap) is shown.
    enum class CompareMode { None, Overlay, Blink };
    enum class ExportRegion { WholeMap, VisibleRegion };

    explicit MapView(QWidget *parent = nullptr);
    ~MapView() override;

    // ---- data -------------------------------------------------------------------------------------
    /// Shows a map with the default display settings of its channel (defaultDisplaySettings(meta)).
    void setMap(std::shared_ptr<const SdoMap> map);
    /// Shows a map with the given display settings. The view keeps its zoom and world centre when the new
    /// map covers it (stepping in time), and fits a map of a different size. Rendering runs off the UI
    /// thread; the old image stays until the new one is ready.
    void setMap(std::shared_ptr<const SdoMap> map, const DisplaySettings &settings);
    /// Shows a difference image with its label and the diverging default (or given) settings.
    void setDifferenceMap(const DifferenceMap &difference);
    void setDifferenceMap(const DifferenceMap &difference, const DisplaySettings &settings);
    void clear();
    std::shared_ptr<const SdoMap> map() const { return m_map; }
    bool hasMap() const { return static_cast<bool>(m_map); }

    DisplaySettings displaySettings() const { return m_settings; }
    void setDisplaySettings(const DisplaySettings &settings);
    /// The rendering on screen (null before the first render finishes).
    const RenderedMap &rendered() const { return m_base.rendered; }
    /// A render of the map (or the comparison map) is in flight, or a visible overlay's geometry computed off the UI
    /// thread (OverlayLayer::isGeometryPending) has not arrived yet.
    bool isRenderPending() const;
    /// A render of the map or the comparison map is in flight (overlays aside: rendered() is not the current one).
    bool isMapRenderPending() const;
    /// Processes events until the pending render(s) are on screen; false on timeout. For tests and the
    /// --screenshot hook (never call it from a slot that a render result must pass through).
    bool waitForRender(int timeoutMs = 10000);

    /// The label drawn by the "label" overlay; defaults to "<channel> <time>" (e.g. "AIA 171 Å
    /// 2011-06-07 12:00:01"). An empty string restores the default. Without a map the title is shown in
    /// the middle of the view (say why it is empty). setMap() and clear() reset it.
    void setTitle(const QString &title);
    QString title() const;

    // ---- comparison map: blink or blend --------------------------------------------------------------
    /// A second map drawn in the first one's frame (placed through both WCSs; co-registered maps such as
    /// HMI resampled into the AIA frame by core/Prep line up pixel for pixel). Null removes it.
    void setComparisonMap(std::shared_ptr<const SdoMap> map, const DisplaySettings &settings);
    void setComparisonMap(std::shared_ptr<const SdoMap> map);
    std::shared_ptr<const SdoMap> comparisonMap() const { return m_compare.map; }
    void setCompareMode(CompareMode mode);
    CompareMode compareMode() const { return m_compareMode; }
    /// Opacity of the comparison map in Overlay mode (0..1).
    void setComparisonOpacity(double opacity);
    double comparisonOpacity() const { return m_compareOpacity; }
    void setBlinkInterval(int milliseconds);
    int blinkInterval() const { return m_blinkTimer.interval(); }
    /// In Blink mode: whether the comparison map is the one on screen now. Settable to step by hand.
    bool isShowingComparison() const { return m_blinkShowsComparison; }
    void setShowingComparison(bool comparison);
    const RenderedMap &comparisonRendered() const { return m_compare.rendered; }
    /// The map whose image is on screen now: the comparison map while Blink shows it (once rendered), else
    /// map(). Colour bar, units and label follow it.
    std::shared_ptr<const SdoMap> shownMap() const;
    /// What the values on screen are (core/map valueLabel of shownMap()): "DN", "Gauss", "Helioviewer byte value".
    QString shownValueLabel() const;

    // ---- view geometry ------------------------------------------------------------------------------
    double zoom() const { return m_zoom; }                 // screen pixels per map pixel
    QPointF centre() const { return m_centre; }            // map pixel at the widget centre
    bool isFitMode() const { return m_fitMode; }           // refits on resize until the user pans/zooms
    double minimumZoom() const;
    double maximumZoom() const { return 256.0; }
    /// Solar north up: rotate by the WCS roll (CROTA2) so helioprojective +Ty points up. Default on.
    void setNorthUp(bool on);
    bool isNorthUp() const { return m_northUp; }
    /// Angle of the map's +y axis from screen-up, degrees (0 for maps already north up or northUp off).
    double displayRotation() const;

    /// Wheel, keyboard and double-click zooms glide to their target in ~120 ms (log-linear, about the
    /// cursor) instead of jumping; programmatic setZoom/zoomAbout are immediate. Default on.
    void setAnimatedZoom(bool on);
    bool isAnimatedZoom() const { return m_animatedZoom; }
    /// Zooms to `zoom` about a widget point, animated when animated zoom is on (successive calls while it
    /// runs accumulate, as wheel ticks do).
    void animateZoomAbout(double zoom, const QPointF &widgetPoint);

    /// The part of the widget the map is drawn in: the widget less the margins of the visible overlays
    /// (colour bar strip at the right, axis labels at the left and bottom). Fit fills it; the map's world
    /// centre (worldView) sits at its centre.
    QRectF mapArea() const;
    /// "zoom 78%": screen pixels per pixel of the displayed map, as a percentage (drawn by the label layer).
    QString zoomText() const { return zoomText(m_zoom); }
    static QString zoomText(double zoom);

    /// The view the Display dock and the exports act on: drawn with a frame in the highlight colour.
    void setSelected(bool selected);
    bool isSelected() const { return m_selected; }

    QTransform pixelToWidget() const;
    QPointF mapToWidget(const QPointF &pixel) const;
    QPointF widgetToMap(const QPointF &widgetPoint) const;
    /// The tooltip at a widget point: what the topmost visible layer that shows something there says (NOAA regions,
    /// flare events); empty when none does.
    QString toolTipAt(const QPointF &widgetPoint) const;

    WorldView worldView() const;
    /// Centres the view on the world point at the world zoom (ignored without a usable WCS).
    void setWorldView(const WorldView &view);
    /// Centre (map pixel) and zoom at once (one viewChanged), for views linked without WCS.
    void setPixelView(const QPointF &centre, double zoom);

public Q_SLOTS:
    void setZoom(double zoom);                               // about the widget centre
    void zoomAbout(double zoom, const QPointF &widgetPoint); // keeps the map point under widgetPoint fixed
    void setCentre(const QPointF &pixel);
    void panBy(const QPointF &widgetDelta);
    void zoomIn();
    void zoomOut();
    void fitToWindow();
    void zoomToActualSize();

public:
    // ---- overlays -----------------------------------------------------------------------------------
    /// Built in: "limb" (solar limb from the WCS), "grid" (Stonyhurst grid, 15 deg), "label" (channel and
    /// time, zoom level), "colorbar" (a strip at the right), "axes" (WCS ticks at the left and bottom).
    /// Added layers are drawn in the order added, all under the built-in ones (a heatmap never covers the
    /// title, the limb or the colour bar); adding a layer with the id of one already there replaces it.
    void addOverlay(std::shared_ptr<OverlayLayer> layer);
    void removeOverlay(const QString &id);
    OverlayLayer *overlay(const QString &id) const;
    QStringList overlayIds() const;
    void setOverlayVisible(const QString &id, bool visible);
    bool isOverlayVisible(const QString &id) const;

    // ---- cursor -------------------------------------------------------------------------------------
    /// The readout at a map pixel position (the file's value filled in when this view read it already).
    MapReadout readoutAt(const QPointF &pixel) const;
    /// The last readout under the mouse (valid = false when the mouse is outside the map). When the display
    /// map is not the file pixel for pixel, the file's value is read off the UI thread (core FileValue) and
    /// readoutChanged is emitted again with it once it is there.
    const MapReadout &lastReadout() const { return m_lastReadout; }
    /// A crosshair at a helioprojective position (from a linked view); hidden when `visible` is false.
    void setLinkedCursor(bool visible, double tx = 0, double ty = 0);
    bool hasLinkedCursor() const { return m_linkedCursorVisible; }
    QPointF linkedCursorPixel() const { return m_linkedCursorPixel; }

    // ---- export -------------------------------------------------------------------------------------
    /// The current view at widget size (or `size` when given, same world framing), with or without overlays.
    QImage renderView(bool withOverlays, QSize size = {}) const;
    Status exportPng(const QString &path, bool withOverlays, QSize size = {}) const;
    /// Encodes `image` as PNG in memory and writes it atomically (what exportPng does after rendering): a failed
    /// encoding never touches the disk. Thread-safe (no widget state).
    static Status writePng(const QImage &image, const QString &path);
    /// Writes the displayed map (its data, e.g. a difference image) as float32 FITS with its header and
    /// WCS; VisibleRegion writes the part on screen with CRPIX shifted accordingly.
    Status exportFits(const QString &path, ExportRegion region = ExportRegion::WholeMap) const;
    /// The map pixel rectangle on screen (x0, y0, width, height), clipped to the image.
    QRect visiblePixelRect() const;

    QSize sizeHint() const override { return {512, 512}; }
    QSize minimumSizeHint() const override { return {64, 64}; }

Q_SIGNALS:
    /// The cursor moved over the view (readout.valid = false when it left the map).
    void readoutChanged(const solarchip::MapReadout &readout);
    /// World position of the cursor for linked views (inside = false when it left the view).
    void cursorWorldMoved(bool inside, double tx, double ty);
    /// Zoom, centre or rotation changed (by the user or programmatically).
    void viewChanged();
    /// A new map was set (before its rendering is ready).
    void mapChanged();
    /// A rendering reached the screen (new map, new settings or comparison map).
    void renderFinished();
    void displaySettingsChanged(const solarchip::DisplaySettings &settings);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;
    bool event(QEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    struct Layer {
        std::shared_ptr<const SdoMap> map;
        DisplaySettings settings;
        RenderedMap rendered;
        quint64 generation = 0;           // of the latest request
        quint64 shownGeneration = 0;      // of `rendered`
        QFutureWatcher<RenderedMap> *watcher = nullptr;
        bool hasCachedRange = false;      // limits of the current map+settings, reused by colour-only changes
        DisplayRange cachedRange;
    };
    void startRender(Layer &layer);
    void onRenderDone(Layer &layer, quint64 generation, QFutureWatcher<RenderedMap> *watcher);
    /// The comparison map is set and rendered.
    bool isComparisonReady() const;
    /// Blink mode is showing the comparison map now (the one rule for painting, shownMap() and the labels).
    bool isBlinkOnComparison() const;
    void paintScene(QPainter &painter, const QRectF &target, const QRectF &mapRect, const QTransform &toTarget,
                    double zoom, bool withOverlays, bool interactive) const;
    QRectF mapAreaFor(const QSizeF &size, bool withOverlays) const;
    void overlayMarginsChanged();
    /// An overlay's geometry computed off the UI thread arrived: repaint, and report the render finished when
    /// nothing else is pending.
    void overlayGeometryArrived();
    void paintLayer(QPainter &painter, const RenderedMap &rendered, const QTransform &pixelToTarget,
                    double zoom, double opacity, int mapHeight) const;
    void updateOrientation();
    void updateComparisonPlacement();
    void ensureDefaultOverlays();
    void applyFit();
    void setZoomInternal(double zoom);
    void emitViewChanged();
    QTransform pixelToTarget(const QRectF &area, double zoom) const;
    double fitZoomFor(const QSizeF &size) const;
    void setReadout(const MapReadout &readout);
    void fetchFileValue();

    std::shared_ptr<const SdoMap> m_map;
    DisplaySettings m_settings;
    Layer m_base;
    Layer m_compare;
    QString m_title;
    QString m_defaultTitle;
    QTransform m_compareToBase;  // comparison map pixel -> base map pixel

    CompareMode m_compareMode = CompareMode::None;
    double m_compareOpacity = 0.5;
    QTimer m_blinkTimer;
    bool m_blinkShowsComparison = false;

    QPointF m_centre;
    double m_zoom = 1.0;
    bool m_fitMode = true;
    bool m_northUp = true;
    bool m_selected = false;
    double m_orient[2][2] = {{1, 0}, {0, 1}};  // unit-determinant display orientation (world-aligned)
    double m_plateScale = 1.0;                 // arcsec per map pixel (sqrt |det J|)

    std::vector<std::shared_ptr<OverlayLayer>> m_overlays;  // painted in this order: added layers, then built-ins
    std::size_t m_addedOverlays = 0;                        // how many of the first are added ones (addOverlay)

    bool m_animatedZoom = true;
    QVariantAnimation m_zoomAnimation;
    double m_zoomFrom = 1.0, m_zoomTarget = 1.0;
    QPointF m_zoomAnchor;

    bool m_dragging = false;
    QPointF m_dragLast;
    MapReadout m_lastReadout;
    // The file value of the last pixel read (one read in flight at a time; a newer pixel waits for it).
    bool m_fileValueBusy = false;
    bool m_haveFileValue = false;
    bool m_fileValueOk = false;
    QString m_fileValueFile;
    int m_fileValueX = -1, m_fileValueY = -1;
    double m_fileValue = 0;
    bool m_linkedCursorVisible = false;
    QPointF m_linkedCursorPixel;
};

}  // namespace solarchip
