#include "core/base/Image.h"

#include <cmath>
#include <limits>

namespace solarchip {

ImageStats computeStats(const Image &image)
{
    ImageStats s;
    double sum = 0, sum2 = 0;
    double mn = std::numeric_limits<double>::infinity(), mx = -mn;
    const float *p = image.data();
    const std::size_t n = image.size();
    // Two passes in double (sum, then squared deviations): numerically stable for 4096^2 float32 pixels.
    for (std::size_t i = 0; i < n; ++i) {
        const float v = p[i];
        if (!std::isfinite(v)) {
            ++s.nanCount;
            continue;
        }
        ++s.finiteCount;
        sum += v;
        if (v < mn)
            mn = v;
        if (v > mx)
            mx = v;
    }
    if (s.finiteCount == 0) {
        s.min = s.max = s.mean = s.std = std::numeric_limits<double>::quiet_NaN();
        return s;
    }
    s.mean = sum / static_cast<double>(s.finiteCount);
    for (std::size_t i = 0; i < n; ++i) {
        const float v = p[i];
        if (std::isfinite(v)) {
            const double d = v - s.mean;
            sum2 += d * d;
        }
    }
    s.min = mn;
    s.max = mx;
    s.std = std::sqrt(sum2 / static_cast<double>(s.finiteCount));  // population std, like numpy's default
    return s;
}

}  // namespace solarchip
