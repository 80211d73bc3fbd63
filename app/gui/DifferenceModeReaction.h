#pragma once
// View > Difference: none / running (minus the channel's previous observation) / base (minus its first
// observation). Checkable, one of the three on; the map views then show difference images labelled with
// their time step. Triggering the running or base entry while it is on (its shortcut pressed again) turns
// differences off.

#include "app/gui/ObservationDocument.h"
#include "app/gui/Reaction.h"

namespace solarchip {

class DifferenceModeReaction : public Reaction {
    Q_OBJECT
public:
    DifferenceModeReaction(QAction *action, ObservationDocument *document, ObservationDocument::DifferenceMode mode);

protected:
    void onTriggered() override;
    void updateEnableState() override;

private:
    ObservationDocument *m_document;
    ObservationDocument::DifferenceMode m_mode;
};

}  // namespace solarchip
