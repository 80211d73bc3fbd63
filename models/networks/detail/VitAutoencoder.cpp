#include "models/networks/detail/VitAutoencoder.h"

#include <cmath>

namespace solarchip::detail {

namespace {

torch::nn::LayerNorm layerNorm(int width)
{
    return torch::nn::LayerNorm(torch::nn::LayerNormOptions({width}).eps(1e-5).elementwise_affine(true));
}

}  // namespace

PackedAttentionImpl::PackedAttentionImpl(int width, int heads_) : heads(heads_)
{
    // nn.MultiheadAttention's initialisation: xavier-uniform packed projection, zero biases.
    in_proj_weight = register_parameter("in_proj_weight", torch::empty({3 * width, width}));
    in_proj_bias = register_parameter("in_proj_bias", torch::zeros({3 * width}));
    torch::nn::init::xavier_uniform_(in_proj_weight);
    out_proj = register_module("out_proj", torch::nn::Linear(width, width));
    torch::NoGradGuard noGrad;
    out_proj->bias.zero_();
}

torch::Tensor PackedAttentionImpl::forward(const torch::Tensor &x)
{
    const auto b = x.size(0), l = x.size(1), d = x.size(2);
    const auto hd = d / heads;
    // [B, L, 3D] -> 3 x [B, H, L, hd]
    const torch::Tensor qkv = torch::nn::functional::linear(x, in_proj_weight, in_proj_bias)
                                  .reshape({b, l, 3, heads, hd})
                                  .permute({2, 0, 3, 1, 4});
    const torch::Tensor q = qkv[0] * (1.0 / std::sqrt(static_cast<double>(hd)));
    const torch::Tensor attn = torch::softmax(torch::matmul(q, qkv[1].transpose(-2, -1)), -1);
    const torch::Tensor o = torch::matmul(attn, qkv[2]).transpose(1, 2).reshape({b, l, d});
    return out_proj(o);
}

VitMlpImpl::VitMlpImpl(int width)
{
    c_fc = register_module("c_fc", torch::nn::Linear(width, 4 * width));
    c_proj = register_module("c_proj", torch::nn::Linear(4 * width, width));
}

torch::Tensor VitMlpImpl::forward(const torch::Tensor &x)
{
    const torch::Tensor h = c_fc(x);
    return c_proj(h * torch::sigmoid(1.702 * h));  // QuickGELU
}

ResidualAttentionBlockImpl::ResidualAttentionBlockImpl(int width, int heads)
{
    attn = register_module("attn", PackedAttention(width, heads));
    ln_1 = register_module("ln_1", layerNorm(width));
    mlp = register_module("mlp", VitMlp(width));
    ln_2 = register_module("ln_2", layerNorm(width));
}

torch::Tensor ResidualAttentionBlockImpl::forward(torch::Tensor x)
{
    x = x + attn(ln_1(x));
    return x + mlp(ln_2(x));
}

VitTransformerImpl::VitTransformerImpl(int width, int layers, int heads)
{
    resblocks = register_module("resblocks", torch::nn::ModuleList());
    for (int i = 0; i < layers; ++i) {
        ResidualAttentionBlock block(width, heads);
        resblocks->push_back(block);
        blocks.push_back(block);
    }
}

torch::Tensor VitTransformerImpl::forward(torch::Tensor x)
{
    for (auto &block : blocks)
        x = block(x);
    return x;
}

VitEncoderImpl::VitEncoderImpl(const BackboneConfig &config)
{
    const VitConfig &v = config.vit;
    const double scale = std::pow(v.width, -0.5);
    const int grid = config.gridSize();
    conv1 = register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(v.inChannels, v.width, v.patchSize)
                                                           .stride(v.patchSize)
                                                           .bias(false)));
    class_embedding = register_parameter("class_embedding", torch::randn({v.width}) * scale);
    positional_embedding = register_parameter("positional_embedding", torch::randn({grid * grid + 1, v.width}) * scale);
    ln_pre = register_module("ln_pre", layerNorm(v.width));
    transformer = register_module("transformer", VitTransformer(v.width, v.layers, v.heads));
    ln_post = register_module("ln_post", layerNorm(v.width));
}

torch::Tensor VitEncoderImpl::forward(const torch::Tensor &x)
{
    torch::Tensor h = conv1(x);                                  // [B, D, g, g]
    h = h.reshape({h.size(0), h.size(1), -1}).transpose(1, 2);   // [B, g*g, D], token t = row*g + col
    const torch::Tensor cls = class_embedding.reshape({1, 1, -1}).expand({h.size(0), 1, h.size(2)});
    h = torch::cat({cls, h}, 1) + positional_embedding;
    h = transformer(ln_pre(h));
    return ln_post(h);  // on all tokens (CLIP normally keeps only the CLS token)
}

VitDecoderImpl::VitDecoderImpl(const BackboneConfig &config)
    : m_channels(config.vit.inChannels), m_patch(config.vit.patchSize), m_grid(config.gridSize()),
      m_research(config.vit.researchLayout)
{
    const VitConfig &v = config.vit;
    if (!m_research)
        positional_embedding = register_parameter("positional_embedding",
                                                  torch::randn({m_grid * m_grid, v.width}) * std::pow(v.width, -0.5));
    ln_pre = register_module("ln_pre", layerNorm(v.width));
    transformer = register_module("transformer", VitTransformer(v.width, v.layers, v.heads));
    de_proj = register_module("de_proj", torch::nn::Linear(v.width, v.inChannels * v.patchSize * v.patchSize));
}

torch::Tensor VitDecoderImpl::forward(const torch::Tensor &z)
{
    torch::Tensor h = z.slice(1, 1);  // drop the CLS token
    if (positional_embedding.defined())
        h = h + positional_embedding;
    h = de_proj(transformer(ln_pre(h)));  // [B, N, C*p*p]
    return m_research ? researchUnpatchify(h, m_channels, m_grid * m_patch) : unpatchify(h, m_channels, m_patch, m_grid);
}

torch::Tensor unpatchify(const torch::Tensor &tokens, int channels, int patch, int grid)
{
    // Feature j = c*p*p + py*p + px, the same order as the patch convolution's weight [D, C, p, p].
    const auto b = tokens.size(0);
    return tokens.reshape({b, grid, grid, channels, patch, patch})
        .permute({0, 3, 1, 4, 2, 5})
        .reshape({b, channels, grid * patch, grid * patch});
}

torch::Tensor researchUnpatchify(const torch::Tensor &tokens, int channels, int resolution)
{
    return tokens.reshape({tokens.size(0), channels, resolution, resolution});
}

VitAutoencoderImpl::VitAutoencoderImpl(const BackboneConfig &config) : BackboneImpl(config)
{
    const int width = config.vit.width;
    contrasive_porject = register_parameter("contrasive_porject",
                                            torch::randn({width, config.contrastiveDim}) * std::pow(width, -0.5));
    encoder = register_module("encoder", VitEncoder(config));
    decoder = register_module("decoder", VitDecoder(config));
}

torch::Tensor VitAutoencoderImpl::encode(const torch::Tensor &x) { return encoder(x); }

torch::Tensor VitAutoencoderImpl::decode(const torch::Tensor &z) { return decoder(z); }

torch::Tensor VitAutoencoderImpl::contrastiveProjection(const torch::Tensor &z) { return torch::matmul(z, contrasive_porject); }

}  // namespace solarchip::detail
