#include "widgets/TimePlot.h"

#include "core/base/AtomicFile.h"

#include <QLabel>
#include <QMouseEvent>
#include <QTimeZone>
#include <QVBoxLayout>

#include <QFileInfo>

#include <qcustomplot.h>

#include <cmath>
#include <limits>

namespace solarchip {

double TimePlot::keyOf(qint64 ms) { return static_cast<double>(ms) / 1000.0; }
qint64 TimePlot::msOf(double key) { return static_cast<qint64>(std::llround(key * 1000.0)); }

TimePlot::TimePlot(const QString &messageName, const QString &plotName, int minimumPlotHeight, QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    m_message = new QLabel(this);
    m_message->setObjectName(messageName);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);  // a command in it can be copied
    m_message->hide();
    layout->addWidget(m_message);
    m_plot = new QCustomPlot(this);
    m_plot->setObjectName(plotName);
    m_plot->setMinimumHeight(minimumPlotHeight);
    layout->addWidget(m_plot, 1);

    auto ticker = QSharedPointer<QCPAxisTickerDateTime>::create();
    ticker->setDateTimeFormat(QStringLiteral("yyyy-MM-dd\nHH:mm"));
    ticker->setTimeZone(QTimeZone::utc());
    m_plot->xAxis->setTicker(ticker);
    m_plot->xAxis->setLabel(tr("UTC"));
    // Days apart, every tick says 00:00: the hours only when the range shown is a few days or less (one text
    // line less under a plot that is often short).
    connect(m_plot->xAxis, qOverload<const QCPRange &>(&QCPAxis::rangeChanged), this, [ticker](const QCPRange &r) {
        // Seconds once a few minutes fill the axis (12 s AIA frames), else two ticks read alike.
        ticker->setDateTimeFormat(r.size() > 4 * 86400.0 ? QStringLiteral("yyyy-MM-dd")
                                  : r.size() > 1800.0    ? QStringLiteral("yyyy-MM-dd\nHH:mm")
                                                         : QStringLiteral("yyyy-MM-dd\nHH:mm:ss"));
    });

    // Only the time axis pans and zooms; the values keep their fixed scale.
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->axisRect()->setRangeDrag(Qt::Horizontal);
    m_plot->axisRect()->setRangeZoom(Qt::Horizontal);
    connect(m_plot, &QCustomPlot::afterReplot, this, [this] { m_replotted = true; });
    connect(m_plot, &QCustomPlot::mousePress, this, &TimePlot::onPress);
    connect(m_plot, &QCustomPlot::mouseRelease, this, &TimePlot::onRelease);
}

void TimePlot::addCursor(const QColor &colour)
{
    m_cursor = new QCPItemStraightLine(m_plot);
    m_cursor->setPen(QPen(colour, 1.5));
    m_cursor->setVisible(false);
    m_cursor->setLayer(QStringLiteral("overlay"));  // QCustomPlot's topmost layer, buffered by default
    m_cursor->layer()->setMode(QCPLayer::lmBuffered);
}

Status TimePlot::savePlot(const QString &path, int width, int height) const
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != QLatin1String("png") && suffix != QLatin1String("pdf") && suffix != QLatin1String("jpg")
        && suffix != QLatin1String("jpeg"))
        return Error{path, tr("unknown image format '.%1' (use .png, .pdf or .jpg)").arg(suffix)};
    AtomicFile file(path);
    auto tmp = file.reserveName();
    if (!tmp)
        return tmp.error();
    const bool ok = suffix == QLatin1String("pdf")   ? m_plot->savePdf(*tmp, width, height)
                    : suffix == QLatin1String("png") ? m_plot->savePng(*tmp, width, height)
                                                     : m_plot->saveJpg(*tmp, width, height);
    if (!ok)
        return Error{path, tr("the plot could not be written (%1)").arg(suffix.toUpper())};
    return file.commit();
}

void TimePlot::placeLegendAtRight()
{
    m_plot->legend->setVisible(true);
    m_plot->legend->setFont(font());
    m_plot->legend->setBorderPen(Qt::NoPen);
    m_plot->axisRect()->insetLayout()->take(m_plot->legend);
    m_plot->plotLayout()->addElement(0, 1, m_plot->legend);
    m_plot->plotLayout()->setColumnStretchFactor(1, 0.001);
}

void TimePlot::replotSoon()
{
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void TimePlot::pointsReplaced()
{
    updateGraphs();
    fitTime();
    updateCursor();
}

void TimePlot::pointAdded()
{
    updateGraphs();
    if (pointCount() == 1)
        fitTime();
    replotSoon();
}

void TimePlot::setSpan(qint64 fromMs, qint64 toMs)
{
    m_spanFrom = fromMs;
    m_spanTo = toMs;
    fitTime();
}

double TimePlot::marginFor(double spanSeconds)
{
    // 3% either side, at least an hour; but a span of minutes (12 s AIA frames) keeps a tenth of itself instead of
    // drowning in the hour.
    if (spanSeconds <= 0)
        return 3600.0;
    return std::max(spanSeconds * 0.03, std::min(3600.0, spanSeconds * 0.1));
}

void TimePlot::fitTime()
{
    const int n = pointCount();
    if (m_spanTo > m_spanFrom) {
        qint64 a = m_spanFrom, b = m_spanTo;
        if (n > 0) {
            a = std::min(a, pointTimeMs(0));
            b = std::max(b, pointTimeMs(n - 1));
        }
        const double margin = marginFor(keyOf(b) - keyOf(a));
        m_plot->xAxis->setRange(keyOf(a) - margin, keyOf(b) + margin);
    } else if (n == 0) {
        const qint64 t = m_hasCurrent ? m_currentMs : QDateTime::currentMSecsSinceEpoch();
        m_plot->xAxis->setRange(keyOf(t) - 86400, keyOf(t) + 86400);
    } else {
        const double a = keyOf(pointTimeMs(0)), b = keyOf(pointTimeMs(n - 1));
        const double margin = marginFor(b - a);
        m_plot->xAxis->setRange(a - margin, b + margin);
    }
    replotSoon();
}

void TimePlot::setCurrentTime(const QDateTime &utc)
{
    m_hasCurrent = utc.isValid();
    m_currentMs = utc.isValid() ? utc.toMSecsSinceEpoch() : 0;
    bool scrolled = false;
    if (m_hasCurrent) {
        const QCPRange r = m_plot->xAxis->range();
        const double k = keyOf(m_currentMs);
        if (k < r.lower || k > r.upper) {
            m_plot->xAxis->setRange(k - r.size() / 2, k + r.size() / 2);
            scrolled = true;
        }
    }
    updateCursor();
    // The axis moved: everything is drawn again; else only the cursor's layer (once the plot has paint buffers).
    if (scrolled || !m_cursor || !m_replotted)
        replotSoon();
    else
        m_cursor->layer()->replot();
}

QDateTime TimePlot::currentTime() const
{
    return m_hasCurrent ? QDateTime::fromMSecsSinceEpoch(m_currentMs, QTimeZone::utc()) : QDateTime();
}

void TimePlot::updateCursor()
{
    if (m_cursor) {
        m_cursor->setVisible(m_hasCurrent);
        if (m_hasCurrent) {
            const double k = keyOf(m_currentMs);
            m_cursor->point1->setCoords(k, 0);
            m_cursor->point2->setCoords(k, 1);
        }
    }
}

void TimePlot::setMessage(const QString &text)
{
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
}

QString TimePlot::message() const
{
    return m_message->text();
}

double TimePlot::xAtTime(qint64 timeMs) const
{
    return m_plot->xAxis->coordToPixel(keyOf(timeMs)) + m_plot->geometry().x();
}

qint64 TimePlot::timeAtX(double x) const
{
    return msOf(m_plot->xAxis->pixelToCoord(x - m_plot->geometry().x()));
}

double TimePlot::cursorX() const
{
    return m_hasCurrent ? xAtTime(m_currentMs) : std::numeric_limits<double>::quiet_NaN();
}

qint64 TimePlot::viewFrom() const
{
    return msOf(m_plot->xAxis->range().lower);
}

qint64 TimePlot::viewTo() const
{
    return msOf(m_plot->xAxis->range().upper);
}

int TimePlot::nearestPoint(qint64 timeMs) const
{
    // Binary search over the sorted point times: the first at or after timeMs, or the one before if nearer.
    const int n = pointCount();
    if (n == 0)
        return -1;
    int lo = 0, hi = n;
    while (lo < hi) {
        const int mid = lo + (hi - lo) / 2;
        if (pointTimeMs(mid) < timeMs)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == n)
        return n - 1;
    if (lo > 0 && timeMs - pointTimeMs(lo - 1) <= pointTimeMs(lo) - timeMs)
        --lo;
    return lo;
}

void TimePlot::onPress(QMouseEvent *event)
{
    m_pressed = event->button() == Qt::LeftButton;
    m_pressPos = event->position();
}

void TimePlot::onRelease(QMouseEvent *event)
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
    Q_EMIT timeRequested(QDateTime::fromMSecsSinceEpoch(i >= 0 ? pointTimeMs(i) : t, QTimeZone::utc()));
}

}  // namespace solarchip
