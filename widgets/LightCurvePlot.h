#pragma once
// A region's light curve against UTC time (the light-curve dock's plot): one or more series of values, each drawn
// as a line through its points, observations flagged by their QUALITY keyword drawn apart as open grey circles
// (not joined: a physicist drops them, but should see they exist), and the flares of the archive's list as dashed
// vertical lines at their peaks (C grey, M orange, X red; M and X labelled with their class), so a brightening
// reads against the GOES record. A vertical line follows the current time, a
// click asks to go to the observation nearest the time under the cursor, a drag pans and the wheel zooms the time
// axis (widgets/TimePlot). The value axis fits the values shown.
//
// The widget knows nothing of files: the owner gives it series.

#include "widgets/TimePlot.h"

#include <QColor>
#include <QString>
#include <QVector>

#include <array>

class QCPAbstractItem;

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

    struct Flare {
        qint64 timeMs = 0;   ///< peak (or start when the list has no peak)
        QString goesClass;   ///< "M2.5"
        int classIndex = 1;  ///< 1 C, 2 M, 3 X (core/archive/FlareLabels flareClassIndex)
    };

    explicit LightCurvePlot(QWidget *parent = nullptr);
    ~LightCurvePlot() override;

    /// Replaces the series and the value axis label, and fits both axes.
    void setSeries(QVector<Series> series, const QString &valueLabel);
    const QVector<Series> &series() const { return m_series; }
    QString valueLabel() const;
    /// Replaces the flare markers (C and stronger; weaker ones are ignored).
    void setFlares(const QVector<Flare> &flares);
    /// Markers drawn per class: [C, M, X].
    std::array<int, 3> flareCounts() const { return m_flareCounts; }
    void clear();

protected:
    int pointCount() const override { return static_cast<int>(m_times.size()); }
    qint64 pointTimeMs(int index) const override { return m_times[index]; }
    void updateGraphs() override;

private:
    void removeFlareItems();

    QVector<Series> m_series;
    QVector<QCPAbstractItem *> m_flareItems;
    std::array<int, 3> m_flareCounts{0, 0, 0};
    QVector<qint64> m_times;  // every series' times, ascending (the click's nearest observation)
};

}  // namespace solarchip
