#include "core/jobs/JobDatabase.h"

#include "core/jobs/JobOutcome.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QVariant>

namespace solarchip {

namespace {

constexpr int kSchemaVersion = 1;

const char *const kColumns =
    "id, kind, program, arguments, run_dir, title, state, created, started, ended, exit_code, pid, last_event, "
    "message, failed_file, stop_request, runs";

QString isoOrEmpty(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODateWithMs) : QString();
}

QDateTime fromIso(const QString &s)
{
    if (s.isEmpty())
        return {};
    QDateTime t = QDateTime::fromString(s, Qt::ISODateWithMs);
    t.setTimeSpec(Qt::UTC);
    return t;
}

JobRecord recordFrom(const QSqlQuery &q)
{
    JobRecord r;
    r.id = q.value(0).toLongLong();
    r.kind = q.value(1).toString();
    r.program = q.value(2).toString();
    for (const QJsonValue &v : QJsonDocument::fromJson(q.value(3).toString().toUtf8()).array())
        r.arguments << v.toString();
    r.runDir = q.value(4).toString();
    r.title = q.value(5).toString();
    r.state = jobStateFromName(q.value(6).toString()).value_or(JobState::Failed);
    r.created = fromIso(q.value(7).toString());
    r.started = fromIso(q.value(8).toString());
    r.ended = fromIso(q.value(9).toString());
    r.exitCode = q.value(10).toInt();
    r.pid = q.value(11).toLongLong();
    r.lastEvent = QJsonDocument::fromJson(q.value(12).toString().toUtf8()).object();
    r.message = q.value(13).toString();
    r.failedFile = q.value(14).toString();
    r.stopRequest = q.value(15).toString();
    r.runs = q.value(16).toInt();
    return r;
}

QString shellQuote(const QString &s)
{
    static const QString safe = QStringLiteral("@%+=:,./-_");
    bool plain = !s.isEmpty();
    for (QChar c : s)
        if (!c.isLetterOrNumber() && !safe.contains(c))
            plain = false;
    if (plain)
        return s;
    QString q = s;
    q.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + q + QLatin1Char('\'');
}

}  // namespace

QString jobStateName(JobState state)
{
    switch (state) {
    case JobState::Queued: return QStringLiteral("queued");
    case JobState::Running: return QStringLiteral("running");
    case JobState::Paused: return QStringLiteral("paused");
    case JobState::Finished: return QStringLiteral("finished");
    case JobState::Failed: return QStringLiteral("failed");
    case JobState::Cancelled: return QStringLiteral("cancelled");
    }
    return {};
}

std::optional<JobState> jobStateFromName(const QString &name)
{
    for (JobState s : {JobState::Queued, JobState::Running, JobState::Paused, JobState::Finished, JobState::Failed,
                       JobState::Cancelled})
        if (jobStateName(s) == name)
            return s;
    return std::nullopt;
}

bool isLegalJobTransition(JobState from, JobState to)
{
    switch (from) {
    case JobState::Queued: return to == JobState::Running || to == JobState::Cancelled;
    case JobState::Running:
        return to == JobState::Finished || to == JobState::Failed || to == JobState::Paused
               || to == JobState::Cancelled;
    case JobState::Paused: return to == JobState::Queued || to == JobState::Cancelled;
    case JobState::Failed:
    case JobState::Cancelled: return to == JobState::Queued;
    case JobState::Finished: return false;
    }
    return false;
}

QString JobRecord::shellCommand() const
{
    QStringList parts{shellQuote(program)};
    for (const QString &a : arguments)
        parts << shellQuote(a);
    return parts.join(QLatin1Char(' '));
}

JobDatabase::JobDatabase()
{
    static QAtomicInteger<int> counter;
    m_connection = QStringLiteral("solarchip-jobs-%1").arg(counter.fetchAndAddRelaxed(1));
}

JobDatabase::~JobDatabase()
{
    if (QSqlDatabase::contains(m_connection)) {
        QSqlDatabase::database(m_connection, false).close();
        QSqlDatabase::removeDatabase(m_connection);
    }
}

QString JobDatabase::defaultPath()
{
    const QString env = qEnvironmentVariable("SOLARCHIP_JOBS_DB");
    if (!env.isEmpty())
        return env;
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).filePath(QStringLiteral("jobs.sqlite"));
}

bool JobDatabase::isOpen() const
{
    return QSqlDatabase::contains(m_connection) && QSqlDatabase::database(m_connection, false).isOpen();
}

Error JobDatabase::sqlError(const QString &what, const QString &detail) const
{
    return Error{m_path, detail.isEmpty() ? what : what + QStringLiteral(": ") + detail};
}

Status JobDatabase::exec(const QString &sql, const QVariantList &bindings) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (!q.prepare(sql))
        return sqlError(QStringLiteral("cannot prepare a query"), q.lastError().text());
    for (const QVariant &b : bindings)
        q.addBindValue(b);
    if (!q.exec())
        return sqlError(QStringLiteral("cannot update the job table"), q.lastError().text());
    return Status::success();
}

Status JobDatabase::open(const QString &path)
{
    if (QSqlDatabase::contains(m_connection)) {
        QSqlDatabase::database(m_connection, false).close();
        QSqlDatabase::removeDatabase(m_connection);
    }
    m_path = path;
    const QFileInfo info(path);
    if (!QDir().mkpath(info.absolutePath()))
        return Error{info.absolutePath(), QStringLiteral("cannot create the folder of the job database")};
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    db.setDatabaseName(path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!db.open())
        return sqlError(QStringLiteral("cannot open the job database"), db.lastError().text());
    QSqlQuery q(db);
    for (const char *pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL"})
        q.exec(QLatin1String(pragma));
    if (!q.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT)"))
        || !q.exec(QStringLiteral(
            "CREATE TABLE IF NOT EXISTS jobs(id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, "
            "program TEXT NOT NULL, arguments TEXT NOT NULL, run_dir TEXT, title TEXT, state TEXT NOT NULL, "
            "created TEXT, started TEXT, ended TEXT, exit_code INTEGER DEFAULT 0, pid INTEGER DEFAULT 0, "
            "last_event TEXT, message TEXT, failed_file TEXT, stop_request TEXT, runs INTEGER DEFAULT 0)")))
        return sqlError(QStringLiteral("cannot create the job table (not a job database?)"), q.lastError().text());
    if (q.exec(QStringLiteral("SELECT value FROM meta WHERE key='schema'")) && q.next()) {
        if (q.value(0).toInt() > kSchemaVersion)
            return sqlError(QStringLiteral("written by a newer SolarCHIP (schema %1, this build reads %2)")
                                .arg(q.value(0).toInt())
                                .arg(kSchemaVersion),
                            {});
    } else if (!q.exec(QStringLiteral("INSERT OR REPLACE INTO meta(key, value) VALUES('schema', '%1')").arg(kSchemaVersion))) {
        return sqlError(QStringLiteral("cannot write the schema version"), q.lastError().text());
    }
    return Status::success();
}

QString JobDatabase::controlDir(qint64 id) const
{
    return QDir(QFileInfo(m_path).absolutePath()).filePath(QStringLiteral("jobs/%1").arg(id));
}

QString JobDatabase::logPath(const JobRecord &job) const
{
    const QString dir = job.runDir.isEmpty() ? controlDir(job.id) : job.runDir;
    return QDir(dir).filePath(QStringLiteral("job.log"));
}

Expected<qint64> JobDatabase::add(const JobRecord &job)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("INSERT INTO jobs(kind, program, arguments, run_dir, title, state, created, runs) "
                             "VALUES(?, ?, ?, ?, ?, 'queued', ?, 0)"));
    q.addBindValue(job.kind);
    q.addBindValue(job.program);
    q.addBindValue(QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(job.arguments)).toJson(QJsonDocument::Compact)));
    q.addBindValue(job.runDir);
    q.addBindValue(job.title);
    q.addBindValue(isoOrEmpty(QDateTime::currentDateTimeUtc()));
    if (!q.exec())
        return sqlError(QStringLiteral("cannot add a job"), q.lastError().text());
    return q.lastInsertId().toLongLong();
}

std::optional<JobRecord> JobDatabase::job(qint64 id) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("SELECT %1 FROM jobs WHERE id=?").arg(QLatin1String(kColumns)));
    q.addBindValue(id);
    if (!q.exec() || !q.next())
        return std::nullopt;
    return recordFrom(q);
}

QList<JobRecord> JobDatabase::jobs() const
{
    QList<JobRecord> out;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (!q.exec(QStringLiteral("SELECT %1 FROM jobs ORDER BY id").arg(QLatin1String(kColumns))))
        return out;
    while (q.next())
        out << recordFrom(q);
    return out;
}

QList<JobRecord> JobDatabase::jobsIn(JobState state) const
{
    QList<JobRecord> out;
    for (const JobRecord &r : jobs())
        if (r.state == state)
            out << r;
    return out;
}

Status JobDatabase::transition(qint64 id, JobState to, const QString &message)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    if (!db.transaction())
        return sqlError(QStringLiteral("cannot start a transaction"), db.lastError().text());
    const auto current = job(id);
    if (!current) {
        db.rollback();
        return Error{m_path, QStringLiteral("no job %1").arg(id)};
    }
    if (!isLegalJobTransition(current->state, to)) {
        db.rollback();
        return Error{m_path, QStringLiteral("job %1 cannot go from %2 to %3")
                                 .arg(id)
                                 .arg(jobStateName(current->state), jobStateName(to))};
    }
    const QString now = isoOrEmpty(QDateTime::currentDateTimeUtc());
    QString sql = QStringLiteral("UPDATE jobs SET state=?");
    QVariantList b{jobStateName(to)};
    if (to == JobState::Queued) {
        sql += QStringLiteral(", started=NULL, ended=NULL, pid=0, exit_code=0, stop_request=NULL, message=?, failed_file=NULL");
        b << message;
    } else {
        sql += to == JobState::Running ? QStringLiteral(", started=?, ended=NULL") : QStringLiteral(", ended=?");
        b << now;
        if (!message.isEmpty()) {
            sql += QStringLiteral(", message=?");
            b << message;
        }
        if (to != JobState::Running)
            sql += QStringLiteral(", stop_request=NULL");
    }
    sql += QStringLiteral(" WHERE id=?");
    b << id;
    Status s = exec(sql, b);
    if (!s) {
        db.rollback();
        return s;
    }
    if (!db.commit())
        return sqlError(QStringLiteral("cannot commit"), db.lastError().text());
    return Status::success();
}

Status JobDatabase::finishRun(qint64 id, JobState to, int exitCode, const QString &message, const QString &failedFile)
{
    Status s = transition(id, to, message);
    if (!s)
        return s;
    return exec(QStringLiteral("UPDATE jobs SET exit_code=?, pid=0, failed_file=?, message=? WHERE id=?"),
                {exitCode, failedFile, message, id});
}

Status JobDatabase::setStarted(qint64 id, qint64 pid)
{
    return exec(QStringLiteral("UPDATE jobs SET pid=?, runs=runs+1 WHERE id=?"), {pid, id});
}

Status JobDatabase::setPid(qint64 id, qint64 pid)
{
    return exec(QStringLiteral("UPDATE jobs SET pid=? WHERE id=?"), {pid, id});
}

Status JobDatabase::setLastEvent(qint64 id, const QJsonObject &event)
{
    return exec(QStringLiteral("UPDATE jobs SET last_event=? WHERE id=?"),
                {QString::fromUtf8(QJsonDocument(event).toJson(QJsonDocument::Compact)), id});
}

Status JobDatabase::setStopRequest(qint64 id, const QString &request)
{
    return exec(QStringLiteral("UPDATE jobs SET stop_request=? WHERE id=?"), {request, id});
}

Status JobDatabase::remove(qint64 id)
{
    const auto j = job(id);
    if (!j)
        return Error{m_path, QStringLiteral("no job %1").arg(id)};
    if (isActiveJobState(j->state))
        return Error{m_path, QStringLiteral("job %1 is %2: cancel it first").arg(id).arg(jobStateName(j->state))};
    QDir(controlDir(id)).removeRecursively();
    return exec(QStringLiteral("DELETE FROM jobs WHERE id=?"), {id});
}

bool JobDatabase::isProcessOf(qint64 pid, const QString &program)
{
    if (pid <= 0)
        return false;
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray s = stat.readAll();
    const qsizetype paren = s.lastIndexOf(')');
    if (paren < 0 || s.mid(paren + 2, 1) == "Z")  // a zombie has ended
        return false;
    QFile cmd(QStringLiteral("/proc/%1/cmdline").arg(pid));
    if (!cmd.open(QIODevice::ReadOnly))
        return false;
    const QByteArray argv0 = cmd.readAll().split('\0').value(0);
    return !argv0.isEmpty() && QFileInfo(QString::fromLocal8Bit(argv0)).fileName() == QFileInfo(program).fileName();
}

std::optional<int> JobDatabase::recordedExit(qint64 id) const
{
    QFile f(QDir(controlDir(id)).filePath(QStringLiteral("exit")));
    if (!f.open(QIODevice::ReadOnly))
        return std::nullopt;
    bool ok = false;
    const int code = f.readAll().trimmed().toInt(&ok);
    return ok ? std::optional<int>(code) : std::nullopt;
}

qint64 JobDatabase::recordedPid(qint64 id) const
{
    QFile f(QDir(controlDir(id)).filePath(QStringLiteral("pid")));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    return f.readAll().trimmed().toLongLong();
}

QList<qint64> JobDatabase::recoverAfterRestart()
{
    QList<qint64> live;
    for (JobRecord j : jobsIn(JobState::Running)) {
        const qint64 pid = j.pid > 0 ? j.pid : recordedPid(j.id);
        if (isProcessOf(pid, j.program)) {
            if (pid != j.pid)
                setPid(j.id, pid);
            live << j.id;
            continue;
        }
        const QByteArray tail = readFileTail(logPath(j));
        if (const auto code = recordedExit(j.id)) {
            const JobOutcome o = jobOutcome(j, *code, tail);
            finishRun(j.id, o.state, *code, o.message, o.failedFile);
            continue;
        }
        // The supervisor is gone too (killed with the app's session, a reboot): the run folder decides.
        QJsonObject last = j.runDir.isEmpty()
                               ? QJsonObject()
                               : lastJsonEvent(readFileTail(QDir(j.runDir).filePath(QStringLiteral("metrics.jsonl"))));
        if (last.isEmpty())
            last = lastJsonEvent(tail);
        if (last.value(QStringLiteral("event")).toString() == QLatin1String("done")) {
            finishRun(j.id, JobState::Finished, 0,
                      QStringLiteral("finished while the app was closed: ") + describeJobEvent(last));
            continue;
        }
        QString why = QStringLiteral("the app was closed and the process is gone; last event: %1")
                          .arg(last.isEmpty() ? QStringLiteral("none") : describeJobEvent(last));
        const QStringList lines = lastPlainLines(tail, 8);
        if (!lines.isEmpty())
            why += QStringLiteral(":\n") + lines.join(QLatin1Char('\n'));
        finishRun(j.id, JobState::Failed, -1, why, failedFileOf(lines));
    }
    return live;
}

}  // namespace solarchip
