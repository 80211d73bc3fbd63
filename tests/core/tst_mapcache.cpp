// core/MapCache: LRU order and byte budget, one load per key however many ask, visible requests before
// prefetch, dropping queued requests, and loader errors. The loader here makes maps of known sizes and counts
// its calls, so every expectation is a count or a byte total known without the cache.
#include "core/archive/MapCache.h"

#include <QAtomicInt>
#include <QMutex>
#include <QSemaphore>
#include <QTest>
#include <QThread>
#include <QThreadPool>

using namespace solarchip;

namespace {

// A map of width x 1 float pixels: costOf() = 4 * width + 16 KiB.
SdoMap mapOfWidth(int width)
{
    SdoMap m;
    m.image = Image(width, 1, 1.0f);
    return m;
}

MapKey key(int i)
{
    return MapKey{QStringLiteral("/data/file%1.fits").arg(i), QStringLiteral("l15:512:4.8:c")};
}

constexpr qint64 kOverhead = 16 * 1024;

// A loader that records the order of its loads and holds the one for key(0) until `gate` is released (with
// a single worker thread, everything asked for meanwhile stays queued).
struct OrderedLoader {
    QSemaphore started;
    QSemaphore gate;
    QMutex mutex;
    QStringList loads;

    MapCache::Loader function()
    {
        return [this](const MapKey &k) {
            if (k == key(0)) {
                started.release();
                gate.acquire();
            }
            QMutexLocker lock(&mutex);
            loads << k.file;
            return Expected<SdoMap>(mapOfWidth(4));
        };
    }
    QStringList order()
    {
        QMutexLocker lock(&mutex);
        return loads;
    }
};

}  // namespace

class TestMapCache : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void costIsPixelsPlusOverhead()
    {
        QCOMPARE(MapCache::costOf(mapOfWidth(1000)), 4000 + kOverhead);
    }

    void hitAfterLoadAndOneLoadPerKey()
    {
        QAtomicInt calls;
        MapCache cache([&](const MapKey &) { calls.fetchAndAddRelaxed(1); return Expected<SdoMap>(mapOfWidth(10)); },
                       qint64(1) << 30, 2);
        auto f1 = cache.request(key(1), MapCache::Priority::Visible);
        auto f2 = cache.request(key(1), MapCache::Priority::Prefetch);  // joins the load in flight or hits
        f1.waitForFinished();
        f2.waitForFinished();
        QVERIFY(f1.result().map);
        QCOMPARE(f1.result().map, f2.result().map);
        QCOMPARE(calls.loadRelaxed(), 1);
        auto f3 = cache.request(key(1), MapCache::Priority::Visible);
        QVERIFY(f3.isFinished());  // a hit is ready at once
        QVERIFY(f3.result().fromCache);
        QCOMPARE(calls.loadRelaxed(), 1);
        QCOMPARE(cache.stats().hits, qint64(1) + (f2.result().fromCache ? 1 : 0));
    }

    void evictsLeastRecentlyUsedWithinBudget()
    {
        // Each map costs 4*1024 + 16 KiB = 20 KiB; a 65 KiB budget holds three.
        const qint64 cost = 4 * 1024 + kOverhead;
        MapCache cache([](const MapKey &) { return Expected<SdoMap>(mapOfWidth(1024)); }, 3 * cost + 1000, 1);
        for (int i = 1; i <= 3; ++i)
            cache.request(key(i), MapCache::Priority::Visible).waitForFinished();
        QCOMPARE(cache.count(), 3);
        QCOMPARE(cache.bytesUsed(), 3 * cost);
        QVERIFY(cache.find(key(1)));  // 1 becomes the most recent; 2 is now the oldest
        cache.request(key(4), MapCache::Priority::Visible).waitForFinished();
        QCOMPARE(cache.count(), 3);
        QVERIFY(cache.contains(key(1)));
        QVERIFY(!cache.contains(key(2)));
        QVERIFY(cache.contains(key(3)));
        QVERIFY(cache.contains(key(4)));
        QCOMPARE(cache.stats().evictions, qint64(1));
        cache.setBudget(cost);  // shrinking evicts down to the most recent one
        QCOMPARE(cache.count(), 1);
        QVERIFY(cache.contains(key(4)));
    }

    void mapLargerThanBudgetIsStillServed()
    {
        MapCache cache([](const MapKey &) { return Expected<SdoMap>(mapOfWidth(100000)); }, 1000, 1);
        auto f = cache.request(key(1), MapCache::Priority::Visible);
        f.waitForFinished();
        QVERIFY(f.result().map);
        QCOMPARE(f.result().map->image.width, 100000);
    }

    void visibleBeforePrefetchAndCancelQueued()
    {
        // One worker, blocked on a first load, so the order in which queued keys are loaded is observable.
        OrderedLoader loader;
        MapCache cache(loader.function(), qint64(1) << 30, 1);
        auto blocker = cache.request(key(0), MapCache::Priority::Visible);
        QVERIFY(loader.started.tryAcquire(1, 10000));  // the worker is busy with key 0: the rest stays queued
        auto p1 = cache.request(key(1), MapCache::Priority::Prefetch);
        auto p2 = cache.request(key(2), MapCache::Priority::Prefetch);
        auto v3 = cache.request(key(3), MapCache::Priority::Visible);
        auto p4 = cache.request(key(4), MapCache::Priority::Prefetch);
        // The user moved on: keep 1 and 3, drop the rest of the queue.
        cache.cancelQueuedExcept({key(1), key(3)});
        QVERIFY(p2.isFinished());
        QVERIFY(p2.result().cancelled);
        QVERIFY(p4.result().cancelled);
        loader.gate.release();
        cache.waitForIdle();
        QVERIFY(v3.result().map);
        QVERIFY(p1.result().map);
        QCOMPARE(loader.order(), (QStringList{key(0).file, key(3).file, key(1).file}));
        QCOMPARE(cache.stats().cancelled, qint64(2));
        QVERIFY(!cache.contains(key(2)));
    }

    void prefetchRaisedToVisibleMovesAhead()
    {
        OrderedLoader loader;
        MapCache cache(loader.function(), qint64(1) << 30, 1);
        cache.request(key(0), MapCache::Priority::Visible);
        QVERIFY(loader.started.tryAcquire(1, 10000));  // the worker is busy with key 0: the rest stays queued
        cache.request(key(1), MapCache::Priority::Prefetch);
        cache.request(key(2), MapCache::Priority::Prefetch);
        cache.request(key(2), MapCache::Priority::Visible);  // now on screen: load it before 1
        loader.gate.release();
        cache.waitForIdle();
        QCOMPARE(loader.order(), (QStringList{key(0).file, key(2).file, key(1).file}));
    }

    void loaderErrorIsReportedAndNotCached()
    {
        QAtomicInt calls;
        MapCache cache(
            [&](const MapKey &k) -> Expected<SdoMap> {
                calls.fetchAndAddRelaxed(1);
                return Error{k.file, QStringLiteral("truncated")};
            },
            qint64(1) << 30, 1);
        auto f = cache.request(key(7), MapCache::Priority::Visible);
        f.waitForFinished();
        QVERIFY(!f.result().map);
        QCOMPARE(f.result().error, key(7).file + QStringLiteral(": truncated"));
        QVERIFY(!cache.contains(key(7)));
        cache.request(key(7), MapCache::Priority::Visible).waitForFinished();
        QCOMPARE(calls.loadRelaxed(), 2);  // asked again, tried again
    }

    void differentPrepIsADifferentEntry()
    {
        MapCache cache([](const MapKey &k) { return Expected<SdoMap>(mapOfWidth(k.prep.size())); }, qint64(1) << 30, 2);
        const MapKey a{QStringLiteral("/f.fits"), QStringLiteral("l15:512:4.8:c")};
        const MapKey b{QStringLiteral("/f.fits"), QStringLiteral("l15:1024:2.4:c")};
        auto fa = cache.request(a, MapCache::Priority::Visible);
        auto fb = cache.request(b, MapCache::Priority::Visible);
        cache.waitForIdle();
        QCOMPARE(fa.result().map->image.width, int(a.prep.size()));
        QCOMPARE(fb.result().map->image.width, int(b.prep.size()));
        QCOMPARE(cache.count(), 2);
    }

    void concurrentRequestersShareOneLoad()
    {
        QAtomicInt calls;
        MapCache cache(
            [&](const MapKey &) {
                calls.fetchAndAddRelaxed(1);
                QThread::msleep(20);
                return Expected<SdoMap>(mapOfWidth(8));
            },
            qint64(1) << 30, 2);
        QList<QFuture<MapLoadResult>> futures;
        QMutex mutex;
        for (int i = 0; i < 8; ++i)
            QThreadPool::globalInstance()->start([&] {
                auto f = cache.request(key(5), MapCache::Priority::Visible);
                QMutexLocker lock(&mutex);
                futures << f;
            });
        QThreadPool::globalInstance()->waitForDone();
        cache.waitForIdle();
        QCOMPARE(futures.size(), 8);
        for (auto &f : futures)
            QVERIFY(f.result().map);
        QCOMPARE(calls.loadRelaxed(), 1);
    }
};

QTEST_GUILESS_MAIN(TestMapCache)
#include "tst_mapcache.moc"
