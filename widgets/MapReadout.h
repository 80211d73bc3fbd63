#pragma once
// What the cursor points at on a map, ready for a status bar: the pixel, its value with units,
// helioprojective arcsec and heliographic Stonyhurst lon/lat of the pixel centre through core's Wcs
// ("off disk" when the line of sight misses the Sun), and the observation time.
//
// The file speaks first: the map on screen may be a reduced, block-averaged or co-registered version of the
// file (its FilePixels say how), so the readout names the file's own pixel (0-based FITS pixel, as
// everywhere in the product: DS9 shows one more) and the file's own value there, read from the file
// (FileValue) when the display map is not the file pixel for pixel. A map in a heliographic projection (a
// Carrington CEA SHARP patch) reads out in its own coordinates: Carrington lon/lat straight from its WCS.
// Numbers follow one rule (formatNumber): five significant digits, no exponent between 1e-3 and 1e6.

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
    // The file's own pixel and value (see the header comment).
    bool hasFilePixel = false;
    int fileX = -1, fileY = -1;  // 0-based file pixel (FITS pixel - 1) nearest the cursor
    bool fileIsDisplay = false;  // the map is the file pixel for pixel: `value` is the file's value
    bool fileApproximate = false;  // placed through a co-registration (the nearest file pixel of a resampled map)
    enum class FileValue { None, Pending, Ready, Failed };
    FileValue fileValueState = FileValue::None;
    double fileValue = 0;        // when Ready (NaN for missing data)
    QString file;                // the file the pixel belongs to
    // Maps in a heliographic projection: their own world coordinates (degrees).
    bool heliographicMap = false;  // Carrington or Stonyhurst world axes
    bool carrington = false;
    bool hasNative = false;
    double nativeLon = 0, nativeLat = 0;
    QDateTime time;           // UTC
    QString channel;          // canonical key ("171", "hmi")
    QString title;            // the view's label ("AIA 171 Å 2011-06-07 12:00:01")

    /// "pixel 2040, 2048 (file)" (0-based file pixel); "pixel 510, 512 (map)" for maps without a file
    QString pixelText() const;
    /// "1234.5 DN", "-532 Gauss", "no data"; the file's value when the map is not the file ("123 8-bit
    /// scaled (file; shown 122.61)", "reading file…" until it is read)
    QString valueText() const;
    /// "Carrington lon 34.879° lat -21.077°" for heliographic maps ("" otherwise)
    QString nativeText() const;
    /// "Tx -512.3″ Ty 210.9″"
    QString helioprojectiveText() const;
    /// "lon -31.52° lat 12.03°" or "off disk"
    QString stonyhurstText() const;
    /// "2011-06-07 12:00:01 UTC"
    QString timeText() const;
    /// Everything on one line for a status bar.
    QString toString() const;

    /// The readout at a pixel position of a map (position outside the image: valid = false). The file value
    /// is Ready when the map is the file pixel for pixel, Pending when it must be read from the file.
    static MapReadout at(const SdoMap &map, double x, double y);

    /// The readout's one number format: five significant digits, fixed notation between 1e-3 and 1e6
    /// (trailing zeros dropped), exponent notation outside; "NaN" for NaN.
    static QString formatNumber(double v);
};

}  // namespace solarchip

Q_DECLARE_METATYPE(solarchip::MapReadout)
