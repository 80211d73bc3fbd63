// Architecture facts known independently of our code: the method document's parameter counts for the research
// configurations (90,745 for AE_CNN "main", 91,945,984 for AE_ViT), its state-dict key names, the GroupNorm
// group rule (C=8->4, 16->8, 32->16, >=64->32) and the token shapes of every preset.
#include "ModelTestUtil.h"

#include "models/networks/ModelConfig.h"
#include "models/networks/SolarChipModel.h"
#include "models/networks/detail/CnnAutoencoder.h"
#include "models/networks/detail/SolarChipNet.h"
#include "models/networks/detail/VitAutoencoder.h"

#include <QtTest>

using namespace solarchip;

namespace {

int64_t countParams(const torch::nn::Module &m, const std::string &prefix = {})
{
    int64_t n = 0;
    for (const auto &p : m.named_parameters())
        if (prefix.empty() || p.key().rfind(prefix, 0) == 0)
            n += p.value().numel();
    return n;
}

std::set<std::string> keysOf(const torch::nn::Module &m)
{
    std::set<std::string> k;
    for (const auto &p : m.named_parameters())
        k.insert(p.key());
    return k;
}

}  // namespace

class TestArchitectures : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::manual_seed(0); }

    void groupRule()
    {
        QCOMPARE(solarchip::detail::cnnGroupCount(8), 4);
        QCOMPARE(solarchip::detail::cnnGroupCount(16), 8);
        QCOMPARE(solarchip::detail::cnnGroupCount(32), 16);
        QCOMPARE(solarchip::detail::cnnGroupCount(64), 32);
        QCOMPARE(solarchip::detail::cnnGroupCount(512), 32);
        QCOMPARE(solarchip::detail::cnnGroupCount(1), 1);
    }

    void paperCnnCounts()
    {
        auto cfg = presetConfig(QStringLiteral("paper-cnn"));
        QVERIFY(cfg);
        solarchip::detail::CnnAutoencoder net(*cfg);
        // Method doc section 2.2: encoder 34,904, decoder 53,761, cls_proj 1,056, projection 1,024, total 90,745.
        QCOMPARE(countParams(*net, "encoder."), int64_t(34904));
        QCOMPARE(countParams(*net, "decoder."), int64_t(53761));
        QCOMPARE(countParams(*net, "cls_proj."), int64_t(1056));
        QCOMPARE(countParams(*net), int64_t(90745));
        const auto keys = keysOf(*net);
        for (const char *k : {"contrasive_porject", "cls_proj.2.weight", "cls_proj.2.bias", "encoder.conv_in.weight",
                              "encoder.down.0.block.0.norm1.weight", "encoder.down.5.block.0.nin_shortcut.weight",
                              "encoder.down.5.downsample.conv.weight", "encoder.mid.attn_1.q.weight",
                              "encoder.mid.attn_1.proj_out.bias", "encoder.norm_out.weight", "encoder.conv_out.bias",
                              "decoder.conv_in.weight", "decoder.mid.block_2.conv2.weight",
                              "decoder.up.0.block.1.norm2.bias", "decoder.up.4.block.0.nin_shortcut.weight",
                              "decoder.up.6.upsample.conv.weight", "decoder.conv_out.weight"})
            QVERIFY2(keys.count(k), k);
        QVERIFY(!keys.count("encoder.down.6.downsample.conv.weight"));  // last level does not downsample
        QVERIFY(!keys.count("decoder.up.0.upsample.conv.weight"));      // level 0 does not upsample
        // A 1024^2 forward is too slow for a unit test; the latent shape follows from the strides (64).
        QCOMPARE(cfg->gridSize(), 16);
        QCOMPARE(cfg->tokenCount(), 257);
    }

    void paperVitCounts()
    {
        auto cfg = presetConfig(QStringLiteral("paper-vit"));
        QVERIFY(cfg);
        cfg->vit.researchLayout = true;
        solarchip::detail::VitAutoencoder net(*cfg);
        // Method doc section 2.3: encoder 45,874,176, decoder 45,678,592, projection 393,216, total 91,945,984.
        QCOMPARE(countParams(*net, "encoder."), int64_t(45874176));
        QCOMPARE(countParams(*net, "decoder."), int64_t(45678592));
        QCOMPARE(countParams(*net), int64_t(91945984));
        const auto keys = keysOf(*net);
        for (const char *k : {"contrasive_porject", "encoder.class_embedding", "encoder.positional_embedding",
                              "encoder.conv1.weight", "encoder.ln_pre.weight", "encoder.ln_post.bias",
                              "encoder.transformer.resblocks.0.attn.in_proj_weight",
                              "encoder.transformer.resblocks.5.attn.in_proj_bias",
                              "encoder.transformer.resblocks.0.attn.out_proj.weight",
                              "encoder.transformer.resblocks.0.mlp.c_fc.weight",
                              "encoder.transformer.resblocks.0.mlp.c_proj.bias", "encoder.transformer.resblocks.0.ln_2.weight",
                              "decoder.de_proj.weight", "decoder.ln_pre.weight", "decoder.transformer.resblocks.5.ln_1.bias"})
            QVERIFY2(keys.count(k), k);
        QVERIFY(!keys.count("encoder.conv1.bias"));
        QVERIFY(!keys.count("encoder.proj"));
        QVERIFY(!keys.count("decoder.positional_embedding"));
        // Our layout adds exactly the decoder positional embedding [256, 768].
        cfg->vit.researchLayout = false;
        solarchip::detail::VitAutoencoder ours(*cfg);
        QCOMPARE(countParams(*ours), int64_t(91945984 + 256 * 768));
        QVERIFY(keysOf(*ours).count("decoder.positional_embedding"));
    }

    void wrapperKeys()
    {
        auto cfg = SolarChipModel::configFor(QStringLiteral("paper-cnn"), {QStringLiteral("171"), QStringLiteral("hmi"),
                                                                           QStringLiteral("94")});
        QVERIFY2(cfg, qPrintable(cfg.errorString()));
        QCOMPARE(cfg->modalities, (QStringList{QStringLiteral("hmi"), QStringLiteral("0171"), QStringLiteral("0094")}));
        auto model = SolarChipModel::create(*cfg, 1);
        QVERIFY(model);
        // Method doc section 2.4: 11 x 90,745 + 3 for all modalities; here 3 x 90,745 + 3.
        QCOMPARE(model->parameterCount(), int64_t(3 * 90745 + 3));
        const auto keys = keysOf(*model->net());
        QVERIFY(keys.count("model_dict.hmi.encoder.down.0.block.0.norm1.weight"));
        QVERIFY(keys.count("model_dict.0094.contrasive_porject"));
        QVERIFY(keys.count("model_dict.0171.cls_proj.2.weight"));
        for (const char *k : {"contrastive_loss_fn.cls_logit_scale", "contrastive_loss_fn.pat_logit_scale",
                              "contrastive_loss_fn.int_logit_scale"}) {
            QVERIFY(keys.count(k));
        }
        QCOMPARE(model->net()->contrastive_loss_fn->cls_logit_scale.item<float>(), float(std::log(1 / 0.07)));

        cfg->sharedAia = true;
        auto shared = SolarChipModel::create(*cfg, 1);
        QVERIFY(shared);
        QCOMPARE(shared->parameterCount(), int64_t(2 * 90745 + 3));
        QVERIFY(keysOf(*shared->net()).count("model_dict.aia.encoder.conv_in.weight"));
        QVERIFY(shared->net()->backbone("0094") == shared->net()->backbone("0171"));
        QVERIFY(shared->net()->backbone("hmi") != shared->net()->backbone("0171"));
    }

    void presetShapes_data()
    {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<int>("resolution");
        QTest::addColumn<qint64>("minParams");
        QTest::addColumn<qint64>("maxParams");
        QTest::newRow("tiny-vit") << "tiny-vit" << 256 << qint64(1'000'000) << qint64(10'000'000);
        QTest::newRow("tiny-cnn") << "tiny-cnn" << 256 << qint64(1'000'000) << qint64(10'000'000);
        QTest::newRow("small-vit") << "small-vit" << 512 << qint64(10'000'000) << qint64(60'000'000);
        QTest::newRow("small-cnn") << "small-cnn" << 512 << qint64(2'000'000) << qint64(60'000'000);
    }

    void presetShapes()
    {
        QFETCH(QString, preset);
        QFETCH(int, resolution);
        QFETCH(qint64, minParams);
        QFETCH(qint64, maxParams);
        auto cfg = presetConfig(preset);
        QVERIFY(cfg);
        QCOMPARE(cfg->resolution, resolution);
        QCOMPARE(cfg->gridSize(), 16);
        auto net = solarchip::detail::makeBackbone(*cfg);
        const int64_t n = countParams(*net);
        QVERIFY2(n >= minParams && n <= maxParams, qPrintable(QString::number(n)));
        if (resolution > 256)
            return;  // the 512^2 presets only for counts (keep the test fast)
        torch::NoGradGuard g;
        const torch::Tensor x = torch::randn({1, 1, resolution, resolution});
        const auto out = net->forward(x);
        QCOMPARE(out.recon.sizes().vec(), x.sizes().vec());
        const torch::Tensor tokens = net->contrastiveProjection(out.latent);
        QCOMPARE(tokens.sizes().vec(), (std::vector<int64_t>{1, 257, cfg->contrastiveDim}));
    }

    void presetErrors()
    {
        QVERIFY(!presetConfig(QStringLiteral("huge")));
        QVERIFY(!presetConfig(QStringLiteral("paper-vit"), Architecture::Cnn));
        QCOMPARE(presetConfig(QStringLiteral("tiny"), Architecture::Cnn)->arch, Architecture::Cnn);
        QCOMPARE(presetConfig(QStringLiteral("tiny"))->arch, Architecture::Vit);
        QVERIFY(!SolarChipModel::configFor(QStringLiteral("tiny"), {QStringLiteral("hmi"), QStringLiteral("172")}));
        QVERIFY(!SolarChipModel::configFor(QStringLiteral("tiny"), {QStringLiteral("171"), QStringLiteral("193")}));
        auto ap = SolarChipModel::configFor(QStringLiteral("tiny"), {QStringLiteral("hmi"), QStringLiteral("171"), QStringLiteral("193")});
        QCOMPARE(ap->pairs().size(), size_t(2));
        ap->topology = PairTopology::AllPairs;
        QCOMPARE(ap->pairs().size(), size_t(3));
        // JSON round trip of the configuration (it travels in model files).
        auto back = SolarChipConfig::fromJson(ap->toJson());
        QVERIFY(back);
        QCOMPARE(back->toJson(), ap->toJson());
    }

    void unpatchifyPutsTokensInTheirPatch()
    {
        // Closed form: token t = row*g + col with every feature = t must fill exactly patch (row, col).
        const int g = 3, p = 2, c = 2;
        const torch::Tensor tok = torch::arange(g * g, torch::kFloat32).reshape({1, g * g, 1}).expand({1, g * g, c * p * p});
        const torch::Tensor img = solarchip::detail::unpatchify(tok.contiguous(), c, p, g);
        QCOMPARE(img.sizes().vec(), (std::vector<int64_t>{1, c, g * p, g * p}));
        for (int y = 0; y < g * p; ++y)
            for (int x = 0; x < g * p; ++x)
                QCOMPARE(img[0][1][y][x].item<float>(), float((y / p) * g + x / p));
        // The research reshape instead fills full-width rows: with C=1, R=6, p=2 token t covers rows
        // (t*4)/6 .. (t*4+3)/6, so pixel (row 0, col 5) comes from token 1 (not token 2).
        const torch::Tensor tok1 = torch::arange(g * g, torch::kFloat32).reshape({1, g * g, 1}).expand({1, g * g, p * p});
        const torch::Tensor naive = solarchip::detail::researchUnpatchify(tok1.contiguous(), 1, g * p);
        QCOMPARE(naive[0][0][0][5].item<float>(), 1.0f);
    }
};

QTEST_GUILESS_MAIN(TestArchitectures)
#include "tst_architectures.moc"
