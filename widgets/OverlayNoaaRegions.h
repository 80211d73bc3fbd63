#pragma once
// View > NOAA active regions: the numbered active regions of the NOAA Solar Region Summary nearest the map's time
// (core/archive/RegionSummary), each carried from the time the report's locations are valid at to the map's time
// by differential rotation and placed through the map's WCS for its own observer, as JHelioviewer's and
// Helioviewer's "NOAA AR" layer: a ring at the region's position and its number (with its Mount Wilson class in
// Greek letters for a region with spots); plages without spots (section IA) in a dimmer colour. With the archive's
// flare list, a region's largest flare (C and above) peaking within 12 h either side of the map's time is named
// after its number ("11226 β  M2.5 06:41", in the flare's class colour): the list's NOAA region numbers attribute the
// flares (SWPC's list and the synthetic one both give them). Nothing is drawn on maps in a heliographic projection,
// on a map without a time, or where no report lies within 36 h of it.

#include "core/archive/FlareList.h"
#include "core/archive/RegionSummary.h"
#include "widgets/HaloText.h"
#include "widgets/OverlayLayer.h"
#include "widgets/PerMapCache.h"

#include <QFont>
#include <QImage>
#include <QRectF>
#include <QPointF>
#include <QVector>

#include <memory>
#include <optional>

namespace solarchip {

struct SdoMap;

class OverlayNoaaRegions : public OverlayLayer {
public:
    OverlayNoaaRegions();
    QString id() const override { return QStringLiteral("noaaRegions"); }
    QString name() const override;
    void paint(QPainter &painter, const OverlayContext &context) override;
    /// The region whose ring lies under the point (within its ring and 6 screen px): number, classes, area, spots,
    /// location, and its largest flare near the map.
    QString toolTipAt(const SdoMap &map, const QPointF &mapPixel, double zoom) const override;

    void setReports(std::shared_ptr<const RegionSummaryArchive> reports)
    {
        m_reports = std::move(reports);
        ++m_version;
    }
    /// The archive's flares (any order; those without a NOAA number or below C are not used); empty: none.
    void setFlares(const QVector<FlareEvent> &flares);
    /// Flares peaking within this many hours either side of a map's time are named at their region.
    static constexpr double kFlareWindowHours = 12;
    const std::shared_ptr<const RegionSummaryArchive> &reports() const { return m_reports; }

    struct Label {
        NoaaRegionSeen seen;
        QPointF pixel;  ///< 0-based map pixel (FITS order, y up)
        std::optional<FlareEvent> flare;  ///< the region's largest flare >= C within kFlareWindowHours of the map
    };
    /// The report used for `map` (null when none is within reach or the map cannot carry labels).
    const RegionSummary *reportFor(const SdoMap &map) const;
    /// What paint() draws on `map`: the regions of reportFor(map) inside the map's pixels.
    QVector<Label> labelsOn(const SdoMap &map) const;
    /// The labels drawn onto a texture of `map` (its rendered image, any size: what the 3D globe wears), sized for
    /// the sphere it is wrapped on; a texture under 1024 px high is enlarged first so the text stays sharp. `drawn`
    /// gets their number. The texture itself when there are none.
    QImage composeOnto(const QImage &texture, const SdoMap &map, int *drawn = nullptr) const;

    /// Where a label went: its region, the ring, the text (number and flare) and which place around the ring it took
    /// (0 above right, the first choice; 1 below right, 2 above left, 3 below left).
    struct PlacedLabel {
        int number = 0;
        QRectF ring, text;
        int where = 0;
    };
    /// The labels of `map` as drawn through `pixelToTarget` with region numbers `spotPx` high (spotPxFor() in a view)
    /// in `font` inside `bounds` (the view; null: no limit). Labels are placed regions with spots first, each text at
    /// the first place around its ring that covers no other label's text or ring and stays inside `bounds`
    /// (widgets/LabelPlacement), else the least covered one. Empty while hidden.
    QVector<PlacedLabel> placedLabels(const SdoMap &map, const QTransform &pixelToTarget, int spotPx, const QFont &font,
                                      double dpr, const QRectF &bounds) const;
    /// placedLabels()' rings and texts: other labelling layers keep their text off them.
    QVector<QRectF> labelBoxes(const SdoMap &map, const QTransform &pixelToTarget, int spotPx, const QFont &font,
                               double dpr, const QRectF &bounds) const;
    /// The region numbers' text height in a view whose map area is `mapRect` (OverlayContext::mapRect).
    static int spotPxFor(const QRectF &mapRect);

private:
    /// One label laid out on the target: its ring, its number and the flare named after it, and what it covers.
    struct Placed {
        QPointF at;
        double ring = 0;
        bool spots = false;
        QFont font, flareFont;
        QColor colour, flareColour;
        QString number, flareText;
        QPointF baseline, flareBaseline;
        QRectF box;  // the text's extent
        int where = 0;
        int region = 0;
    };
    /// The labels laid out, in drawing order (plages first, regions with spots over them).
    QVector<Placed> place(const SdoMap &map, const QTransform &pixelToTarget, int spotPx, const QFont &base, double dpr,
                          const QRectF &bounds) const;
    /// Draws the labels of `map` through `pixelToTarget` (map pixel -> target pixel), region numbers `spotPx` high,
    /// inside `bounds`.
    void paintLabels(QPainter &painter, const SdoMap &map, const QTransform &pixelToTarget, int spotPx,
                     const QRectF &bounds) const;
    QVector<Label> computeLabels(const SdoMap &map) const;

    std::shared_ptr<const RegionSummaryArchive> m_reports;
    QVector<FlareEvent> m_flares;  // >= C with a NOAA number, by peak time
    // The labels of the maps asked about lately, emptied when the reports or the flares change (m_version).
    int m_version = 0;
    mutable int m_cachedVersion = -1;
    mutable PerMapCache<QVector<Label>> m_cached;
    HaloTextCache m_text;
};

}  // namespace solarchip
