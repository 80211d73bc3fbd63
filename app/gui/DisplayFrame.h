#pragma once
// The common pixel frame the maps of one co-temporal set are prepared to for display: north up, one plate
// scale, the disk centre at the image centre, `size` pixels a side. Every member of a set, AIA or HMI, is
// put through Prep::level15 with the same frame, so HMI (stored ~180 deg rotated at 0.504"/px) lands
// co-registered on the AIA pixel grid and linked views line up pixel for pixel. The frame's text form is the
// prep part of a MapCache key, so changing the display size never serves a map prepared for another one.

#include "core/Expected.h"
#include "core/MapCache.h"
#include "core/ObservationSet.h"
#include "core/SdoMap.h"

#include <optional>

namespace solarchip {

struct DisplayFrame {
    int size = 0;          // output width = height, pixels
    double scale = 0;      // arcsec per pixel
    bool recenter = true;  // full-disk maps: disk centre to the image centre

    /// "l15:1024:2.4:c" (the MapCache key's prep text).
    QString toKey() const;
    static std::optional<DisplayFrame> fromKey(const QString &key);

    /// The frame for a whole set: from its first AIA member (else its first member): the same field of view
    /// at min(width, maxSize) pixels.
    static DisplayFrame forSet(const ObservationSet &set, int maxSize);
    /// The frame for one observation on its own (loose files).
    static DisplayFrame forObservation(const Observation &observation, int maxSize);
};

/// Loads a file (FITS or Helioviewer .jp2) and prepares it to the frame in key.prep; key.prep empty: as
/// stored. The MapCache loader of solarchip-studio; safe to call from any thread.
Expected<SdoMap> loadDisplayMap(const MapKey &key);

}  // namespace solarchip
