#pragma once
// Links several MapViews: pan and zoom (in world coordinates, helioprojective arcsec, so views of maps
// with different plate scales or sizes show the same patch of Sun at the same angular scale) and the
// cursor (a crosshair in every other view at the same helioprojective position). The link never owns the
// views.
//
// Pan and zoom link only views that share a frame: maps whose helioprojective footprints (the box their
// corners span on the sky) overlap by at least kMinOverlap of their union, grouped transitively. A cut-out
// beside a full disk, or two different regions, are separate groups, each panned, zoomed and fitted on its
// own (linking them would show the cut-out's neighbourhood as black or the full disk as giant pixels). Views
// without a usable helioprojective WCS (CEA maps, plain images) link only with views of the same pixel grid
// size that lack one too, in pixel coordinates. The cursor crosshair follows every view: it is drawn only
// where that position lies in the map.

#include <QList>
#include <QObject>
#include <QPointer>
#include <QVector>

namespace solarchip {

class MapView;
struct SdoMap;

class ViewLink : public QObject {
    Q_OBJECT
public:
    explicit ViewLink(QObject *parent = nullptr);

    void addView(MapView *view);
    void removeView(MapView *view);
    QList<MapView *> views() const;

    void setPanZoomLinked(bool on);
    bool isPanZoomLinked() const { return m_panZoom; }
    void setCursorLinked(bool on);
    bool isCursorLinked() const { return m_cursor; }

    /// Makes every other view of the leader's group follow it now (e.g. after adding a view).
    void synchronise(MapView *leader);

    /// Footprint overlap (intersection over union) from which two maps share a frame.
    static constexpr double kMinOverlap = 0.5;
    /// The link groups of some maps (null: no map, a group of its own), as lists of indices into `maps`,
    /// each ascending, ordered by their first index.
    static QVector<QVector<int>> groupsOf(const QList<const SdoMap *> &maps);
    /// The link groups of views(), as indices into views().
    QVector<QVector<int>> groups() const;
    /// The views panned and zoomed together with `view` (itself included).
    QList<MapView *> groupOf(MapView *view) const;

Q_SIGNALS:
    /// The linked cursor moved (from any view): helioprojective arcsec, inside = false when it left.
    void cursorMoved(bool inside, double tx, double ty);

private:
    void onViewChanged(MapView *source);
    void onCursor(MapView *source, bool inside, double tx, double ty);

    QList<QPointer<MapView>> m_views;
    bool m_panZoom = true;
    bool m_cursor = true;
    bool m_propagating = false;
};

}  // namespace solarchip
