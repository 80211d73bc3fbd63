#include "widgets/TrainingCurves.h"

#include <QComboBox>
#include <QJsonDocument>
#include <QTimer>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include <cmath>

namespace solarchip {

namespace {

bool isLossKey(const QString &k)
{
    static const QStringList losses{QStringLiteral("loss"), QStringLiteral("rec"), QStringLiteral("cls"),
                                    QStringLiteral("pat"), QStringLiteral("int")};
    return losses.contains(k) || (k.startsWith(QLatin1String("val_")) && losses.contains(k.mid(4)));
}

const QColor kPalette[] = {QColor(0x1f, 0x77, 0xb4), QColor(0xd6, 0x27, 0x28), QColor(0x2c, 0xa0, 0x2c),
                           QColor(0xff, 0x7f, 0x0e), QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b),
                           QColor(0xe3, 0x77, 0xc2), QColor(0x7f, 0x7f, 0x7f), QColor(0xbc, 0xbd, 0x22),
                           QColor(0x17, 0xbe, 0xcf)};

}  // namespace

TrainingCurves::TrainingCurves(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_groupCombo = new QComboBox(this);
    m_groupCombo->setObjectName(QStringLiteral("curveGroup"));
    m_groupCombo->addItems({tr("Losses"), tr("Temperatures"), tr("Learning rate"), tr("Validation metrics"),
                            tr("Throughput")});
    layout->addWidget(m_groupCombo);
    m_plot = new QCustomPlot(this);
    m_plot->setObjectName(QStringLiteral("trainingPlot"));
    m_plot->setMinimumHeight(160);
    m_plot->xAxis->setLabel(tr("step"));
    m_plot->legend->setVisible(false);  // shown once there are curves (replot)
    m_plot->legend->setFont(font());
    m_plot->legend->setBrush(QColor(255, 255, 255, 200));
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    layout->addWidget(m_plot, 1);
    connect(m_groupCombo, &QComboBox::currentIndexChanged, this, [this](int i) { setGroup(static_cast<Group>(i)); });
}

void TrainingCurves::add(Run &run, const QString &series, double step, double value)
{
    if (!std::isfinite(value))
        return;
    run.keys[series].append(step);
    run.values[series].append(value);
}

void TrainingCurves::appendEvent(int slot, const QJsonObject &e)
{
    if (slot < 0 || slot > 1)
        return;
    Run &run = m_runs[slot];
    const QString event = e.value(QStringLiteral("event")).toString();
    const double step = e.value(QStringLiteral("step")).toDouble();
    if (event == QLatin1String("train")) {
        for (const char *k : {"loss", "rec", "cls", "pat", "int", "temp_cls", "temp_pat", "temp_int", "lr",
                              "grad_norm", "samples_per_s"})
            if (e.contains(QLatin1String(k)))
                add(run, QLatin1String(k), step, e.value(QLatin1String(k)).toDouble());
    } else if (event == QLatin1String("val")) {
        for (auto it = e.begin(); it != e.end(); ++it) {
            if (!it.value().isDouble() || it.key() == QLatin1String("step") || it.key() == QLatin1String("epoch")
                || it.key() == QLatin1String("n_val"))
                continue;
            add(run, isLossKey(it.key()) ? it.key() : QStringLiteral("metric:") + it.key(), step, it.value().toDouble());
        }
    } else {
        return;
    }
    replotSoon();
}

void TrainingCurves::setRun(int slot, const QString &label, const QByteArray &metricsJsonl)
{
    if (slot < 0 || slot > 1)
        return;
    m_runs[slot] = Run{};
    m_runs[slot].label = label;
    for (const QByteArray &line : metricsJsonl.split('\n')) {
        if (!line.startsWith('{'))
            continue;
        const QJsonDocument doc = QJsonDocument::fromJson(line);
        if (doc.isObject())
            appendEvent(slot, doc.object());
    }
    replotSoon();
}

void TrainingCurves::clear()
{
    m_runs[0] = Run{};
    m_runs[1] = Run{};
    replotSoon();
}

void TrainingCurves::setGroup(Group group)
{
    m_group = group;
    if (m_groupCombo->currentIndex() != static_cast<int>(group))
        m_groupCombo->setCurrentIndex(static_cast<int>(group));
    replotSoon();
}

QStringList TrainingCurves::seriesFor(const Run &run) const
{
    QStringList out;
    for (auto it = run.keys.begin(); it != run.keys.end(); ++it) {
        const QString &k = it.key();
        bool take = false;
        switch (m_group) {
        case Group::Losses: take = isLossKey(k); break;
        case Group::Temperatures: take = k.startsWith(QLatin1String("temp_")); break;
        case Group::LearningRate: take = k == QLatin1String("lr") || k == QLatin1String("grad_norm"); break;
        case Group::Validation: take = k.startsWith(QLatin1String("metric:")); break;
        case Group::Throughput: take = k == QLatin1String("samples_per_s"); break;
        }
        if (take)
            out << k;
    }
    return out;
}

QStringList TrainingCurves::seriesNames(int slot) const
{
    return slot >= 0 && slot <= 1 ? seriesFor(m_runs[slot]) : QStringList();
}

double TrainingCurves::lastValue(int slot, const QString &series) const
{
    if (slot < 0 || slot > 1 || !m_runs[slot].values.contains(series) || m_runs[slot].values[series].isEmpty())
        return std::nan("");
    return m_runs[slot].values[series].last();
}

void TrainingCurves::replotSoon()
{
    // Many events arrive in a burst (a metrics file read whole, a fast job): one replot per event loop turn.
    if (m_replotPending)
        return;
    m_replotPending = true;
    QTimer::singleShot(0, this, [this] {
        m_replotPending = false;
        replot();
    });
}

void TrainingCurves::replot()
{
    m_plot->clearGraphs();
    m_plot->yAxis2->setVisible(m_group == Group::LearningRate);
    m_plot->yAxis->setScaleType(m_group == Group::Losses ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    if (m_group == Group::Losses)
        m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    else
        m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
    QStringList all;
    for (const Run &run : m_runs)
        for (const QString &s : seriesFor(run))
            if (!all.contains(s))
                all << s;
    for (int slot = 0; slot < 2; ++slot) {
        const Run &run = m_runs[slot];
        for (const QString &s : seriesFor(run)) {
            const bool right = s == QLatin1String("grad_norm");
            QCPGraph *g = m_plot->addGraph(m_plot->xAxis, right ? m_plot->yAxis2 : m_plot->yAxis);
            QPen pen(kPalette[all.indexOf(s) % 10]);
            pen.setWidthF(s.startsWith(QLatin1String("val_")) || s.startsWith(QLatin1String("metric:")) ? 2.0 : 1.2);
            if (slot == 1)
                pen.setStyle(Qt::DashLine);
            g->setPen(pen);
            if (s.startsWith(QLatin1String("val_")) || s.startsWith(QLatin1String("metric:"))) {
                g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));
            }
            QString name = s.startsWith(QLatin1String("metric:")) ? s.mid(7) : s;
            if (!m_runs[1].label.isEmpty())
                name += QStringLiteral(" (%1)").arg(run.label);
            g->setName(name);
            g->setData(run.keys[s], run.values[s], true);
        }
    }
    m_plot->legend->setVisible(m_plot->graphCount() > 0);  // an empty legend is a stray box over the plot
    m_plot->rescaleAxes();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

int TrainingCurves::curveCount() const
{
    return m_plot->graphCount();
}

int TrainingCurves::pointCount() const
{
    int n = 0;
    for (int i = 0; i < m_plot->graphCount(); ++i)
        n += m_plot->graph(i)->dataCount();
    return n;
}

}  // namespace solarchip
