#include "widgets/AlignmentTimeline.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace solarchip {

AlignmentTimeline::AlignmentTimeline(QWidget *parent)
    : TimePlot(QStringLiteral("alignmentTimelineMessage"), QStringLiteral("alignmentPlot"), 140, parent)
{
    m_plot->yAxis->setLabel(tr("AIA ↔ HMI"));
    m_plot->yAxis->setRange(0, 1.05);
    m_plot->yAxis->ticker()->setTickCount(3);  // 0, 0.5, 1: legible in a short dock

    QCPGraph *cosine = m_plot->addGraph();
    cosine->setName(tr("mean same-place cosine"));
    cosine->setPen(QPen(QColor(31, 119, 180), 1.5));
    cosine->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 4));
    QCPGraph *rank1 = m_plot->addGraph();
    rank1->setName(tr("fraction of cells whose HMI match ranks 1"));
    rank1->setPen(QPen(QColor(255, 127, 14), 1.5));
    rank1->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 4));
    placeLegendAtRight();

    addCursor(QColor(200, 30, 30));
    fitTime();
}

void AlignmentTimeline::setPoints(QVector<Point> points)
{
    sortByTime(points);
    m_points = std::move(points);
    pointsReplaced();
}

void AlignmentTimeline::addPoint(const Point &point)
{
    insertByTime(m_points, point);
    pointAdded();
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

}  // namespace solarchip
