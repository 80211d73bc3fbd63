#include "app/gui/ContourController.h"

#include "core/base/ThreadBudget.h"
#include "core/map/Contours.h"
#include "core/map/SdoMap.h"
#include "widgets/ContourLayer.h"
#include "widgets/MapGrid.h"
#include "widgets/MapView.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QJsonArray>
#include <QTimeZone>
#include <QtConcurrent>

namespace solarchip {

namespace {

const QString kLayerId = QStringLiteral("contours");

std::shared_ptr<const SdoMap> shownMagnetogram(const MapGrid *grid)
{
    for (int i = 0; i < grid->count(); ++i) {
        const auto map = grid->view(i)->map();
        if (map && map->meta.channel == QLatin1String("hmi"))
            return map;
    }
    return nullptr;
}

}  // namespace

ContourController::ContourController(MapGrid *grid, QObject *parent) : QObject(parent), m_grid(grid) {}

void ContourController::setEnabled(bool enabled)
{
    if (enabled == m_enabled)
        return;
    m_enabled = enabled;
    update();
    apply();
    Q_EMIT changed();
}

void ContourController::update()
{
    if (!m_enabled) {
        return;
    }
    const auto hmi = shownMagnetogram(m_grid);
    if (hmi == m_source) {
        apply();  // the views may show other maps (another channel's new time) on the same magnetogram
        return;
    }
    m_source = hmi;
    m_contours.reset();
    const quint64 ticket = ++m_ticket;
    if (!hmi) {
        m_pending = false;
        apply();
        Q_EMIT changed();
        return;
    }
    m_pending = true;
    auto *watcher = new QFutureWatcher<std::shared_ptr<const ContourSet>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, ticket] {
        auto contours = watcher->result();
        watcher->deleteLater();
        if (ticket != m_ticket)
            return;  // another magnetogram meanwhile
        m_contours = std::move(contours);
        m_pending = false;
        apply();
        Q_EMIT changed();
    });
    watcher->setFuture(QtConcurrent::run(ThreadBudget::instance().pool(ThreadBudget::Pool::Render), [hmi] {
        QElapsedTimer clock;
        clock.start();
        auto set = std::make_shared<ContourSet>(ContourSet::gridOf(*hmi));
        set->source = QStringLiteral("HMI magnetogram %1")
                          .arg(QDateTime::fromMSecsSinceEpoch(hmi->meta.tObs.toMSecsSinceEpoch(), QTimeZone::utc())
                                   .toString(Qt::ISODate));
        for (double level : kLevels) {
            ContourSet::Level l;
            l.value = level;
            const bool strong = std::abs(level) >= 500;
            l.colour = level > 0 ? QColor(255, 60, 60, strong ? 255 : 170) : QColor(70, 130, 255, strong ? 255 : 170);
            l.segments = contourSegments(hmi->image, level);
            set->levels.push_back(std::move(l));
        }
        set->computeMs = clock.nsecsElapsed() / 1e6;
        return std::shared_ptr<const ContourSet>(std::move(set));
    }));
}

void ContourController::apply()
{
    for (int i = 0; i < m_grid->count(); ++i) {
        MapView *view = m_grid->view(i);
        auto *layer = dynamic_cast<ContourLayer *>(view->overlay(kLayerId));
        if (!layer) {
            if (!m_enabled)
                continue;
            auto made = std::make_shared<ContourLayer>();
            layer = made.get();
            view->addOverlay(std::move(made));
        }
        // Only what changed: apply() runs whenever the window may have settled, and a repaint must not ask again.
        const auto wanted = m_enabled ? m_contours : nullptr;
        const bool visible = m_enabled && m_contours;
        if (layer->contoursShared() == wanted && layer->isVisible() == visible)
            continue;
        layer->setContours(wanted);
        view->setOverlayVisible(kLayerId, visible);
        view->update();
    }
}

QJsonObject ContourController::state() const
{
    int drawn = 0;
    for (int i = 0; i < m_grid->count(); ++i) {
        const auto *layer = dynamic_cast<const ContourLayer *>(m_grid->view(i)->overlay(kLayerId));
        drawn += layer && layer->isVisible() && layer->drawsOnCurrentMap();
    }
    QJsonArray levels;
    for (double l : kLevels)
        levels.append(l);
    return QJsonObject{{QStringLiteral("enabled"), m_enabled},
                       {QStringLiteral("pending"), m_pending},
                       {QStringLiteral("source"), m_contours ? m_contours->source : QString()},
                       {QStringLiteral("levels_gauss"), levels},
                       {QStringLiteral("segments"), m_contours ? static_cast<qint64>(m_contours->segmentCount()) : 0},
                       {QStringLiteral("compute_ms"), m_contours ? m_contours->computeMs : 0.0},
                       {QStringLiteral("views_drawn"), drawn}};
}

}  // namespace solarchip
