#pragma once
// A nearest-neighbour index over the patch vectors of an embedding store (models/embeddings/EmbeddingStore.h),
// by inner product (the vectors are unit length, so the score is the cosine similarity). FAISS does the work
// behind this header (no faiss or torch types here):
//  - Flat:  exact search (faiss IndexFlatIP) while the index holds up to `flatLimit` vectors (a query scans
//           n*D floats: 32 ms at 10^5 x 128, 0.34 s at 10^6 on the loaded 2-core CPU, `solarchip bench search`).
//  - IvfPq: above it, an inverted file with product-quantised codes (faiss IndexIVFPQ) gives a shortlist of
//           `rerank` * k candidates, whose exact scores are then computed from the original vectors (read back
//           from the store's shards, or from memory for an index built from arrays), so the returned scores are
//           exact and only the recall depends on the quantiser (10^6 clustered vectors: 1 ms a query,
//           recall@10 1.0 with the default shortlist of 50 k, 0.82 with 10 k).
//
// What is indexed: for every record of the store, the on-disk cells (centre within `onDiskLimit` solar radii
// of the disk centre, through the model frame of the record's reference file; all cells when the header
// cannot give a radius) of one channel, or of every channel with the channel recorded per vector.
//
// On disk: <store>/index-<channel|all>.safetensors, written atomically. It records the store's model hash and
// the shards (file names and counts) it covers. openOrBuild() trusts it only when the model hash matches and
// its shards are the store's first shards with the same counts; when the store has more shards since, only
// their vectors are added (incremental) and the file is rewritten; anything else (another model, a shard
// rewritten or dropped, a truncated or corrupt file, a checksum that does not match) rebuilds from the store,
// and `rebuildReason` says why.

#include "core/base/Expected.h"

#include <QString>
#include <QStringList>

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace solarchip {

class EmbeddingStore;

struct SimilarityIndexOptions {
    QString channel;              ///< empty: every channel of the store in one index
    bool onDiskOnly = true;       ///< index only the cells whose centre is on the disk
    double onDiskLimit = 0.98;    ///< in solar radii
    qint64 flatLimit = 1000000;   ///< exact search up to this many vectors, IVF-PQ above
    int nlist = 0;                ///< IVF lists; 0: about sqrt(n)
    int pqBytes = 0;              ///< PQ sub-quantisers (bytes per code); 0: dim/4 (a divisor of dim)
    int nprobe = 0;               ///< lists visited per query; 0: about nlist/16, at least 16
    int rerank = 50;              ///< IVF-PQ: exact re-ranking of rerank * k candidates (bench search: 10 gave
                                  ///< recall@10 0.93 at 10^6 clustered vectors, the PQ shortlist being the limit)
    int threads = 0;              ///< OpenMP threads for FAISS; 0: leave FAISS's default
};

/// What one indexed vector is: a record (row of the store in manifest order, or of the arrays given to
/// build()), a channel (index into the store's channels) and a cell (row * grid + col, row 0 = south).
struct IndexEntry {
    qint32 record = 0;
    qint16 channel = 0;
    qint16 cell = 0;
};

struct IndexHit {
    IndexEntry entry;
    qint64 timeMs = 0;
    float score = 0;  ///< inner product (exact, also after IVF-PQ re-ranking)
};

/// Return false to drop a candidate (filters applied while searching: channel, time range, exclusions).
using IndexFilter = std::function<bool(const IndexHit &)>;

class SimilarityIndex {
public:
    enum class Kind { Flat, IvfPq };
    static QString kindName(Kind kind);  ///< "flat", "ivfpq"

    SimilarityIndex();
    ~SimilarityIndex();
    SimilarityIndex(SimilarityIndex &&) noexcept;
    SimilarityIndex &operator=(SimilarityIndex &&) noexcept;

    /// Caps FAISS's OpenMP threads for the whole process (0: leave). On a loaded machine, idle OpenMP workers
    /// spin: tests and the 2-core target run better with 1 or 2.
    static void setThreads(int threads);

    /// The index file for `options` in a store folder.
    static QString indexPath(const QString &storeDir, const SimilarityIndexOptions &options);

    /// Loads the store's index when it matches the store, extends it with appended shards, or (re)builds it;
    /// the result is saved atomically. `rebuildReason` (optional) receives why it was (re)built, empty when
    /// the file was used as it was. `progress(done, total)` counts records read.
    static Expected<SimilarityIndex> openOrBuild(const EmbeddingStore &store, const SimilarityIndexOptions &options,
                                                 QString *rebuildReason = nullptr,
                                                 const std::function<void(qint64, qint64)> &progress = {});

    /// An in-memory index over `n` unit vectors of dimension `dim` (row-major), entry i = entries[i] (empty:
    /// record i, channel 0, cell 0) with time times[entry.record] (empty: 0). Re-ranking uses these vectors
    /// (kept in memory). For benchmarks and tests; kind follows options.flatLimit.
    static Expected<SimilarityIndex> build(const float *vectors, qint64 n, int dim, const SimilarityIndexOptions &options,
                                           std::vector<IndexEntry> entries = {}, std::vector<qint64> times = {});

    /// The k best hits for one query vector (dim floats), best first; `filter` drops candidates (the search
    /// widens until k hits pass or the index is exhausted).
    Expected<std::vector<IndexHit>> search(const float *query, int k, const IndexFilter &filter = {}) const;
    /// Several queries at once (nq * dim floats); no filter. Row q holds query q's hits.
    Expected<std::vector<std::vector<IndexHit>>> searchBatch(const float *queries, int nq, int k) const;

    bool isValid() const;
    Kind kind() const;
    qint64 size() const;            ///< indexed vectors
    int dim() const;
    qint64 memoryBytes() const;     ///< FAISS structure (codes/vectors + lists) in memory
    qint64 serializedBytes() const; ///< the FAISS index as written (0 when not serialised)
    QString path() const;           ///< the file (empty for an in-memory index)
    const std::vector<IndexEntry> &entries() const;
    /// Time of every record the index covers (the store's records in manifest order).
    const std::vector<qint64> &recordTimes() const;
    /// Set (or change) the IVF probe count of an IVF-PQ index; no effect on a flat index.
    void setSearchParameters(int nprobe, int rerank);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

}  // namespace solarchip
