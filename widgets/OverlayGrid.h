#pragma once
// The heliographic Stonyhurst grid: lines of constant longitude and latitude every `step` degrees (15 by
// default), sampled every degree through Wcs::stonyhurstToHelioprojective and Wcs::helioprojectiveToPixel,
// broken where they pass behind the limb, so only the hemisphere facing the observer is drawn. The
// equator and the central meridian are drawn a little stronger.

#include "core/map/Wcs.h"
#include "widgets/OverlayLayer.h"

#include <QPolygonF>
#include <QVector>

namespace solarchip {

class OverlayGrid : public OverlayLayer {
public:
    struct Line {
        bool isLongitude = true;
        double degrees = 0;   // the constant lon or lat
        QPolygonF pixels;     // one visible run of the line, map pixel coordinates
    };

    explicit OverlayGrid(double stepDegrees = 15.0);
    QString id() const override { return QStringLiteral("grid"); }
    QString name() const override;
    void mapChanged(const SdoMap *map) override;
    void paint(QPainter &painter, const OverlayContext &context) override;

    void setStep(double degrees);
    double step() const { return m_step; }

    /// The visible runs of every grid line for a WCS (empty when the WCS cannot place them).
    static QVector<Line> gridLines(const Wcs &wcs, double stepDegrees = 15.0, double sampleDegrees = 1.0);

    /// The grid of the current map (computed on first use after a map change).
    const QVector<Line> &lines() const;

private:
    double m_step;
    const SdoMap *m_map = nullptr;
    mutable QVector<Line> m_lines;
    mutable bool m_dirty = true;
};

}  // namespace solarchip
