#include "app/gui/ExportViewReaction.h"

#include "app/gui/ExportDialog.h"
#include "app/gui/StudioSettings.h"
#include "core/map/MapMeta.h"
#include "widgets/MapGrid.h"
#include "widgets/MapView.h"

#include <QDir>
#include <QFileInfo>
#include <QMainWindow>
#include <QMessageBox>
#include <QStatusBar>

#include <algorithm>
#include <cmath>

namespace solarchip {

ExportViewReaction::ExportViewReaction(QAction *action, MapGrid *grid, QWidget *window, Kind kind,
                                       StudioSettings *settings)
    : Reaction(action), m_grid(grid), m_window(window), m_kind(kind), m_settings(settings)
{
}

MapView *ExportViewReaction::targetViewOf(const MapGrid *grid)
{
    if (!grid || grid->count() == 0)
        return nullptr;
    // The selected view (the grid moves the selection when the layout shrinks); one without a map: the first one.
    MapView *view = grid->currentView();
    return view && view->hasMap() ? view : grid->view(0);
}

MapView *ExportViewReaction::targetView() const
{
    return targetViewOf(m_grid);
}

QSize ExportViewReaction::dataResolutionSize(const MapView *view)
{
    // The framing on screen with one image pixel per map pixel (the whole map when it is fitted).
    if (!view || view->zoom() <= 0)
        return {};
    const double perPixel = 1.0 / view->zoom();
    const int w = std::clamp(int(std::lround(view->width() * perPixel)), 1, 16384);
    const int h = std::clamp(int(std::lround(view->height() * perPixel)), 1, 16384);
    return {w, h};
}

Status ExportViewReaction::exportTo(const QString &path) const
{
    return exportTo(path, m_kind == Kind::PngWithOverlays, false);
}

Status ExportViewReaction::exportTo(const QString &path, bool withOverlays, bool dataResolution) const
{
    MapView *view = targetView();
    if (!view || !view->hasMap())
        return Error{path, tr("no map on screen to export")};
    if (m_kind == Kind::Fits)
        return view->exportFits(path, MapView::ExportRegion::WholeMap);
    return view->exportPng(path, withOverlays, dataResolution ? dataResolutionSize(view) : QSize());
}

QString ExportViewReaction::exportFolder() const
{
    return m_settings ? m_settings->exportFolder() : QDir::homePath();
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
    // A name from the channel and time: "aia171_2011-06-07T120001.png", in the folder of the last export.
    const auto &meta = view->map()->meta;
    QString stem = meta.channel.isEmpty() ? QStringLiteral("map") : meta.channel;
    if (stem.front().isDigit())
        stem.prepend(QStringLiteral("aia"));
    if (meta.tObs.isValid())
        stem += QLatin1Char('_') + meta.tObs.toString(QStringLiteral("yyyy-MM-ddTHHmmss"));
    const QString suggested =
        QDir(exportFolder()).filePath(stem + (fits ? QStringLiteral(".fits") : QStringLiteral(".png")));
    ExportDialog dialog(fits ? ExportDialog::Kind::Fits : ExportDialog::Kind::Png, suggested, view->size(),
                        dataResolutionSize(view), m_window);
    dialog.setWithOverlays(m_kind == Kind::PngWithOverlays);
    dialog.setDataResolution(m_settings && m_settings->exportDataResolution());
    if (dialog.exec() != QDialog::Accepted)
        return;
    const QString path = dialog.path();
    const Status written = exportTo(path, dialog.withOverlays(), dialog.dataResolution());
    if (!written) {
        QMessageBox::warning(m_window, title, tr("Could not export %1:\n%2").arg(path, written.errorString()));
        return;
    }
    if (m_settings) {
        m_settings->setExportDir(QFileInfo(path).absolutePath());
        if (!fits)
            m_settings->setExportDataResolution(dialog.dataResolution());
    }
    const QString message = tr("Saved %1").arg(QDir::toNativeSeparators(path));
    if (auto *main = qobject_cast<QMainWindow *>(m_window))
        main->statusBar()->showMessage(message, 15000);
    Q_EMIT exported(path);
}

}  // namespace solarchip
