#pragma once
// The part of a map's JSON that `solarchip info` and `solarchip prep` (its "in" and "out") both print: what the
// map is (instrument, channel, time), its grid and WCS (NAXIS, CDELT, CRPIX, CRVAL, CROTA2), RSUN_OBS, EXPTIME,
// unit, level, and the pixel statistics. One function, so the two commands cannot drift apart.

#include "core/base/Image.h"
#include "core/map/SdoMap.h"

#include <QJsonObject>

namespace solarchip::cli {

/// `stats` is computeStats(map.image) (passed in: `info` also needs it for its warnings).
QJsonObject mapSummaryJson(const SdoMap &map, const ImageStats &stats);

}  // namespace solarchip::cli
