#include "models/embeddings/EvalAlign.h"

#include "models/detail/Guarded.h"
#include "models/embeddings/UnitRows.h"

namespace solarchip {

namespace {

// For each query row i (of n), the 1-based pessimistic rank of candidate i among all n candidates.
// Accumulates the number of rank-1 hits and the sum of ranks.
void rankDiagonal(const float *queries, const float *candidates, int n, int dim, long long &hits, double &rankSum)
{
    std::vector<double> sims(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        const float *q = queries + static_cast<std::size_t>(i) * dim;
        for (int j = 0; j < n; ++j)
            sims[j] = rowDot(q, candidates + static_cast<std::size_t>(j) * dim, dim);
        const double own = sims[i];
        long long above = 0;
        for (int j = 0; j < n; ++j)
            if (j != i && !(sims[j] < own))  // >= own, and NaN counts against
                ++above;
        if (above == 0)
            ++hits;
        rankSum += static_cast<double>(above + 1);
    }
}

}  // namespace

QJsonObject AlignMetrics::toJson() const
{
    return QJsonObject{{QStringLiteral("n_samples"), nSamples},
                       {QStringLiteral("n_patches"), nPatches},
                       {QStringLiteral("cls_top1"), clsTop1},
                       {QStringLiteral("cls_mean_rank"), clsMeanRank},
                       {QStringLiteral("cls_chance"), clsChance},
                       {QStringLiteral("cls_mean_rank_chance"), clsMeanRankChance},
                       {QStringLiteral("patch_top1"), patchTop1},
                       {QStringLiteral("patch_mean_rank"), patchMeanRank},
                       {QStringLiteral("patch_chance"), patchChance},
                       {QStringLiteral("patch_mean_rank_chance"), patchMeanRankChance},
                       {QStringLiteral("patch_top1_other_time"), patchTop1OtherTime}};
}

Expected<AlignMetrics> EvalAlign::evaluate(const ChannelEmbeddings &hmi, const ChannelEmbeddings &aia)
{
    const detail::Doing doing{{}, QStringLiteral("eval-align: ranking %1 samples of %2 patches x %3 dimensions")
                                      .arg(hmi.count).arg(hmi.patches).arg(hmi.dim)};
    return detail::guarded(doing, [&]() -> Expected<AlignMetrics> {
        if (hmi.count != aia.count || hmi.patches != aia.patches || hmi.dim != aia.dim)
            return Error{{}, QStringLiteral("eval-align: the two channels' embeddings differ in shape (%1x%2x%3 vs %4x%5x%6)")
                                 .arg(hmi.count).arg(hmi.patches).arg(hmi.dim).arg(aia.count).arg(aia.patches).arg(aia.dim)};
        const int n = hmi.count, np = hmi.patches, dim = hmi.dim;
        if (n < 2)
            return Error{{}, QStringLiteral("eval-align: need at least 2 samples to rank, got %1").arg(n)};
        if (dim <= 0 || np <= 0)
            return Error{{}, QStringLiteral("eval-align: empty embeddings")};
        const std::size_t clsSize = static_cast<std::size_t>(n) * dim;
        const std::size_t patchSize = clsSize * np;
        if (hmi.cls.size() != clsSize || aia.cls.size() != clsSize || hmi.patch.size() != patchSize
            || aia.patch.size() != patchSize)
            return Error{{}, QStringLiteral("eval-align: embedding arrays do not match their declared shape")};

        AlignMetrics m;
        m.nSamples = n;
        m.nPatches = np;
        m.clsChance = 1.0 / n;
        m.clsMeanRankChance = (n + 1) / 2.0;
        m.patchChance = 1.0 / np;
        m.patchMeanRankChance = (np + 1) / 2.0;

        {
            const std::vector<float> q = unitRows(hmi.cls.data(), n, dim);
            const std::vector<float> c = unitRows(aia.cls.data(), n, dim);
            long long hits = 0;
            double rankSum = 0;
            rankDiagonal(q.data(), c.data(), n, dim, hits, rankSum);
            m.clsTop1 = static_cast<double>(hits) / n;
            m.clsMeanRank = rankSum / n;
        }
        long long hits = 0;
        double rankSum = 0;
        for (int s = 0; s < n; ++s) {
            // Queries are the AIA patches, candidates the HMI patches of the same sample.
            const std::vector<float> q = unitRows(aia.patchesOf(s), np, dim);
            const std::vector<float> c = unitRows(hmi.patchesOf(s), np, dim);
            rankDiagonal(q.data(), c.data(), np, dim, hits, rankSum);
        }
        const double total = static_cast<double>(n) * np;
        m.patchTop1 = static_cast<double>(hits) / total;
        m.patchMeanRank = rankSum / total;
        long long otherHits = 0;
        double otherRanks = 0;
        for (int s = 0; s < n; ++s) {
            const std::vector<float> q = unitRows(aia.patchesOf(s), np, dim);
            const std::vector<float> c = unitRows(hmi.patchesOf((s + n / 2) % n), np, dim);
            rankDiagonal(q.data(), c.data(), np, dim, otherHits, otherRanks);
        }
        m.patchTop1OtherTime = static_cast<double>(otherHits) / total;
        return m;
    });
}

}  // namespace solarchip
