#include "app/gui/JobRunner.h"

#include "core/base/ThreadPriority.h"
#include "core/jobs/JobOutcome.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QProcess>
#include <QTimer>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <sys/resource.h>
#include <sys/types.h>
#include <signal.h>

namespace solarchip {

namespace {

// The supervisor: $1 control folder, $2 log, $3 nice, $4 the app's scheduler autogroup ("-": none), $5 the nice
// for the job's autogroup, then the command. startDetached puts it in a session of its own, which Linux (autogroups
// on, its default) schedules as one group, an equal of the app's whatever the job's nice: so it lowers its group's
// nice too, unless it is still in the app's group (writing a higher nice needs no privilege; the kernel refuses
// unprivileged changes closer than 0.1 s apart system-wide, hence one retry). It records the command's pid, waits
// for it and records its exit status (128 + N after signal N), each file written whole (temporary + rename).
const char *const kSupervisor =
    "ctl=$1; log=$2; n=$3; ag=$4; agn=$5; shift 5\n"
    "if [ \"$ag\" != - ] && read g rest </proc/self/autogroup 2>/dev/null && [ \"$g\" != \"$ag\" ]; then\n"
    "  echo \"$agn\" 2>/dev/null >/proc/self/autogroup || { sleep 0.2; echo \"$agn\" 2>/dev/null >/proc/self/autogroup; } || :\n"
    "fi\n"
    "nice -n \"$n\" \"$@\" </dev/null >>\"$log\" 2>&1 &\n"
    "p=$!\n"
    "echo $p >\"$ctl/pid.tmp\" && mv -f \"$ctl/pid.tmp\" \"$ctl/pid\"\n"
    "wait $p\n"
    "c=$?\n"
    "echo $c >\"$ctl/exit.tmp\" && mv -f \"$ctl/exit.tmp\" \"$ctl/exit\"\n";

constexpr int kPollMs = 250;
constexpr qint64 kHardKillAfterMs = 10000;

bool processAlive(qint64 pid)
{
    return pid > 0 && ::kill(static_cast<pid_t>(pid), 0) == 0;
}

}  // namespace

JobRunner::JobRunner(QObject *parent, const QString &databasePath) : QObject(parent)
{
    m_program = qEnvironmentVariable("SOLARCHIP_CLI");
    if (m_program.isEmpty())
        m_program = QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("solarchip"));
    m_nice = ThreadPriority::kIdleNice;
    m_timer = new QTimer(this);
    m_timer->setInterval(kPollMs);
    connect(m_timer, &QTimer::timeout, this, &JobRunner::poll);
    Status s = m_db.open(databasePath.isEmpty() ? JobDatabase::defaultPath() : databasePath);
    if (!s) {
        m_openError = s.errorString();
        return;
    }
    for (qint64 id : m_db.recoverAfterRestart()) {
        const auto job = m_db.job(id);
        if (job)
            attach(*job, QFileInfo(m_db.logPath(*job)).size());
    }
    QTimer::singleShot(0, this, &JobRunner::schedule);
}

// Running jobs are not stopped: they go on under their supervisor and the next JobRunner re-attaches them.
JobRunner::~JobRunner() = default;

void JobRunner::setMaxConcurrent(int n)
{
    m_maxConcurrent = std::max(1, n);
    QTimer::singleShot(0, this, &JobRunner::schedule);
}

qint64 JobRunner::enqueue(const QString &kind, const QStringList &solarchipArguments, const QString &runDir,
                          const QString &title)
{
    if (!m_openError.isEmpty()) {
        Q_EMIT jobFinished(-1, -1, tr("Cannot queue the job: %1").arg(m_openError));
        return -1;
    }
    JobRecord r;
    r.kind = kind;
    r.program = m_program;
    r.arguments = solarchipArguments;
    r.runDir = runDir.isEmpty() ? QString() : QFileInfo(runDir).absoluteFilePath();
    r.title = title.isEmpty() ? kind : title;
    auto id = m_db.add(r);
    if (!id) {
        Q_EMIT jobFinished(-1, -1, tr("Cannot queue the job: %1").arg(id.errorString()));
        return -1;
    }
    Q_EMIT jobAdded(*id);
    Q_EMIT jobStateChanged(*id, JobState::Queued);
    QTimer::singleShot(0, this, &JobRunner::schedule);
    return *id;
}

QStringList JobRunner::launchArguments(const JobRecord &job)
{
    QStringList args = job.arguments;
    const bool resumable = (job.kind == QLatin1String("pretrain") || job.kind == QLatin1String("translate-train"))
                           && job.runs > 0 && !job.runDir.isEmpty()
                           && QFileInfo::exists(QDir(job.runDir).filePath(QStringLiteral("checkpoint.pt")));
    if (resumable && !args.contains(QStringLiteral("--resume")))
        args << QStringLiteral("--resume");
    return args;
}

QString JobRunner::logPath(qint64 id) const
{
    const auto job = m_db.job(id);
    return job ? m_db.logPath(*job) : QString();
}

void JobRunner::schedule()
{
    if (m_scheduling || !m_openError.isEmpty())
        return;
    m_scheduling = true;
    for (const JobRecord &j : m_db.jobsIn(JobState::Queued)) {
        if (m_watches.size() >= m_maxConcurrent)
            break;
        launch(j);
    }
    m_scheduling = false;
}

void JobRunner::failAtStart(qint64 id, const QString &message)
{
    m_db.finishRun(id, JobState::Failed, -1, message);
    Q_EMIT jobStateChanged(id, JobState::Failed);
    Q_EMIT jobFinished(id, -1, message);
}

void JobRunner::launch(const JobRecord &job)
{
    Status s = m_db.transition(job.id, JobState::Running);
    if (!s)
        return;
    Q_EMIT jobStateChanged(job.id, JobState::Running);
    if (!QFileInfo(job.program).isExecutable()) {
        failAtStart(job.id, tr("%1: the solarchip command is missing or not executable; cannot run the %2 job")
                                .arg(QDir::toNativeSeparators(job.program), job.kind));
        return;
    }
    const QString ctl = m_db.controlDir(job.id);
    if (!QDir().mkpath(ctl)) {
        failAtStart(job.id, tr("%1: cannot create the job's control folder").arg(ctl));
        return;
    }
    QFile::remove(QDir(ctl).filePath(QStringLiteral("exit")));
    QFile::remove(QDir(ctl).filePath(QStringLiteral("pid")));
    if (!job.runDir.isEmpty() && !QDir().mkpath(job.runDir)) {
        failAtStart(job.id, tr("%1: cannot create the run folder").arg(job.runDir));
        return;
    }
    const QString log = m_db.logPath(job);
    const QStringList args = launchArguments(job);
    JobRecord shown = job;
    shown.arguments = args;
    {
        QFile f(log);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Append)) {
            failAtStart(job.id, tr("%1: cannot write the job's log: %2").arg(log, f.errorString()));
            return;
        }
        f.write(QStringLiteral("=== %1 job %2, run %3: %4\n")
                    .arg(QDateTime::currentDateTimeUtc().toString(Qt::ISODate))
                    .arg(job.id)
                    .arg(job.runs + 1)
                    .arg(shown.shellCommand())
                    .toUtf8());
    }
    const qint64 offset = QFileInfo(log).size();
    // `nice -n` adds to the supervisor's niceness (the app's): the job gets nice m_nice, or the app's if higher.
    errno = 0;
    const int appNice = ::getpriority(PRIO_PROCESS, 0);
    const int increment = std::max(0, m_nice - (errno == 0 ? appNice : 0));
    // The job's autogroup gets the app's group's nice raised by as much as the job's own nice is raised.
    const auto appGroup = ThreadPriority::autogroupOf();
    const QString groupName = appGroup ? QString::fromLatin1(appGroup->name) : QStringLiteral("-");
    const int groupNice = std::min(19, (appGroup ? appGroup->nice : 0) + m_nice);
    QStringList shArgs{QStringLiteral("-c"), QString::fromLatin1(kSupervisor), QStringLiteral("solarchip-job"), ctl, log,
                       QString::number(increment), groupName, QString::number(groupNice), job.program};
    shArgs += args;
    qint64 supervisor = 0;
    QProcess detached;
    detached.setProgram(QStringLiteral("/bin/sh"));
    detached.setArguments(shArgs);
    detached.setWorkingDirectory(job.runDir.isEmpty() ? ctl : job.runDir);
    // The supervisor holds none of the app's standard channels (a pipe the app's parent waits on would stay open).
    detached.setStandardInputFile(QProcess::nullDevice());
    detached.setStandardOutputFile(QProcess::nullDevice());
    detached.setStandardErrorFile(QProcess::nullDevice());
    if (!detached.startDetached(&supervisor)) {
        failAtStart(job.id, tr("/bin/sh: could not start the job's supervisor"));
        return;
    }
    m_db.setStarted(job.id, 0);
    attach(job, offset);
    m_watches[job.id].supervisorPid = supervisor;
}

void JobRunner::attach(const JobRecord &job, qint64 logOffset)
{
    Watch w;
    w.log = m_db.logPath(job);
    w.program = job.program;
    w.kind = job.kind;
    w.offset = logOffset;
    w.pid = job.pid;
    w.startedMs = QDateTime::currentMSecsSinceEpoch();
    w.lastEvent = job.lastEvent;
    w.termPending = !job.stopRequest.isEmpty();
    m_watches.insert(job.id, w);
    if (!m_timer->isActive())
        m_timer->start();
}

void JobRunner::readLog(qint64 id, Watch &w)
{
    QFile f(w.log);
    if (!f.open(QIODevice::ReadOnly))
        return;
    if (f.size() < w.offset)  // truncated by someone: start over
        w.offset = 0;
    if (f.size() == w.offset)
        return;
    f.seek(w.offset);
    const QByteArray chunk = f.readAll();
    w.offset += chunk.size();
    Q_EMIT jobOutput(id, chunk);
    w.partial += chunk;
    qsizetype nl;
    bool gotEvent = false;
    while ((nl = w.partial.indexOf('\n')) >= 0) {
        const QByteArray line = w.partial.left(nl).trimmed();
        w.partial.remove(0, nl + 1);
        if (!line.startsWith('{') || !line.contains("\"event\":"))
            continue;
        const QJsonDocument doc = QJsonDocument::fromJson(line);
        if (!doc.isObject() || !doc.object().contains(QStringLiteral("event")))
            continue;
        w.lastEvent = doc.object();
        gotEvent = true;
        Q_EMIT jobEvent(id, w.lastEvent);
    }
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (gotEvent && now - w.lastEventSavedMs > 2000) {  // the table is not a metrics log: at most every 2 s
        m_db.setLastEvent(id, w.lastEvent);
        w.lastEventSavedMs = now;
    }
}

void JobRunner::poll()
{
    const QList<qint64> ids = m_watches.keys();
    bool ended = false;
    for (qint64 id : ids) {
        auto it = m_watches.find(id);
        if (it == m_watches.end())
            continue;
        Watch &w = *it;
        if (w.pid <= 0) {
            w.pid = m_db.recordedPid(id);
            if (w.pid > 0)
                m_db.setPid(id, w.pid);
        }
        if (w.termPending && w.pid > 0 && w.termSentMs == 0)
            sendTerm(id, w);
        readLog(id, w);
        if (const auto code = m_db.recordedExit(id)) {
            endRun(id, w, code);
            ended = true;
            continue;
        }
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const bool supervisorGone = w.supervisorPid <= 0 || !processAlive(w.supervisorPid);
        const bool childGone = w.pid > 0 ? !JobDatabase::isProcessOf(w.pid, w.program)
                                         : (supervisorGone && now - w.startedMs > 10000);
        if (childGone && supervisorGone) {
            // Give the supervisor's exit file a moment, then decide without it.
            if (++w.goneTicks >= 4) {
                endRun(id, w, std::nullopt);
                ended = true;
            }
            continue;
        }
        if (w.termSentMs > 0 && w.kind != QLatin1String("pretrain") && w.kind != QLatin1String("translate-train")
            && now - w.termSentMs > kHardKillAfterMs && w.pid > 0)
            ::kill(static_cast<pid_t>(w.pid), SIGKILL);
    }
    if (m_watches.isEmpty())
        m_timer->stop();
    if (ended)
        schedule();
}

void JobRunner::endRun(qint64 id, Watch &watch, std::optional<int> exitCode)
{
    readLog(id, watch);
    Watch w = m_watches.take(id);  // (a copy: `watch` refers into the hash)
    const auto job = m_db.job(id);
    if (!job)
        return;
    if (!w.lastEvent.isEmpty())
        m_db.setLastEvent(id, w.lastEvent);
    const QByteArray tail = readFileTail(w.log);
    JobOutcome o;
    int code = exitCode.value_or(-1);
    if (exitCode) {
        o = jobOutcome(*job, *exitCode, tail);
    } else {
        o.state = JobState::Failed;
        const QStringList lines = lastPlainLines(tail, 8);
        o.failedFile = failedFileOf(lines);
        o.message = tr("the job's process is gone without an exit status (killed with its supervisor?); last event: %1")
                        .arg(w.lastEvent.isEmpty() ? tr("none") : describeJobEvent(w.lastEvent));
        if (!lines.isEmpty())
            o.message += QStringLiteral(":\n") + lines.join(QLatin1Char('\n'));
    }
    m_db.finishRun(id, o.state, code, o.message, o.failedFile);
    Q_EMIT jobStateChanged(id, o.state);
    Q_EMIT jobFinished(id, code, o.message);
}

void JobRunner::sendTerm(qint64 id, Watch &w)
{
    if (w.pid > 0 && JobDatabase::isProcessOf(w.pid, w.program)) {
        ::kill(static_cast<pid_t>(w.pid), SIGTERM);
        w.termSentMs = QDateTime::currentMSecsSinceEpoch();
    }
    w.termPending = false;
}

void JobRunner::requestStop(qint64 id, const QString &request)
{
    auto it = m_watches.find(id);
    if (it == m_watches.end())
        return;
    m_db.setStopRequest(id, request);
    it->termPending = true;
    if (it->pid <= 0) {
        it->pid = m_db.recordedPid(id);
        if (it->pid > 0)
            m_db.setPid(id, it->pid);
    }
    if (it->pid > 0)
        sendTerm(id, *it);  // else: once the supervisor has written the pid (poll)
    if (!m_timer->isActive())
        m_timer->start();
}

void JobRunner::cancel(qint64 id)
{
    const auto job = m_db.job(id);
    if (!job)
        return;
    if (job->state == JobState::Running) {
        requestStop(id, QStringLiteral("cancel"));
    } else if (job->state == JobState::Queued || job->state == JobState::Paused) {
        if (m_db.transition(id, JobState::Cancelled, tr("cancelled before it ran again")))
            Q_EMIT jobStateChanged(id, JobState::Cancelled);
    }
}

void JobRunner::pause(qint64 id)
{
    const auto job = m_db.job(id);
    if (job && job->state == JobState::Running)
        requestStop(id, QStringLiteral("pause"));
}

void JobRunner::resume(qint64 id)
{
    const auto job = m_db.job(id);
    if (!job || !isLegalJobTransition(job->state, JobState::Queued))
        return;
    if (m_db.transition(id, JobState::Queued)) {
        Q_EMIT jobStateChanged(id, JobState::Queued);
        QTimer::singleShot(0, this, &JobRunner::schedule);
    }
}

bool JobRunner::remove(qint64 id)
{
    if (m_watches.contains(id))
        return false;
    return m_db.remove(id).ok();
}

}  // namespace solarchip
