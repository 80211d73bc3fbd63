#include "app/gui/TimeDistanceController.h"

#include "app/gui/ArchiveDocument.h"
#include "app/gui/ArchiveQuery.h"
#include "app/gui/BackgroundRun.h"
#include "app/gui/DockFront.h"
#include "app/gui/LayerTableDock.h"
#include "app/gui/ObservationDocument.h"
#include "app/gui/StudioSettings.h"
#include "core/base/AtomicFile.h"
#include "core/base/ThreadBudget.h"
#include "core/map/MapMeta.h"
#include "core/map/SdoTime.h"
#include "widgets/MapGrid.h"
#include "widgets/MapView.h"
#include "widgets/OverlaySlit.h"
#include "widgets/TimeDistancePlot.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
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

namespace solarchip {

namespace {

// Minutes either side of the slit's time; 0: about 100 observations at the channel's cadence; -1: the whole archive.
constexpr double kSpans[] = {0, 10, 60, 360, 1440, 4320, 10080, -1};
constexpr int kAutoObservations = 100;

struct Result {
    std::optional<TimeDistance> td;
    QString error;
    QString note;
    bool cancelled = false;
};

QString spanText(double minutes)
{
    if (minutes == 0)
        return TimeDistanceController::tr("Auto (about %1 observations)").arg(kAutoObservations);
    if (minutes < 0)
        return TimeDistanceController::tr("Whole archive");
    if (minutes < 60)
        return TimeDistanceController::tr("±%1 min").arg(minutes);
    if (minutes < 1440)
        return TimeDistanceController::tr("±%1 h").arg(minutes / 60);
    return minutes == 1440 ? TimeDistanceController::tr("±1 day") : TimeDistanceController::tr("±%1 days").arg(minutes / 1440);
}

QString isoMinute(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

}  // namespace

QLineF TimeDistanceController::slitFor(const QueryPoint &query)
{
    if (query.drag && query.drag->length() > 0)
        return *query.drag;
    // A click: radial through the point (outward from the disk centre), kClickSlitArcsec long, centred there.
    const QPointF p = query.hpc;
    const double r = std::hypot(p.x(), p.y());
    const QPointF u = r > 20 ? QPointF(p.x() / r, p.y() / r) : QPointF(1, 0);
    const QPointF half = u * (kClickSlitArcsec / 2);
    return QLineF(p - half, p + half);
}

TimeDistanceController::TimeDistanceController(QMainWindow *window, ArchiveDocument *archive, ObservationDocument *observation,
                                               MapGrid *grid, StudioSettings *settings, QObject *parent)
    : QObject(parent), m_window(window), m_archive(archive), m_observation(observation), m_grid(grid), m_settings(settings),
      m_overlay(std::make_shared<OverlaySlit>())
{
    createDock(window);
    connect(m_observation, &ObservationDocument::timeChanged, m_plot, &TimeDistancePlot::setCurrentTime);
    connect(m_plot, &TimeDistancePlot::timeRequested, m_observation, &ObservationDocument::goToTime);
    connect(m_observation, &ObservationDocument::setChanged, this, &TimeDistanceController::updateOverlay);
    connect(m_observation, &ObservationDocument::memberChanged, this, [this] { updateOverlay(); });
    connect(m_plot, &TimeDistancePlot::readoutChanged, m_readoutLabel, &QLabel::setText);
    connect(m_plot, &TimeDistancePlot::speedMeasured, this, [this](double kmPerS) {
        const auto &s = m_plot->speed();
        if (!std::isfinite(kmPerS) || !s)
            m_statusLabel->setText(tr("The line drawn spans no time: draw it along a ridge"));
        else if (s->fitted)
            m_statusLabel->setText(tr("Speed on the plane of the sky: %1 ± %2 km/s, a least-squares fit through the "
                                      "ridge's peak in %3 observations near the line drawn (%4 km/s as drawn)")
                                       .arg(std::fabs(kmPerS), 0, 'f', 0).arg(s->errorKmPerS, 0, 'f', 0).arg(s->points)
                                       .arg(std::fabs(s->drawnKmPerS), 0, 'f', 0));
        else
            m_statusLabel->setText(tr("Speed along the line drawn: %1 km/s on the plane of the sky (too few observations "
                                      "near it for a fit)").arg(std::fabs(kmPerS), 0, 'f', 0));
    });
    connect(m_archive, &ArchiveDocument::opened, this, [this] {
        if (m_run->drop())  // another archive: the measurement in flight stopped, its answer dropped
            Q_EMIT settledMaybe();
        m_query.reset();
        m_slit.reset();
        m_result.reset();
        m_error.clear();
        m_note.clear();
        m_stale = false;
        fillChannels();
        showResult();
        updateOverlay();
    });
}

TimeDistanceController::~TimeDistanceController() = default;

bool TimeDistanceController::isSettled() const
{
    return !m_run->isRunning();
}

void TimeDistanceController::createDock(QMainWindow *window)
{
    m_dock = new QDockWidget(tr("Time–distance"), window);
    m_dock->setObjectName(QStringLiteral("dock.timedistance"));
    auto *panel = new QWidget(m_dock);
    auto *layout = new QVBoxLayout(panel);
    layout->setContentsMargins(6, 4, 6, 4);
    m_slitLabel = new QLabel(panel);
    m_slitLabel->setObjectName(QStringLiteral("timeDistanceSlit"));
    m_slitLabel->setWordWrap(true);
    m_slitLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_slitLabel);

    auto *controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Channel:"), panel));
    m_channelBox = new QComboBox(panel);
    m_channelBox->setObjectName(QStringLiteral("timeDistanceChannel"));
    m_channelBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    controls->addWidget(m_channelBox);
    controls->addWidget(new QLabel(tr("Span:"), panel));
    m_spanBox = new QComboBox(panel);
    m_spanBox->setObjectName(QStringLiteral("timeDistanceSpan"));
    for (double m : kSpans)
        m_spanBox->addItem(spanText(m), m);
    const int span = m_settings->raw().value(QStringLiteral("timedistance/span"), 0).toInt();
    m_spanBox->setCurrentIndex(span >= 0 && span < m_spanBox->count() ? span : 0);
    controls->addWidget(m_spanBox);
    controls->addWidget(new QLabel(tr("Show:"), panel));
    m_showBox = new QComboBox(panel);
    m_showBox->setObjectName(QStringLiteral("timeDistanceShow"));
    m_showBox->addItem(tr("Values"), static_cast<int>(TimeDistancePlot::Show::Values));
    m_showBox->addItem(tr("Running difference"), static_cast<int>(TimeDistancePlot::Show::RunningDifference));
    m_showBox->addItem(tr("Base difference"), static_cast<int>(TimeDistancePlot::Show::BaseDifference));
    m_showBox->addItem(tr("Base ratio"), static_cast<int>(TimeDistancePlot::Show::BaseRatio));
    m_showBox->setToolTip(tr("Faint moving fronts (EUV waves) show best as differences: each profile minus the previous "
                             "one, minus the first, or divided by the first"));
    const int show = m_settings->raw().value(QStringLiteral("timedistance/show"), 0).toInt();
    m_showBox->setCurrentIndex(show >= 0 && show < m_showBox->count() ? show : 0);
    controls->addWidget(m_showBox);
    controls->addWidget(new QLabel(tr("Width:"), panel));
    m_widthBox = new QSpinBox(panel);
    m_widthBox->setObjectName(QStringLiteral("timeDistanceWidth"));
    m_widthBox->setRange(0, 200);
    m_widthBox->setSuffix(QStringLiteral("″"));
    m_widthBox->setToolTip(tr("Arcsec across the slit averaged over (0: the line alone); more width, less noise"));
    m_widthBox->setValue(m_settings->raw().value(QStringLiteral("timedistance/widthArcsec"), 5).toInt());
    controls->addWidget(m_widthBox);
    m_followBox = new QCheckBox(tr("Follow the Sun's rotation"), panel);
    m_followBox->setObjectName(QStringLiteral("timeDistanceFollow"));
    m_followBox->setToolTip(tr("Carry the slit with the differential rotation of its midpoint (for spans of hours to "
                               "days); off: fixed on the sky (waves and jets of minutes, off-limb slits)"));
    m_followBox->setChecked(m_settings->raw().value(QStringLiteral("timedistance/follow"), false).toBool());
    controls->addWidget(m_followBox);
    controls->addStretch(1);
    m_exportButton = new QPushButton(tr("Export CSV…"), panel);
    m_exportButton->setObjectName(QStringLiteral("timeDistanceExport"));
    controls->addWidget(m_exportButton);
    m_savePlotButton = new QPushButton(tr("Save plot…"), panel);
    m_savePlotButton->setObjectName(QStringLiteral("timeDistanceSavePlot"));
    controls->addWidget(m_savePlotButton);
    layout->addLayout(controls);

    auto *status = new QHBoxLayout;
    m_run = new BackgroundRun(panel, status, QStringLiteral("timeDistance"), this);
    m_statusLabel = new QLabel(panel);
    m_statusLabel->setObjectName(QStringLiteral("timeDistanceStatus"));
    m_statusLabel->setWordWrap(true);
    m_statusLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    status->addWidget(m_statusLabel, 1);
    m_readoutLabel = new QLabel(panel);
    m_readoutLabel->setObjectName(QStringLiteral("timeDistanceReadout"));
    m_readoutLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    status->addWidget(m_readoutLabel);
    layout->addLayout(status);

    m_plot = new TimeDistancePlot(panel);
    m_plot->setObjectName(QStringLiteral("timeDistancePlotWidget"));
    m_plot->setShow(static_cast<TimeDistancePlot::Show>(m_showBox->currentData().toInt()));
    layout->addWidget(m_plot, 1);
    m_dock->setWidget(panel);
    window->addDockWidget(Qt::BottomDockWidgetArea, m_dock, Qt::Vertical);
    m_dock->hide();

    auto remeasure = [this] {
        m_settings->raw().setValue(QStringLiteral("timedistance/span"), m_spanBox->currentIndex());
        m_settings->raw().setValue(QStringLiteral("timedistance/widthArcsec"), m_widthBox->value());
        m_settings->raw().setValue(QStringLiteral("timedistance/follow"), m_followBox->isChecked());
        if (!m_query)
            return;
        if (m_active)
            measure();
        else
            m_stale = true;
    };
    connect(m_channelBox, &QComboBox::activated, this, remeasure);
    connect(m_showBox, &QComboBox::currentIndexChanged, this, [this] {
        m_settings->raw().setValue(QStringLiteral("timedistance/show"), m_showBox->currentIndex());
        m_plot->setShow(static_cast<TimeDistancePlot::Show>(m_showBox->currentData().toInt()));
    });
    connect(m_spanBox, &QComboBox::currentIndexChanged, this, remeasure);
    connect(m_followBox, &QCheckBox::toggled, this, remeasure);
    connect(m_widthBox, &QSpinBox::editingFinished, this, [this, remeasure] {
        if (!m_slit || m_slit->width != m_widthBox->value())
            remeasure();
    });
    connect(m_savePlotButton, &QPushButton::clicked, this, [this] {
        exportThroughDialog(m_window, m_settings, m_statusLabel, tr("Save the time-distance plot"), QStringLiteral("timedistance.png"),
                            tr("PNG image (*.png);;PDF (*.pdf)"), [this](const QString &path) {
                                const Status saved = m_plot->savePlot(path);
                                return saved ? QString() : saved.errorString();
                            });
    });
    connect(m_exportButton, &QPushButton::clicked, this, [this] {
        if (!m_result)
            return;
        const QString name = QStringLiteral("timedistance_%1_%2.csv")
                                 .arg(m_result->channel,
                                      QDateTime::fromMSecsSinceEpoch(m_result->slit.referenceMs, QTimeZone::utc())
                                          .toString(QStringLiteral("yyyyMMdd_HHmmss")));
        exportThroughDialog(m_window, m_settings, m_statusLabel, tr("Export the time-distance plot as CSV"), name,
                            tr("CSV files (*.csv)"), [this](const QString &path) { return exportCsv(path); });
    });
    fillChannels();
    updateSlitText();
    showResult();
}

void TimeDistanceController::fillChannels()
{
    const QString wanted = m_channelBox->currentData().toString();
    QSignalBlocker block(m_channelBox);
    m_channelBox->clear();
    for (const QString &c : m_archive->channels())
        m_channelBox->addItem(channelLabel(c), c);
    const int i = m_channelBox->findData(wanted);
    m_channelBox->setCurrentIndex(std::max(0, i));
}

void TimeDistanceController::setActive(bool active)
{
    if (active == m_active) {
        m_dock->setVisible(active);
        return;
    }
    m_active = active;
    m_dock->setVisible(active);
    if (active) {
        bringDockToFront(m_dock);
        m_plot->setCurrentTime(m_observation->hasTime() ? m_observation->time() : QDateTime());
        if (m_query && (m_stale || !m_slit))
            measure();
    }
    updateOverlay();
    Q_EMIT settledMaybe();
}

void TimeDistanceController::setQuery(const QueryPoint &query)
{
    m_query = query;
    // The channel of the map dragged on (the box keeps the choice when that channel is not in the archive).
    if (m_channelBox->findData(query.channel) < 0)
        fillChannels();
    if (const int i = m_channelBox->findData(query.channel); i >= 0) {
        QSignalBlocker block(m_channelBox);
        m_channelBox->setCurrentIndex(i);
    }
    updateSlitText();
    if (m_active)
        measure();
    else
        m_stale = true;
}

void TimeDistanceController::cancel()
{
    m_run->cancel();
}

void TimeDistanceController::measure()
{
    if (!m_query)
        return;
    const QLineF line = slitFor(*m_query);
    Slit slit;
    slit.start = line.p1();
    slit.end = line.p2();
    slit.width = m_widthBox->value();
    slit.referenceMs = m_query->timeMs;
    slit.followRotation = m_followBox->isChecked();
    m_slit = slit;
    m_stale = false;
    m_result.reset();
    m_error.clear();
    m_note.clear();
    m_cancelled = false;
    const QString channel = m_channelBox->currentData().toString();
    const double minutes = m_spanBox->currentData().toDouble();
    const ArchiveQuery query = m_archive->query();
    const auto started = m_run->start();
    const std::shared_ptr<BackgroundRun::State> state = started.first;
    const quint64 ticket = started.second;
    m_statusLabel->setText(tr("Reading the files…"));
    updateSlitText();
    updateOverlay();
    m_plot->clear();

    auto future = QtConcurrent::run(ThreadBudget::instance().pool(ThreadBudget::Pool::Background),
                                    [query, channel, slit, minutes, state]() {
        Result r;
        if (channel.isEmpty()) {
            r.error = tr("The archive has no channel to measure");
            return r;
        }
        qint64 half = static_cast<qint64>(minutes * 60000.0);
        if (minutes == 0) {
            const qint64 cadence = query.cadenceMs(channel);
            half = cadence > 0 ? cadence * (kAutoObservations / 2) : 3600000;
            r.note = tr("±%1 around the slit's time (%2 observations at the channel's cadence)")
                         .arg(half >= 86400000 ? tr("%1 days").arg(half / 86400000.0, 0, 'g', 3)
                              : half >= 3600000 ? tr("%1 h").arg(half / 3600000.0, 0, 'g', 3)
                                                : tr("%1 min").arg(half / 60000.0, 0, 'g', 3))
                         .arg(kAutoObservations);
        }
        const qint64 from = minutes < 0 ? 0 : slit.referenceMs - half;
        const qint64 to = minutes < 0 ? 4102444800000LL : slit.referenceMs + half + 1;
        auto list = query.observationsIn(channel, from, to);
        if (!list) {
            r.error = list.error().toString();
            return r;
        }
        QVector<Observation> all = *list;
        const int n = static_cast<int>(all.size());
        if (n > kMaxProfiles) {
            QVector<Observation> thinned;
            for (int i = 0; i < kMaxProfiles; ++i)
                thinned << all[static_cast<int>((static_cast<qint64>(i) * (n - 1)) / (kMaxProfiles - 1))];
            all = thinned;
            r.note = tr("%1 observations in the span: every n-th of them, %2 in all").arg(n).arg(kMaxProfiles);
        }
        if (all.isEmpty()) {
            r.error = tr("No %1 observation in the span").arg(channelLabel(channel));
            return r;
        }
        state->total = static_cast<int>(all.size());
        auto td = measureTimeDistance(all, slit, [state](int done, int) {
            state->done = done;
            return !state->cancel.load();
        });
        if (!td)
            r.error = td.error().toString();
        else
            r.td = std::move(td.value());
        r.cancelled = state->cancel.load();
        return r;
    });
    auto *watcher = new QFutureWatcher<Result>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, ticket] {
        watcher->deleteLater();
        if (!m_run->finish(ticket))
            return;
        const Result r = watcher->result();
        m_result = r.td;
        m_error = r.error;
        m_note = r.note;
        m_cancelled = r.cancelled;
        showResult();
        Q_EMIT settledMaybe();
    });
    watcher->setFuture(future);
}

void TimeDistanceController::showResult()
{
    m_exportButton->setEnabled(m_result.has_value() && m_result->measured() > 0);
    m_savePlotButton->setEnabled(m_result.has_value() && m_result->measured() > 0);
    if (!m_query) {
        m_plot->clear();
        m_plot->setMessage(tr("Shift+drag a line on a map to plot its values against time (a click: a radial slit of "
                              "%1″ through the point)").arg(kClickSlitArcsec));
        m_statusLabel->clear();
        return;
    }
    if (m_run->isRunning())
        return;
    if (!m_error.isEmpty()) {
        m_plot->clear();
        m_plot->setMessage(QString());
        m_statusLabel->setText(m_error);
        return;
    }
    if (!m_result)
        return;
    const TimeDistance &td = *m_result;
    QVector<qint64> times;
    QVector<QVector<double>> profiles;
    QString firstError;
    for (const SlitProfile &p : td.profiles) {
        times << p.timeMs;
        profiles << p.values;
        if (!p.measured() && firstError.isEmpty())
            firstError = QStringLiteral("%1: %2").arg(QFileInfo(p.file).fileName(), p.error);
    }
    m_plot->setProfiles(times, profiles, td.distanceArcsec, td.mmPerArcsec, td.channel, td.unit);
    m_plot->setMessage(QString());
    updateSlitText();  // its length in Mm at the files' distance
    const int measured = td.measured(), total = static_cast<int>(td.profiles.size());
    QStringList parts;
    parts << tr("%1 of %2 observations measured").arg(measured).arg(total);
    if (m_cancelled)
        parts << tr("cancelled");
    if (!m_note.isEmpty())
        parts << m_note;
    if (!firstError.isEmpty())
        parts << tr("first problem: %1").arg(firstError);
    if (measured > 0)
        parts << tr("Shift+drag along a ridge for its speed");
    m_statusLabel->setText(parts.join(QStringLiteral(" · ")));
}

void TimeDistanceController::updateSlitText()
{
    if (!m_query) {
        m_slitLabel->setText(tr("No slit yet: Shift+drag a line on a map (from where the motion starts), or click"));
        return;
    }
    const QLineF line = slitFor(*m_query);
    const double mm = m_result ? m_result->mmPerArcsec : 0.7253;
    m_slitLabel->setText(tr("Slit from (%1″, %2″) to (%3″, %4″): %5″ (%6 Mm), drawn on %7 at %8 UTC%9")
                             .arg(line.x1(), 0, 'f', 0).arg(line.y1(), 0, 'f', 0).arg(line.x2(), 0, 'f', 0)
                             .arg(line.y2(), 0, 'f', 0).arg(line.length(), 0, 'f', 0).arg(line.length() * mm, 0, 'f', 0)
                             .arg(channelLabel(m_query->channel), isoMinute(m_query->timeMs),
                                  m_query->drag ? QString() : tr(" (radial through the point clicked)")));
}

void TimeDistanceController::updateOverlay()
{
    m_overlay->setSlit(m_active ? m_slit : std::nullopt);
    if (m_active && m_slit) {
        attachLayerToViews(m_grid, m_overlay);  // (and repaints every view)
        return;
    }
    for (int i = 0; i < m_grid->count(); ++i)
        m_grid->view(i)->update();
}

QString TimeDistanceController::exportCsv(const QString &path) const
{
    if (!m_result)
        return tr("Nothing measured yet");
    const Status written = writeFileAtomically(path, timeDistanceCsv(*m_result));
    return written ? QString() : written.errorString();
}

QJsonObject TimeDistanceController::state() const
{
    QJsonObject o;
    o.insert(QStringLiteral("state"), !m_query              ? QStringLiteral("no-slit")
                                      : m_run->isRunning()  ? QStringLiteral("measuring")
                                      : !m_error.isEmpty()  ? QStringLiteral("error")
                                      : m_cancelled         ? QStringLiteral("cancelled")
                                                            : QStringLiteral("done"));
    o.insert(QStringLiteral("status"), m_statusLabel->text());
    o.insert(QStringLiteral("slit_text"), m_slitLabel->text());
    o.insert(QStringLiteral("channel"), m_channelBox->currentData().toString());
    o.insert(QStringLiteral("span"), m_spanBox->currentText());
    static const char *const kShow[] = {"values", "running_difference", "base_difference", "base_ratio"};
    o.insert(QStringLiteral("show"), QLatin1String(kShow[static_cast<int>(m_plot->show())]));
    if (m_slit) {
        const double mm = m_result ? m_result->mmPerArcsec : 0;
        o.insert(QStringLiteral("slit"),
                 QJsonObject{{QStringLiteral("start"), QJsonArray{m_slit->start.x(), m_slit->start.y()}},
                             {QStringLiteral("end"), QJsonArray{m_slit->end.x(), m_slit->end.y()}},
                             {QStringLiteral("width"), m_slit->width},
                             {QStringLiteral("length_arcsec"), m_slit->lengthArcsec()},
                             {QStringLiteral("length_mm"), m_slit->lengthArcsec() * mm},
                             {QStringLiteral("follow_rotation"), m_slit->followRotation},
                             {QStringLiteral("reference"),
                              SdoTime::toIso(QDateTime::fromMSecsSinceEpoch(m_slit->referenceMs, QTimeZone::utc()))}});
    } else {
        o.insert(QStringLiteral("slit"), QJsonValue());
    }
    if (m_result) {
        const TimeDistance &td = *m_result;
        QString firstError;
        QJsonArray times;
        for (const SlitProfile &p : td.profiles) {
            if (!p.measured() && firstError.isEmpty())
                firstError = p.error;
            times.append(SdoTime::toIso(QDateTime::fromMSecsSinceEpoch(p.timeMs, QTimeZone::utc())));
        }
        o.insert(QStringLiteral("unit"), td.unit);
        o.insert(QStringLiteral("profiles"), static_cast<int>(td.profiles.size()));
        o.insert(QStringLiteral("times"), times);
        o.insert(QStringLiteral("measured"), td.measured());
        o.insert(QStringLiteral("failed"), static_cast<int>(td.profiles.size()) - td.measured());
        o.insert(QStringLiteral("first_error"), firstError);
        o.insert(QStringLiteral("samples"), td.slit.points);
        o.insert(QStringLiteral("across"), td.slit.across);
        o.insert(QStringLiteral("mm_per_arcsec"), td.mmPerArcsec);
    }
    o.insert(QStringLiteral("plot"), QJsonObject{{QStringLiteral("columns"), m_plot->columns()},
                                                 {QStringLiteral("rows"), m_plot->rows()},
                                                 {QStringLiteral("colour_low"), m_plot->colourLow()},
                                                 {QStringLiteral("colour_high"), m_plot->colourHigh()},
                                                 {QStringLiteral("log"), m_plot->logScale()},
                                                 {QStringLiteral("colour_label"), m_plot->colourLabel()},
                                                 {QStringLiteral("message"), m_plot->message()}});
    const auto &speed = m_plot->speed();
    o.insert(QStringLiteral("speed_km_s"), speed && std::isfinite(speed->kmPerS) ? QJsonValue(speed->kmPerS) : QJsonValue());
    o.insert(QStringLiteral("speed_error_km_s"), speed && speed->fitted ? QJsonValue(speed->errorKmPerS) : QJsonValue());
    o.insert(QStringLiteral("speed_fit_points"), speed && speed->fitted ? QJsonValue(speed->points) : QJsonValue());
    o.insert(QStringLiteral("speed_drawn_km_s"),
             speed && std::isfinite(speed->drawnKmPerS) ? QJsonValue(speed->drawnKmPerS) : QJsonValue());
    QJsonArray drawn;
    for (int i = 0; i < m_grid->count(); ++i) {
        const MapView *view = m_grid->view(i);
        const auto map = view->map();
        if (!map || !m_active)
            continue;
        if (const auto line = m_overlay->slitOn(*map))
            drawn.append(QJsonObject{{QStringLiteral("channel"), map->meta.channel},
                                     {QStringLiteral("start"), QJsonArray{line->x1(), line->y1()}},
                                     {QStringLiteral("end"), QJsonArray{line->x2(), line->y2()}}});
    }
    o.insert(QStringLiteral("drawn_on"), drawn);
    o.insert(QStringLiteral("dock_in_front"), m_dock->isVisible() && !m_dock->visibleRegion().isEmpty());
    return o;
}

}  // namespace solarchip
