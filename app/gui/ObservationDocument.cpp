#include "app/gui/ObservationDocument.h"

#include "app/gui/ArchiveDocument.h"
#include "widgets/TimelineModel.h"

#include <QTimeZone>

#include <algorithm>

namespace solarchip {

namespace {
constexpr qint64 kDayMs = 24LL * 3600 * 1000;
}

ObservationDocument::ObservationDocument(ArchiveDocument *archive, MapCache *cache, QObject *parent)
    : QObject(parent), m_archive(archive), m_cache(cache)
{
    m_sinceChange.start();
}

ObservationDocument::~ObservationDocument() = default;

void ObservationDocument::setChannels(const QStringList &channels)
{
    if (channels == m_channels)
        return;
    m_channels = channels;
    reload();
}

QStringList ObservationDocument::channels() const
{
    return m_channels.isEmpty() ? m_archive->channels() : m_channels;
}

void ObservationDocument::setAnchorChannel(const QString &channel)
{
    m_anchor = channel;
}

QString ObservationDocument::anchorChannel() const
{
    const QStringList shown = channels();
    if (!m_anchor.isEmpty() && m_archive->channels().contains(m_anchor))
        return m_anchor;
    for (const QString &c : shown)
        if (!c.startsWith(QLatin1String("hmi")) && m_archive->channels().contains(c))
            return c;
    for (const QString &c : shown)
        if (m_archive->channels().contains(c))
            return c;
    return {};
}

void ObservationDocument::setToleranceMs(qint64 ms)
{
    if (ms == m_toleranceMs)
        return;
    m_toleranceMs = ms;
    reload();
}

void ObservationDocument::setStepMs(qint64 ms)
{
    m_stepMs = std::max<qint64>(0, ms);
}

qint64 ObservationDocument::stepMs() const
{
    if (m_stepMs > 0)
        return m_stepMs;
    const qint64 cadence = m_archive->cadenceMs(anchorChannel());
    return cadence > 0 ? cadence : 3600 * 1000;
}

void ObservationDocument::setDisplaySize(int pixels)
{
    if (pixels == m_displaySize)
        return;
    m_displaySize = pixels;
    reload();
}

void ObservationDocument::setPrefetch(int ahead, int behind)
{
    m_prefetchAhead = std::max(0, ahead);
    m_prefetchBehind = std::max(0, behind);
}

void ObservationDocument::setDifferenceMode(DifferenceMode mode)
{
    if (mode == m_differenceMode)
        return;
    m_differenceMode = mode;
    Q_EMIT differenceModeChanged(mode);
    reload();
}

Observation ObservationDocument::referenceFor(const Observation &member) const
{
    if (!member.isValid() || m_differenceMode == DifferenceMode::None)
        return {};
    const Observation ref = m_differenceMode == DifferenceMode::Running
                                ? m_archive->previous(member.timeMs, member.channel)
                                : m_archive->first(member.channel);
    return ref.isValid() && ref.path != member.path ? ref : Observation{};
}

MapKey ObservationDocument::referenceKeyFor(const Observation &member, const MapKey &memberKey,
                                            const Observation &reference) const
{
    // Onto the grid the member is shown on: the member's own (display size), or the AIA grid HMI was put on.
    std::optional<DisplayPrep> prep = DisplayPrep::fromKey(memberKey.prep);
    if (!prep || prep->kind != DisplayPrep::Kind::IntoFrameOf) {
        const QSize size = DisplayPrep::displaySize(member, m_displaySize);
        prep = DisplayPrep{DisplayPrep::Kind::IntoFrameOf, size.width(), size.height(), member.path};
    }
    return MapKey{reference.path, prep->toKey()};
}

QDateTime ObservationDocument::time() const
{
    return m_hasTime ? QDateTime::fromMSecsSinceEpoch(m_timeMs, QTimeZone::utc()) : QDateTime();
}

ObservationDocument::Step ObservationDocument::inverse(Step step)
{
    switch (step) {
    case Step::PreviousObservation: return Step::NextObservation;
    case Step::NextObservation: return Step::PreviousObservation;
    case Step::BackByCadence: return Step::ForwardByCadence;
    case Step::ForwardByCadence: return Step::BackByCadence;
    case Step::PreviousDay: return Step::NextDay;
    case Step::NextDay: return Step::PreviousDay;
    case Step::First: return Step::NextObservation;
    case Step::Last: return Step::PreviousObservation;
    }
    return Step::NextObservation;
}

std::optional<qint64> ObservationDocument::stepTarget(Step step, qint64 from) const
{
    if (!m_archive->hasTimeAxis() || !m_archive->hasData())
        return std::nullopt;
    const QString anchor = anchorChannel();
    Observation o;
    // Steps by a span go to the observation nearest to from +- span, but always at least one observation on,
    // so a span shorter than the cadence still moves and a data gap is jumped over.
    auto bySpan = [&](qint64 span) {
        Observation near = m_archive->nearest(from + span, anchor);
        if (span > 0 && (!near.isValid() || near.timeMs <= from))
            near = m_archive->next(from, anchor);
        if (span < 0 && (!near.isValid() || near.timeMs >= from))
            near = m_archive->previous(from, anchor);
        return near;
    };
    switch (step) {
    case Step::NextObservation: o = m_archive->next(from, anchor); break;
    case Step::PreviousObservation: o = m_archive->previous(from, anchor); break;
    case Step::ForwardByCadence: o = bySpan(stepMs()); break;
    case Step::BackByCadence: o = bySpan(-stepMs()); break;
    case Step::NextDay: o = bySpan(kDayMs); break;
    case Step::PreviousDay: o = bySpan(-kDayMs); break;
    case Step::First: o = m_archive->first(anchor); break;
    case Step::Last: o = m_archive->last(anchor); break;
    }
    if (!o.isValid())
        return std::nullopt;
    return o.timeMs;
}

bool ObservationDocument::canStep(Step step) const
{
    if (!m_hasTime || !m_archive->hasTimeAxis())
        return false;
    // Answered from the in-memory timeline (no catalog query): is there an anchor observation that way?
    const QVector<qint64> &t = m_archive->timeline()->times(anchorChannel());
    if (t.isEmpty())
        return false;
    switch (step) {
    case Step::NextObservation:
    case Step::ForwardByCadence:
    case Step::NextDay: return t.back() > m_timeMs;
    case Step::PreviousObservation:
    case Step::BackByCadence:
    case Step::PreviousDay: return t.front() < m_timeMs;
    case Step::First: return t.front() != m_timeMs;
    case Step::Last: return t.back() != m_timeMs;
    }
    return false;
}

void ObservationDocument::step(Step step)
{
    if (!m_hasTime && step != Step::First && step != Step::Last)
        return;
    const auto target = stepTarget(step, m_timeMs);
    if (target && (!m_hasTime || *target != m_timeMs))
        showTime(*target, step == Step::First ? Step::NextObservation
                          : step == Step::Last ? Step::PreviousObservation : step);
}

void ObservationDocument::goToTime(const QDateTime &utc)
{
    if (!utc.isValid())
        return;
    if (!m_archive->hasTimeAxis()) {  // one fixed set (loose files): it is shown whatever the time
        if (const auto start = m_archive->startTime())
            showTime(*start);
        return;
    }
    const qint64 t = utc.toMSecsSinceEpoch();
    const Observation o = m_archive->nearest(t, anchorChannel());
    if (!o.isValid())
        return;
    showTime(o.timeMs, o.timeMs < m_timeMs ? Step::PreviousObservation : Step::NextObservation);
}

void ObservationDocument::showTime(qint64 timeMs, Step direction)
{
    m_sinceChange.restart();
    const bool timeMoved = !m_hasTime || timeMs != m_timeMs;
    m_hasTime = true;
    m_timeMs = timeMs;
    m_set = m_archive->nearestSet(timeMs, channels(), m_toleranceMs);

    // Results for the set we leave are of no interest any more (the cache keeps them if they finish).
    m_watchers.clear();
    m_members.clear();
    for (int i = 0; i < m_set.channels.size(); ++i) {
        Member m;
        m.channel = m_set.channels[i];
        if (i < m_set.members.size())
            m.observation = m_set.members[i];
        if (m.observation.isValid()) {
            m.key = MapKey{m.observation.path, DisplayPrep::forMember(m.observation, m_set, m_displaySize).toKey()};
            m.reference = referenceFor(m.observation);
            if (m.reference.isValid())
                m.referenceKey = referenceKeyFor(m.observation, m.key, m.reference);
        }
        m_members << m;
    }
    if (timeMoved)
        Q_EMIT timeChanged(time());
    Q_EMIT setChanged();
    requestMembers();
    prefetch(direction);
}

void ObservationDocument::requestMembers()
{
    const bool wasLoading = isLoading();
    m_pendingCount = 0;
    // A member's map and, in a difference mode, its reference: each from the cache, or watched until loaded.
    auto request = [this](int index, bool reference) {
        Member &m = m_members[index];
        QFuture<MapLoadResult> future =
            m_cache->request(reference ? m.referenceKey : m.key, MapCache::Priority::Visible);
        if (future.isFinished()) {  // a cache hit: no event-loop round trip
            const MapLoadResult r = future.result();
            (reference ? m.referenceMap : m.map) = r.map;
            (reference ? m.referenceError : m.error) = r.error;
            return;
        }
        (reference ? m.referencePending : m.pending) = true;
        ++m_pendingCount;
        auto watcher = std::make_unique<QFutureWatcher<MapLoadResult>>();
        connect(watcher.get(), &QFutureWatcherBase::finished, this, [this, index, reference, w = watcher.get()] {
            onLoaded(index, reference, w->future().result());
        });
        watcher->setFuture(future);
        m_watchers.push_back(std::move(watcher));
    };
    for (int i = 0; i < m_members.size(); ++i) {
        if (!m_members[i].observation.isValid())
            continue;
        request(i, false);
        if (m_members[i].reference.isValid())
            request(i, true);
    }
    for (int i = 0; i < m_members.size(); ++i) {
        const Member &m = m_members[i];
        if (!m.pending && !m.referencePending && (m.map || !m.error.isEmpty()))
            Q_EMIT memberChanged(i);
    }
    if (isLoading() != wasLoading)
        Q_EMIT loadingChanged(isLoading());
    if (!isLoading())
        Q_EMIT setLoaded();
}

void ObservationDocument::onLoaded(int index, bool reference, const MapLoadResult &result)
{
    if (index < 0 || index >= m_members.size())
        return;
    Member &m = m_members[index];
    bool &pending = reference ? m.referencePending : m.pending;
    if (!pending)
        return;
    pending = false;
    QString &error = reference ? m.referenceError : m.error;
    if (result.cancelled)  // only when the cache itself goes away: the current set is never dropped
        error = tr("loading was cancelled");
    else {
        (reference ? m.referenceMap : m.map) = result.map;
        error = result.error;
    }
    --m_pendingCount;
    if (!m.pending && !m.referencePending)
        Q_EMIT memberChanged(index);
    if (m_pendingCount == 0) {
        Q_EMIT loadingChanged(false);
        Q_EMIT setLoaded();
    }
}

void ObservationDocument::prefetch(Step direction)
{
    QSet<MapKey> keep;
    for (const Member &m : std::as_const(m_members)) {
        if (m.observation.isValid())
            keep.insert(m.key);
        if (m.reference.isValid())
            keep.insert(m.referenceKey);
    }
    QVector<MapKey> wanted;
    if (m_archive->hasTimeAxis()) {
        // The sets the next steps in the same direction will show, then the ones behind (stepping back).
        auto walk = [&](Step step, int count) {
            qint64 t = m_timeMs;
            for (int i = 0; i < count; ++i) {
                const auto target = stepTarget(step, t);
                if (!target || *target == t)
                    break;
                t = *target;
                const ObservationSet set = m_archive->nearestSet(t, channels(), m_toleranceMs);
                for (const Observation &o : set.members) {
                    if (!o.isValid())
                        continue;
                    const MapKey key{o.path, DisplayPrep::forMember(o, set, m_displaySize).toKey()};
                    wanted << key;
                    if (const Observation ref = referenceFor(o); ref.isValid())
                        wanted << referenceKeyFor(o, key, ref);
                }
            }
        };
        walk(direction, m_prefetchAhead);
        walk(inverse(direction), m_prefetchBehind);
    }
    for (const MapKey &k : std::as_const(wanted))
        keep.insert(k);
    m_cache->cancelQueuedExcept(keep);
    for (const MapKey &k : std::as_const(wanted))
        if (!m_cache->contains(k))
            m_cache->request(k, MapCache::Priority::Prefetch);
}

void ObservationDocument::reload()
{
    if (m_hasTime)
        showTime(m_timeMs);
}

void ObservationDocument::clear()
{
    m_watchers.clear();
    m_members.clear();
    m_set = {};
    const bool wasLoading = isLoading();
    m_pendingCount = 0;
    m_hasTime = false;
    if (wasLoading)
        Q_EMIT loadingChanged(false);
    Q_EMIT timeChanged(QDateTime());
    Q_EMIT setChanged();
}

}  // namespace solarchip
