#pragma once
// Where a flare list's flares are on a map: the site a list gives (the cycle-24 list's hgs_lat/hgs_lon and a HEK
// export's hgs_x/hgs_y, Stonyhurst at the flare's start; else its hpc_x/hpc_y, helioprojective from the Earth at the
// start: FlareEvent::siteTime), carried from then to the map's time by differential rotation (core/map/DifferentialRotation, Snodgrass
// rates, as sunpy's RotatedSunFrame) and seen from the map's observer, as Helioviewer and JHelioviewer place HEK
// flare events. SWPC's event list gives no site, only the NOAA region number: with the Solar Region Summaries beside
// it, placeFlaresAtRegions() puts each flare at its region's centre (as SolarMonitor places SWPC's events).
//
// The cycle-24 list's hpc columns are the Earth's view of its hgs columns at event_starttime (sunpy; checked against
// every row in tests/core/tst_flaresites), so the two agree wherever both are given.

#include "core/archive/FlareList.h"
#include "core/archive/RegionSummary.h"
#include "core/map/Wcs.h"

#include <QString>
#include <QVector>

#include <memory>
#include <optional>

namespace solarchip {

/// A flare's Stonyhurst site at its siteTime() (the start): the list's heliographic columns, else its
/// helioprojective ones seen from the Earth at that time (on sunpy's sphere, kSunpyRsunM, as the lists compute them); nullopt when the list gives neither (SWPC) or the
/// helioprojective point is off the disk.
std::optional<LonLat> flareSite(const FlareEvent &event);

/// A flare where it is at another time, seen by an observer.
struct FlareSeen {
    FlareEvent event;
    LonLat site;                    ///< flareSite(event): Stonyhurst at siteTime()
    double lonDeg = 0, latDeg = 0;  ///< Stonyhurst, carried by differential rotation from siteTime() to the time asked
    double tx = 0, ty = 0;          ///< helioprojective arcsec for the observer
    double hoursFromPeak = 0;       ///< the time asked minus the flare's label time (negative: before the peak)
    /// FlareEvent::inProgressAt the time asked
    bool inProgress = false;
};

/// The flares of `list` peaking within `windowHours` either side of `utcMs` (both ends included) with peak flux >=
/// `minFlux`, with a site or not.
QVector<FlareEvent> flaresPeakingWithin(const FlareList &list, qint64 utcMs, double windowHours, double minFlux = 0);

/// The flares of flaresPeakingWithin() that have a site,
/// carried to `utcMs` and seen by `observer`; those beyond the limb are left out. Strongest first (the earlier of
/// equal fluxes first).
QVector<FlareSeen> flaresSeenAt(const FlareList &list, qint64 utcMs, const Observer &observer, double windowHours,
                                double minFlux = 0);

/// The flare list with sites in a folder's top level: the one *.csv whose header names site columns (the cycle-24
/// layout's hgs_lat/hgs_lon, a HEK export's hgs_x/hgs_y or hpc_x/hpc_y; the synthetic archive writes
/// flarelist_sites_*.csv). Errors name the folder when there is none, or several.
Expected<QString> findFlareSitesList(const QString &folder);

/// How many of the list's flares have a site (a list of SWPC's layout has none).
int flaresWithSite(const FlareList &list);

/// Sites from NOAA region numbers, for a list that gives none (SWPC's event list): each flare with a region number and
/// no site of its own is put at that region's centre (sections I and IA) in the report valid nearest its siteTime()
/// that lists the region, within `maxHours`, carried to siteTime() by differential rotation; its hgsLat/hgsLon are set
/// and siteFromRegion. The centre, not the flare's kernel: a region spans up to 15 degrees. Flares whose region no
/// report within reach lists are left without a site. `placed` gets how many were placed.
FlareList placeFlaresAtRegions(const FlareList &list, const RegionSummaryArchive &reports, int *placed = nullptr,
                               double maxHours = 36);

/// The flare list of a folder to place on maps: its list with sites (findFlareSitesList), else its SWPC list
/// (findFlareList). Errors name the folder and say what is missing.
Expected<QString> findFlareListForMaps(const QString &folder);

/// A flare list ready to be placed on maps.
struct FlaresWithSites {
    std::shared_ptr<const FlareList> list;
    int withSite = 0;     ///< flares with a site
    int fromRegions = 0;  ///< of them, placed at their NOAA regions' centres (a list without sites: SWPC's)
    int reports = 0;      ///< the Solar Region Summaries read to place them
};

/// The list at `path` (read through the shared cache) as it is when it has sites; else its flares placed at their NOAA
/// regions (placeFlaresAtRegions) by the Solar Region Summaries under `reportFolder` (its subfolders with `recursive`;
/// none when empty) and in the list's own folder. Errors name the list: unreadable, or no flare of it placed (saying
/// whether any report was found).
Expected<FlaresWithSites> flaresWithSitesFrom(const QString &path, const QString &reportFolder, bool recursive);

}  // namespace solarchip
