#pragma once
// SolarCHIP losses, vectorised (no loops over positions or samples).
//
// Notation: P_a, P_b are projected tokens [B, 1+N, Dc] of two modalities (token 0 = CLS).
// n(v) = v / sqrt(|v|^2 + eps^2) (eps = 1e-6): equal to v/|v| for any real token, and a zero vector gives 0
// with finite gradients instead of the research code's NaN.
// s = min(exp(log_scale), 100): CLIP's clamp of the logit scale.
// SymCE(S) for a stack of square logit matrices S [G, M, M] is mean_g 1/2 [CE(S_g, I) + CE(S_g^T, I)].
//   cls : S = s n(P_a[:,0]) n(P_b[:,0])^T,              G = 1, M = B  (positives: same time)
//   pat : S_i = s n(P_a[:,i]) n(P_b[:,i])^T, i = 1..N,  G = N, M = B  (same position, other times negative)
//   int : S_b = s n(P_a[b,1:]) n(P_b[b,1:])^T,          G = B, M = N  (same time, other positions negative)
#include <torch/torch.h>

namespace solarchip::detail {

constexpr double kNormEps = 1e-6;
constexpr double kMaxLogitScale = 100.0;  ///< CLIP's clamp
/// ln(1/0.07): the initial value of every log-temperature.
double initialLogitScale();

torch::Tensor l2Normalize(const torch::Tensor &x, double eps = kNormEps);
torch::Tensor logitScale(const torch::Tensor &logScale);  ///< min(exp(s), 100)
torch::Tensor symmetricInfoNce(const torch::Tensor &logits);  ///< [G, M, M] -> scalar

torch::Tensor clsContrastiveLoss(const torch::Tensor &pa, const torch::Tensor &pb, const torch::Tensor &logScale);
torch::Tensor patContrastiveLoss(const torch::Tensor &pa, const torch::Tensor &pb, const torch::Tensor &logScale);
torch::Tensor intContrastiveLoss(const torch::Tensor &pa, const torch::Tensor &pb, const torch::Tensor &logScale);

/// Reconstruction: the per-pixel mean of (x - x_hat)^2, optionally weighted by a map broadcastable to x
/// (sum w r / sum w; e.g. an on-disk mask).
///
/// Why a mean and not the research code's sum over pixels: the research loss is sum_{C,H,W} r / B, i.e.
/// H*W (~1.05e6 at 1024^2) times the per-pixel MSE, so the reconstruction gradient is a million times
/// larger than the contrastive terms (O(1-10) each at weight 1) and the contrastive objective is swamped; it
/// also changes meaning with the input size (a 256^2 preset would weigh it 16x less than 1024^2). A per-pixel
/// mean is O(1) at any resolution, so the weights in LossWeights mean the same thing for every preset.
torch::Tensor reconstructionLoss(const torch::Tensor &x, const torch::Tensor &xHat,
                                 const torch::Tensor &weight = {});

/// The three learnable log-temperatures, keys `cls_logit_scale`, `pat_logit_scale`, `int_logit_scale`
/// (0-dim, initialised to ln(1/0.07)); registered as `contrastive_loss_fn` in the multi-modal model.
class ContrastiveLossImpl : public torch::nn::Module {
public:
    ContrastiveLossImpl();
    torch::Tensor cls(const torch::Tensor &pa, const torch::Tensor &pb) const;
    torch::Tensor pat(const torch::Tensor &pa, const torch::Tensor &pb) const;
    torch::Tensor intra(const torch::Tensor &pa, const torch::Tensor &pb) const;
    /// Keeps the raw parameters within [0, ln 100] (CLIP clamps after each optimizer step; beyond ln 100 the
    /// forward clamp has zero gradient, so a parameter there could not come back). Call after optimizer.step().
    void clampParameters();

    torch::Tensor cls_logit_scale, pat_logit_scale, int_logit_scale;
};
TORCH_MODULE(ContrastiveLoss);

}  // namespace solarchip::detail
