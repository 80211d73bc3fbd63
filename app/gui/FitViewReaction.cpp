#include "app/gui/FitViewReaction.h"

#include "widgets/MapGrid.h"
#include "widgets/MapView.h"

namespace solarchip {

FitViewReaction::FitViewReaction(QAction *action, MapGrid *grid, Mode mode)
    : Reaction(action), m_grid(grid), m_mode(mode)
{
}

void FitViewReaction::onTriggered()
{
    if (m_mode == Mode::Fit) {
        m_grid->fitAll();
        return;
    }
    // 1:1 on the first view; the grid's link moves the others to the same world zoom.
    if (MapView *view = m_grid->view(0))
        view->zoomToActualSize();
}

}  // namespace solarchip
