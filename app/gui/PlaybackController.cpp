#include "app/gui/PlaybackController.h"

#include <algorithm>
#include <cmath>

namespace solarchip {

PlaybackController::PlaybackController(ObservationDocument *document, QObject *parent)
    : QObject(parent), m_document(document)
{
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(int(std::lround(1000.0 / m_fps)));
    connect(&m_timer, &QTimer::timeout, this, &PlaybackController::tick);
}

void PlaybackController::play()
{
    if (isPlaying() || !m_document->hasTime())
        return;
    m_timer.start();
    Q_EMIT playingChanged(true);
}

void PlaybackController::pause()
{
    if (!isPlaying())
        return;
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
    m_timer.setInterval(int(std::lround(1000.0 / m_fps)));
    Q_EMIT framesPerSecondChanged(m_fps);
}

void PlaybackController::setLoop(bool loop)
{
    if (loop == m_loop)
        return;
    m_loop = loop;
    Q_EMIT loopChanged(loop);
}

void PlaybackController::tick()
{
    if (m_document->isLoading())
        return;  // wait for the frame on screen to be complete
    if (m_document->canStep(m_step))
        m_document->step(m_step);
    else if (m_loop && m_document->canStep(ObservationDocument::Step::First))
        m_document->step(ObservationDocument::Step::First);
    else
        pause();
}

}  // namespace solarchip
