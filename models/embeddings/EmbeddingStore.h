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
//
// Streaming: opening reads the manifest only. The stored times are read (8 bytes per record, from the shards'
// time_ms tensors) the first time contains()/times() needs them; records, channel slices and single vectors
// are read shard by shard with positioned reads of the bytes asked for, so memory stays bounded by one shard
// (forEachRecord) or by what the caller asks for, whatever the size of the store.

#include "core/base/Expected.h"
#include "models/embeddings/EvalAlign.h"

#include <QJsonObject>
#include <QSet>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <utility>
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

/// One shard as the manifest lists it.
struct EmbeddingShardInfo {
    QString file;        ///< name inside the store folder
    qint64 count = 0;    ///< records
    qint64 firstMs = 0;  ///< earliest and latest record time
    qint64 lastMs = 0;
    qint64 firstRecord = 0;  ///< global index (manifest order) of its first record
};

/// Order in which forEachRecord() delivers records.
enum class RecordOrder { Storage, Time };

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
    /// Whether a set of this time is stored (reads the shards' times on first use; false when they cannot be
    /// read, and timesError() says why).
    bool contains(qint64 timeMs) const;
    /// Every record's time, in manifest (storage) order: record i of the store is times()[i].
    Expected<std::vector<qint64>> times() const;
    QString timesError() const;

    /// The shards of the manifest, in order, with the global index of their first record.
    const std::vector<EmbeddingShardInfo> &shards() const { return m_shards; }
    /// Where record `record` (manifest order) is: its shard index and its row in that shard; -1 when out of range.
    std::pair<int, qint64> locate(qint64 record) const;

    /// Appends records as one new shard (atomic) and updates the manifest (atomic). Records whose time is
    /// already stored are refused with an Error (callers skip them first with contains()).
    Status append(const std::vector<EmbeddingRecord> &records);

    /// Every record, in shard order (loads the whole store: prefer forEachRecord for large stores).
    Expected<std::vector<EmbeddingRecord>> readAll() const;
    /// Visits every record, one shard in memory at a time. RecordOrder::Time visits in time order: shards are
    /// taken by first time and rows sorted within them (shards whose time ranges overlap are read together).
    /// A sink error stops the walk and is returned.
    Status forEachRecord(const std::function<Status(EmbeddingRecord &&)> &sink, RecordOrder order = RecordOrder::Storage) const;
    /// The CLS and patch vectors of one channel for every record (for EvalAlign and searches), plus the times;
    /// reads only that channel's bytes. Storage order unless `order` is RecordOrder::Time.
    Expected<ChannelEmbeddings> channelEmbeddings(const QString &channel, std::vector<qint64> *times = nullptr,
                                                  RecordOrder order = RecordOrder::Storage) const;
    /// The g*g patch vectors (row-major [g*g, D], float32) of one record and channel index (positioned read).
    Expected<std::vector<float>> recordPatches(qint64 record, int channel) const;
    /// One patch vector (D floats) of a record, channel index and cell (positioned read of D values).
    Status readPatch(qint64 record, int channel, int cell, float *out) const;
    /// The member files of one record (from its shard's header).
    Expected<QStringList> recordFiles(qint64 record) const;

private:
    // The public members run these through detail::guarded (an exception, e.g. a refused allocation for a huge
    // store, becomes an Error naming the folder).
    static Expected<EmbeddingStore> openUnguarded(const QString &dir);
    static Expected<EmbeddingStore> openOrCreateUnguarded(const QString &dir, const EmbeddingStoreInfo &info);
    Status appendUnguarded(const std::vector<EmbeddingRecord> &records);
    Expected<std::vector<EmbeddingRecord>> readAllUnguarded() const;
    Status writeManifest() const;
    Status loadTimes() const;
    void rebuildShardTable();
    QString m_dir;
    EmbeddingStoreInfo m_info;
    QJsonObject m_manifest;
    qint64 m_count = 0;
    std::vector<EmbeddingShardInfo> m_shards;
    // Lazily read (times) and cached (shard headers); shared by copies of the store, guarded by a mutex.
    struct Cache;
    std::shared_ptr<Cache> m_cache;
};

}  // namespace solarchip
