#include "core/archive/MapCache.h"

#include "core/base/ThreadBudget.h"
#include "core/base/ThreadPriority.h"

#include <QElapsedTimer>
#include <QMutex>
#include <QMutexLocker>
#include <QPromise>
#include <QThread>
#include <QThreadPool>
#include <QWaitCondition>

#include <deque>
#include <list>

namespace solarchip {

size_t qHash(const MapKey &key, size_t seed) noexcept
{
    return qHashMulti(seed, key.file, key.prep);
}

namespace {

// A load somebody is waiting for. Several requests for the same key share it (and its future).
struct Pending {
    MapKey key;
    MapCache::Priority priority = MapCache::Priority::Prefetch;
    QPromise<MapLoadResult> promise;
    QFuture<MapLoadResult> future;
    bool started = false;
};
using PendingPtr = std::shared_ptr<Pending>;

struct Entry {
    MapPtr map;
    qint64 cost = 0;
    std::list<MapKey>::iterator lru;  // position in the recency list (front = most recent)
};

QFuture<MapLoadResult> readyFuture(MapLoadResult result)
{
    QPromise<MapLoadResult> promise;
    promise.start();
    promise.addResult(std::move(result));
    promise.finish();
    return promise.future();
}

}  // namespace

struct MapCache::Private {
    Loader loader;
    std::unique_ptr<QThreadPool> ownPool;  // only when the cache was given its own thread count
    QThreadPool *pool = nullptr;
    mutable QMutex mutex;
    QWaitCondition idle;
    QWaitCondition drained;
    int scheduled = 0;  // runnables handed to the pool and not yet returned (the pool may be shared)
    qint64 budget = 0;
    qint64 used = 0;
    QHash<MapKey, Entry> entries;
    std::list<MapKey> recency;
    QHash<MapKey, PendingPtr> pending;                    // queued or running
    std::deque<PendingPtr> queue[2];                      // by Priority, FIFO within one
    Stats stats;

    void touch(Entry &entry)
    {
        recency.splice(recency.begin(), recency, entry.lru);
    }
    // Drops least recently used maps until the budget holds, but, with keepFront, never the one just inserted (at the
    // front): a single map over the whole budget is still served, it just does not stay for long.
    void evict(bool keepFront)
    {
        while (used > budget && !recency.empty()) {
            if (keepFront && recency.size() == 1)
                break;
            auto e = entries.find(recency.back());
            used -= e->cost;
            entries.erase(e);
            recency.pop_back();
            ++stats.evictions;
        }
    }
    void insert(const MapKey &key, MapPtr map)
    {
        if (auto old = entries.find(key); old != entries.end()) {
            used -= old->cost;
            recency.erase(old->lru);
            entries.erase(old);
        }
        recency.push_front(key);
        Entry entry{map, costOf(*map), recency.begin()};
        used += entry.cost;
        entries.insert(key, entry);
        evict(true);
    }
    PendingPtr popQueued()
    {
        for (int p = 1; p >= 0; --p) {
            if (!queue[p].empty()) {
                PendingPtr next = queue[p].front();
                queue[p].pop_front();
                return next;
            }
        }
        return {};
    }
};

MapCache::MapCache(Loader loader, qint64 budgetBytes, int threads, QObject *parent)
    : QObject(parent), d(std::make_unique<Private>())
{
    d->loader = std::move(loader);
    d->budget = std::max<qint64>(0, budgetBytes);
    if (threads > 0) {
        d->ownPool = std::make_unique<QThreadPool>();
        d->ownPool->setMaxThreadCount(threads);
        // Workers idle for a while between steps; keeping them avoids thread start-up on every step.
        d->ownPool->setExpiryTimeout(60000);
        d->pool = d->ownPool.get();
    } else {
        d->pool = ThreadBudget::instance().pool(ThreadBudget::Pool::Io);
    }
}

MapCache::~MapCache()
{
    cancelQueuedExcept({});
    // Runnables already handed to a shared pool still refer to this cache: wait until each has returned (the
    // queued ones find nothing left to load and return at once).
    QMutexLocker lock(&d->mutex);
    while (d->scheduled > 0)
        d->drained.wait(&d->mutex);
}

qint64 MapCache::costOf(const SdoMap &map)
{
    return static_cast<qint64>(map.image.pixels.size() * sizeof(float)) + 16 * 1024;
}

QFuture<MapLoadResult> MapCache::request(const MapKey &key, Priority priority)
{
    QMutexLocker lock(&d->mutex);
    if (auto it = d->entries.find(key); it != d->entries.end()) {
        d->touch(*it);
        ++d->stats.hits;
        MapLoadResult result;
        result.key = key;
        result.map = it->map;
        result.fromCache = true;
        return readyFuture(std::move(result));
    }
    ++d->stats.misses;
    if (auto it = d->pending.find(key); it != d->pending.end()) {
        PendingPtr p = *it;
        if (!p->started && priority > p->priority) {
            auto &from = d->queue[int(p->priority)];
            from.erase(std::find(from.begin(), from.end(), p));
            p->priority = priority;
            d->queue[int(priority)].push_back(p);
        }
        return p->future;
    }
    auto p = std::make_shared<Pending>();
    p->key = key;
    p->priority = priority;
    p->promise.start();
    p->future = p->promise.future();
    d->pending.insert(key, p);
    d->queue[int(priority)].push_back(p);
    ++d->scheduled;
    QFuture<MapLoadResult> future = p->future;
    lock.unlock();
    // One runnable per queued request; each takes whatever is most urgent when it gets a thread.
    d->pool->start([this] {
        runOne();
        QMutexLocker done(&d->mutex);
        if (--d->scheduled == 0)
            d->drained.wakeAll();
    });
    return future;
}

void MapCache::runOne()
{
    // Loads are background work: whoever waits for them (the UI thread) keeps the CPU first.
    ThreadPriority::makeCurrentThreadBackground();
    PendingPtr p;
    {
        QMutexLocker lock(&d->mutex);
        p = d->popQueued();
        if (!p)
            return;  // its request was cancelled while queued
        p->started = true;
    }
    MapLoadResult result;
    result.key = p->key;
    QElapsedTimer timer;
    timer.start();
    Expected<SdoMap> map = d->loader(p->key);
    result.loadMs = timer.nsecsElapsed() / 1e6;
    if (map)
        result.map = std::make_shared<const SdoMap>(std::move(map).value());
    else
        result.error = map.errorString();
    {
        QMutexLocker lock(&d->mutex);
        if (result.map)
            d->insert(p->key, result.map);
        d->pending.remove(p->key);
        ++d->stats.loads;
        if (d->pending.isEmpty())
            d->idle.wakeAll();
    }
    // The map is in the cache before the future finishes, so a watcher that looks it up finds it.
    p->promise.addResult(result);
    p->promise.finish();
    if (result.map)
        Q_EMIT loaded(p->key);
}

MapPtr MapCache::find(const MapKey &key)
{
    QMutexLocker lock(&d->mutex);
    auto it = d->entries.find(key);
    if (it == d->entries.end())
        return {};
    d->touch(*it);
    return it->map;
}

bool MapCache::contains(const MapKey &key) const
{
    QMutexLocker lock(&d->mutex);
    return d->entries.contains(key);
}

bool MapCache::isPending(const MapKey &key) const
{
    QMutexLocker lock(&d->mutex);
    return d->pending.contains(key);
}

void MapCache::cancelQueuedExcept(const QSet<MapKey> &keep)
{
    std::vector<PendingPtr> dropped;
    {
        QMutexLocker lock(&d->mutex);
        for (auto &queue : d->queue) {
            for (auto it = queue.begin(); it != queue.end();) {
                if (keep.contains((*it)->key)) {
                    ++it;
                    continue;
                }
                dropped.push_back(*it);
                d->pending.remove((*it)->key);
                it = queue.erase(it);
                ++d->stats.cancelled;
            }
        }
        if (d->pending.isEmpty())
            d->idle.wakeAll();
    }
    for (const PendingPtr &p : dropped) {
        MapLoadResult result;
        result.key = p->key;
        result.cancelled = true;
        p->promise.addResult(result);
        p->promise.finish();
    }
}

int MapCache::pendingCount() const
{
    QMutexLocker lock(&d->mutex);
    return int(d->pending.size());
}

void MapCache::waitForIdle()
{
    QMutexLocker lock(&d->mutex);
    while (!d->pending.isEmpty())
        d->idle.wait(&d->mutex);
}

void MapCache::setBudget(qint64 bytes)
{
    QMutexLocker lock(&d->mutex);
    d->budget = std::max<qint64>(0, bytes);
    d->evict(false);
}

qint64 MapCache::budget() const
{
    QMutexLocker lock(&d->mutex);
    return d->budget;
}

qint64 MapCache::bytesUsed() const
{
    QMutexLocker lock(&d->mutex);
    return d->used;
}

int MapCache::count() const
{
    QMutexLocker lock(&d->mutex);
    return int(d->entries.size());
}

MapCache::Stats MapCache::stats() const
{
    QMutexLocker lock(&d->mutex);
    return d->stats;
}

void MapCache::clear()
{
    QMutexLocker lock(&d->mutex);
    d->entries.clear();
    d->recency.clear();
    d->used = 0;
}

}  // namespace solarchip
