#pragma once
// View > Compare > Comparison settings…: applies the remembered opacity and blink interval at start and
// opens the (non-modal) CompareSettingsDialog.

#include "app/gui/Reaction.h"

#include <QPointer>

class QWidget;

namespace solarchip {

class CompareSettingsDialog;
class SetViewPresenter;
class StudioSettings;

class CompareSettingsReaction : public Reaction {
    Q_OBJECT
public:
    CompareSettingsReaction(QAction *action, SetViewPresenter *presenter, StudioSettings *settings, QWidget *window);

protected:
    void onTriggered() override;

private:
    SetViewPresenter *m_presenter;
    StudioSettings *m_settings;
    QWidget *m_window;
    QPointer<CompareSettingsDialog> m_dialog;
};

}  // namespace solarchip
