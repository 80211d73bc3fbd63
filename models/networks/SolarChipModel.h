#pragma once
// SolarChipModel: the public, torch-free face of a multi-modal SolarCHIP network (one backbone per modality, or
// HMI + one shared AIA backbone) together with its three learnable contrastive temperatures.
//
// What it is for (the dataset/training/embedding engine and the GUI build on it):
//   (a) build from a preset and a channel list:
//         auto cfg = SolarChipModel::configFor("tiny", {"hmi", "171", "193"});
//         auto model = SolarChipModel::create(*cfg, /*seed*/ 7);
//   (b) forward a batch of per-modality images and get reconstructions + projected tokens (forward()),
//   (c) compute the total loss with weights and topology from the config (forward() fills `losses`),
//   (d) save/load state as safetensors (atomic) with a content hash (save(), load(), hash()),
//   (e) encode images into a CLS vector and a grid of patch vectors as plain floats (encode()).
// Torch-level code (training loops in models/*.cpp) takes the underlying module with net() and uses
// models/networks/detail/SolarChipNet.h: differentiable forward, loss terms, parameters for an optimizer.
//
// Images are float32, row-major [batch, channels, side, side], already prepped and normalised (the model does
// no scaling of its own). State-dict keys are the research code's: `model_dict.<backbone>.<backbone key>` and
// `contrastive_loss_fn.{cls,pat,int}_logit_scale`.
//
// Every member that can fail returns an Expected/Status, also for failures torch reports by throwing (a CUDA
// out-of-memory, a refused allocation, a shape error deep in a network): the message then says what was being
// done, with which model, modality and input shape (models/detail/Guarded.h). Nothing here throws.

#include "core/base/Expected.h"
#include "models/networks/Device.h"
#include "models/networks/ModelConfig.h"

#include <QString>
#include <QStringList>

#include <map>
#include <memory>
#include <vector>

namespace solarchip {

namespace detail {
class SolarChipNetImpl;
}

/// A batch of images of one modality: row-major [batch, channels, side, side] float32.
struct ImageBatch {
    int batch = 0;
    int channels = 1;
    int side = 0;
    std::vector<float> data;
};

/// CLS and patch embeddings (projected tokens, Dc wide) of a batch of images of one modality.
struct Embeddings {
    int batch = 0;
    int dim = 0;   ///< Dc
    int grid = 0;  ///< patches form a grid x grid raster, row-major (row 0 = image row 0)
    std::vector<float> cls;      ///< [batch, dim]
    std::vector<float> patches;  ///< [batch, grid*grid, dim]
    /// When normalised, every vector has unit L2 norm (what the losses compare); else the raw projection.
    bool normalized = false;
};

/// Loss values of one forward, as plain numbers (for logs and GUIs).
struct LossReport {
    double total = 0;
    std::map<QString, double> reconstruction;  ///< per modality (per-pixel mean, weighted)
    /// Per pair "a|b" (e.g. "hmi|0171"): global CLS, fixed-position patch, intra-sample cross-location.
    std::map<QString, double> cls, pat, intra;
    double clsLogitScale = 0, patLogitScale = 0, intLogitScale = 0;  ///< exp(s), clamped at 100
};

struct ForwardResult {
    std::map<QString, ImageBatch> reconstruction;  ///< per modality, same shape as the input
    std::map<QString, Embeddings> tokens;          ///< per modality: projected CLS + patch tokens (raw)
    LossReport losses;
};

class SolarChipModel {
public:
    /// A configuration from a preset name (see ModelConfig.h) and channel names (catalog keys like "171" or
    /// research names like "0171"; "hmi" must be among them for the HMI-centred star).
    static Expected<SolarChipConfig> configFor(const QString &preset, const QStringList &channels,
                                               std::optional<Architecture> arch = std::nullopt,
                                               bool sharedAia = false);
    /// A freshly initialised model (deterministic for a seed), on the CPU.
    static Expected<SolarChipModel> create(const SolarChipConfig &config, uint64_t seed = 0);
    /// Loads a file written by save() or by `solarchip import-checkpoint` (the configuration travels in the
    /// safetensors metadata). Every key and shape is checked; errors name the file and the key.
    static Expected<SolarChipModel> load(const QString &path);

    SolarChipModel(SolarChipModel &&) noexcept;
    SolarChipModel &operator=(SolarChipModel &&) noexcept;
    ~SolarChipModel();

    const SolarChipConfig &config() const;
    int64_t parameterCount() const;
    /// Moves the parameters (CPU or CUDA).
    Status to(const DeviceChoice &device);
    DeviceChoice device() const;

    /// Writes the state and the configuration to a safetensors file atomically.
    Status save(const QString &path) const;
    /// SHA-256 (hex) over every tensor's name, dtype, shape and bytes in name order: equal weights give
    /// equal hashes whatever the file's metadata. Embedding stores record it. (An Expected: the weights are
    /// copied to the CPU for it, which can fail for a large model on a GPU.)
    Expected<QString> hash() const;

    /// Reconstruction, projected tokens and all loss terms, in inference mode (no gradients).
    /// `images` maps modality (research name) to a batch; every configured modality must be present with
    /// the same batch size.
    Expected<ForwardResult> forward(const std::map<QString, ImageBatch> &images) const;

    /// CLS + patch embeddings of one modality's images, in inference mode, processed in chunks of
    /// `chunk` images. `normalize` returns unit vectors (what the similarity search compares).
    Expected<Embeddings> encode(const QString &modality, const ImageBatch &images, bool normalize = true,
                                int chunk = 8) const;

    /// The torch module (for models/*.cpp training and embedding code; see detail/SolarChipNet.h).
    std::shared_ptr<detail::SolarChipNetImpl> net() const;

private:
    struct Impl;
    explicit SolarChipModel(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

}  // namespace solarchip
