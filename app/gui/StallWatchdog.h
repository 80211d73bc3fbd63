#pragma once
// Measures how long the UI thread fails to run its event loop. A precise QTimer beats every few milliseconds
// in the thread that owns the watchdog (the UI thread); each beat records the gap since the previous one, and
// a stall is the part of a gap beyond the beat interval. A separate watcher thread looks at the time since the
// last beat so a stall is also seen (and logged, when a log threshold is set) while it is still going on, not
// only after the UI thread has come back. Used by the stepping benchmark and, with SOLARCHIP_STALL_LOG_MS set,
// in normal runs to find what blocks the UI.

#include <QObject>
#include <QTimer>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

namespace solarchip {

class StallWatchdog : public QObject {
    Q_OBJECT
public:
    struct Report {
        double maxStallMs = 0;     // longest stall seen (beat gap minus the interval)
        int stallsOver16 = 0;      // stalls longer than one 60 Hz frame
        int stallsOver50 = 0;      // stalls longer than the product's 50 ms limit
        qint64 beats = 0;
        double watchedMs = 0;      // how long the watchdog ran
    };

    /// One stall: when it ended (ms since start()/reset()) and how long it was.
    struct Stall {
        double endMs = 0;
        double ms = 0;
    };

    explicit StallWatchdog(int intervalMs = 4, QObject *parent = nullptr);
    ~StallWatchdog() override;

    void start();
    void stop();
    bool isRunning() const { return m_timer.isActive(); }
    /// Forgets what was measured so far (keeps running).
    void reset();
    Report report() const;
    /// Every stall longer than one 60 Hz frame (16 ms), in order (UI thread only).
    const std::vector<Stall> &stalls() const { return m_stalls; }
    /// Stalls longer than this are printed with qWarning from the watcher thread as they happen (0: never).
    void setLogThresholdMs(double ms) { m_logThresholdMs = ms; }

private:
    void beat();
    void watch();

    int m_intervalMs;
    QTimer m_timer;
    std::atomic<qint64> m_lastBeatNs{0};
    std::atomic<qint64> m_maxStallNs{0};
    std::atomic<int> m_over16{0};
    std::atomic<int> m_over50{0};
    std::atomic<qint64> m_beats{0};
    std::atomic<qint64> m_startNs{0};
    std::atomic<bool> m_watching{false};
    std::atomic<double> m_logThresholdMs{0};
    std::thread m_watcher;
    std::vector<Stall> m_stalls;
};

}  // namespace solarchip
