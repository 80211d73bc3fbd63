#include "app/gui/FlareEventController.h"

#include "app/gui/ArchiveDocument.h"
#include "app/gui/LayerTableDock.h"
#include "core/archive/FlareSites.h"
#include "core/archive/RegionSummary.h"
#include "core/base/ThreadBudget.h"
#include "core/map/MapMeta.h"
#include "core/map/SdoMap.h"
#include "core/map/SdoTime.h"
#include "widgets/MapGrid.h"
#include "widgets/MapView.h"

#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QJsonArray>
#include <QLabel>
#include <QTableWidget>
#include <QtConcurrent>

#include <cmath>

namespace solarchip {

FlareEventController::FlareEventController(ArchiveDocument *archive, MapGrid *grid, QObject *parent)
    : QObject(parent), m_archive(archive), m_grid(grid), m_layer(std::make_shared<OverlayFlareEvents>())
{
    m_layer->setVisible(false);
    const LayerTableDock dock = makeLayerTableDock(
        tr("Flare events"), QStringLiteral("dock.flareEvents"), QStringLiteral("flareEventTable"),
        {tr("Peak (UTC)"), tr("Class"), tr("NOAA"), tr("Listed site"), tr("Tx, Ty now (″)"), tr("From peak (h)")},
        tr("Double-click a flare to go to the observation nearest its peak"));
    m_dock = dock.dock;
    m_caption = dock.caption;
    m_table = dock.table;
    connect(m_table, &QTableWidget::cellActivated, this, [this](int row, int) { activateRow(row); });
    connect(m_dock, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        if (visible)
            refreshTable();
    });
    connect(m_grid, &MapGrid::currentViewChanged, this, &FlareEventController::refreshTable);
    connect(m_archive, &ArchiveDocument::opened, this, &FlareEventController::reload);
    connect(m_archive, &ArchiveDocument::indexingFinished, this, [this] {
        if (m_chosenPath.isEmpty())
            reload();  // a list dropped into the folder since
    });
}

FlareEventController::~FlareEventController() = default;

void FlareEventController::setEnabled(bool enabled)
{
    if (enabled == m_enabled)
        return;
    m_enabled = enabled;
    m_layer->setVisible(enabled);
    if (enabled && m_stale)
        reload();  // (emits changed() itself)
    update();
    Q_EMIT changed();
}

void FlareEventController::setListPath(const QString &path)
{
    m_chosenPath = path.isEmpty() ? QString() : QFileInfo(path).absoluteFilePath();
    reload();
}

void FlareEventController::setWindowHours(double hours)
{
    if (!std::isfinite(hours) || hours < 0 || hours == m_layer->windowHours())
        return;
    m_layer->setWindowHours(hours);
    m_tableKey.clear();
    update();
    refreshTable();
    Q_EMIT changed();
}

void FlareEventController::update() { attachLayerToViews(m_grid, m_layer); }

void FlareEventController::reload()
{
    const quint64 ticket = ++m_ticket;
    // The list chosen, else the archive folder's (loose files: the folder of the first).
    QString folder = m_archive->archiveDir();
    if (folder.isEmpty() && !m_archive->looseFiles().isEmpty())
        folder = QFileInfo(m_archive->looseFiles().front()).absolutePath();
    const QString chosen = m_chosenPath;
    // Nothing else uses the list: while the layer is off it is read only once it is switched on (the previous
    // source's list is dropped now).
    m_stale = !m_enabled;
    if (m_stale || (chosen.isEmpty() && folder.isEmpty())) {
        m_layer->setList(nullptr);
        m_path.clear();
        m_error.clear();
        m_withSite = m_fromRegions = m_reports = 0;
        m_loading = false;
        update();
        Q_EMIT changed();
        return;
    }
    m_loading = true;
    struct Found {
        std::shared_ptr<const FlareList> list;
        QString path, error;
        int withSite = 0;
        int fromRegions = 0;  // of withSite: placed at their NOAA regions' centres
        int reports = 0;      // Solar Region Summaries used for that
    };
    const bool recursive = !m_archive->archiveDir().isEmpty();
    auto future = QtConcurrent::run(ThreadBudget::instance().pool(ThreadBudget::Pool::Background), [chosen, folder, recursive] {
        Found f;
        // A list with sites; else the archive's SWPC list, its flares placed at their NOAA regions by the Solar Region
        // Summaries of the folder tree and of the list's own folder, as SolarMonitor places SWPC's events.
        auto path = chosen.isEmpty() ? findFlareListForMaps(folder) : Expected<QString>(chosen);
        if (!path) {
            f.error = path.error().toString();
            return f;
        }
        f.path = *path;
        auto placed = flaresWithSitesFrom(f.path, folder, recursive);
        if (!placed) {
            f.error = placed.error().toString();
            return f;
        }
        f.list = placed->list;
        f.withSite = placed->withSite;
        f.fromRegions = placed->fromRegions;
        f.reports = placed->reports;
        return f;
    });
    auto *watcher = new QFutureWatcher<Found>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, ticket] {
        watcher->deleteLater();
        if (ticket != m_ticket)
            return;  // another source or list meanwhile
        const Found f = watcher->result();
        m_layer->setList(f.list);
        m_path = f.path;
        m_error = f.error;
        m_withSite = f.withSite;
        m_fromRegions = f.fromRegions;
        m_reports = f.reports;
        m_loading = false;
        update();
        m_tableKey.clear();
        refreshTable();
        Q_EMIT changed();
    });
    watcher->setFuture(future);
}

FlareEventController::OnMap FlareEventController::flaresOnScreen() const
{
    OnMap out;
    if (m_loading || !m_layer->list())
        return out;
    const MapView *view = selectedOrFirstView(m_grid, [](const MapView &v) {
        return v.map()->wcs.kind() == Wcs::Kind::Helioprojective && v.map()->meta.tObs.isValid();
    });
    if (!view)
        return out;
    out.map = view->map();
    out.markers = m_layer->markersOn(*out.map);
    return out;
}

void FlareEventController::refreshTable()
{
    if (!m_dock->isVisible())
        return;
    const OnMap onScreen = flaresOnScreen();
    const QString key = onScreen.map ? QStringLiteral("%1|%2|%3|%4").arg(m_path, onScreen.map->meta.channel)
                                           .arg(onScreen.map->meta.tObs.toMSecsSinceEpoch())
                                           .arg(m_layer->windowHours())
                                     : QString();
    if (key == m_tableKey && !key.isEmpty())
        return;
    m_tableKey = key;
    m_table->setRowCount(0);
    m_rowPeaks.clear();
    if (!onScreen.map) {
        m_caption->setText(m_loading ? tr("Reading the flare list…")
                           : !m_error.isEmpty() ? m_error
                           : m_layer->list() ? tr("No helioprojective map with a time on screen")
                                             : tr("No flare list to place: File > Open flare list… (the cycle-24 list, a "
                                                  "HEK export, or SWPC's list with Solar Region Summaries beside it), or "
                                                  "one put at the top of the archive folder"));
        return;
    }
    const double window = m_layer->windowHours();
    const int n = static_cast<int>(onScreen.markers.size());
    m_caption->setText(tr("%1: %2 %3 peaking within ±%4 h on the disk of the %5 map of %6 UTC")
                           .arg(QFileInfo(m_path).fileName())
                           .arg(n)
                           .arg(n == 1 ? tr("flare") : tr("flares"))
                           .arg(window)
                           .arg(channelLabel(onScreen.map->meta.channel),
                                SdoTime::toIso(onScreen.map->meta.tObs).left(16).replace(u'T', u' ')));
    // In time order, as a physicist reads an event list.
    QVector<OverlayFlareEvents::Marker> rows = onScreen.markers;
    std::stable_sort(rows.begin(), rows.end(), [](const auto &a, const auto &b) {
        return a.seen.event.labelTime() < b.seen.event.labelTime();
    });
    m_table->setRowCount(static_cast<int>(rows.size()));
    for (int i = 0; i < rows.size(); ++i) {
        const FlareSeen &s = rows[i].seen;
        m_rowPeaks << s.event.labelTime();
        const QStringList cells{s.event.labelTime().toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                                s.event.goesClass,
                                s.event.noaaAr > 0 ? QString::number(s.event.noaaAr) : QString(),
                                !s.event.location.isEmpty() ? s.event.location
                                : s.event.siteFromRegion    ? tr("%1 (region centre)").arg(NoaaRegion::locationText(s.site.lat, s.site.lon))
                                                            : NoaaRegion::locationText(s.site.lat, s.site.lon),
                                QStringLiteral("%1, %2").arg(s.tx, 0, 'f', 0).arg(s.ty, 0, 'f', 0),
                                QString::number(s.hoursFromPeak, 'f', 1)};
        for (int c = 0; c < cells.size(); ++c) {
            auto *item = new QTableWidgetItem(cells[c]);
            if (c == 2 || c == 5)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            if (c == 1)
                item->setForeground(flareClassColourOnMap(s.event.peakFlux).darker(s.event.peakFlux >= kGoesM ? 110 : 250));
            m_table->setItem(i, c, item);
        }
    }
}

void FlareEventController::activateRow(int row)
{
    if (row >= 0 && row < m_rowPeaks.size())
        Q_EMIT peakActivated(m_rowPeaks[row]);
}

QString FlareEventController::statusText() const
{
    if (!m_enabled || m_loading)
        return {};
    if (!m_error.isEmpty())
        return tr("Flare events: %1").arg(m_error);
    if (!m_layer->list())
        return {};
    if (m_fromRegions > 0)
        return tr("Flare events: %1 of the %2 flares of %3 placed at their NOAA regions' centres (%4 Solar Region "
                  "Summaries); those peaking within ±%5 h of each map are marked")
            .arg(m_fromRegions)
            .arg(m_layer->list()->size())
            .arg(QDir::toNativeSeparators(m_path))
            .arg(m_reports)
            .arg(m_layer->windowHours());
    return tr("Flare events: %1 of the %2 flares of %3 have sites; those peaking within ±%4 h of each map are marked")
        .arg(m_withSite)
        .arg(m_layer->list()->size())
        .arg(QDir::toNativeSeparators(m_path))
        .arg(m_layer->windowHours());
}

QJsonObject FlareEventController::state() const
{
    const auto &list = m_layer->list();
    QJsonObject o{{QStringLiteral("enabled"), m_enabled},
                  {QStringLiteral("drawn"), m_layer->isVisible()},
                  {QStringLiteral("loading"), m_loading},
                  {QStringLiteral("list"), m_path.isEmpty() ? QJsonValue() : QJsonValue(m_path)},
                  {QStringLiteral("chosen"), !m_chosenPath.isEmpty()},
                  {QStringLiteral("list_error"), m_error.isEmpty() ? QJsonValue() : QJsonValue(m_error)},
                  {QStringLiteral("flares"), list ? list->size() : 0},
                  {QStringLiteral("with_site"), m_withSite},
                  {QStringLiteral("sites_from_regions"), m_fromRegions},
                  {QStringLiteral("region_reports"), m_reports},
                  {QStringLiteral("window_hours"), m_layer->windowHours()},
                  {QStringLiteral("status"), statusText()}};
    QJsonArray rows;
    for (int i = 0; i < m_table->rowCount(); ++i)
        rows.append(m_table->item(i, 1) ? m_table->item(i, 1)->text() : QString());
    o.insert(QStringLiteral("table"), QJsonObject{{QStringLiteral("visible"), m_dock->isVisible()},
                                                  {QStringLiteral("caption"), m_caption->text()},
                                                  {QStringLiteral("rows"), rows}});
    QJsonArray views;
    for (int i = 0; i < m_grid->count(); ++i) {
        const MapView *view = m_grid->view(i);
        const auto map = view->map();
        if (!map || !view->isVisible())
            continue;
        QJsonArray markers;
        if (m_layer->isVisible())
            for (const OverlayFlareEvents::Marker &m : m_layer->markersOn(*map)) {
                const FlareEvent &e = m.seen.event;
                markers.append(QJsonObject{
                    {QStringLiteral("class"), e.goesClass},
                    {QStringLiteral("peak"), SdoTime::toIso(e.labelTime())},
                    {QStringLiteral("start"), e.start.isValid() ? QJsonValue(SdoTime::toIso(e.start)) : QJsonValue()},
                    {QStringLiteral("end"), e.end.isValid() ? QJsonValue(SdoTime::toIso(e.end)) : QJsonValue()},
                    {QStringLiteral("noaa"), e.noaaAr > 0 ? QJsonValue(e.noaaAr) : QJsonValue()},
                    {QStringLiteral("location"), e.location.isEmpty() ? QJsonValue() : QJsonValue(e.location)},
                    {QStringLiteral("site_from_region"), e.siteFromRegion},
                    {QStringLiteral("lon"), m.seen.lonDeg},
                    {QStringLiteral("lat"), m.seen.latDeg},
                    {QStringLiteral("tx"), m.seen.tx},
                    {QStringLiteral("ty"), m.seen.ty},
                    {QStringLiteral("x"), m.pixel.x()},
                    {QStringLiteral("y"), m.pixel.y()},
                    {QStringLiteral("hours_from_peak"), m.seen.hoursFromPeak},
                    {QStringLiteral("in_progress"), m.seen.inProgress}});
            }
        views.append(QJsonObject{{QStringLiteral("channel"), map->meta.channel},
                                 {QStringLiteral("time"), map->meta.tObs.isValid() ? SdoTime::toIso(map->meta.tObs) : QString()},
                                 {QStringLiteral("markers"), markers}});
    }
    o.insert(QStringLiteral("views"), views);
    return o;
}

}  // namespace solarchip
