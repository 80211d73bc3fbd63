#pragma once
// View > Light curve of a region (Ctrl+7, --view lightcurve): the maps with a dock below them plotting, against
// time, what the archive's files hold inside the box the user clicked or dragged on a map (the Similarity query:
// a click is a box of the chosen size around the point, Shift+drag the box itself): per channel the mean, mean
// |value|, maximum, minimum or sum of the files' own pixels (core/archive/LightCurve; AIA in DN/s, HMI in Gauss),
// over a span around the time the box was drawn (or the whole archive; at most kMaxPerChannel observations per
// channel, evenly spaced). The box stays fixed on the sky or follows the Sun's differential rotation, and is drawn
// (dashed) on every map where it is at that map's time. One channel in its unit, or every AIA channel divided by its
// own median on one scale. The files are read on the thread budget's background pool with progress and Cancel
// (what was measured stays); Export CSV writes the points and Save plot the plot as PNG or PDF (atomically). The current time follows on the plot, a
// click on it jumps; the archive's flare list marks its C, M and X flares there. Choices (follow rotation, span, box
// size) are remembered.

#include "core/archive/LightCurve.h"
#include "widgets/LightCurvePlot.h"
#include "app/gui/QueryPoint.h"

#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QVector>

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
class BackgroundRun;
class MapGrid;
class ObservationDocument;
class OverlayRegionBox;
class RegionSummaryArchive;
class StudioSettings;

class LightCurveController : public QObject {
    Q_OBJECT
public:
    static constexpr int kMaxPerChannel = 1000;

    LightCurveController(QMainWindow *window, ArchiveDocument *archive, ObservationDocument *observation, MapGrid *grid,
                         StudioSettings *settings, QObject *parent = nullptr);
    ~LightCurveController() override;

    /// The view mode is "lightcurve": the dock shown, the box on the maps, a region measured when one is asked.
    void setActive(bool active);
    bool isActive() const { return m_active; }
    /// A click or box on a map: the region to measure (measured now when active, else when the view opens).
    void setQuery(const QueryPoint &query);
    /// The archive's NOAA Solar Region Summaries: a query of a NOAA region (QueryPoint::noaa) is measured in a box that
    /// follows the region where they place it at each time (LightCurveRegion::noaa).
    void setRegionReports(std::shared_ptr<const RegionSummaryArchive> reports) { m_regionReports = std::move(reports); }
    /// Nothing is being measured.
    bool isSettled() const;
    QDockWidget *dock() const { return m_dock; }
    LightCurvePlot *plot() const { return m_plot; }
    const QVector<LightCurve> &curves() const { return m_curves; }
    /// Stops a measurement (the points measured so far are kept and shown).
    void cancel();
    /// Writes the curves as CSV (atomically); an error message, or empty.
    QString exportCsv(const QString &path) const;
    /// state, message, region, span_days, follow_rotation, channel, statistic, value_label, curves (per channel:
    /// unit, measured, failed, first_error), series (name, points), dock_in_front.
    QJsonObject state() const;

    /// What a point shows (Auto: mean |B| for magnetograms, the mean otherwise).
    enum class Statistic { Auto, Mean, MeanAbs, Max, Min, Sum };

Q_SIGNALS:
    /// A measurement started or ended (scripted screenshots wait for it).
    void settledMaybe();

private:
    void createDock(QMainWindow *window);
    void measure();
    void finished();
    /// The plot from the curves (refillChannels: the channel list from them first).
    void showCurves(bool refillChannels = true);
    void updateOverlay();
    void updateRegionText();
    void fillChannelBox();
    double spanDays() const;

    QMainWindow *m_window;
    ArchiveDocument *m_archive;
    ObservationDocument *m_observation;
    MapGrid *m_grid;
    StudioSettings *m_settings;
    std::shared_ptr<OverlayRegionBox> m_overlay;

    QDockWidget *m_dock = nullptr;
    QLabel *m_regionLabel = nullptr;
    QComboBox *m_channelBox = nullptr;
    QComboBox *m_statisticBox = nullptr;
    QComboBox *m_spanBox = nullptr;
    QCheckBox *m_followBox = nullptr;
    QSpinBox *m_sizeBox = nullptr;
    QPushButton *m_exportButton = nullptr;
    QPushButton *m_savePlotButton = nullptr;
    QLabel *m_statusLabel = nullptr;
    LightCurvePlot *m_plot = nullptr;
    BackgroundRun *m_run = nullptr;  // the measurement in flight: progress, Cancel, ticket

    bool m_active = false;
    std::optional<QueryPoint> m_query;
    std::optional<LightCurveRegion> m_region;  // what m_curves measure (or are being measured)
    std::shared_ptr<const RegionSummaryArchive> m_regionReports;  // NOAA's reports, for a query of a NOAA region
    bool m_stale = false;                      // the region or span changed since the last measurement
    QVector<LightCurve> m_curves;
    QVector<LightCurvePlot::Flare> m_flares;
    QString m_error;      // the catalogue's answer when it failed
    QStringList m_notes;  // what the status line adds about the measurement (channels thinned)
    bool m_cancelled = false;
};

}  // namespace solarchip
