#pragma once
// The forward pass of a FlareHead (models/flare/FlareHead.h) on tensors, the one formula the frozen heads
// (FlareHead::train and ::scores) and the heads trained with their encoder (FlareFinetune.cpp) both run.

#include "models/flare/FlareHead.h"

#include <torch/torch.h>

#include <map>
#include <string>

namespace solarchip::detail {

/// Whether a head parameter is a fixed map of its inputs (the standardisation "mean"/"std" and the quad pool's
/// "tok_*" projection), never trained: neither by FlareHead::train's solver nor when the encoder is fine-tuned.
inline bool isFixedHeadParameter(const std::string &name)
{
    return name == "mean" || name == "std" || name.rfind("tok_", 0) == 0;
}

/// The quad head's pooled values [n, 2P] from tokens [n, cells, F]: z = (x - tok_mean) tok_proj / tok_scale per
/// cell, then the cells' mean of z and of z^2 (FlareHead.h).
inline torch::Tensor quadPooled(const torch::Tensor &tokens, const std::map<std::string, torch::Tensor> &p)
{
    const torch::Tensor z = torch::matmul(tokens - p.at("tok_mean"), p.at("tok_proj")) / p.at("tok_scale");  // [n, c, P]
    return torch::cat({z.mean(1), z.pow(2).mean(1)}, 1);
}

/// Logits [n, k] (k = 1 binary) from `input`: the CLS rows [n, F] (linear), their cells' mean token [n, F]
/// (mean pool: the caller pools), or the tokens [n, cells, F] (quad, which pools them here; attention, whose pool
/// weights [n, cells] go to `attention` when given). `p`: "mean", "std", "w", "b" (+ "att_w", "att_b", "att_v" for
/// the attention pool, "tok_mean", "tok_proj", "tok_scale" for the quad pool).
inline torch::Tensor flareHeadLogits(FlareHeadKind kind, const torch::Tensor &input, const std::map<std::string, torch::Tensor> &p,
                                     torch::Tensor *attention = nullptr)
{
    const torch::Tensor x = ((kind == FlareHeadKind::Quad ? quadPooled(input, p) : input) - p.at("mean")) / p.at("std");
    if (kind != FlareHeadKind::Attention)  // linear, or linear on the cells' mean
        return torch::matmul(x, p.at("w").t()) + p.at("b");
    const torch::Tensor h = torch::tanh(torch::matmul(x, p.at("att_w").t()) + p.at("att_b"));  // [n, c, H]
    const torch::Tensor a = torch::softmax(torch::matmul(h, p.at("att_v")), 1);               // [n, c]
    if (attention)
        *attention = a;
    const torch::Tensor pooled = (a.unsqueeze(2) * x).sum(1);                                 // [n, F]
    return torch::matmul(pooled, p.at("w").t()) + p.at("b");
}

}  // namespace solarchip::detail
