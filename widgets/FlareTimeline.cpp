#include "widgets/FlareTimeline.h"

#include <QLabel>
#include <QMouseEvent>
#include <QTimeZone>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace solarchip {

namespace {

double keyOf(qint64 ms) { return static_cast<double>(ms) / 1000.0; }
qint64 msOf(double key) { return static_cast<qint64>(std::llround(key * 1000.0)); }

// Graph order: 0 P(>=C), 1 P(>=M), 2..4 the C, M, X flare markers.
constexpr int kGraphC = 0, kGraphM = 1, kGraphFlares = 2;
// The marker rows above the probability scale [0, 1].
constexpr double kFlareRow[3] = {1.06, 1.13, 1.20};

}  // namespace

FlareTimeline::FlareTimeline(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("flareTimelineMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();
    layout->addWidget(m_message);
    m_plot = new QCustomPlot(this);
    m_plot->setObjectName(QStringLiteral("flarePlot"));
    m_plot->setMinimumHeight(140);
    layout->addWidget(m_plot, 1);

    auto ticker = QSharedPointer<QCPAxisTickerDateTime>::create();
    ticker->setDateTimeFormat(QStringLiteral("yyyy-MM-dd\nHH:mm"));
    ticker->setTimeZone(QTimeZone::utc());
    m_plot->xAxis->setTicker(ticker);
    m_plot->xAxis->setLabel(tr("UTC"));
    m_plot->yAxis->setLabel(tr("P (next window)"));
    m_plot->yAxis->setRange(0, 1.26);
    auto yTicks = QSharedPointer<QCPAxisTickerFixed>::create();
    yTicks->setTickStep(0.2);
    m_plot->yAxis->setTicker(yTicks);

    QCPGraph *c = m_plot->addGraph();
    c->setName(tr("P(≥C)"));
    c->setPen(QPen(QColor(44, 160, 44), 1.5));
    c->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 4));
    QCPGraph *m = m_plot->addGraph();
    m->setName(tr("P(≥M)"));
    m->setPen(QPen(QColor(214, 39, 40), 1.5));
    m->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 4));
    const QColor flareColours[3] = {QColor(188, 160, 0), QColor(230, 110, 0), QColor(150, 0, 150)};
    const QCPScatterStyle::ScatterShape shapes[3] = {QCPScatterStyle::ssTriangleInverted, QCPScatterStyle::ssTriangleInverted,
                                                     QCPScatterStyle::ssStar};
    const QString names[3] = {tr("C flares"), tr("M flares"), tr("X flares")};
    for (int k = 0; k < 3; ++k) {
        QCPGraph *g = m_plot->addGraph();
        g->setName(names[k]);
        g->setLineStyle(QCPGraph::lsNone);
        g->setScatterStyle(QCPScatterStyle(shapes[k], flareColours[k], flareColours[k], k == 2 ? 10 : 7));
    }
    m_plot->legend->setVisible(true);
    m_plot->legend->setFont(font());
    m_plot->legend->setBrush(QColor(255, 255, 255, 200));
    // The legend in a row of its own below the plot: it never hides points or markers.
    m_plot->legend->setFillOrder(QCPLegend::foColumnsFirst);
    m_plot->legend->setWrap(3);
    m_plot->axisRect()->insetLayout()->take(m_plot->legend);
    m_plot->plotLayout()->addElement(1, 0, m_plot->legend);
    m_plot->plotLayout()->setRowStretchFactor(1, 0.001);
    m_plot->legend->setBorderPen(Qt::NoPen);

    m_climatology = new QCPItemStraightLine(m_plot);
    m_climatology->setPen(QPen(QColor(90, 90, 90), 1, Qt::DashLine));
    m_climatology->setVisible(false);
    m_cursor = new QCPItemStraightLine(m_plot);
    m_cursor->setPen(QPen(QColor(30, 30, 200), 1.5));
    m_cursor->setVisible(false);

    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->axisRect()->setRangeDrag(Qt::Horizontal);
    m_plot->axisRect()->setRangeZoom(Qt::Horizontal);
    connect(m_plot, &QCustomPlot::mousePress, this, &FlareTimeline::onPress);
    connect(m_plot, &QCustomPlot::mouseRelease, this, &FlareTimeline::onRelease);
    fitTime();
}

void FlareTimeline::setPoints(QVector<Point> points)
{
    std::sort(points.begin(), points.end(), [](const Point &a, const Point &b) { return a.timeMs < b.timeMs; });
    m_points = std::move(points);
    updateGraphs();
    fitTime();
    updateCursor();
}

void FlareTimeline::addPoint(const Point &point)
{
    auto it = std::lower_bound(m_points.begin(), m_points.end(), point.timeMs,
                               [](const Point &p, qint64 t) { return p.timeMs < t; });
    if (it != m_points.end() && it->timeMs == point.timeMs)
        *it = point;
    else
        m_points.insert(it, point);
    updateGraphs();
    if (m_points.size() == 1)
        fitTime();
    m_plot->replot();
}

void FlareTimeline::setFlares(const QVector<Flare> &flares)
{
    QVector<double> keys[3], rows[3];
    m_flareCounts = {0, 0, 0};
    for (const Flare &f : flares) {
        if (f.classIndex < 1 || f.classIndex > 3)
            continue;
        const int k = f.classIndex - 1;
        keys[k] << keyOf(f.timeMs);
        rows[k] << kFlareRow[k];
        ++m_flareCounts[static_cast<size_t>(k)];
    }
    for (int k = 0; k < 3; ++k)
        m_plot->graph(kGraphFlares + k)->setData(keys[k], rows[k], false);
    m_plot->replot();
}

void FlareTimeline::setClimatology(double rate)
{
    m_climatology->setVisible(std::isfinite(rate));
    if (std::isfinite(rate)) {
        m_climatology->point1->setCoords(0, rate);
        m_climatology->point2->setCoords(1, rate);
    }
    m_plot->replot();
}

void FlareTimeline::clear()
{
    setPoints({});
}

void FlareTimeline::updateGraphs()
{
    QVector<double> keys, pc, pm;
    for (const Point &p : m_points) {
        keys << keyOf(p.timeMs);
        pc << p.pGeC;  // NaN points are gaps for QCustomPlot
        pm << p.pGeM;
    }
    m_plot->graph(kGraphC)->setData(keys, pc, true);
    m_plot->graph(kGraphM)->setData(keys, pm, true);
}

void FlareTimeline::setSpan(qint64 fromMs, qint64 toMs)
{
    m_spanFrom = fromMs;
    m_spanTo = toMs;
    fitTime();
}

void FlareTimeline::fitTime()
{
    if (m_spanTo > m_spanFrom) {
        qint64 a = m_spanFrom, b = m_spanTo;
        if (!m_points.isEmpty()) {
            a = std::min(a, m_points.front().timeMs);
            b = std::max(b, m_points.back().timeMs);
        }
        const double margin = std::max((keyOf(b) - keyOf(a)) * 0.03, 3600.0);
        m_plot->xAxis->setRange(keyOf(a) - margin, keyOf(b) + margin);
    } else if (m_points.isEmpty()) {
        const qint64 t = m_hasCurrent ? m_currentMs : QDateTime::currentMSecsSinceEpoch();
        m_plot->xAxis->setRange(keyOf(t) - 86400, keyOf(t) + 86400);
    } else {
        const double a = keyOf(m_points.front().timeMs), b = keyOf(m_points.back().timeMs);
        const double margin = std::max((b - a) * 0.03, 3600.0);
        m_plot->xAxis->setRange(a - margin, b + margin);
    }
    m_plot->replot();
}

void FlareTimeline::setCurrentTime(const QDateTime &utc)
{
    m_hasCurrent = utc.isValid();
    m_currentMs = utc.isValid() ? utc.toMSecsSinceEpoch() : 0;
    if (m_hasCurrent) {
        const QCPRange r = m_plot->xAxis->range();
        const double k = keyOf(m_currentMs);
        if (k < r.lower || k > r.upper)
            m_plot->xAxis->setRange(k - r.size() / 2, k + r.size() / 2);
    }
    updateCursor();
}

QDateTime FlareTimeline::currentTime() const
{
    return m_hasCurrent ? QDateTime::fromMSecsSinceEpoch(m_currentMs, QTimeZone::utc()) : QDateTime();
}

void FlareTimeline::updateCursor()
{
    m_cursor->setVisible(m_hasCurrent);
    if (m_hasCurrent) {
        const double k = keyOf(m_currentMs);
        m_cursor->point1->setCoords(k, 0);
        m_cursor->point2->setCoords(k, 1);
    }
    m_plot->replot();
}

void FlareTimeline::setMessage(const QString &text)
{
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
}

QString FlareTimeline::message() const
{
    return m_message->text();
}

double FlareTimeline::xAtTime(qint64 timeMs) const
{
    return m_plot->xAxis->coordToPixel(keyOf(timeMs)) + m_plot->geometry().x();
}

double FlareTimeline::cursorX() const
{
    return m_hasCurrent ? xAtTime(m_currentMs) : std::numeric_limits<double>::quiet_NaN();
}

int FlareTimeline::nearestPoint(qint64 timeMs) const
{
    if (m_points.isEmpty())
        return -1;
    auto it = std::lower_bound(m_points.begin(), m_points.end(), timeMs,
                               [](const Point &p, qint64 t) { return p.timeMs < t; });
    if (it == m_points.end())
        return static_cast<int>(m_points.size()) - 1;
    if (it != m_points.begin() && timeMs - (it - 1)->timeMs <= it->timeMs - timeMs)
        --it;
    return static_cast<int>(it - m_points.begin());
}

void FlareTimeline::onPress(QMouseEvent *event)
{
    m_pressed = event->button() == Qt::LeftButton;
    m_pressPos = event->position();
}

void FlareTimeline::onRelease(QMouseEvent *event)
{
    if (!m_pressed || event->button() != Qt::LeftButton)
        return;
    m_pressed = false;
    if ((event->position() - m_pressPos).manhattanLength() > 4)
        return;
    if (!m_plot->axisRect()->rect().contains(event->position().toPoint()))
        return;
    const qint64 t = msOf(m_plot->xAxis->pixelToCoord(event->position().x()));
    const int i = nearestPoint(t);
    Q_EMIT timeRequested(QDateTime::fromMSecsSinceEpoch(i >= 0 ? m_points[i].timeMs : t, QTimeZone::utc()));
}

}  // namespace solarchip
