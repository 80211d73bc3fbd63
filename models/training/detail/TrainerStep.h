#pragma once
// One optimizer step's gradient computation (torch level; used by models/Trainer.cpp and the tests).
//
// accumulateGradients() leaves in every parameter's .grad the gradient of the model's total objective
// (SolarChipNetImpl::loss) evaluated on the union of the micro-batches, as if they were one batch:
//  - one micro-batch, save-memory off: the plain forward + loss + backward;
//  - otherwise the cached-token-gradient scheme (see models/training/Trainer.h): pass 1 embeds all micro-batches
//    without a graph, the contrastive terms are back-propagated to the (leaf) tokens only; pass 2 re-runs each
//    micro-batch (with save-memory: each modality separately) and back-propagates
//        w_rec * mean_m Lrec_m * (b / B)  +  sum(tokens * dL/dtokens)
//    which is exact because the per-pixel-mean reconstruction of the whole batch is the b/B-weighted sum of the
//    micro-batch means, and the tokens are the only path from the parameters to the contrastive terms.
// With a zero reconstruction weight the decoders are not run at all (they would get no gradient).
// Gradients are accumulated (not zeroed first).
#include "models/networks/detail/SolarChipNet.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace solarchip::detail {

using Batch = std::map<std::string, torch::Tensor>;  ///< modality -> [b, C, R, R]
/// modality -> int64 [b, N]: for each sample, the cell order that brings its (quarter-turned) cells back to the
/// common layout (quarterTurnsUndoIndex). Modalities without an entry keep their cells as they are.
using CellOrder = std::map<std::string, torch::Tensor>;

/// Tokens [B, 1+N, D] with cells 1..N reordered by `order` [B, N] (out[b, 1+i] = in[b, 1+order[b, i]]); the
/// CLS token (0) is left alone. Differentiable.
torch::Tensor alignCells(const torch::Tensor &tokens, const torch::Tensor &order);

struct StepOptions {
    bool saveMemory = false;
    bool bf16Autocast = false;  ///< CUDA only: forward passes under bf16 autocast
};

struct StepValues {
    double total = 0;
    std::map<std::string, double> reconstruction;  ///< per modality, over the whole batch
    std::map<std::string, double> cls, pat, intra; ///< per pair "a|b"
    int samples = 0;
};

/// Multi-process training: maps this rank's tokens [b, 1+N, D] to the global batch's [world*b, 1+N, D] with a
/// gradient only for the local slice (DistributedContext::gatherKeepLocal); empty: one process.
using TokenGather = std::function<torch::Tensor(const torch::Tensor &)>;

/// `cellOrders` (empty, or one per micro-batch): the patch and intra-sample terms see every modality's cells
/// in the common layout, while the CLS token is that of the (independently turned) input.
/// `gather` (multi-process): the contrastive terms are computed on the gathered global batch, so the negatives
/// span every rank's sets; the reconstruction terms stay this rank's mean (the caller averages over ranks).
StepValues accumulateGradients(SolarChipNetImpl &net, const std::vector<Batch> &microBatches,
                               const StepOptions &options, const std::vector<CellOrder> &cellOrders = {},
                               const TokenGather &gather = {});

/// Forward + loss values without gradients (validation).
StepValues evaluateLoss(SolarChipNetImpl &net, const Batch &batch, bool bf16Autocast);

/// RAII bf16 autocast for CUDA (compiles against LibTorch 1.13 and 2.x); does nothing when `enabled` is false.
class AutocastBf16 {
public:
    explicit AutocastBf16(bool enabled);
    ~AutocastBf16();
    AutocastBf16(const AutocastBf16 &) = delete;
    AutocastBf16 &operator=(const AutocastBf16 &) = delete;

private:
    bool m_enabled = false;
    bool m_previous = false;
};

}  // namespace solarchip::detail
