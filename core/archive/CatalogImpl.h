#pragma once
// Internal to the catalog: Catalog's private state and the SQL helpers its query files share
// (Catalog.cpp: opening, totals, single observations; CatalogTimeline.cpp: days and availability;
// CatalogSets.cpp: co-temporal sets).

#include "core/archive/Catalog.h"
#include "core/archive/CatalogDatabase.h"
#include "core/archive/detail/SqliteStatement.h"

#include <QSqlQuery>

#include <limits>
#include <memory>

namespace solarchip {

class Catalog::Impl {
public:
    QString root;
    Catalog::Place place;
    std::unique_ptr<CatalogDatabase> db;

    QString absolute(const QString &rel) const { return root + QLatin1Char('/') + rel; }
    /// A row selected with kObservationColumns.
    Observation observationFromRow(const QSqlQuery &q) const;
    /// The same through SQLite's C API, for bulk reads. The text columns that repeat from row to row
    /// (instrument, detector, channel, compression, unit) share one QString per distinct value via `texts`.
    struct RepeatedTexts {
        QByteArray bytes[5];
        QString value[5];
    };
    Observation observationFromStatement(const detail::SqliteStatement &s, RepeatedTexts &texts) const;
    Expected<QDateTime> timeExtreme(const QString &fn, const QString &channel) const;
    Expected<Observation> neighbour(const QDateTime &time, const QString &channel, bool after) const;
    /// The observation of `channel` closest to t within tol (inclusive; ties: the earlier); id 0 when none.
    Expected<Observation> nearest(QSqlQuery &q, const QString &channel, qint64 t, qint64 tol) const;
};

/// Column list for observationFromRow(), in its order.
extern const QString kObservationColumns;

/// Canonical channel keys for user text ("171", "aia171", "magnetogram"); an error names unknown ones.
Expected<QStringList> canonicalChannels(const QStringList &channels);
/// AIA by wavelength, then HMI (knownChannels() order), then the rest alphabetically.
QStringList sortChannels(QStringList channels);
/// Range bounds in ms; an invalid time means unbounded.
inline qint64 lowerMs(const QDateTime &t)
{
    return t.isValid() ? t.toMSecsSinceEpoch() : std::numeric_limits<qint64>::min();
}
inline qint64 upperMs(const QDateTime &t)
{
    return t.isValid() ? t.toMSecsSinceEpoch() : std::numeric_limits<qint64>::max();
}
/// "?, ?, ?" for an IN list.
QString placeholders(int n);

}  // namespace solarchip
