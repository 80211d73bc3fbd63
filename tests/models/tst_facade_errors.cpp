// Errors stop at the models/ facade: every public entry point, forced to fail (a wrong input shape, a channel
// the model lacks, a corrupt file, an allocation the machine cannot give), returns an Error that says what was
// being done (model, modality, shape, file), and the process goes on (this executable finishing is the proof
// that nothing aborted; before the guard, the allocations below killed it, on a loader thread even via
// std::terminate).
//
// The impossible allocations are made to fail fast and harmlessly: the process's address space is capped at
// its current size + 1 GiB (RLIMIT_AS) around each of them, and each asks for more than that in one block
// (torch's allocator or std::vector then gets ENOMEM at once, whatever the machine's overcommit policy), so no
// test ever touches gigabytes.
#include "EngineFixtures.h"
#include "TestSupport.h"

#include "models/data/Dataset.h"
#include "models/embeddings/EmbedSets.h"
#include "models/embeddings/EmbeddingStore.h"
#include "models/embeddings/EvalAlign.h"
#include "models/networks/CheckpointImport.h"
#include "models/networks/Device.h"
#include "models/networks/EncoderBenchmark.h"
#include "models/networks/SafetensorsFile.h"
#include "models/networks/SolarChipModel.h"
#include "models/networks/TrainedModel.h"
#include "models/training/Trainer.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QtTest>

#include <sys/resource.h>

using namespace solarchip;
using namespace solarchip::test;

namespace {

constexpr rlim_t kHeadroom = rlim_t(1) << 30;  // 1 GiB above what the process has mapped

qint64 mappedBytes()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("VmSize:"))
            return line.mid(7).trimmed().split(' ').first().toLongLong() * 1024;
    return -1;
}

/// Caps the address space at the current size + kHeadroom for its lifetime.
class AddressSpaceCap {
public:
    AddressSpaceCap()
    {
        const qint64 now = mappedBytes();
        if (now <= 0 || getrlimit(RLIMIT_AS, &m_old) != 0)
            return;
        rlimit capped = m_old;
        capped.rlim_cur = static_cast<rlim_t>(now) + kHeadroom;
        if (m_old.rlim_max != RLIM_INFINITY && capped.rlim_cur > m_old.rlim_max)
            return;
        m_ok = setrlimit(RLIMIT_AS, &capped) == 0;
    }
    ~AddressSpaceCap()
    {
        if (m_ok)
            setrlimit(RLIMIT_AS, &m_old);
    }
    bool ok() const { return m_ok; }

private:
    rlimit m_old{};
    bool m_ok = false;
};

#define REQUIRE_CAP(cap)                                                                                    \
    do {                                                                                                    \
        if (!(cap).ok())                                                                                    \
            QSKIP("cannot cap the address space (RLIMIT_AS): the impossible allocation would really happen"); \
    } while (0)

/// The message contains every one of `parts` (case-insensitive), else the test fails naming the message.
/// Each message is also printed, so the test log shows what a user would read.
#define VERIFY_MESSAGE(error, parts)                                                                        \
    do {                                                                                                    \
        const QString msg_ = (error).toString();                                                            \
        qInfo("%s", qPrintable(msg_));                                                                      \
        for (const QString &p_ : QStringList parts)                                                         \
            QVERIFY2(msg_.contains(p_, Qt::CaseInsensitive),                                                \
                     qPrintable(QStringLiteral("'%1' not in: %2").arg(p_, msg_)));                          \
    } while (0)

BackboneConfig vitBackbone(int resolution, int patch, int width, int heads, int dc = 8)
{
    BackboneConfig bb;
    bb.arch = Architecture::Vit;
    bb.resolution = resolution;
    bb.contrastiveDim = dc;
    bb.vit.patchSize = patch;
    bb.vit.width = width;
    bb.vit.layers = 1;
    bb.vit.heads = heads;
    return bb;
}

SolarChipConfig configWith(const BackboneConfig &bb)
{
    auto cfg = SolarChipModel::configFor(QStringLiteral("tiny"), {QStringLiteral("hmi"), QStringLiteral("171")});
    cfg->backbone = bb;
    return *cfg;
}

/// 32 px, 4x4 tokens: what the tests run for real.
SolarChipConfig smallConfig() { return configWith(vitBackbone(32, 8, 32, 2)); }

/// 128 px with one token per pixel: the weights are tiny (16385 x 8 positional embedding), but one attention
/// matrix is [1, 2, 16385, 16385] float32 = 2.1 GB, beyond the capped address space.
SolarChipConfig hugeAttentionConfig() { return configWith(vitBackbone(128, 1, 8, 2)); }

/// ViT width 32768: its first attention projection alone is 3 x 32768^2 float32 = 12.9 GB.
SolarChipConfig hugeWeightsConfig() { return configWith(vitBackbone(32, 8, 32768, 1)); }

ImageBatch zeros(int batch, int side)
{
    ImageBatch b;
    b.batch = batch;
    b.side = side;
    b.data.assign(static_cast<std::size_t>(batch) * side * side, 0.0f);
    return b;
}

bool writeBytes(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

TrainerOptions trainerOptions(const QString &archive, const QString &runDir, const BackboneConfig &bb)
{
    TrainerOptions o;
    o.data.archiveDir = archive;
    o.data.selection.channels = {QStringLiteral("hmi"), QStringLiteral("171")};
    o.data.split.validationFraction = 0;
    o.data.useCache = false;
    o.customBackbone = bb.toJson();
    o.batchSize = 1;
    o.epochs = 1;
    o.workers = 0;
    o.threads = 1;
    o.device = QStringLiteral("cpu");
    o.runDir = runDir;
    return o;
}

}  // namespace

class TestFacadeErrors : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void forwardAndEncodeNameModalityAndShape();
    void forwardAndEncodeSurviveAnImpossibleAllocation();
    void createAndLoadSurviveAnImpossibleModel();
    void corruptAndUnwritableModelFiles();
    void benchmarkSurvivesImpossibleSizes();
    void datasetAndLoaderThreadsSurviveAnImpossibleFrame();
    void trainerNamesCorruptCheckpointAndFailingStep();
    void embeddingStoreAndEvalAlignNameTheProblem();

private:
    QTemporaryDir m_dir{scratchDir()};
    QString m_archive;
};

void TestFacadeErrors::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_archive = m_dir.path() + QStringLiteral("/archive");
    QVERIFY(QDir().mkpath(m_archive));
    QVERIFY(writeFakeArchive(m_archive, 2, 6.0));
}

void TestFacadeErrors::forwardAndEncodeNameModalityAndShape()
{
    auto model = SolarChipModel::create(smallConfig(), 1);
    QVERIFY2(model.ok(), qPrintable(model.errorString()));

    // Wrong side for one modality.
    auto f = model->forward({{QStringLiteral("hmi"), zeros(2, 32)}, {QStringLiteral("0171"), zeros(2, 16)}});
    QVERIFY(!f.ok());
    VERIFY_MESSAGE(f.error(), ({QStringLiteral("0171"), QStringLiteral("16 x 16"), QStringLiteral("32 x 32")}));
    // A modality missing, batch sizes that differ.
    f = model->forward({{QStringLiteral("hmi"), zeros(2, 32)}});
    QVERIFY(!f.ok());
    VERIFY_MESSAGE(f.error(), ({QStringLiteral("0171")}));
    f = model->forward({{QStringLiteral("hmi"), zeros(2, 32)}, {QStringLiteral("0171"), zeros(3, 32)}});
    QVERIFY(!f.ok());
    VERIFY_MESSAGE(f.error(), ({QStringLiteral("0171"), QStringLiteral("3 images")}));

    // A channel the model lacks; values that do not fill the declared shape.
    auto e = model->encode(QStringLiteral("304"), zeros(1, 32));
    QVERIFY(!e.ok());
    VERIFY_MESSAGE(e.error(), ({QStringLiteral("304"), QStringLiteral("hmi,0171")}));
    ImageBatch shortBatch = zeros(2, 32);
    shortBatch.data.resize(100);
    e = model->encode(QStringLiteral("hmi"), shortBatch);
    QVERIFY(!e.ok());
    VERIFY_MESSAGE(e.error(), ({QStringLiteral("hmi"), QStringLiteral("100 values"), QStringLiteral("[2, 1, 32, 32]")}));

    // A device this build cannot use.
    if (!cudaAvailable()) {
        Status moved = model->to(DeviceChoice{DeviceKind::Cuda, 0});
        QVERIFY(!moved.ok());
        VERIFY_MESSAGE(moved.error(), ({QStringLiteral("CUDA")}));
    }

    // The model still works.
    QVERIFY(model->encode(QStringLiteral("171"), zeros(1, 32)).ok());
}

void TestFacadeErrors::forwardAndEncodeSurviveAnImpossibleAllocation()
{
    auto model = SolarChipModel::create(hugeAttentionConfig(), 1);
    QVERIFY2(model.ok(), qPrintable(model.errorString()));
    const ImageBatch one = zeros(1, 128);
    {
        AddressSpaceCap cap;
        REQUIRE_CAP(cap);
        auto e = model->encode(QStringLiteral("hmi"), one);
        QVERIFY(!e.ok());
        VERIFY_MESSAGE(e.error(), ({QStringLiteral("encoding hmi images [1, 1, 128, 128]"), QStringLiteral("ViT model (hmi,0171; 128 px"),
                                    QStringLiteral("memory")}));
        auto f = model->forward({{QStringLiteral("hmi"), one}, {QStringLiteral("0171"), one}});
        QVERIFY(!f.ok());
        VERIFY_MESSAGE(f.error(), ({QStringLiteral("forward of the ViT model"), QStringLiteral("0171 [1, 1, 128, 128]"),
                                    QStringLiteral("memory")}));
        // torch's C++ backtrace and its enforce-check prefix stay out of the message.
        QVERIFY2(!f.errorString().contains(QStringLiteral("frame #")), qPrintable(f.errorString()));
        QVERIFY2(!f.errorString().contains(QStringLiteral("enforce fail")), qPrintable(f.errorString()));
    }
    // The process and torch are fine afterwards.
    auto small = SolarChipModel::create(smallConfig(), 2);
    QVERIFY(small.ok());
    auto f = small->forward({{QStringLiteral("hmi"), zeros(2, 32)}, {QStringLiteral("0171"), zeros(2, 32)}});
    QVERIFY2(f.ok(), qPrintable(f.errorString()));
    QVERIFY(std::isfinite(f->losses.total));
}

void TestFacadeErrors::createAndLoadSurviveAnImpossibleModel()
{
    const QString path = m_dir.path() + QStringLiteral("/impossible.safetensors");
    // A model file whose configuration asks for a model the machine cannot hold (and no tensors).
    SafetensorsFile file;
    file.metadata.insert(QStringLiteral("solarchip_config"),
                         QString::fromUtf8(QJsonDocument(hugeWeightsConfig().toJson()).toJson(QJsonDocument::Compact)));
    QVERIFY(file.write(path).ok());

    AddressSpaceCap cap;
    REQUIRE_CAP(cap);
    auto created = SolarChipModel::create(hugeWeightsConfig(), 0);
    QVERIFY(!created.ok());
    VERIFY_MESSAGE(created.error(), ({QStringLiteral("cannot build the ViT model (hmi,0171; 32 px input, 4x4 grid)"),
                                      QStringLiteral("memory")}));
    auto loaded = SolarChipModel::load(path);
    QVERIFY(!loaded.ok());
    QCOMPARE(loaded.error().file, path);
    VERIFY_MESSAGE(loaded.error(), ({QStringLiteral("ViT model"), QStringLiteral("memory")}));
    auto trained = TrainedModel::load(path);
    QVERIFY(!trained.ok());
    QCOMPARE(trained.error().file, path);
    VERIFY_MESSAGE(trained.error(), ({QStringLiteral("memory")}));
}

void TestFacadeErrors::corruptAndUnwritableModelFiles()
{
    const QString garbage = m_dir.path() + QStringLiteral("/garbage.safetensors");
    QVERIFY(writeBytes(garbage, QByteArray("\x10\x00\x00\x00\x00\x00\x00\x00{\"a\":", 13) + QByteArray(64, '\xff')));
    auto loaded = SolarChipModel::load(garbage);
    QVERIFY(!loaded.ok());
    QCOMPARE(loaded.error().file, garbage);
    auto trained = TrainedModel::load(garbage);
    QVERIFY(!trained.ok());
    QCOMPARE(trained.error().file, garbage);
    qputenv("SOLARCHIP_DEFAULT_MODEL", QFile::encodeName(garbage));
    auto byDefault = TrainedModel::loadDefault();
    qunsetenv("SOLARCHIP_DEFAULT_MODEL");
    QVERIFY(!byDefault.ok());
    QCOMPARE(byDefault.error().file, garbage);
    const QString notPickle = m_dir.path() + QStringLiteral("/corrupt.pt");
    QVERIFY(writeBytes(notPickle, QByteArray("PK\x03\x04 this is no torch archive", 30)));
    auto imported = importCheckpoint(notPickle, m_dir.path() + QStringLiteral("/out.safetensors"), {});
    QVERIFY(!imported.ok());
    QCOMPARE(imported.error().file, notPickle);
    QVERIFY(!QFileInfo::exists(m_dir.path() + QStringLiteral("/out.safetensors")));

    // Saving under a path whose folder is a file.
    auto model = SolarChipModel::create(smallConfig(), 3);
    QVERIFY(model.ok());
    const QString blocked = garbage + QStringLiteral("/model.safetensors");
    Status s = model->save(blocked);
    QVERIFY(!s.ok());
    VERIFY_MESSAGE(s.error(), ({QStringLiteral("model.safetensors")}));
    s = saveTrainedModel(*model, {QStringLiteral("hmi"), QStringLiteral("171")}, PrepSpec{}, {}, blocked);
    QVERIFY(!s.ok());
    VERIFY_MESSAGE(s.error(), ({QStringLiteral("model.safetensors")}));
    // hash() comes back as an Expected: 64 hex digits, equal for equal weights.
    auto h = model->hash();
    QVERIFY(h.ok());
    QCOMPARE(h->size(), 64);
    QCOMPARE(*SolarChipModel::create(smallConfig(), 3)->hash(), *h);
}

void TestFacadeErrors::benchmarkSurvivesImpossibleSizes()
{
    AddressSpaceCap cap;
    REQUIRE_CAP(cap);
    // 131072^2 float32 = 64 GiB per matrix.
    auto peak = measureMatmulGflops(131072, 1);
    QVERIFY(!peak.ok());
    VERIFY_MESSAGE(peak.error(), ({QStringLiteral("131072 x 131072"), QStringLiteral("memory")}));
    // 4194304 x 32 x 32 float32 = 16 GiB.
    const QString input = m_dir.path() + QStringLiteral("/bench-input.safetensors");
    Status s = writeBenchInput(input, vitBackbone(32, 8, 32, 2), 4194304);
    QVERIFY(!s.ok());
    QCOMPARE(s.error().file, input);
    VERIFY_MESSAGE(s.error(), ({QStringLiteral("[4194304, 1, 32, 32]"), QStringLiteral("memory")}));
    QVERIFY(!QFileInfo::exists(input));
    // The tiny preset (256 px) with a batch of 2^22: 1 TiB of input.
    EncoderBenchOptions o;
    o.preset = QStringLiteral("tiny");
    o.batch = 4194304;
    auto r = benchEncoder(o);
    QVERIFY(!r.ok());
    VERIFY_MESSAGE(r.error(), ({QStringLiteral("tiny encoder with a batch of 4194304"), QStringLiteral("memory")}));
}

void TestFacadeErrors::datasetAndLoaderThreadsSurviveAnImpossibleFrame()
{
    // The largest frame the options allow: 8192 px x oversample 8 = 65536^2 float32 = 16 GiB per plane.
    DatasetOptions o;
    o.archiveDir = m_archive;
    o.selection.channels = {QStringLiteral("hmi"), QStringLiteral("171")};
    o.prep.resolution = 8192;
    o.prep.oversample = 8;
    o.split.validationFraction = 0;
    o.useCache = false;
    auto ds = Dataset::open(o);
    QVERIFY2(ds.ok(), qPrintable(ds.errorString()));
    QCOMPARE(ds->size(Split::All), 2);
    const ObservationSet set = ds->sets(Split::All)[0];
    const QString when = QDateTime::fromMSecsSinceEpoch(set.referenceTimeMs, QTimeZone::utc()).toString(Qt::ISODate);

    auto model = SolarChipModel::create(smallConfig(), 4);
    QVERIFY(model.ok());
    PrepSpec prep;
    prep.resolution = 32;
    TrainedModel trained{std::move(*model), {QStringLiteral("hmi"), QStringLiteral("171")}, prep, {},
                         m_dir.path() + QStringLiteral("/small.safetensors"), {}};

    AddressSpaceCap cap;
    REQUIRE_CAP(cap);
    auto s = ds->sample(Split::All, 0);
    QVERIFY(!s.ok());
    VERIFY_MESSAGE(s.error(), ({when, QStringLiteral("(hmi,171) at 8192 px (oversample 8)"), QStringLiteral("memory")}));
    s = ds->sampleOf(set);
    QVERIFY(!s.ok());
    VERIFY_MESSAGE(s.error(), ({QStringLiteral("preparing the set at ") + when, QStringLiteral("memory")}));
    auto member = ds->preparedMember(set, 1);
    QVERIFY(!member.ok());
    VERIFY_MESSAGE(member.error(), ({QStringLiteral("memory")}));

    // Two loader threads meet the same failure: each set is reported as a warning and skipped; nothing aborts.
    QMutex mutex;
    QStringList warnings;
    int batches = 0;
    EncodeOptions eo;
    eo.batch = 1;
    eo.workers = 2;
    Status st = encodeSets(trained, *ds, Split::All, {0, 1}, eo,
                           [&](std::vector<EmbeddingRecord> &&) { ++batches; return Status::success(); },
                           [&](const QString &w) { QMutexLocker lock(&mutex); warnings << w; });
    QVERIFY2(st.ok(), qPrintable(st.errorString()));
    QCOMPARE(batches, 0);
    QCOMPARE(warnings.size(), 2);
    for (const QString &w : warnings)
        QVERIFY2(w.contains(QStringLiteral("8192 px")) && w.contains(QStringLiteral("memory"), Qt::CaseInsensitive), qPrintable(w));

    // A model that cannot encode the dataset's channel.
    auto cfg = SolarChipModel::configFor(QStringLiteral("tiny"), {QStringLiteral("hmi"), QStringLiteral("193")});
    cfg->backbone = vitBackbone(32, 8, 32, 2);
    auto wrong = SolarChipModel::create(*cfg, 5);
    QVERIFY(wrong.ok());
    TrainedModel wrongModel{std::move(*wrong), {QStringLiteral("hmi"), QStringLiteral("193")}, prep, {},
                            m_dir.path() + QStringLiteral("/hmi-193.safetensors"), {}};
    st = encodeSets(wrongModel, *ds, Split::All, {0}, eo, [](std::vector<EmbeddingRecord> &&) { return Status::success(); });
    QVERIFY(!st.ok());
    QCOMPARE(st.error().file, wrongModel.path);
    VERIFY_MESSAGE(st.error(), ({QStringLiteral("'171'")}));
}

void TestFacadeErrors::trainerNamesCorruptCheckpointAndFailingStep()
{
    // Resume from a corrupt checkpoint.
    const QString corruptRun = m_dir.path() + QStringLiteral("/run-corrupt");
    QVERIFY(QDir().mkpath(corruptRun));
    const TrainerOptions small = trainerOptions(m_archive, corruptRun, vitBackbone(32, 8, 32, 2));
    QVERIFY(writeBytes(corruptRun + QStringLiteral("/run.json"),
                       QJsonDocument(QJsonObject{{QStringLiteral("options"), small.toJson()}}).toJson()));
    QVERIFY(writeBytes(corruptRun + QStringLiteral("/checkpoint.pt"), QByteArray("PK\x03\x04 truncated", 14)));
    auto resumed = Trainer::create(small, /*resume=*/true);
    QVERIFY(!resumed.ok());
    QCOMPARE(resumed.error().file, QFileInfo(corruptRun).absoluteFilePath() + QStringLiteral("/checkpoint.pt"));
    VERIFY_MESSAGE(resumed.error(), ({QStringLiteral("checkpoint")}));

    // A step that cannot get its memory: the run's first step fails, the trainer says which step of which model.
    const QString runDir = m_dir.path() + QStringLiteral("/run-oom");
    auto trainer = Trainer::create(trainerOptions(m_archive, runDir, hugeAttentionConfig().backbone));
    QVERIFY2(trainer.ok(), qPrintable(trainer.errorString()));
    QStringList events;
    {
        AddressSpaceCap cap;
        REQUIRE_CAP(cap);
        auto summary = trainer->run([&](const QJsonObject &o) { events << o.value(QStringLiteral("event")).toString(); });
        QVERIFY(!summary.ok());
        QCOMPARE(summary.error().file, QFileInfo(runDir).absoluteFilePath());
        VERIFY_MESSAGE(summary.error(), ({QStringLiteral("training step 1 (epoch 0"), QStringLiteral("ViT model (hmi,0171; 128 px"),
                                          QStringLiteral("memory")}));
    }
    QVERIFY(events.contains(QStringLiteral("start")));
    QVERIFY(!events.contains(QStringLiteral("train")));
}

void TestFacadeErrors::embeddingStoreAndEvalAlignNameTheProblem()
{
    const QString dir = m_dir.path() + QStringLiteral("/store");
    QVERIFY(QDir().mkpath(dir));
    QVERIFY(writeBytes(dir + QStringLiteral("/store.json"), "{\"format\": \"solarchip-embeddings/1\", trunc"));
    auto s = EmbeddingStore::open(dir);
    QVERIFY(!s.ok());
    QCOMPARE(s.error().file, dir + QStringLiteral("/store.json"));

    // A manifest that lists a shard which is not a safetensors file.
    EmbeddingStoreInfo info;
    info.modelHash = QStringLiteral("ab12");
    info.channels = {QStringLiteral("hmi"), QStringLiteral("171")};
    info.dim = 4;
    info.grid = 2;
    const QString dir2 = m_dir.path() + QStringLiteral("/store2");
    QVERIFY(EmbeddingStore::openOrCreate(dir2, info).ok());
    QFile mf(dir2 + QStringLiteral("/store.json"));
    QVERIFY(mf.open(QIODevice::ReadOnly));
    QJsonObject m = QJsonDocument::fromJson(mf.readAll()).object();
    mf.close();
    m.insert(QStringLiteral("shards"), QJsonArray{QJsonObject{{QStringLiteral("file"), QStringLiteral("shard-000001.safetensors")}}});
    QVERIFY(writeBytes(dir2 + QStringLiteral("/store.json"), QJsonDocument(m).toJson()));
    QVERIFY(writeBytes(dir2 + QStringLiteral("/shard-000001.safetensors"), QByteArray(5, '\0')));
    // Opening reads the manifest only (issue 11: stores stream); the shard's problem comes with its first read.
    s = EmbeddingStore::open(dir2);
    QVERIFY(s.ok());
    auto times = s->times();
    QVERIFY(!times.ok());
    QCOMPARE(times.error().file, QFileInfo(dir2).absoluteFilePath() + QStringLiteral("/shard-000001.safetensors"));
    auto all = s->readAll();
    QVERIFY(!all.ok());
    QCOMPARE(all.error().file, QFileInfo(dir2).absoluteFilePath() + QStringLiteral("/shard-000001.safetensors"));

    // Records of the wrong shape are refused naming the store.
    auto fresh = EmbeddingStore::openOrCreate(m_dir.path() + QStringLiteral("/store3"), info);
    QVERIFY(fresh.ok());
    EmbeddingRecord r;
    r.timeMs = 1;
    r.files = {QStringLiteral("a"), QStringLiteral("b")};
    r.cls.assign(3, 0.f);
    Status st = fresh->append({r});
    QVERIFY(!st.ok());
    QCOMPARE(st.error().file, fresh->dir());

    ChannelEmbeddings a, b;
    a.count = b.count = 2;
    a.patches = b.patches = 4;
    a.dim = 8;
    b.dim = 4;
    auto metrics = EvalAlign::evaluate(a, b);
    QVERIFY(!metrics.ok());
    VERIFY_MESSAGE(metrics.error(), ({QStringLiteral("2x4x8"), QStringLiteral("2x4x4")}));
}

QTEST_GUILESS_MAIN(TestFacadeErrors)
#include "tst_facade_errors.moc"
