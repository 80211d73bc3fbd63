#pragma once
// How a map is prepared for display, as the prep part of its MapCache key. The map views draw any map north
// up through its own WCS and link views in world coordinates, so AIA maps need no resampling: they are shown
// as stored, or block-averaged by a whole factor when larger than the display size (exact means, WCS kept
// exact). HMI magnetograms (stored ~180 deg rotated at 0.504"/px) are co-registered into the AIA frame of their
// set: put onto the AIA map's display grid by the same rule the models' input uses (core/map/FramePrep), so
// the two line up pixel for pixel. Only the reference AIA file's header is read for that, so every member of
// a set loads independently and in parallel, and the key names the reference so a map prepared for one frame
// is never served for another.

#include "core/base/Expected.h"
#include "core/archive/MapCache.h"
#include "core/archive/ObservationSet.h"
#include "core/map/SdoMap.h"

#include <QSize>

#include <optional>

namespace solarchip {

struct DisplayPrep {
    enum class Kind { AsStored, Downsample, IntoFrameOf };
    Kind kind = Kind::AsStored;
    int width = 0;            // Downsample: output size; IntoFrameOf: the reference's display size
    int height = 0;
    QString referenceFile;    // IntoFrameOf: the AIA file whose (display) pixel grid HMI is resampled onto

    /// "" (as stored), "ds:512x512", "into:512x512:/path/aia.fits".
    QString toKey() const;
    static std::optional<DisplayPrep> fromKey(const QString &key);

    /// Display size of an observation: itself, or divided by the smallest whole factor that brings its
    /// longer side to at most maxSize.
    static QSize displaySize(const Observation &observation, int maxSize);
    /// The prep of one member of a set: HMI into the frame of the set's first AIA member taken within the
    /// set's tolerance (at least 10 min) of it, everything else (and HMI without such a member) as stored or
    /// downsampled.
    static DisplayPrep forMember(const Observation &member, const ObservationSet &set, int maxSize);
};

/// Loads a file (FITS or Helioviewer .jp2) and prepares it as key.prep says. The MapCache loader of
/// solarchip-studio; safe to call from any thread.
Expected<SdoMap> loadDisplayMap(const MapKey &key);

}  // namespace solarchip
