#pragma once
// The main window of SolarCHIP Studio.

#include <QMainWindow>

namespace solarchip {

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
};

}  // namespace solarchip
