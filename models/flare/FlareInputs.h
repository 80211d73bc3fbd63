#pragma once
// What the app's flare panel (issue 12) needs around a trained head (models/flare/FlareRun): the head's inputs
// built from embeddings the app already has (the InferenceWorker's SetEmbeddings of the set on screen, or the
// records of the archive's embedding store), and a per-cell attribution of the forecast. No torch here.
//
// Inputs follow loadFlareFeatures exactly: the CLS rows of every model channel concatenated in the model's
// channel order; for attention heads the patch tokens of the on-disk cells (centre within 0.95 R_sun of the
// reference member, row-major), channels concatenated per cell. The CLI takes the on-disk cells of the archive's
// first set, the panel those of the set on screen: the same cells unless the apparent radius moved a cell centre
// across the limit; then the cell count differs from the head's and the panel says so.
//
// Attribution, per head type (what a physicist may read from each):
//   attention head, "pool weight": the softmax weights a_i the head itself pools the tokens with (sum 1): the
//     share of the full-disk vector each cell contributes. Exact: it is the head's own computation.
//   attention head, "occlusion": P(event) with every cell minus P(event) with cell i left out of the pool (the
//     softmax renormalised over the other cells, nothing else changed), in probability units after the head's
//     calibration: > 0 where the cell raises the forecast. Exact for this head (no re-encoding is involved, since
//     the head reads only the cells' tokens), so it shows which regions drive the probability and in which sign.
//   mean-pool head, "logit contribution": the head's logit is b + sum_i w . z_i / C (z_i the cell's standardised
//     token, C the cells): each cell's term w . z_i / C, in logit units (before calibration), sums with b to the
//     logit exactly. Binary heads (a 4-class head has four logits: use occlusion).
//   mean-pool head, "occlusion": as for the attention head, with the mean taken over the other cells.
//   quad head, "logit contribution" and "occlusion": as for the mean-pool head, each cell's term computed from its
//     pooled values [z_i, z_i^2] (FlareHead.h): a cell whose token strays from the disk's usual tokens weighs more.
//   linear head: it reads only the full-disk CLS vectors, which the encoder computes from every cell at once;
//     a faithful per-cell attribution would occlude each cell in the input and re-encode the set (grid^2 encoder
//     runs), which the panel does not do: it says so and how to get a map (an attention head, --head attn).
// Every method recomputes the forward pass here in double precision from the head's saved parameters
// and check that P(event) with every cell matches FlareRun::predict (else an Error: the formula drifted).

#include "core/base/Expected.h"
#include "models/flare/FlareRun.h"

#include <QStringList>

#include <vector>

namespace solarchip {

struct SetEmbeddings;
struct EmbeddingRecord;
class EmbeddingStore;

/// The head inputs of one encoded set. `channels` are the head's (the model's, in order): every one must be
/// in the set. `patches` adds the tokens of `cellIndex` (attention heads; null: the set's own on-disk cells).
Expected<FlareFeatures> flareFeaturesOfSet(const SetEmbeddings &e, const QStringList &channels, bool patches,
                                           const std::vector<int> *cellIndex = nullptr);

/// The cells an attention head of this store's model reads, by loadFlareFeatures' rule: the on-disk cells of
/// the archive's first set (the store's earliest record, from its files' headers and the store's prep). The set
/// on screen's own on-disk cells can differ by a ring of cells at the 0.95 R_sun limit as the apparent radius
/// changes over the year, which the head would refuse.
Expected<std::vector<int>> flareHeadCells(const EmbeddingStore &store);

/// The head inputs of store records (one row each, in the order given). `cellIndex` as FlareFeatures::cellIndex
/// (used when `patches`).
Expected<FlareFeatures> flareFeaturesOfRecords(const std::vector<EmbeddingRecord> &records, int channels, int dim, int grid,
                                               const std::vector<int> &cellIndex, bool patches);

enum class FlareAttributionMethod { PoolWeight, Occlusion, LogitContribution };
QString flareAttributionMethodName(FlareAttributionMethod method);  ///< "pool_weight", "occlusion", "logit_contribution"
/// The panel's first attribution of a head: the attention pool's weights, or a mean-pool head's logit terms.
FlareAttributionMethod flareNativeAttribution(FlareHeadKind kind);

struct FlareAttribution {
    FlareAttributionMethod method = FlareAttributionMethod::PoolWeight;
    std::vector<float> values;  ///< [grid*grid], NaN for cells the head does not read
    int topCell = -1;           ///< grid index of the largest value
    double probability = 0;     ///< calibrated P(event) with every cell (equals FlareRun::predict's primary)
};

/// The attribution of row 0 of `x` (one set) under `run`'s head. Errors for linear heads (see above), a method
/// the head has not (pool weights of a mean-pool head, logit terms of a 4-class head) and inputs it does not take.
Expected<FlareAttribution> flareAttribution(const FlareRun &run, const FlareFeatures &x, FlareAttributionMethod method);

}  // namespace solarchip
