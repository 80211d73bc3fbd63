#pragma once
// The cross-modal alignment of an encoder over time (the alignment view's plot, issue 11): one point per
// co-temporal set of the archive, its mean same-place cosine of AIA and HMI cells and the fraction of its on-disk
// cells whose true HMI match ranks first (CrossModalAlignment's per-set summary), drawn with QCustomPlot against
// UTC time. A vertical line follows the current time (setCurrentTime; the plot pans to keep it in view); a click
// asks to go to the set nearest the time under the cursor (timeRequested), a drag pans and the wheel zooms the
// time axis (widgets/TimePlot). A line of text above the plot says where the points come from (a store, or the
// sets encoded while browsing and how to make a store).
//
// The widget knows nothing of models: the owner gives it points.

#include "widgets/TimePlot.h"

#include <QVector>

namespace solarchip {

class AlignmentTimeline : public TimePlot {
    Q_OBJECT
public:
    struct Point {
        qint64 timeMs = 0;
        double meanCosine = 0;     ///< mean same-place cosine over the on-disk cells (and the AIA channels)
        double fractionRank1 = 0;  ///< fraction of on-disk cells whose true HMI match ranks first
    };

    explicit AlignmentTimeline(QWidget *parent = nullptr);

    /// Replaces the points (any order; kept sorted by time) and fits the time axis to them.
    void setPoints(QVector<Point> points);
    /// Adds a point or replaces the one of the same time (sets encoded while browsing); the axis keeps its range.
    void addPoint(const Point &point);
    const QVector<Point> &points() const { return m_points; }
    void clear();

protected:
    int pointCount() const override { return static_cast<int>(m_points.size()); }
    qint64 pointTimeMs(int index) const override { return m_points[index].timeMs; }
    void updateGraphs() override;

private:
    QVector<Point> m_points;
};

}  // namespace solarchip
