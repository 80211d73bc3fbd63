#include "widgets/TimeDistancePlot.h"

#include "core/map/MapMeta.h"
#include "widgets/Colormap.h"

#include <QMouseEvent>
#include <QTimeZone>
#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace solarchip {

namespace {

constexpr int kMaxColumns = 2000;
constexpr int kMaxRows = 1000;
const double kNaN = std::numeric_limits<double>::quiet_NaN();

double percentile(std::vector<double> &v, double q)
{
    if (v.empty())
        return kNaN;
    const std::size_t k = std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5));
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return v[k];
}

}  // namespace

TimeDistancePlot::TimeDistancePlot(QWidget *parent)
    : TimePlot(QStringLiteral("timeDistanceMessage"), QStringLiteral("timeDistancePlotArea"), 160, parent)
{
    m_map = new QCPColorMap(m_plot->xAxis, m_plot->yAxis);
    m_map->setInterpolate(false);
    m_map->setTightBoundary(false);
    m_scale = new QCPColorScale(m_plot);
    m_scale->setType(QCPAxis::atRight);
    m_scale->setBarWidth(10);
    m_plot->plotLayout()->addElement(0, 1, m_scale);
    m_map->setColorScale(m_scale);
    auto *margins = new QCPMarginGroup(m_plot);
    m_plot->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    m_scale->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    m_plot->yAxis->setLabel(tr("distance (Mm)"));
    m_plot->yAxis2->setVisible(true);
    m_plot->yAxis2->setTickLabels(true);
    m_plot->yAxis2->setLabel(tr("arcsec"));
    connect(m_plot->yAxis, qOverload<const QCPRange &>(&QCPAxis::rangeChanged), this, [this](const QCPRange &r) {
        if (m_mmPerArcsec > 0)
            m_plot->yAxis2->setRange(r.lower / m_mmPerArcsec, r.upper / m_mmPerArcsec);
    });

    m_speedLine = new QCPItemLine(m_plot);
    m_speedLine->setPen(QPen(QColor(0, 255, 255), 2.0, Qt::DashLine));
    m_speedLine->setVisible(false);
    m_speedText = new QCPItemText(m_plot);
    m_speedText->setColor(QColor(0, 255, 255));
    m_speedText->setBrush(QBrush(QColor(0, 0, 0, 170)));
    m_speedText->setPadding(QMargins(4, 2, 4, 2));
    m_speedText->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
    m_speedText->setVisible(false);
    addCursor(QColor(255, 255, 255));
    m_plot->installEventFilter(this);
    m_plot->setMouseTracking(true);
    connect(m_plot, &QCustomPlot::mouseMove, this, [this](QMouseEvent *event) {
        if (!m_dragging)
            Q_EMIT readoutChanged(readoutAt(m_plot->mapTo(this, event->position().toPoint())));
    });
    setToolTip(tr("Click: go to that observation · drag: pan · wheel: zoom the time axis · Shift+drag along a ridge: "
                  "its speed"));
    clear();
    fitTime();
}

TimeDistancePlot::~TimeDistancePlot() = default;

void TimeDistancePlot::clear()
{
    m_times.clear();
    m_profiles.clear();
    m_shownProfiles.clear();
    m_map->data()->clear();
    m_columns = m_rows = 0;
    m_low = m_high = 0;
    setSpeedLine(std::nullopt);
    pointsReplaced();
    m_plot->replot();
}

void TimeDistancePlot::setProfiles(const QVector<qint64> &timesMs, const QVector<QVector<double>> &profiles,
                                   const QVector<double> &distanceArcsec, double mmPerArcsec, const QString &channel,
                                   const QString &unit)
{
    m_times = timesMs;
    m_profiles = profiles;
    m_distanceArcsec = distanceArcsec;
    m_mmPerArcsec = mmPerArcsec;
    m_channel = channel;
    m_unit = unit.isEmpty() ? tr("no unit") : unit;
    setSpeedLine(std::nullopt);
    redraw();
    pointsReplaced();
    m_plot->replot();
}

void TimeDistancePlot::setShow(Show show)
{
    if (show == m_show)
        return;
    m_show = show;
    redraw();
    m_plot->replot();
}

void TimeDistancePlot::redraw()
{
    const QVector<qint64> &timesMs = m_times;
    const int n = static_cast<int>(timesMs.size());
    const int samples = static_cast<int>(m_distanceArcsec.size());
    if (n == 0 || samples < 2 || m_profiles.size() != n || !(m_mmPerArcsec > 0)) {
        m_map->data()->clear();
        m_columns = m_rows = 0;
        return;
    }
    // The profiles shown: the values, or their departures from the previous (running) or the first (base) measured
    // profile.
    QVector<QVector<double>> profiles = m_profiles;
    if (m_show != Show::Values) {
        const QVector<double> *reference = nullptr;
        for (int i = 0; i < n; ++i) {
            const QVector<double> &p = m_profiles[i];
            if (p.size() != samples)
                continue;
            QVector<double> &out = profiles[i];
            if (!reference) {
                out.fill(m_show == Show::BaseRatio ? 1.0 : 0.0);  // no earlier profile: no departure
            } else {
                for (int k = 0; k < samples; ++k) {
                    const double r = (*reference)[k];
                    out[k] = m_show == Show::BaseRatio ? (r > 0 ? p[k] / r : kNaN) : p[k] - r;
                }
            }
            if (!reference || m_show == Show::RunningDifference)
                reference = &p;
        }
    }
    m_shownProfiles = profiles;
    // The time grid: the median cadence, at most kMaxColumns columns.
    std::vector<qint64> steps;
    for (int i = 1; i < n; ++i)
        if (timesMs[i] > timesMs[i - 1])
            steps.push_back(timesMs[i] - timesMs[i - 1]);
    qint64 dt = 60000;
    if (!steps.empty()) {
        std::nth_element(steps.begin(), steps.begin() + static_cast<std::ptrdiff_t>(steps.size() / 2), steps.end());
        dt = std::max<qint64>(1, steps[steps.size() / 2]);
    }
    const qint64 t0 = timesMs.first(), span = timesMs.last() - t0;
    if (span / dt + 1 > kMaxColumns)
        dt = span / (kMaxColumns - 1) + 1;
    const int cols = std::max(2, static_cast<int>(std::llround(static_cast<double>(span) / static_cast<double>(dt))) + 1);
    const int rows = std::min(samples, kMaxRows);
    const double lengthMm = m_distanceArcsec.last() * m_mmPerArcsec;
    // Colours: the channel's table for the values (AIA as log10 of the values from the 1st to the 99.5th percentile,
    // HMI linear and symmetric about 0); grey about 0 (1 for the ratio) for the differences.
    // (From at most ~200 000 of the values, evenly strided: the UI thread draws this.)
    std::vector<double> finite;
    const long long total = static_cast<long long>(n) * samples;
    const long long stride = std::max(1LL, total / 200000);
    const double centre = m_show == Show::BaseRatio ? 1.0 : 0.0;
    for (long long g = 0; g < total; g += stride) {
        const QVector<double> &p = profiles[static_cast<int>(g / samples)];
        if (p.size() != samples)
            continue;
        const double v = p[static_cast<int>(g % samples)];
        if (std::isfinite(v))
            finite.push_back(m_show == Show::Values ? v : std::fabs(v - centre));
    }
    const bool magnetogram = m_channel.startsWith(QLatin1String("hmi"));
    double lo = 0, hi = 0;
    m_log = false;
    if (m_show != Show::Values) {
        const double a = percentile(finite, 0.99);
        lo = centre - a, hi = centre + a;
    } else {
        lo = percentile(finite, 0.01), hi = percentile(finite, 0.995);
        if (magnetogram) {
            const double a = std::max(std::fabs(lo), std::fabs(hi));
            lo = -a, hi = a;
        } else if (hi > 0) {
            lo = std::max(lo, hi * 1e-3);
            m_log = true;
        }
    }
    if (!std::isfinite(lo) || !std::isfinite(hi) || !(hi > lo)) {
        lo = std::isfinite(lo) ? lo - 1 : 0;
        hi = lo + 2;
        m_log = false;
    }
    auto *data = new QCPColorMapData(cols, rows, QCPRange(keyOf(t0), keyOf(t0 + (cols - 1) * dt)), QCPRange(0, lengthMm));
    for (int c = 0; c < cols; ++c) {
        const qint64 t = t0 + c * dt;
        const auto it = std::lower_bound(timesMs.begin(), timesMs.end(), t);
        int j = static_cast<int>(it - timesMs.begin());
        if (j > 0 && (j == n || t - timesMs[j - 1] <= timesMs[j] - t))
            --j;
        const bool near = std::llabs(timesMs[j] - t) * 2 <= dt || n == 1;
        const QVector<double> &p = profiles[j];
        for (int r = 0; r < rows; ++r) {
            const int s = rows == samples ? r : static_cast<int>(std::lround(static_cast<double>(r) * (samples - 1) / (rows - 1)));
            double v = near && p.size() == samples ? p[s] : kNaN;
            if (m_log)
                v = v > 0 ? std::log10(v) : (std::isfinite(v) ? std::log10(lo) : kNaN);
            data->setCell(c, r, v);
        }
    }
    const Colormap cm = m_show == Show::Values ? Colormap::forChannel(m_channel) : Colormap::byName(QStringLiteral("grey"));
    QCPColorGradient gradient;
    gradient.clearColorStops();
    for (int i = 0; i <= 32; ++i)
        gradient.setColorStopAt(i / 32.0, QColor(cm.rgb(std::min(255, i * 8))));
    gradient.setNanHandling(QCPColorGradient::nhTransparent);
    gradient.setLevelCount(256);
    m_low = lo, m_high = hi;
    m_t0 = t0, m_dt = dt;
    m_map->setData(data, false);
    m_map->setGradient(gradient);
    m_map->setDataRange(m_log ? QCPRange(std::log10(lo), std::log10(hi)) : QCPRange(lo, hi));
    m_scale->axis()->setLabel(colourLabel());
    m_columns = cols, m_rows = rows;
    m_plot->yAxis->setRange(0, lengthMm);
    setSpan(t0 - dt / 2, t0 + (cols - 1) * dt + dt / 2);
}

QString TimeDistancePlot::readoutAt(QPointF widgetPoint) const
{
    const QPointF p = m_plot->mapFrom(this, widgetPoint.toPoint());
    if (m_columns == 0 || !m_plot->axisRect()->rect().contains(p.toPoint()))
        return {};
    const qint64 t = msOf(m_plot->xAxis->pixelToCoord(p.x()));
    const double mm = m_plot->yAxis->pixelToCoord(p.y());
    const int column = columnAt(t), row = rowAt(mm);
    if (column < 0 || row < 0)
        return {};
    const int i = nearestPoint(t);
    const QString time = QDateTime::fromMSecsSinceEpoch(i >= 0 ? m_times[i] : t, QTimeZone::utc())
                             .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    const double v = cellValue(column, row);
    QString value;
    if (!std::isfinite(v))
        value = tr("no data");
    else if (m_show == Show::BaseRatio)
        value = tr("× %1 the first").arg(v, 0, 'g', 4);
    else
        value = QStringLiteral("%1 %2").arg(v, 0, 'g', 4).arg(m_unit);
    return tr("%1 UTC · %2 Mm (%3″) · %4").arg(time).arg(mm, 0, 'f', 1).arg(mm / m_mmPerArcsec, 0, 'f', 1).arg(value);
}

QString TimeDistancePlot::colourLabel() const
{
    const QString channel = channelLabel(m_channel);
    switch (m_show) {
    case Show::Values: return m_log ? tr("log₁₀ %1 (%2)").arg(channel, m_unit) : tr("%1 (%2)").arg(channel, m_unit);
    case Show::RunningDifference: return tr("− previous (%1)").arg(m_unit);
    case Show::BaseDifference: return tr("− first (%1)").arg(m_unit);
    case Show::BaseRatio: return tr("÷ first");
    }
    return {};
}

double TimeDistancePlot::cellValue(int column, int row) const
{
    if (column < 0 || row < 0 || column >= m_columns || row >= m_rows)
        return kNaN;
    const double v = m_map->data()->cell(column, row);
    return m_log && std::isfinite(v) ? std::pow(10.0, v) : v;
}

int TimeDistancePlot::columnAt(qint64 timeMs) const
{
    if (m_columns == 0)
        return -1;
    const qint64 c = (timeMs - m_t0 + m_dt / 2) / m_dt;
    return timeMs < m_t0 - m_dt / 2 || c >= m_columns ? -1 : static_cast<int>(c);
}

int TimeDistancePlot::rowAt(double distanceMm) const
{
    if (m_rows < 2 || m_distanceArcsec.isEmpty())
        return -1;
    const double length = m_distanceArcsec.last() * m_mmPerArcsec;
    const int r = static_cast<int>(std::lround(distanceMm / length * (m_rows - 1)));
    return r < 0 || r >= m_rows ? -1 : r;
}

void TimeDistancePlot::updateGraphs() {}

void TimeDistancePlot::setSpeedLine(const std::optional<Speed> &line)
{
    m_speed = line;
    if (m_speed && !m_speed->fitted) {
        const double dt = static_cast<double>(m_speed->t1Ms - m_speed->t0Ms) / 1000.0;
        m_speed->kmPerS = dt != 0 ? (m_speed->d1Mm - m_speed->d0Mm) * 1000.0 / dt : kNaN;
        m_speed->drawnKmPerS = m_speed->kmPerS;
    }
    placeSpeedLine();
}

void TimeDistancePlot::placeSpeedLine()
{
    m_speedLine->setVisible(m_speed.has_value());
    m_speedText->setVisible(m_speed.has_value());
    if (m_speed) {
        m_speedLine->start->setCoords(keyOf(m_speed->t0Ms), m_speed->d0Mm);
        m_speedLine->end->setCoords(keyOf(m_speed->t1Ms), m_speed->d1Mm);
        m_speedText->position->setCoords(keyOf(m_speed->t1Ms), m_speed->d1Mm);
        m_speedText->setText(!std::isfinite(m_speed->kmPerS) ? tr("no time elapsed")
                             : m_speed->fitted ? tr("%1 ± %2 km/s (fit to %3 peaks)")
                                                     .arg(std::fabs(m_speed->kmPerS), 0, 'f', 0)
                                                     .arg(m_speed->errorKmPerS, 0, 'f', 0)
                                                     .arg(m_speed->points)
                                               : tr("%1 km/s").arg(std::fabs(m_speed->kmPerS), 0, 'f', 0));
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

std::optional<TimeDistancePlot::Speed> TimeDistancePlot::fitRidge(const Speed &drawn) const
{
    const int samples = static_cast<int>(m_distanceArcsec.size());
    if (samples < 3 || m_shownProfiles.size() != m_times.size() || !(m_mmPerArcsec > 0) || drawn.t0Ms == drawn.t1Ms)
        return std::nullopt;
    const double spacing = m_distanceArcsec[1] - m_distanceArcsec[0];  // arcsec per sample
    const int window = std::max(5, samples / 20);
    // The observations between the line's ends, each end widened by half a column (a line drawn from one column's
    // centre to another's includes both, wherever in them the pointer was).
    const qint64 ta = std::min(drawn.t0Ms, drawn.t1Ms) - m_dt / 2, tb = std::max(drawn.t0Ms, drawn.t1Ms) + m_dt / 2;
    std::vector<double> ts, ds;  // seconds from ta, arcsec along the slit
    for (int i = 0; i < m_times.size(); ++i) {
        const qint64 t = m_times[i];
        const QVector<double> &p = m_shownProfiles[i];
        if (t < ta || t > tb || p.size() != samples)
            continue;
        const double f = static_cast<double>(t - drawn.t0Ms) / static_cast<double>(drawn.t1Ms - drawn.t0Ms);
        const double expected = (drawn.d0Mm + f * (drawn.d1Mm - drawn.d0Mm)) / m_mmPerArcsec;
        const int k0 = static_cast<int>(std::lround(expected / spacing));
        int best = -1;
        for (int k = std::max(0, k0 - window); k <= std::min(samples - 1, k0 + window); ++k)
            if (std::isfinite(p[k]) && (best < 0 || p[k] > p[best]))
                best = k;
        if (best < 0)
            continue;
        double d = m_distanceArcsec[best];
        if (best > 0 && best + 1 < samples && std::isfinite(p[best - 1]) && std::isfinite(p[best + 1])) {
            const double a = p[best - 1], b = p[best], c = p[best + 1], den = a - 2 * b + c;
            if (den < 0)
                d += 0.5 * (a - c) / den * spacing;
        }
        ts.push_back(static_cast<double>(t - ta) / 1000.0);
        ds.push_back(d);
    }
    const int n = static_cast<int>(ts.size());
    if (n < 3)
        return std::nullopt;
    double mt = 0, md = 0;
    for (int i = 0; i < n; ++i)
        mt += ts[i], md += ds[i];
    mt /= n, md /= n;
    double stt = 0, std_ = 0;
    for (int i = 0; i < n; ++i)
        stt += (ts[i] - mt) * (ts[i] - mt), std_ += (ts[i] - mt) * (ds[i] - md);
    if (!(stt > 0))
        return std::nullopt;
    const double slope = std_ / stt, intercept = md - slope * mt;  // arcsec per s, arcsec at ta
    double ssr = 0;
    for (int i = 0; i < n; ++i) {
        const double r = ds[i] - (intercept + slope * ts[i]);
        ssr += r * r;
    }
    const double se = n > 2 ? std::sqrt(ssr / (n - 2) / stt) : 0.0;
    Speed s;
    s.fitted = true;
    s.points = n;
    s.drawnKmPerS = drawn.kmPerS;
    s.t0Ms = ta + static_cast<qint64>(std::llround(ts.front() * 1000));
    s.t1Ms = ta + static_cast<qint64>(std::llround(ts.back() * 1000));
    s.d0Mm = (intercept + slope * ts.front()) * m_mmPerArcsec;
    s.d1Mm = (intercept + slope * ts.back()) * m_mmPerArcsec;
    s.kmPerS = slope * m_mmPerArcsec * 1000.0;
    s.errorKmPerS = se * m_mmPerArcsec * 1000.0;
    return s;
}

QPointF TimeDistancePlot::widgetPoint(qint64 timeMs, double distanceMm) const
{
    const QPointF p(m_plot->xAxis->coordToPixel(keyOf(timeMs)), m_plot->yAxis->coordToPixel(distanceMm));
    return m_plot->mapTo(this, p.toPoint());
}

bool TimeDistancePlot::eventFilter(QObject *watched, QEvent *event)
{
    if (watched != m_plot)
        return TimePlot::eventFilter(watched, event);
    auto speedTo = [this](QPointF to) {
        Speed s;
        s.t0Ms = msOf(m_plot->xAxis->pixelToCoord(m_dragFrom.x()));
        s.d0Mm = m_plot->yAxis->pixelToCoord(m_dragFrom.y());
        s.t1Ms = msOf(m_plot->xAxis->pixelToCoord(to.x()));
        s.d1Mm = m_plot->yAxis->pixelToCoord(to.y());
        setSpeedLine(s);
    };
    switch (event->type()) {
    case QEvent::MouseButtonPress: {
        auto *me = static_cast<QMouseEvent *>(event);
        if (me->button() == Qt::LeftButton && (me->modifiers() & Qt::ShiftModifier) && m_columns > 0
            && m_plot->axisRect()->rect().contains(me->position().toPoint())) {
            m_dragging = true;
            m_dragFrom = me->position();
            return true;
        }
        break;
    }
    case QEvent::MouseMove:
        if (m_dragging) {
            speedTo(static_cast<QMouseEvent *>(event)->position());
            return true;
        }
        break;
    case QEvent::MouseButtonRelease:
        if (m_dragging) {
            m_dragging = false;
            speedTo(static_cast<QMouseEvent *>(event)->position());
            if (m_speed) {
                if (const auto fit = fitRidge(*m_speed))
                    setSpeedLine(fit);
                Q_EMIT speedMeasured(m_speed->kmPerS);
            }
            return true;
        }
        break;
    default:
        break;
    }
    return TimePlot::eventFilter(watched, event);
}

}  // namespace solarchip
