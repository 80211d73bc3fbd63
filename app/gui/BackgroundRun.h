#pragma once
// What a dock's background measurement shares (the light curve, the time-distance plot): a progress bar and a Cancel
// button below the dock's controls, shown while a run is in flight, the bar polled from the worker's counters every
// 100 ms; a cancel flag the worker reads between files; a ticket, so an answer that arrives after a newer request (or
// after another archive was opened) is dropped. And the save dialog the docks' exports share.

#include <QObject>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <utility>

class QHBoxLayout;
class QLabel;
class QProgressBar;
class QPushButton;
class QTimer;
class QWidget;

namespace solarchip {

class StudioSettings;

class BackgroundRun : public QObject {
    Q_OBJECT
public:
    /// What the worker reads and writes.
    struct State {
        std::atomic<int> done{0};
        std::atomic<int> total{0};
        std::atomic<bool> cancel{false};
    };

    /// Adds the bar (`objectPrefix` + "Progress") and the Cancel button (`objectPrefix` + "Cancel"), hidden, to
    /// `layout` in `panel`.
    BackgroundRun(QWidget *panel, QHBoxLayout *layout, const QString &objectPrefix, QObject *parent);
    ~BackgroundRun() override;

    /// Asks the run in flight to stop and starts a new one: its state (for the worker) and its ticket.
    std::pair<std::shared_ptr<State>, quint64> start();
    /// The answer of `ticket` arrived: false when a newer run (or drop()) superseded it; else the run ends (the bar
    /// and the button hidden) and true.
    bool finish(quint64 ticket);
    /// Asks the run in flight to stop (its answer still comes, with what was done).
    void cancel();
    /// Stops the run in flight and ignores its answer; true when one was running.
    bool drop();
    bool isRunning() const { return m_running; }
    QPushButton *cancelButton() const { return m_cancelButton; }

private:
    void stopShowing();

    QProgressBar *m_bar = nullptr;
    QPushButton *m_cancelButton = nullptr;
    QTimer *m_timer = nullptr;
    std::shared_ptr<State> m_state;
    bool m_running = false;
    quint64 m_ticket = 0;
};

/// A save dialog opened in the folder of the last export (the maps' exports share it) with `name` proposed; the
/// folder chosen is remembered. Empty: cancelled.
QString askExportPath(QWidget *parent, StudioSettings *settings, const QString &title, const QString &name,
                      const QString &filter);
/// askExportPath, then `write(path)` (the error's text; empty: written); `status` then says "Saved PATH" or the
/// error. Nothing happens when the dialog is cancelled.
void exportThroughDialog(QWidget *parent, StudioSettings *settings, QLabel *status, const QString &title, const QString &name,
                         const QString &filter, const std::function<QString(const QString &path)> &write);

}  // namespace solarchip
