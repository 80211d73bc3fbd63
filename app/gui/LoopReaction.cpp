#include "app/gui/LoopReaction.h"

#include "app/gui/PlaybackController.h"

#include <QAction>

namespace solarchip {

LoopReaction::LoopReaction(QAction *action, PlaybackController *playback) : Reaction(action), m_playback(playback)
{
    action->setCheckable(true);
    connect(playback, &PlaybackController::loopChanged, this, [this] { updateEnableState(); });
    updateEnableState();
}

void LoopReaction::onTriggered()
{
    m_playback->setLoop(parentAction()->isChecked());
}

void LoopReaction::updateEnableState()
{
    parentAction()->setChecked(m_playback->loops());
}

}  // namespace solarchip
