#pragma once
// View > Flare events: the flares of a list with sites (the cycle-24 list, a HEK export, the synthetic archive's
// flarelist_sites_*.csv; core/archive/FlareSites) peaking within a window around the map's time, each at its site
// carried from its peak to the map's time by differential rotation and placed through the map's WCS for its own
// observer, as Helioviewer and JHelioviewer draw HEK flare events. A flare in progress at the map's time (start to
// end) is a filled burst; one before or after it an open ring that fades with the time between them. The symbol's
// size and colour follow the class (C white, M orange, X red; below C grey); beside it the class and the peak time
// (UTC). Flares that crowd one spot at the view's scale are labelled once, by the strongest, with how many more
// there are ("X2.2 01:56 +3"). Nothing is drawn on maps in a heliographic projection or without a time.

#include "core/archive/FlareSites.h"
#include "widgets/FlareClassColours.h"
#include "widgets/HaloText.h"
#include "widgets/OverlayLayer.h"
#include "widgets/PerMapCache.h"

#include <QColor>
#include <QHash>
#include <QImage>
#include <QPointF>
#include <QRectF>
#include <QVector>

#include <memory>

namespace solarchip {

class OverlayNoaaRegions;
struct SdoMap;

class OverlayFlareEvents : public OverlayLayer {
public:
    OverlayFlareEvents();
    QString id() const override { return QStringLiteral("flareEvents"); }
    QString name() const override;
    bool clipsToMap() const override { return false; }
    void paint(QPainter &painter, const OverlayContext &context) override;
    /// The flares whose bursts lie under the point (within 10 screen px), strongest first: class, NOAA region, listed
    /// site, start, peak and end, and the hours from the map.
    QString toolTipAt(const SdoMap &map, const QPointF &mapPixel, double zoom) const override;

    /// The list (null: none).
    void setList(std::shared_ptr<const FlareList> list);
    const std::shared_ptr<const FlareList> &list() const { return m_list; }
    /// Flares peaking within this many hours either side of a map's time are drawn.
    void setWindowHours(double hours);
    double windowHours() const { return m_windowHours; }
    static constexpr double kDefaultWindowHours = 6;
    /// The NOAA region labels drawn with these markers (while shown): the flares' labels are placed off them.
    void setAvoidLabelsOf(std::shared_ptr<const OverlayNoaaRegions> noaa) { m_avoid = std::move(noaa); }

    struct Marker {
        FlareSeen seen;
        QPointF pixel;  ///< 0-based map pixel (FITS order, y up)
    };
    /// The flares drawn on `map`, strongest first: those of the window on the disk inside the map's pixels.
    QVector<Marker> markersOn(const SdoMap &map) const;
    /// The markers drawn onto a texture of `map` (its rendered image, any size: what the 3D globe wears); a texture
    /// under 1024 px high is enlarged first so the text stays sharp. `drawn` gets their number. The texture itself
    /// when there are none.
    QImage composeOnto(const QImage &texture, const SdoMap &map, int *drawn = nullptr) const;

private:
    /// Draws the markers of `map` through `pixelToTarget`, text `textPx` high, labels off the boxes `avoid` and inside
    /// `bounds` where there is room.
    void paintMarkers(QPainter &painter, const SdoMap &map, const QTransform &pixelToTarget, int textPx,
                      const QVector<QRectF> &avoid, const QRectF &bounds) const;
    QVector<Marker> computeMarkers(const SdoMap &map) const;
    /// A burst of radius `r` (device pixel ratio `dpr`) centred in its image, drawn once and then reused: stroking its
    /// antialiased rays costs about 0.15 ms, and every view repaints several times a step.
    QImage burst(double r, const QColor &colour, bool filled, double line, double dpr) const;

    std::shared_ptr<const FlareList> m_list;
    std::shared_ptr<const OverlayNoaaRegions> m_avoid;
    double m_windowHours = kDefaultWindowHours;
    int m_version = 0;  // the list or the window changed: the cached markers are stale
    mutable int m_cachedVersion = -1;
    mutable PerMapCache<QVector<Marker>> m_cached;
    HaloTextCache m_text;
    mutable QHash<QString, QImage> m_bursts;
};

}  // namespace solarchip
