#include "app/gui/ObservationDocument.h"

#include "app/gui/ArchiveDocument.h"
#include "core/base/ThreadBudget.h"
#include "widgets/TimelineModel.h"

#include <QtConcurrent/qtconcurrenttask.h>

#include <QThread>
#include <QTimeZone>

#include <algorithm>
#include <utility>

namespace solarchip {

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
    // A channel with something to walk first (loose files: a lone 171 file beside a 304 movie must not
    // anchor the steps), AIA before HMI.
    const TimeIndex &index = m_archive->timeline()->index();
    for (const QString &c : shown)
        if (!c.startsWith(QLatin1String("hmi")) && index.times(c).size() > 1)
            return c;
    for (const QString &c : shown)
        if (index.times(c).size() > 1)
            return c;
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

QDateTime ObservationDocument::time() const
{
    return m_hasTime ? QDateTime::fromMSecsSinceEpoch(m_timeMs, QTimeZone::utc()) : QDateTime();
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
    Request r;
    r.kind = Request::Kind::Step;
    r.step = step;
    enqueue(r);
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
    Request r;
    r.kind = Request::Kind::Nearest;
    r.timeMs = utc.toMSecsSinceEpoch();
    enqueue(r);
}

void ObservationDocument::showTime(qint64 timeMs, Step direction)
{
    Request r;
    r.kind = Request::Kind::Exact;
    r.timeMs = timeMs;
    r.step = direction;
    enqueue(r);
}

void ObservationDocument::reload()
{
    if (!m_hasTime && !m_resolving)
        return;
    if (!m_queued.isEmpty() && m_queued.back().kind == Request::Kind::Current)
        return;
    enqueue(Request{});
}

void ObservationDocument::clear()
{
    ++m_generation;  // answers still on their way are for what is being closed
    m_queued.clear();
    m_resolving = false;
    m_watchers.clear();
    m_members.clear();
    m_set = {};
    m_wholeSet = {};
    m_pendingCount = 0;
    m_hasTime = false;
    updateLoading();
    Q_EMIT timeChanged(QDateTime());
    Q_EMIT setChanged();
}

// ---- looking up times off the UI thread -------------------------------------------------------------------

// Everything a look-up needs, copied on the UI thread: the worker touches no document.
struct ObservationDocument::Inputs {
    ArchiveQuery query;
    QStringList channels;
    QStringList allChannels;  // the archive's (channels is a part of them when one channel is in focus)
    QString anchor;
    qint64 toleranceMs = 0;
    qint64 stepMs = 0;  // 0: the anchor channel's cadence
    int displaySize = 1024;
    int prefetchAhead = 0, prefetchBehind = 0;
    DifferenceMode differenceMode = DifferenceMode::None;
};

// The answer: the time to show and its set, each member's reference, the keys to prefetch.
struct ObservationDocument::Resolution {
    bool show = false;  // false: nowhere to go (or an error)
    qint64 timeMs = 0;
    Step direction = Step::NextObservation;
    ObservationSet set;
    ObservationSet wholeSet;          // the same time over every archive channel (set itself when not narrowed)
    QVector<Observation> references;  // per set member (invalid: none)
    QVector<MapKey> prefetch;
    QString error;
    QThread *thread = nullptr;  // where it was worked out
};

namespace {

using Step = ObservationDocument::Step;
using DifferenceMode = ObservationDocument::DifferenceMode;
constexpr qint64 kDayMs = 24LL * 3600 * 1000;

Step inverse(Step step)
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

// The time a step goes to from `from` (nullopt: nowhere to go).
Expected<std::optional<qint64>> stepTarget(const ArchiveQuery &q, const QString &anchor, qint64 stepMs, Step step,
                                           qint64 from)
{
    if (!q.hasTimeAxis())
        return std::optional<qint64>();
    // Steps by a span go to the observation nearest to from +- span, but always at least one observation on,
    // so a span shorter than the cadence still moves and a data gap is jumped over.
    auto bySpan = [&](qint64 span) -> Expected<Observation> {
        auto near = q.nearest(from + span, anchor);
        if (!near)
            return near;
        if (span > 0 && (!near->isValid() || near->timeMs <= from))
            return q.next(from, anchor);
        if (span < 0 && (!near->isValid() || near->timeMs >= from))
            return q.previous(from, anchor);
        return near;
    };
    Expected<Observation> o = Observation{};
    switch (step) {
    case Step::NextObservation: o = q.next(from, anchor); break;
    case Step::PreviousObservation: o = q.previous(from, anchor); break;
    case Step::ForwardByCadence: o = bySpan(stepMs); break;
    case Step::BackByCadence: o = bySpan(-stepMs); break;
    case Step::NextDay: o = bySpan(kDayMs); break;
    case Step::PreviousDay: o = bySpan(-kDayMs); break;
    case Step::First: o = q.first(anchor); break;
    case Step::Last: o = q.last(anchor); break;
    }
    if (!o)
        return o.error();
    if (!o->isValid())
        return std::optional<qint64>();
    return std::optional<qint64>(o->timeMs);
}

// The reference of a member for the difference mode (invalid when there is none).
Expected<Observation> referenceFor(const ArchiveQuery &q, DifferenceMode mode, const Observation &member)
{
    if (!member.isValid() || mode == DifferenceMode::None)
        return Observation{};
    auto ref = mode == DifferenceMode::Running ? q.previous(member.timeMs, member.channel) : q.first(member.channel);
    if (!ref)
        return ref;
    return ref->isValid() && ref->path != member.path ? *ref : Observation{};
}

// The reference prepared onto the grid the member is displayed on: the member's own (display size), or the AIA
// grid HMI was put on.
MapKey referenceKeyFor(const Observation &member, const MapKey &memberKey, const Observation &reference,
                       int displaySize)
{
    std::optional<DisplayPrep> prep = DisplayPrep::fromKey(memberKey.prep);
    if (!prep || prep->kind != DisplayPrep::Kind::IntoFrameOf) {
        const QSize size = DisplayPrep::displaySize(member, displaySize);
        prep = DisplayPrep{DisplayPrep::Kind::IntoFrameOf, size.width(), size.height(), member.path};
    }
    return MapKey{reference.path, prep->toKey()};
}

}  // namespace

ObservationDocument::Resolution ObservationDocument::resolve(const Inputs &in, bool hasTime, qint64 from,
                                                             const QVector<Request> &requests)
{
    Resolution r;
    r.thread = QThread::currentThread();
    const ArchiveQuery &q = in.query;
    const qint64 stepMs = in.stepMs > 0 ? in.stepMs : (q.cadenceMs(in.anchor) > 0 ? q.cadenceMs(in.anchor) : 3600 * 1000);
    auto fail = [&r](const Error &e) {
        r.show = false;
        r.error = e.toString();
        return r;
    };
    // The requests one after the other, each from where the previous one went; only the last place is shown.
    for (const Request &req : requests) {
        switch (req.kind) {
        case Request::Kind::Step: {
            if (!hasTime && req.step != Step::First && req.step != Step::Last)
                break;
            auto target = stepTarget(q, in.anchor, stepMs, req.step, from);
            if (!target)
                return fail(target.error());
            if (*target && (!hasTime || **target != from)) {
                r.show = true;
                r.timeMs = from = **target;
                r.direction = req.step == Step::First ? Step::NextObservation
                              : req.step == Step::Last ? Step::PreviousObservation : req.step;
                hasTime = true;
            }
            break;
        }
        case Request::Kind::Nearest: {
            auto o = q.nearest(req.timeMs, in.anchor);
            if (!o)
                return fail(o.error());
            if (o->isValid()) {
                r.show = true;
                r.direction = hasTime && o->timeMs < from ? Step::PreviousObservation : Step::NextObservation;
                r.timeMs = from = o->timeMs;
                hasTime = true;
            }
            break;
        }
        case Request::Kind::Exact:
            r.show = true;
            r.timeMs = from = req.timeMs;
            r.direction = req.step;
            hasTime = true;
            break;
        case Request::Kind::Current:
            if (hasTime) {
                r.show = true;
                r.timeMs = from;
            }
            break;
        }
    }
    if (!r.show)
        return r;

    auto set = q.nearestSet(r.timeMs, in.channels, in.toleranceMs);
    if (!set)
        return fail(set.error());
    r.set = *set;
    r.wholeSet = r.set;
    if (!in.allChannels.isEmpty() && in.allChannels != in.channels) {
        auto whole = q.nearestSet(r.timeMs, in.allChannels, in.toleranceMs);
        if (!whole)
            return fail(whole.error());
        r.wholeSet = *whole;
    }
    for (const Observation &o : std::as_const(r.set.members)) {
        auto ref = referenceFor(q, in.differenceMode, o);
        if (!ref)
            return fail(ref.error());
        r.references << *ref;
    }

    // The sets the next steps in the same direction will show, then the ones behind (stepping back).
    if (q.hasTimeAxis()) {
        auto walk = [&](Step step, int count) -> Status {
            qint64 t = r.timeMs;
            for (int i = 0; i < count; ++i) {
                auto target = stepTarget(q, in.anchor, stepMs, step, t);
                if (!target)
                    return target.error();
                if (!*target || **target == t)
                    break;
                t = **target;
                auto next = q.nearestSet(t, in.channels, in.toleranceMs);
                if (!next)
                    return next.error();
                for (const Observation &o : std::as_const(next->members)) {
                    if (!o.isValid())
                        continue;
                    const MapKey key{o.path, DisplayPrep::forMember(o, *next, in.displaySize).toKey()};
                    r.prefetch << key;
                    auto ref = referenceFor(q, in.differenceMode, o);
                    if (!ref)
                        return ref.error();
                    if (ref->isValid())
                        r.prefetch << referenceKeyFor(o, key, *ref, in.displaySize);
                }
            }
            return Status::success();
        };
        // A prefetch that fails costs nothing but speed: the set itself is shown, the error reported.
        Status ahead = walk(r.direction, in.prefetchAhead);
        Status behind = ahead ? walk(inverse(r.direction), in.prefetchBehind) : ahead;
        if (!behind)
            r.error = behind.errorString();
    }
    return r;
}

void ObservationDocument::enqueue(const Request &request)
{
    m_sinceChange.restart();
    // A time asked for outright makes the steps still waiting pointless.
    if (request.kind == Request::Kind::Nearest || request.kind == Request::Kind::Exact)
        m_queued.clear();
    m_queued << request;
    if (!m_resolving)
        launch();
}

void ObservationDocument::launch()
{
    Inputs in;
    in.query = m_archive->query();
    in.channels = channels();
    in.allChannels = m_archive->channels();
    in.anchor = anchorChannel();
    in.toleranceMs = m_toleranceMs;
    in.stepMs = m_stepMs;
    in.displaySize = m_displaySize;
    in.prefetchAhead = m_prefetchAhead;
    in.prefetchBehind = m_prefetchBehind;
    in.differenceMode = m_differenceMode;
    const QVector<Request> requests = std::exchange(m_queued, {});
    const bool hasTime = m_hasTime;
    const qint64 from = m_timeMs;
    const quint64 generation = ++m_generation;
    m_resolving = true;
    updateLoading();
    // Ahead of queued map loads on the same pool: the user waits for this answer before anything loads.
    QFuture<Resolution> future = QtConcurrent::task([in, hasTime, from, requests] {
                                     return resolve(in, hasTime, from, requests);
                                 })
                                     .onThreadPool(*ThreadBudget::instance().pool(ThreadBudget::Pool::Io))
                                     .withPriority(1)
                                     .spawn();
    auto *watcher = new QFutureWatcher<Resolution>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        onResolved(generation, watcher->result());
    });
    watcher->setFuture(future);
}

void ObservationDocument::onResolved(quint64 generation, const Resolution &r)
{
    if (generation != m_generation)
        return;  // the archive was closed or replaced meanwhile
    m_resolving = false;
    m_lastLookupThread = r.thread;
    if (!r.error.isEmpty())
        Q_EMIT failed(r.error);
    if (!m_queued.isEmpty()) {
        // The user has moved on: this place is not shown, only where the next requests start from.
        if (r.show) {
            Request reached;
            reached.kind = Request::Kind::Exact;
            reached.timeMs = r.timeMs;
            reached.step = r.direction;
            m_queued.prepend(reached);
        }
        launch();
        return;
    }
    if (r.show)
        apply(r);
    else
        updateLoading();
    if (!isLoading())
        Q_EMIT setLoaded();
}

void ObservationDocument::apply(const Resolution &r)
{
    const bool timeMoved = !m_hasTime || r.timeMs != m_timeMs;
    m_hasTime = true;
    m_timeMs = r.timeMs;
    m_set = r.set;
    m_wholeSet = r.wholeSet;

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
            if (i < r.references.size())
                m.reference = r.references[i];
            if (m.reference.isValid())
                m.referenceKey = referenceKeyFor(m.observation, m.key, m.reference, m_displaySize);
        }
        m_members << m;
    }
    if (timeMoved)
        Q_EMIT timeChanged(time());
    Q_EMIT setChanged();
    requestMembers();
    prefetch(r.prefetch);
}

void ObservationDocument::updateLoading()
{
    if (isLoading() == m_loadingSignalled)
        return;
    m_loadingSignalled = isLoading();
    Q_EMIT loadingChanged(m_loadingSignalled);
}

void ObservationDocument::requestMembers()
{
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
    updateLoading();
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
        updateLoading();
        if (!isLoading())
            Q_EMIT setLoaded();
    }
}

void ObservationDocument::prefetch(const QVector<MapKey> &wanted)
{
    QSet<MapKey> keep;
    for (const Member &m : std::as_const(m_members)) {
        if (m.observation.isValid())
            keep.insert(m.key);
        if (m.reference.isValid())
            keep.insert(m.referenceKey);
    }
    for (const MapKey &k : wanted)
        keep.insert(k);
    m_cache->cancelQueuedExcept(keep);
    for (const MapKey &k : wanted)
        if (!m_cache->contains(k))
            m_cache->request(k, MapCache::Priority::Prefetch);
}

}  // namespace solarchip
