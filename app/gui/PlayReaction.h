#pragma once
// Time > Play/Pause (checkable): plays the archive forward at the chosen speed.

#include "app/gui/Reaction.h"

namespace solarchip {

class ObservationDocument;
class PlaybackController;

class PlayReaction : public Reaction {
    Q_OBJECT
public:
    PlayReaction(QAction *action, PlaybackController *playback, ObservationDocument *document);

protected:
    void onTriggered() override;
    void updateEnableState() override;

private:
    PlaybackController *m_playback;
    ObservationDocument *m_document;
};

}  // namespace solarchip
