#pragma once
// The training panel's form as data (TrainingRequest), the `solarchip pretrain` command line it makes, and the
// check made before launch (off the UI thread: it opens the catalog and may build a model):
//  - the channels are SDO channels the model knows, HMI first;
//  - the archive's catalog has complete co-temporal sets of exactly these channels in the date range (the same
//    rule as pretrain: Catalog::completeSets with the tolerance), enough for one batch after the validation
//    split;
//  - the run folder does not already hold a run (a checkpoint: resume that job instead);
//  - a memory estimate for the preset, channels and batch on the chosen device (MemoryEstimate): model state
//    (fp32 weights 4 B, gradients 4 B, AdamW's two moments 8 B per parameter; parameters counted by building a
//    CNN backbone, or from the ViT's closed form) plus activations kept for the backward pass (a rough
//    per-layer count; about +-2x) and the input. On the CPU the input is the loader's prefetched samples and
//    the sum is compared with Linux MemAvailable. On a CUDA device (device cuda, cuda:N, or auto when a GPU
//    is visible) pretrain runs under bf16 autocast (activations in half the bytes), the micro-batch sits on
//    the device and the CUDA context with its library workspaces takes about 0.5 GiB more; the sum is
//    compared with the device's free memory (models/networks/DeviceMemory.h). A build without CUDA says
//    "no CUDA in this build" for a cuda device (the job would fail at start), and still shows what the GPU
//    would need.

#include <QDateTime>
#include <QString>
#include <QStringList>

#include <optional>

namespace solarchip {

struct TrainingRequest {
    QString archiveDir;
    QDateTime from, to;       ///< invalid: open-ended
    QStringList channels{QStringLiteral("hmi"), QStringLiteral("171")};
    QString preset = QStringLiteral("tiny");
    QString initModel;        ///< fine-tune: start from this model's weights (--init)
    int epochs = 1;
    long long maxSteps = 0;
    int batch = 8;
    double lr = 5e-4;
    bool augment = true;
    double maxRotationDeg = 10;
    double wRec = 1, wCls = 1, wPat = 1, wInt = 1;
    QString device = QStringLiteral("auto");
    quint64 seed = 0;
    int threads = 1;          ///< torch threads (1: the measured-fastest on a loaded 2-core machine)
    long long checkpointEvery = 100;
    QString runDir;

    /// `pretrain --archive ... --out RUN ...` (the arguments after the program).
    QStringList arguments() const;
};

/// The channels the form proposes for an archive: hmi, then the AIA channels of `modelChannels` (the current
/// model's: a run made on them can be compared with it and stand in for it) that the archive holds, in that
/// order; when it holds none of them, hmi and the archive's AIA channels the model knows, shortest wavelength
/// first, at most three (a first pretraining on two cores). Empty when the archive has no HMI magnetogram or no
/// AIA channel (the form keeps what it had).
QStringList suggestTrainingChannels(const QStringList &archiveChannels, const QStringList &modelChannels);

/// The memory a training run needs, by part (bytes).
struct MemoryEstimate {
    qint64 parametersPerBackbone = 0;
    int modalities = 0;
    int batch = 0;
    bool cuda = false;
    double weightBytes = 0;      ///< fp32: 4 B per parameter of every backbone
    double gradientBytes = 0;    ///< fp32: 4 B per parameter
    double optimizerBytes = 0;   ///< AdamW's two moments: 8 B per parameter
    double activationBytes = 0;  ///< kept for the backward pass of one micro-batch (bf16 on CUDA: half)
    double inputBytes = 0;       ///< CPU: the loader's 16 prefetched samples; CUDA: the micro-batch (fp32)
    double overheadBytes = 0;    ///< CUDA: the context and library workspaces (0.5 GiB); CPU: 0

    double total() const;
    /// "weights 1.2 MiB, gradients 1.2 MiB, AdamW 2.4 MiB, activations 40 MiB, input 3 MiB".
    QString parts() const;
};

/// The estimate for `preset` with `modalities` backbones and a micro-batch of `batch` on the CPU or a CUDA
/// device; nullopt for an unknown preset.
std::optional<MemoryEstimate> estimateMemory(const QString &preset, int modalities, int batch, bool cuda);

struct TrainingCheckResult {
    bool ok = false;
    QStringList problems;     ///< each a sentence naming what is wrong (empty when ok)
    QStringList notes;        ///< what was found (sets, memory estimate)
    int completeSets = -1;    ///< -1: not counted
    qint64 parameters = 0;    ///< per backbone
    double estimateBytes = 0;
    double availableBytes = 0;  ///< CPU MemAvailable (0: unknown)
    bool onGpu = false;         ///< the estimate is for a CUDA device
    double gpuEstimateBytes = 0;
    double gpuFreeBytes = 0;    ///< the device's free memory (0: not known: no CUDA in this build, no GPU)
    QString gpuMessage;         ///< the device's name and memory, or why it could not be asked

    QString text() const;
};

/// Runs the checks (blocking: call off the UI thread).
TrainingCheckResult checkTrainingRequest(const TrainingRequest &request);

/// The CPU estimate's total (bytes) for `preset` with `modalities` backbones and a micro-batch of `batch`;
/// parameters per backbone in *parameters. Negative: unknown preset.
double estimateTrainingMemory(const QString &preset, int modalities, int batch, qint64 *parameters = nullptr);

}  // namespace solarchip
