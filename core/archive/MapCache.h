#pragma once
// A memory-budgeted LRU cache of prepared maps, together with the background loads that fill it. The GUI asks
// for a map by file + prep parameters and gets a QFuture; a hit is an already-finished future, a miss queues a
// load on the thread budget's Io pool (core/base/ThreadBudget). Requests have a priority (what is on screen now before what is being
// prefetched) and queued requests can be dropped when the user moves on, so a fast stepper never waits behind
// loads for times already left behind. Loads that have started always complete and land in the cache (they are
// likely to be wanted again soon, e.g. when stepping back).
//
// Loader threads run at background CPU priority (core/ThreadPriority), so a UI thread waiting for them is
// not starved on machines with few cores.
//
// GUI-free so the training/embedding side can use the same cache; the loader function decides what "prepared"
// means (decode + co-register + scale), the cache only counts the bytes.

#include "core/base/Expected.h"
#include "core/map/SdoMap.h"

#include <QFuture>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QString>

#include <functional>
#include <memory>

class QThreadPool;

namespace solarchip {

/// Identifies a prepared map: the file it comes from and a canonical text of the prep parameters.
struct MapKey {
    QString file;
    QString prep;  // e.g. "frame=512@2.4"; empty for the map as stored
    bool operator==(const MapKey &other) const = default;
};
size_t qHash(const MapKey &key, size_t seed = 0) noexcept;

using MapPtr = std::shared_ptr<const SdoMap>;

/// What a request delivers. Exactly one of map / error / cancelled is set.
struct MapLoadResult {
    MapKey key;
    MapPtr map;
    QString error;           // "file: problem"
    bool cancelled = false;  // dropped from the queue before it started
    bool fromCache = false;  // served without loading
    double loadMs = 0;       // time the loader took (0 for cache hits)
};

class MapCache : public QObject {
    Q_OBJECT
public:
    using Loader = std::function<Expected<SdoMap>(const MapKey &key)>;
    enum class Priority { Prefetch = 0, Visible = 1 };

    struct Stats {
        qint64 hits = 0;
        qint64 misses = 0;       // requests that had to load (or joined a load in flight)
        qint64 loads = 0;        // loads completed (successfully or not)
        qint64 evictions = 0;
        qint64 cancelled = 0;
    };

    /// `threads` <= 0: loads run on the thread budget's Io pool (shared with the GUI's other short I/O);
    /// > 0: on a pool of this cache's own with that many threads (tests that need an exact count).
    MapCache(Loader loader, qint64 budgetBytes, int threads = 0, QObject *parent = nullptr);
    /// Drops the queue and waits for loads already running.
    ~MapCache() override;

    /// The map for `key`: finished at once on a hit; otherwise loaded in the background. Asking again for a key
    /// that is queued or loading joins that load (and raises its priority if needed).
    QFuture<MapLoadResult> request(const MapKey &key, Priority priority);
    /// The cached map (marked as recently used), or null.
    MapPtr find(const MapKey &key);
    bool contains(const MapKey &key) const;
    /// True while the key is queued or loading.
    bool isPending(const MapKey &key) const;
    /// Drops every queued (not yet started) request whose key is not in `keep`; their futures finish cancelled.
    void cancelQueuedExcept(const QSet<MapKey> &keep);
    /// Requests queued or loading.
    int pendingCount() const;
    /// Waits until nothing is queued or loading (for tests and benchmarks; blocks the calling thread).
    void waitForIdle();

    void setBudget(qint64 bytes);
    qint64 budget() const;
    qint64 bytesUsed() const;
    int count() const;
    Stats stats() const;
    void clear();

    /// Bytes a map accounts for in the budget (pixels plus a small fixed overhead).
    static qint64 costOf(const SdoMap &map);

Q_SIGNALS:
    /// Emitted (queued to the cache's thread) after a load has finished and its map entered the cache.
    void loaded(const solarchip::MapKey &key);

private:
    struct Private;
    std::unique_ptr<Private> d;
    void runOne();
};

}  // namespace solarchip
