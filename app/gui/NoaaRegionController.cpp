#include "app/gui/NoaaRegionController.h"

#include "app/gui/ArchiveDocument.h"
#include "app/gui/LayerTableDock.h"
#include "core/archive/FlareList.h"
#include "core/archive/FlareListCache.h"
#include "core/archive/RegionSummary.h"
#include "core/base/ThreadBudget.h"
#include "core/map/MapMeta.h"
#include "core/map/SdoMap.h"
#include "core/map/SdoTime.h"
#include "widgets/MapGrid.h"
#include "widgets/MapView.h"
#include "widgets/OverlayNoaaRegions.h"

#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QJsonArray>
#include <QLabel>
#include <QTableWidget>
#include <QtConcurrent>

namespace solarchip {

NoaaRegionController::NoaaRegionController(ArchiveDocument *archive, MapGrid *grid, QObject *parent)
    : QObject(parent), m_archive(archive), m_grid(grid), m_layer(std::make_shared<OverlayNoaaRegions>())
{
    m_layer->setVisible(false);
    // The table's dock (hidden until asked for: View > NOAA region table).
    const LayerTableDock dock = makeLayerTableDock(
        tr("NOAA regions"), QStringLiteral("dock.noaaRegions"), QStringLiteral("noaaRegionTable"),
        {tr("Region"), tr("Class"), tr("McIntosh"), tr("Area (MSH)"), tr("Spots"), tr("Location"), tr("Tx, Ty (″)"),
         tr("Flare ±12 h")},
        tr("Double-click a region to query it: the similarity maps, the archive search and the light curve ask about it"));
    m_dock = dock.dock;
    m_caption = dock.caption;
    m_table = dock.table;
    connect(m_table, &QTableWidget::cellActivated, this, [this](int row, int) { activateRow(row); });
    connect(m_dock, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        if (visible)
            refreshTable();
    });
    connect(m_grid, &MapGrid::currentViewChanged, this, &NoaaRegionController::refreshTable);
    connect(m_archive, &ArchiveDocument::opened, this, &NoaaRegionController::rescan);
    connect(m_archive, &ArchiveDocument::indexingFinished, this, &NoaaRegionController::rescan);
}

NoaaRegionController::~NoaaRegionController() = default;

void NoaaRegionController::setEnabled(bool enabled)
{
    if (enabled == m_enabled)
        return;
    m_enabled = enabled;
    applyDrawn();
}

void NoaaRegionController::setModeActive(bool active)
{
    if (active == m_modeActive)
        return;
    m_modeActive = active;
    applyDrawn();
}

void NoaaRegionController::applyDrawn()
{
    m_layer->setVisible(m_enabled || m_modeActive);
    update();
    Q_EMIT changed();
}

void NoaaRegionController::update() { attachLayerToViews(m_grid, m_layer); }

void NoaaRegionController::rescan()
{
    // An archive: its folder tree. Loose files: the folder of the first one only (it may be a home folder).
    QString folder = m_archive->archiveDir();
    bool recursive = true;
    if (folder.isEmpty()) {
        const QStringList loose = m_archive->looseFiles();
        if (!loose.isEmpty()) {
            folder = QFileInfo(loose.front()).absolutePath();
            recursive = false;
        }
    }
    const quint64 ticket = ++m_ticket;
    m_folder = folder;
    if (folder.isEmpty()) {
        m_reports.reset();
        m_layer->setReports(nullptr);
        m_layer->setFlares({});
        m_flareList.clear();
        m_flareError.clear();
        m_flareCount = 0;
        m_scanning = false;
        update();
        Q_EMIT changed();
        return;
    }
    m_scanning = true;
    struct Found {
        std::shared_ptr<const RegionSummaryArchive> reports;
        QVector<FlareEvent> flares;
        QString flareList, flareError;
    };
    auto future = QtConcurrent::run(ThreadBudget::instance().pool(ThreadBudget::Pool::Background), [folder, recursive] {
        Found f;
        f.reports = std::make_shared<const RegionSummaryArchive>(RegionSummaryArchive::scan(folder, recursive));
        // The folder's flare list (SWPC layout, as the flare panel and the light curve read it), for the flares named
        // at their regions.
        if (auto path = findFlareList(folder)) {
            f.flareList = *path;
            if (auto list = loadFlareListShared(*path))
                f.flares = (*list)->events();
            else
                f.flareError = list.error().toString();
        }
        return f;
    });
    auto *watcher = new QFutureWatcher<Found>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, ticket] {
        watcher->deleteLater();
        if (ticket != m_ticket)
            return;  // another source opened meanwhile
        const Found f = watcher->result();
        m_reports = f.reports;
        m_layer->setReports(m_reports);
        m_layer->setFlares(f.flares);
        m_flareList = f.flareList;
        m_flareError = f.flareError;
        m_flareCount = static_cast<int>(f.flares.size());
        m_scanning = false;
        update();
        m_tableKey.clear();
        refreshTable();
        Q_EMIT changed();
    });
    watcher->setFuture(future);
}

NoaaRegionController::OnMap NoaaRegionController::regionsOnScreen() const
{
    OnMap out;
    if (m_scanning)
        return out;
    const MapView *view = selectedOrFirstView(m_grid, [this](const MapView &v) { return m_layer->reportFor(*v.map()) != nullptr; });
    if (!view)
        return out;
    out.map = view->map();
    out.labels = m_layer->labelsOn(*out.map);
    return out;
}

void NoaaRegionController::refreshTable()
{
    if (!m_dock->isVisible())
        return;
    const OnMap onScreen = regionsOnScreen();
    const RegionSummary *report = onScreen.map ? m_layer->reportFor(*onScreen.map) : nullptr;
    const QString key = report ? QStringLiteral("%1|%2|%3").arg(report->path, onScreen.map->meta.channel)
                                     .arg(onScreen.map->meta.tObs.toMSecsSinceEpoch())
                               : QString();
    if (key == m_tableKey && !key.isEmpty())
        return;
    m_tableKey = key;
    m_table->setRowCount(0);
    if (!report) {
        m_caption->setText(m_scanning ? tr("Reading the Solar Region Summaries…")
                           : !m_reports || m_reports->isEmpty()
                               ? tr("No Solar Region Summary (*SRS.txt) with the data: SWPC's daily reports put anywhere in "
                                    "the archive folder are read")
                               : tr("No Solar Region Summary within 36 h of the map on screen"));
        return;
    }
    m_caption->setText(tr("%1 (locations at %2 UTC), carried to the %3 map of %4 UTC")
                           .arg(QFileInfo(report->path).fileName(), SdoTime::toIso(report->validAt).left(16).replace(u'T', u' '),
                                channelLabel(onScreen.map->meta.channel),
                                SdoTime::toIso(onScreen.map->meta.tObs).left(16).replace(u'T', u' ')));
    m_table->setRowCount(static_cast<int>(onScreen.labels.size()));
    for (int i = 0; i < onScreen.labels.size(); ++i) {
        const auto &l = onScreen.labels[i];
        const NoaaRegion &r = l.seen.region;
        const bool spots = r.section == NoaaRegion::Section::Spots;
        const QStringList cells{QString::number(r.number),
                                spots ? r.magTypeSymbols() : tr("plage"),
                                r.mcIntosh,
                                spots ? QString::number(r.areaMsh) : QString(),
                                spots ? QString::number(r.spotCount) : QString(),
                                NoaaRegion::locationText(l.seen.latDeg, l.seen.lonDeg),
                                QStringLiteral("%1, %2").arg(l.seen.tx, 0, 'f', 0).arg(l.seen.ty, 0, 'f', 0),
                                l.flare ? QStringLiteral("%1 %2").arg(l.flare->goesClass,
                                                                      l.flare->labelTime().toUTC().toString(QStringLiteral("MM-dd HH:mm")))
                                        : QString()};
        for (int c = 0; c < cells.size(); ++c) {
            auto *item = new QTableWidgetItem(cells[c]);
            if (c == 0 || (c >= 3 && c <= 4))
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_table->setItem(i, c, item);
        }
    }
}

void NoaaRegionController::activateRow(int row)
{
    if (QTableWidgetItem *item = m_table->item(row, 0))
        Q_EMIT regionActivated(item->text().toInt());
}

QString NoaaRegionController::describe(const OverlayNoaaRegions::Label &l)
{
    QString text = QString::number(l.seen.region.number);
    if (!l.seen.region.magType.isEmpty())
        text += QLatin1Char(' ') + l.seen.region.magTypeSymbols();
    else if (l.seen.region.section == NoaaRegion::Section::Plage)
        text += tr(" (plage)");
    text += QStringLiteral("  %1  (%2″, %3″)")
                .arg(l.seen.region.location)
                .arg(l.seen.tx, 0, 'f', 0)
                .arg(l.seen.ty, 0, 'f', 0);
    if (l.flare)
        text += QStringLiteral("  %1 %2").arg(l.flare->goesClass, l.flare->labelTime().toUTC().toString(QStringLiteral("HH:mm")));
    return text;
}

QString NoaaRegionController::statusText() const
{
    if (!m_layer->isVisible() || m_scanning || m_folder.isEmpty())
        return {};
    const int n = m_reports ? static_cast<int>(m_reports->reports().size()) : 0;
    QString text = n > 0 ? tr("NOAA active regions: %1 Solar Region %2 in %3")
                               .arg(n)
                               .arg(n == 1 ? tr("Summary") : tr("Summaries"), QDir::toNativeSeparators(m_folder))
                         : tr("NOAA active regions: no Solar Region Summary (*SRS.txt) in %1")
                               .arg(QDir::toNativeSeparators(m_folder));
    if (!m_flareError.isEmpty())
        text += tr("; flare list not read: %1").arg(m_flareError);
    if (m_reports && !m_reports->failures().isEmpty()) {
        const auto &f = m_reports->failures().front();
        text += tr("; %1 unreadable, first %2: %3")
                    .arg(m_reports->failures().size())
                    .arg(QFileInfo(f.path).fileName(), f.reason);
    }
    return text;
}

QJsonObject NoaaRegionController::state() const
{
    QJsonObject o{{QStringLiteral("enabled"), m_enabled},
                  {QStringLiteral("drawn"), m_layer->isVisible()},
                  {QStringLiteral("scanning"), m_scanning},
                  {QStringLiteral("folder"), m_folder},
                  {QStringLiteral("status"), statusText()}};
    const int n = m_reports ? static_cast<int>(m_reports->reports().size()) : 0;
    o.insert(QStringLiteral("reports"), n);
    o.insert(QStringLiteral("first_valid_at"), n > 0 ? SdoTime::toIso(m_reports->reports().front().validAt) : QJsonValue());
    o.insert(QStringLiteral("last_valid_at"), n > 0 ? SdoTime::toIso(m_reports->reports().back().validAt) : QJsonValue());
    const int failures = m_reports ? static_cast<int>(m_reports->failures().size()) : 0;
    o.insert(QStringLiteral("failures"), failures);
    o.insert(QStringLiteral("first_failure"),
             failures > 0 ? QJsonValue(m_reports->failures().front().path + QStringLiteral(": ") +
                                       m_reports->failures().front().reason)
                          : QJsonValue());
    o.insert(QStringLiteral("flare_list"), m_flareList.isEmpty() ? QJsonValue() : QJsonValue(m_flareList));
    o.insert(QStringLiteral("flare_list_error"), m_flareError.isEmpty() ? QJsonValue() : QJsonValue(m_flareError));
    o.insert(QStringLiteral("flares"), m_flareCount);
    o.insert(QStringLiteral("query"), m_lastQuery.isEmpty() ? QJsonValue() : QJsonValue(m_lastQuery));
    QJsonArray rows;
    for (int i = 0; i < m_table->rowCount(); ++i)
        rows.append(m_table->item(i, 0) ? m_table->item(i, 0)->text().toInt() : 0);
    o.insert(QStringLiteral("table"), QJsonObject{{QStringLiteral("visible"), m_dock->isVisible()},
                                                  {QStringLiteral("caption"), m_caption->text()},
                                                  {QStringLiteral("rows"), rows}});
    QJsonArray views;
    for (int i = 0; i < m_grid->count(); ++i) {
        const MapView *view = m_grid->view(i);
        const auto map = view->map();
        if (!map || !view->isVisible())
            continue;
        QJsonObject v{{QStringLiteral("channel"), map->meta.channel},
                      {QStringLiteral("time"), map->meta.tObs.isValid() ? SdoTime::toIso(map->meta.tObs) : QString()}};
        const RegionSummary *report = m_layer->reportFor(*map);
        v.insert(QStringLiteral("report"), report ? report->path : QString());
        v.insert(QStringLiteral("valid_at"), report ? QJsonValue(SdoTime::toIso(report->validAt)) : QJsonValue());
        QJsonArray labels;
        if (m_layer->isVisible())
            for (const OverlayNoaaRegions::Label &l : m_layer->labelsOn(*map))
                labels.append(QJsonObject{{QStringLiteral("number"), l.seen.region.number},
                                          {QStringLiteral("section"), NoaaRegion::sectionKey(l.seen.region.section)},
                                          {QStringLiteral("location"), l.seen.region.location},
                                          {QStringLiteral("mag_type"), l.seen.region.magType},
                                          {QStringLiteral("lon"), l.seen.lonDeg},
                                          {QStringLiteral("lat"), l.seen.latDeg},
                                          {QStringLiteral("tx"), l.seen.tx},
                                          {QStringLiteral("ty"), l.seen.ty},
                                          {QStringLiteral("x"), l.pixel.x()},
                                          {QStringLiteral("y"), l.pixel.y()},
                                          {QStringLiteral("flare"),
                                           l.flare ? QJsonValue(QJsonObject{{QStringLiteral("class"), l.flare->goesClass},
                                                                            {QStringLiteral("peak"), SdoTime::toIso(l.flare->labelTime())}})
                                                   : QJsonValue()}});
        v.insert(QStringLiteral("labels"), labels);
        // Where the labels went on screen (widget px): ring and text boxes, the place taken around the ring (0 above
        // right ... 3 below left), and the map area they stay in.
        QJsonArray placed;
        const QRectF area = view->mapArea();
        auto box = [](const QRectF &r) { return QJsonArray{r.x(), r.y(), r.width(), r.height()}; };
        for (const OverlayNoaaRegions::PlacedLabel &p :
             m_layer->placedLabels(*map, view->pixelToWidget(), OverlayNoaaRegions::spotPxFor(area), view->font(),
                                   view->devicePixelRatioF(), area))
            placed.append(QJsonObject{{QStringLiteral("number"), p.number},
                                      {QStringLiteral("ring"), box(p.ring)},
                                      {QStringLiteral("text"), box(p.text)},
                                      {QStringLiteral("where"), p.where}});
        v.insert(QStringLiteral("placed"), placed);
        v.insert(QStringLiteral("map_area"), box(area));
        views.append(v);
    }
    o.insert(QStringLiteral("views"), views);
    return o;
}

}  // namespace solarchip
