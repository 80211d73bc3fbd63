#pragma once
// View > NOAA active regions: the numbered active regions of the NOAA Solar Region Summary nearest the map's time
// (core/archive/RegionSummary), each carried from the time the report's locations are valid at to the map's time
// by differential rotation and placed through the map's WCS for its own observer, as JHelioviewer's and
// Helioviewer's "NOAA AR" layer: a ring at the region's position and its number (with its Mount Wilson class in
// Greek letters for a region with spots); plages without spots (section IA) in a dimmer colour. Nothing is drawn on
// maps in a heliographic projection, on a map without a time, or where no report lies within 36 h of it.

#include "core/archive/RegionSummary.h"
#include "widgets/OverlayLayer.h"

#include <QPointF>
#include <QVector>

#include <memory>

namespace solarchip {

struct SdoMap;

class OverlayNoaaRegions : public OverlayLayer {
public:
    OverlayNoaaRegions();
    QString id() const override { return QStringLiteral("noaaRegions"); }
    QString name() const override;
    void paint(QPainter &painter, const OverlayContext &context) override;

    void setReports(std::shared_ptr<const RegionSummaryArchive> reports) { m_reports = std::move(reports); }
    const std::shared_ptr<const RegionSummaryArchive> &reports() const { return m_reports; }

    struct Label {
        NoaaRegionSeen seen;
        QPointF pixel;  ///< 0-based map pixel (FITS order, y up)
    };
    /// The report used for `map` (null when none is within reach or the map cannot carry labels).
    const RegionSummary *reportFor(const SdoMap &map) const;
    /// What paint() draws on `map`: the regions of reportFor(map) inside the map's pixels.
    QVector<Label> labelsOn(const SdoMap &map) const;

private:
    std::shared_ptr<const RegionSummaryArchive> m_reports;
};

}  // namespace solarchip
