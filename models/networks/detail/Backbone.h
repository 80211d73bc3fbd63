#pragma once
// The interface both SolarCHIP backbones share (research: forward -> (recon, z), encode, decode,
// contrastive_projection). Tokens are [B, 1+N, Dc]: token 0 is the CLS token, 1..N the cells in row-major order.
#include "models/networks/ModelConfig.h"

#include <torch/torch.h>

#include <memory>

namespace solarchip::detail {

struct BackboneOutput {
    torch::Tensor recon;   ///< [B, C, R, R]
    torch::Tensor latent;  ///< CNN: [B, zc, g, g]; ViT: [B, 1+N, width]
};

class BackboneImpl : public torch::nn::Module {
public:
    explicit BackboneImpl(BackboneConfig config) : m_config(std::move(config)) {}
    ~BackboneImpl() override = default;

    virtual torch::Tensor encode(const torch::Tensor &x) = 0;
    virtual torch::Tensor decode(const torch::Tensor &z) = 0;
    /// [B, 1+N, Dc] from a latent.
    virtual torch::Tensor contrastiveProjection(const torch::Tensor &z) = 0;

    BackboneOutput forward(const torch::Tensor &x)
    {
        BackboneOutput out;
        out.latent = encode(x);
        out.recon = decode(out.latent);
        return out;
    }

    const BackboneConfig &config() const { return m_config; }

private:
    BackboneConfig m_config;
};

/// A freshly initialised backbone of the configured architecture (uses the global torch RNG).
std::shared_ptr<BackboneImpl> makeBackbone(const BackboneConfig &config);

}  // namespace solarchip::detail
