#include "app/gui/RefreshArchiveReaction.h"

#include "app/gui/ArchiveDocument.h"

#include <QAction>

namespace solarchip {

RefreshArchiveReaction::RefreshArchiveReaction(QAction *action, ArchiveDocument *archive)
    : Reaction(action), m_archive(archive)
{
    connect(archive, &ArchiveDocument::busyChanged, this, [this] { updateEnableState(); });
    connect(archive, &ArchiveDocument::opened, this, [this] { updateEnableState(); });
    updateEnableState();
}

void RefreshArchiveReaction::onTriggered()
{
    m_archive->refresh();
}

void RefreshArchiveReaction::updateEnableState()
{
    parentAction()->setEnabled(m_archive->canRescan() && !m_archive->isBusy());
}

}  // namespace solarchip
