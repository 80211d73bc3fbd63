#include "app/gui/CompareReaction.h"

#include "app/gui/SetViewPresenter.h"

#include <QAction>

namespace solarchip {

CompareReaction::CompareReaction(QAction *action, SetViewPresenter *presenter, MapView::CompareMode mode,
                                 const QString &channel)
    : Reaction(action), m_presenter(presenter), m_mode(mode), m_channel(channel)
{
    action->setCheckable(true);
    connect(presenter, &SetViewPresenter::comparisonChanged, this, [this] { updateEnableState(); });
    updateEnableState();
}

void CompareReaction::onTriggered()
{
    m_presenter->setComparison(m_channel, m_mode);
    updateEnableState();
}

void CompareReaction::updateEnableState()
{
    const bool on = m_presenter->compareMode() == m_mode
                    && (m_mode == MapView::CompareMode::None || m_presenter->comparisonChannel() == m_channel);
    parentAction()->setChecked(on);
}

}  // namespace solarchip
