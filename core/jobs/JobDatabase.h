#pragma once
// The persistent table of background jobs (the app's training panel and low-label wizard): one SQLite file next
// to the user's data (QStandardPaths::AppDataLocation/jobs.sqlite; $SOLARCHIP_JOBS_DB or open(path) override it,
// tests use a temporary file). Qt Core + Sql only: the process handling lives in app/gui/JobRunner.
//
// A job is one `solarchip` command line (kind = its command: pretrain, embed, index, flare-train,
// label-efficiency, translate-train...) with a run folder. Its state follows a small machine whose legal moves
// are enforced here (an illegal move is an Error, the row is unchanged):
//
//     queued ──> running ──> finished
//       │          ├──────> failed    ──> queued (retry / resume)
//       │          ├──────> paused    ──> queued (resume) ──> ...
//       └──────────┴──────> cancelled ──> queued (resume: a cancelled pretrain left a checkpoint)
//     paused ──> cancelled
//
// `started` is set on each move to running, `ended` on each move out of it; both are cleared by a move back to
// queued. Every change is one SQLite transaction (WAL, synchronous=FULL), so a killed app leaves a consistent
// table.
//
// Jobs outlive the app (see JobRunner.h): each runs under a small /bin/sh supervisor that records the child's
// pid and, once it ends, its exit status in the job's control folder (controlDir(id): <db folder>/jobs/<id>/,
// files "pid" and "exit"). recoverAfterRestart() is what a newly opened app does with the rows still marked
// running: a live process that is still that job's `solarchip` (its /proc/PID/cmdline starts with the job's
// program) is kept running for the runner to re-attach; otherwise the recorded exit status decides, or, when
// the supervisor itself was killed, the run folder (a pretrain whose metrics.jsonl ends with "done" finished);
// what is left becomes failed with the reason ("the app was closed and the process is gone; last event ...").

#include "core/base/Expected.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace solarchip {

enum class JobState { Queued, Running, Paused, Finished, Failed, Cancelled };

/// "queued", "running", ... (the database's spelling).
QString jobStateName(JobState state);
std::optional<JobState> jobStateFromName(const QString &name);
/// Whether the state machine above allows `from` -> `to` (a move to the same state is not a move: false).
bool isLegalJobTransition(JobState from, JobState to);
/// Running or queued: the job still has work ahead without the user doing anything.
inline bool isActiveJobState(JobState s) { return s == JobState::Queued || s == JobState::Running; }

struct JobRecord {
    qint64 id = 0;
    QString kind;            ///< the solarchip command: "pretrain", "embed", "flare-train", ...
    QString program;         ///< the solarchip executable
    QStringList arguments;   ///< everything after the program (starting with the command)
    QString runDir;          ///< the run folder (may be empty for jobs without one)
    QString title;
    JobState state = JobState::Queued;
    QDateTime created, started, ended;  ///< UTC
    int exitCode = 0;        ///< of the last run (128 + N: killed by signal N)
    qint64 pid = 0;          ///< the solarchip process while running (0: none / not known yet)
    QJsonObject lastEvent;   ///< the last one-line JSON event the job printed
    QString message;         ///< why it failed / was cancelled (the last lines of its log), or a note
    // ---- extensions (h-jobs) ----
    QString failedFile;      ///< the file a failed job's last error names (empty: none)
    QString stopRequest;     ///< "cancel" / "pause" while a stop was asked for and the process still runs
    int runs = 0;            ///< how many times it was started (> 0 on a relaunch: pretrain gets --resume)

    /// The exact shell command (each argument quoted where needed).
    QString shellCommand() const;
};

class JobDatabase {
public:
    JobDatabase();
    ~JobDatabase();
    JobDatabase(const JobDatabase &) = delete;
    JobDatabase &operator=(const JobDatabase &) = delete;

    /// $SOLARCHIP_JOBS_DB, else QStandardPaths::AppDataLocation/jobs.sqlite.
    static QString defaultPath();
    /// Opens (creating the schema of) the file; closes a file opened before. An Error names the file.
    Status open(const QString &path = defaultPath());
    bool isOpen() const;
    QString path() const { return m_path; }
    /// <folder of the database>/jobs/<id>: the supervisor's "pid" and "exit" files (and the log of a job
    /// without a run folder).
    QString controlDir(qint64 id) const;
    /// RUN/job.log, or controlDir(id)/job.log for a job without a run folder.
    QString logPath(const JobRecord &job) const;

    /// Adds a queued job (created = now; id, state and timestamps of `job` are ignored). Returns the id.
    Expected<qint64> add(const JobRecord &job);
    std::optional<JobRecord> job(qint64 id) const;
    /// Every job, oldest first.
    QList<JobRecord> jobs() const;
    QList<JobRecord> jobsIn(JobState state) const;

    /// Moves a job to `to` when the state machine allows it (timestamps as described above); `message`
    /// replaces the message when not empty. A move to queued clears pid, exit code, stop request and message.
    Status transition(qint64 id, JobState to, const QString &message = {});
    /// The end of a run: moves a running job to `to` with its exit code, message and failed file; clears pid and
    /// stop request.
    Status finishRun(qint64 id, JobState to, int exitCode, const QString &message, const QString &failedFile = {});
    /// A running job's process started: its pid, runs + 1.
    Status setStarted(qint64 id, qint64 pid);
    Status setPid(qint64 id, qint64 pid);
    Status setLastEvent(qint64 id, const QJsonObject &event);
    Status setStopRequest(qint64 id, const QString &request);
    /// Removes a job that is not running or queued.
    Status remove(qint64 id);

    /// After the app (re)opens the table: decides the rows left marked running (see the header comment).
    /// Returns the ids whose process is alive and should be re-attached.
    QList<qint64> recoverAfterRestart();

    /// Whether `pid` is alive and its command line's first argument is `program` (same file name; Linux
    /// /proc/PID/cmdline). False where /proc is missing.
    static bool isProcessOf(qint64 pid, const QString &program);
    /// The exit status the supervisor recorded in controlDir(id)/exit (nullopt: none yet).
    std::optional<int> recordedExit(qint64 id) const;
    /// The pid the supervisor recorded in controlDir(id)/pid (0: none).
    qint64 recordedPid(qint64 id) const;

private:
    Status exec(const QString &sql, const QVariantList &bindings) const;
    Error sqlError(const QString &what, const QString &detail) const;

    QString m_path;
    QString m_connection;
};

}  // namespace solarchip
