#include "core/archive/ArchiveScanner.h"

#include "core/map/MapFile.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QSet>
#include <QLockFile>
#include <QThread>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentMap>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace solarchip {

namespace {

struct FoundFile {
    QString rel;  // relative to the root, '/' separators
    QString abs;
    qint64 size = 0;
    qint64 mtimeMs = 0;
};

struct ExistingRow {
    qint64 id = 0;
    qint64 size = 0;
    qint64 mtimeMs = 0;
    int reader = 0;
    bool bad = false;
};

// The outcome of reading one file's header.
struct Record {
    FoundFile file;
    bool vanished = false;  // deleted between listing and reading
    QString error;          // why the file is not an SDO map (empty: it is)
    Observation o;
};

Record readRecord(const FoundFile &f)
{
    Record r;
    r.file = f;
    auto info = MapFile::readInfo(f.abs);
    if (!info) {
        if (!QFileInfo::exists(f.abs))
            r.vanished = true;
        else
            r.error = info.error().message;
        return r;
    }
    if (!info->meta.tObs.isValid()) {
        r.error = QStringLiteral("no usable observation time");
        return r;
    }
    Observation &o = r.o;
    o.setFromFile(*info);
    return r;
}

QVariant textOrNull(const QString &s) { return s.isEmpty() ? QVariant() : QVariant(s); }

// Runs fn inside BEGIN IMMEDIATE ... COMMIT; rolls back and reports the database error on failure.
template <class Fn>
Status inTransaction(const CatalogDatabase &db, QSqlQuery &control, Fn &&fn)
{
    if (!control.exec(QStringLiteral("BEGIN IMMEDIATE")))
        return db.sqlError(QStringLiteral("cannot start a write transaction"), control.lastError());
    Status s = fn();
    if (!s) {
        control.exec(QStringLiteral("ROLLBACK"));
        return s;
    }
    if (!control.exec(QStringLiteral("COMMIT"))) {
        const Error e = db.sqlError(QStringLiteral("cannot commit"), control.lastError());
        control.exec(QStringLiteral("ROLLBACK"));
        return e;
    }
    return {};
}

const QString kUpsert = QStringLiteral(
    "INSERT INTO files(path, size, mtime_ms, reader, indexed_ms, instrument, detector, channel, t_ms, wavelength,"
    " exptime, naxis1, naxis2, bitpix, hdu, compression, unit, level, quality, cdelt1, cdelt2, crota2, rsun_obs,"
    " error) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
    " ON CONFLICT(path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms,"
    " reader = excluded.reader, indexed_ms = excluded.indexed_ms, instrument = excluded.instrument,"
    " detector = excluded.detector, channel = excluded.channel, t_ms = excluded.t_ms,"
    " wavelength = excluded.wavelength, exptime = excluded.exptime, naxis1 = excluded.naxis1,"
    " naxis2 = excluded.naxis2, bitpix = excluded.bitpix, hdu = excluded.hdu, compression = excluded.compression,"
    " unit = excluded.unit, level = excluded.level, quality = excluded.quality, cdelt1 = excluded.cdelt1,"
    " cdelt2 = excluded.cdelt2, crota2 = excluded.crota2, rsun_obs = excluded.rsun_obs, error = excluded.error");

void bindRecord(QSqlQuery &q, const Record &r, qint64 nowMs)
{
    const Observation &o = r.o;
    const bool ok = r.error.isEmpty();
    int i = 0;
    q.bindValue(i++, r.file.rel);
    q.bindValue(i++, r.file.size);
    q.bindValue(i++, r.file.mtimeMs);
    q.bindValue(i++, CatalogDatabase::kReaderVersion);
    q.bindValue(i++, nowMs);
    q.bindValue(i++, ok ? QVariant(o.instrument) : QVariant());
    q.bindValue(i++, ok ? textOrNull(o.detector) : QVariant());
    q.bindValue(i++, ok ? QVariant(o.channel) : QVariant());
    q.bindValue(i++, ok ? QVariant(o.timeMs) : QVariant());
    q.bindValue(i++, ok ? QVariant(o.wavelength) : QVariant());
    q.bindValue(i++, ok ? QVariant(o.exptime) : QVariant());
    q.bindValue(i++, ok ? QVariant(o.naxis1) : QVariant());
    q.bindValue(i++, ok ? QVariant(o.naxis2) : QVariant());
    q.bindValue(i++, ok ? QVariant(o.bitpix) : QVariant());
    q.bindValue(i++, ok ? QVariant(o.hdu) : QVariant());
    q.bindValue(i++, ok ? textOrNull(o.compression) : QVariant());
    q.bindValue(i++, ok ? textOrNull(o.unit) : QVariant());
    q.bindValue(i++, ok ? QVariant(o.level) : QVariant());
    q.bindValue(i++, ok ? QVariant(o.quality) : QVariant());
    q.bindValue(i++, ok ? QVariant(o.cdelt1) : QVariant());
    q.bindValue(i++, ok ? QVariant(o.cdelt2) : QVariant());
    q.bindValue(i++, ok ? QVariant(o.crota2) : QVariant());
    q.bindValue(i++, ok ? QVariant(o.rsunObs) : QVariant());
    q.bindValue(i++, ok ? QVariant() : QVariant(r.error));
}

bool cancelled(const CatalogScanOptions &o) { return o.cancel && o.cancel->load(std::memory_order_relaxed); }

}  // namespace

ArchiveScanner::ArchiveScanner(const CatalogDatabase &db, QString archiveRoot)
    : m_db(db), m_root(std::move(archiveRoot))
{
}

Expected<CatalogScanSummary> ArchiveScanner::run(const CatalogScanOptions &options)
{
    QElapsedTimer clock;
    clock.start();
    CatalogScanSummary summary;

    if (!QFileInfo(m_root).isDir())
        return Error{m_root, QStringLiteral("archive folder not found")};
    if (m_db.readOnly())
        return m_db.error(QStringLiteral("opened read-only; cannot update the catalog"));

    // One writer per catalog: a second `solarchip index` (or the GUI) on the same catalog fails clearly instead
    // of interleaving. A lock left by a killed process is detected as stale from its pid.
    QLockFile lock(m_db.path() + QStringLiteral(".lock"));
    lock.setStaleLockTime(0);
    if (!lock.tryLock(std::max(0, options.waitForWriterMs))) {
        qint64 pid = 0;
        QString host, app;
        lock.getLockInfo(&pid, &host, &app);
        if (lock.error() == QLockFile::LockFailedError)
            return m_db.error(options.waitForWriterMs > 0
                                  ? QStringLiteral("another process (pid %1, %2) is still updating this catalog after %3 s")
                                        .arg(pid).arg(app).arg(options.waitForWriterMs / 1000.0)
                                  : QStringLiteral("another process (pid %1, %2) is updating this catalog").arg(pid).arg(app));
        return m_db.error(QStringLiteral("cannot create the lock file %1.lock").arg(m_db.path()));
    }

    auto dbx = m_db.connection();
    if (!dbx)
        return dbx.error();
    QSqlDatabase db = *dbx;
    const QString nowIso = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    if (Status s = m_db.setMeta(QStringLiteral("scan_complete"), QStringLiteral("0")); !s)
        return s.error();
    m_db.setMeta(QStringLiteral("scan_started_utc"), nowIso);
    // Every update() that gets past the lock counts, finished or not (meta `scan_count`): how a test sees that
    // one command scanned once (tests/models/CatalogScans.h).
    if (auto scans = m_db.meta(QStringLiteral("scan_count")))
        m_db.setMeta(QStringLiteral("scan_count"), QString::number(scans->toLongLong() + 1));

    // ---- 1. List the tree by name (MapFile::isCandidateName; content decides what each file is). Hidden folders
    // such as .solarchip are skipped; symlinked folders are not followed.
    namespace fs = std::filesystem;
    QVector<FoundFile> found;
    CatalogScanProgress progress;
    {
        std::error_code ec;
        const fs::path root(QFile::encodeName(m_root).toStdString());
        fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
        if (ec)
            return Error{m_root, QStringLiteral("cannot list the folder: %1").arg(QString::fromStdString(ec.message()))};
        const fs::recursive_directory_iterator end;
        const int rootLen = int(m_root.size()) + 1;
        while (it != end) {
            const fs::directory_entry &entry = *it;
            const std::string name = entry.path().filename().native();
            std::error_code tec;
            const bool isDir = entry.is_directory(tec);
            if (isDir) {
                if (!name.empty() && name[0] == '.')
                    it.disable_recursion_pending();
                else if (::access(entry.path().c_str(), R_OK | X_OK) != 0)
                    summary.warnings << QStringLiteral("%1: folder skipped: cannot be read")
                                            .arg(QFile::decodeName(entry.path().c_str()));
            } else if (!name.empty() && name[0] != '.' && MapFile::isCandidateName(QFile::decodeName(name.c_str()))) {
                struct stat st {};
                if (::stat(entry.path().c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
                    FoundFile f;
                    f.abs = QFile::decodeName(entry.path().c_str());
                    f.rel = f.abs.mid(rootLen);
                    f.size = st.st_size;
                    f.mtimeMs = qint64(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1'000'000;
                    found.push_back(std::move(f));
                    if (options.progress && found.size() % 2000 == 0) {
                        progress.found = found.size();
                        options.progress(progress);
                    }
                }
            }
            it.increment(ec);
            if (ec) {
                summary.warnings << QStringLiteral("%1: listing stopped early: %2")
                                        .arg(m_root, QString::fromStdString(ec.message()));
                break;
            }
            if (cancelled(options)) {
                summary.cancelled = true;
                summary.elapsedS = clock.elapsed() / 1000.0;
                return summary;
            }
        }
    }
    std::sort(found.begin(), found.end(), [](const FoundFile &a, const FoundFile &b) { return a.rel < b.rel; });
    summary.seen = found.size();

    // ---- 2. Compare with the rows.
    QHash<QString, ExistingRow> existing;
    {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        if (Status s = m_db.exec(q, QStringLiteral("SELECT id, path, size, mtime_ms, reader, error IS NOT NULL FROM files")); !s)
            return s.error();
        while (q.next())
            existing.insert(q.value(1).toString(), ExistingRow{q.value(0).toLongLong(), q.value(2).toLongLong(),
                                                               q.value(3).toLongLong(), q.value(4).toInt(),
                                                               q.value(5).toBool()});
    }
    QVector<FoundFile> work;
    QSet<QString> updating;
    for (const FoundFile &f : std::as_const(found)) {
        auto it = existing.find(f.rel);
        if (it == existing.end()) {
            work.push_back(f);
            continue;
        }
        const ExistingRow row = *it;
        existing.erase(it);  // what is left afterwards was deleted from disk
        const bool changed = row.size != f.size || row.mtimeMs != f.mtimeMs
            || row.reader != CatalogDatabase::kReaderVersion;
        if (changed || options.rereadAll || (row.bad && options.retryErrors)) {
            work.push_back(f);
            updating.insert(f.rel);
        } else {
            ++summary.skipped;
        }
    }

    QSqlQuery control(db);
    // ---- 3. Remove the rows of deleted files.
    {
        QVector<qint64> gone;
        gone.reserve(existing.size());
        for (const ExistingRow &r : std::as_const(existing))
            gone.push_back(r.id);
        std::sort(gone.begin(), gone.end());
        QSqlQuery del(db);
        del.prepare(QStringLiteral("DELETE FROM files WHERE id = ?"));
        for (qsizetype start = 0; start < gone.size(); start += 2000) {
            const qsizetype stop = std::min<qsizetype>(gone.size(), start + 2000);
            Status s = inTransaction(m_db, control, [&]() -> Status {
                for (qsizetype i = start; i < stop; ++i) {
                    del.bindValue(0, gone[i]);
                    if (!del.exec())
                        return m_db.sqlError(QStringLiteral("cannot remove a deleted file's row"), del.lastError());
                }
                return {};
            });
            if (!s)
                return s.error();
            summary.removed += stop - start;
        }
    }

    // ---- 4. Read new and changed files on the pool, write them batch by batch.
    progress.phase = CatalogScanProgress::Phase::Reading;
    progress.found = found.size();
    progress.total = work.size();
    if (options.progress)
        options.progress(progress);

    QThreadPool pool;
    pool.setMaxThreadCount(options.threads > 0 ? options.threads : std::max(1, QThread::idealThreadCount()));
    const qsizetype batch = std::max(1, options.batchSize);
    auto start = [&](qsizetype from) {
        return QtConcurrent::mapped(&pool, work.mid(from, batch), readRecord);
    };
    QSqlQuery upsert(db);
    if (!upsert.prepare(kUpsert))
        return m_db.sqlError(QStringLiteral("cannot prepare the insert"), upsert.lastError());
    QSqlQuery delPath(db);
    delPath.prepare(QStringLiteral("DELETE FROM files WHERE path = ?"));

    QFuture<Record> pending;
    if (!work.isEmpty())
        pending = start(0);
    for (qsizetype from = 0; from < work.size(); from += batch) {
        const QList<Record> records = pending.results();
        // Read the next batch while this one is written.
        if (from + batch < work.size() && !cancelled(options))
            pending = start(from + batch);
        const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
        qint64 added = 0, updated = 0, failed = 0, vanished = 0;
        Status s = inTransaction(m_db, control, [&]() -> Status {
            for (const Record &r : records) {
                if (r.vanished) {
                    delPath.bindValue(0, r.file.rel);
                    if (!delPath.exec())
                        return m_db.sqlError(QStringLiteral("cannot remove a vanished file's row"), delPath.lastError());
                    ++vanished;
                    continue;
                }
                bindRecord(upsert, r, nowMs);
                if (!upsert.exec())
                    return m_db.sqlError(QStringLiteral("cannot write the row of %1").arg(r.file.abs),
                                         upsert.lastError());
                (updating.contains(r.file.rel) ? updated : added) += 1;
                failed += r.error.isEmpty() ? 0 : 1;
            }
            return {};
        });
        if (!s) {
            pending.cancel();
            pending.waitForFinished();
            return s.error();
        }
        summary.added += added;
        summary.updated += updated;
        summary.failed += failed;
        summary.removed += vanished;
        summary.seen -= vanished;
        progress.done += records.size();
        if (options.progress)
            options.progress(progress);
        if (cancelled(options)) {
            summary.cancelled = true;
            break;
        }
    }
    pending.cancel();
    pending.waitForFinished();

    // ---- 5. Done: mark the catalog complete (a killed or cancelled scan leaves scan_complete = 0).
    if (!summary.cancelled) {
        if (Status s = m_db.setMeta(QStringLiteral("scan_finished_utc"),
                                    QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
            !s)
            return s.error();
        if (Status s = m_db.setMeta(QStringLiteral("scan_complete"), QStringLiteral("1")); !s)
            return s.error();
        QSqlQuery(db).exec(QStringLiteral("PRAGMA optimize"));
    }
    progress.phase = CatalogScanProgress::Phase::Done;
    if (options.progress)
        options.progress(progress);
    summary.elapsedS = clock.elapsed() / 1000.0;
    return summary;
}

}  // namespace solarchip
