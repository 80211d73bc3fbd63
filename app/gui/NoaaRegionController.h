#pragma once
// View > NOAA active regions (`--noaa-regions`, remembered as overlay "noaaRegions"): labels every map with the
// numbered active regions of the NOAA Solar Region Summaries found with the data (widgets/OverlayNoaaRegions).
// The reports are the *SRS.txt files of the open archive folder and its subfolders (the synthetic archive writes
// srs/YYYY/YYYYMMDDSRS.txt; SWPC's own files can be dropped anywhere in the folder) or, for loose files, of the
// folder of the first file; read on the background pool when a source opens and after every rescan, with the folder's
// flare list (swpc_flarelist_*.csv: each region's largest flare near the map's time is named at its label). Reports
// that cannot be read are counted and the first is named in the status line and the state JSON.
// Its dock (View > NOAA region table) lists the regions on the selected map as SolarMonitor's tables do: number,
// Mount Wilson and McIntosh classes, area, spots, location carried to the map's time, Tx/Ty and the largest flare
// within 12 h; activating a row queries that region (MainWindow::queryNoaaRegion).

#include <QJsonObject>
#include <QObject>
#include <QString>

#include "widgets/OverlayNoaaRegions.h"

#include <memory>

namespace solarchip {

class ArchiveDocument;
}  // namespace solarchip
class QDockWidget;
class QLabel;
class QTableWidget;
namespace solarchip {
class MapGrid;
class RegionSummaryArchive;
struct SdoMap;

class NoaaRegionController : public QObject {
    Q_OBJECT
public:
    NoaaRegionController(ArchiveDocument *archive, MapGrid *grid, QObject *parent = nullptr);
    ~NoaaRegionController() override;

    void setEnabled(bool enabled);
    bool isEnabled() const { return m_enabled; }
    /// The "regions" view mode: the labels are drawn while it is active, whatever setEnabled said.
    void setModeActive(bool active);
    /// The grid's views carry the layer (new views after a layout change too) and repaint.
    void update();
    /// The layer drawing the labels (shared by the grid's views).
    std::shared_ptr<const OverlayNoaaRegions> layer() const { return m_layer; }
    /// The reports read (null before the first scan ends or without a source).
    const std::shared_ptr<const RegionSummaryArchive> &reports() const { return m_reports; }
    /// No scan for reports is running.
    bool isSettled() const { return !m_scanning; }
    /// The regions labelled on the grid's selected view (else its first view with a helioprojective map), with that
    /// view's map; empty while the reports are read or when none is within reach of the map's time.
    struct OnMap {
        std::shared_ptr<const SdoMap> map;
        QVector<OverlayNoaaRegions::Label> labels;
    };
    OnMap regionsOnScreen() const;
    /// One line for a region in lists: "11175 βγδ  S17E21  (-330″, -285″)  X1.2 04:55".
    static QString describe(const OverlayNoaaRegions::Label &label);
    /// What the last region query (MainWindow::queryNoaaRegion) did: its number, and an error or the query's place.
    void setLastQuery(const QJsonObject &query) { m_lastQuery = query; }
    /// A sentence for the status bar: how many reports were found where, or why none (empty while off).
    QString statusText() const;
    /// The region table's dock (made here; MainWindow places it).
    QDockWidget *dock() const { return m_dock; }
    /// Fills the table from the selected map when what it shows changed (the map, the report); cheap otherwise.
    void refreshTable();
    /// Activates row `row` of the table as a double-click does (regionActivated).
    void activateRow(int row);
    /// enabled, scanning, folder, reports, first/last valid_at, failures, first_failure, flare_list, flare_list_error,
    /// flares, query, table {visible, caption, rows [number]}, and per view of the grid: channel, time, report file,
    /// valid_at and the labels drawn (number, section, mag_type, lon/lat, tx/ty, x/y, flare {class, peak} or null);
    /// `placed`: where they went on screen ({number, ring, text: [x, y, w, h] widget px, where: 0-3}), and `map_area`.
    QJsonObject state() const;

Q_SIGNALS:
    /// Reports arrived or the switch changed (the views repaint; scripted screenshots re-check).
    void changed();
    /// A row of the table was activated: query this region.
    void regionActivated(int number);

private:
    void rescan();
    /// The labels drawn while the switch is on or the "regions" view mode is active.
    void applyDrawn();

    ArchiveDocument *m_archive;
    MapGrid *m_grid;
    std::shared_ptr<OverlayNoaaRegions> m_layer;
    std::shared_ptr<const RegionSummaryArchive> m_reports;
    QString m_folder;
    QString m_flareList, m_flareError;  // the folder's flare list, and why it could not be read
    int m_flareCount = 0;
    QJsonObject m_lastQuery;
    QDockWidget *m_dock = nullptr;
    QTableWidget *m_table = nullptr;
    QLabel *m_caption = nullptr;
    QString m_tableKey;  // what the table shows (report, map, time): refilled only when it changes
    bool m_enabled = false;
    bool m_modeActive = false;
    bool m_scanning = false;
    quint64 m_ticket = 0;
};

}  // namespace solarchip
