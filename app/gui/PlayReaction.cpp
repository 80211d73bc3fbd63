#include "app/gui/PlayReaction.h"

#include "app/gui/ObservationDocument.h"
#include "app/gui/PlaybackController.h"

#include <QAction>
#include <QApplication>
#include <QStyle>

namespace solarchip {

PlayReaction::PlayReaction(QAction *action, PlaybackController *playback, ObservationDocument *document)
    : Reaction(action), m_playback(playback), m_document(document)
{
    action->setCheckable(true);
    connect(playback, &PlaybackController::playingChanged, this, [this] { updateEnableState(); });
    connect(document, &ObservationDocument::timeChanged, this, [this] { updateEnableState(); });
    updateEnableState();
}

void PlayReaction::onTriggered()
{
    m_playback->toggle();
    updateEnableState();
}

void PlayReaction::updateEnableState()
{
    QAction *a = parentAction();
    const bool playing = m_playback->isPlaying();
    a->setChecked(playing);
    a->setText(playing ? tr("Pause") : tr("Play"));
    // The button shows what pressing it does.
    a->setIcon(QApplication::style()->standardIcon(playing ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
    a->setEnabled(playing || m_document->hasTime());
}

}  // namespace solarchip
