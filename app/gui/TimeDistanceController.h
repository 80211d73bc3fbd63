#pragma once
// View > Time-distance plot along a slit (Ctrl+8, --view timedistance): the maps with a dock below them showing a
// time-distance diagram (widgets/TimeDistancePlot) of one channel along the slit the user Shift+dragged on a map (a
// click: a radial slit 200" long through the point, for waves and jets leaving a region or the limb): the files' own
// values along the line (core/archive/TimeDistance: bilinear through each file's WCS, averaged across the width, AIA
// in DN/s), stacked in time around the time it was drawn (Auto: about 100 observations at the channel's cadence, or a
// fixed span; at most kMaxProfiles, evenly spaced). The slit is drawn on every map (widgets/OverlaySlit), fixed on
// the sky or carried with the Sun's rotation. Shift+drag on the plot along a ridge reads its plane-of-sky speed. The
// files are read on the thread budget's background pool with progress and Cancel (what was read stays); Export CSV
// writes the diagram and Save plot the plot as PNG or PDF. The current time follows on the plot, a click jumps.
// Choices (channel follows the map dragged on; span, width, follow rotation) are remembered.

#include "core/archive/TimeDistance.h"
#include "app/gui/QueryPoint.h"

#include <QJsonObject>
#include <QObject>
#include <QString>

#include <memory>
#include <optional>

class QCheckBox;
class QComboBox;
class QDockWidget;
class QLabel;
class QMainWindow;
class QPushButton;
class QSpinBox;

namespace solarchip {

class ArchiveDocument;
class MapGrid;
class ObservationDocument;
class BackgroundRun;
class OverlaySlit;
class StudioSettings;
class TimeDistancePlot;

class TimeDistanceController : public QObject {
    Q_OBJECT
public:
    static constexpr int kMaxProfiles = 1000;
    static constexpr double kClickSlitArcsec = 200.0;

    TimeDistanceController(QMainWindow *window, ArchiveDocument *archive, ObservationDocument *observation, MapGrid *grid,
                           StudioSettings *settings, QObject *parent = nullptr);
    ~TimeDistanceController() override;

    void setActive(bool active);
    bool isActive() const { return m_active; }
    /// A Shift+drag (its line is the slit) or a click (a radial slit through it) on a map.
    void setQuery(const QueryPoint &query);
    bool isSettled() const;
    QDockWidget *dock() const { return m_dock; }
    TimeDistancePlot *plot() const { return m_plot; }
    const std::optional<TimeDistance> &result() const { return m_result; }
    void cancel();
    /// Writes the diagram as CSV (atomically); an error message, or empty.
    QString exportCsv(const QString &path) const;
    /// state, status, slit {start, end, width, length_arcsec, length_mm, follow_rotation, reference}, channel, unit,
    /// span, show, profiles, measured, failed, first_error, samples, mm_per_arcsec, plot {columns, rows, colour_low,
    /// colour_high, log}, speed_km_s, dock_in_front.
    QJsonObject state() const;

    /// The slit a query asks for: its drag, else a radial line of kClickSlitArcsec through the click.
    static QLineF slitFor(const QueryPoint &query);

Q_SIGNALS:
    void settledMaybe();

private:
    void createDock(QMainWindow *window);
    void measure();
    void showResult();
    void updateOverlay();
    void updateSlitText();
    void fillChannels();

    QMainWindow *m_window;
    ArchiveDocument *m_archive;
    ObservationDocument *m_observation;
    MapGrid *m_grid;
    StudioSettings *m_settings;
    std::shared_ptr<OverlaySlit> m_overlay;

    QDockWidget *m_dock = nullptr;
    QLabel *m_slitLabel = nullptr;
    QComboBox *m_channelBox = nullptr;
    QComboBox *m_spanBox = nullptr;
    QComboBox *m_showBox = nullptr;
    QSpinBox *m_widthBox = nullptr;
    QCheckBox *m_followBox = nullptr;
    QPushButton *m_exportButton = nullptr;
    QPushButton *m_savePlotButton = nullptr;
    QLabel *m_statusLabel = nullptr;
    QLabel *m_readoutLabel = nullptr;       // what lies under the pointer on the plot
    TimeDistancePlot *m_plot = nullptr;
    BackgroundRun *m_run = nullptr;         // the measurement in flight: progress, Cancel, ticket

    bool m_active = false;
    std::optional<QueryPoint> m_query;
    std::optional<Slit> m_slit;             // what m_result measures (or is being measured)
    std::optional<TimeDistance> m_result;
    bool m_stale = false;
    QString m_error;
    QString m_note;                         // thinned, or the span chosen automatically
    bool m_cancelled = false;
};

}  // namespace solarchip
