#pragma once
// One SDO map: float32 pixels, metadata, the WCS, and the header it came from. Maps are plain values;
// the GUI shares them through std::shared_ptr<const SdoMap>.

#include "core/base/Expected.h"
#include "core/map/FilePixels.h"
#include "core/map/FitsHeader.h"
#include "core/map/FitsReader.h"
#include "core/base/Image.h"
#include "core/map/MapMeta.h"
#include "core/map/Wcs.h"

namespace solarchip {

struct SdoMap {
    MapMeta meta;
    Image image;
    Wcs wcs;
    FitsHeader header;   // the original image header (for writing derived maps with their provenance)
    FitsImageInfo source;  // where it came from (hdu, compression, bitpix)
    /// How this map's pixels sit on the pixels of its file (identity for a file read as stored; unknown for
    /// maps assembled from pixels). Display preparation keeps it up to date (core/archive/DisplayPrep).
    FilePixels filePixels;

    /// Reads a FITS or Helioviewer JPEG2000 file (decided by content) and checks it is an SDO map with a usable
    /// time and WCS: shorthand for MapFile::load(path).
    static Expected<SdoMap> load(const QString &path);
    /// Assembles a map from a header and pixels (e.g. a JPEG2000 file, a synthetic image).
    static Expected<SdoMap> fromHeaderAndImage(const FitsHeader &header, Image image, const QString &file);
};

}  // namespace solarchip
