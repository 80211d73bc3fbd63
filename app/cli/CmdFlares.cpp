// solarchip flares (--archive DIR | LIST) (--date ISO | --map FILE) [--window-hours H] [--min-class C] [--json]: the
// flares of a list with sites (the cycle-24 list, a HEK export, the synthetic archive's flarelist_sites_*.csv) near a
// time, each carried from its start (where the lists give the site) to the time by differential rotation and seen from the Earth or from a map's
// observer (with its pixel): where View > Flare events draws them. SWPC's list, which gives region numbers only, is
// placed at its regions' centres by the Solar Region Summaries beside it (core/archive/FlareSites flaresWithSitesFrom).
#include "app/cli/Command.h"
#include "app/cli/CommandLine.h"
#include "app/cli/TimeObserverOptions.h"

#include "core/archive/FlareSites.h"
#include "core/map/SdoTime.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QTextStream>

#include <algorithm>
#include <cmath>
#include <optional>

namespace solarchip::cli {

namespace {

const QString kName = QStringLiteral("flares");

QJsonValue timeOrNull(const QDateTime &t) { return t.isValid() ? QJsonValue(SdoTime::toIso(t)) : QJsonValue(); }

int runFlares(const QStringList &args)
{
    CommandLine p(kName, QStringLiteral(
        "The flares of a flare list with sites near a time: each flare peaking within --window-hours of the time (--date, "
        "or a map's T_OBS with --map) at the site the list gives (Stonyhurst at the flare's start, or the Earth's "
        "helioprojective view of it then), carried from the start to the time by differential rotation (Snodgrass rates) and seen from the "
        "Earth, or from the map's observer with its pixel; flares beyond the limb are left out. Lists: the cycle-24 list "
        "(final_flare_list_sc24.csv), a HEK flare export, the synthetic archive's flarelist_sites_*.csv; SWPC's event "
        "list (swpc_flarelist_*.csv), which gives only NOAA region numbers, is placed at its regions' centres by the "
        "Solar Region Summaries (*SRS.txt) of the archive's folder tree or of the list's folder."));
    p.addPositionalArgument(QStringLiteral("LIST"), QStringLiteral("A flare list file instead of --archive."),
                            QStringLiteral("[LIST]"));
    p.addOptions({
        {QStringLiteral("archive"), QStringLiteral("Folder whose flare list with sites (the one such *.csv at its top) is read; "
                                                   "without one, its swpc_flarelist_*.csv placed by its reports."),
         QStringLiteral("DIR")},
        {QStringLiteral("date"), QStringLiteral("The time (ISO, UTC) the flares are carried to, seen from the Earth."),
         QStringLiteral("ISO")},
        {QStringLiteral("map"), QStringLiteral("A map file: its time and observer, and each flare's 0-based pixel in it."),
         QStringLiteral("FILE")},
        {QStringLiteral("window-hours"), QStringLiteral("Flares peaking within this many hours either side (default 12)."),
         QStringLiteral("H"), QStringLiteral("12")},
        {QStringLiteral("min-class"), QStringLiteral("The smallest GOES class listed, e.g. C or M1.0 (default: all)."),
         QStringLiteral("CLASS")},
    });
    p.addJsonOption(QStringLiteral("Print JSON: time, map, list, window_hours, in_window (flares peaking in the window), "
                                   "without_site, sites_from_regions, region_reports, flares [{class, peak_flux, start, "
                                   "peak, end, noaa, location, site_from_region, site_lon, site_lat, lon, lat, tx, ty[, x, "
                                   "y], hours_from_peak, in_progress}] strongest first."));
    if (auto exit = p.parseOrExit(args, Positionals::atMost(1, QStringLiteral("give one flare list"))))
        return *exit;
    const QStringList files = p.positionalArguments();
    if (files.isEmpty() == !p.isSet(QStringLiteral("archive")))
        return p.usage(QStringLiteral("give either --archive DIR or a flare list file"));
    if (p.isSet(QStringLiteral("date")) == p.isSet(QStringLiteral("map")))
        return p.usage(QStringLiteral("give --date or --map (a map gives its own time)"));
    bool ok = false;
    const double window = p.value(QStringLiteral("window-hours")).toDouble(&ok);
    if (!ok || !std::isfinite(window) || window < 0 || window > 24 * 366)
        return p.usage(QStringLiteral("--window-hours: '%1' is not a number of hours from 0 to 8784").arg(p.value(QStringLiteral("window-hours"))));
    double minFlux = 0;
    if (p.isSet(QStringLiteral("min-class"))) {
        const auto f = goesClassToFlux(p.value(QStringLiteral("min-class")));
        if (!f)
            return p.usage(QStringLiteral("--min-class: '%1' is not a GOES class (A, B, C, M, X, e.g. M1.0)").arg(p.value(QStringLiteral("min-class"))));
        minFlux = *f;
    }

    QString path;
    QString reportFolder;
    if (p.isSet(QStringLiteral("archive"))) {
        reportFolder = p.value(QStringLiteral("archive"));
        auto found = findFlareListForMaps(reportFolder);
        if (!found)
            return fail(kName, found.error());
        path = *found;
    } else {
        path = files.front();
    }
    auto placedList = flaresWithSitesFrom(path, reportFolder, true);
    if (!placedList)
        return fail(kName, placedList.error());
    const FlareList &list = *placedList->list;

    auto placed = readTimeAndObserver(p, QStringLiteral("flares"));
    if (const int *exit = std::get_if<int>(&placed))
        return *exit;
    const auto &[time, observer, map] = std::get<TimeAndObserver>(placed);

    const QVector<FlareEvent> peaking = flaresPeakingWithin(list, time.toMSecsSinceEpoch(), window, minFlux);
    const int inWindow = static_cast<int>(peaking.size());
    const int withoutSite = static_cast<int>(std::count_if(peaking.begin(), peaking.end(),
                                                           [](const FlareEvent &e) { return !flareSite(e); }));
    const QVector<FlareSeen> seen = flaresSeenAt(list, time.toMSecsSinceEpoch(), observer, window, minFlux);

    QJsonArray flares;
    QTextStream text(stdout);
    if (!p.json())
        text << SdoTime::toIso(time) << ": " << seen.size() << " of the " << inWindow << " flares peaking within " << window
             << " h on the disk (" << QFileInfo(path).fileName()
             << (placedList->fromRegions > 0 ? QStringLiteral(", placed at their NOAA regions' centres by %1 Solar Region "
                                                              "Summaries").arg(placedList->reports)
                                             : QString())
             << ")\n";
    for (const FlareSeen &s : seen) {
        QJsonObject o{{QStringLiteral("class"), s.event.goesClass},
                      {QStringLiteral("peak_flux"), s.event.peakFlux},
                      {QStringLiteral("start"), timeOrNull(s.event.start)},
                      {QStringLiteral("peak"), timeOrNull(s.event.peak)},
                      {QStringLiteral("end"), timeOrNull(s.event.end)},
                      {QStringLiteral("noaa"), s.event.noaaAr > 0 ? QJsonValue(s.event.noaaAr) : QJsonValue()},
                      {QStringLiteral("location"), s.event.location.isEmpty() ? QJsonValue() : QJsonValue(s.event.location)},
                      {QStringLiteral("site_from_region"), s.event.siteFromRegion},
                      {QStringLiteral("site_lon"), s.site.lon},
                      {QStringLiteral("site_lat"), s.site.lat},
                      {QStringLiteral("lon"), s.lonDeg},
                      {QStringLiteral("lat"), s.latDeg},
                      {QStringLiteral("tx"), s.tx},
                      {QStringLiteral("ty"), s.ty},
                      {QStringLiteral("hours_from_peak"), s.hoursFromPeak},
                      {QStringLiteral("in_progress"), s.inProgress},
                      {QStringLiteral("line"), s.event.line}};
        double x = qQNaN(), y = qQNaN();
        if (map && map->wcs.helioprojectiveToPixel(s.tx, s.ty, x, y)) {
            o.insert(QStringLiteral("x"), x);
            o.insert(QStringLiteral("y"), y);
        }
        flares.append(o);
        if (!p.json())
            text << "  " << s.event.goesClass.leftJustified(5) << " peak " << SdoTime::toIso(s.event.labelTime())
                 << (s.event.noaaAr > 0 ? QStringLiteral("  AR %1").arg(s.event.noaaAr) : QString()) << "  lon "
                 << QString::number(s.lonDeg, 'f', 1) << " lat " << QString::number(s.latDeg, 'f', 1) << "  ("
                 << QString::number(s.tx, 'f', 1) << "\", " << QString::number(s.ty, 'f', 1) << "\")"
                 << (std::isfinite(x) ? QStringLiteral("  pixel %1, %2").arg(x, 0, 'f', 1).arg(y, 0, 'f', 1) : QString())
                 << (s.inProgress ? QStringLiteral("  in progress") : QString()) << "\n";
    }
    if (p.json())
        printJson(QJsonObject{{QStringLiteral("time"), SdoTime::toIso(time)},
                              {QStringLiteral("map"), map ? QJsonValue(p.value(QStringLiteral("map"))) : QJsonValue()},
                              {QStringLiteral("list"), path},
                              {QStringLiteral("window_hours"), window},
                              {QStringLiteral("min_flux"), minFlux},
                              {QStringLiteral("in_window"), inWindow},
                              {QStringLiteral("without_site"), withoutSite},
                              {QStringLiteral("sites_from_regions"), placedList->fromRegions},
                              {QStringLiteral("region_reports"), placedList->reports},
                              {QStringLiteral("flares"), flares}});
    return kOk;
}

const Registration reg(kName, QStringLiteral("Flares of a list with sites near a time, carried to it and placed on a map"),
                       runFlares);

}  // namespace

}  // namespace solarchip::cli
