#pragma once
// The timeline strip: one row per channel showing where data exist (counts per bin at the current zoom), a
// time axis, and the current-time marker. The wheel zooms around the cursor from decades down to minutes,
// dragging pans, a click asks to jump to the time under the cursor (timeRequested; the owner snaps it to an
// observation and calls setCurrentTime). Painting is QPainter over a TimelineModel, so any zoom costs a few
// binary searches per row.

#include "widgets/TimelineModel.h"

#include <QDateTime>
#include <QHash>
#include <QPointer>
#include <QWidget>

namespace solarchip {

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
    /// Row of a channel in widget coordinates (empty if not shown).
    QRect rowRect(const QString &channel) const;

    static constexpr qint64 kMinSpanMs = 10LL * 60 * 1000;                  // ten minutes
    static constexpr qint64 kMaxSpanMs = 40LL * 366 * 24 * 3600 * 1000;     // forty years

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    /// The user clicked at a time (UTC).
    void timeRequested(const QDateTime &utc);
    void viewRangeChanged(qint64 from, qint64 to);

protected:
    void paintEvent(QPaintEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;
    bool event(QEvent *event) override;

private:
    void paintAxis(class QPainter &p, const QRect &plot);
    int labelWidth() const;
    QString tooltipAt(const QPoint &pos) const;

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
};

}  // namespace solarchip
