#pragma once
// Bringing a dock's tab to the front, as a view mode does for its panel. QDockWidget brings its tab to the front
// on a z-order change, and raise() makes none for the widget already on top of its siblings (the dock made
// last), so the dock is lowered first. A window layout restored from an earlier session may have any other tab
// in front, and before the window's first layout a raise may not hold: it is done again once the event loop
// runs (if the dock is still shown then).

class QDockWidget;

namespace solarchip {

void bringDockToFront(QDockWidget *dock);

/// Whether the dock is shown and its tab (if tabbed) is the one in front: some of it is on screen.
bool dockIsInFront(const QDockWidget *dock);

}  // namespace solarchip
