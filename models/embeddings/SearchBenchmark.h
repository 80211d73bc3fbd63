#pragma once
// `solarchip bench search`: query time, recall and size of the similarity index kinds on clustered synthetic
// unit vectors (what patch embeddings look like: many near-duplicates of a few thousand kinds of cell), with
// FAISS's exact inner-product search (IndexFlatIP) in the same run as the reference every recall is measured
// against. Single queries (one at a time, as a click issues them), timed with a steady clock.

#include "core/base/Expected.h"

#include <QJsonObject>
#include <QString>

#include <functional>
#include <vector>

namespace solarchip {

struct SearchBenchOptions {
    std::vector<qint64> sizes{100000};
    int dim = 128;                  ///< the default model's patch dimension
    int queries = 100;
    int k = 10;
    int clusters = 0;               ///< 0: n / 200 (at least 16)
    double spread = 0.35;           ///< within-cluster noise (per-dimension sigma * sqrt(dim))
    std::vector<int> nprobes{16, 64};
    std::vector<int> reranks{10, 50};  ///< shortlist factors timed (each also without re-ranking once)
    int threads = 2;                ///< OpenMP threads for FAISS (the 2-core target)
    quint64 seed = 7;
};

struct SearchBenchRow {
    QString index;                  ///< "faiss-flat-exact", "ivfpq-rerank(nprobe=16)", ...
    qint64 vectors = 0;
    int dim = 0;
    double queryMsP50 = 0, queryMsP95 = 0;
    double recall10VsExact = 0;
    double buildS = 0;
    qint64 indexBytes = 0;          ///< serialised FAISS index
    qint64 memoryBytes = 0;         ///< index structure in memory (+ re-ranking vectors where kept)
    int nprobe = 0;
    QJsonObject toJson() const;
};

/// Runs the benchmark; `log` receives one line per finished row (may be empty).
Expected<std::vector<SearchBenchRow>> runSearchBenchmark(const SearchBenchOptions &options,
                                                         const std::function<void(const SearchBenchRow &)> &log = {});

}  // namespace solarchip
