// The persistent job table (core/jobs/JobDatabase): the state machine's legal and illegal moves, timestamps,
// persistence across reopening, and what a newly opened app does with jobs left marked running: a live process
// of the job's program is kept (re-attached), one that ended while the app was closed gets the state its
// recorded exit status / run folder says, and a vanished one becomes failed with the reason.
#include "core/jobs/JobDatabase.h"
#include "core/jobs/JobOutcome.h"

#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <signal.h>

using namespace solarchip;

class TestJobDatabase : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void stateMachine();
    void persistsAndRefusesIllegalMoves();
    void outcomeFromLog();
    void recoverAfterRestart();
};

static void writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

void TestJobDatabase::stateMachine()
{
    using S = JobState;
    const QList<S> all{S::Queued, S::Running, S::Paused, S::Finished, S::Failed, S::Cancelled};
    // The legal moves, written out independently of the implementation's switch.
    const QSet<QPair<int, int>> legal{
        {int(S::Queued), int(S::Running)},    {int(S::Queued), int(S::Cancelled)},
        {int(S::Running), int(S::Finished)},  {int(S::Running), int(S::Failed)},
        {int(S::Running), int(S::Paused)},    {int(S::Running), int(S::Cancelled)},
        {int(S::Paused), int(S::Queued)},     {int(S::Paused), int(S::Cancelled)},
        {int(S::Failed), int(S::Queued)},     {int(S::Cancelled), int(S::Queued)}};
    for (S a : all)
        for (S b : all)
            QCOMPARE(isLegalJobTransition(a, b), legal.contains({int(a), int(b)}));
    for (S a : all)
        QCOMPARE(jobStateFromName(jobStateName(a)).value(), a);
    QVERIFY(!jobStateFromName(QStringLiteral("sleeping")));
}

void TestJobDatabase::persistsAndRefusesIllegalMoves()
{
    QTemporaryDir tmp = test::scratchDir();
    const QString path = tmp.filePath(QStringLiteral("jobs.sqlite"));
    qint64 id = 0;
    {
        JobDatabase db;
        QVERIFY2(db.open(path), qPrintable(db.path()));
        JobRecord r;
        r.kind = QStringLiteral("pretrain");
        r.program = QStringLiteral("/opt/solarchip/bin/solarchip");
        r.arguments = {QStringLiteral("pretrain"), QStringLiteral("--out"), QStringLiteral("/tmp/a run"),
                       QStringLiteral("--lr"), QStringLiteral("5e-4")};
        r.runDir = QStringLiteral("/tmp/a run");
        r.title = QStringLiteral("tiny run");
        r.state = JobState::Finished;  // ignored: a new job is queued
        auto added = db.add(r);
        QVERIFY2(added, qPrintable(added.errorString()));
        id = *added;
        QCOMPARE(db.job(id)->state, JobState::Queued);
        QVERIFY(db.job(id)->created.isValid());
        QVERIFY(!db.job(id)->started.isValid());
        QCOMPARE(db.job(id)->shellCommand(),
                 QStringLiteral("/opt/solarchip/bin/solarchip pretrain --out '/tmp/a run' --lr 5e-4"));

        // queued -> finished is not a move of the machine: refused, the row unchanged.
        Status bad = db.transition(id, JobState::Finished);
        QVERIFY(!bad);
        QVERIFY2(bad.errorString().contains(QStringLiteral("cannot go from queued to finished")), qPrintable(bad.errorString()));
        QCOMPARE(db.job(id)->state, JobState::Queued);

        QVERIFY(db.transition(id, JobState::Running));
        QVERIFY(db.setStarted(id, 4242));
        QVERIFY(db.setLastEvent(id, QJsonObject{{QStringLiteral("event"), QStringLiteral("train")}, {QStringLiteral("step"), 7}}));
        const JobRecord running = *db.job(id);
        QCOMPARE(running.state, JobState::Running);
        QVERIFY(running.started.isValid());
        QVERIFY(!running.ended.isValid());
        QCOMPARE(running.pid, 4242);
        QCOMPARE(running.runs, 1);
        QVERIFY(db.setStopRequest(id, QStringLiteral("pause")));
        QVERIFY(db.finishRun(id, JobState::Paused, 1, QStringLiteral("paused after: train, step 7")));
        QVERIFY(!db.transition(id, JobState::Running));  // paused -> running: only through the queue
        QVERIFY(!db.remove(999));
    }
    {
        JobDatabase db;  // reopened: everything persisted
        QVERIFY(db.open(path));
        const JobRecord r = *db.job(id);
        QCOMPARE(r.state, JobState::Paused);
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.pid, 0);
        QVERIFY(r.stopRequest.isEmpty());
        QVERIFY(r.ended.isValid() && r.started.isValid() && r.ended >= r.started);
        QCOMPARE(r.lastEvent.value(QStringLiteral("step")).toInt(), 7);
        QCOMPARE(r.arguments.size(), 5);
        QCOMPARE(r.arguments.at(2), QStringLiteral("/tmp/a run"));
        QCOMPARE(r.message, QStringLiteral("paused after: train, step 7"));
        QVERIFY(db.transition(id, JobState::Queued));
        const JobRecord q = *db.job(id);
        QCOMPARE(q.state, JobState::Queued);
        QVERIFY(!q.started.isValid() && !q.ended.isValid());
        QCOMPARE(q.runs, 1);  // kept: the next launch resumes
        QVERIFY(!db.remove(id));  // queued: cancel first
        QVERIFY(db.transition(id, JobState::Cancelled));
        QVERIFY(db.remove(id));
        QVERIFY(!db.job(id));
    }
    // Not a database: a clear error naming the file.
    const QString junk = tmp.filePath(QStringLiteral("junk.sqlite"));
    writeFile(junk, QByteArray(4096, 'x'));
    JobDatabase db;
    Status s = db.open(junk);
    QVERIFY(!s);
    QVERIFY2(s.errorString().startsWith(junk), qPrintable(s.errorString()));
}

void TestJobDatabase::outcomeFromLog()
{
    JobRecord j;
    j.kind = QStringLiteral("pretrain");
    const QByteArray done = "=== header\n{\"event\":\"train\",\"step\":3,\"loss\":2.5}\n{\"event\":\"done\",\"step\":4}\n";
    QCOMPARE(jobOutcome(j, 0, done).state, JobState::Finished);
    // pretrain after SIGTERM: a "cancelled" event and exit 1.
    const QByteArray stopped = "{\"event\":\"train\",\"step\":3}\n{\"event\":\"cancelled\",\"step\":3}\n"
                               "solarchip pretrain: /r: stopped at step 3 after a signal; continue with --resume\n";
    j.stopRequest = QStringLiteral("cancel");
    QCOMPARE(jobOutcome(j, 1, stopped).state, JobState::Cancelled);
    j.stopRequest = QStringLiteral("pause");
    QCOMPARE(jobOutcome(j, 1, stopped).state, JobState::Paused);
    j.stopRequest.clear();
    QCOMPARE(jobOutcome(j, 0, stopped).state, JobState::Paused);  // --stop-at: exit 0 after "cancelled"
    // A failure: the CLI's words and the file it names.
    const QByteArray failed = "{\"event\":\"start\",\"step\":0}\nsome warning\n"
                              "solarchip pretrain: /data/archive/hmi/x.fits: truncated: 100 of 2880 bytes\n";
    const JobOutcome o = jobOutcome(j, 1, failed);
    QCOMPARE(o.state, JobState::Failed);
    QCOMPARE(o.failedFile, QStringLiteral("/data/archive/hmi/x.fits"));
    QVERIFY2(o.message.contains(QStringLiteral("exit code 1")) && o.message.contains(QStringLiteral("truncated: 100 of 2880")),
             qPrintable(o.message));
    QVERIFY(jobOutcome(j, 137, failed).message.contains(QStringLiteral("killed by signal 9")));
}

// A "solarchip" that sleeps: a link named solarchip to sleep, so /proc/PID/cmdline's first argument is
// .../solarchip as for the real CLI.
void TestJobDatabase::recoverAfterRestart()
{
    QTemporaryDir tmp = test::scratchDir();
    const QString program = tmp.filePath(QStringLiteral("bin/solarchip"));
    QDir().mkpath(tmp.filePath(QStringLiteral("bin")));
    QVERIFY(QFile::link(QStringLiteral("/bin/sleep"), program));
    const QString path = tmp.filePath(QStringLiteral("jobs.sqlite"));
    qint64 alivePid = 0;
    QVERIFY(QProcess::startDetached(program, {QStringLiteral("30")}, tmp.path(), &alivePid));
    QVERIFY(alivePid > 0);
    qint64 otherPid = 0;  // alive, but not a solarchip process (a reused pid)
    QVERIFY(QProcess::startDetached(QStringLiteral("/bin/sleep"), {QStringLiteral("30")}, tmp.path(), &otherPid));
    QTest::qWait(200);
    QVERIFY(JobDatabase::isProcessOf(alivePid, program));
    QVERIFY(!JobDatabase::isProcessOf(otherPid, program));

    struct Made {
        qint64 id;
        QString runDir;
    };
    QList<Made> made;
    {
        JobDatabase db;
        QVERIFY(db.open(path));
        auto make = [&](const QString &name, qint64 pid) {
            JobRecord r;
            r.kind = QStringLiteral("pretrain");
            r.program = program;
            r.runDir = tmp.filePath(name);
            r.arguments = {QStringLiteral("pretrain"), QStringLiteral("--out"), r.runDir};
            const qint64 id = *db.add(r);
            db.transition(id, JobState::Running);
            db.setStarted(id, pid);
            QDir().mkpath(r.runDir);
            made << Made{id, r.runDir};
            return id;
        };
        make(QStringLiteral("alive"), alivePid);                                     // 0: re-attached
        const qint64 exited = make(QStringLiteral("exited"), 999999);               // 1: supervisor recorded exit 1
        writeFile(db.controlDir(exited) + QStringLiteral("/exit"), "1\n");
        writeFile(made[1].runDir + QStringLiteral("/job.log"),
                  "{\"event\":\"train\",\"step\":2}\nsolarchip pretrain: /arch/aia/y.fits: cannot read\n");
        make(QStringLiteral("done"), otherPid);                                      // 2: run folder says done
        writeFile(made[2].runDir + QStringLiteral("/metrics.jsonl"),
                  "{\"event\":\"train\",\"step\":5}\n{\"event\":\"done\",\"step\":6}\n");
        make(QStringLiteral("gone"), 999998);                                        // 3: nothing says anything
        writeFile(made[3].runDir + QStringLiteral("/metrics.jsonl"), "{\"event\":\"train\",\"step\":11,\"loss\":1.5}\n");
        const qint64 viaPidFile = make(QStringLiteral("pidfile"), 0);               // 4: pid only in the control folder
        writeFile(db.controlDir(viaPidFile) + QStringLiteral("/pid"), QByteArray::number(alivePid) + "\n");
    }
    JobDatabase db;  // the app restarted
    QVERIFY(db.open(path));
    const QList<qint64> live = db.recoverAfterRestart();
    QCOMPARE(live, (QList<qint64>{made[0].id, made[4].id}));
    QCOMPARE(db.job(made[0].id)->state, JobState::Running);
    QCOMPARE(db.job(made[4].id)->pid, alivePid);
    const JobRecord exited = *db.job(made[1].id);
    QCOMPARE(exited.state, JobState::Failed);
    QCOMPARE(exited.exitCode, 1);
    QCOMPARE(exited.failedFile, QStringLiteral("/arch/aia/y.fits"));
    QCOMPARE(db.job(made[2].id)->state, JobState::Finished);
    const JobRecord gone = *db.job(made[3].id);
    QCOMPARE(gone.state, JobState::Failed);
    QVERIFY2(gone.message.startsWith(QStringLiteral("the app was closed and the process is gone; last event: train, step 11")),
             qPrintable(gone.message));
    ::kill(static_cast<pid_t>(alivePid), SIGKILL);
    ::kill(static_cast<pid_t>(otherPid), SIGKILL);
}

QTEST_GUILESS_MAIN(TestJobDatabase)
#include "tst_jobdatabase.moc"
