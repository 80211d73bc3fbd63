#include "models/data/DatasetAugment.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

namespace solarchip {

quint64 mixSeed(quint64 a, quint64 b, quint64 c)
{
    // SplitMix64 finaliser applied to a running combination: cheap, and every input bit spreads to every
    // output bit, so consecutive (epoch, index) pairs give unrelated seeds.
    auto mix = [](quint64 z) {
        z += 0x9E3779B97F4A7C15ULL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    };
    return mix(mix(mix(a) ^ b) ^ c);
}

double unitInterval(quint64 bits) { return static_cast<double>(bits >> 11) * (1.0 / 9007199254740992.0); }

AugmentParams drawAugment(const AugmentSpec &spec, quint64 seed)
{
    AugmentParams p;
    const double u0 = unitInterval(mixSeed(seed, 1));
    const double u1 = unitInterval(mixSeed(seed, 2));
    const double u2 = unitInterval(mixSeed(seed, 3));
    if (spec.maxRotationDeg > 0)
        p.angleDeg = (2.0 * u0 - 1.0) * spec.maxRotationDeg;
    p.hflip = u1 < spec.hflipProbability;
    p.vflip = u2 < spec.vflipProbability;
    return p;
}

int drawQuarterTurns(quint64 seed, int channel)
{
    // Keys 1..3 are drawAugment's; channels use 101, 102, ...
    return static_cast<int>(mixSeed(seed, 101 + static_cast<quint64>(channel)) >> 62);
}

void applyQuarterTurns(float *plane, int side, int turns)
{
    turns = ((turns % 4) + 4) % 4;
    if (turns == 0 || side <= 0)
        return;
    const std::size_t n = static_cast<std::size_t>(side) * side;
    std::vector<float> src(plane, plane + n);
    for (int t = 0; t < turns; ++t) {
        for (int y = 0; y < side; ++y)
            for (int x = 0; x < side; ++x)
                plane[static_cast<std::size_t>(y) * side + x] = src[static_cast<std::size_t>(side - 1 - x) * side + y];
        if (t + 1 < turns)
            std::copy(plane, plane + n, src.begin());
    }
}

std::vector<int> quarterTurnsUndoIndex(int grid, int turns)
{
    turns = ((turns % 4) + 4) % 4;
    // After one turn, turned[r][c] = original[g-1-c][r], so original[r][c] = turned[c][g-1-r]; compose.
    std::vector<int> index(static_cast<std::size_t>(grid) * grid);
    for (int i = 0; i < grid * grid; ++i)
        index[i] = i;
    for (int t = 0; t < turns; ++t) {
        std::vector<int> next(index.size());
        for (int r = 0; r < grid; ++r)
            for (int c = 0; c < grid; ++c)
                next[r * grid + c] = index[c * grid + (grid - 1 - r)];
        index.swap(next);
    }
    return index;
}

void applyAugment(const AugmentParams &params, float *data, int channels, int side)
{
    if (params.isIdentity() || side <= 0)
        return;
    const std::size_t plane = static_cast<std::size_t>(side) * side;
    for (int c = 0; c < channels; ++c) {
        float *img = data + plane * c;
        if (params.hflip)
            for (int y = 0; y < side; ++y)
                std::reverse(img + static_cast<std::size_t>(y) * side, img + static_cast<std::size_t>(y + 1) * side);
        if (params.vflip)
            for (int y = 0; y < side / 2; ++y)
                std::swap_ranges(img + static_cast<std::size_t>(y) * side, img + static_cast<std::size_t>(y + 1) * side,
                                 img + static_cast<std::size_t>(side - 1 - y) * side);
    }
    if (params.angleDeg == 0)
        return;

    // Output pixel p takes the input at q = R(-angle) (p - c) + c (y up, counter-clockwise positive);
    // bilinear with zero outside the image.
    const double a = params.angleDeg * std::numbers::pi / 180.0;
    const double cs = std::cos(a), sn = std::sin(a);
    const double ctr = (side - 1) / 2.0;
    std::vector<float> src(plane);
    for (int c = 0; c < channels; ++c) {
        float *img = data + plane * c;
        std::copy(img, img + plane, src.begin());
        auto at = [&](int x, int y) -> double {
            return (x < 0 || y < 0 || x >= side || y >= side) ? 0.0 : src[static_cast<std::size_t>(y) * side + x];
        };
        for (int y = 0; y < side; ++y) {
            const double dy = y - ctr;
            for (int x = 0; x < side; ++x) {
                const double dx = x - ctr;
                const double qx = ctr + cs * dx + sn * dy;
                const double qy = ctr - sn * dx + cs * dy;
                const double fx = std::floor(qx), fy = std::floor(qy);
                const int x0 = static_cast<int>(fx), y0 = static_cast<int>(fy);
                const double tx = qx - fx, ty = qy - fy;
                const double v = (1 - ty) * ((1 - tx) * at(x0, y0) + tx * at(x0 + 1, y0))
                                 + ty * ((1 - tx) * at(x0, y0 + 1) + tx * at(x0 + 1, y0 + 1));
                img[static_cast<std::size_t>(y) * side + x] = static_cast<float>(v);
            }
        }
    }
}

}  // namespace solarchip
