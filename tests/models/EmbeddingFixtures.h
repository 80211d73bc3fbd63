#pragma once
// Fixtures shared by the embedding and training tests: constructed embeddings whose evaluation answers are known
// in closed form (independent Gaussian rows; unit vectors on a circle) and the small ViT configuration the tests
// train or encode with so that they stay fast.

#include "models/embeddings/EvalAlign.h"
#include "models/networks/SolarChipModel.h"
#include "models/networks/TrainedModel.h"

#include <QString>
#include <QStringList>

#include <algorithm>
#include <cmath>
#include <cstddef>
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

/// n sets of random CLS rows whose cells are coded by position only: every set has the same np patch rows. The
/// shared rows are drawn first, then the rest as randomEmbeddings(n, np, dim, rng) draws them.
inline ChannelEmbeddings positionalEmbeddings(int n, int np, int dim, std::mt19937 &rng)
{
    const ChannelEmbeddings one = randomEmbeddings(1, np, dim, rng);
    ChannelEmbeddings e = randomEmbeddings(n, np, dim, rng);
    for (int s = 0; s < n; ++s)
        std::copy(one.patch.begin(), one.patch.end(), e.patch.begin() + static_cast<std::ptrdiff_t>(s) * np * dim);
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

/// The "tiny" preset for channels hmi and 171 with a small ViT backbone (32 px input, 8 px patches: a 4x4 grid,
/// width 32, `layers` layers, 2 heads, 16-dimensional contrastive space).
inline Expected<SolarChipConfig> tinyVitConfig(int layers = 1)
{
    auto cfg = SolarChipModel::configFor(QStringLiteral("tiny"), {QStringLiteral("hmi"), QStringLiteral("171")});
    if (!cfg.ok())
        return cfg;
    BackboneConfig bb;
    bb.arch = Architecture::Vit;
    bb.resolution = 32;
    bb.contrastiveDim = 16;
    bb.vit.patchSize = 8;
    bb.vit.width = 32;
    bb.vit.layers = layers;
    bb.vit.heads = 2;
    cfg->backbone = bb;
    return cfg;
}

/// An untrained tinyVitConfig() model (seed 5) for hmi and 171, prepared at 32 px, written as a model file at
/// `path` with no training provenance (so an evaluation holds out the whole archive); the model written.
inline Expected<SolarChipModel> writeUntrainedTinyModel(const QString &path)
{
    auto cfg = tinyVitConfig();
    if (!cfg)
        return cfg.error();
    auto model = SolarChipModel::create(*cfg, 5);
    if (!model)
        return model;
    PrepSpec prep;
    prep.resolution = 32;
    if (Status saved = saveTrainedModel(*model, {QStringLiteral("hmi"), QStringLiteral("171")}, prep, {}, path); !saved)
        return saved.error();
    return model;
}

}  // namespace solarchip::test
