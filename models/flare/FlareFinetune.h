#pragma once
// Flare heads trained together with the encoder (issue 12): `--head finetune` starts from the pretrained
// SolarCHIP encoder and trains all of it or its last blocks at a lower learning rate than the head; `--head
// scratch` trains the same architecture from a random initialisation the same way (the baseline pretraining
// must beat). The head on top is a FlareHead architecture (linear on the channels' CLS vectors, or the attention
// pool over on-disk patch tokens), so the trained pair is: an encoder file + a FlareHead, and prediction is
// "encode with the trained encoder, score with the head" exactly as for frozen heads.
//
// Inputs are the archive's images, not stored embeddings: every set is prepared by the Dataset with the model's
// PrepSpec (the one prep path of training, `embed` and the app) and then area-averaged by an integer factor to
// `resolution` pixels (a CNN encoder is convolutional, so a 256 px model can be fine-tuned on 64 px inputs on a
// 2-core CPU; a ViT keeps its own resolution). The factor is recorded with the run and applied again at
// prediction. Class imbalance: positives weighted N-/N+ in the loss (as FlareHead). Training stops early when
// the validation loss has not improved for `patience` evaluations; the best evaluation's weights are kept.
// Torch only in the .cpp.

#include "core/archive/ObservationSet.h"
#include "core/base/Expected.h"
#include "models/data/Dataset.h"
#include "models/flare/FlareHead.h"
#include "models/flare/FlareRun.h"
#include "models/networks/TrainedModel.h"

#include <QJsonObject>

#include <functional>
#include <vector>

namespace solarchip {

/// Prepared images of n sets at the fine-tuning resolution, channel-major per set.
struct FlareImages {
    int n = 0;
    int channels = 0;
    int side = 0;
    QStringList modalities;       ///< research modality name of each channel ("hmi", "0171")
    std::vector<qint64> timesMs;  ///< [n]
    std::vector<float> data;      ///< [n, channels, side, side]
    std::vector<int> cellIndex;   ///< on-disk cells of the encoder's grid at `side` (row-major)
    int grid = 0;
    std::vector<double> diskFlux; ///< [n] as FlareFeatures::diskFlux (archives; empty for sets opened alone)

    const float *set(int i) const { return data.data() + static_cast<size_t>(i) * channels * side * side; }
};

/// The encoder's grid at input side `side` (CNN: side / 2^(levels-1); ViT: side / patch).
int flareEncoderGrid(const TrainedModel &model, int side);

/// The input side a run uses for `model` when `requested` is 0: min(64, prep resolution) for a CNN, the prep
/// resolution for a ViT. Errors when `requested` is not prep resolution / an integer, or a ViT is asked to
/// change its resolution.
Expected<int> flareFinetuneResolution(const TrainedModel &model, int requested);

/// Area-averages prepared samples (model prep resolution) to `side`; `cellsOf` gives the on-disk cells (from the
/// first set). Every complete set of the archive, in time order.
Expected<FlareImages> loadFlareImages(const TrainedModel &model, const DatasetOptions &base, int side,
                                      const std::function<void(qint64 done, qint64 total)> &progress = {});
/// The same for sets built elsewhere (files opened on their own): each prepared by Dataset::forPreparing with
/// the model's prep (the same path as the archive's sets).
Expected<FlareImages> flareImagesOfSets(const TrainedModel &model, const QVector<ObservationSet> &sets,
                                        const DatasetOptions &base, int side);

/// Unit CLS (and on-disk patch) vectors of every image through `encoder`, laid out as the embedding store's
/// (channels concatenated): what a FlareHead scores.
Expected<FlareFeatures> encodeFlareImages(const TrainedModel &encoder, const FlareImages &images, bool patches);

struct FlareFinetuneOptions {
    bool scratch = false;       ///< random initialisation (seed) instead of the pretrained weights
    FlareHeadKind head = FlareHeadKind::Linear;
    int classes = 2;
    int blocks = 0;             ///< trainable encoder blocks counted from the top (0: all)
    int epochs = 6;             ///< passes over the training rows (at least minSteps optimizer steps)
    int minSteps = 30;
    int patience = 3;           ///< evaluations without a better validation loss before stopping
    int batch = 16;
    double encoderLr = 1e-4;    ///< fine-tuning: below the head's
    double headLr = 1e-3;
    double weightDecay = 1e-4;
    int hidden = 32;
    int components = 0;         ///< the starting linear probe's principal components (FlareHeadOptions::components)
    quint64 seed = 1;
};

struct FlareFinetuneResult {
    std::unique_ptr<TrainedModel> encoder;  ///< the trained encoder (channels and prep of the base)
    FlareHead head;
    QJsonObject report;  ///< steps, best step, losses, trainable parameters, seconds
};

/// Trains encoder + head on rows `train` of `images` (`labels` per row: 0/1, or 0..3), keeps the weights of the
/// evaluation with the lowest loss on rows `val`. `progress` gets (step, steps, train loss, val loss).
/// `unlabeled`: rows whose starting-encoder features (never their labels) shape the starting probe's inputs, as
/// FlareHead::train's (the whole training block; empty: the rows `train`).
Expected<FlareFinetuneResult> finetuneFlare(const TrainedModel &base, const FlareImages &images, const std::vector<int> &labels,
                                            const std::vector<int> &train, const std::vector<int> &val,
                                            const FlareFinetuneOptions &options,
                                            const std::function<void(const FlareHead::Progress &)> &progress = {},
                                            const std::vector<int> &unlabeled = {});

/// A whole fine-tuned (or scratch) run: the rows of flareRunRows(), finetuneFlare(), the trained encoder's
/// features of every image, then calibrateFlareRun() on them. `run.encoder` records the mode, the input
/// resolution, both hashes and the training report; modelHash/modelPath are the base encoder's.
struct FlareFinetuneRun {
    FlareRun run;
    std::unique_ptr<TrainedModel> encoder;
    FlareFeatures features;  ///< every image through the trained encoder (for an evaluation right after)
};
Expected<FlareFinetuneRun> trainFinetuneFlareRun(const TrainedModel &base, const FlareImages &images, const QVector<int> &labels4,
                                                 const FlareRunSpec &spec, FlareFinetuneOptions options, quint64 seed,
                                                 const std::function<void(const FlareHead::Progress &)> &progress = {});

}  // namespace solarchip
