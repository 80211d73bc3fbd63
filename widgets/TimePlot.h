#pragma once
// What the GUI's QCustomPlot timelines share (widgets/AlignmentTimeline, widgets/FlareTimeline): values drawn
// against UTC time below a line of text (where the points come from; empty hides it); a vertical line that
// follows the current time (setCurrentTime; the plot pans, keeping its zoom, to keep it in view); a click asks to
// go to the point nearest the time under the cursor (timeRequested); a drag pans and the wheel zooms the time
// axis only. Fitted, the time axis spans the archive (setSpan) and the points, with a margin.
//
// A subclass owns its points, kept sorted by time (sortByTime, insertByTime), and its graphs (updateGraphs); it
// tells this class their times (pointCount, pointTimeMs). It adds the cursor line after its own plot items
// (addCursor: items are drawn in the order made, the cursor on top) and fits the axis (fitTime) at the end of
// its constructor.

#include "core/base/Expected.h"

#include <QDateTime>
#include <QVector>
#include <QWidget>

#include <algorithm>

class QColor;
class QCustomPlot;
class QCPItemStraightLine;
class QLabel;
class QMouseEvent;

namespace solarchip {

class TimePlot : public QWidget {
    Q_OBJECT
public:
    /// The span the time axis shows when it is fitted (the archive's: where the points can be); an invalid span
    /// (from >= to) fits the points alone.
    void setSpan(qint64 fromMs, qint64 toMs);

    /// Moves the cursor line; pans (keeping the zoom) when the time lies outside the visible range.
    void setCurrentTime(const QDateTime &utc);
    QDateTime currentTime() const;

    /// Writes the plot as it is on screen (its axes, graphs, markers and legend; not the message line) to `path`:
    /// PNG, JPEG or PDF by the suffix, `width` x `height` pixels (0: the widget's size), atomically. An error
    /// names the file.
    Status savePlot(const QString &path, int width = 0, int height = 0) const;

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

protected:
    /// The message line and the plot get these object names; the plot is at least `minimumPlotHeight` tall.
    TimePlot(const QString &messageName, const QString &plotName, int minimumPlotHeight, QWidget *parent);

    virtual int pointCount() const = 0;
    virtual qint64 pointTimeMs(int index) const = 0;
    /// Gives the graphs the points (no replot).
    virtual void updateGraphs() = 0;

    /// The cursor line, drawn in `colour` on the plot's buffered "overlay" layer, above everything else: moving
    /// it redraws that layer alone (the graphs, axes and labels are not drawn again at every time step).
    void addCursor(const QColor &colour);
    /// The legend shown beside the plot, at its right, without a frame (a wide, short dock): it never hides the
    /// points nor takes the plot's height.
    void placeLegendAtRight();
    void fitTime();
    /// The margin either side of a fitted span of `spanSeconds` (seconds).
    static double marginFor(double spanSeconds);
    /// Places the cursor at the current time (no replot).
    void updateCursor();
    /// One replot at the next turn of the event loop, however many changes ask for it before.
    void replotSoon();
    /// After the points were replaced: graphs, a fitted axis, the cursor.
    void pointsReplaced();
    /// After one point was added or replaced: graphs; the axis keeps its range (fitted for the first point).
    void pointAdded();

    /// QCustomPlot's time keys are seconds since the epoch.
    static double keyOf(qint64 ms);
    static qint64 msOf(double key);

    /// Sorts points (anything with a `timeMs`) by time.
    template <class P>
    static void sortByTime(QVector<P> &points)
    {
        std::sort(points.begin(), points.end(), [](const P &a, const P &b) { return a.timeMs < b.timeMs; });
    }
    /// Inserts a point in time order, or replaces the one of the same time.
    template <class P>
    static void insertByTime(QVector<P> &points, const P &point)
    {
        auto it = std::lower_bound(points.begin(), points.end(), point.timeMs,
                                   [](const P &p, qint64 t) { return p.timeMs < t; });
        if (it != points.end() && it->timeMs == point.timeMs)
            *it = point;
        else
            points.insert(it, point);
    }

    QCustomPlot *m_plot = nullptr;

private:
    void onPress(QMouseEvent *event);
    void onRelease(QMouseEvent *event);

    QLabel *m_message = nullptr;
    QCPItemStraightLine *m_cursor = nullptr;
    qint64 m_spanFrom = 0, m_spanTo = 0;
    qint64 m_currentMs = 0;
    bool m_hasCurrent = false;
    bool m_replotted = false;  // the layers have paint buffers (QCustomPlot makes them in the first replot)
    QPointF m_pressPos;
    bool m_pressed = false;
};

}  // namespace solarchip
