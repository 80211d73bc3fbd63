#include "widgets/ColorBar.h"

#include "widgets/MapView.h"

#include <QFontMetricsF>
#include <QPainter>

#include <algorithm>
#include <cmath>

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

double roundSignificant(double v, int digits)
{
    if (v == 0 || !std::isfinite(v))
        return v;
    const double p = std::pow(10.0, digits - 1 - std::floor(std::log10(std::abs(v))));
    return std::round(v * p) / p;
}

// Data value at a stretched position s, by bisection on the (monotonic) stretch table.
double inverseStretch(const StretchTable &t, double s)
{
    const std::vector<float> &v = t.values();
    const auto it = std::lower_bound(v.begin(), v.end(), float(s));
    const double bin = double(it - v.begin());
    return t.range().min + bin / t.scale();
}

// Tick values and their stretched positions in [0, 1].
std::vector<std::pair<double, double>> tickPositions(const RenderedMap &r)
{
    std::vector<std::pair<double, double>> out;
    const double lo = r.range.min, hi = r.range.max;
    const bool linear = r.settings.stretch == DisplayStretch::Linear;
    if (linear || !r.table) {
        for (double v : ColorBar::ticks(lo, hi, 6))
            out.emplace_back(v, (v - lo) / (hi - lo));
        return out;
    }
    // Non-linear stretches: evenly spaced colours, labelled with rounded data values.
    for (int k = 0; k <= 5; ++k) {
        double v = roundSignificant(inverseStretch(*r.table, k / 5.0), 2);
        v = std::clamp(v, lo, hi);
        out.emplace_back(v, r.table->map(v));
    }
    out.erase(std::unique(out.begin(), out.end(),
                          [](const auto &a, const auto &b) { return a.first == b.first; }),
              out.end());
    return out;
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
    const double raw = (max - min) / count;
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    double step = mag;
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (m * mag >= raw) {
            step = m * mag;
            break;
        }
    // Integer multiples of the step (no accumulated rounding): k * step for k in [ceil(min/step), floor(max/step)].
    const long long k0 = static_cast<long long>(std::ceil(min / step - 1e-9));
    const long long k1 = static_cast<long long>(std::floor(max / step + 1e-9));
    for (long long k = k0; k <= k1; ++k)
        out.push_back(double(k) * step);
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
    if (m_view && m_view->hasMap())
        paint(painter, QRectF(rect()).adjusted(4, 4, -4, -4), m_view->rendered(), m_view->map()->meta.unit,
              m_orientation, palette().windowText().color());
    else if (!m_view)
        paint(painter, QRectF(rect()).adjusted(4, 4, -4, -4), m_own, m_unit, m_orientation,
              palette().windowText().color());
}

}  // namespace solarchip
