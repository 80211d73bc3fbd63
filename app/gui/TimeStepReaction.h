#pragma once
// Time > Previous/Next observation, step by cadence, previous/next day, first/last: one reaction class for
// the eight stepping actions, each constructed with its kind of step. Enabled only where the step leads
// somewhere.

#include "app/gui/ObservationDocument.h"
#include "app/gui/Reaction.h"

namespace solarchip {

class TimeStepReaction : public Reaction {
    Q_OBJECT
public:
    TimeStepReaction(QAction *action, ObservationDocument *document, ObservationDocument::Step step);

protected:
    void onTriggered() override;
    void updateEnableState() override;

private:
    ObservationDocument *m_document;
    ObservationDocument::Step m_step;
};

}  // namespace solarchip
