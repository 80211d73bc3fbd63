#include "app/gui/MainWindow.h"
#include "app/gui/AlignmentView.h"
#include "app/gui/DockFront.h"
#include "app/gui/TranslationView.h"
#include "app/gui/FlareController.h"
#include "app/gui/HeatmapController.h"
#include "app/gui/HeatmapPanel.h"
#include "app/gui/InferenceWorker.h"
#include "app/gui/JobRunner.h"
#include "app/gui/ContourController.h"
#include "app/gui/FlareEventController.h"
#include "app/gui/FlareJumpReaction.h"
#include "app/gui/TimelineFlareController.h"
#include "app/gui/NoaaRegionController.h"
#include "app/gui/HeaderDialog.h"
#include "app/gui/LowLabelWizard.h"
#include "app/gui/WizardJobs.h"

#include "app/gui/ActionRegistry.h"
#include "app/gui/ArchiveDocument.h"
#include "app/gui/CancelIndexingReaction.h"
#include "app/gui/CompareReaction.h"
#include "app/gui/CompareSettingsReaction.h"
#include "app/gui/DifferenceModeReaction.h"
#include "app/gui/DisplayPanel.h"
#include "app/gui/ElidedLabel.h"
#include "core/archive/DisplayPrep.h"
#include "core/archive/FlareLabels.h"
#include "core/archive/FlareList.h"
#include "widgets/FlareClassColours.h"
#include "app/gui/ExportViewReaction.h"
#include "app/gui/FitViewReaction.h"
#include "app/gui/JumpToDateReaction.h"
#include "app/gui/LoopReaction.h"
#include "app/gui/MenuBuilder.h"
#include "app/gui/ObservationDocument.h"
#include "app/gui/OpenArchiveReaction.h"
#include "app/gui/OpenFilesReaction.h"
#include "app/gui/OpenSampleArchiveReaction.h"
#include "app/gui/OverlayToggleReaction.h"
#include "app/gui/PlayReaction.h"
#include "app/gui/MovieExportReaction.h"
#include "app/gui/PlaybackController.h"
#include "app/gui/PlaybackSpeedReaction.h"
#include "app/gui/PreferencesReaction.h"
#include "app/gui/QuitReaction.h"
#include "app/gui/RefreshArchiveReaction.h"
#include "app/gui/SampleArchive.h"
#include "app/gui/SaveScreenshotReaction.h"
#include "app/gui/SearchController.h"
#include "app/gui/SetViewPresenter.h"
#include "app/gui/ShortcutsReaction.h"
#include "app/gui/StepCombo.h"
#include "app/gui/StudioSettings.h"
#include "app/gui/TrainingPanel.h"
#include "app/gui/TimeStepReaction.h"
#include "app/gui/ViewModeReaction.h"
#include "app/gui/LightCurveController.h"
#include "app/gui/TimeDistanceController.h"
#include "core/archive/MapCache.h"
#include "core/archive/TimeIndex.h"
#include "core/base/ThreadBudget.h"
#include "core/map/MapMeta.h"
#include "core/map/SdoTime.h"
#include "widgets/GlobeView.h"
#include "widgets/MapGrid.h"
#include "widgets/MapView.h"
#include "widgets/MapReadout.h"
#include "widgets/TimelineModel.h"
#include "widgets/TimelineView.h"

#include <QAction>
#include <QActionGroup>
#include <QCloseEvent>
#include <QComboBox>
#include <QFileDialog>
#include <QCoreApplication>
#include <QDir>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QInputDialog>
#include <QLineEdit>
#include <QTimeZone>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QtConcurrent/QtConcurrentRun>

namespace solarchip {


MainWindow::MainWindow(StudioSettings *settings, QWidget *parent) : QMainWindow(parent), m_settings(settings)
{
    setWindowTitle(tr("SolarCHIP Studio"));
    setObjectName(QStringLiteral("SolarchipMainWindow"));
    setAcceptDrops(true);
    resize(1400, 900);

    m_archive = new ArchiveDocument(this);
    m_cache = new MapCache(&loadDisplayMap, settings->cacheBudgetBytes(), 0, this);
    m_observation = new ObservationDocument(m_archive, m_cache, this);
    m_playback = new PlaybackController(m_observation, this);
    m_sample = new SampleArchive(SampleArchive::defaultDir(), this);
    m_actions = new ActionRegistry(this);

    createCentralViews();
    createTimelineDock();
    createDisplayDock();
    MenuBuilder::registerActions(*m_actions);
    m_actions->adopt(QStringLiteral("view.timeline"), m_timelineDock->toggleViewAction(),
                     QKeySequence(QStringLiteral("Ctrl+T")));
    m_actions->adopt(QStringLiteral("view.displayPanel"), m_displayDock->toggleViewAction(),
                     QKeySequence(QStringLiteral("Ctrl+Shift+D")));
    addActions(m_actions->findChildren<QAction *>());
    m_channelMenu = MenuBuilder::buildMenus(this, *m_actions);
    createTimeWidgets(MenuBuilder::buildToolBars(this, *m_actions));
    createStatusBar();
    m_presenter = new SetViewPresenter(m_observation, m_grid, settings, this);
    m_inference = new InferenceWorker(this);
    m_heatmaps = new HeatmapController(m_observation, m_archive, m_grid, m_inference, this);
    createSimilarityDock();
    createTrainingDock();
    m_search = new SearchController(this);
    m_actions->adopt(QStringLiteral("view.searchPanel"), m_search->dock()->toggleViewAction(),
                     QKeySequence(QStringLiteral("Ctrl+Shift+F")));
    if (QMenu *view = menuBar()->findChild<QMenu *>(QStringLiteral("menu.view")))
        view->addAction(m_search->dock()->toggleViewAction());
    connect(m_search, &SearchController::settledMaybe, this, &MainWindow::settledMaybe);
    // The gallery's hits of the time shown are outlined on the globe's texture too (ranked as in the gallery).
    connect(m_search, &SearchController::hitsChanged, this, [this] {
        std::vector<GlobeHitMark> marks;
        const auto &hits = m_search->hits();
        for (std::size_t i = 0; i < hits.size(); ++i)
            marks.push_back({hits[i].hpcBox, hits[i].timeMs, QStringLiteral("#%1").arg(i + 1)});
        m_presenter->setGlobeHits(std::move(marks));
    });
    // View > Cross-modal alignment: its dock (below the maps) and the overlays on the AIA views.
    m_alignment = new AlignmentView(this, m_archive, m_observation, m_grid, m_inference, this);
    connect(m_alignment, &AlignmentView::settledMaybe, this, &MainWindow::settledMaybe, Qt::QueuedConnection);
    // View > HMI → AIA translation: a page of its own beside the grid and the globe.
    m_translation = new TranslationView(m_observation, m_settings, m_stack);
    m_stack->addWidget(m_translation);
    connect(m_translation, &TranslationView::settledMaybe, this, &MainWindow::settledMaybe, Qt::QueuedConnection);
    // View > Flare forecast: its dock (beside the maps) and the attribution overlays.
    m_flare = new FlareController(this, m_archive, m_observation, m_grid, m_inference, m_settings, this);
    connect(m_flare, &FlareController::settledMaybe, this, &MainWindow::settledMaybe, Qt::QueuedConnection);
    m_wizardJobs = new WizardJobs(m_jobRunner, this);  // the wizard's job goes through the app's job runner
    connect(m_actions->action(QStringLiteral("tools.lowLabelWizard")), &QAction::triggered, this,
            &MainWindow::showLowLabelWizard);
    connect(m_actions->action(QStringLiteral("file.header")), &QAction::triggered, this, &MainWindow::showHeaderDialog);
    // An open header dialog follows the selected view's map (another time, another view selected).
    connect(this, &MainWindow::settledMaybe, this, &MainWindow::headerFollowsSelection);
    // View > HMI contours: follows the magnetogram on screen.
    m_contours = new ContourController(m_grid, this);
    m_lightCurve = new LightCurveController(this, m_archive, m_observation, m_grid, m_settings, this);
    connect(m_lightCurve, &LightCurveController::settledMaybe, this, &MainWindow::settledMaybe, Qt::QueuedConnection);
    connect(m_heatmaps, &HeatmapController::queryChanged, m_lightCurve, &LightCurveController::setQuery);
    m_timeDistance = new TimeDistanceController(this, m_archive, m_observation, m_grid, m_settings, this);
    connect(m_timeDistance, &TimeDistanceController::settledMaybe, this, &MainWindow::settledMaybe, Qt::QueuedConnection);
    connect(m_heatmaps, &HeatmapController::queryChanged, m_timeDistance, &TimeDistanceController::setQuery);
    connect(m_contours, &ContourController::changed, this, &MainWindow::settledMaybe, Qt::QueuedConnection);
    connect(this, &MainWindow::settledMaybe, m_contours, &ContourController::update);
    // ... and starts contouring as soon as the new magnetogram is in its view, beside the other maps' renders
    // (queued: after the presenter has put the member's map in its view).
    connect(m_observation, &ObservationDocument::memberChanged, m_contours, &ContourController::update,
            Qt::QueuedConnection);
    // View > NOAA active regions: the archive's Solar Region Summaries, labelled on every view (new views too).
    m_noaa = new NoaaRegionController(m_archive, m_grid, this);
    connect(m_noaa, &NoaaRegionController::changed, this, &MainWindow::settledMaybe, Qt::QueuedConnection);
    connect(m_noaa, &NoaaRegionController::changed, m_presenter, &SetViewPresenter::refreshGlobe);  // the globe's labels
    // View > NOAA region table: tabbed with the Display dock; a row queries its region; it follows the maps on screen.
    addTableDock(m_noaa->dock(), QStringLiteral("view.noaaRegionTable"));
    connect(m_noaa, &NoaaRegionController::regionActivated, this, [this](int number) { queryNoaaRegion(number); });
    // The light curve of a queried region follows it by the reports.
    connect(m_noaa, &NoaaRegionController::changed, this, [this] { m_lightCurve->setRegionReports(m_noaa->reports()); });
    connect(this, &MainWindow::settledMaybe, m_noaa, &NoaaRegionController::refreshTable);
    connect(m_noaa, &NoaaRegionController::changed, this, [this] {
        if (const QString text = m_noaa->statusText(); !text.isEmpty())
            statusBar()->showMessage(text, 10000);
    });
    connect(m_observation, &ObservationDocument::setChanged, m_noaa, &NoaaRegionController::update, Qt::QueuedConnection);
    // --query-noaa: once the reports are read and the set's maps are on screen.
    connect(this, &MainWindow::settledMaybe, this, [this] {
        if (m_pendingNoaaQuery && m_archive->hasData() && !m_archive->isBusy() && m_presenter->isSettled()
            && m_noaa->isSettled()) {
            const int number = *m_pendingNoaaQuery;
            m_pendingNoaaQuery.reset();
            queryNoaaRegion(number);
            Q_EMIT settledMaybe();
        }
    });
    // View > Flare events: the flares of a list with sites marked on every view, and their table (tabbed likewise);
    // a row goes to the observation nearest the flare's peak.
    m_flareEvents = new FlareEventController(m_archive, m_grid, this);
    m_flareEvents->avoidLabelsOf(m_noaa->layer());
    m_flareEvents->setWindowHours(m_settings->raw().value(QStringLiteral("flareEvents/windowHours"),
                                                          OverlayFlareEvents::kDefaultWindowHours).toDouble());
    connect(m_flareEvents, &FlareEventController::changed, this, &MainWindow::settledMaybe, Qt::QueuedConnection);
    connect(m_flareEvents, &FlareEventController::changed, m_presenter, &SetViewPresenter::refreshGlobe);
    addTableDock(m_flareEvents->dock(), QStringLiteral("view.flareEventTable"));
    connect(m_flareEvents, &FlareEventController::peakActivated, m_observation, &ObservationDocument::goToTime);
    connect(this, &MainWindow::settledMaybe, m_flareEvents, &FlareEventController::refreshTable);
    connect(m_flareEvents, &FlareEventController::changed, this, [this] {
        if (const QString text = m_flareEvents->statusText(); !text.isEmpty())
            statusBar()->showMessage(text, 10000);
    });
    connect(m_observation, &ObservationDocument::setChanged, m_flareEvents, &FlareEventController::update, Qt::QueuedConnection);
    // The timeline's GOES flares row: the archive's flare list at its peaks, under the channel rows.
    m_timelineFlares = new TimelineFlareController(m_archive, m_timelineView, this);
    connect(m_timelineFlares, &TimelineFlareController::changed, this, &MainWindow::settledMaybe, Qt::QueuedConnection);
    connect(m_timelineFlares, &TimelineFlareController::rowShownChanged, this, &MainWindow::fitTimelineHeight);
    connect(m_timelineFlares, &TimelineFlareController::changed, this, &MainWindow::updateFlareNow);
    connect(m_timelineFlares, &TimelineFlareController::changed, this, [this] {
        if (!m_timelineFlares->error().isEmpty())
            statusBar()->showMessage(tr("Timeline flares: %1").arg(m_timelineFlares->error()), 10000);
    });
    createReactions();
    m_actions->loadShortcuts(*settings);
    connectDocuments();
    applySettings();
    restoreLayout();
    updateMessagePage();
}

MainWindow::~MainWindow() = default;

void MainWindow::createCentralViews()
{
    m_stack = new QStackedWidget(this);
    m_messagePage = new QLabel(m_stack);
    m_messagePage->setAlignment(Qt::AlignCenter);
    m_messagePage->setWordWrap(true);
    m_messagePage->setObjectName(QStringLiteral("messagePage"));
    m_grid = new MapGrid(m_stack);
    m_grid->setObjectName(QStringLiteral("mapGrid"));
    m_stack->addWidget(m_messagePage);
    m_stack->addWidget(m_grid);
    setCentralWidget(m_stack);
}

GlobeView *MainWindow::ensureGlobe()
{
    // Made on first use: once an OpenGL widget is in a window, Qt composites the whole window through OpenGL
    // on every repaint, which costs the map grid dearly where OpenGL is software (Mesa llvmpipe, Xvfb).
    if (!m_globe) {
        m_globe = new GlobeView(m_stack);
        m_globe->setObjectName(QStringLiteral("globeView"));
        m_stack->addWidget(m_globe);
        m_presenter->setGlobe(m_globe);
        // A click or Shift+drag box on the sphere queries like one on the 2D map the globe wears.
        connect(m_globe, &GlobeView::hpcPicked, this, [this](const QPointF &hpc, const QSizeF &box) {
            const auto map = m_presenter->globeMap();
            if (!map || !m_observation->hasTime())
                return;
            QueryPoint q;
            q.timeMs = m_observation->timeMs();
            q.channel = map->meta.channel;
            q.hpc = hpc;
            if (box.width() > 0 || box.height() > 0)
                q.box = box;
            m_heatmaps->setQuery(q);
        });
        connect(m_globe, &GlobeView::pickRejected, this, [this](const QString &why) { statusBar()->showMessage(why, 8000); });
    }
    return m_globe;
}

void MainWindow::createTimelineDock()
{
    m_timelineDock = new QDockWidget(tr("Timeline"), this);
    m_timelineDock->setObjectName(QStringLiteral("dock.timeline"));
    m_timelineDock->setAllowedAreas(Qt::TopDockWidgetArea | Qt::BottomDockWidgetArea);
    m_timelineView = new TimelineView(m_timelineDock);
    m_timelineView->setObjectName(QStringLiteral("timelineView"));
    m_timelineView->setModel(m_archive->timeline());
    m_timelineDock->setWidget(m_timelineView);
    addDockWidget(Qt::BottomDockWidgetArea, m_timelineDock);
}

void MainWindow::createDisplayDock()
{
    m_displayDock = new QDockWidget(tr("Display"), this);
    m_displayDock->setObjectName(QStringLiteral("dock.display"));
    m_displayPanel = new DisplayPanel(m_settings, m_displayDock);
    m_displayPanel->setObjectName(QStringLiteral("displayPanel"));
    m_displayDock->setWidget(m_displayPanel);
    addDockWidget(Qt::RightDockWidgetArea, m_displayDock);
}

void MainWindow::createTrainingDock()
{
    // The job runner re-attaches the jobs a previous session left running as soon as the window exists.
    m_jobRunner = new JobRunner(this);
    m_trainingDock = new QDockWidget(tr("Training"), this);
    m_trainingDock->setObjectName(QStringLiteral("dock.training"));
    m_trainingPanel = new TrainingPanel(m_jobRunner, m_inference, m_settings, m_trainingDock);
    m_trainingDock->setWidget(m_trainingPanel);
    addDockWidget(Qt::BottomDockWidgetArea, m_trainingDock);
    m_trainingDock->hide();
    connect(m_trainingPanel, &TrainingPanel::settledMaybe, this, &MainWindow::settledMaybe);
    connect(m_archive, &ArchiveDocument::dataChanged, m_trainingPanel, [this] {
        // The archive's span over all channels (the timeline's, in memory) and its channels, for the form's range
        // and channel proposal.
        const TimelineModel *timeline = m_archive->timeline();
        QDateTime first, last;
        if (m_archive->hasData() && timeline->last() >= timeline->first()) {
            first = QDateTime::fromMSecsSinceEpoch(timeline->first(), QTimeZone::utc());
            last = QDateTime::fromMSecsSinceEpoch(timeline->last(), QTimeZone::utc());
        }
        m_trainingPanel->setArchive(m_archive->archiveDir(), first, last, m_archive->channels());
    });
    if (QMenu *view = menuBar()->findChild<QMenu *>(QStringLiteral("menu.view")))
        view->addAction(m_trainingDock->toggleViewAction());
}

void MainWindow::createSimilarityDock()
{
    m_similarityDock = new QDockWidget(tr("Similarity"), this);
    m_similarityDock->setObjectName(QStringLiteral("dock.similarity"));
    auto *panel = new HeatmapPanel(m_heatmaps, m_inference, m_similarityDock);
    panel->setObjectName(QStringLiteral("heatmapPanel"));
    m_similarityDock->setWidget(panel);
    addDockWidget(Qt::RightDockWidgetArea, m_similarityDock);
    // A tab beside the Display dock (stacked, the two docks would not fit a 650 px high window); the first query
    // brings it to the front.
    tabifyDockWidget(m_displayDock, m_similarityDock);
    m_displayDock->raise();
    connect(m_heatmaps, &HeatmapController::queryChanged, this, [this] {
        if (!m_similarityShown && m_viewMode != QLatin1String("search")) {  // the search view keeps its gallery in front
            m_similarityShown = true;
            m_similarityDock->raise();
        }
    });
    connect(m_heatmaps, &HeatmapController::queryChanged, this, &MainWindow::queryChanged);
    // Heatmaps drawn (or given up on) may settle a scripted run waiting for them.
    connect(m_heatmaps, &HeatmapController::heatmapsChanged, this, &MainWindow::settledMaybe, Qt::QueuedConnection);
    // The globe wears the heatmap of its channel's 2D view.
    connect(m_heatmaps, &HeatmapController::heatmapsChanged, m_presenter, &SetViewPresenter::refreshGlobe);
    // A click that cannot be answered (outside the model frame, a channel without data) says why.
    connect(m_heatmaps, &HeatmapController::heatmapsChanged, this, [this] {
        const QString error = m_heatmaps->lastError();
        if (!error.isEmpty() && error != m_lastHeatmapError)
            statusBar()->showMessage(error, 8000);
        m_lastHeatmapError = error;
    });
}

void MainWindow::createTimeWidgets(QToolBar *toolbar)
{
    toolbar->addSeparator();
    m_timeButton = new QToolButton(toolbar);
    m_timeButton->setObjectName(QStringLiteral("timeButton"));
    m_timeButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_timeButton->setText(tr("Go to date…"));
    // Not the action's own button: that would show the action's text instead of the current time.
    QAction *goTo = m_actions->action(QStringLiteral("time.goToDate"));
    connect(m_timeButton, &QToolButton::clicked, goTo, &QAction::trigger);
    connect(goTo, &QAction::changed, m_timeButton, [this, goTo] { m_timeButton->setEnabled(goTo->isEnabled()); });
    m_timeButton->setToolTip(tr("Current time (UTC): click to go to a date"));
    toolbar->addWidget(m_timeButton);

    toolbar->addSeparator();
    m_stepCombo = new StepCombo(toolbar);
    connect(m_stepCombo, &StepCombo::stepChosen, this, [this](qint64 ms) {
        m_settings->setStepMs(ms);
        applySettings();
    });
    toolbar->addWidget(m_stepCombo);

    m_speed = new QDoubleSpinBox(toolbar);
    m_speed->setObjectName(QStringLiteral("speedSpin"));
    m_speed->setRange(0.1, 30.0);
    m_speed->setDecimals(1);
    m_speed->setSingleStep(0.5);
    m_speed->setSuffix(tr(" fps"));
    m_speed->setToolTip(tr("Playback speed (frames per second); [ and ] change it"));
    m_speed->setFocusPolicy(Qt::ClickFocus);
    connect(m_speed, &QDoubleSpinBox::valueChanged, m_playback, &PlaybackController::setFramesPerSecond);
    connect(m_playback, &PlaybackController::framesPerSecondChanged, this, [this](double fps) {
        m_speed->setValue(fps);
        m_settings->setPlaybackFps(fps);
    });
    connect(m_playback, &PlaybackController::loopChanged, this, [this](bool loop) { m_settings->setLoopPlayback(loop); });
    toolbar->addWidget(m_speed);
}

void MainWindow::createStatusBar()
{
    // Labels that end in "…" rather than run into each other in a narrow window; a temporary message
    // (errors, "Saved …") takes the archive status's room while it shows.
    m_readout = new ElidedLabel(this);
    m_readout->setObjectName(QStringLiteral("readoutLabel"));
    statusBar()->addWidget(m_readout, 1);
    m_progressLabel = new ElidedLabel(this);
    m_progressLabel->setObjectName(QStringLiteral("statusLabel"));
    m_progressLabel->setMaximumWidth(420);
    statusBar()->addPermanentWidget(m_progressLabel, 0);
    connect(statusBar(), &QStatusBar::messageChanged, m_progressLabel,
            [this](const QString &message) { m_progressLabel->setVisible(message.isEmpty()); });
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("progressBar"));
    m_progress->setMaximumWidth(220);
    m_progress->setTextVisible(true);
    m_progress->hide();
    statusBar()->addPermanentWidget(m_progress);
    m_cancelButton = new QToolButton(this);
    m_cancelButton->setDefaultAction(m_actions->action(QStringLiteral("file.cancelIndexing")));
    m_cancelButton->setAutoRaise(true);
    m_cancelButton->hide();
    statusBar()->addPermanentWidget(m_cancelButton);
    // A flare of the archive's list in progress at the current time (the timeline's GOES row), in its class's colour.
    m_flareNowLabel = new QLabel(this);
    m_flareNowLabel->setObjectName(QStringLiteral("flareNowLabel"));
    m_flareNowLabel->setToolTip(tr("A flare of the archive's list in progress at this time (Time > Next flare: Alt+Right)"));
    statusBar()->addPermanentWidget(m_flareNowLabel);
    m_cacheLabel = new QLabel(this);
    m_cacheLabel->setObjectName(QStringLiteral("cacheLabel"));
    m_cacheLabel->setToolTip(tr("Prepared maps held in memory for stepping (budget in Edit > Preferences)"));
    statusBar()->addPermanentWidget(m_cacheLabel);
}

void MainWindow::createReactions()
{
    using Step = ObservationDocument::Step;
    auto a = [this](const char *id) { return m_actions->action(QString::fromLatin1(id)); };
    new OpenArchiveReaction(a("file.openArchive"), m_archive, m_settings, this);
    new OpenFilesReaction(a("file.openFiles"), m_archive, this);
    new OpenSampleArchiveReaction(a("file.openSample"), this);
    new RefreshArchiveReaction(a("file.rescan"), m_archive);
    new CancelIndexingReaction(a("file.cancelIndexing"), m_archive);
    new SaveScreenshotReaction(a("file.saveWindowImage"), this);
    new ExportViewReaction(a("file.exportPng"), m_grid, this, ExportViewReaction::Kind::PngWithOverlays,
                           m_settings);
    new ExportViewReaction(a("file.exportPngPlain"), m_grid, this, ExportViewReaction::Kind::PngWithoutOverlays,
                           m_settings);
    new ExportViewReaction(a("file.exportFits"), m_grid, this, ExportViewReaction::Kind::Fits,
                           m_settings);
    m_movieExport = new MovieExportReaction(a("file.exportMovie"), this, m_settings);
    new QuitReaction(a("file.quit"), this);
    new ShortcutsReaction(a("edit.shortcuts"), m_actions, m_settings, this);
    auto *prefs = new PreferencesReaction(a("edit.preferences"), m_settings, this);
    connect(prefs, &PreferencesReaction::applied, this, &MainWindow::applySettings);

    auto *modes = new QActionGroup(this);
    modes->addAction(a("view.maps"));
    modes->addAction(a("view.globe"));
    modes->addAction(a("view.search"));
    modes->addAction(a("view.alignment"));
    modes->addAction(a("view.translation"));
    modes->addAction(a("view.flare"));
    modes->addAction(a("view.lightcurve"));
    modes->addAction(a("view.timedistance"));
    modes->addAction(a("view.regions"));
    new ViewModeReaction(a("view.maps"), this, QStringLiteral("map"));
    new ViewModeReaction(a("view.globe"), this, QStringLiteral("globe"));
    new ViewModeReaction(a("view.search"), this, QStringLiteral("search"));
    new ViewModeReaction(a("view.alignment"), this, QStringLiteral("alignment"));
    new ViewModeReaction(a("view.translation"), this, QStringLiteral("translation"));
    new ViewModeReaction(a("view.flare"), this, QStringLiteral("flare"));
    new ViewModeReaction(a("view.lightcurve"), this, QStringLiteral("lightcurve"));
    new ViewModeReaction(a("view.timedistance"), this, QStringLiteral("timedistance"));
    new ViewModeReaction(a("view.regions"), this, QStringLiteral("regions"));
    using Diff = ObservationDocument::DifferenceMode;
    auto *differences = new QActionGroup(this);
    for (const char *id : {"view.diff.none", "view.diff.running", "view.diff.base"})
        differences->addAction(a(id));
    new DifferenceModeReaction(a("view.diff.none"), m_observation, Diff::None);
    new DifferenceModeReaction(a("view.diff.running"), m_observation, Diff::Running);
    new DifferenceModeReaction(a("view.diff.base"), m_observation, Diff::Base);
    new CompareReaction(a("view.compare.none"), m_presenter, MapView::CompareMode::None, QString());
    new CompareSettingsReaction(a("view.compare.settings"), m_presenter, m_settings, this);
    new FitViewReaction(a("view.fit"), m_grid, FitViewReaction::Mode::Fit);
    new FitViewReaction(a("view.actualSize"), m_grid, FitViewReaction::Mode::ActualSize);
    new OverlayToggleReaction(a("view.overlay.limb"), m_presenter, m_settings, QStringLiteral("limb"), false);
    new OverlayToggleReaction(a("view.overlay.grid"), m_presenter, m_settings, QStringLiteral("grid"), false);
    new OverlayToggleReaction(a("view.overlay.label"), m_presenter, m_settings, QStringLiteral("label"), true);
    new OverlayToggleReaction(a("view.overlay.colorbar"), m_presenter, m_settings, QStringLiteral("colorbar"),
                              false);
    new OverlayToggleReaction(a("view.overlay.axes"), m_presenter, m_settings, QStringLiteral("axes"), false);
    {
        // The levels first (remembered as text, e.g. "-500, -100, 100, 500"), then the switch.
        const QString savedLevels = m_settings->raw().value(QStringLiteral("contours/levels")).toString();
        if (const auto levels = ContourController::parseLevels(savedLevels); levels && !savedLevels.isEmpty())
            m_contours->setLevels(*levels);
        connect(a("view.overlay.contourLevels"), &QAction::triggered, this, [this] {
            bool ok = false;
            const QString text = QInputDialog::getText(
                this, tr("HMI contour levels"), tr("Levels in Gauss (commas or spaces, up to 16):"), QLineEdit::Normal,
                ContourController::levelsText(m_contours->levels()), &ok);
            if (ok)
                setContourLevels(text);
        });
        // Overlays drawn by a controller of their own: the switch (off by default) is remembered under the overlay's id.
        auto controllerToggle = [this, &a](const char *action, const QString &overlay, auto *controller) {
            QAction *toggle = a(action);
            toggle->setCheckable(true);
            toggle->setChecked(m_settings->overlayVisible(overlay).value_or(false));
            controller->setEnabled(toggle->isChecked());
            connect(toggle, &QAction::toggled, this, [this, overlay, controller](bool on) {
                controller->setEnabled(on);
                m_settings->setOverlayVisible(overlay, on);
            });
        };
        controllerToggle("view.overlay.contours", QStringLiteral("contours"), m_contours);
        controllerToggle("view.overlay.noaaRegions", QStringLiteral("noaaRegions"), m_noaa);
        controllerToggle("view.overlay.flareEvents", QStringLiteral("flareEvents"), m_flareEvents);
        {
            // On by default: the row shows only when the archive has a flare list.
            QAction *toggle = a("view.timelineFlares");
            toggle->setCheckable(true);
            toggle->setChecked(m_settings->raw().value(QStringLiteral("timeline/flares"), true).toBool());
            m_timelineFlares->setEnabled(toggle->isChecked());
            connect(toggle, &QAction::toggled, this, [this](bool on) {
                m_timelineFlares->setEnabled(on);
                m_settings->raw().setValue(QStringLiteral("timeline/flares"), on);
            });
            m_timelineFlares->setMinFlux(m_settings->raw().value(QStringLiteral("timeline/flareMinFlux"), kGoesC).toDouble());
            connect(m_timelineView, &TimelineView::flareMinFluxRequested, this, [this](double flux) {
                m_timelineFlares->setMinFlux(flux);
                m_settings->raw().setValue(QStringLiteral("timeline/flareMinFlux"), flux);
            });
        }
        connect(a("view.flareEventWindow"), &QAction::triggered, this, [this] {
            bool ok = false;
            const double hours = QInputDialog::getDouble(this, tr("Flare event window"),
                                                         tr("Mark the flares peaking within this many hours either side "
                                                            "of each map's time:"),
                                                         m_flareEvents->windowHours(), 0, 240, 1, &ok);
            if (ok)
                setFlareEventWindow(hours);
        });
        connect(a("file.openFlareList"), &QAction::triggered, this, [this] {
            const QString path = QFileDialog::getOpenFileName(this, tr("Open a flare list (with sites, or SWPC's with Solar Region Summaries beside it)"),
                                                              m_flareEvents->listPath().isEmpty()
                                                                  ? m_archive->archiveDir()
                                                                  : QFileInfo(m_flareEvents->listPath()).absolutePath(),
                                                              tr("Flare lists (*.csv *.CSV);;All files (*)"));
            if (path.isEmpty())
                return;
            m_flareEvents->setListPath(path);
            m_actions->action(QStringLiteral("view.overlay.flareEvents"))->setChecked(true);
        });
        connect(a("view.queryNoaaRegion"), &QAction::triggered, this, [this] {
            const auto onScreen = m_noaa->regionsOnScreen();
            if (onScreen.labels.isEmpty()) {
                statusBar()->showMessage(m_noaa->isSettled() ? tr("No NOAA region on the map at this time: no Solar Region "
                                                                  "Summary within 36 h, or none on the disk")
                                                             : tr("The Solar Region Summaries are still being read"),
                                         8000);
                return;
            }
            QStringList items;
            for (const auto &l : onScreen.labels)
                items << NoaaRegionController::describe(l);
            bool ok = false;
            const QString chosen = QInputDialog::getItem(this, tr("Query a NOAA region"),
                                                         tr("Active regions at %1 (the similarity, search and light "
                                                            "curve views ask about the one chosen):")
                                                             .arg(SdoTime::toIso(onScreen.map->meta.tObs).left(16)),
                                                         items, 0, false, &ok);
            if (const qsizetype i = items.indexOf(chosen); ok && i >= 0)
                queryNoaaRegion(onScreen.labels[i].seen.region.number);
        });
    }

    new TimeStepReaction(a("time.first"), m_observation, Step::First);
    new TimeStepReaction(a("time.previousDay"), m_observation, Step::PreviousDay);
    new TimeStepReaction(a("time.back"), m_observation, Step::BackByCadence);
    new TimeStepReaction(a("time.previous"), m_observation, Step::PreviousObservation);
    new TimeStepReaction(a("time.next"), m_observation, Step::NextObservation);
    new TimeStepReaction(a("time.forward"), m_observation, Step::ForwardByCadence);
    new TimeStepReaction(a("time.nextDay"), m_observation, Step::NextDay);
    new TimeStepReaction(a("time.last"), m_observation, Step::Last);
    new PlayReaction(a("time.play"), m_playback, m_observation);
    new LoopReaction(a("time.loop"), m_playback);
    QAction *dropFrames = a("time.dropFrames");
    dropFrames->setCheckable(true);
    dropFrames->setChecked(m_playback->dropsFrames());
    connect(dropFrames, &QAction::toggled, m_playback, &PlaybackController::setDropFrames);
    new PlaybackSpeedReaction(a("time.faster"), m_playback, 1.5);
    new PlaybackSpeedReaction(a("time.slower"), m_playback, 1.0 / 1.5);
    new JumpToDateReaction(a("time.goToDate"), m_archive, m_observation, this);
    // Flare to flare through the archive's list (the timeline's GOES row).
    const struct {
        const char *id;
        bool forward;
        double minFlux;
    } jumps[] = {{"time.nextFlare", true, kGoesC}, {"time.previousFlare", false, kGoesC},
                 {"time.nextMajorFlare", true, kGoesM}, {"time.previousMajorFlare", false, kGoesM}};
    for (const auto &j : jumps) {
        auto *jump = new FlareJumpReaction(a(j.id), m_timelineView, m_archive, m_observation, j.forward, j.minFlux);
        connect(jump, &FlareJumpReaction::reported, this, [this](const QString &text) { statusBar()->showMessage(text, 8000); });
    }
}

void MainWindow::connectDocuments()
{
    connect(m_archive, &ArchiveDocument::opened, this, &MainWindow::onArchiveOpened);
    connect(m_archive, &ArchiveDocument::dataChanged, this, &MainWindow::onArchiveData);
    connect(m_archive, &ArchiveDocument::failed, this, [this](const QString &message) { report(message); });
    connect(m_archive, &ArchiveDocument::busyChanged, this, [this] {
        updateStatus();
        updateMessagePage();
        Q_EMIT settledMaybe();
    });
    connect(m_archive, &ArchiveDocument::indexingProgress, this,
            [this](const QString &phase, qint64 done, qint64 total) {
                m_progress->show();
                m_cancelButton->show();
                m_progress->setRange(0, total > 0 ? int(std::min<qint64>(total, INT_MAX)) : 0);
                m_progress->setValue(int(std::min<qint64>(done, INT_MAX)));
                m_progressLabel->setFullText(total > 0 ? tr("%1 %2/%3").arg(phase).arg(done).arg(total)
                                                   : tr("%1: %2").arg(phase).arg(done));
            });
    connect(m_archive, &ArchiveDocument::indexingFinished, this, [this] { updateStatus(); });

    connect(m_observation, &ObservationDocument::timeChanged, this, &MainWindow::onTimeChanged);
    // A catalogue that cannot answer (locked, corrupt, on a disk that went away): said in the status bar.
    connect(m_observation, &ObservationDocument::failed, this, [this](const QString &message) { report(message, false); });
    connect(m_observation, &ObservationDocument::setLoaded, this, [this] {
        updateStatus();
        for (const auto &m : m_observation->members())
            if (!m.error.isEmpty())
                report(m.error, false);  // the view shows it too; no dialog while stepping
    });
    connect(m_observation, &ObservationDocument::setChanged, this, [this] {
        updateMessagePage();
        updateStatus();
    });
    connect(m_presenter, &SetViewPresenter::settled, this, &MainWindow::settledMaybe);
    // Playback moves on only when every visible cell of the current time is on screen.
    m_playback->setFrameGate([this] { return m_presenter->isSettled(); });
    connect(m_presenter, &SetViewPresenter::settled, m_playback, &PlaybackController::frameShown);
    // While playing, a slow set is waited for however long it takes (never shown half-filled).
    connect(m_playback, &PlaybackController::playingChanged, m_presenter, [this](bool playing) {
        m_presenter->setMaxHoldMs(playing ? 0 : SetViewPresenter::kDefaultMaxHoldMs);
    });
    connect(m_playback, &PlaybackController::framesDroppedChanged, this, [this](int total) {
        statusBar()->showMessage(tr("Playback skipped %n frame(s) to keep %1 fps", nullptr, total)
                                     .arg(m_playback->framesPerSecond(), 0, 'g', 3),
                                 4000);
    });
    // With one channel shown only that channel is loaded: a comparison channel must be loaded too.
    connect(m_presenter, &SetViewPresenter::comparisonChanged, this, &MainWindow::updateLoadedChannels);
    connect(m_timelineView, &TimelineView::timeRequested, m_observation, &ObservationDocument::goToTime);
    // The display panel edits the grid's selected view (framed; it moves to a view on screen when the selected
    // one goes away), the one the globe takes its colours from while the globe is shown.
    // In the translation view it edits that view's selected panel (what is on screen) instead.
    connect(m_grid, &MapGrid::currentViewChanged, this, [this](int index) {
        if (m_viewMode != QLatin1String("translation"))
            m_displayPanel->setView(m_grid->view(index));
        headerFollowsSelection();
    });
    connect(m_translation->grid(), &MapGrid::currentViewChanged, this, [this](int index) {
        if (m_viewMode == QLatin1String("translation"))
            m_displayPanel->setView(m_translation->grid()->view(index));
        headerFollowsSelection();
    });
    connect(m_observation, &ObservationDocument::memberChanged, this, [this] {
        if (m_viewMode == QLatin1String("globe"))
            selectGlobeView();
        if (!m_displayPanel->view() || !m_displayPanel->view()->map())
            m_displayPanel->setView(displayTarget());
    });
    connect(m_grid, &MapGrid::readoutChanged, this,
            [this](int index, const MapReadout &r) {
                m_readout->setFullText(r.valid ? r.toString() + m_heatmaps->readoutText(index, r) : QString());
            });

    connect(m_sample, &SampleArchive::progress, this, [this](int step, int steps) {
        m_progress->show();
        m_progress->setRange(0, steps);
        m_progress->setValue(step);
        m_progressLabel->setFullText(tr("Generating the sample archive: step %1/%2").arg(step).arg(steps));
        updateMessagePage();
    });
    connect(m_sample, &SampleArchive::ready, this, [this](const QString &dir, double seconds) {
        if (seconds > 0)
            statusBar()->showMessage(tr("Sample archive generated in %1 s").arg(seconds, 0, 'f', 1), 8000);
        m_progress->hide();
        m_progressLabel->setFullText(QString());
        openArchive(dir);
    });
    connect(m_sample, &SampleArchive::failed, this, [this](const QString &message) {
        m_progress->hide();
        m_progressLabel->setFullText(QString());
        report(message);
        updateMessagePage();
    });
}

void MainWindow::applySettings()
{
    m_cache->setBudget(m_settings->cacheBudgetBytes());
    m_observation->setToleranceMs(m_settings->toleranceMs());
    m_observation->setStepMs(m_settings->stepMs());
    // Playback follows the step: by observation when it is the cadence, by the chosen span otherwise.
    m_playback->setStepKind(m_settings->stepMs() > 0 ? ObservationDocument::Step::ForwardByCadence
                                                     : ObservationDocument::Step::NextObservation);
    m_observation->setDisplaySize(m_settings->displaySize());
    m_observation->setPrefetch(m_settings->prefetchAhead(), m_settings->prefetchBehind());
    m_playback->setFramesPerSecond(m_settings->playbackFps());
    m_playback->setLoop(m_settings->loopPlayback());
    m_speed->setValue(m_playback->framesPerSecond());
    updateStepCombo();
    updateStatus();
}

void MainWindow::restoreLayout()
{
    const QByteArray geometry = m_settings->windowGeometry();
    if (!geometry.isEmpty())
        restoreGeometry(geometry);
    const QByteArray state = m_settings->windowState();
    if (!state.isEmpty())
        restoreState(state);
    // Only the map and globe modes are restored: a layout saved in the training mode opens in the map mode, so
    // the training dock that mode gave most of the window to goes with it.
    if (m_settings->savedViewMode() == QLatin1String("training") && !m_trainingDock->isFloating())
        hideTrainingDock();
    m_viewMode.clear();
    setViewMode(m_settings->viewMode());
}

void MainWindow::hideTrainingDock()
{
    m_trainingDock->hide();
    // The bottom area keeps the height the training mode gave it: the timeline (its other dock) would fill it.
    fitTimelineHeight();
}

void MainWindow::fitTimelineHeight()
{
    // The timeline dock at its own height (every channel row shown), now and once laid out (before the first
    // layout sizes do not hold): neither filling the height a hidden dock left nor squeezed to the height of an
    // empty timeline by a dock resize made before the archive's rows were known (again once they are).
    m_fitTimelinePending = !m_archive->hasData();
    auto fit = [this] {
        if (m_trainingDock->isHidden() && !m_timelineDock->isHidden() && !m_timelineDock->isFloating()
            && dockWidgetArea(m_timelineDock) == Qt::BottomDockWidgetArea)
            resizeDocks({m_timelineDock}, {m_timelineDock->sizeHint().height()}, Qt::Vertical);
    };
    fit();
    QTimer::singleShot(0, this, fit);
}

void MainWindow::saveLayout()
{
    m_settings->setWindowGeometry(saveGeometry());
    // The region table the "regions" view mode put up belongs to the mode, not to the layout: saved hidden (the mode
    // shows it again when it is restored), so a later start in another view does not open with it.
    const bool modesTable = m_viewMode == QLatin1String("regions") && m_noaaDockShownByView && !m_noaa->dock()->isFloating();
    if (modesTable)
        m_noaa->dock()->hide();
    m_settings->setWindowState(saveState());
    if (modesTable)
        m_noaa->dock()->show();
    m_settings->setViewMode(m_viewMode);
    if (m_archive->hasTimeAxis() && !m_archive->archiveDir().isEmpty() && m_observation->hasTime())
        m_settings->setLastTime(m_archive->archiveDir(), m_observation->timeMs());
    m_settings->sync();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    m_playback->pause();
    saveLayout();
    QMainWindow::closeEvent(event);
}

// ---- opening -------------------------------------------------------------------------------------------

void MainWindow::openArchive(const QString &dir)
{
    m_archive->openArchive(dir);
    updateMessagePage();
}

void MainWindow::openFiles(const QStringList &files)
{
    m_archive->openFiles(files);
}

void MainWindow::openSampleArchive()
{
    m_sample->ensure();
    updateMessagePage();
}

void MainWindow::openStartupArchive()
{
    const QString last = m_settings->lastArchive();
    if (!last.isEmpty() && QFileInfo(last).isDir())
        openArchive(last);
    else
        openSampleArchive();
}

void MainWindow::onArchiveOpened()
{
    m_playback->pause();
    m_observation->clear();
    m_displayPanel->setView(nullptr);  // what it edited belongs to what was open (an empty folder shows none)
    m_cache->cancelQueuedExcept({});
    if (!m_archive->archiveDir().isEmpty()) {
        m_settings->setLastArchive(m_archive->archiveDir());
        setWindowTitle(tr("%1 — SolarCHIP Studio").arg(QDir::toNativeSeparators(m_archive->archiveDir())));
    } else {
        setWindowTitle(tr("%n file(s) — SolarCHIP Studio", nullptr, int(m_archive->fileSet().members.size())));
    }
    updateChannelMenu();
    updateCompareMenu();
    updateMessagePage();
}

void MainWindow::onArchiveData()
{
    updateChannelMenu();
    updateCompareMenu();
    updateStepCombo();
    if (!m_archive->hasData()) {
        updateMessagePage();
        return;
    }
    if (m_observation->hasTime()) {
        m_observation->reload();  // a scan found new files: the set at this time may have changed
    } else if (m_initialTime && m_archive->hasTimeAxis()) {  // --date, also into a series of loose files
        m_observation->goToTime(*m_initialTime);
        m_initialTime.reset();
    } else if (const auto start = m_archive->startTime()) {
        m_observation->showTime(*start);
    } else if (m_initialTime) {
        m_observation->goToTime(*m_initialTime);
        m_initialTime.reset();
    } else if (auto last = m_settings->lastTimeMs(m_archive->archiveDir())) {
        m_observation->goToTime(QDateTime::fromMSecsSinceEpoch(*last, QTimeZone::utc()));
    } else {
        m_observation->step(ObservationDocument::Step::Last);
    }
    updateMessagePage();
    if (m_fitTimelinePending)
        fitTimelineHeight();
    if (m_wizardPending) {
        m_wizardPending = false;
        showLowLabelWizard();
    }
}

void MainWindow::headerFollowsSelection()
{
    if (!m_headerDialog || !m_headerDialog->isVisible())
        return;
    const MapView *view = displayTarget();
    if (view && view->map() && view->map().get() != m_headerDialog->map())
        m_headerDialog->setMap(view->map());
}

ContourController *MainWindow::contours() const
{
    return m_contours;
}

void MainWindow::addTableDock(QDockWidget *dock, const QString &actionId)
{
    dock->setParent(this);
    addDockWidget(Qt::RightDockWidgetArea, dock);
    tabifyDockWidget(m_displayDock, dock);
    dock->hide();
    m_actions->adopt(actionId, dock->toggleViewAction());
    if (QMenu *view = menuBar()->findChild<QMenu *>(QStringLiteral("menu.view")))
        view->addAction(dock->toggleViewAction());
}

void MainWindow::setFlareEventWindow(double hours)
{
    m_flareEvents->setWindowHours(hours);
    m_settings->raw().setValue(QStringLiteral("flareEvents/windowHours"), m_flareEvents->windowHours());
}

bool MainWindow::setContourLevels(const QString &text)
{
    QString error;
    const auto levels = ContourController::parseLevels(text, &error);
    if (!levels) {
        report(tr("HMI contour levels: %1").arg(error), true);
        return false;
    }
    m_contours->setLevels(*levels);
    m_settings->raw().setValue(QStringLiteral("contours/levels"), ContourController::levelsText(*levels));
    return true;
}

HeaderDialog *MainWindow::headerDialog() const
{
    return m_headerDialog.data();
}

HeaderDialog *MainWindow::showHeaderDialog()
{
    if (!m_headerDialog) {
        m_headerDialog = new HeaderDialog(this);
        connect(m_headerDialog, &HeaderDialog::settled, this, &MainWindow::settledMaybe, Qt::QueuedConnection);
    }
    const MapView *view = displayTarget();
    m_headerDialog->setMap(view ? view->map() : nullptr);
    m_headerDialog->show();
    m_headerDialog->raise();
    m_headerDialog->activateWindow();
    return m_headerDialog;
}

LowLabelWizard *MainWindow::lowLabelWizard() const
{
    return m_wizard.data();
}

LowLabelWizard *MainWindow::showLowLabelWizard()
{
    if (m_wizard && (m_wizard->isJobRunning() || m_wizard->currentId() != LowLabelWizard::TaskPage
                     || QFileInfo(m_wizard->choices().archive) == QFileInfo(m_archive->archiveDir()))) {
        m_wizard->show();
        m_wizard->raise();
        m_wizard->activateWindow();
        return m_wizard;
    }
    delete m_wizard;
    const TimelineModel *timeline = m_archive->timeline();
    const double spanDays = m_archive->hasData() && timeline->last() > timeline->first()
                                ? (timeline->last() - timeline->first()) / 86400e3
                                : 0;
    m_wizard = new LowLabelWizard(m_wizardJobs, m_archive->archiveDir(), spanDays, this);
    m_wizard->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_wizard, &LowLabelWizard::settledMaybe, this, &MainWindow::settledMaybe, Qt::QueuedConnection);
    // The flare panel's head: FlareController::setHeadRun saves the settings key flare/headRun and rescores.
    m_wizard->setHeadInstaller([this](const QString &runDir) {
        m_flare->setHeadRun(runDir);
        return m_settings->raw().status() == QSettings::NoError
                   ? QString()
                   : tr("%1: could not write the settings").arg(m_settings->fileName());
    });
    m_wizard->show();
    return m_wizard;
}

void MainWindow::updateFlareNow()
{
    const QDateTime t = m_timelineView->currentTime();
    const QVector<FlareEvent> now = t.isValid() ? m_timelineFlares->inProgressAt(t.toMSecsSinceEpoch()) : QVector<FlareEvent>();
    m_flareNowLabel->setText(TimelineFlareController::inProgressText(now));
    m_flareNowLabel->setVisible(!now.isEmpty());
    if (!now.isEmpty())
        m_flareNowLabel->setStyleSheet(QStringLiteral("QLabel { color: %1; font-weight: bold; }")
                                           .arg(flareClassColourOnPlot(flareClassIndex(now.front().peakFlux)).darker(120).name()));
}

void MainWindow::onTimeChanged(const QDateTime &utc)
{
    m_timelineView->setCurrentTime(utc);
    updateFlareNow();
    m_timeButton->setText(utc.isValid() ? utc.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"))
                                        : tr("Go to date…"));
}

void MainWindow::setFocusChannel(const QString &channel)
{
    m_presenter->setFocusChannel(channel);
    m_observation->setAnchorChannel(channel);
    updateLoadedChannels();
    updateChannelMenu();
}

void MainWindow::updateLoadedChannels()
{
    // Only the focus channel is loaded (and the comparison channel, if any); the whole set when none.
    const QString focus = m_presenter->focusChannel();
    QStringList channels;
    if (!focus.isEmpty()) {
        channels << focus;
        const QString other = m_presenter->comparisonChannel();
        if (!other.isEmpty() && other != focus)
            channels << other;
    }
    m_observation->setChannels(channels);
}

void MainWindow::updateCompareMenu()
{
    using Mode = MapView::CompareMode;
    for (auto [name, mode] :
         {std::pair{"menu.compare.blink", Mode::Blink}, std::pair{"menu.compare.overlay", Mode::Overlay}}) {
        QMenu *menu = menuBar()->findChild<QMenu *>(QLatin1String(name));
        if (!menu)
            continue;
        menu->clear();  // deletes the old entries and their reactions
        for (const QString &c : m_archive->channels())
            new CompareReaction(menu->addAction(channelLabel(c)), m_presenter, mode, c);
        menu->setEnabled(!m_archive->channels().isEmpty());
    }
}

QString MainWindow::focusChannel() const
{
    return m_presenter->focusChannel();
}

MapView *MainWindow::displayTarget() const
{
    return m_viewMode == QLatin1String("translation") ? m_translation->grid()->currentView() : m_grid->currentView();
}

void MainWindow::setViewMode(const QString &mode)
{
    const QString m = mode == QLatin1String("globe") || mode == QLatin1String("search")
                              || mode == QLatin1String("alignment") || mode == QLatin1String("training")
                              || mode == QLatin1String("translation")
                              || mode == QLatin1String("flare") || mode == QLatin1String("lightcurve")
                              || mode == QLatin1String("timedistance") || mode == QLatin1String("regions")
                          ? mode
                          : QStringLiteral("map");
    if (m == m_viewMode)
        return;
    const QString previous = m_viewMode;
    m_viewMode = m;
    // The training view mode gives its dock most of the window; another mode gets the window back (the dock
    // hidden again when the training mode showed it), or its panel would be squeezed under the training dock.
    if (previous == QLatin1String("training") && m_trainingDockShownByView && !m_trainingDock->isFloating())
        hideTrainingDock();
    if (m == QLatin1String("training"))
        m_trainingDockShownByView = m_trainingDock->isHidden();
    if (m == QLatin1String("globe")) {
        ensureGlobe();
        selectGlobeView();
    }
    m_presenter->setGlobeActive(m == QLatin1String("globe"));
    m_alignment->setActive(m == QLatin1String("alignment"));  // the map grid, with its overlays and dock
    m_translation->setActive(m == QLatin1String("translation"));
    if (previous == QLatin1String("translation"))
        m_presenter->applySavedDisplays();  // a channel's display chosen on the translation page
    if (m == QLatin1String("translation") || previous == QLatin1String("translation"))
        m_displayPanel->setView(displayTarget());
    m_flare->setActive(m == QLatin1String("flare"));  // the map grid, the attribution overlays and the flare dock
    m_lightCurve->setActive(m == QLatin1String("lightcurve"));  // the map grid, the region's box and the plot below
    m_timeDistance->setActive(m == QLatin1String("timedistance"));  // the map grid, the slit and the diagram below
    m_heatmaps->setDragDrawsLine(m == QLatin1String("timedistance"));
    // The map grid with the NOAA labels (whatever View > NOAA active regions says) and the region table in front; the
    // table hidden again on leaving when this mode showed it.
    m_noaa->setModeActive(m == QLatin1String("regions"));
    if (previous == QLatin1String("regions") && m_noaaDockShownByView && !m_noaa->dock()->isFloating())
        m_noaa->dock()->hide();
    if (m == QLatin1String("regions")) {
        m_noaaDockShownByView = m_noaa->dock()->isHidden();
        m_noaa->dock()->show();
        bringDockToFront(m_noaa->dock());
        // Wide enough for every column beside the maps (again after the first layout, as for the search gallery).
        auto give = [this] {
            if (m_viewMode == QLatin1String("regions") && !m_noaa->dock()->isFloating())
                resizeDocks({m_noaa->dock()}, {std::max(width() * 2 / 5, 560)}, Qt::Horizontal);
        };
        give();
        QTimer::singleShot(0, this, give);
    }
    // The timeline at its rows' height in every mode but training's: the flare, search and alignment docks'
    // resizes would leave it at an empty archive's height, and a bottom dock hidden on leaving a mode (the
    // alignment panel's), or kept tall in a restored layout, would leave it filling the space that dock had.
    if (m != QLatin1String("training"))
        fitTimelineHeight();
    // One cell overlay per map at a time.
    // (The light curve's box, not a heatmap, shows what its plot measures.)
    m_heatmaps->setLayersVisible(m != QLatin1String("alignment") && m != QLatin1String("flare")
                                 && m != QLatin1String("lightcurve") && m != QLatin1String("timedistance"));
    m_search->setFrameVisible(m != QLatin1String("lightcurve") && m != QLatin1String("timedistance"));
    if (m == QLatin1String("search")) {
        // The gallery prominently: its dock shown in the right column (in front of the Display dock, a tab away),
        // raised and given half the window beside the maps.
        // (The tab added last is the one in front once the window is laid out: the gallery's.)
        for (QDockWidget *dock : {m_similarityDock, m_search->dock()})
            if (dockWidgetArea(m_displayDock) == Qt::RightDockWidgetArea && !m_displayDock->isFloating()
                && dockWidgetArea(dock) == Qt::RightDockWidgetArea && !dock->isFloating()
                && !tabifiedDockWidgets(m_displayDock).contains(dock))
                tabifyDockWidget(m_displayDock, dock);
        m_search->dock()->show();
        m_search->raiseDock();  // (and again once a time is shown: before the first layout it may not hold)
        resizeDocks({m_search->dock()}, {width() / 2}, Qt::Horizontal);
    }
    if (m == QLatin1String("training")) {
        // The panel prominently: its dock below the maps, given most of the window's height.
        m_trainingDock->show();
        bringDockToFront(m_trainingDock);
        auto give = [this] {
            if (m_viewMode != QLatin1String("training"))
                return;
            resizeDocks({m_trainingDock}, {height() * 2 / 3}, Qt::Vertical);
            resizeDocks({m_trainingDock}, {width() * 3 / 4}, Qt::Horizontal);  // beside the timeline: most of the width
        };
        give();
        // Before the window's first layout (--view at startup, a restored layout) the sizes do not hold: again after.
        QTimer::singleShot(0, this, give);
    }
    updateMessagePage();
    Q_EMIT viewModeChanged(m);
}

void MainWindow::selectGlobeView()
{
    // The grid is not on screen: the dock and the exports follow the view whose colours the globe wears.
    const MapView *view = m_grid->viewForChannel(m_presenter->globeChannel());
    for (int i = 0; view && i < m_grid->count(); ++i)
        if (m_grid->view(i) == view)
            m_grid->setCurrentIndex(i);
}

void MainWindow::updateChannelMenu()
{
    m_channelMenu->clear();
    auto *group = new QActionGroup(m_channelMenu);
    auto addChoice = [&](const QString &text, const QString &channel) {
        QAction *a = m_channelMenu->addAction(text);
        a->setCheckable(true);
        a->setChecked(focusChannel() == channel);
        group->addAction(a);
        connect(a, &QAction::triggered, this, [this, channel] { setFocusChannel(channel); });
    };
    addChoice(tr("All channels (co-temporal set)"), QString());
    m_channelMenu->addSeparator();
    for (const QString &c : m_archive->channels())
        addChoice(channelLabel(c), c);
}

void MainWindow::updateStepCombo()
{
    m_stepCombo->setStepMs(m_settings->stepMs());
    // The median cadence sorts every gap of the anchor channel (millions in a year of 12 s data): worked out on
    // the thread budget from a copy of the index (shared, not copied), shown when it comes; a stale answer (the
    // archive or anchor changed meanwhile) is dropped.
    const quint64 ticket = ++m_cadenceTicket;
    const TimeIndex index = m_archive->timeline()->index();
    const QString anchor = m_observation->anchorChannel();
    auto future = QtConcurrent::run(ThreadBudget::instance().pool(ThreadBudget::Pool::Background),
                                    [index, anchor] { return index.medianCadence(anchor); });
    auto *watcher = new QFutureWatcher<qint64>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, ticket] {
        watcher->deleteLater();
        if (ticket == m_cadenceTicket)
            m_stepCombo->setCadenceMs(watcher->result());
    });
    watcher->setFuture(future);
}

void MainWindow::updateStatus()
{
    const bool indexing = m_archive->isIndexing();
    if (!indexing && !m_sample->isGenerating()) {
        m_progress->hide();
        m_cancelButton->hide();
        m_progressLabel->setFullText(m_observation->isLoading() ? tr("Loading…") : m_archive->statusText());
    }
    m_cacheLabel->setText(tr("cache %1/%2 MiB")
                              .arg(m_cache->bytesUsed() >> 20)
                              .arg(m_cache->budget() >> 20));
}

void MainWindow::updateMessagePage()
{
    QString message;
    if (m_sample->isGenerating())
        message = tr("Generating the sample archive (first start only)…\n%1").arg(m_progressLabel->text());
    else if (!m_archive->hasData() && m_archive->isBusy())
        message = tr("Opening %1…").arg(QDir::toNativeSeparators(m_archive->archiveDir()));
    else if (!m_archive->hasData() && m_archive->isOpen())
        message = tr("No SDO maps found in %1.").arg(QDir::toNativeSeparators(m_archive->archiveDir()));
    else if (!m_archive->hasData())
        message = tr("Open an archive folder (Ctrl+O) or SDO files (Ctrl+Shift+O), or drop them here.");
    if (!message.isEmpty()) {
        m_messagePage->setText(message);
        m_stack->setCurrentWidget(m_messagePage);
        return;
    }
    if (m_viewMode == QLatin1String("globe"))
        m_stack->setCurrentWidget(m_globe);
    else if (m_viewMode == QLatin1String("translation"))
        m_stack->setCurrentWidget(m_translation);
    else
        m_stack->setCurrentWidget(m_grid);
}

bool MainWindow::queryNoaaRegion(int number)
{
    const auto onScreen = m_noaa->regionsOnScreen();
    QJsonObject record{{QStringLiteral("number"), number}};
    for (const auto &l : onScreen.labels) {
        if (l.seen.region.number != number)
            continue;
        QueryPoint q;
        q.timeMs = onScreen.map->meta.tObs.toMSecsSinceEpoch();
        q.channel = onScreen.map->meta.channel;
        q.hpc = QPointF(l.seen.tx, l.seen.ty);
        q.noaa = number;
        record.insert(QStringLiteral("channel"), q.channel);
        record.insert(QStringLiteral("tx"), q.hpc.x());
        record.insert(QStringLiteral("ty"), q.hpc.y());
        m_noaa->setLastQuery(record);
        m_heatmaps->setQuery(q);
        statusBar()->showMessage(tr("Query: NOAA %1 at (%2″, %3″)").arg(number).arg(q.hpc.x(), 0, 'f', 0).arg(q.hpc.y(), 0, 'f', 0), 8000);
        return true;
    }
    const QString why = onScreen.labels.isEmpty()
                            ? tr("NOAA %1: no Solar Region Summary within 36 h of the maps, or none read").arg(number)
                            : tr("NOAA %1 is not on the map at this time (regions there: %2)")
                                  .arg(number)
                                  .arg([&] {
                                      QStringList n;
                                      for (const auto &l : onScreen.labels)
                                          n << QString::number(l.seen.region.number);
                                      return n.join(QStringLiteral(", "));
                                  }());
    record.insert(QStringLiteral("error"), why);
    m_noaa->setLastQuery(record);
    statusBar()->showMessage(why, 10000);
    return false;
}

bool MainWindow::isSettled() const
{
    return !m_sample->isGenerating() && !m_archive->isBusy() && m_archive->hasData() && m_presenter->isSettled()
           && m_heatmaps->isSettled() && m_search->isSettled() && m_alignment->isSettled()
           && m_trainingPanel->isSettled()
           && m_translation->isSettled()
           && m_flare->isSettled() && (!m_wizard || m_wizard->isSettled())
           && (!m_headerDialog || m_headerDialog->isSettled()) && m_contours->isSettled() && m_noaa->isSettled()
           && m_flareEvents->isSettled() && m_timelineFlares->isSettled() && !m_pendingNoaaQuery
           && m_lightCurve->isSettled() && m_timeDistance->isSettled();
}

void MainWindow::report(const QString &message, bool modal)
{
    statusBar()->showMessage(message, 10000);
    Q_EMIT failed(message);
    if (m_interactive && modal)
        QMessageBox::warning(this, tr("SolarCHIP Studio"), message);
}

// ---- drag and drop ---------------------------------------------------------------------------------------

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    const QMimeData *mime = event->mimeData();
    if (!mime->hasUrls())
        return;
    for (const QUrl &url : mime->urls())
        if (!url.isLocalFile())
            return;
    event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    QStringList files;
    QString folder;
    for (const QUrl &url : event->mimeData()->urls()) {
        const QString path = url.toLocalFile();
        if (QFileInfo(path).isDir())
            folder = path;
        else
            files << path;
    }
    // A folder is an archive; files are opened as a set (a folder wins when both are dropped).
    if (!folder.isEmpty())
        openArchive(folder);
    else if (!files.isEmpty())
        dropFiles(files);
    event->acceptProposedAction();
}

void MainWindow::dropFiles(const QStringList &files)
{
    const int open = int(m_archive->looseFiles().size());
    DropFilesDialog::Choice choice = m_dropChoice;
    if (open == 0)
        choice = DropFilesDialog::Choice::Replace;  // nothing to add to
    else if (choice == DropFilesDialog::Choice::Ask)
        choice = m_interactive ? DropFilesDialog::ask(this, int(files.size()), open) : DropFilesDialog::Choice::Replace;
    if (choice == DropFilesDialog::Choice::Add) {
        if (m_observation->hasTime())  // the enlarged set opens where the user was
            m_initialTime = m_observation->time();
        m_archive->addFiles(files);
    }
    else if (choice == DropFilesDialog::Choice::Replace)
        openFiles(files);
}

}  // namespace solarchip
