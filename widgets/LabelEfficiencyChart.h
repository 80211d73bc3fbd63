#pragma once
// The label-efficiency curve in the app (the low-label wizard's plot, issue 13): TSS against the percentage of
// training labels (log axis), one series per strategy (frozen probe, fine-tune, from scratch...) with its 95%
// interval as error bars, filling in as points arrive (addPoint). Several seeds of one strategy and budget are
// drawn as their mean TSS with the envelope of their intervals (lowest low, highest high); with one seed the
// point and bars are the command's own. Budgets a strategy could not be trained at (too few positives...) are
// drawn as skipped: a hollow marker on the bottom of the plot, the reason in the list beside it. A click on a
// point selects it (pointClicked), so the owner can offer its head.
//
// The widget knows nothing of jobs or files: the owner gives it points.

#include <QColor>
#include <QString>
#include <QVector>
#include <QWidget>

class QCustomPlot;

namespace solarchip {

class LabelEfficiencyChart : public QWidget {
    Q_OBJECT
public:
    struct Point {
        QString strategy;
        double budget = 0;  ///< percent of the training labels
        int seed = -1;
        bool skipped = false;
        double tss = 0, lo = 0, hi = 0;
    };
    /// One drawn marker: a strategy's mean over the seeds at a budget.
    struct Drawn {
        QString strategy;
        double budget = 0;
        double tss = 0, lo = 0, hi = 0;
        int seeds = 0;       ///< seeds with a result
        bool skipped = false;  ///< no seed had a result (drawn hollow at the bottom)
    };

    explicit LabelEfficiencyChart(QWidget *parent = nullptr);

    /// Adds a point or replaces the one with the same strategy, budget and seed; redraws.
    void addPoint(const Point &point);
    void clear();
    const QVector<Point> &points() const { return m_points; }
    /// What is drawn, per strategy in the order strategies first appeared, by budget.
    QVector<Drawn> drawn() const;
    /// The strategies drawn (series order), e.g. {"frozen", "finetune", "scratch"}.
    QStringList strategies() const { return m_order; }
    /// A human name for a strategy ("frozen" -> "frozen probe"...).
    static QString strategyLabel(const QString &strategy);
    static QColor strategyColour(const QString &strategy);

    /// The line above the plot (empty hides it).
    void setTitle(const QString &title);

    QCustomPlot *plot() const { return m_plot; }

Q_SIGNALS:
    /// A marker was clicked: the strategy and budget under the cursor.
    void pointClicked(const QString &strategy, double budget);

private:
    void redraw();

    QCustomPlot *m_plot = nullptr;
    QVector<Point> m_points;
    QStringList m_order;
};

}  // namespace solarchip
