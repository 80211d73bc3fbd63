#include "app/cli/FlareCliSupport.h"

#include "app/cli/Command.h"
#include "app/cli/DataCliOptions.h"
#include "app/cli/ModelCliOptions.h"

#include <QTextStream>
#include <QTimeZone>

namespace solarchip::cli {

namespace {

// A HEK export's reports without a GOES class are left out on purpose; say how many (on stderr, so --json
// output stays one document).
Expected<FlareList> loadListNoting(const QString &path)
{
    auto list = FlareList::load(path);
    if (list && !list->skippedRows().isEmpty()) {
        const auto &first = list->skippedRows().first();
        QTextStream(stderr) << path << ": " << list->skippedRows().size() << " row(s) skipped (" << first.reason
                            << "; first at line " << first.line << "), " << list->size() << " flares read\n";
    }
    return list;
}

}  // namespace

void addFlareArchiveOptions(CommandLine &p)
{
    addDataOptions(p, QStringLiteral("the model's"));
    addModelOptions(p);
    p.addOption({QStringLiteral("flare-list"),
                 QStringLiteral("Flare list (SWPC CSV, the cycle-24 list or a HEK flare export as CSV; default: the archive's "
                                "swpc_flarelist_*.csv)."),
                 QStringLiteral("FILE")});
    p.addOption({QStringLiteral("store"), QStringLiteral("Embedding store (default ARCHIVE/.solarchip/embeddings/<model hash>)."),
                 QStringLiteral("DIR")});
}

namespace {

// The data options of --archive, or of `otherArchive` with its own catalog.
QString readArchiveOptions(const CommandLine &p, const TrainedModel &model, const QString &otherArchive, DatasetOptions &base)
{
    const QString usage = readDataOptions(p, base, model.channels);
    if (usage.isEmpty() && !otherArchive.isEmpty()) {
        base.archiveDir = otherArchive;
        base.catalogDb.clear();
    }
    return usage;
}

// The flare list: --flare-list, unless `ownList` (another archive's), else the archive's swpc_flarelist_*.csv.
Expected<FlareList> loadList(const CommandLine &p, const QString &archiveDir, QString *path, bool ownList)
{
    if (p.isSet(QStringLiteral("flare-list")) && !ownList) {
        *path = p.value(QStringLiteral("flare-list"));
    } else {
        auto found = findFlareList(archiveDir);
        if (!found)
            return found.error();
        *path = *found;
    }
    return loadListNoting(*path);
}

}  // namespace

Expected<FlareArchive> loadFlareArchive(const CommandLine &p, const TrainedModel &model, double windowHours, bool patches,
                                        bool json, QString *usageError, const QString &otherArchive)
{
    DatasetOptions base;
    *usageError = readArchiveOptions(p, model, otherArchive, base);
    if (!usageError->isEmpty())
        return Error{{}, *usageError};
    FlareArchive a;
    auto list = loadList(p, base.archiveDir, &a.flareList, !otherArchive.isEmpty());
    if (!list)
        return list.error();
    auto load = loadFlareFeatures(model, base, otherArchive.isEmpty() ? p.value(QStringLiteral("store")) : QString(), patches, [&](qint64 done, qint64 total) {
        if (json)
            printJsonLine(QJsonObject{{QStringLiteral("event"), QStringLiteral("embed")},
                                      {QStringLiteral("done"), static_cast<double>(done)},
                                      {QStringLiteral("total"), static_cast<double>(total)}});
    });
    if (!load)
        return load.error();
    a.load = std::move(*load);
    for (qint64 ms : a.load.features.timesMs)
        a.times << QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc());
    const qint64 w = static_cast<qint64>(windowHours * 3600);
    a.next4 = flareWindowClasses(*list, a.times, w);
    a.past4 = flarePastClasses(*list, a.times, w);
    return a;
}

Expected<FlareImageArchive> loadFlareImageArchive(const CommandLine &p, const TrainedModel &model, double windowHours, int side,
                                                  bool json, QString *usageError, const QString &otherArchive)
{
    DatasetOptions base;
    *usageError = readArchiveOptions(p, model, otherArchive, base);
    if (!usageError->isEmpty())
        return Error{{}, *usageError};
    FlareImageArchive a;
    auto list = loadList(p, base.archiveDir, &a.flareList, !otherArchive.isEmpty());
    if (!list)
        return list.error();
    auto images = loadFlareImages(model, base, side, [&](qint64 done, qint64 total) {
        if (json)
            printJsonLine(QJsonObject{{QStringLiteral("event"), QStringLiteral("prepare")},
                                      {QStringLiteral("done"), static_cast<double>(done)},
                                      {QStringLiteral("total"), static_cast<double>(total)}});
    });
    if (!images)
        return images.error();
    a.images = std::move(*images);
    for (qint64 ms : a.images.timesMs)
        a.times << QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc());
    const qint64 w = static_cast<qint64>(windowHours * 3600);
    a.next4 = flareWindowClasses(*list, a.times, w);
    a.past4 = flarePastClasses(*list, a.times, w);
    return a;
}

void addFinetuneOptions(CommandLine &p)
{
    p.addOption({QStringLiteral("finetune-head"),
                 QStringLiteral("Head on the trained encoder: linear (CLS), mean (linear on the mean of the on-disk patch tokens), quad "
                                "(the quad pool of --head quad, its projection fixed from the starting encoder) or attn "
                                "(attention pool over on-disk patch tokens); default linear."),
                 QStringLiteral("KIND"), QStringLiteral("linear")});
    p.addOption({QStringLiteral("finetune-blocks"),
                 QStringLiteral("Fine-tuning: train only the encoder's last N blocks (default 0: all of them; scratch always trains all)."),
                 QStringLiteral("N"), QStringLiteral("0")});
    p.addOption({QStringLiteral("finetune-epochs"), QStringLiteral("Passes over the training rows (default 6; at least 30 steps)."),
                 QStringLiteral("N"), QStringLiteral("6")});
    p.addOption({QStringLiteral("finetune-steps"), QStringLiteral("Fewest optimizer steps whatever the budget (default 30)."),
                 QStringLiteral("N"), QStringLiteral("30")});
    p.addOption({QStringLiteral("finetune-resolution"),
                 QStringLiteral("Input px for the trained encoder: the model's prep, area-averaged by an integer factor (default "
                                "min(64, model px); a ViT keeps its own)."),
                 QStringLiteral("PX"), QStringLiteral("0")});
    p.addOption({QStringLiteral("encoder-lr"), QStringLiteral("Encoder learning rate when fine-tuning (default 1e-4; scratch uses --head-lr)."),
                 QStringLiteral("LR"), QStringLiteral("1e-4")});
    p.addOption({QStringLiteral("head-lr"), QStringLiteral("Head learning rate (default 1e-3)."), QStringLiteral("LR"), QStringLiteral("1e-3")});
    p.addOption({QStringLiteral("batch"), QStringLiteral("Fine-tuning batch (default 16)."), QStringLiteral("N"), QStringLiteral("16")});
    p.addOption({QStringLiteral("patience"), QStringLiteral("Stop after N validation checks without improvement (default 3)."),
                 QStringLiteral("N"), QStringLiteral("3")});
}

QString readFinetuneOptions(const CommandLine &p, FlareFinetuneOptions *o, int *resolution)
{
    if (!flareHeadKindFromName(p.value(QStringLiteral("finetune-head")), &o->head))
        return QStringLiteral("--finetune-head must be linear, mean, quad or attn");
    bool ok1 = false, ok2 = false, ok3 = false, ok4 = false, ok5 = false, ok6 = false, ok7 = false;
    o->blocks = p.value(QStringLiteral("finetune-blocks")).toInt(&ok1);
    o->epochs = p.value(QStringLiteral("finetune-epochs")).toInt(&ok2);
    *resolution = p.value(QStringLiteral("finetune-resolution")).toInt(&ok3);
    o->encoderLr = p.value(QStringLiteral("encoder-lr")).toDouble(&ok4);
    o->headLr = p.value(QStringLiteral("head-lr")).toDouble(&ok5);
    o->batch = p.value(QStringLiteral("batch")).toInt(&ok6);
    o->patience = p.value(QStringLiteral("patience")).toInt(&ok7);
    bool ok8 = false;
    o->minSteps = p.value(QStringLiteral("finetune-steps")).toInt(&ok8);
    if (!ok8 || o->minSteps < 1)
        return QStringLiteral("--finetune-steps needs a positive integer");
    if (!ok1 || o->blocks < 0)
        return QStringLiteral("--finetune-blocks needs a non-negative integer");
    if (!ok2 || o->epochs < 1)
        return QStringLiteral("--finetune-epochs needs a positive integer");
    if (!ok3 || *resolution < 0)
        return QStringLiteral("--finetune-resolution needs a non-negative integer");
    if (!ok4 || !(o->encoderLr > 0) || !ok5 || !(o->headLr > 0))
        return QStringLiteral("--encoder-lr and --head-lr need positive numbers");
    if (!ok6 || o->batch < 1 || !ok7 || o->patience < 1)
        return QStringLiteral("--batch and --patience need positive integers");
    return {};
}

void addComponentsOption(CommandLine &p)
{
    p.addOption({QStringLiteral("components"),
                 QStringLiteral("Linear heads: fit on the first N principal components of the training block's embeddings (its "
                                "unlabelled rows give the basis and the standardisation), N a number, or auto (default: picked "
                                "on the validation loss with the L2, from 2..64 and all); 0: every input, no projection."),
                 QStringLiteral("N"), QStringLiteral("auto")});
}

QString readComponentsOption(const CommandLine &p, FlareHeadOptions *head)
{
    const QString v = p.value(QStringLiteral("components")).trimmed();
    if (v == QLatin1String("auto")) {
        head->components = -1;
        return {};
    }
    bool ok = false;
    const int n = v.toInt(&ok);
    if (!ok || n < 0)
        return QStringLiteral("--components needs a number >= 0 or auto");
    head->components = n;
    return {};
}

}  // namespace solarchip::cli
