#pragma once
// Edit > Keyboard shortcuts: opens the shortcuts dialog.

#include "app/gui/Reaction.h"

class QWidget;

namespace solarchip {

class ActionRegistry;
class StudioSettings;

class ShortcutsReaction : public Reaction {
    Q_OBJECT
public:
    ShortcutsReaction(QAction *action, ActionRegistry *registry, StudioSettings *settings, QWidget *dialogParent);

protected:
    void onTriggered() override;

private:
    ActionRegistry *m_registry;
    StudioSettings *m_settings;
    QWidget *m_dialogParent;
};

}  // namespace solarchip
