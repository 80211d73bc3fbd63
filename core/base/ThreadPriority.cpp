#include "core/base/ThreadPriority.h"

#include <QSemaphore>
#include <QThreadPool>
#include <QtGlobal>

#if defined(Q_OS_LINUX)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace solarchip {

void ThreadPriority::makeCurrentThreadBackground()
{
#if defined(Q_OS_LINUX)
    thread_local bool done = false;
    if (done)
        return;
    done = true;
    // Linux keeps a nice value per thread (the tid); raising it needs no privilege.
    const auto tid = static_cast<id_t>(syscall(SYS_gettid));
    const int now = getpriority(PRIO_PROCESS, tid);
    if (now < kBackgroundNice)
        setpriority(PRIO_PROCESS, tid, kBackgroundNice);
#endif
}

void ThreadPriority::makePoolBackground(QThreadPool *pool)
{
    pool->setExpiryTimeout(-1);
    // One task per thread, each held until all have started, so every thread of the pool runs one of them.
    const int n = pool->maxThreadCount();
    QSemaphore arrived, release;
    for (int i = 0; i < n; ++i)
        pool->start([&] {
            makeCurrentThreadBackground();
            arrived.release();
            release.acquire();
        });
    arrived.acquire(n);
    release.release(n);
    pool->waitForDone(-1);
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
