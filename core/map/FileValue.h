#pragma once
// The value a file itself holds at one of its pixels, for the cursor readout: the display map may be
// reduced, block-averaged or resampled (see FilePixels), but a user comparing with DS9 or sunpy wants the
// number in the file. FITS files are read one pixel at a time through CFITSIO (BSCALE/BZERO applied, NaN for
// BLANK; a tile-compressed file decompresses only the tile that holds it). A JPEG2000 file has no random
// access to a pixel, so it is decoded once at full resolution and kept: the last kMaxJp2Images files (a
// 4096^2 Helioviewer image is 16 MiB as the bytes it holds). Slow on first use (a full decode takes about a
// second for 4096^2): call it off the UI thread. Safe from any thread.

#include "core/base/Expected.h"

#include <QString>

namespace solarchip {

class FileValue {
public:
    static constexpr int kMaxJp2Images = 2;

    /// The value of file pixel (x, y) (0-based, x along NAXIS1, y along NAXIS2 from the bottom row).
    static Expected<double> at(const QString &path, int x, int y);
    /// Whether at() answers without reading the file again (JPEG2000 decoded already, or any FITS file).
    static bool isCheap(const QString &path);
    /// Drops the kept JPEG2000 images (tests).
    static void clearCache();
};

}  // namespace solarchip
