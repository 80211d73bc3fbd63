// solarchip-studio: the desktop explorer (and its scripting hook: --screenshot, --bench-stepping).
#include "app/gui/HeatmapController.h"
#include "app/gui/InferenceWorker.h"
#include "app/gui/FlareController.h"
#include "app/gui/ActionRegistry.h"
#include "app/gui/FlareEventController.h"
#include "app/gui/MainWindow.h"
#include "app/gui/TranslationView.h"
#include "app/gui/ObservationDocument.h"
#include "app/gui/ScreenshotRun.h"
#include "app/gui/SearchController.h"
#include "app/gui/StallWatchdog.h"
#include "app/gui/SteppingBenchmark.h"
#include "app/gui/StudioOptions.h"
#include "app/gui/StudioSettings.h"
#include "core/base/ThreadBudget.h"
#include "core/map/Jp2Reader.h"
#include "resources/resources.h"

#include <QApplication>
#include <QIcon>

#include <cmath>
#include <memory>

int main(int argc, char **argv)
{
    QCoreApplication::setApplicationName(QStringLiteral("SolarCHIP Studio"));
    QCoreApplication::setOrganizationName(QStringLiteral("SolarCHIP"));
    // Our options are checked before QApplication exists: --help and usage errors need no display.
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    const solarchip::StudioOptionsResult parsed = solarchip::parseStudioOptions(solarchip::withoutQtOptions(arguments));
    if (!parsed.options)
        return parsed.exitCode;
    const solarchip::StudioOptions &options = *parsed.options;

    QApplication app(argc, argv);
    solarchip::initResources();
    // The desktop entry and icon the package installs (packaging/): window managers and Wayland compositors
    // match the window to org.solarchip.studio.desktop; the icon is compiled in for uninstalled builds.
    QGuiApplication::setDesktopFileName(QStringLiteral("org.solarchip.studio"));
    QIcon icon;
    for (int size : {32, 64, 256})
        icon.addFile(QStringLiteral(":/solarchip/icons/app-%1.png").arg(size), QSize(size, size));
    QApplication::setWindowIcon(icon);

    // One thread budget for the process (core/base/ThreadBudget): OpenCV's threads follow it, and the pools
    // the app works on are started now, at background priority, so painting and input come first.
    solarchip::ThreadBudget &budget = solarchip::ThreadBudget::instance();
    budget.applyToLibraries();
    solarchip::Jp2Reader::setDecoderThreads(budget.sizes().openjpeg);  // decodes run side by side on the Io pool
    for (solarchip::ThreadBudget::Pool pool : solarchip::ThreadBudget::kPools)
        if (pool != solarchip::ThreadBudget::Pool::Inference)  // inference runs on InferenceWorker's own thread
            budget.pool(pool);

    solarchip::StudioSettings settings(options.settingsFile);
    solarchip::MainWindow window(&settings);
    window.setInteractive(!options.isScripted());
    if (options.windowSize.isValid())
        window.resize(options.windowSize);
    else if (options.isScripted())
        window.resize(1400, 900);
    // The translation view's choices go in before the view mode activates it (and loads its translator).
    if (options.translator)
        window.translation()->setRunDir(*options.translator);
    if (!options.translateChannel.isEmpty())
        window.translation()->setChannel(options.translateChannel);
    if (options.translateSamples > 0)
        window.translation()->setSamples(options.translateSamples);
    if (options.translateSeed)
        window.translation()->setSeed(*options.translateSeed);
    if (options.view == QLatin1String("wizard")) {
        window.showLowLabelWizardWhenReady();  // over the map grid, once the archive has data
    } else if (options.view == QLatin1String("header")) {
        // The dialog opens over the map grid once the maps are in (for a scripted capture, ScreenshotRun does).
        window.setViewMode(QStringLiteral("map"));
        if (!options.isCaptureRun())
            QObject::connect(&window, &solarchip::MainWindow::settledMaybe, &window, [&window] {
                if (!window.headerDialog() && window.isSettled())
                    window.showHeaderDialog();
            });
    } else if (!options.view.isEmpty()) {
        window.setViewMode(options.view);
    }
    if (!options.contourLevels.isEmpty())
        window.setContourLevels(options.contourLevels);
    if (options.contours)
        window.actions()->action(QStringLiteral("view.overlay.contours"))->setChecked(true);
    if (options.noaaRegions)
        window.actions()->action(QStringLiteral("view.overlay.noaaRegions"))->setChecked(true);
    if (options.queryNoaa)
        window.queryNoaaRegionWhenReady(*options.queryNoaa);
    if (options.flareWindowHours)
        window.setFlareEventWindow(*options.flareWindowHours);
    if (!options.flareList.isEmpty())
        window.flareEvents()->setListPath(options.flareList);
    if (options.flareEvents)
        window.actions()->action(QStringLiteral("view.overlay.flareEvents"))->setChecked(true);
    if (options.date)
        window.setInitialTime(options.date);
    if (!options.channel.isEmpty())
        window.setFocusChannel(options.channel);
    // The current model (--model, else the one "use this model" chose, else the embedded default) and the
    // scripted click of --query-hpc.
    window.inference()->setModelFile(options.model.isEmpty() ? settings.currentModel() : options.model);
    if (!options.flareHead.isEmpty())
        window.flareController()->setHeadOverride(options.flareHead);
    if (options.queryHpc)
        window.heatmaps()->setScriptedQuery(*options.queryHpc, options.queryBox, options.channel);
    if (options.slit)  // a scripted Shift+drag: the slit, and the box it spans
        window.heatmaps()->setScriptedQuery(options.slit->center(),
                                            QSizeF(std::abs(options.slit->dx()), std::abs(options.slit->dy())),
                                            options.channel, *options.slit);
    // --query-hpc: the archive search runs at the time first shown, once the model and its store are known.
    if (options.queryHpc)
        window.search()->setPendingQuery(*options.queryHpc, options.queryBox, options.channel);
    if (options.difference == QLatin1String("running"))
        window.observation()->setDifferenceMode(solarchip::ObservationDocument::DifferenceMode::Running);
    else if (options.difference == QLatin1String("base"))
        window.observation()->setDifferenceMode(solarchip::ObservationDocument::DifferenceMode::Base);

    // SOLARCHIP_STALL_LOG_MS=50 logs every UI stall longer than 50 ms while the app runs.
    std::unique_ptr<solarchip::StallWatchdog> watchdog;
    if (const double logMs = qEnvironmentVariable("SOLARCHIP_STALL_LOG_MS").toDouble(); logMs > 0) {
        watchdog = std::make_unique<solarchip::StallWatchdog>();
        watchdog->setLogThresholdMs(logMs);
        watchdog->start();
    }

    std::unique_ptr<solarchip::ScreenshotRun> screenshot;
    std::unique_ptr<solarchip::SteppingBenchmark> bench;
    if (options.benchStepping) {
        bench = std::make_unique<solarchip::SteppingBenchmark>(&window, options);
        bench->start();
    } else if (options.isCaptureRun()) {
        screenshot = std::make_unique<solarchip::ScreenshotRun>(&window, options);
        screenshot->start();
    }
    window.show();

    if (!options.archive.isEmpty())
        window.openArchive(options.archive);
    else if (options.sample)
        window.openSampleArchive();
    else if (!options.files.isEmpty())
        window.openFiles(options.files);
    else
        window.openStartupArchive();
    return app.exec();
}
