#include "app/gui/ShortcutsReaction.h"

#include "app/gui/ShortcutsDialog.h"

namespace solarchip {

ShortcutsReaction::ShortcutsReaction(QAction *action, ActionRegistry *registry, StudioSettings *settings,
                                     QWidget *dialogParent)
    : Reaction(action), m_registry(registry), m_settings(settings), m_dialogParent(dialogParent)
{
}

void ShortcutsReaction::onTriggered()
{
    ShortcutsDialog dialog(m_registry, m_settings, m_dialogParent);
    dialog.exec();
}

}  // namespace solarchip
