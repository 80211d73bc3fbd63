#include "app/gui/OpenFilesReaction.h"

#include "app/gui/ArchiveDocument.h"

#include <QFileDialog>

namespace solarchip {

OpenFilesReaction::OpenFilesReaction(QAction *action, ArchiveDocument *archive, QWidget *dialogParent)
    : Reaction(action), m_archive(archive), m_dialogParent(dialogParent)
{
}

QString OpenFilesReaction::nameFilter()
{
    return tr("SDO maps (*.fits *.fts *.fit *.fits.gz *.jp2 *.jpx);;All files (*)");
}

bool OpenFilesReaction::isMapFileName(const QString &name)
{
    static const char *const suffixes[] = {".fits", ".fts", ".fit", ".fits.gz", ".fts.gz", ".jp2", ".jpx"};
    for (const char *s : suffixes)
        if (name.endsWith(QLatin1String(s), Qt::CaseInsensitive))
            return true;
    return false;
}

void OpenFilesReaction::onTriggered()
{
    const QStringList files = QFileDialog::getOpenFileNames(m_dialogParent, tr("Open SDO maps"), QString(),
                                                            nameFilter());
    if (!files.isEmpty())
        m_archive->openFiles(files);
}

}  // namespace solarchip
