#pragma once
// File > Open files: FITS maps or Helioviewer JPEG2000 files, shown together as one set.

#include "app/gui/Reaction.h"

class QWidget;

namespace solarchip {

class ArchiveDocument;

class OpenFilesReaction : public Reaction {
    Q_OBJECT
public:
    OpenFilesReaction(QAction *action, ArchiveDocument *archive, QWidget *dialogParent);
    /// The file-dialog filter (also what drag and drop accepts).
    static QString nameFilter();
    /// True for names the viewer opens as maps (.fits, .fts, .fit, .fits.gz, .jp2, .jpx).
    static bool isMapFileName(const QString &name);

protected:
    void onTriggered() override;

private:
    ArchiveDocument *m_archive;
    QWidget *m_dialogParent;
};

}  // namespace solarchip
