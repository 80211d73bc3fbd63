#include "core/map/DiskMask.h"

#include <opencv2/core.hpp>

#include <algorithm>
#include <cmath>

namespace solarchip {

namespace {

constexpr double kArcsec = M_PI / 180.0 / 3600.0;

}  // namespace

long long DiskMask::count() const
{
    long long n = 0;
    for (std::uint8_t v : inside)
        n += v != 0;
    return n;
}

Expected<DiskMask> DiskMask::compute(const PixelFrame &frame, double radiusFactor, bool withMu)
{
    const MapMeta &m = frame.meta;
    if (!(m.rsunObs > 0))
        return Error{m.file, QStringLiteral("no apparent solar radius (RSUN_OBS) for a disk mask")};
    if (!frame.wcs.isValid() || frame.width <= 0 || frame.height <= 0)
        return Error{m.file, QStringLiteral("no usable world coordinates for a disk mask")};
    if (!(radiusFactor > 0))
        return Error{m.file, QStringLiteral("invalid disk radius factor %1").arg(radiusFactor)};

    DiskMask mask;
    mask.width = frame.width;
    mask.height = frame.height;
    mask.inside.assign(static_cast<std::size_t>(frame.width) * frame.height, 0);
    const double cosLimit = std::cos(radiusFactor * m.rsunObs * kArcsec);
    if (withMu)
        mask.mu.assign(mask.inside.size(), 0.0f);
    const double sinSun = std::sin(m.rsunObs * kArcsec);
    // Marks pixel i from c = cos(angle from the disk centre), with its mu when asked.
    auto mark = [&](std::size_t i, double c) {
        if (!(c > cosLimit))
            return;
        mask.inside[i] = 1;
        if (withMu) {
            const double s = std::sqrt(std::max(0.0, 1.0 - c * c)) / sinSun;
            mask.mu[i] = static_cast<float>(std::sqrt(std::max(0.0, 1.0 - s * s)));
        }
    };

    const bool tan = m.isHelioprojective() && m.ctype1.endsWith(QLatin1String("-TAN"))
        && m.ctype2.endsWith(QLatin1String("-TAN"));
    if (tan) {
        // Gnomonic projection: the line of sight through intermediate coordinates (xi, eta) (radians) points
        // along (xi, eta, 1) in an orthonormal frame of the observer, for every pixel of the map. The disk
        // centre's direction comes from WCSLIB (pixel of helioprojective 0, 0), so the angle of each pixel
        // from it is one dot product: exact, and fast enough for 4096^2 maps.
        double px0 = 0, py0 = 0;
        if (!frame.wcs.worldToPixel(0.0, 0.0, px0, py0))
            return Error{m.file, QStringLiteral("the disk centre has no pixel position in this frame")};
        // CD matrix in radians per pixel (CDELT in arcsec for helioprojective maps).
        const double cd[2][2] = {{m.cdelt1 * m.pc[0][0] * kArcsec, m.cdelt1 * m.pc[0][1] * kArcsec},
                                 {m.cdelt2 * m.pc[1][0] * kArcsec, m.cdelt2 * m.pc[1][1] * kArcsec}};
        const double cx = m.crpix1 - 1.0, cy = m.crpix2 - 1.0;
        auto plane = [&](double x, double y, double &xi, double &eta) {
            xi = cd[0][0] * (x - cx) + cd[0][1] * (y - cy);
            eta = cd[1][0] * (x - cx) + cd[1][1] * (y - cy);
        };
        double xi0 = 0, eta0 = 0;
        plane(px0, py0, xi0, eta0);
        const double n0 = std::sqrt(xi0 * xi0 + eta0 * eta0 + 1.0);
        const double c0x = xi0 / n0, c0y = eta0 / n0, c0z = 1.0 / n0;
        cv::parallel_for_(cv::Range(0, frame.height), [&](const cv::Range &r) {
            for (int y = r.start; y < r.end; ++y) {
                const std::size_t row = static_cast<std::size_t>(y) * frame.width;
                for (int x = 0; x < frame.width; ++x) {
                    double xi, eta;
                    plane(x, y, xi, eta);
                    mark(row + x, (xi * c0x + eta * c0y + c0z) / std::sqrt(xi * xi + eta * eta + 1.0));
                }
            }
        });
        return mask;
    }

    // Other projections (CEA/CAR patches): through the WCS per pixel, then the same angular test.
    cv::parallel_for_(cv::Range(0, frame.height), [&](const cv::Range &r) {
        const Wcs wcs = frame.wcs;  // WCSLIB structs are not shared across threads
        for (int y = r.start; y < r.end; ++y) {
            const std::size_t row = static_cast<std::size_t>(y) * frame.width;
            for (int x = 0; x < frame.width; ++x) {
                double tx = 0, ty = 0;
                if (!wcs.pixelToHelioprojective(x, y, tx, ty))
                    continue;
                mark(row + x, std::cos(tx * kArcsec) * std::cos(ty * kArcsec));
            }
        }
    });
    return mask;
}

}  // namespace solarchip
