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
#include "widgets/OverlayLayer.h"

#include <QHash>
#include <QImage>
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

private:
    /// Draws the labels of `map` through `pixelToTarget` (map pixel -> target pixel), region numbers `spotPx` high.
    void paintLabels(QPainter &painter, const SdoMap &map, const QTransform &pixelToTarget, int spotPx) const;
    /// A text on its dark halo, drawn once into an image and then reused: outlining glyphs into a path and stroking
    /// its halo costs about a millisecond a label, and the views repaint several times a step.
    struct Sprite {
        QImage image;     ///< device pixels (its devicePixelRatio set)
        QPointF origin;   ///< where the text's baseline starts, in the image's logical pixels
        double right = 0; ///< the text's right edge from the baseline start
    };
    QVector<Label> computeLabels(const SdoMap &map) const;
    Sprite sprite(const QString &text, const QFont &font, const QColor &colour, double dpr) const;

    std::shared_ptr<const RegionSummaryArchive> m_reports;
    QVector<FlareEvent> m_flares;  // >= C with a NOAA number, by peak time
    // The labels of the maps asked about lately (paint runs several times a step for each view's map; the views share
    // the layer), by map, its time and pixel grid (a freed map's address may come back for another one); emptied when
    // the reports or the flares change (m_version).
    struct CachedLabels {
        const SdoMap *map = nullptr;
        qint64 timeMs = 0;
        int width = 0;
        double crpix1 = 0, crpix2 = 0, cdelt1 = 0, crota2 = 0;
        QVector<Label> labels;
        bool matches(const SdoMap &m, qint64 t) const;
    };
    int m_version = 0;
    mutable int m_cachedVersion = -1;
    mutable QVector<CachedLabels> m_cached;  // most recent last, at most 32
    mutable QHash<QString, Sprite> m_sprites;
};

}  // namespace solarchip
