// Forward outputs against an independent PyTorch implementation (tests/reference/solarchip_ref.py, written from
// the method document with nn.MultiheadAttention, F.interpolate and F.fold): the Python side builds a two-modality
// model with a fixed seed, saves its state dict (torch.save(dict) and safetensors) with inputs and outputs; we load
// it three ways (safetensors state, import-checkpoint of the pickle, import of a prefix-less backbone) and must
// reproduce reconstruction, latent and projected tokens to 1e-4.
#include "ModelTestUtil.h"

#include "models/networks/CheckpointImport.h"
#include "models/networks/SolarChipModel.h"
#include "models/networks/detail/SolarChipNet.h"
#include "models/networks/detail/VitAutoencoder.h"

#include <QJsonDocument>
#include <QtTest>

using namespace solarchip;
using namespace solarchip::test;

namespace {

constexpr double kTol = 1e-4;

const char *kCnn = R"({"arch":"cnn","resolution":32,"contrastive_dim":16,
  "cnn":{"in_channels":1,"out_ch":1,"ch":8,"ch_mult":[1,2,2],"num_res_blocks":1,"z_channels":8,"attn_resolutions":[16]}})";
const char *kVit = R"({"arch":"vit","resolution":32,"contrastive_dim":16,
  "vit":{"input_dim":2,"patch_size":8,"hidden_dim":32,"layers":2,"heads":4,"research_layout":false}})";
const char *kVitResearch = R"({"arch":"vit","resolution":32,"contrastive_dim":16,
  "vit":{"input_dim":2,"patch_size":8,"hidden_dim":32,"layers":2,"heads":4,"research_layout":true}})";

BackboneConfig parseConfig(const char *json)
{
    auto c = BackboneConfig::fromJson(QJsonDocument::fromJson(QByteArray(json)).object());
    if (!c)
        qFatal("%s", qPrintable(c.errorString()));
    return *c;
}

}  // namespace

class TestReferenceForward : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void forward_data()
    {
        QTest::addColumn<QByteArray>("config");
        QTest::newRow("cnn") << QByteArray(kCnn);
        QTest::newRow("vit") << QByteArray(kVit);
        QTest::newRow("vit-research-layout") << QByteArray(kVitResearch);
    }

    void forward()
    {
        QFETCH(QByteArray, config);
        QTemporaryDir dir = scratchDir();
        const QString out = dir.path();
        QVERIFY(runReference({QStringLiteral("model"), QStringLiteral("--config"), QString::fromUtf8(config),
                              QStringLiteral("--modalities"), QStringLiteral("hmi,0171"), QStringLiteral("--seed"),
                              QStringLiteral("3"), QStringLiteral("--batch"), QStringLiteral("2"), QStringLiteral("--out"), out}));
        const solarchip::detail::TensorMap io = readTensors(out + QStringLiteral("/io.safetensors"));
        QVERIFY(!io.empty());

        SolarChipConfig cfg;
        cfg.backbone = parseConfig(config.constData());
        cfg.modalities = {QStringLiteral("hmi"), QStringLiteral("0171")};

        // 1. The safetensors state into the torch-level network.
        solarchip::detail::SolarChipNet net(cfg);
        Status s = solarchip::detail::loadState(*net, readTensors(out + QStringLiteral("/state.safetensors")), QStringLiteral("state.safetensors"));
        QVERIFY2(s, qPrintable(s.errorString()));
        std::map<std::string, torch::Tensor> inputs;
        for (const char *m : {"hmi", "0171"})
            inputs.emplace(m, io.at(std::string("input.") + m));
        torch::NoGradGuard noGrad;
        const auto outputs = net->forward(inputs);
        for (const char *m : {"hmi", "0171"}) {
            const std::string k(m);
            SOLARCHIP_COMPARE_TENSORS(outputs.at(k).latent, io.at("latent." + k), kTol, QStringLiteral("latent.") + m);
            SOLARCHIP_COMPARE_TENSORS(outputs.at(k).recon, io.at("recon." + k), kTol, QStringLiteral("recon.") + m);
            SOLARCHIP_COMPARE_TENSORS(outputs.at(k).tokens, io.at("tokens." + k), kTol, QStringLiteral("tokens.") + m);
        }
        if (cfg.backbone.arch == Architecture::Vit && cfg.backbone.vit.researchLayout) {
            // The research layout matters: the correct un-patchify of the same decoder tokens differs.
            auto *vit = dynamic_cast<solarchip::detail::VitAutoencoderImpl *>(net->backbone("hmi").get());
            QVERIFY(vit);
            const torch::Tensor z = outputs.at("hmi").latent;
            torch::Tensor h = vit->decoder->de_proj(vit->decoder->transformer(vit->decoder->ln_pre(z.slice(1, 1))));
            const torch::Tensor proper = solarchip::detail::unpatchify(h, 2, 8, 4);
            QVERIFY(maxAbsDiff(proper, io.at("recon.hmi")) > 1e-2);
            SOLARCHIP_COMPARE_TENSORS(solarchip::detail::researchUnpatchify(h, 2, 32), io.at("recon.hmi"), kTol, QStringLiteral("naive"));
        }

        // 2. import-checkpoint of the torch.save'd dict, then the torch-free facade.
        ImportOptions opt;
        opt.backbone = cfg.backbone;
        const QString imported = out + QStringLiteral("/imported.safetensors");
        auto report = importCheckpoint(out + QStringLiteral("/state.pt"), imported, opt);
        QVERIFY2(report, qPrintable(report.errorString()));
        QCOMPARE(report->format, QStringLiteral("torch-pickle"));
        QCOMPARE(report->config.modalities, cfg.modalities);
        QVERIFY(report->temperaturesFromFile);
        if (cfg.backbone.arch == Architecture::Vit)
            QCOMPARE(report->config.backbone.vit.researchLayout, cfg.backbone.vit.researchLayout);
        auto model = SolarChipModel::load(imported);
        QVERIFY2(model, qPrintable(model.errorString()));
        QCOMPARE(*model->hash(), report->hash);
        auto fwd = model->forward(referenceInputs(io));
        QVERIFY2(fwd, qPrintable(fwd.errorString()));
        for (const char *m : {"hmi", "0171"}) {
            const std::string k(m);
            const torch::Tensor ref = io.at("recon." + k);
            SOLARCHIP_COMPARE_TENSORS(fromFloats(fwd->reconstruction.at(QString::fromLatin1(m)).data, ref.sizes().vec()), ref,
                                      kTol, QStringLiteral("facade recon.") + m);
            const Embeddings &e = fwd->tokens.at(QString::fromLatin1(m));
            const torch::Tensor tok = io.at("tokens." + k);
            SOLARCHIP_COMPARE_TENSORS(fromFloats(e.cls, {e.batch, e.dim}), tok.select(1, 0), kTol, QStringLiteral("facade cls"));
            SOLARCHIP_COMPARE_TENSORS(fromFloats(e.patches, {e.batch, e.grid * e.grid, e.dim}), tok.slice(1, 1), kTol,
                                      QStringLiteral("facade patches"));
        }
        QVERIFY(std::isfinite(fwd->losses.total));
        QCOMPARE(fwd->losses.cls.size(), size_t(1));

        // 3. A backbone saved without the model_dict prefix, imported as modality 0171; encode() normalised.
        opt.bareModality = QStringLiteral("171");
        auto bare = importCheckpoint(out + QStringLiteral("/bare.pt"), out + QStringLiteral("/bare.safetensors"), opt);
        QVERIFY2(bare, qPrintable(bare.errorString()));
        QCOMPARE(bare->config.modalities, QStringList{QStringLiteral("0171")});
        QVERIFY(!bare->temperaturesFromFile);
        auto single = SolarChipModel::load(out + QStringLiteral("/bare.safetensors"));
        QVERIFY2(single, qPrintable(single.errorString()));
        auto emb = single->encode(QStringLiteral("171"), toBatch(io.at("input.hmi")), /*normalize=*/true, /*chunk=*/1);
        QVERIFY2(emb, qPrintable(emb.errorString()));
        const torch::Tensor tok = io.at("tokens.hmi");  // bare.pt holds the first (hmi) backbone
        const torch::Tensor unit = tok / tok.norm(2, -1, true);
        SOLARCHIP_COMPARE_TENSORS(fromFloats(emb->patches, {emb->batch, emb->grid * emb->grid, emb->dim}), unit.slice(1, 1),
                                  kTol, QStringLiteral("encode patches"));
        SOLARCHIP_COMPARE_TENSORS(fromFloats(emb->cls, {emb->batch, emb->dim}), unit.select(1, 0), kTol,
                                  QStringLiteral("encode cls"));
    }
};

QTEST_GUILESS_MAIN(TestReferenceForward)
#include "tst_reference_forward.moc"
