#include "app/gui/StallWatchdog.h"

#include <QtDebug>

#include <chrono>

namespace solarchip {

namespace {
qint64 nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}
}  // namespace

StallWatchdog::StallWatchdog(int intervalMs, QObject *parent) : QObject(parent), m_intervalMs(intervalMs)
{
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(intervalMs);
    connect(&m_timer, &QTimer::timeout, this, &StallWatchdog::beat);
}

StallWatchdog::~StallWatchdog()
{
    stop();
}

void StallWatchdog::start()
{
    if (m_timer.isActive())
        return;
    reset();
    m_timer.start();
    m_watching = true;
    m_watcher = std::thread([this] { watch(); });
}

void StallWatchdog::stop()
{
    if (!m_timer.isActive() && !m_watcher.joinable())
        return;
    m_timer.stop();
    m_watching = false;
    if (m_watcher.joinable())
        m_watcher.join();
}

void StallWatchdog::reset()
{
    const qint64 now = nowNs();
    m_lastBeatNs = now;
    m_startNs = now;
    m_maxStallNs = 0;
    m_over16 = 0;
    m_over50 = 0;
    m_beats = 0;
    m_stalls.clear();
}

void StallWatchdog::beat()
{
    const qint64 now = nowNs();
    const qint64 gap = now - m_lastBeatNs.exchange(now);
    const qint64 stall = gap - qint64(m_intervalMs) * 1000000;
    ++m_beats;
    if (stall <= 0)
        return;
    if (stall > m_maxStallNs)
        m_maxStallNs = stall;
    if (stall > 16000000) {
        ++m_over16;
        m_stalls.push_back({(now - m_startNs) / 1e6, stall / 1e6});
    }
    if (stall > 50000000)
        ++m_over50;
}

// Runs in its own thread: notices a stall in progress. The exact figures come from beat(); this only logs.
void StallWatchdog::watch()
{
    qint64 loggedBeat = 0;
    while (m_watching) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        const double threshold = m_logThresholdMs;
        if (threshold <= 0)
            continue;
        const qint64 last = m_lastBeatNs;
        const double sinceMs = (nowNs() - last) / 1e6 - m_intervalMs;
        if (sinceMs > threshold && loggedBeat != last) {
            loggedBeat = last;
            qWarning("solarchip-studio: UI thread stalled for more than %.0f ms", sinceMs);
        }
    }
}

StallWatchdog::Report StallWatchdog::report() const
{
    Report r;
    r.maxStallMs = m_maxStallNs / 1e6;
    r.stallsOver16 = m_over16;
    r.stallsOver50 = m_over50;
    r.beats = m_beats;
    r.watchedMs = (nowNs() - m_startNs) / 1e6;
    return r;
}

}  // namespace solarchip
