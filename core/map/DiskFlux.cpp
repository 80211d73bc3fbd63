#include "core/map/DiskFlux.h"

#include "core/map/DiskMask.h"
#include "core/map/PixelFrame.h"

#include <cmath>

namespace solarchip {

Expected<DiskFlux> diskUnsignedFlux(const SdoMap &map, double radiusFactor)
{
    const MapMeta &m = map.meta;
    if (m.instrument != Instrument::HMI || m.channel != QLatin1String("hmi") || !isMagneticFieldUnit(m.unit))
        return Error{m.file, QStringLiteral("not an HMI line-of-sight magnetogram in gauss (%1, unit '%2'): no magnetic flux")
                                 .arg(m.displayName(), m.unit)};
    auto frame = PixelFrame::fromMap(map);
    if (!frame)
        return frame.error();
    auto mask = DiskMask::compute(*frame, radiusFactor, true);
    if (!mask)
        return mask.error();
    constexpr double kArcsec = M_PI / 180.0 / 3600.0;
    const double distance = m.dsunObs > 0 ? m.dsunObs : m.rsunRef / std::sin(m.rsunObs * kArcsec);  // metres
    const double areaCm2 = std::abs(m.cdelt1 * m.cdelt2) * kArcsec * kArcsec * distance * distance * 1e4;
    DiskFlux out;
    out.radiusFactor = radiusFactor;
    double sum = 0;
    for (std::size_t i = 0; i < mask->inside.size(); ++i) {
        if (!mask->inside[i])
            continue;
        const float b = map.image.pixels[i];
        const double mu = mask->mu[i];
        if (!std::isfinite(b) || !(mu > 0)) {
            ++out.nanPixels;
            continue;
        }
        sum += std::abs(static_cast<double>(b)) / (mu * mu);
        ++out.pixels;
    }
    out.unsignedMx = sum * areaCm2;
    return out;
}

}  // namespace solarchip
