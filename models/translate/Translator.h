#pragma once
// HMI -> AIA translation (issue 14): what would the corona look like above this magnetogram? No torch here.
//
// A translator run folder (written by `solarchip translate-train`, models/translate/TranslatorTraining.h) holds
//   translator.json   what the run is: kind (translator | unet | random-encoder), the encoder it needs (hash,
//                     path, channels, PrepSpec), the AIA channels it outputs, sizes, the target normalisation,
//                     the frame ratio, provenance and the metrics of each stage;
//   weights.safetensors  every network of the run (autoencoder, base denoiser, control branch, or the U-Net).
// Networks (models/translate/detail/TranslatorNets.h):
//   - a small AIA autoencoder (side px -> side/4 latent, 4 latent channels) trained on the AIA images with L1:
//     the SolarCHIP model's own AIA decoders are untrained (reconstruction weight 0) and are never used;
//   - a base denoiser (small U-Net, epsilon prediction, cosine beta schedule) over the joint latent of ALL the
//     run's AIA channels (multi-channel output: one sampling pass gives every channel at once, so a preview
//     costs the same for 1 or 3 channels, and the channels of one sample are consistent with each other);
//     trained first, unconditionally, then frozen;
//   - a ControlNet branch: a trainable copy of the base denoiser's encoder half whose input is the noisy latent
//     plus a hint made from the SolarCHIP HMI encoder's patch tokens (resampled onto the latent grid) through a
//     zero-initialised convolution, and whose features enter the frozen denoiser's skips and middle through
//     zero-initialised 1x1 convolutions: at step 0 the translator IS the base model;
//   - the direct baseline (kind unet): a regression U-Net from the prepared HMI image to the AIA images, L1.
// Sampling is DDIM (eta 0) from noise drawn with a fixed seed: the same request gives the same map; N samples
// (seeds seed, seed+1, ...) give a per-pixel mean and spread.
//
// Units and frame: the HMI input is prepared as the encoder was trained (its PrepSpec: resampled onto the AIA
// reference frame, north up, disk centred; signed-log), then averaged down to the translator's side; the
// output is inverted from the run's target normalisation back to DN/s on that frame (the HMI map co-registered
// to the AIA frame at the translator's side). Off-disk outside 1.0x the disk radius is kept as generated.

#include "core/base/Expected.h"
#include "core/base/Image.h"
#include "core/map/PixelFrame.h"
#include "core/map/SdoMap.h"
#include "models/networks/Device.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

namespace solarchip {

struct TranslationRequest {
    QString hmiFile;                        ///< a line-of-sight magnetogram (FITS or JP2 is refused: not physical)
    std::shared_ptr<const SdoMap> hmiMap;   ///< an in-memory HMI map instead of the file (hmiFile then only names it)
    /// Optional AIA file of the same set: its level 1.5 frame is used as in training. Empty: an AIA-like frame
    /// is built around the HMI map (north up, disk centred, the training frames' field of view in solar radii).
    QString referenceFile;
    QString channel;                        ///< catalog key ("171"); empty: the run's first channel
    int samples = 1;                        ///< >= 1; spread needs >= 2
    quint64 seed = 0;
    int ddimSteps = 0;                      ///< 0: the run's default (translator kinds only)
};

struct TranslationResult {
    QString channel;
    double wavelength = 0;          ///< Angstrom
    Image mean;                     ///< DN/s, side x side, row 0 = south (the frame's first row)
    Image spread;                   ///< DN/s, per-pixel standard deviation over samples (zeros for 1 sample / unet)
    Image hmi;                      ///< the prepared HMI input at the same side, Gauss (for display next to it)
    PixelFrame frame;               ///< the co-registered frame of mean/spread/hmi (WCS at the translator side)
    QDateTime time;                 ///< the HMI map's observation time
    QString hmiFile;
    QString runDir, runKind;        ///< run folder ("" for the default) and its kind (translator | unet | random-encoder)
    QString modelHash;              ///< SHA-256 of the run's weights file
    QString encoderHash;            ///< the HMI encoder's hash
    int samples = 1, ddimSteps = 0;
    quint64 seed = 0;
    double seconds = 0;             ///< wall time of translate()
    QString device;                 ///< where it ran: "cpu" or "cuda:N"
    QString note;                   ///< what the user should know (partial disk, frame without AIA reference)
};

class TranslatorRun {
public:
    /// Loads a run folder; empty `dir`: the shipped default ($SOLARCHIP_DEFAULT_TRANSLATOR, else
    /// <exe>/../share/solarchip/models/translator, else the one compiled in from models/translator/), failing
    /// with a clear message when there is none. The
    /// encoder is the model file recorded in the run (`encoderPath` overrides it); a model whose hash differs
    /// from the run's is refused ("a run for another encoder"). The networks and the encoder run on `device`
    /// (default: CUDA when this LibTorch has it and a GPU is visible, the CPU otherwise); a fixed seed gives the
    /// same noise on every device.
    static Expected<TranslatorRun> load(const QString &dir, const QString &encoderPath = {},
                                        const DeviceChoice &device = defaultDevice());

    TranslatorRun(TranslatorRun &&) noexcept;
    TranslatorRun &operator=(TranslatorRun &&) noexcept;
    ~TranslatorRun();

    QStringList channels() const;   ///< AIA catalog keys the run outputs
    QString kind() const;           ///< translator | unet | random-encoder
    QString dir() const;
    QString modelHash() const;
    QString encoderHash() const;
    int side() const;
    int defaultDdimSteps() const;
    QString device() const;         ///< "cpu" or "cuda:N"
    const QJsonObject &info() const;  ///< translator.json

    /// Translates one HMI map. `progress` (may be empty) is called with (done, total) sampling steps; returning
    /// false cancels (the call then fails with "cancelled"). Bad input gets a message naming the file: not a
    /// line-of-sight magnetogram (continuum, Dopplergram, byte-scaled JP2), not the whole disk, NaN-only, a
    /// channel the run lacks. Thread-safe for concurrent calls (each call has its own generator).
    Expected<TranslationResult> translate(const TranslationRequest &request,
                                          const std::function<bool(int done, int total)> &progress = {}) const;

    struct Impl;

private:
    explicit TranslatorRun(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

/// The shipped default translator's folder: $SOLARCHIP_DEFAULT_TRANSLATOR, else
/// <exe>/../share/solarchip/models/translator, else the one compiled in (":/solarchip/models/translator"); empty
/// when there is none.
QString defaultTranslatorDir();

/// Writes result.mean as a FITS file (float32, DN/s) with an AIA-like, clearly synthetic header: the frame's WCS
/// and observer, WAVELNTH, WAVEUNIT, BUNIT 'DN/s', DATE-OBS/T_OBS of the HMI map, TELESCOP 'SolarCHIP' and
/// INSTRUME 'SOLARCHIP-TRANSLATOR' (nothing naming SDO or AIA: a translated map is never an observation, and the
/// catalog, which indexes only SDO maps, never files one as AIA data), ORIGIN 'SolarCHIP Studio',
/// SYNTHETC = T, TRMODEL (weights hash), TRRUN, TRKIND, TRSRC (the HMI file), TRSEED, TRNSAMP, TRSTEPS, and
/// HISTORY cards saying the same in words. One HDU (the mean); writeTranslatedSpreadFits() writes the spread
/// to its own file with the same header (BUNIT 'DN/s', TRPLANE 'spread'). Atomic.
Status writeTranslatedFits(const TranslationResult &result, const QString &path);
Status writeTranslatedSpreadFits(const TranslationResult &result, const QString &path);

/// Checks that a map is an HMI line-of-sight magnetogram in physical units showing the whole disk with finite
/// data: the message names the file and what it is instead (continuum, Dopplergram, cut-out, all NaN).
Status checkLosMagnetogram(const SdoMap &map, const QString &file);

}  // namespace solarchip
