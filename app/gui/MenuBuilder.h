#pragma once
// The one place that knows the main window's actions: their ids, texts, default shortcuts and icons
// (registerActions), and where they appear in the menus and toolbars (buildMenus, buildToolBars). Behaviour is
// attached elsewhere, one reaction per action (MainWindow::createReactions). Default keys:
//   Left/Right previous/next observation     Ctrl+Left/Right step back/forward by the cadence
//   Shift+Left/Right previous/next day        Home/End first/last observation
//   Space play/pause   Ctrl+R loop   [ ] slower/faster   Ctrl+D go to date
//   Ctrl+O open archive   Ctrl+Shift+O open files   F5 rescan   Ctrl+1/Ctrl+2 maps/globe   L limb   G grid
//   Ctrl+T timeline dock   Ctrl+Shift+D display dock   Ctrl+Shift+R / Ctrl+Shift+B running / base difference

class QMainWindow;
class QMenu;
class QToolBar;

namespace solarchip {

class ActionRegistry;

class MenuBuilder {
public:
    static void registerActions(ActionRegistry &registry);
    /// Fills the window's menu bar; returns the (initially empty) View > Channels menu, filled per archive.
    static QMenu *buildMenus(QMainWindow *window, const ActionRegistry &registry);
    /// The File and Time toolbars; returns the Time toolbar so the window can add its time widgets.
    static QToolBar *buildToolBars(QMainWindow *window, const ActionRegistry &registry);
};

}  // namespace solarchip
