#pragma once
// What the labelling layers' controllers (NOAA regions, flare events) share: a dock holding a caption over a read-only
// table of whole rows (one selectable, double-click activates), the layer put on every view of the grid, and the view
// a table describes.

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

class QDockWidget;
class QLabel;
class QTableWidget;

namespace solarchip {

class MapGrid;
class MapView;
class OverlayLayer;

struct LayerTableDock {
    QDockWidget *dock = nullptr;
    QLabel *caption = nullptr;
    QTableWidget *table = nullptr;
};
/// A hidden dock (object name `dockName`) with a word-wrapped caption over a table (object name `tableName`) of
/// `headers`, read-only, whole rows, single selection, columns fitted to their contents, `toolTip` on the table. Its
/// context menu copies the selected row (also Ctrl+C) and exports the whole table as CSV, the caption as a comment
/// (written atomically; an error names the file).
LayerTableDock makeLayerTableDock(const QString &title, const QString &dockName, const QString &tableName,
                                  const QStringList &headers, const QString &toolTip);

/// The table as CSV (RFC 4180: a header row, then every row; cells with a comma, a quote or a line break quoted, quotes
/// doubled), preceded by `comment` as '#' lines when given (the caption: which map, which list).
QByteArray tableToCsv(const QTableWidget *table, const QString &comment = {});
/// The selected rows as tab-separated text (the header row first), as spreadsheets paste it.
QString selectedRowsAsText(const QTableWidget *table);

/// Puts `layer` on every view of the grid that lacks it (new views after a layout change too) and repaints them.
void attachLayerToViews(MapGrid *grid, const std::shared_ptr<OverlayLayer> &layer);

/// The grid's selected view when it is visible, has a map and `usable` says yes; else its first such view; else null.
const MapView *selectedOrFirstView(const MapGrid *grid, const std::function<bool(const MapView &)> &usable);

}  // namespace solarchip
