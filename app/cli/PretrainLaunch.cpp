#include "app/cli/PretrainLaunch.h"

#include "app/cli/Command.h"

#include "core/base/AtomicFile.h"
#include "models/networks/Device.h"
#include "models/training/Distributed.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace solarchip::cli {

namespace {

std::atomic<int> g_forwardSignal{0};

void onLauncherSignal(int sig) { g_forwardSignal.store(sig); }

// A TCP port nobody listens on now (the kernel picks it); rank 0's TCPStore binds it a moment later.
int freeLocalPort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return 29500;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof(a);
    int port = 29500;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof(a)) == 0
        && ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len) == 0)
        port = ntohs(a.sin_port);
    ::close(fd);
    return port;
}

QString describeStatus(int status)
{
    if (WIFSIGNALED(status)) {
        const int sig = WTERMSIG(status);
        const char *name = sigabbrev_np(sig);
        return QStringLiteral("was killed by signal %1 (SIG%2)").arg(sig).arg(QLatin1String(name ? name : "?"));
    }
    return QStringLiteral("exited with code %1").arg(WEXITSTATUS(status));
}

// The step of the last checkpoint the run's metrics record (-1: none yet).
long long lastCheckpointStep(const QString &runDir)
{
    QFile f(runDir + QStringLiteral("/metrics.jsonl"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    long long step = -1;
    for (const QByteArray &line : f.readAll().split('\n')) {
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        if (o.value(QStringLiteral("event")).toString() == QLatin1String("checkpoint"))
            step = static_cast<long long>(o.value(QStringLiteral("step")).toDouble());
    }
    return step;
}

struct Worker {
    int rank = 0;
    pid_t pid = -1;
    bool running = false;
    int status = 0;
};

}  // namespace

QStringList withoutOptions(const QStringList &args, const QStringList &valued, const QStringList &flags)
{
    QStringList out;
    for (int i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        bool drop = false;
        for (const QString &name : valued) {
            const QString dashed = QStringLiteral("--") + name;
            if (a == dashed) {
                drop = true;
                ++i;  // and its value
                break;
            }
            if (a.startsWith(dashed + QLatin1Char('='))) {
                drop = true;
                break;
            }
        }
        for (const QString &name : flags)
            drop = drop || a == QStringLiteral("--") + name;
        if (!drop)
            out << a;
    }
    return out;
}

QString shellQuote(const QString &text)
{
    static const QRegularExpression safe(QStringLiteral("^[A-Za-z0-9_./:=,+@%-]+$"));
    if (!text.isEmpty() && safe.match(text).hasMatch())
        return text;
    QString q = text;
    q.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + q + QLatin1Char('\'');
}

int launchLocalWorkers(int nproc, const QStringList &workerArgs, const QString &runDir, bool quiet)
{
    const QString program = QCoreApplication::applicationFilePath();
    const QByteArray env0 = qgetenv("MASTER_PORT");
    const int port = env0.isEmpty() ? freeLocalPort() : env0.toInt();
    const pid_t launcher = ::getpid();

    // Everything the children need is built before fork (no allocation between fork and exec).
    std::vector<std::string> argStore{program.toStdString(), "pretrain"};
    for (const QString &a : workerArgs)
        argStore.push_back(a.toStdString());
    std::vector<char *> argv;
    for (auto &s : argStore)
        argv.push_back(s.data());
    argv.push_back(nullptr);
    std::vector<std::vector<std::string>> envStore(nproc);
    std::vector<std::vector<char *>> envp(nproc);
    const QStringList ours{QStringLiteral("MASTER_ADDR"), QStringLiteral("MASTER_PORT"), QStringLiteral("RANK"),
                           QStringLiteral("LOCAL_RANK"), QStringLiteral("WORLD_SIZE")};
    for (int r = 0; r < nproc; ++r) {
        for (char **e = environ; *e; ++e) {
            const QString kv = QString::fromLocal8Bit(*e);
            if (!ours.contains(kv.section(QLatin1Char('='), 0, 0)))
                envStore[r].push_back(*e);
        }
        envStore[r].push_back("MASTER_ADDR=127.0.0.1");
        envStore[r].push_back("MASTER_PORT=" + std::to_string(port));
        envStore[r].push_back("RANK=" + std::to_string(r));
        envStore[r].push_back("LOCAL_RANK=" + std::to_string(r));
        envStore[r].push_back("WORLD_SIZE=" + std::to_string(nproc));
        for (auto &s : envStore[r])
            envp[r].push_back(s.data());
        envp[r].push_back(nullptr);
    }

    struct sigaction sa{};
    sa.sa_handler = onLauncherSignal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGHUP, &sa, nullptr);

    std::fflush(stdout);
    std::fflush(stderr);
    std::vector<Worker> workers(nproc);
    for (int r = 0; r < nproc; ++r) {
        const pid_t pid = ::fork();
        if (pid < 0) {
            for (const Worker &w : workers)
                if (w.running)
                    ::kill(w.pid, SIGKILL);
            return fail(QStringLiteral("pretrain"), QStringLiteral("cannot start worker rank %1: %2").arg(r).arg(QString::fromLocal8Bit(std::strerror(errno))));
        }
        if (pid == 0) {
            // A worker dies with the launcher, whatever kills the launcher.
            ::prctl(PR_SET_PDEATHSIG, SIGTERM);
            if (::getppid() != launcher)
                ::_exit(1);
            signal(SIGINT, SIG_DFL);
            signal(SIGTERM, SIG_DFL);
            if (r > 0) {  // rank 0 alone reports on stdout (the metrics); the others keep stderr
                const int devnull = ::open("/dev/null", O_WRONLY);
                if (devnull >= 0)
                    ::dup2(devnull, STDOUT_FILENO);
            }
            ::execve(argv[0], argv.data(), envp[r].data());
            std::fprintf(stderr, "solarchip pretrain: rank %d: cannot run %s: %s\n", r, argv[0], std::strerror(errno));
            ::_exit(127);
        }
        workers[r] = Worker{r, pid, true, 0};
    }
    if (!quiet) {
        QJsonArray list;
        for (const Worker &w : workers)
            list.append(QJsonObject{{QStringLiteral("rank"), w.rank}, {QStringLiteral("pid"), static_cast<double>(w.pid)}});
        printJsonLine(QJsonObject{{QStringLiteral("event"), QStringLiteral("launch")},
                                  {QStringLiteral("nproc"), nproc},
                                  {QStringLiteral("master"), QStringLiteral("127.0.0.1:%1").arg(port)},
                                  {QStringLiteral("launcher_pid"), static_cast<double>(launcher)},
                                  {QStringLiteral("workers"), list}});
    }

    using Clock = std::chrono::steady_clock;
    const auto grace = std::chrono::seconds(10);
    int firstFailed = -1;             // the rank whose end brought the job down
    Clock::time_point stopSentAt{};
    bool stopSent = false, killSent = false, forwarded = false;
    auto stopOthers = [&](int sig) {
        for (const Worker &w : workers)
            if (w.running)
                ::kill(w.pid, sig);
    };
    int alive = nproc;
    while (alive > 0) {
        int status = 0;
        const pid_t pid = ::waitpid(-1, &status, WNOHANG);
        if (pid > 0) {
            for (Worker &w : workers) {
                if (w.pid != pid || !w.running)
                    continue;
                w.running = false;
                w.status = status;
                --alive;
                const bool failed = !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
                // The cause: the first worker to fail; a worker killed by a signal outranks one that merely saw
                // its peer vanish (those exit with an error a moment later).
                if (failed && !forwarded) {
                    const bool better = firstFailed < 0
                        || (WIFSIGNALED(status) && !WIFSIGNALED(workers[firstFailed].status) && !stopSent);
                    if (better)
                        firstFailed = w.rank;
                    if (!stopSent) {
                        std::fprintf(stderr, "solarchip pretrain: worker rank %d (pid %d) %s; stopping the other workers\n",
                                     w.rank, static_cast<int>(w.pid), qPrintable(describeStatus(status)));
                        stopOthers(SIGTERM);
                        stopSent = true;
                        stopSentAt = Clock::now();
                    }
                }
            }
            continue;
        }
        if (pid < 0 && errno != EINTR && errno != ECHILD)
            break;
        if (const int sig = g_forwardSignal.exchange(0); sig != 0 && !stopSent) {
            // The user stops the job: every worker gets the signal and they checkpoint at the same step.
            forwarded = true;
            stopOthers(SIGTERM);
            stopSent = true;
            stopSentAt = Clock::now();
        }
        if (stopSent && !killSent && Clock::now() - stopSentAt > grace) {
            stopOthers(SIGKILL);
            killSent = true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (firstFailed < 0 && !forwarded)
        return kOk;
    const long long ckpt = lastCheckpointStep(runDir);
    const QString resumeHint = ckpt >= 0 ? QStringLiteral("--resume continues from the last checkpoint (step %1) in %2").arg(ckpt).arg(runDir)
                                         : QStringLiteral("no checkpoint was written yet in %1 (a new run starts from scratch)").arg(runDir);
    QString message;
    if (forwarded && firstFailed < 0) {
        message = QStringLiteral("the %1 workers were stopped by a signal; %2").arg(nproc).arg(resumeHint);
    } else {
        const Worker &w = workers[firstFailed];
        message = QStringLiteral("the job failed: worker rank %1 (pid %2) %3; the other workers were stopped; %4")
                      .arg(w.rank).arg(w.pid).arg(describeStatus(w.status), resumeHint);
    }
    if (!quiet) {
        QJsonObject o{{QStringLiteral("event"), QStringLiteral("failed")}, {QStringLiteral("message"), message},
                      {QStringLiteral("checkpoint_step"), static_cast<double>(ckpt)}};
        if (firstFailed >= 0) {
            o.insert(QStringLiteral("rank"), firstFailed);
            o.insert(QStringLiteral("pid"), static_cast<double>(workers[firstFailed].pid));
        }
        printJsonLine(o);
    }
    return fail(QStringLiteral("pretrain"), message);
}

QString slurmSrunLine(const SlurmScriptOptions &o, const QString &program, const QStringList &pretrainArgs)
{
    QStringList words{QStringLiteral("srun"), QStringLiteral("--kill-on-bad-exit=1"),
                      QStringLiteral("--ntasks=%1").arg(o.nodes * o.tasksPerNode),
                      QStringLiteral("--ntasks-per-node=%1").arg(o.tasksPerNode), shellQuote(program),
                      QStringLiteral("pretrain")};
    for (const QString &a : pretrainArgs)
        words << shellQuote(a);
    if (!pretrainArgs.contains(QStringLiteral("--resume")))
        words << QStringLiteral("--resume");  // a requeued job continues; a first start finds no checkpoint
    return words.join(QLatin1Char(' '));
}

QString checkSlurmOptions(const SlurmScriptOptions &o, QStringList *warnings)
{
    if (o.file.isEmpty())
        return QStringLiteral("--slurm-script needs a file name");
    if (o.nodes < 1)
        return QStringLiteral("--nodes must be at least 1");
    if (o.tasksPerNode < 1)
        return QStringLiteral("--tasks-per-node must be at least 1");
    if (o.gpusPerNode < 0)
        return QStringLiteral("--gpus-per-node must be 0 or more");
    static const QRegularExpression time(QStringLiteral("^(\\d+-)?\\d{1,2}:\\d{2}:\\d{2}$"));
    if (!o.time.isEmpty() && !time.match(o.time).hasMatch())
        return QStringLiteral("--time must be HH:MM:SS or D-HH:MM:SS, got '%1'").arg(o.time);
    static const QRegularExpression word(QStringLiteral("^[A-Za-z0-9_.,-]+$"));
    if (!o.partition.isEmpty() && !word.match(o.partition).hasMatch())
        return QStringLiteral("--partition '%1' is not a Slurm partition name").arg(o.partition);
    const bool cpuDevice = o.device == QLatin1String("cpu");
    const bool cudaDevice = o.device.startsWith(QLatin1String("cuda"));
    if (o.gpusPerNode > 0 && cpuDevice)
        return QStringLiteral("--gpus-per-node %1 with --device cpu: the tasks would hold GPUs they never use; pass "
                              "--gpus-per-node 0 (CPU tasks talk through Gloo) or --device cuda").arg(o.gpusPerNode);
    if (o.gpusPerNode == 0 && cudaDevice)
        return QStringLiteral("--device %1 needs --gpus-per-node 1 or more").arg(o.device);
    if (o.gpusPerNode > 0 && o.tasksPerNode > o.gpusPerNode)
        return QStringLiteral("%1 tasks per node but %2 GPUs per node: each task trains on its own GPU (cuda:LOCAL_RANK); "
                              "use --tasks-per-node %2").arg(o.tasksPerNode).arg(o.gpusPerNode);
    if (o.gpusPerNode > 0 && !distributedBackendAvailable(/*cuda=*/true))
        *warnings << QStringLiteral("this solarchip's LibTorch (%1) has no CUDA/NCCL: on the cluster its tasks would "
                                    "train on the CPUs (Gloo, with --device auto) or fail (--device cuda) and leave "
                                    "the %2 GPU(s) per node idle; run the script with a solarchip built against a CUDA LibTorch "
                                    "(models/networks/Device.h says how) or ask for --gpus-per-node 0")
                         .arg(torchBuildDescription()).arg(o.gpusPerNode);
    if (o.gpusPerNode > o.tasksPerNode)
        *warnings << QStringLiteral("%1 GPUs per node for %2 task(s) per node: %3 GPU(s) per node stay idle")
                         .arg(o.gpusPerNode).arg(o.tasksPerNode).arg(o.gpusPerNode - o.tasksPerNode);
    if (o.gpusPerNode == 0 && !distributedBackendAvailable(/*cuda=*/false))
        *warnings << QStringLiteral("this solarchip was built without the Gloo process group (libgloo-dev): "
                                    "its tasks cannot run a multi-process job on CPUs");
    return {};
}

QString writeSlurmScript(const SlurmScriptOptions &o, const QString &program, const QStringList &pretrainArgs,
                         const QStringList &warnings)
{
    const int world = o.nodes * o.tasksPerNode;
    QStringList s;
    s << QStringLiteral("#!/bin/bash")
      << QStringLiteral("# SolarCHIP pretraining, data-parallel over %1 node(s) x %2 task(s) = %3 processes; global batch "
                        "%3 x %4 per process. Written by `solarchip pretrain --slurm-script` on %5.")
             .arg(o.nodes).arg(o.tasksPerNode).arg(world).arg(o.perProcessBatch)
             .arg(QDateTime::currentDateTimeUtc().toString(Qt::ISODate))
      << QStringLiteral("# Submit with: sbatch %1").arg(shellQuote(QFileInfo(o.file).fileName()));
    for (const QString &w : warnings)
        s << QStringLiteral("# WARNING: ") + w;
    s << QStringLiteral("#SBATCH --job-name=solarchip-pretrain")
      << QStringLiteral("#SBATCH --nodes=%1").arg(o.nodes)
      << QStringLiteral("#SBATCH --ntasks-per-node=%1").arg(o.tasksPerNode);
    if (o.gpusPerNode > 0)
        s << QStringLiteral("#SBATCH --gpus-per-node=%1").arg(o.gpusPerNode);
    if (o.threads > 0)
        s << QStringLiteral("#SBATCH --cpus-per-task=%1").arg(o.threads);
    if (!o.time.isEmpty())
        s << QStringLiteral("#SBATCH --time=%1").arg(o.time);
    if (!o.partition.isEmpty())
        s << QStringLiteral("#SBATCH --partition=%1").arg(o.partition);
    s << QStringLiteral("#SBATCH --output=solarchip-pretrain-%j.out")
      << QString()
      << QStringLiteral("set -euo pipefail")
      << QStringLiteral("cd %1").arg(shellQuote(QDir::currentPath()))
      << QStringLiteral("# Rendezvous: each task reads its rank from SLURM_PROCID, the world size from SLURM_NTASKS, its GPU")
      << QStringLiteral("# from SLURM_LOCALID, and meets rank 0 on the first host of SLURM_NODELIST at MASTER_PORT.")
      << QStringLiteral("export MASTER_PORT=\"${MASTER_PORT:-$((20000 + ${SLURM_JOB_ID:-0} % 20000))}\"")
      << QStringLiteral("export OMP_NUM_THREADS=\"${SLURM_CPUS_PER_TASK:-1}\"")
      << QStringLiteral("# --kill-on-bad-exit: one failed task ends the step; rank 0 checkpoints, --resume continues.")
      << slurmSrunLine(o, program, pretrainArgs)
      << QString();
    const Status st = writeFileAtomically(o.file, s.join(QLatin1Char('\n')).toUtf8(),
                                          AtomicWriteOptions{.createFolder = true, .permissions = 0755});
    if (!st)
        return st.errorString();
    return {};
}

}  // namespace solarchip::cli
