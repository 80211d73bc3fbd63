#pragma once
// Pretraining of a SolarCHIP model on an archive (what `solarchip pretrain` runs).
//
// Recipe: AdamW (no weight decay on biases, norms, embeddings and the temperatures), a per-step linear warmup +
// cosine decay (LrSchedule), gradient-norm clipping, gradient accumulation over micro-batches, bf16 autocast on
// CUDA, and a save-memory mode. Accumulation and save-memory are exact: they compute the gradient of the loss
// of the whole global batch (contrastive negatives span every micro-batch) by caching the projected tokens'
// gradients (the "GradCache" technique): pass 1 embeds every micro-batch without a graph and back-propagates
// the contrastive losses to the tokens only; pass 2 re-runs each micro-batch (save-memory: each modality of
// each micro-batch) with a graph and back-propagates reconstruction + <tokens, cached token gradient>. Peak
// activation memory is that of one micro-batch (of one modality), the result equals one big backward up to
// float rounding, and there is one optimizer step per global batch. (The research code's save-memory mode
// instead stepped once per modality with stale HMI tokens, which optimises a different objective.)
//
// Run folder (RUN):
//   run.json               the full configuration (resume reads it back), dataset split facts, model config
//   metrics.jsonl          one JSON object per line: {"event":"train"|"val"|"checkpoint"|"resume"|"warning"|"done", ...}
//   checkpoint.pt          everything a resume needs: model, AdamW state, step, epoch, position within the
//                          epoch, RNG states (LibTorch archive; written atomically: temporary, fsync, rename)
//   model-last.safetensors the weights at the last checkpoint (TrainedModel format: loadable by embed/eval-align)
//   model-best.safetensors the weights with the lowest validation loss so far, best.json says when
// A `kill -9` at any moment loses at most the steps since the last checkpoint; `--resume` continues from it and
// reaches bit-identical weights on the CPU (the data order and each sample's augmentation depend only on
// (seed, epoch, position), never on thread timing).
//
// Data parallelism (Distributed.h; `solarchip pretrain --nproc N`, srun): N processes, one model copy each.
// The epoch order is the single-process one for the global batch G = N x batch x accumulation; global batch k
// is the sets order[k*G .. (k+1)*G), and rank r trains on its r-th slice of it (disjoint, deterministic by
// seed and epoch). The contrastive terms see the whole global batch (tokens all-gathered, gradient to the local
// slice); gradients are all-reduced in ~25 MB buckets and divided by N, so each step is the single-process step
// of the global batch up to float rounding. `position` counts sets of the global order, so a resume (with the
// same N) continues mid-epoch exactly. An unreadable set on any rank skips that global batch on all ranks.

#include "core/base/Expected.h"
#include "models/data/Dataset.h"
#include "models/data/DatasetSpec.h"
#include "models/training/Distributed.h"
#include "models/training/LrSchedule.h"
#include "models/networks/ModelConfig.h"

#include <QJsonObject>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

namespace solarchip {

struct TrainerOptions {
    // ---- data ----
    DatasetOptions data;
    AugmentSpec augment;
    int workers = 2;     ///< loader threads
    int prefetch = 16;   ///< samples prepared ahead

    // ---- model ----
    QString preset = QStringLiteral("tiny");
    /// A backbone configuration (BackboneConfig::toJson form) used instead of the preset when not empty
    /// (`--preset FILE.json`): for experiments and for tests that need a model smaller than "tiny".
    QJsonObject customBackbone;
    std::optional<Architecture> arch;
    bool sharedAia = false;
    PairTopology topology = PairTopology::HmiStar;
    /// CNN CLS head: empty = the preset's (GAP), "attn" = the opt-in attention pool (ModelConfig.h ClsHead);
    /// clsPosition "radial" or "radial-xy" goes with it. Both end up in the model's configuration.
    QString clsHead;
    QString clsPosition = QStringLiteral("radial");
    LossWeights weights;
    QString initFrom;    ///< optional model file to start from (same configuration)

    // ---- optimisation ----
    int epochs = 1;
    long long maxSteps = 0;  ///< > 0: stop after this many optimizer steps (the schedule spans them)
    int batchSize = 8;       ///< micro-batch
    int batchWindow = 0;     ///< > global batch: each batch drawn from this many consecutive training sets
                             ///< (time-local hard negatives, epochOrderTimeLocal); 0: uniformly shuffled
    int radialNormSets = 0;  ///< > 0 (new runs): measure a radial climatology (ModelNormalize::radial) on this
                             ///< many training sets, evenly spaced, and normalise by it (saved with the model)
    long long stopAtStep = 0;  ///< > 0: pause (checkpoint, exit as cancelled) once this step is reached; the
                               ///< schedule still spans maxSteps. Per invocation, not saved in run.json.
    int accumulation = 1;    ///< micro-batches per optimizer step (global batch = batchSize * accumulation)
    double lr = 5e-4;
    double minLr = 1e-5;
    long long warmupSteps = -1;  ///< < 0: 5% of the total steps
    double weightDecay = 0.05;
    double beta1 = 0.9, beta2 = 0.98, eps = 1e-6;  ///< CLIP's AdamW settings
    double gradClip = 1.0;   ///< max global L2 norm; <= 0 disables clipping (the norm is still reported)
    bool saveMemory = false;
    QString device = QStringLiteral("auto");  ///< "auto", "cpu", "cuda", "cuda:N"
    bool bf16 = true;        ///< bf16 autocast when running on CUDA (ignored on the CPU)
    int threads = 0;         ///< torch intra-op threads; 0: hardware concurrency
    quint64 seed = 0;

    // ---- run folder ----
    QString runDir;
    long long checkpointEvery = 100;  ///< steps; the run also checkpoints at its end and when cancelled
    long long validateEvery = 0;      ///< steps; 0: at the end of every epoch
    int validationMaxSets = 256;      ///< at most this many validation sets per evaluation (0: all)
    /// Validation sets are batched in a fixed random order (seeded by `seed`), as training batches are: batches
    /// of time-sorted neighbours would ask the CLS a harder question than training does.
    bool keepGoingOnBadSamples = true;  ///< skip unreadable sets with a warning instead of stopping

    QJsonObject toJson() const;
    static Expected<TrainerOptions> fromJson(const QJsonObject &json);
};

struct TrainSummary {
    long long steps = 0;
    int epochs = 0;
    long long samples = 0;
    double lastLoss = 0;
    double bestValLoss = 0;
    long long bestStep = -1;
    double seconds = 0;      ///< wall time of this invocation
    bool resumed = false;
    bool cancelled = false;
    QString modelLast, modelBest;
};

class Trainer {
public:
    /// Prepares a run: opens the dataset, builds (or loads) the model and optimizer, and with `resume` restores
    /// the last checkpoint of options.runDir (its run.json then overrides `options`, except epochs/maxSteps
    /// given in `overrides`). Without `resume`, a run folder that already holds a checkpoint is refused.
    /// `distributed` (active when its world size is > 1): this process is one rank of a data-parallel job; it
    /// joins the process group here (blocking until every rank has), trains on its slice of each global batch
    /// of world x batch x accumulation sets, and only rank 0 writes the run folder.
    static Expected<Trainer> create(TrainerOptions options, bool resume = false,
                                    const QJsonObject &overrides = {}, const DistributedEnv &distributed = {});

    Trainer(Trainer &&) noexcept;
    Trainer &operator=(Trainer &&) noexcept;
    ~Trainer();

    const TrainerOptions &options() const;
    QJsonObject describe() const;  ///< device, threads, parameter count, dataset sizes, steps per epoch...

    /// Trains to the end (or until `cancelled()` returns true, checked between steps). Every metrics line
    /// also goes to `onMetrics` (the CLI prints them on stdout). A failure inside a step (e.g. torch refusing an
    /// allocation) comes back as an Error naming the run folder, the step and the model; the checkpoint on
    /// disk is then the last one written, and this Trainer should not be run again.
    Expected<TrainSummary> run(const std::function<void(const QJsonObject &)> &onMetrics = {},
                               const std::function<bool()> &cancelled = {});

    class Impl;

private:
    explicit Trainer(std::unique_ptr<Impl> impl);
    Expected<TrainSummary> runUnguarded(const std::function<void(const QJsonObject &)> &onMetrics,
                                        const std::function<bool()> &cancelled);
    std::unique_ptr<Impl> d;
};

}  // namespace solarchip
