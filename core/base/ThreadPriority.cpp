#include "core/base/ThreadPriority.h"

#include <QProcess>
#include <QSemaphore>
#include <QThread>
#include <QThreadPool>
#include <QtGlobal>

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

void ThreadPriority::makePoolBackground(QThreadPool *pool)
{
    makePoolBackground(pool, kBackgroundNice, nullptr);
}

void ThreadPriority::makePoolBackground(QThreadPool *pool, int nice, const char *threadName)
{
    pool->setExpiryTimeout(-1);
    // One task per thread, each held until all have started, so every thread of the pool runs one of them.
    const int n = pool->maxThreadCount();
    QSemaphore arrived, release;
    for (int i = 0; i < n; ++i)
        pool->start([&] {
            lowerCurrentThread(nice);
            if (threadName) {
                QThread::currentThread()->setObjectName(QString::fromLatin1(threadName));
#if defined(Q_OS_LINUX)
                pthread_setname_np(pthread_self(), threadName);  // at most 15 characters
#endif
            }
            arrived.release();
            release.acquire();
        });
    arrived.acquire(n);
    release.release(n);
    pool->waitForDone(-1);
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

}  // namespace solarchip
