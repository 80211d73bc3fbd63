#pragma once
// What the search gallery runs off the UI thread (all functions here are thread-safe and take no Qt widgets):
//  * runGallerySearch(): a query point (time, channel, helioprojective point or box) against the archive's
//    embedding store: the query vector is the stored patch vector of the query's own set at the cell under the
//    point (the mean of the cells in a box, renormalised), the cell found through core/map/ModelFrame of the
//    set's reference member (the geometry the model saw); then the top-k cells over every stored time, with the
//    panel's filters, each hit placed back on the Sun (cell centre and box in arcsec, Stonyhurst lon/lat).
//    The engine is models/embeddings/ArchiveSearch (the FAISS SimilarityIndex saved next to the store: built on
//    first use, extended when the store grew, rebuilt when it does not match); an opened search is kept per
//    (store, channel) so a query after the first takes milliseconds. Each hit gets its cell's box in arcsec (the
//    frame of the hit's own set) for the thumbnail and the map's framing.
//  * cutThumbnail(): a north-up square cut from a hit's map around the hit's box, in the channel's default
//    colours (limits from the whole map, so thumbnails of one channel compare), with the box outlined.
//  * hitsToCsv() / hitsToJson(): the export formats.
// Stores are never trusted across models: the store's model hash must be the current model's.

#include "app/gui/QueryPoint.h"
#include "core/base/Expected.h"
#include "widgets/ResultsGallery.h"

#include <QImage>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <atomic>
#include <memory>
#include <optional>
#include <vector>

namespace solarchip {

class RegionSummaryArchive;

struct GalleryFilters {
    QString channel;              ///< channel searched (empty: the query's channel)
    qint64 fromMs = 0;            ///< hits at or after (0: no bound)
    qint64 toMs = 0;              ///< hits at or before (0: no bound)
    double excludeDays = 0;       ///< drop the query's own region within +-N days (0: keep everything)
    double excludeRadiusDeg = 15; ///< how close (great circle) to the rotated query position counts as the region
    bool onDiskOnly = true;       ///< only cells whose centre is on the disk (the index holds cells within 0.98 R_sun)
    double maxLimbDistance = 0;   ///< only cells within this fraction of R_sun from disk centre (0: no bound)
    int k = 12;
};

struct GallerySearchRequest {
    QString storeDir;
    QString expectedModelHash;    ///< the current model's; a store of another model is refused (empty: any)
    QueryPoint query;
    GalleryFilters filters;
    qint64 toleranceMs = 30 * 60 * 1000;  ///< how far the query time may be from a stored set
    /// The archive's NOAA Solar Region Summaries (NoaaRegionController): each hit is given the numbered region it lies
    /// in (GalleryHit::noaaAr; RegionSummaryArchive::regionNear within kHitRegionMaxDeg). Null: none.
    std::shared_ptr<const RegionSummaryArchive> regions;
};

struct GallerySearchResult {
    std::vector<GalleryHit> hits;
    qint64 queryTimeMs = 0;       ///< the stored set the query vector came from
    int queryCell = -1;
    int grid = 0;
    int queryCells = 0;           ///< 1 for a click, 0 for a box (the mean of the cells whose centres lie in it)
    QPointF queryLonLat{qQNaN(), qQNaN()};
    qint64 storeCount = 0;        ///< sets in the store
    qint64 vectorsSearched = 0;
    double seconds = 0;
    QString method;               ///< what ranked the hits, in words
    QString indexKind;            ///< SimilarityIndex kind: "flat" (exact) or "ivfpq" (re-ranked exactly)
    QString indexNote;            ///< whether the index was used as saved, extended or (re)built, and why
};

Expected<GallerySearchResult> runGallerySearch(const GallerySearchRequest &request,
                                              const std::atomic<bool> *cancel = nullptr);

/// Opens the store's search for `channel` ahead of the first query: builds, extends or loads the FAISS index
/// next to the store (what follows the embedding job). Returns the index note (used as saved, extended, built).
Expected<QString> prepareGallerySearch(const QString &storeDir, const QString &channel);

/// A thumbnail of `hit` from its own map (`side` px square, `spanCells` cells across).
Expected<QImage> cutThumbnail(const GalleryHit &hit, int side = 128, double spanCells = 4);

QByteArray hitsToCsv(const std::vector<GalleryHit> &hits);
QJsonObject hitsToJson(const std::vector<GalleryHit> &hits, const QJsonObject &query = {});
/// One hit as JSON (time ISO, channel, cell, row, col, hpc [x, y], lonlat [lon, lat], score, file): the state
/// JSON, the JSON export and the CLI twin use the same keys.
QJsonObject hitToJson(const GalleryHit &hit);

}  // namespace solarchip
