#include "app/gui/SearchController.h"

#include "app/gui/ArchiveDocument.h"
#include "app/gui/DockFront.h"
#include "app/gui/EmbedJob.h"
#include "app/gui/InferenceWorker.h"
#include "app/gui/LayerTableDock.h"
#include "app/gui/MainWindow.h"
#include "app/gui/NoaaRegionController.h"
#include "app/gui/ObservationDocument.h"
#include "app/gui/SearchPanel.h"
#include "core/base/AtomicFile.h"
#include "core/base/ThreadBudget.h"
#include "models/embeddings/EmbeddingStore.h"
#include "widgets/MapGrid.h"
#include "widgets/MapView.h"
#include "widgets/OverlayHitBox.h"
#include "widgets/ResultsGallery.h"

#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimeZone>
#include <QtConcurrent/QtConcurrentRun>

namespace solarchip {

namespace {

QString isoMs(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(Qt::ISODateWithMs);
}

struct StoreProbe {
    bool exists = false;
    QString hash;
    qint64 count = 0;
    QStringList channels;
    QString error;
};

}  // namespace

SearchController::SearchController(MainWindow *window)
    : QObject(window), m_window(window), m_job(new EmbedJob(this)), m_overlay(std::make_shared<OverlayHitBox>())
{
    m_dock = new QDockWidget(tr("Archive search"), window);
    m_dock->setObjectName(QStringLiteral("dock.search"));
    m_panel = new SearchPanel(this, m_dock);
    m_panel->setObjectName(QStringLiteral("searchPanel"));
    m_dock->setWidget(m_panel);
    window->addDockWidget(Qt::RightDockWidgetArea, m_dock);
    m_dock->hide();  // shown by the "search" view mode or View > Archive search panel

    connect(window->archive(), &ArchiveDocument::opened, this, &SearchController::onArchiveOpened);
    connect(window->archive(), &ArchiveDocument::dataChanged, this, [this] {
        if (m_state == QLatin1String("no-archive"))
            onArchiveOpened();
    });
    connect(window->archive(), &ArchiveDocument::dataChanged, this,
            [this] { m_panel->setChannels(m_window->archive()->channels()); });
    connect(window->observation(), &ObservationDocument::timeChanged, this, [this] {
        // The search view mode puts the gallery in front of its tabs; a tab raised before the window is laid
        // out falls back, so it is raised again once a time is shown.
        if (m_raisePending && m_window->isVisible()) {
            m_raisePending = false;
            raiseDock();
        }
        runPending();
    });
    connect(window, &MainWindow::viewModeChanged, this, [this](const QString &mode) {
        m_raisePending = mode == QLatin1String("search");
    });
    connect(gallery(), &ResultsGallery::hitActivated, this, &SearchController::activateHit);
    // A click or box on a map queries the archive, while the gallery is on screen (a search over a large store is
    // not free); a query made meanwhile runs when the gallery is shown.
    connect(window, &MainWindow::queryChanged, this, [this](const QueryPoint &q) {
        if (m_dock->isVisible())
            query(q);
        else
            m_query = q, m_stale = true;
    });
    connect(m_dock, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        if (visible && m_stale)
            requery();
    });
    // The current model is the inference worker's: its hash names the store searched.
    InferenceWorker *inference = window->inference();
    connect(inference, &InferenceWorker::currentModelChanged, this, [this](const QString &hash) { onModel(hash); });
    connect(inference, &InferenceWorker::failed, this, [this](const QString &message) {
        if (m_window->inference()->hasModel())
            return;  // an encoding failure, not the model's
        m_resolving = false;
        setState(QStringLiteral("error"), tr("No model to search with: %1").arg(message));
    });

    connect(m_job, &EmbedJob::started, this, [this](qint64 todo, qint64 already) {
        setState(QStringLiteral("embedding"),
                 tr("Embedding %n set(s) (%1 already stored)…", nullptr, int(todo)).arg(already));
    });
    connect(m_job, &EmbedJob::progress, this, &SearchController::embedProgress);
    connect(m_job, &EmbedJob::finished, this, [this](const QJsonObject &summary) {
        m_message = tr("Embedded %1 set(s) in %2 s")
                        .arg(summary.value(QStringLiteral("written")).toInteger())
                        .arg(summary.value(QStringLiteral("seconds")).toDouble(), 0, 'f', 1);
        checkStore();
    });
    connect(m_job, &EmbedJob::cancelled, this, [this] {
        m_message = tr("Embedding cancelled; what was stored stays, Embed resumes");
        checkStore();
    });
    connect(m_job, &EmbedJob::failed, this, [this](const QString &message) {
        setState(QStringLiteral("error"), message);
        checkStore();
    });
    if (inference->hasModel())
        onModel(inference->modelHash());
}

SearchController::~SearchController()
{
    if (m_cancel)
        m_cancel->store(true);
}

ResultsGallery *SearchController::gallery() const { return m_panel->gallery(); }

const std::vector<GalleryHit> &SearchController::hits() const { return gallery()->model()->hits(); }

QString SearchController::storeDir() const
{
    const QString archive = m_window->archive()->archiveDir();
    if (archive.isEmpty() || m_modelHash.isEmpty())
        return {};
    return QDir(archive).filePath(QStringLiteral(".solarchip/embeddings/") + m_modelHash.left(16));
}

void SearchController::setState(const QString &state, const QString &message)
{
    m_state = state;
    if (!message.isNull())
        m_message = message;
    Q_EMIT stateChanged(m_state, m_message);
    Q_EMIT settledMaybe();
}

void SearchController::onModel(const QString &hash)
{
    m_resolving = false;
    if (hash == m_modelHash && m_state != QLatin1String("model"))
        return;
    m_modelHash = hash;
    m_result = {};
    gallery()->model()->setHits({});
    Q_EMIT hitsChanged();
    checkStore();
}

void SearchController::raiseDock()
{
    bringDockToFront(m_dock);
}

void SearchController::onArchiveOpened()
{
    if (m_cancel)
        m_cancel->store(true);
    if (m_job->isRunning())
        m_job->cancel();
    m_query.reset();
    m_framed = -1;
    m_overlay->setTarget({}, 0, {});
    gallery()->model()->setHits({});
    m_result = {};
    Q_EMIT hitsChanged();
    if (m_window->archive()->archiveDir().isEmpty()) {
        setState(QStringLiteral("no-archive"), tr("Archive search needs an archive folder (loose files have no "
                                                  "embedding store)"));
        return;
    }
    if (m_modelHash.isEmpty())
        setState(QStringLiteral("model"), tr("Waiting for the current model…"));
    else
        checkStore();
}

void SearchController::checkStore()
{
    const QString dir = storeDir();
    if (dir.isEmpty()) {
        Q_EMIT settledMaybe();
        return;
    }
    m_checking = true;
    const QString embeddings = QFileInfo(dir).path();
    auto future = QtConcurrent::run(ThreadBudget::instance().pool(ThreadBudget::Pool::Background), [dir, embeddings] {
        StoreProbe probe;
        if (QFileInfo::exists(QDir(dir).filePath(QStringLiteral("store.json")))) {
            auto store = EmbeddingStore::open(dir);
            if (!store) {
                probe.error = store.errorString();
                return probe;
            }
            probe.exists = true;
            probe.hash = store->info().modelHash;
            probe.count = store->count();
            probe.channels = store->info().channels;
            return probe;
        }
        // No store for this model: is there one of another model (say so: it is never used)?
        for (const QString &other : QDir(embeddings).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
            QFile f(QDir(embeddings).filePath(other + QStringLiteral("/store.json")));
            if (f.open(QIODevice::ReadOnly))
                probe.hash = QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("model_hash")).toString();
            if (!probe.hash.isEmpty())
                break;
        }
        return probe;
    });
    auto *watcher = new QFutureWatcher<StoreProbe>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, dir] {
        watcher->deleteLater();
        m_checking = false;
        if (dir != storeDir())
            return;
        const StoreProbe p = watcher->result();
        m_storeCount = p.count;
        m_storeHash = p.hash;
        if (m_job->isRunning()) {
            Q_EMIT settledMaybe();
            return;
        }
        const QString done = m_message.startsWith(tr("Embedded")) || m_message.startsWith(tr("Embedding cancelled"))
                                 ? m_message + QStringLiteral(". ")
                                 : QString();
        if (!p.error.isEmpty())
            setState(QStringLiteral("error"), tr("%1 Embed again to rebuild it.").arg(p.error));
        else if (p.exists && p.hash != m_modelHash)
            setState(QStringLiteral("other-model"),
                     tr("%1 was made by model %2, not the current %3: not used; embed the archive again")
                         .arg(QDir::toNativeSeparators(dir), p.hash.left(16), m_modelHash.left(16)));
        else if (p.exists && p.count > 0) {
            setState(QStringLiteral("ready"), done + tr("%n set(s) embedded (model %1); click or drag on a map to "
                                                        "search the archive", nullptr, int(p.count))
                                                      .arg(m_modelHash.left(12)));
            prepareIndex(p.channels);
        }
        else if (!p.hash.isEmpty())
            setState(QStringLiteral("no-store"),
                     done + tr("Only a store of another model (%1) is here; its vectors do not compare with the "
                               "current model %2. Embed the archive to search it.")
                                .arg(p.hash.left(16), m_modelHash.left(16)));
        else
            setState(QStringLiteral("no-store"),
                     done + tr("This archive is not embedded yet: Embed it to search it (runs in the background)."));
        runPending();
        if (m_query && m_state == QLatin1String("ready") && m_result.hits.empty())
            requery();
    });
    watcher->setFuture(future);
}

void SearchController::prepareIndex(const QStringList &channels)
{
    // The FAISS index next to the store, built (or extended after new shards, or loaded) before the first query
    // needs it: the searched channel first.
    const QString dir = storeDir();
    QStringList order = channels;
    const QString focus = m_window->focusChannel();
    if (order.contains(focus))
        order.move(order.indexOf(focus), 0);
    ++m_indexing;
    auto future = QtConcurrent::run(ThreadBudget::instance().pool(ThreadBudget::Pool::Background), [dir, order] {
        QStringList notes;
        for (const QString &c : order) {
            auto note = prepareGallerySearch(dir, c);
            notes << (note ? *note : note.errorString());
        }
        return notes;
    });
    auto *watcher = new QFutureWatcher<QStringList>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        --m_indexing;
        m_indexNotes = watcher->result();
        Q_EMIT settledMaybe();
    });
    watcher->setFuture(future);
}

void SearchController::setPendingQuery(const QPointF &hpc, const std::optional<QSizeF> &box, const QString &channel)
{
    m_pending = Pending{hpc, box, channel};
    runPending();
}

void SearchController::runPending()
{
    if (!m_pending || m_resolving || m_checking || !m_window->observation()->hasTime())
        return;
    if (m_state != QLatin1String("ready")) {
        // Nothing to search (no store, another model's store, an error): the state says why; the query is dropped.
        m_pending.reset();
        Q_EMIT settledMaybe();
        return;
    }
    QueryPoint q;
    q.timeMs = m_window->observation()->timeMs();
    q.hpc = m_pending->hpc;
    q.box = m_pending->box;
    q.channel = m_pending->channel;
    if (q.channel.isEmpty())
        q.channel = m_window->focusChannel();
    m_pending.reset();
    query(q);
}

void SearchController::setFilters(const GalleryFilters &filters)
{
    m_filters = filters;
    requery();
}

void SearchController::requery()
{
    if (m_query)
        query(*m_query);
}

void SearchController::query(const QueryPoint &q)
{
    m_stale = false;
    m_query = q;
    if (m_state != QLatin1String("ready") && m_state != QLatin1String("searching")) {
        Q_EMIT stateChanged(m_state, m_message);
        return;
    }
    if (m_cancel)
        m_cancel->store(true);
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    GallerySearchRequest request;
    request.storeDir = storeDir();
    request.expectedModelHash = m_modelHash;
    request.query = q;
    request.filters = m_filters;
    request.regions = m_window->noaaRegions()->reports();
    const quint64 ticket = ++m_ticket;
    ++m_searching;
    setState(QStringLiteral("searching"), tr("Searching %1…").arg(QDir::toNativeSeparators(request.storeDir)));
    auto cancel = m_cancel;
    auto future = QtConcurrent::run(ThreadBudget::instance().pool(ThreadBudget::Pool::Background),
                                    [request, cancel] { return runGallerySearch(request, cancel.get()); });
    auto *watcher = new QFutureWatcher<Expected<GallerySearchResult>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, ticket] {
        watcher->deleteLater();
        --m_searching;
        if (ticket != m_ticket)
            return;  // a newer query replaced it
        auto result = watcher->result();
        m_framed = -1;
        if (!result) {
            m_result = {};
            gallery()->model()->setHits({});
            setState(QStringLiteral("ready"), result.errorString());
            Q_EMIT hitsChanged();
            return;
        }
        m_result = std::move(*result);
        gallery()->model()->setHits(m_result.hits);
        // The query's own cell framed on the maps until a hit is picked.
        if (!m_result.hits.empty() && m_result.hits.front().timeMs == m_result.queryTimeMs
            && m_result.hits.front().cell == m_result.queryCell)
            frame(m_result.hits.front().hpcBox, m_result.queryTimeMs, tr("query"));
        setState(QStringLiteral("ready"),
                 tr("%n hit(s) among %1 indexed cells of %2 set(s) in %3 ms", nullptr, int(m_result.hits.size()))
                     .arg(m_result.vectorsSearched)
                     .arg(m_result.storeCount)
                     .arg(m_result.seconds * 1000.0, 0, 'f', 1));
        Q_EMIT hitsChanged();
        cutThumbnails();
    });
    watcher->setFuture(future);
}

void SearchController::cutThumbnails()
{
    const quint64 ticket = m_ticket;
    const int side = gallery()->thumbnailSide();
    const std::vector<GalleryHit> hits = m_result.hits;
    m_thumbsPending = static_cast<int>(hits.size());
    for (int row = 0; row < static_cast<int>(hits.size()); ++row) {
        const GalleryHit hit = hits[static_cast<std::size_t>(row)];
        auto future = QtConcurrent::run(ThreadBudget::instance().pool(ThreadBudget::Pool::Io),
                                        [hit, side] { return cutThumbnail(hit, side); });
        auto *watcher = new QFutureWatcher<Expected<QImage>>(this);
        connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, ticket, row] {
            watcher->deleteLater();
            if (ticket != m_ticket)
                return;
            auto image = watcher->result();
            gallery()->model()->setThumbnail(row, image ? *image : QImage(), image ? QString() : image.errorString());
            if (--m_thumbsPending == 0)
                Q_EMIT settledMaybe();
        });
        watcher->setFuture(future);
    }
    if (hits.empty())
        Q_EMIT settledMaybe();
}

void SearchController::activateHit(int row)
{
    if (row < 0 || row >= static_cast<int>(hits().size()))
        return;
    const GalleryHit &hit = hits()[static_cast<std::size_t>(row)];
    m_framed = row;
    frame(hit.hpcBox, hit.timeMs, tr("#%1  %2").arg(row + 1).arg(hit.score, 0, 'f', 3));
    gallery()->setCurrentHit(row);
    m_window->observation()->goToTime(QDateTime::fromMSecsSinceEpoch(hit.timeMs, QTimeZone::utc()));
    Q_EMIT hitsChanged();
}

void SearchController::setFrameVisible(bool visible)
{
    if (m_overlay->isVisible() == visible)
        return;
    m_overlay->setVisible(visible);
    MapGrid *grid = m_window->grid();
    for (int i = 0; i < grid->count(); ++i)
        grid->view(i)->update();
}

void SearchController::frame(const QRectF &hpcBox, qint64 timeMs, const QString &label)
{
    m_overlay->setTarget(hpcBox, timeMs, label);
    attachLayerToViews(m_window->grid(), m_overlay);
}

void SearchController::embedArchive()
{
    const QString archive = m_window->archive()->archiveDir();
    if (archive.isEmpty()) {
        setState(QStringLiteral("no-archive"), tr("Open an archive folder to embed it"));
        return;
    }
    // The inference worker's model file (none for the shipped default, which the CLI has built in too).
    QString model = m_window->inference()->modelPath();
    if (model.startsWith(QLatin1String(":/")))
        model.clear();
    if (m_job->start(archive, model))
        setState(QStringLiteral("embedding"), tr("Starting the embedding job…"));
}

void SearchController::cancelEmbedding()
{
    m_job->cancel();
}

bool SearchController::isSettled() const
{
    if (m_checking || m_indexing > 0 || m_searching > 0 || m_thumbsPending > 0)
        return false;
    // A --query-hpc not run yet (it waits for the model, a time and the store) keeps a scripted run waiting.
    return !m_pending || (!m_resolving && m_state != QLatin1String("ready") && m_state != QLatin1String("model"));
}

QJsonObject SearchController::queryJson() const
{
    if (!m_query)
        return {};
    QJsonObject q{{QStringLiteral("time"), isoMs(m_query->timeMs)},
                  {QStringLiteral("channel"), m_query->channel},
                  {QStringLiteral("hpc"), QJsonArray{m_query->hpc.x(), m_query->hpc.y()}}};
    if (m_query->box)
        q[QStringLiteral("box")] = QJsonArray{m_query->box->width(), m_query->box->height()};
    if (m_result.grid > 0) {
        q[QStringLiteral("set_time")] = isoMs(m_result.queryTimeMs);
        q[QStringLiteral("cell")] = m_result.queryCell;
        q[QStringLiteral("grid")] = m_result.grid;
    }
    return q;
}

QJsonObject SearchController::stateJson() const
{
    QJsonObject o;
    o[QStringLiteral("state")] = m_state;
    o[QStringLiteral("message")] = m_message;
    o[QStringLiteral("model_hash")] = m_modelHash;
    const QString dir = storeDir();
    o[QStringLiteral("store")] = QJsonObject{
        {QStringLiteral("dir"), dir},
        {QStringLiteral("exists"), !dir.isEmpty() && QFileInfo::exists(QDir(dir).filePath(QStringLiteral("store.json")))},
        {QStringLiteral("count"), static_cast<double>(m_storeCount)},
        {QStringLiteral("model_hash"), m_storeHash},
        {QStringLiteral("matches_model"), !m_storeHash.isEmpty() && m_storeHash == m_modelHash}};
    // The engine's index as the last query found it (kind "flat" = exact, "ivfpq" = re-ranked exactly; note: used as
    // saved, extended or rebuilt, and why); empty before a query.
    o[QStringLiteral("index")] = QJsonObject{{QStringLiteral("kind"), m_result.indexKind},
                                             {QStringLiteral("vectors"), static_cast<double>(m_result.vectorsSearched)},
                                             {QStringLiteral("note"), m_result.indexNote},
                                             {QStringLiteral("method"), m_result.method},
                                             {QStringLiteral("prepared"), QJsonArray::fromStringList(m_indexNotes)}};
    o[QStringLiteral("embedding")] = QJsonObject{{QStringLiteral("running"), m_job->isRunning()},
                                                 {QStringLiteral("done"), static_cast<double>(m_job->done())},
                                                 {QStringLiteral("total"), static_cast<double>(m_job->total())}};
    const QJsonObject f{{QStringLiteral("channel"), m_filters.channel},
                        {QStringLiteral("from"), m_filters.fromMs ? QJsonValue(isoMs(m_filters.fromMs)) : QJsonValue()},
                        {QStringLiteral("to"), m_filters.toMs ? QJsonValue(isoMs(m_filters.toMs)) : QJsonValue()},
                        {QStringLiteral("exclude_days"), m_filters.excludeDays},
                        {QStringLiteral("on_disk_only"), m_filters.onDiskOnly},
                        {QStringLiteral("max_limb_distance"), m_filters.maxLimbDistance},
                        {QStringLiteral("k"), m_filters.k}};
    o[QStringLiteral("filters")] = f;
    o[QStringLiteral("query")] = m_query ? QJsonValue(queryJson()) : QJsonValue();
    QJsonArray hs;
    const GalleryHitModel *model = gallery()->model();
    for (int i = 0; i < static_cast<int>(hits().size()); ++i) {
        QJsonObject h = hitToJson(hits()[static_cast<std::size_t>(i)]);
        h[QStringLiteral("thumbnail")] = model->hasThumbnail(i);
        hs.append(h);
    }
    o[QStringLiteral("hits")] = hs;
    o[QStringLiteral("thumbnails_drawn")] = model->thumbnailsDrawn();
    o[QStringLiteral("framed")] = m_framed;
    o[QStringLiteral("seconds")] = m_result.seconds;
    return o;
}

Status SearchController::exportCsv(const QString &path) const
{
    return writeFileAtomically(path, hitsToCsv(hits()));
}

Status SearchController::exportJson(const QString &path) const
{
    return writeFileAtomically(path, QJsonDocument(hitsToJson(hits(), queryJson())).toJson(QJsonDocument::Indented));
}

}  // namespace solarchip
