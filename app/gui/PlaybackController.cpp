#include "app/gui/PlaybackController.h"

#include <algorithm>
#include <cmath>

namespace solarchip {

PlaybackController::PlaybackController(ObservationDocument *document, QObject *parent)
    : QObject(parent), m_document(document)
{
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &PlaybackController::onDue);
    // Without a presenter's gate, a loaded set counts as shown.
    connect(document, &ObservationDocument::setLoaded, this, &PlaybackController::frameShown);
}

int PlaybackController::intervalMs() const
{
    return int(std::lround(1000.0 / m_fps));
}

void PlaybackController::play()
{
    if (m_playing || !m_document->hasTime())
        return;
    m_playing = true;
    m_due = false;
    m_framesDropped = 0;
    m_framesAdvanced = 0;
    m_clock.start();
    m_timer.start(intervalMs());
    Q_EMIT playingChanged(true);
}

void PlaybackController::pause()
{
    if (!m_playing)
        return;
    m_playing = false;
    m_due = false;
    m_timer.stop();
    Q_EMIT playingChanged(false);
}

void PlaybackController::toggle()
{
    isPlaying() ? pause() : play();
}

void PlaybackController::setFramesPerSecond(double fps)
{
    fps = std::clamp(fps, 0.1, 60.0);
    if (fps == m_fps)
        return;
    m_fps = fps;
    if (m_playing && m_timer.isActive())
        m_timer.start(std::max<qint64>(0, intervalMs() - m_clock.elapsed()));
    Q_EMIT framesPerSecondChanged(m_fps);
}

void PlaybackController::setLoop(bool loop)
{
    if (loop == m_loop)
        return;
    m_loop = loop;
    Q_EMIT loopChanged(loop);
}

bool PlaybackController::isFrameOnScreen() const
{
    return m_isFrameShown ? m_isFrameShown() : !m_document->isLoading();
}

void PlaybackController::onDue()
{
    m_due = true;
    if (isFrameOnScreen())
        advance();
    // else: frameShown() advances as soon as every cell of this frame is on screen
}

void PlaybackController::frameShown()
{
    if (m_playing && m_due && isFrameOnScreen())
        advance();
}

void PlaybackController::advance()
{
    m_due = false;
    // Frames the interval has already passed for while this one completed.
    int skip = 0;
    if (m_dropFrames) {
        const qint64 late = m_clock.elapsed() - intervalMs();
        skip = late > 0 ? int(late / std::max(1, intervalMs())) : 0;
    }
    m_clock.restart();
    if (m_document->canStep(m_step)) {
        // The document answers queued steps together and shows only where they end: skipped frames never load.
        for (int i = 0; i <= skip; ++i)
            m_document->step(m_step);
        m_framesAdvanced += 1 + skip;
        if (skip > 0) {
            m_framesDropped += skip;
            Q_EMIT framesDroppedChanged(m_framesDropped);
        }
    } else if (m_loop && m_document->canStep(ObservationDocument::Step::First)) {
        m_document->step(ObservationDocument::Step::First);
        ++m_framesAdvanced;
    } else {
        pause();
        return;
    }
    m_timer.start(intervalMs());
}

}  // namespace solarchip
