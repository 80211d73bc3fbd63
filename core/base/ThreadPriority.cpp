#include "core/base/ThreadPriority.h"

#include <QFile>
#include <QProcess>
#include <QSemaphore>
#include <QThread>
#include <QThreadPool>
#include <QtGlobal>

#include <memory>

#if defined(Q_OS_LINUX)
#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace solarchip {

void ThreadPriority::makeCurrentThreadBackground()
{
    thread_local bool done = false;
    if (done)
        return;
    done = true;
    lowerCurrentThread(kBackgroundNice);
}

void ThreadPriority::lowerCurrentThread(int nice)
{
#if defined(Q_OS_LINUX)
    // Linux keeps a nice value per thread (the tid); raising it needs no privilege.
    const auto tid = static_cast<id_t>(syscall(SYS_gettid));
    const int now = getpriority(PRIO_PROCESS, tid);
    if (now < nice)
        setpriority(PRIO_PROCESS, tid, nice);
#else
    Q_UNUSED(nice);
#endif
}

void ThreadPriority::makePoolBackground(QThreadPool *pool, int nice, const char *threadName)
{
    pool->setExpiryTimeout(-1);
    // One task per thread, each held until all have started, so every thread of the pool runs one of them.
    // Not waitForDone(): it also ends the pool's threads, and threads the pool starts later would run at the
    // priority of whichever thread happens to start them. The semaphores are shared: a task may still be
    // inside release() when this function returns.
    const int n = pool->maxThreadCount();
    auto arrived = std::make_shared<QSemaphore>(), release = std::make_shared<QSemaphore>(),
         done = std::make_shared<QSemaphore>();
    for (int i = 0; i < n; ++i)
        pool->start([arrived, release, done, nice, threadName] {
            lowerCurrentThread(nice);
            if (threadName) {
                QThread::currentThread()->setObjectName(QString::fromLatin1(threadName));
#if defined(Q_OS_LINUX)
                pthread_setname_np(pthread_self(), threadName);  // at most 15 characters
#endif
            }
            arrived->release();
            release->acquire();
            done->release();
        });
    arrived->acquire(n);
    release->release(n);
    done->acquire(n);
}

void ThreadPriority::lowerChildProcess(QProcess *process, int nice)
{
#if defined(Q_OS_UNIX)
    // Runs in the child between fork and exec: only async-signal-safe calls (setpriority is one).
    process->setChildProcessModifier([nice] {
        const int now = getpriority(PRIO_PROCESS, 0);
        if (now < nice)
            setpriority(PRIO_PROCESS, 0, nice);
    });
#else
    Q_UNUSED(process);
    Q_UNUSED(nice);
#endif
}

int ThreadPriority::currentNice()
{
#if defined(Q_OS_LINUX)
    return getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)));
#else
    return 0;
#endif
}

std::optional<ThreadPriority::Autogroup> ThreadPriority::autogroupOf(qint64 pid)
{
    QFile f(pid > 0 ? QStringLiteral("/proc/%1/autogroup").arg(pid) : QStringLiteral("/proc/self/autogroup"));
    if (!f.open(QIODevice::ReadOnly))
        return std::nullopt;
    // "/autogroup-108 nice 0"
    const QList<QByteArray> fields = f.readLine().simplified().split(' ');
    bool ok = false;
    const int nice = fields.size() == 3 && fields[1] == "nice" ? fields[2].toInt(&ok) : 0;
    if (!ok || !fields[0].startsWith("/autogroup-"))
        return std::nullopt;
    return Autogroup{fields[0], nice};
}

}  // namespace solarchip
