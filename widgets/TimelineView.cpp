#include "widgets/TimelineView.h"

#include "widgets/Colormap.h"

#include "core/archive/FlareLabels.h"
#include "widgets/FlareClassColours.h"

#include "core/map/MapMeta.h"
#include "widgets/TimelineModel.h"

#include <QContextMenuEvent>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QMenu>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QTimeZone>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <utility>

namespace solarchip {

namespace {

constexpr int kRowHeight = 15;
constexpr int kMinRowHeight = 9;  // still one line of a small font beside it, and a readable strip
constexpr int kRowGap = 2;
constexpr int kAxisHeight = 20;
constexpr int kFlareRowHeight = 18;
constexpr int kFlareSpanPixels = 3;  // a flare's start-to-end span is shaded from this width on
constexpr int kMargin = 4;
constexpr int kBinPixels = 2;  // one availability bin per this many pixels
constexpr qint64 kMinute = 60 * 1000;
constexpr qint64 kHour = 60 * kMinute;
constexpr qint64 kDay = 24 * kHour;

QDateTime utcFromMs(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc());
}

// Tick spacing for the axis: the smallest "round" step that leaves room for a label.
struct TickStep {
    qint64 ms;       // fixed steps (0 for calendar months)
    int months;      // calendar steps
    const char *format;
};
const TickStep kSteps[] = {
    {kMinute, 0, "HH:mm"},       {5 * kMinute, 0, "HH:mm"},    {15 * kMinute, 0, "HH:mm"},
    {30 * kMinute, 0, "HH:mm"},  {kHour, 0, "MM-dd HH:mm"},    {3 * kHour, 0, "MM-dd HH:mm"},
    {6 * kHour, 0, "MM-dd HH:mm"}, {12 * kHour, 0, "MM-dd HH:mm"}, {kDay, 0, "yyyy-MM-dd"},
    {2 * kDay, 0, "yyyy-MM-dd"}, {7 * kDay, 0, "yyyy-MM-dd"},  {0, 1, "yyyy-MM"},
    {0, 3, "yyyy-MM"},           {0, 6, "yyyy-MM"},            {0, 12, "yyyy"},
    {0, 24, "yyyy"},             {0, 60, "yyyy"},              {0, 120, "yyyy"},
};

}  // namespace

TimelineView::TimelineView(QWidget *parent) : QWidget(parent)
{
    setMouseTracking(true);
    setFocusPolicy(Qt::ClickFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_from = now - 30 * kDay;
    m_to = now;
    m_scroll = new QScrollBar(Qt::Vertical, this);
    m_scroll->setObjectName(QStringLiteral("timelineRowScrollBar"));
    m_scroll->hide();
    connect(m_scroll, &QScrollBar::valueChanged, this, qOverload<>(&QWidget::update));
}

void TimelineView::setModel(TimelineModel *model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    m_labelWidth = -1;
    if (m_model)
        connect(m_model, &TimelineModel::changed, this, [this] {
            m_labelWidth = -1;
            fitAll();
            updateGeometry();
            updateScrollBar();
        });
    fitAll();
    updateGeometry();
    updateScrollBar();
}

void TimelineView::setViewRange(qint64 from, qint64 to)
{
    qint64 span = std::clamp(to - from, kMinSpanMs, kMaxSpanMs);
    const qint64 centre = from + (to - from) / 2;
    from = centre - span / 2;
    to = from + span;
    if (from == m_from && to == m_to)
        return;
    m_from = from;
    m_to = to;
    update();
    Q_EMIT viewRangeChanged(m_from, m_to);
}

void TimelineView::fitAll()
{
    if (!m_model || m_model->isEmpty()) {
        update();
        return;
    }
    const qint64 span = std::max(m_model->last() - m_model->first(), kHour);
    const qint64 pad = span / 40 + kMinute;
    setViewRange(m_model->first() - pad, m_model->last() + pad);
}

void TimelineView::zoomBy(double factor, qint64 around)
{
    const double f = std::clamp(factor, 1e-3, 1e3);
    const qint64 from = around - qint64(std::llround((around - m_from) * f));
    const qint64 to = around + qint64(std::llround((m_to - around) * f));
    const qint64 span = std::clamp(to - from, kMinSpanMs, kMaxSpanMs);
    if (span == m_to - m_from)
        return;
    // Keep `around` under the same pixel while clamping the span.
    const double frac = double(around - m_from) / double(m_to - m_from);
    const qint64 newFrom = around - qint64(std::llround(frac * span));
    m_from = newFrom;
    m_to = newFrom + span;
    update();
    Q_EMIT viewRangeChanged(m_from, m_to);
}

QDateTime TimelineView::currentTime() const
{
    return m_hasCurrent ? utcFromMs(m_current) : QDateTime();
}

void TimelineView::setCurrentTime(const QDateTime &utc)
{
    m_hasCurrent = utc.isValid();
    if (!m_hasCurrent) {
        update();
        return;
    }
    m_current = utc.toMSecsSinceEpoch();
    const qint64 span = m_to - m_from;
    if (m_current < m_from || m_current >= m_to) {
        // Follow the marker: put it a fifth into the view so the next steps stay visible.
        m_from = m_current - span / 5;
        m_to = m_from + span;
        Q_EMIT viewRangeChanged(m_from, m_to);
    }
    update();
}

void TimelineView::setChannelColor(const QString &channel, const QColor &color)
{
    m_colors.insert(channel, color);
    update();
}

QColor TimelineView::channelColor(const QString &channel) const
{
    return m_colors.value(channel, Colormap::channelColour(channel));
}

QFont TimelineView::labelFont(const QFont &font, int rowHeight)
{
    // Smaller for rows lower than a line of the font, down to 6 pt; never larger than the widget's font, which
    // labelWidth() measures (a label grown by a few per cent overflowed its column, "HMI magnetogram" cut at the left).
    QFont small = font;
    const int lineHeight = QFontMetrics(font).height();
    if (rowHeight < lineHeight && small.pointSizeF() > 0)
        small.setPointSizeF(std::max(6.0, small.pointSizeF() * std::min(1.0, double(rowHeight + 2) / lineHeight)));
    return small;
}

int TimelineView::labelWidth() const
{
    // Wide enough for the longest channel label ("HMI magnetogram") in the widget's font. Kept until the channels, the
    // flares row or the font change: every time-to-x mapping goes through plotRect(), and measuring the labels for each
    // (text shaping) cost 20 ms a repaint with a month of flares on the strip.
    if (m_labelWidth >= 0)
        return m_labelWidth;
    int widest = fontMetrics().horizontalAdvance(tr("UTC"));
    if (m_flareRow)
        widest = std::max(widest, fontMetrics().horizontalAdvance(tr("GOES flares")));
    if (m_model)
        for (const QString &channel : m_model->channels())
            widest = std::max(widest, fontMetrics().horizontalAdvance(channelLabel(channel)));
    m_labelWidth = widest + 12;
    return m_labelWidth;
}

void TimelineView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange)
        m_labelWidth = -1;
    QWidget::changeEvent(event);
}

int TimelineView::rowCount() const
{
    return m_model ? std::max<int>(1, int(m_model->channels().size())) : 1;
}

int TimelineView::rowsAvailableHeight() const
{
    // What is left for the rows once the axis (and the flares row) have their place at the bottom.
    return std::max(kMinRowHeight + kRowGap, height() - 2 * kMargin - kAxisHeight - flareRowHeight());
}

int TimelineView::flareRowHeight() const
{
    return m_flareRow ? kFlareRowHeight + kRowGap : 0;
}

int TimelineView::rowPitch() const
{
    return std::clamp(rowsAvailableHeight() / rowCount(), kMinRowHeight + kRowGap, kRowHeight + kRowGap);
}

QRect TimelineView::plotRect() const
{
    const int h = std::min(rowCount() * rowPitch(), rowsAvailableHeight());
    const int right = m_scroll && !m_scroll->isHidden() ? m_scroll->sizeHint().width() + 2 : kMargin;
    return QRect(labelWidth(), kMargin, std::max(10, width() - labelWidth() - right), h);
}

QRect TimelineView::flareRowRect() const
{
    if (!m_flareRow)
        return {};
    const QRect plot = plotRect();
    return QRect(plot.left(), plot.bottom() + 1 + kRowGap, plot.width(), kFlareRowHeight);
}

QRect TimelineView::axisRect() const
{
    const QRect above = m_flareRow ? flareRowRect() : plotRect();
    return QRect(above.left(), above.bottom() + 2, above.width(), kAxisHeight);
}

void TimelineView::updateScrollBar()
{
    const int overflow = rowCount() * rowPitch() - rowsAvailableHeight();
    m_scroll->setVisible(overflow > 0);
    m_scroll->setRange(0, std::max(0, overflow));
    m_scroll->setSingleStep(rowPitch());
    m_scroll->setPageStep(rowsAvailableHeight());
    const int w = m_scroll->sizeHint().width();
    m_scroll->setGeometry(width() - w, kMargin, w, std::min(rowCount() * rowPitch(), rowsAvailableHeight()));
    update();
}

void TimelineView::ensureRowVisible(const QString &channel)
{
    if (!m_model)
        return;
    const int row = int(m_model->channels().indexOf(channel));
    if (row < 0)
        return;
    const int top = row * rowPitch(), visible = plotRect().height();
    if (top < m_scroll->value())
        m_scroll->setValue(top);
    else if (top + rowPitch() > m_scroll->value() + visible)
        m_scroll->setValue(top + rowPitch() - visible);
}

void TimelineView::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    updateScrollBar();
}

qint64 TimelineView::timeAtX(double x) const
{
    const QRect plot = plotRect();
    const double frac = (x - plot.left()) / double(plot.width());
    return m_from + qint64(std::llround(frac * double(m_to - m_from)));
}

double TimelineView::xAtTime(qint64 t) const
{
    const QRect plot = plotRect();
    return plot.left() + double(t - m_from) / double(m_to - m_from) * plot.width();
}

QRect TimelineView::rowRect(const QString &channel) const
{
    if (!m_model)
        return {};
    const int row = int(m_model->channels().indexOf(channel));
    if (row < 0)
        return {};
    const QRect plot = plotRect();
    const int pitch = rowPitch();
    const int scrolled = m_scroll->isHidden() ? 0 : m_scroll->value();
    return QRect(plot.left(), plot.top() + row * pitch - scrolled, plot.width(), pitch - kRowGap);
}

QSize TimelineView::sizeHint() const
{
    // Every row at full height when the window has room; smaller sizes shrink the rows, then scroll them.
    return QSize(800, rowCount() * (kRowHeight + kRowGap) + flareRowHeight() + kAxisHeight + 2 * kMargin);
}

QSize TimelineView::minimumSizeHint() const
{
    // One row at the smallest height and the axis: the rest scrolls.
    return QSize(200, kMinRowHeight + kRowGap + flareRowHeight() + kAxisHeight + 2 * kMargin);
}

void TimelineView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), palette().window());
    const QRect plot = plotRect();
    p.fillRect(plot, palette().base());

    if (m_model) {
        const int nBins = std::max(1, plot.width() / kBinPixels);
        const double binWidth = double(plot.width()) / nBins;
        // Scrolled rows (and their names) end at the edges of the rows' area, never over the axis.
        p.save();
        p.setClipRect(QRect(0, plot.top(), width(), plot.height()));
        p.setFont(labelFont(font(), rowPitch() - kRowGap));
        for (const QString &channel : m_model->channels()) {
            const QRect row = rowRect(channel);
            if (!row.intersects(plot))
                continue;
            p.setPen(palette().color(QPalette::WindowText));
            p.drawText(QRect(2, row.top(), labelWidth() - 6, row.height()), Qt::AlignRight | Qt::AlignVCenter,
                       channelLabel(channel));
            const QVector<int> counts = m_model->bins(channel, m_from, m_to, nBins);
            const int maxCount = std::max(1, *std::max_element(counts.begin(), counts.end()));
            QColor c = channelColor(channel);
            for (int i = 0; i < nBins; ++i) {
                if (!counts[i])
                    continue;
                // More observations in a bin, more opaque: dense periods stand out from sparse ones.
                c.setAlpha(110 + 145 * counts[i] / maxCount);
                const double x0 = plot.left() + i * binWidth;
                p.fillRect(QRectF(x0, row.top(), std::max(binWidth, 1.5), row.height()), c);
            }
        }
        p.restore();
    }
    if (m_flareRow)
        paintFlareRow(p);
    paintAxis(p, plot);

    if (m_hoverX >= plot.left() && m_hoverX <= plot.right()) {
        p.setPen(QPen(palette().color(QPalette::Mid), 1, Qt::DotLine));
        p.drawLine(m_hoverX, plot.top(), m_hoverX, axisRect().bottom());
    }
    if (m_hasCurrent && m_current >= m_from && m_current < m_to) {
        const double x = xAtTime(m_current);
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(QPen(QColor(220, 30, 30), 2));
        p.drawLine(QPointF(x, plot.top()), QPointF(x, (m_flareRow ? flareRowRect() : plot).bottom() + 4));
        QPolygonF tri;
        tri << QPointF(x - 5, plot.top() - kMargin) << QPointF(x + 5, plot.top() - kMargin)
            << QPointF(x, plot.top() + 4);
        p.setBrush(QColor(220, 30, 30));
        p.drawPolygon(tri);
    }
}

void TimelineView::paintAxis(QPainter &p, const QRect &plot)
{
    const int top = axisRect().top();
    p.setPen(palette().color(QPalette::WindowText));
    p.drawLine(plot.left(), top, plot.right(), top);
    const double pxPerMs = plot.width() / double(m_to - m_from);
    const int minPixels = fontMetrics().horizontalAdvance(QStringLiteral("2000-00-00  ")) + 8;
    const TickStep *step = &kSteps[std::size(kSteps) - 1];
    for (const TickStep &s : kSteps) {
        const double stepMs = s.ms ? double(s.ms) : s.months * 30.44 * kDay;
        if (stepMs * pxPerMs >= minPixels) {
            step = &s;
            break;
        }
    }
    const QString format = QString::fromLatin1(step->format);
    auto drawTick = [&](qint64 t) {
        const double x = xAtTime(t);
        if (x < plot.left() || x > plot.right())
            return;
        p.drawLine(QPointF(x, top), QPointF(x, top + 4));
        p.drawText(QRectF(x + 3, top + 2, minPixels, kAxisHeight - 2), Qt::AlignLeft | Qt::AlignVCenter,
                   utcFromMs(t).toString(format));
    };
    if (step->ms) {
        // Fixed steps divide a day, so multiples of the step since the epoch fall on round UTC times.
        qint64 t = (m_from / step->ms) * step->ms;
        for (; t < m_to; t += step->ms)
            drawTick(t);
    } else {
        const QDate start = utcFromMs(m_from).date();
        const int startMonths = (start.year() * 12 + start.month() - 1) / step->months * step->months;
        for (int m = startMonths;; m += step->months) {
            const QDateTime t(QDate(m / 12, m % 12 + 1, 1), QTime(0, 0), QTimeZone::utc());
            if (t.toMSecsSinceEpoch() >= m_to)
                break;
            drawTick(t.toMSecsSinceEpoch());
        }
    }
    p.drawText(QRect(2, top + 2, labelWidth() - 6, kAxisHeight - 2), Qt::AlignRight | Qt::AlignVCenter,
               tr("UTC"));
}

void TimelineView::wheelEvent(QWheelEvent *event)
{
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0) {
        event->ignore();
        return;
    }
    // Shift+wheel, or the wheel over the channel names, scrolls the rows when they do not all fit.
    if (!m_scroll->isHidden()
        && ((event->modifiers() & Qt::ShiftModifier) || event->position().x() < plotRect().left())) {
        m_scroll->setValue(m_scroll->value() - int(std::lround(steps * rowPitch())));
        event->accept();
        return;
    }
    zoomBy(std::pow(1.25, -steps), timeAtX(event->position().x()));
    event->accept();
}

void TimelineView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return QWidget::mousePressEvent(event);
    m_pressed = true;
    m_dragging = false;
    m_pressPos = event->position().toPoint();
    m_pressFrom = m_from;
    m_pressTo = m_to;
}

void TimelineView::mouseMoveEvent(QMouseEvent *event)
{
    m_hoverX = event->position().toPoint().x();
    if (m_pressed) {
        const int dx = m_hoverX - m_pressPos.x();
        if (std::abs(dx) > 3)
            m_dragging = true;
        if (m_dragging) {
            const qint64 shift = qint64(std::llround(dx / double(plotRect().width()) * (m_pressTo - m_pressFrom)));
            m_from = m_pressFrom - shift;
            m_to = m_pressTo - shift;
            Q_EMIT viewRangeChanged(m_from, m_to);
        }
    }
    update();
}

void TimelineView::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || !m_pressed)
        return QWidget::mouseReleaseEvent(event);
    m_pressed = false;
    const QPoint pos = event->position().toPoint();
    const int flare = flareRowRect().contains(pos) ? flareAt(event->position().x()) : -1;
    if (!m_dragging && flare >= 0)
        Q_EMIT timeRequested(utcFromMs(m_flares[flare].peakMs));  // a flare clicked: its peak
    else if (!m_dragging && plotRect().united(axisRect()).contains(pos))
        Q_EMIT timeRequested(utcFromMs(timeAtX(event->position().x())));
    m_dragging = false;
}

void TimelineView::leaveEvent(QEvent *event)
{
    m_hoverX = -1;
    update();
    QWidget::leaveEvent(event);
}

void TimelineView::keyPressEvent(QKeyEvent *event)
{
    const qint64 centre = m_hasCurrent ? m_current : m_from + (m_to - m_from) / 2;
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomBy(0.5, centre);
        break;
    case Qt::Key_Minus:
        zoomBy(2.0, centre);
        break;
    case Qt::Key_0:
        fitAll();
        break;
    default:
        QWidget::keyPressEvent(event);
    }
}

void TimelineView::contextMenuEvent(QContextMenuEvent *event)
{
    QMenu menu(this);
    const qint64 centre = m_hasCurrent ? m_current : timeAtX(event->pos().x());
    menu.addAction(tr("Fit whole archive"), this, &TimelineView::fitAll);
    menu.addAction(tr("Show one month"), this, [this, centre] { setViewRange(centre - 15 * kDay, centre + 15 * kDay); });
    menu.addAction(tr("Show one day"), this, [this, centre] { setViewRange(centre - kDay / 2, centre + kDay / 2); });
    menu.addAction(tr("Show one hour"), this, [this, centre] { setViewRange(centre - kHour / 2, centre + kHour / 2); });
    if (m_flareRow) {
        // The flares row's smallest class (the owner reads the list again with it).
        menu.addSeparator();
        QMenu *classes = menu.addMenu(tr("GOES flares from class"));
        for (const auto &[letter, flux] : {std::pair{"B", kGoesB}, std::pair{"C", kGoesC}, std::pair{"M", kGoesM}, std::pair{"X", kGoesX}}) {
            QAction *a = classes->addAction(tr("%1 and above").arg(QLatin1String(letter)));
            a->setCheckable(true);
            a->setChecked(std::abs(flux - m_flareMinFlux) < 1e-12);
            const double f = flux;
            connect(a, &QAction::triggered, this, [this, f] { Q_EMIT flareMinFluxRequested(f); });
        }
    }
    menu.exec(event->globalPos());
}

bool TimelineView::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QString text = tooltipAt(help->pos());
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}

QString TimelineView::tooltipAt(const QPoint &pos) const
{
    const QRect plot = plotRect();
    if (flareRowRect().contains(pos))
        return flareTooltipAt(pos.x());
    if (!m_model || pos.x() < plot.left() || pos.x() > plot.right())
        return {};
    // Counts in the bin under the cursor, so the tooltip says what the strip shows there.
    const int nBins = std::max(1, plot.width() / kBinPixels);
    const int bin = std::clamp(int((pos.x() - plot.left()) / (double(plot.width()) / nBins)), 0, nBins - 1);
    const qint64 b0 = TimelineModel::binEdge(m_from, m_to, nBins, bin);
    const qint64 b1 = TimelineModel::binEdge(m_from, m_to, nBins, bin + 1);
    QStringList lines{utcFromMs(timeAtX(pos.x())).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"))};
    for (const QString &channel : m_model->channels()) {
        const int n = m_model->count(channel, b0, b1);
        if (n)
            lines << tr("%1: %n observation(s)", nullptr, n).arg(channelLabel(channel));
    }
    return lines.join(QLatin1Char('\n'));
}

void TimelineView::setFlares(QVector<TimelineFlare> flares, const QString &source)
{
    std::sort(flares.begin(), flares.end(),
              [](const TimelineFlare &a, const TimelineFlare &b) { return a.peakMs < b.peakMs; });
    m_longestFlareMs = 0;
    for (const TimelineFlare &f : flares)
        if (f.startMs && f.endMs)
            m_longestFlareMs = std::max(m_longestFlareMs, f.endMs - f.startMs);
    m_flares = std::move(flares);
    m_flareSource = source;
    m_flareRow = true;
    m_labelWidth = -1;
    updateGeometry();
    updateScrollBar();
    Q_EMIT flaresChanged();
}

void TimelineView::setFlareMinFlux(double flux)
{
    m_flareMinFlux = flux;
}

void TimelineView::clearFlares()
{
    if (!m_flareRow)
        return;
    m_flareRow = false;
    m_labelWidth = -1;
    m_flares.clear();
    m_flareSource.clear();
    m_longestFlareMs = 0;
    updateGeometry();
    updateScrollBar();
    Q_EMIT flaresChanged();
}

double TimelineView::flareBarFraction(double peakFlux)
{
    if (!(peakFlux > 0))
        return 0.15;
    return std::clamp((std::log10(peakFlux) + 7.0) / 3.0, 0.15, 1.0);
}

QVector<int> TimelineView::flaresNear(double x, double tolerancePx) const
{
    QVector<int> near;
    if (!m_flareRow || m_flares.isEmpty())
        return near;
    const double msPerPx = double(m_to - m_from) / std::max(1, plotRect().width());
    const qint64 t0 = timeAtX(x - tolerancePx) - qint64(msPerPx), t1 = timeAtX(x + tolerancePx) + qint64(msPerPx);
    for (auto it = std::lower_bound(m_flares.begin(), m_flares.end(), t0,
                                    [](const TimelineFlare &f, qint64 t) { return f.peakMs < t; });
         it != m_flares.end() && it->peakMs <= t1; ++it)
        if (std::abs(xAtTime(it->peakMs) - x) <= tolerancePx)
            near << int(it - m_flares.begin());
    // Strongest first; of equal flux, the nearest.
    std::stable_sort(near.begin(), near.end(), [&](int a, int b) {
        const TimelineFlare &fa = m_flares[a], &fb = m_flares[b];
        if (fa.peakFlux != fb.peakFlux)
            return fa.peakFlux > fb.peakFlux;
        return std::abs(xAtTime(fa.peakMs) - x) < std::abs(xAtTime(fb.peakMs) - x);
    });
    return near;
}

int TimelineView::flareAt(double x, double tolerancePx) const
{
    const QVector<int> near = flaresNear(x, tolerancePx);
    return near.isEmpty() ? -1 : near.front();
}

void TimelineView::paintFlareRow(QPainter &p)
{
    const QRect row = flareRowRect();
    p.save();
    p.fillRect(row, palette().base());
    p.setFont(labelFont(font(), row.height()));
    p.setPen(palette().color(QPalette::WindowText));
    p.drawText(QRect(2, row.top(), labelWidth() - 6, row.height()), Qt::AlignRight | Qt::AlignVCenter, tr("GOES flares"));
    p.setClipRect(row);
    // Faint guides at the heights of C1, M1 and X1.
    QColor guide = palette().color(QPalette::Mid);
    guide.setAlpha(70);
    p.setPen(QPen(guide, 1, Qt::DotLine));
    for (double flux : {kGoesC, kGoesM, kGoesX}) {
        const double y = row.bottom() + 1 - flareBarFraction(flux) * row.height();
        p.drawLine(QPointF(row.left(), y), QPointF(row.right(), y));
    }
    // The flares reaching into the view: spans where they are wide enough, then one bar per pixel column (the
    // strongest peaking there), weakest first so the strongest stay on top.
    const auto first = std::lower_bound(m_flares.begin(), m_flares.end(), m_from - m_longestFlareMs,
                                        [](const TimelineFlare &f, qint64 t) { return f.peakMs < t; });
    const int columns = row.width();
    std::vector<int> strongest(static_cast<size_t>(std::max(0, columns)), -1);
    for (auto it = first; it != m_flares.end() && it->peakMs < m_to + m_longestFlareMs; ++it) {
        const int i = int(it - m_flares.begin());
        const double h = flareBarFraction(it->peakFlux) * row.height();
        if (it->startMs && it->endMs && it->endMs > it->startMs) {
            const double x0 = xAtTime(it->startMs), x1 = xAtTime(it->endMs);
            if (x1 - x0 >= kFlareSpanPixels && x1 >= row.left() && x0 <= row.right() + 1) {
                QColor span = flareClassColourOnPlot(flareClassIndex(it->peakFlux));
                span.setAlpha(60);
                p.fillRect(QRectF(x0, row.bottom() + 1 - h, x1 - x0, h), span);
            }
        }
        const int column = int(std::floor(xAtTime(it->peakMs))) - row.left();
        if (column < 0 || column >= columns)
            continue;
        int &c = strongest[static_cast<size_t>(column)];
        if (c < 0 || it->peakFlux > m_flares[c].peakFlux)
            c = i;
    }
    std::vector<int> order;
    for (int c = 0; c < columns; ++c)
        if (strongest[static_cast<size_t>(c)] >= 0)
            order.push_back(c);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return m_flares[strongest[static_cast<size_t>(a)]].peakFlux < m_flares[strongest[static_cast<size_t>(b)]].peakFlux;
    });
    for (int c : order) {
        const TimelineFlare &f = m_flares[strongest[static_cast<size_t>(c)]];
        const double h = flareBarFraction(f.peakFlux) * row.height();
        // Two pixels wide, centred on the peak's column, so a lone C flare is seen at any zoom.
        p.fillRect(QRectF(row.left() + c - 0.5, row.bottom() + 1 - h, 2.0, h), flareClassColourOnPlot(flareClassIndex(f.peakFlux)));
    }
    p.restore();
}

QString TimelineView::flareTooltipAt(double x) const
{
    constexpr int kMaxLines = 8;
    QStringList lines{m_flareSource.isEmpty() ? tr("GOES flares") : tr("GOES flares (%1)").arg(m_flareSource)};
    if (m_flares.isEmpty())
        return lines.front() + QLatin1Char('\n') + tr("none in the list");
    // The flares peaking under the cursor, strongest first: the first is the one a click goes to.
    const QVector<int> near = flaresNear(x, kFlarePickPx);
    if (near.isEmpty())
        return lines.front() + QLatin1Char('\n') + tr("no flare here");
    for (int i = 0; i < std::min<int>(kMaxLines, int(near.size())); ++i) {
        const TimelineFlare &f = m_flares[near[i]];
        QString line = tr("%1 peak %2").arg(f.goesClass, utcFromMs(f.peakMs).toString(QStringLiteral("yyyy-MM-dd HH:mm")));
        if (f.startMs && f.endMs)
            line += tr(" (%1–%2)").arg(utcFromMs(f.startMs).toString(QStringLiteral("HH:mm")),
                                      utcFromMs(f.endMs).toString(QStringLiteral("HH:mm")));
        if (f.noaa > 0)
            line += tr(", NOAA %1").arg(f.noaa);
        lines << line;
    }
    if (near.size() > kMaxLines)
        lines << tr("and %n more (zoom in)", nullptr, int(near.size()) - kMaxLines);
    lines << tr("Click: go to the %1 flare's peak").arg(m_flares[near.front()].goesClass);
    return lines.join(QLatin1Char('\n'));
}

}  // namespace solarchip
