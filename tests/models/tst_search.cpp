// Archive search: the similarity index (own vector first, flat against faiss-python on the same vectors,
// IVF-PQ recall), its consistency with the embedding store (a half-written index file, a shard the manifest
// does not list, appended shards, another model's index), the streaming store (open reads the manifest only,
// time-ordered walks), differential rotation against the closed form, and the eval-search metrics on
// constructed embeddings whose answers are known.
#include "TestSupport.h"

#include "models/embeddings/ArchiveSearch.h"
#include "models/embeddings/EmbeddingStore.h"
#include "models/embeddings/SearchEval.h"
#include "models/embeddings/SimilarityIndex.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QTimeZone>
#include <QtTest>

#include <cmath>
#include <random>

using namespace solarchip;
using namespace solarchip::test;

namespace {

constexpr int kDim = 8;
constexpr int kGrid = 3;

std::vector<float> unitRows(int n, int dim, std::mt19937 &rng)
{
    std::normal_distribution<float> g;
    std::vector<float> v(static_cast<std::size_t>(n) * dim);
    for (int i = 0; i < n; ++i) {
        double norm = 0;
        for (int j = 0; j < dim; ++j) {
            float &x = v[static_cast<std::size_t>(i) * dim + j];
            x = g(rng);
            norm += static_cast<double>(x) * x;
        }
        for (int j = 0; j < dim; ++j)
            v[static_cast<std::size_t>(i) * dim + j] /= static_cast<float>(std::sqrt(norm));
    }
    return v;
}

EmbeddingStoreInfo storeInfo(const QString &hash)
{
    EmbeddingStoreInfo i;
    i.modelHash = hash;
    i.channels = {QStringLiteral("hmi"), QStringLiteral("171")};
    i.dim = kDim;
    i.grid = kGrid;
    return i;
}

std::vector<EmbeddingRecord> records(int n, qint64 t0, std::mt19937 &rng)
{
    std::vector<EmbeddingRecord> out;
    for (int i = 0; i < n; ++i) {
        EmbeddingRecord r;
        r.timeMs = t0 + i * 86400000LL;
        r.files = {QStringLiteral("/nowhere/hmi_%1.fits").arg(t0 + i), QStringLiteral("/nowhere/aia_%1.fits").arg(t0 + i)};
        r.cls = unitRows(2, kDim, rng);
        r.patches = unitRows(2 * kGrid * kGrid, kDim, rng);
        out.push_back(std::move(r));
    }
    return out;
}

SimilarityIndexOptions allCells(const QString &channel = QStringLiteral("171"))
{
    SimilarityIndexOptions o;
    o.channel = channel;
    o.onDiskOnly = false;  // the records' files do not exist: every cell is indexed
    return o;
}

}  // namespace

class TestSearch : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { SimilarityIndex::setThreads(1); }  // idle OpenMP workers spin on a loaded 2-core machine
    void ownVectorFirst();
    void flatMatchesFaissPython();
    void ivfpqRerankFindsExactNeighbours();
    void storeOpensFromManifestAndStreamsInTimeOrder();
    void indexConsistencyAfterKill();
    void indexOfAnotherModelIsRebuilt();
    void searchFiltersAndHitFields();
    void differentialRotationClosedForm();
    void evalMetricsKnownAnswers();
};

void TestSearch::ownVectorFirst()
{
    std::mt19937 rng(1);
    const int n = 2000, dim = 16;
    const auto v = unitRows(n, dim, rng);
    for (qint64 flatLimit : {qint64(1) << 40, qint64(0)}) {  // flat, then IVF-PQ with re-ranking
        SimilarityIndexOptions o;
        o.flatLimit = flatLimit;
        o.nlist = 16;
        o.nprobe = 4;
        o.pqBytes = 4;
        auto index = SimilarityIndex::build(v.data(), n, dim, o);
        QVERIFY2(index.ok(), qPrintable(index.errorString()));
        QCOMPARE(index->kind(), flatLimit ? SimilarityIndex::Kind::Flat : SimilarityIndex::Kind::IvfPq);
        for (int q : {0, 17, 1234, n - 1}) {
            auto hits = index->search(v.data() + static_cast<std::size_t>(q) * dim, 5);
            QVERIFY(hits.ok());
            QCOMPARE(hits->size(), std::size_t(5));
            QCOMPARE(hits->front().entry.record, q);
            QVERIFY(std::fabs(hits->front().score - 1.0f) < 1e-5f);  // exact score, also after PQ (re-ranked)
            for (std::size_t i = 1; i < hits->size(); ++i)
                QVERIFY((*hits)[i - 1].score >= (*hits)[i].score);
        }
    }
}

void TestSearch::flatMatchesFaissPython()
{
    std::mt19937 rng(2);
    const int n = 2000, dim = 24, nq = 6, k = 10;
    const auto v = unitRows(n, dim, rng);
    const auto q = unitRows(nq, dim, rng);
    QTemporaryDir dir = scratchDir();
    auto dump = [&](const QString &name, const std::vector<float> &data) {
        QFile f(dir.filePath(name));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(reinterpret_cast<const char *>(data.data()), static_cast<qint64>(data.size() * 4));
    };
    dump(QStringLiteral("x.f32"), v);
    dump(QStringLiteral("q.f32"), q);
    const ProcessResult py = runPython(QStringLiteral("faiss_flat.py"),
                                       {dir.filePath(QStringLiteral("x.f32")), QString::number(n), QString::number(dim),
                                        dir.filePath(QStringLiteral("q.f32")), QString::number(nq), QString::number(k)});
    QVERIFY2(py.exitCode == 0, py.err.constData());
    const QJsonObject ref = parseJson(py.out).object();
    auto index = SimilarityIndex::build(v.data(), n, dim, SimilarityIndexOptions{});
    QVERIFY(index.ok());
    QCOMPARE(index->kind(), SimilarityIndex::Kind::Flat);
    for (int i = 0; i < nq; ++i) {
        auto hits = index->search(q.data() + static_cast<std::size_t>(i) * dim, k);
        QVERIFY(hits.ok());
        const QJsonArray ids = ref.value(QStringLiteral("ids")).toArray().at(i).toArray();
        const QJsonArray scores = ref.value(QStringLiteral("scores")).toArray().at(i).toArray();
        QCOMPARE(static_cast<int>(hits->size()), k);
        for (int j = 0; j < k; ++j) {
            QCOMPARE((*hits)[static_cast<std::size_t>(j)].entry.record, ids.at(j).toInt());
            QVERIFY(std::fabs((*hits)[static_cast<std::size_t>(j)].score - scores.at(j).toDouble()) < 1e-5);
        }
    }
}

void TestSearch::ivfpqRerankFindsExactNeighbours()
{
    // Clustered vectors (as patch embeddings are): the IVF-PQ shortlist re-ranked exactly finds the exact top-10.
    std::mt19937 rng(3);
    const int n = 6000, dim = 16, clusters = 40;
    const auto centres = unitRows(clusters, dim, rng);
    std::normal_distribution<float> noise(0.f, 0.06f);
    std::uniform_int_distribution<int> pick(0, clusters - 1);
    std::vector<float> v(static_cast<std::size_t>(n) * dim);
    for (int i = 0; i < n; ++i) {
        const int c = pick(rng);
        double norm = 0;
        for (int j = 0; j < dim; ++j) {
            float &x = v[static_cast<std::size_t>(i) * dim + j];
            x = centres[static_cast<std::size_t>(c) * dim + j] + noise(rng);
            norm += static_cast<double>(x) * x;
        }
        for (int j = 0; j < dim; ++j)
            v[static_cast<std::size_t>(i) * dim + j] /= static_cast<float>(std::sqrt(norm));
    }
    SimilarityIndexOptions exactOptions;
    auto exact = SimilarityIndex::build(v.data(), n, dim, exactOptions);
    SimilarityIndexOptions o;
    o.flatLimit = 1000;
    o.nlist = 32;
    o.nprobe = 8;
    o.pqBytes = 4;
    auto ivf = SimilarityIndex::build(v.data(), n, dim, o);
    QVERIFY(exact.ok() && ivf.ok());
    QCOMPARE(ivf->kind(), SimilarityIndex::Kind::IvfPq);
    double recall = 0;
    const int nq = 20;
    for (int i = 0; i < nq; ++i) {
        const float *q = v.data() + static_cast<std::size_t>(i * 293) * dim;
        auto a = exact->search(q, 10);
        auto b = ivf->search(q, 10);
        QVERIFY(a.ok() && b.ok());
        int inter = 0;
        for (const IndexHit &x : *a)
            for (const IndexHit &y : *b)
                inter += x.entry.record == y.entry.record ? 1 : 0;
        recall += inter / 10.0;
    }
    QVERIFY2(recall / nq >= 0.9, qPrintable(QString::number(recall / nq)));
}

void TestSearch::storeOpensFromManifestAndStreamsInTimeOrder()
{
    QTemporaryDir dir = scratchDir();
    const QString path = dir.filePath(QStringLiteral("store"));
    std::mt19937 rng(4);
    auto later = records(3, 10 * 86400000LL, rng);
    auto earlier = records(2, 0, rng);
    {
        auto s = EmbeddingStore::openOrCreate(path, storeInfo(QStringLiteral("h")));
        QVERIFY(s.ok());
        QVERIFY(s->append(later).ok());    // shard 1: days 10..12
        QVERIFY(s->append(earlier).ok());  // shard 2: days 0..1 (appended after)
    }
    auto s = EmbeddingStore::open(path);
    QVERIFY(s.ok());
    QCOMPARE(s->count(), 5LL);
    QCOMPARE(s->shards().size(), std::size_t(2));
    std::vector<qint64> order;
    QVERIFY(s->forEachRecord([&](EmbeddingRecord &&r) { order.push_back(r.timeMs); return Status::success(); }, RecordOrder::Time).ok());
    QCOMPARE(order, (std::vector<qint64>{0, 86400000LL, 10 * 86400000LL, 11 * 86400000LL, 12 * 86400000LL}));
    std::vector<qint64> times;
    auto aia = s->channelEmbeddings(QStringLiteral("171"), &times, RecordOrder::Time);
    QVERIFY(aia.ok());
    QCOMPARE(times, order);
    // Channel 171 (index 1) of the earliest record is its patches' second half.
    QVERIFY(std::equal(aia->patch.begin(), aia->patch.begin() + kGrid * kGrid * kDim,
                       earlier[0].patches.begin() + kGrid * kGrid * kDim));
    // Positioned reads.
    float one[kDim];
    QVERIFY(s->readPatch(3, 0, 4, one).ok());  // record 3 = earlier[0] (storage order), hmi, cell 4
    QVERIFY(std::equal(one, one + kDim, earlier[0].patches.begin() + 4 * kDim));
    QCOMPARE(*s->recordFiles(4), earlier[1].files);

    // Opening reads the manifest only: a shard whose data is damaged does not stop open() (its error comes
    // when its data is read, naming the shard).
    QFile shard(path + QStringLiteral("/shard-000001.safetensors"));
    QVERIFY(shard.open(QIODevice::ReadWrite));
    QVERIFY(shard.resize(shard.size() / 2));
    shard.close();
    auto damaged = EmbeddingStore::open(path);
    QVERIFY(damaged.ok());
    QCOMPARE(damaged->count(), 5LL);
    auto all = damaged->readAll();
    QVERIFY(!all.ok());
    QVERIFY2(all.errorString().contains(QStringLiteral("shard-000001")), qPrintable(all.errorString()));
}

void TestSearch::indexConsistencyAfterKill()
{
    QTemporaryDir dir = scratchDir();
    const QString path = dir.filePath(QStringLiteral("store"));
    std::mt19937 rng(5);
    auto first = records(4, 0, rng);
    auto second = records(3, 30 * 86400000LL, rng);
    auto s = EmbeddingStore::openOrCreate(path, storeInfo(QStringLiteral("model-a")));
    QVERIFY(s.ok());
    QVERIFY(s->append(first).ok());
    QString reason;
    auto index = SimilarityIndex::openOrBuild(*s, allCells(), &reason);
    QVERIFY2(index.ok(), qPrintable(index.errorString()));
    QCOMPARE(index->size(), 4LL * kGrid * kGrid);
    QVERIFY(!reason.isEmpty());  // built
    const QString file = SimilarityIndex::indexPath(path, allCells());
    QVERIFY(QFileInfo::exists(file));
    // Reopened: used as it is.
    index = SimilarityIndex::openOrBuild(*s, allCells(), &reason);
    QVERIFY(index.ok());
    QVERIFY2(reason.isEmpty(), qPrintable(reason));

    // A writer killed after writing a shard but before the manifest update: the orphan shard is not indexed.
    QVERIFY(QFile::copy(path + QStringLiteral("/shard-000001.safetensors"), path + QStringLiteral("/shard-000005.safetensors")));
    auto reopened = EmbeddingStore::open(path);
    index = SimilarityIndex::openOrBuild(*reopened, allCells(), &reason);
    QVERIFY(index.ok());
    QVERIFY(reason.isEmpty());
    QCOMPARE(index->size(), 4LL * kGrid * kGrid);

    // A half-written index file (a copy cut short) is never trusted: rebuilt, with the same answers.
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadWrite));
    QVERIFY(f.resize(f.size() * 2 / 3));
    f.close();
    index = SimilarityIndex::openOrBuild(*reopened, allCells(), &reason);
    QVERIFY2(index.ok(), qPrintable(index.errorString()));
    QVERIFY2(reason.contains(QStringLiteral("half-written")) || reason.contains(QStringLiteral("corrupt")), qPrintable(reason));
    QCOMPARE(index->size(), 4LL * kGrid * kGrid);
    // Flipped bytes inside the FAISS blob: the checksum catches them.
    {
        QFile g(file);
        QVERIFY(g.open(QIODevice::ReadWrite));
        QVERIFY(g.seek(g.size() - 40));
        g.write("\x01\x02\x03\x04\x05\x06\x07\x08", 8);
    }
    index = SimilarityIndex::openOrBuild(*reopened, allCells(), &reason);
    QVERIFY(index.ok());
    QVERIFY2(!reason.isEmpty(), "a damaged index must be rebuilt");

    // New records appended: the index grows incrementally and answers as a fresh build does.
    QVERIFY(reopened->append(second).ok());
    index = SimilarityIndex::openOrBuild(*reopened, allCells(), &reason);
    QVERIFY(index.ok());
    QVERIFY2(reason.contains(QStringLiteral("extended")), qPrintable(reason));
    QCOMPARE(index->size(), 7LL * kGrid * kGrid);
    QVERIFY(QFile::remove(file));
    auto fresh = SimilarityIndex::openOrBuild(*reopened, allCells(), &reason);
    QVERIFY(fresh.ok());
    const float *q = second[1].patches.data() + (kGrid * kGrid + 2) * kDim;  // 171, cell 2 of the 6th record
    auto a = index->search(q, 5);
    auto b = fresh->search(q, 5);
    QVERIFY(a.ok() && b.ok());
    QCOMPARE(a->front().entry.record, 5);
    QCOMPARE(int(a->front().entry.cell), 2);
    QCOMPARE(a->front().timeMs, second[1].timeMs);
    for (std::size_t i = 0; i < 5; ++i) {
        QCOMPARE((*a)[i].entry.record, (*b)[i].entry.record);
        QCOMPARE((*a)[i].entry.cell, (*b)[i].entry.cell);
    }
}

void TestSearch::indexOfAnotherModelIsRebuilt()
{
    QTemporaryDir dir = scratchDir();
    std::mt19937 rng(6);
    const auto recs = records(3, 0, rng);
    auto a = EmbeddingStore::openOrCreate(dir.filePath(QStringLiteral("a")), storeInfo(QStringLiteral("model-a")));
    auto b = EmbeddingStore::openOrCreate(dir.filePath(QStringLiteral("b")), storeInfo(QStringLiteral("model-b")));
    QVERIFY(a.ok() && b.ok());
    QVERIFY(a->append(recs).ok());
    QVERIFY(b->append(recs).ok());  // the same shard names and counts: only the model hash tells them apart
    QVERIFY(SimilarityIndex::openOrBuild(*a, allCells()).ok());
    const QString fa = SimilarityIndex::indexPath(a->dir(), allCells()), fb = SimilarityIndex::indexPath(b->dir(), allCells());
    QVERIFY(QFile::copy(fa, fb));
    QString reason;
    auto index = SimilarityIndex::openOrBuild(*b, allCells(), &reason);
    QVERIFY(index.ok());
    QVERIFY2(reason.contains(QStringLiteral("another model")), qPrintable(reason));
    // And the rewritten file now belongs to model b: reopened without a rebuild.
    index = SimilarityIndex::openOrBuild(*b, allCells(), &reason);
    QVERIFY(index.ok());
    QVERIFY(reason.isEmpty());
}

void TestSearch::searchFiltersAndHitFields()
{
    QTemporaryDir dir = scratchDir();
    const QString path = dir.filePath(QStringLiteral("store"));
    std::mt19937 rng(7);
    auto recs = records(6, 0, rng);
    auto s = EmbeddingStore::openOrCreate(path, storeInfo(QStringLiteral("m")));
    QVERIFY(s.ok());
    QVERIFY(s->append(recs).ok());
    SimilarityIndexOptions o = allCells(QString());  // every channel in one index
    auto search = ArchiveSearch::open(path, o);
    QVERIFY2(search.ok(), qPrintable(search.errorString()));
    QCOMPARE(search->index().size(), 6LL * 2 * kGrid * kGrid);
    SearchQuery q;
    q.vector.assign(recs[2].patches.begin() + 5 * kDim, recs[2].patches.begin() + 6 * kDim);  // hmi, cell 5, day 2
    q.timeMs = recs[2].timeMs;
    SearchFilters f;
    f.onDiskOnly = false;
    auto hits = search->search(q, f, 3);
    QVERIFY(hits.ok());
    QCOMPARE(hits->front().timeMs, recs[2].timeMs);
    QCOMPARE(hits->front().channel, QStringLiteral("hmi"));
    QCOMPARE(hits->front().cell, 5);
    QCOMPARE(hits->front().file, recs[2].files[0]);
    // Channel and time filters.
    f.channel = QStringLiteral("171");
    f.fromMs = recs[3].timeMs;
    hits = search->search(q, f, 10);
    QVERIFY(hits.ok());
    QCOMPARE(hits->size(), std::size_t(10));
    for (const SearchHit &h : *hits) {
        QCOMPARE(h.channel, QStringLiteral("171"));
        QVERIFY(h.timeMs >= recs[3].timeMs);
    }
    f.toMs = recs[3].timeMs;
    hits = search->search(q, f, 100);
    QCOMPARE(hits->size(), std::size_t(kGrid * kGrid));  // exhausted: one record of one channel
}

void TestSearch::differentialRotationClosedForm()
{
    // Closed form: a feature at latitude b moves in Stonyhurst longitude at the Snodgrass (1983) sidereal rate
    // (2.851 - 0.343 sin^2 b - 0.474 sin^4 b) microrad/s minus the Earth's orbital rate (360 deg per
    // 365.256 days on average; the true rate varies by +-3.4% over the year, which bounds the difference).
    const qint64 t0 = QDateTime(QDate(2014, 3, 1), QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();
    for (double lat : {0.0, 15.0, -30.0, 60.0}) {
        for (double days : {1.0, 5.0, -3.0}) {
            const double s2 = std::pow(std::sin(lat * M_PI / 180), 2);
            const double sidereal = (2.851 - 0.343 * s2 - 0.474 * s2 * s2) * 1e-6 * 86400 * 180 / M_PI;
            const double expected = -20.0 + (sidereal - 360.0 / 365.256) * days;
            const QPointF moved = rotateStonyhurst(QPointF(-20.0, lat), t0, t0 + static_cast<qint64>(days * 86400000.0));
            QCOMPARE(moved.y(), lat);
            QVERIFY2(std::fabs(moved.x() - expected) < 0.04 * std::fabs(days) + 0.01,
                     qPrintable(QStringLiteral("lat %1 days %2: %3 vs %4").arg(lat).arg(days).arg(moved.x()).arg(expected)));
        }
    }
    // A day at the equator: about 13.2 deg westward; at 60 deg latitude noticeably slower.
    QVERIFY(std::fabs(rotateStonyhurst(QPointF(0, 0), t0, t0 + 86400000).x() - 13.13) < 0.1);
    QVERIFY(rotateStonyhurst(QPointF(0, 60), t0, t0 + 86400000).x() < 11.0);
    QVERIFY(std::fabs(heliographicDistanceDeg(QPointF(10, 0), QPointF(20, 0)) - 10.0) < 1e-9);
    // acos(sin^2 60 + cos^2 60 cos 90) = acos(3/4)
    QVERIFY(std::fabs(heliographicDistanceDeg(QPointF(0, 60), QPointF(90, 60)) - 41.40962) < 1e-4);
}

void TestSearch::evalMetricsKnownAnswers()
{
    // 3 days, a 4x4 grid, dim 6. Region A (id 1; large, productive) moves 5 -> 6 -> 7 with vector e0; region B
    // (id 2; small, quiet) sits at cell 0 with 0.8 e0 + 0.6 e1; every other cell is one of e2..e5.
    auto unit = [](std::initializer_list<float> v) { return std::vector<float>(v); };
    SearchEvalInput in;
    in.grid = 4;
    in.dim = 6;
    in.k = 3;
    in.matchCells = 0;
    for (int f = 0; f < 3; ++f) {
        SearchEvalFrame fr;
        fr.timeMs = f * 86400000LL;
        fr.onDisk.assign(16, 1);
        fr.regions = {SearchEvalRegion{1, 5 + f, 2, 1}, SearchEvalRegion{2, 0, 0, 0}};
        for (int c = 0; c < 16; ++c) {
            std::vector<float> v(6, 0.f);
            if (c == 5 + f)
                v = unit({1, 0, 0, 0, 0, 0});
            else if (c == 0)
                v = unit({0.8f, 0.6f, 0, 0, 0, 0});
            else
                v[static_cast<std::size_t>(2 + c % 4)] = 1;
            in.vectors.insert(in.vectors.end(), v.begin(), v.end());
        }
        in.frames.push_back(fr);
    }
    // Each query: the 2 cells of its own region at the other days, then one of the other region (not similar).
    auto m = evaluateSearch(in);
    QVERIFY2(m.ok(), qPrintable(m.errorString()));
    QCOMPARE(m->queries, 6LL);
    QCOMPARE(m->recalled, 6LL);
    QCOMPARE(m->hits, 18LL);
    QCOMPARE(m->similarHits, 12LL);
    QVERIFY(std::fabs(m->precision10 - 2.0 / 3.0) < 1e-12);
    const QJsonObject j = m->toJson();
    QCOMPARE(j.value(QStringLiteral("same_region_recall10_n")).toInt(), 6);
    QVERIFY(j.value(QStringLiteral("same_region_recall10_ci95")).toArray().at(0).toDouble() < 1.0);

    // Excluding +-36 h leaves day 1 without candidates (not counted) and days 0 and 2 one day each: the own
    // region (1.0), the other region (0.8), then a background cell (0) on no region.
    in.excludeHours = 36;
    m = evaluateSearch(in);
    QVERIFY(m.ok());
    QCOMPARE(m->queries, 4LL);
    QCOMPARE(m->recalled, 4LL);
    QCOMPARE(m->hits, 12LL);
    QCOMPARE(m->similarHits, 4LL);

    // Vectors that say nothing of the regions: the region is found only when a tie happens to favour it.
    in.excludeHours = 12;
    std::fill(in.vectors.begin(), in.vectors.end(), 0.f);
    for (std::size_t i = 0; i < in.vectors.size(); i += 6)
        in.vectors[i + 2] = 1;  // every cell the same vector
    m = evaluateSearch(in);
    QVERIFY(m.ok());
    QCOMPARE(m->queries, 6LL);
    QVERIFY(m->recallChance > 0 && m->recallChance < 0.5);
}

QTEST_GUILESS_MAIN(TestSearch)
#include "tst_search.moc"
