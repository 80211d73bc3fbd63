#pragma once
// An archive folder as an ObservationSource: every question goes to its catalogue (well under a millisecond
// per query), time can be walked and the folder rescanned. The catalogue is shared with whoever scans it.

#include "core/archive/Catalog.h"
#include "core/archive/ObservationSource.h"

#include <memory>

namespace solarchip {

class CatalogSource final : public ObservationSource {
public:
    explicit CatalogSource(std::shared_ptr<Catalog> catalog);

    const std::shared_ptr<Catalog> &catalog() const { return m_catalog; }

    QString folder() const override;
    bool hasTimeAxis() const override { return true; }
    bool canRescan() const override { return true; }
    std::optional<qint64> startTime() const override { return std::nullopt; }
    Expected<ObservationSet> nearestSet(qint64 timeMs, const QStringList &channels, qint64 toleranceMs) const override;
    Expected<Observation> next(qint64 timeMs, const QString &channel) const override;
    Expected<Observation> previous(qint64 timeMs, const QString &channel) const override;
    Expected<QVector<Observation>> observationsIn(const QString &channel, qint64 fromMs, qint64 toMs) const override;

private:
    std::shared_ptr<Catalog> m_catalog;
};

}  // namespace solarchip
