#pragma once
// Fixtures shared by the embedding tests: constructed embeddings whose evaluation answers are known in closed
// form (independent Gaussian rows; unit vectors on a circle).

#include "models/embeddings/EvalAlign.h"

#include <cmath>
#include <numbers>
#include <random>

namespace solarchip::test {

/// n sets of independent standard-normal CLS rows and np patch rows each, of length dim.
inline ChannelEmbeddings randomEmbeddings(int n, int np, int dim, std::mt19937 &rng)
{
    std::normal_distribution<float> g;
    ChannelEmbeddings e;
    e.count = n;
    e.patches = np;
    e.dim = dim;
    e.cls.resize(static_cast<std::size_t>(n) * dim);
    e.patch.resize(static_cast<std::size_t>(n) * np * dim);
    for (float &v : e.cls)
        v = g(rng);
    for (float &v : e.patch)
        v = g(rng);
    return e;
}

/// n unit vectors on a circle (2-D embeddings) at angles 2 pi (i + offset) / n (CLS), the same for the np cells
/// of every set with 2 pi (p + offset) / np.
inline ChannelEmbeddings circle(int n, int np, double offsetSteps)
{
    ChannelEmbeddings e;
    e.count = n;
    e.patches = np;
    e.dim = 2;
    const double step = 2 * std::numbers::pi / n, pstep = 2 * std::numbers::pi / np;
    for (int i = 0; i < n; ++i) {
        e.cls.push_back(static_cast<float>(std::cos(step * (i + offsetSteps))));
        e.cls.push_back(static_cast<float>(std::sin(step * (i + offsetSteps))));
        for (int p = 0; p < np; ++p) {
            e.patch.push_back(static_cast<float>(std::cos(pstep * (p + offsetSteps))));
            e.patch.push_back(static_cast<float>(std::sin(pstep * (p + offsetSteps))));
        }
    }
    return e;
}

}  // namespace solarchip::test
