#pragma once
// The main window of SolarCHIP Studio: the map grid (or the 3D globe) in the centre, the timeline strip
// docked below, time controls in a toolbar, indexing/generation progress and the cursor readout in the status
// bar. It owns the documents (ArchiveDocument, ObservationDocument), the map cache, playback and the sample
// archive, builds its actions through MenuBuilder and gives each one its reaction. Files and folders dropped
// on the window are opened. Layout, view mode and choices persist through StudioSettings.

#include "app/gui/DropFilesDialog.h"
#include "app/gui/QueryPoint.h"

#include <QDateTime>
#include <QMainWindow>
#include <QPointer>

#include <optional>

class QDockWidget;
class QDoubleSpinBox;
class QComboBox;
class QLabel;
class QMenu;
class QProgressBar;
class QStackedWidget;
class QToolButton;

namespace solarchip {

class ActionRegistry;
class AlignmentView;
class LightCurveController;
class TimeDistanceController;
class TranslationView;
class FlareController;
class ArchiveDocument;
class DisplayPanel;
class GlobeView;
class HeatmapController;
class InferenceWorker;
class ContourController;
class NoaaRegionController;
class FlareEventController;
class TimelineFlareController;
class HeaderDialog;
class LowLabelWizard;
class JobRunner;
class MapCache;
class MapGrid;
class MapView;
class ObservationDocument;
class MovieExportReaction;
class PlaybackController;
class StepCombo;
class ElidedLabel;
class SampleArchive;
class SearchController;
class SetViewPresenter;
class StudioSettings;
class TimelineView;
class WizardJobs;
class TrainingPanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(StudioSettings *settings, QWidget *parent = nullptr);
    ~MainWindow() override;

    void openArchive(const QString &dir);
    void openFiles(const QStringList &files);
    /// The bundled sample archive; generated first (in the background, with progress) when needed.
    void openSampleArchive();
    /// What a plain start opens: the last archive if it still exists, else the sample archive.
    void openStartupArchive();
    /// Where the next archive opens (its observation nearest this time); nullopt: where the user left it
    /// last time, else the latest observation.
    void setInitialTime(const std::optional<QDateTime> &utc) { m_initialTime = utc; }
    /// Show only one channel (empty: the whole co-temporal set).
    void setFocusChannel(const QString &channel);
    QString focusChannel() const;
    /// "map", "globe", "search" (the maps with the archive-search gallery docked beside them, raised) or
    /// "alignment" (the map grid with the cross-modal alignment overlays and timeline) or "flare" (the map grid
    /// with the flare dock and its attribution overlays).
    void setViewMode(const QString &mode);
    QString viewMode() const { return m_viewMode; }
    /// Scripted runs report problems on failed() instead of message boxes.
    void setInteractive(bool interactive) { m_interactive = interactive; }
    /// What dropped files do when loose files are open: Ask (a dialog when interactive, else Replace), Add or
    /// Replace without asking (scripts, tests).
    void setFileDropChoice(DropFilesDialog::Choice choice) { m_dropChoice = choice; }
    /// Opens dropped files as `choice` says (Ask: asks when loose files are open and the window is
    /// interactive). What a drop of files does; public for scripts and tests.
    void dropFiles(const QStringList &files);

    /// Nothing is being opened, generated, indexed, loaded or rendered: what is on screen is complete.
    bool isSettled() const;
    /// Saves geometry, dock layout and view mode (also done on close).
    void saveLayout();
    /// Re-reads cache budget, resolution, tolerance, step and playback settings.
    void applySettings();

    ActionRegistry *actions() const { return m_actions; }
    ArchiveDocument *archive() const { return m_archive; }
    ObservationDocument *observation() const { return m_observation; }
    MapCache *cache() const { return m_cache; }
    MapGrid *grid() const { return m_grid; }
    /// The 3D view; null until the globe view mode is first used.
    GlobeView *globe() const { return m_globe; }
    TimelineView *timelineView() const { return m_timelineView; }
    DisplayPanel *displayPanel() const { return m_displayPanel; }
    SetViewPresenter *presenter() const { return m_presenter; }
    PlaybackController *playback() const { return m_playback; }
    /// File > Export movie (its exporter's report is the state JSON's movie_export).
    MovieExportReaction *movieExport() const { return m_movieExport; }
    SampleArchive *sample() const { return m_sample; }
    /// Archive search: the embedding job, the query and the gallery dock (SearchController).
    SearchController *search() const { return m_search; }
    StudioSettings *settings() const { return m_settings; }
    /// The current model on its worker thread (encodes the sets shown; the alignment view and search use it).
    InferenceWorker *inference() const { return m_inference; }
    /// Click -> similarity heatmaps over every view of the set.
    HeatmapController *heatmaps() const { return m_heatmaps; }
    /// The cross-modal alignment view (view mode "alignment"): overlays on the AIA views and the timeline dock.
    AlignmentView *alignment() const { return m_alignment; }
    LightCurveController *lightCurve() const { return m_lightCurve; }
    TimeDistanceController *timeDistance() const { return m_timeDistance; }
    /// Tools > Low-label wizard: shows it (a new one over the archive open now unless one is running a job).
    LowLabelWizard *showLowLabelWizard();
    /// File > FITS header: the dialog for the selected view's map (made on first use; it follows the selected
    /// view's map while open). Null before the first.
    HeaderDialog *showHeaderDialog();
    HeaderDialog *headerDialog() const;
    /// View > HMI contours.
    ContourController *contours() const;
    NoaaRegionController *noaaRegions() const { return m_noaa; }
    FlareEventController *flareEvents() const { return m_flareEvents; }
    TimelineFlareController *timelineFlares() const { return m_timelineFlares; }
    /// View > Flare event window: flares peaking within `hours` either side of a map's time are marked (remembered).
    void setFlareEventWindow(double hours);
    /// View > Query a NOAA region: makes the region `number`, where the reports put it on the selected view's map, the
    /// query of the similarity views, the archive search and the light curve (as a click there would). False, with
    /// the reason in the status bar, when it is not on the map at this time.
    bool queryNoaaRegion(int number);
    /// --query-noaa: queries the region once the reports and the first maps are in (isSettled waits for it).
    void queryNoaaRegionWhenReady(int number) { m_pendingNoaaQuery = number; }
    /// View > HMI contour levels: parses `text` (ContourController::parseLevels), applies and remembers it; a
    /// bad list is reported (status bar, and a dialog when interactive) and changes nothing.
    bool setContourLevels(const QString &text);
    /// An open header dialog shows the selected view's map (called when the selection or the maps change).
    void headerFollowsSelection();
    /// The wizard shown last (null: none, or it was closed).
    LowLabelWizard *lowLabelWizard() const;
    /// Shows the wizard once the archive being opened has data (--view wizard).
    void showLowLabelWizardWhenReady() { m_wizardPending = true; }
    /// The jobs the wizard queues.
    WizardJobs *wizardJobs() const { return m_wizardJobs; }
    /// The app's background jobs (pretrain, embed, flare-train, label-efficiency...; JobRunner.h): one per window,
    /// used by the training panel and the low-label wizard.
    JobRunner *jobRunner() const { return m_jobRunner; }
    /// The training panel (view mode "training"; its dock is View > Training).
    TrainingPanel *trainingPanel() const { return m_trainingPanel; }
    /// The HMI→AIA translation view (view mode "translation"): its own page of linked panels.
    TranslationView *translation() const { return m_translation; }
    /// The flare forecast (view mode "flare"): the flare dock, its timeline and the attribution overlays; its
    /// setHeadRun() slot installs a head.
    FlareController *flareController() const { return m_flare; }

Q_SIGNALS:
    void viewModeChanged(const QString &mode);
    /// isSettled() may have become true (emitted after loads, renders and scans end).
    void settledMaybe();
    /// Something could not be opened or loaded (the message names the folder or file).
    void failed(const QString &message);
    /// A click, box drag or --query-hpc picked a point of the set on screen (HeatmapController::queryChanged).
    void queryChanged(const solarchip::QueryPoint &query);

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void createCentralViews();
    GlobeView *ensureGlobe();
    void createTimelineDock();
    void createDisplayDock();
    void createSimilarityDock();
    void createTrainingDock();
    /// A labelling layer's table dock (NOAA regions, flare events): tabbed with the Display dock, hidden, its toggle
    /// adopted as `actionId` and listed in the View menu.
    void addTableDock(QDockWidget *dock, const QString &actionId);
    void createStatusBar();
    void createTimeWidgets(QToolBar *toolbar);
    void createReactions();
    void connectDocuments();
    void restoreLayout();
    /// The view the Display dock edits: the translation view's selected panel in that view, the grid's otherwise.
    MapView *displayTarget() const;
    /// Hides the training dock that the training view mode showed, and gives the maps their height back.
    void hideTrainingDock();
    /// The timeline dock (bottom) back to its own height, now and after the next layout.
    void fitTimelineHeight();
    void onArchiveOpened();
    void onArchiveData();
    void onTimeChanged(const QDateTime &utc);
    /// The status bar's flare-in-progress line (the timeline's GOES row at the current time).
    void updateFlareNow();
    void updateChannelMenu();
    void selectGlobeView();
    void updateCompareMenu();
    void updateLoadedChannels();
    void updateStepCombo();
    void updateStatus();
    void updateMessagePage();
    /// Status bar + failed(); a message box too when `modal` and the window is interactive.
    void report(const QString &message, bool modal = true);

    StudioSettings *m_settings;
    ActionRegistry *m_actions = nullptr;
    ArchiveDocument *m_archive = nullptr;
    MapCache *m_cache = nullptr;
    ObservationDocument *m_observation = nullptr;
    PlaybackController *m_playback = nullptr;
    MovieExportReaction *m_movieExport = nullptr;
    SampleArchive *m_sample = nullptr;
    SetViewPresenter *m_presenter = nullptr;
    SearchController *m_search = nullptr;
    InferenceWorker *m_inference = nullptr;
    HeatmapController *m_heatmaps = nullptr;
    AlignmentView *m_alignment = nullptr;
    LightCurveController *m_lightCurve = nullptr;
    TimeDistanceController *m_timeDistance = nullptr;
    TranslationView *m_translation = nullptr;
    FlareController *m_flare = nullptr;
    WizardJobs *m_wizardJobs = nullptr;
    QPointer<LowLabelWizard> m_wizard;
    QPointer<HeaderDialog> m_headerDialog;
    ContourController *m_contours = nullptr;
    NoaaRegionController *m_noaa = nullptr;
    FlareEventController *m_flareEvents = nullptr;
    TimelineFlareController *m_timelineFlares = nullptr;
    std::optional<int> m_pendingNoaaQuery;
    bool m_noaaDockShownByView = false;  // the "regions" view mode showed the region table (hidden on leaving it)
    bool m_wizardPending = false;
    QDockWidget *m_similarityDock = nullptr;
    JobRunner *m_jobRunner = nullptr;
    TrainingPanel *m_trainingPanel = nullptr;
    QDockWidget *m_trainingDock = nullptr;
    QString m_lastHeatmapError;
    bool m_similarityShown = false;  // the Similarity dock was brought to the front once

    QStackedWidget *m_stack = nullptr;
    QLabel *m_messagePage = nullptr;
    MapGrid *m_grid = nullptr;
    GlobeView *m_globe = nullptr;
    TimelineView *m_timelineView = nullptr;
    QDockWidget *m_timelineDock = nullptr;
    QDockWidget *m_displayDock = nullptr;
    DisplayPanel *m_displayPanel = nullptr;
    QMenu *m_channelMenu = nullptr;
    QToolButton *m_timeButton = nullptr;
    StepCombo *m_stepCombo = nullptr;
    quint64 m_cadenceTicket = 0;  // the cadence being worked out for the Step box
    QDoubleSpinBox *m_speed = nullptr;
    QProgressBar *m_progress = nullptr;
    QToolButton *m_cancelButton = nullptr;
    ElidedLabel *m_progressLabel = nullptr;
    ElidedLabel *m_readout = nullptr;
    QLabel *m_cacheLabel = nullptr;
    QLabel *m_flareNowLabel = nullptr;

    QString m_viewMode = QStringLiteral("map");
    /// Whether the training dock was hidden before the training view mode showed it (leaving that mode hides it
    /// again).
    bool m_trainingDockShownByView = false;
    bool m_fitTimelinePending = false;  ///< fitTimelineHeight() ran before the timeline had rows
    std::optional<QDateTime> m_initialTime;
    bool m_interactive = true;
    DropFilesDialog::Choice m_dropChoice = DropFilesDialog::Choice::Ask;
    bool m_restoredLayout = false;
};

}  // namespace solarchip
