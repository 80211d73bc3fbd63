// core/base/RecentCache: the same key gives the same shared value without making it again, the least recently
// used key is the one dropped past the capacity, and threads asking at once all get a correct value.
#include "core/base/RecentCache.h"

#include <QtTest>

#include <atomic>
#include <thread>
#include <vector>

using namespace solarchip;

class TestRecentCache : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sameKeySameValueMadeOnce()
    {
        RecentCache<int, std::vector<int>> cache(2);
        int made = 0;
        auto make = [&](int k) {
            return [&made, k] {
                ++made;
                return std::vector<int>(3, k);
            };
        };
        const auto a = cache.get(1, make(1));
        const auto again = cache.get(1, make(1));
        QCOMPARE(made, 1);
        QCOMPARE(again.get(), a.get());
        QCOMPARE(*a, (std::vector<int>{1, 1, 1}));
        QCOMPARE(cache.size(), std::size_t(1));
    }

    void leastRecentlyUsedIsDropped()
    {
        RecentCache<int, int> cache(2);
        int made = 0;
        auto make = [&](int k) {
            return [&made, k] {
                ++made;
                return 10 * k;
            };
        };
        cache.get(1, make(1));
        cache.get(2, make(2));
        cache.get(1, make(1));  // 1 is now the most recent: 2 goes when 3 comes
        cache.get(3, make(3));
        QCOMPARE(made, 3);
        QCOMPARE(cache.size(), std::size_t(2));
        QCOMPARE(*cache.get(1, make(1)), 10);
        QCOMPARE(made, 3);  // kept
        QCOMPARE(*cache.get(2, make(2)), 20);
        QCOMPARE(made, 4);  // made again
        // A value handed out outlives its eviction.
        const auto held = cache.get(5, make(5));
        cache.get(6, make(6));
        cache.get(7, make(7));
        QCOMPARE(*held, 50);
    }

    void threadsAskingAtOnce()
    {
        RecentCache<int, std::vector<double>> cache(4);
        std::atomic<int> wrong{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 8; ++t)
            threads.emplace_back([&, t] {
                for (int i = 0; i < 500; ++i) {
                    const int key = (i + t) % 6;
                    const auto v = cache.get(key, [key] { return std::vector<double>(100, key * 0.5); });
                    if (v->size() != 100 || (*v)[99] != key * 0.5)
                        ++wrong;
                }
            });
        for (auto &th : threads)
            th.join();
        QCOMPARE(wrong.load(), 0);
        QVERIFY(cache.size() <= 4);
    }
};

QTEST_GUILESS_MAIN(TestRecentCache)
#include "tst_recentcache.moc"
