#pragma once
// Writes a synthetic archive folder (the layout documented in SyntheticSun.h): a manifest of the options,
// the flare list, then per time step every channel's FITS file and the ground-truth JSON. Channels of a step
// render and compress in parallel. Files that already exist are complete (every write is temp + fsync +
// rename) and are skipped, so a run killed at any moment resumes when started again with the same options;
// a folder written with other options is refused rather than mixed. A lock file keeps two runs out of one
// folder.

#include "core/synthetic/SyntheticSun.h"

namespace solarchip {

class SyntheticArchiveWriter {
public:
    /// Writes the archive (layout in SyntheticSun.h). Skips existing complete files; cancellable through
    /// `progress`.
    static Expected<SyntheticSummary> run(const SyntheticOptions &options, const SyntheticProgressFn &progress = {});

    /// OUT/swpc_flarelist_YYYYMMDD-YYYYMMDD.csv for a run (dates of the first day and of the last day the
    /// list covers: the run plus the 24 h after it, for labels of the last steps).
    static QString flareListName(const SyntheticOptions &options);
    /// OUT/flarelist_sites_YYYYMMDD-YYYYMMDD.csv: the same flares in the cycle-24 list's layout, with their sites.
    static QString flareSitesName(const SyntheticOptions &options);
    static QString truthRelativePath(const QDateTime &step);
};

}  // namespace solarchip
