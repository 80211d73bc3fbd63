#pragma once
// View > Compare: "No comparison", and one checkable entry per channel under "Blink with" and "Overlay with".
// Triggering one makes the presenter blink or blend every view with that channel's member of the current set;
// the check marks follow the presenter (one entry on at a time).

#include "app/gui/Reaction.h"
#include "widgets/MapView.h"

namespace solarchip {

class SetViewPresenter;

class CompareReaction : public Reaction {
    Q_OBJECT
public:
    /// `mode` None: the "No comparison" entry (channel ignored).
    CompareReaction(QAction *action, SetViewPresenter *presenter, MapView::CompareMode mode, const QString &channel);

protected:
    void onTriggered() override;
    void updateEnableState() override;

private:
    SetViewPresenter *m_presenter;
    MapView::CompareMode m_mode;
    QString m_channel;
};

}  // namespace solarchip
