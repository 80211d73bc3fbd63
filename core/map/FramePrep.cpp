#include "core/map/FramePrep.h"

#include "core/map/Prep.h"

#include <algorithm>
#include <cmath>

namespace solarchip {

double FramePrep::meanPlateScale(const MapMeta &meta)
{
    return 0.5 * (std::abs(meta.cdelt1) + std::abs(meta.cdelt2));
}

int FramePrep::shrinkFactor(double frameScale, double mapScale)
{
    if (!(frameScale > 0) || !(mapScale > 0) || !std::isfinite(frameScale / mapScale))
        return 1;
    const int k = static_cast<int>(std::floor(frameScale / mapScale + 1e-9));
    return k >= 2 ? k : 1;
}

Expected<SdoMap> FramePrep::ontoFrame(SdoMap map, const PixelFrame &frame, Interpolation interpolation, OffDisk offDisk)
{
    const int k = shrinkFactor(meanPlateScale(frame.meta), meanPlateScale(map.meta));
    if (k >= 2) {
        const int w = map.image.width / k, h = map.image.height / k;
        auto down = Prep::downsample(std::move(map), w, h);
        if (!down)
            return down.error();
        map = std::move(*down);
    }
    return Prep::toFrame(std::move(map), frame, interpolation, nullptr, offDisk);
}

int FramePrep::displayFactor(int width, int height, int maxSize)
{
    const int longer = std::max(width, height);
    return maxSize > 0 && longer > maxSize ? (longer + maxSize - 1) / maxSize : 1;
}

QSize FramePrep::displaySize(int width, int height, int maxSize)
{
    const int factor = displayFactor(width, height, maxSize);
    return QSize(std::max(1, width / factor), std::max(1, height / factor));
}

}  // namespace solarchip
