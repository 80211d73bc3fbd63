#pragma once
// The --screenshot and --state-json hook: waits until the main window has opened what was asked (archive
// scanned, the time chosen, every map of the set loaded and rendered, the globe drawn) — by watching the
// documents, not by sleeping — then writes the window's state as JSON (WindowState, also when a member failed
// to load) and/or the whole window as PNG and quits with 0. Anything that goes wrong on the way (no
// such archive, no maps in it, a channel the archive lacks, a map that cannot be read, the time limit) quits
// with 1 and a message on stderr.

#include "app/gui/StudioOptions.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace solarchip {

class MainWindow;

class ScreenshotRun : public QObject {
    Q_OBJECT
public:
    ScreenshotRun(MainWindow *window, const StudioOptions &options, QObject *parent = nullptr);
    void start();

private:
    void check();
    void capture();
    void fail(const QString &message);
    void finish(int code);
    QString waitingFor() const;

    MainWindow *m_window;
    StudioOptions m_options;
    QTimer m_poll;
    QTimer m_deadline;
    QElapsedTimer m_elapsed;
    int m_settledChecks = 0;
    bool m_done = false;
    bool m_movieStarted = false, m_movieRunning = false;  // --export-movie
};

}  // namespace solarchip
