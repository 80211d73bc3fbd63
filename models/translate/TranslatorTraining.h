#pragma once
// Training and evaluating HMI -> AIA translators (issue 14); the networks are described in Translator.h.
//
// translate-train stages, each checkpointed every `saveEvery` steps into the run folder (weights.safetensors, then
// translator.json with the stage and step reached), so a killed run resumes where its last checkpoint was
// (Adam's moments restart from zero on resume; the data order is a function of the seed and the step):
//   translator / random-encoder:  ae (autoencoder, L1) -> base (unconditional denoiser) -> control (ControlNet,
//                                  base frozen);  `initFrom` copies ae + base of another run and starts at control
//                                  (the fair random-encoder comparison: the same base, only the encoder differs);
//   unet:                          unet (regression, L1).
// Data: the archive's complete sets of hmi + the AIA channels, prepared as the encoder was trained (PrepSpec:
// HMI co-registered onto the AIA reference frame), the AIA channels in DN/s (exposure-normalised), the latest 10%
// of the times held out for the validation losses.
//
// translate-eval: per channel, on every complete set of an archive (held-out times), Pearson CC over on-disk
// pixels (DN/s), CC over active-region pixels (|B| > 50 G at the translator's side) and over the quiet rest of
// the disk, SSIM (Gaussian window sigma 1.5, on log1p(DN/s) of the whole frame with the true image's range),
// PSNR (log1p(DN/s), on-disk, same range) and the relative error of the on-disk total flux; the mean over
// images with 95% bootstrap intervals over images. (models/translate/TranslationMetrics.h has the formulas.)
#include "core/base/Expected.h"
#include "models/networks/Device.h"
#include "models/networks/TrainedModel.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <functional>

namespace solarchip {

struct TranslatorTrainOptions {
    QString archiveDir;
    QString outDir;
    QString kind = QStringLiteral("translator");  ///< translator | unet | random-encoder
    QStringList channels;                          ///< AIA catalog keys; empty: the encoder's AIA channels
    int side = 64;
    /// latent | residual (translator and random-encoder kinds; see TranslatorCore::design)
    QString design = QStringLiteral("latent");
    /// The latent autoencoder's channels (diffusion kinds; TranslatorCore::latentChannels).
    int latentChannels = 4;
    /// The control branch also reads the HMI pixels beside the encoder's tokens (TranslatorCore::pixelHint).
    bool pixelHint = false;
    /// The autoencoder's decoder also reads the HMI pixels (TranslatorCore::hmiDecoder).
    bool hmiDecoder = false;
    int meanSteps = 1500, aeSteps = 400, baseSteps = 1500, controlSteps = 1500, unetSteps = 1500;
    int batch = 16;
    double lr = 2e-3;
    int ddimSteps = 20;
    quint64 seed = 13;
    quint64 encoderSeed = 1234;  ///< random-encoder: the encoder's initialisation seed
    QString initFrom;            ///< another run whose ae + base are reused (diffusion kinds)
    int saveEvery = 100;
    int logEvery = 25;
    qint64 minSpacingMs = 0;
    QString cacheDir;            ///< prepared sets are cached here (empty: none); see loadData in the .cpp
    /// Where the networks, the encoder and the training tensors live (CUDA when this LibTorch has it and a GPU is
    /// visible). Batches, diffusion times and noise are drawn on the CPU from the seed and step and then moved, so
    /// a run draws the same batches and noise on every device and resumes on another one.
    DeviceChoice device = defaultDevice();
};

/// Trains (or resumes) a run. `event` receives one JSON object per progress line (also appended to
/// RUN/metrics.jsonl); returning false stops after writing a checkpoint. The summary is the final translator.json.
Expected<QJsonObject> trainTranslator(const TrainedModel &encoder, const TranslatorTrainOptions &options,
                                      const std::function<bool(const QJsonObject &)> &event = {});

/// Writes a finished run's shipped form into `outDir`: translator.json (the run's, with the encoder recorded by
/// hash only, so the default model of the same hash is found wherever it is installed) and weights.safetensors in
/// float16 (the networks load them back as float32). Refuses an unfinished run. Returns the written description.
Expected<QJsonObject> writeHalfTranslator(const QString &runDir, const QString &outDir, const QString &encoderPath = {});

struct TranslatorEvalOptions {
    QString archiveDir;
    int samples = 1;
    quint64 seed = 0;
    int ddimSteps = 0;
    int bootstrap = 1000;
    int maxSets = 0;        ///< 0: all
    QString encoderPath;    ///< override of the runs' recorded encoder
    QString cacheDir;       ///< prepared sets are cached here (empty: none)
    DeviceChoice device = defaultDevice();  ///< where the runs generate (the prepared sets stay on the CPU)
};

/// Evaluates each run on the archive's complete sets: {"archive", "sets", "runs": [{"run", "kind", "channels":
/// {"171": {"cc": {"mean", "ci95": [lo, hi]}, "cc_active", ...}}}]}.
Expected<QJsonObject> evaluateTranslators(const QStringList &runDirs, const TranslatorEvalOptions &options,
                                          const std::function<void(const QJsonObject &)> &event = {});

}  // namespace solarchip
