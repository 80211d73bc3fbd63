#pragma once
// GOES flare event lists and the labels built from them. Reads the two layouts the project ships
// (../shared/sdo/labels): the SWPC event report CSV (swpc_flarelist_*.csv: date, event_no, start/max/end as
// HHMM, satellite, class, integrated flux, NOAA region, ts) and the solar-cycle-24 list with positions
// (final_flare_list_sc24.csv). In both files every data row starts with an unnamed pandas index column that
// the header line lacks, so the values sit one column right of their names; the reader accounts for it.
// A HEK flare export (sunpy's HEKClient / Fido query for event type FL written to CSV: event_starttime,
// event_peaktime, event_endtime, fl_goescls, ar_noaanum, hpc_x/hpc_y, hgs_x/hgs_y, frm_name and many more) is
// read too; its rows without a GOES class are skipped and listed (skippedRows()). Any other unreadable row
// refuses the whole file with a message naming the file, the line and the row's text.
// The synthetic archive writes its flare list in the SWPC layout through toSwpcCsv(), so the same reader takes
// real and synthetic lists.
//
// GOES classes: the letter is the decade of the 1-8 A peak flux, the number its mantissa: A1.0 = 1e-8 W/m^2,
// B = 1e-7, C = 1e-6, M = 1e-5, X = 1e-4 (X10 = 1e-3). Labels follow the field's convention: a sample at t is
// positive when a flare of at least the threshold class peaks in [t, t + window) (default 24 h).

#include "core/base/Expected.h"

#include <QDateTime>
#include <QString>
#include <QVector>

#include <limits>
#include <optional>

namespace solarchip {

constexpr double kGoesA = 1e-8;  // W/m^2, class A1.0
constexpr double kGoesB = 1e-7;
constexpr double kGoesC = 1e-6;
constexpr double kGoesM = 1e-5;
constexpr double kGoesX = 1e-4;

/// "M2.5" -> 2.5e-5 W/m^2; "X10" -> 1e-3; "C" -> 1e-6. nullopt for text that is not a GOES class.
std::optional<double> goesClassToFlux(const QString &goesClass);
/// 2.5e-5 -> "M2.5" (mantissa rounded to `decimals`; 9.96e-6 -> "M1.0"). Fluxes at or above X10 stay X
/// ("X17.2"); below A1 stay A ("A0.5"). Empty for non-positive or non-finite flux.
QString goesFluxToClass(double flux, int decimals = 1);
/// 'A', 'B', 'C', 'M' or 'X' for a flux (after the same rounding as goesFluxToClass).
QChar goesClassLetter(double flux);

struct FlareEvent {
    QDateTime start;        // UTC
    QDateTime peak;         // UTC; invalid when the list gives none (SWPC writes "////")
    QDateTime end;          // UTC; invalid when absent
    QString goesClass;      // "M2.5" as written in the list
    double peakFlux = 0;    // W/m^2 from the class
    double integratedFlux = std::numeric_limits<double>::quiet_NaN();  // J/m^2 (SWPC integrated flux)
    int noaaAr = 0;         // NOAA active region number; 0 when none was assigned
    QString satellite;      // "G15" (SWPC list)
    QString eventNo;        // SWPC event number
    QString location;       // "S26W41" (sc24 list), empty otherwise
    double hgsLat = std::numeric_limits<double>::quiet_NaN();  // degrees (sc24 list)
    double hgsLon = std::numeric_limits<double>::quiet_NaN();
    double hpcX = std::numeric_limits<double>::quiet_NaN();    // arcsec (sc24 list)
    double hpcY = std::numeric_limits<double>::quiet_NaN();
    int line = 0;           // 1-based line in the source file
    /// The site is the centre of the flare's NOAA region from a Solar Region Summary (placeFlaresAtRegions), not a
    /// position the list gave.
    bool siteFromRegion = false;

    /// The time labels use: the peak, or the start when the peak is missing.
    QDateTime labelTime() const { return peak.isValid() ? peak : start; }
    /// The time a list's position refers to: the start (the cycle-24 list's hpc columns are the Earth's view of its
    /// site at event_starttime, as sunpy takes a HEK event's coordinates at its start). A start dated after the peak
    /// (69 rows of the cycle-24 list: a flare that began before midnight given its peak's date) is not trusted: the
    /// peak then.
    QDateTime siteTime() const { return start.isValid() && (!peak.isValid() || start <= peak) ? start : labelTime(); }
    /// In progress at `t`: siteTime() <= t < end + 1 min (the lists give whole minutes: the end's minute is still the
    /// flare's); without an end, within an hour of the start.
    bool inProgressAt(const QDateTime &t) const
    {
        const QDateTime from = siteTime();
        const QDateTime until = end.isValid() ? end.addSecs(60) : from.addSecs(3600);
        return from.isValid() && from <= t && t < until;
    }
};

class FlareList {
public:
    enum class Format { Auto, Swpc, Sc24, Hek };

    /// A row left out on purpose (HEK reports without a GOES class), with the reason.
    struct SkippedRow {
        int line = 0;
        QString text;
        QString reason;
    };

    FlareList() = default;
    /// Events in any order; kept sorted by labelTime().
    explicit FlareList(QVector<FlareEvent> events);

    /// Reads a list file. Auto picks the layout from the header line. Errors name the file and the line.
    static Expected<FlareList> load(const QString &path, Format format = Format::Auto);
    /// Parses list text; `file` is only used in messages.
    static Expected<FlareList> parse(const QByteArray &text, const QString &file, Format format = Format::Auto);

    const QVector<FlareEvent> &events() const { return m_events; }
    int size() const { return static_cast<int>(m_events.size()); }
    bool isEmpty() const { return m_events.isEmpty(); }
    /// Rows the reader skipped (HEK only; empty for the other layouts, which refuse a file with a bad row).
    const QVector<SkippedRow> &skippedRows() const { return m_skipped; }

    /// Events whose labelTime() lies in [from, to) with peak flux >= minFlux (0: all).
    QVector<FlareEvent> between(const QDateTime &from, const QDateTime &to, double minFlux = 0) const;
    /// The strongest event peaking in [t, t + windowSeconds), if any.
    std::optional<FlareEvent> strongestIn(const QDateTime &t, qint64 windowSeconds = 86400) const;
    /// True when an event with peak flux >= minFlux peaks in [t, t + windowSeconds).
    bool isPositive(const QDateTime &t, double minFlux, qint64 windowSeconds = 86400) const;
    /// isPositive() for many sample times (0/1 per time).
    QVector<int> labels(const QVector<QDateTime> &times, double minFlux, qint64 windowSeconds = 86400) const;

    /// The SWPC CSV layout of swpc_flarelist_*.csv: the same header line, rows with the leading index column.
    static QByteArray toSwpcCsv(const QVector<FlareEvent> &events);
    /// Writes toSwpcCsv() atomically (temporary + fsync + rename).
    static Status writeSwpcCsv(const QString &path, const QVector<FlareEvent> &events);

    /// The cycle-24 list's layout (final_flare_list_sc24.csv): its header, rows with the leading index column, times
    /// "YYYY-MM-DD HH:MM:SS", goes_class_val and the positions as Python writes floats (pandas' to_csv), the integrated
    /// flux and the NOAA number as SWPC writes them, position columns empty where a flare has none. A row of the real
    /// file read and written again comes out the same (tests/core/tst_flaresites).
    static QByteArray toSc24Csv(const QVector<FlareEvent> &events);
    /// Writes toSc24Csv() atomically (temporary + fsync + rename).
    static Status writeSc24Csv(const QString &path, const QVector<FlareEvent> &events);

private:
    QVector<FlareEvent> m_events;
    QVector<SkippedRow> m_skipped;
};

/// The archive's flare list: the one swpc_flarelist_*.csv in its top folder (what the synthetic archive writes; SWPC's
/// list can be put there). Errors name the folder.
Expected<QString> findFlareList(const QString &archiveDir);

}  // namespace solarchip
