#pragma once
// The cross-modal alignment of an encoder over time (the alignment view's plot, issue 11): one point per
// co-temporal set of the archive, its mean same-place cosine of AIA and HMI cells and the fraction of its on-disk
// cells whose true HMI match ranks first (CrossModalAlignment's per-set summary), drawn with QCustomPlot against
// UTC time. A vertical line follows the current time (setCurrentTime; the plot pans to keep it in view); a click
// asks to go to the set nearest the time under the cursor (timeRequested), a drag pans and the wheel zooms the
// time axis. A line of text above the plot says where the points come from (a store, or the sets encoded while
// browsing and how to make a store).
//
// The widget knows nothing of models: the owner gives it points.

#include <QDateTime>
#include <QVector>
#include <QWidget>

class QCustomPlot;
class QCPItemStraightLine;
class QLabel;
class QMouseEvent;

namespace solarchip {

class AlignmentTimeline : public QWidget {
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

    /// The span the time axis shows when it is fitted (the archive's: where the points can be); an invalid span
    /// (from >= to) fits the points alone.
    void setSpan(qint64 fromMs, qint64 toMs);

    /// Moves the cursor line; pans (keeping the zoom) when the time lies outside the visible range.
    void setCurrentTime(const QDateTime &utc);
    QDateTime currentTime() const;

    /// The line above the plot (where the points come from; how to get more). Empty hides it.
    void setMessage(const QString &text);
    QString message() const;

    /// Geometry for tests and tooltips, in this widget's coordinates.
    double xAtTime(qint64 timeMs) const;
    qint64 timeAtX(double x) const;
    /// The cursor line's x (NaN when no current time).
    double cursorX() const;
    /// The point nearest a time (-1 when there are none).
    int nearestPoint(qint64 timeMs) const;
    /// Visible time range, ms since the epoch (UTC).
    qint64 viewFrom() const;
    qint64 viewTo() const;
    QCustomPlot *plot() const { return m_plot; }

Q_SIGNALS:
    /// A click asked to go to this time: the nearest point's, or the time under the cursor without points.
    void timeRequested(const QDateTime &utc);

private:
    void onPress(QMouseEvent *event);
    void onRelease(QMouseEvent *event);
    void updateGraphs();
    void updateCursor();
    void fitTime();

    QCustomPlot *m_plot = nullptr;
    QLabel *m_message = nullptr;
    QCPItemStraightLine *m_cursor = nullptr;
    QVector<Point> m_points;
    qint64 m_spanFrom = 0, m_spanTo = 0;
    qint64 m_currentMs = 0;
    bool m_hasCurrent = false;
    QPointF m_pressPos;
    bool m_pressed = false;
};

}  // namespace solarchip
