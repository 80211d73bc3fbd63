#pragma once
// On-disk store of SolarCHIP embeddings (what `solarchip embed` writes and the similarity search reads): for
// every co-temporal set, its time, its member files, and per channel the CLS vector and the grid of patch
// vectors (unit L2 norm, the model's projected tokens). One store belongs to exactly one model: its hash is
// recorded and a store refuses embeddings from any other model (vectors of two models are not comparable).
//
// Layout (a folder):
//   store.json                 the manifest, rewritten atomically after each appended shard:
//     {"format": "solarchip-embeddings/1", "model_hash": "<sha256>", "model": "<path it was loaded from>",
//      "model_config": {...}, "channels": ["hmi","171"], "prep": {...}, "dim": D, "grid": g,
//      "patch_dtype": "F32"|"F16", "normalized": true, "count": n,
//      "shards": [{"file": "shard-000001.safetensors", "count": k, "first_ms": t0, "last_ms": t1}, ...]}
//   shard-NNNNNN.safetensors   one appended batch (safetensors, written atomically):
//     "time_ms"  I64 [k]            reference time of each set (UTC ms)
//     "cls"      F32 [k, C, D]      CLS embedding per channel
//     "patches"  F32|F16 [k, C, g*g, D]  patch embeddings per channel, row-major grid (row 0 = image row 0)
//     metadata "files": JSON array of k arrays of C absolute paths; "channels": JSON array
// Only shards named in the manifest count: a shard written by a process killed before the manifest update is
// ignored (and its name is not reused), so a killed `embed` resumes cleanly and loses nothing already listed.

#include "core/base/Expected.h"
#include "models/embeddings/EvalAlign.h"

#include <QJsonObject>
#include <QSet>
#include <QString>
#include <QStringList>

#include <vector>

namespace solarchip {

/// What a store is for: the model and the layout of its vectors. Two stores are compatible when all match.
struct EmbeddingStoreInfo {
    QString modelHash;
    QString modelPath;
    QJsonObject modelConfig;
    QStringList channels;
    QJsonObject prep;
    int dim = 0;
    int grid = 0;
    bool halfPatches = false;  ///< patches stored as float16
};

/// One co-temporal set's embeddings.
struct EmbeddingRecord {
    qint64 timeMs = 0;
    QStringList files;         ///< one per channel
    std::vector<float> cls;    ///< [C, D]
    std::vector<float> patches;///< [C, g*g, D]
};

class EmbeddingStore {
public:
    /// Opens `dir`, creating it for `info` when it holds no store. An existing store must have been made by the
    /// same model (hash) with the same channels and shape, otherwise an Error names the folder and both hashes.
    static Expected<EmbeddingStore> openOrCreate(const QString &dir, const EmbeddingStoreInfo &info);
    /// Opens an existing store for reading.
    static Expected<EmbeddingStore> open(const QString &dir);

    const EmbeddingStoreInfo &info() const { return m_info; }
    QString dir() const { return m_dir; }
    qint64 count() const { return m_count; }
    bool contains(qint64 timeMs) const { return m_times.contains(timeMs); }

    /// Appends records as one new shard (atomic) and updates the manifest (atomic). Records whose time is
    /// already stored are refused with an Error (callers skip them first with contains()).
    Status append(const std::vector<EmbeddingRecord> &records);

    /// Every record, in shard order.
    Expected<std::vector<EmbeddingRecord>> readAll() const;
    /// The CLS and patch vectors of one channel for every record (for EvalAlign and searches), plus the times.
    Expected<ChannelEmbeddings> channelEmbeddings(const QString &channel, std::vector<qint64> *times = nullptr) const;

private:
    // The public members run these through detail::guarded (an exception, e.g. a refused allocation for a huge
    // store, becomes an Error naming the folder).
    static Expected<EmbeddingStore> openUnguarded(const QString &dir);
    static Expected<EmbeddingStore> openOrCreateUnguarded(const QString &dir, const EmbeddingStoreInfo &info);
    Status appendUnguarded(const std::vector<EmbeddingRecord> &records);
    Expected<std::vector<EmbeddingRecord>> readAllUnguarded() const;
    Status writeManifest() const;
    QString m_dir;
    EmbeddingStoreInfo m_info;
    QJsonObject m_manifest;
    qint64 m_count = 0;
    QSet<qint64> m_times;
};

}  // namespace solarchip
