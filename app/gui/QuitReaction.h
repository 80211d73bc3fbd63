#pragma once
// File > Quit: closes the main window (which saves its layout and settings).

#include "app/gui/Reaction.h"

class QWidget;

namespace solarchip {

class QuitReaction : public Reaction {
    Q_OBJECT
public:
    QuitReaction(QAction *action, QWidget *window);

protected:
    void onTriggered() override;

private:
    QWidget *m_window;
};

}  // namespace solarchip
