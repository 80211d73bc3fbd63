#pragma once
// Background work at a lower CPU priority than the thread that waits for it (a GUI's event loop). On a
// machine with few cores, decoding, prep and rendering threads otherwise take turns with the UI thread as
// equals and every frame of the UI waits for its slice. Linux: the thread's nice value is raised (threads
// created afterwards by that thread inherit it); child processes get theirs raised before they run.
// Elsewhere: no effect.

#include <QByteArray>

#include <optional>

class QProcess;
class QThreadPool;

namespace solarchip {

class ThreadPriority {
public:
    /// Nice value background threads get (+5: the UI thread gets about three times their CPU share when both
    /// want it, yet they still run at full speed on an otherwise idle machine).
    static constexpr int kBackgroundNice = 5;
    /// Nice value of work nobody waits for on screen (archive scans, sample generation, training and
    /// embedding processes started from the app): below the background threads the user does wait for.
    static constexpr int kIdleNice = 10;

    /// Lowers the calling thread to kBackgroundNice (once; later calls do nothing).
    static void makeCurrentThreadBackground();
    /// Lowers the calling thread to at least `nice` (a thread is never raised: that needs privilege).
    static void lowerCurrentThread(int nice);
    /// Lowers every thread of `pool` to `nice` and names it `threadName` (seen in top -H, gdb, /proc; may be
    /// null), and keeps those threads (no expiry) so later work runs on them. Call once, while the pool is
    /// idle. Not for QThreadPool::globalInstance(): Qt's own painting helpers run there and the UI thread waits
    /// for them.
    static void makePoolBackground(QThreadPool *pool, int nice, const char *threadName);
    /// The child `process` will start at nice `nice` (call before QProcess::start).
    static void lowerChildProcess(QProcess *process, int nice = kIdleNice);
    /// The calling thread's nice value (0 where unsupported).
    static int currentNice();

    /// Linux's scheduler autogroup of a process (`/proc/PID/autogroup`, e.g. "/autogroup-108 nice 0"). With
    /// autogroups on (the kernel's default, `/proc/sys/kernel/sched_autogroup_enabled`), every session (setsid)
    /// is one group that shares the CPU equally with every other group whatever its tasks' nice values: a
    /// detached job must lower its group's nice, not only its own, to yield to the app.
    struct Autogroup {
        QByteArray name;  ///< "/autogroup-108"
        int nice = 0;
    };
    /// The autogroup of process `pid` (0: this process); nullopt where there is none (not Linux, no such file).
    static std::optional<Autogroup> autogroupOf(qint64 pid = 0);
};

}  // namespace solarchip
