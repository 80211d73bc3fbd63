#include "widgets/ColorBar.h"

#include "widgets/MapView.h"

#include <QFontMetricsF>
#include <QPainter>

#include <algorithm>
#include <cmath>
#include <limits>

namespace solarchip {

namespace {

QString tickText(double v)
{
    if (v == 0)
        return QStringLiteral("0");
    const double a = std::abs(v);
    QString t = a >= 1e5 || a < 1e-2 ? QString::number(v, 'g', 3) : QString::number(v, 'g', 5);
    // A typographic minus, as matplotlib writes it (a hyphen next to the tick mark reads as "--").
    if (t.startsWith(QLatin1Char('-')))
        t.replace(0, 1, QChar(0x2212));
    return t;
}

}  // namespace

ColorBar::ColorBar(Qt::Orientation orientation, QWidget *parent) : QWidget(parent), m_orientation(orientation)
{
    setSizePolicy(orientation == Qt::Vertical ? QSizePolicy(QSizePolicy::Fixed, QSizePolicy::Expanding)
                                              : QSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed));
}

void ColorBar::setView(MapView *view)
{
    if (m_view)
        disconnect(m_view, nullptr, this, nullptr);
    m_view = view;
    if (view) {
        connect(view, &MapView::renderFinished, this, qOverload<>(&QWidget::update));
        connect(view, &MapView::mapChanged, this, qOverload<>(&QWidget::update));
    }
    update();
}

void ColorBar::setRendering(const RenderedMap &rendered, const QString &unit)
{
    setView(nullptr);
    m_own = rendered;
    m_unit = unit;
    update();
}

QSize ColorBar::sizeHint() const { return m_orientation == Qt::Vertical ? QSize(80, 300) : QSize(300, 48); }
QSize ColorBar::minimumSizeHint() const { return m_orientation == Qt::Vertical ? QSize(60, 80) : QSize(80, 40); }

std::vector<double> ColorBar::ticks(double min, double max, int count)
{
    std::vector<double> out;
    if (!(max > min) || !std::isfinite(min) || !std::isfinite(max) || count < 1)
        return out;
    // Steps of 1, 2 or 5 x 10^n only (round labels: 0, 500, 1000; 0, 0.02, 0.04), the one whose tick count is
    // nearest to count + 1 (the larger step on a tie, fewer labels).
    auto firstLast = [min, max](double step, long long &k0, long long &k1) {
        k0 = static_cast<long long>(std::ceil(min / step - 1e-9));
        k1 = static_cast<long long>(std::floor(max / step + 1e-9));
    };
    const double raw = (max - min) / count;
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    double best = 0;
    long long bestMiss = std::numeric_limits<long long>::max();
    for (double scale : {0.1, 1.0, 10.0})
        for (double m : {1.0, 2.0, 5.0}) {
            const double step = m * mag * scale;
            long long k0 = 0, k1 = 0;
            firstLast(step, k0, k1);
            const long long miss = std::abs((k1 - k0 + 1) - (count + 1));
            if (miss <= bestMiss) {
                bestMiss = miss;
                best = step;
            }
        }
    // Integer multiples of the step (no accumulated rounding): k * step for k in [ceil(min/step), floor(max/step)].
    long long k0 = 0, k1 = 0;
    firstLast(best, k0, k1);
    for (long long k = k0; k <= k1; ++k)
        out.push_back(double(k) * best);
    return out;
}

std::vector<std::pair<double, double>> ColorBar::tickPositions(const RenderedMap &r)
{
    std::vector<std::pair<double, double>> out;
    const double lo = r.range.min, hi = r.range.max;
    if (!(hi > lo))
        return out;
    const bool linear = r.settings.stretch == DisplayStretch::Linear;
    if (linear || !r.table) {
        for (double v : ticks(lo, hi, 6))
            out.emplace_back(v, (v - lo) / (hi - lo));
        return out;
    }
    // Non-linear stretches: round values (0 and 1, 2, 5 x 10^n of either sign inside the limits), for each of
    // six evenly spaced colours the one nearest to it along the bar; labels closer than a tenth of the bar
    // to the previous one are left out.
    std::vector<std::pair<double, double>> candidates;
    auto add = [&](double v) {
        if (v >= lo && v <= hi)
            candidates.emplace_back(v, r.table->map(v));
    };
    add(0.0);
    const double top = std::floor(std::log10(std::max(std::abs(lo), std::abs(hi))));
    for (double e = top - 8; e <= top; e += 1)
        for (double m : {1.0, 2.0, 5.0}) {
            add(m * std::pow(10.0, e));
            add(-m * std::pow(10.0, e));
        }
    if (candidates.empty())
        return out;
    for (int k = 0; k <= 5; ++k) {
        const double target = k / 5.0;
        const auto nearest = std::min_element(candidates.begin(), candidates.end(), [target](const auto &a, const auto &b) {
            return std::abs(a.second - target) < std::abs(b.second - target);
        });
        if (std::abs(nearest->second - target) > 0.1)
            continue;  // no round value near this colour
        if (!out.empty() && (nearest->first == out.back().first || nearest->second - out.back().second < 0.1))
            continue;
        out.push_back(*nearest);
    }
    return out;
}

void ColorBar::paint(QPainter &painter, const QRectF &rect, const RenderedMap &rendered, const QString &unit,
                     Qt::Orientation orientation, const QColor &textColor)
{
    if (rendered.isNull() || rect.isEmpty())
        return;
    painter.save();
    const QFontMetricsF fm(painter.font());
    const double th = fm.height();
    const QVector<QRgb> &table = rendered.colormap.colorTable();
    painter.setPen(textColor);
    painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
    const auto ticksAt = tickPositions(rendered);
    if (orientation == Qt::Vertical) {
        const QRectF bar(rect.left(), rect.top() + th + 4, std::min(14.0, rect.width() / 3), rect.height() - th * 1.5 - 4);
        if (bar.height() <= 4) {
            painter.restore();
            return;
        }
        QImage strip(1, 256, QImage::Format_ARGB32_Premultiplied);
        for (int i = 0; i < 256; ++i)
            strip.setPixel(0, 255 - i, table[i]);
        painter.drawImage(bar, strip);
        painter.drawText(QRectF(rect.left(), rect.top(), rect.width(), th), Qt::AlignLeft | Qt::AlignVCenter, unit);
        double lastY = 1e300;
        for (const auto &[v, s] : ticksAt) {
            const double y = bar.bottom() - s * bar.height();
            painter.drawLine(QPointF(bar.right(), y), QPointF(bar.right() + 3, y));
            if (std::abs(lastY - y) < th * 0.9)
                continue;
            painter.drawText(QRectF(bar.right() + 7, y - th / 2, rect.right() - bar.right() - 7, th),
                             Qt::AlignLeft | Qt::AlignVCenter, tickText(v));
            lastY = y;
        }
    } else {
        const QRectF bar(rect.left() + 4, rect.top(), rect.width() - 8, std::min(14.0, rect.height() / 3));
        QImage strip(256, 1, QImage::Format_ARGB32_Premultiplied);
        for (int i = 0; i < 256; ++i)
            strip.setPixel(i, 0, table[i]);
        painter.drawImage(bar, strip);
        double lastRight = -1e300;
        for (const auto &[v, s] : ticksAt) {
            const double x = bar.left() + s * bar.width();
            painter.drawLine(QPointF(x, bar.bottom()), QPointF(x, bar.bottom() + 4));
            const QString t = tickText(v);
            const double w = fm.horizontalAdvance(t);
            if (x - w / 2 < lastRight + 4)
                continue;
            painter.drawText(QRectF(x - w / 2, bar.bottom() + 5, w, th), Qt::AlignCenter, t);
            lastRight = x + w / 2;
        }
        painter.drawText(QRectF(rect.left(), bar.bottom() + 5 + th, rect.width(), th), Qt::AlignHCenter, unit);
    }
    painter.restore();
}

void ColorBar::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().window());
    if (m_view && m_view->hasMap()) {
        // The image on screen: while blinking, the comparison map's colours and unit.
        const bool comparison = m_view->shownMap() != m_view->map();
        paint(painter, QRectF(rect()).adjusted(4, 4, -4, -4),
              comparison ? m_view->comparisonRendered() : m_view->rendered(), m_view->shownValueLabel(),
              m_orientation, palette().windowText().color());
    }
    else if (!m_view)
        paint(painter, QRectF(rect()).adjusted(4, 4, -4, -4), m_own, m_unit, m_orientation,
              palette().windowText().color());
}

}  // namespace solarchip
