// The app's job runner (app/gui/JobRunner) against real `solarchip pretrain` processes on a tiny archive (a
// 32 px ViT, --threads 1): a job that fails at start says why (missing program; the CLI's own message and the
// file it names); pause stops it with a checkpoint, resume continues the step count from it (--resume), cancel
// ends it; a runner deleted while its job runs (the app quitting) leaves the job running, and a new runner on the
// same table re-attaches it (its events keep coming, cancel works); a job killed while no app ran is reported
// failed with the signal on the next start; a job yields the CPU to the app also where Linux schedules sessions as
// groups (its autogroup's nice is raised, as read back from the kernel).
#include "app/gui/JobRunner.h"
#include "core/jobs/JobOutcome.h"

#include "TestSupport.h"
#include "tests/models/EngineFixtures.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>
#include <signal.h>

using namespace solarchip;
using namespace solarchip::test;

class TestJobRunner : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void failsAtStartWithAMessage();
    void pauseResumeCancel();
    void reattachAfterTheAppQuits();
    void killedWhileTheAppWasClosed();
    void jobYieldsToTheAppsAutogroup();
    void cleanup();

private:
    QStringList pretrainArgs(const QString &runDir) const;
    std::unique_ptr<JobRunner> makeRunner() const;
    /// Waits until `id` printed an event `name` with a step >= minStep (returns it; empty on timeout).
    QJsonObject waitForEvent(JobRunner &r, qint64 id, const QString &name, double minStep, int timeoutMs);
    bool waitForState(JobRunner &r, qint64 id, JobState state, int timeoutMs);

    QTemporaryDir m_dir{scratchDir()};
    QString m_archive, m_backbone, m_db;
};

void TestJobRunner::initTestCase()
{
    qputenv("OMP_NUM_THREADS", "1");
    m_archive = m_dir.filePath(QStringLiteral("archive"));
    QDir().mkpath(m_archive);
    QVERIFY(writeFakeArchive(m_archive, 16, 6.0));
    m_backbone = m_dir.filePath(QStringLiteral("backbone.json"));
    QFile f(m_backbone);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(testBackboneJson(32, 32, 1));
    f.close();
    m_db = m_dir.filePath(QStringLiteral("state/jobs.sqlite"));
    QVERIFY(QFileInfo(binPath(QStringLiteral("solarchip"))).isExecutable());
}

QStringList TestJobRunner::pretrainArgs(const QString &runDir) const
{
    // Steps of a 32 px ViT take milliseconds: --max-steps far away, the test stops the job itself.
    return {QStringLiteral("pretrain"), QStringLiteral("--archive"), m_archive, QStringLiteral("--preset"), m_backbone,
            QStringLiteral("--out"), runDir, QStringLiteral("--batch"), QStringLiteral("4"), QStringLiteral("--max-steps"),
            QStringLiteral("100000"), QStringLiteral("--checkpoint-every"), QStringLiteral("100000"),
            QStringLiteral("--validate-every"), QStringLiteral("100000"), QStringLiteral("--val-fraction"),
            QStringLiteral("0.25"), QStringLiteral("--val-gap-hours"), QStringLiteral("6"), QStringLiteral("--threads"),
            QStringLiteral("1"), QStringLiteral("--workers"), QStringLiteral("1")};
}

std::unique_ptr<JobRunner> TestJobRunner::makeRunner() const
{
    auto r = std::make_unique<JobRunner>(nullptr, m_db);
    r->setProgram(binPath(QStringLiteral("solarchip")));
    return r;
}

QJsonObject TestJobRunner::waitForEvent(JobRunner &r, qint64 id, const QString &name, double minStep, int timeoutMs)
{
    QJsonObject found;
    auto c = connect(&r, &JobRunner::jobEvent, this, [&](qint64 j, const QJsonObject &e) {
        if (j == id && found.isEmpty() && e.value(QStringLiteral("event")).toString() == name
            && e.value(QStringLiteral("step")).toDouble() >= minStep)
            found = e;
    });
    QElapsedTimer t;
    t.start();
    while (found.isEmpty() && t.elapsed() < timeoutMs) {
        const auto job = r.database().job(id);
        if (job && job->state != JobState::Running && job->state != JobState::Queued)
            break;
        QTest::qWait(50);
    }
    disconnect(c);
    if (found.isEmpty())
        qWarning("no %s event at step >= %g of job %lld; its log ends:\n%s", qPrintable(name), minStep, id,
                 readFileTail(r.logPath(id), 2000).constData());
    return found;
}

bool TestJobRunner::waitForState(JobRunner &r, qint64 id, JobState state, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeoutMs) {
        if (r.database().job(id)->state == state)
            return true;
        QTest::qWait(50);
    }
    const JobRecord j = *r.database().job(id);
    if (j.state != state)
        qWarning("job %lld is %s, not %s: %s; control folder: %s; log ends:\n%s", id, qPrintable(jobStateName(j.state)),
                 qPrintable(jobStateName(state)), qPrintable(j.message),
                 qPrintable(QDir(r.database().controlDir(id)).entryList(QDir::Files).join(QLatin1Char(' '))),
                 readFileTail(r.logPath(id), 1500).constData());
    return j.state == state;
}

void TestJobRunner::failsAtStartWithAMessage()
{
    auto runner = makeRunner();
    QVERIFY2(runner->openError().isEmpty(), qPrintable(runner->openError()));
    // The program is missing.
    runner->setProgram(m_dir.filePath(QStringLiteral("no/such/solarchip")));
    const qint64 missing = runner->enqueue(QStringLiteral("pretrain"), pretrainArgs(m_dir.filePath(QStringLiteral("r0"))),
                                           m_dir.filePath(QStringLiteral("r0")), QStringLiteral("missing"));
    QVERIFY(waitForState(*runner, missing, JobState::Failed, 5000));
    QVERIFY2(runner->database().job(missing)->message.contains(QStringLiteral("no/such/solarchip: the solarchip command is missing")),
             qPrintable(runner->database().job(missing)->message));
    // The CLI refuses the command: its words, and the file it names.
    runner->setProgram(binPath(QStringLiteral("solarchip")));
    const QString noArchive = m_dir.filePath(QStringLiteral("nowhere"));
    QStringList args = pretrainArgs(m_dir.filePath(QStringLiteral("r1")));
    args[2] = noArchive;
    QSignalSpy finished(runner.get(), &JobRunner::jobFinished);
    const qint64 bad = runner->enqueue(QStringLiteral("pretrain"), args, m_dir.filePath(QStringLiteral("r1")), {});
    QVERIFY(waitForState(*runner, bad, JobState::Failed, 15000));
    const JobRecord j = *runner->database().job(bad);
    QVERIFY2(j.exitCode != 0 && j.message.startsWith(QStringLiteral("solarchip pretrain failed (exit code"))
                 && j.message.contains(noArchive),
             qPrintable(j.message));
    QCOMPARE(j.failedFile, noArchive);
    QVERIFY(!finished.isEmpty());
    QCOMPARE(finished.last().at(0).toLongLong(), bad);
    // The log keeps the command and the CLI's message.
    const QByteArray log = readFileTail(runner->logPath(bad));
    QVERIFY(log.contains("=== ") && log.contains(noArchive.toUtf8()));
}

void TestJobRunner::pauseResumeCancel()
{
    auto runner = makeRunner();
    const QString run = m_dir.filePath(QStringLiteral("pause"));
    const qint64 id = runner->enqueue(QStringLiteral("pretrain"), pretrainArgs(run), run, QStringLiteral("pause test"));
    QVERIFY(waitForState(*runner, id, JobState::Running, 5000));
    QVERIFY(!waitForEvent(*runner, id, QStringLiteral("train"), 2, 15000).isEmpty());
    const qint64 pid = runner->database().job(id)->pid;
    QVERIFY(pid > 0);
    QVERIFY(JobDatabase::isProcessOf(pid, binPath(QStringLiteral("solarchip"))));
    runner->pause(id);
    QVERIFY(waitForState(*runner, id, JobState::Paused, 15000));
    const JobRecord paused = *runner->database().job(id);
    QVERIFY2(paused.message.startsWith(QStringLiteral("paused after: cancelled, step")), qPrintable(paused.message));
    QCOMPARE(paused.lastEvent.value(QStringLiteral("event")).toString(), QStringLiteral("cancelled"));
    const double stoppedAt = paused.lastEvent.value(QStringLiteral("step")).toDouble();
    QVERIFY(stoppedAt >= 2);
    QVERIFY(QFileInfo::exists(run + QStringLiteral("/checkpoint.pt")));
    QVERIFY(!JobDatabase::isProcessOf(pid, binPath(QStringLiteral("solarchip"))));  // stopped, not orphaned

    // Resume: relaunched with --resume, continues from the checkpoint's step.
    QCOMPARE(JobRunner::launchArguments(paused).last(), QStringLiteral("--resume"));
    runner->resume(id);
    const QJsonObject resumed = waitForEvent(*runner, id, QStringLiteral("resume"), 0, 15000);
    QVERIFY(!resumed.isEmpty());
    QCOMPARE(resumed.value(QStringLiteral("step")).toDouble(), stoppedAt);
    QVERIFY(!waitForEvent(*runner, id, QStringLiteral("train"), stoppedAt + 1, 15000).isEmpty());
    QCOMPARE(runner->database().job(id)->runs, 2);

    runner->cancel(id);
    QVERIFY(waitForState(*runner, id, JobState::Cancelled, 15000));
    const JobRecord cancelled = *runner->database().job(id);
    QVERIFY(cancelled.lastEvent.value(QStringLiteral("step")).toDouble() > stoppedAt);
    QVERIFY(cancelled.ended.isValid());
    // The metrics file has one train line per step (the redone ones were dropped on resume).
    QList<double> steps;
    QFile m(run + QStringLiteral("/metrics.jsonl"));
    QVERIFY(m.open(QIODevice::ReadOnly));
    for (const QByteArray &line : m.readAll().split('\n')) {
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        if (o.value(QStringLiteral("event")).toString() == QLatin1String("train"))
            steps << o.value(QStringLiteral("step")).toDouble();
    }
    for (int i = 0; i < steps.size(); ++i)
        QCOMPARE(steps[i], double(i + 1));
}

void TestJobRunner::reattachAfterTheAppQuits()
{
    const QString run = m_dir.filePath(QStringLiteral("reattach"));
    qint64 id = 0, pid = 0;
    {
        auto first = makeRunner();
        id = first->enqueue(QStringLiteral("pretrain"), pretrainArgs(run), run, QStringLiteral("reattach"));
        QVERIFY(!waitForEvent(*first, id, QStringLiteral("train"), 1, 15000).isEmpty());
        pid = first->database().job(id)->pid;
    }  // the app quits: the job goes on
    QVERIFY(pid > 0);
    QTest::qWait(300);
    QVERIFY(JobDatabase::isProcessOf(pid, binPath(QStringLiteral("solarchip"))));

    auto second = makeRunner();  // the app starts again
    QCOMPARE(second->database().job(id)->state, JobState::Running);
    QCOMPARE(second->runningJobs(), QList<qint64>{id});
    const double before = second->database().job(id)->lastEvent.value(QStringLiteral("step")).toDouble();
    QVERIFY(!waitForEvent(*second, id, QStringLiteral("train"), before + 2, 15000).isEmpty());
    second->cancel(id);
    QVERIFY(waitForState(*second, id, JobState::Cancelled, 15000));
    QVERIFY(QFileInfo::exists(run + QStringLiteral("/checkpoint.pt")));
    QVERIFY(!JobDatabase::isProcessOf(pid, binPath(QStringLiteral("solarchip"))));
}

void TestJobRunner::killedWhileTheAppWasClosed()
{
    const QString run = m_dir.filePath(QStringLiteral("killed"));
    qint64 id = 0, pid = 0;
    {
        auto first = makeRunner();
        id = first->enqueue(QStringLiteral("pretrain"), pretrainArgs(run), run, QStringLiteral("killed"));
        QVERIFY(!waitForEvent(*first, id, QStringLiteral("train"), 1, 15000).isEmpty());
        pid = first->database().job(id)->pid;
    }
    QVERIFY(pid > 0);
    ::kill(static_cast<pid_t>(pid), SIGKILL);
    // The supervisor records the status.
    JobDatabase probe;
    QVERIFY(probe.open(m_db));
    QTRY_VERIFY_WITH_TIMEOUT(probe.recordedExit(id).has_value(), 5000);
    auto second = makeRunner();
    const JobRecord j = *second->database().job(id);
    QCOMPARE(j.state, JobState::Failed);
    QCOMPARE(j.exitCode, 128 + SIGKILL);
    QVERIFY2(j.message.contains(QStringLiteral("killed by signal 9")), qPrintable(j.message));
    // Failed jobs resume from their last checkpoint, if any (none here: checkpoints only at a stop).
    second->resume(id);
    QVERIFY(waitForState(*second, id, JobState::Running, 5000));
    QVERIFY(!waitForEvent(*second, id, QStringLiteral("train"), 1, 15000).isEmpty());
    second->cancel(id);
    QVERIFY(waitForState(*second, id, JobState::Cancelled, 15000));
}

namespace {

// The kernel's own words: "/autogroup-108 nice 0" in /proc/PID/autogroup; the nice value is field 19 of
// /proc/PID/stat (after the command name in parentheses, which may hold spaces).
QStringList readAutogroup(const QString &pid)
{
    QFile f(QStringLiteral("/proc/%1/autogroup").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromLatin1(f.readAll()).simplified().split(QLatin1Char(' '));
}

int readProcessNice(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return -100;
    const QByteArray stat = f.readAll();
    const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');  // fields 3, 4, ...
    return fields.size() > 16 ? fields[16].toInt() : -100;
}

}  // namespace

void TestJobRunner::jobYieldsToTheAppsAutogroup()
{
    const QStringList app = readAutogroup(QStringLiteral("self"));
    if (app.size() != 3)
        QSKIP("no /proc/self/autogroup (a kernel without scheduler autogroups)");
    auto runner = makeRunner();
    const QString run = m_dir.filePath(QStringLiteral("autogroup"));
    const qint64 id = runner->enqueue(QStringLiteral("pretrain"), pretrainArgs(run), run, QStringLiteral("autogroup"));
    QVERIFY(!waitForEvent(*runner, id, QStringLiteral("train"), 1, 15000).isEmpty());
    const qint64 pid = runner->database().job(id)->pid;
    QVERIFY(pid > 0);
    const QStringList job = readAutogroup(QString::number(pid));
    const int jobNice = readProcessNice(pid);
    runner->cancel(id);
    QVERIFY(waitForState(*runner, id, JobState::Cancelled, 15000));
    QCOMPARE(job.size(), 3);
    // The detached job is a session of its own, hence a scheduling group of its own...
    QVERIFY2(job[0] != app[0], qPrintable(job.join(QLatin1Char(' '))));
    // ... whose nice is the app's group's + 10, as the job's own nice is 10 (or the app's, if higher).
    QCOMPARE(job[1], QStringLiteral("nice"));
    QCOMPARE(job[2].toInt(), std::min(19, app[2].toInt() + 10));
    QCOMPARE(jobNice, std::max(10, readProcessNice(QCoreApplication::applicationPid())));
}

// Jobs outlive their runner by design: a failed test must not leave one training.
void TestJobRunner::cleanup()
{
    JobDatabase db;
    if (!db.open(m_db))
        return;
    for (const JobRecord &j : db.jobsIn(JobState::Running)) {
        const qint64 pid = j.pid > 0 ? j.pid : db.recordedPid(j.id);
        if (JobDatabase::isProcessOf(pid, j.program))
            ::kill(static_cast<pid_t>(pid), SIGKILL);
    }
}

QTEST_GUILESS_MAIN(TestJobRunner)
#include "tst_jobrunner.moc"
