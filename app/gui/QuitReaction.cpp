#include "app/gui/QuitReaction.h"

#include <QWidget>

namespace solarchip {

QuitReaction::QuitReaction(QAction *action, QWidget *window) : Reaction(action), m_window(window) {}

void QuitReaction::onTriggered()
{
    m_window->close();
}

}  // namespace solarchip
