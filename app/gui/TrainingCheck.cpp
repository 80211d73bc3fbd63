#include "app/gui/TrainingCheck.h"

#include "core/archive/Catalog.h"
#include "core/map/SdoTime.h"
#include "models/networks/Device.h"
#include "models/networks/DeviceMemory.h"
#include "models/networks/ModelConfig.h"
#include "models/networks/SolarChipModel.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <algorithm>

namespace solarchip {

namespace {

QString mib(double bytes)
{
    if (bytes >= 1024.0 * 1024 * 1024)
        return QStringLiteral("%1 GiB").arg(bytes / (1024.0 * 1024 * 1024), 0, 'f', 1);
    return QStringLiteral("%1 MiB").arg(bytes / (1024.0 * 1024), 0, 'f', 0);
}

double memAvailableBytes()
{
    QFile f(QStringLiteral("/proc/meminfo"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("MemAvailable:"))
            return line.mid(13).trimmed().split(' ').value(0).toDouble() * 1024.0;
    return 0;
}

}  // namespace

QStringList TrainingRequest::arguments() const
{
    QStringList a{QStringLiteral("pretrain"), QStringLiteral("--archive"), archiveDir, QStringLiteral("--channels"),
                  channels.join(QLatin1Char(','))};
    if (from.isValid())
        a << QStringLiteral("--from") << SdoTime::toIso(from);
    if (to.isValid())
        a << QStringLiteral("--to") << SdoTime::toIso(to);
    a << QStringLiteral("--preset") << preset;
    if (!initModel.isEmpty())
        a << QStringLiteral("--init") << initModel;
    a << QStringLiteral("--epochs") << QString::number(epochs);
    if (maxSteps > 0)
        a << QStringLiteral("--max-steps") << QString::number(maxSteps);
    a << QStringLiteral("--batch") << QString::number(batch) << QStringLiteral("--lr") << QString::number(lr, 'g', 6);
    if (!augment)
        a << QStringLiteral("--no-augment");
    else
        a << QStringLiteral("--max-rotation") << QString::number(maxRotationDeg, 'g', 6);
    a << QStringLiteral("--w-rec") << QString::number(wRec, 'g', 6) << QStringLiteral("--w-cls")
      << QString::number(wCls, 'g', 6) << QStringLiteral("--w-pat") << QString::number(wPat, 'g', 6)
      << QStringLiteral("--w-int") << QString::number(wInt, 'g', 6);
    a << QStringLiteral("--device") << device << QStringLiteral("--seed") << QString::number(seed);
    if (threads > 0)
        a << QStringLiteral("--threads") << QString::number(threads);
    a << QStringLiteral("--checkpoint-every") << QString::number(checkpointEvery);
    a << QStringLiteral("--out") << runDir;
    return a;
}

QString TrainingCheckResult::text() const
{
    QStringList lines;
    for (const QString &p : problems)
        lines << QStringLiteral("✗ ") + p;
    for (const QString &n : notes)
        lines << QStringLiteral("✓ ") + n;
    return lines.join(QLatin1Char('\n'));
}

double MemoryEstimate::total() const
{
    return weightBytes + gradientBytes + optimizerBytes + activationBytes + inputBytes + overheadBytes;
}

QString MemoryEstimate::parts() const
{
    QStringList p{QStringLiteral("weights %1").arg(mib(weightBytes)), QStringLiteral("gradients %1").arg(mib(gradientBytes)),
                  QStringLiteral("AdamW moments %1").arg(mib(optimizerBytes)),
                  QStringLiteral("activations %1%2").arg(mib(activationBytes), cuda ? QStringLiteral(" (bf16)") : QString()),
                  QStringLiteral("%1 %2").arg(cuda ? QStringLiteral("batch") : QStringLiteral("prefetched samples"), mib(inputBytes))};
    if (overheadBytes > 0)
        p << QStringLiteral("CUDA context %1").arg(mib(overheadBytes));
    return p.join(QStringLiteral(", "));
}

QStringList suggestTrainingChannels(const QStringList &archiveChannels, const QStringList &modelChannels)
{
    // AIA channels the model knows ("aia" is a research-code alias, not a channel of an archive).
    const auto known = [](const QString &c) { return c.toDouble() > 0 && !modalityName(c).isEmpty(); };
    if (!archiveChannels.contains(QStringLiteral("hmi")))
        return {};
    QStringList out{QStringLiteral("hmi")};
    for (const QString &c : modelChannels)
        if (known(c) && archiveChannels.contains(c) && !out.contains(c))
            out << c;
    if (out.size() > 1)
        return out;
    QStringList aia;
    for (const QString &c : archiveChannels)
        if (known(c))
            aia << c;
    std::sort(aia.begin(), aia.end(), [](const QString &a, const QString &b) { return a.toDouble() < b.toDouble(); });
    if (aia.isEmpty())
        return {};
    return out + aia.mid(0, 3);
}

std::optional<MemoryEstimate> estimateMemory(const QString &preset, int modalities, int batch, bool cuda)
{
    auto cfg = presetConfig(preset);
    if (!cfg)
        return std::nullopt;
    const BackboneConfig &b = *cfg;
    const double r = b.resolution;
    double params = 0, actFloats = 0;
    if (b.arch == Architecture::Vit) {
        const double w = b.vit.width, L = b.vit.layers, p = b.vit.patchSize, heads = b.vit.heads;
        const double T = b.tokenCount();
        // Encoder and decoder: L blocks each (attention 4w^2, MLP 8w^2, biases and norms 13w), the patch
        // embedding and its inverse, positional embeddings, the contrastive projection.
        params = 2 * L * (12 * w * w + 13 * w) + 2 * p * p * w + 2 * T * w + w * b.contrastiveDim;
        // Kept for backward per block: ~17 floats per token and width, ~2.5 per attention-score entry.
        actFloats = 2 * L * (17 * T * w + 2.5 * heads * T * T) + 8 * r * r;
    } else {
        auto model = SolarChipModel::create(*SolarChipModel::configFor(preset, {QStringLiteral("hmi"), QStringLiteral("171")}));
        if (model)
            params = double(model->parameterCount()) / 2;
        // Each level of encoder and decoder keeps ~8 feature maps per residual block.
        for (std::size_t l = 0; l < b.cnn.chMult.size(); ++l) {
            const double side = r / double(1 << l);
            actFloats += 2 * (b.cnn.numResBlocks + 1) * 8 * side * side * b.cnn.ch * b.cnn.chMult[l];
        }
        actFloats += 8 * r * r;
    }
    MemoryEstimate e;
    e.parametersPerBackbone = static_cast<qint64>(params);
    e.modalities = modalities;
    e.batch = batch;
    e.cuda = cuda;
    const double all = params * modalities;
    e.weightBytes = 4.0 * all;
    e.gradientBytes = 4.0 * all;
    e.optimizerBytes = 8.0 * all;
    e.activationBytes = (cuda ? 2.0 : 4.0) * actFloats * modalities * batch;
    // The CPU loader keeps 16 samples ready; on a GPU the micro-batch is what sits on the device.
    e.inputBytes = 4.0 * (cuda ? batch : 16) * modalities * r * r;
    e.overheadBytes = cuda ? 512.0 * 1024 * 1024 : 0;
    return e;
}

double estimateTrainingMemory(const QString &preset, int modalities, int batch, qint64 *parameters)
{
    const auto e = estimateMemory(preset, modalities, batch, false);
    if (!e)
        return -1;
    if (parameters)
        *parameters = e->parametersPerBackbone;
    return e->total();
}

TrainingCheckResult checkTrainingRequest(const TrainingRequest &req)
{
    TrainingCheckResult out;
    if (req.channels.isEmpty() || req.channels.first().toLower() != QLatin1String("hmi"))
        out.problems << QStringLiteral("the channels must start with hmi (the contrastive pairs are HMI-centred)");
    if (req.channels.size() < 2)
        out.problems << QStringLiteral("at least one AIA channel is needed beside hmi");
    for (const QString &c : req.channels)
        if (modalityName(c).isEmpty())
            out.problems << QStringLiteral("'%1' is not an SDO channel the model knows").arg(c);
    if (req.batch < 2)
        out.problems << QStringLiteral("the batch needs at least 2 sets (the contrastive terms compare them)");
    if (req.runDir.isEmpty())
        out.problems << QStringLiteral("no run folder given");
    else if (QFileInfo::exists(QDir(req.runDir).filePath(QStringLiteral("checkpoint.pt"))))
        out.problems << QStringLiteral("%1 already holds a run (checkpoint.pt): pick a new folder, or resume that run's job")
                            .arg(QDir::toNativeSeparators(req.runDir));
    if (!req.initModel.isEmpty() && !QFileInfo(req.initModel).isReadable())
        out.problems << QStringLiteral("%1: the model to fine-tune cannot be read").arg(req.initModel);

    if (req.archiveDir.isEmpty() || !QFileInfo(req.archiveDir).isDir()) {
        out.problems << QStringLiteral("%1: not an archive folder").arg(req.archiveDir.isEmpty() ? QStringLiteral("(none)") : req.archiveDir);
    } else if (out.problems.isEmpty()) {
        auto catalog = Catalog::open(req.archiveDir, {}, Catalog::OpenMode::ReadOnly);
        if (!catalog) {
            out.problems << QStringLiteral("%1 (open the archive in the app or run `solarchip index ARCHIVE` first)").arg(catalog.errorString());
        } else {
            CoTemporalOptions co;
            co.toleranceMs = 120'000;  // pretrain's default --tolerance-s
            const QDateTime from = req.from.isValid() ? req.from : QDateTime::fromMSecsSinceEpoch(0, Qt::UTC);
            const QDateTime to = req.to.isValid() ? req.to : QDateTime::fromMSecsSinceEpoch(4102444800000LL, Qt::UTC);
            auto sets = catalog->completeSets(from, to, req.channels, co);
            if (!sets) {
                out.problems << sets.errorString();
            } else {
                out.completeSets = sets->size();
                const int train = static_cast<int>(sets->size() * 0.9);
                if (sets->isEmpty())
                    out.problems << QStringLiteral("the archive has no complete set of %1 in this date range")
                                        .arg(req.channels.join(QLatin1Char(',')));
                else if (train < req.batch)
                    out.problems << QStringLiteral("only %1 complete sets of %2 in this range: about %3 for training, fewer than one batch of %4")
                                        .arg(sets->size())
                                        .arg(req.channels.join(QLatin1Char(',')))
                                        .arg(train)
                                        .arg(req.batch);
                else
                    out.notes << QStringLiteral("%1 complete sets of %2 (about %3 for training, %4 steps per epoch)")
                                     .arg(sets->size())
                                     .arg(req.channels.join(QLatin1Char(',')))
                                     .arg(train)
                                     .arg(train / req.batch);
            }
        }
    }
    // The device the run would train on: cuda, cuda:N, or auto when a GPU is visible.
    const QString device = req.device.trimmed().toLower();
    int gpuIndex = -1;
    if (device.startsWith(QLatin1String("cuda")))
        gpuIndex = device.section(QLatin1Char(':'), 1, 1).isEmpty() ? 0 : device.section(QLatin1Char(':'), 1, 1).toInt();
    else if ((device.isEmpty() || device == QLatin1String("auto")) && cudaAvailable())
        gpuIndex = 0;
    const auto cpu = estimateMemory(req.preset, static_cast<int>(req.channels.size()), req.batch, false);
    if (!cpu) {
        out.problems << QStringLiteral("unknown preset '%1'").arg(req.preset);
    } else if (gpuIndex < 0) {
        out.parameters = cpu->parametersPerBackbone;
        out.estimateBytes = cpu->total();
        out.availableBytes = memAvailableBytes();
        const QString est = QStringLiteral("memory estimate for %1 with %2 channels, batch %3 on the CPU: about %4 (%5; "
                                           "%6 M parameters per channel)")
                                .arg(req.preset)
                                .arg(req.channels.size())
                                .arg(req.batch)
                                .arg(mib(cpu->total()), cpu->parts())
                                .arg(cpu->parametersPerBackbone / 1e6, 0, 'f', 2);
        if (out.availableBytes > 0 && cpu->total() > out.availableBytes)
            out.problems << est + QStringLiteral(", more than the %1 available: a smaller batch or preset").arg(mib(out.availableBytes));
        else
            out.notes << est + QStringLiteral(" of %1 available").arg(mib(out.availableBytes));
        if (device.isEmpty() || device == QLatin1String("auto"))
            out.notes << QStringLiteral("device auto: the CPU (%1)")
                             .arg(cudaInBuild() ? QStringLiteral("no GPU visible") : QStringLiteral("no CUDA in this build"));
    } else {
        const auto gpu = estimateMemory(req.preset, static_cast<int>(req.channels.size()), req.batch, true);
        out.onGpu = true;
        out.parameters = gpu->parametersPerBackbone;
        out.estimateBytes = gpu->total();
        out.gpuEstimateBytes = gpu->total();
        const QString est = QStringLiteral("GPU memory estimate for %1 with %2 channels, batch %3 on cuda:%4: about %5 (%6; "
                                           "%7 M parameters per channel)")
                                .arg(req.preset)
                                .arg(req.channels.size())
                                .arg(req.batch)
                                .arg(gpuIndex)
                                .arg(mib(gpu->total()), gpu->parts())
                                .arg(gpu->parametersPerBackbone / 1e6, 0, 'f', 2);
        QString why;
        if (const auto mem = gpuMemory(gpuIndex, &why)) {
            out.gpuFreeBytes = double(mem->freeBytes);
            out.gpuMessage = QStringLiteral("%1: %2 free of %3").arg(mem->name, mib(double(mem->freeBytes)), mib(double(mem->totalBytes)));
            if (gpu->total() > out.gpuFreeBytes)
                out.problems << est + QStringLiteral(", more than the %1 free on %2: a smaller batch or preset")
                                          .arg(mib(out.gpuFreeBytes), mem->name);
            else
                out.notes << est + QStringLiteral(" of %1 free on %2 (%3 in all)")
                                       .arg(mib(out.gpuFreeBytes), mem->name, mib(double(mem->totalBytes)));
        } else {
            // pretrain refuses a CUDA device it cannot use: the job would fail at start.
            out.gpuMessage = why;
            out.problems << est + QStringLiteral(". But %1: the job cannot run on '%2'; choose cpu").arg(why, req.device);
        }
    }
    out.ok = out.problems.isEmpty();
    return out;
}

}  // namespace solarchip
