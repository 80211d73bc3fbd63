#include "app/gui/DropFilesDialog.h"

#include <QMessageBox>
#include <QPushButton>

namespace solarchip {

DropFilesDialog::Choice DropFilesDialog::ask(QWidget *parent, int dropped, int open)
{
    QMessageBox box(parent);
    box.setObjectName(QStringLiteral("dropFilesDialog"));
    box.setIcon(QMessageBox::Question);
    box.setWindowTitle(tr("Open dropped files"));
    box.setText(tr("%n file(s) dropped.", nullptr, dropped));
    box.setInformativeText(tr("Add them to the %n file(s) open (files of one channel play as a movie), or "
                              "replace those?", nullptr, open));
    QPushButton *add = box.addButton(tr("&Add"), QMessageBox::AcceptRole);
    QPushButton *replace = box.addButton(tr("&Replace"), QMessageBox::DestructiveRole);
    box.addButton(QMessageBox::Cancel);
    box.setDefaultButton(add);
    box.exec();
    if (box.clickedButton() == add)
        return Choice::Add;
    if (box.clickedButton() == replace)
        return Choice::Replace;
    return Choice::Cancel;
}

}  // namespace solarchip
