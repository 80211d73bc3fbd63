#include "app/gui/DockFront.h"

#include <QDockWidget>
#include <QTimer>

namespace solarchip {

namespace {
void lowerThenRaise(QDockWidget *dock)
{
    if (dock->isHidden())
        return;
    dock->lower();
    dock->raise();
}
}  // namespace

void bringDockToFront(QDockWidget *dock)
{
    if (!dock)
        return;
    lowerThenRaise(dock);
    QTimer::singleShot(0, dock, [dock] { lowerThenRaise(dock); });
}

bool dockIsInFront(const QDockWidget *dock)
{
    return dock && dock->isVisible() && !dock->visibleRegion().isEmpty();
}

}  // namespace solarchip
