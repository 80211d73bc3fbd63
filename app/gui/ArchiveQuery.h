#pragma once
// The questions the observation document asks about times (which files of several channels belong to a time,
// the next or previous observation of a channel, the first and last, the cadence), as a value that travels to
// a worker thread: a snapshot of the open source taken on the UI thread (the ObservationSource, immutable and
// safe to use from any thread, and the timeline's TimeIndex, shared copy-on-write).
// The catalogue answers in about a millisecond, but on a loaded machine or a big archive on a slow disk a
// query can take far longer, so the GUI asks on the thread budget's Io pool and never on the UI thread.
// Every answer is an Expected: a catalogue error names the archive and reaches the status bar.

#include "core/base/Expected.h"
#include "core/archive/ObservationSet.h"
#include "core/archive/ObservationSource.h"
#include "core/archive/TimeIndex.h"

#include <QString>
#include <QStringList>
#include <QVector>

#include <memory>

namespace solarchip {

class ArchiveQuery {
public:
    /// Nothing open: every answer is empty (invalid observations, an empty set).
    ArchiveQuery() = default;
    /// The open source (immutable, safe from any thread) and its per-channel times (shared copy-on-write),
    /// which answer first/last/cadence without a query.
    ArchiveQuery(std::shared_ptr<const ObservationSource> source, TimeIndex index);

    /// Time can be walked (an archive); loose files are one fixed set.
    bool hasTimeAxis() const { return m_source && m_source->hasTimeAxis(); }

    Expected<ObservationSet> nearestSet(qint64 timeMs, const QStringList &channels, qint64 toleranceMs) const;
    /// The observation of `channel` nearest to `timeMs` (ties: the earlier one).
    Expected<Observation> nearest(qint64 timeMs, const QString &channel) const;
    /// The first observation strictly after / before `timeMs`.
    Expected<Observation> next(qint64 timeMs, const QString &channel) const;
    Expected<Observation> previous(qint64 timeMs, const QString &channel) const;
    Expected<Observation> first(const QString &channel) const;
    Expected<Observation> last(const QString &channel) const;
    /// Every observation of `channel` with fromMs <= time <= toMs, by time.
    Expected<QVector<Observation>> observationsIn(const QString &channel, qint64 fromMs, qint64 toMs) const;
    /// Median spacing of a channel's observations (0 if fewer than two).
    qint64 cadenceMs(const QString &channel) const { return m_index.medianCadence(channel); }

private:
    Error failure(const char *what, const Error &error) const;

    std::shared_ptr<const ObservationSource> m_source;
    TimeIndex m_index;
};

}  // namespace solarchip
