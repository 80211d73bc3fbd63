#include "core/archive/detail/SqliteStatement.h"

#include <QSqlDriver>
#include <QVariant>

#include <sqlite3.h>

#include <utility>

namespace solarchip::detail {

SqliteStatement::SqliteStatement(sqlite3 *db, sqlite3_stmt *stmt, QString name)
    : m_db(db), m_stmt(stmt), m_name(std::move(name))
{
}

SqliteStatement::SqliteStatement(SqliteStatement &&other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)), m_stmt(std::exchange(other.m_stmt, nullptr)),
      m_name(std::move(other.m_name))
{
}

SqliteStatement &SqliteStatement::operator=(SqliteStatement &&other) noexcept
{
    if (this != &other) {
        sqlite3_finalize(m_stmt);
        m_db = std::exchange(other.m_db, nullptr);
        m_stmt = std::exchange(other.m_stmt, nullptr);
        m_name = std::move(other.m_name);
    }
    return *this;
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(m_stmt); }

Expected<SqliteStatement> SqliteStatement::prepare(const QSqlDatabase &db, const QString &sql)
{
    const QVariant handle = db.driver() ? db.driver()->handle() : QVariant();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return Error{db.databaseName(), QStringLiteral("not an SQLite connection")};
    sqlite3 *h = *static_cast<sqlite3 *const *>(handle.constData());
    if (!h)
        return Error{db.databaseName(), QStringLiteral("the SQLite connection is closed")};
    sqlite3_stmt *stmt = nullptr;
    const QByteArray utf8 = sql.toUtf8();
    if (sqlite3_prepare_v2(h, utf8.constData(), static_cast<int>(utf8.size()), &stmt, nullptr) != SQLITE_OK)
        return Error{db.databaseName(), QStringLiteral("query failed: %1").arg(QString::fromUtf8(sqlite3_errmsg(h)))};
    return SqliteStatement(h, stmt, db.databaseName());
}

void SqliteStatement::bind(int index, qint64 value) { sqlite3_bind_int64(m_stmt, index, value); }

void SqliteStatement::bind(int index, const QString &value)
{
    const QByteArray utf8 = value.toUtf8();
    sqlite3_bind_text(m_stmt, index, utf8.constData(), static_cast<int>(utf8.size()), SQLITE_TRANSIENT);
}

bool SqliteStatement::next(Status *error)
{
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc != SQLITE_DONE && error)
        *error = Error{m_name, QStringLiteral("query failed: %1").arg(QString::fromUtf8(sqlite3_errmsg(m_db)))};
    return false;
}

qint64 SqliteStatement::int64(int column) const { return sqlite3_column_int64(m_stmt, column); }

double SqliteStatement::real(int column) const { return sqlite3_column_double(m_stmt, column); }

QByteArray SqliteStatement::rawText(int column) const
{
    const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column));
    return p ? QByteArray::fromRawData(p, sqlite3_column_bytes(m_stmt, column)) : QByteArray();
}

QString SqliteStatement::text(int column) const
{
    const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column));
    return p ? QString::fromUtf8(p, sqlite3_column_bytes(m_stmt, column)) : QString();
}

}  // namespace solarchip::detail
