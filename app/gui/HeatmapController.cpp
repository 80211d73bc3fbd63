#include "app/gui/HeatmapController.h"

#include "app/gui/ArchiveDocument.h"
#include "app/gui/InferenceWorker.h"
#include "app/gui/ObservationDocument.h"
#include "core/map/MapMeta.h"
#include "widgets/HeatmapLayer.h"
#include "widgets/MapGrid.h"
#include "widgets/MapReadout.h"
#include "widgets/MapView.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QMouseEvent>
#include <QPainter>
#include <QRubberBand>
#include <QTimeZone>

#include <cmath>

namespace solarchip {

namespace {

// A Shift+drag drawn as a line from its press to the pointer, over the view (the time-distance slit): white dashes on
// a dark rim and a ring at the start, as widgets/OverlaySlit draws the slit once made.
class LineBand : public QWidget {
public:
    explicit LineBand(QWidget *parent) : QWidget(parent) { setAttribute(Qt::WA_TransparentForMouseEvents); }
    void setLine(const QLineF &line)
    {
        m_line = line;
        update();
    }

protected:
    void paintEvent(QPaintEvent *) override
    {
        QPainter p(this);
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(QPen(QColor(0, 0, 0, 200), 3.5));
        p.drawLine(m_line);
        p.drawEllipse(m_line.p1(), 5.0, 5.0);
        p.setPen(QPen(QColor(255, 255, 255, 240), 1.6, Qt::DashLine));
        p.drawLine(m_line);
        p.setPen(QPen(QColor(255, 255, 255, 240), 1.6));
        p.drawEllipse(m_line.p1(), 5.0, 5.0);
    }

private:
    QLineF m_line;
};

}  // namespace

namespace {

QJsonValue number(double v) { return std::isfinite(v) ? QJsonValue(v) : QJsonValue(QJsonValue::Null); }

QJsonArray rowCol(const SetEmbeddings &e, int cell)
{
    if (cell < 0)
        return {};
    const ModelCell c = e.cellOf(cell);
    return QJsonArray{c.row, c.col};
}

}  // namespace

HeatmapController::HeatmapController(ObservationDocument *document, ArchiveDocument *archive, MapGrid *grid,
                                     InferenceWorker *worker, QObject *parent)
    : QObject(parent), m_document(document), m_archive(archive), m_grid(grid), m_worker(worker)
{
    qRegisterMetaType<QueryPoint>();
    connect(m_document, &ObservationDocument::setChanged, this, &HeatmapController::onSetChanged);
    connect(m_document, &ObservationDocument::setLoaded, this, &HeatmapController::onSetLoaded);
    connect(m_worker, &InferenceWorker::encoded, this, &HeatmapController::onEncoded);
    connect(m_worker, &InferenceWorker::failed, this, &HeatmapController::onFailed);
    connect(m_worker, &InferenceWorker::currentModelChanged, this, [this] {
        // Another model: everything encoded before describes other embeddings.
        m_embeddings.reset();
        clearLayers();
        if (m_enabled && !m_document->set().members.isEmpty() && !m_document->isLoading())
            onSetLoaded();
        Q_EMIT heatmapsChanged();
    });
    // New views and new maps: the layers go onto every view, and a view's new map gets its geometry anew
    // (HeatmapLayer::mapChanged); re-apply so a view that appeared later shows its heatmap too.
    connect(m_document, &ObservationDocument::memberChanged, this, [this] {
        installFilters();
        if (m_shown)
            apply();
    });
}

HeatmapController::~HeatmapController() = default;

void HeatmapController::setEnabled(bool enabled)
{
    if (enabled == m_enabled)
        return;
    m_enabled = enabled;
    if (!enabled) {
        m_worker->request(ObservationSet{});
        m_encoding = false;
        clearLayers();
    } else if (!m_document->isLoading()) {
        onSetLoaded();
    }
    Q_EMIT heatmapsChanged();
}

void HeatmapController::installFilters()
{
    if (!m_grid)
        return;
    for (int i = 0; i < m_grid->count(); ++i)
        if (MapView *v = m_grid->view(i)) {
            v->installEventFilter(this);
            ensureLayer(v);
        }
}

HeatmapLayer *HeatmapController::layerOf(MapView *view)
{
    return view ? dynamic_cast<HeatmapLayer *>(view->overlay(QStringLiteral("heatmap"))) : nullptr;
}

HeatmapLayer *HeatmapController::ensureLayer(MapView *view)
{
    if (HeatmapLayer *l = layerOf(view))
        return l;
    auto layer = std::make_shared<HeatmapLayer>();
    layer->setOpacity(m_opacity);
    layer->setThreshold(m_threshold);
    layer->setVisible(m_layersVisible);
    view->addOverlay(layer);
    return layer.get();
}

int HeatmapController::viewIndexOf(MapView *view) const
{
    for (int i = 0; m_grid && i < m_grid->count(); ++i)
        if (m_grid->view(i) == view)
            return i;
    return -1;
}

void HeatmapController::onSetChanged()
{
    // The maps on screen are replaced: heatmaps of the old set must not sit on them.
    m_embeddings.reset();
    m_shown = false;
    clearLayers();
    installFilters();
    Q_EMIT heatmapsChanged();
}

void HeatmapController::onSetLoaded()
{
    if (!m_enabled)
        return;
    installFilters();
    const ObservationSet &set = m_document->wholeSet();
    if (set.members.isEmpty())
        return;
    m_error.clear();
    if (auto hit = m_worker->cached(set)) {
        onEncoded(hit);
        return;
    }
    m_encoding = true;
    Q_EMIT heatmapsChanged();
    m_worker->request(set, m_archive->archiveDir());
    if (auto now = m_worker->current(); now && m_encoding && !m_embeddings)
        onEncoded(now);  // answered from the cache within request()
}

void HeatmapController::onEncoded(std::shared_ptr<const SetEmbeddings> embeddings)
{
    m_encoding = false;
    // Only the set on screen (the worker answers only the last request; a set already left is ignored).
    const ObservationSet &set = m_document->wholeSet();
    if (!embeddings || InferenceWorker::cacheKey(set, embeddings->modelHash) != InferenceWorker::cacheKey(set, m_worker->modelHash()))
        return;
    QStringList files;
    for (const Observation &m : set.members)
        if (m.isValid())
            files << m.path;
    for (const QString &f : embeddings->files)
        if (!files.contains(f))
            return;
    m_embeddings = std::move(embeddings);
    m_error.clear();
    if (m_query) {
        // A scripted query given before any set was shown gets its time now: tell the followers once.
        const bool timed = m_query->timeMs == 0;
        m_query->timeMs = m_embeddings->timeMs;
        apply();
        if (timed)
            Q_EMIT queryChanged(*m_query);
    }
    Q_EMIT heatmapsChanged();
}

void HeatmapController::onFailed(const QString &message)
{
    m_encoding = false;
    m_error = message;
    m_shown = false;
    clearLayers();
    Q_EMIT heatmapsChanged();
}

void HeatmapController::setScriptedQuery(QPointF hpc, std::optional<QSizeF> box, const QString &channel,
                                         std::optional<QLineF> drag)
{
    m_queryFromScript = true;
    QueryPoint q;
    q.hpc = hpc;
    q.box = box;
    q.drag = drag;
    q.channel = channel;
    q.timeMs = m_document->hasTime() ? m_document->timeMs() : 0;
    setQuery(q);
}

void HeatmapController::setQuery(const QueryPoint &query)
{
    m_query = query;
    m_shown = false;
    m_error.clear();
    Q_EMIT queryChanged(query);
    if (m_embeddings)
        apply();
    Q_EMIT heatmapsChanged();
}

void HeatmapController::clearQuery()
{
    m_query.reset();
    m_shown = false;
    clearLayers();
    Q_EMIT heatmapsChanged();
}

void HeatmapController::setLayersVisible(bool visible)
{
    if (visible == m_layersVisible)
        return;
    m_layersVisible = visible;
    for (int i = 0; m_grid && i < m_grid->count(); ++i)
        if (HeatmapLayer *l = layerOf(m_grid->view(i))) {
            l->setVisible(visible);
            m_grid->view(i)->update();
        }
}

void HeatmapController::clearLayers()
{
    m_results.clear();
    m_queryCells.clear();
    for (int i = 0; m_grid && i < m_grid->count(); ++i)
        if (HeatmapLayer *l = layerOf(m_grid->view(i)); l && l->hasData()) {
            l->clearData();
            m_grid->view(i)->update();
        }
}

void HeatmapController::apply()
{
    if (!m_query || !m_embeddings || !m_grid)
        return;
    QElapsedTimer clock;
    clock.start();
    const SetEmbeddings &e = *m_embeddings;
    m_results.clear();
    m_queryCells.clear();
    m_error.clear();
    // The query's channel: the map clicked, else (scripts) the model's first AIA channel present, else the first.
    int qc = e.channelIndex(m_query->channel);
    if (qc < 0) {
        for (int c = 0; c < e.channels.size() && qc < 0; ++c)
            if (e.channels[c] != QLatin1String("hmi") && !e.channels[c].startsWith(QLatin1String("hmi")))
                qc = c;
        if (qc < 0)
            qc = 0;
        if (!m_query->channel.isEmpty())
            m_error = tr("%1 is not encoded by the model; the query uses %2").arg(channelLabel(m_query->channel), channelLabel(e.channels[qc]));
        m_query->channel = e.channels[qc];
    }
    m_queryChannel = qc;
    const int cell = e.cellAt(m_query->hpc);
    if (cell < 0 || !e.cellHasData(qc, cell)) {
        m_error = cell < 0 ? tr("The point (%1″, %2″) lies outside the model frame of this set (outside the image)")
                                 .arg(m_query->hpc.x(), 0, 'f', 0).arg(m_query->hpc.y(), 0, 'f', 0)
                           : tr("The model cell at (%1″, %2″) has no data in %3 (outside the map's field of view)")
                                 .arg(m_query->hpc.x(), 0, 'f', 0).arg(m_query->hpc.y(), 0, 'f', 0).arg(channelLabel(e.channels[qc]));
        clearLayers();
        m_shown = true;  // answered: nothing to draw, and the status says why
        m_applyMs = clock.nsecsElapsed() / 1e6;
        return;
    }
    m_queryCells = m_query->box ? e.cellsInBox(m_query->hpc, m_query->box->width(), m_query->box->height())
                                : std::vector<int>{cell};
    const std::vector<float> q = queryVector(e, qc, m_queryCells);
    const auto maps = similarityMaps(e, q);
    // The frame shared with the embeddings (aliasing: the layers keep the embeddings alive).
    const std::shared_ptr<const ModelFrame> frame(m_embeddings, &*e.frame);
    const ModelCell qcell = e.cellOf(cell);
    for (int i = 0; i < m_grid->count(); ++i) {
        MapView *view = m_grid->view(i);
        ViewResult r;
        HeatmapLayer *layer = view ? ensureLayer(view) : nullptr;
        const auto map = view ? view->map() : nullptr;
        const int c = map ? e.channelIndex(map->meta.channel) : -1;
        if (!layer || c < 0) {
            if (layer)
                layer->clearData();
            if (map)
                r.channel = map->meta.channel;
            m_results.push_back(r);
            if (view)
                view->update();
            continue;
        }
        HeatmapData d;
        d.frame = frame;
        d.grid = e.grid;
        d.values = maps[static_cast<std::size_t>(c)];
        d.queryCells = m_queryCells;
        for (const CellMatch &m : topMatches(e, d.values, m_topK))
            d.topCells.push_back(m.cell);
        const bool self = c == qc;
        d.label = self ? tr("%1 self-similarity to [%2, %3]").arg(channelLabel(e.channels[c])).arg(qcell.row).arg(qcell.col)
                       : tr("%1 vs %2 [%3, %4]").arg(channelLabel(e.channels[c]), channelLabel(e.channels[qc])).arg(qcell.row).arg(qcell.col);
        if (m_queryCells.size() > 1)
            d.label += tr(" (box of %n cells)", nullptr, static_cast<int>(m_queryCells.size()));
        r.channel = e.channels[c];
        r.self = self;
        r.top = d.topCells;
        r.peakCell = d.topCells.empty() ? -1 : d.topCells.front();
        r.peakValue = r.peakCell >= 0 ? d.values[static_cast<std::size_t>(r.peakCell)] : NAN;
        r.queryValue = d.values[static_cast<std::size_t>(cell)];
        layer->setOpacity(m_opacity);
        layer->setThreshold(m_threshold);
        layer->setData(std::move(d));
        m_results.push_back(r);
        view->update();
    }
    m_shown = true;
    m_applyMs = clock.nsecsElapsed() / 1e6;
}

void HeatmapController::setOpacity(double opacity)
{
    m_opacity = std::clamp(opacity, 0.0, 1.0);
    for (int i = 0; m_grid && i < m_grid->count(); ++i)
        if (HeatmapLayer *l = layerOf(m_grid->view(i))) {
            l->setOpacity(m_opacity);
            m_grid->view(i)->update();
        }
    Q_EMIT heatmapsChanged();
}

void HeatmapController::setThreshold(double threshold)
{
    m_threshold = threshold;
    for (int i = 0; m_grid && i < m_grid->count(); ++i)
        if (HeatmapLayer *l = layerOf(m_grid->view(i))) {
            l->setThreshold(m_threshold);
            m_grid->view(i)->update();
        }
    Q_EMIT heatmapsChanged();
}

void HeatmapController::setTopK(int k)
{
    m_topK = std::max(0, k);
    if (m_shown)
        apply();
    Q_EMIT heatmapsChanged();
}

bool HeatmapController::isSettled() const
{
    if (!m_enabled || !m_query)
        return true;
    if (!m_error.isEmpty() && !m_encoding && !m_embeddings)
        return true;  // the set could not be encoded: nothing will come
    if (m_document->set().members.isEmpty())
        return true;
    return m_shown;
}

std::optional<QPointF> HeatmapController::hpcAt(MapView *view, QPointF widgetPoint) const
{
    const auto map = view ? view->map() : nullptr;
    if (!map || !map->wcs.isValid())
        return std::nullopt;
    const QPointF px = view->widgetToMap(widgetPoint);
    double tx = 0, ty = 0;
    if (!map->wcs.pixelToHelioprojective(px.x(), px.y(), tx, ty) || !std::isfinite(tx) || !std::isfinite(ty))
        return std::nullopt;
    return QPointF(tx, ty);
}

bool HeatmapController::eventFilter(QObject *watched, QEvent *event)
{
    auto *view = qobject_cast<MapView *>(watched);
    if (!view || !m_enabled)
        return QObject::eventFilter(watched, event);
    switch (event->type()) {
    case QEvent::MouseButtonPress: {
        auto *me = static_cast<QMouseEvent *>(event);
        if (me->button() != Qt::LeftButton)
            break;
        m_pressed = true;
        m_dragView = view;
        m_pressPos = me->position();
        m_boxDrag = me->modifiers() & Qt::ShiftModifier;
        if (m_boxDrag) {
            if (m_dragDrawsLine) {
                if (!m_lineBand || m_lineBand->parentWidget() != view) {
                    delete m_lineBand;
                    m_lineBand = new LineBand(view);
                }
                m_lineBand->setGeometry(view->rect());
                static_cast<LineBand *>(m_lineBand)->setLine(QLineF(m_pressPos, m_pressPos));
                m_lineBand->show();
                m_lineBand->raise();
                return true;
            }
            if (!m_band || m_band->parentWidget() != view) {
                delete m_band;
                m_band = new QRubberBand(QRubberBand::Rectangle, view);
            }
            m_band->setGeometry(QRect(m_pressPos.toPoint(), QSize()));
            m_band->show();
            return true;  // a box drag does not pan
        }
        break;
    }
    case QEvent::MouseMove: {
        auto *me = static_cast<QMouseEvent *>(event);
        if (m_pressed && m_boxDrag && view == m_dragView && m_dragDrawsLine && m_lineBand) {
            static_cast<LineBand *>(m_lineBand)->setLine(QLineF(m_pressPos, me->position()));
            return true;
        }
        if (m_pressed && m_boxDrag && view == m_dragView && m_band) {
            m_band->setGeometry(QRect(m_pressPos.toPoint(), me->position().toPoint()).normalized());
            return true;
        }
        break;
    }
    case QEvent::MouseButtonRelease: {
        auto *me = static_cast<QMouseEvent *>(event);
        if (me->button() != Qt::LeftButton || !m_pressed || view != m_dragView)
            break;
        m_pressed = false;
        const QPointF release = me->position();
        const auto map = view->map();
        if (!map)
            break;
        if (m_boxDrag) {
            if (m_band)
                m_band->hide();
            if (m_lineBand)
                m_lineBand->hide();
            const auto a = hpcAt(view, m_pressPos), b = hpcAt(view, release);
            if (a && b) {
                QueryPoint q;
                q.timeMs = m_document->timeMs();
                q.channel = map->meta.channel;
                q.hpc = (*a + *b) / 2;
                const QSizeF size(std::abs(a->x() - b->x()), std::abs(a->y() - b->y()));
                if (size.width() > 0 || size.height() > 0) {
                    q.box = size;
                    q.drag = QLineF(*a, *b);
                }
                setQuery(q);
            }
            return true;
        }
        // A click (not a pan): the press and release within a few pixels.
        if ((release - m_pressPos).manhattanLength() <= 4) {
            if (const auto hpc = hpcAt(view, release)) {
                QueryPoint q;
                q.timeMs = m_document->timeMs();
                q.channel = map->meta.channel;
                q.hpc = *hpc;
                setQuery(q);
            }
        }
        break;
    }
    default:
        break;
    }
    return QObject::eventFilter(watched, event);
}

QString HeatmapController::readoutText(int viewIndex, const MapReadout &readout) const
{
    if (!m_grid || !readout.valid)
        return {};
    HeatmapLayer *layer = layerOf(m_grid->view(viewIndex));
    if (!layer || !layer->hasData())
        return {};
    const QPointF px(readout.x, readout.y);
    const int cell = layer->cellAtMapPixel(px);
    if (cell < 0)
        return {};
    const double v = layer->valueAtMapPixel(px);
    const int g = layer->data().grid;
    return tr("   similarity %1 (cell %2, %3)")
        .arg(std::isfinite(v) ? QString::number(v, 'f', 3) : tr("no data"))
        .arg(cell / g)
        .arg(cell % g);
}

QString HeatmapController::statusText() const
{
    if (!m_enabled)
        return tr("Similarity heatmaps off");
    if (!m_error.isEmpty())
        return m_error;
    if (m_encoding)
        return tr("Encoding the set with the model…");
    if (!m_embeddings)
        return m_worker->hasModel() ? tr("Waiting for a set") : tr("Loading the model…");
    QString s = m_query ? tr("Similarity to the clicked cell (%1 ms)").arg(m_applyMs, 0, 'f', 1)
                        : tr("Set encoded (%1): click a map, Shift+drag for a box").arg(m_embeddings->channels.join(u','));
    if (!m_embeddings->note.isEmpty())
        s += QStringLiteral(" — ") + m_embeddings->note;
    return s;
}

QJsonObject HeatmapController::state() const
{
    QJsonObject o;
    o[QStringLiteral("enabled")] = m_enabled;
    o[QStringLiteral("model_hash")] = m_worker->modelHash();
    o[QStringLiteral("device")] = m_worker->deviceName();
    o[QStringLiteral("encoded")] = static_cast<bool>(m_embeddings);
    o[QStringLiteral("shown")] = m_shown;
    o[QStringLiteral("layers_visible")] = m_layersVisible;
    o[QStringLiteral("error")] = m_error;
    o[QStringLiteral("encode_ms")] = number(m_worker->lastEncodeMs());
    o[QStringLiteral("apply_ms")] = number(m_applyMs);
    o[QStringLiteral("opacity")] = m_opacity;
    o[QStringLiteral("threshold")] = m_threshold;
    if (m_embeddings) {
        const SetEmbeddings &e = *m_embeddings;
        o[QStringLiteral("grid")] = e.grid;
        o[QStringLiteral("channels")] = QJsonArray::fromStringList(e.channels);
        o[QStringLiteral("note")] = e.note;
        o[QStringLiteral("disk_coverage")] = e.diskCoverage;
        o[QStringLiteral("set_time")] = QDateTime::fromMSecsSinceEpoch(e.timeMs, QTimeZone::utc()).toString(Qt::ISODateWithMs);
    }
    if (m_query) {
        o[QStringLiteral("channel")] = m_query->channel;
        o[QStringLiteral("query_hpc")] = QJsonArray{m_query->hpc.x(), m_query->hpc.y()};
        o[QStringLiteral("query_box")] = m_query->box ? QJsonValue(QJsonArray{m_query->box->width(), m_query->box->height()})
                                                      : QJsonValue();
    }
    if (m_embeddings && !m_queryCells.empty()) {
        const SetEmbeddings &e = *m_embeddings;
        const int cell = e.cellAt(m_query->hpc);
        o[QStringLiteral("query_cell")] = rowCol(e, cell);
        QJsonArray cells;
        for (int c : m_queryCells)
            cells.append(rowCol(e, c));
        o[QStringLiteral("query_cells")] = cells;
        QJsonArray views;
        double paintMs = -1;
        for (int i = 0; m_grid && i < m_grid->count(); ++i)
            if (HeatmapLayer *l = layerOf(m_grid->view(i)); l && l->hasData())
                paintMs = std::max(paintMs, l->lastPaintMs());
        o[QStringLiteral("paint_ms")] = number(paintMs);
        for (const ViewResult &r : m_results) {
            QJsonArray top;
            for (int c : r.top)
                top.append(rowCol(e, c));
            views.append(QJsonObject{{QStringLiteral("channel"), r.channel},
                                     {QStringLiteral("drawn"), r.peakCell >= 0},
                                     {QStringLiteral("self"), r.self},
                                     {QStringLiteral("peak_cell"), r.peakCell >= 0 ? QJsonValue(rowCol(e, r.peakCell)) : QJsonValue()},
                                     {QStringLiteral("peak_value"), number(r.peakValue)},
                                     {QStringLiteral("query_value"), number(r.queryValue)},
                                     {QStringLiteral("top"), top}});
        }
        o[QStringLiteral("views")] = views;
    }
    return o;
}

}  // namespace solarchip
