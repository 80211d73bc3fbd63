#pragma once
// Click-to-query over a whole archive: the patch vector of one cell (or the mean of a box of cells) is
// compared with every on-disk patch vector of the archive's embedding store (models/embeddings/
// EmbeddingStore.h, written by `solarchip embed`) through a SimilarityIndex saved next to the store. Each hit
// says when and where: time, channel, model cell, the cell centre in helioprojective arcsec and in Stonyhurst
// heliographic lon/lat (through the model frame of the hit's own set, core/map/ModelFrame), its score and the
// file of its channel.
//
// Filters: channel, time range, on-disk only and distance from the limb, and the exclusion of the query's own
// region: a hit within `excludeRadiusDeg` (great circle) of where the query's heliographic position has
// rotated to at the hit's time (differential rotation, core/map/DifferentialRotation) within +-excludeDays of the query
// time is dropped, so "similar regions" are other regions, not the same one a day later.
//
// Used by `solarchip search` and the app's gallery (app/gui). Opening builds or updates the index when needed
// (seconds to minutes for a large store: call it off the UI thread); searches are milliseconds.

#include "core/base/Expected.h"
#include "core/map/DifferentialRotation.h"
#include "models/embeddings/SimilarityIndex.h"

#include <QPointF>
#include <QSizeF>
#include <QString>

#include <memory>
#include <optional>
#include <vector>

namespace solarchip {

class EmbeddingStore;

struct SearchFilters {
    QString channel;                ///< empty: hits in every channel of the store
    std::optional<qint64> fromMs;   ///< hits at or after (UTC ms)
    std::optional<qint64> toMs;     ///< hits at or before
    double excludeDays = 0;         ///< > 0: drop the query's own region, differentially rotated, within +-N days
    double excludeRadiusDeg = 15;   ///< how near (heliographic great circle) the rotated position counts as the region
    bool onDiskOnly = true;         ///< only cells whose centre is on the disk
    double minLimbDistance = 0.0;   ///< in solar radii: drop hits whose centre lies nearer the limb (0.1: r <= 0.9)
};

struct SearchQuery {
    std::vector<float> vector;      ///< the store's dim, unit length (normalised here if not)
    qint64 timeMs = 0;              ///< when the query was taken (for excludeDays)
    std::optional<QPointF> lonlat;  ///< Stonyhurst lon/lat (deg) of the query cell at timeMs (for excludeDays)
    QString channel;                ///< the channel the query vector comes from (informative)
};

struct SearchHit {
    qint64 timeMs = 0;
    QString channel;
    int cell = -1;                  ///< row * grid + col (row 0 = south)
    QPointF hpc;                    ///< cell centre, helioprojective arcsec (NaN when the header cannot tell)
    QPointF lonlat;                 ///< Stonyhurst lon, lat (deg) of the cell centre (NaN off the disk)
    float score = 0;                ///< cosine similarity
    QString file;                   ///< the hit channel's file of that set
};

/// Where a query cell is: its vector and its position, taken from the store's record nearest in time.
struct QueryCell {
    SearchQuery query;
    int cell = -1;
    QPointF hpc;                    ///< the cell centre
    qint64 recordTimeMs = 0;        ///< the set the vector comes from
    QString file;
};

/// The default store folder of an archive for a model: ARCHIVE/.solarchip/embeddings/<first 16 hex of hash>.
QString defaultStoreDir(const QString &archiveDir, const QString &modelHash);

class ArchiveSearch {
public:
    ArchiveSearch();
    ~ArchiveSearch();
    ArchiveSearch(ArchiveSearch &&) noexcept;
    ArchiveSearch &operator=(ArchiveSearch &&) noexcept;

    /// Opens the store at `storeDir` and its index for `options.channel` (building, extending or rebuilding it
    /// as SimilarityIndex::openOrBuild does). `indexNote` (optional) says whether it was built and why.
    static Expected<ArchiveSearch> open(const QString &storeDir, const SimilarityIndexOptions &options = {},
                                        QString *indexNote = nullptr,
                                        const std::function<void(qint64, qint64)> &progress = {});

    const EmbeddingStore &store() const;
    const SimilarityIndex &index() const;

    /// The query at helioprojective `hpc` (arcsec) in `channel` at the set nearest `timeMs` (within
    /// `maxGapMs`); `boxArcsec` > 0: the mean of the cells whose centres lie in the box around hpc. Errors for
    /// a position outside the model frame or off the disk, and a time with no set in the store.
    Expected<QueryCell> queryAt(qint64 timeMs, QPointF hpc, const QString &channel, QSizeF boxArcsec = {},
                                qint64 maxGapMs = 24LL * 3600 * 1000) const;

    /// Top-k hits over all times, best first.
    Expected<std::vector<SearchHit>> search(const SearchQuery &query, const SearchFilters &filters, int k = 10) const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

/// One-shot: opens `storeDir` (and its index for filters.channel) and searches.
Expected<std::vector<SearchHit>> searchArchive(const QString &storeDir, const SearchQuery &query,
                                               const SearchFilters &filters, int k = 10);

}  // namespace solarchip
