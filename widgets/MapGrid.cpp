#include "widgets/MapGrid.h"

#include "widgets/MapView.h"
#include "widgets/ViewLink.h"

#include <QElapsedTimer>
#include <QEvent>
#include <QGridLayout>

#include <cmath>

namespace solarchip {

MapGrid::MapGrid(QWidget *parent) : QWidget(parent)
{
    m_layout = new QGridLayout(this);
    m_layout->setContentsMargins(0, 0, 0, 0);
    m_layout->setSpacing(2);
    m_link = new ViewLink(this);
}

MapGrid::~MapGrid() = default;

MapView *MapGrid::createView()
{
    auto *view = new MapView(this);
    view->installEventFilter(this);
    connect(view, &MapView::readoutChanged, this, [this, view](const MapReadout &r) {
        for (int i = 0; i < count(); ++i)
            if (m_views[static_cast<size_t>(i)] == view) {
                Q_EMIT readoutChanged(i, r);
                return;
            }
    });
    m_views.push_back(view);
    return view;
}

MapView *MapGrid::addMap(std::shared_ptr<const SdoMap> map)
{
    const DisplaySettings s = map ? defaultDisplaySettings(map->meta) : DisplaySettings();
    return addMap(std::move(map), s);
}

MapView *MapGrid::addMap(std::shared_ptr<const SdoMap> map, const DisplaySettings &settings)
{
    MapView *view = createView();
    // Copy the overlay toggles of the first view so the grid stays consistent.
    if (count() > 1)
        for (const QString &id : m_views.front()->overlayIds())
            view->setOverlayVisible(id, m_views.front()->isOverlayVisible(id));
    relayout();
    view->setMap(std::move(map), settings);
    m_link->addView(view);
    return view;
}

void MapGrid::setMaps(const std::vector<std::shared_ptr<const SdoMap>> &maps)
{
    while (count() > static_cast<int>(maps.size()))
        removeView(count() - 1);
    for (size_t i = 0; i < maps.size(); ++i) {
        if (i < m_views.size()) {
            MapView *v = m_views[i];
            // Same channel as before (stepping in time): keep the user's display settings for that view.
            const bool sameChannel = v->map() && maps[i] && v->map()->meta.channel == maps[i]->meta.channel;
            if (sameChannel)
                v->setMap(maps[i], v->displaySettings());
            else
                v->setMap(maps[i]);
        } else {
            addMap(maps[i]);
        }
    }
}

void MapGrid::removeView(int index)
{
    if (index < 0 || index >= count())
        return;
    MapView *v = m_views[static_cast<size_t>(index)];
    m_link->removeView(v);
    m_views.erase(m_views.begin() + index);
    if (m_current == index)
        m_current = -1;
    else if (m_current > index)
        --m_current;
    m_layout->removeWidget(v);
    v->deleteLater();
    relayout();
}

void MapGrid::clear()
{
    while (count() > 0)
        removeView(count() - 1);
}

MapView *MapGrid::view(int index) const
{
    return index >= 0 && index < count() ? m_views[static_cast<size_t>(index)] : nullptr;
}

MapView *MapGrid::viewForChannel(const QString &channel) const
{
    for (MapView *v : m_views)
        if (v->map() && v->map()->meta.channel == channel)
            return v;
    return nullptr;
}

void MapGrid::setColumns(int columns)
{
    m_columns = std::max(0, columns);
    relayout();
}

void MapGrid::relayout()
{
    for (MapView *v : m_views)
        m_layout->removeWidget(v);
    const int n = count();
    const int cols = m_columns > 0 ? m_columns : std::max(1, static_cast<int>(std::ceil(std::sqrt(double(n)))));
    for (int i = 0; i < n; ++i)
        m_layout->addWidget(m_views[static_cast<size_t>(i)], i / cols, i % cols);
}

void MapGrid::setOverlayVisible(const QString &id, bool visible)
{
    for (MapView *v : m_views)
        v->setOverlayVisible(id, visible);
}

void MapGrid::fitAll()
{
    for (const QVector<int> &group : linkedGroups()) {
        MapView *first = m_views[static_cast<size_t>(group.front())];
        first->fitToWindow();
        m_link->synchronise(first);
    }
}

QVector<QVector<int>> MapGrid::linkedGroups() const
{
    QList<const SdoMap *> maps;
    for (MapView *v : m_views)
        maps << v->map().get();
    return ViewLink::groupsOf(maps);
}

bool MapGrid::waitForRender(int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    for (MapView *v : m_views)
        if (!v->waitForRender(std::max<int>(1, timeoutMs - int(t.elapsed()))))
            return false;
    return true;
}

bool MapGrid::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::MouseButtonPress || event->type() == QEvent::FocusIn)
        for (int i = 0; i < count(); ++i)
            if (m_views[static_cast<size_t>(i)] == watched) {
                m_current = i;
                Q_EMIT currentViewChanged(i);
                break;
            }
    return QWidget::eventFilter(watched, event);
}

}  // namespace solarchip
