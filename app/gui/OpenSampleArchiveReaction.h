#pragma once
// File > Open sample archive: the bundled synthetic archive (generated on first use, with progress).

#include "app/gui/Reaction.h"

namespace solarchip {

class MainWindow;

class OpenSampleArchiveReaction : public Reaction {
    Q_OBJECT
public:
    OpenSampleArchiveReaction(QAction *action, MainWindow *window);

protected:
    void onTriggered() override;

private:
    MainWindow *m_window;
};

}  // namespace solarchip
