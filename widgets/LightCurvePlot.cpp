#include "widgets/LightCurvePlot.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace solarchip {

LightCurvePlot::LightCurvePlot(QWidget *parent)
    : TimePlot(QStringLiteral("lightCurveMessage"), QStringLiteral("lightCurvePlot"), 160, parent)
{
    m_plot->yAxis->ticker()->setTickCount(4);
    placeLegendAtRight();
    addCursor(QColor(200, 30, 30));
    fitTime();
}

LightCurvePlot::~LightCurvePlot() = default;

void LightCurvePlot::removeFlareItems()
{
    for (QCPAbstractItem *item : m_flareItems)
        m_plot->removeItem(item);
    m_flareItems.clear();
    m_flareCounts = {0, 0, 0};
}

void LightCurvePlot::setFlares(const QVector<Flare> &flares)
{
    removeFlareItems();
    static const QColor colours[3] = {QColor(150, 150, 150, 150), QColor(230, 120, 0, 220), QColor(200, 0, 0, 230)};
    // Labels of flares close in time go one line lower each (three lines, then over again), so they stay legible.
    constexpr double kLineRatio = 0.11;
    double lastLabelPx = -1e9;
    int labelRow = 0;
    for (const Flare &f : flares) {
        if (f.classIndex < 1 || f.classIndex > 3)
            continue;
        const QColor colour = colours[f.classIndex - 1];
        auto *line = new QCPItemLine(m_plot);
        line->setLayer(QStringLiteral("grid"));  // under the curves
        QPen pen(colour, f.classIndex == 1 ? 1.0 : 1.5);
        pen.setDashPattern({4, 3});
        line->setPen(pen);
        for (QCPItemPosition *p : {line->start, line->end}) {
            p->setTypeX(QCPItemPosition::ptPlotCoords);
            p->setTypeY(QCPItemPosition::ptAxisRectRatio);
        }
        line->start->setCoords(keyOf(f.timeMs), 1.0);
        line->end->setCoords(keyOf(f.timeMs), 0.0);
        m_flareItems << line;
        if (f.classIndex >= 2) {
            auto *label = new QCPItemText(m_plot);
            label->setLayer(QStringLiteral("grid"));
            label->position->setTypeX(QCPItemPosition::ptPlotCoords);
            label->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
            const double px = m_plot->xAxis->coordToPixel(keyOf(f.timeMs));
            labelRow = px - lastLabelPx < 48 ? (labelRow + 1) % 3 : 0;
            lastLabelPx = px;
            label->position->setCoords(keyOf(f.timeMs), labelRow * kLineRatio);
            label->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
            label->setText(f.goesClass);
            label->setColor(colour.darker(110));
            QFont small = font();
            small.setPointSizeF(small.pointSizeF() * 0.85);
            label->setFont(small);
            m_flareItems << label;
        }
        ++m_flareCounts[static_cast<std::size_t>(f.classIndex - 1)];
    }
    replotSoon();
}

void LightCurvePlot::setSeries(QVector<Series> series, const QString &valueLabel)
{
    m_series = std::move(series);
    m_times.clear();
    for (const Series &s : m_series)
        m_times += s.timesMs;
    std::sort(m_times.begin(), m_times.end());
    m_times.erase(std::unique(m_times.begin(), m_times.end()), m_times.end());
    m_plot->yAxis->setLabel(valueLabel);
    pointsReplaced();
}

QString LightCurvePlot::valueLabel() const
{
    return m_plot->yAxis->label();
}

void LightCurvePlot::clear()
{
    removeFlareItems();
    setSeries({}, QString());
}

void LightCurvePlot::updateGraphs()
{
    m_plot->clearGraphs();
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    bool anyFlagged = false;
    for (const Series &s : m_series) {
        QVector<double> keys, values, flaggedKeys, flaggedValues;
        for (int i = 0; i < s.timesMs.size(); ++i) {
            const double v = s.values.value(i, std::numeric_limits<double>::quiet_NaN());
            if (!std::isfinite(v))
                continue;
            lo = std::min(lo, v);
            hi = std::max(hi, v);
            if (s.flagged.value(i, false)) {
                flaggedKeys << keyOf(s.timesMs[i]);
                flaggedValues << v;
            } else {
                keys << keyOf(s.timesMs[i]);
                values << v;
            }
        }
        QCPGraph *g = m_plot->addGraph();
        g->setName(s.name);
        g->setPen(QPen(s.colour, 1.5));
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 4));
        g->setData(keys, values, true);
        if (!flaggedKeys.isEmpty()) {
            anyFlagged = true;
            QCPGraph *f = m_plot->addGraph();
            f->setLineStyle(QCPGraph::lsNone);
            f->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(QColor(130, 130, 130), 1.2), Qt::NoBrush, 7));
            f->setData(flaggedKeys, flaggedValues, true);
            f->removeFromLegend();
        }
    }
    if (anyFlagged && m_plot->graphCount() > 0) {
        // One legend entry for every flagged point.
        QCPGraph *legendOnly = m_plot->addGraph();
        legendOnly->setName(tr("QUALITY ≠ 0"));
        legendOnly->setLineStyle(QCPGraph::lsNone);
        legendOnly->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(QColor(130, 130, 130), 1.2), Qt::NoBrush, 7));
    }
    if (std::isfinite(lo)) {
        const double pad = hi > lo ? 0.06 * (hi - lo) : std::max(1e-9, 0.05 * std::fabs(hi));
        m_plot->yAxis->setRange(lo - pad, hi + pad);
    } else {
        m_plot->yAxis->setRange(0, 1);
    }
}

}  // namespace solarchip
