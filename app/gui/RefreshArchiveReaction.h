#pragma once
// File > Rescan archive: looks for new, changed and deleted files in the open archive folder.

#include "app/gui/Reaction.h"

namespace solarchip {

class ArchiveDocument;

class RefreshArchiveReaction : public Reaction {
    Q_OBJECT
public:
    RefreshArchiveReaction(QAction *action, ArchiveDocument *archive);

protected:
    void onTriggered() override;
    void updateEnableState() override;

private:
    ArchiveDocument *m_archive;
};

}  // namespace solarchip
