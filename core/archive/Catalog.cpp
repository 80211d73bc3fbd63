#include "core/archive/Catalog.h"

#include "core/archive/ArchiveScanner.h"
#include "core/archive/CatalogDatabase.h"
#include "core/archive/CatalogImpl.h"
#include "core/map/MapMeta.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>

#include <unistd.h>

namespace solarchip {

QString catalogLocationName(CatalogLocation location)
{
    switch (location) {
    case CatalogLocation::Explicit: return QStringLiteral("explicit");
    case CatalogLocation::InArchive: return QStringLiteral("archive");
    case CatalogLocation::UserCache: return QStringLiteral("user-cache");
    }
    return {};
}

int DaySummary::total() const
{
    int n = 0;
    for (int c : counts)
        n += c;
    return n;
}

namespace {

// The archive folder as the catalog records it: absolute, symlinks resolved (so one archive reached through
// two paths shares one cache catalog), no trailing slash.
QString normaliseRoot(const QString &dir)
{
    const QFileInfo fi(dir);
    const QString canonical = fi.canonicalFilePath();
    return QDir::cleanPath(canonical.isEmpty() ? fi.absoluteFilePath() : canonical);
}

// Writable by intent, not only by privilege: root may write anywhere, but a folder without any write permission
// bit (a shared, read-only data folder) is treated as read-only so its catalog goes to the user's cache.
bool folderWritable(const QString &dir)
{
    const QFileInfo fi(dir);
    if (!fi.isDir() || !fi.isWritable())
        return false;
    if (::geteuid() == 0)
        return fi.permission(QFile::WriteOwner) || fi.permission(QFile::WriteGroup) || fi.permission(QFile::WriteOther);
    return true;
}

}  // namespace

Catalog::Place Catalog::locate(const QString &archiveDir, const QString &dbPath)
{
    if (!dbPath.isEmpty())
        return {QDir::cleanPath(QFileInfo(dbPath).absoluteFilePath()), CatalogLocation::Explicit};
    const QString root = normaliseRoot(archiveDir);
    const QString inside = root + QStringLiteral("/.solarchip/catalog.sqlite");
    const QString insideDir = root + QStringLiteral("/.solarchip");
    if (QFileInfo::exists(inside) || (QFileInfo(insideDir).isDir() ? folderWritable(insideDir) : folderWritable(root)))
        return {inside, CatalogLocation::InArchive};
    // A read-only archive (a shared data folder, a mounted DVD): a per-user cache file keyed by the folder.
    // The generic cache location keeps CLI, GUI and tests on the same file (an app-specific one would not).
    const QString base = QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation);
    const QString hash = QString::fromLatin1(
        QCryptographicHash::hash(root.toUtf8(), QCryptographicHash::Sha1).toHex().left(16));
    QString name = QFileInfo(root).fileName();
    name.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9_.-]")), QStringLiteral("_"));
    if (name.isEmpty())
        name = QStringLiteral("root");
    return {base + QStringLiteral("/solarchip/catalogs/") + name + QLatin1Char('-') + hash + QStringLiteral(".sqlite"),
            CatalogLocation::UserCache};
}

Expected<Catalog> Catalog::open(const QString &archiveDir, const QString &dbPath, OpenMode mode)
{
    if (archiveDir.isEmpty())
        return Error{{}, QStringLiteral("no archive folder given")};
    const QFileInfo dirInfo(archiveDir);
    if (!dirInfo.exists())
        return Error{archiveDir, QStringLiteral("archive folder not found")};
    if (!dirInfo.isDir())
        return Error{archiveDir, QStringLiteral("not a folder")};
    const QString root = normaliseRoot(archiveDir);
    const Place place = locate(root, dbPath);
    const bool readOnly = mode == OpenMode::ReadOnly;

    const QFileInfo dbInfo(place.dbPath);
    if (dbInfo.isDir())
        return Error{place.dbPath, QStringLiteral("is a folder; give the path of a catalog file")};
    if (readOnly && !dbInfo.exists())
        return Error{place.dbPath, QStringLiteral("no catalog of %1 here; run `solarchip index %1` first").arg(root)};
    if (!readOnly) {
        const QString parent = dbInfo.absolutePath();
        if (!QDir().mkpath(parent))
            return Error{parent, QStringLiteral("cannot create the folder for the catalog")};
        if (!folderWritable(parent))
            return Error{parent, QStringLiteral("folder not writable; cannot keep the catalog here (use --db PATH)")};
        if (dbInfo.exists() && !dbInfo.isWritable())
            return Error{place.dbPath, QStringLiteral("catalog file not writable")};
    }

    auto impl = std::make_unique<Impl>();
    impl->root = root;
    impl->place = place;
    impl->db = std::make_unique<CatalogDatabase>(place.dbPath, readOnly);
    if (Status s = impl->db->initialise(root, place.location == CatalogLocation::InArchive); !s)
        return s.error();
    return Catalog(std::move(impl));
}

Catalog::Catalog(std::unique_ptr<Impl> impl) : d(std::move(impl)) {}
Catalog::Catalog(Catalog &&) noexcept = default;
Catalog &Catalog::operator=(Catalog &&) noexcept = default;
Catalog::~Catalog() = default;

QString Catalog::archiveDir() const { return d->root; }
QString Catalog::dbPath() const { return d->place.dbPath; }
CatalogLocation Catalog::location() const { return d->place.location; }
int Catalog::schemaVersion() { return CatalogDatabase::kSchemaVersion; }

Expected<CatalogScanSummary> Catalog::update(const CatalogScanOptions &options)
{
    ArchiveScanner scanner(*d->db, d->root);
    return scanner.run(options);
}

Expected<CatalogStats> Catalog::stats() const
{
    auto db = d->db->connection();
    if (!db)
        return db.error();
    CatalogStats st;
    QSqlQuery q(*db);
    q.setForwardOnly(true);
    if (Status s = d->db->exec(q, QStringLiteral("SELECT count(*) FROM files")); !s)
        return s.error();
    st.files = q.next() ? q.value(0).toLongLong() : 0;
    if (Status s = d->db->exec(q, QStringLiteral("SELECT count(*) FROM files WHERE error IS NOT NULL")); !s)
        return s.error();
    st.bad = q.next() ? q.value(0).toLongLong() : 0;
    if (Status s = d->db->exec(q, QStringLiteral("SELECT channel, sum(n) FROM counts_day GROUP BY channel")); !s)
        return s.error();
    while (q.next()) {
        st.channels.insert(q.value(0).toString(), q.value(1).toLongLong());
        st.observations += q.value(1).toLongLong();
    }
    q.finish();
    auto first = firstTime();
    if (!first)
        return first.error();
    auto last = lastTime();
    if (!last)
        return last.error();
    st.first = *first;
    st.last = *last;
    auto complete = d->db->meta(QStringLiteral("scan_complete"));
    if (!complete)
        return complete.error();
    st.scanComplete = *complete == QLatin1String("1");
    auto finished = d->db->meta(QStringLiteral("scan_finished_utc"));
    if (!finished)
        return finished.error();
    st.lastScanFinished = QDateTime::fromString(*finished, Qt::ISODateWithMs);
    return st;
}

Expected<QStringList> Catalog::channels() const
{
    auto db = d->db->connection();
    if (!db)
        return db.error();
    QSqlQuery q(*db);
    q.setForwardOnly(true);
    // A skip-scan of the (channel, t_ms) index: one O(log n) probe per channel instead of reading every entry.
    if (Status s = d->db->exec(q, QStringLiteral(
                                      "WITH RECURSIVE c(ch) AS (SELECT min(channel) FROM files UNION ALL "
                                      "SELECT (SELECT min(channel) FROM files WHERE channel > c.ch) FROM c "
                                      "WHERE c.ch IS NOT NULL) SELECT ch FROM c WHERE ch IS NOT NULL"));
        !s)
        return s.error();
    QStringList present;
    while (q.next())
        present << q.value(0).toString();
    return sortChannels(present);
}

Expected<QDateTime> Catalog::firstTime(const QString &channel) const
{
    return d->timeExtreme(QStringLiteral("min"), channel);
}

Expected<QDateTime> Catalog::lastTime(const QString &channel) const
{
    return d->timeExtreme(QStringLiteral("max"), channel);
}

Expected<QDateTime> Catalog::Impl::timeExtreme(const QString &fn, const QString &channelIn) const
{
    auto dbx = db->connection();
    if (!dbx)
        return dbx.error();
    QSqlQuery q(*dbx);
    q.setForwardOnly(true);
    // One aggregate per statement: SQLite answers a lone min()/max() from the index in O(log n).
    Status s;
    if (channelIn.isEmpty()) {
        s = db->exec(q, QStringLiteral("SELECT %1(t_ms) FROM files").arg(fn));
    } else {
        auto ch = canonicalChannels({channelIn});
        if (!ch)
            return ch.error();
        s = db->exec(q, QStringLiteral("SELECT %1(t_ms) FROM files WHERE channel = ?").arg(fn), {ch->first()});
    }
    if (!s)
        return s.error();
    if (!q.next() || q.value(0).isNull())
        return QDateTime();
    return QDateTime::fromMSecsSinceEpoch(q.value(0).toLongLong(), QTimeZone::utc());
}

Expected<QVector<Observation>> Catalog::observations(const QStringList &channelsIn, const QDateTime &from,
                                                     const QDateTime &to, int limit) const
{
    auto dbx = d->db->connection();
    if (!dbx)
        return dbx.error();
    auto ch = canonicalChannels(channelsIn);
    if (!ch)
        return ch.error();
    QString sql = QStringLiteral("SELECT %1 FROM files WHERE t_ms >= ? AND t_ms < ?").arg(kObservationColumns);
    QVariantList binds{lowerMs(from), upperMs(to)};
    if (!ch->isEmpty()) {
        sql += QStringLiteral(" AND channel IN (%1)").arg(placeholders(int(ch->size())));
        for (const QString &c : *ch)
            binds << c;
    }
    sql += QStringLiteral(" ORDER BY t_ms, channel");
    if (limit > 0)
        sql += QStringLiteral(" LIMIT %1").arg(limit);
    QSqlQuery q(*dbx);
    q.setForwardOnly(true);
    if (Status s = d->db->exec(q, sql, binds); !s)
        return s.error();
    QVector<Observation> out;
    while (q.next())
        out.push_back(d->observationFromRow(q));
    return out;
}

Expected<QStringList> Catalog::channelsOrPresent(const QStringList &canonical) const
{
    return canonical.isEmpty() ? channels() : Expected<QStringList>(canonical);
}

Expected<QHash<QString, QVector<qint64>>> Catalog::timesByChannel(const QStringList &channelsIn,
                                                                   const QDateTime &from, const QDateTime &to) const
{
    auto dbx = d->db->connection();
    if (!dbx)
        return dbx.error();
    auto ch = canonicalChannels(channelsIn);
    if (!ch)
        return ch.error();
    ch = channelsOrPresent(*ch);
    if (!ch)
        return ch.error();
    QHash<QString, QVector<qint64>> out;
    QSqlQuery q(*dbx);
    q.setForwardOnly(true);
    if (!q.prepare(QStringLiteral("SELECT t_ms FROM files WHERE channel = ? AND t_ms >= ? AND t_ms < ? ORDER BY t_ms")))
        return d->db->sqlError(QStringLiteral("query failed"), q.lastError());
    for (const QString &c : std::as_const(*ch)) {
        q.bindValue(0, c);
        q.bindValue(1, lowerMs(from));
        q.bindValue(2, upperMs(to));
        if (!q.exec())
            return d->db->sqlError(QStringLiteral("query failed"), q.lastError());
        QVector<qint64> &times = out[c];
        while (q.next())
            times.push_back(q.value(0).toLongLong());
    }
    return out;
}

Expected<Observation> Catalog::observationForPath(const QString &path) const
{
    auto dbx = d->db->connection();
    if (!dbx)
        return dbx.error();
    QString rel = QDir::fromNativeSeparators(path);
    if (QFileInfo(path).isAbsolute()) {
        const QString abs = normaliseRoot(path);
        rel = abs.startsWith(d->root + QLatin1Char('/')) ? abs.mid(d->root.size() + 1) : QDir::cleanPath(rel);
    }
    QSqlQuery q(*dbx);
    q.setForwardOnly(true);
    if (Status s = d->db->exec(q, QStringLiteral("SELECT %1 FROM files WHERE path = ? AND error IS NULL")
                                      .arg(kObservationColumns),
                               {rel});
        !s)
        return s.error();
    return q.next() ? d->observationFromRow(q) : Observation{};
}

Expected<Observation> Catalog::previous(const QDateTime &time, const QString &channel) const
{
    return d->neighbour(time, channel, false);
}

Expected<Observation> Catalog::next(const QDateTime &time, const QString &channel) const
{
    return d->neighbour(time, channel, true);
}

Expected<Observation> Catalog::Impl::neighbour(const QDateTime &time, const QString &channelIn, bool after) const
{
    if (!time.isValid())
        return Error{{}, QStringLiteral("no time given")};
    auto dbx = db->connection();
    if (!dbx)
        return dbx.error();
    QString sql = QStringLiteral("SELECT %1 FROM files WHERE t_ms %2 ?").arg(kObservationColumns,
                                                                            after ? QStringLiteral(">") : QStringLiteral("<"));
    QVariantList binds{time.toMSecsSinceEpoch()};
    if (!channelIn.isEmpty()) {
        auto ch = canonicalChannels({channelIn});
        if (!ch)
            return ch.error();
        sql += QStringLiteral(" AND channel = ?");
        binds << ch->first();
    }
    sql += after ? QStringLiteral(" ORDER BY t_ms ASC LIMIT 1") : QStringLiteral(" ORDER BY t_ms DESC LIMIT 1");
    QSqlQuery q(*dbx);
    q.setForwardOnly(true);
    if (Status s = db->exec(q, sql, binds); !s)
        return s.error();
    return q.next() ? observationFromRow(q) : Observation{};
}

Expected<QVector<CatalogBadFile>> Catalog::badFiles() const
{
    auto dbx = d->db->connection();
    if (!dbx)
        return dbx.error();
    QSqlQuery q(*dbx);
    q.setForwardOnly(true);
    if (Status s = d->db->exec(q, QStringLiteral("SELECT path, error, size FROM files WHERE error IS NOT NULL "
                                                 "ORDER BY path"));
        !s)
        return s.error();
    QVector<CatalogBadFile> out;
    while (q.next())
        out.push_back(CatalogBadFile{d->absolute(q.value(0).toString()), q.value(1).toString(),
                                     q.value(2).toLongLong()});
    return out;
}

}  // namespace solarchip
