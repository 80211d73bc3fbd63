#pragma once
// The flare forecast over time (the flare panel's plot, issue 12): one point per co-temporal set, the head's
// calibrated P(>=C) and/or P(>=M) in the next window, drawn with QCustomPlot against UTC time; the climatological
// rate (the head's training base rate) as a dashed line; the flares of the archive's list marked at their peak
// times by class (C, M, X: three marker rows above the probabilities, so they never hide a point). A vertical line
// follows the current time (setCurrentTime; the plot pans to keep it in view); a click asks to go to the set
// nearest the time under the cursor (timeRequested); a drag pans and the wheel zooms the time axis (as
// widgets/TimePlot, which widgets/AlignmentTimeline shares).
//
// The widget knows nothing of models or flare lists: the owner gives it points and flares.

#include "widgets/TimePlot.h"

#include <QtNumeric>
#include <QVector>

#include <array>

class QCPItemStraightLine;

namespace solarchip {

class FlareTimeline : public TimePlot {
    Q_OBJECT
public:
    struct Point {
        qint64 timeMs = 0;
        double pGeC = qQNaN();  ///< NaN: the head gives no P(>=C)
        double pGeM = qQNaN();
        double pFlux = qQNaN();  ///< the head's non-learned reference (its unsigned-flux baseline); NaN: none
    };
    struct Flare {
        qint64 timeMs = 0;  ///< peak (or start when the list has no peak)
        int classIndex = 1; ///< 1 C, 2 M, 3 X (flareClassIndex)
    };

    explicit FlareTimeline(QWidget *parent = nullptr);

    /// Replaces the points (any order; kept sorted by time) and fits the time axis.
    void setPoints(QVector<Point> points);
    /// Adds a point or replaces the one of the same time; the axis keeps its range.
    void addPoint(const Point &point);
    const QVector<Point> &points() const { return m_points; }
    /// Replaces the flare markers (C, M and X flares; weaker ones are ignored).
    void setFlares(const QVector<Flare> &flares);
    /// Markers drawn per class: [C, M, X].
    std::array<int, 3> flareCounts() const { return m_flareCounts; }
    /// The dashed climatology line (NaN hides it).
    void setClimatology(double rate);
    void clear();

protected:
    int pointCount() const override { return static_cast<int>(m_points.size()); }
    qint64 pointTimeMs(int index) const override { return m_points[index].timeMs; }
    void updateGraphs() override;
    /// Lists in the legend the graphs that have points.
    void updateLegend();

private:
    QCPItemStraightLine *m_climatology = nullptr;
    QVector<Point> m_points;
    std::array<int, 3> m_flareCounts{0, 0, 0};
};

}  // namespace solarchip
