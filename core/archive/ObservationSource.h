#pragma once
// Where the observations a viewer shows come from, behind one interface: a catalogued archive folder
// (CatalogSource: a time axis to walk, rescannable), files opened together that form a movie per channel
// (FileSeriesSource: a time axis in memory) or that do not (FileSetSource: one fixed set). The documents, the
// presenter and the reactions ask the source what it can do (hasTimeAxis, canRescan, startTime) instead of
// asking which kind it is, so a new kind of source (a remote archive) is one new class. Times are UTC milliseconds since the Unix epoch. Implementations
// are immutable once built and safe to query from any thread.

#include "core/archive/ObservationSet.h"
#include "core/base/Expected.h"

#include <QString>
#include <QStringList>
#include <QVector>

#include <optional>

namespace solarchip {

class ObservationSource {
public:
    virtual ~ObservationSource() = default;

    /// The archive folder, or empty when the source is not a folder (settings remembered per archive).
    virtual QString folder() const = 0;
    /// Time can be walked: next/previous observations, steps, jumps to a date, prefetch along the way.
    virtual bool hasTimeAxis() const = 0;
    /// The folder can be scanned again for new, changed and deleted files.
    virtual bool canRescan() const = 0;
    /// The time to show when nothing else asks for one (nullopt: the caller decides, e.g. the last time).
    virtual std::optional<qint64> startTime() const = 0;

    /// The closest observation of each channel within the tolerance (ties: the earlier).
    virtual Expected<ObservationSet> nearestSet(qint64 timeMs, const QStringList &channels, qint64 toleranceMs) const = 0;
    /// The first observation strictly after / last strictly before a time, of one channel (empty: any);
    /// an invalid Observation when there is none.
    virtual Expected<Observation> next(qint64 timeMs, const QString &channel) const = 0;
    virtual Expected<Observation> previous(qint64 timeMs, const QString &channel) const = 0;
    /// Every observation of one channel with fromMs <= time <= toMs, by time (a light curve's files).
    virtual Expected<QVector<Observation>> observationsIn(const QString &channel, qint64 fromMs, qint64 toMs) const = 0;
};

}  // namespace solarchip
