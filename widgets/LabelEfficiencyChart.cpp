#include "widgets/LabelEfficiencyChart.h"

#include <QLabel>
#include <QMap>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace solarchip {

namespace {

// Where skipped points are drawn: below every TSS a head can score on this plot.
constexpr double kSkippedY = -0.2;
constexpr double kYMin = -0.3, kYMax = 1.05;

}  // namespace

LabelEfficiencyChart::LabelEfficiencyChart(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_plot = new QCustomPlot(this);
    m_plot->setObjectName(QStringLiteral("labelEfficiencyPlot"));
    m_plot->setMinimumHeight(200);
    layout->addWidget(m_plot, 1);
    m_plot->plotLayout()->insertRow(0);
    m_plot->plotLayout()->addElement(0, 0, new QCPTextElement(m_plot, QString(), font()));
    m_plot->plotLayout()->setRowStretchFactor(0, 0.01);
    m_plot->plotLayout()->element(0, 0)->setVisible(false);

    m_plot->xAxis->setScaleType(QCPAxis::stLogarithmic);
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    for (double b : {1.0, 2.0, 5.0, 10.0, 25.0, 50.0, 100.0})
        ticker->addTick(b, QString::number(b) + QLatin1Char('%'));
    m_plot->xAxis->setTicker(ticker);
    m_plot->xAxis->setLabel(tr("training labels used"));
    m_plot->xAxis->setRange(0.7, 140);
    m_plot->yAxis->setLabel(tr("TSS (test block, 95% interval)"));
    m_plot->yAxis->setRange(kYMin, kYMax);
    m_plot->legend->setVisible(true);
    m_plot->legend->setFont(font());
    m_plot->legend->setBrush(QColor(255, 255, 255, 200));
    m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
    connect(m_plot, &QCustomPlot::plottableClick, this, [this](QCPAbstractPlottable *plottable, int index, QMouseEvent *) {
        const QString strategy = plottable->property("strategy").toString();
        auto *graph = qobject_cast<QCPGraph *>(plottable);
        if (strategy.isEmpty() || !graph || index < 0 || index >= graph->dataCount())
            return;
        const QVariantList budgets = plottable->property("budgets").toList();
        if (index < budgets.size())
            Q_EMIT pointClicked(strategy, budgets.at(index).toDouble());
    });
    m_plot->setInteractions(QCP::iSelectPlottables);
    redraw();
}

QString LabelEfficiencyChart::strategyLabel(const QString &s)
{
    if (s == QLatin1String("frozen"))
        return tr("frozen probe (pretrained)");
    if (s == QLatin1String("finetune"))
        return tr("fine-tuned (pretrained)");
    if (s == QLatin1String("scratch"))
        return tr("from scratch (baseline)");
    if (s == QLatin1String("untrained"))
        return tr("frozen probe, untrained encoder");
    if (s == QLatin1String("unsigned_flux"))
        return tr("unsigned flux (non-learned)");
    return s;
}

QColor LabelEfficiencyChart::strategyColour(const QString &s)
{
    if (s == QLatin1String("frozen"))
        return QColor(31, 119, 180);
    if (s == QLatin1String("finetune"))
        return QColor(44, 160, 44);
    if (s == QLatin1String("scratch"))
        return QColor(214, 39, 40);
    if (s == QLatin1String("unsigned_flux"))
        return QColor(140, 86, 75);
    return QColor(127, 127, 127);
}

void LabelEfficiencyChart::setTitle(const QString &title)
{
    auto *text = static_cast<QCPTextElement *>(m_plot->plotLayout()->element(0, 0));
    text->setText(title);
    text->setVisible(!title.isEmpty());
    m_plot->replot();
}

void LabelEfficiencyChart::addPoint(const Point &point)
{
    if (!m_order.contains(point.strategy))
        m_order << point.strategy;
    auto same = std::find_if(m_points.begin(), m_points.end(), [&](const Point &p) {
        return p.strategy == point.strategy && p.budget == point.budget && p.seed == point.seed;
    });
    if (same != m_points.end())
        *same = point;
    else
        m_points << point;
    redraw();
}

void LabelEfficiencyChart::clear()
{
    m_points.clear();
    m_order.clear();
    redraw();
}

QVector<LabelEfficiencyChart::Drawn> LabelEfficiencyChart::drawn() const
{
    QVector<Drawn> out;
    for (const QString &s : m_order) {
        QMap<double, Drawn> byBudget;
        for (const Point &p : m_points) {
            if (p.strategy != s)
                continue;
            Drawn &d = byBudget[p.budget];
            if (d.strategy.isEmpty()) {
                d.strategy = s;
                d.budget = p.budget;
                d.skipped = true;
                d.lo = std::numeric_limits<double>::infinity();
                d.hi = -std::numeric_limits<double>::infinity();
            }
            if (p.skipped)
                continue;
            d.skipped = false;
            d.tss = (d.tss * d.seeds + p.tss) / (d.seeds + 1);
            d.lo = std::min(d.lo, p.lo);
            d.hi = std::max(d.hi, p.hi);
            ++d.seeds;
        }
        for (Drawn d : byBudget) {
            if (d.skipped)
                d.lo = d.hi = d.tss = 0;
            out << d;
        }
    }
    return out;
}

void LabelEfficiencyChart::redraw()
{
    m_plot->clearPlottables();
    const QVector<Drawn> all = drawn();
    const int n = int(m_order.size());
    for (int i = 0; i < n; ++i) {
        const QString &s = m_order[i];
        // Series side by side around each budget (a few percent apart on the log axis) so bars do not overlap.
        const double shift = std::pow(1.06, i - (n - 1) / 2.0);
        QVector<double> x, y, minus, plus, sx, sy;
        QVariantList budgets;
        for (const Drawn &d : all) {
            if (d.strategy != s)
                continue;
            if (d.skipped) {
                sx << d.budget * shift;
                sy << kSkippedY;
                continue;
            }
            x << d.budget * shift;
            y << d.tss;
            minus << std::max(0.0, d.tss - d.lo);
            plus << std::max(0.0, d.hi - d.tss);
            budgets << d.budget;
        }
        const QColor colour = strategyColour(s);
        QCPGraph *g = m_plot->addGraph();
        g->setName(strategyLabel(s));
        g->setPen(QPen(colour, 1.8));
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, colour, 7));
        g->setData(x, y, true);
        g->setProperty("strategy", s);
        g->setProperty("budgets", budgets);
        auto *bars = new QCPErrorBars(m_plot->xAxis, m_plot->yAxis);
        bars->removeFromLegend();
        bars->setDataPlottable(g);
        bars->setData(minus, plus);
        bars->setPen(QPen(colour, 1.2));
        bars->setSelectable(QCP::stNone);
        if (!sx.isEmpty()) {
            QCPGraph *skipped = m_plot->addGraph();
            skipped->setName(tr("%1: skipped").arg(strategyLabel(s)));
            skipped->setLineStyle(QCPGraph::lsNone);
            skipped->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCrossCircle, colour, 9));
            skipped->setData(sx, sy, true);
            skipped->setSelectable(QCP::stNone);
        }
    }
    m_plot->replot();
}

}  // namespace solarchip
