#pragma once
// Time > Faster / Slower: multiplies the playback rate by a factor (e.g. 1.5 or 1/1.5).

#include "app/gui/Reaction.h"

namespace solarchip {

class PlaybackController;

class PlaybackSpeedReaction : public Reaction {
    Q_OBJECT
public:
    PlaybackSpeedReaction(QAction *action, PlaybackController *playback, double factor);

protected:
    void onTriggered() override;

private:
    PlaybackController *m_playback;
    double m_factor;
};

}  // namespace solarchip
