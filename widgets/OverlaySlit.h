#pragma once
// Draws the slit of a time-distance plot on every map: the line from its start to its end where the plot puts it
// at the map's time (fixed on the sky, or carried rigidly with the Sun's differential rotation of its midpoint:
// core/archive/TimeDistance), through the map's WCS; white dashes on a dark rim, a ring at the start (distance 0),
// and the width's edges as thin lines when the slit has a width. Nothing on a map in a heliographic projection or
// where the midpoint has rotated behind the limb.

#include "core/archive/TimeDistance.h"
#include "widgets/OverlayLayer.h"

#include <QLineF>

#include <optional>

namespace solarchip {

class OverlaySlit : public OverlayLayer {
public:
    OverlaySlit();
    QString id() const override { return QStringLiteral("timeDistanceSlit"); }
    QString name() const override;
    void paint(QPainter &painter, const OverlayContext &context) override;

    void setSlit(const std::optional<Slit> &slit) { m_slit = slit; }
    const std::optional<Slit> &slit() const { return m_slit; }
    /// The slit at a map's time, helioprojective arcsec (none where it is not drawn).
    std::optional<QLineF> slitOn(const SdoMap &map) const;

private:
    std::optional<Slit> m_slit;
};

}  // namespace solarchip
