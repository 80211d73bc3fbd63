#pragma once
// The app's background jobs: `solarchip` commands (pretrain, embed, index, flare-train, label-efficiency,
// translate-train...) queued in the persistent JobDatabase and run as child processes at nice 10, one at a time
// by default (setMaxConcurrent). The main window owns one (MainWindow::jobRunner()); the training panel and the
// low-label wizard use it.
//
// Jobs outlive the app, by design. Each job runs under a tiny /bin/sh supervisor started detached (its own
// session, not a child the app must reap): the supervisor starts `nice -n 10 solarchip ARGS` with stdout and
// stderr appended to the job's log (RUN/job.log), writes the solarchip pid to the job's control folder, waits
// for it and writes its exit status there (JobDatabase::controlDir). Everything the app learns comes from those
// files: the one-line JSON events (objects with an "event" key) are read from the log as it grows (pretrain prints every
// metrics.jsonl line on stdout), the end from the exit file. So quitting the app (or the app crashing) neither
// kills a week-long pretraining nor leaves a process nobody tracks: the next start (JobDatabase::
// recoverAfterRestart) re-attaches a job whose pid is still its solarchip process and follows its log again, and
// one that ended meanwhile gets its state from the recorded exit status (or the run folder) with the reason.
// Nothing is orphaned in the sense of untracked: each running job's pid is in the table, and cancel works on a
// re-attached job as on a new one.
//
// Cancel and pause send SIGTERM: pretrain then checkpoints after the step it is in and exits (the "cancelled"
// event); cancel ends in state cancelled, pause in paused. Resume queues the job again; a pretrain job that ran
// before gets --resume (when its checkpoint exists) and continues the step count exactly. Other commands are
// resumable by rerunning them (embed and label-efficiency skip what they stored), and get a hard kill 10 s
// after a SIGTERM they ignored. A job whose program is missing or whose command fails at start ends failed with
// a message naming the program or the CLI's own words (the last lines of its log and the file it names).

#include "core/jobs/JobDatabase.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QStringList>

class QTimer;

namespace solarchip {

class JobRunner : public QObject {
    Q_OBJECT
public:
    /// Opens `databasePath` (empty: JobDatabase::defaultPath()) and re-attaches the jobs left running; a problem
    /// opening it is in openError() (the runner then refuses to enqueue).
    explicit JobRunner(QObject *parent = nullptr, const QString &databasePath = {});
    ~JobRunner() override;

    JobDatabase &database() { return m_db; }
    QString openError() const { return m_openError; }

    /// The `solarchip` executable new jobs run (default: next to this program, else $SOLARCHIP_CLI).
    void setProgram(const QString &program) { m_program = program; }
    QString program() const { return m_program; }
    /// How many jobs may run at once (default 1).
    void setMaxConcurrent(int n);
    int maxConcurrent() const { return m_maxConcurrent; }
    /// Nice value of the jobs (default ThreadPriority::kIdleNice = 10). On Linux with scheduler autogroups, a
    /// job's session (its own autogroup) also gets its group nice raised by this much above the app's group.
    void setNice(int nice) { m_nice = nice; }

    /// Queues `solarchip <solarchipArguments>` (starting with the command, e.g. "pretrain"); runDir holds its
    /// log. Returns the job's id (-1 and a failed jobFinished(-1, ...) when the database is not usable).
    qint64 enqueue(const QString &kind, const QStringList &solarchipArguments, const QString &runDir,
                   const QString &title);
    /// Queued or paused: cancelled at once. Running: SIGTERM; cancelled when it has stopped.
    void cancel(qint64 id);
    /// Running: SIGTERM (pretrain checkpoints); paused when it has stopped.
    void pause(qint64 id);
    /// Paused, cancelled or failed: queued again (pretrain continues with --resume from its checkpoint).
    void resume(qint64 id);
    /// Forgets a job that is not queued or running (its run folder stays).
    bool remove(qint64 id);

    /// The arguments the next launch of `job` uses (pretrain that ran before: + --resume when resumable).
    static QStringList launchArguments(const JobRecord &job);
    /// Jobs running now (their ids).
    QList<qint64> runningJobs() const { return m_watches.keys(); }
    /// The job's log file.
    QString logPath(qint64 id) const;

    /// Re-reads the logs and exit files now (the timer does it every 250 ms; tests call it to not wait).
    void poll();

Q_SIGNALS:
    void jobAdded(qint64 id);
    void jobStateChanged(qint64 id, solarchip::JobState state);
    /// A one-line JSON event the job printed.
    void jobEvent(qint64 id, const QJsonObject &event);
    /// New text in the job's log (events included).
    void jobOutput(qint64 id, const QByteArray &text);
    /// A run ended (finished, failed, cancelled or paused; see jobStateChanged for which). id -1: enqueue failed.
    void jobFinished(qint64 id, int exitCode, const QString &message);

private:
    struct Watch {
        QString log;
        QString program;
        QString kind;
        qint64 offset = 0;
        QByteArray partial;
        qint64 pid = 0;
        qint64 supervisorPid = 0;
        int goneTicks = 0;
        qint64 startedMs = 0;
        qint64 termSentMs = 0;
        bool termPending = false;
        qint64 lastEventSavedMs = 0;
        QJsonObject lastEvent;
    };
    void schedule();
    void launch(const JobRecord &job);
    void attach(const JobRecord &job, qint64 logOffset);
    void readLog(qint64 id, Watch &w);
    void endRun(qint64 id, Watch &w, std::optional<int> exitCode);
    void failAtStart(qint64 id, const QString &message);
    void requestStop(qint64 id, const QString &request);
    void sendTerm(qint64 id, Watch &w);

    JobDatabase m_db;
    QString m_openError;
    QString m_program;
    int m_maxConcurrent = 1;
    int m_nice = 10;
    QHash<qint64, Watch> m_watches;
    QTimer *m_timer = nullptr;
    bool m_scheduling = false;
};

}  // namespace solarchip
