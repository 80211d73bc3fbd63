#pragma once
// The research AE_ViT: a CLIP-style ViT encoder (patch conv without bias, class_embedding, learned
// positional_embedding, ln_pre, pre-LN blocks with packed in_proj attention and a QuickGELU MLP of ratio 4,
// ln_post on all tokens) and a transformer decoder (ln_pre, blocks, de_proj). Parameter names are the research
// state_dict keys (encoder.transformer.resblocks.0.attn.in_proj_weight, ...). Tensors are batch-first here;
// the research code's sequence-first permutes do not change the arithmetic.
//
// Two decoder layouts (VitConfig::researchLayout):
//  - ours (default): `decoder.positional_embedding` [g^2, width] is added before decoder.ln_pre, and the
//    un-patchify puts every token back into its own patch ([B,g,g,C,p,p] -> [B,C,g*p,g*p]);
//  - research: no decoder positional embedding, naive row-major reshape [B,N,C*p*p] -> [B,C,R,R]
//    (token t fills full-width rows), to load and reproduce research checkpoints.
#include "models/networks/detail/Backbone.h"

namespace solarchip::detail {

/// nn.MultiheadAttention's parameter layout: in_proj_weight [3D, D], in_proj_bias [3D], out_proj Linear(D, D).
class PackedAttentionImpl : public torch::nn::Module {
public:
    PackedAttentionImpl(int width, int heads);
    torch::Tensor forward(const torch::Tensor &x);  ///< [B, L, D] self-attention, no mask

    int heads;
    torch::Tensor in_proj_weight, in_proj_bias;
    torch::nn::Linear out_proj{nullptr};
};
TORCH_MODULE(PackedAttention);

class VitMlpImpl : public torch::nn::Module {
public:
    explicit VitMlpImpl(int width);
    torch::Tensor forward(const torch::Tensor &x);  ///< c_proj(QuickGELU(c_fc(x)))
    torch::nn::Linear c_fc{nullptr}, c_proj{nullptr};
};
TORCH_MODULE(VitMlp);

class ResidualAttentionBlockImpl : public torch::nn::Module {
public:
    ResidualAttentionBlockImpl(int width, int heads);
    torch::Tensor forward(torch::Tensor x);

    PackedAttention attn{nullptr};
    torch::nn::LayerNorm ln_1{nullptr}, ln_2{nullptr};
    VitMlp mlp{nullptr};
};
TORCH_MODULE(ResidualAttentionBlock);

class VitTransformerImpl : public torch::nn::Module {
public:
    VitTransformerImpl(int width, int layers, int heads);
    torch::Tensor forward(torch::Tensor x);
    std::vector<ResidualAttentionBlock> blocks;
    torch::nn::ModuleList resblocks{nullptr};
};
TORCH_MODULE(VitTransformer);

class VitEncoderImpl : public torch::nn::Module {
public:
    explicit VitEncoderImpl(const BackboneConfig &config);
    torch::Tensor forward(const torch::Tensor &x);  ///< [B, 1+N, D]

    torch::nn::Conv2d conv1{nullptr};
    torch::Tensor class_embedding, positional_embedding;
    torch::nn::LayerNorm ln_pre{nullptr}, ln_post{nullptr};
    VitTransformer transformer{nullptr};
};
TORCH_MODULE(VitEncoder);

class VitDecoderImpl : public torch::nn::Module {
public:
    explicit VitDecoderImpl(const BackboneConfig &config);
    torch::Tensor forward(const torch::Tensor &z);  ///< [B, 1+N, D] -> [B, C, R, R] (the CLS token is dropped)

    torch::Tensor positional_embedding;  ///< undefined in the research layout
    torch::nn::LayerNorm ln_pre{nullptr};
    VitTransformer transformer{nullptr};
    torch::nn::Linear de_proj{nullptr};

private:
    int m_channels, m_patch, m_grid;
    bool m_research;
};
TORCH_MODULE(VitDecoder);

/// [B, N, C*p*p] tokens -> [B, C, g*p, g*p] with token t = row*g + col filling its own patch.
torch::Tensor unpatchify(const torch::Tensor &tokens, int channels, int patch, int grid);
/// The research code's naive reshape [B, N, C*p*p] -> [B, C, R, R].
torch::Tensor researchUnpatchify(const torch::Tensor &tokens, int channels, int resolution);

class VitAutoencoderImpl : public BackboneImpl {
public:
    explicit VitAutoencoderImpl(const BackboneConfig &config);

    torch::Tensor encode(const torch::Tensor &x) override;  ///< [B, 1+N, D]
    torch::Tensor decode(const torch::Tensor &z) override;
    torch::Tensor contrastiveProjection(const torch::Tensor &z) override;  ///< z @ contrasive_porject

    torch::Tensor contrasive_porject;  ///< [D, Dc]
    VitEncoder encoder{nullptr};
    VitDecoder decoder{nullptr};
};
TORCH_MODULE(VitAutoencoder);

}  // namespace solarchip::detail
