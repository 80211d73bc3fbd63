#include "app/gui/OpenSampleArchiveReaction.h"

#include "app/gui/MainWindow.h"

namespace solarchip {

OpenSampleArchiveReaction::OpenSampleArchiveReaction(QAction *action, MainWindow *window)
    : Reaction(action), m_window(window)
{
}

void OpenSampleArchiveReaction::onTriggered()
{
    m_window->openSampleArchive();
}

}  // namespace solarchip
