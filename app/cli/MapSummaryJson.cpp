#include "app/cli/MapSummaryJson.h"

#include "core/map/SdoTime.h"

#include <cmath>

namespace solarchip::cli {

namespace {

// JSON has no NaN or infinity: an image without finite pixels has null statistics.
QJsonValue finiteOrNull(double v) { return std::isfinite(v) ? QJsonValue(v) : QJsonValue(); }

}  // namespace

QJsonObject mapSummaryJson(const SdoMap &map, const ImageStats &stats)
{
    const MapMeta &m = map.meta;
    return QJsonObject{
        {QStringLiteral("instrument"), instrumentName(m.instrument)},
        {QStringLiteral("channel"), m.channel},
        {QStringLiteral("t_obs"), SdoTime::toIso(m.tObs)},
        {QStringLiteral("naxis1"), m.naxis1},
        {QStringLiteral("naxis2"), m.naxis2},
        {QStringLiteral("cdelt1"), m.cdelt1},
        {QStringLiteral("cdelt2"), m.cdelt2},
        {QStringLiteral("crpix1"), m.crpix1},
        {QStringLiteral("crpix2"), m.crpix2},
        {QStringLiteral("crval1"), m.crval1},
        {QStringLiteral("crval2"), m.crval2},
        {QStringLiteral("crota2"), m.crota2},
        {QStringLiteral("rsun_obs"), m.rsunObs},
        {QStringLiteral("exptime"), m.exptime},
        {QStringLiteral("unit"), m.unit},
        {QStringLiteral("level"), m.level},
        {QStringLiteral("stats"), QJsonObject{{QStringLiteral("min"), finiteOrNull(stats.min)},
                                              {QStringLiteral("max"), finiteOrNull(stats.max)},
                                              {QStringLiteral("mean"), finiteOrNull(stats.mean)},
                                              {QStringLiteral("std"), finiteOrNull(stats.std)},
                                              {QStringLiteral("nan_count"), static_cast<double>(stats.nanCount)}}},
    };
}

}  // namespace solarchip::cli
