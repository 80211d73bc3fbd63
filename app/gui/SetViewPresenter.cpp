#include "app/gui/SetViewPresenter.h"

#include "app/gui/ObservationDocument.h"
#include "app/gui/StudioSettings.h"
#include "core/map/MapDifference.h"
#include "core/base/ThreadBudget.h"
#include "core/map/MapMeta.h"
#include "widgets/OverlayFlareEvents.h"
#include "widgets/OverlayNoaaRegions.h"
#include "widgets/GlobeView.h"
#include "widgets/HeatmapLayer.h"
#include "widgets/MapGrid.h"
#include "widgets/MapView.h"

#include <QFutureWatcher>
#include <QThread>
#include <QTimer>
#include <QtConcurrent/qtconcurrenttask.h>

#include <algorithm>

namespace solarchip {

SetViewPresenter::SetViewPresenter(ObservationDocument *document, MapGrid *grid, StudioSettings *settings,
                                   QObject *parent)
    : QObject(parent), m_document(document), m_grid(grid), m_settings(settings)
{
    connect(document, &ObservationDocument::setChanged, this, &SetViewPresenter::onSetChanged);
    connect(document, &ObservationDocument::memberChanged, this, &SetViewPresenter::onMemberChanged);
    connect(document, &ObservationDocument::setLoaded, this, &SetViewPresenter::checkSettled);
    m_holdLimit = new QTimer(this);
    m_holdLimit->setSingleShot(true);
    connect(m_holdLimit, &QTimer::timeout, this, [this] {
        // A set this slow is better seen filling than not at all (its mixed frames are counted).
        if (m_holding)
            ++m_releasedIncomplete;
        releaseFrame();
        checkSettled();
    });
}

void SetViewPresenter::setGlobe(GlobeView *globe)
{
    m_globe = globe;
    m_globeMap.reset();
    updateGlobe();
}

void SetViewPresenter::setFocusChannel(const QString &channel)
{
    if (channel == m_focus)
        return;
    m_focus = channel;
    onSetChanged();
    for (int i = 0; i < m_document->members().size(); ++i)
        onMemberChanged(i);
}

QString SetViewPresenter::globeChannel() const
{
    return m_focus.isEmpty() ? m_document->anchorChannel() : m_focus;
}

void SetViewPresenter::setGlobeActive(bool active)
{
    if (active == m_globeActive)
        return;
    m_globeActive = active;
    updateGlobe();
    checkSettled();
}

void SetViewPresenter::setOverlayVisible(const QString &id, bool visible)
{
    m_overlays.insert(id, visible);
    if (m_grid)
        m_grid->setOverlayVisible(id, visible);
}

void SetViewPresenter::setComparison(const QString &channel, MapView::CompareMode mode)
{
    m_compareChannel = mode == MapView::CompareMode::None ? QString() : channel;
    m_compareMode = m_compareChannel.isEmpty() ? MapView::CompareMode::None : mode;
    applyComparison();
    Q_EMIT comparisonChanged();
}

void SetViewPresenter::setComparisonOpacity(double opacity)
{
    m_compareOpacity = std::clamp(opacity, 0.0, 1.0);
    applyComparison();
    Q_EMIT comparisonChanged();
}

void SetViewPresenter::setBlinkInterval(int milliseconds)
{
    m_blinkMs = std::max(20, milliseconds);
    applyComparison();
    Q_EMIT comparisonChanged();
}

void SetViewPresenter::applyComparison()
{
    if (!m_grid)
        return;
    const auto &members = m_document->members();
    int source = -1;
    if (m_compareMode != MapView::CompareMode::None)
        for (int i = 0; i < members.size() && source < 0; ++i)
            if (members[i].channel == m_compareChannel)
                source = i;
    for (int i = 0; i < members.size(); ++i) {
        MapView *view = viewForMember(i);
        if (!view)
            continue;
        if (source < 0 || source == i) {
            if (view->compareMode() != MapView::CompareMode::None)
                view->setCompareMode(MapView::CompareMode::None);
            if (view->comparisonMap())
                view->setComparisonMap(nullptr);
            continue;
        }
        const auto &other = members[source];
        if (other.map) {
            if (view->comparisonMap() != other.map) {
                // The comparison wears the colours its own channel has in the grid.
                view->setComparisonMap(other.map, m_settings->displayFor(other.map->meta));
            }
        } else if (!other.pending && view->comparisonMap()) {
            view->setComparisonMap(nullptr);  // no file of that channel at this time: nothing stale stays
        }
        // While the new member loads the previous comparison stays, as the view's own map does.
        view->setComparisonOpacity(m_compareOpacity);
        view->setBlinkInterval(m_blinkMs);
        if (view->compareMode() != m_compareMode)
            view->setCompareMode(m_compareMode);
    }
}

bool SetViewPresenter::isOverlayVisible(const QString &id) const
{
    if (m_overlays.contains(id))
        return m_overlays.value(id);
    MapView *first = m_grid ? m_grid->view(0) : nullptr;
    return first && first->isOverlayVisible(id);
}

MapView *SetViewPresenter::viewForMember(int index) const
{
    if (!m_grid || index < 0 || index >= m_slotOfMember.size() || m_slotOfMember[index] < 0)
        return nullptr;
    return m_grid->view(m_slotOfMember[index]);
}

void SetViewPresenter::onSetChanged()
{
    m_wasSettled = false;
    m_setTimeMs = m_document->hasTime() ? m_document->timeMs() : -1;
    const auto &members = m_document->members();
    m_slotOfMember.fill(-1, members.size());
    m_expected.fill(nullptr, members.size());
    m_placed.fill(false, members.size());
    m_differenceTicket.fill(0, members.size());  // differences still being made are for the set left
    int viewCount = 0;
    for (int i = 0; i < members.size(); ++i) {
        if (!m_focus.isEmpty() && members[i].channel != m_focus)
            continue;
        m_slotOfMember[i] = viewCount++;
    }
    if (!m_grid)
        return;
    // The set on screen stays there, whole, until every view of this one is ready.
    holdFrame();
    m_showsDifference.resize(viewCount);
    m_pendingTime.resize(viewCount);
    m_viewTime.resize(viewCount);
    if (m_grid->count() != viewCount) {
        m_showsDifference.fill(false);
        m_pendingTime.fill(-1);
        m_viewTime.fill(-1);
        // New layout: views are created empty and filled as maps arrive.
        std::vector<std::shared_ptr<const SdoMap>> empty(static_cast<size_t>(viewCount));
        m_grid->setMaps(empty);
        for (int v = 0; v < m_grid->count(); ++v) {
            MapView *view = m_grid->view(v);
            // The grid reuses views across layouts; wire each one once.
            if (view->property("solarchip.presenterWired").toBool())
                continue;
            view->setProperty("solarchip.presenterWired", true);
            connect(view, &MapView::renderFinished, this, [this, view] {
                onViewRendered(view);
                updateGlobe();
                checkSettled();
            });
            connect(view, &MapView::displaySettingsChanged, this, [this, view](const DisplaySettings &s) {
                // Choices for difference images are not the channel's choices.
                if (view->map() && m_document->differenceMode() == ObservationDocument::DifferenceMode::None)
                    m_settings->rememberDisplayFor(view->map()->meta, s);
            });
            for (auto it = m_overlays.begin(); it != m_overlays.end(); ++it)
                view->setOverlayVisible(it.key(), it.value());
        }
    }
    // Members without a file near this time: the old map must not stay on screen under the new time.
    for (int i = 0; i < members.size(); ++i) {
        MapView *view = viewForMember(i);
        if (!view)
            continue;
        if (!members[i].observation.isValid()) {
            view->clear();
            view->setTitle(tr("%1: no data within ±%2 min")
                               .arg(channelLabel(members[i].channel))
                               .arg(m_document->toleranceMs() / 60000));
            noteContent(m_slotOfMember[i]);
            m_placed[i] = true;
        }
    }
    applyComparison();
    checkSettled();
}

void SetViewPresenter::onMemberChanged(int index)
{
    const auto &members = m_document->members();
    if (index < 0 || index >= members.size())
        return;
    const auto &member = members[index];
    if (!member.observation.isValid() || member.pending || member.referencePending)
        return;  // shown by onSetChanged, or not loaded yet
    MapView *view = viewForMember(index);
    if (view) {
        if (m_document->differenceMode() != ObservationDocument::DifferenceMode::None)
            showDifference(index, view);
        else if (member.map)
            showMap(index, view);
        else
            showMessage(index, view, !member.error.isEmpty() ? member.error
                                                              : tr("%1: no map").arg(channelLabel(member.channel)));
    }
    applyComparison();
    updateGlobe();
    checkSettled();
}

void SetViewPresenter::applySavedDisplays()
{
    const auto &members = m_document->members();
    for (int i = 0; i < members.size(); ++i) {
        MapView *view = viewForMember(i);
        const int slot = i < m_slotOfMember.size() ? m_slotOfMember[i] : -1;
        if (!view || !view->map() || slot < 0 || slot >= m_showsDifference.size() || m_showsDifference[slot])
            continue;
        if (const auto saved = m_settings->savedDisplayFor(view->map()->meta))
            view->setDisplaySettings(*saved);  // no-op when it has it already
    }
}

void SetViewPresenter::showMap(int index, MapView *view)
{
    const auto &member = m_document->members()[index];
    // The user's choice for this channel, else what the view already uses for it, else the default.
    const auto saved = m_settings->savedDisplayFor(member.map->meta);
    const int slot = m_slotOfMember[index];
    const bool sameChannel = view->map() && !m_showsDifference[slot]
                             && displaySettingsKey(view->map()->meta) == displaySettingsKey(member.map->meta);
    const DisplaySettings s = saved          ? *saved
                              : sameChannel ? view->displaySettings()
                                            : defaultDisplaySettings(member.map->meta);
    if (index < m_differenceTicket.size())
        m_differenceTicket[index] = 0;
    view->setMap(member.map, s);
    m_showsDifference[slot] = false;
    m_expected[index] = view->map();
    m_placed[index] = true;
    noteContent(slot);
}

void SetViewPresenter::showDifference(int index, MapView *view)
{
    const auto &member = m_document->members()[index];
    if (!member.reference.isValid()) {
        const bool running = m_document->differenceMode() == ObservationDocument::DifferenceMode::Running;
        showMessage(index, view, running ? tr("%1: no earlier observation to subtract").arg(channelLabel(member.channel))
                                         : tr("%1: this is the base observation").arg(channelLabel(member.channel)));
        return;
    }
    if (!member.map || !member.referenceMap) {
        showMessage(index, view, !member.error.isEmpty() ? member.error : member.referenceError);
        return;
    }
    const auto kind = m_document->differenceMode() == ObservationDocument::DifferenceMode::Running
                          ? DifferenceMap::Kind::Running
                          : DifferenceMap::Kind::Base;
    // A 4096^2 subtraction and its copy take far over 10 ms: made on the Io pool, shown when it comes back.
    struct Made {
        QString error;
        std::shared_ptr<const SdoMap> map;
        QString label;
        QThread *thread = nullptr;
    };
    const quint64 ticket = ++m_nextTicket;
    m_differenceTicket[index] = ticket;
    m_expected[index] = nullptr;
    // Ahead of prefetch loads queued on the same pool: this is for the set on screen.
    auto future = QtConcurrent::task([current = member.map, reference = member.referenceMap, kind] {
                      Made made;
                      made.thread = QThread::currentThread();
                      auto difference = differenceMap(*current, *reference, kind);
                      if (!difference) {
                          made.error = difference.errorString();
                          return made;
                      }
                      // The view says what is blank and why (off-disk HMI, outside the reference's field).
                      made.label = differenceTitle(*difference);
                      made.map = std::make_shared<const SdoMap>(std::move(difference->map));
                      return made;
                  })
                      .onThreadPool(*ThreadBudget::instance().pool(ThreadBudget::Pool::Io))
                      .withPriority(1)
                      .spawn();
    auto *watcher = new QFutureWatcher<Made>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, index, ticket] {
        watcher->deleteLater();
        const Made made = watcher->result();
        m_lastDifferenceThread = made.thread;
        onDifferenceDone(index, ticket, made.error, made.map, made.label);
    });
    watcher->setFuture(future);
}

void SetViewPresenter::onDifferenceDone(int index, quint64 ticket, const QString &error,
                                        std::shared_ptr<const SdoMap> map, const QString &label)
{
    if (index < 0 || index >= m_differenceTicket.size() || m_differenceTicket[index] != ticket)
        return;  // the user has moved on: a newer set or difference replaced this one
    m_differenceTicket[index] = 0;
    MapView *view = viewForMember(index);
    if (!view) {
        checkSettled();
        return;
    }
    if (!error.isEmpty()) {
        showMessage(index, view, error);
        checkSettled();
        return;
    }
    // Stepping keeps the user's settings for the difference view; a first difference gets the diverging default.
    const auto &member = m_document->members()[index];
    const int slot = m_slotOfMember[index];
    const bool keep = m_showsDifference[slot] && view->map() && view->map()->meta.channel == member.channel;
    view->setMap(std::move(map), keep ? view->displaySettings() : defaultDifferenceDisplaySettings());
    view->setTitle(label);
    m_showsDifference[slot] = true;
    m_expected[index] = view->map();
    m_placed[index] = true;
    noteContent(slot);
    updateGlobe();
    checkSettled();
}

void SetViewPresenter::showMessage(int index, MapView *view, const QString &message)
{
    if (index < m_differenceTicket.size())
        m_differenceTicket[index] = 0;
    view->clear();
    view->setTitle(message);
    m_expected[index] = nullptr;
    if (index < m_placed.size())
        m_placed[index] = true;
    if (index < m_slotOfMember.size())
        noteContent(m_slotOfMember[index]);
}

void SetViewPresenter::refreshGlobe()
{
    m_globeImageKey = 0;
    updateGlobe();
}

void SetViewPresenter::setGlobeHits(std::vector<GlobeHitMark> hits)
{
    m_globeHits = std::move(hits);
    refreshGlobe();
}

void SetViewPresenter::updateGlobe()
{
    if (!m_globe || !m_globeActive)
        return;
    const QString channel = globeChannel();
    const auto &members = m_document->members();
    for (int i = 0; i < members.size(); ++i) {
        if (members[i].channel != channel)
            continue;
        MapView *view = viewForMember(i);
        const auto &shown = m_expected[i];
        if (!shown) {
            if (i < m_differenceTicket.size() && m_differenceTicket[i])
                return;  // its difference image is on its way
            if (!members[i].pending && !members[i].referencePending && m_globeMap) {  // nothing to show now
                m_globe->clearMap();
                m_globeMap.reset();
            }
            return;
        }
        // The globe wears the 2D view's colours (map or difference): wait until that rendering is on screen.
        if (!view || view->map() != shown || view->isMapRenderPending() || view->rendered().isNull())
            return;
        // A new map, or new colours for it (the Display dock edits the view the globe takes them from).
        const qint64 imageKey = view->rendered().image().cacheKey();
        if (m_globeMap == shown && m_globeImageKey == imageKey)
            return;
        m_globeMap = shown;
        m_globeImageKey = imageKey;
        // The similarity heatmap of the 2D view (when a query is shown) sits on the sphere too.
        const HeatmapLayer *heatmap = dynamic_cast<const HeatmapLayer *>(view->overlay(QStringLiteral("heatmap")));
        // And the archive-search hits of this time, outlined as the 2D views frame a hit.
        const QImage texture = heatmap && heatmap->hasData() && heatmap->isVisible()
                                   ? heatmap->composeOnto(view->rendered().image())
                                   : view->rendered().image();
        QImage composed = OverlayHitBox::composeOnto(texture, *m_globeMap, m_globeHits, 30 * 60 * 1000, &m_globeHitsDrawn);
        // And the NOAA region labels, when they are shown on the maps.
        m_globeNoaaDrawn = 0;
        if (const auto *noaa = dynamic_cast<const OverlayNoaaRegions *>(view->overlay(QStringLiteral("noaaRegions")));
            noaa && noaa->isVisible())
            composed = noaa->composeOnto(composed, *m_globeMap, &m_globeNoaaDrawn);
        // And the flare events.
        m_globeFlaresDrawn = 0;
        if (const auto *flares = dynamic_cast<const OverlayFlareEvents *>(view->overlay(QStringLiteral("flareEvents")));
            flares && flares->isVisible())
            composed = flares->composeOnto(composed, *m_globeMap, &m_globeFlaresDrawn);
        m_globe->setMap(*m_globeMap, composed);
        m_globe->setCaption(view->title());
        m_globe->setColorBar(view->rendered(), valueLabel(m_globeMap->meta));  // the 2D bar's label
        return;
    }
}

bool SetViewPresenter::isFrameComplete() const
{
    if (m_document->isLoading())
        return false;
    if (!m_document->hasTime())
        return true;  // nothing asked for
    for (quint64 ticket : m_differenceTicket)
        if (ticket)
            return false;  // a difference image is still being made
    const auto &members = m_document->members();
    for (int i = 0; i < members.size(); ++i) {
        MapView *view = viewForMember(i);
        if (!view)
            continue;
        if (i >= m_placed.size() || !m_placed[i])
            return false;  // its map (or message) for this set has not been given to the view yet
        if (m_expected[i] && (view->map() != m_expected[i] || view->isRenderPending()))
            return false;
    }
    return true;
}

bool SetViewPresenter::isSettled() const
{
    if (!m_document->hasTime() || m_holding || !isFrameComplete())
        return false;
    const auto &members = m_document->members();
    if (m_globe && m_globeActive) {
        for (int i = 0; i < members.size(); ++i)
            if (members[i].channel == globeChannel() && m_expected[i] && m_globeMap != m_expected[i])
                return false;
    }
    return true;
}

QStringList SetViewPresenter::errors() const
{
    QStringList out;
    for (const auto &m : m_document->members()) {
        if (!m.error.isEmpty())
            out << m.error;
        if (!m.referenceError.isEmpty())
            out << m.referenceError;
    }
    return out;
}

void SetViewPresenter::setMaxHoldMs(int ms)
{
    m_maxHoldMs = std::max(0, ms);
    if (!m_holding)
        return;
    if (m_maxHoldMs > 0)
        m_holdLimit->start(m_maxHoldMs);
    else
        m_holdLimit->stop();
}

void SetViewPresenter::holdFrame()
{
    if (m_holding || !m_grid || !m_holdFrames)
        return;
    m_holding = true;
    m_grid->setUpdatesEnabled(false);
    if (m_maxHoldMs > 0)
        m_holdLimit->start(m_maxHoldMs);
}

void SetViewPresenter::releaseFrame()
{
    if (!m_holding)
        return;
    m_holding = false;
    m_holdLimit->stop();
    if (m_grid)
        m_grid->setUpdatesEnabled(true);  // repaints every view
    countFrame();
}

void SetViewPresenter::noteContent(int slot)
{
    if (!m_grid || slot < 0 || slot >= m_pendingTime.size())
        return;
    m_pendingTime[slot] = m_setTimeMs;
    MapView *view = m_grid->view(slot);
    // A map already rendered (the same file as before) or a message is what the view paints from now on.
    if (view && !view->isMapRenderPending()) {
        m_viewTime[slot] = m_setTimeMs;
        if (!m_holding)
            countFrame();
    }
}

void SetViewPresenter::onViewRendered(MapView *view)
{
    if (!m_grid)
        return;
    for (int slot = 0; slot < m_viewTime.size(); ++slot) {
        if (m_grid->view(slot) != view)
            continue;
        if (!view->isMapRenderPending())
            m_viewTime[slot] = m_pendingTime[slot];
        break;
    }
    if (!m_holding)
        countFrame();
}

void SetViewPresenter::countFrame()
{
    qint64 time = -1;
    for (qint64 t : std::as_const(m_viewTime)) {
        if (t < 0)
            continue;  // a view with nothing on it yet
        if (time >= 0 && t != time) {
            ++m_mixedFrames;
            return;
        }
        time = t;
    }
    if (time < 0 || time == m_presentedTimeMs)
        return;
    m_presentedTimeMs = time;
    ++m_framesPresented;
    Q_EMIT framePresented(time);
}

void SetViewPresenter::checkSettled()
{
    if (m_holding && isFrameComplete())
        releaseFrame();
    const bool now = isSettled();
    if (now && !m_wasSettled)
        Q_EMIT settled();
    m_wasSettled = now;
}

}  // namespace solarchip
