#pragma once
// Writes a float32 image with a header as a FITS file, atomically: a temporary beside the target, fsync,
// rename. A failure (full disk, unwritable folder) removes the temporary and leaves any existing file as it
// was. Optional storage as int16/int32 with BSCALE/BZERO and tile compression (RICE_1 like real AIA/HMI
// files: the image then sits in HDU 2 as a compressed BINTABLE).

#include "core/base/Expected.h"
#include "core/map/FitsHeader.h"
#include "core/base/Image.h"

#include <QString>

namespace solarchip {

struct FitsWriteOptions {
    enum class Type { Float32, Float64, Int16, Int32 };
    Type type = Type::Float32;
    /// "" (uncompressed primary HDU), "RICE_1", "GZIP_1", "GZIP_2", "HCOMPRESS_1", "PLIO_1".
    QString compression;
    /// Integer storage: stored = round((value - bzero) / bscale); NaN -> BLANK; clipped to the type's range.
    double bscale = 1.0;
    double bzero = 0.0;
    /// Quantisation level for float RICE compression (CFITSIO's q; 0 = CFITSIO default 4).
    float quantizeLevel = 0.0f;
    /// Tile shape for compression (0 = row by row, CFITSIO's default for RICE).
    int tileWidth = 0;
    int tileHeight = 1;
    /// CFITSIO stamps the CHECKSUM/DATASUM comments with the current time; when set (e.g.
    /// "2011-06-07T00:10:00"), that text is used instead, so identical input gives byte-identical files
    /// (the synthetic archive is reproducible per seed).
    QString checksumTime;
};

class FitsWriter {
public:
    /// Writes `image` with the non-structural cards of `header`. Returns an error naming `path` on failure.
    static Status write(const QString &path, const FitsHeader &header, const Image &image,
                        const FitsWriteOptions &options = {});
};

}  // namespace solarchip
