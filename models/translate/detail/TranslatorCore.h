#pragma once
// What translate(), translate-train and translate-eval share, torch side: a run's networks and numbers
// (translator.json + weights.safetensors), the HMI encoder it reads tokens from, the target normalisation
// (log1p of DN/s, per-channel z-score), the down-sampling from the encoder's resolution to the translator's side,
// and generation (DDIM for the diffusion kinds, one forward for the U-Net).
#include "core/base/Expected.h"
#include "models/networks/TrainedModel.h"
#include "models/networks/detail/TorchDevice.h"
#include "models/networks/detail/TensorIo.h"
#include "models/translate/detail/TranslatorNets.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <mutex>

namespace solarchip::detail {

inline const char *kTranslatorJson = "translator.json";
inline const char *kTranslatorWeights = "weights.safetensors";

/// Area average of [.., R, R] by R / side (R a multiple of side).
torch::Tensor areaDown(const torch::Tensor &x, int side);

struct TranslatorCore {
    QString dir;
    QJsonObject info;
    QString kind;              ///< translator | random-encoder | unet
    QStringList channels;      ///< AIA catalog keys
    int side = 64;             ///< translator image side
    int resolution = 256;      ///< encoder (prep) resolution
    int ddimSteps = 20;
    double ddimMinAlphaBar = kDdimMinAlphaBar;  ///< where DDIM starts (translator.json "ddim_min_alpha_bar")
    /// "latent": the latent diffusion generates the normalised AIA images themselves; "residual" (CorrDiff's
    /// split): a regression mean mu(HMI) (`unet`, trained first) plus a latent diffusion of the residual y - mu,
    /// the autoencoder, base denoiser and ControlNet branch all working on residuals (TranslatorTraining.h).
    QString design = QStringLiteral("latent");
    /// The latent autoencoder's width (translator.json "latent_channels"; runs without it: kLatentChannels).
    int latentChannels = kLatentChannels;
    /// The control branch also reads the HMI pixels (translator.json "control_hint": "tokens+pixels"; runs
    /// without it: "tokens", the encoder's patch tokens only). See ControlBranchImpl.
    bool pixelHint = false;
    /// The autoencoder's decoder also reads the HMI pixels (translator.json "decoder_hint": "hmi_pixels"; runs
    /// without it: "none"). See LatentAutoencoderImpl.
    bool hmiDecoder = false;
    double fovRsun = 0;        ///< the training reference frames' field of view in solar radii
    std::vector<double> normMean, normStd;  ///< per channel, of log1p(max(DN/s, 0))
    std::vector<float> latentScale;         ///< per latent channel (latents are divided by it)
    PrepSpec prep;             ///< the encoder's
    std::shared_ptr<TrainedModel> encoder;  ///< the HMI encoder used for tokens (random for random-encoder)
    QString encoderHash;       ///< the pretrained encoder's hash the run was made with
    QString weightsHash;       ///< SHA-256 of weights.safetensors

    // mutable: forward() is not const in LibTorch; generate() (const) runs them under `mutex`.
    mutable LatentAutoencoder ae{nullptr};
    mutable DenoiserUNet base{nullptr};
    mutable ControlBranch control{nullptr};
    mutable RegressionUNet unet{nullptr};
    torch::Tensor alphaBar;
    /// Where the networks and the encoder run (to()). Every tensor a caller gets back is on the CPU, whatever the
    /// device; the DDIM noise is always drawn on the CPU from the seed and then moved, so a seed gives the same
    /// noise on every device (the outputs then differ by floating-point rounding only).
    torch::Device device{torch::kCPU};
    mutable std::mutex mutex;

    bool diffusion() const { return kind != QLatin1String("unet"); }
    bool residual() const { return diffusion() && design == QLatin1String("residual"); }

    /// The regression mean of the residual design (normalised AIA [B, C, S, S] from normalised HMI [B, 1, R, R]),
    /// in chunks, no gradient; zeros for the latent design.
    torch::Tensor regressionMean(const torch::Tensor &hmiNorm) const;
    /// The autoencoder's round trip of normalised AIA y (the ceiling of any latent translator): mu + D(E(y - mu)).
    torch::Tensor autoencode(const torch::Tensor &y, const torch::Tensor &hmiNorm) const;

    /// Builds fresh networks for `kind` (weights drawn from `seed`, on the CPU); `tokenDim` is the encoder's Dc.
    void createNets(int tokenDim, quint64 seed);
    /// Moves the networks that exist, the schedule and the encoder to `d` (again after createNets()). CUDA asked of
    /// a build or machine without it fails, naming the run folder and the device.
    Status to(const DeviceChoice &d);
    TensorMap state() const;                          ///< "ae.*", "base.*", "control.*", "unet.*"
    Status loadState(const TensorMap &state, const QString &file);

    /// The encoder for a kind: the pretrained model itself, or a random one of its architecture.
    static Expected<std::shared_ptr<TrainedModel>> encoderFor(const QString &kind, TrainedModel pretrained, quint64 seed);

    /// HMI encoder tokens [B, D, g, g] of normalised HMI images [B, 1, R, R] (unit vectors), on `device`.
    Expected<torch::Tensor> tokens(const torch::Tensor &hmiNorm) const;

    /// Normalised AIA [B, C, S, S] from normalised HMI [B, 1, R, R]: `samples` draws (seeds seed..seed+n-1) ->
    /// [n, B, C, S, S]. `progress(done, total)` counts sampling steps; false cancels (undefined tensor).
    Expected<torch::Tensor> generate(const torch::Tensor &hmiNorm, int samples, quint64 seed, int steps,
                                     const std::function<bool(int, int)> &progress = {}) const;

    /// log1p(max(DN/s, 0)) z-scored per channel, and back.
    torch::Tensor normalizeTarget(const torch::Tensor &dns) const;  ///< [.., C, S, S]
    torch::Tensor denormalizeTarget(const torch::Tensor &y) const;

    QJsonObject baseInfo() const;  ///< the fields every translator.json has (filled from the members)
    Status saveInfo(const QJsonObject &extra) const;
    Status saveWeights(const QMap<QString, QString> &metadata = {}, bool half = false);

    /// Reads translator.json + weights.safetensors and the encoder (recorded path, `encoderPath`, or the
    /// default when its hash matches), and moves them to `device`. Errors name the folder.
    static Expected<std::unique_ptr<TranslatorCore>> load(const QString &dir, const QString &encoderPath,
                                                          const DeviceChoice &device = {});
};

}  // namespace solarchip::detail
