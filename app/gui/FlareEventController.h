#pragma once
// View > Flare events (`--flare-events`, remembered as overlay "flareEvents"): marks on every map the flares of a list
// with sites (widgets/OverlayFlareEvents) peaking within a window of the map's time (View > Flare event window,
// `--flare-window-hours`, default ±6 h). The list is the one chosen with File > Open flare list… (`--flare-list`),
// else the one list with sites at the top of the open archive folder (the synthetic archive writes
// flarelist_sites_*.csv; the cycle-24 list or a HEK export can be dropped there) or, for loose files, in their folder;
// read on the background pool once the layer is on (nothing else uses it). Without a list with sites, the archive's
// SWPC list (swpc_flarelist_*.csv) is used, its flares placed at their NOAA regions' centres by the Solar Region
// Summaries (*SRS.txt) of the folder tree and of the list's own folder (core/archive/FlareSites placeFlaresAtRegions),
// as SolarMonitor places SWPC's events; a list without sites and no report placing any of its flares is refused with
// the reason.
// Its dock (View > Flare event table) lists the flares drawn on the selected map: peak, class, NOAA region, site,
// Tx/Ty at the map's time and the hours from the peak; activating a row goes to the observation nearest the peak.

#include <QJsonObject>
#include <QObject>
#include <QString>

#include "widgets/OverlayFlareEvents.h"

#include <memory>

class QDockWidget;
class QLabel;
class QTableWidget;

namespace solarchip {

class ArchiveDocument;
class MapGrid;
struct SdoMap;

class FlareEventController : public QObject {
    Q_OBJECT
public:
    FlareEventController(ArchiveDocument *archive, MapGrid *grid, QObject *parent = nullptr);
    ~FlareEventController() override;

    void setEnabled(bool enabled);
    bool isEnabled() const { return m_enabled; }
    /// A list file chosen by the user (empty: the archive's own); read now.
    void setListPath(const QString &path);
    const QString &listPath() const { return m_chosenPath; }
    void setWindowHours(double hours);
    double windowHours() const { return m_layer->windowHours(); }
    /// The NOAA region labels drawn with the flares: the flares' labels keep off them.
    void avoidLabelsOf(std::shared_ptr<const OverlayNoaaRegions> noaa) { m_layer->setAvoidLabelsOf(std::move(noaa)); }
    /// The grid's views carry the layer (new views after a layout change too) and repaint.
    void update();
    /// No list is being read.
    bool isSettled() const { return !m_loading; }
    /// The flares drawn on the grid's selected view (else its first view with a helioprojective map), with that map.
    struct OnMap {
        std::shared_ptr<const SdoMap> map;
        QVector<OverlayFlareEvents::Marker> markers;
    };
    OnMap flaresOnScreen() const;
    /// A sentence for the status bar: the list read and how many flares have sites, or why none (empty while off).
    QString statusText() const;
    QDockWidget *dock() const { return m_dock; }
    /// Fills the table from the selected map when what it shows changed; cheap otherwise.
    void refreshTable();
    /// Activates row `row` of the table as a double-click does (peakActivated).
    void activateRow(int row);
    /// enabled, drawn, loading, list, chosen, list_error, flares, with_site, sites_from_regions, region_reports,
    /// window_hours, table {visible, caption, rows [class]}, and per view of the grid: channel, time, markers [{class,
    /// peak, start, end, noaa, location, site_from_region, lon, lat, tx, ty, x, y, hours_from_peak, in_progress}].
    QJsonObject state() const;

Q_SIGNALS:
    /// A list arrived, or the switch or the window changed (the views repaint; scripted screenshots re-check).
    void changed();
    /// A row of the table was activated: go to the observation nearest this time.
    void peakActivated(const QDateTime &peak);

private:
    void reload();

    ArchiveDocument *m_archive;
    MapGrid *m_grid;
    std::shared_ptr<OverlayFlareEvents> m_layer;
    QString m_chosenPath;  // File > Open flare list…
    QString m_path;        // the list read (or being read)
    QString m_error;       // why no list is shown
    int m_withSite = 0;
    int m_fromRegions = 0;  // of m_withSite: placed at their NOAA regions' centres (an SWPC list)
    int m_reports = 0;      // the Solar Region Summaries that placed them
    QDockWidget *m_dock = nullptr;
    QTableWidget *m_table = nullptr;
    QLabel *m_caption = nullptr;
    QString m_tableKey;
    QVector<QDateTime> m_rowPeaks;
    bool m_enabled = false;
    bool m_loading = false;
    bool m_stale = true;  // the source or the list changed while the layer was off: read it when switched on
    quint64 m_ticket = 0;
};

}  // namespace solarchip
