#include "widgets/CellOutlines.h"

#include "core/base/ThreadBudget.h"
#include "core/map/SdoMap.h"

#include <QCoreApplication>
#include <QThreadPool>

#include <utility>

namespace solarchip {

namespace {

std::vector<QPolygonF> outlinesOf(const ModelFrame &frame, const Wcs &wcs)
{
    std::vector<QPolygonF> out;
    if (!wcs.isValid())
        return out;
    for (QVector<QPointF> &poly : frame.cellPolygonsInMap(wcs, 4))
        out.emplace_back(std::move(poly));
    return out;
}

const std::vector<QPolygonF> &none()
{
    static const std::vector<QPolygonF> empty;
    return empty;
}

}  // namespace

CellOutlines::CellOutlines()
    : m_latest(std::make_shared<std::atomic<quint64>>(0)), m_alive(std::make_shared<int>(0))
{
}

void CellOutlines::setMap(const SdoMap *map)
{
    m_map = map;
    m_latest->store(++m_generation);
}

bool CellOutlines::setFrame(std::shared_ptr<const ModelFrame> frame)
{
    if (frame == m_frame)
        return false;
    m_frame = std::move(frame);
    m_latest->store(++m_generation);
    return true;
}

void CellOutlines::prefetch(std::function<void()> arrived)
{
    if (isCurrent() || m_requested == m_generation || !m_map || !m_frame || !QCoreApplication::instance())
        return;
    m_requested = m_generation;
    m_arrived = std::move(arrived);
    const QSize size(m_map->image.width, m_map->image.height);
    ThreadBudget::instance().pool(ThreadBudget::Pool::Render)->start(
        // Copies of the frame and the map's WCS (WCSLIB structs are copied under its lock): the worker shares no
        // WCSLIB state with the UI thread.
        [frame = ModelFrame(*m_frame), wcs = m_map->wcs, generation = m_generation, size, latest = m_latest,
         alive = std::weak_ptr<int>(m_alive), self = this] {
            if (latest->load() != generation)
                return;  // the map or frame changed before this started: a newer request is queued
            std::vector<QPolygonF> polygons = outlinesOf(frame, wcs);
            QCoreApplication *app = QCoreApplication::instance();
            if (!app)
                return;  // the application is going away
            QMetaObject::invokeMethod(
                app,
                [alive, self, generation, polygons = std::move(polygons), size]() mutable {
                    if (alive.lock())  // its owner lives on the UI thread, where this runs
                        self->arrive(generation, std::move(polygons), size);
                },
                Qt::QueuedConnection);
        });
}

void CellOutlines::arrive(quint64 generation, std::vector<QPolygonF> polygons, QSize mapSize)
{
    if (m_requested == generation)
        m_requested = 0;
    if (generation != m_generation)
        return;  // made for a map or frame no longer shown
    m_polygons = std::move(polygons);
    m_madeFor = generation;
    m_mapSize = mapSize;
    if (auto arrived = std::exchange(m_arrived, {}))
        arrived();
}

void CellOutlines::makeHere() const
{
    if (isCurrent())
        return;
    m_madeFor = m_generation;
    m_polygons.clear();
    m_mapSize = QSize();
    if (!m_frame || !m_map)
        return;
    m_polygons = outlinesOf(*m_frame, m_map->wcs);
    m_mapSize = QSize(m_map->image.width, m_map->image.height);
}

const std::vector<QPolygonF> &CellOutlines::current() const
{
    makeHere();
    return m_polygons;
}

const std::vector<QPolygonF> &CellOutlines::forPaint(bool onScreen) const
{
    if (!onScreen || m_requested != m_generation)
        makeHere();
    const int g = m_frame ? m_frame->gridSize() : 0;
    const bool fits = m_map && m_mapSize == QSize(m_map->image.width, m_map->image.height)
                      && m_polygons.size() == static_cast<std::size_t>(g) * g;
    return fits ? m_polygons : none();
}

QPolygonF CellOutlines::at(const std::vector<QPolygonF> &polygons, int cell)
{
    return cell >= 0 && static_cast<std::size_t>(cell) < polygons.size() ? polygons[static_cast<std::size_t>(cell)] : QPolygonF();
}

}  // namespace solarchip
