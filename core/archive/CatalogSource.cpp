#include "core/archive/CatalogSource.h"

#include <QTimeZone>

namespace solarchip {

namespace {
QDateTime utc(qint64 ms) { return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()); }
}  // namespace

CatalogSource::CatalogSource(std::shared_ptr<Catalog> catalog) : m_catalog(std::move(catalog)) {}

QString CatalogSource::folder() const { return m_catalog->archiveDir(); }

Expected<ObservationSet> CatalogSource::nearestSet(qint64 timeMs, const QStringList &channels, qint64 toleranceMs) const
{
    return m_catalog->nearestSet(utc(timeMs), channels, toleranceMs);
}

Expected<Observation> CatalogSource::next(qint64 timeMs, const QString &channel) const
{
    return m_catalog->next(utc(timeMs), channel);
}

Expected<Observation> CatalogSource::previous(qint64 timeMs, const QString &channel) const
{
    return m_catalog->previous(utc(timeMs), channel);
}

Expected<QVector<Observation>> CatalogSource::observationsIn(const QString &channel, qint64 fromMs, qint64 toMs) const
{
    // The catalogue's span is [from, to): one millisecond past `toMs` includes it.
    return m_catalog->observations({channel}, utc(fromMs), utc(toMs + 1));
}

}  // namespace solarchip
