// Archive search in the app (issue 11), on a small synthetic archive (`solarchip synth --days 4 --cadence 24
// --size 256 --channels hmi,171 --seed 5`: four co-temporal sets, one a day):
// - the embedding job (EmbedJob, `solarchip embed` as a child process) is cancelled after its first shard, keeps
//   what it stored, resumes without storing any set twice (records vs sets, unique times), and a third run finds
//   nothing to do (incremental);
// - a query at a point just north-west of disk centre starts from the cell that holds it: with the grid's
//   centre on the disk centre that cell is (g/2, g/2) (closed form), and the top hit is that very cell at the
//   query's own time with cosine 1; a click off the disk, a store of another model and a time not embedded are
//   refused with messages that say so;
// - the CSV and JSON exports hold exactly the hits (times, cells, scores);
// - with the archive's Solar Region Summaries, each hit names the numbered region it lies in: against the generator's
//   truth (the centres of the regions its reports list, at the set's time), a hit within 6 deg of a numbered region's centre names that
//   region, one 10 deg or more from every one names none (the reports round to whole degrees; the rule is 8 deg);
// - in the window: the gallery fills (thumbnails drawn), clicking a hit of another day moves the app to that
//   day (state JSON time) with the hit framed;
// - `solarchip-studio --query-hpc=X,Y --view search --screenshot --state-json` renders the gallery and reports
//   the hits; on an archive not embedded yet it says so.
#include "app/gui/EmbedJob.h"
#include "app/gui/GallerySearch.h"
#include "app/gui/InferenceWorker.h"
#include "app/gui/MainWindow.h"
#include "app/gui/ObservationDocument.h"
#include "app/gui/SearchController.h"
#include "app/gui/StudioSettings.h"
#include "app/gui/WindowState.h"
#include "core/archive/RegionSummary.h"
#include "core/map/SunEphemeris.h"
#include "core/map/Wcs.h"
#include "models/embeddings/EmbeddingStore.h"
#include "widgets/ResultsGallery.h"

#include "TestSupport.h"

#include <QDir>
#include <QDirIterator>
#include <QDockWidget>
#include <QImage>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QListView>
#include <QSet>
#include <QSignalSpy>
#include <QTest>
#include <QTimeZone>

#include <algorithm>
#include <memory>

using namespace solarchip;

namespace {

constexpr int kSets = 4;
const QString kStart = QStringLiteral("2014-01-01T00:00");

qint64 dayMs(int k)
{
    return QDateTime(QDate(2014, 1, 1 + k), QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();
}

QString iso(qint64 ms) { return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(Qt::ISODateWithMs); }

}  // namespace

class TestSearchGallery : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir = test::scratchDir();
    QString m_archive;
    QString m_store;
    QString m_modelHash;
    std::vector<qint64> m_times;  // the stored sets' times, in order (each within minutes of 00:00 UTC of its day)

    QString synth(const QString &name)
    {
        const QString dir = m_dir.filePath(name);
        const auto r = test::run(test::binPath(QStringLiteral("solarchip")),
                                 {QStringLiteral("synth"), dir, QStringLiteral("--start"), kStart, QStringLiteral("--days"),
                                  QString::number(kSets), QStringLiteral("--cadence"), QStringLiteral("24"),
                                  QStringLiteral("--size"), QStringLiteral("256"), QStringLiteral("--channels"),
                                  QStringLiteral("hmi,171"), QStringLiteral("--seed"), QStringLiteral("5"),
                                  QStringLiteral("--quiet")});
        if (r.exitCode != 0)
            qWarning("%s", r.err.constData());
        return r.exitCode == 0 ? dir : QString();
    }

    test::ProcessResult studio(const QStringList &args)
    {
        QStringList all = args;
        all << QStringLiteral("--settings") << m_dir.filePath(QStringLiteral("settings.ini"))
            << QStringLiteral("--window-size") << QStringLiteral("1400x900") << QStringLiteral("--timeout")
            << QStringLiteral("120");
        return test::run(test::binPath(QStringLiteral("solarchip-studio")), all, 180000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_archive = synth(QStringLiteral("archive"));
        QVERIFY(!m_archive.isEmpty());
    }

    // Cancel after the first shard, resume, and once more with nothing new.
    void embedJobCancelsAndResumes()
    {
        EmbedJob job;
        job.setProgram(test::binPath(QStringLiteral("solarchip")));
        job.setShardSize(1);
        QSignalSpy cancelled(&job, &EmbedJob::cancelled);
        QSignalSpy failed(&job, &EmbedJob::failed);
        connect(&job, &EmbedJob::progress, &job, [&job](qint64 done) {
            if (done >= 1)
                job.cancel();
        });
        QVERIFY(job.start(m_archive));
        QTRY_VERIFY_WITH_TIMEOUT(!job.isRunning(), 120000);
        QCOMPARE(failed.count(), 0);
        QCOMPARE(cancelled.count(), 1);
        QCOMPARE(job.total(), qint64(kSets));
        m_store = job.storeDir();
        QVERIFY(!m_store.isEmpty());
        auto partial = EmbeddingStore::open(m_store);
        QVERIFY2(partial, qPrintable(partial.errorString()));
        const qint64 kept = partial->count();
        QVERIFY2(kept >= 1 && kept < kSets, qPrintable(QString::number(kept)));
        m_modelHash = partial->info().modelHash;

        job.disconnect(&job);
        QSignalSpy finished(&job, &EmbedJob::finished);
        QVERIFY(job.start(m_archive));
        QTRY_VERIFY_WITH_TIMEOUT(!job.isRunning(), 120000);
        QCOMPARE(finished.count(), 1);
        const QJsonObject summary = job.summary();
        QCOMPARE(summary.value(QStringLiteral("already_stored")).toInteger(), kept);
        QCOMPARE(summary.value(QStringLiteral("written")).toInteger(), kSets - kept);
        QCOMPARE(job.alreadyStored(), kept);

        auto store = EmbeddingStore::open(m_store);
        QVERIFY(store);
        QCOMPARE(store->count(), qint64(kSets));
        auto records = store->readAll();
        QVERIFY(records);
        QCOMPARE(int(records->size()), kSets);
        QSet<qint64> times;
        for (const EmbeddingRecord &r : *records)
            times.insert(r.timeMs);
        QCOMPARE(int(times.size()), kSets);  // no set stored twice
        m_times.assign(times.begin(), times.end());
        std::sort(m_times.begin(), m_times.end());
        for (int k = 0; k < kSets; ++k)  // one set a day, at the synthetic cadence
            QVERIFY2(std::llabs(m_times[k] - dayMs(k)) < 5 * 60000, qPrintable(iso(m_times[k])));

        QVERIFY(job.start(m_archive));
        QTRY_VERIFY_WITH_TIMEOUT(!job.isRunning(), 120000);
        QCOMPARE(finished.count(), 2);
        QCOMPARE(job.summary().value(QStringLiteral("written")).toInteger(), 0);
        QCOMPARE(job.summary().value(QStringLiteral("count")).toInteger(), kSets);
    }

    void queryReturnsItsOwnCellFirst()
    {
        QVERIFY(!m_store.isEmpty());
        GallerySearchRequest request;
        request.storeDir = m_store;
        request.expectedModelHash = m_modelHash;
        request.query.timeMs = m_times[2];
        request.query.channel = QStringLiteral("171");
        request.query.hpc = QPointF(10, 10);  // just north-west of disk centre
        request.filters.excludeDays = 0;
        request.filters.k = 10;
        auto result = runGallerySearch(request);
        QVERIFY2(result, qPrintable(result.errorString()));
        const int g = result->grid;
        QVERIFY(g > 0 && g % 2 == 0);
        QCOMPARE(result->queryCell, (g / 2) * g + g / 2);
        QCOMPARE(result->queryTimeMs, m_times[2]);
        QCOMPARE(int(result->hits.size()), 10);
        const GalleryHit &top = result->hits.front();
        QCOMPARE(top.timeMs, m_times[2]);
        QCOMPARE(top.cell, result->queryCell);
        QVERIFY2(std::abs(top.score - 1.0) < 1e-4, qPrintable(QString::number(top.score)));
        QVERIFY(top.hpcBox.contains(QPointF(10, 10)));
        for (std::size_t i = 1; i < result->hits.size(); ++i)
            QVERIFY(result->hits[i - 1].score >= result->hits[i].score);
        // Near disk centre the Stonyhurst position is near (observer longitude 0, B0 in January ~ -3 deg).
        QVERIFY(std::abs(top.lonlat.x()) < 5 && std::abs(top.lonlat.y()) < 10);

        // Excluding the query's own region over +-10 days drops its own cell at its own time.
        request.filters.excludeDays = 10;
        auto excluded = runGallerySearch(request);
        QVERIFY(excluded);
        for (const GalleryHit &h : excluded->hits)
            QVERIFY(!(h.timeMs == m_times[2] && h.cell == result->queryCell));

        // A date range keeps hits inside it.
        request.filters.excludeDays = 0;
        request.filters.fromMs = m_times[2];
        request.filters.toMs = m_times[3];
        auto ranged = runGallerySearch(request);
        QVERIFY(ranged);
        QVERIFY(!ranged->hits.empty());
        for (const GalleryHit &h : ranged->hits)
            QVERIFY(h.timeMs >= m_times[2] && h.timeMs <= m_times[3]);
        request.filters = {};
    }

    void hitsNameTheirNoaaRegion()
    {
        QVERIFY(!m_store.isEmpty());
        auto regions = std::make_shared<const RegionSummaryArchive>(RegionSummaryArchive::scan(m_archive));
        QCOMPARE(regions->reports().size(), kSets + 1);
        // The truth of each set: numbered regions' Stonyhurst centres.
        struct Region {
            int noaa;
            double lon, lat;
        };
        QHash<qint64, QVector<Region>> truth;
        QPointF queryAt(qQNaN(), qQNaN());
        for (int k = 0; k < kSets; ++k) {
            const QDateTime day = QDateTime::fromMSecsSinceEpoch(dayMs(k), QTimeZone::utc());
            QFile f(m_archive + day.toString(QStringLiteral("'/truth/'yyyy/MM/dd'/truth_'yyyyMMdd_HHmmss'.json'")));
            QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(f.fileName()));
            for (const QJsonValue &v : test::parseJson(f.readAll()).object().value(QStringLiteral("regions")).toArray()) {
                const QJsonObject r = v.toObject();
                // Numbered regions the reports list (core/synthetic/SyntheticRegionSummary: with spots, or a plage of
                // at least 4e21 Mx), on the disk.
                if (r.value(QStringLiteral("noaa")).toInt() <= 0 || std::abs(r.value(QStringLiteral("lon")).toDouble()) > 80
                    || (r.value(QStringLiteral("area_msh")).toDouble() < 5 && r.value(QStringLiteral("flux_mx")).toDouble() < 4e21))
                    continue;
                truth[m_times[k]].push_back({r.value(QStringLiteral("noaa")).toInt(), r.value(QStringLiteral("lon")).toDouble(),
                                             r.value(QStringLiteral("lat")).toDouble()});
                // The query: the first numbered region of day 1, at its centre (seen from the Earth: the synthetic
                // observer's longitude is 0).
                if (k == 1 && !std::isfinite(queryAt.x())) {
                    const SunEphemeris eph = SunEphemeris::at(day);
                    Observer earth;
                    earth.hglt = eph.b0Deg;
                    earth.dsun = eph.distanceM;
                    double tx = 0, ty = 0;
                    QVERIFY(Wcs::stonyhurstToHelioprojective(LonLat{r.value(QStringLiteral("lon")).toDouble(),
                                                                    r.value(QStringLiteral("lat")).toDouble()},
                                                             earth, tx, ty));
                    queryAt = QPointF(tx, ty);
                }
            }
        }
        QVERIFY2(std::isfinite(queryAt.x()), "no numbered region on day 1");
        GallerySearchRequest request;
        request.storeDir = m_store;
        request.query = QueryPoint{m_times[1], QStringLiteral("171"), queryAt, std::nullopt};
        request.filters.k = 40;
        request.regions = regions;
        auto result = runGallerySearch(request);
        QVERIFY2(result, qPrintable(result.errorString()));
        auto great = [](double lon1, double lat1, double lon2, double lat2) {
            const double d = M_PI / 180;
            const double c = std::sin(lat1 * d) * std::sin(lat2 * d) + std::cos(lat1 * d) * std::cos(lat2 * d) * std::cos((lon1 - lon2) * d);
            return std::acos(std::clamp(c, -1.0, 1.0)) / d;
        };
        int named = 0, none = 0;
        for (const GalleryHit &h : result->hits) {
            if (!std::isfinite(h.lonlat.x()))
                continue;
            const Region *nearest = nullptr;
            double best = 1e9;
            for (const Region &r : truth.value(h.timeMs)) {
                const double d = great(h.lonlat.x(), h.lonlat.y(), r.lon, r.lat);
                if (d < best)
                    best = d, nearest = &r;
            }
            const QString what = QStringLiteral("hit %1 cell %2 at (%3, %4): AR %5, truth nearest %6 at %7 deg")
                                     .arg(iso(h.timeMs)).arg(h.cell).arg(h.lonlat.x()).arg(h.lonlat.y()).arg(h.noaaAr)
                                     .arg(nearest ? nearest->noaa : 0).arg(best);
            if (best < 6) {
                QVERIFY2(h.noaaAr == nearest->noaa, qPrintable(what));
                ++named;
            } else if (best >= 10) {
                QVERIFY2(h.noaaAr == 0, qPrintable(what));
                ++none;
            }
        }
        QVERIFY2(named >= 1 && none >= 1, qPrintable(QStringLiteral("%1 named, %2 none").arg(named).arg(none)));
        // The tile's caption and the exports say it.
        for (const GalleryHit &h : result->hits)
            if (h.noaaAr > 0) {
                QVERIFY(GalleryHitModel::caption(h).contains(QStringLiteral("AR %1").arg(h.noaaAr)));
                QCOMPARE(hitToJson(h).value(QStringLiteral("noaa_ar")).toInt(), h.noaaAr);
                break;
            }
    }

    void badQueriesSaySo()
    {
        GallerySearchRequest request;
        request.storeDir = m_store;
        request.expectedModelHash = m_modelHash;
        request.query.timeMs = m_times[1];
        request.query.channel = QStringLiteral("171");
        request.query.hpc = QPointF(1100, 0);  // beyond the limb (~975"), inside the model frame
        auto off = runGallerySearch(request);
        QVERIFY(!off);
        QVERIFY2(off.errorString().contains(QStringLiteral("off the solar disk")), qPrintable(off.errorString()));

        request.query.hpc = QPointF(0, 0);
        request.expectedModelHash = QStringLiteral("0123456789abcdef0123");
        auto other = runGallerySearch(request);
        QVERIFY(!other);
        QVERIFY2(other.errorString().contains(QStringLiteral("not by the current model")), qPrintable(other.errorString()));

        request.expectedModelHash = m_modelHash;
        request.query.timeMs = dayMs(30);
        auto gap = runGallerySearch(request);
        QVERIFY(!gap);
        QVERIFY2(gap.errorString().contains(QStringLiteral("not embedded")), qPrintable(gap.errorString()));
    }

    void exportsHoldTheHits()
    {
        GallerySearchRequest request;
        request.storeDir = m_store;
        request.query = QueryPoint{m_times[1], QStringLiteral("171"), QPointF(-200, 150), std::nullopt};
        request.filters.k = 7;
        auto result = runGallerySearch(request);
        QVERIFY2(result, qPrintable(result.errorString()));
        const std::vector<GalleryHit> &hits = result->hits;
        QCOMPARE(int(hits.size()), 7);

        const QList<QByteArray> lines = hitsToCsv(hits).trimmed().split('\n');
        QCOMPARE(int(lines.size()), 8);
        QVERIFY(lines[0].startsWith("rank,time,channel,cell"));
        for (int i = 0; i < 7; ++i) {
            const QList<QByteArray> f = lines[i + 1].split(',');
            QCOMPARE(f.size(), 13);
            QCOMPARE(f[0].toInt(), i + 1);
            QCOMPARE(QString::fromUtf8(f[1]), iso(hits[i].timeMs));
            QCOMPARE(QString::fromUtf8(f[2]), QStringLiteral("171"));
            QCOMPARE(f[3].toInt(), hits[i].cell);
            QCOMPARE(f[4].toInt() * hits[i].grid + f[5].toInt(), hits[i].cell);
            QVERIFY(std::abs(f[10].toDouble() - hits[i].score) < 1e-6);
            QCOMPARE(f[11].isEmpty() ? 0 : f[11].toInt(), hits[i].noaaAr);
            QCOMPARE(QString::fromUtf8(f[12]), hits[i].file);
        }
        const QJsonArray json = hitsToJson(hits).value(QStringLiteral("hits")).toArray();
        QCOMPARE(json.size(), 7);
        for (int i = 0; i < 7; ++i) {
            const QJsonObject h = json[i].toObject();
            QCOMPARE(h.value(QStringLiteral("time")).toString(), iso(hits[i].timeMs));
            QCOMPARE(h.value(QStringLiteral("cell")).toInt(), hits[i].cell);
            QVERIFY(std::abs(h.value(QStringLiteral("score")).toDouble() - hits[i].score) < 1e-6);
            QCOMPARE(h.value(QStringLiteral("hpc")).toArray()[0].toDouble(), hits[i].hpc.x());
        }
    }

    // In the window: query, thumbnails, click a hit of another day, the app goes there with the hit framed;
    // the controller's exports are the hits.
    void galleryClickMovesTheApp()
    {
        StudioSettings settings(m_dir.filePath(QStringLiteral("gui.ini")));
        MainWindow w(&settings);
        w.setInteractive(false);
        w.resize(1400, 900);
        w.inference()->setModelFile({});  // the shipped default, as solarchip-studio does
        w.setFocusChannel(QStringLiteral("171"));
        w.setViewMode(QStringLiteral("search"));
        w.show();
        w.setInitialTime(QDateTime::fromMSecsSinceEpoch(m_times[1], QTimeZone::utc()));
        w.openArchive(m_archive);
        SearchController *search = w.search();
        QTRY_VERIFY_WITH_TIMEOUT(w.isSettled() && w.observation()->hasTime(), 60000);
        QTRY_COMPARE_WITH_TIMEOUT(search->state(), QStringLiteral("ready"), 60000);  // the model loaded, its store found
        const qint64 shown = w.observation()->timeMs();
        QVERIFY(std::llabs(shown - m_times[1]) < 5 * 60000);
        QVERIFY(search->dock()->isVisible());

        search->query(QueryPoint{shown, QStringLiteral("171"), QPointF(-200, 150), std::nullopt});
        QTRY_VERIFY_WITH_TIMEOUT(!search->hits().empty() && w.isSettled(), 60000);
        GalleryHitModel *model = search->gallery()->model();
        QCOMPARE(model->thumbnailsDrawn(), int(search->hits().size()));
        int row = -1;
        for (int i = 0; i < int(search->hits().size()) && row < 0; ++i)
            if (search->hits()[i].timeMs != m_times[1])
                row = i;
        QVERIFY(row >= 0);
        const qint64 target = search->hits()[row].timeMs;
        QListView *list = search->gallery()->listView();
        // The gallery is the tab in front in the search view, and its tiles hold the whole thumbnail.
        QTRY_VERIFY(!search->dock()->visibleRegion().isEmpty());
        QVERIFY(list->visualRect(model->index(0)).height() >= search->gallery()->thumbnailSide());
        list->scrollTo(model->index(row));
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualRect(model->index(row)).center());
        // The app shows the observation nearest the hit's set time (its members are seconds apart).
        QTRY_VERIFY_WITH_TIMEOUT(std::llabs(w.observation()->timeMs() - target) < 5 * 60000, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(w.isSettled(), 30000);
        const QJsonObject state = windowState(&w);
        const QDateTime stateTime = QDateTime::fromString(state.value(QStringLiteral("time")).toString(), Qt::ISODateWithMs);
        QVERIFY(std::llabs(stateTime.toMSecsSinceEpoch() - target) < 5 * 60000);
        const QJsonObject s = state.value(QStringLiteral("search")).toObject();
        QCOMPARE(s.value(QStringLiteral("framed")).toInt(), row);
        QCOMPARE(state.value(QStringLiteral("view_mode")).toString(), QStringLiteral("search"));
        QCOMPARE(s.value(QStringLiteral("hits")).toArray().size(), int(search->hits().size()));

        const QString json = m_dir.filePath(QStringLiteral("hits.json"));
        const QString csv = m_dir.filePath(QStringLiteral("hits.csv"));
        QVERIFY(search->exportJson(json));
        QVERIFY(search->exportCsv(csv));
        QFile jf(json), cf(csv);
        QVERIFY(jf.open(QIODevice::ReadOnly) && cf.open(QIODevice::ReadOnly));
        const QJsonArray exported = test::parseJson(jf.readAll()).object().value(QStringLiteral("hits")).toArray();
        QCOMPARE(exported.size(), int(search->hits().size()));
        QCOMPARE(exported[row].toObject().value(QStringLiteral("time")).toString(), iso(target));
        QCOMPARE(int(cf.readAll().trimmed().split('\n').size()), int(search->hits().size()) + 1);
    }

    void screenshotOfTheGallery()
    {
        const QString png = m_dir.filePath(QStringLiteral("search.png"));
        const QString json = m_dir.filePath(QStringLiteral("search.json"));
        const auto r = studio({QStringLiteral("--archive"), m_archive, QStringLiteral("--date"),
                               QDateTime::fromMSecsSinceEpoch(m_times[2], QTimeZone::utc()).toString(Qt::ISODate).left(19),
                               QStringLiteral("--channel"), QStringLiteral("171"), QStringLiteral("--query-hpc=10,10"),
                               QStringLiteral("--view"), QStringLiteral("search"), QStringLiteral("--screenshot"), png,
                               QStringLiteral("--state-json"), json});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QFile f(json);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject state = test::parseJson(f.readAll()).object();
        QCOMPARE(state.value(QStringLiteral("view_mode")).toString(), QStringLiteral("search"));
        const QString timeline = test::timelineRowsProblem(state);
        QVERIFY2(timeline.isEmpty(), qPrintable(timeline));
        const QJsonObject s = state.value(QStringLiteral("search")).toObject();
        QCOMPARE(s.value(QStringLiteral("state")).toString(), QStringLiteral("ready"));
        const QJsonArray hits = s.value(QStringLiteral("hits")).toArray();
        QVERIFY(!hits.isEmpty());
        const QJsonObject top = hits[0].toObject();
        QCOMPARE(top.value(QStringLiteral("time")).toString(), iso(m_times[2]));
        QCOMPARE(top.value(QStringLiteral("cell")).toInt(), s.value(QStringLiteral("query")).toObject().value(QStringLiteral("cell")).toInt());
        QCOMPARE(s.value(QStringLiteral("thumbnails_drawn")).toInt(), hits.size());
        QVERIFY(s.value(QStringLiteral("store")).toObject().value(QStringLiteral("matches_model")).toBool());
        QVERIFY(!QImage(png).isNull());
    }

    void archiveNotEmbeddedSaysSo()
    {
        // The same archive's files without its store: a copy of one day.
        const QString bare = m_dir.filePath(QStringLiteral("bare"));
        QVERIFY(QDir().mkpath(bare));
        for (const QFileInfo &fi : QDir(m_archive).entryInfoList({QStringLiteral("*")}, QDir::Files))
            QFile::copy(fi.absoluteFilePath(), QDir(bare).filePath(fi.fileName()));
        QDirIterator it(m_archive, {QStringLiteral("*.fits")}, QDir::Files, QDirIterator::Subdirectories);
        int copied = 0;
        while (it.hasNext() && copied < 2) {
            const QString f = it.next();
            if (f.contains(QStringLiteral("/.solarchip/")))
                continue;
            copied += QFile::copy(f, QDir(bare).filePath(QFileInfo(f).fileName())) ? 1 : 0;
        }
        QVERIFY(copied > 0);
        const QString json = m_dir.filePath(QStringLiteral("bare.json"));
        const auto r = studio({QStringLiteral("--archive"), bare, QStringLiteral("--query-hpc=10,10"),
                               QStringLiteral("--view"), QStringLiteral("search"), QStringLiteral("--state-json"), json});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QFile f(json);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject s = test::parseJson(f.readAll()).object().value(QStringLiteral("search")).toObject();
        QCOMPARE(s.value(QStringLiteral("state")).toString(), QStringLiteral("no-store"));
        QVERIFY2(s.value(QStringLiteral("message")).toString().contains(QStringLiteral("not embedded")),
                 qPrintable(s.value(QStringLiteral("message")).toString()));
        QVERIFY(s.value(QStringLiteral("hits")).toArray().isEmpty());
    }
};

QTEST_MAIN(TestSearchGallery)
#include "tst_search_gallery.moc"
