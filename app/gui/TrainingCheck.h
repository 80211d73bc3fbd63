#pragma once
// The training panel's form as data (TrainingRequest), the `solarchip pretrain` command line it makes, and the
// check made before launch (off the UI thread: it opens the catalog and may build a model):
//  - the channels are SDO channels the model knows, HMI first;
//  - the archive's catalog has complete co-temporal sets of exactly these channels in the date range (the same
//    rule as pretrain: Catalog::completeSets with the tolerance), enough for one batch after the validation
//    split;
//  - the run folder does not already hold a run (a checkpoint: resume that job instead);
//  - a memory estimate for the preset, channels and batch: model state (weights, gradients, AdamW moments:
//    16 bytes per parameter; parameters counted by building a CNN backbone, or from the ViT's closed form)
//    plus activations kept for the backward pass (a rough per-layer count; about +-2x; bf16 on CUDA about
//    halves it) and the loader's prefetched samples, compared with the memory available on the CPU (Linux
//    MemAvailable). GPU memory is not queried here: the estimate is shown for the user to compare.

#include <QDateTime>
#include <QString>
#include <QStringList>

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

struct TrainingCheckResult {
    bool ok = false;
    QStringList problems;     ///< each a sentence naming what is wrong (empty when ok)
    QStringList notes;        ///< what was found (sets, memory estimate)
    int completeSets = -1;    ///< -1: not counted
    qint64 parameters = 0;    ///< per backbone
    double estimateBytes = 0;
    double availableBytes = 0;  ///< CPU MemAvailable (0: unknown)

    QString text() const;
};

/// Runs the checks (blocking: call off the UI thread).
TrainingCheckResult checkTrainingRequest(const TrainingRequest &request);

/// The memory estimate alone (bytes) for `preset` with `modalities` backbones and a micro-batch of `batch`;
/// parameters per backbone in *parameters. Negative: unknown preset.
double estimateTrainingMemory(const QString &preset, int modalities, int batch, qint64 *parameters = nullptr);

}  // namespace solarchip
