#pragma once
// The archive catalog: an SQLite index (WAL) of a folder tree of SDO map files (FITS and Helioviewer JPEG2000,
// read through core/map/MapFile), one row per file, built from
// the files' headers (never from their names). The GUI's timeline and archive browser, the training dataset and
// the CLI (`solarchip index`, `solarchip catalog`) all ask it the same questions: what is there, when, and
// which files of several channels belong together.
//
// Threads: a Catalog may be used from several threads at once; every thread gets its own named QSqlDatabase
// connection (Qt Sql connections cannot cross threads). A scan (update()) writes through its own connection in
// short transactions, so queries from other threads or processes see a consistent catalog throughout, and a
// process killed mid-scan leaves every committed batch intact; the next update() finishes the job.
//
// Times: UTC. Ranges are half-open [from, to); an invalid QDateTime means "unbounded" on that side.

#include "core/base/Expected.h"
#include "core/archive/ObservationSet.h"

#include <QDate>
#include <QDateTime>
#include <QHash>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QVector>

#include <atomic>
#include <functional>
#include <memory>

namespace solarchip {

/// Where a catalog database lives (decided by Catalog::locate()).
enum class CatalogLocation {
    Explicit,   // the caller named the file (--db PATH)
    InArchive,  // ARCHIVE/.solarchip/catalog.sqlite
    UserCache,  // the archive folder is not writable: <generic cache>/solarchip/catalogs/<name>-<hash>.sqlite
};
QString catalogLocationName(CatalogLocation location);  // "explicit", "archive", "user-cache"

struct CatalogScanProgress {
    enum class Phase { Listing, Reading, Done };
    Phase phase = Phase::Listing;
    qint64 found = 0;  // map files found so far while listing
    qint64 done = 0;   // files read so far (Reading)
    qint64 total = 0;  // files to read: new + changed (Reading)
};

struct CatalogScanOptions {
    int threads = 0;           // reader threads; 0: QThread::idealThreadCount()
    int batchSize = 256;       // files per write transaction
    bool rereadAll = false;    // re-read every file even when unchanged
    bool retryErrors = false;  // re-read unchanged files that could not be read last time
    /// Called on the scanning thread after listing and after every batch (cheap: a GUI posts it on).
    std::function<void(const CatalogScanProgress &)> progress;
    /// Set to true from any thread to stop after the current batch; what was committed stays.
    const std::atomic<bool> *cancel = nullptr;
    /// While another process updates this catalog: 0 refuses at once (`solarchip index`); > 0 waits up to that
    /// many ms for it to finish, then updates (what it added is then skipped as unchanged). For commands that only
    /// need the catalog current before reading it, so two jobs on one archive do not fail each other.
    int waitForWriterMs = 0;
};

struct CatalogScanSummary {
    qint64 seen = 0;     // map files found in the folder tree
    qint64 added = 0;    // new files read
    qint64 updated = 0;  // changed files re-read (size or mtime differ, or a re-read was asked for)
    qint64 removed = 0;  // rows of files that no longer exist
    qint64 skipped = 0;  // unchanged files not read again
    qint64 failed = 0;   // of added+updated: files that could not be read (recorded with their error)
    bool cancelled = false;
    double elapsedS = 0;
    QStringList warnings;  // folders that could not be listed (permission denied...), each with its reason
};

/// Totals over the whole catalog.
struct CatalogStats {
    qint64 files = 0;         // rows: every map file found, readable or not
    qint64 observations = 0;  // rows that are SDO maps
    qint64 bad = 0;           // rows with an error
    QMap<QString, qint64> channels;  // channel -> observations
    QDateTime first, last;    // observation time span (invalid when there are no observations)
    bool scanComplete = false;       // the last update() ran to the end (false: killed or cancelled mid-way)
    QDateTime lastScanFinished;      // when the last complete update() ended (invalid if never)
};

/// A file that is in the archive folder but could not be catalogued as an SDO map.
struct CatalogBadFile {
    QString path;     // absolute
    QString message;  // why (names the problem: "truncated: ...", "not an SDO map: ...")
    qint64 fileSize = 0;
};

/// Observations per channel on one UTC day.
struct DaySummary {
    QDate date;
    QMap<QString, int> counts;  // channel -> observations that day
    int total() const;
};

/// Per-channel per-bin observation counts for a timeline. Bins are aligned to UTC hours, days or calendar
/// months (`step` units wide, starting at the unit boundary at or before `from`) and cover [from, to) whole.
struct Availability {
    enum class Unit { Hour, Day, Month };
    Unit unit = Unit::Day;
    int step = 1;
    QVector<qint64> edgesMs;  // bin edges, UTC ms: bin i is [edgesMs[i], edgesMs[i+1])
    QStringList channels;     // the channels counted
    QMap<QString, QVector<int>> counts;  // channel -> one count per bin (edgesMs.size() - 1 entries)
    int binCount() const { return edgesMs.isEmpty() ? 0 : int(edgesMs.size()) - 1; }
};

/// How completeSets() groups files into co-temporal sets.
struct CoTemporalOptions {
    qint64 toleranceMs = 60'000;  // each member within this of the reference time (inclusive)
    /// The channel whose observations give the reference times; empty: the first requested channel.
    QString anchorChannel;
    /// Minimum time between consecutive sets' reference times (0: every anchor observation may start a set).
    qint64 minSpacingMs = 0;
    /// Only use observations with QUALITY == 0.
    bool nominalQualityOnly = false;
};

class Catalog {
public:
    enum class OpenMode { ReadWrite, ReadOnly };

    /// Where the catalog of `archiveDir` lives: `dbPath` when given; else an existing
    /// ARCHIVE/.solarchip/catalog.sqlite, or that path when the folder is writable; else the per-user cache.
    struct Place {
        QString dbPath;
        CatalogLocation location = CatalogLocation::InArchive;
    };
    static Place locate(const QString &archiveDir, const QString &dbPath = {});

    /// Opens (ReadWrite: creates if needed) the catalog of `archiveDir`. Fails with a message naming the folder or
    /// the database: missing folder, unwritable location, a database from a newer SolarCHIP (schema version),
    /// a database that indexes another folder, a corrupt file. ReadOnly fails when no catalog exists yet.
    static Expected<Catalog> open(const QString &archiveDir, const QString &dbPath = {},
                                  OpenMode mode = OpenMode::ReadWrite);

    Catalog(Catalog &&) noexcept;
    Catalog &operator=(Catalog &&) noexcept;
    ~Catalog();

    QString archiveDir() const;  // absolute, cleaned
    QString dbPath() const;
    CatalogLocation location() const;
    static int schemaVersion();  // the version this build writes and reads

    /// Brings the catalog up to date with the folder tree: new files read, changed files (size or mtime) re-read,
    /// rows of deleted files removed, unchanged files skipped. Unreadable files are recorded with their error.
    /// Fails only when the folder or the database cannot be used (the message names which).
    Expected<CatalogScanSummary> update(const CatalogScanOptions &options = {});

    // ---- Queries. On 100k files those with a bounded answer (totals, channels, day list, timeline bins, a
    // nearest set, neighbours, a day of observations) take well under 10 ms; those returning many rows
    // (observations or complete sets over months) cost a few microseconds per Observation returned, decoding
    // through Qt Sql dominating. Measured by `solarchip bench catalog` / bench/catalog_bench.sh. ----
    Expected<CatalogStats> stats() const;
    /// Channels with at least one observation: AIA by wavelength, then HMI, then anything else.
    Expected<QStringList> channels() const;
    /// First and last observation time (of one channel, or of all when `channel` is empty); invalid if none.
    Expected<QDateTime> firstTime(const QString &channel = {}) const;
    Expected<QDateTime> lastTime(const QString &channel = {}) const;
    /// The UTC days overlapping [from, to) that have observations, with per-channel counts over each whole day.
    Expected<QVector<DaySummary>> days(const QDateTime &from = {}, const QDateTime &to = {},
                                       const QStringList &channels = {}) const;
    /// Observations of the given channels (empty: all) in [from, to), by time; at most `limit` (0: no limit).
    Expected<QVector<Observation>> observations(const QStringList &channels, const QDateTime &from = {},
                                                const QDateTime &to = {}, int limit = 0) const;
    /// Observation times (UTC ms, ascending) per channel in [from, to), channels empty: all. Reads only the
    /// (channel, time) index: ~20x cheaper per observation than observations(); what a timeline needs.
    Expected<QHash<QString, QVector<qint64>>> timesByChannel(const QStringList &channels = {},
                                                             const QDateTime &from = {},
                                                             const QDateTime &to = {}) const;
    /// The row of one file (absolute path or relative to the archive); invalid Observation if not catalogued.
    Expected<Observation> observationForPath(const QString &path) const;
    /// The closest observation of each channel to `time` within `toleranceMs` (inclusive). Ties: the earlier.
    Expected<ObservationSet> nearestSet(const QDateTime &time, const QStringList &channels,
                                        qint64 toleranceMs) const;
    /// Every complete co-temporal set in [from, to): one per anchor-channel observation in the range for which
    /// every other channel has an observation within the tolerance (the closest one), thinned by minSpacingMs.
    Expected<QVector<ObservationSet>> completeSets(const QDateTime &from, const QDateTime &to,
                                                   const QStringList &channels,
                                                   const CoTemporalOptions &options = {}) const;
    /// Observation counts per channel per bin over [from, to) for a timeline (channels empty: all present).
    Expected<Availability> availability(const QDateTime &from, const QDateTime &to, Availability::Unit unit,
                                        int step = 1, const QStringList &channels = {}) const;
    /// The last observation strictly before / first strictly after `time`, of one channel or (empty) any.
    /// An invalid Observation when there is none.
    Expected<Observation> previous(const QDateTime &time, const QString &channel = {}) const;
    Expected<Observation> next(const QDateTime &time, const QString &channel = {}) const;
    /// Files recorded with an error, by path.
    Expected<QVector<CatalogBadFile>> badFiles() const;

    class Impl;

private:
    explicit Catalog(std::unique_ptr<Impl> impl);
    /// `canonical` (already canonical keys), or every channel present when it is empty.
    Expected<QStringList> channelsOrPresent(const QStringList &canonical) const;
    std::unique_ptr<Impl> d;
};

}  // namespace solarchip
