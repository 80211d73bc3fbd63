#include "widgets/ViewLink.h"

#include "widgets/MapView.h"

namespace solarchip {

ViewLink::ViewLink(QObject *parent) : QObject(parent) {}

void ViewLink::addView(MapView *view)
{
    if (!view || views().contains(view))
        return;
    m_views.append(view);
    connect(view, &MapView::viewChanged, this, [this, view] { onViewChanged(view); });
    connect(view, &MapView::cursorWorldMoved, this,
            [this, view](bool inside, double tx, double ty) { onCursor(view, inside, tx, ty); });
    connect(view, &QObject::destroyed, this, [this] {
        m_views.removeAll(QPointer<MapView>());
        for (int i = m_views.size() - 1; i >= 0; --i)
            if (!m_views[i])
                m_views.removeAt(i);
    });
    // The newcomer follows the views already linked.
    for (MapView *other : views())
        if (other != view && other->hasMap()) {
            synchronise(other);
            break;
        }
}

void ViewLink::removeView(MapView *view)
{
    if (!view)
        return;
    disconnect(view, nullptr, this, nullptr);
    for (int i = m_views.size() - 1; i >= 0; --i)
        if (m_views[i] == view || !m_views[i])
            m_views.removeAt(i);
    view->setLinkedCursor(false);
}

QList<MapView *> ViewLink::views() const
{
    QList<MapView *> out;
    for (const QPointer<MapView> &v : m_views)
        if (v)
            out << v.data();
    return out;
}

void ViewLink::setPanZoomLinked(bool on)
{
    m_panZoom = on;
}

void ViewLink::setCursorLinked(bool on)
{
    m_cursor = on;
    if (!on)
        for (MapView *v : views())
            v->setLinkedCursor(false);
}

void ViewLink::synchronise(MapView *leader)
{
    const bool was = m_panZoom;
    m_panZoom = true;
    onViewChanged(leader);
    m_panZoom = was;
}

void ViewLink::onViewChanged(MapView *source)
{
    if (!m_panZoom || m_propagating || !source || !source->hasMap())
        return;
    m_propagating = true;
    const MapView::WorldView world = source->worldView();
    for (MapView *v : views()) {
        if (v == source || !v->hasMap())
            continue;
        // World coordinates when both maps have a WCS (different plate scales stay aligned), else pixels.
        if (world.valid && v->worldView().valid)
            v->setWorldView(world);
        else
            v->setPixelView(source->centre(), source->zoom());
    }
    m_propagating = false;
}

void ViewLink::onCursor(MapView *source, bool inside, double tx, double ty)
{
    if (!m_cursor)
        return;
    for (MapView *v : views())
        v->setLinkedCursor(v != source && inside, tx, ty);
    Q_EMIT cursorMoved(inside, tx, ty);
}

}  // namespace solarchip
