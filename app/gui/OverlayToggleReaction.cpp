#include "app/gui/OverlayToggleReaction.h"

#include "app/gui/SetViewPresenter.h"
#include "app/gui/StudioSettings.h"

#include <QAction>

namespace solarchip {

OverlayToggleReaction::OverlayToggleReaction(QAction *action, SetViewPresenter *presenter, StudioSettings *settings,
                                             const QString &overlayId, bool defaultVisible)
    : Reaction(action), m_presenter(presenter), m_settings(settings), m_id(overlayId)
{
    action->setCheckable(true);
    const bool visible = settings->overlayVisible(overlayId).value_or(defaultVisible);
    action->setChecked(visible);
    presenter->setOverlayVisible(overlayId, visible);
}

void OverlayToggleReaction::onTriggered()
{
    const bool visible = parentAction()->isChecked();
    m_presenter->setOverlayVisible(m_id, visible);
    m_settings->setOverlayVisible(m_id, visible);
}

}  // namespace solarchip
