#pragma once
// A pixel grid with world coordinates: the frame a map lives in, or the one it is resampled onto
// (another map's frame for co-registration, or the level 1.5 frame computed from prep options).

#include "core/base/Expected.h"
#include "core/map/FitsHeader.h"
#include "core/map/MapMeta.h"
#include "core/map/Wcs.h"

namespace solarchip {

struct SdoMap;

struct PixelFrame {
    int width = 0;
    int height = 0;
    MapMeta meta;  // the WCS keywords (CTYPE, CRPIX, CRVAL, CDELT, PC) and the observer
    Wcs wcs;

    /// The frame of a loaded map.
    static Expected<PixelFrame> fromMap(const SdoMap &map);
    /// The frame of a FITS or JPEG2000 file, from its header only (pixels are not read): MapFile::readFrame.
    static Expected<PixelFrame> fromFile(const QString &path);
    /// Builds the frame from `meta` alone (PC from meta.pc) and checks it is usable.
    static Expected<PixelFrame> fromMeta(int width, int height, const MapMeta &meta);

    /// Writes the WCS keywords (CTYPE/CUNIT/CRPIX/CRVAL/CDELT, CROTA2 and PCi_j) into a header,
    /// replacing any CROTA/PC/CD cards it had. With `withObserver`, also the observer keywords.
    void writeWcs(FitsHeader &header, bool withObserver = false) const;
};

}  // namespace solarchip
