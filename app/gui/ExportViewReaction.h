#pragma once
// File > Export view as PNG (with or without overlays) and File > Export map as FITS: the map view the user
// last clicked in the grid (the first view until then, or the only one when one channel is shown) is written
// through MapView::exportPng / exportFits, which save atomically (core/base/AtomicFile: temporary file,
// then rename), so a failed export never damages a file already there. The dialog lives in onTriggered
// only; exportTo() does the writing and is what tests call.

#include "app/gui/Reaction.h"
#include "core/base/Expected.h"

#include <QPointer>

class QWidget;

namespace solarchip {

class MapGrid;
class MapView;

class ExportViewReaction : public Reaction {
    Q_OBJECT
public:
    enum class Kind { PngWithOverlays, PngWithoutOverlays, Fits };

    ExportViewReaction(QAction *action, MapGrid *grid, QWidget *window, Kind kind);

    /// The view an export writes now (null when the grid has none).
    MapView *targetView() const;
    /// Writes the target view to `path` (PNG at the view's size, or the displayed map as float32 FITS).
    Status exportTo(const QString &path) const;

protected:
    void onTriggered() override;

private:
    QPointer<MapGrid> m_grid;
    QWidget *m_window;
    Kind m_kind;
    int m_current = 0;  // grid index of the view last clicked
};

}  // namespace solarchip
