#pragma once
// Time > Loop playback (checkable): at the last time, playback starts again from the first.

#include "app/gui/Reaction.h"

namespace solarchip {

class PlaybackController;

class LoopReaction : public Reaction {
    Q_OBJECT
public:
    LoopReaction(QAction *action, PlaybackController *playback);

protected:
    void onTriggered() override;
    void updateEnableState() override;

private:
    PlaybackController *m_playback;
};

}  // namespace solarchip
