#pragma once
// Converting research-code checkpoints into our safetensors model files (`solarchip import-checkpoint`).
//
// Accepted inputs: a Python `torch.save` of a plain dict of tensors (save dict(state_dict); a Lightning .ckpt
// whose "state_dict" entry is such a dict also works), or a safetensors file. Keys may carry the wrapper prefix
// `model_dict.<modality>.` (one or several backbones, plus `contrastive_loss_fn.*_logit_scale`), a DDP
// `module.` prefix, or none (a bare backbone, stored under `model_dict.<modality>.`). Every key and shape is
// validated against the chosen architecture (a preset, an explicit configuration, or by default the one inferred
// from the shapes, ArchitectureInference.h); the first problem is reported naming the file and the
// key. LPIPS weights (`rec_loss_fn.*`) are dropped with a note. A ViT checkpoint without
// `decoder.positional_embedding` is taken to be in the research layout (naive unpatchify).

#include "core/base/Expected.h"
#include "models/networks/ModelConfig.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace solarchip {

struct ImportOptions {
    std::optional<Architecture> arch;  ///< detected from the keys when absent
    QString preset;                    ///< "paper-cnn"/"paper-vit" for the detected arch when empty
    /// An explicit backbone configuration instead of a preset (report.preset is then "custom"). The ViT
    /// decoder layout is still taken from the keys.
    std::optional<BackboneConfig> backbone;
    QString bareModality = QStringLiteral("hmi");  ///< the modality a prefix-less backbone becomes
    // Without a preset or backbone, the architecture is inferred from the keys and shapes
    // (ArchitectureInference); these give what shapes cannot tell.
    std::optional<int> heads;       ///< ViT attention heads (--heads)
    std::optional<int> resolution;  ///< CNN input resolution (--resolution)
    QString configFile;             ///< research YAML/JSON configuration (its ddconfig / dd_config) (--config)
};

struct ImportReport {
    QString input;
    QString output;
    QString format;  ///< "torch-pickle" or "safetensors"
    QString preset;
    SolarChipConfig config;
    int tensorCount = 0;
    int64_t parameterCount = 0;
    bool temperaturesFromFile = false;  ///< false: initialised to ln(1/0.07)
    QStringList notes;                  ///< dropped keys, assumptions
    QString hash;                       ///< SolarChipModel::hash() of the written file
};

/// Reads `input`, validates it, writes `output` (atomically). Nothing is written when validation fails.
Expected<ImportReport> importCheckpoint(const QString &input, const QString &output, const ImportOptions &options);

}  // namespace solarchip
