#pragma once
// File > Export view as PNG (with or without overlays) and File > Export map as FITS: the map view the user
// last clicked in the grid (the first view until then, or the only one when one channel is shown) is written
// through MapView::exportPng / exportFits, which save atomically (core/base/AtomicFile: temporary file,
// then rename), so a failed export never damages a file already there. The dialog (ExportDialog: path, and
// for PNG overlays on/off and view size or data resolution) lives in onTriggered only; it starts in the
// folder the last export went to (StudioSettings) and the status bar says where the file went. exportTo()
// does the writing and is what tests call.

#include "app/gui/Reaction.h"
#include "core/base/Expected.h"

#include <QPointer>
#include <QSize>

class QWidget;

namespace solarchip {

class MapGrid;
class MapView;
class StudioSettings;

class ExportViewReaction : public Reaction {
    Q_OBJECT
public:
    enum class Kind { PngWithOverlays, PngWithoutOverlays, Fits };

    ExportViewReaction(QAction *action, MapGrid *grid, QWidget *window, Kind kind, StudioSettings *settings = nullptr);

    /// The view an export writes now (null when the grid has none).
    MapView *targetView() const;
    /// The view exports of `grid` act on: the selected one, else the first (File > Export movie uses it too).
    static MapView *targetViewOf(const MapGrid *grid);
    /// Writes the target view to `path` (PNG at the view's size, or the displayed map as float32 FITS).
    Status exportTo(const QString &path) const;
    /// PNG with or without overlays, at the view's size or at data resolution (FITS ignores both).
    Status exportTo(const QString &path, bool withOverlays, bool dataResolution) const;
    /// The PNG size at data resolution: the framing on screen, one image pixel per map pixel.
    static QSize dataResolutionSize(const MapView *view);
    /// Where the dialog starts: the folder of the last export, else the home folder.
    QString exportFolder() const;

Q_SIGNALS:
    /// A file was written through the dialog.
    void exported(const QString &path);

protected:
    void onTriggered() override;

private:
    QPointer<MapGrid> m_grid;
    QWidget *m_window;
    Kind m_kind;
    StudioSettings *m_settings;
};

}  // namespace solarchip
