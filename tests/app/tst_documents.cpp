// app/gui ArchiveDocument + ObservationDocument on a small archive whose observation times are chosen here:
// 171 and 193 every 12 h with one time missing (a data gap), HMI 35 s later with another time missing. The
// expected results of every step (next/previous observation, by cadence, by day, first/last, snapping a
// clicked time) are worked out from that list by hand, and the timeline's availability bins are compared with a
// brute-force count of the same list.
#include "app/gui/ArchiveDocument.h"
#include "core/archive/DisplayPrep.h"
#include "app/gui/ObservationDocument.h"
#include "core/archive/CatalogFixture.h"
#include "core/archive/MapCache.h"
#include "widgets/TimelineModel.h"

#include "TestSupport.h"

#include <QSignalSpy>
#include <QTest>
#include <QTimeZone>

using namespace solarchip;
using Step = ObservationDocument::Step;

namespace {

constexpr qint64 kSecond = 1000;
constexpr qint64 kHour = 3600 * kSecond;
const qint64 kT0 = QDateTime(QDate(2011, 6, 1), QTime(0, 0, 1), QTimeZone::utc()).toMSecsSinceEpoch();

qint64 t171(int k) { return kT0 + k * 12 * kHour; }
qint64 t193(int k) { return t171(k) + 6 * kSecond; }
qint64 tHmi(int k) { return t171(k) + 35 * kSecond; }
bool has171(int k) { return k != 5; }  // AIA data gap at step 5
bool hasHmi(int k) { return k != 3; }  // no magnetogram at step 3

}  // namespace

class TestDocuments : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir = test::scratchDir();
    QVector<FixtureFile> m_files;
    QString m_looseA, m_looseB;

    // Opens the archive written by initTestCase and waits for its scan.
    bool openTestArchive(ArchiveDocument &archive)
    {
        archive.openArchive(m_dir.filePath(QStringLiteral("archive")));
        return QTest::qWaitFor([&archive] { return !archive.isBusy() && archive.hasData(); }, 60000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        for (int k = 0; k < 10; ++k) {
            if (has171(k)) {
                m_files << FixtureFile{QStringLiteral("171"), t171(k), 0, {}};
                m_files << FixtureFile{QStringLiteral("193"), t193(k), 0, {}};
            }
            if (hasHmi(k))
                m_files << FixtureFile{QStringLiteral("hmi"), tHmi(k), 0, {}};
        }
        FixtureOptions options;
        options.size = 16;
        const Status written = CatalogFixture::write(m_dir.filePath(QStringLiteral("archive")), m_files, options);
        QVERIFY2(written.ok(), qPrintable(written.errorString()));
        // Two loose files outside the archive.
        const QVector<FixtureFile> loose{{QStringLiteral("171"), t171(20), 0, QStringLiteral("a171.fits")},
                                         {QStringLiteral("hmi"), tHmi(20), 0, QStringLiteral("bhmi.fits")}};
        QVERIFY(CatalogFixture::write(m_dir.filePath(QStringLiteral("loose")), loose, options).ok());
        m_looseA = m_dir.filePath(QStringLiteral("loose/a171.fits"));
        m_looseB = m_dir.filePath(QStringLiteral("loose/bhmi.fits"));
    }

    void openArchiveFillsTimeline()
    {
        ArchiveDocument archive;
        QSignalSpy opened(&archive, &ArchiveDocument::opened);
        QVERIFY(openTestArchive(archive));
        QCOMPARE(opened.count(), 1);
        QVERIFY(archive.hasTimeAxis() && archive.canRescan());
        QCOMPARE(archive.channels(), (QStringList{QStringLiteral("171"), QStringLiteral("193"), QStringLiteral("hmi")}));

        // Availability in 40 bins over the whole span against a direct count of the files written.
        const TimelineModel *tl = archive.timeline();
        const qint64 from = kT0 - 6 * kHour, to = kT0 + 5 * 24 * kHour + 6 * kHour;
        const int n = 40;
        for (const QString &channel : archive.channels()) {
            QVector<int> expected(n, 0);
            for (const FixtureFile &f : std::as_const(m_files))
                if (f.channel == channel && f.timeMs >= from && f.timeMs < to)
                    expected[int((long double)(f.timeMs - from) * n / (to - from))]++;
            QCOMPARE(tl->bins(channel, from, to, n), expected);
        }
        QCOMPARE(archive.cadenceMs(QStringLiteral("171")), 12 * kHour);  // median spacing, gap or not
    }

    void missingFolderFails()
    {
        ArchiveDocument archive;
        QSignalSpy failed(&archive, &ArchiveDocument::failed);
        archive.openArchive(m_dir.filePath(QStringLiteral("nowhere")));
        QCOMPARE(failed.count(), 1);
        QVERIFY(failed.at(0).at(0).toString().contains(QStringLiteral("nowhere")));
        QVERIFY(failed.at(0).at(0).toString().contains(QStringLiteral("no such folder")));
        QVERIFY(!archive.isOpen());
    }

    void steppingPicksTheRightTimes()
    {
        ArchiveDocument archive;
        QVERIFY(openTestArchive(archive));
        MapCache cache(&loadDisplayMap, qint64(256) << 20);
        ObservationDocument doc(&archive, &cache);
        doc.setToleranceMs(10 * 60 * kSecond);
        QCOMPARE(doc.anchorChannel(), QStringLiteral("171"));  // the first AIA channel

        // A clicked time snaps to the nearest 171 observation (k = 2 is 1 h before, k = 3 is 11 h after).
        doc.goToTime(QDateTime::fromMSecsSinceEpoch(t171(2) + kHour, QTimeZone::utc()));
        QCOMPARE(doc.timeMs(), t171(2));
        QVERIFY(doc.canStep(Step::PreviousObservation));

        doc.step(Step::NextObservation);
        QCOMPARE(doc.timeMs(), t171(3));
        doc.step(Step::NextObservation);
        QCOMPARE(doc.timeMs(), t171(4));
        doc.step(Step::NextObservation);  // over the gap at k = 5
        QCOMPARE(doc.timeMs(), t171(6));
        doc.step(Step::PreviousObservation);
        QCOMPARE(doc.timeMs(), t171(4));

        doc.step(Step::First);
        QCOMPARE(doc.timeMs(), t171(0));
        QVERIFY(!doc.canStep(Step::PreviousObservation));
        QVERIFY(!doc.canStep(Step::First));
        doc.step(Step::Last);
        QCOMPARE(doc.timeMs(), t171(9));
        QVERIFY(!doc.canStep(Step::NextObservation));

        // By the cadence: 24 h from k = 0 lands on k = 2.
        doc.setStepMs(24 * kHour);
        doc.step(Step::First);
        doc.step(Step::ForwardByCadence);
        QCOMPARE(doc.timeMs(), t171(2));
        // A day from k = 4 is k = 6 (24 h later; k = 5 is missing anyway); a day back from k = 6 is k = 4.
        doc.goToTime(QDateTime::fromMSecsSinceEpoch(t171(4), QTimeZone::utc()));
        doc.step(Step::NextDay);
        QCOMPARE(doc.timeMs(), t171(6));
        doc.step(Step::PreviousDay);
        QCOMPARE(doc.timeMs(), t171(4));
        // A step shorter than the cadence still moves by one observation: 1 h back from k = 6 is k = 4.
        doc.setStepMs(kHour);
        doc.goToTime(QDateTime::fromMSecsSinceEpoch(t171(6), QTimeZone::utc()));
        doc.step(Step::BackByCadence);
        QCOMPARE(doc.timeMs(), t171(4));
        // 0 = the archive's cadence (12 h): forward from k = 4 is the nearest to k = 5, i.e. k = 4 or 6 ->
        // at least one on: k = 6.
        doc.setStepMs(0);
        QCOMPARE(doc.stepMs(), 12 * kHour);
        doc.step(Step::ForwardByCadence);
        QCOMPARE(doc.timeMs(), t171(6));
    }

    void coTemporalSetAndCoRegisteredMaps()
    {
        ArchiveDocument archive;
        QVERIFY(openTestArchive(archive));
        MapCache cache(&loadDisplayMap, qint64(256) << 20);
        ObservationDocument doc(&archive, &cache);
        doc.setToleranceMs(10 * 60 * kSecond);

        // k = 3: 171 and 193 present, HMI missing.
        QSignalSpy loaded(&doc, &ObservationDocument::setLoaded);
        doc.goToTime(QDateTime::fromMSecsSinceEpoch(t171(3), QTimeZone::utc()));
        const auto &m3 = doc.members();
        QCOMPARE(m3.size(), 3);
        QCOMPARE(m3[0].channel, QStringLiteral("171"));
        QCOMPARE(m3[0].observation.timeMs, t171(3));
        QCOMPARE(m3[1].observation.timeMs, t193(3));
        QVERIFY(!m3[2].observation.isValid());
        QTRY_VERIFY_WITH_TIMEOUT(!doc.isLoading(), 30000);

        // k = 4: all three; HMI (35 s later, TAI in its header) belongs to the set and is prepared into the AIA
        // frame: same grid, same plate scale, north up.
        doc.step(Step::NextObservation);
        QCOMPARE(doc.members()[2].observation.timeMs, tHmi(4));
        QTRY_VERIFY_WITH_TIMEOUT(!doc.isLoading(), 30000);
        const auto &m4 = doc.members();
        for (const auto &m : m4)
            QVERIFY2(m.map, qPrintable(m.channel + QStringLiteral(": ") + m.error));
        const SdoMap &aia = *m4[0].map;
        const SdoMap &hmi = *m4[2].map;
        QCOMPARE(hmi.image.width, aia.image.width);
        QCOMPARE(hmi.image.height, aia.image.height);
        QCOMPARE(hmi.meta.cdelt1, aia.meta.cdelt1);
        QCOMPARE(hmi.meta.cdelt2, aia.meta.cdelt2);
        QCOMPARE(hmi.meta.crpix1, aia.meta.crpix1);
        QCOMPARE(hmi.meta.crpix2, aia.meta.crpix2);
        double tx = 0, ty = 0;
        QVERIFY(hmi.wcs.pixelToHelioprojective(0, 0, tx, ty));
        double ax = 0, ay = 0;
        QVERIFY(aia.wcs.pixelToHelioprojective(0, 0, ax, ay));
        QVERIFY(std::abs(tx - ax) < 1e-6 && std::abs(ty - ay) < 1e-6);
        QVERIFY(loaded.count() >= 2);

        // Stepping back is served from the cache (the previous set was loaded and is kept).
        const auto hitsBefore = cache.stats().hits;
        doc.step(Step::PreviousObservation);
        QVERIFY(!doc.isLoading());
        QVERIFY(cache.stats().hits >= hitsBefore + 2);
    }

    void differenceReferences()
    {
        ArchiveDocument archive;
        QVERIFY(openTestArchive(archive));
        MapCache cache(&loadDisplayMap, qint64(256) << 20);
        ObservationDocument doc(&archive, &cache);
        doc.setToleranceMs(10 * 60 * kSecond);
        doc.setDifferenceMode(ObservationDocument::DifferenceMode::Running);

        // Running: each channel minus its own previous observation (HMI skips its missing k = 3).
        doc.goToTime(QDateTime::fromMSecsSinceEpoch(t171(4), QTimeZone::utc()));
        QCOMPARE(doc.members()[0].reference.timeMs, t171(3));
        QCOMPARE(doc.members()[1].reference.timeMs, t193(3));
        QCOMPARE(doc.members()[2].reference.timeMs, tHmi(2));
        QTRY_VERIFY_WITH_TIMEOUT(!doc.isLoading(), 30000);
        for (const auto &m : doc.members()) {
            QVERIFY2(m.map && m.referenceMap, qPrintable(m.channel + QStringLiteral(": ") + m.error + m.referenceError));
            // The reference is on the member's grid, so the two subtract pixel by pixel.
            QCOMPARE(m.referenceMap->image.width, m.map->image.width);
            QCOMPARE(m.referenceMap->meta.crpix1, m.map->meta.crpix1);
            QCOMPARE(m.referenceMap->meta.crpix2, m.map->meta.crpix2);
            QCOMPARE(m.referenceMap->meta.cdelt1, m.map->meta.cdelt1);
            QCOMPARE(m.referenceMap->meta.tObs.toMSecsSinceEpoch(), m.reference.timeMs);
        }
        doc.step(Step::NextObservation);  // k = 6: the 171 reference is k = 4 (k = 5 is missing)
        QCOMPARE(doc.members()[0].reference.timeMs, t171(4));
        doc.step(Step::First);  // nothing earlier to subtract
        QVERIFY(!doc.members()[0].reference.isValid());

        // Base: minus the channel's first observation, whatever the current time.
        doc.setDifferenceMode(ObservationDocument::DifferenceMode::Base);
        doc.step(Step::Last);
        QCOMPARE(doc.members()[0].reference.timeMs, t171(0));
        QCOMPARE(doc.members()[2].reference.timeMs, tHmi(0));
        doc.setDifferenceMode(ObservationDocument::DifferenceMode::None);
        QVERIFY(!doc.members()[0].reference.isValid());
        QTRY_VERIFY_WITH_TIMEOUT(!doc.isLoading(), 30000);
    }

    void looseFilesFormOneSet()
    {
        ArchiveDocument archive;
        archive.openFiles({m_looseB, m_looseA});
        QTRY_VERIFY_WITH_TIMEOUT(!archive.isBusy() && archive.hasData(), 30000);
        QVERIFY(archive.isOpen() && !archive.hasTimeAxis() && !archive.canRescan());
        QCOMPARE(archive.startTime(), std::optional<qint64>(t171(20)));
        QCOMPARE(archive.fileSet().members.size(), 2);
        QCOMPARE(archive.fileSet().members[0].channel, QStringLiteral("171"));  // ordered by time
        QCOMPARE(archive.fileSet().members[0].timeMs, t171(20));
        MapCache cache(&loadDisplayMap, qint64(64) << 20);
        ObservationDocument doc(&archive, &cache);
        doc.showTime(archive.fileSet().referenceTimeMs);
        QTRY_VERIFY_WITH_TIMEOUT(!doc.isLoading(), 30000);
        QCOMPARE(doc.members().size(), 2);
        QVERIFY(doc.members()[0].map && doc.members()[1].map);
        QVERIFY(!doc.canStep(Step::NextObservation));  // no time axis to walk for loose files

        // An unreadable file is reported with its name and the readable ones still open.
        const QString junk = m_dir.filePath(QStringLiteral("junk.fits"));
        QFile f(junk);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not a FITS file");
        f.close();
        ArchiveDocument second;
        QSignalSpy failed(&second, &ArchiveDocument::failed);
        second.openFiles({junk, m_looseA});
        QTRY_VERIFY_WITH_TIMEOUT(!second.isBusy() && second.hasData(), 30000);
        QCOMPARE(failed.count(), 1);
        QVERIFY(failed.at(0).at(0).toString().contains(QStringLiteral("junk.fits")));
        QCOMPARE(second.fileSet().members.size(), 1);
    }
};

QTEST_MAIN(TestDocuments)
#include "tst_documents.moc"
