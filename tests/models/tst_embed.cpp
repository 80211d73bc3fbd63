// The embedding store (round trip, float16 patches, refusal to mix models, orphaned shards from a killed writer)
// and `solarchip embed` end to end (writes every set, resumes without recomputing, refuses another model).
#include "CatalogScans.h"
#include "EmbeddingFixtures.h"
#include "EngineFixtures.h"
#include "TestSupport.h"

#include "models/data/Dataset.h"
#include "models/embeddings/EmbeddingStore.h"
#include "models/networks/SafetensorsFile.h"
#include "models/networks/SolarChipModel.h"
#include "models/networks/TrainedModel.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QTimeZone>
#include <QJsonObject>
#include <QtTest>

#include <random>

using namespace solarchip;
using namespace solarchip::test;

namespace {

EmbeddingStoreInfo smallInfo(const QString &hash, bool half = false)
{
    EmbeddingStoreInfo i;
    i.modelHash = hash;
    i.modelPath = QStringLiteral("/models/x.safetensors");
    i.channels = {QStringLiteral("hmi"), QStringLiteral("171")};
    i.dim = 4;
    i.grid = 2;
    i.halfPatches = half;
    return i;
}

std::vector<EmbeddingRecord> randomRecords(int n, qint64 t0, std::mt19937 &rng)
{
    std::normal_distribution<float> g;
    std::vector<EmbeddingRecord> out;
    for (int i = 0; i < n; ++i) {
        EmbeddingRecord r;
        r.timeMs = t0 + i * 3600000LL;
        r.files = {QStringLiteral("/a/hmi_%1.fits").arg(i), QStringLiteral("/a/aia_%1.fits").arg(i)};
        r.cls.resize(2 * 4);
        r.patches.resize(2 * 4 * 4);
        for (float &v : r.cls)
            v = g(rng);
        for (float &v : r.patches)
            v = g(rng);
        out.push_back(std::move(r));
    }
    return out;
}

SolarChipConfig smallModelConfig()
{
    return *tinyVitConfig();
}

}  // namespace

class TestEmbed : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void storeRoundTrip();
    void storeRefusesAnotherModelAndDuplicates();
    void orphanShardIsIgnored();
    void halfPrecisionPatches();
    void embedCommandWritesResumesAndRefuses();
    void embedCommandUsesTheModelsChannelsPresentAfterOneScan();
    void searchCommandFindsTheQueryCell();
};

void TestEmbed::storeRoundTrip()
{
    QTemporaryDir dir = scratchDir();
    const QString path = dir.path() + QStringLiteral("/store");
    std::mt19937 rng(1);
    const auto recs = randomRecords(5, 1000000, rng);
    {
        auto s = EmbeddingStore::openOrCreate(path, smallInfo(QStringLiteral("abc123")));
        QVERIFY2(s.ok(), qPrintable(s.errorString()));
        QVERIFY(s->append({recs[0], recs[1], recs[2]}).ok());
        QVERIFY(s->append({recs[3], recs[4]}).ok());
        QCOMPARE(s->count(), 5LL);
    }
    auto s = EmbeddingStore::open(path);
    QVERIFY2(s.ok(), qPrintable(s.errorString()));
    QCOMPARE(s->count(), 5LL);
    QCOMPARE(s->info().modelHash, QStringLiteral("abc123"));
    QCOMPARE(s->info().channels, (QStringList{QStringLiteral("hmi"), QStringLiteral("171")}));
    QVERIFY(s->contains(recs[3].timeMs));
    QVERIFY(!s->contains(42));
    auto all = s->readAll();
    QVERIFY(all.ok());
    QCOMPARE(all->size(), std::size_t(5));
    for (int i = 0; i < 5; ++i) {
        QCOMPARE((*all)[i].timeMs, recs[i].timeMs);
        QCOMPARE((*all)[i].files, recs[i].files);
        QVERIFY((*all)[i].cls == recs[i].cls);
        QVERIFY((*all)[i].patches == recs[i].patches);
    }
    std::vector<qint64> times;
    auto aia = s->channelEmbeddings(QStringLiteral("171"), &times);
    QVERIFY(aia.ok());
    QCOMPARE(aia->count, 5);
    QCOMPARE(aia->patches, 4);
    QCOMPARE(aia->dim, 4);
    QCOMPARE(times[2], recs[2].timeMs);
    // Channel 1's CLS of record 2 is cls[4..8).
    for (int k = 0; k < 4; ++k)
        QCOMPARE(aia->clsOf(2)[k], recs[2].cls[4 + k]);
    for (int k = 0; k < 16; ++k)
        QCOMPARE(aia->patchesOf(4)[k], recs[4].patches[16 + k]);
    QVERIFY(!s->channelEmbeddings(QStringLiteral("193")).ok());
    // The shard is plain safetensors: the documented tensors are there.
    auto shard = SafetensorsFile::read(path + QStringLiteral("/shard-000001.safetensors"));
    QVERIFY(shard.ok());
    QCOMPARE(shard->tensors.at("cls").shape, (std::vector<int64_t>{3, 2, 4}));
    QCOMPARE(shard->tensors.at("patches").shape, (std::vector<int64_t>{3, 2, 4, 4}));
    QCOMPARE(shard->tensors.at("time_ms").dtype, TensorDType::I64);
}

void TestEmbed::storeRefusesAnotherModelAndDuplicates()
{
    QTemporaryDir dir = scratchDir();
    const QString path = dir.path() + QStringLiteral("/store");
    std::mt19937 rng(2);
    const auto recs = randomRecords(3, 5000, rng);
    auto s = EmbeddingStore::openOrCreate(path, smallInfo(QStringLiteral("hash-of-model-A")));
    QVERIFY(s.ok());
    QVERIFY(s->append(recs).ok());
    QVERIFY(!s->append({recs[1]}).ok());  // already stored
    auto other = EmbeddingStore::openOrCreate(path, smallInfo(QStringLiteral("hash-of-model-B")));
    QVERIFY(!other.ok());
    QVERIFY2(other.errorString().contains(QStringLiteral("another model")) && other.errorString().contains(path),
             qPrintable(other.errorString()));
    EmbeddingStoreInfo moreChannels = smallInfo(QStringLiteral("hash-of-model-A"));
    moreChannels.channels << QStringLiteral("193");
    QVERIFY(!EmbeddingStore::openOrCreate(path, moreChannels).ok());
    // Same model: opens and keeps what was there.
    auto same = EmbeddingStore::openOrCreate(path, smallInfo(QStringLiteral("hash-of-model-A")));
    QVERIFY(same.ok());
    QCOMPARE(same->count(), 3LL);
    // A record of the wrong shape is refused.
    EmbeddingRecord bad = recs[0];
    bad.timeMs = 99;
    bad.cls.pop_back();
    QVERIFY(!same->append({bad}).ok());
}

void TestEmbed::orphanShardIsIgnored()
{
    QTemporaryDir dir = scratchDir();
    const QString path = dir.path() + QStringLiteral("/store");
    std::mt19937 rng(3);
    const auto recs = randomRecords(4, 7000, rng);
    auto s = EmbeddingStore::openOrCreate(path, smallInfo(QStringLiteral("h")));
    QVERIFY(s.ok());
    QVERIFY(s->append({recs[0]}).ok());
    // A writer killed between its shard and its manifest update leaves a shard the manifest does not list.
    QVERIFY(QFile::copy(path + QStringLiteral("/shard-000001.safetensors"), path + QStringLiteral("/shard-000007.safetensors")));
    auto again = EmbeddingStore::open(path);
    QVERIFY(again.ok());
    QCOMPARE(again->count(), 1LL);
    QVERIFY(again->append({recs[1], recs[2]}).ok());
    QVERIFY(QFileInfo::exists(path + QStringLiteral("/shard-000008.safetensors")));  // the orphan's name is not reused
    auto third = EmbeddingStore::open(path);
    QCOMPARE(third->count(), 3LL);
}

void TestEmbed::halfPrecisionPatches()
{
    QTemporaryDir dir = scratchDir();
    const QString path = dir.path() + QStringLiteral("/store");
    std::mt19937 rng(4);
    const auto recs = randomRecords(2, 0, rng);
    auto s = EmbeddingStore::openOrCreate(path, smallInfo(QStringLiteral("h"), true));
    QVERIFY(s.ok());
    QVERIFY(s->append(recs).ok());
    auto all = EmbeddingStore::open(path)->readAll();
    QVERIFY(all.ok());
    for (int i = 0; i < 2; ++i) {
        QVERIFY((*all)[i].cls == recs[i].cls);  // CLS stays float32
        for (std::size_t k = 0; k < recs[i].patches.size(); ++k)
            QVERIFY(std::abs((*all)[i].patches[k] - recs[i].patches[k]) <= 1e-3f * (1 + std::abs(recs[i].patches[k])));
    }
}

void TestEmbed::embedCommandWritesResumesAndRefuses()
{
    QTemporaryDir dir = scratchDir();
    const QString archive = dir.path() + QStringLiteral("/archive");
    QDir().mkpath(archive);
    QVERIFY(writeFakeArchive(archive, 6, 6.0));
    PrepSpec prep;
    prep.resolution = 32;
    const QStringList channels{QStringLiteral("hmi"), QStringLiteral("171")};
    auto a = SolarChipModel::create(smallModelConfig(), 1);
    auto b = SolarChipModel::create(smallModelConfig(), 2);
    QVERIFY(a.ok() && b.ok());
    const QString pathA = dir.path() + QStringLiteral("/a.safetensors"), pathB = dir.path() + QStringLiteral("/b.safetensors");
    QVERIFY(saveTrainedModel(*a, channels, prep, {}, pathA).ok());
    QVERIFY(saveTrainedModel(*b, channels, prep, {}, pathB).ok());
    const QString store = dir.path() + QStringLiteral("/store");
    const QString exe = binPath(QStringLiteral("solarchip"));
    auto embed = [&](const QString &model) {
        return run(exe, {QStringLiteral("embed"), QStringLiteral("--model"), model, QStringLiteral("--archive"), archive,
                         QStringLiteral("--out"), store, QStringLiteral("--batch"), QStringLiteral("4"),
                         QStringLiteral("--shard"), QStringLiteral("4"), QStringLiteral("--json")},
                   120000);
    };
    const ProcessResult r1 = embed(pathA);
    QVERIFY2(r1.exitCode == 0, r1.err.constData());
    const QJsonObject s1 = parseJson(r1.out.mid(r1.out.lastIndexOf("\n{"))).object();
    QCOMPARE(s1.value(QStringLiteral("written")).toInt(), 6);
    QCOMPARE(s1.value(QStringLiteral("count")).toInt(), 6);
    QCOMPARE(s1.value(QStringLiteral("model_hash")).toString(), *a->hash());

    // The stored vectors are the model's normalised embeddings of the prepared sets.
    auto st = EmbeddingStore::open(store);
    QVERIFY(st.ok());
    QCOMPARE(st->info().modelHash, *a->hash());
    auto records = st->readAll();
    QVERIFY(records.ok() && records->size() == 6);
    DatasetOptions o;
    o.archiveDir = archive;
    o.selection.channels = channels;
    o.prep = prep;
    o.split.validationFraction = 0;
    o.useCache = false;
    auto ds = Dataset::open(o);
    QVERIFY(ds.ok());
    auto sample = ds->sampleOf(ds->sets(Split::All)[0]);
    QVERIFY(sample.ok());
    QCOMPARE((*records)[0].timeMs, sample->timeMs);
    ImageBatch aia;
    aia.batch = 1;
    aia.side = 32;
    aia.data.assign(sample->plane(1), sample->plane(1) + 32 * 32);
    auto e = a->encode(QStringLiteral("171"), aia, true);
    QVERIFY(e.ok());
    for (int k = 0; k < 16; ++k)
        QVERIFY(std::abs((*records)[0].cls[16 + k] - e->cls[k]) < 1e-5f);
    double norm = 0;
    for (int k = 0; k < 16; ++k)
        norm += double((*records)[0].patches[k]) * (*records)[0].patches[k];
    QVERIFY(std::abs(norm - 1.0) < 1e-4);

    // Again: nothing recomputed.
    const ProcessResult r2 = embed(pathA);
    QVERIFY2(r2.exitCode == 0, r2.err.constData());
    const QJsonObject s2 = parseJson(r2.out.mid(r2.out.lastIndexOf("\n{"))).object();
    QCOMPARE(s2.value(QStringLiteral("written")).toInt(), 0);
    QCOMPARE(s2.value(QStringLiteral("already_stored")).toInt(), 6);

    // Another model into the same store: refused, nothing changed.
    const ProcessResult r3 = embed(pathB);
    QCOMPARE(r3.exitCode, 1);
    QVERIFY2(r3.err.contains("another model"), r3.err.constData());
    QCOMPARE(EmbeddingStore::open(store)->count(), 6LL);
}

void TestEmbed::embedCommandUsesTheModelsChannelsPresentAfterOneScan()
{
    // A model of hmi,171,193 on an archive of HMI + 171 without --channels: the two it has, said on stderr,
    // and the catalog scanned once in the whole command (it used to be scanned before the Dataset's own scan).
    QTemporaryDir dir = scratchDir();
    const QString archive = dir.path() + QStringLiteral("/archive");
    QDir().mkpath(archive);
    QVERIFY(writeFakeArchive(archive, 3, 6.0));
    const QStringList three{QStringLiteral("hmi"), QStringLiteral("171"), QStringLiteral("193")};
    auto cfg = SolarChipModel::configFor(QStringLiteral("tiny"), three);
    QVERIFY(cfg.ok());
    cfg->backbone = smallModelConfig().backbone;
    auto model = SolarChipModel::create(*cfg, 1);
    QVERIFY(model.ok());
    PrepSpec prep;
    prep.resolution = 32;
    const QString path = dir.path() + QStringLiteral("/three.safetensors");
    QVERIFY(saveTrainedModel(*model, three, prep, {}, path).ok());
    const QString store = dir.path() + QStringLiteral("/store");
    const ProcessResult r = run(binPath(QStringLiteral("solarchip")),
                                {QStringLiteral("embed"), QStringLiteral("--model"), path, QStringLiteral("--archive"), archive,
                                 QStringLiteral("--out"), store, QStringLiteral("--json")},
                                120000);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY2(r.err.contains(QStringLiteral("%1 has hmi,171 of hmi,171,193: using those").arg(archive).toUtf8()), r.err.constData());
    auto st = EmbeddingStore::open(store);
    QVERIFY(st.ok());
    QCOMPARE(st->info().channels, (QStringList{QStringLiteral("hmi"), QStringLiteral("171")}));
    QCOMPARE(st->count(), 3LL);
    QCOMPARE(catalogScanCount(archive), qint64(1));
}

void TestEmbed::searchCommandFindsTheQueryCell()
{
    // `solarchip search` over a store `embed` wrote: the query cell itself (same time, same channel, score 1) comes
    // first, the hits carry positions from the model frame, a store of another model is named, and a click off the
    // model frame is a clear error. --at-hpc=-X,Y (negative) parses.
    QTemporaryDir dir = scratchDir();
    const QString archive = dir.path() + QStringLiteral("/archive");
    QDir().mkpath(archive);
    QVERIFY(writeFakeArchive(archive, 4, 24.0));
    PrepSpec prep;
    prep.resolution = 32;
    auto a = SolarChipModel::create(smallModelConfig(), 1);
    QVERIFY(a.ok());
    const QString model = dir.path() + QStringLiteral("/a.safetensors");
    QVERIFY(saveTrainedModel(*a, {QStringLiteral("hmi"), QStringLiteral("171")}, prep, {}, model).ok());
    const QString exe = binPath(QStringLiteral("solarchip"));
    auto search = [&](const QStringList &extra) {
        return run(exe, QStringList{QStringLiteral("search"), QStringLiteral("--model"), model, QStringLiteral("--archive"), archive,
                                    QStringLiteral("--channel"), QStringLiteral("171"), QStringLiteral("--json")} + extra, 120000);
    };
    // No store yet: the message says what to run.
    ProcessResult r = search({QStringLiteral("--time"), QStringLiteral("2011-06-07T00:00"), QStringLiteral("--at-hpc=-100,50")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("solarchip embed"), r.err.constData());

    r = run(exe, {QStringLiteral("embed"), QStringLiteral("--model"), model, QStringLiteral("--archive"), archive, QStringLiteral("--json")}, 120000);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QString store = parseJson(r.out.mid(r.out.lastIndexOf("\n{"))).object().value(QStringLiteral("store")).toString();
    auto st = EmbeddingStore::open(store);
    QVERIFY(st.ok());
    const qint64 t1 = (*st->times())[1];
    const QString when = QDateTime::fromMSecsSinceEpoch(t1, QTimeZone::utc()).toString(QStringLiteral("yyyy-MM-dd'T'HH:mm:ss'Z'"));
    r = search({QStringLiteral("--time"), when, QStringLiteral("--at-hpc=-100,50"), QStringLiteral("--k"), QStringLiteral("3")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject out = parseJson(r.out).object();
    const QJsonObject query = out.value(QStringLiteral("query")).toObject();
    const QJsonArray hits = out.value(QStringLiteral("hits")).toArray();
    QCOMPARE(hits.size(), 3);
    const QJsonObject first = hits.at(0).toObject();
    QCOMPARE(first.value(QStringLiteral("cell")).toInt(), query.value(QStringLiteral("cell")).toInt());
    QCOMPARE(first.value(QStringLiteral("time")).toString(), query.value(QStringLiteral("time")).toString());
    QVERIFY(std::abs(first.value(QStringLiteral("score")).toDouble() - 1.0) < 1e-4);
    QCOMPARE(first.value(QStringLiteral("hpc")).toArray(), query.value(QStringLiteral("hpc")).toArray());
    QVERIFY(first.value(QStringLiteral("lonlat")).toArray().at(1).isDouble());
    // The query cell's centre lies within one cell of the clicked point.
    const QJsonArray hpc = first.value(QStringLiteral("hpc")).toArray();
    QVERIFY(std::abs(hpc.at(0).toDouble() + 100) < 620 && std::abs(hpc.at(1).toDouble() - 50) < 620);
    QVERIFY(QFileInfo::exists(store + QStringLiteral("/index-171.safetensors")));
    // Off the frame: a clear error.
    r = search({QStringLiteral("--time"), when, QStringLiteral("--at-hpc=-90000,0")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("outside the model frame"), r.err.constData());
}

QTEST_GUILESS_MAIN(TestEmbed)
#include "tst_embed.moc"
