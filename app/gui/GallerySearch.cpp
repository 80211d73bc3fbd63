#include "app/gui/GallerySearch.h"

#include "core/archive/RegionSummary.h"
#include "core/map/DisplayLimits.h"
#include "core/map/ModelFrame.h"
#include "core/map/PixelFrame.h"
#include "core/map/SdoMap.h"
#include "core/map/Wcs.h"
#include "models/data/DatasetSpec.h"
#include "models/embeddings/ArchiveSearch.h"
#include "models/embeddings/EmbeddingStore.h"
#include "models/embeddings/SimilarityIndex.h"
#include "widgets/MapRenderer.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QPainter>
#include <QTimeZone>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>

namespace solarchip {

namespace {

constexpr double kDeg = M_PI / 180.0;

// The messages name their file or folder themselves.
Error failure(const QString &message) { return Error{QString(), message}; }

QString isoMs(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(Qt::ISODateWithMs);
}

// The geometry of one stored set: its model frame (built on the reference member's header) and observer.
struct SetGeometry {
    std::optional<ModelFrame> frame;
    Observer observer;
    double rsunArcsec = 0;
    QString error;
};

SetGeometry geometryOf(const QString &referenceFile, const ModelFrameSpec &spec)
{
    SetGeometry g;
    auto header = PixelFrame::fromFile(referenceFile);
    if (!header) {
        g.error = header.errorString();
        return g;
    }
    auto frame = ModelFrame::forReference(*header, spec);
    if (!frame) {
        g.error = frame.errorString();
        return g;
    }
    g.frame = std::move(*frame);
    g.observer = header->wcs.observer();
    g.rsunArcsec = header->meta.rsunObs;
    return g;
}

// The member the model frame is built on (as the Dataset does): the prep's reference channel, else the first
// AIA (non-HMI) channel, else the first.
int referenceIndex(const QStringList &channels, const QString &preferred)
{
    if (!preferred.isEmpty() && channels.contains(preferred))
        return static_cast<int>(channels.indexOf(preferred));
    for (int i = 0; i < channels.size(); ++i)
        if (!channels[i].startsWith(QLatin1String("hmi")))
            return i;
    return 0;
}

QRectF cellBoxHpc(const ModelFrame &frame, int cell)
{
    const QRectF px = frame.cellRect(frame.cellOfIndex(cell));
    double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
    for (const QPointF &corner : {px.bottomLeft(), px.bottomRight(), px.topLeft(), px.topRight()}) {
        const auto hpc = frame.inputPixelToHpc(corner);
        if (!hpc)
            return {};
        x0 = std::min(x0, hpc->x());
        x1 = std::max(x1, hpc->x());
        y0 = std::min(y0, hpc->y());
        y1 = std::max(y1, hpc->y());
    }
    return QRectF(QPointF(x0, y0), QPointF(x1, y1));
}

}  // namespace

namespace {

// Opened searches, one per (store, channel): opening reads the manifest and loads (or builds, or extends) the
// FAISS index, which is the slow part; queries then take milliseconds. Reopened when the store grew (the embedding
// job appended shards: the index is extended incrementally) or belongs to another model. One lock: the searches
// run one at a time on the background pool.
struct OpenSearch {
    std::unique_ptr<ArchiveSearch> search;
    qint64 count = -1;
    QString hash;
    QString note;
    std::map<qint64, qint64> recordOfTime;          // time -> record (manifest order)
    std::map<qint64, SetGeometry> geometries;       // record -> its model frame
};
std::mutex g_searchLock;
std::map<QString, OpenSearch> g_searches;

// The opened search of (store, channel), opened or reopened as needed; call with g_searchLock held.
Expected<OpenSearch *> openedSearch(const QString &storeDir, const QString &channel, const EmbeddingStore &store)
{
    OpenSearch &open = g_searches[QDir::cleanPath(storeDir) + QLatin1Char('|') + channel];
    if (open.search && open.count == store.count() && open.hash == store.info().modelHash)
        return &open;
    open = {};
    SimilarityIndexOptions options;
    options.channel = channel;
    QString note;
    auto opened = ArchiveSearch::open(storeDir, options, &note);
    if (!opened)
        return opened.error();
    auto times = opened->store().times();
    if (!times)
        return times.error();
    open.search = std::make_unique<ArchiveSearch>(std::move(*opened));
    open.count = open.search->store().count();
    open.hash = open.search->store().info().modelHash;
    open.note = note;
    for (std::size_t i = 0; i < times->size(); ++i)
        open.recordOfTime[(*times)[i]] = static_cast<qint64>(i);
    return &open;
}

}  // namespace

Expected<QString> prepareGallerySearch(const QString &storeDir, const QString &channel)
{
    auto store = EmbeddingStore::open(storeDir);
    if (!store)
        return store.error();
    std::lock_guard<std::mutex> lock(g_searchLock);
    auto opened = openedSearch(storeDir, channel, *store);
    if (!opened)
        return opened.error();
    return (*opened)->note;
}

Expected<GallerySearchResult> runGallerySearch(const GallerySearchRequest &request, const std::atomic<bool> *cancel)
{
    QElapsedTimer clock;
    clock.start();
    const QString dir = QDir::toNativeSeparators(request.storeDir);
    auto store = EmbeddingStore::open(request.storeDir);  // the manifest only
    if (!store)
        return failure(store.errorString());
    const EmbeddingStoreInfo &info = store->info();
    if (!request.expectedModelHash.isEmpty() && info.modelHash != request.expectedModelHash)
        return failure(QObject::tr("%1: made by model %2, not by the current model %3: its vectors are not "
                                   "comparable; embed the archive again with the current model")
                           .arg(dir, info.modelHash.left(16), request.expectedModelHash.left(16)));
    const QString queryChannel = request.query.channel.isEmpty() ? info.channels.value(0) : request.query.channel;
    const QString searchChannel = request.filters.channel.isEmpty() ? queryChannel : request.filters.channel;
    for (const QString &c : {queryChannel, searchChannel})
        if (!info.channels.contains(c))
            return failure(QObject::tr("%1: holds no %2 embeddings (it has %3)")
                               .arg(dir, c, info.channels.join(QStringLiteral(", "))));
    if (store->count() == 0)
        return failure(QObject::tr("%1: the store is empty; embed the archive first").arg(dir));
    auto prep = PrepSpec::fromJson(info.prep);
    if (!prep)
        return failure(QObject::tr("%1: unusable prep in store.json: %2").arg(dir, prep.errorString()));
    const ModelFrameSpec spec = prep->frameSpec(info.grid);
    const int ref = referenceIndex(info.channels, prep->referenceChannel);

    std::lock_guard<std::mutex> lock(g_searchLock);
    if (cancel && cancel->load())
        return failure(QObject::tr("cancelled"));
    auto opened = openedSearch(request.storeDir, searchChannel, *store);
    if (!opened)
        return failure(opened.errorString());
    OpenSearch &open = **opened;
    const ArchiveSearch &search = *open.search;
    auto geometry = [&](qint64 timeMs) -> const SetGeometry * {
        const auto r = open.recordOfTime.find(timeMs);
        if (r == open.recordOfTime.end())
            return nullptr;
        auto it = open.geometries.find(r->second);
        if (it == open.geometries.end()) {
            auto files = search.store().recordFiles(r->second);
            it = open.geometries.emplace(r->second, files ? geometryOf(files->value(ref), spec) : SetGeometry{}).first;
        }
        return it->second.frame ? &it->second : nullptr;
    };

    const QSizeF box = request.query.box ? *request.query.box : QSizeF();
    auto cell = search.queryAt(request.query.timeMs, request.query.hpc, queryChannel, box, request.toleranceMs);
    if (!cell) {
        if (cell.errorString().contains(QLatin1String("no embedded set")))
            return failure(QObject::tr("%1: no embeddings within %2 min of %3: the time is not embedded yet; run the "
                                       "embedding job (it adds new files incrementally)")
                               .arg(dir)
                               .arg(request.toleranceMs / 60000)
                               .arg(isoMs(request.query.timeMs)));
        return failure(cell.errorString());
    }

    GallerySearchResult result;
    result.queryTimeMs = cell->recordTimeMs;
    result.queryCell = cell->cell;
    result.grid = info.grid;
    result.queryCells = box.isEmpty() ? 1 : 0;
    result.queryLonLat = cell->query.lonlat ? *cell->query.lonlat : QPointF(qQNaN(), qQNaN());
    result.storeCount = store->count();
    result.vectorsSearched = search.index().size();
    result.indexKind = SimilarityIndex::kindName(search.index().kind());
    result.indexNote = open.note;
    result.method = QStringLiteral("FAISS %1 index over %2 on-disk %3 cells").arg(result.indexKind).arg(result.vectorsSearched).arg(searchChannel);

    const GalleryFilters &f = request.filters;
    SearchFilters filters;
    filters.channel = searchChannel;
    if (f.fromMs)
        filters.fromMs = f.fromMs;
    if (f.toMs)
        filters.toMs = f.toMs;
    filters.excludeDays = f.excludeDays;
    filters.excludeRadiusDeg = f.excludeRadiusDeg;
    filters.onDiskOnly = f.onDiskOnly;
    filters.minLimbDistance = f.maxLimbDistance > 0 ? 1.0 - f.maxLimbDistance : 0.0;
    auto hits = search.search(cell->query, filters, f.k);
    if (!hits)
        return failure(hits.errorString());
    for (const SearchHit &h : *hits) {
        GalleryHit hit;
        hit.timeMs = h.timeMs;
        hit.channel = h.channel.isEmpty() ? searchChannel : h.channel;
        hit.cell = h.cell;
        hit.grid = info.grid;
        hit.hpc = h.hpc;
        hit.lonlat = h.lonlat;
        hit.score = h.score;
        hit.file = h.file;
        if (const SetGeometry *g = geometry(h.timeMs))
            hit.hpcBox = cellBoxHpc(*g->frame, h.cell);
        if (request.regions)
            if (auto r = request.regions->regionNear(h.timeMs, h.lonlat.x(), h.lonlat.y(), kHitRegionMaxDeg))
                hit.noaaAr = r->number;
        result.hits.push_back(std::move(hit));
    }
    result.seconds = clock.elapsed() / 1000.0;
    return result;
}

Expected<QImage> cutThumbnail(const GalleryHit &hit, int side, double spanCells)
{
    auto map = SdoMap::load(hit.file);
    if (!map)
        return failure(map.errorString());
    const double cellArcsec = hit.hpcBox.isEmpty() ? 60.0 : std::max(hit.hpcBox.width(), hit.hpcBox.height());
    const double span = std::max(1.0, spanCells) * cellArcsec;
    const double step = span / side;
    // North up, east left: row 0 of the Image is the south edge (as every map here).
    Image cut(side, side, std::numeric_limits<float>::quiet_NaN());
    for (int j = 0; j < side; ++j)
        for (int i = 0; i < side; ++i) {
            const double tx = hit.hpc.x() + (i + 0.5 - side / 2.0) * step;
            const double ty = hit.hpc.y() + (j + 0.5 - side / 2.0) * step;
            double x = 0, y = 0;
            if (!map->wcs.helioprojectiveToPixel(tx, ty, x, y))
                continue;
            const int xi = static_cast<int>(std::lround(x)), yi = static_cast<int>(std::lround(y));
            if (xi >= 0 && yi >= 0 && xi < map->image.width && yi < map->image.height)
                cut.at(i, j) = map->image.at(xi, yi);
        }
    const DisplaySettings settings = defaultDisplaySettings(map->meta);
    const DisplayRange range = resolveLimits(map->image, settings);
    RenderOptions options;
    options.buildPyramid = false;
    options.threads = 1;
    const RenderedMap rendered = MapRenderer::render(cut, settings, range, options);
    if (rendered.pyramid.empty())
        return failure(QObject::tr("%1: nothing to draw around (%2\", %3\")")
                         .arg(hit.file)
                         .arg(hit.hpc.x(), 0, 'f', 0)
                         .arg(hit.hpc.y(), 0, 'f', 0));
    QImage image(side, side, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::black);
    QPainter p(&image);
    p.drawImage(0, 0, rendered.image());
    if (!hit.hpcBox.isEmpty()) {
        // The hit's cell, in thumbnail pixels (QImage row 0 = north).
        const double x0 = (hit.hpcBox.left() - hit.hpc.x()) / step + side / 2.0;
        const double x1 = (hit.hpcBox.right() - hit.hpc.x()) / step + side / 2.0;
        const double y0 = side / 2.0 - (hit.hpcBox.bottom() - hit.hpc.y()) / step;
        const double y1 = side / 2.0 - (hit.hpcBox.top() - hit.hpc.y()) / step;
        p.setPen(QPen(QColor(0, 255, 128), 1.5));
        p.setBrush(Qt::NoBrush);
        p.drawRect(QRectF(QPointF(x0, std::min(y0, y1)), QPointF(x1, std::max(y0, y1))));
    }
    p.end();
    return image;
}

QJsonObject hitToJson(const GalleryHit &hit)
{
    auto num = [](double v) { return std::isfinite(v) ? QJsonValue(v) : QJsonValue(); };
    return QJsonObject{{QStringLiteral("time"), isoMs(hit.timeMs)},
                       {QStringLiteral("time_ms"), static_cast<double>(hit.timeMs)},
                       {QStringLiteral("channel"), hit.channel},
                       {QStringLiteral("cell"), hit.cell},
                       {QStringLiteral("row"), hit.row()},
                       {QStringLiteral("col"), hit.col()},
                       {QStringLiteral("hpc"), QJsonArray{hit.hpc.x(), hit.hpc.y()}},
                       {QStringLiteral("lonlat"), QJsonArray{num(hit.lonlat.x()), num(hit.lonlat.y())}},
                       {QStringLiteral("score"), hit.score},
                       {QStringLiteral("noaa_ar"), hit.noaaAr > 0 ? QJsonValue(hit.noaaAr) : QJsonValue()},
                       {QStringLiteral("file"), hit.file}};
}

QJsonObject hitsToJson(const std::vector<GalleryHit> &hits, const QJsonObject &query)
{
    QJsonArray array;
    for (const GalleryHit &h : hits)
        array.append(hitToJson(h));
    QJsonObject o{{QStringLiteral("format"), QStringLiteral("solarchip-search-hits/1")}, {QStringLiteral("hits"), array}};
    if (!query.isEmpty())
        o[QStringLiteral("query")] = query;
    return o;
}

QByteArray hitsToCsv(const std::vector<GalleryHit> &hits)
{
    QByteArray out("rank,time,channel,cell,row,col,hpc_x_arcsec,hpc_y_arcsec,lon_deg,lat_deg,score,noaa_ar,file\n");
    auto num = [](double v, int prec) { return std::isfinite(v) ? QByteArray::number(v, 'f', prec) : QByteArray(); };
    int rank = 0;
    for (const GalleryHit &h : hits) {
        QString file = h.file;
        if (file.contains(QLatin1Char(',')) || file.contains(QLatin1Char('"')))
            file = QLatin1Char('"') + QString(file).replace(QLatin1Char('"'), QStringLiteral("\"\"")) + QLatin1Char('"');
        out += QByteArray::number(++rank) + ',' + isoMs(h.timeMs).toUtf8() + ',' + h.channel.toUtf8() + ','
               + QByteArray::number(h.cell) + ',' + QByteArray::number(h.row()) + ',' + QByteArray::number(h.col()) + ','
               + num(h.hpc.x(), 2) + ',' + num(h.hpc.y(), 2) + ',' + num(h.lonlat.x(), 3) + ',' + num(h.lonlat.y(), 3)
               + ',' + QByteArray::number(h.score, 'g', 9) + ',' + (h.noaaAr > 0 ? QByteArray::number(h.noaaAr) : QByteArray())
               + ',' + file.toUtf8() + '\n';
    }
    return out;
}

}  // namespace solarchip
