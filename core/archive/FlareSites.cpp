#include "core/archive/FlareSites.h"

#include "core/archive/FlareListCache.h"

#include "core/map/DifferentialRotation.h"
#include "core/map/EarthObserver.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTimeZone>

#include <algorithm>
#include <cmath>

namespace solarchip {

std::optional<LonLat> flareSite(const FlareEvent &e)
{
    if (std::isfinite(e.hgsLon) && std::isfinite(e.hgsLat))
        return LonLat{e.hgsLon, e.hgsLat};
    if (std::isfinite(e.hpcX) && std::isfinite(e.hpcY) && e.siteTime().isValid()) {
        LonLat out;
        if (Wcs::helioprojectiveToStonyhurst(e.hpcX, e.hpcY, earthObserverAt(e.siteTime(), kSunpyRsunM), out))
            return out;
    }
    return std::nullopt;
}

Expected<QString> findFlareSitesList(const QString &folder)
{
    QDir dir(folder);
    if (folder.isEmpty() || !dir.exists())
        return Error{folder, QStringLiteral("not a folder")};
    QStringList found;
    for (const QString &name : dir.entryList({QStringLiteral("*.csv"), QStringLiteral("*.CSV")}, QDir::Files, QDir::Name)) {
        QFile f(dir.filePath(name));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QList<QByteArray> header = f.readLine(8192).trimmed().split(',');
        const auto has = [&](const char *c) { return header.contains(QByteArray(c)); };
        if ((has("hgs_lat") && has("hgs_lon")) || (has("hgs_x") && has("hgs_y")) || (has("hpc_x") && has("hpc_y")))
            found << name;
    }
    if (found.isEmpty())
        return Error{folder, QStringLiteral("no flare list with sites (a *.csv in the cycle-24 layout or a HEK export, with "
                                            "hgs_lat/hgs_lon or hpc_x/hpc_y columns) in the folder")};
    if (found.size() > 1)
        return Error{folder, QStringLiteral("several flare lists with sites (%1): choose one").arg(found.join(QStringLiteral(", ")))};
    return dir.filePath(found.front());
}

int flaresWithSite(const FlareList &list)
{
    return static_cast<int>(std::count_if(list.events().begin(), list.events().end(),
                                          [](const FlareEvent &e) { return flareSite(e).has_value(); }));
}

QVector<FlareEvent> flaresPeakingWithin(const FlareList &list, qint64 utcMs, double windowHours, double minFlux)
{
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(utcMs, QTimeZone::utc());
    const qint64 half = static_cast<qint64>(std::llround(windowHours * 3600.0));
    // between() is half-open: one second past the window's end keeps a flare peaking exactly at it.
    return list.between(t.addSecs(-half), t.addSecs(half + 1), minFlux);
}

QVector<FlareSeen> flaresSeenAt(const FlareList &list, qint64 utcMs, const Observer &observer, double windowHours,
                                double minFlux)
{
    QVector<FlareSeen> out;
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(utcMs, QTimeZone::utc());
    for (const FlareEvent &e : flaresPeakingWithin(list, utcMs, windowHours, minFlux)) {
        const auto site = flareSite(e);
        if (!site)
            continue;
        const qint64 peakMs = e.labelTime().toMSecsSinceEpoch();
        const QPointF moved = rotateStonyhurst(QPointF(site->lon, site->lat), e.siteTime().toMSecsSinceEpoch(), utcMs);
        FlareSeen s;
        s.event = e;
        s.site = *site;
        s.lonDeg = moved.x();
        s.latDeg = moved.y();
        bool visible = false;
        if (!Wcs::stonyhurstToHelioprojective(LonLat{s.lonDeg, s.latDeg}, observer, s.tx, s.ty, &visible) || !visible)
            continue;
        s.hoursFromPeak = (utcMs - peakMs) / 3.6e6;
        s.inProgress = e.inProgressAt(t);
        out.push_back(s);
    }
    std::stable_sort(out.begin(), out.end(), [](const FlareSeen &a, const FlareSeen &b) {
        return a.event.peakFlux > b.event.peakFlux;
    });
    return out;
}

FlareList placeFlaresAtRegions(const FlareList &list, const RegionSummaryArchive &reports, int *placed, double maxHours)
{
    QVector<FlareEvent> events = list.events();
    int n = 0;
    const QVector<RegionSummary> &all = reports.reports();  // by validAt
    const qint64 reach = static_cast<qint64>(maxHours * 3.6e6);
    for (FlareEvent &e : events) {
        if (e.noaaAr <= 0 || flareSite(e) || !e.siteTime().isValid())
            continue;
        const qint64 t = e.siteTime().toMSecsSinceEpoch();
        // The reports within reach, nearest first (a region numbered during the day is only in the next one).
        QVector<const RegionSummary *> near;
        for (const RegionSummary &r : all)
            if (std::llabs(r.validAt.toMSecsSinceEpoch() - t) <= reach)
                near << &r;
        std::stable_sort(near.begin(), near.end(), [t](const RegionSummary *a, const RegionSummary *b) {
            return std::llabs(a->validAt.toMSecsSinceEpoch() - t) < std::llabs(b->validAt.toMSecsSinceEpoch() - t);
        });
        for (const RegionSummary *report : near) {
            const auto region = std::find_if(report->regions.begin(), report->regions.end(), [&](const NoaaRegion &r) {
                return r.number == e.noaaAr && r.section != NoaaRegion::Section::DueToReturn && std::isfinite(r.lonDeg)
                       && std::isfinite(r.latDeg);
            });
            if (region == report->regions.end())
                continue;
            const QPointF at = rotateStonyhurst(QPointF(region->lonDeg, region->latDeg), report->validAt.toMSecsSinceEpoch(), t);
            e.hgsLon = at.x();
            e.hgsLat = at.y();
            e.siteFromRegion = true;
            ++n;
            break;
        }
    }
    if (placed)
        *placed = n;
    return FlareList(std::move(events));
}

Expected<QString> findFlareListForMaps(const QString &folder)
{
    auto sites = findFlareSitesList(folder);
    if (sites)
        return sites;
    if (sites.error().message.startsWith(QLatin1String("several")))
        return sites;
    if (auto swpc = findFlareList(folder))
        return swpc;
    return Error{folder, QStringLiteral("no flare list to place on maps: neither a list with sites (a *.csv in the "
                                        "cycle-24 layout or a HEK export) nor SWPC's swpc_flarelist_*.csv")};
}

Expected<FlaresWithSites> flaresWithSitesFrom(const QString &path, const QString &reportFolder, bool recursive)
{
    auto list = loadFlareListShared(path);
    if (!list)
        return list.error();
    FlaresWithSites out;
    out.list = *list;
    out.withSite = flaresWithSite(**list);
    if (out.withSite > 0)
        return out;
    // SWPC's event list gives region numbers only: the reports of the folder (and of the list's own folder) place its
    // flares at their regions' centres.
    QVector<RegionSummary> reports;
    if (!reportFolder.isEmpty())
        reports += RegionSummaryArchive::scan(reportFolder, recursive).reports();
    const QString listFolder = QFileInfo(path).absolutePath();
    const QString rel = reportFolder.isEmpty() ? QString() : QDir(reportFolder).relativeFilePath(listFolder);
    const bool scanned = !reportFolder.isEmpty()
                         && (rel == QLatin1String(".")
                             || (recursive && !rel.startsWith(QLatin1String("..")) && !QDir::isAbsolutePath(rel)));
    if (!scanned)
        reports += RegionSummaryArchive::scan(listFolder, false).reports();
    int placed = 0;
    FlareList withSites = placeFlaresAtRegions(**list, RegionSummaryArchive(reports), &placed);
    if (placed == 0)
        return Error{path, reports.isEmpty()
                               ? QStringLiteral("no flare of this list has a site (SWPC's event list gives only NOAA region "
                                                "numbers: put the Solar Region Summaries, *SRS.txt, beside it to place them "
                                                "at their regions, or use the cycle-24 list or a HEK export)")
                               : QStringLiteral("no flare of this list has a site, and none of its NOAA regions is in the %1 "
                                                "Solar Region Summaries within 36 h of it")
                                     .arg(reports.size())};
    out.list = std::make_shared<const FlareList>(std::move(withSites));
    out.withSite = out.fromRegions = placed;
    out.reports = static_cast<int>(reports.size());
    return out;
}

}  // namespace solarchip
