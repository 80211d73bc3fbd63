#pragma once
// The flare forecast over time (the flare panel's plot, issue 12): one point per co-temporal set, the head's
// calibrated P(>=C) and/or P(>=M) in the next window, drawn with QCustomPlot against UTC time; the climatological
// rate (the head's training base rate) as a dashed line; the flares of the archive's list marked at their peak
// times by class (C, M, X: three marker rows above the probabilities, so they never hide a point). A vertical line
// follows the current time (setCurrentTime; the plot pans to keep it in view); a click asks to go to the set
// nearest the time under the cursor (timeRequested); a drag pans and the wheel zooms the time axis (as
// widgets/AlignmentTimeline, whose interaction this follows).
//
// The widget knows nothing of models or flare lists: the owner gives it points and flares.

#include <QDateTime>
#include <QtNumeric>
#include <QVector>
#include <QWidget>

#include <array>

class QCustomPlot;
class QCPItemStraightLine;
class QLabel;
class QMouseEvent;

namespace solarchip {

class FlareTimeline : public QWidget {
    Q_OBJECT
public:
    struct Point {
        qint64 timeMs = 0;
        double pGeC = qQNaN();  ///< NaN: the head gives no P(>=C)
        double pGeM = qQNaN();
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

    /// The span the time axis shows when fitted (the archive's); an invalid span (from >= to) fits the points.
    void setSpan(qint64 fromMs, qint64 toMs);
    void setCurrentTime(const QDateTime &utc);
    QDateTime currentTime() const;

    /// The line above the plot (where the points come from). Empty hides it.
    void setMessage(const QString &text);
    QString message() const;

    /// Geometry for tests, in this widget's coordinates.
    double xAtTime(qint64 timeMs) const;
    double cursorX() const;
    int nearestPoint(qint64 timeMs) const;
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
    QCPItemStraightLine *m_climatology = nullptr;
    QVector<Point> m_points;
    std::array<int, 3> m_flareCounts{0, 0, 0};
    qint64 m_spanFrom = 0, m_spanTo = 0;
    qint64 m_currentMs = 0;
    bool m_hasCurrent = false;
    QPointF m_pressPos;
    bool m_pressed = false;
};

}  // namespace solarchip
