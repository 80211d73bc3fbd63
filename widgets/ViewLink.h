#pragma once
// Links several MapViews: pan and zoom (in world coordinates, helioprojective arcsec, so views of maps
// with different plate scales or sizes show the same patch of Sun at the same angular scale) and the
// cursor (a crosshair in every other view at the same helioprojective position). Views without a usable
// WCS are linked in pixel coordinates. The link never owns the views.

#include <QList>
#include <QObject>
#include <QPointer>

namespace solarchip {

class MapView;

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

    /// Makes every other view follow `leader` now (e.g. after adding a view).
    void synchronise(MapView *leader);

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
