#include "widgets/ViewLink.h"

#include "core/map/SdoMap.h"
#include "widgets/MapView.h"

#include <QRectF>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace solarchip {

namespace {

// What decides whether two maps pan and zoom together: their helioprojective footprint, or (without one)
// their pixel grid size.
struct Frame {
    bool present = false;  // a map at all
    bool world = false;    // `box` holds the footprint in arcsec
    QRectF box;
    int width = 0, height = 0;
};

Frame frameOf(const SdoMap *map)
{
    Frame f;
    if (!map || map->image.isEmpty())
        return f;
    f.present = true;
    f.width = map->image.width;
    f.height = map->image.height;
    if (!map->wcs.isValid() || map->wcs.kind() != Wcs::Kind::Helioprojective)
        return f;
    // The outer edges of the corner pixels; a helioprojective TAN map's edges are straight enough on the sky
    // for a bounding box to stand for the footprint.
    const double xs[] = {-0.5, f.width - 0.5}, ys[] = {-0.5, f.height - 0.5};
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (double x : xs)
        for (double y : ys) {
            double tx = 0, ty = 0;
            if (!map->wcs.pixelToHelioprojective(x, y, tx, ty) || !std::isfinite(tx) || !std::isfinite(ty))
                return f;
            x0 = std::min(x0, tx), x1 = std::max(x1, tx), y0 = std::min(y0, ty), y1 = std::max(y1, ty);
        }
    if (!(x1 > x0 && y1 > y0))
        return f;
    f.world = true;
    f.box = QRectF(QPointF(x0, y0), QPointF(x1, y1));
    return f;
}

bool shareFrame(const Frame &a, const Frame &b)
{
    if (!a.present || !b.present || a.world != b.world)
        return false;
    if (!a.world)
        return a.width == b.width && a.height == b.height;
    const QRectF common = a.box.intersected(b.box);
    if (common.isEmpty())
        return false;
    const double inter = common.width() * common.height();
    const double uni = a.box.width() * a.box.height() + b.box.width() * b.box.height() - inter;
    return uni > 0 && inter / uni >= ViewLink::kMinOverlap;
}

}  // namespace

QVector<QVector<int>> ViewLink::groupsOf(const QList<const SdoMap *> &maps)
{
    const int n = int(maps.size());
    std::vector<Frame> frames;
    for (const SdoMap *m : maps)
        frames.push_back(frameOf(m));
    // Union-find over the pairs that share a frame.
    std::vector<int> parent(static_cast<size_t>(n));
    std::iota(parent.begin(), parent.end(), 0);
    auto root = [&parent](int i) {
        while (parent[i] != i)
            i = parent[i] = parent[parent[i]];
        return i;
    };
    for (int i = 0; i < n; ++i)
        for (int j = i + 1; j < n; ++j)
            if (shareFrame(frames[i], frames[j]))
                parent[root(j)] = root(i);
    QVector<QVector<int>> groups;
    std::vector<int> groupOfRoot(static_cast<size_t>(n), -1);
    for (int i = 0; i < n; ++i) {
        const int r = root(i);
        if (groupOfRoot[r] < 0) {
            groupOfRoot[r] = int(groups.size());
            groups.append(QVector<int>());
        }
        groups[groupOfRoot[r]] << i;
    }
    return groups;
}

QVector<QVector<int>> ViewLink::groups() const
{
    QList<const SdoMap *> maps;
    for (MapView *v : views())
        maps << v->map().get();
    return groupsOf(maps);
}

QList<MapView *> ViewLink::groupOf(MapView *view) const
{
    const QList<MapView *> all = views();
    const int index = int(all.indexOf(view));
    if (index < 0)
        return {};
    for (const QVector<int> &g : groups())
        if (g.contains(index)) {
            QList<MapView *> out;
            for (int i : g)
                out << all[i];
            return out;
        }
    return {view};
}

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
    // The newcomer follows the views already linked that share its frame.
    for (MapView *other : groupOf(view))
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
    for (MapView *v : groupOf(source)) {
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
