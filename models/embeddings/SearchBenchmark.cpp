#include "models/embeddings/SearchBenchmark.h"

#include "models/detail/Guarded.h"
#include "models/embeddings/SimilarityIndex.h"

#include <QElapsedTimer>

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

namespace solarchip {

QJsonObject SearchBenchRow::toJson() const
{
    return QJsonObject{{QStringLiteral("index"), index},
                       {QStringLiteral("vectors"), static_cast<double>(vectors)},
                       {QStringLiteral("dim"), dim},
                       {QStringLiteral("query_ms_p50"), queryMsP50},
                       {QStringLiteral("query_ms_p95"), queryMsP95},
                       {QStringLiteral("recall10_vs_exact"), recall10VsExact},
                       {QStringLiteral("build_s"), buildS},
                       {QStringLiteral("index_bytes"), static_cast<double>(indexBytes)},
                       {QStringLiteral("memory_bytes"), static_cast<double>(memoryBytes)},
                       {QStringLiteral("nprobe"), nprobe}};
}

namespace {

// Clustered unit vectors: cluster centres uniform on the sphere, members = centre + gaussian noise, normalised.
// Queries are drawn the same way (new members of the same clusters, not in the index).
void clustered(std::vector<float> &out, qint64 n, int dim, const std::vector<float> &centres, int clusters, double spread,
               std::mt19937_64 &rng)
{
    out.resize(static_cast<std::size_t>(n) * dim);
    std::normal_distribution<float> noise(0.f, static_cast<float>(spread / std::sqrt(static_cast<double>(dim))));
    std::uniform_int_distribution<int> pick(0, clusters - 1);
    for (qint64 i = 0; i < n; ++i) {
        const float *c = centres.data() + static_cast<std::size_t>(pick(rng)) * dim;
        float *v = out.data() + static_cast<std::size_t>(i) * dim;
        double norm = 0;
        for (int j = 0; j < dim; ++j) {
            v[j] = c[j] + noise(rng);
            norm += static_cast<double>(v[j]) * v[j];
        }
        const float inv = static_cast<float>(1.0 / std::sqrt(norm));
        for (int j = 0; j < dim; ++j)
            v[j] *= inv;
    }
}

double percentile(std::vector<double> v, double q)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const double pos = q * static_cast<double>(v.size() - 1);
    const std::size_t lo = static_cast<std::size_t>(std::floor(pos)), hi = std::min(v.size() - 1, lo + 1);
    return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

Expected<std::vector<SearchBenchRow>> runUnguarded(const SearchBenchOptions &o, const std::function<void(const SearchBenchRow &)> &log)
{
    if (o.threads > 0)
        omp_set_num_threads(o.threads);
    std::vector<SearchBenchRow> rows;
    for (qint64 n : o.sizes) {
        std::mt19937_64 rng(o.seed + static_cast<quint64>(n));
        const int clusters = o.clusters > 0 ? o.clusters : static_cast<int>(std::max<qint64>(16, n / 200));
        std::vector<float> centres;
        {
            std::normal_distribution<float> g(0.f, 1.f);
            centres.resize(static_cast<std::size_t>(clusters) * o.dim);
            for (int c = 0; c < clusters; ++c) {
                double norm = 0;
                for (int j = 0; j < o.dim; ++j) {
                    float &x = centres[static_cast<std::size_t>(c) * o.dim + j];
                    x = g(rng);
                    norm += static_cast<double>(x) * x;
                }
                for (int j = 0; j < o.dim; ++j)
                    centres[static_cast<std::size_t>(c) * o.dim + j] /= static_cast<float>(std::sqrt(norm));
            }
        }
        std::vector<float> data, queries;
        clustered(data, n, o.dim, centres, clusters, o.spread, rng);
        clustered(queries, o.queries, o.dim, centres, clusters, o.spread, rng);

        auto timeIndex = [&](const SimilarityIndex &index, std::vector<std::vector<qint32>> *ids) -> Expected<std::vector<double>> {
            std::vector<double> ms;
            for (int q = 0; q < o.queries; ++q) {
                QElapsedTimer t;
                t.start();
                auto hits = index.search(queries.data() + static_cast<std::size_t>(q) * o.dim, o.k);
                ms.push_back(t.nsecsElapsed() / 1e6);
                if (!hits)
                    return hits.error();
                std::vector<qint32> row;
                for (const IndexHit &h : *hits)
                    row.push_back(h.entry.record);
                ids->push_back(std::move(row));
            }
            return ms;
        };

        // The reference: FAISS exact search.
        SimilarityIndexOptions flatOptions;
        flatOptions.flatLimit = std::numeric_limits<qint64>::max();
        QElapsedTimer build;
        build.start();
        auto flat = SimilarityIndex::build(data.data(), n, o.dim, flatOptions);
        if (!flat)
            return flat.error();
        SearchBenchRow exact;
        exact.index = QStringLiteral("faiss-flat-exact");
        exact.vectors = n;
        exact.dim = o.dim;
        exact.buildS = build.nsecsElapsed() / 1e9;
        std::vector<std::vector<qint32>> truth;
        auto ms = timeIndex(*flat, &truth);
        if (!ms)
            return ms.error();
        exact.queryMsP50 = percentile(*ms, 0.5);
        exact.queryMsP95 = percentile(*ms, 0.95);
        exact.recall10VsExact = 1.0;
        exact.indexBytes = n * o.dim * 4;
        exact.memoryBytes = flat->memoryBytes();
        rows.push_back(exact);
        if (log)
            log(exact);
        *flat = SimilarityIndex();

        SimilarityIndexOptions ivf;
        ivf.flatLimit = 0;
        ivf.rerank = o.reranks.empty() ? 10 : o.reranks.front();
        build.restart();
        auto pq = SimilarityIndex::build(data.data(), n, o.dim, ivf);
        if (!pq)
            return pq.error();
        const double pqBuild = build.nsecsElapsed() / 1e9;
        for (int nprobe : o.nprobes) {
            std::vector<int> reranks = o.reranks;
            reranks.push_back(1);
            for (int rerank : reranks) {
                pq->setSearchParameters(nprobe, rerank);
                std::vector<std::vector<qint32>> got;
                auto t = timeIndex(*pq, &got);
                if (!t)
                    return t.error();
                double recall = 0;
                for (int q = 0; q < o.queries; ++q) {
                    const std::set<qint32> want(truth[static_cast<std::size_t>(q)].begin(), truth[static_cast<std::size_t>(q)].end());
                    int inter = 0;
                    for (qint32 id : got[static_cast<std::size_t>(q)])
                        inter += want.count(id) ? 1 : 0;
                    recall += want.empty() ? 1.0 : static_cast<double>(inter) / static_cast<double>(want.size());
                }
                SearchBenchRow r;
                r.index = rerank > 1 ? QStringLiteral("ivfpq-rerank%1").arg(rerank) : QStringLiteral("ivfpq");
                r.vectors = n;
                r.dim = o.dim;
                r.nprobe = nprobe;
                r.queryMsP50 = percentile(*t, 0.5);
                r.queryMsP95 = percentile(*t, 0.95);
                r.recall10VsExact = recall / o.queries;
                r.buildS = pqBuild;
                r.memoryBytes = pq->memoryBytes() + (rerank > 1 ? n * o.dim * 4 : 0);
                r.indexBytes = pq->memoryBytes();
                rows.push_back(r);
                if (log)
                    log(r);
            }
        }
    }
    return rows;
}

}  // namespace

Expected<std::vector<SearchBenchRow>> runSearchBenchmark(const SearchBenchOptions &options,
                                                         const std::function<void(const SearchBenchRow &)> &log)
{
    return detail::guarded(detail::Doing{QString(), QStringLiteral("benchmarking similarity search")},
                           [&] { return runUnguarded(options, log); });
}

}  // namespace solarchip
