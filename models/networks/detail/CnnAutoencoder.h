#pragma once
// The research AE_CNN: the LDM (CompVis latent-diffusion) encoder/decoder with the SolarCHIP GroupNorm group rule
// and the contrastive head. Module and parameter names are the research state_dict keys
// (encoder.down.0.block.0.norm1.weight, encoder.mid.attn_1.q.weight, decoder.up.3.upsample.conv.bias,
// cls_proj.2.weight, contrasive_porject, ...).
#include "models/networks/detail/Backbone.h"

namespace solarchip::detail {

/// Groups for GroupNorm(C): start at 32, halve while G > C/2 (minimum 1). C=8->4, 16->8, 32->16, >=64->32.
int cnnGroupCount(int channels);

/// GroupNorm(G(C), C, eps 1e-6, affine) with the rule above.
torch::nn::GroupNorm cnnNormalize(int channels);

class ResnetBlockImpl : public torch::nn::Module {
public:
    ResnetBlockImpl(int inChannels, int outChannels);
    torch::Tensor forward(const torch::Tensor &x);

    torch::nn::GroupNorm norm1{nullptr}, norm2{nullptr};
    torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, nin_shortcut{nullptr};
};
TORCH_MODULE(ResnetBlock);

/// Vanilla single-head spatial self-attention with a residual connection.
class AttnBlockImpl : public torch::nn::Module {
public:
    explicit AttnBlockImpl(int channels);
    torch::Tensor forward(const torch::Tensor &x);

    torch::nn::GroupNorm norm{nullptr};
    torch::nn::Conv2d q{nullptr}, k{nullptr}, v{nullptr}, proj_out{nullptr};
};
TORCH_MODULE(AttnBlock);

/// Right/bottom zero pad by one, then a 3x3 stride-2 convolution.
class DownsampleImpl : public torch::nn::Module {
public:
    explicit DownsampleImpl(int channels);
    torch::Tensor forward(const torch::Tensor &x);
    torch::nn::Conv2d conv{nullptr};
};
TORCH_MODULE(Downsample);

/// Nearest x2, then a 3x3 convolution.
class UpsampleImpl : public torch::nn::Module {
public:
    explicit UpsampleImpl(int channels);
    torch::Tensor forward(const torch::Tensor &x);
    torch::nn::Conv2d conv{nullptr};
};
TORCH_MODULE(Upsample);

/// One resolution level: `block` (and `attn`) lists, plus `downsample`/`upsample` where the level changes size.
class CnnLevelImpl : public torch::nn::Module {
public:
    std::vector<ResnetBlock> blocks;
    std::vector<AttnBlock> attns;
    Downsample downsample{nullptr};
    Upsample upsample{nullptr};
    torch::nn::ModuleList blockList{nullptr}, attnList{nullptr};

    CnnLevelImpl();
    void addBlock(ResnetBlock block);
    void addAttn(AttnBlock attn);
    torch::Tensor runBlocks(torch::Tensor h);
};
TORCH_MODULE(CnnLevel);

class CnnMidImpl : public torch::nn::Module {
public:
    explicit CnnMidImpl(int channels);
    torch::Tensor forward(const torch::Tensor &x);
    ResnetBlock block_1{nullptr}, block_2{nullptr};
    AttnBlock attn_1{nullptr};
};
TORCH_MODULE(CnnMid);

class CnnEncoderImpl : public torch::nn::Module {
public:
    explicit CnnEncoderImpl(const BackboneConfig &config);
    torch::Tensor forward(const torch::Tensor &x);

    torch::nn::Conv2d conv_in{nullptr}, conv_out{nullptr};
    std::vector<CnnLevel> levels;
    torch::nn::ModuleList down{nullptr};
    CnnMid mid{nullptr};
    torch::nn::GroupNorm norm_out{nullptr};
};
TORCH_MODULE(CnnEncoder);

class CnnDecoderImpl : public torch::nn::Module {
public:
    explicit CnnDecoderImpl(const BackboneConfig &config);
    torch::Tensor forward(const torch::Tensor &z);

    torch::nn::Conv2d conv_in{nullptr}, conv_out{nullptr};
    std::vector<CnnLevel> levels;  ///< index = level; levels[0] is full resolution and runs last
    torch::nn::ModuleList up{nullptr};
    CnnMid mid{nullptr};
    torch::nn::GroupNorm norm_out{nullptr};
};
TORCH_MODULE(CnnDecoder);

/// The opt-in attention-pool CLS head (BackboneConfig::clsHead == ClsHead::Attn), keys `cls_pool.*`:
///     h_i = LayerNorm(z_i + pos_proj(code_i))              z_i: latent cell i [zc], code_i: positionCode row i
///     w_hi = softmax_i(<query_h, key(h_i)_h> / sqrt(d))     per head h (4 heads of d = zc/4 when zc % 4 == 0)
///     pool = out(concat_h sum_i w_hi value(h_i)_h)         [zc]; `out` starts at zero, so an untrained head
/// adds nothing to the GAP token it is summed with (CLS = cls_proj(z) + cls_pool(z)).
class ClsAttentionPoolImpl : public torch::nn::Module {
public:
    ClsAttentionPoolImpl(int channels, int grid, ClsPosition position);
    torch::Tensor forward(const torch::Tensor &z);  ///< [B, zc, g, g] -> [B, zc]

    /// The fixed code of every cell, [g*g, K], row-major cells. Cell centre (x, y) in [-1, 1] (x from column
    /// 0 = east edge, y from row 0 = south edge), r = sqrt(x^2 + y^2): Radial has K = 8 columns
    /// exp(-(r - 0.2 k)^2 / (2 * 0.1^2)), k = 0..7; RadialXy appends sin(pi m x), cos(pi m x), sin(pi m y),
    /// cos(pi m y) for m = 1, 2 (K = 16).
    static torch::Tensor positionCode(int grid, ClsPosition position);

    torch::Tensor query;  ///< [zc]
    torch::nn::Linear pos_proj{nullptr}, key{nullptr}, value{nullptr}, out{nullptr};
    torch::nn::LayerNorm norm{nullptr};

private:
    torch::Tensor m_code;  ///< not a parameter (not saved): rebuilt from the configuration
    int m_heads = 1;
};
TORCH_MODULE(ClsAttentionPool);

class CnnAutoencoderImpl : public BackboneImpl {
public:
    explicit CnnAutoencoderImpl(const BackboneConfig &config);

    torch::Tensor encode(const torch::Tensor &x) override;  ///< [B, zc, g, g]
    torch::Tensor decode(const torch::Tensor &z) override;
    /// cat(cls_proj(z), cells) @ contrasive_porject: CLS = Linear(GAP(z)), cells = z row-major, no bias.
    /// With the attention-pool head the CLS is cls_proj(z) + cls_pool(z).
    torch::Tensor contrastiveProjection(const torch::Tensor &z) override;

    CnnEncoder encoder{nullptr};
    CnnDecoder decoder{nullptr};
    torch::nn::Sequential cls_proj{nullptr};
    ClsAttentionPool cls_pool{nullptr};  ///< only with ClsHead::Attn
    torch::Tensor contrasive_porject;  ///< [zc, Dc] (the research spelling is the checkpoint key)
};
TORCH_MODULE(CnnAutoencoder);

}  // namespace solarchip::detail
