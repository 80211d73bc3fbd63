#pragma once
// Dialogs wide enough for their titles: a window manager cuts a title that is wider than the window ("Shortcut
// for “Running diff…”"), so a dialog's minimum width covers its title in the (bold) title-bar font plus the
// title bar's buttons.

class QWidget;

namespace solarchip {

void makeWideEnoughForTitle(QWidget *dialog);

}  // namespace solarchip
