// The CLS remedies of issue 10 section 2, against closed forms:
//  - the opt-in attention-pool CLS head (ModelConfig ClsHead::Attn): shapes, keys, the position code's formula
//    and its invariance under quarter turns, the zero-initialised head adding nothing to the GAP token, the
//    configuration and a safetensors save/load round trip that gives the same tokens;
//  - the per-modality quarter turns (AugmentSpec::modalityQuarterTurns): one turn is out[y][x] = in[side-1-x][y],
//    two modalities get independent turns, and the cell order that undoes a turn gives the patch terms the
//    unturned grid exactly (cell means of a turned image, reordered, equal those of the original).
#include "ModelTestUtil.h"

#include "models/data/DatasetAugment.h"
#include "models/data/DatasetSpec.h"
#include "models/networks/ModelConfig.h"
#include "models/networks/SolarChipModel.h"
#include "models/networks/detail/CnnAutoencoder.h"
#include "models/networks/detail/SolarChipNet.h"
#include "models/training/detail/TrainerStep.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <set>

using namespace solarchip;
using solarchip::test::maxAbsDiff;

namespace {

// A small CNN: 32 px, ch_mult [1,2,2] -> 8x8 cells, zc 16, Dc 8.
SolarChipConfig smallCnn(ClsHead head, ClsPosition position = ClsPosition::Radial)
{
    SolarChipConfig c;
    c.backbone.arch = Architecture::Cnn;
    c.backbone.resolution = 32;
    c.backbone.contrastiveDim = 8;
    c.backbone.cnn.ch = 8;
    c.backbone.cnn.chMult = {1, 2, 2};
    c.backbone.cnn.zChannels = 16;
    c.backbone.clsHead = head;
    c.backbone.clsPosition = position;
    c.weights.reconstruction = 0;
    return c;
}

std::set<std::string> keysOf(const torch::nn::Module &m)
{
    std::set<std::string> k;
    for (const auto &p : m.named_parameters())
        k.insert(p.key());
    return k;
}

}  // namespace

class TestClsView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::manual_seed(0); }

    void attnHeadShapesAndKeys()
    {
        const SolarChipConfig cfg = smallCnn(ClsHead::Attn);
        QCOMPARE(cfg.validate(), QString());
        solarchip::detail::SolarChipNet net(cfg);
        const auto keys = keysOf(*net);
        for (const char *k : {"model_dict.hmi.cls_pool.query", "model_dict.hmi.cls_pool.pos_proj.weight",
                              "model_dict.hmi.cls_pool.key.weight", "model_dict.hmi.cls_pool.value.weight",
                              "model_dict.hmi.cls_pool.out.weight", "model_dict.hmi.cls_pool.norm.weight",
                              "model_dict.0171.cls_pool.query", "model_dict.hmi.cls_proj.2.weight"})
            QVERIFY2(keys.count(k) == 1, k);
        auto params = net->named_parameters();
        QCOMPARE(params["model_dict.hmi.cls_pool.query"].sizes().vec(), (std::vector<int64_t>{16}));
        QCOMPARE(params["model_dict.hmi.cls_pool.pos_proj.weight"].sizes().vec(), (std::vector<int64_t>{16, 8}));
        const torch::Tensor tok = net->tokens("hmi", torch::randn({3, 1, 32, 32}));
        QCOMPARE(tok.sizes().vec(), (std::vector<int64_t>{3, 1 + 64, 8}));

        // The GAP model has none of these keys, and the research key set is unchanged.
        solarchip::detail::SolarChipNet gap(smallCnn(ClsHead::Gap));
        for (const auto &k : keysOf(*gap))
            QVERIFY2(k.find("cls_pool") == std::string::npos, k.c_str());
        QCOMPARE(keys.size() - keysOf(*gap).size(), static_cast<std::size_t>(2 * 11));  // 11 tensors per backbone

        // The ViT has its own CLS token: the head is refused there.
        SolarChipConfig vit = cfg;
        vit.backbone.arch = Architecture::Vit;
        QVERIFY(vit.validate().contains(QStringLiteral("CNN only")));
    }

    void untrainedHeadAddsNothingToGap()
    {
        // `out` starts at zero: CLS = cls_proj(z) + 0, exactly the GAP model's token with the same weights.
        torch::manual_seed(3);
        solarchip::detail::SolarChipNet attn(smallCnn(ClsHead::Attn));
        solarchip::detail::SolarChipNet gap(smallCnn(ClsHead::Gap));
        {
            torch::NoGradGuard g;
            auto src = attn->named_parameters();
            for (auto &p : gap->named_parameters())
                p.value().copy_(src[p.key()]);
        }
        const torch::Tensor x = torch::randn({2, 1, 32, 32});
        QVERIFY(maxAbsDiff(attn->tokens("hmi", x), gap->tokens("hmi", x)) == 0.0);
        // Once `out` is not zero the CLS differs and the cells do not.
        {
            torch::NoGradGuard g;
            attn->backbone("hmi")->named_parameters()["cls_pool.out.weight"].fill_(0.1);
        }
        const torch::Tensor a = attn->tokens("hmi", x), b = gap->tokens("hmi", x);
        QVERIFY(maxAbsDiff(a.select(1, 0), b.select(1, 0)) > 1e-4);
        QVERIFY(maxAbsDiff(a.slice(1, 1), b.slice(1, 1)) == 0.0);
    }

    void positionCodeClosedForm()
    {
        const int g = 4;
        const torch::Tensor radial = solarchip::detail::ClsAttentionPoolImpl::positionCode(g, ClsPosition::Radial);
        QCOMPARE(radial.sizes().vec(), (std::vector<int64_t>{16, 8}));
        // Cell (row 0, col 1): x = -0.25, y = -0.75.
        const double r = std::sqrt(0.25 * 0.25 + 0.75 * 0.75);
        for (int j = 0; j < 8; ++j)
            QVERIFY(std::abs(radial[1][j].item<double>() - std::exp(-std::pow(r - 0.2 * j, 2) / 0.02)) < 1e-6);
        const torch::Tensor xy = solarchip::detail::ClsAttentionPoolImpl::positionCode(g, ClsPosition::RadialXy);
        QCOMPARE(xy.sizes().vec(), (std::vector<int64_t>{16, 16}));
        QVERIFY(std::abs(xy[1][8].item<double>() - std::sin(M_PI * -0.25)) < 1e-6);
        QVERIFY(std::abs(xy[1][14].item<double>() - std::sin(2 * M_PI * -0.75)) < 1e-6);
        // The radial code reads the same after any quarter turn of the grid; the 2-D code does not.
        for (int k = 1; k < 4; ++k) {
            const std::vector<int> undo = quarterTurnsUndoIndex(g, k);
            const torch::Tensor idx = torch::tensor(std::vector<int64_t>(undo.begin(), undo.end()));
            QVERIFY(maxAbsDiff(radial.index_select(0, idx), radial) < 1e-6);
            QVERIFY(maxAbsDiff(xy.index_select(0, idx), xy) > 0.5);
        }
    }

    void configAndFileRoundTrip()
    {
        const SolarChipConfig cfg = smallCnn(ClsHead::Attn, ClsPosition::RadialXy);
        const QJsonObject j = cfg.toJson();
        const QJsonObject bb = j.value(QStringLiteral("backbone")).toObject();
        QCOMPARE(bb.value(QStringLiteral("cls_head")).toString(), QStringLiteral("attn"));
        QCOMPARE(bb.value(QStringLiteral("cls_position")).toString(), QStringLiteral("radial-xy"));
        auto back = SolarChipConfig::fromJson(j);
        QVERIFY(back);
        QVERIFY(back->backbone.clsHead == ClsHead::Attn);
        QVERIFY(back->backbone.clsPosition == ClsPosition::RadialXy);
        // GAP configurations are written as before (no new key), and an unknown head is refused.
        QVERIFY(!smallCnn(ClsHead::Gap).toJson().value(QStringLiteral("backbone")).toObject().contains(QStringLiteral("cls_head")));
        QJsonObject bad = bb;
        bad.insert(QStringLiteral("cls_head"), QStringLiteral("mean"));
        auto refused = BackboneConfig::fromJson(bad);
        QVERIFY(!refused);
        QVERIFY(refused.error().message.contains(QStringLiteral("cls_head 'mean'")));

        auto model = SolarChipModel::create(cfg, 7);
        QVERIFY2(model, qPrintable(model ? QString() : model.error().message));
        {
            torch::NoGradGuard g;
            model->net()->backbone("hmi")->named_parameters()["cls_pool.out.weight"].normal_();
        }
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("attn.safetensors"));
        QVERIFY(model->save(path));
        auto loaded = SolarChipModel::load(path);
        QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error().message));
        QVERIFY(loaded->config().backbone.clsHead == ClsHead::Attn);
        QVERIFY(loaded->config().backbone.clsPosition == ClsPosition::RadialXy);
        torch::NoGradGuard g;
        const torch::Tensor x = torch::randn({2, 1, 32, 32});
        QVERIFY(maxAbsDiff(model->net()->tokens("hmi", x), loaded->net()->tokens("hmi", x)) < 1e-6);
        QCOMPARE(*loaded->hash(), *model->hash());
    }

    void quarterTurnClosedForm()
    {
        const int side = 4;
        std::vector<float> plane(side * side), orig;
        for (int i = 0; i < side * side; ++i)
            plane[i] = static_cast<float>(i);
        orig = plane;
        applyQuarterTurns(plane.data(), side, 1);
        for (int y = 0; y < side; ++y)
            for (int x = 0; x < side; ++x)
                QCOMPARE(plane[y * side + x], orig[(side - 1 - x) * side + y]);
        // The same sense as a 90 degree joint rotation (AugmentParams::angleDeg), away from the corners' blur.
        std::vector<float> rotated = orig;
        applyAugment(AugmentParams{90.0, false, false}, rotated.data(), 1, side);
        for (int i = 0; i < side * side; ++i)
            QVERIFY(std::abs(rotated[i] - plane[i]) < 1e-4);
        applyQuarterTurns(plane.data(), side, 3);
        QCOMPARE(plane, orig);
    }

    void modalitiesGetIndependentTurns()
    {
        int differ = 0;
        std::set<int> seen;
        const int n = 400;
        for (quint64 seed = 0; seed < n; ++seed) {
            const int a = drawQuarterTurns(seed, 0), b = drawQuarterTurns(seed, 1);
            QCOMPARE(drawQuarterTurns(seed, 0), a);  // deterministic
            QVERIFY(a >= 0 && a < 4 && b >= 0 && b < 4);
            seen.insert(a);
            differ += a != b;
        }
        QCOMPARE(static_cast<int>(seen.size()), 4);
        // Independent uniform draws differ with probability 3/4 (binomial sd ~ 0.022 at n = 400).
        QVERIFY2(std::abs(differ / double(n) - 0.75) < 0.08, qPrintable(QString::number(differ / double(n))));

        AugmentSpec on;
        on.modalityQuarterTurns = true;
        on.maxRotationDeg = 0;
        QVERIFY(on.enabled());
        QVERIFY(AugmentSpec::fromJson(on.toJson()).modalityQuarterTurns);
        QVERIFY(!AugmentSpec{}.toJson().contains(QStringLiteral("modality_quarter_turns")));
    }

    void undoneTurnsGiveIdenticalCellGrids()
    {
        // Two modalities of one sample turned differently: their cells (here: the mean of each 4x4 pixel cell,
        // what a grid-exact encoder sees) reordered by the undo index are exactly the unturned grid.
        const int side = 32, grid = 8;
        torch::manual_seed(5);
        const torch::Tensor img = torch::rand({side, side});
        auto cellTokens = [&](const torch::Tensor &plane) {  // [1, 1+N, 1], token 0 a dummy CLS
            const torch::Tensor cells = torch::avg_pool2d(plane.view({1, 1, side, side}), 4).view({1, grid * grid, 1});
            return torch::cat({torch::zeros({1, 1, 1}), cells}, 1);
        };
        const torch::Tensor reference = cellTokens(img);
        for (int k = 0; k < 4; ++k) {
            std::vector<float> p(img.data_ptr<float>(), img.data_ptr<float>() + side * side);
            applyQuarterTurns(p.data(), side, k);
            const torch::Tensor turned = cellTokens(torch::from_blob(p.data(), {side, side}).clone());
            if (k > 0)
                QVERIFY(maxAbsDiff(turned, reference) > 1e-3);
            const std::vector<int> undo = quarterTurnsUndoIndex(grid, k);
            const torch::Tensor order = torch::tensor(std::vector<int64_t>(undo.begin(), undo.end())).view({1, grid * grid});
            QVERIFY2(maxAbsDiff(solarchip::detail::alignCells(turned, order), reference) < 1e-6, qPrintable(QString::number(k)));
        }
    }
};

QTEST_GUILESS_MAIN(TestClsView)
#include "tst_clsview.moc"
