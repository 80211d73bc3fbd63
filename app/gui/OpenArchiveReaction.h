#pragma once
// File > Open archive folder: asks for a folder and opens it (the catalog is built or refreshed in the
// background by the archive document).

#include "app/gui/Reaction.h"

class QWidget;

namespace solarchip {

class ArchiveDocument;
class StudioSettings;

class OpenArchiveReaction : public Reaction {
    Q_OBJECT
public:
    OpenArchiveReaction(QAction *action, ArchiveDocument *archive, StudioSettings *settings, QWidget *dialogParent);

protected:
    void onTriggered() override;

private:
    ArchiveDocument *m_archive;
    StudioSettings *m_settings;
    QWidget *m_dialogParent;
};

}  // namespace solarchip
