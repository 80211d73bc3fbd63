#pragma once
// A versioned on-disk cache of prepared images (float32 planes), one file per key. Files are written atomically
// (temporary + fsync + rename), so a killed process never leaves a half entry under a valid name, and they
// carry their full key, so a hash collision or a file from another format version reads as a miss.
//
// Layout: DIR/<first 2 hex of sha256(key)>/<sha256(key)>.sct
//   bytes 0-3  "SCTC"   magic
//   4-7        uint32   format version (kFormatVersion)
//   8-11       uint32   width
//   12-15      uint32   height
//   16-19      uint32   key length L (bytes, UTF-8)
//   20..       key, then width*height float32 little-endian (NaN kept)
// Keys are built by the dataset from the source file's path, size and mtime, the reference file's identity,
// the geometry parameters and the prep code version; any change gives another key (a miss). Stale entries
// stay until the folder is deleted (it is only a cache).

#include "core/base/Expected.h"
#include "core/base/Image.h"

#include <QString>

#include <atomic>
#include <optional>

namespace solarchip {

struct CacheCounters {
    long long hits = 0;
    long long misses = 0;
    long long writes = 0;
    long long errors = 0;  ///< unreadable or corrupt entries (treated as misses) and failed writes
};

class TensorCache {
public:
    static constexpr quint32 kFormatVersion = 1;

    /// A cache in `dir` (created on the first write); an empty `dir` disables caching.
    explicit TensorCache(QString dir = {});
    TensorCache(const TensorCache &other);
    TensorCache &operator=(const TensorCache &other);

    /// ARCHIVE/.solarchip/tensor-cache when that folder is writable, else the user cache folder
    /// (<generic cache>/solarchip/tensor-cache/<archive name>-<hash of its path>).
    static QString defaultDir(const QString &archiveDir);
    /// The identity of a file for keys: "path|size|mtime_ms" (absolute path); empty when it does not exist.
    static QString fileIdentity(const QString &path);

    bool enabled() const { return !m_dir.isEmpty(); }
    QString dir() const { return m_dir; }
    QString entryPath(const QString &key) const;

    /// The cached image for `key`, or nullopt (a miss, also for corrupt or foreign entries).
    std::optional<Image> get(const QString &key) const;
    /// Stores an image atomically. A failure (e.g. a full disk) is counted and returned, never fatal to callers.
    Status put(const QString &key, const Image &image) const;
    CacheCounters counters() const;

private:
    QString m_dir;
    mutable std::atomic<long long> m_hits{0}, m_misses{0}, m_writes{0}, m_errors{0};
};

}  // namespace solarchip
