#include "widgets/OverlayAxes.h"

#include "core/map/SdoMap.h"
#include "core/map/Wcs.h"

#include <QCoreApplication>
#include <QFontMetricsF>

#include <algorithm>
#include <cmath>

namespace solarchip {

namespace {

constexpr double kTickLength = 4;

// The smallest of 1, 2, 5 x 10^n at least `raw`.
double niceStep(double raw)
{
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * mag >= raw * (1 - 1e-12))
            return m * mag;
    return 10 * mag;
}

QString tickText(double value, double step, bool arcsec)
{
    const int decimals = step >= 1 ? 0 : int(std::ceil(-std::log10(step) - 1e-9));
    QString t = QString::number(value, 'f', decimals);
    if (t.startsWith(QLatin1Char('-')))
        t.replace(0, 1, QChar(0x2212));  // a typographic minus, as sunpy writes it
    if (t == QStringLiteral("\u22120"))
        t = QStringLiteral("0");
    return t + (arcsec ? QChar(0x2033) : QChar(0x00B0));  // ″ or °
}

struct Sample {
    QPointF at;
    double w[2];
};

}  // namespace

OverlayAxes::OverlayAxes() { m_color = QColor(235, 235, 235); }

QString OverlayAxes::name() const { return QCoreApplication::translate("solarchip::OverlayAxes", "WCS axes"); }

QMarginsF OverlayAxes::margins(const QSizeF &viewSize, const QFont &font) const
{
    const QFontMetricsF fm(font);
    const double left = std::min(kTickLength + 4 + fm.horizontalAdvance(QStringLiteral("\u22121000\u2033")) + 4,
                                 viewSize.width() * 0.2);
    const double bottom = std::min(kTickLength + 2 + fm.height() + 2, viewSize.height() * 0.2);
    return QMarginsF(left, 0, 0, bottom);
}

QRectF OverlayAxes::frameFor(int width, int height, const QTransform &pixelToWidget, const QRectF &mapRect)
{
    const QRectF grid(QPointF(-0.5, -0.5), QPointF(width - 0.5, height - 0.5));
    return pixelToWidget.mapRect(grid).intersected(mapRect);
}

QVector<OverlayAxes::Tick> OverlayAxes::ticks(const Wcs &wcs, const QTransform &pixelToWidget, const QRectF &frame,
                                              double spacing)
{
    QVector<Tick> out;
    if (!wcs.isValid() || frame.width() < 2 || frame.height() < 2)
        return out;
    const bool arcsec = wcs.kind() == Wcs::Kind::Helioprojective;
    const QTransform toPixel = pixelToWidget.inverted();
    for (Qt::Edge edge : {Qt::BottomEdge, Qt::LeftEdge}) {
        const bool bottom = edge == Qt::BottomEdge;
        const double length = bottom ? frame.width() : frame.height();
        const int n = std::max(2, int(std::ceil(length)) + 1);
        std::vector<Sample> samples;
        samples.reserve(size_t(n));
        double lo[2] = {1e300, 1e300}, hi[2] = {-1e300, -1e300};
        for (int i = 0; i < n; ++i) {
            const double f = double(i) / (n - 1);
            const QPointF at = bottom ? QPointF(frame.left() + f * frame.width(), frame.bottom())
                                      : QPointF(frame.left(), frame.bottom() - f * frame.height());
            const QPointF p = toPixel.map(at);
            Sample s{at, {0, 0}};
            if (!wcs.pixelToWorld(p.x(), p.y(), s.w[0], s.w[1]) || !std::isfinite(s.w[0]) || !std::isfinite(s.w[1]))
                s.w[0] = s.w[1] = std::nan("");
            for (int k = 0; k < 2 && std::isfinite(s.w[0]); ++k) {
                lo[k] = std::min(lo[k], s.w[k]);
                hi[k] = std::max(hi[k], s.w[k]);
            }
            samples.push_back(s);
        }
        // The world axis that changes most along this edge (Tx along the bottom of a north-up map).
        const int axis = hi[0] - lo[0] >= hi[1] - lo[1] ? 0 : 1;
        const double range = hi[axis] - lo[axis];
        if (!(range > 0) || !std::isfinite(range))
            continue;
        const double step = niceStep(range / std::max(1.0, length / spacing));
        for (size_t i = 0; i + 1 < samples.size(); ++i) {
            const double v0 = samples[i].w[axis], v1 = samples[i + 1].w[axis];
            if (!std::isfinite(v0) || !std::isfinite(v1) || v0 == v1)
                continue;
            // Round values in [min, max) of this segment (half open: a value on a sample is counted once).
            const double a = std::min(v0, v1), b = std::max(v0, v1);
            for (long long k = (long long)std::ceil(a / step); double(k) * step < b; ++k) {
                const double value = double(k) * step;
                const double t = (value - v0) / (v1 - v0);
                Tick tick;
                tick.edge = edge;
                tick.value = value;
                tick.at = samples[i].at + t * (samples[i + 1].at - samples[i].at);
                tick.text = tickText(value, step, arcsec);
                out.push_back(tick);
            }
        }
    }
    return out;
}

void OverlayAxes::paint(QPainter &painter, const OverlayContext &context)
{
    m_lastTicks.clear();
    m_lastFrame = QRectF();
    if (!context.map || !context.map->wcs.isValid())
        return;
    const QRectF frame = frameFor(context.map->image.width, context.map->image.height, context.pixelToWidget,
                                  context.mapRect);
    if (frame.isEmpty())
        return;
    const QFontMetricsF fm(painter.font());
    m_lastFrame = frame;
    m_lastTicks = ticks(context.map->wcs, context.pixelToWidget, frame,
                        std::max(40.0, fm.horizontalAdvance(QStringLiteral("\u22121000\u2033")) + 14));
    painter.setRenderHint(QPainter::Antialiasing, false);
    QColor frameColor = m_color;
    frameColor.setAlpha(150);
    painter.setPen(QPen(frameColor, 1));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(frame);
    painter.setPen(QPen(m_color, 1));
    double lastRight = -1e300, lastTop = 1e300;
    for (const Tick &t : m_lastTicks) {
        const double w = fm.horizontalAdvance(t.text);
        if (t.edge == Qt::BottomEdge) {
            painter.drawLine(t.at, t.at + QPointF(0, kTickLength));
            if (t.at.x() - w / 2 < lastRight + 6)
                continue;
            painter.drawText(QRectF(t.at.x() - w / 2, t.at.y() + kTickLength + 1, w, fm.height()), Qt::AlignCenter,
                             t.text);
            lastRight = t.at.x() + w / 2;
        } else {
            painter.drawLine(t.at, t.at - QPointF(kTickLength, 0));
            if (t.at.y() + fm.height() / 2 > lastTop - 2)
                continue;
            painter.drawText(QRectF(t.at.x() - kTickLength - 3 - w, t.at.y() - fm.height() / 2, w, fm.height()),
                             Qt::AlignRight | Qt::AlignVCenter, t.text);
            lastTop = t.at.y() - fm.height() / 2;
        }
    }
}

}  // namespace solarchip
