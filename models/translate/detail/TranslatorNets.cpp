#include "models/translate/detail/TranslatorNets.h"

#include <cmath>

namespace solarchip::detail {

namespace F = torch::nn::functional;

namespace {

torch::nn::Conv2d conv(int in, int out, int kernel, int stride = 1, int padding = -1)
{
    if (padding < 0)
        padding = kernel / 2;
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(padding));
}

torch::nn::GroupNorm norm(int channels)
{
    int g = 8;
    while (channels % g != 0)
        g /= 2;
    return torch::nn::GroupNorm(torch::nn::GroupNormOptions(g, channels));
}

torch::nn::Conv2d zeroConv(int in, int out, int kernel)
{
    auto c = conv(in, out, kernel);
    torch::NoGradGuard ng;
    c->weight.zero_();
    c->bias.zero_();
    return c;
}

constexpr int kTembDim = 128;
constexpr int kBase = 32;

torch::Tensor up(const torch::Tensor &x)
{
    return F::interpolate(x, F::InterpolateFuncOptions().scale_factor(std::vector<double>{2.0, 2.0})
                                 .mode(torch::kNearest));
}

}  // namespace

ResBlockImpl::ResBlockImpl(int in, int out, int tembDim)
{
    n1 = register_module("n1", norm(in));
    c1 = register_module("c1", conv(in, out, 3));
    n2 = register_module("n2", norm(out));
    c2 = register_module("c2", conv(out, out, 3));
    if (in != out)
        skip = register_module("skip", conv(in, out, 1));
    if (tembDim > 0)
        t = register_module("t", torch::nn::Linear(tembDim, out));
}

torch::Tensor ResBlockImpl::forward(const torch::Tensor &x, const torch::Tensor &temb)
{
    auto h = c1(torch::silu(n1(x)));
    if (t && temb.defined())
        h = h + t(torch::silu(temb)).unsqueeze(-1).unsqueeze(-1);
    h = c2(torch::silu(n2(h)));
    return (skip ? skip(x) : x) + h;
}

LatentAutoencoderImpl::LatentAutoencoderImpl(int channels, int latentChannels, bool hmiDecoder)
{
    enc = register_module("enc", torch::nn::Sequential(
        conv(channels, 32, 3), torch::nn::SiLU(), conv(32, 32, 4, 2, 1), torch::nn::SiLU(),
        conv(32, 64, 3), torch::nn::SiLU(), conv(64, 64, 4, 2, 1), torch::nn::SiLU(), conv(64, latentChannels, 3)));
    auto upsample = [] {
        return torch::nn::Upsample(torch::nn::UpsampleOptions().scale_factor(std::vector<double>{2.0, 2.0})
                                       .mode(torch::kNearest));
    };
    if (!hmiDecoder) {
        dec = register_module("dec", torch::nn::Sequential(
            conv(latentChannels, 64, 3), torch::nn::SiLU(), upsample(), conv(64, 32, 3), torch::nn::SiLU(), upsample(),
            conv(32, 32, 3), torch::nn::SiLU(), conv(32, channels, 3)));
        return;
    }
    dec = register_module("dec", torch::nn::Sequential(
        conv(latentChannels, 64, 3), torch::nn::SiLU(), upsample(), conv(64, 32, 3), torch::nn::SiLU(), upsample(),
        conv(32, 32, 3), torch::nn::SiLU()));
    decHint = register_module("dec_hint", torch::nn::Sequential(conv(1, 16, 3), torch::nn::SiLU(), conv(16, 16, 3),
                                                                torch::nn::SiLU()));
    decOut = register_module("dec_out", torch::nn::Sequential(conv(48, 32, 3), torch::nn::SiLU(), conv(32, channels, 3)));
}

torch::Tensor LatentAutoencoderImpl::encode(const torch::Tensor &x) { return enc->forward(x); }

torch::Tensor LatentAutoencoderImpl::decode(const torch::Tensor &z, const torch::Tensor &hmi)
{
    if (!decHint)
        return dec->forward(z);
    TORCH_CHECK(hmi.defined() && hmi.size(1) == 1 && hmi.size(-1) == 4 * z.size(-1),
                "the HMI decoder needs the HMI pixels [B, 1, 4L, 4L]");
    return decOut->forward(torch::cat({dec->forward(z), decHint->forward(hmi)}, 1));
}

torch::Tensor timestepEmbedding(const torch::Tensor &t, int dim)
{
    const int half = dim / 2;
    auto freqs = torch::exp(-std::log(10000.0) * torch::arange(half, torch::kFloat32) / half).to(t.device());
    auto a = t.to(torch::kFloat32).unsqueeze(1) * freqs.unsqueeze(0);
    return torch::cat({torch::sin(a), torch::cos(a)}, 1);
}

UNetEncoderImpl::UNetEncoderImpl(int latentChannels)
{
    timeMlp = register_module("time", torch::nn::Sequential(torch::nn::Linear(64, kTembDim), torch::nn::SiLU(),
                                                            torch::nn::Linear(kTembDim, kTembDim)));
    convIn = register_module("conv_in", conv(latentChannels, kBase, 3));
    rb1 = register_module("rb1", ResBlock(kBase, kBase, kTembDim));
    down1 = register_module("down1", conv(kBase, kBase, 3, 2, 1));
    rb2 = register_module("rb2", ResBlock(kBase, 2 * kBase, kTembDim));
    down2 = register_module("down2", conv(2 * kBase, 2 * kBase, 3, 2, 1));
    rb3 = register_module("rb3", ResBlock(2 * kBase, 2 * kBase, kTembDim));
    mid = register_module("mid", ResBlock(2 * kBase, 2 * kBase, kTembDim));
}

std::vector<torch::Tensor> UNetEncoderImpl::forward(const torch::Tensor &z, const torch::Tensor &t, torch::Tensor *temb,
                                                    const torch::Tensor &inputAdd)
{
    auto e = timeMlp->forward(timestepEmbedding(t, 64));
    if (temb)
        *temb = e;
    auto h0 = convIn(z);
    if (inputAdd.defined())
        h0 = h0 + inputAdd;
    auto h1 = rb1(h0, e);
    auto h2 = rb2(down1(h1), e);
    auto h3 = rb3(down2(h2), e);
    auto m = mid(h3, e);
    return {h0, h1, h2, h3, m};
}

UNetDecoderImpl::UNetDecoderImpl(int latentChannels)
{
    u3 = register_module("u3", ResBlock(4 * kBase, 2 * kBase, kTembDim));
    up2 = register_module("up2", conv(2 * kBase, 2 * kBase, 3));
    u2 = register_module("u2", ResBlock(4 * kBase, 2 * kBase, kTembDim));
    up1 = register_module("up1", conv(2 * kBase, 2 * kBase, 3));
    u1 = register_module("u1", ResBlock(3 * kBase, kBase, kTembDim));
    u0 = register_module("u0", ResBlock(2 * kBase, kBase, kTembDim));
    normOut = register_module("norm_out", norm(kBase));
    convOut = register_module("conv_out", conv(kBase, latentChannels, 3));
}

torch::Tensor UNetDecoderImpl::forward(const std::vector<torch::Tensor> &f, const torch::Tensor &temb)
{
    auto h = u3(torch::cat({f[4], f[3]}, 1), temb);
    h = up2(up(h));
    h = u2(torch::cat({h, f[2]}, 1), temb);
    h = up1(up(h));
    h = u1(torch::cat({h, f[1]}, 1), temb);
    h = u0(torch::cat({h, f[0]}, 1), temb);
    return convOut(torch::silu(normOut(h)));
}

DenoiserUNetImpl::DenoiserUNetImpl(int latentChannels)
{
    encoder = register_module("encoder", UNetEncoder(latentChannels));
    decoder = register_module("decoder", UNetDecoder(latentChannels));
}

torch::Tensor DenoiserUNetImpl::forward(const torch::Tensor &z, const torch::Tensor &t,
                                        const std::vector<torch::Tensor> *residuals)
{
    torch::Tensor temb;
    auto f = encoder->forward(z, t, &temb);
    if (residuals)
        for (std::size_t i = 0; i < f.size() && i < residuals->size(); ++i)
            f[i] = f[i] + (*residuals)[i];
    return decoder->forward(f, temb);
}

ControlBranchImpl::ControlBranchImpl(int tokenDim, int latentChannels, bool withPixelHint)
{
    hint = register_module("hint", torch::nn::Sequential(conv(tokenDim, 64, 1), torch::nn::SiLU(), conv(64, kBase, 3),
                                                         torch::nn::SiLU(), conv(kBase, kBase, 3), torch::nn::SiLU()));
    hintZero = register_module("hint_zero", zeroConv(kBase, kBase, 3));
    if (withPixelHint) {
        pixelHint = register_module("pixel_hint", torch::nn::Sequential(
            conv(1, 16, 3), torch::nn::SiLU(), conv(16, 32, 4, 2, 1), torch::nn::SiLU(), conv(32, kBase, 4, 2, 1),
            torch::nn::SiLU(), conv(kBase, kBase, 3), torch::nn::SiLU()));
        pixelZero = register_module("pixel_zero", zeroConv(kBase, kBase, 3));
    }
    copy = register_module("copy", UNetEncoder(latentChannels));
    zero = register_module("zero", torch::nn::ModuleList());
    for (int w : {kBase, kBase, 2 * kBase, 2 * kBase, 2 * kBase})
        zero->push_back(zeroConv(w, w, 1));
}

void ControlBranchImpl::initFrom(UNetEncoder &base)
{
    torch::NoGradGuard ng;
    auto src = base->named_parameters();
    for (auto &p : copy->named_parameters())
        p.value().copy_(src[p.key()]);
}

std::vector<torch::Tensor> ControlBranchImpl::forward(const torch::Tensor &z, const torch::Tensor &t,
                                                      const torch::Tensor &tokens, const torch::Tensor &pixels)
{
    const auto L = z.size(-1);
    auto h = tokens;
    if (h.size(-1) != L)
        h = F::interpolate(h, F::InterpolateFuncOptions().size(std::vector<int64_t>{L, L}).mode(torch::kBilinear)
                                  .align_corners(false));
    auto add = hintZero(hint->forward(h));
    if (pixelHint) {
        TORCH_CHECK(pixels.defined() && pixels.size(-1) == 4 * L && pixels.size(1) == 1,
                    "the control branch's pixel hint needs the HMI pixels [B, 1, 4L, 4L]");
        add = add + pixelZero(pixelHint->forward(pixels));
    }
    auto f = copy->forward(z, t, nullptr, add);
    std::vector<torch::Tensor> out;
    for (std::size_t i = 0; i < f.size(); ++i)
        out.push_back(zero[i]->as<torch::nn::Conv2dImpl>()->forward(f[i]));
    return out;
}

RegressionUNetImpl::RegressionUNetImpl(int outChannels)
{
    convIn = register_module("conv_in", conv(1, kBase, 3));
    r0 = register_module("r0", ResBlock(kBase, kBase, 0));
    d1 = register_module("d1", conv(kBase, kBase, 3, 2, 1));
    r1 = register_module("r1", ResBlock(kBase, 2 * kBase, 0));
    d2 = register_module("d2", conv(2 * kBase, 2 * kBase, 3, 2, 1));
    r2 = register_module("r2", ResBlock(2 * kBase, 2 * kBase, 0));
    d3 = register_module("d3", conv(2 * kBase, 2 * kBase, 3, 2, 1));
    r3 = register_module("r3", ResBlock(2 * kBase, 4 * kBase, 0));
    m = register_module("m", ResBlock(4 * kBase, 4 * kBase, 0));
    u3 = register_module("u3", conv(4 * kBase, 2 * kBase, 3));
    q3 = register_module("q3", ResBlock(4 * kBase, 2 * kBase, 0));
    u2 = register_module("u2", conv(2 * kBase, 2 * kBase, 3));
    q2 = register_module("q2", ResBlock(4 * kBase, kBase, 0));
    u1 = register_module("u1", conv(kBase, kBase, 3));
    q1 = register_module("q1", ResBlock(2 * kBase, kBase, 0));
    normOut = register_module("norm_out", norm(kBase));
    convOut = register_module("conv_out", conv(kBase, outChannels, 3));
}

torch::Tensor RegressionUNetImpl::forward(const torch::Tensor &x)
{
    const torch::Tensor none;
    auto h0 = r0(convIn(x), none);          // S
    auto h1 = r1(d1(h0), none);             // S/2
    auto h2 = r2(d2(h1), none);             // S/4
    auto h3 = m(r3(d3(h2), none), none);    // S/8
    auto h = q3(torch::cat({u3(up(h3)), h2}, 1), none);  // S/4
    h = q2(torch::cat({u2(up(h)), h1}, 1), none);        // S/2
    h = q1(torch::cat({u1(up(h)), h0}, 1), none);        // S
    return convOut(torch::silu(normOut(h)));
}

torch::Tensor cosineAlphaBar(int steps)
{
    auto f = [](double t) {
        const double s = 0.008;
        const double c = std::cos((t + s) / (1 + s) * M_PI / 2);
        return c * c;
    };
    std::vector<float> ab(steps);
    double prod = 1;
    for (int i = 0; i < steps; ++i) {
        const double beta = std::min(1.0 - f(double(i + 1) / steps) / f(double(i) / steps), 0.999);
        prod *= 1 - beta;
        ab[i] = static_cast<float>(prod);
    }
    return torch::tensor(ab);
}

std::vector<int> ddimTimesteps(const torch::Tensor &alphaBar, int steps, double minAlphaBar)
{
    const auto ab = alphaBar.to(torch::kCPU).to(torch::kFloat32).contiguous();
    const float *abp = ab.data_ptr<float>();
    const int T = static_cast<int>(ab.size(0));
    int start = T - 1;
    while (start > 0 && abp[start] < minAlphaBar)
        --start;
    steps = std::max(1, std::min(steps, start + 1));
    std::vector<int> ts;
    for (int i = 0; i < steps; ++i)
        ts.push_back(static_cast<int>(std::lround(double(start) * (steps - 1 - i) / std::max(1, steps - 1))));
    if (steps == 1)
        ts = {start};
    return ts;
}

torch::Tensor ddimSample(const std::function<torch::Tensor(const torch::Tensor &, const torch::Tensor &)> &eps,
                         const torch::Tensor &noise, const torch::Tensor &alphaBar, int steps,
                         const std::function<bool(int, int)> &progress, double minAlphaBar)
{
    const std::vector<int> ts = ddimTimesteps(alphaBar, steps, minAlphaBar);
    steps = static_cast<int>(ts.size());
    auto z = noise;
    const auto ab = alphaBar.to(torch::kCPU);
    const float *abp = ab.data_ptr<float>();
    for (int i = 0; i < steps; ++i) {
        const int t = ts[i];
        const double a = abp[t];
        const double aPrev = i + 1 < steps ? abp[ts[i + 1]] : 1.0;
        auto tt = torch::full({z.size(0)}, t, torch::TensorOptions().dtype(torch::kLong).device(z.device()));
        auto e = eps(z, tt);
        auto x0 = (z - std::sqrt(1 - a) * e) / std::sqrt(a);
        x0 = x0.clamp(-6, 6);
        // Re-derive the noise from the clamped x0 so the step stays consistent with it.
        e = (z - std::sqrt(a) * x0) / std::sqrt(1 - a);
        z = std::sqrt(aPrev) * x0 + std::sqrt(1 - aPrev) * e;
        if (progress && !progress(i + 1, steps))
            return {};
    }
    return z;
}

}  // namespace solarchip::detail
