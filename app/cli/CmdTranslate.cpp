// solarchip translate-train / translate / translate-eval: HMI -> AIA translation (issue 14). Thin adapters over
// models/translate (TranslatorRun, trainTranslator, evaluateTranslators).
#include "app/cli/Command.h"
#include "app/cli/CommandLine.h"
#include "app/cli/ModelCliOptions.h"

#include "core/map/MapMeta.h"
#include "models/networks/Device.h"
#include "models/translate/Translator.h"
#include "models/translate/TranslatorTraining.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QTextStream>

#include <csignal>

namespace solarchip::cli {

namespace {

volatile std::sig_atomic_t g_stop = 0;
void onSignal(int) { g_stop = 1; }

bool positiveInt(const CommandLine &p, const char *name, int *out, int min = 1)
{
    bool ok = false;
    *out = p.value(QLatin1String(name)).toInt(&ok);
    return ok && *out >= min;
}

// ------------------------------------------------------------------------------------------------ translate-train

int runTrain(const QStringList &args)
{
    CommandLine p(QStringLiteral("translate-train"), QStringLiteral(
        "Train an HMI -> AIA translator on an archive: a latent autoencoder of the AIA channels, an unconditional "
        "latent denoiser (cosine schedule, epsilon prediction), then a ControlNet branch fed by the SolarCHIP HMI "
        "encoder's patch tokens through zero-initialised convolutions (the denoiser frozen). --baseline unet trains "
        "the direct regression U-Net (L1) instead; --baseline random-encoder the translator with a randomly "
        "initialised encoder (with --init-from RUN: the same autoencoder and denoiser, only the control branch). "
        "Resumable: run the same command again. Metrics: JSON lines on stdout (--json) and in RUN/metrics.jsonl."));
    addModelOptions(p);
    p.addOption({QStringLiteral("archive"), QStringLiteral("Training archive."), QStringLiteral("DIR")});
    p.addOption({QStringLiteral("channels"), QStringLiteral("AIA channels to translate to (default: the encoder's AIA channels)."),
                 QStringLiteral("LIST")});
    p.addOption({QStringLiteral("out"), QStringLiteral("Run folder."), QStringLiteral("RUN")});
    p.addOption({QStringLiteral("baseline"), QStringLiteral("unet or random-encoder (default: the translator)."), QStringLiteral("KIND")});
    p.addOption({QStringLiteral("init-from"), QStringLiteral("Reuse the autoencoder and denoiser of this diffusion run."),
                 QStringLiteral("RUN")});
    p.addOption({QStringLiteral("side"), QStringLiteral("Translator image side in pixels (default 64; divides the encoder's resolution)."),
                 QStringLiteral("PX"), QStringLiteral("64")});
    p.addOption({QStringLiteral("design"), QStringLiteral(
        "latent (default): the latent diffusion models the AIA images themselves; residual: it models the residual "
        "around a regression mean mu(HMI) trained first (CorrDiff's split; the output is mu + the decoded sample)."),
        QStringLiteral("D"), QStringLiteral("latent")});
    p.addOption({QStringLiteral("latent-channels"), QStringLiteral(
        "Channels of the AIA autoencoder's latent at side/4 (default 4; the diffusion works in this latent)."),
        QStringLiteral("N"), QStringLiteral("4")});
    p.addOption({QStringLiteral("control-hint"), QStringLiteral(
        "What the ControlNet branch reads: tokens (default: the encoder's HMI patch tokens) or tokens+pixels (also "
        "the HMI pixels through a full-resolution hint encoder with its own zero convolution)."),
        QStringLiteral("H"), QStringLiteral("tokens")});
    p.addOption({QStringLiteral("decoder-hint"), QStringLiteral(
        "What the autoencoder's decoder reads besides the latent: none (default) or hmi_pixels (the HMI pixels at "
        "full resolution, for the pixel-scale AIA texture that follows them)."), QStringLiteral("H"), QStringLiteral("none")});
    p.addOption({QStringLiteral("mean-steps"), QStringLiteral("Regression-mean steps of the residual design (default 1500)."),
                 QStringLiteral("N"), QStringLiteral("1500")});
    p.addOption({QStringLiteral("min-spacing-hours"), QStringLiteral("Use sets at least this many hours apart (default 0: all)."),
                 QStringLiteral("H"), QStringLiteral("0")});
    p.addOption({QStringLiteral("cache"), QStringLiteral("Cache the prepared sets in this folder (shared by runs on the same archive)."),
                 QStringLiteral("DIR")});
    p.addOption({QStringLiteral("write-half"), QStringLiteral(
        "After training, write the finished run as shipped (translator.json + float16 weights) into DIR (with only "
        "--out and this option: just write it)."), QStringLiteral("DIR")});
    p.addOption({QStringLiteral("ae-steps"), QStringLiteral("Autoencoder steps (default 400)."), QStringLiteral("N"), QStringLiteral("400")});
    p.addOption({QStringLiteral("base-steps"), QStringLiteral("Denoiser steps (default 1500)."), QStringLiteral("N"), QStringLiteral("1500")});
    p.addOption({QStringLiteral("control-steps"), QStringLiteral("Control-branch steps (default 1500)."), QStringLiteral("N"),
                 QStringLiteral("1500")});
    p.addOption({QStringLiteral("unet-steps"), QStringLiteral("Regression U-Net steps (default 1500)."), QStringLiteral("N"),
                 QStringLiteral("1500")});
    p.addOption({QStringLiteral("batch"), QStringLiteral("Batch size (default 16)."), QStringLiteral("N"), QStringLiteral("16")});
    p.addOption({QStringLiteral("ddim-steps"), QStringLiteral("Default DDIM steps of the run (default 20)."), QStringLiteral("N"),
                 QStringLiteral("20")});
    p.addOption({QStringLiteral("seed"), QStringLiteral("Seed (default 13)."), QStringLiteral("S"), QStringLiteral("13")});
    p.addOption({QStringLiteral("save-every"), QStringLiteral("Checkpoint every N steps (default 100)."), QStringLiteral("N"),
                 QStringLiteral("100")});
    p.addJsonOption(QStringLiteral("Progress as JSON lines, then the run description as JSON."));
    if (auto exit = p.parseOrExit(args))
        return *exit;
    if (p.isSet(QStringLiteral("write-half")) && p.isSet(QStringLiteral("out")) && !p.isSet(QStringLiteral("archive"))) {
        auto w = writeHalfTranslator(p.value(QStringLiteral("out")), p.value(QStringLiteral("write-half")), p.value(QStringLiteral("model")));
        if (!w)
            return fail(p.command(), w.error());
        if (p.json())
            printJson(*w);
        return kOk;
    }
    if (!p.isSet(QStringLiteral("archive")) || !p.isSet(QStringLiteral("out")))
        return p.usage(QStringLiteral("--archive and --out are required"));
    TranslatorTrainOptions o;
    o.archiveDir = p.value(QStringLiteral("archive"));
    o.outDir = p.value(QStringLiteral("out"));
    const QString baseline = p.value(QStringLiteral("baseline"));
    if (baseline.isEmpty())
        o.kind = QStringLiteral("translator");
    else if (baseline == QLatin1String("unet") || baseline == QLatin1String("random-encoder"))
        o.kind = baseline;
    else
        return p.usage(QStringLiteral("--baseline must be unet or random-encoder"));
    if (p.isSet(QStringLiteral("channels")))
        for (const QString &c : p.value(QStringLiteral("channels")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            const QString k = canonicalChannel(c.trimmed());
            if (k.isEmpty())
                return p.usage(QStringLiteral("unknown channel '%1'").arg(c));
            o.channels << k;
        }
    o.initFrom = p.value(QStringLiteral("init-from"));
    o.design = p.value(QStringLiteral("design"));
    if (o.design != QLatin1String("residual") && o.design != QLatin1String("latent"))
        return p.usage(QStringLiteral("--design must be residual or latent"));
    const QString hint = p.value(QStringLiteral("control-hint"));
    if (hint != QLatin1String("tokens") && hint != QLatin1String("tokens+pixels"))
        return p.usage(QStringLiteral("--control-hint must be tokens or tokens+pixels"));
    o.pixelHint = hint == QLatin1String("tokens+pixels");
    const QString decHint = p.value(QStringLiteral("decoder-hint"));
    if (decHint != QLatin1String("none") && decHint != QLatin1String("hmi_pixels"))
        return p.usage(QStringLiteral("--decoder-hint must be none or hmi_pixels"));
    o.hmiDecoder = decHint == QLatin1String("hmi_pixels");
    o.cacheDir = p.value(QStringLiteral("cache"));
    int seed = 0, spacingHours = 0;
    if (!positiveInt(p, "side", &o.side, 8) || !positiveInt(p, "ae-steps", &o.aeSteps, 0) || !positiveInt(p, "base-steps", &o.baseSteps, 0)
        || !positiveInt(p, "control-steps", &o.controlSteps, 0) || !positiveInt(p, "unet-steps", &o.unetSteps, 0)
        || !positiveInt(p, "batch", &o.batch) || !positiveInt(p, "ddim-steps", &o.ddimSteps) || !positiveInt(p, "seed", &seed, 0)
        || !positiveInt(p, "save-every", &o.saveEvery) || !positiveInt(p, "mean-steps", &o.meanSteps, 0)
        || !positiveInt(p, "min-spacing-hours", &spacingHours, 0) || !positiveInt(p, "latent-channels", &o.latentChannels, 1))
        return p.usage(QStringLiteral("--side, --*-steps, --batch, --seed and --save-every need non-negative integers"));
    o.seed = static_cast<quint64>(seed);
    o.minSpacingMs = qint64(spacingHours) * 3600 * 1000;
    auto model = loadModelFromOptions(p);
    if (!model)
        return fail(p.command(), model.error());
    o.device = model->model.device();  // --device: the translator's networks train where the encoder runs
    for (const QString &c : o.channels)
        if (!model->channels.contains(c))
            return fail(p.command(), Error{model->path, QStringLiteral("the encoder has channels %1; '%2' is not one of them "
                                                                       "(channels follow the encoder)")
                                                            .arg(model->channels.join(QLatin1Char(',')), c)});
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    const bool json = p.json();
    QTextStream err(stderr);
    auto r = trainTranslator(*model, o, [&](const QJsonObject &e) {
        if (json)
            printJsonLine(e);
        else if (e[QStringLiteral("event")].toString() == QLatin1String("step"))
            err << e[QStringLiteral("stage")].toString() << ' ' << e[QStringLiteral("step")].toInt() << '/'
                << e[QStringLiteral("steps")].toInt() << " loss " << e[QStringLiteral("loss")].toDouble() << '\n' << Qt::flush;
        return g_stop == 0;
    });
    if (!r)
        return fail(p.command(), r.error());
    if (!g_stop && p.isSet(QStringLiteral("write-half"))) {
        auto w = writeHalfTranslator(o.outDir, p.value(QStringLiteral("write-half")), model->path);
        if (!w)
            return fail(p.command(), w.error());
    }
    if (json)
        printJson(*r);
    else
        QTextStream(stdout) << "run written to " << o.outDir << '\n';
    return g_stop ? kFailed : kOk;
}

// ------------------------------------------------------------------------------------------------ translate

int runTranslate(const QStringList &args)
{
    CommandLine p(QStringLiteral("translate"), QStringLiteral(
        "Translate an HMI line-of-sight magnetogram into a synthetic AIA map (DN/s) with a translator run, written as "
        "FITS with an AIA-like but clearly synthetic header (TELESCOP 'SolarCHIP', INSTRUME 'SOLARCHIP-TRANSLATOR', "
        "SYNTHETC = T, HISTORY: model, run, source file). With --samples N > 1 the mean over N DDIM samples is "
        "written, and the per-pixel spread to --spread FILE."));
    p.addOption({QStringLiteral("run"), QStringLiteral("Translator run folder (default: the shipped default translator)."),
                 QStringLiteral("RUN")});
    p.addOption({QStringLiteral("model"), QStringLiteral("The run's encoder file when it moved (default: the recorded one)."),
                 QStringLiteral("FILE")});
    p.addOption({QStringLiteral("channel"), QStringLiteral("AIA channel (default: the run's first)."), QStringLiteral("C")});
    p.addOption({{QStringLiteral("o"), QStringLiteral("output")}, QStringLiteral("Output FITS file."), QStringLiteral("OUT")});
    p.addOption({QStringLiteral("spread"), QStringLiteral("Also write the per-pixel spread to this FITS file."), QStringLiteral("FILE")});
    p.addOption({QStringLiteral("reference"), QStringLiteral("An AIA file of the same time whose frame to use (as in training)."),
                 QStringLiteral("FILE")});
    p.addOption({QStringLiteral("samples"), QStringLiteral("Samples averaged (default 1)."), QStringLiteral("N"), QStringLiteral("1")});
    p.addOption({QStringLiteral("seed"), QStringLiteral("Noise seed (default 0)."), QStringLiteral("S"), QStringLiteral("0")});
    p.addOption({QStringLiteral("ddim-steps"), QStringLiteral("DDIM steps (default: the run's)."), QStringLiteral("N"), QStringLiteral("0")});
    p.addOption({QStringLiteral("threads"), QStringLiteral("Torch threads (default: all cores)."), QStringLiteral("N"), QStringLiteral("0")});
    addDeviceOption(p);
    p.addJsonOption(QStringLiteral("Print a JSON summary."));
    if (auto exit = p.parseOrExit(args, Positionals::exactly(1, QStringLiteral("give one HMI magnetogram file"))))
        return *exit;
    if (!p.isSet(QStringLiteral("output")))
        return p.usage(QStringLiteral("-o OUT.fits is required"));
    TranslationRequest req;
    req.hmiFile = p.positionalArguments().first();
    req.channel = p.isSet(QStringLiteral("channel")) ? canonicalChannel(p.value(QStringLiteral("channel"))) : QString();
    if (p.isSet(QStringLiteral("channel")) && req.channel.isEmpty())
        return p.usage(QStringLiteral("unknown channel '%1'").arg(p.value(QStringLiteral("channel"))));
    req.referenceFile = p.value(QStringLiteral("reference"));
    bool ok = false;
    req.samples = p.value(QStringLiteral("samples")).toInt(&ok);
    if (!ok || req.samples < 1 || req.samples > 64)
        return p.usage(QStringLiteral("--samples needs 1..64"));
    req.seed = p.value(QStringLiteral("seed")).toULongLong(&ok);
    if (!ok)
        return p.usage(QStringLiteral("--seed needs a non-negative integer"));
    req.ddimSteps = p.value(QStringLiteral("ddim-steps")).toInt(&ok);
    if (!ok || req.ddimSteps < 0)
        return p.usage(QStringLiteral("--ddim-steps needs a non-negative integer"));
    configureTorchThreads(p.value(QStringLiteral("threads")).toInt());
    auto device = deviceFromOptions(p);
    if (!device)
        return fail(p.command(), device.error());
    auto run = TranslatorRun::load(p.value(QStringLiteral("run")), p.value(QStringLiteral("model")), *device);
    if (!run)
        return fail(p.command(), run.error());
    auto r = run->translate(req);
    if (!r)
        return fail(p.command(), r.error());
    const QString out = p.value(QStringLiteral("output"));
    auto st = writeTranslatedFits(*r, out);
    if (!st)
        return fail(p.command(), st.error());
    if (p.isSet(QStringLiteral("spread"))) {
        st = writeTranslatedSpreadFits(*r, p.value(QStringLiteral("spread")));
        if (!st)
            return fail(p.command(), st.error());
    }
    const ImageStats ms = computeStats(r->mean);
    const ImageStats ss = computeStats(r->spread);
    QJsonObject o{{QStringLiteral("output"), QFileInfo(out).absoluteFilePath()}, {QStringLiteral("channel"), r->channel},
                  {QStringLiteral("run"), r->runDir}, {QStringLiteral("kind"), r->runKind},
                  {QStringLiteral("weights_sha256"), r->modelHash}, {QStringLiteral("side"), r->mean.width},
                  {QStringLiteral("samples"), r->samples}, {QStringLiteral("seed"), QString::number(r->seed)},
                  {QStringLiteral("ddim_steps"), r->ddimSteps}, {QStringLiteral("seconds"), r->seconds},
                  {QStringLiteral("device"), r->device}, {QStringLiteral("torch"), torchBuildDescription()},
                  {QStringLiteral("mean_dn_s"), ms.mean}, {QStringLiteral("max_dn_s"), ms.max},
                  {QStringLiteral("mean_spread_dn_s"), ss.mean}, {QStringLiteral("note"), r->note}};
    if (p.json())
        printJson(o);
    else
        QTextStream(stdout) << "wrote " << out << " (" << r->channel << ", " << r->samples << " sample(s), "
                            << QString::number(r->seconds, 'f', 2) << " s)" << (r->note.isEmpty() ? QString() : QStringLiteral("; ") + r->note)
                            << '\n';
    return kOk;
}

// ------------------------------------------------------------------------------------------------ translate-eval

int runEval(const QStringList &args)
{
    CommandLine p(QStringLiteral("translate-eval"), QStringLiteral(
        "Score translator runs (and baselines) on an archive's sets, per channel: cc, cc_active, cc_quiet, ssim, psnr, "
        "flux_rel_err, each the mean over sets with a 95% bootstrap interval (see models/translate/TranslationMetrics.h)."));
    p.addOption({QStringLiteral("run"), QStringLiteral("A run folder (repeatable: the translator and each baseline)."),
                 QStringLiteral("RUN")});
    p.addOption({QStringLiteral("archive"), QStringLiteral("Held-out archive."), QStringLiteral("DIR")});
    p.addOption({QStringLiteral("model"), QStringLiteral("The runs' encoder file when it moved."), QStringLiteral("FILE")});
    p.addOption({QStringLiteral("samples"), QStringLiteral("Samples averaged per set (default 1)."), QStringLiteral("N"), QStringLiteral("1")});
    p.addOption({QStringLiteral("seed"), QStringLiteral("Noise seed (default 0)."), QStringLiteral("S"), QStringLiteral("0")});
    p.addOption({QStringLiteral("ddim-steps"), QStringLiteral("DDIM steps (default: each run's)."), QStringLiteral("N"), QStringLiteral("0")});
    p.addOption({QStringLiteral("max-sets"), QStringLiteral("Use at most N sets (default all)."), QStringLiteral("N"), QStringLiteral("0")});
    p.addOption({QStringLiteral("cache"), QStringLiteral("Cache the prepared sets in this folder."), QStringLiteral("DIR")});
    p.addOption({QStringLiteral("bootstrap"), QStringLiteral("Bootstrap resamples (default 1000)."), QStringLiteral("N"), QStringLiteral("1000")});
    p.addOption({QStringLiteral("threads"), QStringLiteral("Torch threads (default: all cores)."), QStringLiteral("N"), QStringLiteral("0")});
    addDeviceOption(p);
    p.addJsonOption(QStringLiteral("Progress as JSON lines, then the scores as JSON."));
    if (auto exit = p.parseOrExit(args))
        return *exit;
    if (!p.isSet(QStringLiteral("archive")))
        return p.usage(QStringLiteral("--archive is required"));
    QStringList runs = p.values(QStringLiteral("run"));
    if (runs.isEmpty())
        runs << QString();  // the default translator
    TranslatorEvalOptions o;
    o.archiveDir = p.value(QStringLiteral("archive"));
    o.encoderPath = p.value(QStringLiteral("model"));
    o.cacheDir = p.value(QStringLiteral("cache"));
    bool ok1 = false, ok2 = false, ok3 = false, ok4 = false, ok5 = false;
    o.samples = p.value(QStringLiteral("samples")).toInt(&ok1);
    o.seed = p.value(QStringLiteral("seed")).toULongLong(&ok2);
    o.ddimSteps = p.value(QStringLiteral("ddim-steps")).toInt(&ok3);
    o.maxSets = p.value(QStringLiteral("max-sets")).toInt(&ok4);
    o.bootstrap = p.value(QStringLiteral("bootstrap")).toInt(&ok5);
    if (!ok1 || !ok2 || !ok3 || !ok4 || !ok5 || o.samples < 1)
        return p.usage(QStringLiteral("--samples, --seed, --ddim-steps, --max-sets and --bootstrap need integers"));
    configureTorchThreads(p.value(QStringLiteral("threads")).toInt());
    auto device = deviceFromOptions(p);
    if (!device)
        return fail(p.command(), device.error());
    o.device = *device;
    const bool json = p.json();
    auto r = evaluateTranslators(runs, o, [&](const QJsonObject &e) {
        if (json)
            printJsonLine(e);
    });
    if (!r)
        return fail(p.command(), r.error());
    if (json) {
        printJson(*r);
        return kOk;
    }
    QTextStream out(stdout);
    for (const auto &rv : (*r)[QStringLiteral("runs")].toArray()) {
        const QJsonObject run = rv.toObject();
        out << run[QStringLiteral("kind")].toString() << "  " << run[QStringLiteral("run")].toString() << '\n';
        const QJsonObject ch = run[QStringLiteral("channels")].toObject();
        for (auto it = ch.begin(); it != ch.end(); ++it) {
            out << "  " << it.key();
            for (const char *m : {"cc", "cc_active", "cc_quiet", "ssim", "psnr", "flux_rel_err"}) {
                const QJsonObject s = it.value().toObject()[QLatin1String(m)].toObject();
                const QJsonArray ci = s[QStringLiteral("ci95")].toArray();
                out << "  " << m << ' ' << QString::number(s[QStringLiteral("mean")].toDouble(), 'f', 3) << " ["
                    << QString::number(ci.at(0).toDouble(), 'f', 3) << ", " << QString::number(ci.at(1).toDouble(), 'f', 3) << ']';
            }
            out << '\n';
        }
    }
    return kOk;
}

const Registration regTrain(QStringLiteral("translate-train"),
                            QStringLiteral("train an HMI -> AIA translator (ControlNet on the SolarCHIP HMI encoder) or a baseline"),
                            runTrain);
const Registration regTranslate(QStringLiteral("translate"),
                                QStringLiteral("translate an HMI magnetogram into a synthetic AIA map (FITS, DN/s)"), runTranslate);
const Registration regEval(QStringLiteral("translate-eval"),
                           QStringLiteral("per-channel CC/SSIM/PSNR/flux scores of translator runs on an archive"), runEval);

}  // namespace

}  // namespace solarchip::cli
