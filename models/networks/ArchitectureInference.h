#pragma once
// Telling a research checkpoint's backbone architecture from its keys and tensor shapes, so that
// `import-checkpoint` opens research models of any size, not only those of a preset.
//
// From the shapes (one backbone's keys, without the model_dict.<modality>. prefix):
//   ViT  encoder.conv1.weight [D, C, p, p] -> width, input channels, patch size; encoder.positional_embedding
//        [g^2+1, D] -> grid, resolution g*p; encoder/decoder.transformer.resblocks.{k} -> layers;
//        contrasive_porject [D, Dc] -> contrastive width. The heads cannot be told (they only split D).
//   CNN  encoder.conv_in.weight [ch, C, 3, 3]; encoder.down.{i} -> levels; block.0.conv2 out / ch -> ch_mult;
//        encoder.down.0.block.{j} -> num_res_blocks; encoder.conv_out [z, ...]; decoder.conv_out [out_ch, ...];
//        encoder.down.{i}.attn.* -> the levels with attention; contrasive_porject [z, Dc]. The input resolution
//        cannot be told (the network is convolutional), nor therefore attn_resolutions in pixels.
// What the shapes cannot tell comes from hints: --heads / --resolution, a research configuration file
// (ResearchConfig: its ddconfig), or a preset whose every shape-determined value is equal. A configuration
// value that contradicts the shapes is an error naming both. When nothing decides, the error says what is
// missing and how to give it.

#include "core/base/Expected.h"
#include "models/networks/ModelConfig.h"
#include "models/networks/ResearchConfig.h"

#include <QStringList>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace solarchip {

struct InferenceHints {
    std::optional<int> heads;       ///< --heads
    std::optional<int> resolution;  ///< --resolution (the CNN's input size)
    std::optional<ResearchConfig> config;
};

struct InferredBackbone {
    BackboneConfig config;
    QString matchedPreset;  ///< the preset equal to the result, if any
    QStringList notes;      ///< where each value the shapes could not tell came from
};

class ArchitectureInference {
public:
    using ShapeMap = std::map<std::string, std::vector<int64_t>>;

    /// `shapes`: one backbone's keys (no model_dict prefix) and shapes. `source` names the file in errors.
    static Expected<InferredBackbone> infer(Architecture arch, const ShapeMap &shapes, const InferenceHints &hints,
                                            const QString &source);
};

}  // namespace solarchip
