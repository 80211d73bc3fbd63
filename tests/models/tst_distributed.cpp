// Multi-process data-parallel pretraining (models/training/Distributed.h, `solarchip pretrain --nproc`,
// `--slurm-script`):
//  - 2 local workers (Gloo over loopback) with --batch 2 take the same steps as 1 process with --batch 4 and the
//    same seed: the same loss (so the contrastive negatives span the global batch), the same gradient norm (so
//    the all-reduce and the gather's gradient scaling are right) and the same weights, to float32 rounding; the
//    archive's catalog is scanned once, by rank 0 (no two ranks write it);
//  - a worker killed with SIGKILL makes the job fail with a message naming its rank, leaves no worker behind,
//    and --resume finishes the run from the last checkpoint with the weights of an uninterrupted run;
//  - the Slurm script passes `bash -n`, holds the expected srun line, and run by a stand-in `srun` that starts
//    the tasks with Slurm's variables (SLURM_PROCID, SLURM_NTASKS, SLURM_NODELIST) trains as a 2-rank job;
//  - the rendezvous variables and Slurm node lists are read as Slurm and torchrun define them.
#include "CatalogScans.h"
#include "EngineFixtures.h"
#include "TestSupport.h"

#include "models/networks/SafetensorsFile.h"
#include "models/training/Distributed.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QThread>
#include <QtTest>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <signal.h>

using namespace solarchip;
using namespace solarchip::test;

namespace {

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QList<QJsonObject> jsonLines(const QByteArray &text)
{
    QList<QJsonObject> out;
    for (const QByteArray &line : text.split('\n')) {
        const QJsonDocument d = QJsonDocument::fromJson(line);
        if (d.isObject())
            out << d.object();
    }
    return out;
}

QMap<int, QJsonObject> trainLines(const QString &runDir)
{
    QMap<int, QJsonObject> m;
    for (const QJsonObject &o : jsonLines(readAll(runDir + QStringLiteral("/metrics.jsonl"))))
        if (o.value(QStringLiteral("event")).toString() == QLatin1String("train"))
            m.insert(o.value(QStringLiteral("step")).toInt(), o);
    return m;
}

// Max |a - b| over every tensor of two float32 model files (-1 when they do not hold the same tensors).
double maxWeightDifference(const QString &a, const QString &b, double *maxAbsA = nullptr)
{
    auto wa = SafetensorsFile::read(a);
    auto wb = SafetensorsFile::read(b);
    if (!wa.ok() || !wb.ok() || wa->tensors.size() != wb->tensors.size())
        return -1;
    double worst = 0, big = 0;
    for (const auto &[name, ta] : wa->tensors) {
        const auto it = wb->tensors.find(name);
        if (it == wb->tensors.end() || it->second.bytes.size() != ta.bytes.size() || ta.dtype != it->second.dtype)
            return -1;
        if (ta.dtype != TensorDType::F32)
            continue;
        const auto *x = reinterpret_cast<const float *>(ta.bytes.constData());
        const auto *y = reinterpret_cast<const float *>(it->second.bytes.constData());
        for (qsizetype i = 0; i < ta.bytes.size() / 4; ++i) {
            worst = std::max(worst, static_cast<double>(std::abs(x[i] - y[i])));
            big = std::max(big, static_cast<double>(std::abs(x[i])));
        }
    }
    if (maxAbsA)
        *maxAbsA = big;
    return worst;
}

bool processAlive(qint64 pid) { return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH; }

}  // namespace

class TestDistributed : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void rendezvousFromEnvironment();
    void twoWorkersMatchOneProcess();
    void killedWorkerFailsCleanlyAndResumes();
    void slurmScript();

private:
    QStringList runArgs(const QString &runDir, int batch, int steps) const
    {
        return {QStringLiteral("pretrain"), QStringLiteral("--archive"), m_archive, QStringLiteral("--preset"), m_backbone,
                QStringLiteral("--out"), runDir, QStringLiteral("--batch"), QString::number(batch),
                QStringLiteral("--max-steps"), QString::number(steps), QStringLiteral("--checkpoint-every"),
                QStringLiteral("2"), QStringLiteral("--val-fraction"), QStringLiteral("0.25"),
                QStringLiteral("--val-gap-hours"), QStringLiteral("6"), QStringLiteral("--val-sets"), QStringLiteral("4"),
                QStringLiteral("--seed"), QStringLiteral("7"), QStringLiteral("--lr"), QStringLiteral("1e-3"),
                QStringLiteral("--warmup"), QStringLiteral("0"), QStringLiteral("--threads"), QStringLiteral("1"),
                QStringLiteral("--workers"), QStringLiteral("1"), QStringLiteral("--quiet")};
    }

    QTemporaryDir m_dir{scratchDir()};
    QString m_archive, m_backbone;
};

void TestDistributed::initTestCase()
{
    const PretrainFixture fixture = PretrainFixture::write(m_dir.path(), 1);
    QVERIFY(!fixture.archive.isEmpty());
    m_archive = fixture.archive;
    m_backbone = fixture.backbone;
}

void TestDistributed::rendezvousFromEnvironment()
{
    QCOMPARE(firstSlurmHost(QStringLiteral("node[03-05,9],gpu1")), QStringLiteral("node03"));
    QCOMPARE(firstSlurmHost(QStringLiteral("gpu-a,gpu-b")), QStringLiteral("gpu-a"));
    QCOMPARE(firstSlurmHost(QStringLiteral("n[007-9]x")), QStringLiteral("n007x"));
    QCOMPARE(firstSlurmHost(QStringLiteral("login1")), QStringLiteral("login1"));

    QProcessEnvironment none;
    auto single = DistributedEnv::fromEnvironment(none);
    QVERIFY(single.ok());
    QVERIFY(!single->active());

    QProcessEnvironment slurm;
    slurm.insert(QStringLiteral("SLURM_PROCID"), QStringLiteral("5"));
    slurm.insert(QStringLiteral("SLURM_NTASKS"), QStringLiteral("8"));
    slurm.insert(QStringLiteral("SLURM_LOCALID"), QStringLiteral("1"));
    slurm.insert(QStringLiteral("SLURM_NODELIST"), QStringLiteral("gpu[12-13]"));
    auto s = DistributedEnv::fromEnvironment(slurm);
    QVERIFY2(s.ok(), qPrintable(s.errorString()));
    QCOMPARE(s->rank, 5);
    QCOMPARE(s->worldSize, 8);
    QCOMPARE(s->localRank, 1);
    QCOMPARE(s->masterAddr, QStringLiteral("gpu12"));
    QCOMPARE(s->masterPort, 29500);
    QCOMPARE(s->source, QStringLiteral("slurm"));

    // torchrun's variables win over Slurm's.
    QProcessEnvironment both = slurm;
    both.insert(QStringLiteral("RANK"), QStringLiteral("1"));
    both.insert(QStringLiteral("WORLD_SIZE"), QStringLiteral("2"));
    both.insert(QStringLiteral("MASTER_ADDR"), QStringLiteral("10.0.0.7"));
    both.insert(QStringLiteral("MASTER_PORT"), QStringLiteral("29711"));
    auto e = DistributedEnv::fromEnvironment(both);
    QVERIFY(e.ok());
    QCOMPARE(e->rank, 1);
    QCOMPARE(e->worldSize, 2);
    QCOMPARE(e->localRank, 1);  // LOCAL_RANK absent: the rank
    QCOMPARE(e->masterAddr, QStringLiteral("10.0.0.7"));
    QCOMPARE(e->masterPort, 29711);

    QProcessEnvironment bad;
    bad.insert(QStringLiteral("RANK"), QStringLiteral("2"));
    bad.insert(QStringLiteral("WORLD_SIZE"), QStringLiteral("2"));
    bad.insert(QStringLiteral("MASTER_ADDR"), QStringLiteral("127.0.0.1"));
    auto b = DistributedEnv::fromEnvironment(bad);
    QVERIFY(!b.ok());
    QVERIFY2(b.errorString().contains(QStringLiteral("rank 2")), qPrintable(b.errorString()));
    bad.insert(QStringLiteral("RANK"), QStringLiteral("x"));
    QVERIFY(DistributedEnv::fromEnvironment(bad).errorString().contains(QStringLiteral("RANK='x'")));
}

// Tolerance: float32 sums in another order (two half-batch partial sums all-reduced instead of one batch of 4,
// matrix products of other shapes) differ by ~1e-7 relative per step; AdamW's update m/(sqrt(v)+eps) turns a
// gradient component near zero into an update of up to the learning rate whatever its rounding, so the weights
// are compared at 5e-5 absolute after 4 steps at lr 1e-3 (they move by ~4e-3, 80x more), the losses and
// gradient norms at 1e-4 relative.
void TestDistributed::twoWorkersMatchOneProcess()
{
    const int steps = 4;
    const QString one = m_dir.path() + QStringLiteral("/run-one");
    const QString two = m_dir.path() + QStringLiteral("/run-two");
    const ProcessResult a = run(binPath(QStringLiteral("solarchip")), runArgs(one, 4, steps), 120000);
    QVERIFY2(a.exitCode == 0, a.err.constData());
    const qint64 scansBefore = catalogScanCount(m_archive);
    const ProcessResult b = run(binPath(QStringLiteral("solarchip")), runArgs(two, 2, steps) << QStringLiteral("--nproc")
                                                                                             << QStringLiteral("2"), 120000);
    QVERIFY2(b.exitCode == 0, b.err.constData());
    // Rank 0 alone brings the catalog up to date, once; rank 1 reads it after the barrier.
    QCOMPARE(catalogScanCount(m_archive), scansBefore + 1);

    const QJsonObject runJson = QJsonDocument::fromJson(readAll(two + QStringLiteral("/run.json"))).object();
    const QJsonObject dist = runJson.value(QStringLiteral("distributed")).toObject();
    QCOMPARE(dist.value(QStringLiteral("world_size")).toInt(), 2);
    QCOMPARE(dist.value(QStringLiteral("backend")).toString(), QStringLiteral("gloo"));
    QCOMPARE(dist.value(QStringLiteral("global_batch")).toInt(), 4);

    const auto la = trainLines(one), lb = trainLines(two);
    QCOMPARE(la.size(), steps);
    QCOMPARE(lb.size(), steps);
    for (int s = 1; s <= steps; ++s) {
        const double lossA = la[s].value(QStringLiteral("loss")).toDouble(), lossB = lb[s].value(QStringLiteral("loss")).toDouble();
        const double gA = la[s].value(QStringLiteral("grad_norm")).toDouble(), gB = lb[s].value(QStringLiteral("grad_norm")).toDouble();
        const double clsA = la[s].value(QStringLiteral("cls")).toDouble(), clsB = lb[s].value(QStringLiteral("cls")).toDouble();
        qInfo("step %d: loss %.7f vs %.7f, cls %.7f vs %.7f, grad norm %.7f vs %.7f", s, lossA, lossB, clsA, clsB, gA, gB);
        QVERIFY(std::abs(lossA - lossB) <= 1e-4 * std::abs(lossA));
        QVERIFY(std::abs(clsA - clsB) <= 1e-4 * std::abs(clsA));
        QVERIFY(std::abs(gA - gB) <= 1e-4 * gA);
        QCOMPARE(lb[s].value(QStringLiteral("samples")).toInt(), 4 * s);  // global samples
    }
    double scale = 0;
    const double diff = maxWeightDifference(one + QStringLiteral("/model-last.safetensors"),
                                            two + QStringLiteral("/model-last.safetensors"), &scale);
    qInfo("max |w(1 process, batch 4) - w(2 processes, batch 2)| after %d steps: %.3g (max |w| %.3g)", steps, diff, scale);
    QVERIFY(diff >= 0);
    QVERIFY2(diff <= 5e-5, qPrintable(QString::number(diff)));

    // Power of the comparison: the weights moved far more than the tolerance, and per-rank negatives (a batch
    // of 2) would give another CLS loss than the global batch of 4 (ln 2 vs ln 4 scale at the start).
    const QString init = m_dir.path() + QStringLiteral("/run-zero");
    const ProcessResult z = run(binPath(QStringLiteral("solarchip")), runArgs(init, 2, 1) << QStringLiteral("--lr")
                                                                                         << QStringLiteral("1e-12"), 120000);
    QVERIFY2(z.exitCode == 0, z.err.constData());
    const double moved = maxWeightDifference(one + QStringLiteral("/model-last.safetensors"),
                                             init + QStringLiteral("/model-last.safetensors"));
    qInfo("weights moved by up to %.3g in %d steps", moved, steps);
    QVERIFY(moved > 50 * 5e-5);
    const double clsLocal = trainLines(init)[1].value(QStringLiteral("cls")).toDouble();
    QVERIFY2(std::abs(clsLocal - la[1].value(QStringLiteral("cls")).toDouble()) > 0.1,
             qPrintable(QStringLiteral("%1 vs %2").arg(clsLocal).arg(la[1].value(QStringLiteral("cls")).toDouble())));
}

void TestDistributed::killedWorkerFailsCleanlyAndResumes()
{
    const int steps = 40;
    const QString straight = m_dir.path() + QStringLiteral("/run-straight2");
    const ProcessResult a = run(binPath(QStringLiteral("solarchip")), runArgs(straight, 2, steps) << QStringLiteral("--nproc")
                                                                                                   << QStringLiteral("2"), 300000);
    QVERIFY2(a.exitCode == 0, a.err.constData());

    const QString killed = m_dir.path() + QStringLiteral("/run-killed2");
    QStringList args = runArgs(killed, 2, steps);
    args.removeAll(QStringLiteral("--quiet"));  // the launcher's "launch" line names the workers' pids
    QProcess p;
    p.start(binPath(QStringLiteral("solarchip")), args << QStringLiteral("--nproc") << QStringLiteral("2"));
    QVERIFY(p.waitForStarted());
    QByteArray out;
    qint64 pid0 = 0, pid1 = 0;
    int lastCheckpoint = 0;
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 120000 && p.state() == QProcess::Running) {
        p.waitForReadyRead(5);
        out += p.readAllStandardOutput();
        for (const QJsonObject &o : jsonLines(out)) {
            const QString e = o.value(QStringLiteral("event")).toString();
            if (e == QLatin1String("launch")) {
                const QJsonArray w = o.value(QStringLiteral("workers")).toArray();
                pid0 = static_cast<qint64>(w.at(0).toObject().value(QStringLiteral("pid")).toDouble());
                pid1 = static_cast<qint64>(w.at(1).toObject().value(QStringLiteral("pid")).toDouble());
            } else if (e == QLatin1String("checkpoint")) {
                lastCheckpoint = std::max(lastCheckpoint, o.value(QStringLiteral("step")).toInt());
            }
        }
        if (pid1 > 0 && lastCheckpoint >= 6)
            break;
    }
    QVERIFY2(p.state() == QProcess::Running, "the job ended before a worker could be killed");
    QVERIFY(pid0 > 0 && pid1 > 0);
    QVERIFY(::kill(static_cast<pid_t>(pid1), SIGKILL) == 0);
    QVERIFY(p.waitForFinished(60000));
    const QByteArray err = p.readAllStandardError();
    out += p.readAllStandardOutput();
    qInfo("launcher: %s", err.trimmed().constData());
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 1);
    QVERIFY2(err.contains("worker rank 1") && err.contains("killed by signal 9") && err.contains("--resume"), err.constData());
    // No orphans: both workers are gone once the launcher returns.
    QVERIFY(!processAlive(pid0));
    QVERIFY(!processAlive(pid1));
    QJsonObject failed;
    for (const QJsonObject &o : jsonLines(out))
        if (o.value(QStringLiteral("event")).toString() == QLatin1String("failed"))
            failed = o;
    QCOMPARE(failed.value(QStringLiteral("rank")).toInt(), 1);
    const int ckpt = failed.value(QStringLiteral("checkpoint_step")).toInt();
    QVERIFY(ckpt >= 6 && ckpt < steps);
    QVERIFY(!readAll(killed + QStringLiteral("/metrics.jsonl")).contains("\"event\":\"done\""));

    // Resume with 2 workers: from the last checkpoint to the end, the same weights as the run never killed.
    const ProcessResult b = run(binPath(QStringLiteral("solarchip")), runArgs(killed, 2, steps) << QStringLiteral("--nproc")
                                                                                                 << QStringLiteral("2")
                                                                                                 << QStringLiteral("--resume"), 300000);
    QVERIFY2(b.exitCode == 0, b.err.constData());
    int resumedAt = -1;
    for (const QJsonObject &o : jsonLines(readAll(killed + QStringLiteral("/metrics.jsonl"))))
        if (o.value(QStringLiteral("event")).toString() == QLatin1String("resume"))
            resumedAt = o.value(QStringLiteral("step")).toInt();
    QCOMPARE(resumedAt, ckpt);
    QCOMPARE(trainLines(killed).size(), steps);
    const double diff = maxWeightDifference(straight + QStringLiteral("/model-last.safetensors"),
                                            killed + QStringLiteral("/model-last.safetensors"));
    qInfo("max |w(straight) - w(killed + resumed)| = %.3g", diff);
    QCOMPARE(diff, 0.0);

    // A different number of processes cannot resume it (the global batch and data order would change).
    const ProcessResult c = run(binPath(QStringLiteral("solarchip")), runArgs(killed, 2, steps + 2) << QStringLiteral("--nproc")
                                                                                                     << QStringLiteral("3")
                                                                                                     << QStringLiteral("--resume"), 120000);
    QCOMPARE(c.exitCode, 1);
    QVERIFY2(c.err.contains("trained by 2 process(es)"), c.err.constData());
}

void TestDistributed::slurmScript()
{
    const QString script = m_dir.path() + QStringLiteral("/job.sbatch");
    const QString runDir = m_dir.path() + QStringLiteral("/run-slurm");
    const QString bin = binPath(QStringLiteral("solarchip"));
    QStringList args = runArgs(runDir, 2, 3);
    args << QStringLiteral("--slurm-script") << script << QStringLiteral("--nodes") << QStringLiteral("1")
         << QStringLiteral("--tasks-per-node") << QStringLiteral("2") << QStringLiteral("--gpus-per-node")
         << QStringLiteral("0") << QStringLiteral("--time") << QStringLiteral("00:10:00") << QStringLiteral("--partition")
         << QStringLiteral("debug");
    const ProcessResult r = run(bin, args, 60000);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(!QFileInfo::exists(runDir));  // written, not run
    const QJsonObject line = QJsonDocument::fromJson(r.out.trimmed()).object();
    QCOMPARE(line.value(QStringLiteral("event")).toString(), QStringLiteral("slurm-script"));
    QCOMPARE(line.value(QStringLiteral("world_size")).toInt(), 2);
    QCOMPARE(line.value(QStringLiteral("global_batch")).toInt(), 4);
    const QString text = QString::fromUtf8(readAll(script));
    QVERIFY(QFileInfo(script).isExecutable());
    const ProcessResult syntax = run(QStringLiteral("bash"), {QStringLiteral("-n"), script});
    QVERIFY2(syntax.exitCode == 0, syntax.err.constData());
    for (const char *directive : {"#SBATCH --nodes=1\n", "#SBATCH --ntasks-per-node=2\n", "#SBATCH --time=00:10:00\n",
                                  "#SBATCH --partition=debug\n"})
        QVERIFY2(text.contains(QLatin1String(directive)), directive);
    QVERIFY(!text.contains(QLatin1String("--gpus-per-node")));
    // The expected srun line: the run's own arguments (test paths have no characters needing quotes), plus --resume.
    QStringList expected{QStringLiteral("srun"), QStringLiteral("--kill-on-bad-exit=1"), QStringLiteral("--ntasks=2"),
                         QStringLiteral("--ntasks-per-node=2"), bin};
    expected << runArgs(runDir, 2, 3) << QStringLiteral("--resume");
    const QString srun = expected.join(QLatin1Char(' '));
    QVERIFY2(text.split(QLatin1Char('\n')).contains(srun), qPrintable(text));
    QCOMPARE(line.value(QStringLiteral("srun")).toString(), srun);

    // Run it with a stand-in srun that starts the tasks as Slurm would (SLURM_PROCID, SLURM_NTASKS, SLURM_LOCALID,
    // SLURM_NODELIST): the tasks meet through the Slurm variables and train as one 2-rank job.
    const QString fakeBin = m_dir.path() + QStringLiteral("/fakebin");
    QDir().mkpath(fakeBin);
    {
        QFile f(fakeBin + QStringLiteral("/srun"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("#!/bin/bash\n"
                "n=1\n"
                "while [[ \"$1\" == --* ]]; do case \"$1\" in --ntasks=*) n=\"${1#--ntasks=}\";; esac; shift; done\n"
                "pids=()\n"
                "for ((i = 0; i < n; i++)); do\n"
                "  SLURM_PROCID=$i SLURM_LOCALID=$i SLURM_NTASKS=$n SLURM_NODELIST='localhost' \"$@\" & pids+=($!)\n"
                "done\n"
                "rc=0; for p in \"${pids[@]}\"; do wait \"$p\" || rc=1; done; exit $rc\n");
        f.close();
        QVERIFY(f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
    }
    QProcess job;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PATH"), fakeBin + QLatin1Char(':') + env.value(QStringLiteral("PATH")));
    env.insert(QStringLiteral("SLURM_JOB_ID"), QString::number(4242 + QCoreApplication::applicationPid() % 9000));
    for (const char *v : {"RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT", "LOCAL_RANK"})
        env.remove(QLatin1String(v));
    job.setProcessEnvironment(env);
    job.start(QStringLiteral("bash"), {script});
    QVERIFY(job.waitForFinished(120000));
    QVERIFY2(job.exitCode() == 0, job.readAllStandardError().constData());
    const QJsonObject ran = QJsonDocument::fromJson(readAll(runDir + QStringLiteral("/run.json"))).object();
    QCOMPARE(ran.value(QStringLiteral("distributed")).toObject().value(QStringLiteral("world_size")).toInt(), 2);
    QCOMPARE(trainLines(runDir).size(), 3);

    // GPUs for a CPU device: refused; GPUs from a build without CUDA/NCCL: a warning in the output and the script.
    QStringList cpuGpus = runArgs(runDir, 2, 3);
    cpuGpus << QStringLiteral("--device") << QStringLiteral("cpu") << QStringLiteral("--slurm-script") << script
            << QStringLiteral("--nodes") << QStringLiteral("2") << QStringLiteral("--tasks-per-node") << QStringLiteral("4")
            << QStringLiteral("--gpus-per-node") << QStringLiteral("4");
    const ProcessResult refused = run(bin, cpuGpus, 60000);
    QCOMPARE(refused.exitCode, 2);
    QVERIFY2(refused.err.contains("--device cpu"), refused.err.constData());
    if (!distributedBackendAvailable(/*cuda=*/true)) {
        QStringList gpus = cpuGpus;
        gpus.removeAt(gpus.indexOf(QStringLiteral("--device")) + 1);
        gpus.removeAll(QStringLiteral("--device"));
        const ProcessResult warned = run(bin, gpus, 60000);
        QVERIFY2(warned.exitCode == 0, warned.err.constData());
        QVERIFY2(warned.err.contains("warning") && warned.err.contains("no CUDA/NCCL"), warned.err.constData());
        const QString gpuText = QString::fromUtf8(readAll(script));
        QVERIFY(gpuText.contains(QLatin1String("#SBATCH --gpus-per-node=4\n")));
        QVERIFY(gpuText.contains(QLatin1String("# WARNING: ")));
        QVERIFY(gpuText.contains(QLatin1String("srun --kill-on-bad-exit=1 --ntasks=8 --ntasks-per-node=4 ")));
    }
}

QTEST_GUILESS_MAIN(TestDistributed)
#include "tst_distributed.moc"
