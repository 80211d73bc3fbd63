#include "app/gui/PlaybackSpeedReaction.h"

#include "app/gui/PlaybackController.h"

namespace solarchip {

PlaybackSpeedReaction::PlaybackSpeedReaction(QAction *action, PlaybackController *playback, double factor)
    : Reaction(action), m_playback(playback), m_factor(factor)
{
}

void PlaybackSpeedReaction::onTriggered()
{
    m_playback->setFramesPerSecond(m_playback->framesPerSecond() * m_factor);
}

}  // namespace solarchip
