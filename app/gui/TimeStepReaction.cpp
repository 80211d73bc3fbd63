#include "app/gui/TimeStepReaction.h"

#include <QAction>

namespace solarchip {

TimeStepReaction::TimeStepReaction(QAction *action, ObservationDocument *document, ObservationDocument::Step step)
    : Reaction(action), m_document(document), m_step(step)
{
    // Auto-repeat: holding the key steps as fast as sets load (the document drops stale loads).
    action->setAutoRepeat(true);
    connect(document, &ObservationDocument::timeChanged, this, [this] { updateEnableState(); });
    connect(document, &ObservationDocument::setChanged, this, [this] { updateEnableState(); });
    updateEnableState();
}

void TimeStepReaction::onTriggered()
{
    m_document->step(m_step);
}

void TimeStepReaction::updateEnableState()
{
    parentAction()->setEnabled(m_document->canStep(m_step));
}

}  // namespace solarchip
