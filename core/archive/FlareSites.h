#pragma once
// Where a flare list's flares are on a map: the site a list gives (the cycle-24 list's hgs_lat/hgs_lon and a HEK
// export's hgs_x/hgs_y, Stonyhurst at the flare's start; else its hpc_x/hpc_y, helioprojective from the Earth at the
// start: FlareEvent::siteTime), carried from then to the map's time by differential rotation (core/map/DifferentialRotation, Snodgrass
// rates, as sunpy's RotatedSunFrame) and seen from the map's observer, as Helioviewer and JHelioviewer place HEK
// flare events. SWPC's event list gives no site (only the NOAA region number): its flares have none here.
//
// The cycle-24 list's hpc columns are the Earth's view of its hgs columns at event_starttime (sunpy; checked against
// every row in tests/core/tst_flaresites), so the two agree wherever both are given.

#include "core/archive/FlareList.h"
#include "core/map/Wcs.h"

#include <QString>
#include <QVector>

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
    /// siteTime() <= time asked < end + 1 min (the lists' times are whole minutes; end missing: within an hour of the start)
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

}  // namespace solarchip
