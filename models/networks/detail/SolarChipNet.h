#pragma once
// The multi-modal SolarCHIP network at the torch level (for training and embedding code in models/*.cpp; the
// torch-free face is models/networks/SolarChipModel.h). State-dict keys: `model_dict.<backbone>.<backbone key>` and
// `contrastive_loss_fn.{cls,pat,int}_logit_scale`, as in the research code.
//
// Typical training step:
//     SolarChipNet net(config);                       // or model.net() from a SolarChipModel
//     auto out = net->forward(images);                // images: modality -> [B, C, R, R] float
//     auto terms = net->loss(images, out);            // weights and topology from the config
//     terms.total.backward(); optimizer.step(); net->contrastive_loss_fn->clampParameters();
#include "models/networks/ModelConfig.h"
#include "models/networks/detail/Backbone.h"
#include "models/training/detail/ContrastiveLoss.h"

#include <map>
#include <string>

namespace solarchip::detail {

struct ModalityOutput {
    torch::Tensor recon;   ///< [B, C, R, R]
    torch::Tensor latent;  ///< backbone latent
    torch::Tensor tokens;  ///< [B, 1+N, Dc] projected (not normalised)
};

struct LossTerms {
    torch::Tensor total;                                 ///< scalar, differentiable
    std::map<std::string, torch::Tensor> reconstruction;  ///< per modality
    std::map<std::string, torch::Tensor> cls, pat, intra;  ///< per pair "a|b"
};

class SolarChipNetImpl : public torch::nn::Module {
public:
    explicit SolarChipNetImpl(const SolarChipConfig &config);

    const SolarChipConfig &config() const { return m_config; }
    /// The backbone serving a modality (shared by all AIA passbands with sharedAia).
    std::shared_ptr<BackboneImpl> backbone(const std::string &modality) const;

    /// Encodes, decodes and projects every modality present in `images`.
    std::map<std::string, ModalityOutput> forward(const std::map<std::string, torch::Tensor> &images);
    /// Projected tokens only (no decoder): [B, 1+N, Dc].
    torch::Tensor tokens(const std::string &modality, const torch::Tensor &images);

    /// The total objective (see LossWeights in ModelConfig.h). Pairs whose modalities are missing from
    /// `outputs` are skipped; `pixelWeights` (optional, per modality) weights the reconstruction per pixel.
    LossTerms loss(const std::map<std::string, torch::Tensor> &images,
                   const std::map<std::string, ModalityOutput> &outputs,
                   const std::map<std::string, torch::Tensor> &pixelWeights = {}) const;

    torch::nn::Module &modelDict() { return *m_modelDict; }
    ContrastiveLoss contrastive_loss_fn{nullptr};

private:
    SolarChipConfig m_config;
    std::shared_ptr<torch::nn::Module> m_modelDict;
    std::map<std::string, std::shared_ptr<BackboneImpl>> m_backbones;
};
TORCH_MODULE(SolarChipNet);

}  // namespace solarchip::detail
