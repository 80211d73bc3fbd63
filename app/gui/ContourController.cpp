#include "app/gui/ContourController.h"

#include "core/base/ThreadBudget.h"
#include "core/map/Contours.h"
#include "core/map/SdoMap.h"
#include "widgets/ContourLayer.h"
#include "widgets/MapGrid.h"
#include "widgets/MapView.h"

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTimeZone>
#include <QtConcurrent>

#include <algorithm>
#include <cmath>

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

void ContourController::setLevels(const QVector<double> &levels)
{
    if (levels.isEmpty() || levels == m_levels)
        return;
    m_levels = levels;
    m_source.reset();  // recontour what is on screen
    ++m_ticket;        // and drop a result of the old levels still on its way
    m_pending = false;
    update();
    Q_EMIT changed();
}

std::optional<QVector<double>> ContourController::parseLevels(const QString &text, QString *error)
{
    auto fail = [error](const QString &why) -> std::optional<QVector<double>> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    QVector<double> out;
    for (const QString &part : text.split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts)) {
        bool ok = false;
        const double v = part.toDouble(&ok);
        if (!ok || !std::isfinite(v))
            return fail(tr("'%1' is not a number of Gauss").arg(part));
        out << v;
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    if (out.isEmpty())
        return fail(tr("no level given (e.g. -500, -100, 100, 500)"));
    if (out.size() > 16)
        return fail(tr("%1 levels: 16 at most").arg(out.size()));
    return out;
}

QString ContourController::levelsText(const QVector<double> &levels)
{
    QStringList parts;
    for (double v : levels)
        parts << QString::number(v, 'g', 10);
    return parts.join(QStringLiteral(", "));
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
    watcher->setFuture(QtConcurrent::run(ThreadBudget::instance().pool(ThreadBudget::Pool::Render), [hmi, levels = m_levels] {
        QElapsedTimer clock;
        clock.start();
        auto set = std::make_shared<ContourSet>(ContourSet::gridOf(*hmi));
        set->source = QStringLiteral("HMI magnetogram %1").arg(hmi->meta.tObs.toTimeZone(QTimeZone::utc()).toString(Qt::ISODate));
        double strongest = 0;
        for (double level : levels)
            strongest = std::max(strongest, std::abs(level));
        for (double level : levels) {
            ContourSet::Level l;
            l.value = level;
            const bool strong = std::abs(level) >= strongest;
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
    for (double l : m_levels)
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
