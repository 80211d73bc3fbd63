#pragma once
// The one place that knows what a map file is. A file is a FITS image or a Helioviewer JPEG2000 (JP2) file,
// decided by its first bytes ("SIMPLE  =" or the JP2 signature box), never by its name; every caller that
// opens a map file (the catalogue scanner, the app's documents and map loader, `solarchip info`, prep) goes
// through MapFile, so a folder of .jp2 files is catalogued, browsed and opened exactly like a folder of FITS
// files, and a file that is neither is refused with one clear message naming it.
//
// Two depths: readInfo() reads the header only (FITS: the image HDU's header through CFITSIO; JP2: the boxes
// and the codestream header, nothing decoded) and yields the catalogue metadata of the map that load() would
// return; load() reads the pixels too. With `maxSide`, a JPEG2000 file is decoded at the coarsest wavelet level
// whose longer side is at most maxSide (FITS files have no such levels: they are read whole), and readInfo()
// describes that reduced map, so header-only and full reads always agree on size and WCS.

#include "core/base/Expected.h"
#include "core/map/FitsReader.h"
#include "core/map/MapMeta.h"
#include "core/map/PixelFrame.h"
#include "core/map/SdoMap.h"

#include <QByteArray>
#include <QString>

namespace solarchip {

enum class MapFormat { Fits, Jp2 };

/// A map file read from its header alone.
struct MapFileInfo {
    MapFormat format = MapFormat::Fits;
    /// The map's metadata, as load() would give it: naxis1/2 are the image's own size (the decoded size for a
    /// reduced JPEG2000 read, the uncompressed size of a tile-compressed HDU), bitpix as stored.
    MapMeta meta;
    /// Where the image sits (hdu: 1-based FITS HDU, 0 for JPEG2000), how it is stored (bitpix, compression:
    /// "RICE_1", ..., "JPEG2000"), the file size, and the header the loaded map carries.
    FitsImageInfo source;
    int reduce = 0;            // JPEG2000: the wavelet level described (0: full resolution)
    int resolutionLevels = 0;  // JPEG2000: levels in the file (the largest usable reduce); FITS: 0
};

class MapFile {
public:
    /// Decides the format from the first bytes of the file. Fails, naming the file, for a missing, empty,
    /// unreadable or folder path, and for content that is neither FITS nor JP2 (saying what it looks like
    /// when that is known: a bare JPEG2000 codestream, a gzip file).
    static Expected<MapFormat> detect(const QString &path);
    /// The same decision from bytes already read (at least the first 30 bytes of the file).
    static Expected<MapFormat> detectBytes(const QByteArray &head, const QString &path);
    static QString formatName(MapFormat format);  // "FITS", "JPEG2000"

    /// True for names a folder scan considers (content still decides): *.fits, *.fit, *.fts, *.fz, *.jp2,
    /// *.jpx, any case. Listing by name keeps a scan from opening every text file of a tree.
    static bool isCandidateName(const QString &fileName);

    /// Header only: the catalogue metadata and the header of the map load(path, maxSide) returns.
    static Expected<MapFileInfo> readInfo(const QString &path, int maxSide = 0);
    /// The whole map (pixels, metadata, WCS, header), checked to be an SDO map with a usable time and WCS.
    static Expected<SdoMap> load(const QString &path, int maxSide = 0);
    /// The pixel grid and WCS of load(path, maxSide), from the header only.
    static Expected<PixelFrame> readFrame(const QString &path, int maxSide = 0);
};

}  // namespace solarchip
