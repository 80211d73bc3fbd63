#pragma once
// Flare-forecast heads on frozen SolarCHIP embeddings (issue 12). Four architectures, all small enough to train
// in seconds on the embeddings of a few years of daily sets:
//   Linear     logistic (or softmax) regression on the CLS vectors of every channel, concatenated;
//   MeanPool   the same regression on the mean of the on-disk patch tokens (channels concatenated per cell): the
//              logit is a sum of one term per cell, w . (x_i - mean) / (C std), so every cell's share of the
//              forecast is exact without re-encoding (the synthetic flare rate is likewise a sum over regions);
//   Quad       a quadratic pool: each on-disk token is projected, per channel, on the first `quadComponents`
//              principal directions of the tokens of the unlabelled rows (centred, divided by each direction's
//              spread: z_i), and the head is the linear one above on the cells' mean of [z_i, z_i^2]. Its logit is
//              still one exact term per cell (b + sum_i w . ([z_i, z_i^2] - mean) / (C std)), but each term grows
//              with how far a cell's token strays from the disk's usual tokens, in either direction: a quiet Sun's
//              cells add little, an active region's much. Projection and spreads come from features only, never
//              labels, and stay fixed when the encoder is fine-tuned.
//   Attention  a gated attention pool over the on-disk patch tokens (channels concatenated per cell):
//              a_i = softmax_i(v . tanh(W x_i + b)), pooled = sum_i a_i x_i, logits = U pooled + c, so a single
//              flaring region can carry the full-disk probability; its weights a_i are the attribution map.
// Inputs are standardised with the training samples' mean and spread (kept with the head). Class imbalance is
// handled in the loss (positive weight N-/N+, inverse-frequency class weights for 4-class), never by resampling
// the evaluation. The validation block also calibrates and picks the threshold; the test block is never seen.
//
// Linear and mean-pool heads are an L2-penalised logistic (softmax) regression, a convex problem: each is solved to convergence
// by full-batch L-BFGS from zero weights (deterministic), once per L2 coefficient of `weightDecayGrid`, and the
// coefficient with the lowest validation loss is kept (or the one given). Full-batch Adam at 1e-2 with
// "best validation epoch" selection, the earlier scheme, oscillated (validation loss up and down by 0.2-0.3
// between evaluations on the seed-23 archive), so the kept epoch (5-15 of 300) was a trough of that oscillation
// picked before the L2 term had any effect (|w| 0.28 at epoch 5 for decay 1e-3 and 0.27 for 0.1).
// Attention heads (not convex) had the same defect, worse: Adam at 1e-2 kept epoch 5 of 150 on seed 23 while the
// validation loss rose from 1.15 (epoch 25) to 15.3 (epoch 150) as the training loss fell to 0.01 (overfitting with
// an L2 of 1e-3). They are now fitted like the linear heads: full-batch L-BFGS from one seeded start for each L2
// coefficient of `weightDecayGrid` (on all weights), the lowest validation loss kept.
// Saving and the encoder check are FlareRun's (models/flare/FlareRun.h). Torch only in the .cpp.

#include "core/base/Expected.h"

#include <QJsonObject>
#include <QMap>
#include <QString>

#include <functional>
#include <vector>

namespace solarchip {

/// Embeddings of n sets as the heads read them.
struct FlareFeatures {
    int n = 0;
    int width = 0;               ///< channels * dim (one CLS row, one patch token)
    int cells = 0;               ///< on-disk patch cells kept per set
    std::vector<qint64> timesMs; ///< [n]
    std::vector<float> cls;      ///< [n, width]
    std::vector<float> patches;  ///< [n, cells, width]; empty when only CLS was loaded
    std::vector<int> cellIndex;  ///< [cells] row-major grid index of each kept cell
    int grid = 0;
    int channels = 1;            ///< channel blocks in `width` (width / channels values each); the quad head projects per block
    /// [n] total unsigned HMI flux of each set (Mx, core/map/DiskFlux; NaN where unknown), for the non-learned
    /// baseline beside the head (core/archive/FlareFluxBaseline); empty when not computed. Heads never read it.
    std::vector<double> diskFlux;

    /// The rows `idx` only (same cells).
    FlareFeatures subset(const std::vector<int> &idx) const;
};

enum class FlareHeadKind { Linear, Attention, MeanPool, Quad };
QString flareHeadKindName(FlareHeadKind kind);  ///< "linear", "attn", "mean", "quad"
/// The kind named "linear", "attn", "mean" or "quad"; false for anything else.
bool flareHeadKindFromName(const QString &name, FlareHeadKind *kind);
/// Whether heads of this kind read the on-disk patch tokens (attn, mean, quad) rather than the CLS rows (linear).
inline bool flareHeadReadsPatches(FlareHeadKind kind) { return kind != FlareHeadKind::Linear; }

struct FlareHeadOptions {
    FlareHeadKind kind = FlareHeadKind::Linear;
    int classes = 2;        ///< 2: one logit (binary); 4: quiet/C/M/X
    int epochs = 300;       ///< L-BFGS iterations at most, per L2 coefficient
    double weightDecay = -1;  ///< L2 coefficient; < 0: picked on validation from weightDecayGrid
    std::vector<double> weightDecayGrid{1e-3, 1e-2, 1e-1, 1, 10, 100};
    /// Linear and mean-pool heads: fit on the first K principal components of the standardised inputs (the basis from the
    /// unlabelled rows, see FlareHead::train), the weights folded back to the full width afterwards, so the
    /// saved head has the same form. 0: no projection (all inputs); < 0: K picked on validation, jointly with
    /// the L2 coefficient, from componentsGrid (0 there meaning all inputs).
    int components = 0;
    std::vector<int> componentsGrid{2, 4, 8, 16, 32, 64, 0};  ///< quad heads try 1 first as well (FlareHead::train)
    /// Quad heads: principal directions kept per channel block (at most the block's width).
    int quadComponents = 16;
    int hidden = 32;        ///< attention width
    quint64 seed = 1;
};

class FlareHead {
public:
    struct Progress {
        int epoch = 0, epochs = 0;
        double trainLoss = 0, valLoss = 0;
    };
    /// Trains on rows `train` of `x` with `labels` (per row of x: 0/1, or 0..3), keeps the fit with the lowest
    /// loss on rows `val`. Errors when a class needed by the loss has no example in `train`.
    /// `unlabeled`: rows whose features, never their labels, may shape the inputs (the standardisation and the
    /// principal-component basis) — the whole training block when only a fraction of its labels is used, as the
    /// embeddings of a time block cost nothing to have; empty: the rows `train`.
    static Expected<FlareHead> train(const FlareFeatures &x, const std::vector<int> &labels, const std::vector<int> &train,
                                     const std::vector<int> &val, const FlareHeadOptions &options,
                                     const std::function<void(const Progress &)> &progress = {},
                                     const std::vector<int> &unlabeled = {});

    /// Scores of every row: binary -> one logit per row; 4-class -> 4 logits per row (row-major).
    /// `attention` (Attention heads) receives [n, cells] pool weights.
    Expected<std::vector<double>> scores(const FlareFeatures &x, std::vector<float> *attention = nullptr) const;

    FlareHeadKind kind() const { return m_kind; }
    int classes() const { return m_classes; }
    int width() const { return m_width; }
    int cells() const { return m_cells; }
    int bestEpoch() const { return m_bestEpoch; }
    /// How it was fitted: {"solver", "weight_decay", "components", "standardised_on" (rows),
    /// "validation_loss_by_weight_decay": [[l2, loss], ...] at the chosen components, and with a components grid
    /// "validation_loss_by_components": [[components, best loss], ...]}.
    QJsonObject fitReport() const { return m_fit; }
    /// One parameter ("mean", "std", "w", "b", "att_w", "att_b", "att_v"; quad: "tok_mean" [width], "tok_proj"
    /// [width, P] block-diagonal per channel, "tok_scale" [P], with "mean"/"std"/"w" then over the 2P pooled values)
    /// and its shape; empty when absent.
    std::vector<float> parameter(const QString &name, std::vector<int64_t> *shape = nullptr) const;

    QJsonObject toJson() const;
    static Expected<FlareHead> fromJson(const QJsonObject &json);

private:
    struct Param {
        std::vector<int64_t> shape;
        std::vector<float> values;
    };
    FlareHeadKind m_kind = FlareHeadKind::Linear;
    int m_classes = 2, m_width = 0, m_cells = 0, m_hidden = 0, m_bestEpoch = 0;
    QMap<QString, Param> m_params;  // "mean", "std", "w", "b" (+ "att_w", "att_b", "att_v" for Attention, "tok_*" for Quad)
    QJsonObject m_fit;
    friend struct FlareHeadTorch;
};

}  // namespace solarchip
