#include "app/gui/PreferencesReaction.h"

#include "app/gui/PreferencesDialog.h"

namespace solarchip {

PreferencesReaction::PreferencesReaction(QAction *action, StudioSettings *settings, QWidget *dialogParent)
    : Reaction(action), m_settings(settings), m_dialogParent(dialogParent)
{
}

void PreferencesReaction::onTriggered()
{
    PreferencesDialog dialog(m_settings, m_dialogParent);
    if (dialog.exec() != QDialog::Accepted)
        return;
    dialog.store();
    Q_EMIT applied();
}

}  // namespace solarchip
