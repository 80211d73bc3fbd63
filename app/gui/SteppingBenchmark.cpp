#include "app/gui/SteppingBenchmark.h"

#include "app/gui/ArchiveDocument.h"
#include "core/archive/DisplayPrep.h"
#include "app/gui/MainWindow.h"
#include "app/gui/ObservationDocument.h"
#include "app/gui/PlaybackController.h"
#include "app/gui/SetViewPresenter.h"
#include "app/gui/SampleArchive.h"
#include "core/archive/MapCache.h"
#include "widgets/MapGrid.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace solarchip {

namespace {
constexpr double kLatencyTargetMs = 150;
constexpr double kStallTargetMs = 50;

// CPU time this thread has used (ms): what the UI thread spends per step, whatever else loads the machine.
double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}
}  // namespace

SteppingBenchmark::SteppingBenchmark(MainWindow *window, const StudioOptions &options, QObject *parent)
    : QObject(parent), m_window(window), m_options(options)
{
}

void SteppingBenchmark::start()
{
    m_total.start();
    connect(m_window, &MainWindow::settledMaybe, this, &SteppingBenchmark::onSettled, Qt::QueuedConnection);
    connect(m_window, &MainWindow::failed, this, &SteppingBenchmark::fail);
    connect(m_window->presenter(), &SetViewPresenter::framePresented, this, &SteppingBenchmark::onFramePresented);
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, [this] { fail(tr("gave up after %1 s").arg(m_options.timeoutS)); });
    m_deadline.start(m_options.timeoutS * 1000);
}

void SteppingBenchmark::onSettled()
{
    if (m_done || !m_window->isSettled())
        return;
    if (m_phase == Phase::Opening) {
        if (!m_window->archive()->hasTimeAxis()) {
            fail(tr("the benchmark needs an archive"));
            return;
        }
        // Start from the first observation, with the UI warmed up (views created, first renders done).
        m_phase = Phase::Rewind;
        if (m_window->observation()->canStep(ObservationDocument::Step::First)) {
            m_window->observation()->step(ObservationDocument::Step::First);
            return;
        }
    }
    if (m_phase == Phase::Rewind) {
        m_watchdog.start();
        beginPhase(Phase::Paced);
        return;
    }
    if (!m_waiting)
        return;
    // The new set is rendered; flush the pending paints so the latency includes putting it on screen.
    QCoreApplication::sendPostedEvents(nullptr, QEvent::UpdateRequest);
    const double ms = m_stepTimer.nsecsElapsed() / 1e6;
    m_uiCpu.push_back(threadCpuMs() - m_stepCpuStartMs);
    m_waiting = false;
    switch (m_phase) {
    case Phase::Paced: m_paced.push_back(ms); break;
    case Phase::BackToBack: m_backToBack.push_back(ms); break;
    case Phase::Cold: m_cold.push_back(ms); break;
    default: break;
    }
    ++m_stepsDone;
    const int steps = m_phase == Phase::Cold ? std::max(3, m_options.benchSteps / 4) : m_options.benchSteps;
    if (m_stepsDone >= steps) {
        beginPhase(m_phase == Phase::Paced ? Phase::BackToBack : m_phase == Phase::BackToBack ? Phase::Playback
                                                                                              : Phase::Done);
        return;
    }
    if (m_phase == Phase::Paced)
        QTimer::singleShot(m_options.benchIntervalMs, this, &SteppingBenchmark::stepOnce);
    else
        QTimer::singleShot(0, this, &SteppingBenchmark::stepOnce);
}

void SteppingBenchmark::beginPhase(Phase phase)
{
    m_phase = phase;
    m_stepsDone = 0;
    static const char *const names[] = {"opening", "rewind", "paced", "back_to_back", "playback",
                                        "playback_dropping", "cold", "done"};
    m_phaseStarts.emplace_back(m_watchdog.report().watchedMs, QString::fromLatin1(names[int(phase)]));
    if (phase == Phase::Done) {
        finish();
        return;
    }
    // Let the prefetch of the last step finish so phases do not bleed into each other.
    if (phase == Phase::Playback || phase == Phase::PlaybackDropping) {
        const bool drop = phase == Phase::PlaybackDropping;
        whenCacheIdle([this, drop] { QTimer::singleShot(m_options.benchIntervalMs, this, [this, drop] { startPlayback(drop); }); });
        return;
    }
    whenCacheIdle([this] { QTimer::singleShot(m_options.benchIntervalMs, this, &SteppingBenchmark::stepOnce); });
}

void SteppingBenchmark::startPlayback(bool dropFrames)
{
    PlaybackController *playback = m_window->playback();
    m_run = PlaybackRun{};
    m_run.dropFrames = dropFrames;
    m_run.askedFps = m_options.benchFps;
    m_run.mixedAtStart = m_window->presenter()->mixedTimeFrames();
    m_savedFps = playback->framesPerSecond();
    playback->setFramesPerSecond(m_options.benchFps);
    playback->setStepKind(ObservationDocument::Step::NextObservation);
    playback->setLoop(true);
    playback->setDropFrames(dropFrames);
    m_lastFrameMs = 0;
    m_frameClock.start();
    playback->play();
    if (!playback->isPlaying())
        fail(tr("playback did not start"));
}

void SteppingBenchmark::onFramePresented()
{
    if (m_done || (m_phase != Phase::Playback && m_phase != Phase::PlaybackDropping) || !m_frameClock.isValid()
        || !m_window->playback()->isPlaying())
        return;
    const double ms = m_frameClock.nsecsElapsed() / 1e6;
    m_run.intervals.push_back(ms - m_lastFrameMs);
    m_lastFrameMs = ms;
    ++m_run.frames;
    if (m_run.frames < m_options.benchSteps)
        return;
    PlaybackController *playback = m_window->playback();
    playback->pause();
    m_run.seconds = ms / 1000.0;
    m_run.dropped = playback->framesDropped();
    m_run.mixed = m_window->presenter()->mixedTimeFrames() - m_run.mixedAtStart;
    m_runs.push_back(m_run);
    m_frameClock.invalidate();
    // The user's playback settings are left as they were.
    playback->setDropFrames(false);
    playback->setFramesPerSecond(m_savedFps);
    beginPhase(m_phase == Phase::Playback ? Phase::PlaybackDropping : Phase::Cold);
}

QJsonObject SteppingBenchmark::playbackSummary(const PlaybackRun &run) const
{
    QJsonObject o;
    o[QStringLiteral("drop_frames")] = run.dropFrames;
    o[QStringLiteral("asked_fps")] = run.askedFps;
    o[QStringLiteral("achieved_fps")] = run.seconds > 0 ? std::round(run.frames / run.seconds * 100) / 100 : 0.0;
    o[QStringLiteral("frames")] = run.frames;
    o[QStringLiteral("frames_dropped")] = run.dropped;
    // Archive frames covered per second (shown + skipped): the pace of the movie in archive time.
    o[QStringLiteral("archive_fps")] =
        run.seconds > 0 ? std::round((run.frames + run.dropped) / run.seconds * 100) / 100 : 0.0;
    o[QStringLiteral("mixed_time_frames")] = run.mixed;
    o[QStringLiteral("frame_interval")] = summarise(run.intervals);
    return o;
}

void SteppingBenchmark::whenCacheIdle(std::function<void()> then)
{
    if (m_window->cache()->pendingCount() == 0) {
        then();
        return;
    }
    QTimer::singleShot(5, this, [this, then] { whenCacheIdle(then); });
}

void SteppingBenchmark::stepOnce()
{
    ObservationDocument *doc = m_window->observation();
    using Step = ObservationDocument::Step;
    Step step = m_direction > 0 ? Step::NextObservation : Step::PreviousObservation;
    if (!doc->canStep(step)) {
        m_direction = -m_direction;
        step = m_direction > 0 ? Step::NextObservation : Step::PreviousObservation;
        if (!doc->canStep(step)) {
            fail(tr("the archive has a single time: nothing to step through"));
            return;
        }
    }
    if (m_phase == Phase::Cold && m_window->cache()->count() > 0) {
        // Empty the cache first (after the loads in flight land in it), then step.
        m_window->cache()->cancelQueuedExcept({});
        whenCacheIdle([this] {
            m_window->cache()->clear();
            stepOnce();
        });
        return;
    }
    m_waiting = true;
    m_stepCpuStartMs = threadCpuMs();
    m_stepTimer.start();
    doc->step(step);
    m_mapsPerStep = 0;
    for (const auto &m : doc->members())
        if (m.observation.isValid()) {
            ++m_mapsPerStep;
            m_displaySize = DisplayPrep::displaySize(m.observation, doc->displaySize()).width();
        }
    if (m_window->isSettled())  // everything was cached and rendered synchronously
        onSettled();
}

QJsonObject SteppingBenchmark::summarise(std::vector<double> ms)
{
    QJsonObject o;
    o[QStringLiteral("count")] = int(ms.size());
    if (ms.empty())
        return o;
    std::sort(ms.begin(), ms.end());
    // numpy.percentile's linear interpolation between order statistics.
    auto pct = [&ms](double p) {
        const double rank = p / 100.0 * double(ms.size() - 1);
        const size_t lo = size_t(std::floor(rank));
        const size_t hi = std::min(lo + 1, ms.size() - 1);
        return ms[lo] + (rank - double(lo)) * (ms[hi] - ms[lo]);
    };
    double sum = 0;
    for (double v : ms)
        sum += v;
    o[QStringLiteral("p50_ms")] = std::round(pct(50) * 10) / 10;
    o[QStringLiteral("p95_ms")] = std::round(pct(95) * 10) / 10;
    o[QStringLiteral("max_ms")] = std::round(ms.back() * 10) / 10;
    o[QStringLiteral("mean_ms")] = std::round(sum / double(ms.size()) * 10) / 10;
    return o;
}

void SteppingBenchmark::finish()
{
    m_done = true;
    m_deadline.stop();
    const StallWatchdog::Report stalls = m_watchdog.report();
    m_watchdog.stop();
    const MapCache::Stats cache = m_window->cache()->stats();
    QJsonObject out;
    out[QStringLiteral("benchmark")] = QStringLiteral("stepping");
    out[QStringLiteral("archive")] = m_window->archive()->archiveDir();
    out[QStringLiteral("channels")] = QJsonArray::fromStringList(m_window->observation()->channels());
    out[QStringLiteral("maps_per_step")] = m_mapsPerStep;
    out[QStringLiteral("display_size_px")] = m_displaySize;
    out[QStringLiteral("interval_ms")] = m_options.benchIntervalMs;
    out[QStringLiteral("threads")] = QThread::idealThreadCount();
    const QJsonObject paced = summarise(m_paced);
    out[QStringLiteral("paced")] = paced;
    out[QStringLiteral("back_to_back")] = summarise(m_backToBack);
    out[QStringLiteral("cold")] = summarise(m_cold);
    const QJsonObject playback = m_runs.size() > 0 ? playbackSummary(m_runs[0]) : QJsonObject();
    const QJsonObject dropping = m_runs.size() > 1 ? playbackSummary(m_runs[1]) : QJsonObject();
    out[QStringLiteral("playback")] = playback;
    out[QStringLiteral("playback_dropping")] = dropping;
    const SetViewPresenter *presenter = m_window->presenter();
    out[QStringLiteral("frames_presented")] = presenter->framesPresented();
    out[QStringLiteral("mixed_time_frames")] = presenter->mixedTimeFrames();
    // Sets slower than the presenter's hold limit (stepping by hand) are shown as they fill: the mixed frames.
    out[QStringLiteral("frames_released_incomplete")] = presenter->framesReleasedIncomplete();
    out[QStringLiteral("ui_thread_cpu_per_step")] = summarise(m_uiCpu);
    out[QStringLiteral("max_ui_stall_ms")] = std::round(stalls.maxStallMs * 10) / 10;
    out[QStringLiteral("ui_stalls_over_16ms")] = stalls.stallsOver16;
    out[QStringLiteral("ui_stalls_over_50ms")] = stalls.stallsOver50;
    // Where the longer stalls happened, for finding what caused them.
    QJsonArray longStalls;
    for (const StallWatchdog::Stall &stall : m_watchdog.stalls()) {
        if (stall.ms <= 30)
            continue;
        QString phase;
        for (const auto &[start, name] : m_phaseStarts)
            if (stall.endMs >= start)
                phase = name;
        QJsonObject o;
        o[QStringLiteral("at_s")] = std::round(stall.endMs / 100) / 10;
        o[QStringLiteral("ms")] = std::round(stall.ms * 10) / 10;
        o[QStringLiteral("phase")] = phase;
        longStalls.append(o);
    }
    out[QStringLiteral("ui_stalls_over_30ms")] = longStalls;
    out[QStringLiteral("watched_s")] = std::round(stalls.watchedMs / 100) / 10;
    QJsonObject c;
    c[QStringLiteral("hits")] = cache.hits;
    c[QStringLiteral("misses")] = cache.misses;
    c[QStringLiteral("loads")] = cache.loads;
    c[QStringLiteral("evictions")] = cache.evictions;
    c[QStringLiteral("cancelled")] = cache.cancelled;
    c[QStringLiteral("budget_mib")] = m_window->cache()->budget() >> 20;
    c[QStringLiteral("used_mib")] = m_window->cache()->bytesUsed() >> 20;
    out[QStringLiteral("cache")] = c;
    QJsonObject targets;
    targets[QStringLiteral("paced_p95_ms")] = kLatencyTargetMs;
    targets[QStringLiteral("max_ui_stall_ms")] = kStallTargetMs;
    targets[QStringLiteral("mixed_time_frames")] = 0;
    out[QStringLiteral("targets")] = targets;
    const bool pass = paced.value(QStringLiteral("p95_ms")).toDouble() <= kLatencyTargetMs
                      && stalls.maxStallMs <= kStallTargetMs && presenter->mixedTimeFrames() == 0;
    out[QStringLiteral("pass")] = pass;

    if (m_options.json) {
        std::fputs(QJsonDocument(out).toJson(QJsonDocument::Indented).constData(), stdout);
    } else {
        auto line = [](const char *name, const QJsonObject &o) {
            std::printf("%-13s %3d steps  p50 %7.1f ms  p95 %7.1f ms  max %7.1f ms\n", name,
                        o.value(QStringLiteral("count")).toInt(), o.value(QStringLiteral("p50_ms")).toDouble(),
                        o.value(QStringLiteral("p95_ms")).toDouble(), o.value(QStringLiteral("max_ms")).toDouble());
        };
        std::printf("stepping %s: %d maps per step at %d px\n", qPrintable(m_window->archive()->archiveDir()),
                    m_mapsPerStep, m_displaySize);
        line("paced", paced);
        line("back-to-back", summarise(m_backToBack));
        line("cold", summarise(m_cold));
        for (const QJsonObject &p : {playback, dropping})
            std::printf("%-13s %3d frames  asked %.1f fps  achieved %.2f fps  %d dropped  %d mixed-time  "
                        "interval p95 %.1f ms\n",
                        p.value(QStringLiteral("drop_frames")).toBool() ? "play (skip)" : "play (wait)",
                        p.value(QStringLiteral("frames")).toInt(), p.value(QStringLiteral("asked_fps")).toDouble(),
                        p.value(QStringLiteral("achieved_fps")).toDouble(),
                        p.value(QStringLiteral("frames_dropped")).toInt(),
                        p.value(QStringLiteral("mixed_time_frames")).toInt(),
                        p.value(QStringLiteral("frame_interval")).toObject().value(QStringLiteral("p95_ms")).toDouble());
        std::printf("mixed-time frames over the whole run: %d (of %d presented)\n", presenter->mixedTimeFrames(),
                    presenter->framesPresented());
        line("UI CPU/step", summarise(m_uiCpu));
        std::printf("max UI stall %.1f ms (%d over 50 ms)  -> %s\n", stalls.maxStallMs, stalls.stallsOver50,
                    pass ? "PASS" : "FAIL");
    }
    std::fflush(stdout);
    m_window->close();
    QCoreApplication::exit(0);
}

void SteppingBenchmark::fail(const QString &message)
{
    if (m_done)
        return;
    m_done = true;
    std::fprintf(stderr, "solarchip-studio --bench-stepping: %s\n", qPrintable(message));
    m_window->close();
    QCoreApplication::exit(1);
}

}  // namespace solarchip
