#pragma once
// View > Maps / 3D globe (checkable, one of them on): switches the central view.

#include "app/gui/Reaction.h"

#include <QString>

namespace solarchip {

class MainWindow;

class ViewModeReaction : public Reaction {
    Q_OBJECT
public:
    ViewModeReaction(QAction *action, MainWindow *window, const QString &mode);

protected:
    void onTriggered() override;
    void updateEnableState() override;

private:
    MainWindow *m_window;
    QString m_mode;
};

}  // namespace solarchip
