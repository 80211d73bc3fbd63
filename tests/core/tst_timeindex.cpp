// core/archive/TimeIndex: per-channel observation times against closed forms: channel order, neighbours
// (strictly after / before, nearest with ties to the earlier, any channel), counts, bins against
// floor((t - from) * n / (to - from)) by brute force, and the median cadence.
#include "core/archive/TimeIndex.h"

#include <QtTest>

#include <random>

using namespace solarchip;

class TestTimeIndex : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void emptyIndex()
    {
        const TimeIndex t;
        QVERIFY(t.isEmpty());
        QCOMPARE(t.first(), 0);
        QCOMPARE(t.last(), 0);
        QVERIFY(!t.next(0, QStringLiteral("171")));
        QVERIFY(!t.nearest(0, {}));
        QCOMPARE(t.medianCadence(QStringLiteral("171")), 0);
        QCOMPARE(t.bins(QStringLiteral("171"), 0, 10, 3), (QVector<int>{0, 0, 0}));
    }

    void channelsInTheUsualOrder()
    {
        // AIA by wavelength, then HMI, then unknown names alphabetically; empty channels are dropped.
        const TimeIndex t({{QStringLiteral("zeta"), {5}}, {QStringLiteral("hmi"), {1}}, {QStringLiteral("304"), {2}},
                           {QStringLiteral("171"), {3}}, {QStringLiteral("alpha"), {4}}, {QStringLiteral("193"), {}}});
        QCOMPARE(t.channels(), (QStringList{QStringLiteral("171"), QStringLiteral("304"), QStringLiteral("hmi"),
                                            QStringLiteral("alpha"), QStringLiteral("zeta")}));
        QVERIFY(!t.hasChannel(QStringLiteral("193")));
        QCOMPARE(t.first(), 1);
        QCOMPARE(t.last(), 5);
        QCOMPARE(t.size(), 5);
    }

    void neighbours()
    {
        const QString a = QStringLiteral("171"), b = QStringLiteral("hmi");
        const TimeIndex t({{a, {300, 100, 200, 200}}, {b, {150, 450}}});
        QCOMPARE(t.times(a), (QVector<qint64>{100, 200, 200, 300}));  // sorted, duplicates kept
        QCOMPARE(*t.next(100, a), 200);       // strictly after
        QCOMPARE(*t.next(99, a), 100);
        QVERIFY(!t.next(300, a));
        QCOMPARE(*t.previous(200, a), 100);   // strictly before
        QCOMPARE(*t.previous(201, a), 200);
        QVERIFY(!t.previous(100, a));
        QCOMPARE(*t.nearest(249, a), 200);
        QCOMPARE(*t.nearest(251, a), 300);
        QCOMPARE(*t.nearest(250, a), 200);    // a tie goes to the earlier
        QCOMPARE(*t.nearest(200, a), 200);    // exactly on one
        QCOMPARE(*t.nearest(-5, a), 100);
        QCOMPARE(*t.nearest(1000, a), 300);
        // Any channel (empty name): the merged times 100, 150, 200, 200, 300, 450.
        QCOMPARE(*t.next(100, {}), 150);
        QCOMPARE(*t.previous(450, {}), 300);
        QCOMPARE(*t.nearest(170, {}), 150);
        QCOMPARE(*t.nearest(400, {}), 450);
        QVERIFY(!t.next(0, QStringLiteral("94")));
        QVERIFY(!t.nearest(0, QStringLiteral("94")));
    }

    void countsAndBinsAgainstTheClosedForm()
    {
        std::mt19937_64 rng(7);
        const qint64 from = 1'300'000'000'000, to = from + 10LL * 86'400'000;
        QVector<qint64> times;
        std::uniform_int_distribution<qint64> d(from - 86'400'000, to + 86'400'000);
        for (int i = 0; i < 2000; ++i)
            times << d(rng);
        // Times exactly on bin edges must go to the bin that starts there.
        for (int i = 0; i <= 7; ++i)
            times << TimeIndex::binEdge(from, to, 7, i);
        const QString c = QStringLiteral("171");
        const TimeIndex t({{c, times}});
        for (const int n : {1, 7, 100, 997}) {
            QVector<int> expected(n, 0);
            int inside = 0;
            for (const qint64 v : times)
                if (v >= from && v < to) {
                    ++expected[int((__int128(v - from) * n) / (to - from))];
                    ++inside;
                }
            QCOMPARE(t.bins(c, from, to, n), expected);
            QCOMPARE(t.count(c, from, to), inside);
        }
        QCOMPARE(TimeIndex::binEdge(0, 10, 3, 1), 4);  // ceil(10 / 3)
        QCOMPARE(TimeIndex::binEdge(0, 10, 3, 3), 10);
        QCOMPARE(t.count(c, to, from), 0);
    }

    void medianCadence()
    {
        // Distinct gaps 10, 10, 30 (the duplicate 20 adds none): the median is 10; with 12 s, 12 s, 24 s, 36 s
        // the upper median of four, 24 s.
        QCOMPARE(TimeIndex({{QStringLiteral("171"), {0, 10, 20, 20, 50}}}).medianCadence(QStringLiteral("171")), 10);
        QCOMPARE(TimeIndex({{QStringLiteral("171"), {0, 12, 24, 48, 84}}}).medianCadence(QStringLiteral("171")), 24);
        QCOMPARE(TimeIndex({{QStringLiteral("171"), {5}}}).medianCadence(QStringLiteral("171")), 0);
    }
};

QTEST_GUILESS_MAIN(TestTimeIndex)
#include "tst_timeindex.moc"
