#pragma once
// NOAA/SWPC Solar Region Summaries (SRS): the daily text report that gives every numbered active region's
// position, the product JHelioviewer and Helioviewer draw as "NOAA AR" labels and sunpy reads with
// sunpy.io.special.srs.read_srs. One file per day, named YYYYMMDDSRS.txt (SWPC's warehouse keeps them as
// YYYY/SRS/YYYYMMDDSRS.txt), issued at 00:30 UTC with locations valid at 24:00 UTC of the day before:
//
//   :Issued: 2011 Jun 07 0030 UTC
//   ...
//   I.  Regions with Sunspots.  Locations Valid at 06/2400Z
//   Nmbr Location  Lo  Area  Z   LL   NN Mag Type
//   1226 S22W52   036  0080 Dao  10   08 Beta
//   IA. H-alpha Plages without Spots.  Locations Valid at 06/2400Z Jun
//   Nmbr  Location  Lo
//   1225  N17W77   061
//   II. Regions Due to Return 07 Jun to 09 Jun
//   Nmbr Lat    Lo
//   1221 S18    253
//
// Location: heliographic latitude (N/S) and Stonyhurst longitude from the central meridian (E negative, W
// positive), whole degrees; Lo: Carrington longitude; Area: millionths of the solar hemisphere, corrected for
// foreshortening; Z: McIntosh class; LL: longitudinal extent (deg); NN: spot count; Mag Type: Mount Wilson
// class. The report prints the region number's last four digits: like sunpy, the reader adds 10000 (regions
// numbered from mid-2002, 10000, until NOAA's numbers passed 19999), the number the flare lists give.
// A section holding "None" has no rows. Anything else unreadable refuses the file, naming the file and the line.

#include "core/base/Expected.h"
#include "core/map/Wcs.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QStringList>
#include <QVector>

#include <limits>
#include <optional>

namespace solarchip {

struct NoaaRegion {
    enum class Section { Spots, Plage, DueToReturn };
    Section section = Section::Spots;
    int number = 0;          ///< NOAA number as the flare lists give it (the report's 4 digits + 10000)
    QString location;        ///< "S22W52" as written (empty in section II)
    double latDeg = std::numeric_limits<double>::quiet_NaN();      ///< heliographic latitude, north positive
    double lonDeg = std::numeric_limits<double>::quiet_NaN();      ///< Stonyhurst longitude, west positive (NaN in II)
    double carringtonLonDeg = std::numeric_limits<double>::quiet_NaN();
    int areaMsh = -1;        ///< millionths of a hemisphere (-1: not given, sections IA and II)
    QString mcIntosh;        ///< "Dao" (section I)
    int extentDeg = -1;      ///< LL (section I)
    int spotCount = -1;      ///< NN (section I)
    QString magType;         ///< "Beta-Gamma-Delta" as written (section I)
    int line = 0;            ///< 1-based line in the file

    /// The Mount Wilson class in Greek letters ("Beta-Gamma-Delta" -> "βγδ"); empty when none is given.
    QString magTypeSymbols() const;
    /// "S22W52" for latitude -22, longitude +52 (whole degrees, as the report writes a location).
    static QString locationText(double latDeg, double lonDeg);
    /// "spots", "plage" or "due_to_return" (JSON and CSV keys).
    static QString sectionKey(Section section);
};

struct RegionSummary {
    QString path;            ///< the file read (empty for one made in memory)
    QDateTime issued;        ///< UTC, from ":Issued:"
    QDateTime validAt;       ///< UTC the locations are valid at (from "Locations Valid at DD/HHMMZ")
    int srsNumber = -1;      ///< "SRS Number 158" (-1 when absent)
    /// The report's '#' lines, without the '#' (format() writes SWPC's two "Prepared jointly by" lines when empty;
    /// the synthetic archive says there that it is not a NOAA product).
    QStringList comments;
    QVector<NoaaRegion> regions;

    /// Reads a report file. Errors name the file and the line.
    static Expected<RegionSummary> load(const QString &path);
    /// Parses report text; `source` names it in errors.
    static Expected<RegionSummary> parse(const QByteArray &text, const QString &source);
    /// The report as SWPC writes it (the layout above, fixed-width columns); parse(format()) gives it back.
    /// Sections I and IA are valid at `validAt`; section II says the three days from the issue date.
    QByteArray format() const;
    /// SWPC's file name for the report issued on `issued`'s date: "20110607SRS.txt".
    static QString fileNameFor(const QDateTime &issued);
};

/// A region of a report where it is at another time, seen by an observer.
struct NoaaRegionSeen {
    NoaaRegion region;
    double lonDeg = 0, latDeg = 0;  ///< Stonyhurst, carried by differential rotation to the time asked
    double tx = 0, ty = 0;          ///< helioprojective arcsec for the observer
};

/// The regions of sections I and IA carried from the report's validAt to `utcMs` by differential rotation
/// (core/map/DifferentialRotation: Snodgrass rates, as sunpy's RotatedSunFrame) and seen by `observer`; those
/// that have rotated beyond the limb are left out. Section II has no longitude and is never drawn.
QVector<NoaaRegionSeen> regionsSeenAt(const RegionSummary &report, qint64 utcMs, const Observer &observer);

/// A search hit (or a flare position) is in a NOAA region when the region's centre, carried to the hit's time, lies
/// within this many degrees of it: about one model cell of the default model (120" at disk centre is 7 deg).
inline constexpr double kHitRegionMaxDeg = 8.0;

/// The reports of a folder tree, by the time their locations are valid at: every file named *SRS.txt (any case)
/// under `root`, the `.solarchip` folder left out. Files that cannot be read are listed with their reason.
class RegionSummaryArchive {
public:
    struct Failure {
        QString path;
        QString reason;
    };

    /// Scans `root` and, with `recursive`, its subfolders (cheap per file, but a tree of many folders takes tens of
    /// ms: call it off the UI thread).
    static RegionSummaryArchive scan(const QString &root, bool recursive = true);
    RegionSummaryArchive() = default;
    explicit RegionSummaryArchive(QVector<RegionSummary> reports);

    const QVector<RegionSummary> &reports() const { return m_reports; }
    const QVector<Failure> &failures() const { return m_failures; }
    bool isEmpty() const { return m_reports.isEmpty(); }
    /// The report whose validAt is nearest to `utcMs`, if within `maxHours` of it (default 36 h: a daily series
    /// with a missing day still labels every time; farther, positions carried by rotation would drift).
    const RegionSummary *nearest(qint64 utcMs, double maxHours = 36) const;
    /// The region (sections I and IA of the report nearest `utcMs`, carried to `utcMs` by differential rotation)
    /// whose centre lies nearest the Stonyhurst point (lon, lat) on the sphere, if within `maxDeg` (great circle):
    /// which numbered region a search hit or a flare position is in. `distanceDeg` gets its distance.
    std::optional<NoaaRegion> regionNear(qint64 utcMs, double lonDeg, double latDeg, double maxDeg,
                                         double *distanceDeg = nullptr) const;

private:
    QVector<RegionSummary> m_reports;  // sorted by validAt
    QVector<Failure> m_failures;
};

}  // namespace solarchip
