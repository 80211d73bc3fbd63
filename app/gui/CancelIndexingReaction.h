#pragma once
// Stops a running catalog scan (what was catalogued so far stays; a rescan finishes the job).

#include "app/gui/Reaction.h"

namespace solarchip {

class ArchiveDocument;

class CancelIndexingReaction : public Reaction {
    Q_OBJECT
public:
    CancelIndexingReaction(QAction *action, ArchiveDocument *archive);

protected:
    void onTriggered() override;
    void updateEnableState() override;

private:
    ArchiveDocument *m_archive;
};

}  // namespace solarchip
