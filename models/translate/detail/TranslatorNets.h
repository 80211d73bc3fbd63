#pragma once
// The torch networks of the HMI -> AIA translator (models/translate/Translator.h says what each is for):
// LatentAutoencoder (AIA images <-> a latent at side/4, kLatentChannels channels unless the run says otherwise), DenoiserUNet (epsilon prediction on the latent,
// split into an encoder half and a decoder half so a ControlNet copy can feed the decoder), ControlBranch (the
// trainable copy + hint encoder + zero convolutions) and RegressionUNet (the direct HMI -> AIA baseline), plus
// the cosine noise schedule and DDIM sampling.
#include <torch/torch.h>

#include <functional>
#include <vector>

namespace solarchip::detail {

/// The latent width of runs that do not record one (translator.json "latent_channels"; the first shipped default).
constexpr int kLatentChannels = 4;
constexpr int kDiffusionSteps = 1000;

/// GroupNorm + SiLU + conv, twice, with an optional time embedding added in between; 1x1 skip when widths differ.
struct ResBlockImpl : torch::nn::Module {
    ResBlockImpl(int in, int out, int tembDim);
    torch::Tensor forward(const torch::Tensor &x, const torch::Tensor &temb);
    torch::nn::GroupNorm n1{nullptr}, n2{nullptr};
    torch::nn::Conv2d c1{nullptr}, c2{nullptr}, skip{nullptr};
    torch::nn::Linear t{nullptr};
};
TORCH_MODULE(ResBlock);

/// With `hmiDecoder` (translator.json "decoder_hint": "hmi_pixels") the decoder also reads the normalised HMI
/// pixels at full resolution, joined to its last features: 304's on-disk variance is dominated by a pixel-scale
/// network texture that follows |B| pixel by pixel (on the held-out seed-2 sets CC(304, |B|) = 0.71; a 2x2 block
/// average of the true image keeps CC 0.75, a 4x4 one 0.51), which no latent at side/4 held (measured: 4 or 16
/// latent channels, a latent at side/2, L1 or MSE, space-to-depth, up to 800 steps: autoencoder ceiling 0.54-0.60
/// on 304 while the regression U-Net reaches 0.80). The latent then carries what the HMI pixels do not say.
struct LatentAutoencoderImpl : torch::nn::Module {
    explicit LatentAutoencoderImpl(int channels, int latentChannels = kLatentChannels, bool hmiDecoder = false);
    torch::Tensor encode(const torch::Tensor &x);  ///< [B, C, S, S] -> [B, latentChannels, S/4, S/4]
    /// `hmi` [B, 1, S, S] is read only by an HMI decoder (and required then).
    torch::Tensor decode(const torch::Tensor &z, const torch::Tensor &hmi = {});
    torch::nn::Sequential enc{nullptr}, dec{nullptr};
    torch::nn::Sequential decHint{nullptr}, decOut{nullptr};  ///< the HMI decoder's pixel path and output head
};
TORCH_MODULE(LatentAutoencoder);

/// Sinusoidal embedding of integer steps t [B] -> [B, dim].
torch::Tensor timestepEmbedding(const torch::Tensor &t, int dim);

/// The encoder half: time MLP, conv_in, two downsamplings, the middle block. Features: h0 (L), h1 (L), h2 (L/2),
/// h3 (L/4), mid (L/4). `inputAdd` (optional) is added after conv_in (the ControlNet hint).
struct UNetEncoderImpl : torch::nn::Module {
    explicit UNetEncoderImpl(int latentChannels = kLatentChannels);
    std::vector<torch::Tensor> forward(const torch::Tensor &z, const torch::Tensor &t, torch::Tensor *temb,
                                       const torch::Tensor &inputAdd = {});
    torch::nn::Sequential timeMlp{nullptr};
    torch::nn::Conv2d convIn{nullptr}, down1{nullptr}, down2{nullptr};
    ResBlock rb1{nullptr}, rb2{nullptr}, rb3{nullptr}, mid{nullptr};
};
TORCH_MODULE(UNetEncoder);

struct UNetDecoderImpl : torch::nn::Module {
    explicit UNetDecoderImpl(int latentChannels = kLatentChannels);
    torch::Tensor forward(const std::vector<torch::Tensor> &features, const torch::Tensor &temb);
    ResBlock u3{nullptr}, u2{nullptr}, u1{nullptr}, u0{nullptr};
    torch::nn::Conv2d up2{nullptr}, up1{nullptr};
    torch::nn::GroupNorm normOut{nullptr};
    torch::nn::Conv2d convOut{nullptr};
};
TORCH_MODULE(UNetDecoder);

/// The base denoiser: eps = decoder(encoder(z_t, t)).
struct DenoiserUNetImpl : torch::nn::Module {
    explicit DenoiserUNetImpl(int latentChannels = kLatentChannels);
    torch::Tensor forward(const torch::Tensor &z, const torch::Tensor &t,
                          const std::vector<torch::Tensor> *residuals = nullptr);
    UNetEncoder encoder{nullptr};
    UNetDecoder decoder{nullptr};
};
TORCH_MODULE(DenoiserUNet);

/// ControlNet: hint encoder (HMI tokens [B, D, g, g] resampled to L) -> zero conv -> added after the copy's
/// conv_in; the copy's five features -> five zero 1x1 convs -> residuals for the frozen decoder.
/// With `pixelHint` (translator.json "control_hint": "tokens+pixels") a second, full-resolution hint encoder
/// reads the normalised HMI pixels at the translator's side S (two stride-2 convs down to L = S/4, ControlNet's
/// own hint encoder) through its own zero conv, added beside the tokens' hint: the encoder's patch tokens are
/// coarse (an 8 px patch at 64 px), and the AIA fine structure (304's network, measured: a 4x4 block average of
/// the true 304 images keeps CC 0.51) follows HMI pixels the tokens have averaged away. The tokens stay, so a
/// random-encoder run still differs from the pretrained one only in the encoder.
struct ControlBranchImpl : torch::nn::Module {
    explicit ControlBranchImpl(int tokenDim, int latentChannels = kLatentChannels, bool pixelHint = false);
    /// Copies the base encoder's weights into the trainable copy (ControlNet's initialisation).
    void initFrom(UNetEncoder &base);
    /// `pixels` [B, 1, S, S] (S = 4 L) is read only with the pixel hint (and required then).
    std::vector<torch::Tensor> forward(const torch::Tensor &z, const torch::Tensor &t, const torch::Tensor &tokens,
                                       const torch::Tensor &pixels = {});
    torch::nn::Sequential hint{nullptr};
    torch::nn::Conv2d hintZero{nullptr};
    torch::nn::Sequential pixelHint{nullptr};  ///< absent unless constructed with pixelHint
    torch::nn::Conv2d pixelZero{nullptr};
    UNetEncoder copy{nullptr};
    torch::nn::ModuleList zero{nullptr};
};
TORCH_MODULE(ControlBranch);

/// The direct baseline: [B, 1, S, S] prepared HMI -> [B, C, S, S] normalised AIA.
struct RegressionUNetImpl : torch::nn::Module {
    explicit RegressionUNetImpl(int outChannels);
    torch::Tensor forward(const torch::Tensor &x);
    torch::nn::Conv2d convIn{nullptr}, d1{nullptr}, d2{nullptr}, d3{nullptr}, u3{nullptr}, u2{nullptr}, u1{nullptr};
    ResBlock r0{nullptr}, r1{nullptr}, r2{nullptr}, r3{nullptr}, m{nullptr}, q3{nullptr}, q2{nullptr}, q1{nullptr};
    torch::nn::GroupNorm normOut{nullptr};
    torch::nn::Conv2d convOut{nullptr};
};
TORCH_MODULE(RegressionUNet);

/// alpha_bar(t) for t = 0..T-1 of the cosine schedule (Nichol & Dhariwal 2021, s = 0.008, betas <= 0.999).
torch::Tensor cosineAlphaBar(int steps = kDiffusionSteps);

/// Where DDIM starts: the largest t whose alpha_bar is at least this. The cosine schedule's last step has
/// alpha_bar ~ 2e-9 (beta clipped at 0.999), where the x0 implied by an epsilon prediction divides the network's
/// error by sqrt(alpha_bar) ~ 5e-5: an eps error of 0.001 becomes an x0 of +-6 (the clamp), and the first DDIM
/// step injects that into the sample with weight sqrt(alpha_bar of the next step) ~ 0.08. That wiped out the
/// translated disk's brightness (measured, 171, held-out seed 17: flux error 0.96, CC 0.25). Starting lower
/// trades that for a small bias (pure noise stands in for a z_t that still holds sqrt(alpha_bar) of the signal):
/// measured on the same run, 1 sample: start 1e-3 CC 0.53, 1e-2 CC 0.68 (flux error 0.19), 3e-2 0.69 (0.12),
/// 1e-1 0.68; 8 samples at 1e-2: CC 0.76, flux error 0.03. 1e-2 is t = 934 of 1000.
constexpr double kDdimMinAlphaBar = 1e-2;

/// The `steps` DDIM timesteps, descending, evenly spaced from the start (see kDdimMinAlphaBar) down to 0.
std::vector<int> ddimTimesteps(const torch::Tensor &alphaBar, int steps, double minAlphaBar = kDdimMinAlphaBar);

/// DDIM (eta 0): `eps(z, t)` predicts the noise; starts from `noise` at ddimTimesteps(...)[0].
/// `progress(done, total)` returning false stops early (returns an undefined tensor).
torch::Tensor ddimSample(const std::function<torch::Tensor(const torch::Tensor &, const torch::Tensor &)> &eps,
                         const torch::Tensor &noise, const torch::Tensor &alphaBar, int steps,
                         const std::function<bool(int, int)> &progress = {}, double minAlphaBar = kDdimMinAlphaBar);

}  // namespace solarchip::detail
