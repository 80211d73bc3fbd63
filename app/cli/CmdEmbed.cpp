// solarchip embed [--model CKPT] --archive DIR [--out STORE]: CLS and patch embeddings of every co-temporal set
// into an embedding store (models/embeddings/EmbeddingStore.h), resumable and tied to the model's hash.
#include "app/cli/Command.h"
#include "app/cli/CommandLine.h"
#include "app/cli/DataCliOptions.h"
#include "app/cli/ModelCliOptions.h"

#include "models/embeddings/EmbedSets.h"
#include "models/embeddings/EmbeddingStore.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QTextStream>

namespace solarchip::cli {

namespace {

const QString kName = QStringLiteral("embed");

void addEmbedOptions(CommandLine &p)
{
    addDataOptions(p, QStringLiteral("the model's"));
    addModelOptions(p);
    p.addOption({QStringLiteral("out"), QStringLiteral("Embedding store folder (default ARCHIVE/.solarchip/embeddings/<model hash>)."),
                 QStringLiteral("STORE")});
    p.addOption({QStringLiteral("batch"), QStringLiteral("Sets encoded together (default 8)."), QStringLiteral("N"), QStringLiteral("8")});
    p.addOption({QStringLiteral("shard"), QStringLiteral("Sets per appended shard (default 64)."), QStringLiteral("N"), QStringLiteral("64")});
    p.addOption({QStringLiteral("workers"), QStringLiteral("Loader threads (default 2)."), QStringLiteral("N"), QStringLiteral("2")});
    p.addOption({QStringLiteral("half"), QStringLiteral("Store patch vectors as float16 (half the size).")});
    p.addJsonOption(QStringLiteral("Progress as JSON lines (a start event, one progress event per shard) and a JSON summary."));
}

int runEmbed(const QStringList &args)
{
    CommandLine p(kName, QStringLiteral(
        "Encode every co-temporal set of an archive with a SolarCHIP model and store its CLS and patch embeddings "
        "(resumable: sets already in the store are skipped; a store never mixes models)."));
    addEmbedOptions(p);
    if (auto exit = p.parseOrExit(args))
        return *exit;
    const int batch = p.value(QStringLiteral("batch")).toInt();
    const int shardSize = p.value(QStringLiteral("shard")).toInt();
    if (batch < 1 || shardSize < 1)
        return p.usage(QStringLiteral("--batch and --shard must be positive integers"));

    auto model = loadModelFromOptions(p);
    if (!model)
        return fail(kName, model.error());
    DatasetOptions base;
    const QString problem = readDataOptions(p, base, model->channels);
    if (!problem.isEmpty())
        return p.usage(problem);
    auto opts = datasetOptionsFor(*model, base, base.selection.channels);
    if (!opts)
        return fail(kName, opts.error());
    auto ds = Dataset::open(*opts);
    if (!ds)
        return fail(kName, ds.error());

    EmbeddingStoreInfo info;
    info.modelHash = model->hash;
    info.modelPath = model->path;
    info.modelConfig = model->model.config().toJson();
    info.channels = ds->channels();
    info.prep = model->prep.toJson();
    info.dim = model->model.config().backbone.contrastiveDim;
    info.grid = model->model.config().backbone.gridSize();
    info.halfPatches = p.isSet(QStringLiteral("half"));
    const QString out = p.isSet(QStringLiteral("out")) ? p.value(QStringLiteral("out"))
                                                       : ds->options().archiveDir + QStringLiteral("/.solarchip/embeddings/")
                                                             + model->hash.left(16);
    auto store = EmbeddingStore::openOrCreate(out, info);
    if (!store)
        return fail(kName, store.error());

    const bool json = p.json();
    std::vector<int> todo;
    const auto &sets = ds->sets(Split::All);
    for (int i = 0; i < sets.size(); ++i)
        if (!store->contains(sets[i].referenceTimeMs))
            todo.push_back(i);
    const qint64 already = static_cast<qint64>(sets.size()) - static_cast<qint64>(todo.size());
    if (json)  // what the run will do, before the first set is encoded (the app's progress bar and ETA)
        printJsonLine(QJsonObject{{QStringLiteral("event"), QStringLiteral("start")},
                                  {QStringLiteral("sets"), static_cast<double>(sets.size())},
                                  {QStringLiteral("already_stored"), static_cast<double>(already)},
                                  {QStringLiteral("todo"), static_cast<double>(todo.size())},
                                  {QStringLiteral("store"), store->dir()},
                                  {QStringLiteral("model_hash"), model->hash}});
    QElapsedTimer clock;
    clock.start();
    qint64 written = 0, skipped = 0;
    std::vector<EmbeddingRecord> pending;
    auto flushShard = [&]() -> Status {
        if (pending.empty())
            return Status::success();
        Status s = store->append(pending);
        if (!s)
            return s;
        written += static_cast<qint64>(pending.size());
        pending.clear();
        if (json)
            printJsonLine(QJsonObject{{QStringLiteral("event"), QStringLiteral("progress")},
                                      {QStringLiteral("done"), static_cast<double>(written)},
                                      {QStringLiteral("total"), static_cast<double>(todo.size())},
                                      {QStringLiteral("seconds"), clock.elapsed() / 1000.0}});
        return Status::success();
    };
    EncodeOptions eo;
    eo.batch = batch;
    eo.workers = p.value(QStringLiteral("workers")).toInt();
    Status st = encodeSets(*model, *ds, Split::All, todo, eo,
                           [&](std::vector<EmbeddingRecord> &&records) -> Status {
                               for (EmbeddingRecord &r : records)
                                   pending.push_back(std::move(r));
                               if (static_cast<int>(pending.size()) >= shardSize)
                                   return flushShard();
                               return Status::success();
                           },
                           [&](const QString &warning) {
                               ++skipped;
                               QTextStream(stderr) << "solarchip embed: skipped: " << warning << Qt::endl;
                           });
    if (st)
        st = flushShard();
    if (!st)
        return fail(kName, st.error());
    const QJsonObject summary{{QStringLiteral("store"), store->dir()},
                              {QStringLiteral("model"), model->path},
                              {QStringLiteral("model_hash"), model->hash},
                              {QStringLiteral("channels"), QJsonArray::fromStringList(ds->channels())},
                              {QStringLiteral("sets"), static_cast<double>(sets.size())},
                              {QStringLiteral("already_stored"), static_cast<double>(already)},
                              {QStringLiteral("written"), static_cast<double>(written)},
                              {QStringLiteral("skipped"), static_cast<double>(skipped)},
                              {QStringLiteral("count"), static_cast<double>(store->count())},
                              {QStringLiteral("seconds"), clock.elapsed() / 1000.0}};
    if (json)
        printJson(summary);
    else
        QTextStream(stdout) << store->dir() << ": " << written << " sets embedded, " << already << " already there, "
                            << skipped << " skipped; " << store->count() << " in the store (model "
                            << model->hash.left(16) << ")\n";
    return skipped > 0 && written == 0 && already == 0 ? kFailed : kOk;
}

const Registration reg(kName, QStringLiteral("CLS + patch embeddings of an archive's co-temporal sets into an embedding store"),
                       runEmbed);

}  // namespace

}  // namespace solarchip::cli
