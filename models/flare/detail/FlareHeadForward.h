#pragma once
// The forward pass of a FlareHead (models/flare/FlareHead.h) on tensors, the one formula the frozen heads
// (FlareHead::train and ::scores) and the heads trained with their encoder (FlareFinetune.cpp) both run.

#include "models/flare/FlareHead.h"

#include <torch/torch.h>

#include <map>
#include <string>

namespace solarchip::detail {

/// Logits [n, k] (k = 1 binary) from `input`: the CLS rows [n, F] (linear), their cells' mean token [n, F]
/// (mean pool: the caller pools), or the tokens [n, cells, F] (attention, whose pool weights [n, cells] go to
/// `attention` when given). `p`: "mean", "std", "w", "b" (+ "att_w", "att_b", "att_v" for the attention pool).
inline torch::Tensor flareHeadLogits(FlareHeadKind kind, const torch::Tensor &input, const std::map<std::string, torch::Tensor> &p,
                                     torch::Tensor *attention = nullptr)
{
    const torch::Tensor x = (input - p.at("mean")) / p.at("std");
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
