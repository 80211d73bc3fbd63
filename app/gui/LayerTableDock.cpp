#include "app/gui/LayerTableDock.h"

#include "widgets/MapGrid.h"
#include "widgets/MapView.h"

#include <QDockWidget>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace solarchip {

LayerTableDock makeLayerTableDock(const QString &title, const QString &dockName, const QString &tableName,
                                  const QStringList &headers, const QString &toolTip)
{
    LayerTableDock out;
    out.dock = new QDockWidget(title);
    out.dock->setObjectName(dockName);
    auto *panel = new QWidget(out.dock);
    auto *layout = new QVBoxLayout(panel);
    layout->setContentsMargins(4, 4, 4, 4);
    out.caption = new QLabel(panel);
    out.caption->setWordWrap(true);
    layout->addWidget(out.caption);
    out.table = new QTableWidget(0, static_cast<int>(headers.size()), panel);
    out.table->setObjectName(tableName);
    out.table->setHorizontalHeaderLabels(headers);
    out.table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    out.table->setSelectionBehavior(QAbstractItemView::SelectRows);
    out.table->setSelectionMode(QAbstractItemView::SingleSelection);
    out.table->verticalHeader()->hide();
    out.table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    out.table->setToolTip(toolTip);
    layout->addWidget(out.table, 1);
    out.dock->setWidget(panel);
    out.dock->hide();
    return out;
}

void attachLayerToViews(MapGrid *grid, const std::shared_ptr<OverlayLayer> &layer)
{
    for (int i = 0; i < grid->count(); ++i) {
        MapView *view = grid->view(i);
        if (!view->overlay(layer->id()))
            view->addOverlay(layer);
        view->update();
    }
}

const MapView *selectedOrFirstView(const MapGrid *grid, const std::function<bool(const MapView &)> &usable)
{
    auto ok = [&](const MapView *v) { return v && v->isVisible() && v->map() && usable(*v); };
    if (ok(grid->currentView()))
        return grid->currentView();
    for (int i = 0; i < grid->count(); ++i)
        if (ok(grid->view(i)))
            return grid->view(i);
    return nullptr;
}

}  // namespace solarchip
