#pragma once
// The timeline strip: one row per channel showing where data exist (counts per bin at the current zoom), a
// time axis, and the current-time marker. The wheel zooms around the cursor from decades down to minutes,
// dragging pans, a click asks to jump to the time under the cursor (timeRequested; the owner snaps it to an
// observation and calls setCurrentTime). Painting is QPainter over a TimelineModel, so any zoom costs a few
// binary searches per row.
//
// Any number of channels: rows shrink from 15 px down to 9 px to fit the height the strip is given, and past
// that the rows scroll (a scrollbar at the right, Shift+wheel or the wheel over the channel names) while the
// time axis stays pinned under them, so the date axis and every row can always be reached.
//
// With setFlares() a "GOES flares" row is pinned between the channel rows and the axis (it never scrolls away): each
// flare a bar at its peak, as high as its class on a log scale (C1 a third of the row, M1 two thirds, X1 and above
// all of it) in its class's colour, its start-to-end span shaded once it is three pixels wide or more. Hovering lists
// the flares under the cursor; a click on a flare asks for its peak time (the strongest within 4 px). The strip's
// context menu offers the row's smallest class (flareMinFluxRequested: the owner gives the flares).

#include "widgets/TimelineModel.h"

#include <QDateTime>
#include <QHash>
#include <QPointer>
#include <QString>
#include <QVector>
#include <QWidget>

class QScrollBar;

namespace solarchip {

/// A flare of the timeline's GOES row. Times in ms since the epoch (UTC); start and end 0 when the list gives none.
struct TimelineFlare {
    qint64 startMs = 0;
    qint64 peakMs = 0;
    qint64 endMs = 0;
    double peakFlux = 0;  ///< W/m^2 (1-8 A)
    QString goesClass;    ///< as the list writes it, "M2.5"
    int noaa = 0;         ///< NOAA active region, 0 when none
};

class TimelineView : public QWidget {
    Q_OBJECT
public:
    explicit TimelineView(QWidget *parent = nullptr);

    void setModel(TimelineModel *model);
    TimelineModel *model() const { return m_model; }

    /// Visible range in ms since the epoch (UTC), [from, to).
    qint64 viewFrom() const { return m_from; }
    qint64 viewTo() const { return m_to; }
    void setViewRange(qint64 from, qint64 to);
    /// Shows the whole model with a small margin.
    void fitAll();
    void zoomBy(double factor, qint64 around);

    QDateTime currentTime() const;
    /// Moves the marker; pans (keeping the zoom) if it would leave the visible range.
    void setCurrentTime(const QDateTime &utc);

    /// Colour of a channel's row (defaults follow the channel's usual colour table).
    void setChannelColor(const QString &channel, const QColor &color);
    QColor channelColor(const QString &channel) const;

    /// Geometry helpers (widget coordinates), public for tests and tooltips.
    QRect plotRect() const;
    qint64 timeAtX(double x) const;
    double xAtTime(qint64 t) const;
    /// Row of a channel in widget coordinates (empty if not shown). With the rows scrolled it may lie
    /// outside plotRect(): scroll it into view with ensureRowVisible().
    QRect rowRect(const QString &channel) const;
    /// The date axis under the rows (always inside the widget).
    QRect axisRect() const;
    /// Height of a row and the gap under it at the current size (15 + 2 px down to 9 + 2 px).
    int rowPitch() const;
    /// The channel names' font for rows `rowHeight` pixels high: `font`, or smaller when a line of it is taller.
    static QFont labelFont(const QFont &font, int rowHeight);
    /// The rows' scrollbar: visible only when the rows do not fit at the smallest row height.
    QScrollBar *rowScrollBar() const { return m_scroll; }
    /// Scrolls the rows so the channel's row is inside plotRect().
    void ensureRowVisible(const QString &channel);

    /// Shows the GOES flares row with these flares (any order; kept sorted by peak). `source` names where they come
    /// from in the row's tooltip (a list's file name). An empty vector still shows the row: the list has none here.
    void setFlares(QVector<TimelineFlare> flares, const QString &source = {});
    /// Hides the flares row.
    void clearFlares();
    /// The smallest peak flux the owner gives the row (W/m^2), checked in the row's context menu ("GOES flares from
    /// class"); choosing another there emits flareMinFluxRequested.
    void setFlareMinFlux(double flux);
    double flareMinFlux() const { return m_flareMinFlux; }
    bool hasFlareRow() const { return m_flareRow; }
    const QVector<TimelineFlare> &flares() const { return m_flares; }
    /// The flares row (widget coordinates), empty when hidden.
    QRect flareRowRect() const;
    /// Height of a flare's bar as a fraction of the row: (log10 flux + 7) / 3 within [0.15, 1].
    static double flareBarFraction(double peakFlux);
    /// How far from a flare's bar (px) the cursor still picks it: clicks and the row's tooltip.
    static constexpr double kFlarePickPx = 4;
    /// Index in flares() of the strongest flare whose peak lies within `tolerancePx` of x (the nearest of equals);
    /// -1 when none.
    int flareAt(double x, double tolerancePx = kFlarePickPx) const;

    static constexpr qint64 kMinSpanMs = 10LL * 60 * 1000;                  // ten minutes
    static constexpr qint64 kMaxSpanMs = 40LL * 366 * 24 * 3600 * 1000;     // forty years

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    /// The user clicked at a time (UTC).
    void timeRequested(const QDateTime &utc);
    void viewRangeChanged(qint64 from, qint64 to);
    /// The flares row was shown, hidden or given other flares.
    void flaresChanged();
    /// The user chose the flares row's smallest class in its context menu.
    void flareMinFluxRequested(double flux);

protected:
    void paintEvent(QPaintEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;
    bool event(QEvent *event) override;

private:
    void paintAxis(class QPainter &p, const QRect &plot);
    int labelWidth() const;
    int rowCount() const;
    int rowsAvailableHeight() const;
    void updateScrollBar();
    QString tooltipAt(const QPoint &pos) const;
    QString flareTooltipAt(double x) const;
    /// Indices in flares() of those peaking within `tolerancePx` of x, strongest first (of equal flux, the nearest).
    QVector<int> flaresNear(double x, double tolerancePx) const;
    void paintFlareRow(class QPainter &p);
    int flareRowHeight() const;

    QPointer<TimelineModel> m_model;
    qint64 m_from = 0;
    qint64 m_to = 0;
    qint64 m_current = 0;
    bool m_hasCurrent = false;
    QHash<QString, QColor> m_colors;
    // Dragging: where the press happened and the range at that moment.
    bool m_pressed = false;
    bool m_dragging = false;
    QPoint m_pressPos;
    qint64 m_pressFrom = 0;
    qint64 m_pressTo = 0;
    int m_hoverX = -1;
    QScrollBar *m_scroll = nullptr;
    bool m_flareRow = false;
    QVector<TimelineFlare> m_flares;  // sorted by peakMs
    qint64 m_longestFlareMs = 0;      // the longest start-to-end span, to find flares reaching into the view
    QString m_flareSource;
    double m_flareMinFlux = 1e-6;  // C1
    mutable int m_labelWidth = -1;  // labelWidth(), measured once per channels/row/font
};

}  // namespace solarchip
