#pragma once
// What a file holds inside a box on the sky: the statistics of its own pixels (no prep, no resampling) whose
// centres lie inside a helioprojective box, the numbers a light curve is made of. A pixel counts when the
// helioprojective coordinates of its centre (through the file's WCS) satisfy |Tx - cx| <= w/2 and
// |Ty - cy| <= h/2; NaN (BLANK, off-disk HMI) pixels are counted apart and left out. Only the rectangle of file
// pixels that can hold the box is read (a tile-compressed HDU decompresses only the tiles it needs).
//
// AIA maps in DN are divided by their exposure time (EXPTIME) and reported in DN/s, so frames of different
// exposures (the automatic exposure control shortens them during flares) compare; maps already in DN/s
// (level 1.5 exports) and every other unit (Gauss) are reported as stored. Helioviewer JPEG2000 files hold
// display-scaled bytes, not physical values, and maps in a heliographic projection (SHARP CEA patches) have no
// helioprojective box: both are refused with the reason.

#include "core/base/Expected.h"

#include <QDateTime>
#include <QRect>
#include <QString>

namespace solarchip {

struct Image;
struct PixelFrame;

/// A box on the sky in helioprojective arcsec: its centre and full width and height.
struct SkyBox {
    double tx = 0, ty = 0;
    double width = 0, height = 0;
};

struct RegionMeasure {
    QString file;
    QString channel;        // catalog key ("171", "hmi")
    QDateTime time;         // the observation time (T_OBS)
    QString unit;           // of the statistics: "DN/s" for AIA files in DN (divided by EXPTIME), else as stored
    bool perSecond = false; // divided by the exposure time
    double exptime = 0;     // seconds (0: absent)
    long long quality = 0;  // QUALITY bit field (0: nominal)
    SkyBox box;             // the box measured (centre carried by rotation when the caller did)
    double mean = 0, meanAbs = 0, min = 0, max = 0, sum = 0;
    double std = 0;           // population standard deviation (numpy's std, ddof = 0)
    long long pixels = 0;     // finite pixels inside the box
    long long nanPixels = 0;  // pixels inside the box without data
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // the file pixels read (0-based, inclusive)
};

/// The rectangle of file pixels that can hold the box (its corners through the WCS, a pixel of margin, clipped to
/// the image); an error naming the file when the box cannot be measured there (see above) or misses the image.
Expected<QRect> regionPixelRect(const QString &path, const PixelFrame &frame, const SkyBox &box);
/// The statistics over `rect` of `pixels`, an image whose pixel (0, 0) is file pixel (imageX0, imageY0): what
/// measureRegion computes once it has read the rectangle (bench lightcurve gives it the whole image instead).
Expected<RegionMeasure> measureRegionPixels(const QString &path, const PixelFrame &frame, const SkyBox &box,
                                            const Image &pixels, int imageX0, int imageY0, const QRect &rect);
/// Measures `box` on the file whose header gave `frame` (MapFile::readFrame).
Expected<RegionMeasure> measureRegion(const QString &path, const PixelFrame &frame, const SkyBox &box);
/// Reads the file's frame, then measures.
Expected<RegionMeasure> measureRegion(const QString &path, const SkyBox &box);

}  // namespace solarchip
