#pragma once
// Live training curves of the training panel (QCustomPlot): one run, or two to compare (the second dashed).
// Fed with the run's metrics.jsonl lines (setRun: the whole file; appendEvent: one line as the job prints it).
// What is plotted against the optimizer step is picked in a combo:
//   Losses         train loss and its terms (rec, cls, pat, int); validation loss and terms (val_*)
//   Temperatures   the contrastive temperatures temp_cls, temp_pat, temp_int
//   Learning rate  lr (and the gradient norm on the right axis)
//   Validation     the alignment suite's metrics in "val" events (every number that is not a loss)
//   Throughput     samples per second

#include <QJsonObject>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QVector>
#include <QWidget>

class QComboBox;
class QCustomPlot;

namespace solarchip {

class TrainingCurves : public QWidget {
    Q_OBJECT
public:
    enum class Group { Losses, Temperatures, LearningRate, Validation, Throughput };

    explicit TrainingCurves(QWidget *parent = nullptr);

    /// Replaces run `slot` (0: the run shown, 1: the one compared with; empty label clears it) with the events in
    /// `metricsJsonl` (one JSON object per line; other lines are ignored).
    void setRun(int slot, const QString &label, const QByteArray &metricsJsonl);
    /// Adds one event to run `slot` (a "train" or "val" line; others are ignored).
    void appendEvent(int slot, const QJsonObject &event);
    void clear();

    void setGroup(Group group);
    Group group() const { return m_group; }
    /// Curves drawn now, and points in them (for --state-json and tests).
    int curveCount() const;
    int pointCount() const;
    /// Names of the series run `slot` has for the current group ("loss", "val_loss", "temp_cls"...).
    QStringList seriesNames(int slot) const;
    /// The last value of `series` in run `slot` (NaN: none).
    double lastValue(int slot, const QString &series) const;

private:
    struct Run {
        QString label;
        QMap<QString, QVector<double>> keys, values;  // series -> steps, values
    };
    void add(Run &run, const QString &series, double step, double value);
    void replotSoon();
    void replot();
    QStringList seriesFor(const Run &run) const;

    QComboBox *m_groupCombo = nullptr;
    QCustomPlot *m_plot = nullptr;
    Group m_group = Group::Losses;
    Run m_runs[2];
    bool m_replotPending = false;
};

}  // namespace solarchip
