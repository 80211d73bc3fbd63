#include "app/gui/SaveScreenshotReaction.h"

#include "app/gui/WindowCapture.h"

#include <QFileDialog>
#include <QMessageBox>

namespace solarchip {

SaveScreenshotReaction::SaveScreenshotReaction(QAction *action, QWidget *window) : Reaction(action), m_window(window)
{
}

void SaveScreenshotReaction::onTriggered()
{
    const QString path = QFileDialog::getSaveFileName(m_window, tr("Save window image"),
                                                      QStringLiteral("solarchip-studio.png"),
                                                      tr("PNG images (*.png)"));
    if (path.isEmpty())
        return;
    const Status written = WindowCapture::save(m_window, path);
    if (!written)
        QMessageBox::warning(m_window, tr("Save window image"), written.errorString());
}

}  // namespace solarchip
