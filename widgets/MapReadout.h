#pragma once
// What the cursor points at on a map, ready for a status bar: the pixel, its value with units,
// helioprojective arcsec and heliographic Stonyhurst lon/lat of the pixel centre through core's Wcs
// ("off disk" when the line of sight misses the Sun), and the observation time.

#include "core/map/SdoMap.h"

#include <QDateTime>
#include <QMetaType>
#include <QString>

namespace solarchip {

struct MapReadout {
    bool valid = false;       // the cursor is over the map's pixels
    double x = 0, y = 0;      // continuous 0-based pixel position of the cursor (FITS pixel - 1)
    int ix = -1, iy = -1;     // the pixel under the cursor (nearest pixel centre)
    double value = 0;         // its value (NaN for missing data)
    QString unit;             // "DN", "DN/s", "Gauss"...
    bool hasHelioprojective = false;
    double tx = 0, ty = 0;    // helioprojective arcsec of the pixel centre
    bool onDisk = false;
    double lon = 0, lat = 0;  // heliographic Stonyhurst degrees (valid when onDisk)
    QDateTime time;           // UTC
    QString channel;          // canonical key ("171", "hmi")
    QString title;            // the view's label ("AIA 171 Å 2011-06-07 12:00:01")

    /// "x 512 y 300" (0-based pixel indices as everywhere in the product)
    QString pixelText() const;
    /// "1234.5 DN", "-532 Gauss", "NaN"
    QString valueText() const;
    /// "Tx -512.3″ Ty 210.9″"
    QString helioprojectiveText() const;
    /// "lon -31.52° lat 12.03°" or "off disk"
    QString stonyhurstText() const;
    /// "2011-06-07 12:00:01 UTC"
    QString timeText() const;
    /// Everything on one line for a status bar.
    QString toString() const;

    /// The readout at a pixel position of a map (position outside the image: valid = false).
    static MapReadout at(const SdoMap &map, double x, double y);
};

}  // namespace solarchip

Q_DECLARE_METATYPE(solarchip::MapReadout)
