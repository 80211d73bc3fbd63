// core/archive ObservationSource: loose files (FileSetSource) are one fixed set ordered by time, whatever time
// is asked; an archive (CatalogSource) answers neighbours from its catalogue's SQL, and those answers must be
// the in-memory TimeIndex's (built from the same catalogue's times) at every observation time, one millisecond
// either side and at exact midpoints (ties go to the earlier), so stepping through the timeline and through
// the catalogue never disagree.
#include "TestSupport.h"
#include "observation_test_support.h"

#include "core/archive/Catalog.h"
#include "core/archive/CatalogFixture.h"
#include "core/archive/CatalogSource.h"
#include "core/archive/FileSetSource.h"
#include "core/archive/TimeIndex.h"

#include <QtTest>

#include <memory>

using namespace solarchip;

using test::obs;

class TestObservationSource : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void looseFilesAreOneFixedSet()
    {
        const FileSetSource s({obs(1, QStringLiteral("hmi"), 3000), obs(2, QStringLiteral("171"), 1000),
                               obs(3, QStringLiteral("171"), 2000)});
        QVERIFY(!s.hasTimeAxis());
        QVERIFY(!s.canRescan());
        QVERIFY(s.folder().isEmpty());
        QCOMPARE(s.startTime(), std::optional<qint64>(1000));
        QCOMPARE(s.set().channels, (QStringList{QStringLiteral("171"), QStringLiteral("171"), QStringLiteral("hmi")}));
        QCOMPARE(s.set().members[0].id, 2);
        QCOMPARE(s.set().members[2].id, 1);
        auto any = s.nearestSet(999'999, {QStringLiteral("193")}, 1);
        QVERIFY(any.ok());
        QCOMPARE(any->members.size(), 3);
        QCOMPARE(any->referenceTimeMs, 1000);
        QVERIFY(!s.next(0, {})->isValid());
        QVERIFY(!s.previous(5000, {})->isValid());
    }

    void catalogueAndTimeIndexAgree()
    {
        QTemporaryDir dir = test::scratchDir();
        const QDateTime start(QDate(2014, 1, 1), QTime(0, 0), QTimeZone::utc());
        QVector<FixtureFile> files = CatalogFixture::schedule({QStringLiteral("171")}, start, 60'000, 30, 20'000, 3);
        files += CatalogFixture::schedule({QStringLiteral("hmi")}, start, 45'000, 40, 0, 4);
        const Status written = CatalogFixture::write(dir.path(), files);
        QVERIFY2(written.ok(), qPrintable(written.errorString()));
        auto opened = Catalog::open(dir.path());
        QVERIFY2(opened.ok(), qPrintable(opened.errorString()));
        auto catalog = std::make_shared<Catalog>(std::move(opened).value());
        QVERIFY(catalog->update().ok());
        const CatalogSource source(catalog);
        QVERIFY(source.hasTimeAxis() && source.canRescan());
        QCOMPARE(QDir(source.folder()), QDir(dir.path()));
        QVERIFY(!source.startTime());
        auto times = catalog->timesByChannel();
        QVERIFY(times.ok());
        const TimeIndex index(*times);
        QCOMPARE(index.size(), files.size());

        for (const QString &channel : {QStringLiteral("171"), QStringLiteral("hmi"), QString()}) {
            QVector<qint64> probes;
            const QVector<qint64> &t = channel.isEmpty() ? index.times(QStringLiteral("171")) : index.times(channel);
            for (int i = 0; i < t.size(); ++i) {
                probes << t[i] - 1 << t[i] << t[i] + 1;
                if (i > 0 && (t[i] - t[i - 1]) % 2 == 0)
                    probes << (t[i] + t[i - 1]) / 2;  // an exact tie between two observations
            }
            for (const qint64 p : probes) {
                const auto n = source.next(p, channel), b = source.previous(p, channel);
                QVERIFY(n.ok() && b.ok());
                const auto in = index.next(p, channel), ib = index.previous(p, channel);
                QCOMPARE(n->isValid() ? std::optional<qint64>(n->timeMs) : std::nullopt, in);
                QCOMPARE(b->isValid() ? std::optional<qint64>(b->timeMs) : std::nullopt, ib);
                if (channel.isEmpty())
                    continue;
                const auto set = source.nearestSet(p, {channel}, 3'600'000);
                QVERIFY(set.ok());
                QCOMPARE(set->members.size(), 1);
                QCOMPARE(set->members[0].timeMs, *index.nearest(p, channel));
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestObservationSource)
#include "tst_observationsource.moc"
