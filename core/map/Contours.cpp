#include "core/map/Contours.h"

#include <cmath>

namespace solarchip {

std::vector<QLineF> contourSegments(const Image &image, double level)
{
    std::vector<QLineF> out;
    const int w = image.width, h = image.height;
    if (w < 2 || h < 2 || static_cast<std::size_t>(w) * h != image.pixels.size())
        return out;
    const float *p = image.data();
    // The point where the level crosses the edge from corner a (value va) to corner b (value vb).
    auto cross = [level](QPointF a, double va, QPointF b, double vb) {
        const double t = (level - va) / (vb - va);
        return a + t * (b - a);
    };
    for (int y = 0; y + 1 < h; ++y) {
        const float *r0 = p + static_cast<std::size_t>(y) * w;
        const float *r1 = r0 + w;
        for (int x = 0; x + 1 < w; ++x) {
            // Corners counter-clockwise from (x, y): 0 (x, y), 1 (x+1, y), 2 (x+1, y+1), 3 (x, y+1).
            const double v[4] = {r0[x], r0[x + 1], r1[x + 1], r1[x]};
            if (!std::isfinite(v[0]) || !std::isfinite(v[1]) || !std::isfinite(v[2]) || !std::isfinite(v[3]))
                continue;
            const int code = (v[0] > level) | (v[1] > level) << 1 | (v[2] > level) << 2 | (v[3] > level) << 3;
            if (code == 0 || code == 15)
                continue;
            const QPointF c[4] = {QPointF(x, y), QPointF(x + 1, y), QPointF(x + 1, y + 1), QPointF(x, y + 1)};
            // The crossing on edge e (from corner e to corner e+1), where the level lies between its ends.
            auto edge = [&](int e) { return cross(c[e], v[e], c[(e + 1) % 4], v[(e + 1) % 4]); };
            auto above = [&](int i) { return ((code >> i) & 1) != 0; };
            int crossed[4], n = 0;
            for (int e = 0; e < 4; ++e)
                if (above(e) != above((e + 1) % 4))
                    crossed[n++] = e;
            if (n == 2) {
                out.emplace_back(edge(crossed[0]), edge(crossed[1]));
                continue;
            }
            // A saddle (n == 4): corners 0 and 2 on one side, 1 and 3 on the other. If the centre is on the side
            // of corners 0 and 2, they are joined through the middle and each of the others is cut off alone.
            const bool centreAbove = (v[0] + v[1] + v[2] + v[3]) / 4 > level;
            if (centreAbove == above(0)) {
                // cut off corner 1 (edges 0, 1) and corner 3 (edges 2, 3)
                out.emplace_back(edge(0), edge(1));
                out.emplace_back(edge(2), edge(3));
            } else {
                // cut off corner 0 (edges 3, 0) and corner 2 (edges 1, 2)
                out.emplace_back(edge(3), edge(0));
                out.emplace_back(edge(1), edge(2));
            }
        }
    }
    return out;
}

}  // namespace solarchip
