#include "app/gui/CompareSettingsReaction.h"

#include "app/gui/CompareSettingsDialog.h"
#include "app/gui/SetViewPresenter.h"
#include "app/gui/StudioSettings.h"

namespace solarchip {

CompareSettingsReaction::CompareSettingsReaction(QAction *action, SetViewPresenter *presenter,
                                                 StudioSettings *settings, QWidget *window)
    : Reaction(action), m_presenter(presenter), m_settings(settings), m_window(window)
{
    presenter->setComparisonOpacity(settings->compareOpacity());
    presenter->setBlinkInterval(settings->blinkIntervalMs());
}

void CompareSettingsReaction::onTriggered()
{
    if (!m_dialog)
        m_dialog = new CompareSettingsDialog(m_presenter, m_settings, m_window);
    m_dialog->syncFromPresenter();
    m_dialog->show();
    m_dialog->raise();
    m_dialog->activateWindow();
}

}  // namespace solarchip
