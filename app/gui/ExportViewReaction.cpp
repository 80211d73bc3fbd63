#include "app/gui/ExportViewReaction.h"

#include "core/map/MapMeta.h"
#include "widgets/MapGrid.h"
#include "widgets/MapView.h"

#include <QDir>
#include <QFileDialog>
#include <QMessageBox>

namespace solarchip {

ExportViewReaction::ExportViewReaction(QAction *action, MapGrid *grid, QWidget *window, Kind kind)
    : Reaction(action), m_grid(grid), m_window(window), m_kind(kind)
{
    connect(grid, &MapGrid::currentViewChanged, this, [this](int index) { m_current = index; });
}

MapView *ExportViewReaction::targetView() const
{
    if (!m_grid || m_grid->count() == 0)
        return nullptr;
    // The grid removes views when the layout shrinks: fall back to the first one.
    MapView *view = m_current >= 0 && m_current < m_grid->count() ? m_grid->view(m_current) : nullptr;
    return view && view->hasMap() ? view : m_grid->view(0);
}

Status ExportViewReaction::exportTo(const QString &path) const
{
    MapView *view = targetView();
    if (!view || !view->hasMap())
        return Error{path, tr("no map on screen to export")};
    switch (m_kind) {
    case Kind::PngWithOverlays:
        return view->exportPng(path, true);
    case Kind::PngWithoutOverlays:
        return view->exportPng(path, false);
    case Kind::Fits:
        return view->exportFits(path, MapView::ExportRegion::WholeMap);
    }
    return Error{path, tr("unknown export kind")};
}

void ExportViewReaction::onTriggered()
{
    MapView *view = targetView();
    const bool fits = m_kind == Kind::Fits;
    const QString title = fits ? tr("Export map as FITS") : tr("Export view as PNG");
    if (!view || !view->hasMap()) {
        QMessageBox::information(m_window, title, tr("There is no map on screen to export."));
        return;
    }
    // A name from the channel and time: "aia171_2011-06-07T120001.png".
    const auto &meta = view->map()->meta;
    QString stem = meta.channel.isEmpty() ? QStringLiteral("map") : meta.channel;
    if (stem.front().isDigit())
        stem.prepend(QStringLiteral("aia"));
    if (meta.tObs.isValid())
        stem += QLatin1Char('_') + meta.tObs.toString(QStringLiteral("yyyy-MM-ddTHHmmss"));
    const QString suggested = QDir::home().filePath(stem + (fits ? QStringLiteral(".fits") : QStringLiteral(".png")));
    const QString path = QFileDialog::getSaveFileName(m_window, title, suggested,
                                                      fits ? tr("FITS files (*.fits *.fts *.fit)")
                                                           : tr("PNG images (*.png)"));
    if (path.isEmpty())
        return;
    const Status written = exportTo(path);
    if (!written)
        QMessageBox::warning(m_window, title, tr("Could not export %1:\n%2").arg(path, written.errorString()));
}

}  // namespace solarchip
