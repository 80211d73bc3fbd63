#pragma once
// A prepared statement run through SQLite's C API on the handle of a Qt Sql connection. Qt Sql hands every
// value over as a QVariant (~150 ns each), which dominates bulk reads: the 100k rows x 22 columns of every
// co-temporal set of a large archive took 0.36 s that way. Used only where rows are read in bulk; the
// connection, its transaction and everything else stay with Qt Sql.

#include "core/base/Expected.h"

#include <QByteArray>
#include <QSqlDatabase>
#include <QString>

struct sqlite3;
struct sqlite3_stmt;

namespace solarchip::detail {

class SqliteStatement {
public:
    /// Fails (naming the database) when the connection is not SQLite or the SQL does not compile.
    static Expected<SqliteStatement> prepare(const QSqlDatabase &db, const QString &sql);
    SqliteStatement(SqliteStatement &&other) noexcept;
    SqliteStatement &operator=(SqliteStatement &&other) noexcept;
    SqliteStatement(const SqliteStatement &) = delete;
    SqliteStatement &operator=(const SqliteStatement &) = delete;
    ~SqliteStatement();

    /// Parameters are 1-based, as in SQLite.
    void bind(int index, qint64 value);
    void bind(int index, const QString &value);
    /// Next row: true with a row, false at the end; an error leaves `error` set.
    bool next(Status *error);

    qint64 int64(int column) const;
    double real(int column) const;
    QString text(int column) const;
    /// The UTF-8 bytes of a text column, valid until the next step (no copy).
    QByteArray rawText(int column) const;

private:
    SqliteStatement(sqlite3 *db, sqlite3_stmt *stmt, QString name);
    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_stmt = nullptr;
    QString m_name;  // the database file, for messages
};

}  // namespace solarchip::detail
