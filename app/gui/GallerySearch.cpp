#include "app/gui/GallerySearch.h"

#include "core/map/DisplayLimits.h"
#include "core/map/ModelFrame.h"
#include "core/map/PixelFrame.h"
#include "core/map/SdoMap.h"
#include "core/map/Wcs.h"
#include "models/data/DatasetSpec.h"
#include "models/embeddings/EmbeddingStore.h"
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
#include <numeric>

namespace solarchip {

namespace {

constexpr double kDeg = M_PI / 180.0;

// The messages name their file or folder themselves.
Error failure(const QString &message) { return Error{QString(), message}; }
constexpr double kDayMs = 86400000.0;

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

double greatCircleDeg(QPointF a, QPointF b)
{
    const double c = std::sin(a.y() * kDeg) * std::sin(b.y() * kDeg)
                     + std::cos(a.y() * kDeg) * std::cos(b.y() * kDeg) * std::cos((a.x() - b.x()) * kDeg);
    return std::acos(std::clamp(c, -1.0, 1.0)) / kDeg;
}

QPointF lonLatOf(QPointF hpc, const Observer &observer)
{
    LonLat ll;
    if (!Wcs::helioprojectiveToStonyhurst(hpc.x(), hpc.y(), observer, ll))
        return {qQNaN(), qQNaN()};
    return {ll.lon, ll.lat};
}

}  // namespace

double differentialRotationDeg(double latDeg, double days)
{
    // Snodgrass (1983) sidereal rate in deg/day, less the Earth's mean orbital motion (Stonyhurst frame).
    const double s2 = std::pow(std::sin(latDeg * kDeg), 2);
    const double sidereal = 14.713 - 2.396 * s2 - 1.787 * s2 * s2;
    return (sidereal - 0.9856) * days;
}

Expected<GallerySearchResult> runGallerySearch(const GallerySearchRequest &request, const std::atomic<bool> *cancel)
{
    QElapsedTimer clock;
    clock.start();
    const QString dir = QDir::toNativeSeparators(request.storeDir);
    auto store = EmbeddingStore::open(request.storeDir);
    if (!store)
        return failure(store.errorString());
    const EmbeddingStoreInfo &info = store->info();
    if (!request.expectedModelHash.isEmpty() && info.modelHash != request.expectedModelHash)
        return failure(QObject::tr("%1: made by model %2, not by the current model %3: its vectors are not comparable; "
                                 "embed the archive again with the current model")
                         .arg(dir, info.modelHash.left(16), request.expectedModelHash.left(16)));
    const QString queryChannel = request.query.channel.isEmpty() ? info.channels.value(0) : request.query.channel;
    const QString searchChannel = request.filters.channel.isEmpty() ? queryChannel : request.filters.channel;
    const int cq = static_cast<int>(info.channels.indexOf(queryChannel));
    const int cs = static_cast<int>(info.channels.indexOf(searchChannel));
    if (cq < 0 || cs < 0)
        return failure(QObject::tr("%1: holds no %2 embeddings (it has %3)")
                         .arg(dir, cq < 0 ? queryChannel : searchChannel, info.channels.join(QStringLiteral(", "))));
    auto records = store->readAll();
    if (!records)
        return failure(records.errorString());
    if (records->empty())
        return failure(QObject::tr("%1: the store is empty; embed the archive first").arg(dir));
    auto prep = PrepSpec::fromJson(info.prep);
    if (!prep)
        return failure(QObject::tr("%1: unusable prep in store.json: %2").arg(dir, prep.errorString()));
    const ModelFrameSpec spec = prep->frameSpec(info.grid);
    const int C = static_cast<int>(info.channels.size()), G = info.grid * info.grid, D = info.dim;
    const int ref = referenceIndex(info.channels, prep->referenceChannel);

    // The query's own set: the stored set nearest the query time, within the tolerance.
    std::size_t q = 0;
    qint64 best = std::numeric_limits<qint64>::max();
    for (std::size_t i = 0; i < records->size(); ++i) {
        const qint64 d = std::llabs((*records)[i].timeMs - request.query.timeMs);
        if (d < best) {
            best = d;
            q = i;
        }
    }
    if (best > request.toleranceMs)
        return failure(QObject::tr("%1: no embeddings within %2 min of %3 (the nearest set is %4): the time is not "
                                 "embedded yet; run the embedding job (it adds new files incrementally)")
                         .arg(dir)
                         .arg(request.toleranceMs / 60000)
                         .arg(isoMs(request.query.timeMs), isoMs((*records)[q].timeMs)));
    std::map<std::size_t, SetGeometry> geometries;
    auto geometry = [&](std::size_t i) -> const SetGeometry & {
        auto it = geometries.find(i);
        if (it == geometries.end())
            it = geometries.emplace(i, geometryOf((*records)[i].files.value(ref), spec)).first;
        return it->second;
    };
    const SetGeometry &qg = geometry(q);
    if (!qg.frame)
        return failure(QObject::tr("%1: the query set's frame: %2").arg(dir, qg.error));
    const QPointF hpc = request.query.hpc;
    if (qg.rsunArcsec > 0 && std::hypot(hpc.x(), hpc.y()) > qg.rsunArcsec)
        return failure(QObject::tr("The point (%1\", %2\") is off the solar disk (radius %3\"): pick a point on the Sun")
                         .arg(hpc.x(), 0, 'f', 0)
                         .arg(hpc.y(), 0, 'f', 0)
                         .arg(qg.rsunArcsec, 0, 'f', 0));
    const ModelCell centreCell = qg.frame->cellAt(hpc);
    if (!centreCell.isValid())
        return failure(QObject::tr("The point (%1\", %2\") lies outside the model frame of %3")
                         .arg(hpc.x(), 0, 'f', 0)
                         .arg(hpc.y(), 0, 'f', 0)
                         .arg((*records)[q].files.value(ref)));
    std::vector<int> cells;
    if (request.query.box && request.query.box->width() > 0 && request.query.box->height() > 0) {
        const QRectF box(hpc.x() - request.query.box->width() / 2, hpc.y() - request.query.box->height() / 2,
                         request.query.box->width(), request.query.box->height());
        for (int c = 0; c < G; ++c) {
            const auto centre = qg.frame->cellCentreHpc(qg.frame->cellOfIndex(c));
            if (centre && box.contains(*centre))
                cells.push_back(c);
        }
    }
    if (cells.empty())
        cells.push_back(qg.frame->cellIndex(centreCell));
    std::vector<float> qv(static_cast<std::size_t>(D), 0.f);
    const EmbeddingRecord &qr = (*records)[q];
    for (int c : cells) {
        const float *v = qr.patches.data() + (static_cast<std::size_t>(cq) * G + c) * D;
        for (int d = 0; d < D; ++d)
            qv[static_cast<std::size_t>(d)] += v[d];
    }
    double norm = 0;
    for (float x : qv)
        norm += double(x) * x;
    norm = std::sqrt(norm);
    if (!(norm > 0))
        return failure(QObject::tr("%1: the query cells have a zero embedding").arg(dir));
    for (float &x : qv)
        x = static_cast<float>(x / norm);

    GallerySearchResult result;
    result.queryTimeMs = qr.timeMs;
    result.queryCell = cells.size() == 1 ? cells.front() : qg.frame->cellIndex(centreCell);
    result.queryCells = static_cast<int>(cells.size());
    result.grid = info.grid;
    result.storeCount = store->count();
    result.queryLonLat = lonLatOf(hpc, qg.observer);
    result.method = QStringLiteral("exact inner product over the store");

    // Exact scores of every stored cell of the searched channel.
    struct Scored {
        float score;
        std::uint32_t record;
        std::uint32_t cell;
    };
    std::vector<Scored> scored;
    scored.reserve(records->size() * static_cast<std::size_t>(G));
    for (std::size_t i = 0; i < records->size(); ++i) {
        if (cancel && cancel->load())
            return failure(QObject::tr("cancelled"));
        const EmbeddingRecord &r = (*records)[i];
        const qint64 t = r.timeMs;
        if ((request.filters.fromMs && t < request.filters.fromMs) || (request.filters.toMs && t > request.filters.toMs))
            continue;
        if (r.patches.size() != static_cast<std::size_t>(C) * G * D)
            continue;
        for (int c = 0; c < G; ++c) {
            const float *v = r.patches.data() + (static_cast<std::size_t>(cs) * G + c) * D;
            float s = 0;
            for (int d = 0; d < D; ++d)
                s += v[d] * qv[static_cast<std::size_t>(d)];
            scored.push_back({s, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(c)});
        }
    }
    result.vectorsSearched = static_cast<qint64>(scored.size());
    std::sort(scored.begin(), scored.end(), [](const Scored &a, const Scored &b) {
        return a.score != b.score ? a.score > b.score : (a.record != b.record ? a.record < b.record : a.cell < b.cell);
    });

    // Walk down the ranking, placing each candidate on the Sun and applying the geometric filters.
    const GalleryFilters &f = request.filters;
    for (const Scored &s : scored) {
        if (static_cast<int>(result.hits.size()) >= f.k)
            break;
        if (cancel && cancel->load())
            return failure(QObject::tr("cancelled"));
        const EmbeddingRecord &r = (*records)[s.record];
        const SetGeometry &g = geometry(s.record);
        if (!g.frame)
            continue;  // its reference header is gone or unreadable (an archive with gaps): skip the set
        const auto centre = g.frame->cellCentreHpc(g.frame->cellOfIndex(static_cast<int>(s.cell)));
        if (!centre)
            continue;
        const double rho = g.rsunArcsec > 0 ? std::hypot(centre->x(), centre->y()) / g.rsunArcsec : 0;
        if (f.onDiskOnly && g.rsunArcsec > 0 && rho >= 0.95)
            continue;
        if (f.maxLimbDistance > 0 && g.rsunArcsec > 0 && rho > f.maxLimbDistance)
            continue;
        GalleryHit hit;
        hit.timeMs = r.timeMs;
        hit.channel = searchChannel;
        hit.cell = static_cast<int>(s.cell);
        hit.grid = info.grid;
        hit.hpc = *centre;
        hit.lonlat = lonLatOf(*centre, g.observer);
        hit.hpcBox = cellBoxHpc(*g.frame, hit.cell);
        hit.score = s.score;
        hit.file = r.files.value(cs);
        if (f.excludeDays > 0 && std::llabs(r.timeMs - qr.timeMs) <= f.excludeDays * kDayMs
            && std::isfinite(result.queryLonLat.x()) && std::isfinite(hit.lonlat.x())) {
            const double days = (r.timeMs - qr.timeMs) / kDayMs;
            const QPointF predicted(result.queryLonLat.x() + differentialRotationDeg(result.queryLonLat.y(), days),
                                    result.queryLonLat.y());
            if (greatCircleDeg(predicted, hit.lonlat) < f.excludeRadiusDeg)
                continue;
        }
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
    QByteArray out("rank,time,channel,cell,row,col,hpc_x_arcsec,hpc_y_arcsec,lon_deg,lat_deg,score,file\n");
    auto num = [](double v, int prec) { return std::isfinite(v) ? QByteArray::number(v, 'f', prec) : QByteArray(); };
    int rank = 0;
    for (const GalleryHit &h : hits) {
        QString file = h.file;
        if (file.contains(QLatin1Char(',')) || file.contains(QLatin1Char('"')))
            file = QLatin1Char('"') + QString(file).replace(QLatin1Char('"'), QStringLiteral("\"\"")) + QLatin1Char('"');
        out += QByteArray::number(++rank) + ',' + isoMs(h.timeMs).toUtf8() + ',' + h.channel.toUtf8() + ','
               + QByteArray::number(h.cell) + ',' + QByteArray::number(h.row()) + ',' + QByteArray::number(h.col()) + ','
               + num(h.hpc.x(), 2) + ',' + num(h.hpc.y(), 2) + ',' + num(h.lonlat.x(), 3) + ',' + num(h.lonlat.y(), 3)
               + ',' + QByteArray::number(h.score, 'g', 9) + ',' + file.toUtf8() + '\n';
    }
    return out;
}

}  // namespace solarchip
