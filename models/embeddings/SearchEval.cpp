#include "models/embeddings/SearchEval.h"

#include "models/detail/Guarded.h"
#include "models/embeddings/EvalSuite.h"
#include "models/embeddings/SimilarityIndex.h"

#include <QJsonArray>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>

namespace solarchip {

int fluxClassOf(double fluxMx) { return fluxMx < 1e22 ? 0 : fluxMx < 3e22 ? 1 : 2; }
int flareClassOf(double flareRateCPerDay) { return flareRateCPerDay >= 0.1 ? 1 : 0; }

QJsonObject SearchEvalMetrics::toJson() const
{
    const auto rc = EvalSuite::wilson95(static_cast<double>(recalled), queries);
    const auto pc = EvalSuite::wilson95(static_cast<double>(similarHits), hits);
    return QJsonObject{{QStringLiteral("same_region_recall10"), recall10},
                       {QStringLiteral("same_region_recall10_n"), static_cast<double>(queries)},
                       {QStringLiteral("same_region_recall10_ci95"), QJsonArray{rc.first, rc.second}},
                       {QStringLiteral("same_region_recall10_chance"), recallChance},
                       {QStringLiteral("similar_class_precision10"), precision10},
                       {QStringLiteral("similar_class_precision10_n"), static_cast<double>(hits)},
                       {QStringLiteral("similar_class_precision10_ci95"), QJsonArray{pc.first, pc.second}},
                       {QStringLiteral("similar_class_precision10_chance"), precisionChance}};
}

namespace {

bool near(int a, int b, int grid, int cells)
{
    return a >= 0 && b >= 0 && std::abs(a / grid - b / grid) <= cells && std::abs(a % grid - b % grid) <= cells;
}

Expected<SearchEvalMetrics> evaluateUnguarded(const SearchEvalInput &in)
{
    const int g = in.grid, np = g * g, dim = in.dim, nf = static_cast<int>(in.frames.size());
    if (g <= 0 || dim <= 0 || in.vectors.size() != static_cast<std::size_t>(nf) * np * dim)
        return Error{QString(), QStringLiteral("eval-search input: %1 floats for %2 frames of %3 cells x %4").arg(in.vectors.size()).arg(nf).arg(np).arg(dim)};
    // Every on-disk cell of every frame, unit rows.
    std::vector<float> v;
    std::vector<IndexEntry> entries;
    std::vector<qint64> times;
    for (int f = 0; f < nf; ++f) {
        times.push_back(in.frames[static_cast<std::size_t>(f)].timeMs);
        const auto &od = in.frames[static_cast<std::size_t>(f)].onDisk;
        for (int c = 0; c < np; ++c) {
            if (!od.empty() && !od[static_cast<std::size_t>(c)])
                continue;
            const float *src = in.vectors.data() + (static_cast<std::size_t>(f) * np + c) * dim;
            double norm = 0;
            for (int j = 0; j < dim; ++j)
                norm += static_cast<double>(src[j]) * src[j];
            norm = norm > 0 ? std::sqrt(norm) : 1.0;
            for (int j = 0; j < dim; ++j)
                v.push_back(static_cast<float>(src[j] / norm));
            entries.push_back(IndexEntry{f, 0, static_cast<qint16>(c)});
        }
    }
    SimilarityIndexOptions o;
    o.flatLimit = std::numeric_limits<qint64>::max();
    auto index = SimilarityIndex::build(v.data(), static_cast<qint64>(entries.size()), dim, o, entries, times);
    if (!index)
        return index.error();
    const qint64 window = static_cast<qint64>(in.excludeHours * 3600000.0);

    // Where each region is at each frame.
    std::vector<std::map<int, const SearchEvalRegion *>> byId(static_cast<std::size_t>(nf));
    for (int f = 0; f < nf; ++f)
        for (const SearchEvalRegion &r : in.frames[static_cast<std::size_t>(f)].regions)
            if (r.cell >= 0)
                byId[static_cast<std::size_t>(f)][r.id] = &r;
    auto onDiskAt = [&](int f, int cell) {
        const auto &od = in.frames[static_cast<std::size_t>(f)].onDisk;
        return cell >= 0 && (od.empty() || od[static_cast<std::size_t>(cell)]);
    };
    auto similar = [&](int f, int cell, const SearchEvalRegion &q) {
        for (const SearchEvalRegion &r : in.frames[static_cast<std::size_t>(f)].regions)
            if (near(cell, r.cell, g, in.matchCells) && (r.fluxClass == q.fluxClass || r.flareClass == q.flareClass))
                return true;
        return false;
    };

    SearchEvalMetrics m;
    double chanceRecall = 0, chancePrecision = 0;
    for (int f = 0; f < nf; ++f) {
        const SearchEvalFrame &fr = in.frames[static_cast<std::size_t>(f)];
        for (const SearchEvalRegion &r : fr.regions) {
            if (!onDiskAt(f, r.cell))
                continue;
            // Eligible: the region is on the disk at some frame outside the window.
            long long candidates = 0, rightCells = 0, similarCells = 0;
            for (int f2 = 0; f2 < nf; ++f2) {
                if (std::llabs(in.frames[static_cast<std::size_t>(f2)].timeMs - fr.timeMs) <= window)
                    continue;
                const auto it = byId[static_cast<std::size_t>(f2)].find(r.id);
                for (int c = 0; c < np; ++c) {
                    if (!onDiskAt(f2, c))
                        continue;
                    ++candidates;
                    if (it != byId[static_cast<std::size_t>(f2)].end() && near(c, it->second->cell, g, in.matchCells))
                        ++rightCells;
                    if (similar(f2, c, r))
                        ++similarCells;
                }
            }
            if (rightCells == 0 || candidates == 0)
                continue;
            const float *q = in.vectors.data() + (static_cast<std::size_t>(f) * np + r.cell) * dim;
            std::vector<float> qv(q, q + dim);
            double norm = 0;
            for (float x : qv)
                norm += static_cast<double>(x) * x;
            for (float &x : qv)
                x = static_cast<float>(x / std::sqrt(std::max(norm, 1e-30)));
            auto hits = index->search(qv.data(), in.k, [&](const IndexHit &h) { return std::llabs(h.timeMs - fr.timeMs) > window; });
            if (!hits)
                return hits.error();
            bool found = false;
            for (const IndexHit &h : *hits) {
                const int f2 = h.entry.record;
                const auto it = byId[static_cast<std::size_t>(f2)].find(r.id);
                if (it != byId[static_cast<std::size_t>(f2)].end() && near(h.entry.cell, it->second->cell, g, in.matchCells))
                    found = true;
                ++m.hits;
                if (similar(f2, h.entry.cell, r))
                    ++m.similarHits;
            }
            ++m.queries;
            m.recalled += found ? 1 : 0;
            // Chance: k random candidates include a right cell with probability 1 - (1 - p)^k (with replacement).
            const double p = static_cast<double>(rightCells) / static_cast<double>(candidates);
            chanceRecall += 1.0 - std::pow(1.0 - p, in.k);
            chancePrecision += static_cast<double>(similarCells) / static_cast<double>(candidates);
        }
    }
    if (m.queries > 0) {
        m.recall10 = static_cast<double>(m.recalled) / static_cast<double>(m.queries);
        m.recallChance = chanceRecall / static_cast<double>(m.queries);
        m.precisionChance = chancePrecision / static_cast<double>(m.queries);
    }
    if (m.hits > 0)
        m.precision10 = static_cast<double>(m.similarHits) / static_cast<double>(m.hits);
    return m;
}

}  // namespace

Expected<SearchEvalMetrics> evaluateSearch(const SearchEvalInput &input)
{
    return detail::guarded(detail::Doing{QString(), QStringLiteral("evaluating archive search")}, [&] { return evaluateUnguarded(input); });
}

}  // namespace solarchip
