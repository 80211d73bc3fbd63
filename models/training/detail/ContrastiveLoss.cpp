#include "models/training/detail/ContrastiveLoss.h"

#include <cmath>

namespace solarchip::detail {

double initialLogitScale() { return std::log(1.0 / 0.07); }

torch::Tensor l2Normalize(const torch::Tensor &x, double eps)
{
    return x * torch::rsqrt(x.pow(2).sum(-1, /*keepdim=*/true) + eps * eps);
}

torch::Tensor logitScale(const torch::Tensor &logScale) { return torch::exp(logScale).clamp_max(kMaxLogitScale); }

torch::Tensor symmetricInfoNce(const torch::Tensor &logits)
{
    // CE(S, I) averaged over rows = mean_i [logsumexp_j S_ij - S_ii]; the transposed term uses columns.
    const torch::Tensor diag = logits.diagonal(0, -2, -1);  // [G, M]
    const torch::Tensor rows = torch::logsumexp(logits, -1) - diag;
    const torch::Tensor cols = torch::logsumexp(logits, -2) - diag;
    return 0.5 * (rows.mean() + cols.mean());
}

torch::Tensor clsContrastiveLoss(const torch::Tensor &pa, const torch::Tensor &pb, const torch::Tensor &logScale)
{
    const torch::Tensor u = l2Normalize(pa.select(1, 0));  // [B, D]
    const torch::Tensor v = l2Normalize(pb.select(1, 0));
    return symmetricInfoNce((logitScale(logScale) * torch::matmul(u, v.t())).unsqueeze(0));
}

torch::Tensor patContrastiveLoss(const torch::Tensor &pa, const torch::Tensor &pb, const torch::Tensor &logScale)
{
    const torch::Tensor u = l2Normalize(pa.slice(1, 1)).transpose(0, 1);  // [N, B, D]
    const torch::Tensor v = l2Normalize(pb.slice(1, 1)).transpose(0, 1);
    return symmetricInfoNce(logitScale(logScale) * torch::bmm(u, v.transpose(1, 2)));  // [N, B, B]
}

torch::Tensor intContrastiveLoss(const torch::Tensor &pa, const torch::Tensor &pb, const torch::Tensor &logScale)
{
    const torch::Tensor u = l2Normalize(pa.slice(1, 1));  // [B, N, D]
    const torch::Tensor v = l2Normalize(pb.slice(1, 1));
    return symmetricInfoNce(logitScale(logScale) * torch::bmm(u, v.transpose(1, 2)));  // [B, N, N]
}

torch::Tensor reconstructionLoss(const torch::Tensor &x, const torch::Tensor &xHat, const torch::Tensor &weight)
{
    const torch::Tensor r = (xHat - x).pow(2);
    if (!weight.defined())
        return r.mean();
    const torch::Tensor w = weight.expand_as(r);
    return (w * r).sum() / w.sum().clamp_min(1e-12);
}

ContrastiveLossImpl::ContrastiveLossImpl()
{
    const double s = initialLogitScale();
    cls_logit_scale = register_parameter("cls_logit_scale", torch::full({}, s));
    pat_logit_scale = register_parameter("pat_logit_scale", torch::full({}, s));
    int_logit_scale = register_parameter("int_logit_scale", torch::full({}, s));
}

torch::Tensor ContrastiveLossImpl::cls(const torch::Tensor &pa, const torch::Tensor &pb) const
{
    return clsContrastiveLoss(pa, pb, cls_logit_scale);
}

torch::Tensor ContrastiveLossImpl::pat(const torch::Tensor &pa, const torch::Tensor &pb) const
{
    return patContrastiveLoss(pa, pb, pat_logit_scale);
}

torch::Tensor ContrastiveLossImpl::intra(const torch::Tensor &pa, const torch::Tensor &pb) const
{
    return intContrastiveLoss(pa, pb, int_logit_scale);
}

void ContrastiveLossImpl::clampParameters()
{
    torch::NoGradGuard noGrad;
    const double hi = std::log(kMaxLogitScale);
    for (torch::Tensor *p : {&cls_logit_scale, &pat_logit_scale, &int_logit_scale})
        p->clamp_(0.0, hi);
}

}  // namespace solarchip::detail
