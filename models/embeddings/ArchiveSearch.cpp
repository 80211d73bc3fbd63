#include "models/embeddings/ArchiveSearch.h"

#include "models/data/DatasetSpec.h"
#include "models/detail/Guarded.h"
#include "models/embeddings/CellGeometry.h"
#include "models/embeddings/EmbeddingStore.h"

#include <QDateTime>
#include <QMutex>
#include <QMutexLocker>
#include <QTimeZone>

#include <cmath>
#include <limits>
#include <map>

namespace solarchip {

namespace {

constexpr double kDayMs = 86400000.0;

}  // namespace

QString defaultStoreDir(const QString &archiveDir, const QString &modelHash)
{
    return archiveDir + QStringLiteral("/.solarchip/embeddings/") + modelHash.left(16);
}

struct ArchiveSearch::Impl {
    EmbeddingStore store;
    SimilarityIndex index;
    PrepSpec prep;
    SimilarityIndexOptions options;
    mutable QMutex mutex;
    mutable std::map<qint64, std::shared_ptr<const CellGeometry>> geometry;  // by record, bounded

    std::shared_ptr<const CellGeometry> geometryOf(qint64 record) const
    {
        {
            QMutexLocker lock(&mutex);
            if (auto it = geometry.find(record); it != geometry.end())
                return it->second;
        }
        auto files = store.recordFiles(record);
        if (!files)
            return {};
        auto g = cellGeometry(*files, store.info().channels, prep, store.info().grid);
        if (!g)
            return {};
        auto p = std::make_shared<const CellGeometry>(std::move(*g));
        QMutexLocker lock(&mutex);
        if (geometry.size() > 4096)
            geometry.clear();
        geometry.emplace(record, p);
        return p;
    }
};

ArchiveSearch::ArchiveSearch() : d(std::make_unique<Impl>()) {}
ArchiveSearch::~ArchiveSearch() = default;
ArchiveSearch::ArchiveSearch(ArchiveSearch &&) noexcept = default;
ArchiveSearch &ArchiveSearch::operator=(ArchiveSearch &&) noexcept = default;

const EmbeddingStore &ArchiveSearch::store() const { return d->store; }
const SimilarityIndex &ArchiveSearch::index() const { return d->index; }

Expected<ArchiveSearch> ArchiveSearch::open(const QString &storeDir, const SimilarityIndexOptions &options, QString *indexNote,
                                            const std::function<void(qint64, qint64)> &progress)
{
    auto store = EmbeddingStore::open(storeDir);
    if (!store)
        return store.error();
    auto prep = PrepSpec::fromJson(store->info().prep);
    if (!prep)
        return prep.error();
    QString reason;
    auto index = SimilarityIndex::openOrBuild(*store, options, &reason, progress);
    if (!index)
        return index.error();
    if (indexNote)
        *indexNote = reason.isEmpty() ? QStringLiteral("index %1 up to date").arg(index->path())
                                      : QStringLiteral("index %1 built: %2").arg(index->path(), reason);
    ArchiveSearch s;
    s.d->store = std::move(*store);
    s.d->index = std::move(*index);
    s.d->prep = *prep;
    s.d->options = options;
    return s;
}

Expected<QueryCell> ArchiveSearch::queryAt(qint64 timeMs, QPointF hpc, const QString &channel, QSizeF boxArcsec, qint64 maxGapMs) const
{
    const EmbeddingStoreInfo &info = d->store.info();
    const int ch = static_cast<int>(info.channels.indexOf(channel));
    if (ch < 0)
        return Error{d->store.dir(), QStringLiteral("the store has no channel '%1' (it has %2)").arg(channel, info.channels.join(u','))};
    auto times = d->store.times();
    if (!times)
        return times.error();
    qint64 best = -1, gap = std::numeric_limits<qint64>::max();
    for (std::size_t i = 0; i < times->size(); ++i)
        if (std::llabs((*times)[i] - timeMs) < gap) {
            gap = std::llabs((*times)[i] - timeMs);
            best = static_cast<qint64>(i);
        }
    const QString when = QDateTime::fromMSecsSinceEpoch(timeMs, QTimeZone::utc()).toString(Qt::ISODate);
    if (best < 0 || gap > maxGapMs)
        return Error{d->store.dir(), QStringLiteral("no embedded set within %1 h of %2 (run `solarchip embed` on the archive)")
                                         .arg(maxGapMs / 3600000.0).arg(when)};
    auto g = d->geometryOf(best);
    if (!g)
        return Error{d->store.dir(), QStringLiteral("cannot read the geometry of the set at %1").arg(when)};
    const int cell = g->cellAt(hpc);
    if (cell < 0)
        return Error{g->referenceFile, QStringLiteral("(%1, %2) arcsec is outside the model frame of this set").arg(hpc.x()).arg(hpc.y())};
    LonLat ll;
    const bool onDisk = Wcs::helioprojectiveToStonyhurst(hpc.x(), hpc.y(), g->observer, ll);
    if (!onDisk)
        return Error{g->referenceFile, QStringLiteral("(%1, %2) arcsec is off the solar disk").arg(hpc.x()).arg(hpc.y())};
    auto patches = d->store.recordPatches(best, ch);
    if (!patches)
        return patches.error();
    const int dim = info.dim, np = info.grid * info.grid;
    std::vector<int> cells;
    if (boxArcsec.width() > 0 && boxArcsec.height() > 0)
        for (int c = 0; c < np; ++c) {
            const QPointF p = g->hpc[static_cast<std::size_t>(c)];
            if (std::fabs(p.x() - hpc.x()) <= boxArcsec.width() / 2 && std::fabs(p.y() - hpc.y()) <= boxArcsec.height() / 2)
                cells.push_back(c);
        }
    if (cells.empty())
        cells.push_back(cell);
    QueryCell q;
    q.query.vector.assign(static_cast<std::size_t>(dim), 0.f);
    for (int c : cells)
        for (int j = 0; j < dim; ++j)
            q.query.vector[static_cast<std::size_t>(j)] += (*patches)[static_cast<std::size_t>(c) * dim + j];
    double norm = 0;
    for (float v : q.query.vector)
        norm += static_cast<double>(v) * v;
    norm = std::sqrt(norm);
    if (norm > 0)
        for (float &v : q.query.vector)
            v = static_cast<float>(v / norm);
    q.query.timeMs = (*times)[static_cast<std::size_t>(best)];
    q.query.lonlat = QPointF(ll.lon, ll.lat);
    q.query.channel = channel;
    q.cell = cell;
    q.hpc = g->hpc[static_cast<std::size_t>(cell)];
    q.recordTimeMs = q.query.timeMs;
    auto files = d->store.recordFiles(best);
    if (files && ch < files->size())
        q.file = files->at(ch);
    return q;
}

Expected<std::vector<SearchHit>> ArchiveSearch::search(const SearchQuery &query, const SearchFilters &filters, int k) const
{
    return detail::guarded(detail::Doing{d->store.dir(), QStringLiteral("searching the archive")}, [&]() -> Expected<std::vector<SearchHit>> {
        const EmbeddingStoreInfo &info = d->store.info();
        if (static_cast<int>(query.vector.size()) != info.dim)
            return Error{d->store.dir(), QStringLiteral("the query vector has %1 values, the store's vectors %2").arg(query.vector.size()).arg(info.dim)};
        int ch = -1;
        if (!filters.channel.isEmpty()) {
            ch = static_cast<int>(info.channels.indexOf(filters.channel));
            if (ch < 0)
                return Error{d->store.dir(), QStringLiteral("the store has no channel '%1' (it has %2)").arg(filters.channel, info.channels.join(u','))};
        }
        std::vector<float> q = query.vector;
        double norm = 0;
        for (float v : q)
            norm += static_cast<double>(v) * v;
        if (norm > 0 && std::fabs(norm - 1.0) > 1e-4)
            for (float &v : q)
                v = static_cast<float>(v / std::sqrt(norm));
        const bool exclude = filters.excludeDays > 0 && query.lonlat.has_value();
        const bool needDisk = filters.onDiskOnly && !d->options.onDiskOnly;
        auto filter = [&](const IndexHit &h) {
            if (ch >= 0 && h.entry.channel != ch)
                return false;
            if (filters.fromMs && h.timeMs < *filters.fromMs)
                return false;
            if (filters.toMs && h.timeMs > *filters.toMs)
                return false;
            const bool inWindow = exclude && std::fabs(static_cast<double>(h.timeMs - query.timeMs)) <= filters.excludeDays * kDayMs;
            if (!inWindow && !needDisk && filters.minLimbDistance <= 0)
                return true;
            auto g = d->geometryOf(h.entry.record);
            if (!g)
                return true;  // unknown geometry: kept (its position fields will be NaN)
            const float r = g->radius[static_cast<std::size_t>(h.entry.cell)];
            if (needDisk && std::isfinite(r) && r >= 1.0f)
                return false;
            if (filters.minLimbDistance > 0 && std::isfinite(r) && 1.0 - r < filters.minLimbDistance)
                return false;
            if (inWindow) {
                const QPointF ll = g->lonlat[static_cast<std::size_t>(h.entry.cell)];
                if (std::isfinite(ll.x())) {
                    const QPointF there = rotateStonyhurst(*query.lonlat, query.timeMs, h.timeMs);
                    if (heliographicDistanceDeg(there, ll) <= filters.excludeRadiusDeg)
                        return false;
                }
            }
            return true;
        };
        auto hits = d->index.search(q.data(), k, filter);
        if (!hits)
            return hits.error();
        std::vector<SearchHit> out;
        const double nan = std::numeric_limits<double>::quiet_NaN();
        for (const IndexHit &h : *hits) {
            SearchHit s;
            s.timeMs = h.timeMs;
            s.channel = info.channels.value(h.entry.channel);
            s.cell = h.entry.cell;
            s.score = h.score;
            s.hpc = s.lonlat = QPointF(nan, nan);
            if (auto g = d->geometryOf(h.entry.record)) {
                s.hpc = g->hpc[static_cast<std::size_t>(h.entry.cell)];
                s.lonlat = g->lonlat[static_cast<std::size_t>(h.entry.cell)];
            }
            if (auto files = d->store.recordFiles(h.entry.record); files && h.entry.channel < files->size())
                s.file = files->at(h.entry.channel);
            out.push_back(s);
        }
        return out;
    });
}

Expected<std::vector<SearchHit>> searchArchive(const QString &storeDir, const SearchQuery &query, const SearchFilters &filters, int k)
{
    SimilarityIndexOptions o;
    o.channel = filters.channel;
    auto s = ArchiveSearch::open(storeDir, o);
    if (!s)
        return s.error();
    return s->search(query, filters, k);
}

}  // namespace solarchip
