#pragma once
// Time > Go to date: a calendar popup (days with data in bold) with a time field; the chosen time snaps to
// the nearest observation.

#include "app/gui/Reaction.h"

class QWidget;

namespace solarchip {

class ArchiveDocument;
class ObservationDocument;

class JumpToDateReaction : public Reaction {
    Q_OBJECT
public:
    JumpToDateReaction(QAction *action, ArchiveDocument *archive, ObservationDocument *document,
                       QWidget *popupParent);

protected:
    void onTriggered() override;
    void updateEnableState() override;

private:
    ArchiveDocument *m_archive;
    ObservationDocument *m_document;
    QWidget *m_popupParent;
};

}  // namespace solarchip
