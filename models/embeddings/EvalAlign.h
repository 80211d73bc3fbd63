#pragma once
// Cross-modal alignment metrics of a SolarCHIP encoder on held-out times (what `solarchip eval-align`
// prints). Two questions, each answered by cosine-similarity ranking:
//  - cls:   for each sample i, is the AIA CLS embedding of the same time the nearest (among all evaluated
//           samples' AIA CLS embeddings) to the HMI CLS embedding of sample i?
//  - patch: within one sample, for each AIA patch p, is the HMI patch at the same grid position p the nearest
//           among that sample's HMI patches? (The intra-sample question the method's L_int trains for.)
//  - patch_top1_other_time: the same question asked with the HMI patches of another sample (half the evaluated
//           set away in time order). Cells matched by content score near chance here; cells matched by where
//           they are (e.g. a ViT whose two encoders learned aligned positional embeddings) score as high as on
//           patch_top1. patch_top1 - patch_top1_other_time is the part of the alignment that content explains.
// Ranks are 1-based and pessimistic on ties (an equally similar wrong candidate counts as ranked above the
// right one), so a degenerate encoder that maps everything to one vector scores rank n, not 1.
// Chance levels: top1 = 1/n (1/N for patches), mean rank = (n+1)/2 ((N+1)/2).

#include "core/base/Expected.h"

#include <QJsonObject>

#include <vector>

namespace solarchip {

/// CLS and patch embeddings of one channel for `count` samples, row-major float32.
struct ChannelEmbeddings {
    int count = 0;    // samples
    int patches = 0;  // patch tokens per sample (grid^2)
    int dim = 0;      // embedding dimension
    std::vector<float> cls;    // count * dim
    std::vector<float> patch;  // count * patches * dim

    const float *clsOf(int sample) const { return cls.data() + static_cast<std::size_t>(sample) * dim; }
    const float *patchesOf(int sample) const
    {
        return patch.data() + static_cast<std::size_t>(sample) * patches * dim;
    }
};

struct AlignMetrics {
    int nSamples = 0;
    int nPatches = 0;
    double clsTop1 = 0;       // fraction of HMI CLS queries whose nearest AIA CLS is the same time
    double clsMeanRank = 0;   // mean rank of the right AIA CLS (1 = best)
    double clsChance = 0;     // 1/n
    double clsMeanRankChance = 0;  // (n+1)/2
    double patchTop1 = 0;     // fraction of AIA patch queries whose nearest HMI patch is the same position
    double patchMeanRank = 0;
    double patchChance = 0;   // 1/N
    double patchMeanRankChance = 0;  // (N+1)/2
    double patchTop1OtherTime = 0;   // patch_top1 with the HMI patches of sample (i + n/2) mod n

    /// Keys: n_samples, n_patches, cls_top1, cls_mean_rank, cls_chance, cls_mean_rank_chance, patch_top1,
    /// patch_mean_rank, patch_chance, patch_mean_rank_chance, patch_top1_other_time.
    QJsonObject toJson() const;
};

class EvalAlign {
public:
    /// `hmi` and `aia` must describe the same samples in the same order with equal shapes; n >= 2.
    static Expected<AlignMetrics> evaluate(const ChannelEmbeddings &hmi, const ChannelEmbeddings &aia);
};

}  // namespace solarchip
