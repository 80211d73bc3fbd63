#include "widgets/AlignmentTimeline.h"

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

}  // namespace

AlignmentTimeline::AlignmentTimeline(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("alignmentTimelineMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);  // the command can be copied
    m_message->hide();
    layout->addWidget(m_message);
    m_plot = new QCustomPlot(this);
    m_plot->setObjectName(QStringLiteral("alignmentPlot"));
    m_plot->setMinimumHeight(120);
    layout->addWidget(m_plot, 1);

    auto ticker = QSharedPointer<QCPAxisTickerDateTime>::create();
    ticker->setDateTimeFormat(QStringLiteral("yyyy-MM-dd\nHH:mm"));
    ticker->setTimeZone(QTimeZone::utc());
    m_plot->xAxis->setTicker(ticker);
    m_plot->xAxis->setLabel(tr("UTC"));
    m_plot->yAxis->setLabel(tr("AIA ↔ HMI"));
    m_plot->yAxis->setRange(0, 1.05);

    QCPGraph *cosine = m_plot->addGraph();
    cosine->setName(tr("mean same-place cosine"));
    cosine->setPen(QPen(QColor(31, 119, 180), 1.5));
    cosine->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 4));
    QCPGraph *rank1 = m_plot->addGraph();
    rank1->setName(tr("fraction of cells whose HMI match ranks 1"));
    rank1->setPen(QPen(QColor(255, 127, 14), 1.5));
    rank1->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 4));
    m_plot->legend->setVisible(true);
    m_plot->legend->setFont(font());
    m_plot->legend->setBrush(QColor(255, 255, 255, 200));
    m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignLeft);

    m_cursor = new QCPItemStraightLine(m_plot);
    m_cursor->setPen(QPen(QColor(200, 30, 30), 1.5));
    m_cursor->setVisible(false);

    // Only the time axis pans and zooms; the values keep their fixed scale.
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->axisRect()->setRangeDrag(Qt::Horizontal);
    m_plot->axisRect()->setRangeZoom(Qt::Horizontal);
    connect(m_plot, &QCustomPlot::mousePress, this, &AlignmentTimeline::onPress);
    connect(m_plot, &QCustomPlot::mouseRelease, this, &AlignmentTimeline::onRelease);
    fitTime();
}

void AlignmentTimeline::setPoints(QVector<Point> points)
{
    std::sort(points.begin(), points.end(), [](const Point &a, const Point &b) { return a.timeMs < b.timeMs; });
    m_points = std::move(points);
    updateGraphs();
    fitTime();
    updateCursor();
}

void AlignmentTimeline::addPoint(const Point &point)
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

void AlignmentTimeline::clear()
{
    setPoints({});
}

void AlignmentTimeline::updateGraphs()
{
    QVector<double> keys, cos, rank1;
    double lo = 0;
    for (const Point &p : m_points) {
        keys << keyOf(p.timeMs);
        cos << p.meanCosine;
        rank1 << p.fractionRank1;
        if (std::isfinite(p.meanCosine))
            lo = std::min(lo, p.meanCosine);
    }
    m_plot->graph(0)->setData(keys, cos, true);
    m_plot->graph(1)->setData(keys, rank1, true);
    // Cosines may be negative: the scale reaches down to the lowest one, else [0, 1].
    m_plot->yAxis->setRange(lo < 0 ? std::floor(lo * 10) / 10 : 0.0, 1.05);
}

void AlignmentTimeline::setSpan(qint64 fromMs, qint64 toMs)
{
    m_spanFrom = fromMs;
    m_spanTo = toMs;
    fitTime();
}

void AlignmentTimeline::fitTime()
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

void AlignmentTimeline::setCurrentTime(const QDateTime &utc)
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

QDateTime AlignmentTimeline::currentTime() const
{
    return m_hasCurrent ? QDateTime::fromMSecsSinceEpoch(m_currentMs, QTimeZone::utc()) : QDateTime();
}

void AlignmentTimeline::updateCursor()
{
    m_cursor->setVisible(m_hasCurrent);
    if (m_hasCurrent) {
        const double k = keyOf(m_currentMs);
        m_cursor->point1->setCoords(k, 0);
        m_cursor->point2->setCoords(k, 1);
    }
    m_plot->replot();
}

void AlignmentTimeline::setMessage(const QString &text)
{
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
}

QString AlignmentTimeline::message() const
{
    return m_message->text();
}

double AlignmentTimeline::xAtTime(qint64 timeMs) const
{
    return m_plot->xAxis->coordToPixel(keyOf(timeMs)) + m_plot->geometry().x();
}

qint64 AlignmentTimeline::timeAtX(double x) const
{
    return msOf(m_plot->xAxis->pixelToCoord(x - m_plot->geometry().x()));
}

double AlignmentTimeline::cursorX() const
{
    return m_hasCurrent ? xAtTime(m_currentMs) : std::numeric_limits<double>::quiet_NaN();
}

qint64 AlignmentTimeline::viewFrom() const
{
    return msOf(m_plot->xAxis->range().lower);
}

qint64 AlignmentTimeline::viewTo() const
{
    return msOf(m_plot->xAxis->range().upper);
}

int AlignmentTimeline::nearestPoint(qint64 timeMs) const
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

void AlignmentTimeline::onPress(QMouseEvent *event)
{
    m_pressed = event->button() == Qt::LeftButton;
    m_pressPos = event->position();
}

void AlignmentTimeline::onRelease(QMouseEvent *event)
{
    // A click (not a drag that panned) inside the plot's axis rectangle asks for the time under it.
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
