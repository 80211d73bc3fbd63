#pragma once
// Running and base difference images of co-aligned maps of one channel, labelled with their time step
// the way Helioviewer users ask for ("171 Å 2011-06-07 12:00 − 00:00 (Δt = 12 h)"). Pure functions over
// core maps: the viewer shows the result with a symmetric diverging colormap
// (core/DisplayLimits defaultDifferenceDisplaySettings), and the CLI can write it as FITS.

#include "core/base/Expected.h"
#include "core/map/SdoMap.h"

#include <QString>

#include <vector>

namespace solarchip {

struct DifferenceOptions {
    /// Divide each map by its EXPTIME before subtracting (DN -> DN/s), so exposure changes (AIA's
    /// automatic exposure control during flares) do not show up as brightenings. Maps already in DN/s,
    /// or without EXPTIME, fail with a clear message when this is asked for.
    bool normaliseByExposure = false;
    /// Largest tolerated misalignment between the two maps' WCS, in pixels (reference pixel position of
    /// the same world point) and relative plate scale; beyond it the maps are "not co-aligned".
    double maxOffsetPixels = 0.5;
    double maxScaleMismatch = 1e-3;
};

struct DifferenceMap {
    enum class Kind { Running, Base };
    Kind kind = Kind::Running;
    /// current - reference (pixel by pixel), with the current map's metadata, WCS and header (HISTORY
    /// lines record the reference file and the operation). NaN where either map is NaN.
    SdoMap map;
    QString label;        // "171 Å 2011-06-07 12:00 − 00:00 (Δt = 12 h)"
    double dtSeconds = 0; // current time - reference time
    QString referenceFile;
    /// Why pixels are blank (NaN): the current map has no value there (off-disk HMI, missing data), or the
    /// reference has none where the current map has one (outside its field of view or, after resampling
    /// through the solar sphere without a screen, off its disk). Nothing else is masked.
    long long pixels = 0;               // all pixels
    long long blankInCurrent = 0;       // NaN in the current map
    long long blankByReference = 0;     // finite in the current map, NaN in the reference
    long long blank() const { return blankInCurrent + blankByReference; }
};

/// What a difference leaves blank and why, for the view and HISTORY ("blank: 48.2 % no data in this map
/// (HMI has none off the disk); 0.4 % none in the reference (outside its field of view or blank there)"); empty
/// when nothing is blank.
QString differenceBlankNote(const DifferenceMap &difference);
/// The difference's title for a view: its label and, on a second line, differenceBlankNote() when something
/// is blank (nothing is masked silently).
QString differenceTitle(const DifferenceMap &difference);

/// current - reference for two maps of the same channel on the same pixel grid (same size and WCS within
/// the tolerances). Errors name the files: different channels, sizes, misaligned WCS, missing EXPTIME.
Expected<DifferenceMap> differenceMap(const SdoMap &current, const SdoMap &reference,
                                      DifferenceMap::Kind kind = DifferenceMap::Kind::Running,
                                      const DifferenceOptions &options = {});

/// Running differences of a time-ordered sequence: maps[i] - maps[i - 1] for i >= 1.
Expected<std::vector<DifferenceMap>> runningDifferences(const std::vector<SdoMap> &maps,
                                                        const DifferenceOptions &options = {});
/// Base differences: maps[i] - base for every map.
Expected<std::vector<DifferenceMap>> baseDifferences(const std::vector<SdoMap> &maps, const SdoMap &base,
                                                     const DifferenceOptions &options = {});

/// The label of a difference: channel label without the instrument ("171 Å", "HMI magnetogram"), the
/// current time "yyyy-MM-dd HH:mm" (seconds shown when either time has non-zero seconds), a minus sign and
/// the reference time (date omitted when on the same day), and the step: "(Δt = 12 h)", "(Δt = 12 s)",
/// "(Δt = 1 h 30 min)", "(Δt = 2 d)", negative steps with a minus sign.
QString differenceLabel(const MapMeta &current, const MapMeta &reference);
/// "12 h", "90 s" -> "1 min 30 s", "2 d 3 h": the largest two non-zero units of d/h/min/s (rounded to s).
QString formatTimeStep(double seconds);

}  // namespace solarchip
