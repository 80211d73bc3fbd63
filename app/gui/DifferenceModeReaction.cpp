#include "app/gui/DifferenceModeReaction.h"

#include <QAction>

namespace solarchip {

DifferenceModeReaction::DifferenceModeReaction(QAction *action, ObservationDocument *document,
                                               ObservationDocument::DifferenceMode mode)
    : Reaction(action), m_document(document), m_mode(mode)
{
    action->setCheckable(true);
    connect(document, &ObservationDocument::differenceModeChanged, this, [this] { updateEnableState(); });
    updateEnableState();
}

void DifferenceModeReaction::onTriggered()
{
    // Asking again for the mode on screen (Ctrl+Shift+R twice) turns differences off.
    const bool again = m_mode != ObservationDocument::DifferenceMode::None && m_document->differenceMode() == m_mode;
    m_document->setDifferenceMode(again ? ObservationDocument::DifferenceMode::None : m_mode);
    updateEnableState();
}

void DifferenceModeReaction::updateEnableState()
{
    parentAction()->setChecked(m_document->differenceMode() == m_mode);
}

}  // namespace solarchip
