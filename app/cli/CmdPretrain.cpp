// solarchip pretrain --archive DIR --preset tiny --channels hmi,171,193,304 --epochs N --out RUN [--resume] ...
// Contrastive + reconstruction pretraining (models/Trainer). Metrics stream as JSON lines on stdout and into
// RUN/metrics.jsonl; SIGINT/SIGTERM checkpoint and stop; --resume continues exactly where the last checkpoint was.
// --nproc N runs it as N local data-parallel workers; --slurm-script writes the batch script for a cluster
// (app/cli/PretrainLaunch.h). A process started with RANK/WORLD_SIZE (or under srun) is one rank of such a job.
#include "app/cli/Command.h"
#include "app/cli/CommandLine.h"
#include "app/cli/DataCliOptions.h"
#include "app/cli/PretrainLaunch.h"

#include "models/training/Trainer.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTextStream>

#include <atomic>
#include <csignal>

namespace solarchip::cli {

namespace {

const QString kName = QStringLiteral("pretrain");
std::atomic<bool> g_stop{false};

void onStopSignal(int) { g_stop.store(true); }

struct NumberOption {
    const char *name;
    const char *help;
    const char *value;
};

int runPretrain(const QStringList &args)
{
    CommandLine p(kName, QStringLiteral(
        "Pretrain SolarCHIP encoders (contrastive HMI-AIA + reconstruction) on an archive's co-temporal sets.\n"
        "Metrics: JSON lines on stdout and in RUN/metrics.jsonl. Ctrl-C checkpoints and stops; --resume continues.\n"
        "Data-parallel: --nproc N starts N local worker processes (Gloo on the CPU; --batch is per process, the global\n"
        "batch is N x batch x accum); --slurm-script FILE --nodes N --tasks-per-node T --gpus-per-node G writes a Slurm\n"
        "batch script running the same job with srun instead of running it. Any launcher that sets RANK, WORLD_SIZE,\n"
        "LOCAL_RANK, MASTER_ADDR and MASTER_PORT (or Slurm's SLURM_PROCID, SLURM_NTASKS, SLURM_NODELIST) works too."));
    addDataOptions(p, QStringLiteral("hmi,171"));
    p.addOption({QStringLiteral("out"), QStringLiteral("Run folder (checkpoints, metrics, models)."), QStringLiteral("RUN")});
    p.addOption({QStringLiteral("resume"), QStringLiteral("Continue the run in --out from its last checkpoint (its "
                                                          "run.json is used; --epochs/--max-steps may extend it).")});
    p.addOption({QStringLiteral("preset"), QStringLiteral("tiny, small, paper-cnn, paper-vit (tiny-cnn, ...), or a backbone JSON file."),
                 QStringLiteral("NAME"), QStringLiteral("tiny")});
    p.addOption({QStringLiteral("arch"), QStringLiteral("vit or cnn for tiny/small (default vit)."), QStringLiteral("ARCH")});
    p.addOption({QStringLiteral("shared-aia"), QStringLiteral("One backbone shared by all AIA passbands.")});
    p.addOption({QStringLiteral("topology"), QStringLiteral("hmi-star (default) or all-pairs."), QStringLiteral("T"),
                 QStringLiteral("hmi-star")});
    p.addOption({QStringLiteral("init"), QStringLiteral("Start from this model file's weights."), QStringLiteral("MODEL")});
    p.addOption({QStringLiteral("save-memory"), QStringLiteral("Back-propagate one modality at a time (exact, less memory).")});
    p.addOption({QStringLiteral("no-bf16"), QStringLiteral("No bf16 autocast on CUDA.")});
    p.addOption({QStringLiteral("no-augment"), QStringLiteral("No augmentation.")});
    p.addOption({QStringLiteral("modality-quarter-turns"),
                 QStringLiteral("Turn each modality of a sample by its own random number of quarter turns (after the joint "
                                "rotation); the patch terms see the cells turned back. The CLS term then cannot match "
                                "a pair by a shared rotation.")});
    p.addOption({QStringLiteral("cls-head"), QStringLiteral("CNN CLS head: gap (default, the research code's) or attn "
                                                            "(opt-in attention pool over the cells with a position code)."),
                 QStringLiteral("H")});
    p.addOption({QStringLiteral("cls-position"), QStringLiteral("Position code of --cls-head attn: radial (default, "
                                                                "centre-to-limb) or radial-xy."),
                 QStringLiteral("P"), QStringLiteral("radial")});
    p.addOption({QStringLiteral("quiet"), QStringLiteral("Do not print metrics on stdout (metrics.jsonl still gets them).")});
    p.addOption({QStringLiteral("device"), QStringLiteral("auto, cpu, cuda or cuda:N."), QStringLiteral("DEV"), QStringLiteral("auto")});
    p.addOption({QStringLiteral("norm"), QStringLiteral("signed_log (default), log1p, sqrt, asinh, identity."),
                 QStringLiteral("T"), QStringLiteral("signed_log")});
    p.addOption({QStringLiteral("reference"), QStringLiteral("Channel whose frame the others are resampled onto (default: first AIA)."),
                 QStringLiteral("CH")});
    p.addOption({QStringLiteral("nproc"), QStringLiteral("Run as N local data-parallel worker processes (like torchrun): "
                                                         "rank 0 reports, a failed worker stops the job (default 1)."),
                 QStringLiteral("N"), QStringLiteral("1")});
    p.addOption({QStringLiteral("slurm-script"), QStringLiteral("Write a Slurm batch script for this run to FILE (srun over "
                                                                "--nodes x --tasks-per-node tasks) and exit without training."),
                 QStringLiteral("FILE")});
    p.addOption({QStringLiteral("nodes"), QStringLiteral("Slurm script: nodes (default 1)."), QStringLiteral("N"), QStringLiteral("1")});
    p.addOption({QStringLiteral("tasks-per-node"), QStringLiteral("Slurm script: processes per node, one per GPU on GPU nodes "
                                                                  "(default 1)."),
                 QStringLiteral("T"), QStringLiteral("1")});
    p.addOption({QStringLiteral("gpus-per-node"), QStringLiteral("Slurm script: GPUs per node (default 0: CPU tasks, Gloo)."),
                 QStringLiteral("G"), QStringLiteral("0")});
    p.addOption({QStringLiteral("time"), QStringLiteral("Slurm script: wall-time limit HH:MM:SS or D-HH:MM:SS."), QStringLiteral("HH:MM:SS")});
    p.addOption({QStringLiteral("partition"), QStringLiteral("Slurm script: partition."), QStringLiteral("P")});
    const std::vector<NumberOption> numbers{
        {"epochs", "Epochs (default 1).", "1"},
        {"max-steps", "Stop after this many optimizer steps (0: epochs decide).", "0"},
        {"batch", "Micro-batch size (default 8).", "8"},
        {"batch-window", "Draw each batch from this many consecutive (in time) training sets: nearby times as hard "
                         "negatives for the CLS loss (default 0: uniformly shuffled).", "0"},
        {"radial-norm", "Normalise by a radial climatology (mean and std of the transformed values against the distance "
                        "from the disk centre) measured on this many training sets (default 0: off).", "0"},
        {"stop-at", "Pause at this step (checkpoint, exit; --resume continues). The schedule still spans --max-steps.", "0"},
        {"accum", "Micro-batches per optimizer step (default 1).", "1"},
        {"lr", "Peak learning rate (default 5e-4).", "5e-4"},
        {"min-lr", "Final learning rate of the cosine (default 1e-5).", "1e-5"},
        {"warmup", "Warmup steps (default: 5% of the steps).", "-1"},
        {"weight-decay", "AdamW weight decay (default 0.05).", "0.05"},
        {"grad-clip", "Max gradient norm, 0 = off (default 1).", "1"},
        {"seed", "Random seed (default 0).", "0"},
        {"threads", "Torch threads (default: all cores).", "0"},
        {"workers", "Data loader threads (default 2).", "2"},
        {"checkpoint-every", "Checkpoint every N steps (default 100).", "100"},
        {"validate-every", "Validate every N steps (default 0: each epoch).", "0"},
        {"val-sets", "At most this many validation sets per evaluation (default 256).", "256"},
        {"val-fraction", "Latest fraction of the sets held out for validation (default 0.1).", "0.1"},
        {"val-gap-hours", "No training set within this many hours before validation (default 24).", "24"},
        {"w-rec", "Reconstruction weight (default 1).", "1"},
        {"w-cls", "CLS contrastive weight (default 1).", "1"},
        {"w-pat", "Fixed-position patch contrastive weight (default 1).", "1"},
        {"w-int", "Intra-sample patch contrastive weight (default 1).", "1"},
        {"norm-scale", "Scale s of the normalisation transform (default 1).", "1"},
        {"oversample", "Common frame = resolution x this before area averaging (default 2).", "2"},
        {"disk-radius", "Fixed apparent radius: scale every set so the disk radius is this fraction of half the "
                        "input side (e.g. 0.8; default 0: the reference's field of view, the disk size follows "
                        "the observer's distance).", "0"},
        {"max-rotation", "Joint rotation augmentation, degrees (default 10).", "10"},
        {"hflip", "Left-right flip probability (default 0: flips mirror solar handedness).", "0"},
        {"vflip", "Up-down flip probability (default 0).", "0"},
    };
    for (const NumberOption &n : numbers)
        p.addOption({QLatin1String(n.name), QLatin1String(n.help), QStringLiteral("X"), QLatin1String(n.value)});
    if (auto exit = p.parseOrExit(args))
        return *exit;
    QMap<QString, double> num;
    for (const NumberOption &n : numbers) {
        bool ok = false;
        const QString name = QLatin1String(n.name);
        num[name] = p.value(name).toDouble(&ok);
        if (!ok)
            return p.usage(QStringLiteral("--%1 needs a number, got '%2'").arg(name, p.value(name)));
    }
    const QString out = p.value(QStringLiteral("out"));
    if (out.isEmpty())
        return p.usage(QStringLiteral("--out RUN is required"));

    auto intOption = [&](const QString &name, int *value) {
        bool ok = false;
        *value = p.value(name).toInt(&ok);
        return ok;
    };
    const QStringList launchValued{QStringLiteral("nproc"), QStringLiteral("slurm-script"), QStringLiteral("nodes"),
                                   QStringLiteral("tasks-per-node"), QStringLiteral("gpus-per-node"), QStringLiteral("time"),
                                   QStringLiteral("partition")};
    if (p.isSet(QStringLiteral("slurm-script"))) {
        SlurmScriptOptions so;
        so.file = p.value(QStringLiteral("slurm-script"));
        if (!intOption(QStringLiteral("nodes"), &so.nodes) || !intOption(QStringLiteral("tasks-per-node"), &so.tasksPerNode)
            || !intOption(QStringLiteral("gpus-per-node"), &so.gpusPerNode))
            return p.usage(QStringLiteral("--nodes, --tasks-per-node and --gpus-per-node need whole numbers"));
        if (p.isSet(QStringLiteral("nproc")))
            return p.usage(QStringLiteral("--nproc and --slurm-script exclude each other (Slurm starts the processes)"));
        so.time = p.value(QStringLiteral("time"));
        so.partition = p.value(QStringLiteral("partition"));
        so.device = p.value(QStringLiteral("device"));
        so.threads = static_cast<int>(num["threads"]);
        so.perProcessBatch = static_cast<int>(num["batch"] * std::max(1.0, num["accum"]));
        QStringList warnings;
        const QString problem = checkSlurmOptions(so, &warnings);
        if (!problem.isEmpty())
            return p.usage(problem);
        for (const QString &w : warnings)
            QTextStream(stderr) << QStringLiteral("solarchip pretrain: warning: %1\n").arg(w);
        const QStringList runArgs = withoutOptions(args.mid(1), launchValued);
        const QString program = QCoreApplication::applicationFilePath();
        const QString error = writeSlurmScript(so, program, runArgs, warnings);
        if (!error.isEmpty())
            return fail(kName, error);
        printJsonLine(QJsonObject{{QStringLiteral("event"), QStringLiteral("slurm-script")},
                                  {QStringLiteral("path"), QFileInfo(so.file).absoluteFilePath()},
                                  {QStringLiteral("nodes"), so.nodes},
                                  {QStringLiteral("tasks_per_node"), so.tasksPerNode},
                                  {QStringLiteral("gpus_per_node"), so.gpusPerNode},
                                  {QStringLiteral("world_size"), so.nodes * so.tasksPerNode},
                                  {QStringLiteral("global_batch"), so.nodes * so.tasksPerNode * so.perProcessBatch},
                                  {QStringLiteral("warnings"), QJsonArray::fromStringList(warnings)},
                                  {QStringLiteral("srun"), slurmSrunLine(so, program, runArgs)}});
        return kOk;
    }
    for (const QString &slurmOnly : launchValued.mid(2))
        if (p.isSet(slurmOnly))
            return p.usage(QStringLiteral("--%1 belongs to --slurm-script").arg(slurmOnly));
    int nproc = 1;
    if (!intOption(QStringLiteral("nproc"), &nproc) || nproc < 1)
        return p.usage(QStringLiteral("--nproc needs a whole number of at least 1, got '%1'").arg(p.value(QStringLiteral("nproc"))));
    if (nproc > 1) {
        if (!qEnvironmentVariableIsEmpty("RANK"))
            return p.usage(QStringLiteral("--nproc inside a distributed job (RANK is set): launch the workers one way only"));
        return launchLocalWorkers(nproc, withoutOptions(args.mid(1), {QStringLiteral("nproc")}),
                                  QFileInfo(out).absoluteFilePath(), p.isSet(QStringLiteral("quiet")));
    }
    auto distributed = DistributedEnv::fromEnvironment();
    if (!distributed)
        return fail(kName, distributed.error());
    // Messages of a rank name it (the launcher's and srun's logs interleave the ranks' stderr).
    const QString who = distributed->active() ? QStringLiteral("%1 (rank %2 of %3)").arg(kName).arg(distributed->rank)
                                                    .arg(distributed->worldSize)
                                              : kName;

    TrainerOptions o;
    o.runDir = out;
    o.stopAtStep = static_cast<long long>(num["stop-at"]);
    const bool resume = p.isSet(QStringLiteral("resume"));
    QJsonObject overrides;
    if (p.isSet(QStringLiteral("epochs")))
        overrides.insert(QStringLiteral("epochs"), static_cast<int>(num["epochs"]));
    if (p.isSet(QStringLiteral("max-steps")))
        overrides.insert(QStringLiteral("max_steps"), num["max-steps"]);
    const bool resumable = resume && QFileInfo::exists(out + QStringLiteral("/checkpoint.pt"));
    if (!resumable) {
        const QString problem = readDataOptions(p, o.data, {QStringLiteral("hmi"), QStringLiteral("171")});
        if (!problem.isEmpty())
            return p.usage(problem);
        o.preset = p.value(QStringLiteral("preset"));
        if (o.preset.endsWith(QLatin1String(".json"))) {
            QFile f(o.preset);
            if (!f.open(QIODevice::ReadOnly))
                return fail(kName, Error{o.preset, QStringLiteral("cannot read the backbone configuration")});
            const QJsonDocument doc = QJsonDocument::fromJson(f.readAll());
            if (!doc.isObject())
                return fail(kName, Error{o.preset, QStringLiteral("not a JSON object")});
            o.customBackbone = doc.object();
        }
        if (p.isSet(QStringLiteral("arch"))) {
            o.arch = parseArchitecture(p.value(QStringLiteral("arch")));
            if (!o.arch)
                return p.usage(QStringLiteral("--arch must be vit or cnn"));
        }
        o.sharedAia = p.isSet(QStringLiteral("shared-aia"));
        o.clsHead = p.value(QStringLiteral("cls-head"));
        o.clsPosition = p.value(QStringLiteral("cls-position"));
        if (!o.clsHead.isEmpty() && o.clsHead != QLatin1String("gap") && o.clsHead != QLatin1String("attn"))
            return p.usage(QStringLiteral("--cls-head must be gap or attn"));
        if (o.clsPosition != QLatin1String("radial") && o.clsPosition != QLatin1String("radial-xy"))
            return p.usage(QStringLiteral("--cls-position must be radial or radial-xy"));
        const QString topo = p.value(QStringLiteral("topology"));
        if (topo != QLatin1String("hmi-star") && topo != QLatin1String("all-pairs"))
            return p.usage(QStringLiteral("--topology must be hmi-star or all-pairs"));
        o.topology = topo == QLatin1String("all-pairs") ? PairTopology::AllPairs : PairTopology::HmiStar;
        o.weights = LossWeights{num["w-rec"], num["w-cls"], num["w-pat"], num["w-int"]};
        o.initFrom = p.value(QStringLiteral("init"));
        o.epochs = static_cast<int>(num["epochs"]);
        o.maxSteps = static_cast<long long>(num["max-steps"]);
        o.batchSize = static_cast<int>(num["batch"]);
        o.batchWindow = static_cast<int>(num["batch-window"]);
        o.radialNormSets = static_cast<int>(num["radial-norm"]);
        o.accumulation = static_cast<int>(num["accum"]);
        o.lr = num["lr"];
        o.minLr = num["min-lr"];
        o.warmupSteps = static_cast<long long>(num["warmup"]);
        o.weightDecay = num["weight-decay"];
        o.gradClip = num["grad-clip"];
        o.saveMemory = p.isSet(QStringLiteral("save-memory"));
        o.device = p.value(QStringLiteral("device"));
        o.bf16 = !p.isSet(QStringLiteral("no-bf16"));
        o.threads = static_cast<int>(num["threads"]);
        o.seed = static_cast<quint64>(num["seed"]);
        o.workers = static_cast<int>(num["workers"]);
        o.checkpointEvery = static_cast<long long>(num["checkpoint-every"]);
        o.validateEvery = static_cast<long long>(num["validate-every"]);
        o.validationMaxSets = static_cast<int>(num["val-sets"]);
        o.data.split.validationFraction = num["val-fraction"];
        o.data.split.gapMs = static_cast<qint64>(num["val-gap-hours"] * 3600.0 * 1000.0);
        const auto transform = ModelNormalize::transformFromName(p.value(QStringLiteral("norm")));
        if (!transform)
            return p.usage(QStringLiteral("--norm: unknown transform '%1'").arg(p.value(QStringLiteral("norm"))));
        o.data.prep.normalize.transform = *transform;
        o.data.prep.normalize.scale = num["norm-scale"];
        o.data.prep.oversample = static_cast<int>(num["oversample"]);
        o.data.prep.diskRadiusFraction = num["disk-radius"];
        if (p.isSet(QStringLiteral("reference"))) {
            QString error;
            const QStringList ref = parseChannels(p.value(QStringLiteral("reference")), &error);
            if (!error.isEmpty())
                return p.usage(QStringLiteral("--reference: ") + error);
            o.data.prep.referenceChannel = ref.first();
        }
        o.augment.maxRotationDeg = p.isSet(QStringLiteral("no-augment")) ? 0.0 : num["max-rotation"];
        o.augment.hflipProbability = p.isSet(QStringLiteral("no-augment")) ? 0.0 : num["hflip"];
        o.augment.vflipProbability = p.isSet(QStringLiteral("no-augment")) ? 0.0 : num["vflip"];
        o.augment.modalityQuarterTurns = !p.isSet(QStringLiteral("no-augment")) && p.isSet(QStringLiteral("modality-quarter-turns"));
    }

    auto trainer = Trainer::create(o, resume, overrides, *distributed);
    if (!trainer)
        return fail(who, trainer.error());
    std::signal(SIGINT, onStopSignal);
    std::signal(SIGTERM, onStopSignal);
    const bool quiet = p.isSet(QStringLiteral("quiet"));
    auto summary = trainer->run([quiet](const QJsonObject &line) {
        if (!quiet)
            printJsonLine(line);
    }, [] { return g_stop.load(); });
    if (!summary)
        return fail(who, summary.error());
    if (summary->cancelled && o.stopAtStep > 0 && summary->steps >= o.stopAtStep && !g_stop.load()) {
        if (!quiet)
            QTextStream(stderr) << QStringLiteral("solarchip pretrain: %1: paused at step %2 (--stop-at); continue with --resume\n")
                                       .arg(trainer->options().runDir).arg(summary->steps);
        return kOk;
    }
    if (summary->cancelled)
        return fail(who, QStringLiteral("%1: stopped at step %2 after a signal; continue with --resume")
                               .arg(trainer->options().runDir).arg(summary->steps));
    return kOk;
}

const Registration reg(kName, QStringLiteral("pretrain SolarCHIP encoders on an archive (JSON-lines metrics, exact resume)"),
                       runPretrain);

}  // namespace

}  // namespace solarchip::cli
