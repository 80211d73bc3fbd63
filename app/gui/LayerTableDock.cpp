#include "app/gui/LayerTableDock.h"

#include "core/base/AtomicFile.h"
#include "widgets/MapGrid.h"
#include "widgets/MapView.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDockWidget>
#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

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
    out.table->setContextMenuPolicy(Qt::CustomContextMenu);
    QTableWidget *table = out.table;
    QLabel *caption = out.caption;
    auto *copy = new QAction(QObject::tr("Copy row"), table);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetShortcut);
    table->addAction(copy);
    QObject::connect(copy, &QAction::triggered, table, [table] {
        if (const QString text = selectedRowsAsText(table); !text.isEmpty())
            QApplication::clipboard()->setText(text);
    });
    QObject::connect(table, &QWidget::customContextMenuRequested, table, [table, caption, copy, title](const QPoint &at) {
        QMenu menu(table);
        copy->setEnabled(!table->selectedItems().isEmpty());
        menu.addAction(copy);
        menu.addAction(QObject::tr("Export table as CSV…"), table, [table, caption, title] {
            const QString path = QFileDialog::getSaveFileName(table, QObject::tr("Export %1 as CSV").arg(title), QString(),
                                                              QObject::tr("CSV files (*.csv)"));
            if (path.isEmpty())
                return;
            if (const Status st = writeFileAtomically(path, tableToCsv(table, caption->text())); !st)
                QMessageBox::warning(table, title, st.error().toString());
        });
        menu.exec(table->viewport()->mapToGlobal(at));
    });
    layout->addWidget(out.table, 1);
    out.dock->setWidget(panel);
    out.dock->hide();
    return out;
}

namespace {

QString csvCell(const QString &text)
{
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) && !text.contains(QLatin1Char('\n'))
        && !text.contains(QLatin1Char('\r')))
        return text;
    QString quoted = text;
    quoted.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QStringList rowTexts(const QTableWidget *table, int row)
{
    QStringList cells;
    for (int c = 0; c < table->columnCount(); ++c)
        cells << (table->item(row, c) ? table->item(row, c)->text() : QString());
    return cells;
}

QStringList headerTexts(const QTableWidget *table)
{
    QStringList cells;
    for (int c = 0; c < table->columnCount(); ++c)
        cells << (table->horizontalHeaderItem(c) ? table->horizontalHeaderItem(c)->text() : QString());
    return cells;
}

}  // namespace

QByteArray tableToCsv(const QTableWidget *table, const QString &comment)
{
    QString out;
    for (const QString &line : comment.split(QLatin1Char('\n'), Qt::SkipEmptyParts))
        out += QStringLiteral("# ") + line + QStringLiteral("\r\n");
    auto add = [&out](const QStringList &cells) {
        QStringList quoted;
        for (const QString &c : cells)
            quoted << csvCell(c);
        out += quoted.join(QLatin1Char(',')) + QStringLiteral("\r\n");
    };
    add(headerTexts(table));
    for (int r = 0; r < table->rowCount(); ++r)
        add(rowTexts(table, r));
    return out.toUtf8();
}

QString selectedRowsAsText(const QTableWidget *table)
{
    QList<int> rows;
    for (const QTableWidgetItem *item : table->selectedItems())
        if (!rows.contains(item->row()))
            rows << item->row();
    if (rows.isEmpty())
        return {};
    std::sort(rows.begin(), rows.end());
    QStringList lines{headerTexts(table).join(QLatin1Char('\t'))};
    for (int r : rows)
        lines << rowTexts(table, r).join(QLatin1Char('\t'));
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
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
