#pragma once
// A time-distance diagram (the time-distance dock's plot): profiles along a slit stacked in time, time on the x axis
// (UTC), distance along the slit on the y axis (Mm on the left, arcsec on the right), the values in the channel's
// colour table (sunpy's; AIA on a log scale, HMI linear and symmetric about 0) between the 1st and 99.5th
// percentiles, with a colour bar. Observations are drawn as columns on a regular time grid at their median cadence,
// so a gap in the data is a blank band, not a stretched column. The current time follows as a vertical line, a click
// asks to go to the nearest observation, a drag pans and the wheel zooms the time axis (widgets/TimePlot).
// Shift+drag draws a line along a ridge and reads its plane-of-sky speed (km/s; the slope in Mm per second), the
// number a physicist measures on such a plot: the line drawn is refined by a least-squares fit through the ridge's
// peak in each observation near it (fitRidge), which gives the speed with its standard error. Faint moving fronts (EUV waves) show best as differences: each profile
// minus the previous one (running difference), minus the first (base difference), or divided by the first (base
// ratio), drawn in grey about 0 (or 1 for the ratio) between the 99th percentile of the departures either way.
//
// The widget knows nothing of files: the owner gives it profiles.

#include "widgets/TimePlot.h"

#include <QString>
#include <QVector>

#include <optional>

class QCPColorMap;
class QCPColorScale;
class QCPItemLine;
class QCPItemText;

namespace solarchip {

class TimeDistancePlot : public TimePlot {
    Q_OBJECT
public:
    struct Speed {
        qint64 t0Ms = 0, t1Ms = 0;
        double d0Mm = 0, d1Mm = 0;
        double kmPerS = 0;
        bool fitted = false;        ///< a fit through the ridge's peaks (else the line as drawn)
        double errorKmPerS = 0;     ///< the fit's standard error of the slope
        int points = 0;             ///< peaks fitted
        double drawnKmPerS = 0;     ///< the slope of the line drawn
    };

    enum class Show { Values, RunningDifference, BaseDifference, BaseRatio };

    explicit TimeDistancePlot(QWidget *parent = nullptr);
    ~TimeDistancePlot() override;

    /// Replaces the diagram: one profile per time (ascending; an empty profile is an observation without values),
    /// `distanceArcsec` the samples' distances along the slit, `mmPerArcsec` the plane-of-sky scale, `channel` the
    /// colour table's channel key, `unit` the values' unit (the colour bar's label). Fits the time axis.
    void setProfiles(const QVector<qint64> &timesMs, const QVector<QVector<double>> &profiles,
                     const QVector<double> &distanceArcsec, double mmPerArcsec, const QString &channel,
                     const QString &unit);
    /// The colour bar's label.
    QString colourLabel() const;
    void clear();
    /// What the colours show (the diagram is drawn again from the profiles given).
    void setShow(Show show);
    Show show() const { return m_show; }
    /// The value drawn in a cell (after the Show transform); NaN outside the grid or where there is no data.
    double cellValue(int column, int row) const;
    /// The column of the cell holding `timeMs` and the row nearest `distanceMm` (-1 outside).
    int columnAt(qint64 timeMs) const;
    int rowAt(double distanceMm) const;

    /// The speed line (Shift+drag, or given here in plot coordinates); none clears it.
    void setSpeedLine(const std::optional<Speed> &line);
    /// The ridge near a line drawn: in each observation between its ends (± half a column), the brightest sample (of what is shown)
    /// within a window about the line (5 samples or 5% of the slit, whichever is more), refined by a parabola through
    /// its neighbours; a least-squares line through those peaks (at least 3), its slope's standard error. None when
    /// fewer than 3 peaks are found.
    std::optional<Speed> fitRidge(const Speed &drawn) const;
    const std::optional<Speed> &speed() const { return m_speed; }

    /// What is drawn: grid columns (time cells) and rows (distance samples), the colour range (in the values' unit),
    /// whether the colours are of log10 of the values.
    int columns() const { return m_columns; }
    int rows() const { return m_rows; }
    double colourLow() const { return m_low; }
    double colourHigh() const { return m_high; }
    bool logScale() const { return m_log; }
    /// Widget position of a time and a distance (Mm), for tests.
    QPointF widgetPoint(qint64 timeMs, double distanceMm) const;
    /// What lies under a point of this widget: "2022-04-02 13:14:06 UTC · 53.2 Mm (73.3″) · 8.41 DN/s" (the nearest
    /// observation's time, the distance, the value shown there); empty outside the diagram.
    QString readoutAt(QPointF widgetPoint) const;

Q_SIGNALS:
    /// A Shift+drag ended: the speed along the line drawn.
    void speedMeasured(double kmPerS);
    /// The pointer moved over the plot: readoutAt() there (empty when it left the diagram).
    void readoutChanged(const QString &text);

protected:
    int pointCount() const override { return static_cast<int>(m_times.size()); }
    qint64 pointTimeMs(int index) const override { return m_times[index]; }
    void updateGraphs() override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void placeSpeedLine();
    void redraw();

    QCPColorMap *m_map = nullptr;
    QCPColorScale *m_scale = nullptr;
    QCPItemLine *m_speedLine = nullptr;
    QCPItemText *m_speedText = nullptr;
    QVector<qint64> m_times;
    QVector<QVector<double>> m_profiles;
    QVector<QVector<double>> m_shownProfiles;  // after the Show transform
    QVector<double> m_distanceArcsec;
    QString m_channel, m_unit;
    Show m_show = Show::Values;
    qint64 m_t0 = 0, m_dt = 1;
    double m_mmPerArcsec = 0;
    int m_columns = 0, m_rows = 0;
    double m_low = 0, m_high = 0;
    bool m_log = false;
    std::optional<Speed> m_speed;
    bool m_dragging = false;
    QPointF m_dragFrom;
};

}  // namespace solarchip
