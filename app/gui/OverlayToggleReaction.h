#pragma once
// View > Limb / Heliographic grid / Label / Colour bar (checkable): shows an overlay on every map view, and
// remembers the choice.

#include "app/gui/Reaction.h"

#include <QString>

namespace solarchip {

class SetViewPresenter;
class StudioSettings;

class OverlayToggleReaction : public Reaction {
    Q_OBJECT
public:
    OverlayToggleReaction(QAction *action, SetViewPresenter *presenter, StudioSettings *settings,
                          const QString &overlayId, bool defaultVisible);

protected:
    void onTriggered() override;

private:
    SetViewPresenter *m_presenter;
    StudioSettings *m_settings;
    QString m_id;
};

}  // namespace solarchip
