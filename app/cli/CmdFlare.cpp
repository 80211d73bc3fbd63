// solarchip flare-train / flare-eval / flare-predict: full-disk flare probabilities from SolarCHIP embeddings
// (issue 12). Thin adapters over models/flare (FlareRun, FlareHead) and core/archive (FlareLabels, FlareMetrics).
#include "app/cli/Command.h"
#include "app/cli/CommandLine.h"
#include "app/cli/FlareCliSupport.h"
#include "app/cli/ModelCliOptions.h"

#include "app/cli/DataCliOptions.h"

#include "core/map/SdoTime.h"
#include "models/embeddings/EmbedSets.h"
#include "models/flare/FlareInputs.h"
#include "models/inference/SetEncoding.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QTextStream>
#include <QTimeZone>

#include <algorithm>
#include <functional>
#include <memory>
#include <numeric>
#include <optional>

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

// flare-train --head finetune|scratch: the encoder and the head trained together on the archive's images.
int trainWithEncoder(const CommandLine &p, const TrainedModel &model, const FlareRunSpec &spec, const FlareFinetuneOptions &options,
                     int resolution, quint64 seed)
{
    const QString name = QStringLiteral("flare-train");
    const bool json = p.json();
    auto side = flareFinetuneResolution(model, resolution);
    if (!side)
        return fail(name, side.error());
    QElapsedTimer clock;
    clock.start();
    QString usageError;
    auto archive = loadFlareImageArchive(p, model, spec.windowHours, *side, json, &usageError);
    if (!usageError.isEmpty())
        return p.usage(usageError);
    if (!archive)
        return fail(name, archive.error());
    const double prepSeconds = clock.elapsed() / 1000.0;
    clock.restart();
    auto ft = trainFinetuneFlareRun(model, archive->images, archive->next4, spec, options, seed, [&](const FlareHead::Progress &pr) {
        if (json)
            printJsonLine(QJsonObject{{QStringLiteral("event"), QStringLiteral("step")}, {QStringLiteral("step"), pr.epoch},
                                      {QStringLiteral("steps"), pr.epochs}, {QStringLiteral("train_loss"), pr.trainLoss},
                                      {QStringLiteral("val_loss"), pr.valLoss}});
    });
    if (!ft)
        return fail(name, Error{p.value(QStringLiteral("archive")), ft.error().message});
    const double trainSeconds = clock.elapsed() / 1000.0;
    FlareRun &run = ft->run;
    run.archiveDir = QFileInfo(p.value(QStringLiteral("archive"))).canonicalFilePath();
    run.training.insert(QStringLiteral("train_seconds"), trainSeconds);
    run.training.insert(QStringLiteral("prepare_seconds"), prepSeconds);
    run.training.insert(QStringLiteral("flare_list"), archive->flareList);
    const QString out = p.value(QStringLiteral("out"));
    if (Status s = run.saveWithEncoder(out, *ft->encoder); !s)
        return fail(name, s.error());
    const QJsonObject summary{{QStringLiteral("run"), out},
                              {QStringLiteral("head"), run.headName()},
                              {QStringLiteral("pool"), flareHeadKindName(run.head.kind())},
                              {QStringLiteral("target"), flareTargetName(spec.target)},
                              {QStringLiteral("window_hours"), spec.windowHours},
                              {QStringLiteral("labels_fraction"), spec.labelsFraction},
                              {QStringLiteral("model_hash"), model.hash},
                              {QStringLiteral("encoder_hash"), ft->encoder->hash},
                              {QStringLiteral("head_hash"), headHash(out)},
                              {QStringLiteral("resolution"), *side},
                              {QStringLiteral("sets"), archive->images.n},
                              {QStringLiteral("prepare_seconds"), prepSeconds},
                              {QStringLiteral("train_seconds"), trainSeconds},
                              {QStringLiteral("climatology"), run.climatology},
                              {QStringLiteral("threshold"), run.threshold},
                              {QStringLiteral("encoder"), run.encoder},
                              {QStringLiteral("training"), run.training},
                              {QStringLiteral("split"), run.split}};
    if (json)
        printJson(summary);
    else
        QTextStream(stdout) << out << ": " << run.headName() << " run for >=" << flareTargetName(spec.target) << " in "
                            << spec.windowHours << " h trained in " << trainSeconds << " s at " << *side << " px (threshold "
                            << run.threshold << ")\n";
    return kOk;
}

// The features a run scores on an archive: frozen heads read the embedding store of the model; fine-tuned and
// scratch runs encode the archive's images with the encoder stored in the run.
struct RunInputs {
    FlareFeatures features;
    QVector<QDateTime> times;
    QVector<int> next4, past4;
    QString encoderHash, encoderPath;
};

Expected<RunInputs> runInputs(const CommandLine &p, const FlareRun &run, const TrainedModel &model, QString *usageError)
{
    RunInputs in;
    const bool attn = flareHeadReadsPatches(run.head.kind());
    if (!run.trainsEncoder()) {
        auto a = loadFlareArchive(p, model, run.spec.windowHours, attn, false, usageError);
        if (!a)
            return a.error();
        in.features = std::move(a->load.features);
        in.times = a->times;
        in.next4 = a->next4;
        in.past4 = a->past4;
        in.encoderHash = model.hash;
        in.encoderPath = model.path;
        return in;
    }
    auto encoder = run.loadEncoder(p.value(QStringLiteral("run")));
    if (!encoder)
        return encoder.error();
    auto a = loadFlareImageArchive(p, *encoder, run.spec.windowHours, run.encoderResolution(), false, usageError);
    if (!a)
        return a.error();
    auto f = encodeFlareImages(*encoder, a->images, attn);
    if (!f)
        return f.error();
    in.features = std::move(*f);
    in.times = a->times;
    in.next4 = a->next4;
    in.past4 = a->past4;
    in.encoderHash = encoder->hash;
    in.encoderPath = encoder->path;
    return in;
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
    p.addOption({QStringLiteral("head"),
                 QStringLiteral("linear (CLS), mean (linear on the mean of the on-disk patch tokens), quad (linear on the "
                                "cells' mean of each token's per-channel principal-component scores and their squares) or attn "
                                "(attention pool over on-disk patch tokens) on the stored embeddings; finetune "
                                "(the encoder trained with the head on the archive's images) or scratch (the same architecture from "
                                "random weights, trained the same way)."),
                 QStringLiteral("KIND"), QStringLiteral("linear")});
    addFinetuneOptions(p);
    p.addOption({QStringLiteral("labels-fraction"), QStringLiteral("Fraction of the training labels, drawn by time blocks (default 1)."),
                 QStringLiteral("F"), QStringLiteral("1")});
    p.addOption({QStringLiteral("seed"), QStringLiteral("Seed (default 1)."), QStringLiteral("S"), QStringLiteral("1")});
    p.addOption({QStringLiteral("epochs"), QStringLiteral("L-BFGS iterations at most per L2 candidate: attn head (default 50), linear and mean heads (default 300)."), QStringLiteral("N")});
    p.addOption({QStringLiteral("weight-decay"), QStringLiteral("L2 coefficient of a linear/attn head on embeddings (default: linear heads pick it "
                                "from 1e-3..100 by the validation loss, attn 1e-3)."),
                 QStringLiteral("W")});
    addComponentsOption(p);
    p.addOption({QStringLiteral("block-days"), QStringLiteral("Split block length in days (default 60), or auto: the span cut "
                                "into 5..20 blocks, the first whose validation block holds both outcomes (archives of weeks "
                                "or months; the buffers follow)."), QStringLiteral("D"), QStringLiteral("60")});
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
    const bool trainsEncoder = kind == QLatin1String("finetune") || kind == QLatin1String("scratch");
    FlareHeadKind frozenKind = FlareHeadKind::Linear;
    if (!trainsEncoder && !flareHeadKindFromName(kind, &frozenKind))
        return p.usage(QStringLiteral("--head must be linear, mean, quad, attn, finetune or scratch"));
    FlareFinetuneOptions ftOptions;
    int ftResolution = 0;
    if (const QString bad = readFinetuneOptions(p, &ftOptions, &ftResolution); !bad.isEmpty())
        return p.usage(bad);
    ftOptions.scratch = kind == QLatin1String("scratch");
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
    spec.head.kind = frozenKind;
    spec.head.epochs = p.isSet(QStringLiteral("epochs")) ? p.value(QStringLiteral("epochs")).toInt()
                                                         : (spec.head.kind == FlareHeadKind::Attention ? 50 : 300);
    if (p.isSet(QStringLiteral("weight-decay"))) {
        bool ok = false;
        spec.head.weightDecay = p.value(QStringLiteral("weight-decay")).toDouble(&ok);
        if (!ok || !(spec.head.weightDecay >= 0))
            return p.usage(QStringLiteral("--weight-decay needs a number >= 0"));
    }
    if (spec.head.epochs < 1)
        return p.usage(QStringLiteral("--epochs needs a positive integer"));
    if (const QString bad = readComponentsOption(p, &spec.head); !bad.isEmpty())
        return p.usage(bad);
    if (p.value(QStringLiteral("block-days")) == QLatin1String("auto")) {
        if (p.isSet(QStringLiteral("buffer-days")))
            return p.usage(QStringLiteral("--block-days auto chooses the buffers too: leave out --buffer-days"));
        spec.split.blockDays = 0;  // flareRunRows chooses
    } else {
        spec.split.blockDays = p.value(QStringLiteral("block-days")).toDouble();
        spec.split.bufferDays = p.value(QStringLiteral("buffer-days")).toDouble();
        if (!(spec.split.blockDays > 0) || spec.split.bufferDays < 0 || spec.split.bufferDays >= spec.split.blockDays)
            return p.usage(QStringLiteral("--block-days must be positive (or auto) and --buffer-days in [0, block days)"));
    }

    auto model = loadModelFromOptions(p);
    if (!model)
        return fail(name, model.error());
    const bool json = p.json();
    QElapsedTimer clock;
    clock.start();
    QString usageError;
    if (trainsEncoder)
        return trainWithEncoder(p, *model, spec, ftOptions, ftResolution, seed);
    auto archive = loadFlareArchive(p, *model, window, flareHeadReadsPatches(spec.head.kind), json, &usageError);
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
        "Score a flare head on an archive: on the training archive its test block; on any other archive (e.g. a synthetic "
        "archive of another seed) every set, since the head's training, validation, calibration, threshold and climatology "
        "all came from the training archive and none of its sets is seen here (no buffer needed; about ten times the sets "
        "of a test block). TSS, HSS, ROC AUC and Brier skill score with bootstrap 95% intervals, and the same for "
        "climatology (the training archive's base rate), persistence (the scored archive's previous window; the first "
        "sets of an archive, whose previous window precedes it, count as 'no flare') and, on synthetic archives, the "
        "generator's oracle of the scored archive, and the non-learned unsigned-flux baseline fitted with the head."));
    addFlareArchiveOptions(p);
    p.addOption({QStringLiteral("run"), QStringLiteral("Run folder (flare-train --out)."), QStringLiteral("RUN")});
    p.addOption({QStringLiteral("bootstrap"), QStringLiteral("Bootstrap resamples (default 1000)."), QStringLiteral("N"), QStringLiteral("1000")});
    p.addOption({QStringLiteral("per-sample"), QStringLiteral("Also list every scored set's time, probability and outcome (\"per_sample\").")});
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
    auto archive = runInputs(p, *run, *model, &usageError);
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
    auto report = evaluateFlareRun(*run, archive->features, archive->next4, archive->past4, oracle, rows,
                                   p.value(QStringLiteral("bootstrap")).toInt(),
                                   sameArchive ? QStringLiteral("the test block") : QStringLiteral("the archive"));
    if (!report)
        return fail(name, Error{archiveDir, report.error().message});
    QJsonObject out = *report;
    if (p.isSet(QStringLiteral("per-sample"))) {
        auto probs = run->predict(archive->features.subset(rows));
        if (!probs)
            return fail(name, probs.error());
        QJsonArray samples;
        const int level = run->spec.target == FlareTarget::GeC ? 1 : 2;
        for (size_t i = 0; i < rows.size(); ++i)
            samples.append(QJsonObject{{QStringLiteral("time"), SdoTime::toIso(archive->times[rows[i]]) + QStringLiteral("Z")},
                                       {QStringLiteral("p"), probs->primary[i]},
                                       {QStringLiteral("event"), archive->next4[rows[i]] >= level ? 1 : 0}});
        out.insert(QStringLiteral("per_sample"), samples);
    }
    out.insert(QStringLiteral("run"), p.value(QStringLiteral("run")));
    out.insert(QStringLiteral("archive"), archiveDir);
    out.insert(QStringLiteral("samples"), sameArchive ? QStringLiteral("test block of the training archive")
                                                      : QStringLiteral("every set (an archive the head never saw)"));
    out.insert(QStringLiteral("target"), flareTargetName(run->spec.target));
    out.insert(QStringLiteral("window_hours"), run->spec.windowHours);
    out.insert(QStringLiteral("head"), run->headName());
    out.insert(QStringLiteral("model_hash"), model->hash);
    out.insert(QStringLiteral("encoder_hash"), archive->encoderHash);
    out.insert(QStringLiteral("head_hash"), headHash(p.value(QStringLiteral("run"))));
    if (!oracleNote.isEmpty())
        out.insert(QStringLiteral("oracle_note"), oracleNote);
    if (p.json()) {
        printJson(out);
    } else if (out.value(QStringLiteral("tss")).isNull()) {
        QTextStream(stdout) << archiveDir << ": " << out.value(QStringLiteral("message")).toString() << "\n";
    } else {
        // The head's scores, then each reference's, one line each.
        QTextStream text(stdout);
        auto line = [&](const QString &what, const QJsonObject &o) {
            const QJsonArray ci = o.value(QStringLiteral("tss_ci95")).toArray();
            text << qSetFieldWidth(15) << Qt::left << what << qSetFieldWidth(0) << "TSS "
                 << QString::number(o.value(QStringLiteral("tss")).toDouble(), 'f', 3) << " ["
                 << QString::number(ci.at(0).toDouble(), 'f', 2) << ", " << QString::number(ci.at(1).toDouble(), 'f', 2) << "]  AUC "
                 << QString::number(o.value(QStringLiteral("auc")).toDouble(), 'f', 3) << "  BSS "
                 << QString::number(o.value(QStringLiteral("bss")).toDouble(), 'f', 3) << "\n";
        };
        text << out.value(QStringLiteral("event")).toString() << " in " << run->spec.windowHours << " h on " << rows.size()
             << " sets of " << archiveDir << " (" << out.value(QStringLiteral("n_pos")).toInt() << " positive)\n";
        line(run->headName() + QStringLiteral(" head"), out);
        const QJsonObject baselines = out.value(QStringLiteral("baselines")).toObject();
        for (const QString &b : {QStringLiteral("unsigned_flux"), QStringLiteral("persistence"), QStringLiteral("climatology"),
                                 QStringLiteral("oracle")})
            if (baselines.value(b).isObject())
                line(b, baselines.value(b).toObject());
    }
    return kOk;
}

// ------------------------------------------------------------------------------------------------ flare-predict

// The five cells of `one` (one set) with the largest value, `valueAt(i)` that of its i-th kept cell: grid row,
// column and the value under `key`, largest first.
QJsonArray topCells(const FlareFeatures &one, const QString &key, const std::function<double(size_t)> &valueAt)
{
    std::vector<size_t> order(one.cellIndex.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return valueAt(a) > valueAt(b); });
    QJsonArray top;
    for (size_t i = 0; i < std::min<size_t>(5, order.size()); ++i) {
        const int cell = one.cellIndex[order[i]];
        top.append(QJsonObject{{QStringLiteral("row"), cell / one.grid}, {QStringLiteral("col"), cell % one.grid},
                               {key, valueAt(order[i])}});
    }
    return top;
}

int runPredict(const QStringList &args)
{
    const QString name = QStringLiteral("flare-predict");
    CommandLine p(name, QStringLiteral(
        "Flare probabilities for the next window, with the model and head hashes: at one time of an archive (--archive A "
        "--time ISO: the nearest set), or for FILE... (the FITS files of one co-temporal set, one per model channel), "
        "prepared as the model was trained. Attention heads also give the cells that drive the probability."));
    addFlareArchiveOptions(p);
    p.addOption({QStringLiteral("run"), QStringLiteral("Run folder (flare-train --out)."), QStringLiteral("RUN")});
    p.addOption({QStringLiteral("time"), QStringLiteral("Time (ISO, UTC)."), QStringLiteral("ISO")});
    p.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("FITS files of one set (instead of --archive and --time)."),
                            QStringLiteral("[FILE...]"));
    p.addJsonOption(QStringLiteral("Print JSON."));
    if (auto exit = p.parseOrExit(args))
        return *exit;
    const QStringList files = p.positionalArguments();
    if (!p.isSet(QStringLiteral("run")))
        return p.usage(QStringLiteral("--run RUN is required"));
    if (files.isEmpty() == !p.isSet(QStringLiteral("time")) || (files.isEmpty() && !p.isSet(QStringLiteral("archive"))))
        return p.usage(QStringLiteral("give either --archive A --time ISO, or the FILEs of one set"));
    std::optional<QDateTime> when;
    if (files.isEmpty()) {
        const auto t = SdoTime::parseUserTime(p.value(QStringLiteral("time")));
        if (!t)
            return p.usage(QStringLiteral("--time: '%1' is not a time").arg(p.value(QStringLiteral("time"))));
        when = *t;
    }
    const QString runDir = p.value(QStringLiteral("run"));
    auto run = FlareRun::load(runDir);
    if (!run)
        return fail(name, run.error());
    auto model = loadModelFromOptions(p);
    if (!model)
        return fail(name, model.error());
    if (Status s = run->checkEncoder(model->hash); !s)
        return fail(name, Error{runDir, s.error().message});
    const bool attn = flareHeadReadsPatches(run->head.kind());
    // The encoder that makes the features: the model (frozen heads) or the one the run trained.
    std::unique_ptr<TrainedModel> trained;
    if (run->trainsEncoder()) {
        auto e = run->loadEncoder(runDir);
        if (!e)
            return fail(name, e.error());
        trained = std::make_unique<TrainedModel>(std::move(*e));
    }
    const TrainedModel &encoder = trained ? *trained : *model;
    const int side = trained ? run->encoderResolution() : model->prep.resolution;

    FlareFeatures one;
    QString setTime, fluxProblem;
    QStringList setFiles;
    int observed = -1;
    QString usageError;
    if (!files.isEmpty() || trained) {
        // One set prepared on its own (the Dataset's prep path, as in training), then encoded.
        ObservationSet set;
        if (!files.isEmpty()) {
            auto s = observationSetOfFiles(files);
            if (!s)
                return fail(name, s.error());
            set = *s;
        } else {
            DatasetOptions base;
            usageError = readDataOptions(p, base, encoder.channels);
            if (!usageError.isEmpty())
                return p.usage(usageError);
            auto opts = datasetOptionsFor(encoder, base, base.selection.channels);
            if (!opts)
                return fail(name, opts.error());
            auto ds = Dataset::open(*opts);
            if (!ds)
                return fail(name, ds.error());
            const auto &sets = ds->sets(Split::All);
            if (sets.isEmpty())
                return fail(name, Error{base.archiveDir, QStringLiteral("no complete set")});
            int best = 0;
            for (int i = 1; i < sets.size(); ++i)
                if (std::llabs(sets[i].referenceTimeMs - when->toMSecsSinceEpoch()) < std::llabs(sets[best].referenceTimeMs - when->toMSecsSinceEpoch()))
                    best = i;
            set = sets[best];
        }
        DatasetOptions base;
        if (files.isEmpty())
            base.archiveDir = QFileInfo(p.value(QStringLiteral("archive"))).absoluteFilePath();
        auto images = flareImagesOfSets(encoder, {set}, base, side);
        if (!images)
            return fail(name, images.error());
        auto f = encodeFlareImages(encoder, *images, attn);
        if (!f)
            return fail(name, f.error());
        one = std::move(*f);
        one.diskFlux = diskFluxOfSets({set}, &fluxProblem);
        setTime = SdoTime::toIso(QDateTime::fromMSecsSinceEpoch(images->timesMs.front(), QTimeZone::utc())) + QStringLiteral("Z");
        for (const auto &m : set.members)
            setFiles << m.path;
    } else {
        auto archive = loadFlareArchive(p, *model, run->spec.windowHours, attn, false, &usageError);
        if (!usageError.isEmpty())
            return p.usage(usageError);
        if (!archive)
            return fail(name, archive.error());
        int best = 0;
        for (int i = 1; i < archive->times.size(); ++i)
            if (std::llabs(archive->times[i].msecsTo(*when)) < std::llabs(archive->times[best].msecsTo(*when)))
                best = i;
        one = archive->load.features.subset({best});
        setTime = SdoTime::toIso(archive->times[best]) + QStringLiteral("Z");
        observed = archive->next4[best];
    }
    auto probs = run->predict(one);
    if (!probs)
        return fail(name, Error{runDir, probs.error().message});
    QJsonObject out{{QStringLiteral("time"), setTime},
                    {QStringLiteral("window_hours"), run->spec.windowHours},
                    {QStringLiteral("target"), flareTargetName(run->spec.target)},
                    {QStringLiteral("head"), run->headName()},
                    {QStringLiteral("climatology"), run->climatology},
                    {QStringLiteral("threshold"), run->threshold},
                    {QStringLiteral("model"), model->path},
                    {QStringLiteral("model_hash"), model->hash},
                    {QStringLiteral("encoder_hash"), encoder.hash},
                    {QStringLiteral("head_hash"), headHash(runDir)}};
    if (when)
        out.insert(QStringLiteral("requested"), SdoTime::toIso(*when) + QStringLiteral("Z"));
    if (!setFiles.isEmpty())
        out.insert(QStringLiteral("files"), QJsonArray::fromStringList(setFiles));
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
    if (observed >= 0)
        out.insert(QStringLiteral("observed_class_index"), observed);
    if (run->fluxBaseline.valid()) {
        // The non-learned reference fitted with the head, on this set's magnetogram.
        const double flux = one.diskFlux.empty() ? std::nan("") : one.diskFlux.front();
        const double pf = run->fluxBaseline.probability(flux);
        QJsonObject fb{{QStringLiteral("p"), std::isfinite(pf) ? QJsonValue(pf) : QJsonValue()},
                       {QStringLiteral("flux_mx"), std::isfinite(flux) ? QJsonValue(flux) : QJsonValue()}};
        if (!std::isfinite(pf))
            fb.insert(QStringLiteral("error"), fluxProblem.isEmpty() ? QStringLiteral("no magnetogram flux for this set") : fluxProblem);
        out.insert(QStringLiteral("flux_baseline"), fb);
    }
    if (!probs->attention.empty()) {
        // The five cells with the largest pool weight (grid row/column of the model's input frame).
        out.insert(QStringLiteral("attention_top"),
                   topCells(one, QStringLiteral("weight"), [&](size_t at) { return probs->attention[at]; }));
        out.insert(QStringLiteral("grid"), one.grid);
    }
    if ((run->head.kind() == FlareHeadKind::MeanPool || run->head.kind() == FlareHeadKind::Quad) && run->head.classes() == 2) {
        // The five cells with the largest term of the mean-pool or quad head's logit (models/flare/FlareInputs.h).
        auto terms = flareAttribution(*run, one, FlareAttributionMethod::LogitContribution);
        if (!terms)
            return fail(name, Error{runDir, terms.error().message});
        out.insert(QStringLiteral("logit_terms_top"), topCells(one, QStringLiteral("logit_term"), [&](size_t at) {
                       return terms->values[static_cast<size_t>(one.cellIndex[at])];
                   }));
        out.insert(QStringLiteral("grid"), one.grid);
    }
    if (p.json())
        printJson(out);
    else
        QTextStream(stdout) << setTime << ": P(>=" << flareTargetName(run->spec.target) << ") = " << probs->primary.front()
                            << " (climatology " << run->climatology << ")\n";
    return kOk;
}

const Registration regTrain(QStringLiteral("flare-train"), QStringLiteral("train a flare-forecast head on an archive's embeddings"), runTrain);
const Registration regEval(QStringLiteral("flare-eval"), QStringLiteral("score a flare head (TSS, HSS, AUC, BSS with intervals) against baselines"), runEval);
const Registration regPredict(QStringLiteral("flare-predict"), QStringLiteral("flare probabilities at one time from a trained head"), runPredict);

}  // namespace

}  // namespace solarchip::cli
