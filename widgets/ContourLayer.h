#pragma once
// Contours of one map drawn over others: the co-registered HMI magnetogram's +-100 and +-500 G lines over the
// views of its set (View > HMI contours). The lines (core/map/Contours, computed off the UI thread by the app)
// are in the source map's pixel coordinates. A view whose map lies on that grid draws them as they are; another
// helioprojective map gets them carried through both WCS (source pixel -> Tx, Ty -> its pixel) as one affine
// transform fitted through three points, kept only when a fourth lands within 0.05 px of where the WCS puts it
// (a solar map's TAN projection is affine to far better than that over the disk); else nothing is drawn:
// contours in the wrong place would be worse than none.

#include "core/map/PixelFrame.h"
#include "widgets/OverlayLayer.h"

#include <QColor>
#include <QLineF>
#include <QString>
#include <QTransform>

#include <memory>
#include <optional>
#include <vector>

namespace solarchip {

struct SdoMap;

struct ContourSet {
    struct Level {
        double value = 0;
        QColor colour;
        std::vector<QLineF> segments;
    };
    /// The grid the segments are on: the source map's size, WCS keywords and WCS.
    PixelFrame grid;
    QString source;  ///< what the lines are of, for the state ("HMI magnetogram 2011-06-30T11:59:18")
    std::vector<Level> levels;
    double computeMs = 0;  ///< how long contouring took (for the state JSON)

    /// The grid of `map`.
    static ContourSet gridOf(const SdoMap &map);
    /// Whether `map` lies on this grid (sizes equal, WCS within 1e-6 of a pixel / of the values).
    bool sharesGridWith(const SdoMap &map) const;
    std::size_t segmentCount() const;
    /// Source pixel -> `map`'s pixel: identity on the same grid, else the affine fit through both WCS described
    /// above; nullopt when there is none (another kind of map, points the WCS cannot place, a poor fit).
    std::optional<QTransform> toPixelsOf(const SdoMap &map) const;
};

class ContourLayer : public OverlayLayer {
public:
    ContourLayer();
    QString id() const override { return QStringLiteral("contours"); }
    QString name() const override;
    void mapChanged(const SdoMap *map) override
    {
        m_map = map;
        m_placedMap = nullptr;  // a new map may sit where a freed one was: place again
        m_placedContours = nullptr;
    }
    void paint(QPainter &painter, const OverlayContext &context) override;

    void setContours(std::shared_ptr<const ContourSet> contours) { m_contours = std::move(contours); }
    const ContourSet *contours() const { return m_contours.get(); }
    const std::shared_ptr<const ContourSet> &contoursShared() const { return m_contours; }
    /// The contours can be placed on the view's current map (they are drawn).
    bool drawsOnCurrentMap() const;

private:
    /// toPixelsOf for `map`, worked out once per (map, contours).
    const std::optional<QTransform> &placementOn(const SdoMap *map) const;

    std::shared_ptr<const ContourSet> m_contours;
    const SdoMap *m_map = nullptr;
    mutable const SdoMap *m_placedMap = nullptr;
    mutable const ContourSet *m_placedContours = nullptr;
    mutable std::optional<QTransform> m_placement;
};

}  // namespace solarchip
