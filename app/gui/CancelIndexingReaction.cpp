#include "app/gui/CancelIndexingReaction.h"

#include "app/gui/ArchiveDocument.h"

#include <QAction>

namespace solarchip {

CancelIndexingReaction::CancelIndexingReaction(QAction *action, ArchiveDocument *archive)
    : Reaction(action), m_archive(archive)
{
    connect(archive, &ArchiveDocument::busyChanged, this, [this] { updateEnableState(); });
    connect(archive, &ArchiveDocument::indexingProgress, this, [this] { updateEnableState(); });
    connect(archive, &ArchiveDocument::indexingFinished, this, [this] { updateEnableState(); });
    updateEnableState();
}

void CancelIndexingReaction::onTriggered()
{
    m_archive->cancelIndexing();
}

void CancelIndexingReaction::updateEnableState()
{
    parentAction()->setEnabled(m_archive->isIndexing());
}

}  // namespace solarchip
