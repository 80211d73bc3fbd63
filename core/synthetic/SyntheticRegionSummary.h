#pragma once
// The synthetic archive's NOAA Solar Region Summaries: one report per day (core/archive/RegionSummary's layout,
// SWPC's fixed-width text), written from the generator's own regions at 00:00 UTC of the day, so the app labels the
// synthetic Sun's active regions as it labels the real Sun's (JHelioviewer's "NOAA AR" layer) and the flare list's
// region numbers point at a position. How the columns are made from a region (SyntheticRegionState):
//   Location, Lo   its flux-weighted centre (Stonyhurst latitude/longitude, Carrington longitude), whole degrees;
//   Area           its spot area (areaMsh, not foreshortened, as NOAA's corrected areas);
//   section        I (sunspots) while the area is at least 5 millionths, IA (plage without spots) after that while
//                  the unsigned flux is at least 4e21 Mx (about as many plages as regions with spots, as in real reports); a region with no NOAA number yet is not listed, nor one
//                  whose centre is beyond a limb (|lon| > 90 deg);
//   section II     numbered regions behind the east limb that rotate onto the disk within the three days from the
//                  issue date (Snodgrass rates);
//   Mag Type       its Mount Wilson class (Beta, Beta-Gamma, Beta-Gamma-Delta);
//   LL             the polarity centroids' longitude difference plus 2 deg (spots extend past their centroids);
//   Z (McIntosh)   Zurich class B under 20 millionths, C under 60, then D/E/F for LL up to 10 / 15 / above deg;
//                  penumbra x (class B), s under 100, a under 300, h under 600, else k; compactness c for a delta
//                  region, i for beta-gamma, o otherwise;
//   NN             2 + area/15 spots (at most 60), + 4 for a delta region.
// The reports say in their '#' lines that they are synthetic, not NOAA products; the layout is SWPC's, so sunpy's
// read_srs reads them (tests/core/tst_regionsummary).

#include "core/archive/RegionSummary.h"

#include <QDate>

namespace solarchip {

class SyntheticSun;

/// The report issued on `day` at 00:30 UTC, locations valid at `day` 00:00 UTC.
RegionSummary syntheticRegionSummary(const SyntheticSun &sun, const QDate &day);

/// OUT/srs/YYYY/YYYYMMDDSRS.txt: where the archive keeps the report issued on `day` (SWPC's warehouse keeps
/// YYYY/SRS/YYYYMMDDSRS.txt).
QString syntheticRegionSummaryPath(const QDate &day);

}  // namespace solarchip
