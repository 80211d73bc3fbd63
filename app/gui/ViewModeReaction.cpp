#include "app/gui/ViewModeReaction.h"

#include "app/gui/MainWindow.h"

#include <QAction>

namespace solarchip {

ViewModeReaction::ViewModeReaction(QAction *action, MainWindow *window, const QString &mode)
    : Reaction(action), m_window(window), m_mode(mode)
{
    action->setCheckable(true);
    connect(window, &MainWindow::viewModeChanged, this, [this] { updateEnableState(); });
    updateEnableState();
}

void ViewModeReaction::onTriggered()
{
    m_window->setViewMode(m_mode);
    updateEnableState();
}

void ViewModeReaction::updateEnableState()
{
    parentAction()->setChecked(m_window->viewMode() == m_mode);
}

}  // namespace solarchip
