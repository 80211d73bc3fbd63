#pragma once
// WCS axes around a map: a frame around the part of the map on screen with ticks and labels at round world
// coordinates, helioprojective arcsec (1000″, 500″, ...) for solar images, degrees for heliographic maps
// (CEA), as sunpy's WCSAxes labels them. Tick positions are found by sampling the WCS along the frame's
// bottom and left edges every screen pixel and interpolating where a round value is crossed, so they are
// right for rolled maps and at any zoom. The labels sit in margins at the left and bottom of the view that
// MapView keeps free of the map.

#include "widgets/OverlayLayer.h"

#include <QVector>

namespace solarchip {

class Wcs;

class OverlayAxes : public OverlayLayer {
public:
    struct Tick {
        Qt::Edge edge = Qt::BottomEdge;  // BottomEdge or LeftEdge of the frame
        double value = 0;                // world coordinate (arcsec or degrees)
        QPointF at;                      // on the frame's edge, widget coordinates
        QString text;                    // "−500″"
    };

    OverlayAxes();
    QString id() const override { return QStringLiteral("axes"); }
    bool clipsToMap() const override { return false; }
    QString name() const override;
    QMarginsF margins(const QSizeF &viewSize, const QFont &font) const override;
    void paint(QPainter &painter, const OverlayContext &context) override;

    /// The frame (the map's pixel grid on screen, within `mapRect`) for a view's transform.
    static QRectF frameFor(int width, int height, const QTransform &pixelToWidget, const QRectF &mapRect);
    /// Ticks along the bottom and left edges of `frame`, about `spacing` screen pixels apart at least. Each
    /// edge is labelled with the world axis that varies most along it.
    static QVector<Tick> ticks(const Wcs &wcs, const QTransform &pixelToWidget, const QRectF &frame,
                               double spacing = 70);

    /// What the last paint drew (tests).
    const QVector<Tick> &lastTicks() const { return m_lastTicks; }
    QRectF lastFrame() const { return m_lastFrame; }

private:
    QVector<Tick> m_lastTicks;
    QRectF m_lastFrame;
};

}  // namespace solarchip
