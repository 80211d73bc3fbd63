#pragma once
// A region's light curve against UTC time (the light-curve dock's plot): one or more series of values, each drawn
// as a line through its points, observations flagged by their QUALITY keyword drawn apart as open grey circles
// (not joined: a physicist drops them, but should see they exist). A vertical line follows the current time, a
// click asks to go to the observation nearest the time under the cursor, a drag pans and the wheel zooms the time
// axis (widgets/TimePlot). The value axis fits the values shown.
//
// The widget knows nothing of files: the owner gives it series.

#include "widgets/TimePlot.h"

#include <QColor>
#include <QString>
#include <QVector>

namespace solarchip {

class LightCurvePlot : public TimePlot {
    Q_OBJECT
public:
    struct Series {
        QString name;              ///< the legend's text ("AIA 171 mean")
        QColor colour;
        QVector<qint64> timesMs;   ///< ascending
        QVector<double> values;    ///< NaN: no value (a point that could not be measured)
        QVector<bool> flagged;     ///< QUALITY != 0 (empty: none)
    };

    explicit LightCurvePlot(QWidget *parent = nullptr);

    /// Replaces the series and the value axis label, and fits both axes.
    void setSeries(QVector<Series> series, const QString &valueLabel);
    const QVector<Series> &series() const { return m_series; }
    QString valueLabel() const;
    void clear();

protected:
    int pointCount() const override { return static_cast<int>(m_times.size()); }
    qint64 pointTimeMs(int index) const override { return m_times[index]; }
    void updateGraphs() override;

private:
    QVector<Series> m_series;
    QVector<qint64> m_times;  // every series' times, ascending (the click's nearest observation)
};

}  // namespace solarchip
