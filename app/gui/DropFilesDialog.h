#pragma once
// What files dropped on the window do when loose files are open already: join them (a longer movie, another
// channel beside it) or replace them. Interactive windows ask with a small dialog; scripted runs and tests
// set the answer beforehand (MainWindow::setFileDropChoice), so no dialog ever waits for a click there.

#include <QCoreApplication>

class QWidget;

namespace solarchip {

class DropFilesDialog {
    Q_DECLARE_TR_FUNCTIONS(solarchip::DropFilesDialog)
public:
    enum class Choice { Ask, Add, Replace, Cancel };

    /// Asks (modal) whether `dropped` files join the `open` files or replace them; Cancel when dismissed.
    static Choice ask(QWidget *parent, int dropped, int open);
};

}  // namespace solarchip
