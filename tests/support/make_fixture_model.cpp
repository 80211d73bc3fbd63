// make_fixture_model OUT.safetensors [CH]: writes the model the tests that pin cells, peaks and frames use
// (TestSupport's fixtureModelPath()), at build time, with the code under test: an untrained CNN of the first
// shipped default's geometry (HMI + AIA 171, 256 px input, signed-log prep with 2x oversampling, 16x16 cells,
// GAP CLS) at a fixed seed, narrower than it (CH channels at the first level, default 8) so the tests encode
// quickly. Those tests check geometry and plumbing (a cell's own similarity is its peak, a moved feature moves
// its match, the app equals the CLI), which hold for any such model; none depends on trained weights, so the
// fixture is made, not stored (the trained 12.6 MB file it replaces stays in git history).
#include "models/data/DatasetSpec.h"
#include "models/networks/SolarChipModel.h"
#include "models/networks/TrainedModel.h"

#include <QString>
#include <QStringList>

#include <cstdio>
#include <cstdlib>

using namespace solarchip;

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        std::fprintf(stderr, "usage: make_fixture_model OUT.safetensors [CH]\n");
        return 2;
    }
    const QString out = QString::fromLocal8Bit(argv[1]);
    const int ch = argc == 3 ? std::atoi(argv[2]) : 8;
    const QStringList channels{QStringLiteral("hmi"), QStringLiteral("171")};
    auto config = SolarChipModel::configFor(QStringLiteral("tiny-cnn"), channels);
    if (!config) {
        std::fprintf(stderr, "make_fixture_model: %s\n", qPrintable(config.errorString()));
        return 1;
    }
    // The tiny-cnn preset's levels (256 px -> 16x16 cells), a quarter of its widths.
    config->backbone.cnn.ch = ch;
    config->backbone.cnn.zChannels = 2 * ch;
    config->backbone.contrastiveDim = 4 * ch;
    auto model = SolarChipModel::create(*config, 11);
    if (!model) {
        std::fprintf(stderr, "make_fixture_model: %s\n", qPrintable(model.errorString()));
        return 1;
    }
    PrepSpec prep;  // 256 px, oversample 2, bilinear, signed log: the first default's
    prep.resolution = config->backbone.resolution;
    const Status saved = saveTrainedModel(*model, channels, prep, {}, out);
    if (!saved) {
        std::fprintf(stderr, "make_fixture_model: %s\n", qPrintable(saved.errorString()));
        return 1;
    }
    return 0;
}
