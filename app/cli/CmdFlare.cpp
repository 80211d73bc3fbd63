// solarchip flare-train / flare-eval / flare-predict: full-disk flare probabilities from SolarCHIP embeddings
// (issue 12). Thin adapters over models/flare (FlareRun, FlareHead) and core/archive (FlareLabels, FlareMetrics).
#include "app/cli/Command.h"
#include "app/cli/CommandLine.h"
#include "app/cli/FlareCliSupport.h"
#include "app/cli/ModelCliOptions.h"

#include "core/map/SdoTime.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QTextStream>

namespace solarchip::cli {

namespace {

bool parseWindow(const CommandLine &p, double *hours)
{
    bool ok = false;
    *hours = p.value(QStringLiteral("window-hours")).toDouble(&ok);
    return ok && *hours > 0;
}

QString headHash(const QString &runDir)
{
    QFile f(QDir(runDir).filePath(QStringLiteral("head.json")));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromLatin1(QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex());
}

// ------------------------------------------------------------------------------------------------ flare-train

int runTrain(const QStringList &args)
{
    const QString name = QStringLiteral("flare-train");
    CommandLine p(name, QStringLiteral(
        "Train a flare-forecast head on an archive's SolarCHIP embeddings: labels from the flare list (largest GOES "
        "class in the next window), time-block split (train/validation/test, 27-day buffers), Platt calibration and "
        "the max-TSS threshold on the validation block. Writes RUN/head.json (tied to the encoder's hash)."));
    addFlareArchiveOptions(p);
    p.addOption({QStringLiteral("target"), QStringLiteral("C, M or 4class (default M)."), QStringLiteral("T"), QStringLiteral("M")});
    p.addOption({QStringLiteral("window-hours"), QStringLiteral("Label window (default 24)."), QStringLiteral("H"), QStringLiteral("24")});
    p.addOption({QStringLiteral("head"), QStringLiteral("linear (CLS) or attn (attention pool over on-disk patch tokens)."),
                 QStringLiteral("KIND"), QStringLiteral("linear")});
    p.addOption({QStringLiteral("labels-fraction"), QStringLiteral("Fraction of the training labels, drawn by time blocks (default 1)."),
                 QStringLiteral("F"), QStringLiteral("1")});
    p.addOption({QStringLiteral("seed"), QStringLiteral("Seed (default 1)."), QStringLiteral("S"), QStringLiteral("1")});
    p.addOption({QStringLiteral("epochs"), QStringLiteral("Training epochs (default 300 linear, 150 attn)."), QStringLiteral("N")});
    p.addOption({QStringLiteral("block-days"), QStringLiteral("Split block length in days (default 60)."), QStringLiteral("D"), QStringLiteral("60")});
    p.addOption({QStringLiteral("buffer-days"), QStringLiteral("Buffer between blocks of different splits (default 27)."),
                 QStringLiteral("D"), QStringLiteral("27")});
    p.addOption({QStringLiteral("out"), QStringLiteral("Run folder."), QStringLiteral("RUN")});
    p.addJsonOption(QStringLiteral("Progress as JSON lines and a JSON summary."));
    if (auto exit = p.parseOrExit(args))
        return *exit;
    const auto target = flareTargetFromString(p.value(QStringLiteral("target")));
    if (!target)
        return p.usage(QStringLiteral("--target must be C, M or 4class"));
    double window = 0;
    if (!parseWindow(p, &window))
        return p.usage(QStringLiteral("--window-hours needs a positive number"));
    const QString kind = p.value(QStringLiteral("head"));
    if (kind == QLatin1String("finetune") || kind == QLatin1String("scratch"))
        return p.usage(QStringLiteral("--head %1 (training the encoder) is not built yet: use linear or attn").arg(kind));
    if (kind != QLatin1String("linear") && kind != QLatin1String("attn"))
        return p.usage(QStringLiteral("--head must be linear or attn"));
    bool ok = false;
    const double fraction = p.value(QStringLiteral("labels-fraction")).toDouble(&ok);
    if (!ok || !(fraction > 0) || fraction > 1)
        return p.usage(QStringLiteral("--labels-fraction needs a number in (0, 1]"));
    const quint64 seed = p.value(QStringLiteral("seed")).toULongLong(&ok);
    if (!ok)
        return p.usage(QStringLiteral("--seed needs a non-negative integer"));
    if (!p.isSet(QStringLiteral("out")))
        return p.usage(QStringLiteral("--out RUN is required"));
    FlareRunSpec spec;
    spec.target = *target;
    spec.windowHours = window;
    spec.labelsFraction = fraction;
    spec.head.kind = kind == QLatin1String("attn") ? FlareHeadKind::Attention : FlareHeadKind::Linear;
    spec.head.epochs = p.isSet(QStringLiteral("epochs")) ? p.value(QStringLiteral("epochs")).toInt()
                                                         : (spec.head.kind == FlareHeadKind::Attention ? 150 : 300);
    if (spec.head.epochs < 1)
        return p.usage(QStringLiteral("--epochs needs a positive integer"));
    spec.split.blockDays = p.value(QStringLiteral("block-days")).toDouble();
    spec.split.bufferDays = p.value(QStringLiteral("buffer-days")).toDouble();
    if (!(spec.split.blockDays > 0) || spec.split.bufferDays < 0 || spec.split.bufferDays >= spec.split.blockDays)
        return p.usage(QStringLiteral("--block-days must be positive and --buffer-days in [0, block days)"));

    auto model = loadModelFromOptions(p);
    if (!model)
        return fail(name, model.error());
    const bool json = p.json();
    QElapsedTimer clock;
    clock.start();
    QString usageError;
    auto archive = loadFlareArchive(p, *model, window, spec.head.kind == FlareHeadKind::Attention, json, &usageError);
    if (!usageError.isEmpty())
        return p.usage(usageError);
    if (!archive)
        return fail(name, archive.error());
    const double embedSeconds = clock.elapsed() / 1000.0;
    clock.restart();
    auto run = trainFlareRun(archive->load.features, archive->next4, spec, seed, [&](const FlareHead::Progress &pr) {
        if (json && (pr.epoch % 25 == 0 || pr.epoch == pr.epochs))
            printJsonLine(QJsonObject{{QStringLiteral("event"), QStringLiteral("epoch")},
                                      {QStringLiteral("epoch"), pr.epoch}, {QStringLiteral("epochs"), pr.epochs},
                                      {QStringLiteral("train_loss"), pr.trainLoss}, {QStringLiteral("val_loss"), pr.valLoss}});
    });
    if (!run)
        return fail(name, Error{archive->load.storeDir, run.error().message});
    const double trainSeconds = clock.elapsed() / 1000.0;
    run->modelHash = model->hash;
    run->modelPath = model->path;
    run->archiveDir = QFileInfo(p.value(QStringLiteral("archive"))).canonicalFilePath();
    run->training.insert(QStringLiteral("train_seconds"), trainSeconds);
    run->training.insert(QStringLiteral("flare_list"), archive->flareList);
    const QString out = p.value(QStringLiteral("out"));
    if (Status s = run->save(out); !s)
        return fail(name, s.error());
    const QJsonObject summary{{QStringLiteral("run"), out},
                              {QStringLiteral("head"), flareHeadKindName(spec.head.kind)},
                              {QStringLiteral("target"), flareTargetName(spec.target)},
                              {QStringLiteral("window_hours"), window},
                              {QStringLiteral("labels_fraction"), fraction},
                              {QStringLiteral("model_hash"), model->hash},
                              {QStringLiteral("head_hash"), headHash(out)},
                              {QStringLiteral("store"), archive->load.storeDir},
                              {QStringLiteral("sets"), archive->load.features.n},
                              {QStringLiteral("encoded_now"), static_cast<double>(archive->load.encoded)},
                              {QStringLiteral("embed_seconds"), embedSeconds},
                              {QStringLiteral("train_seconds"), trainSeconds},
                              {QStringLiteral("climatology"), run->climatology},
                              {QStringLiteral("threshold"), run->threshold},
                              {QStringLiteral("training"), run->training},
                              {QStringLiteral("split"), run->split}};
    if (json)
        printJson(summary);
    else
        QTextStream(stdout) << out << ": " << flareHeadKindName(spec.head.kind) << " head for >=" << flareTargetName(spec.target)
                            << " in " << window << " h trained in " << trainSeconds << " s (threshold " << run->threshold
                            << ", climatology " << run->climatology << ")\n";
    return kOk;
}

// ------------------------------------------------------------------------------------------------ flare-eval

int runEval(const QStringList &args)
{
    const QString name = QStringLiteral("flare-eval");
    CommandLine p(name, QStringLiteral(
        "Score a flare head on an archive: on the training archive its test block, on any other archive every set. "
        "TSS, HSS, ROC AUC and Brier skill score with bootstrap 95% intervals, and the same for climatology, "
        "persistence and (synthetic archives) the generator's oracle."));
    addFlareArchiveOptions(p);
    p.addOption({QStringLiteral("run"), QStringLiteral("Run folder (flare-train --out)."), QStringLiteral("RUN")});
    p.addOption({QStringLiteral("bootstrap"), QStringLiteral("Bootstrap resamples (default 1000)."), QStringLiteral("N"), QStringLiteral("1000")});
    p.addJsonOption(QStringLiteral("Print JSON."));
    if (auto exit = p.parseOrExit(args))
        return *exit;
    if (!p.isSet(QStringLiteral("run")))
        return p.usage(QStringLiteral("--run RUN is required"));
    auto run = FlareRun::load(p.value(QStringLiteral("run")));
    if (!run)
        return fail(name, run.error());
    auto model = loadModelFromOptions(p);
    if (!model)
        return fail(name, model.error());
    if (Status s = run->checkEncoder(model->hash); !s)
        return fail(name, Error{p.value(QStringLiteral("run")), s.error().message});
    QString usageError;
    auto archive = loadFlareArchive(p, *model, run->spec.windowHours, run->head.kind() == FlareHeadKind::Attention, false, &usageError);
    if (!usageError.isEmpty())
        return p.usage(usageError);
    if (!archive)
        return fail(name, archive.error());
    const QString archiveDir = QFileInfo(p.value(QStringLiteral("archive"))).canonicalFilePath();
    const bool sameArchive = archiveDir == run->archiveDir;
    std::vector<int> rows;
    if (sameArchive) {
        FlareSplitOptions so;
        so.blockDays = run->split.value(QStringLiteral("block_days")).toDouble(60);
        so.bufferDays = run->split.value(QStringLiteral("buffer_days")).toDouble(27);
        so.windowSeconds = static_cast<qint64>(run->spec.windowHours * 3600);
        auto split = makeFlareSplit(archive->times, so);
        if (!split)
            return fail(name, Error{archiveDir, split.error().message});
        rows = split->indices(FlareSplitPart::Test);
    } else {
        rows.resize(static_cast<size_t>(archive->times.size()));
        for (size_t i = 0; i < rows.size(); ++i)
            rows[i] = static_cast<int>(i);
    }
    std::vector<double> oracle;
    QString oracleNote;
    if (auto o = oracleProbabilities(archiveDir, archive->times, run->spec.windowHours, run->primaryMinFlux()))
        oracle = *o;
    else
        oracleNote = o.error().toString();
    auto report = evaluateFlareRun(*run, archive->load.features, archive->next4, archive->past4, oracle, rows,
                                   p.value(QStringLiteral("bootstrap")).toInt());
    if (!report)
        return fail(name, Error{archiveDir, report.error().message});
    QJsonObject out = *report;
    out.insert(QStringLiteral("run"), p.value(QStringLiteral("run")));
    out.insert(QStringLiteral("archive"), archiveDir);
    out.insert(QStringLiteral("samples"), sameArchive ? QStringLiteral("test block of the training archive")
                                                      : QStringLiteral("every set (an archive the head never saw)"));
    out.insert(QStringLiteral("target"), flareTargetName(run->spec.target));
    out.insert(QStringLiteral("window_hours"), run->spec.windowHours);
    out.insert(QStringLiteral("head"), flareHeadKindName(run->head.kind()));
    out.insert(QStringLiteral("model_hash"), model->hash);
    out.insert(QStringLiteral("head_hash"), headHash(p.value(QStringLiteral("run"))));
    if (!oracleNote.isEmpty())
        out.insert(QStringLiteral("oracle_note"), oracleNote);
    if (p.json()) {
        printJson(out);
    } else {
        const QJsonArray ci = out.value(QStringLiteral("tss_ci95")).toArray();
        QTextStream(stdout) << "TSS " << out.value(QStringLiteral("tss")).toDouble() << " [" << ci.at(0).toDouble() << ", "
                            << ci.at(1).toDouble() << "], AUC " << out.value(QStringLiteral("auc")).toDouble() << ", BSS "
                            << out.value(QStringLiteral("bss")).toDouble() << " on " << rows.size() << " samples\n";
    }
    return kOk;
}

// ------------------------------------------------------------------------------------------------ flare-predict

int runPredict(const QStringList &args)
{
    const QString name = QStringLiteral("flare-predict");
    CommandLine p(name, QStringLiteral(
        "Flare probabilities for the next window at one time of an archive (the nearest embedded set), with the "
        "model and head hashes; attention heads also give the cells that drive the probability."));
    addFlareArchiveOptions(p);
    p.addOption({QStringLiteral("run"), QStringLiteral("Run folder (flare-train --out)."), QStringLiteral("RUN")});
    p.addOption({QStringLiteral("time"), QStringLiteral("Time (ISO, UTC)."), QStringLiteral("ISO")});
    p.addJsonOption(QStringLiteral("Print JSON."));
    if (auto exit = p.parseOrExit(args))
        return *exit;
    if (!p.isSet(QStringLiteral("run")) || !p.isSet(QStringLiteral("time")))
        return p.usage(QStringLiteral("--run RUN, --archive A and --time ISO are required"));
    const auto when = SdoTime::parseUserTime(p.value(QStringLiteral("time")));
    if (!when)
        return p.usage(QStringLiteral("--time: '%1' is not a time").arg(p.value(QStringLiteral("time"))));
    auto run = FlareRun::load(p.value(QStringLiteral("run")));
    if (!run)
        return fail(name, run.error());
    auto model = loadModelFromOptions(p);
    if (!model)
        return fail(name, model.error());
    if (Status s = run->checkEncoder(model->hash); !s)
        return fail(name, Error{p.value(QStringLiteral("run")), s.error().message});
    QString usageError;
    auto archive = loadFlareArchive(p, *model, run->spec.windowHours, run->head.kind() == FlareHeadKind::Attention, false, &usageError);
    if (!usageError.isEmpty())
        return p.usage(usageError);
    if (!archive)
        return fail(name, archive.error());
    int best = 0;
    for (int i = 1; i < archive->times.size(); ++i)
        if (std::llabs(archive->times[i].msecsTo(*when)) < std::llabs(archive->times[best].msecsTo(*when)))
            best = i;
    const FlareFeatures one = archive->load.features.subset({best});
    auto probs = run->predict(one);
    if (!probs)
        return fail(name, probs.error());
    QJsonObject out{{QStringLiteral("time"), SdoTime::toIso(archive->times[best]) + QStringLiteral("Z")},
                    {QStringLiteral("requested"), SdoTime::toIso(*when) + QStringLiteral("Z")},
                    {QStringLiteral("window_hours"), run->spec.windowHours},
                    {QStringLiteral("target"), flareTargetName(run->spec.target)},
                    {QStringLiteral("head"), flareHeadKindName(run->head.kind())},
                    {QStringLiteral("climatology"), run->climatology},
                    {QStringLiteral("threshold"), run->threshold},
                    {QStringLiteral("model"), model->path},
                    {QStringLiteral("model_hash"), model->hash},
                    {QStringLiteral("head_hash"), headHash(p.value(QStringLiteral("run")))}};
    if (!probs->geC.empty())
        out.insert(QStringLiteral("p_ge_c"), probs->geC.front());
    if (!probs->geM.empty())
        out.insert(QStringLiteral("p_ge_m"), probs->geM.front());
    if (probs->fourClass.size() == 4) {
        out.insert(QStringLiteral("p_quiet"), probs->fourClass[0]);
        out.insert(QStringLiteral("p_c"), probs->fourClass[1]);
        out.insert(QStringLiteral("p_m"), probs->fourClass[2]);
        out.insert(QStringLiteral("p_x"), probs->fourClass[3]);
    }
    out.insert(QStringLiteral("observed_class_index"), archive->next4[best]);
    if (!probs->attention.empty()) {
        // The five cells with the largest pool weight (grid row/column of the model's input frame).
        const FlareFeatures &f = archive->load.features;
        std::vector<int> order(probs->attention.size());
        for (size_t i = 0; i < order.size(); ++i)
            order[i] = static_cast<int>(i);
        std::sort(order.begin(), order.end(), [&](int a, int b) { return probs->attention[a] > probs->attention[b]; });
        QJsonArray top;
        for (int i = 0; i < std::min<int>(5, static_cast<int>(order.size())); ++i) {
            const int cell = f.cellIndex[static_cast<size_t>(order[i])];
            top.append(QJsonObject{{QStringLiteral("row"), cell / f.grid}, {QStringLiteral("col"), cell % f.grid},
                                   {QStringLiteral("weight"), probs->attention[static_cast<size_t>(order[i])]}});
        }
        out.insert(QStringLiteral("attention_top"), top);
        out.insert(QStringLiteral("grid"), f.grid);
    }
    if (p.json())
        printJson(out);
    else
        QTextStream(stdout) << out.value(QStringLiteral("time")).toString() << ": P(>=" << flareTargetName(run->spec.target)
                            << ") = " << probs->primary.front() << " (climatology " << run->climatology << ")\n";
    return kOk;
}

const Registration regTrain(QStringLiteral("flare-train"), QStringLiteral("Train a flare-forecast head on an archive's embeddings"), runTrain);
const Registration regEval(QStringLiteral("flare-eval"), QStringLiteral("Score a flare head (TSS, HSS, AUC, BSS with intervals) against baselines"), runEval);
const Registration regPredict(QStringLiteral("flare-predict"), QStringLiteral("Flare probabilities at one time from a trained head"), runPredict);

}  // namespace

}  // namespace solarchip::cli
