#pragma once
// View > Fit to window / Actual size (1:1): frames the maps (the grid's views are linked, so all follow).

#include "app/gui/Reaction.h"

namespace solarchip {

class MapGrid;

class FitViewReaction : public Reaction {
    Q_OBJECT
public:
    enum class Mode { Fit, ActualSize };
    FitViewReaction(QAction *action, MapGrid *grid, Mode mode);

protected:
    void onTriggered() override;

private:
    MapGrid *m_grid;
    Mode m_mode;
};

}  // namespace solarchip
