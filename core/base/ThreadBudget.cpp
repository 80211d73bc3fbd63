#include "core/base/ThreadBudget.h"

#include "core/base/ThreadPriority.h"

#include <QMutexLocker>
#include <QThread>
#include <QThreadPool>

#include <opencv2/core/utility.hpp>

#include <algorithm>

namespace solarchip {

int ThreadBudget::Sizes::of(Pool pool) const
{
    switch (pool) {
    case Pool::Io: return io;
    case Pool::Render: return render;
    case Pool::Inference: return inference;
    case Pool::Background: return background;
    }
    return 1;
}

ThreadBudget::Sizes ThreadBudget::sizesFor(int cores)
{
    Sizes s;
    s.cores = std::max(1, cores);
    // Loads of one co-temporal set (up to ~4 channels at once) in parallel, at least two so a slow file does
    // not hold up the next one; more would only queue on the disk.
    s.io = std::clamp(s.cores, 2, 4);
    // A render splits its rows over every core: the user waits for it after every step.
    s.render = s.cores;
    // Inference and background work leave a core to the UI (and to the renders the user is waiting for).
    s.inference = std::max(1, s.cores / 2);
    s.background = std::max(1, s.cores - 1);
    // Libraries inside one Io task: the Io pool already runs `io` of them side by side.
    s.opencv = std::max(1, s.cores / s.io);
    s.openjpeg = s.opencv;
    s.torchIntraOp = s.inference;
    return s;
}

ThreadBudget &ThreadBudget::instance()
{
    static ThreadBudget budget([] {
        const int forced = qEnvironmentVariableIntValue("SOLARCHIP_THREADS");
        return forced > 0 ? forced : QThread::idealThreadCount();
    }());
    return budget;
}

ThreadBudget::ThreadBudget(int cores) : m_sizes(sizesFor(cores)) {}

ThreadBudget::~ThreadBudget()
{
    // At exit: let running work end (queued work is dropped), then the threads go.
    for (QThreadPool *pool : m_pools) {
        if (!pool)
            continue;
        pool->clear();
        pool->waitForDone();
        delete pool;
    }
}

QThreadPool *ThreadBudget::pool(Pool role) const
{
    static const char *const threadNames[] = {"sc-io", "sc-render", "sc-inference", "sc-background"};
    QMutexLocker lock(&m_mutex);
    QThreadPool *&pool = m_pools[int(role)];
    if (!pool) {
        // Made on first use (a CLI command that never renders starts no render threads); then all its threads
        // are started at once, at the pool's priority, and kept: later work creates no threads.
        pool = new QThreadPool;
        pool->setObjectName(QStringLiteral("solarchip.") + name(role));
        pool->setMaxThreadCount(size(role));
        ThreadPriority::makePoolBackground(pool, niceOf(role), threadNames[int(role)]);
    }
    return pool;
}

QString ThreadBudget::name(Pool pool)
{
    switch (pool) {
    case Pool::Io: return QStringLiteral("io");
    case Pool::Render: return QStringLiteral("render");
    case Pool::Inference: return QStringLiteral("inference");
    case Pool::Background: return QStringLiteral("background");
    }
    return {};
}

int ThreadBudget::niceOf(Pool pool)
{
    return pool == Pool::Background ? ThreadPriority::kIdleNice : ThreadPriority::kBackgroundNice;
}

void ThreadBudget::applyToLibraries()
{
    cv::setNumThreads(m_sizes.opencv);
}

}  // namespace solarchip
