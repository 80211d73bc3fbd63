// core/archive FileSeriesSource: loose files as one time series per channel. Synthetic observations pin the
// rules (what forms a series, nearest/next/previous per channel and over all channels, ties to the earlier,
// no tolerance hiding a lone file, duplicates kept); the eight real AIA 304 files of 2022-04-02 (given in a
// shuffled order, headers read by MapFile) must be walked in T_OBS order, each time equal to the one astropy
// reads from the same header (tests/reference/catalog_reference.py, which knows nothing of this code) and to
// the time the file name carries to within two seconds.
#include "TestSupport.h"
#include "observation_test_support.h"

#include "core/archive/DisplayPrep.h"
#include "core/archive/FileSeriesSource.h"
#include "core/archive/TimeIndex.h"
#include "core/map/MapFile.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QtTest>

#include <algorithm>
#include <random>

using namespace solarchip;

namespace {
using test::obs;

const QString k171 = QStringLiteral("171");
const QString kHmi = QStringLiteral("hmi");
}  // namespace

class TestFileSeries : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void whatFormsASeries()
    {
        // One file per channel, even at different times: one set, no movie.
        QVERIFY(!FileSeriesSource::formsSeries({obs(1, k171, 1000), obs(2, kHmi, 5000)}));
        // Two files of one channel at the same time (e.g. two copies): still no time axis.
        QVERIFY(!FileSeriesSource::formsSeries({obs(1, k171, 1000), obs(2, k171, 1000)}));
        QVERIFY(!FileSeriesSource::formsSeries({}));
        // Two times of one channel: a movie.
        QVERIFY(FileSeriesSource::formsSeries({obs(1, kHmi, 0), obs(2, k171, 1000), obs(3, k171, 2000)}));
    }

    void walksEachChannel()
    {
        // 171 at 1000, 2000, 3000 (given out of order); one HMI file far away at 100000.
        const FileSeriesSource s({obs(3, k171, 3000), obs(9, kHmi, 100000), obs(1, k171, 1000), obs(2, k171, 2000)});
        QVERIFY(s.hasTimeAxis());
        QVERIFY(!s.canRescan());
        QVERIFY(s.folder().isEmpty());
        QCOMPARE(s.startTime(), std::optional<qint64>(1000));
        QCOMPARE(s.channels(), (QStringList{k171, kHmi}));  // in the order first given
        QCOMPARE(s.observations().size(), 4);
        QCOMPARE(s.observations().front().id, 1);
        QCOMPARE(s.observations().back().id, 9);

        QCOMPARE(s.next(1000, k171)->id, 2);      // strictly after
        QCOMPARE(s.next(999, k171)->id, 1);
        QVERIFY(!s.next(3000, k171)->isValid());  // nothing after the last
        QCOMPARE(s.previous(3000, k171)->id, 2);  // strictly before
        QVERIFY(!s.previous(1000, k171)->isValid());
        QCOMPARE(s.next(3000, {})->id, 9);        // any channel
        QCOMPARE(s.previous(100000, {})->id, 3);
        QVERIFY(!s.next(0, QStringLiteral("193"))->isValid());  // unknown channel

        // Nearest per channel; ties to the earlier; the lone HMI file is there at any time (no tolerance).
        auto set = s.nearestSet(1500, {}, 1);
        QVERIFY(set.ok());
        QCOMPARE(set->channels, (QStringList{k171, kHmi}));
        QCOMPARE(set->referenceTimeMs, 1500);
        QCOMPARE(set->members.size(), 2);
        QCOMPARE(set->members[0].id, 1);  // 1000 and 2000 equally close: the earlier
        QCOMPARE(set->members[1].id, 9);
        set = s.nearestSet(2501, {kHmi, k171, QStringLiteral("193")}, 1);
        QCOMPARE(set->members[0].id, 9);
        QCOMPARE(set->members[1].id, 3);
        QVERIFY(!set->members[2].isValid());  // a channel with no file
        // A lone earlier file does not start the movie: its longest channel's first frame does.
        QCOMPARE(FileSeriesSource({obs(1, kHmi, 10), obs(2, k171, 1000), obs(3, k171, 2000)}).startTime(),
                 std::optional<qint64>(1000));
        QCOMPARE(set->missingChannels(), QStringList{QStringLiteral("193")});

        // The timeline's index holds every observation.
        const TimeIndex index(s.timesByChannel());
        QCOMPARE(index.size(), 4);
        QCOMPARE(index.times(k171), (QVector<qint64>{1000, 2000, 3000}));
        QCOMPARE(index.first(), 1000);
        QCOMPARE(index.last(), 100000);
    }

    void duplicatesAreKept()
    {
        const FileSeriesSource s({obs(1, k171, 1000), obs(2, k171, 2000), obs(3, k171, 2000), obs(4, k171, 3000)});
        QCOMPARE(s.observations(k171).size(), 4);
        QCOMPARE(s.next(1000, k171)->id, 2);      // of two at one time, the first given
        QCOMPARE(s.previous(3000, k171)->id, 2);
        QCOMPARE(s.nearestSet(2000, {k171}, 0)->members[0].id, 2);
        QCOMPARE(s.timesByChannel().value(k171).size(), 4);
    }

    // Loose files of other times side by side: HMI joins an AIA frame only when taken about then (within the
    // set's tolerance, at least 10 min), else it keeps its own.
    void hmiJoinsOnlyACoTemporalAiaFrame()
    {
        Observation aia = obs(1, k171, 1'000'000'000);
        aia.instrument = QStringLiteral("AIA");
        aia.naxis1 = aia.naxis2 = 1024;
        Observation hmi = obs(2, kHmi, aia.timeMs + 9 * 60 * 1000);
        hmi.instrument = QStringLiteral("HMI");
        hmi.naxis1 = hmi.naxis2 = 1024;
        ObservationSet set;
        set.channels = {k171, kHmi};
        set.members = {aia, hmi};
        DisplayPrep p = DisplayPrep::forMember(hmi, set, 1024);
        QCOMPARE(int(p.kind), int(DisplayPrep::Kind::IntoFrameOf));
        QCOMPARE(p.referenceFile, aia.path);
        set.members[1].timeMs = hmi.timeMs = aia.timeMs + 11 * 60 * 1000;  // a year apart is no better
        QCOMPARE(int(DisplayPrep::forMember(hmi, set, 1024).kind), int(DisplayPrep::Kind::AsStored));
        set.toleranceMs = 15 * 60 * 1000;  // an archive set built with a wider tolerance
        QCOMPARE(int(DisplayPrep::forMember(hmi, set, 1024).kind), int(DisplayPrep::Kind::IntoFrameOf));
    }

    void realAia304SeriesInTimeOrder()
    {
        SOLARCHIP_REQUIRE_SDO();
        const QDir fitsDir(test::sdoFile(QStringLiteral("fits")));
        QStringList names = fitsDir.entryList({QStringLiteral("AIA20220402_*_0304.fits")}, QDir::Files, QDir::Name);
        QCOMPARE(names.size(), 8);

        // Independent times: astropy reads T_OBS from each header.
        const test::ProcessResult ref = test::runPython(QStringLiteral("catalog_reference.py"),
                                                        {QStringLiteral("rows"), fitsDir.absolutePath()});
        QVERIFY2(ref.exitCode == 0, ref.err.constData());
        QHash<QString, qint64> astropyMs;
        for (const QJsonValue &v : test::parseJson(ref.out).array()) {
            const QJsonObject row = v.toObject();
            if (row.value(QStringLiteral("bad")).toBool())
                continue;
            QDateTime t = QDateTime::fromString(row.value(QStringLiteral("time")).toString(), Qt::ISODateWithMs);
            t.setTimeZone(QTimeZone::utc());
            astropyMs.insert(row.value(QStringLiteral("path")).toString(), t.toMSecsSinceEpoch());
        }

        // Headers read as the app reads them, in a shuffled order.
        QStringList shuffled = names;
        std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(7));
        QVector<Observation> observations;
        qint64 id = 0;
        for (const QString &name : std::as_const(shuffled)) {
            auto info = MapFile::readInfo(fitsDir.filePath(name));
            QVERIFY2(info.ok(), qPrintable(info.errorString()));
            Observation o;
            o.setFromFile(*info);
            o.id = ++id;
            o.path = fitsDir.filePath(name);
            observations << o;
        }
        QVERIFY(FileSeriesSource::formsSeries(observations));
        const FileSeriesSource s(observations);
        QCOMPARE(s.channels(), QStringList{QStringLiteral("304")});

        // Walking next from before the first visits the files in name (= time) order, at astropy's T_OBS.
        const QRegularExpression stamp(QStringLiteral("AIA(\\d{8})_(\\d{6})_0304"));
        qint64 t = s.startTime().value() - 1;
        for (const QString &name : std::as_const(names)) {
            auto o = s.next(t, QStringLiteral("304"));
            QVERIFY(o.ok() && o->isValid());
            QCOMPARE(QFileInfo(o->path).fileName(), name);
            QVERIFY2(astropyMs.contains(name), qPrintable(name));
            QCOMPARE(o->timeMs, astropyMs.value(name));
            // The file name's time (DATE-OBS to the second) is 1.45 s before T_OBS.
            const auto m = stamp.match(name);
            QVERIFY(m.hasMatch());
            QDateTime named = QDateTime::fromString(m.captured(1) + m.captured(2), QStringLiteral("yyyyMMddHHmmss"));
            named.setTimeZone(QTimeZone::utc());
            QVERIFY2(std::llabs(o->timeMs - named.toMSecsSinceEpoch()) <= 2000, qPrintable(name));
            // The set at that time holds exactly that file; its running-difference reference is the one before.
            auto set = s.nearestSet(o->timeMs, {}, 0);
            QCOMPARE(set->members.size(), 1);
            QCOMPARE(set->members[0].path, o->path);
            auto before = s.previous(o->timeMs, QStringLiteral("304"));
            if (name == names.front())
                QVERIFY(!before->isValid());
            else
                QCOMPARE(QFileInfo(before->path).fileName(), names[names.indexOf(name) - 1]);
            t = o->timeMs;
        }
        QVERIFY(!s.next(t, QStringLiteral("304"))->isValid());
        const TimeIndex index(s.timesByChannel());
        QCOMPARE(index.size(), 8);
        QCOMPARE(index.medianCadence(QStringLiteral("304")) / 1000, 12);  // AIA EUV: 12 s
    }
};

QTEST_MAIN(TestFileSeries)
#include "tst_fileseries.moc"
