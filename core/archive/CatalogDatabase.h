#pragma once
// Internal to the catalog (Catalog, ArchiveScanner): the SQLite file behind a catalog. Creates and checks the
// schema (a `meta` table carries its version), and hands every thread its own named QSqlDatabase connection:
// Qt Sql connections must be used only by the thread that opened them.

#include "core/base/Expected.h"

#include <QHash>
#include <QMutex>
#include <QPointer>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QThread>
#include <QVariantList>

namespace solarchip {

class CatalogDatabase {
public:
    /// Version of the schema this build creates and reads. A file with a larger version is refused.
    static constexpr int kSchemaVersion = 1;
    /// Version of the header-reading rules that produced a row; rows written by other rules are re-read.
    /// 2: read through MapFile (tile-compressed former extensions read, HIERARCH keys, the reasons for refusals).
    static constexpr int kReaderVersion = 2;

    CatalogDatabase(QString dbPath, bool readOnly);
    ~CatalogDatabase();
    CatalogDatabase(const CatalogDatabase &) = delete;
    CatalogDatabase &operator=(const CatalogDatabase &) = delete;

    const QString &path() const { return m_path; }
    bool readOnly() const { return m_readOnly; }

    /// The calling thread's connection, opened and configured (WAL, busy timeout) on first use.
    Expected<QSqlDatabase> connection() const;

    /// Creates the schema in a new file, or checks the version and the indexed folder of an existing one.
    /// `archiveRoot` is recorded; an existing catalog of another folder is refused unless `rootMayMove` (the
    /// catalog lives inside the archive folder, which may have been moved or renamed as a whole).
    Status initialise(const QString &archiveRoot, bool rootMayMove);

    Expected<QString> meta(const QString &key) const;
    Status setMeta(const QString &key, const QString &value) const;

    /// An Error naming the database file: "<db>: <what>: <sqlite message>".
    Error sqlError(const QString &what, const QSqlError &error) const;
    Error error(const QString &message) const { return Error{m_path, message}; }

    /// Prepares and runs `sql` with positional bindings on `query`; on failure returns an Error naming the DB.
    Status exec(QSqlQuery &query, const QString &sql, const QVariantList &bindings = {}) const;

private:
    Status createSchema(QSqlDatabase &db) const;

    QString m_path;
    bool m_readOnly = false;
    QString m_prefix;  // connection names: <prefix><n>
    struct Connection {
        QPointer<QThread> thread;  // null once that thread's QThread object is gone
        QString name;
    };
    mutable QMutex m_mutex;
    mutable QHash<QThread *, Connection> m_connections;
    mutable int m_counter = 0;
};

/// Whole UTC days/hours since 1970 of a time in ms, rounded down (also for times before 1970).
qint64 floorDiv(qint64 value, qint64 divisor);
constexpr qint64 kMsPerHour = 3'600'000;
constexpr qint64 kMsPerDay = 86'400'000;

}  // namespace solarchip
