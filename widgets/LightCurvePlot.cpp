#include "widgets/LightCurvePlot.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace solarchip {

LightCurvePlot::LightCurvePlot(QWidget *parent)
    : TimePlot(QStringLiteral("lightCurveMessage"), QStringLiteral("lightCurvePlot"), 160, parent)
{
    m_plot->yAxis->ticker()->setTickCount(4);
    m_plot->legend->setVisible(true);
    m_plot->legend->setFont(font());
    // The legend beside the plot, right (the dock is wide and short): it never hides the points.
    m_plot->legend->setBorderPen(Qt::NoPen);
    m_plot->axisRect()->insetLayout()->take(m_plot->legend);
    m_plot->plotLayout()->addElement(0, 1, m_plot->legend);
    m_plot->plotLayout()->setColumnStretchFactor(1, 0.001);
    addCursor(QColor(200, 30, 30));
    fitTime();
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
