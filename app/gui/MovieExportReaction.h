#pragma once
// File > Export movie…: the dialog (folder and file name stem, time range, step, what each frame shows, size, MP4
// frame rate) and a window-modal progress dialog with Cancel while MovieExporter (app/gui/MovieExporter.h) steps
// through the range; the event loop keeps running (frames load and render as in playback, PNG files are encoded
// and written on a writer thread). exportMovie() starts an export without the dialog (what tests call); the
// status bar says where the frames went, or why the export stopped.

#include "app/gui/MovieExporter.h"
#include "app/gui/Reaction.h"

#include <QPointer>
#include <QProgressDialog>

namespace solarchip {

class MainWindow;
class StudioSettings;

class MovieExportReaction : public Reaction {
    Q_OBJECT
public:
    /// What each frame shows.
    enum class Content { SelectedViewWithOverlays, SelectedViewWithoutOverlays, AllViews };

    MovieExportReaction(QAction *action, MainWindow *window, StudioSettings *settings);

    /// Starts an export of `content` (for a selected view: at the view's size, or one image pixel per map pixel with
    /// `dataResolution`), with the progress dialog when `showProgress`.
    Status exportMovie(const MovieExportOptions &options, Content content, bool dataResolution, bool showProgress = true);
    MovieExporter *exporter() const { return m_exporter; }

Q_SIGNALS:
    /// The export ended (MovieExporter::finished).
    void finished(bool ok, const QString &message);

protected:
    void onTriggered() override;

private:
    MainWindow *m_window;
    StudioSettings *m_settings;
    MovieExporter *m_exporter;
    Content m_content = Content::SelectedViewWithOverlays;
    bool m_dataResolution = false;
    QPointer<QProgressDialog> m_progress;
};

}  // namespace solarchip
