#pragma once
// Files opened together (File > Open files, drag and drop) as an ObservationSource: one fixed set of every
// readable file, ordered by time, shown whatever time is asked; there is no time axis to walk and nothing to
// rescan.

#include "core/archive/ObservationSource.h"

namespace solarchip {

class FileSetSource final : public ObservationSource {
public:
    /// The files' observations, in any order (they are ordered by time; the set's time is the earliest).
    explicit FileSetSource(QVector<Observation> observations);

    const ObservationSet &set() const { return m_set; }

    QString folder() const override { return {}; }
    bool hasTimeAxis() const override { return false; }
    bool canRescan() const override { return false; }
    std::optional<qint64> startTime() const override { return m_set.referenceTimeMs; }
    /// The whole set, whatever the time, channels and tolerance.
    Expected<ObservationSet> nearestSet(qint64 timeMs, const QStringList &channels, qint64 toleranceMs) const override;
    Expected<Observation> next(qint64, const QString &) const override { return Observation{}; }
    Expected<Observation> previous(qint64, const QString &) const override { return Observation{}; }
    Expected<QVector<Observation>> observationsIn(const QString &channel, qint64 fromMs, qint64 toMs) const override;

private:
    ObservationSet m_set;
};

}  // namespace solarchip
