#pragma once
// File > Save window image: the whole window as it is on screen, as PNG.

#include "app/gui/Reaction.h"

class QWidget;

namespace solarchip {

class SaveScreenshotReaction : public Reaction {
    Q_OBJECT
public:
    SaveScreenshotReaction(QAction *action, QWidget *window);

protected:
    void onTriggered() override;

private:
    QWidget *m_window;
};

}  // namespace solarchip
