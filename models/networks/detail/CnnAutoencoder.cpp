#include "models/networks/detail/CnnAutoencoder.h"

#include <algorithm>
#include <cmath>

namespace solarchip::detail {

namespace F = torch::nn::functional;

int cnnGroupCount(int channels)
{
    int g = 32;
    while (g > channels / 2 && g > 1)
        g /= 2;
    return g;
}

torch::nn::GroupNorm cnnNormalize(int channels)
{
    return torch::nn::GroupNorm(torch::nn::GroupNormOptions(cnnGroupCount(channels), channels).eps(1e-6).affine(true));
}

namespace {

torch::nn::Conv2d conv(int in, int out, int kernel, int stride, int padding)
{
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(padding).bias(true));
}

torch::Tensor swish(const torch::Tensor &x) { return x * torch::sigmoid(x); }

}  // namespace

ResnetBlockImpl::ResnetBlockImpl(int inChannels, int outChannels)
{
    norm1 = register_module("norm1", cnnNormalize(inChannels));
    conv1 = register_module("conv1", conv(inChannels, outChannels, 3, 1, 1));
    norm2 = register_module("norm2", cnnNormalize(outChannels));
    conv2 = register_module("conv2", conv(outChannels, outChannels, 3, 1, 1));
    if (inChannels != outChannels)
        nin_shortcut = register_module("nin_shortcut", conv(inChannels, outChannels, 1, 1, 0));
}

torch::Tensor ResnetBlockImpl::forward(const torch::Tensor &x)
{
    torch::Tensor h = conv1(swish(norm1(x)));
    h = conv2(swish(norm2(h)));  // dropout is 0.0 in every research config
    return (nin_shortcut ? nin_shortcut(x) : x) + h;
}

AttnBlockImpl::AttnBlockImpl(int channels)
{
    norm = register_module("norm", cnnNormalize(channels));
    q = register_module("q", conv(channels, channels, 1, 1, 0));
    k = register_module("k", conv(channels, channels, 1, 1, 0));
    v = register_module("v", conv(channels, channels, 1, 1, 0));
    proj_out = register_module("proj_out", conv(channels, channels, 1, 1, 0));
}

torch::Tensor AttnBlockImpl::forward(const torch::Tensor &x)
{
    const auto b = x.size(0), c = x.size(1), hh = x.size(2), ww = x.size(3);
    const torch::Tensor h = norm(x);
    const torch::Tensor qq = q(h).reshape({b, c, hh * ww}).transpose(1, 2);  // [B, HW, C]
    const torch::Tensor kk = k(h).reshape({b, c, hh * ww});                  // [B, C, HW]
    const torch::Tensor vv = v(h).reshape({b, c, hh * ww});                  // [B, C, HW]
    // w[b,i,j] = softmax_j(q_i . k_j / sqrt(C)); out[b,c,i] = sum_j v[b,c,j] w[b,i,j]
    const torch::Tensor w = torch::softmax(torch::bmm(qq, kk) * (1.0 / std::sqrt(static_cast<double>(c))), 2);
    const torch::Tensor out = torch::bmm(vv, w.transpose(1, 2)).reshape({b, c, hh, ww});
    return x + proj_out(out);
}

DownsampleImpl::DownsampleImpl(int channels) { conv = register_module("conv", solarchip::detail::conv(channels, channels, 3, 2, 0)); }

torch::Tensor DownsampleImpl::forward(const torch::Tensor &x)
{
    return conv(F::pad(x, F::PadFuncOptions({0, 1, 0, 1}).mode(torch::kConstant).value(0)));
}

UpsampleImpl::UpsampleImpl(int channels) { conv = register_module("conv", solarchip::detail::conv(channels, channels, 3, 1, 1)); }

torch::Tensor UpsampleImpl::forward(const torch::Tensor &x)
{
    const std::vector<int64_t> size{x.size(2) * 2, x.size(3) * 2};
    return conv(F::interpolate(x, F::InterpolateFuncOptions().size(size).mode(torch::kNearest)));
}

CnnLevelImpl::CnnLevelImpl()
{
    blockList = register_module("block", torch::nn::ModuleList());
    attnList = register_module("attn", torch::nn::ModuleList());
}

void CnnLevelImpl::addBlock(ResnetBlock block)
{
    blockList->push_back(block);
    blocks.push_back(std::move(block));
}

void CnnLevelImpl::addAttn(AttnBlock attn)
{
    attnList->push_back(attn);
    attns.push_back(std::move(attn));
}

torch::Tensor CnnLevelImpl::runBlocks(torch::Tensor h)
{
    for (size_t i = 0; i < blocks.size(); ++i) {
        h = blocks[i](h);
        if (!attns.empty())
            h = attns[i](h);
    }
    return h;
}

CnnMidImpl::CnnMidImpl(int channels)
{
    block_1 = register_module("block_1", ResnetBlock(channels, channels));
    attn_1 = register_module("attn_1", AttnBlock(channels));
    block_2 = register_module("block_2", ResnetBlock(channels, channels));
}

torch::Tensor CnnMidImpl::forward(const torch::Tensor &x) { return block_2(attn_1(block_1(x))); }

namespace {

bool hasAttn(const CnnConfig &c, int resolution)
{
    return std::find(c.attnResolutions.begin(), c.attnResolutions.end(), resolution) != c.attnResolutions.end();
}

}  // namespace

CnnEncoderImpl::CnnEncoderImpl(const BackboneConfig &config)
{
    const CnnConfig &c = config.cnn;
    const int levelsCount = static_cast<int>(c.chMult.size());
    conv_in = register_module("conv_in", conv(c.inChannels, c.ch, 3, 1, 1));
    down = register_module("down", torch::nn::ModuleList());
    int res = config.resolution;
    int blockIn = c.ch;
    for (int i = 0; i < levelsCount; ++i) {
        CnnLevel level;
        blockIn = c.ch * (i == 0 ? 1 : c.chMult[i - 1]);
        const int blockOut = c.ch * c.chMult[i];
        for (int j = 0; j < c.numResBlocks; ++j) {
            level->addBlock(ResnetBlock(blockIn, blockOut));
            blockIn = blockOut;
            if (hasAttn(c, res))
                level->addAttn(AttnBlock(blockIn));
        }
        if (i != levelsCount - 1) {
            level->downsample = level->register_module("downsample", Downsample(blockIn));
            res /= 2;
        }
        down->push_back(level);
        levels.push_back(level);
    }
    mid = register_module("mid", CnnMid(blockIn));
    norm_out = register_module("norm_out", cnnNormalize(blockIn));
    conv_out = register_module("conv_out", conv(blockIn, c.zChannels, 3, 1, 1));
}

torch::Tensor CnnEncoderImpl::forward(const torch::Tensor &x)
{
    torch::Tensor h = conv_in(x);
    for (auto &level : levels) {
        h = level->runBlocks(h);
        if (level->downsample)
            h = level->downsample(h);
    }
    h = mid(h);
    return conv_out(swish(norm_out(h)));
}

CnnDecoderImpl::CnnDecoderImpl(const BackboneConfig &config)
{
    const CnnConfig &c = config.cnn;
    const int levelsCount = static_cast<int>(c.chMult.size());
    int blockIn = c.ch * c.chMult.back();
    int res = config.resolution >> (levelsCount - 1);
    conv_in = register_module("conv_in", conv(c.zChannels, blockIn, 3, 1, 1));
    mid = register_module("mid", CnnMid(blockIn));
    levels.resize(levelsCount, CnnLevel(nullptr));
    for (int i = levelsCount - 1; i >= 0; --i) {
        CnnLevel level;
        const int blockOut = c.ch * c.chMult[i];
        for (int j = 0; j < c.numResBlocks + 1; ++j) {
            level->addBlock(ResnetBlock(blockIn, blockOut));
            blockIn = blockOut;
            if (hasAttn(c, res))
                level->addAttn(AttnBlock(blockIn));
        }
        if (i != 0) {
            level->upsample = level->register_module("upsample", Upsample(blockIn));
            res *= 2;
        }
        levels[i] = level;
    }
    // Registered by level index (up.0 = full resolution), as the research ModuleList is.
    up = register_module("up", torch::nn::ModuleList());
    for (auto &level : levels)
        up->push_back(level);
    norm_out = register_module("norm_out", cnnNormalize(blockIn));
    conv_out = register_module("conv_out", conv(blockIn, c.outChannels, 3, 1, 1));
}

torch::Tensor CnnDecoderImpl::forward(const torch::Tensor &z)
{
    torch::Tensor h = mid(conv_in(z));
    for (auto it = levels.rbegin(); it != levels.rend(); ++it) {
        h = (*it)->runBlocks(h);
        if ((*it)->upsample)
            h = (*it)->upsample(h);
    }
    return conv_out(swish(norm_out(h)));
}

ClsAttentionPoolImpl::ClsAttentionPoolImpl(int channels, int grid, ClsPosition position)
    : m_code(positionCode(grid, position)), m_heads(channels % 4 == 0 ? 4 : 1)
{
    query = register_parameter("query", torch::randn({channels}) * std::pow(channels, -0.5));
    pos_proj = register_module("pos_proj", torch::nn::Linear(m_code.size(1), channels));
    norm = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({channels})));
    key = register_module("key", torch::nn::Linear(channels, channels));
    value = register_module("value", torch::nn::Linear(channels, channels));
    out = register_module("out", torch::nn::Linear(channels, channels));
    torch::NoGradGuard noGrad;
    out->weight.zero_();
    out->bias.zero_();
}

torch::Tensor ClsAttentionPoolImpl::positionCode(int grid, ClsPosition position)
{
    const int k = position == ClsPosition::RadialXy ? 16 : 8;
    torch::Tensor code = torch::empty({static_cast<int64_t>(grid) * grid, k}, torch::kFloat32);
    auto a = code.accessor<float, 2>();
    const double pi = 3.14159265358979323846;
    for (int row = 0; row < grid; ++row)
        for (int col = 0; col < grid; ++col) {
            const int i = row * grid + col;
            const double x = (col + 0.5) / grid * 2.0 - 1.0;
            const double y = (row + 0.5) / grid * 2.0 - 1.0;
            const double r = std::sqrt(x * x + y * y);
            for (int j = 0; j < 8; ++j)
                a[i][j] = static_cast<float>(std::exp(-std::pow(r - 0.2 * j, 2) / (2 * 0.1 * 0.1)));
            if (position == ClsPosition::RadialXy)
                for (int m = 1; m <= 2; ++m) {
                    const int o = 8 + (m - 1) * 4;
                    a[i][o] = static_cast<float>(std::sin(pi * m * x));
                    a[i][o + 1] = static_cast<float>(std::cos(pi * m * x));
                    a[i][o + 2] = static_cast<float>(std::sin(pi * m * y));
                    a[i][o + 3] = static_cast<float>(std::cos(pi * m * y));
                }
        }
    return code;
}

torch::Tensor ClsAttentionPoolImpl::forward(const torch::Tensor &z)
{
    const int64_t b = z.size(0), c = z.size(1), n = z.size(2) * z.size(3);
    const int64_t d = c / m_heads;
    const torch::Tensor cells = z.flatten(2).transpose(1, 2);  // [B, N, C]
    const torch::Tensor h = norm(cells + pos_proj(m_code.to(z.device(), z.scalar_type())));
    const torch::Tensor k = key(h).view({b, n, m_heads, d}).permute({0, 2, 1, 3});    // [B, H, N, d]
    const torch::Tensor v = value(h).view({b, n, m_heads, d}).permute({0, 2, 1, 3});  // [B, H, N, d]
    const torch::Tensor q = query.view({1, m_heads, 1, d});
    const torch::Tensor w = torch::softmax((k * q).sum(-1) * (1.0 / std::sqrt(static_cast<double>(d))), -1);  // [B, H, N]
    const torch::Tensor pooled = (w.unsqueeze(-1) * v).sum(2);  // [B, H, d]
    return out(pooled.reshape({b, c}));
}

CnnAutoencoderImpl::CnnAutoencoderImpl(const BackboneConfig &config) : BackboneImpl(config)
{
    const int zc = config.cnn.zChannels;
    // Registration order follows the research module (encoder, decoder, cls_proj, contrasive_porject); the
    // state dict is keyed by name, so only the names matter for loading.
    encoder = register_module("encoder", CnnEncoder(config));
    decoder = register_module("decoder", CnnDecoder(config));
    cls_proj = register_module("cls_proj", torch::nn::Sequential(torch::nn::AdaptiveAvgPool2d(torch::nn::AdaptiveAvgPool2dOptions(1)),
                                                                 torch::nn::Flatten(), torch::nn::Linear(zc, zc)));
    contrasive_porject = register_parameter("contrasive_porject",
                                            torch::randn({zc, config.contrastiveDim}) * std::pow(zc, -0.5));
    if (config.clsHead == ClsHead::Attn)
        cls_pool = register_module("cls_pool", ClsAttentionPool(zc, config.gridSize(), config.clsPosition));
}

torch::Tensor CnnAutoencoderImpl::encode(const torch::Tensor &x) { return encoder(x); }

torch::Tensor CnnAutoencoderImpl::decode(const torch::Tensor &z) { return decoder(z); }

torch::Tensor CnnAutoencoderImpl::contrastiveProjection(const torch::Tensor &z)
{
    torch::Tensor cls = cls_proj->forward(z);                               // [B, zc]
    if (cls_pool)
        cls = cls + cls_pool(z);
    cls = cls.unsqueeze(1);                                                 // [B, 1, zc]
    const torch::Tensor cells = z.flatten(2).transpose(1, 2);               // [B, g*g, zc], row-major
    return torch::matmul(torch::cat({cls, cells}, 1), contrasive_porject);  // [B, 1+N, Dc]
}

}  // namespace solarchip::detail
