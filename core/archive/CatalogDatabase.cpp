#include "core/archive/CatalogDatabase.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QSqlDriver>

#include <atomic>

namespace solarchip {

namespace {

std::atomic<int> g_instances{0};

// Floor division in SQL (SQLite's integer '/' truncates toward zero).
QString sqlFloorDiv(const QString &expr, qint64 divisor)
{
    return QStringLiteral("(CASE WHEN %1 >= 0 THEN %1 / %2 ELSE (%1 + 1) / %2 - 1 END)").arg(expr).arg(divisor);
}

// The schema. `files` has one row per FITS file found; SDO maps have channel and t_ms, files that could not
// be read have an error instead. counts_day / counts_hour are kept exact by triggers (inside the same
// transaction as the row change, so they cannot drift even when a scan is killed): the day list and the
// timeline read a few thousand summary rows instead of scanning every file.
QStringList schemaStatements()
{
    QStringList s;
    s << QStringLiteral("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID");
    s << QStringLiteral(
        "CREATE TABLE IF NOT EXISTS files("
        " id INTEGER PRIMARY KEY,"
        " path TEXT NOT NULL UNIQUE,"     // relative to the archive folder, '/' separators
        " size INTEGER NOT NULL,"
        " mtime_ms INTEGER NOT NULL,"
        " reader INTEGER NOT NULL,"       // CatalogDatabase::kReaderVersion that produced the row
        " indexed_ms INTEGER NOT NULL,"
        " instrument TEXT, detector TEXT, channel TEXT,"
        " t_ms INTEGER,"                  // observation time, UTC ms since 1970
        " wavelength REAL, exptime REAL, naxis1 INTEGER, naxis2 INTEGER, bitpix INTEGER, hdu INTEGER,"
        " compression TEXT, unit TEXT, level REAL, quality INTEGER,"
        " cdelt1 REAL, cdelt2 REAL, crota2 REAL, rsun_obs REAL,"
        " error TEXT,"
        " CHECK ((error IS NULL) = (channel IS NOT NULL AND t_ms IS NOT NULL)))");
    // Per-channel ranges, nearest/previous/next of a channel, co-temporal sets (covering: channel, t_ms, quality, id).
    s << QStringLiteral("CREATE INDEX IF NOT EXISTS files_channel_time ON files(channel, t_ms, quality)");
    // Any-channel previous/next, first/last.
    s << QStringLiteral("CREATE INDEX IF NOT EXISTS files_time ON files(t_ms)");
    s << QStringLiteral("CREATE INDEX IF NOT EXISTS files_bad ON files(path) WHERE error IS NOT NULL");
    for (const auto &[table, column, ms] : {std::tuple{"counts_day", "day", kMsPerDay},
                                            std::tuple{"counts_hour", "hour", kMsPerHour}}) {
        const QString t = QString::fromLatin1(table), c = QString::fromLatin1(column);
        s << QStringLiteral("CREATE TABLE IF NOT EXISTS %1(channel TEXT NOT NULL, %2 INTEGER NOT NULL, "
                            "n INTEGER NOT NULL, PRIMARY KEY(channel, %2)) WITHOUT ROWID")
                 .arg(t, c);
        const QString inc = QStringLiteral(
                                "INSERT INTO %1(channel, %2, n) VALUES (NEW.channel, %3, 1) "
                                "ON CONFLICT(channel, %2) DO UPDATE SET n = n + 1;")
                                .arg(t, c, sqlFloorDiv(QStringLiteral("NEW.t_ms"), ms));
        const QString bin = sqlFloorDiv(QStringLiteral("OLD.t_ms"), ms);
        const QString dec = QStringLiteral(
                                "UPDATE %1 SET n = n - 1 WHERE channel = OLD.channel AND %2 = %3; "
                                "DELETE FROM %1 WHERE channel = OLD.channel AND %2 = %3 AND n <= 0;")
                                .arg(t, c, bin);
        const QString newOk = QStringLiteral("NEW.channel IS NOT NULL AND NEW.t_ms IS NOT NULL");
        const QString oldOk = QStringLiteral("OLD.channel IS NOT NULL AND OLD.t_ms IS NOT NULL");
        s << QStringLiteral("CREATE TRIGGER IF NOT EXISTS %1_ins AFTER INSERT ON files WHEN %2 BEGIN %3 END")
                 .arg(t, newOk, inc);
        s << QStringLiteral("CREATE TRIGGER IF NOT EXISTS %1_del AFTER DELETE ON files WHEN %2 BEGIN %3 END")
                 .arg(t, oldOk, dec);
        s << QStringLiteral("CREATE TRIGGER IF NOT EXISTS %1_upd_old AFTER UPDATE OF channel, t_ms ON files "
                            "WHEN %2 BEGIN %3 END")
                 .arg(t, oldOk, dec);
        s << QStringLiteral("CREATE TRIGGER IF NOT EXISTS %1_upd_new AFTER UPDATE OF channel, t_ms ON files "
                            "WHEN %2 BEGIN %3 END")
                 .arg(t, newOk, inc);
    }
    // Range scans of the summaries by time alone (all channels).
    s << QStringLiteral("CREATE INDEX IF NOT EXISTS counts_day_time ON counts_day(day)");
    s << QStringLiteral("CREATE INDEX IF NOT EXISTS counts_hour_time ON counts_hour(hour)");
    // For people who open the file with the sqlite3 shell: times as ISO text.
    s << QStringLiteral(
        "CREATE VIEW IF NOT EXISTS observations AS SELECT id, path, instrument, channel, "
        "strftime('%Y-%m-%dT%H:%M:%f', t_ms / 1000.0, 'unixepoch') AS time_utc, wavelength, exptime, naxis1, "
        "naxis2, bitpix, level, quality, compression, size FROM files WHERE error IS NULL");
    return s;
}

}  // namespace

qint64 floorDiv(qint64 value, qint64 divisor)
{
    qint64 q = value / divisor;
    if ((value % divisor != 0) && ((value < 0) != (divisor < 0)))
        --q;
    return q;
}

CatalogDatabase::CatalogDatabase(QString dbPath, bool readOnly)
    : m_path(std::move(dbPath)), m_readOnly(readOnly),
      m_prefix(QStringLiteral("solarchip-catalog-%1-").arg(g_instances.fetch_add(1)))
{
}

CatalogDatabase::~CatalogDatabase()
{
    QMutexLocker lock(&m_mutex);
    for (const Connection &c : std::as_const(m_connections))
        QSqlDatabase::removeDatabase(c.name);
    m_connections.clear();
}

Error CatalogDatabase::sqlError(const QString &what, const QSqlError &error) const
{
    QString text = error.databaseText().isEmpty() ? error.text() : error.databaseText();
    if (text.contains(QLatin1String("not a database")))
        text = QStringLiteral("not an SQLite database (%1)").arg(text);
    return Error{m_path, what + QStringLiteral(": ") + text};
}

Expected<QSqlDatabase> CatalogDatabase::connection() const
{
    QThread *self = QThread::currentThread();
    QMutexLocker lock(&m_mutex);
    auto it = m_connections.find(self);
    if (it != m_connections.end()) {
        if (it->thread == self)  // not a dead thread whose QThread address was reused
            return QSqlDatabase::database(it->name, false);
        QSqlDatabase::removeDatabase(it->name);
        m_connections.erase(it);
    }
    const QString name = m_prefix + QString::number(m_counter++);
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    if (!db.isValid()) {
        QSqlDatabase::removeDatabase(name);
        return error(QStringLiteral("the Qt SQLite driver (QSQLITE) is not available; install libqt6sql6-sqlite"));
    }
    db.setDatabaseName(m_path);
    QString options = QStringLiteral("QSQLITE_BUSY_TIMEOUT=15000");
    if (m_readOnly)
        options += QStringLiteral(";QSQLITE_OPEN_READONLY");
    db.setConnectOptions(options);
    if (!db.open()) {
        const Error e = sqlError(QStringLiteral("cannot open the catalog"), db.lastError());
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
        return e;
    }
    QSqlQuery q(db);
    // NORMAL is durable across process kills in WAL mode (only an OS crash may lose the last commits, never
    // consistency). Memory-mapped reads make the queries cheaper.
    for (const char *pragma : {"PRAGMA synchronous=NORMAL", "PRAGMA temp_store=MEMORY", "PRAGMA cache_size=-32000",
                               "PRAGMA mmap_size=268435456"}) {
        if (!q.exec(QString::fromLatin1(pragma))) {
            const Error e = sqlError(QStringLiteral("cannot configure the catalog"), q.lastError());
            q = QSqlQuery();
            db.close();
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase(name);
            return e;
        }
    }
    q.finish();
    m_connections.insert(self, Connection{QPointer<QThread>(self), name});
    return db;
}

Status CatalogDatabase::exec(QSqlQuery &query, const QString &sql, const QVariantList &bindings) const
{
    if (!query.prepare(sql))
        return sqlError(QStringLiteral("query failed"), query.lastError());
    for (int i = 0; i < bindings.size(); ++i)
        query.bindValue(i, bindings[i]);
    if (!query.exec())
        return sqlError(QStringLiteral("query failed"), query.lastError());
    return {};
}

Status CatalogDatabase::createSchema(QSqlDatabase &db) const
{
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("PRAGMA journal_mode=WAL")))
        return sqlError(QStringLiteral("cannot switch the catalog to WAL mode"), q.lastError());
    // Creating inside one immediate transaction: two processes opening a new catalog at once cannot both create.
    if (!q.exec(QStringLiteral("BEGIN IMMEDIATE")))
        return sqlError(QStringLiteral("cannot start the schema transaction"), q.lastError());
    for (const QString &sql : schemaStatements()) {
        if (!q.exec(sql)) {
            const Error e = sqlError(QStringLiteral("cannot create the catalog schema"), q.lastError());
            q.exec(QStringLiteral("ROLLBACK"));
            return e;
        }
    }
    q.prepare(QStringLiteral("INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)"));
    const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    for (const auto &[k, v] : {std::pair{QStringLiteral("schema_version"), QString::number(kSchemaVersion)},
                               std::pair{QStringLiteral("application"), QStringLiteral("SolarCHIP Studio")},
                               std::pair{QStringLiteral("created_utc"), now}}) {
        q.bindValue(0, k);
        q.bindValue(1, v);
        if (!q.exec()) {
            const Error e = sqlError(QStringLiteral("cannot write the catalog version"), q.lastError());
            q.exec(QStringLiteral("ROLLBACK"));
            return e;
        }
    }
    if (!q.exec(QStringLiteral("COMMIT")))
        return sqlError(QStringLiteral("cannot commit the catalog schema"), q.lastError());
    return {};
}

Status CatalogDatabase::initialise(const QString &archiveRoot, bool rootMayMove)
{
    auto dbx = connection();
    if (!dbx)
        return dbx.error();
    QSqlDatabase db = *dbx;
    QSqlQuery q(db);
    // Reading the table list is the first access to the file: a non-SQLite file fails here.
    if (!q.exec(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table'")))
        return sqlError(QStringLiteral("cannot read the catalog"), q.lastError());
    QStringList tables;
    while (q.next())
        tables << q.value(0).toString();
    q.finish();
    if (tables.isEmpty()) {
        if (m_readOnly)
            return error(QStringLiteral("the catalog is empty (no tables); index the folder first"));
        if (Status s = createSchema(db); !s)
            return s;
    } else if (!tables.contains(QStringLiteral("meta")) || !tables.contains(QStringLiteral("files"))) {
        return error(QStringLiteral("not a SolarCHIP catalog (an SQLite database without its meta/files tables)"));
    }

    auto version = meta(QStringLiteral("schema_version"));
    if (!version)
        return version.error();
    bool ok = false;
    const int v = version->toInt(&ok);
    if (!ok)
        return error(QStringLiteral("not a SolarCHIP catalog (no schema version in its meta table)"));
    if (v > kSchemaVersion)
        return error(QStringLiteral("catalog schema version %1 is newer than this SolarCHIP reads (%2); "
                                    "use a newer SolarCHIP, or index into another file with --db")
                         .arg(v)
                         .arg(kSchemaVersion));
    if (v < kSchemaVersion)  // no older versions were ever released; kept for the next migration
        return error(QStringLiteral("catalog schema version %1 is older than %2 and cannot be migrated; delete it "
                                    "and index again")
                         .arg(v)
                         .arg(kSchemaVersion));

    auto root = meta(QStringLiteral("root"));
    if (!root)
        return root.error();
    if (!root->isEmpty() && *root != archiveRoot && !rootMayMove)
        return error(QStringLiteral("this catalog indexes %1, not %2; pass another --db").arg(*root, archiveRoot));
    if (*root != archiveRoot && !m_readOnly)
        return setMeta(QStringLiteral("root"), archiveRoot);
    return {};
}

Expected<QString> CatalogDatabase::meta(const QString &key) const
{
    auto db = connection();
    if (!db)
        return db.error();
    QSqlQuery q(*db);
    if (Status s = exec(q, QStringLiteral("SELECT value FROM meta WHERE key = ?"), {key}); !s)
        return s.error();
    return q.next() ? q.value(0).toString() : QString();
}

Status CatalogDatabase::setMeta(const QString &key, const QString &value) const
{
    auto db = connection();
    if (!db)
        return db.error();
    QSqlQuery q(*db);
    return exec(q, QStringLiteral("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = "
                                  "excluded.value"),
                {key, value});
}

}  // namespace solarchip
