#pragma once
// A colorbar for a displayed map: the colormap along the stretched axis with tick labels in data units
// (non-uniform for log/asinh/histogram stretches, as the colours are), the unit, and the limits. A widget
// that follows a MapView, and a static painter shared with the in-view overlay and PNG export.

#include "widgets/MapRenderer.h"

#include <QPointer>
#include <QWidget>

namespace solarchip {

class MapView;

class ColorBar : public QWidget {
    Q_OBJECT
public:
    explicit ColorBar(Qt::Orientation orientation = Qt::Vertical, QWidget *parent = nullptr);

    /// Follows a view: repaints when its rendering changes.
    void setView(MapView *view);
    /// Or shows a rendering directly.
    void setRendering(const RenderedMap &rendered, const QString &unit);

    Qt::Orientation orientation() const { return m_orientation; }
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

    /// Draws a colorbar in `rect` (the gradient takes the part left by the labels).
    static void paint(QPainter &painter, const QRectF &rect, const RenderedMap &rendered, const QString &unit,
                      Qt::Orientation orientation, const QColor &textColor);
    /// Round tick values inside [min, max]: the multiples of a step of 1, 2 or 5 x 10^n, about count + 1 of them.
    static std::vector<double> ticks(double min, double max, int count = 6);
    /// The labelled ticks of a rendering: (data value, position 0..1 along the bar). Linear stretches: ticks();
    /// others: round values (0, 1/2/5 x 10^n) picked near six evenly spaced colours.
    static std::vector<std::pair<double, double>> tickPositions(const RenderedMap &rendered);

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    Qt::Orientation m_orientation;
    QPointer<MapView> m_view;
    RenderedMap m_own;
    QString m_unit;
};

}  // namespace solarchip
