#include "app/gui/LightCurveController.h"

#include "app/gui/ArchiveDocument.h"
#include "app/gui/ArchiveQuery.h"
#include "app/gui/BackgroundRun.h"
#include "app/gui/DockFront.h"
#include "app/gui/LayerTableDock.h"
#include "app/gui/ObservationDocument.h"
#include "app/gui/StudioSettings.h"
#include "core/archive/FlareLabels.h"
#include "core/archive/FlareList.h"
#include "core/archive/FlareListCache.h"
#include "core/base/AtomicFile.h"
#include "core/base/ThreadBudget.h"
#include "core/map/MapMeta.h"
#include "core/map/SdoTime.h"
#include "widgets/Colormap.h"
#include "widgets/LightCurvePlot.h"
#include "widgets/MapGrid.h"
#include "widgets/MapView.h"
#include "widgets/OverlayRegionBox.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QDockWidget>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QMainWindow>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTimeZone>
#include <QVBoxLayout>
#include <QtConcurrent>

#include <algorithm>
#include <cmath>
#include <limits>

namespace solarchip {

namespace {

const QString kAllAia = QStringLiteral("aia-normalised");
constexpr double kSpans[] = {1, 3, 7, 14, 0};  // days either side of the region's time; 0: the whole archive
constexpr int kDefaultSpan = 2;

struct Result {
    QVector<LightCurve> curves;
    QVector<LightCurvePlot::Flare> flares;  // the archive's list's C, M and X flares in the span
    QString error;
    bool cancelled = false;
    QStringList thinned;  // channels with more observations in the span than kMaxPerChannel
};

bool isMagnetogramUnit(const QString &unit)
{
    const QString u = unit.toLower();
    return u.startsWith(QLatin1String("gauss")) || u.contains(QLatin1String("mx/cm"));
}

const char *statisticKey(LightCurveController::Statistic s)
{
    using S = LightCurveController::Statistic;
    switch (s) {
    case S::Auto: return "auto";
    case S::Mean: return "mean";
    case S::MeanAbs: return "mean_abs";
    case S::Max: return "max";
    case S::Min: return "min";
    case S::Sum: return "sum";
    }
    return "auto";
}

// The value a point shows, and the words for it.
double valueOf(const RegionMeasure &m, LightCurveController::Statistic s, const QString &unit)
{
    using S = LightCurveController::Statistic;
    switch (s) {
    case S::Auto: return isMagnetogramUnit(unit) ? m.meanAbs : m.mean;
    case S::Mean: return m.mean;
    case S::MeanAbs: return m.meanAbs;
    case S::Max: return m.max;
    case S::Min: return m.min;
    case S::Sum: return m.sum;
    }
    return m.mean;
}

QString statisticWords(LightCurveController::Statistic s, const QString &unit)
{
    using S = LightCurveController::Statistic;
    switch (s) {
    case S::Auto: return isMagnetogramUnit(unit) ? LightCurveController::tr("mean |B|") : LightCurveController::tr("mean");
    case S::Mean: return LightCurveController::tr("mean");
    case S::MeanAbs: return LightCurveController::tr("mean |value|");
    case S::Max: return LightCurveController::tr("maximum");
    case S::Min: return LightCurveController::tr("minimum");
    case S::Sum: return LightCurveController::tr("sum");
    }
    return {};
}

QString iso(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

}  // namespace

LightCurveController::LightCurveController(QMainWindow *window, ArchiveDocument *archive, ObservationDocument *observation,
                                           MapGrid *grid, StudioSettings *settings, QObject *parent)
    : QObject(parent), m_window(window), m_archive(archive), m_observation(observation), m_grid(grid),
      m_settings(settings), m_overlay(std::make_shared<OverlayRegionBox>())
{
    createDock(window);
    connect(m_observation, &ObservationDocument::timeChanged, m_plot, &LightCurvePlot::setCurrentTime);
    connect(m_plot, &LightCurvePlot::timeRequested, m_observation, &ObservationDocument::goToTime);
    // New views (another set, another layout) get the box too.
    connect(m_observation, &ObservationDocument::setChanged, this, &LightCurveController::updateOverlay);
    connect(m_observation, &ObservationDocument::memberChanged, this, [this] { updateOverlay(); });
    connect(m_archive, &ArchiveDocument::opened, this, [this] {
        // Another archive: a measurement in flight is stopped and its answer dropped (the ticket moves on).
        if (m_run->drop())
            Q_EMIT settledMaybe();
        m_query.reset();
        m_region.reset();
        m_curves.clear();
        m_error.clear();
        m_stale = false;
        showCurves();
        updateOverlay();
    });
}

LightCurveController::~LightCurveController() = default;

bool LightCurveController::isSettled() const
{
    return !m_run->isRunning();
}

void LightCurveController::createDock(QMainWindow *window)
{
    m_dock = new QDockWidget(tr("Light curve"), window);
    m_dock->setObjectName(QStringLiteral("dock.lightcurve"));
    auto *panel = new QWidget(m_dock);
    auto *layout = new QVBoxLayout(panel);
    layout->setContentsMargins(6, 4, 6, 4);
    m_regionLabel = new QLabel(panel);
    m_regionLabel->setObjectName(QStringLiteral("lightCurveRegion"));
    m_regionLabel->setWordWrap(true);
    m_regionLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_regionLabel);

    auto *controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Channel:"), panel));
    m_channelBox = new QComboBox(panel);
    m_channelBox->setObjectName(QStringLiteral("lightCurveChannel"));
    m_channelBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    controls->addWidget(m_channelBox);
    controls->addWidget(new QLabel(tr("Show:"), panel));
    m_statisticBox = new QComboBox(panel);
    m_statisticBox->setObjectName(QStringLiteral("lightCurveStatistic"));
    m_statisticBox->addItem(tr("Mean (|B| for magnetograms)"), static_cast<int>(Statistic::Auto));
    m_statisticBox->addItem(tr("Mean"), static_cast<int>(Statistic::Mean));
    m_statisticBox->addItem(tr("Mean |value|"), static_cast<int>(Statistic::MeanAbs));
    m_statisticBox->addItem(tr("Maximum"), static_cast<int>(Statistic::Max));
    m_statisticBox->addItem(tr("Minimum"), static_cast<int>(Statistic::Min));
    m_statisticBox->addItem(tr("Sum"), static_cast<int>(Statistic::Sum));
    controls->addWidget(m_statisticBox);
    controls->addWidget(new QLabel(tr("Span:"), panel));
    m_spanBox = new QComboBox(panel);
    m_spanBox->setObjectName(QStringLiteral("lightCurveSpan"));
    for (double d : kSpans)
        m_spanBox->addItem(d == 1 ? tr("±1 day") : d > 0 ? tr("±%1 days").arg(d) : tr("Whole archive"), d);
    const int span = m_settings->raw().value(QStringLiteral("lightcurve/span"), kDefaultSpan).toInt();
    m_spanBox->setCurrentIndex(span >= 0 && span < m_spanBox->count() ? span : kDefaultSpan);
    controls->addWidget(m_spanBox);
    m_followBox = new QCheckBox(tr("Follow the Sun's rotation"), panel);
    m_followBox->setObjectName(QStringLiteral("lightCurveFollow"));
    m_followBox->setToolTip(tr("Carry the box with the Sun's differential rotation (Snodgrass rates) from the time "
                               "it was drawn, as sunpy's RotatedSunFrame does; off: fixed on the sky"));
    m_followBox->setChecked(m_settings->raw().value(QStringLiteral("lightcurve/follow"), true).toBool());
    controls->addWidget(m_followBox);
    controls->addWidget(new QLabel(tr("Click box:"), panel));
    m_sizeBox = new QSpinBox(panel);
    m_sizeBox->setObjectName(QStringLiteral("lightCurveBoxSize"));
    m_sizeBox->setRange(5, 2000);
    m_sizeBox->setSingleStep(10);
    m_sizeBox->setSuffix(QStringLiteral("″"));
    m_sizeBox->setToolTip(tr("Side of the square box measured around a click (a Shift+drag box keeps its own size)"));
    m_sizeBox->setValue(m_settings->raw().value(QStringLiteral("lightcurve/boxArcsec"), 120).toInt());
    controls->addWidget(m_sizeBox);
    controls->addStretch(1);
    m_exportButton = new QPushButton(tr("Export CSV…"), panel);
    m_exportButton->setObjectName(QStringLiteral("lightCurveExport"));
    controls->addWidget(m_exportButton);
    m_savePlotButton = new QPushButton(tr("Save plot…"), panel);
    m_savePlotButton->setObjectName(QStringLiteral("lightCurveSavePlot"));
    m_savePlotButton->setToolTip(tr("The plot as PNG or PDF (for a paper or a talk)"));
    controls->addWidget(m_savePlotButton);
    layout->addLayout(controls);

    auto *status = new QHBoxLayout;
    m_run = new BackgroundRun(panel, status, QStringLiteral("lightCurve"), this);
    m_statusLabel = new QLabel(panel);
    m_statusLabel->setObjectName(QStringLiteral("lightCurveStatus"));
    m_statusLabel->setWordWrap(true);
    m_statusLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    status->addWidget(m_statusLabel, 1);
    layout->addLayout(status);

    m_plot = new LightCurvePlot(panel);
    m_plot->setObjectName(QStringLiteral("lightCurvePlotWidget"));
    layout->addWidget(m_plot, 1);
    m_dock->setWidget(panel);
    // Below the maps, full width: a time series reads best wide.
    window->addDockWidget(Qt::BottomDockWidgetArea, m_dock, Qt::Vertical);
    m_dock->hide();

    connect(m_channelBox, &QComboBox::currentIndexChanged, this, [this] { showCurves(false); });
    connect(m_statisticBox, &QComboBox::currentIndexChanged, this, [this] { showCurves(false); });
    auto remeasure = [this] {
        m_settings->raw().setValue(QStringLiteral("lightcurve/span"), m_spanBox->currentIndex());
        m_settings->raw().setValue(QStringLiteral("lightcurve/follow"), m_followBox->isChecked());
        m_settings->raw().setValue(QStringLiteral("lightcurve/boxArcsec"), m_sizeBox->value());
        if (!m_query)
            return;
        if (m_active)
            measure();
        else
            m_stale = true;
    };
    connect(m_spanBox, &QComboBox::currentIndexChanged, this, remeasure);
    connect(m_followBox, &QCheckBox::toggled, this, remeasure);
    connect(m_sizeBox, &QSpinBox::editingFinished, this, [this, remeasure] {
        if (!m_query || m_query->box || !m_region || std::fabs(m_region->box.width - m_sizeBox->value()) < 0.5) {
            m_settings->raw().setValue(QStringLiteral("lightcurve/boxArcsec"), m_sizeBox->value());
            return;
        }
        remeasure();
    });
    connect(m_savePlotButton, &QPushButton::clicked, this, [this] {
        exportThroughDialog(m_window, m_settings, m_statusLabel, tr("Save the light-curve plot"), QStringLiteral("lightcurve.png"),
                            tr("PNG image (*.png);;PDF (*.pdf)"), [this](const QString &path) {
                                const Status saved = m_plot->savePlot(path);
                                return saved ? QString() : saved.errorString();
                            });
    });
    connect(m_exportButton, &QPushButton::clicked, this, [this] {
        if (m_curves.isEmpty())
            return;
        const QString name = QStringLiteral("lightcurve_%1.csv")
                                 .arg(m_region ? QDateTime::fromMSecsSinceEpoch(m_region->referenceMs, QTimeZone::utc())
                                                     .toString(QStringLiteral("yyyyMMdd_HHmm"))
                                               : QStringLiteral("region"));
        exportThroughDialog(m_window, m_settings, m_statusLabel, tr("Export the light curve as CSV"), name,
                            tr("CSV files (*.csv)"), [this](const QString &path) { return exportCsv(path); });
    });
    updateRegionText();
}

void LightCurveController::setActive(bool active)
{
    if (active == m_active) {
        m_dock->setVisible(active);  // a restored window layout may have shown the dock outside the view
        return;
    }
    m_active = active;
    m_dock->setVisible(active);
    if (active) {
        bringDockToFront(m_dock);
        m_plot->setCurrentTime(m_observation->hasTime() ? m_observation->time() : QDateTime());
        if (m_query && (m_stale || !m_region))
            measure();
    }
    updateOverlay();
    Q_EMIT settledMaybe();
}

void LightCurveController::setQuery(const QueryPoint &query)
{
    m_query = query;
    updateRegionText();
    if (m_active)
        measure();
    else
        m_stale = true;
}

double LightCurveController::spanDays() const
{
    return m_spanBox->currentData().toDouble();
}

void LightCurveController::cancel()
{
    m_run->cancel();
}

void LightCurveController::measure()
{
    if (!m_query)
        return;
    LightCurveRegion region;
    const double side = m_sizeBox->value();
    region.box = SkyBox{m_query->hpc.x(), m_query->hpc.y(), m_query->box ? m_query->box->width() : side,
                        m_query->box ? m_query->box->height() : side};
    region.referenceMs = m_query->timeMs;
    region.followRotation = m_followBox->isChecked();
    if (m_query->noaa > 0 && m_regionReports) {
        region.noaa = m_query->noaa;
        region.reports = m_regionReports;
    }
    m_region = region;
    m_stale = false;
    m_curves.clear();
    m_flares.clear();
    m_notes.clear();
    m_error.clear();
    m_cancelled = false;

    const double days = spanDays();
    // The whole archive: 1970 to 2100 (SDO's lifetime with room to spare; valid UTC dates both).
    const qint64 from = days > 0 ? region.referenceMs - static_cast<qint64>(days * 86400000.0) : 0;
    const qint64 to = days > 0 ? region.referenceMs + static_cast<qint64>(days * 86400000.0) : 4102444800000LL;
    const QStringList channels = m_archive->channels();
    const ArchiveQuery query = m_archive->query();
    const QString archiveDir = m_archive->archiveDir();
    const auto started = m_run->start();
    const std::shared_ptr<BackgroundRun::State> state = started.first;
    const quint64 ticket = started.second;
    m_statusLabel->setText(tr("Reading the files…"));
    updateRegionText();
    updateOverlay();
    showCurves();

    auto future = QtConcurrent::run(ThreadBudget::instance().pool(ThreadBudget::Pool::Background),
                                    [query, channels, region, from, to, state, archiveDir]() {
        Result r;
        // The archive's flare list (the generator's SWPC CSV, or a list put beside the files), C and above.
        if (!archiveDir.isEmpty())
            if (auto list = findFlareList(archiveDir))
                if (auto flares = loadFlareListShared(*list))
                    for (const FlareEvent &e : (*flares)->between(QDateTime::fromMSecsSinceEpoch(from, QTimeZone::utc()),
                                                               QDateTime::fromMSecsSinceEpoch(to, QTimeZone::utc()), kGoesC))
                        r.flares << LightCurvePlot::Flare{e.labelTime().toMSecsSinceEpoch(), e.goesClass,
                                                          flareClassIndex(e.peakFlux)};
        QVector<Observation> all;
        for (const QString &channel : channels) {
            auto list = query.observationsIn(channel, from, to);
            if (!list) {
                r.error = list.error().toString();
                return r;
            }
            const QVector<Observation> &found = *list;
            const int n = static_cast<int>(found.size());
            if (n > kMaxPerChannel) {
                r.thinned << channel;
                for (int i = 0; i < kMaxPerChannel; ++i)
                    all << found[static_cast<int>((static_cast<qint64>(i) * (n - 1)) / (kMaxPerChannel - 1))];
            } else {
                all += found;
            }
            if (state->cancel)
                break;
        }
        state->total = static_cast<int>(all.size());
        r.curves = measureLightCurves(all, region, [state](int done, int) {
            state->done = done;
            return !state->cancel.load();
        });
        r.cancelled = state->cancel.load();
        return r;
    });
    auto *watcher = new QFutureWatcher<Result>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, ticket] {
        watcher->deleteLater();
        if (!m_run->finish(ticket))
            return;
        const Result r = watcher->result();
        m_curves = r.curves;
        m_flares = r.flares;
        m_error = r.error;
        m_cancelled = r.cancelled;
        m_notes.clear();
        if (!r.thinned.isEmpty())
            m_notes << tr("%1: more than %2 observations in the span, every n-th shown")
                           .arg(r.thinned.join(QStringLiteral(", ")))
                           .arg(kMaxPerChannel);
        showCurves();
        Q_EMIT settledMaybe();
    });
    watcher->setFuture(future);
}

void LightCurveController::fillChannelBox()
{
    const QString wanted = m_channelBox->currentData().toString().isEmpty() && m_query ? m_query->channel
                                                                                    : m_channelBox->currentData().toString();
    QSignalBlocker block(m_channelBox);
    m_channelBox->clear();
    int aia = 0;
    for (const LightCurve &c : m_curves) {
        m_channelBox->addItem(channelLabel(c.channel), c.channel);
        aia += c.channel.startsWith(QLatin1String("hmi")) ? 0 : 1;
    }
    if (aia >= 2)
        m_channelBox->addItem(tr("All AIA channels (each ÷ its median)"), kAllAia);
    int index = m_channelBox->findData(wanted);
    if (index < 0 && m_query)
        index = m_channelBox->findData(m_query->channel);
    m_channelBox->setCurrentIndex(std::max(0, index));
}

void LightCurveController::showCurves(bool refillChannels)
{
    if (refillChannels)
        fillChannelBox();
    const QString selected = m_channelBox->currentData().toString();
    const auto statistic = static_cast<Statistic>(m_statisticBox->currentData().toInt());
    QVector<LightCurvePlot::Series> series;
    QString valueLabel;
    QStringList failures;
    int measured = 0, points = 0;
    for (const LightCurve &c : m_curves) {
        const bool normalised = selected == kAllAia && !c.channel.startsWith(QLatin1String("hmi"));
        if (c.channel != selected && !normalised)
            continue;
        LightCurvePlot::Series s;
        s.colour = Colormap::channelColour(c.channel);
        for (const LightCurvePoint &p : c.points) {
            s.timesMs << p.timeMs;
            s.values << (p.measure ? valueOf(*p.measure, statistic, c.unit) : std::numeric_limits<double>::quiet_NaN());
            s.flagged << (p.measure && p.measure->quality != 0);
            if (!p.measure && failures.size() < 1)
                failures << QStringLiteral("%1 %2: %3").arg(c.channel, iso(p.timeMs), p.error);
        }
        measured += c.measured();
        points += static_cast<int>(c.points.size());
        if (normalised) {
            QVector<double> finite;
            for (double v : s.values)
                if (std::isfinite(v))
                    finite << v;
            if (finite.isEmpty())
                continue;
            std::nth_element(finite.begin(), finite.begin() + finite.size() / 2, finite.end());
            const double median = finite[finite.size() / 2];
            if (median != 0)
                for (double &v : s.values)
                    v /= median;
            s.name = channelLabel(c.channel);
            valueLabel = tr("%1 ÷ the channel's median").arg(statisticWords(statistic, c.unit));
        } else {
            s.name = QStringLiteral("%1 %2").arg(channelLabel(c.channel), statisticWords(statistic, c.unit));
            valueLabel = QStringLiteral("%1 (%2)").arg(statisticWords(statistic, c.unit),
                                                      c.unit.isEmpty() ? tr("no unit") : c.unit);
        }
        series << s;
    }
    m_plot->setSeries(series, valueLabel);
    m_plot->setFlares(m_flares);
    m_plot->setSpan(0, 0);
    m_exportButton->setEnabled(!m_curves.isEmpty());
    m_savePlotButton->setEnabled(!m_curves.isEmpty());

    if (!m_query) {
        m_plot->setMessage(tr("Click a map (Shift+drag for a box) to plot what the archive's files hold there over time."));
    } else if (m_run->isRunning()) {
        m_plot->setMessage(QString());
    } else if (!m_error.isEmpty()) {
        m_plot->setMessage(m_error);
    } else if (m_curves.isEmpty()) {
        m_plot->setMessage(tr("No observations in the span: choose a longer one."));
    } else if (measured == 0 && points > 0) {
        m_plot->setMessage(tr("None of the %1 observations could be measured.").arg(points));
    } else {
        m_plot->setMessage(QString());
    }
    if (!m_run->isRunning() && m_query && m_region) {
        QStringList parts;
        parts << tr("%1 of %2 observations measured").arg(measured).arg(points);
        if (m_cancelled)
            parts << tr("cancelled");
        parts += m_notes;
        if (!failures.isEmpty())
            parts << tr("first failure: %1").arg(failures.first());
        m_statusLabel->setText(parts.join(QStringLiteral("; ")));
    } else if (!m_query) {
        m_statusLabel->clear();
    }
}

void LightCurveController::updateRegionText()
{
    if (!m_query) {
        m_followBox->setEnabled(true);
        m_regionLabel->setText(tr("No region yet: click a map, or Shift+drag a box, in any view."));
        return;
    }
    const double side = m_sizeBox->value();
    const double w = m_query->box ? m_query->box->width() : side, h = m_query->box ? m_query->box->height() : side;
    const double days = spanDays();
    // (a NOAA region is placed by the reports: the rotation switch does not apply to it)
    m_followBox->setEnabled(!(m_query->noaa > 0 && m_regionReports));
    if (m_query->noaa > 0 && m_regionReports)
        return m_regionLabel->setText(
            tr("Box %1″ × %2″ on NOAA %3, where the daily Solar Region Summaries place it at each time; %4.")
                .arg(w, 0, 'f', 0)
                .arg(h, 0, 'f', 0)
                .arg(m_query->noaa)
                .arg(days > 0 ? tr("observations within ±%1 day%2 of %3 UTC").arg(days).arg(days == 1 ? QString() : QStringLiteral("s"))
                                    .arg(iso(m_query->timeMs))
                              : tr("every observation of the archive")));
    m_regionLabel->setText(
        tr("Box %1″ × %2″ centred at (%3″, %4″) on %5 UTC, %6; %7.")
            .arg(w, 0, 'f', 0)
            .arg(h, 0, 'f', 0)
            .arg(m_query->hpc.x(), 0, 'f', 0)
            .arg(m_query->hpc.y(), 0, 'f', 0)
            .arg(iso(m_query->timeMs))
            .arg(m_followBox->isChecked() ? tr("following the Sun's rotation") : tr("fixed on the sky"))
            .arg(days > 0 ? tr("observations within ±%1 day%2").arg(days).arg(days == 1 ? QString() : QStringLiteral("s"))
                          : tr("every observation of the archive")));
}

void LightCurveController::updateOverlay()
{
    m_overlay->setRegion(m_active ? m_region : std::nullopt);
    if (m_active && m_region) {
        attachLayerToViews(m_grid, m_overlay);  // (and repaints every view)
        return;
    }
    for (int i = 0; i < m_grid->count(); ++i)
        m_grid->view(i)->update();
}

QString LightCurveController::exportCsv(const QString &path) const
{
    const Status written = writeFileAtomically(path, lightCurvesCsv(m_curves));
    return written ? QString() : written.errorString();
}

QJsonObject LightCurveController::state() const
{
    QJsonObject o;
    o.insert(QStringLiteral("state"), !m_query    ? QStringLiteral("no-region")
                                      : m_run->isRunning() ? QStringLiteral("measuring")
                                      : !m_error.isEmpty() ? QStringLiteral("error")
                                      : m_cancelled ? QStringLiteral("cancelled")
                                                    : QStringLiteral("done"));
    o.insert(QStringLiteral("message"), m_plot->message());
    o.insert(QStringLiteral("status"), m_statusLabel->text());
    if (m_region) {
        o.insert(QStringLiteral("region"),
                 QJsonObject{{QStringLiteral("tx"), m_region->box.tx},
                             {QStringLiteral("ty"), m_region->box.ty},
                             {QStringLiteral("width"), m_region->box.width},
                             {QStringLiteral("height"), m_region->box.height},
                             {QStringLiteral("reference"), SdoTime::toIso(QDateTime::fromMSecsSinceEpoch(
                                                               m_region->referenceMs, QTimeZone::utc()))},
                             {QStringLiteral("follow_rotation"), m_region->followRotation},
                             {QStringLiteral("noaa"), m_region->noaa > 0 ? QJsonValue(m_region->noaa) : QJsonValue()}});
    } else {
        o.insert(QStringLiteral("region"), QJsonValue());
    }
    o.insert(QStringLiteral("span_days"), spanDays());
    o.insert(QStringLiteral("channel"), m_channelBox->currentData().toString());
    o.insert(QStringLiteral("statistic"),
             QString::fromLatin1(statisticKey(static_cast<Statistic>(m_statisticBox->currentData().toInt()))));
    o.insert(QStringLiteral("value_label"), m_plot->valueLabel());
    QJsonObject curves;
    for (const LightCurve &c : m_curves) {
        QString firstError;
        for (const LightCurvePoint &p : c.points)
            if (!p.measure) {
                firstError = p.error;
                break;
            }
        curves.insert(c.channel, QJsonObject{{QStringLiteral("unit"), c.unit},
                                             {QStringLiteral("measured"), c.measured()},
                                             {QStringLiteral("failed"), static_cast<int>(c.points.size()) - c.measured()},
                                             {QStringLiteral("first_error"), firstError}});
    }
    o.insert(QStringLiteral("curves"), curves);
    QJsonArray shown;
    for (const LightCurvePlot::Series &s : m_plot->series()) {
        int finite = 0;
        double lo = std::numeric_limits<double>::infinity(), hi = -lo;
        for (double v : s.values)
            if (std::isfinite(v)) {
                ++finite;
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
        shown.append(QJsonObject{{QStringLiteral("name"), s.name},
                                 {QStringLiteral("points"), finite},
                                 {QStringLiteral("min"), finite ? QJsonValue(lo) : QJsonValue()},
                                 {QStringLiteral("max"), finite ? QJsonValue(hi) : QJsonValue()}});
    }
    o.insert(QStringLiteral("series"), shown);
    const auto counts = m_plot->flareCounts();
    o.insert(QStringLiteral("flare_markers"), QJsonArray{counts[0], counts[1], counts[2]});
    o.insert(QStringLiteral("dock_in_front"), m_dock->isVisible() && dockIsInFront(m_dock));
    return o;
}

}  // namespace solarchip
