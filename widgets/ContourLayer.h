#pragma once
// Contours of one map drawn over others on the same pixel grid: the co-registered HMI magnetogram's +-100 and
// +-500 G lines over the AIA views of its set (View > HMI contours). The lines (core/map/Contours, computed off
// the UI thread by the app) are in the source map's pixel coordinates; a view draws them only when its own map
// lies on that grid (same size and WCS reference pixel, value, scale and roll), else nothing: contours in the
// wrong place would be worse than none.

#include "widgets/OverlayLayer.h"

#include <QColor>
#include <QLineF>
#include <QString>

#include <memory>
#include <vector>

namespace solarchip {

struct SdoMap;

struct ContourSet {
    struct Level {
        double value = 0;
        QColor colour;
        std::vector<QLineF> segments;
    };
    /// The grid the segments are on: the source map's size and WCS keywords.
    int width = 0, height = 0;
    double crpix1 = 0, crpix2 = 0, crval1 = 0, crval2 = 0, cdelt1 = 0, cdelt2 = 0, crota2 = 0;
    QString source;  ///< what the lines are of, for the state ("HMI magnetogram 2011-06-30T11:59:18")
    std::vector<Level> levels;

    /// The grid of `map`.
    static ContourSet gridOf(const SdoMap &map);
    /// Whether `map` lies on this grid (sizes equal, WCS within 1e-6 of a pixel / of the values).
    bool sharesGridWith(const SdoMap &map) const;
    std::size_t segmentCount() const;
};

class ContourLayer : public OverlayLayer {
public:
    ContourLayer();
    QString id() const override { return QStringLiteral("contours"); }
    QString name() const override;
    void mapChanged(const SdoMap *map) override { m_map = map; }
    void paint(QPainter &painter, const OverlayContext &context) override;

    void setContours(std::shared_ptr<const ContourSet> contours) { m_contours = std::move(contours); }
    const ContourSet *contours() const { return m_contours.get(); }
    const std::shared_ptr<const ContourSet> &contoursShared() const { return m_contours; }
    /// The view's current map is on the contours' grid (they are drawn).
    bool drawsOnCurrentMap() const;

private:
    std::shared_ptr<const ContourSet> m_contours;
    const SdoMap *m_map = nullptr;
};

}  // namespace solarchip
