#include "app/gui/OpenArchiveReaction.h"

#include "app/gui/ArchiveDocument.h"
#include "app/gui/StudioSettings.h"

#include <QFileDialog>

namespace solarchip {

OpenArchiveReaction::OpenArchiveReaction(QAction *action, ArchiveDocument *archive, StudioSettings *settings,
                                         QWidget *dialogParent)
    : Reaction(action), m_archive(archive), m_settings(settings), m_dialogParent(dialogParent)
{
}

void OpenArchiveReaction::onTriggered()
{
    const QString dir = QFileDialog::getExistingDirectory(m_dialogParent, tr("Open SDO archive folder"),
                                                          m_settings->lastArchive());
    if (!dir.isEmpty())
        m_archive->openArchive(dir);
}

}  // namespace solarchip
