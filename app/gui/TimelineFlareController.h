#pragma once
// The timeline strip's GOES flares row (View > GOES flares in the timeline, on by default, remembered as
// "timeline/flares"): the flares of C1 and above (the row's context menu: from B, C, M or X; remembered as
// "timeline/flareMinFlux") of the open archive's flare list — the one swpc_flarelist_*.csv at
// its top (what the generator writes; the real SWPC list can be put there), the same list the flare panel and the
// light curve mark — drawn at their peaks on the strip below the channel rows. Read on the background pool at every
// archive open and after each scan (a list dropped into the folder since), through the process's shared list cache.
// Without a list the row is hidden; a list that cannot be read hides it too and says why (error(), state; the window
// puts it in the status bar).

#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QVector>

#include <memory>

namespace solarchip {

class ArchiveDocument;
class TimelineView;
struct FlareEvent;
class FlareList;

class TimelineFlareController : public QObject {
    Q_OBJECT
public:
    TimelineFlareController(ArchiveDocument *archive, TimelineView *view, QObject *parent = nullptr);

    void setEnabled(bool enabled);
    bool isEnabled() const { return m_enabled; }
    /// The smallest peak flux shown (W/m^2; default C1, the row's context menu offers B to X); reads the list again.
    void setMinFlux(double flux);
    double minFlux() const { return m_minFlux; }
    /// No list is being read.
    bool isSettled() const { return !m_loading; }
    /// The list's file, empty when none was found.
    const QString &listPath() const { return m_path; }
    /// Why no row is shown (no list, an unreadable one), empty otherwise.
    const QString &error() const { return m_error; }
    /// The row's flares (the list read, from the row's smallest class) in progress at `utcMs`
    /// (FlareEvent::inProgressAt), strongest first.
    QVector<FlareEvent> inProgressAt(qint64 utcMs) const;
    /// A line for the status bar about them ("GOES M2.5 in progress, peak 06:41 UTC, NOAA 11226 (+1 more)"); empty
    /// when none.
    static QString inProgressText(const QVector<FlareEvent> &inProgress);
    /// enabled, loading, list, error, min_flux, in_progress [class] (at the timeline's current time), row {visible, x, y, width, height}, flares (in the row), c, m, x (by class), and
    /// `listed`: per flare (up to 2000) {class, peak, x} with x the bar's centre in the strip's coordinates.
    QJsonObject state() const;

Q_SIGNALS:
    /// A list was read (or none found), or the switch moved.
    void changed();
    /// The row appeared or went: the owner refits the timeline's height.
    void rowShownChanged();

private:
    void reload();

    ArchiveDocument *m_archive;
    TimelineView *m_view;
    QString m_path;
    QString m_error;
    std::shared_ptr<const FlareList> m_list;  // what the row shows, while it is shown
    bool m_enabled = true;
    double m_minFlux = 1e-6;  // C1
    bool m_loading = false;
    quint64 m_ticket = 0;
};

}  // namespace solarchip
