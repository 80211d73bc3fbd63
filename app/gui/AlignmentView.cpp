#include "app/gui/AlignmentView.h"

#include "app/gui/ArchiveDocument.h"
#include "app/gui/DockFront.h"
#include "app/gui/CurrentSetRequest.h"
#include "app/gui/InferenceWorker.h"
#include "app/gui/ObservationDocument.h"
#include "app/gui/StoreTimeline.h"
#include "core/base/ThreadBudget.h"
#include "core/map/MapMeta.h"
#include "models/inference/SetEncoding.h"
#include "widgets/AlignmentTimeline.h"
#include "widgets/CellValueLayer.h"
#include "widgets/MapGrid.h"
#include "widgets/MapView.h"
#include "widgets/TimelineModel.h"

#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFile>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QMainWindow>
#include <QSlider>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <cmath>
#include <limits>

namespace solarchip {

namespace {

const QString kLayerId = QStringLiteral("alignment");

QJsonValue number(double v)
{
    return std::isfinite(v) ? QJsonValue(v) : QJsonValue();
}

QString percent(double fraction)
{
    return std::isfinite(fraction) ? QString::number(100.0 * fraction, 'f', fraction < 0.1 ? 1 : 0) + QLatin1Char('%')
                                   : QStringLiteral("–");
}

// What the background alignment of one set gives back.
struct AlignResult {
    QString error;
    std::shared_ptr<const SetAlignment> alignment;
    std::shared_ptr<const ModelFrame> frame;
    std::vector<float> radius;  // per cell: its centre's distance from the disk centre in solar radii (NaN: unknown)
    std::vector<uint8_t> hasData;  // per cell: every channel's input had data there (0: describes zeros, not drawn)
    double ms = 0;                 // the alignment's wall time on the pool
    QString note;
};

// The alignment of an encoded set: the on-disk cells where every channel had data (a cut-out's cells outside
// its field of view describe zeros, not the Sun).
AlignResult alignEmbeddings(const SetEmbeddings &e)
{
    QElapsedTimer clock;
    clock.start();
    AlignResult r;
    r.note = e.note;
    if (e.frame)
        r.frame = std::make_shared<const ModelFrame>(*e.frame);
    const int cells = e.cells();
    r.radius.assign(static_cast<std::size_t>(cells), std::numeric_limits<float>::quiet_NaN());
    for (int cell = 0; cell < cells && e.rsunArcsec > 0 && cell < static_cast<int>(e.cellCentreHpc.size()); ++cell) {
        const QPointF c = e.cellCentreHpc[static_cast<std::size_t>(cell)];
        r.radius[static_cast<std::size_t>(cell)] = static_cast<float>(std::hypot(c.x(), c.y()) / e.rsunArcsec);
    }
    std::vector<uint8_t> mask = e.onDisk;
    r.hasData.assign(static_cast<std::size_t>(cells), 1);
    bool allData = true;
    for (int c = 0; c < e.channels.size(); ++c)
        for (int cell = 0; cell < cells; ++cell)
            if (!e.cellHasData(c, cell)) {
                allData = false;
                r.hasData[static_cast<std::size_t>(cell)] = 0;
            }
    if (!allData) {
        if (mask.empty())
            mask.assign(static_cast<std::size_t>(cells), 1);
        for (int c = 0; c < e.channels.size(); ++c)
            for (int cell = 0; cell < cells; ++cell)
                if (!e.cellHasData(c, cell))
                    mask[static_cast<std::size_t>(cell)] = 0;
    }
    auto a = CrossModalAlignment::evaluate(e.patches, e.channels, e.grid, e.dim, mask, e.timeMs);
    if (!a) {
        r.error = a.errorString();
        return r;
    }
    r.alignment = std::make_shared<const SetAlignment>(std::move(*a));
    r.ms = clock.nsecsElapsed() / 1e6;
    return r;
}

struct TimelineResult : StoreRead {  // seconds: reading the store and aligning every set
    std::vector<AlignmentPoint> points;
};

AlignmentTimeline::Point toTimelinePoint(const AlignmentPoint &p)
{
    return {p.timeMs, p.meanCosine, p.fractionRank1};
}

}  // namespace

AlignmentView::AlignmentView(QMainWindow *window, ArchiveDocument *archive, ObservationDocument *observation,
                             MapGrid *grid, InferenceWorker *worker, QObject *parent)
    : QObject(parent), m_window(window), m_archive(archive), m_observation(observation), m_grid(grid), m_worker(worker)
{
    createDock(window);
    connect(m_observation, &ObservationDocument::setChanged, this, &AlignmentView::onSetChanged);
    // Asked once the set's maps are in (as the heatmaps ask): queued, so a request the heatmap controller made
    // for the same set in the same signal is found running and waited for instead of being cancelled.
    connect(m_observation, &ObservationDocument::setLoaded, this, &AlignmentView::requestCurrentSet, Qt::QueuedConnection);
    // Views are made and given maps as members arrive: each gets its layer then.
    connect(m_observation, &ObservationDocument::memberChanged, this, [this] { applyOverlays(); });
    connect(m_observation, &ObservationDocument::timeChanged, m_timeline, &AlignmentTimeline::setCurrentTime);
    connect(m_timeline, &AlignmentTimeline::timeRequested, m_observation, &ObservationDocument::goToTime);
    connect(m_worker, &InferenceWorker::encoded, this, &AlignmentView::onEncoded);
    connect(m_worker, &InferenceWorker::failed, this, &AlignmentView::onFailed);
    // The worker went idle without answering for the set on screen (it answered another set): ask for it.
    connect(m_worker, &InferenceWorker::busyChanged, this, [this](bool busy) {
        if (!busy && m_active && m_waitingEncode && !m_current && !m_aligning)
            QMetaObject::invokeMethod(this, [this] { askWorker(); }, Qt::QueuedConnection);
    });
    connect(m_worker, &InferenceWorker::currentModelChanged, this, [this](const QString &hash) {
        if (hash == m_modelHash)
            return;
        m_modelHash = hash;
        m_current.reset();
        applyOverlays();
        m_timeline->clear();
        if (m_active) {
            reloadTimeline();
            requestCurrentSet();
        }
    });
    connect(m_archive, &ArchiveDocument::dataChanged, this, [this] {
        if (m_active)
            updateSpan();
    });
    connect(m_archive, &ArchiveDocument::opened, this, [this] {
        m_current.reset();
        m_timeline->clear();
        if (m_active)
            reloadTimeline();
    });
    m_modelHash = m_worker->modelHash();
}

AlignmentView::~AlignmentView() = default;

void AlignmentView::createDock(QMainWindow *window)
{
    m_dock = new QDockWidget(tr("Cross-modal alignment"), window);
    m_dock->setObjectName(QStringLiteral("dock.alignment"));
    m_dock->setAllowedAreas(Qt::TopDockWidgetArea | Qt::BottomDockWidgetArea);
    auto *panel = new QWidget(m_dock);
    auto *layout = new QVBoxLayout(panel);
    layout->setContentsMargins(4, 2, 4, 2);
    auto *controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Cells:"), panel));
    m_measureBox = new QComboBox(panel);
    m_measureBox->setObjectName(QStringLiteral("alignmentMeasure"));
    m_measureBox->addItem(tr("same-place cosine (AIA cell · HMI cell)"));
    m_measureBox->addItem(tr("rank of the true HMI match (1 = agrees)"));
    m_measureBox->setToolTip(tr("Colour each model cell of the AIA views by the cosine similarity of its embedding to "
                                "the HMI cell at the same place, or by the rank of that HMI cell among all on-disk "
                                "HMI cells"));
    connect(m_measureBox, &QComboBox::currentIndexChanged, this,
            [this](int i) { setMeasure(i == 1 ? Measure::Rank : Measure::Cosine); });
    controls->addWidget(m_measureBox);
    controls->addWidget(new QLabel(tr("Where:"), panel));
    m_regionBox = new QComboBox(panel);
    m_regionBox->setObjectName(QStringLiteral("alignmentRegion"));
    m_regionBox->addItem(tr("disk and limb (< 1.1 R☉)"));
    m_regionBox->addItem(tr("on-disk cells only (< 0.95 R☉, the summary's)"));
    m_regionBox->addItem(tr("every cell of the model frame"));
    m_regionBox->setToolTip(tr("Which model cells the overlay colours; the summary and the timeline always count the "
                               "cells whose centre lies within 0.95 solar radii"));
    connect(m_regionBox, &QComboBox::currentIndexChanged, this, [this] { applyOverlays(); });
    controls->addWidget(m_regionBox);
    controls->addWidget(new QLabel(tr("Opacity:"), panel));
    m_opacitySlider = new QSlider(Qt::Horizontal, panel);
    m_opacitySlider->setObjectName(QStringLiteral("alignmentOpacity"));
    m_opacitySlider->setRange(0, 100);
    m_opacitySlider->setValue(static_cast<int>(m_opacity * 100));
    m_opacitySlider->setMaximumWidth(140);
    connect(m_opacitySlider, &QSlider::valueChanged, this, [this](int v) { setOpacity(v / 100.0); });
    controls->addWidget(m_opacitySlider);
    controls->addStretch(1);
    layout->addLayout(controls);
    m_statusLabel = new QLabel(panel);
    m_statusLabel->setObjectName(QStringLiteral("alignmentStatus"));
    m_statusLabel->setWordWrap(true);
    m_statusLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_statusLabel);
    m_timeline = new AlignmentTimeline(panel);
    m_timeline->setObjectName(QStringLiteral("alignmentTimeline"));
    layout->addWidget(m_timeline, 1);
    m_dock->setWidget(panel);
    // Below the maps and the time strip, full width: the plot reads best wide.
    window->addDockWidget(Qt::BottomDockWidgetArea, m_dock, Qt::Vertical);
    m_dock->hide();
}

void AlignmentView::setActive(bool active)
{
    if (active == m_active) {
        m_dock->setVisible(active);  // a restored window layout may have shown the dock outside the view
        return;
    }
    m_active = active;
    m_dock->setVisible(active);
    if (active) {
        bringDockToFront(m_dock);  // a restored layout may hold another tab in front
        m_modelHash = m_worker->modelHash();
        reloadTimeline();
        m_timeline->setCurrentTime(m_observation->hasTime() ? m_observation->time() : QDateTime());
        requestCurrentSet();
    } else {
        m_waitingEncode = false;
    }
    applyOverlays();
    Q_EMIT settledMaybe();
}

void AlignmentView::setMeasure(Measure measure)
{
    m_measure = measure;
    if (m_measureBox->currentIndex() != (measure == Measure::Rank ? 1 : 0))
        m_measureBox->setCurrentIndex(measure == Measure::Rank ? 1 : 0);
    applyOverlays();
}

void AlignmentView::setOpacity(double opacity)
{
    m_opacity = std::clamp(opacity, 0.0, 1.0);
    if (m_opacitySlider->value() != static_cast<int>(std::lround(m_opacity * 100)))
        m_opacitySlider->setValue(static_cast<int>(std::lround(m_opacity * 100)));
    applyOverlays();
}

bool AlignmentView::isSettled() const
{
    return !m_active || (!m_waitingEncode && !m_aligning && !m_store.loading);
}

void AlignmentView::onSetChanged()
{
    // The cells of the old set must not be drawn over the new maps.
    m_current.reset();
    ++m_alignTicket;
    m_aligning = false;
    m_waitingEncode = m_active && m_observation->hasTime();  // until the maps are in and the set is encoded
    applyOverlays();
    Q_EMIT settledMaybe();
}

void AlignmentView::requestCurrentSet()
{
    if (!m_active || !m_observation->hasTime())
        return;
    const ObservationSet &set = m_observation->wholeSet();
    if (!hasMemberFiles(set)) {
        m_waitingEncode = false;
        Q_EMIT settledMaybe();
        return;
    }
    if (m_current || m_aligning)
        return;  // already answered for this set
    m_waitingEncode = true;
    setStatus(tr("Encoding the set of %1 with the model…").arg(set.referenceTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))));
    if (auto hit = cachedOrAsk(*m_worker, set, m_archive->archiveDir(), /*onlyWhenIdle=*/true)) {
        onEncoded(hit);
        return;
    }
    Q_EMIT settledMaybe();
}

void AlignmentView::askWorker()
{
    if (!m_active || !m_waitingEncode || !m_observation->hasTime())
        return;
    if (auto hit = cachedOrAsk(*m_worker, m_observation->wholeSet(), m_archive->archiveDir(), /*onlyWhenIdle=*/false))
        onEncoded(hit);
}

void AlignmentView::onEncoded(std::shared_ptr<const SetEmbeddings> embeddings)
{
    if (!m_active || !embeddings || !InferenceWorker::isEncodingOf(*embeddings, m_observation->wholeSet()) || m_current || m_aligning)
        return;  // another view's request, a set already left, or one already aligned
    m_waitingEncode = false;
    const quint64 ticket = ++m_alignTicket;
    m_aligning = true;
    auto future = QtConcurrent::run(ThreadBudget::instance().pool(ThreadBudget::Pool::Io),
                                    [embeddings] { return alignEmbeddings(*embeddings); });
    auto *watcher = new QFutureWatcher<AlignResult>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, ticket] {
        watcher->deleteLater();
        const AlignResult r = watcher->result();
        if (ticket == m_alignTicket) {
            m_cellRadius = r.radius;
            m_cellHasData = r.hasData;
            m_alignMs = r.ms;
        }
        onAligned(ticket, r.error, r.alignment, r.frame, r.note);
    });
    watcher->setFuture(future);
}

void AlignmentView::onFailed(const QString &message)
{
    if (!m_active || !m_waitingEncode)
        return;
    m_waitingEncode = false;
    setStatus(tr("The set could not be encoded: %1").arg(message));
    Q_EMIT settledMaybe();
}

void AlignmentView::onAligned(quint64 ticket, const QString &error, std::shared_ptr<const SetAlignment> alignment,
                              std::shared_ptr<const ModelFrame> frame, const QString &note)
{
    if (ticket != m_alignTicket)
        return;
    m_aligning = false;
    m_note = note;
    if (!error.isEmpty() || !alignment) {
        m_current.reset();
        const QStringList model = m_worker->modelChannels();
        setStatus(tr("No alignment for this set: %1. The view needs an HMI map and an AIA channel of the model (%2) "
                     "at the same time.")
                      .arg(error, model.join(QStringLiteral(", "))));
        applyOverlays();
        Q_EMIT settledMaybe();
        return;
    }
    m_current = std::move(alignment);
    m_frame = std::move(frame);
    QStringList parts;
    for (const ChannelAlignment &c : m_current->channels)
        parts << tr("%1: mean same-place cosine %2, %3 of %4 on-disk cells rank 1 (chance %5)")
                     .arg(channelLabel(c.channel))
                     .arg(c.meanCosine, 0, 'f', 3)
                     .arg(percent(c.fractionRank1))
                     .arg(c.onDiskCells)
                     .arg(percent(c.onDiskCells > 0 ? 1.0 / c.onDiskCells : NAN));
    if (!m_current->onDiskKnown)
        parts << tr("no solar radius in the header: every cell counted as on the disk");
    if (m_current->channels.size() > 0 && m_current->channels.front().onDiskCells < m_current->grid * m_current->grid / 8)
        parts << tr("few cells on the disk: read the summary with care");
    if (!m_note.isEmpty())
        parts << m_note;
    if (const qint64 spread = m_observation->wholeSet().spreadMs(); spread > 60000)
        parts << tr("the members are %1 min apart: the Sun rotated meanwhile").arg(spread / 60000.0, 0, 'f', 0);
    // A partial field of view (a cut-out, a submap): disk cells without data in some channel are not drawn nor
    // counted. (HMI has no data off the limb: that is no news.)
    int diskCells = 0, diskWithData = 0;
    for (std::size_t i = 0; i < m_cellHasData.size() && i < m_cellRadius.size(); ++i)
        if (m_cellRadius[i] < 0.95) {
            ++diskCells;
            diskWithData += m_cellHasData[i] ? 1 : 0;
        }
    if (diskWithData < diskCells)
        parts << tr("only %1 of the %2 disk cells have data in every channel (a partial field of view): only those are "
                    "drawn and counted").arg(diskWithData).arg(diskCells);
    setStatus(parts.join(QStringLiteral(" · ")));
    addCurrentPoint();
    updateTimelineMessage();
    applyOverlays();
    Q_EMIT settledMaybe();
}

void AlignmentView::updateSpan()
{
    // The axis spans the archive, so the points aligned while browsing sit where they belong in it.
    const TimelineModel *span = m_archive->timeline();
    if (span && span->last() > span->first())
        m_timeline->setSpan(span->first(), span->last());
    else
        m_timeline->setSpan(0, 0);
}

void AlignmentView::addCurrentPoint()
{
    if (!m_current)
        return;
    const AlignmentPoint p = CrossModalAlignment::summarise(*m_current);
    if (!std::isfinite(p.meanCosine))
        return;
    // The store dates a set by its first channel's time (HMI), the view by its anchor (AIA): the stored set
    // nearest in time, within the set tolerance, is this set, already drawn. (A point aligned while browsing has
    // this very time and is replaced.)
    if (m_store.holds(p.timeMs, m_observation->toleranceMs()))
        return;
    const int before = static_cast<int>(m_timeline->points().size());
    m_timeline->addPoint(toTimelinePoint(p));
    if (static_cast<int>(m_timeline->points().size()) == before)
        return;
    ++m_store.browsedPoints;
}

void AlignmentView::reloadTimeline()
{
    m_store.reset();
    m_timeline->clear();
    updateSpan();
    const QString archiveDir = m_archive->archiveDir();
    if (archiveDir.isEmpty() || m_modelHash.isEmpty()) {
        updateTimelineMessage();
        return;
    }
    const QString hash = m_modelHash;
    m_store.start<TimelineResult>(this, [archiveDir, hash] {
        TimelineResult r;
        QElapsedTimer clock;
        clock.start();
        const bool read = readModelStore(archiveDir, hash, r, [&r](EmbeddingStore &store) -> Status {
            auto points = CrossModalAlignment::timelineFromStore(store);
            if (!points)
                return points.error();
            r.points = std::move(*points);
            return Status::success();
        });
        if (read)
            r.seconds = clock.nsecsElapsed() / 1e9;
        return r;
    }, [this](const TimelineResult &r) {
        QVector<AlignmentTimeline::Point> points;
        std::vector<qint64> times;
        for (const AlignmentPoint &p : r.points) {
            points << toTimelinePoint(p);
            times.push_back(p.timeMs);  // sorted, as the points are
        }
        m_timeline->setPoints(points);
        m_store.setStoredTimes(std::move(times));
        addCurrentPoint();  // the set on screen, aligned before the store was read
        m_timeline->setCurrentTime(m_observation->hasTime() ? m_observation->time() : QDateTime());
        updateTimelineMessage();
        Q_EMIT settledMaybe();
    });
    updateTimelineMessage();
}

void AlignmentView::updateTimelineMessage()
{
    const QString archiveDir = m_archive->archiveDir();
    const QString shortHash = m_modelHash.left(12);
    QString text;
    if (m_store.loading) {
        text = tr("Reading the embedding store of model %1…").arg(shortHash);
    } else if (archiveDir.isEmpty()) {
        text = tr("Loose files, no archive: nothing to draw over time. The points are the sets aligned while you "
                  "browse (%1).").arg(m_timeline->points().size());
    } else if (m_modelHash.isEmpty()) {
        text = tr("Loading the model…");
    } else if (!m_store.error.isEmpty()) {
        text = tr("The embedding store could not be read: %1. The points are the sets aligned while you browse (%2).")
                   .arg(m_store.error)
                   .arg(m_timeline->points().size());
    } else if (m_store.storeDir.isEmpty()) {
        const QString model = m_worker->modelPath();
        const QString modelArg = model.isEmpty() || model.startsWith(QLatin1String(":/"))
                                     ? QString()
                                     : QStringLiteral(" --model '%1'").arg(QDir::toNativeSeparators(model));
        text = tr("No embedding store of model %1 in this archive. To draw the whole archive run:  solarchip embed "
                  "--archive '%2'%3  (then reopen the archive). Meanwhile the sets aligned while you browse are drawn "
                  "(%4).")
                   .arg(shortHash, QDir::toNativeSeparators(archiveDir), modelArg)
                   .arg(m_timeline->points().size());
    } else {
        text = tr("%1 sets from the embedding store %2 (model %3)")
                   .arg(m_store.sets)
                   .arg(QDir::toNativeSeparators(m_store.storeDir), shortHash);
        if (m_store.browsedPoints > 0)
            text += tr(", %n more aligned while browsing", nullptr, m_store.browsedPoints);
    }
    m_timeline->setMessage(text);
}

void AlignmentView::setStatus(const QString &text)
{
    m_status = text;
    m_statusLabel->setText(text);
}

void AlignmentView::applyOverlays()
{
    if (!m_grid)
        return;
    for (int i = 0; i < m_grid->count(); ++i)
        applyOverlay(m_grid->view(i));
}

void AlignmentView::applyOverlay(MapView *view)
{
    if (!view)
        return;
    auto *layer = dynamic_cast<CellValueLayer *>(view->overlay(kLayerId));
    if (!layer) {
        if (!m_active)
            return;  // never added while the view is off
        auto made = std::make_shared<CellValueLayer>(kLayerId);
        made->setVisible(false);
        layer = made.get();
        view->addOverlay(std::move(made));
    }
    if (!m_active) {
        view->setOverlayVisible(kLayerId, false);
        return;
    }
    const QString channel = view->map() ? view->map()->meta.channel : QString();
    const ChannelAlignment *c = m_current && m_frame ? m_current->channel(channel) : nullptr;
    if (!c) {
        layer->setValues({});
    } else {
        // Cells outside the chosen region (and cells without data in any channel) are not drawn.
        const int region = m_regionBox->currentIndex();
        const double limit = region == 0 ? 1.1 : region == 1 ? 0.95 : std::numeric_limits<double>::infinity();
        std::vector<float> values(c->cosine.size());
        double lowest = 1.0;
        for (std::size_t i = 0; i < values.size(); ++i) {
            const float radius = i < m_cellRadius.size() ? m_cellRadius[i] : std::numeric_limits<float>::quiet_NaN();
            const bool data = i >= m_cellHasData.size() || m_cellHasData[i];
            const bool shown = data && (std::isnan(radius) || radius < limit)
                               && (region != 1 || m_current->onDisk[i]) && std::isfinite(c->cosine[i]);
            values[i] = !shown ? std::numeric_limits<float>::quiet_NaN()
                        : m_measure == Measure::Cosine ? c->cosine[i] : static_cast<float>(c->rank[i]);
            if (shown && m_current->onDisk[i])
                lowest = std::min(lowest, static_cast<double>(c->cosine[i]));
        }
        layer->setFrame(m_frame);
        layer->setValues(std::move(values));
        if (m_measure == Measure::Cosine) {
            // From the lowest on-disk cosine (rounded down to 0.1) to 1: the structure on the disk, not the
            // offset all cells share, gets the colours.
            const double lo = std::min(0.9, std::floor(lowest * 10.0) / 10.0);
            layer->setScale(lo, 1.0, QStringLiteral("viridis"), false,
                            tr("%1 · HMI same-place cosine (below %2 dark)").arg(channelLabel(channel)).arg(lo, 0, 'f', 1));
        } else
            layer->setScale(1.0, std::max(2.0, static_cast<double>(c->onDiskCells)), QStringLiteral("viridis_r"), true,
                            tr("rank of the true HMI match among %1 on-disk cells").arg(c->onDiskCells));
    }
    layer->setOpacity(m_opacity);
    // Every view of the set keeps the layer's strip (the map views stay the same size); the HMI view has no values.
    if (!layer->isVisible())
        view->setOverlayVisible(kLayerId, true);
    view->update();
}

QJsonObject AlignmentView::state() const
{
    QJsonObject o;
    o[QStringLiteral("active")] = m_active;
    o[QStringLiteral("model_hash")] = m_modelHash;
    o[QStringLiteral("measure")] = m_measure == Measure::Rank ? QStringLiteral("rank") : QStringLiteral("cosine");
    o[QStringLiteral("status")] = m_status;
    o[QStringLiteral("note")] = m_note;
    o[QStringLiteral("set_time")] = m_current ? QJsonValue(QDateTime::fromMSecsSinceEpoch(m_current->timeMs, QTimeZone::utc())
                                                               .toString(Qt::ISODateWithMs))
                                              : QJsonValue();
    QJsonArray views;
    if (m_grid)
        for (int i = 0; i < m_grid->count(); ++i) {
            const MapView *view = m_grid->view(i);
            const QString channel = view->map() ? view->map()->meta.channel : QString();
            const ChannelAlignment *c = m_current ? m_current->channel(channel) : nullptr;
            if (!c)
                continue;
            const auto *layer = dynamic_cast<const CellValueLayer *>(view->overlay(kLayerId));
            views.append(QJsonObject{{QStringLiteral("view"), i},
                                     {QStringLiteral("channel"), channel},
                                     {QStringLiteral("mean_cosine"), number(c->meanCosine)},
                                     {QStringLiteral("fraction_rank1"), number(c->fractionRank1)},
                                     {QStringLiteral("mean_rank"), number(c->meanRank)},
                                     {QStringLiteral("on_disk_cells"), c->onDiskCells},
                                     {QStringLiteral("overlay_shown"), layer && layer->isVisible() && layer->hasValues()}});
        }
    o[QStringLiteral("views")] = views;
    o[QStringLiteral("on_disk_known")] = m_current ? m_current->onDiskKnown : false;
    o[QStringLiteral("timeline_points")] = static_cast<int>(m_timeline->points().size());
    // The points themselves for outside checks, while they are few enough to read.
    if (m_timeline->points().size() <= 5000) {
        QJsonArray points;
        for (const AlignmentTimeline::Point &p : m_timeline->points())
            points.append(QJsonArray{p.timeMs, number(p.meanCosine), number(p.fractionRank1)});
        o[QStringLiteral("timeline")] = points;
    } else {
        o[QStringLiteral("timeline")] = QJsonValue();
    }
    o[QStringLiteral("timeline_source")] = m_store.storeDir.isEmpty() ? QStringLiteral("browsing") : QStringLiteral("store");
    o[QStringLiteral("store")] = m_store.storeDir.isEmpty() ? QJsonValue() : QJsonValue(m_store.storeDir);
    o[QStringLiteral("store_sets")] = m_store.sets;
    o[QStringLiteral("timeline_seconds")] = m_store.seconds;
    o[QStringLiteral("align_ms")] = m_alignMs;
    o[QStringLiteral("timeline_message")] = m_timeline->message();
    o[QStringLiteral("cursor_time")] = m_timeline->currentTime().isValid()
                                           ? QJsonValue(m_timeline->currentTime().toString(Qt::ISODateWithMs))
                                           : QJsonValue();
    return o;
}

}  // namespace solarchip
