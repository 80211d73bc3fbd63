// solarchip search --archive A --time ISO --at-hpc X,Y --channel C [--box W,H] [--k 10] [--exclude-days N]
//                  [--from ISO --to ISO] [--model M | --store DIR] [--json]: the archive search of the app's
// gallery (models/embeddings/ArchiveSearch.h) from the command line: the cell under (X, Y) arcsec at the
// embedded set nearest TIME is the query; the top-k most similar on-disk cells of the whole archive come back
// with time, channel, cell, helioprojective and Stonyhurst positions and score. The store is the one
// `solarchip embed` writes (ARCHIVE/.solarchip/embeddings/<model hash>); its similarity index is built, brought
// up to date or rebuilt next to it as needed.
#include "app/cli/Command.h"
#include "app/cli/CommandLine.h"

#include "app/cli/DataCliOptions.h"
#include "app/cli/ModelCliOptions.h"

#include "core/archive/RegionSummary.h"
#include "core/base/NumberPair.h"
#include "core/map/SdoTime.h"
#include "models/embeddings/ArchiveSearch.h"
#include "models/embeddings/EmbeddingStore.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QTextStream>
#include <QTimeZone>

#include <cmath>

namespace solarchip::cli {

namespace {

const QString kName = QStringLiteral("search");

QJsonValue num(double v) { return std::isfinite(v) ? QJsonValue(v) : QJsonValue(QJsonValue::Null); }
QJsonArray pair(QPointF p) { return QJsonArray{num(p.x()), num(p.y())}; }
QString iso(qint64 ms) { return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(QStringLiteral("yyyy-MM-dd'T'HH:mm:ss.zzz'Z'")); }

int runSearch(const QStringList &args)
{
    CommandLine p(kName, QStringLiteral(
        "Click-to-query across the archive: the top-k on-disk cells most similar (cosine of the model's patch "
        "embeddings) to the cell at --at-hpc in --channel at the embedded set nearest --time. Needs the archive's "
        "embedding store (`solarchip embed --archive A`); the similarity index next to it is built or updated "
        "as needed. Negative coordinates: --at-hpc=-300,200."));
    p.addOption({QStringLiteral("archive"), QStringLiteral("Archive folder."), QStringLiteral("DIR")});
    p.addOption({QStringLiteral("store"), QStringLiteral("Embedding store folder (default ARCHIVE/.solarchip/embeddings/<model hash>)."),
                 QStringLiteral("DIR")});
    addModelOptions(p);
    p.addOption({QStringLiteral("time"), QStringLiteral("Query time (ISO, UTC): the embedded set nearest it."), QStringLiteral("ISO")});
    p.addOption({QStringLiteral("at-hpc"), QStringLiteral("Query position X,Y in helioprojective arcsec."), QStringLiteral("X,Y")});
    p.addOption({QStringLiteral("box"), QStringLiteral("Query box W,H arcsec around --at-hpc: the mean of its cells."), QStringLiteral("W,H")});
    p.addOption({QStringLiteral("channel"), QStringLiteral("Channel of the query cell (and of the hits unless --all-channels)."),
                 QStringLiteral("C")});
    p.addOption({QStringLiteral("all-channels"), QStringLiteral("Hits in every channel of the store.")});
    p.addOption({QStringLiteral("k"), QStringLiteral("Hits (default 10)."), QStringLiteral("N"), QStringLiteral("10")});
    p.addOption({QStringLiteral("exclude-days"), QStringLiteral("Drop the query's own region (differentially rotated) within +-N days "
                                                                 "(default 0: keep)."), QStringLiteral("N"), QStringLiteral("0")});
    p.addOption({QStringLiteral("exclude-radius-deg"), QStringLiteral("Heliographic radius of the own-region exclusion (default 15)."),
                 QStringLiteral("DEG"), QStringLiteral("15")});
    p.addOption({QStringLiteral("min-limb-distance"), QStringLiteral("Drop hits nearer the limb than this (solar radii, default 0)."),
                 QStringLiteral("R"), QStringLiteral("0")});
    p.addOption({QStringLiteral("from"), QStringLiteral("Hits at or after (ISO, UTC)."), QStringLiteral("ISO")});
    p.addOption({QStringLiteral("to"), QStringLiteral("Hits at or before (ISO, UTC)."), QStringLiteral("ISO")});
    p.addJsonOption(QStringLiteral("Print the hits as JSON."));
    if (auto exit = p.parseOrExit(args))
        return *exit;
    QElapsedTimer clock;
    clock.start();

    for (const char *required : {"time", "at-hpc", "channel"})
        if (!p.isSet(QLatin1String(required)))
            return p.usage(QStringLiteral("--%1 is required").arg(QLatin1String(required)));
    if (!p.isSet(QStringLiteral("archive")) && !p.isSet(QStringLiteral("store")))
        return p.usage(QStringLiteral("--archive DIR (or --store DIR) is required"));
    const auto time = SdoTime::parseUserTime(p.value(QStringLiteral("time")));
    if (!time)
        return p.usage(QStringLiteral("--time: '%1' is not a time").arg(p.value(QStringLiteral("time"))));
    const auto at = parseNumberPair(p.value(QStringLiteral("at-hpc")));
    if (!at)
        return p.usage(QStringLiteral("--at-hpc needs X,Y in arcsec (negative: --at-hpc=-300,200), not '%1'").arg(p.value(QStringLiteral("at-hpc"))));
    QSizeF box;
    if (p.isSet(QStringLiteral("box"))) {
        const auto b = parseNumberPair(p.value(QStringLiteral("box")));
        if (!b || b->x() <= 0 || b->y() <= 0)
            return p.usage(QStringLiteral("--box needs W,H > 0 in arcsec"));
        box = QSizeF(b->x(), b->y());
    }
    QString channelError;
    const QStringList channels = parseChannels(p.value(QStringLiteral("channel")), &channelError);
    if (!channelError.isEmpty() || channels.size() != 1)
        return p.usage(channelError.isEmpty() ? QStringLiteral("--channel takes one channel") : channelError);
    bool ok = false;
    const int k = p.value(QStringLiteral("k")).toInt(&ok);
    if (!ok || k < 1)
        return p.usage(QStringLiteral("--k needs a positive integer"));
    SearchFilters filters;
    filters.channel = p.isSet(QStringLiteral("all-channels")) ? QString() : channels.first();
    filters.excludeDays = p.value(QStringLiteral("exclude-days")).toDouble(&ok);
    if (!ok || filters.excludeDays < 0)
        return p.usage(QStringLiteral("--exclude-days needs a non-negative number"));
    filters.excludeRadiusDeg = p.value(QStringLiteral("exclude-radius-deg")).toDouble(&ok);
    if (!ok || filters.excludeRadiusDeg <= 0)
        return p.usage(QStringLiteral("--exclude-radius-deg needs a positive number"));
    filters.minLimbDistance = p.value(QStringLiteral("min-limb-distance")).toDouble(&ok);
    if (!ok || filters.minLimbDistance < 0 || filters.minLimbDistance >= 1)
        return p.usage(QStringLiteral("--min-limb-distance needs a number in [0, 1)"));
    for (const char *key : {"from", "to"}) {
        const QString name = QLatin1String(key);
        if (!p.isSet(name))
            continue;
        const auto t = SdoTime::parseUserTime(p.value(name));
        if (!t)
            return p.usage(QStringLiteral("--%1: '%2' is not a time").arg(name, p.value(name)));
        (name == QLatin1String("from") ? filters.fromMs : filters.toMs) = t->toMSecsSinceEpoch();
    }

    QString storeDir = p.value(QStringLiteral("store"));
    if (storeDir.isEmpty()) {
        auto model = loadModelFromOptions(p);
        if (!model)
            return fail(kName, model.error());
        storeDir = defaultStoreDir(p.value(QStringLiteral("archive")), model->hash);
        if (!QFileInfo::exists(storeDir + QStringLiteral("/store.json")))
            return fail(kName, Error{storeDir, QStringLiteral("no embedding store of this model (%1) for the archive: run `solarchip embed "
                                                              "--archive %2%3` first")
                                                   .arg(model->hash.left(16), p.value(QStringLiteral("archive")),
                                                        p.isSet(QStringLiteral("model")) ? QStringLiteral(" --model ") + p.value(QStringLiteral("model"))
                                                                                         : QString())});
    }
    SimilarityIndexOptions io;
    io.channel = filters.channel;
    QString note;
    auto search = ArchiveSearch::open(storeDir, io, &note);
    if (!search)
        return fail(kName, search.error());
    const double openSeconds = clock.elapsed() / 1000.0;
    auto query = search->queryAt(time->toMSecsSinceEpoch(), *at, channels.first(), box);
    if (!query)
        return fail(kName, query.error());
    QElapsedTimer searchClock;
    searchClock.start();
    auto hits = search->search(query->query, filters, k);
    if (!hits)
        return fail(kName, hits.error());
    const double searchSeconds = searchClock.nsecsElapsed() / 1e9;

    // The NOAA region of each hit, from the archive's Solar Region Summaries (when it has any).
    const RegionSummaryArchive regions = p.isSet(QStringLiteral("archive"))
                                             ? RegionSummaryArchive::scan(p.value(QStringLiteral("archive")))
                                             : RegionSummaryArchive();
    std::vector<int> noaaOf;  // per hit; 0: in no numbered region
    for (const SearchHit &h : *hits) {
        const auto r = regions.regionNear(h.timeMs, h.lonlat.x(), h.lonlat.y(), kHitRegionMaxDeg);
        noaaOf.push_back(r ? r->number : 0);
    }
    QJsonArray list;
    for (std::size_t i = 0; i < hits->size(); ++i) {
        const SearchHit &h = (*hits)[i];
        const int noaa = noaaOf[i];
        list.append(QJsonObject{{QStringLiteral("time"), iso(h.timeMs)},
                                {QStringLiteral("channel"), h.channel},
                                {QStringLiteral("cell"), h.cell},
                                {QStringLiteral("hpc"), pair(h.hpc)},
                                {QStringLiteral("lonlat"), pair(h.lonlat)},
                                {QStringLiteral("score"), static_cast<double>(h.score)},
                                {QStringLiteral("noaa_ar"), noaa > 0 ? QJsonValue(noaa) : QJsonValue()},
                                {QStringLiteral("file"), h.file}});
    }
    const int grid = search->store().info().grid;
    const QJsonObject out{
        {QStringLiteral("store"), search->store().dir()},
        {QStringLiteral("index"), QJsonObject{{QStringLiteral("kind"), SimilarityIndex::kindName(search->index().kind())},
                                              {QStringLiteral("vectors"), static_cast<double>(search->index().size())},
                                              {QStringLiteral("note"), note}}},
        {QStringLiteral("query"), QJsonObject{{QStringLiteral("time"), iso(query->recordTimeMs)},
                                              {QStringLiteral("channel"), channels.first()},
                                              {QStringLiteral("cell"), query->cell},
                                              {QStringLiteral("cell_rc"), QJsonArray{query->cell / grid, query->cell % grid}},
                                              {QStringLiteral("hpc"), pair(query->hpc)},
                                              {QStringLiteral("lonlat"), query->query.lonlat ? pair(*query->query.lonlat) : QJsonArray()},
                                              {QStringLiteral("file"), query->file}}},
        {QStringLiteral("hits"), list},
        {QStringLiteral("seconds"), clock.elapsed() / 1000.0},
        {QStringLiteral("open_seconds"), openSeconds},
        {QStringLiteral("search_seconds"), searchSeconds}};
    if (p.json()) {
        printJson(out);
        return kOk;
    }
    QTextStream s(stdout);
    s << "query " << iso(query->recordTimeMs) << ' ' << channels.first() << " cell " << query->cell << " (" << note << ")\n";
    for (std::size_t i = 0; i < hits->size(); ++i) {
        const SearchHit &h = (*hits)[i];
        s << QStringLiteral("%1  %2  cell %3  hpc (%4, %5)  lon/lat (%6, %7)  score %8%9\n")
                 .arg(iso(h.timeMs), h.channel).arg(h.cell).arg(h.hpc.x(), 0, 'f', 0).arg(h.hpc.y(), 0, 'f', 0)
                 .arg(h.lonlat.x(), 0, 'f', 1).arg(h.lonlat.y(), 0, 'f', 1).arg(h.score, 0, 'f', 4)
                 .arg(noaaOf[i] > 0 ? QStringLiteral("  AR %1").arg(noaaOf[i]) : QString());
    }
    s << QStringLiteral("%1 hits in %2 s (search %3 ms)\n").arg(hits->size()).arg(clock.elapsed() / 1000.0).arg(searchSeconds * 1000, 0, 'f', 2);
    return kOk;
}

const Registration reg(kName, QStringLiteral("top-k cells of the archive most similar to a clicked cell (embedding store + FAISS index)"),
                       runSearch);

}  // namespace

}  // namespace solarchip::cli
