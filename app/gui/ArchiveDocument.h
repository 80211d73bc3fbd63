#pragma once
// The open archive: a folder of SDO files with its catalog, or a few loose files opened on their own. Opening
// a folder never blocks the window: the catalog is opened and its observations shown as soon as they are
// known, then the folder is scanned for new, changed and deleted files in the background (progress signals,
// cancellable); when the scan changed anything the timeline is reloaded. Loose files (File > Open files,
// drag and drop; FITS or Helioviewer .jp2) have their headers read in the background and form one time series
// per channel when some channel has files at several times (a movie: FileSeriesSource, walked like an
// archive), else one set at one time (FileSetSource). A folder holding no SDO map gets no catalogue written
// into it: it opens empty.
//
// What is open is an ObservationSource (core/archive): a catalogued folder (CatalogSource), the loose files'
// series (FileSeriesSource) or set (FileSetSource); nothing here or in its users switches on the kind of
// source. The observation document
// asks which files belong to a time (nearestSet, next/previous) through query(): a snapshot (ArchiveQuery: the
// immutable source and the time index) it takes to a worker thread, so no catalogue query runs on the UI
// thread. The question methods below answer on the calling thread (errors only logged): for tests and scripts.

#include "app/gui/ArchiveQuery.h"
#include "core/archive/ObservationSet.h"
#include "core/archive/ObservationSource.h"

#include <QDateTime>
#include <QFuture>
#include <QObject>
#include <QStringList>

#include <atomic>
#include <memory>

namespace solarchip {

class TimelineModel;

class ArchiveDocument : public QObject {
    Q_OBJECT
public:
    explicit ArchiveDocument(QObject *parent = nullptr);
    /// Cancels a running scan and waits for it (it stops after its current batch).
    ~ArchiveDocument() override;

    /// Opens an archive folder. Fails (failed()) for a missing or unusable folder; the previous archive stays.
    void openArchive(const QString &dir);
    /// Opens loose map files (FITS or .jp2). Files that cannot be read are reported in failed() (one line per
    /// file, naming it) and skipped.
    void openFiles(const QStringList &paths);
    /// Opens the loose files already open plus these (when a folder is open: these alone).
    void addFiles(const QStringList &paths);
    /// Scans the open archive folder again.
    void refresh();
    /// Stops a running scan after its current batch; what was catalogued so far stays.
    void cancelIndexing();

    /// The open source (nullptr before anything was opened).
    const ObservationSource *source() const { return m_source.get(); }
    bool isOpen() const { return m_source != nullptr; }
    /// The open archive folder, or the folder being opened; empty for loose files.
    QString archiveDir() const { return m_dir; }
    /// Time can be walked (steps, jumps to a date, prefetch): an archive or loose files forming a series.
    bool hasTimeAxis() const { return m_source && m_source->hasTimeAxis(); }
    /// The source can be scanned again (an archive folder).
    bool canRescan() const { return m_source && m_source->canRescan(); }
    /// The time to show first when nothing else asks for one (loose files: their set's time).
    std::optional<qint64> startTime() const { return m_source ? m_source->startTime() : std::nullopt; }
    /// The loose files' observations, ordered by time (empty unless loose files are open): the one set shown,
    /// or every frame of a series.
    const ObservationSet &fileSet() const { return m_fileSet; }
    /// The loose files open (readable ones), for adding to them.
    QStringList looseFiles() const;
    /// A background open or scan is running.
    bool isBusy() const { return m_busy; }
    bool isIndexing() const { return m_indexing; }
    /// Some observation is known (the timeline has data).
    bool hasData() const;
    QStringList channels() const;
    TimelineModel *timeline() const { return m_timeline; }
    /// Summary of the last finished scan, for the status bar ("360 files, 0 unreadable").
    QString statusText() const { return m_status; }
    /// Median spacing of a channel's observations (0 if fewer than two).
    qint64 cadenceMs(const QString &channel) const;

    /// The questions below as a value for a worker thread (errors as values).
    ArchiveQuery query() const;

    // Questions about times (UTC), on the calling thread. Invalid results when there is no archive or no such
    // observation.
    ObservationSet nearestSet(qint64 timeMs, const QStringList &channels, qint64 toleranceMs) const;
    Observation nearest(qint64 timeMs, const QString &channel) const;
    Observation next(qint64 timeMs, const QString &channel) const;
    Observation previous(qint64 timeMs, const QString &channel) const;
    Observation first(const QString &channel) const;
    Observation last(const QString &channel) const;

Q_SIGNALS:
    /// A new archive or file list became current (the timeline is cleared; data follow with dataChanged).
    void opened();
    /// The set of known observations changed (first load, or a scan that found changes).
    void dataChanged();
    void busyChanged(bool busy);
    /// Scan progress: `phase` is a translated word ("Listing", "Reading"); total 0 while unknown.
    void indexingProgress(const QString &phase, qint64 done, qint64 total);
    /// The scan ended (completed or cancelled); `message` summarises it.
    void indexingFinished(bool cancelled, const QString &message);
    /// Something could not be opened or read; the message names the folder or file.
    void failed(const QString &message);

private:
    struct Job;
    void startJob(std::shared_ptr<Job> job);
    void setBusy(bool busy);
    void applyTimes(const QHash<QString, QVector<qint64>> &times);

    std::shared_ptr<const ObservationSource> m_source;
    QString m_dir;
    ObservationSet m_fileSet;
    TimelineModel *m_timeline = nullptr;
    std::shared_ptr<Job> m_job;
    // Jobs run on the thread budget's Background pool (never the global pool: Qt's painting waits for helpers
    // there, and a scan takes minutes).
    QFuture<void> m_future;
    bool m_busy = false;
    bool m_indexing = false;
    QString m_status;
};

}  // namespace solarchip
