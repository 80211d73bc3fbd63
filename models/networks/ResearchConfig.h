#pragma once
// A research backbone configuration as the research code writes it (issue 10 section 5): the `ddconfig` /
// `dd_config` mapping of its YAML files (AE_ViT: input_dim, input_resolution, patch_size, hidden_dim, layers,
// heads; AE_CNN: ch, ch_mult, num_res_blocks, z_channels, resolution, in_channels, out_ch, attn_resolutions,
// double_z), either bare or nested (model.params.base_model.params.ddconfig), plus the contrastive_dim and
// target beside it. ArchitectureInference takes from it what a checkpoint's shapes cannot tell.

#include "core/base/Expected.h"
#include "models/networks/ModelConfig.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>

namespace solarchip {

/// The research code's own description of a backbone, read from its YAML or JSON configuration.
struct ResearchConfig {
    QString file;
    QJsonObject ddconfig;               ///< the ddconfig / dd_config mapping (or the bare file)
    std::optional<int> contrastiveDim;  ///< contrastive_dim beside it, when given
    std::optional<Architecture> arch;   ///< from a `target:` naming AE_ViT / AE_CNN beside it, when given

    /// Reads `path` (JSON when it parses as JSON, else the YAML subset of MiniYaml) and finds the first
    /// `ddconfig`/`dd_config` mapping at any depth, or takes the file itself when it holds ddconfig keys.
    static Expected<ResearchConfig> load(const QString &path);
    /// The same from an already parsed document.
    static Expected<ResearchConfig> fromDocument(const QJsonValue &document, const QString &file);
};

}  // namespace solarchip
