#pragma once
// The process's one thread budget. On a machine with two cores, a pool per component (map loads, renders,
// scans, sample generation), a fresh set of threads per render, OpenCV's and OpenJPEG's own threads and
// torch's intra-op threads all took turns with the UI thread as equals, and the UI stalled. Here every pool
// the program runs work on is named by its role and sized once from the core count; the libraries' own
// thread counts follow from the same numbers, and the pools' threads run at background CPU priority
// (core/base/ThreadPriority) so the UI thread is served first:
//   Io         map loads + prep (MapCache), catalogue queries and difference images for the GUI
//   Render     colouring maps (MapRenderer) and helping a running render with its rows
//   Inference  model inference beside the UI (torch's intra-op threads are sized from it there)
//   Background archive scans, sample-archive generation: the lowest priority, fewest threads
// A pool's threads are all started when the pool is first asked for and then kept (no expiry), so steady
// work creates no threads.
// The UI thread runs only what takes well under ~10 ms: painting, input, bookkeeping.

#include <QMutex>
#include <QString>

class QThreadPool;

namespace solarchip {

class ThreadBudget {
public:
    enum class Pool { Io, Render, Inference, Background };
    static constexpr Pool kPools[] = {Pool::Io, Pool::Render, Pool::Inference, Pool::Background};

    /// The sizes the budget gives a machine with `cores` hardware threads (a pure function, for tests and
    /// for reports).
    struct Sizes {
        int cores = 1;
        int io = 1;
        int render = 1;
        int inference = 1;
        int background = 1;
        int opencv = 1;    // cv::setNumThreads: OpenCV runs inside one Io task, whose pool already spreads work
        int openjpeg = 1;  // decoder threads per JPEG2000 decode (inside one Io task, likewise)
        int torchIntraOp = 1;  // torch's intra-op threads for inference beside a UI (the inference pool's size)
        int of(Pool pool) const;
    };
    static Sizes sizesFor(int cores);

    /// The process-wide budget, sized from QThread::idealThreadCount() (SOLARCHIP_THREADS overrides the core
    /// count, e.g. to reproduce a 2-core machine on a bigger one).
    static ThreadBudget &instance();

    const Sizes &sizes() const { return m_sizes; }
    int size(Pool pool) const { return m_sizes.of(pool); }
    QThreadPool *pool(Pool pool) const;
    /// "io", "render", "inference", "background".
    static QString name(Pool pool);
    /// Nice value of a pool's threads (Io/Render/Inference: ThreadPriority::kBackgroundNice; Background: kIdleNice).
    static int niceOf(Pool pool);

    /// Applies the budget to the libraries that keep their own threads (OpenCV). Call once at start-up, before
    /// any work runs: the GUI's main does (and sets Jp2Reader's decoder threads from sizes().openjpeg). The CLI
    /// does not: a command works on one thing at a time with no UI beside it, so OpenCV, OpenJPEG and torch
    /// (configureTorchThreads) take every core there. An app running inference beside its UI gives torch
    /// sizes().torchIntraOp.
    void applyToLibraries();

    ThreadBudget(const ThreadBudget &) = delete;
    ThreadBudget &operator=(const ThreadBudget &) = delete;

private:
    explicit ThreadBudget(int cores);
    ~ThreadBudget();

    Sizes m_sizes;
    mutable QMutex m_mutex;
    mutable QThreadPool *m_pools[4] = {};
};

}  // namespace solarchip
