#include "app/gui/ScreenshotRun.h"

#include "app/gui/ArchiveDocument.h"
#include "app/gui/HeaderDialog.h"
#include "app/gui/LowLabelWizard.h"
#include "app/gui/MainWindow.h"
#include "app/gui/MovieExportReaction.h"
#include "app/gui/ObservationDocument.h"
#include "app/gui/SampleArchive.h"
#include "app/gui/SetViewPresenter.h"
#include "app/gui/WindowCapture.h"
#include "app/gui/WindowState.h"
#include "core/map/MapMeta.h"

#include <QCoreApplication>
#include <QDir>
#include <QImage>

#include <cstdio>

namespace solarchip {

ScreenshotRun::ScreenshotRun(MainWindow *window, const StudioOptions &options, QObject *parent)
    : QObject(parent), m_window(window), m_options(options)
{
}

void ScreenshotRun::start()
{
    m_elapsed.start();
    connect(m_window, &MainWindow::failed, this, &ScreenshotRun::fail);
    // Settling is announced by signals; the poll only catches transitions no signal reports (a render that
    // reaches the screen in a view the presenter does not watch, for instance).
    connect(m_window, &MainWindow::settledMaybe, this, &ScreenshotRun::check, Qt::QueuedConnection);
    m_poll.setInterval(50);
    connect(&m_poll, &QTimer::timeout, this, &ScreenshotRun::check);
    m_poll.start();
    m_deadline.setSingleShot(true);
    m_deadline.setInterval(m_options.timeoutS * 1000);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        fail(tr("gave up after %1 s waiting for %2").arg(m_options.timeoutS).arg(waitingFor()));
    });
    m_deadline.start();
    // Scripted runs have no window to watch: say what takes the time on first use.
    connect(m_window->sample(), &SampleArchive::progress, this, [last = 0](int step, int steps) mutable {
        // Progress comes per file; one line per tenth of the run is plenty.
        if (step != last && (step == 1 || step == steps || step % std::max(1, steps / 10) == 0))
            std::fprintf(stderr, "solarchip-studio: generating the sample archive (first use): step %d/%d\n", step,
                         steps);
        last = step;
    });
    connect(m_window->sample(), &SampleArchive::ready, this, [](const QString &dir, double seconds) {
        if (seconds > 0)
            std::fprintf(stderr, "solarchip-studio: sample archive generated in %.1f s: %s\n", seconds,
                         qPrintable(dir));
    });
}

QString ScreenshotRun::waitingFor() const
{
    ArchiveDocument *archive = m_window->archive();
    if (m_window->sample()->isGenerating())
        return tr("the sample archive to be generated");
    if (archive->isBusy())
        return tr("the archive to be indexed");
    if (!m_window->observation()->hasTime())
        return tr("a time to show");
    if (m_window->observation()->isLoading())
        return tr("the maps to load");
    return tr("the views to render");
}

void ScreenshotRun::check()
{
    if (m_done || m_movieRunning)
        return;
    ArchiveDocument *archive = m_window->archive();
    const bool opening = m_window->sample()->isGenerating() || archive->isBusy();
    if (!opening && archive->isOpen() && !archive->hasData()) {
        fail(tr("%1: no SDO maps found").arg(QDir::toNativeSeparators(archive->archiveDir())));
        return;
    }
    if (!opening && archive->hasData() && !m_options.channel.isEmpty()
        && !archive->channels().contains(m_options.channel)) {
        fail(tr("%1: no %2 observations (the archive has %3)")
                 .arg(QDir::toNativeSeparators(archive->archiveDir()), channelLabel(m_options.channel),
                      archive->channels().join(QStringLiteral(", "))));
        return;
    }
    if (!m_window->isSettled()) {
        m_settledChecks = 0;
        return;
    }
    // Settled twice in a row, with the event queue drained in between: late paints and renders are in.
    if (++m_settledChecks < 2) {
        QCoreApplication::processEvents();
        return;
    }
    // --view header: the selected view's header dialog, opened once the maps are in; the window counts as
    // settled again once the file's header is read.
    if (m_options.view == QLatin1String("header") && !m_window->headerDialog()) {
        m_window->showHeaderDialog();
        m_settledChecks = 0;
        return;
    }
    capture();
}

void ScreenshotRun::capture()
{
    // --export-movie: the movie first (from the time shown), then the state (with its report) and the screenshot.
    if (!m_options.exportMovie.isEmpty() && !m_movieStarted) {
        m_movieStarted = m_movieRunning = true;
        MovieExportOptions o;
        o.folder = m_options.exportMovie;
        o.stem = m_options.movieName;
        o.from = m_window->observation()->time().toUTC();
        o.to = m_options.movieTo ? m_options.movieTo->toUTC() : o.from.addDays(1);
        o.step = m_options.movieStep == QLatin1String("cadence") ? ObservationDocument::Step::ForwardByCadence
                                                                 : ObservationDocument::Step::NextObservation;
        o.fps = m_options.movieFps;
        const auto content = m_options.movieFrames == QLatin1String("all")          ? MovieExportReaction::Content::AllViews
                             : m_options.movieFrames == QLatin1String("view-plain") ? MovieExportReaction::Content::SelectedViewWithoutOverlays
                                                                                     : MovieExportReaction::Content::SelectedViewWithOverlays;
        connect(m_window->movieExport(), &MovieExportReaction::finished, this, [this](bool ok, const QString &message) {
            m_movieRunning = false;
            std::fprintf(ok ? stdout : stderr, "solarchip-studio: %s\n", qPrintable(message));
            std::fflush(ok ? stdout : stderr);
            if (!ok && !m_options.stateJson.isEmpty())
                writeWindowState(m_window, m_options.stateJson);  // what was written, and why it stopped
            if (!ok) {
                fail(message);
                return;
            }
            // The app went back to the first time: capture once it is settled there again.
            m_settledChecks = 0;
        });
        const Status started = m_window->movieExport()->exportMovie(o, content, m_options.movieDataResolution, false);
        if (!started) {
            m_movieRunning = false;
            fail(started.errorString());
        }
        return;
    }
    // The state goes out first, errors included, so a check can read what failed as well as the exit code.
    if (!m_options.stateJson.isEmpty()) {
        const QString error = writeWindowState(m_window, m_options.stateJson);
        if (!error.isEmpty()) {
            fail(error);
            return;
        }
        std::fprintf(stdout, "solarchip-studio: wrote state %s\n", qPrintable(m_options.stateJson));
        std::fflush(stdout);
    }
    const QStringList errors = m_window->presenter()->errors();
    if (!errors.isEmpty()) {
        fail(errors.join(QLatin1Char('\n')));
        return;
    }
    if (m_options.screenshot.isEmpty()) {
        finish(0);
        return;
    }
    // --view wizard: the wizard's window (its first page) is the picture; --view header: the header dialog.
    QWidget *shown = m_window;
    if (m_options.view == QLatin1String("wizard")) {
        shown = m_window->lowLabelWizard() ? m_window->lowLabelWizard() : m_window->showLowLabelWizard();
        QCoreApplication::processEvents();
    } else if (m_options.view == QLatin1String("header") && m_window->headerDialog()) {
        shown = m_window->headerDialog();
        QCoreApplication::processEvents();
    }
    const Status written = WindowCapture::save(shown, m_options.screenshot);
    if (!written) {
        fail(written.errorString());
        return;
    }
    const QImage check(m_options.screenshot);
    std::fprintf(stdout, "solarchip-studio: wrote %s (%dx%d) at %s in %.1f s\n", qPrintable(m_options.screenshot),
                 check.width(), check.height(), qPrintable(m_window->observation()->time().toString(Qt::ISODate)),
                 m_elapsed.elapsed() / 1000.0);
    std::fflush(stdout);
    finish(0);
}

void ScreenshotRun::fail(const QString &message)
{
    if (m_done)
        return;
    std::fprintf(stderr, "solarchip-studio: %s\n", qPrintable(message));
    finish(1);
}

void ScreenshotRun::finish(int code)
{
    m_done = true;
    m_poll.stop();
    m_deadline.stop();
    m_window->close();
    QCoreApplication::exit(code);
}

}  // namespace solarchip
