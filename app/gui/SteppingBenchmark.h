#pragma once
// `solarchip-studio --bench-stepping [--json]`: how quickly stepping in time puts the new maps on screen and
// whether the UI thread ever stalls. After the archive's first set is on screen it steps through the archive
// three ways: paced (one step every --interval ms, like a user tapping the arrow key: prefetch has time to
// work), back-to-back (the next step as soon as the previous set is on screen), and cold (the cache emptied
// before every step: decode + prep + render of a whole set). Step latency runs from the step to the moment
// every view of the new set has painted its new rendering. Between back-to-back and cold it plays the archive
// (PlaybackController at --fps, looping) for --steps frames twice: waiting for every frame, then skipping
// frames to keep the pace; for each it reports the rate asked for and achieved, the frame intervals and the
// frames dropped. The presenter counts mixed-time frames (views of different times on screen together)
// throughout: they must be 0. A StallWatchdog watches the UI thread throughout. Prints p50/p95/max per phase
// and the longest UI stall, as text or JSON.

#include "app/gui/StallWatchdog.h"
#include "app/gui/StudioOptions.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QTimer>

#include <functional>
#include <utility>
#include <vector>

namespace solarchip {

class MainWindow;

class SteppingBenchmark : public QObject {
    Q_OBJECT
public:
    SteppingBenchmark(MainWindow *window, const StudioOptions &options, QObject *parent = nullptr);
    void start();

private:
    enum class Phase { Opening, Rewind, Paced, BackToBack, Playback, PlaybackDropping, Cold, Done };
    /// One playback phase: what was asked and what reached the screen.
    struct PlaybackRun {
        bool dropFrames = false;
        double askedFps = 0;
        int frames = 0;           // complete sets presented
        int dropped = 0;
        int mixedAtStart = 0;
        int mixed = 0;
        double seconds = 0;       // from play() to the last frame counted
        std::vector<double> intervals;  // ms between frames presented
    };
    void onSettled();
    void beginPhase(Phase phase);
    void stepOnce();
    /// Runs `then` once the cache has no load queued or running, without blocking the UI thread.
    void whenCacheIdle(std::function<void()> then);
    void startPlayback(bool dropFrames);
    void onFramePresented();
    QJsonObject playbackSummary(const PlaybackRun &run) const;
    void finish();
    void fail(const QString &message);
    static QJsonObject summarise(std::vector<double> ms);

    MainWindow *m_window;
    StudioOptions m_options;
    StallWatchdog m_watchdog;
    Phase m_phase = Phase::Opening;
    bool m_waiting = false;    // a step is in flight
    int m_stepsDone = 0;
    int m_direction = +1;      // ping-pong at the ends of the archive
    QElapsedTimer m_stepTimer;
    QElapsedTimer m_total;
    QTimer m_deadline;
    std::vector<double> m_paced, m_backToBack, m_cold;
    std::vector<double> m_uiCpu;  // UI-thread CPU time per step (all phases)
    double m_stepCpuStartMs = 0;
    std::vector<std::pair<double, QString>> m_phaseStarts;  // watchdog time (ms) at which each phase began
    int m_mapsPerStep = 0;
    int m_displaySize = 0;
    PlaybackRun m_run;
    std::vector<PlaybackRun> m_runs;
    QElapsedTimer m_frameClock;
    double m_lastFrameMs = 0;
    double m_savedFps = 0;
    bool m_done = false;
};

}  // namespace solarchip
