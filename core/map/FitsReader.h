#pragma once
// Reads any FITS image the SDO world produces: primary or tile-compressed (RICE/GZIP/HCOMPRESS) image HDUs,
// BITPIX 8/16/32/64/-32/-64, BSCALE/BZERO, BLANK -> NaN. Pixels go straight into the float32 buffer of the
// result (no intermediate copy). Each call opens its own fitsfile*, so calls are safe from any thread.

#include "core/base/Expected.h"
#include "core/map/FitsHeader.h"
#include "core/base/Image.h"

#include <QString>

namespace solarchip {

/// Where the image sits in the file and how it is stored.
struct FitsImageInfo {
    QString file;
    int hdu = 1;            // 1-based HDU number of the image (2 for real AIA/HMI RICE files)
    int bitpix = 0;         // of the (uncompressed) image
    int naxis1 = 0;
    int naxis2 = 0;
    bool compressed = false;
    QString compression;    // ZCMPTYPE: RICE_1, GZIP_1, ... (empty when not compressed)
    qint64 fileSize = 0;
    FitsHeader header;      // the image HDU's header (compressed HDUs: as the uncompressed image's header)
};

struct FitsImage {
    FitsImageInfo info;
    Image image;
};

class FitsReader {
public:
    /// Header of the first 2-D image HDU (primary or extension), without reading pixels.
    static Expected<FitsImageInfo> readInfo(const QString &path);
    /// Header and pixels (float32; BSCALE/BZERO applied; BLANK and non-finite values -> NaN).
    static Expected<FitsImage> read(const QString &path);
    /// One pixel of the image (0-based x along NAXIS1, y along NAXIS2) as the file holds it: BSCALE/BZERO
    /// applied, NaN for BLANK. Reads only the tile or bytes that hold it (the readout's raw file value).
    static Expected<double> readPixel(const QString &path, int x, int y);
    /// The image's pixels x0 <= x < x0 + width, y0 <= y < y0 + height (0-based; the rectangle must lie inside the
    /// image) with the header, as read() gives them. A tile-compressed HDU decompresses only the tiles that
    /// hold the rectangle.
    static Expected<FitsImage> readSection(const QString &path, int x0, int y0, int width, int height);
};

}  // namespace solarchip
