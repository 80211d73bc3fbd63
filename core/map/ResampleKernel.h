#pragma once
// Internal to core/Resample.cpp: sampling a float image at exact (double) positions with bilinear or
// Catmull-Rom cubic weights, NaN-aware by footprint.
//
// Why not OpenCV's warpAffine/remap: they quantise sample positions to 1/32 px, and their INTER_CUBIC is
// Keys' kernel with a = -0.75, which does not reproduce linear ramps (its first moment is not zero: up to
// 0.047 px of position-dependent shift, so on a smooth gradient it is *less* accurate than bilinear).
// Keys' a = -0.5 (Catmull-Rom) reproduces quadratics (third-order accurate), needs no prefilter (unlike
// the B-spline of scipy's order=3, whose prefilter spreads NaN across whole rows), and keeps NaN local.

#include "core/base/Image.h"

#include <cmath>
#include <limits>

namespace solarchip::detail {

/// The taps of one axis: `count` consecutive pixels from `start` with weights w[0..count).
struct Taps {
    int start = 0;
    int count = 0;
    float w[4] = {0, 0, 0, 0};
};

/// Taps for position s (0-based pixel centres) on an axis of n pixels. Returns false when the footprint
/// leaves the image (or s is NaN). Exact pixel positions give a single tap, so resampling onto the same grid
/// reproduces the image (NaN pattern included).
inline bool axisTaps(double s, int n, bool cubic, Taps &t)
{
    // Positions within 1e-9 px of a pixel centre are that centre (model round-off must not turn an exact
    // grid into a shifted one, or push the edge pixels out of the image).
    const double r = std::nearbyint(s);
    if (std::fabs(s - r) < 1e-9)
        s = r;
    if (!(s >= 0.0 && s <= n - 1.0))
        return false;
    const double f = std::floor(s);
    int i = static_cast<int>(f);
    double u = s - f;
    if (u == 0.0) {
        t.start = i;
        t.count = 1;
        t.w[0] = 1.0f;
        return true;
    }
    if (!cubic) {
        t.start = i;
        t.count = 2;
        t.w[0] = static_cast<float>(1.0 - u);
        t.w[1] = static_cast<float>(u);
        return true;
    }
    if (i < 1 || i + 2 > n - 1)
        return false;
    // Catmull-Rom (Keys a = -0.5) weights for taps i-1, i, i+1, i+2.
    const double u2 = u * u, u3 = u2 * u;
    t.start = i - 1;
    t.count = 4;
    t.w[0] = static_cast<float>(-0.5 * u3 + u2 - 0.5 * u);
    t.w[1] = static_cast<float>(1.5 * u3 - 2.5 * u2 + 1.0);
    t.w[2] = static_cast<float>(-1.5 * u3 + 2.0 * u2 + 0.5 * u);
    t.w[3] = static_cast<float>(0.5 * u3 - 0.5 * u2);
    return true;
}

/// The value at (sx, sy); NaN when a tap with non-zero weight is NaN or the footprint leaves the image.
inline float sample(const Image &src, double sx, double sy, bool cubic)
{
    Taps tx, ty;
    if (!axisTaps(sx, src.width, cubic, tx) || !axisTaps(sy, src.height, cubic, ty))
        return std::numeric_limits<float>::quiet_NaN();
    if (tx.count == 4 && ty.count == 4) {
        // The common cubic case, unrolled.
        float acc = 0.0f;
        for (int j = 0; j < 4; ++j) {
            const float *row = src.row(ty.start + j) + tx.start;
            acc += ty.w[j] * (tx.w[0] * row[0] + tx.w[1] * row[1] + tx.w[2] * row[2] + tx.w[3] * row[3]);
        }
        return acc;
    }
    float acc = 0.0f;
    for (int j = 0; j < ty.count; ++j) {
        const float *row = src.row(ty.start + j) + tx.start;
        float r = 0.0f;
        for (int i = 0; i < tx.count; ++i)
            r += tx.w[i] * row[i];
        acc += ty.w[j] * r;
    }
    return acc;
}

}  // namespace solarchip::detail
