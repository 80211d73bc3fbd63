#include "widgets/FlareTimeline.h"

#include "widgets/FlareClassColours.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace solarchip {

namespace {

// Graph order: 0 P(>=C), 1 P(>=M), 2..4 the C, M, X flare markers, 5 the non-learned reference.
constexpr int kGraphC = 0, kGraphM = 1, kGraphFlares = 2, kGraphFlux = 5;
// The marker rows above the probability scale [0, 1].
constexpr double kFlareRow[3] = {1.06, 1.13, 1.20};

}  // namespace

FlareTimeline::FlareTimeline(QWidget *parent)
    : TimePlot(QStringLiteral("flareTimelineMessage"), QStringLiteral("flarePlot"), 140, parent)
{
    m_plot->yAxis->setLabel(tr("P (next window)"));
    m_plot->yAxis->setRange(0, 1.26);
    // Probabilities 0..1, then the rows of flare markers labelled by class (not probabilities above 1).
    auto yTicks = QSharedPointer<QCPAxisTickerText>::create();
    for (int k = 0; k <= 5; ++k)
        yTicks->addTick(0.2 * k, QString::number(0.2 * k, 'f', 1));
    const char *const rowNames[3] = {"C", "M", "X"};
    for (int k = 0; k < 3; ++k)
        yTicks->addTick(kFlareRow[k], QLatin1String(rowNames[k]));
    m_plot->yAxis->setTicker(yTicks);

    QCPGraph *c = m_plot->addGraph();
    c->setName(tr("P(≥C)"));
    c->setPen(QPen(QColor(44, 160, 44), 1.5));
    c->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 4));
    QCPGraph *m = m_plot->addGraph();
    m->setName(tr("P(≥M)"));
    m->setPen(QPen(QColor(214, 39, 40), 1.5));
    m->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 4));
    const QCPScatterStyle::ScatterShape shapes[3] = {QCPScatterStyle::ssTriangleInverted, QCPScatterStyle::ssTriangleInverted,
                                                     QCPScatterStyle::ssStar};
    const QString names[3] = {tr("C flares"), tr("M flares"), tr("X flares")};
    for (int k = 0; k < 3; ++k) {
        QCPGraph *g = m_plot->addGraph();
        g->setName(names[k]);
        g->setLineStyle(QCPGraph::lsNone);
        g->setScatterStyle(QCPScatterStyle(shapes[k], flareClassColourOnPlot(k + 1), flareClassColourOnPlot(k + 1), k == 2 ? 10 : 7));
    }
    QCPGraph *flux = m_plot->addGraph();
    flux->setName(tr("unsigned-flux reference"));
    flux->setPen(QPen(QColor(140, 86, 75), 1.2, Qt::DashLine));
    m_plot->legend->setVisible(true);
    m_plot->legend->setFont(font());
    m_plot->legend->setBrush(QColor(255, 255, 255, 200));
    // The legend in rows of three below the plot: it never hides points or markers.
    m_plot->legend->setWrap(3);
    m_plot->legend->setFillOrder(QCPLegend::foColumnsFirst, true);
    m_plot->axisRect()->insetLayout()->take(m_plot->legend);
    m_plot->plotLayout()->addElement(1, 0, m_plot->legend);
    m_plot->plotLayout()->setRowStretchFactor(1, 0.001);
    m_plot->legend->setBorderPen(Qt::NoPen);

    m_climatology = new QCPItemStraightLine(m_plot);
    m_climatology->setPen(QPen(QColor(90, 90, 90), 1, Qt::DashLine));
    m_climatology->setVisible(false);
    addCursor(QColor(30, 30, 200));
    fitTime();
    updateLegend();
}

void FlareTimeline::updateLegend()
{
    // Only what the plot shows: no probability lines before a head has scored a set, no "X flares" in a month
    // without one, the flux reference once it has points. Rebuilt in the graphs' order, in rows of three, when
    // that list changes (not on every point added while stepping).
    QVector<QCPGraph *> shown;
    for (int i = 0; i < m_plot->graphCount(); ++i) {
        QCPGraph *g = m_plot->graph(i);
        const auto data = g->data();
        if (std::any_of(data->constBegin(), data->constEnd(), [](const QCPGraphData &d) { return std::isfinite(d.value); }))
            shown << g;
    }
    QVector<QCPGraph *> listed;
    for (int i = 0; i < m_plot->legend->itemCount(); ++i)
        if (auto *item = qobject_cast<QCPPlottableLegendItem *>(m_plot->legend->item(i)))
            listed << qobject_cast<QCPGraph *>(item->plottable());
    if (listed == shown)
        return;
    m_plot->legend->clearItems();
    for (QCPGraph *g : shown)
        g->addToLegend();
    m_plot->legend->setFillOrder(QCPLegend::foColumnsFirst, true);
}

void FlareTimeline::setPoints(QVector<Point> points)
{
    sortByTime(points);
    m_points = std::move(points);
    pointsReplaced();
}

void FlareTimeline::addPoint(const Point &point)
{
    insertByTime(m_points, point);
    pointAdded();
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
    updateLegend();
    replotSoon();
}

void FlareTimeline::setClimatology(double rate)
{
    m_climatology->setVisible(std::isfinite(rate));
    if (std::isfinite(rate)) {
        m_climatology->point1->setCoords(0, rate);
        m_climatology->point2->setCoords(1, rate);
    }
    replotSoon();
}

void FlareTimeline::clear()
{
    setPoints({});
}

void FlareTimeline::updateGraphs()
{
    QVector<double> keys, pc, pm, pf;
    for (const Point &p : m_points) {
        keys << keyOf(p.timeMs);
        pc << p.pGeC;  // NaN points are gaps for QCustomPlot
        pm << p.pGeM;
        pf << p.pFlux;
    }
    m_plot->graph(kGraphC)->setData(keys, pc, true);
    m_plot->graph(kGraphM)->setData(keys, pm, true);
    m_plot->graph(kGraphFlux)->setData(keys, pf, true);
    updateLegend();
}

}  // namespace solarchip
