#pragma once
// Hyper-parameters of the SolarCHIP backbones and the multi-modal model, and the named presets.
//
// Presets (presetConfig):
//   tiny      (CPU)   256x256 input, 16x16 token grid, a few million parameters per modality
//   small             512x512 input, 16x16 token grid, tens of millions (ViT) / a few million (CNN)
//   paper-cnn         the research code's "main" AE_CNN: ch 8, ch_mult [1,1,1,1,1,2,2], 1 res block, zc 32,
//                     Dc 32, 1024 input -> [32,16,16] latent (90,745 parameters)
//   paper-vit         the research code's AE_ViT: 1024 input, patch 64, width 768, 6 layers, 8 heads, Dc 512
//                     (91,945,984 parameters in the research layout)
// "tiny" and "small" exist for both architectures ("tiny-cnn", "tiny-vit", ...); the bare name takes the
// architecture argument (ViT by default: it is the cheaper one on a CPU at the same token grid).

#include "core/base/Expected.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace solarchip {

enum class Architecture { Cnn, Vit };

QString architectureName(Architecture arch);  ///< "cnn" / "vit"
std::optional<Architecture> parseArchitecture(const QString &name);

/// LDM-style convolutional autoencoder (research AE_CNN, double_z = false).
struct CnnConfig {
    int inChannels = 1;
    int outChannels = 1;
    int ch = 8;
    std::vector<int> chMult{1, 1, 1, 1, 1, 2, 2};
    int numResBlocks = 1;
    int zChannels = 32;
    /// Resolutions (pixels) at which every res block of a level is followed by an attention block.
    /// The middle attention block is always present regardless.
    std::vector<int> attnResolutions;
};

/// CLIP-style ViT autoencoder (research AE_ViT).
struct VitConfig {
    int inChannels = 1;
    int patchSize = 64;
    int width = 768;
    int layers = 6;
    int heads = 8;
    /// Research layout: the decoder has no positional embedding and un-patchifies with the research code's
    /// naive row-major reshape (token t fills full-width rows, not its own patch). Needed to load research
    /// checkpoints and reproduce their forward. Off by default: our decoder then has a learned positional
    /// embedding (key `decoder.positional_embedding`, shape [grid^2, width], added before decoder.ln_pre)
    /// and puts every token back into its own patch.
    bool researchLayout = false;
};

/// How the CNN forms its CLS token from the latent cells.
///   Gap   the research AE_CNN's: Linear(global average pool) (paper presets, imported checkpoints)
///   Attn  opt-in: the Gap token plus an attention pool over the cells, each cell's features plus a learned
///         projection of a fixed position code (keys `cls_pool.*`), so the CLS can say WHERE activity is,
///         which an average discards. Not part of the research code (see docs/solarchip-method.md).
enum class ClsHead { Gap, Attn };
/// The position code of the attention pool.
///   Radial    Gaussian bumps of the cell centre's distance from the image (= disk) centre: centre-to-limb
///             position, unchanged by any rotation about the centre, so a rotation of the input cannot be
///             read from it (pairs with the per-modality quarter turns of AugmentSpec).
///   RadialXy  the radial code plus sin/cos of the cell centre's x and y: the 2-D layout, but also the angle.
enum class ClsPosition { Radial, RadialXy };

/// One backbone (one modality).
struct BackboneConfig {
    Architecture arch = Architecture::Vit;
    int resolution = 256;      ///< square input side in pixels
    int contrastiveDim = 128;  ///< Dc: width of the projected tokens the losses see
    ClsHead clsHead = ClsHead::Gap;  ///< CNN only; JSON `cls_head` ("gap"|"attn", written only when attn)
    ClsPosition clsPosition = ClsPosition::Radial;  ///< with Attn; JSON `cls_position` ("radial"|"radial-xy")
    CnnConfig cnn;
    VitConfig vit;

    int inChannels() const;
    int gridSize() const;     ///< token grid side (latent side for the CNN)
    int patchCount() const;   ///< gridSize()^2
    int tokenCount() const;   ///< 1 + patchCount(): CLS first, then the cells in row-major order
    int latentChannels() const;  ///< zc for the CNN, width for the ViT
    /// Empty when the configuration is consistent, else a sentence saying what is wrong.
    QString validate() const;

    QJsonObject toJson() const;
    static Expected<BackboneConfig> fromJson(const QJsonObject &json);
};

/// How the contrastive terms pair the modalities.
enum class PairTopology {
    HmiStar,   ///< HMI with every other modality (the method's; K = modalities - 1 pairs)
    AllPairs,  ///< every unordered pair (K = M(M-1)/2)
};

/// Weights of the total objective:
///   L = reconstruction * mean_m Lrec(m) + (1/K) sum_pairs [cls*Lcls + pat*Lpat + intra*Lint]
struct LossWeights {
    double reconstruction = 1.0;
    double cls = 1.0;
    double pat = 1.0;
    double intra = 1.0;
};

/// The multi-modal SolarCHIP model.
struct SolarChipConfig {
    BackboneConfig backbone;
    /// Research modality names, HMI first: "hmi", "0094", "0131", "0171", "0193", "0211", "0304", "0335",
    /// "1600", "1700", "4500" (modalityName() converts catalog channel keys such as "171").
    QStringList modalities{QStringLiteral("hmi"), QStringLiteral("0171")};
    /// One backbone shared by every AIA passband (key prefix `model_dict.aia.`) instead of one per modality.
    bool sharedAia = false;
    PairTopology topology = PairTopology::HmiStar;
    LossWeights weights;

    /// The backbone names under `model_dict.`: the modalities, or {"hmi","aia"} with sharedAia.
    QStringList backboneNames() const;
    /// The backbone that serves a modality ("aia" for AIA passbands with sharedAia).
    QString backboneFor(const QString &modality) const;
    /// The (a, b) modality pairs the contrastive terms use, in a fixed order.
    std::vector<std::pair<QString, QString>> pairs() const;
    QString validate() const;
    /// "the ViT model (hmi,0171; 256 px input, 16x16 grid)": how error messages name the model.
    QString describe() const;

    QJsonObject toJson() const;
    static Expected<SolarChipConfig> fromJson(const QJsonObject &json);
};

/// The research code's modality names, in its order.
QStringList researchModalities();
/// Catalog channel key or research name -> research name: "171" -> "0171", "94" -> "0094", "hmi" -> "hmi".
/// Empty when the name is not an SDO channel the model knows.
QString modalityName(const QString &channel);
bool isAiaModality(const QString &modality);

QStringList presetNames();
/// A named preset (see the table above). `arch` picks the architecture for "tiny"/"small" and must agree with
/// the paper presets when given.
Expected<BackboneConfig> presetConfig(const QString &name, std::optional<Architecture> arch = std::nullopt);

}  // namespace solarchip
