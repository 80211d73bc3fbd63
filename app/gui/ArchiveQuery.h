#pragma once
// The questions the observation document asks about times (which files of several channels belong to a time,
// the next or previous observation of a channel, the first and last, the cadence), as a value that travels to
// a worker thread: a snapshot of the open archive taken on the UI thread (its catalog, shared and safe to use
// from any thread, and the timeline's per-channel times, shared copy-on-write; or the loose files' set).
// The catalogue answers in about a millisecond, but on a loaded machine or a big archive on a slow disk a
// query can take far longer, so the GUI asks on the thread budget's Io pool and never on the UI thread.
// Every answer is an Expected: a catalogue error names the archive and reaches the status bar.

#include "core/base/Expected.h"
#include "core/archive/ObservationSet.h"

#include <QHash>
#include <QString>
#include <QStringList>
#include <QVector>

#include <memory>

namespace solarchip {

class Catalog;

class ArchiveQuery {
public:
    /// No archive: every answer is empty (invalid observations, an empty set).
    ArchiveQuery() = default;
    /// An archive folder: questions go to its catalog; `times` (sorted, per channel) answer first/last/cadence.
    static ArchiveQuery forCatalog(std::shared_ptr<const Catalog> catalog, const QString &archiveDir,
                                   QHash<QString, QVector<qint64>> times);
    /// Loose files: one set, whatever the time.
    static ArchiveQuery forFiles(ObservationSet set);

    bool isArchive() const { return m_catalog != nullptr; }
    bool isFiles() const { return m_files; }

    Expected<ObservationSet> nearestSet(qint64 timeMs, const QStringList &channels, qint64 toleranceMs) const;
    /// The observation of `channel` nearest to `timeMs` (ties: the earlier one).
    Expected<Observation> nearest(qint64 timeMs, const QString &channel) const;
    /// The first observation strictly after / before `timeMs`.
    Expected<Observation> next(qint64 timeMs, const QString &channel) const;
    Expected<Observation> previous(qint64 timeMs, const QString &channel) const;
    Expected<Observation> first(const QString &channel) const;
    Expected<Observation> last(const QString &channel) const;
    /// Median spacing of a channel's observations (0 if fewer than two).
    qint64 cadenceMs(const QString &channel) const;
    /// Median spacing of sorted times (0 if fewer than two distinct).
    static qint64 medianSpacing(const QVector<qint64> &times);

private:
    Error failure(const char *what, const Error &error) const;

    std::shared_ptr<const Catalog> m_catalog;
    QString m_dir;
    QHash<QString, QVector<qint64>> m_times;
    qint64 m_first = 0, m_last = 0;  // over every channel
    bool m_hasData = false;
    bool m_files = false;
    ObservationSet m_fileSet;
};

}  // namespace solarchip
