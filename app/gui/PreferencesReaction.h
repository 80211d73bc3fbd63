#pragma once
// Edit > Preferences: opens the preferences dialog; `applied` is emitted after the user accepted it.

#include "app/gui/Reaction.h"

class QWidget;

namespace solarchip {

class StudioSettings;

class PreferencesReaction : public Reaction {
    Q_OBJECT
public:
    PreferencesReaction(QAction *action, StudioSettings *settings, QWidget *dialogParent);

Q_SIGNALS:
    void applied();

protected:
    void onTriggered() override;

private:
    StudioSettings *m_settings;
    QWidget *m_dialogParent;
};

}  // namespace solarchip
