#include "app/gui/MainWindow.h"

namespace solarchip {

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setWindowTitle(tr("SolarCHIP Studio"));
    resize(1280, 800);
}

}  // namespace solarchip
