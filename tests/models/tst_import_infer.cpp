// import-checkpoint of research checkpoints of NON-preset sizes (issue 10 section 5): the Python reference
// (tests/reference/solarchip_ref.py, the research classes re-implemented from the method document) builds a
// ViT and a CNN of sizes no preset has; we infer the architecture from keys and shapes, take the ViT heads and
// the CNN resolution from --heads / --resolution or a research YAML/JSON configuration (bare or nested as in
// the research files), say what is missing otherwise, and must reproduce the Python forward to 1e-4.
// Also the small YAML reader on the research files' subset.
#include "ModelTestUtil.h"

#include "models/networks/CheckpointImport.h"
#include "models/networks/MiniYaml.h"
#include "models/networks/ResearchConfig.h"
#include "models/networks/SolarChipModel.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>

using namespace solarchip;
using namespace solarchip::test;

namespace {

constexpr double kTol = 1e-4;

// Sizes no preset has: width 48, 3 layers, 6 heads, patch 8, 48 px, Dc 24 (research decoder layout).
const char *kVit = R"({"arch":"vit","resolution":48,"contrastive_dim":24,
  "vit":{"input_dim":1,"patch_size":8,"hidden_dim":48,"layers":3,"heads":6,"research_layout":true}})";
// ch 8, ch_mult [1,2,4], 2 res blocks, z 6, attention at 16 px, 32 px input, Dc 12.
const char *kCnn = R"({"arch":"cnn","resolution":32,"contrastive_dim":12,
  "cnn":{"in_channels":1,"out_ch":1,"ch":8,"ch_mult":[1,2,4],"num_res_blocks":2,"z_channels":6,"attn_resolutions":[16]}})";

bool writeText(const QString &path, const QByteArray &text)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(text) == text.size();
}

// Imports `in` with `--config` a file `configName` holding `text`, both the file and the imported model
// (<configName without extension>.safetensors) written into the folder `out`.
Expected<ImportReport> importWithConfigText(const QString &in, const QString &out, const QString &configName, const QByteArray &text)
{
    const QString config = out + u'/' + configName;
    if (!writeText(config, text))
        return Error{config, QStringLiteral("cannot write the test's configuration file")};
    ImportOptions options;
    options.configFile = config;
    return importCheckpoint(in, out + u'/' + QFileInfo(configName).completeBaseName() + QStringLiteral(".safetensors"), options);
}

}  // namespace

class TestImportInfer : public QObject {
    Q_OBJECT

    // Imported model's forward (facade) against the Python outputs.
    static void compareForward(const QString &modelFile, const QString &refDir)
    {
        const solarchip::detail::TensorMap io = readTensors(refDir + QStringLiteral("/io.safetensors"));
        QVERIFY(!io.empty());
        auto model = SolarChipModel::load(modelFile);
        QVERIFY2(model, qPrintable(model.errorString()));
        auto fwd = model->forward(referenceInputs(io));
        QVERIFY2(fwd, qPrintable(fwd.errorString()));
        for (const char *m : {"hmi", "0171"}) {
            const std::string k(m);
            const torch::Tensor ref = io.at("recon." + k);
            SOLARCHIP_COMPARE_TENSORS(fromFloats(fwd->reconstruction.at(QString::fromLatin1(m)).data, ref.sizes().vec()), ref, kTol,
                                      QStringLiteral("recon.") + m);
            const Embeddings &e = fwd->tokens.at(QString::fromLatin1(m));
            const torch::Tensor tok = io.at("tokens." + k);
            SOLARCHIP_COMPARE_TENSORS(fromFloats(e.cls, {e.batch, e.dim}), tok.select(1, 0), kTol, QStringLiteral("cls.") + m);
            SOLARCHIP_COMPARE_TENSORS(fromFloats(e.patches, {e.batch, e.grid * e.grid, e.dim}), tok.slice(1, 1), kTol,
                                      QStringLiteral("patches.") + m);
        }
    }

private Q_SLOTS:
    void yamlSubset();
    void researchConfigBareOrNested();
    void vitOfAnySize();
    void cnnOfAnySize();
};

void TestImportInfer::yamlSubset()
{
    const QByteArray text = R"(---
# a research-style file
model:
  target: solarchip.SolarCHIP.solarchip_base   # trailing comment
  params:
    modal_list: ['hmi', "0171", 0193]
    base_model:
      target: solarchip.modules.CNN.AE_CNN
      params:
        contrastive_dim: 32
        dd_config:
          double_z: False
          ch_mult:
          - 1
          - 2
          attn_resolutions: []
          dropout: 0.0
          lr: 1e-5
          name: "a # not a comment"
          nothing: ~
callbacks:
  - target: x.Y
    params: {batch_frequency: 1000, max_images: 4}
  - plain
)";
    auto v = MiniYaml::parse(text, QStringLiteral("t.yaml"));
    QVERIFY2(v, qPrintable(v.errorString()));
    const QJsonObject params = v->toObject().value(QStringLiteral("model")).toObject().value(QStringLiteral("params")).toObject();
    QCOMPARE(params.value(QStringLiteral("modal_list")).toArray(),
             (QJsonArray{QStringLiteral("hmi"), QStringLiteral("0171"), 193}));
    const QJsonObject dd = params.value(QStringLiteral("base_model")).toObject().value(QStringLiteral("params")).toObject()
                               .value(QStringLiteral("dd_config")).toObject();
    QCOMPARE(dd.value(QStringLiteral("double_z")), QJsonValue(false));
    QCOMPARE(dd.value(QStringLiteral("ch_mult")).toArray(), (QJsonArray{1, 2}));
    QCOMPARE(dd.value(QStringLiteral("attn_resolutions")).toArray(), QJsonArray{});
    QCOMPARE(dd.value(QStringLiteral("lr")).toDouble(), 1e-5);
    QCOMPARE(dd.value(QStringLiteral("name")).toString(), QStringLiteral("a # not a comment"));
    QVERIFY(dd.value(QStringLiteral("nothing")).isNull());
    const QJsonArray cb = v->toObject().value(QStringLiteral("callbacks")).toArray();
    QCOMPARE(cb.size(), 2);
    QCOMPARE(cb.at(0).toObject().value(QStringLiteral("target")).toString(), QStringLiteral("x.Y"));
    QCOMPARE(cb.at(0).toObject().value(QStringLiteral("params")).toObject().value(QStringLiteral("max_images")).toInt(), 4);
    QCOMPARE(cb.at(1).toString(), QStringLiteral("plain"));
    // Errors name the file and the line.
    auto tab = MiniYaml::parse("a:\n\tb: 1\n", QStringLiteral("t.yaml"));
    QVERIFY(!tab);
    QVERIFY2(tab.errorString().contains(QStringLiteral("t.yaml")) && tab.errorString().contains(QStringLiteral("line 2")),
             qPrintable(tab.errorString()));
    auto open = MiniYaml::parse("a: [1, 2\n", QStringLiteral("t.yaml"));
    QVERIFY(!open);
    QVERIFY2(open.errorString().contains(QStringLiteral("line 1")), qPrintable(open.errorString()));
}

void TestImportInfer::researchConfigBareOrNested()
{
    auto nested = ResearchConfig::fromDocument(
        *MiniYaml::parse("model:\n  params:\n    base_model:\n      target: solarchip.modules.ViT.AE_ViT\n      params:\n"
                         "        contrastive_dim: 24\n        ddconfig:\n          hidden_dim: 48\n          heads: 6\n"),
        QStringLiteral("n.yaml"));
    QVERIFY2(nested, qPrintable(nested.errorString()));
    QCOMPARE(nested->ddconfig.value(QStringLiteral("heads")).toInt(), 6);
    QCOMPARE(nested->contrastiveDim.value_or(0), 24);
    QVERIFY(nested->arch == Architecture::Vit);
    auto bare = ResearchConfig::fromDocument(*MiniYaml::parse("ch: 8\nch_mult: [1, 2]\nresolution: 32\n"), QStringLiteral("b.yaml"));
    QVERIFY2(bare, qPrintable(bare.errorString()));
    QVERIFY(bare->arch == Architecture::Cnn);
    QCOMPARE(bare->ddconfig.value(QStringLiteral("resolution")).toInt(), 32);
    QVERIFY(!ResearchConfig::fromDocument(*MiniYaml::parse("foo: 1\n"), QStringLiteral("x.yaml")));
}

void TestImportInfer::vitOfAnySize()
{
    QTemporaryDir dir = scratchDir();
    const QString out = dir.path();
    QVERIFY(runReference({QStringLiteral("model"), QStringLiteral("--config"), QString::fromUtf8(kVit), QStringLiteral("--modalities"),
                          QStringLiteral("hmi,0171"), QStringLiteral("--seed"), QStringLiteral("4"), QStringLiteral("--batch"),
                          QStringLiteral("2"), QStringLiteral("--out"), out}));
    const QString in = out + QStringLiteral("/state.pt");

    // Nothing says the heads: a clear refusal, nothing written.
    ImportOptions none;
    auto refused = importCheckpoint(in, out + QStringLiteral("/none.safetensors"), none);
    QVERIFY(!refused);
    QVERIFY2(refused.errorString().contains(QStringLiteral("heads")) && refused.errorString().contains(QStringLiteral("--heads"))
                 && refused.errorString().contains(in),
             qPrintable(refused.errorString()));
    QVERIFY(!QFile::exists(out + QStringLiteral("/none.safetensors")));

    // --heads 6: every other value from the shapes.
    ImportOptions withHeads;
    withHeads.heads = 6;
    const QString a = out + QStringLiteral("/heads.safetensors");
    auto r = importCheckpoint(in, a, withHeads);
    QVERIFY2(r, qPrintable(r.errorString()));
    QCOMPARE(r->preset, QStringLiteral("inferred"));
    const BackboneConfig &bb = r->config.backbone;
    QCOMPARE(bb.resolution, 48);
    QCOMPARE(bb.contrastiveDim, 24);
    QCOMPARE(bb.vit.width, 48);
    QCOMPARE(bb.vit.layers, 3);
    QCOMPARE(bb.vit.patchSize, 8);
    QCOMPARE(bb.vit.heads, 6);
    QVERIFY(bb.vit.researchLayout);
    compareForward(a, out);

    // The research YAML, nested as in its files: the same model.
    const QString yaml = out + QStringLiteral("/vit.yaml");
    QVERIFY(writeText(yaml, "model:\n  target: solarchip.SolarCHIP.solarchip_base\n  params:\n    modal_list: [hmi, '0171']\n"
                            "    base_model:\n      target: solarchip.modules.ViT.AE_ViT\n      params:\n        contrastive_dim: 24\n"
                            "        ddconfig:\n          input_dim: 1\n          input_resolution: 48\n          patch_size: 8\n"
                            "          hidden_dim: 48\n          layers: 3\n          heads: 6\n"));
    ImportOptions withYaml;
    withYaml.configFile = yaml;
    auto y = importCheckpoint(in, out + QStringLiteral("/yaml.safetensors"), withYaml);
    QVERIFY2(y, qPrintable(y.errorString()));
    QCOMPARE(y->hash, r->hash);
    QVERIFY(y->notes.join(u' ').contains(yaml));
    // A bare JSON ddconfig: the same.
    auto j = importWithConfigText(in, out, QStringLiteral("vit.json"),
                                  R"({"input_dim": 1, "patch_size": 8, "hidden_dim": 48, "layers": 3, "heads": 6})");
    QVERIFY2(j, qPrintable(j.errorString()));
    QCOMPARE(j->hash, r->hash);
    // A configuration that contradicts the shapes names both values.
    auto w = importWithConfigText(in, out, QStringLiteral("wrong.yaml"), "ddconfig:\n  hidden_dim: 64\n  heads: 8\n");
    QVERIFY(!w);
    QVERIFY2(w.errorString().contains(QStringLiteral("hidden_dim: 64")) && w.errorString().contains(QStringLiteral("48")),
             qPrintable(w.errorString()));
    // Heads that do not divide the width.
    ImportOptions badHeads;
    badHeads.heads = 5;
    QVERIFY(!importCheckpoint(in, out + QStringLiteral("/bad.safetensors"), badHeads));
}

void TestImportInfer::cnnOfAnySize()
{
    QTemporaryDir dir = scratchDir();
    const QString out = dir.path();
    QVERIFY(runReference({QStringLiteral("model"), QStringLiteral("--config"), QString::fromUtf8(kCnn), QStringLiteral("--modalities"),
                          QStringLiteral("hmi,0171"), QStringLiteral("--seed"), QStringLiteral("6"), QStringLiteral("--batch"),
                          QStringLiteral("2"), QStringLiteral("--out"), out}));
    const QString in = out + QStringLiteral("/state.pt");

    // A convolutional network does not tell its input size.
    auto refused = importCheckpoint(in, out + QStringLiteral("/none.safetensors"), ImportOptions{});
    QVERIFY(!refused);
    QVERIFY2(refused.errorString().contains(QStringLiteral("resolution")) && refused.errorString().contains(QStringLiteral("--config")),
             qPrintable(refused.errorString()));

    // The research test.yaml form (dd_config with double_z False).
    const QString yaml = out + QStringLiteral("/cnn.yaml");
    QVERIFY(writeText(yaml, "model:\n  params:\n    base_model:\n      target: solarchip.modules.CNN.AE_CNN\n      params:\n"
                            "        contrastive_dim: 12\n        dd_config:\n          double_z: False\n          z_channels: 6\n"
                            "          resolution: 32\n          in_channels: 1\n          out_ch: 1\n          ch: 8\n"
                            "          ch_mult: [1, 2, 4]\n          num_res_blocks: 2\n          attn_resolutions:\n"
                            "          - 16\n          dropout: 0.0\n"));
    ImportOptions withYaml;
    withYaml.configFile = yaml;
    const QString a = out + QStringLiteral("/cnn.safetensors");
    auto r = importCheckpoint(in, a, withYaml);
    QVERIFY2(r, qPrintable(r.errorString()));
    const BackboneConfig &bb = r->config.backbone;
    QCOMPARE(bb.resolution, 32);
    QCOMPARE(bb.cnn.chMult, (std::vector<int>{1, 2, 4}));
    QCOMPARE(bb.cnn.numResBlocks, 2);
    QCOMPARE(bb.cnn.zChannels, 6);
    QCOMPARE(bb.cnn.attnResolutions, std::vector<int>{16});
    QCOMPARE(bb.contrastiveDim, 12);
    compareForward(a, out);

    // --resolution alone: attention placed from the keys, the same model.
    ImportOptions withRes;
    withRes.resolution = 32;
    auto s = importCheckpoint(in, out + QStringLiteral("/res.safetensors"), withRes);
    QVERIFY2(s, qPrintable(s.errorString()));
    QCOMPARE(s->hash, r->hash);
    // attn_resolutions that put attention at another level than the keys: refused, naming both.
    auto w = importWithConfigText(in, out, QStringLiteral("wrong.yaml"), "dd_config:\n  resolution: 32\n  attn_resolutions: [8]\n");
    QVERIFY(!w);
    QVERIFY2(w.errorString().contains(QStringLiteral("attn_resolutions")), qPrintable(w.errorString()));

    // The CLI: --config and --json.
    const ProcessResult cli = run(binPath(QStringLiteral("solarchip")),
                                  {QStringLiteral("import-checkpoint"), in, QStringLiteral("--out"), out + QStringLiteral("/cli.safetensors"),
                                   QStringLiteral("--config"), yaml, QStringLiteral("--json")});
    QVERIFY2(cli.exitCode == 0, cli.err.constData());
    const QJsonObject o = parseJson(cli.out).object();
    QCOMPARE(o.value(QStringLiteral("preset")).toString(), QStringLiteral("inferred"));
    QCOMPARE(o.value(QStringLiteral("sha256_state")).toString(), r->hash);
    const ProcessResult missing = run(binPath(QStringLiteral("solarchip")),
                                      {QStringLiteral("import-checkpoint"), in, QStringLiteral("--out"), out + QStringLiteral("/m.safetensors")});
    QCOMPARE(missing.exitCode, 1);
    QVERIFY2(QString::fromUtf8(missing.err).contains(QStringLiteral("--resolution")), missing.err.constData());
}

QTEST_GUILESS_MAIN(TestImportInfer)
#include "tst_import_infer.moc"
