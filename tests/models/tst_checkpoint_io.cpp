// Checkpoint I/O: safetensors written by the independent Python writer (tests/reference/safetensors_lite.py)
// and by us, round trips, clear errors for broken files, and `solarchip import-checkpoint` on research-layout
// checkpoints of the paper CNN written by the Python reference (torch.save dict and prefix-less backbone).
#include "ModelTestUtil.h"

#include "models/networks/SolarChipModel.h"
#include "models/networks/detail/SolarChipNet.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>

using namespace solarchip;
using namespace solarchip::test;

namespace {

const char *kPaperCnn = R"({"arch":"cnn","resolution":1024,"contrastive_dim":32,
  "cnn":{"ch":8,"ch_mult":[1,1,1,1,1,2,2],"num_res_blocks":1,"z_channels":32}})";

}  // namespace

class TestCheckpointIo : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir = scratchDir();
    QString m_ref;  // the Python reference's paper-cnn checkpoint folder

private Q_SLOTS:
    void initTestCase()
    {
        m_ref = m_dir.path() + QStringLiteral("/ref");
        QVERIFY(runReference({QStringLiteral("model"), QStringLiteral("--config"), QString::fromLatin1(kPaperCnn),
                              QStringLiteral("--modalities"), QStringLiteral("hmi,0094"), QStringLiteral("--seed"),
                              QStringLiteral("5"), QStringLiteral("--out"), m_ref, QStringLiteral("--no-forward")}));
    }

    void safetensorsRoundTrip()
    {
        SafetensorsFile f;
        const float v[6] = {1.5f, -2.f, 0.f, 3.25f, 1e-30f, -7.f};
        f.tensors.emplace("a.weight", TensorData::fromFloats({2, 3}, v));
        f.tensors.emplace("scalar", TensorData::fromFloats({}, v + 3));
        TensorData ints;
        ints.dtype = TensorDType::I64;
        ints.shape = {2};
        const int64_t iv[2] = {-5, 1LL << 40};
        ints.bytes = QByteArray(reinterpret_cast<const char *>(iv), 16);
        f.tensors.emplace("ints", ints);
        f.metadata.insert(QStringLiteral("k"), QStringLiteral("v"));
        const QString path = m_dir.path() + QStringLiteral("/rt.safetensors");
        QVERIFY(f.write(path));
        QVERIFY(f.write(path));  // replacing an existing file
        auto back = SafetensorsFile::read(path);
        QVERIFY2(back, qPrintable(back.errorString()));
        QCOMPARE(back->metadata.value(QStringLiteral("k")), QStringLiteral("v"));
        QCOMPARE(back->tensors.at("a.weight").toFloats(), std::vector<float>(v, v + 6));
        QVERIFY(back->tensors.at("scalar").shape.empty());
        QCOMPARE(back->tensors.at("ints").toFloats(), (std::vector<float>{-5.f, float(1LL << 40)}));
        // No temporary files left behind by the atomic writer.
        QCOMPARE(QDir(m_dir.path()).entryList({QStringLiteral(".rt.safetensors.tmp-*")}, QDir::Hidden | QDir::Files).size(), 0);
    }

    void readsPythonWrittenFile()
    {
        // The reference wrote state.safetensors with its own writer; compare with the torch.save copy.
        auto st = solarchip::detail::readTensorFile(m_ref + QStringLiteral("/state.safetensors"));
        auto pk = solarchip::detail::readTensorFile(m_ref + QStringLiteral("/state.pt"));
        QVERIFY2(st, qPrintable(st.errorString()));
        QVERIFY2(pk, qPrintable(pk.errorString()));
        QCOMPARE(st->size(), pk->size());
        for (const auto &[k, t] : *st)
            QVERIFY2(torch::equal(t, pk->at(k)), k.c_str());
        QVERIFY(st->count("model_dict.0094.encoder.down.0.block.0.norm1.weight"));
    }

    void brokenFiles()
    {
        const QString good = m_ref + QStringLiteral("/state.safetensors");
        QFile in(good);
        QVERIFY(in.open(QIODevice::ReadOnly));
        const QByteArray bytes = in.readAll();
        const QString cut = m_dir.path() + QStringLiteral("/cut.safetensors");
        QFile out(cut);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(bytes.left(bytes.size() - 100));
        out.close();
        auto r = SafetensorsFile::read(cut);
        QVERIFY(!r);
        QVERIFY2(r.errorString().contains(QStringLiteral("cut.safetensors")) && r.errorString().contains(QStringLiteral("truncated")),
                 qPrintable(r.errorString()));
        auto missing = solarchip::detail::readTensorFile(m_dir.path() + QStringLiteral("/nope.pt"));
        QVERIFY(!missing);
        QVERIFY(missing.errorString().contains(QStringLiteral("no such file")));
        const QString junk = m_dir.path() + QStringLiteral("/junk.pt");
        QFile j(junk);
        QVERIFY(j.open(QIODevice::WriteOnly));
        j.write("this is not a checkpoint at all");
        j.close();
        auto bad = solarchip::detail::readTensorFile(junk);
        QVERIFY(!bad);
        QVERIFY2(bad.errorString().startsWith(junk), qPrintable(bad.errorString()));
    }

    void importCli()
    {
        const QString outFile = m_dir.path() + QStringLiteral("/paper.safetensors");
        ProcessResult r = run(binPath(QStringLiteral("solarchip")),
                              {QStringLiteral("import-checkpoint"), m_ref + QStringLiteral("/state.pt"), QStringLiteral("--out"),
                               outFile, QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject o = parseJson(r.out).object();
        QCOMPARE(o.value(QStringLiteral("parameters")).toDouble(), double(2 * 90745 + 3));
        QCOMPARE(o.value(QStringLiteral("preset")).toString(), QStringLiteral("paper-cnn"));
        QCOMPARE(o.value(QStringLiteral("format")).toString(), QStringLiteral("torch-pickle"));
        QCOMPARE(o.value(QStringLiteral("config")).toObject().value(QStringLiteral("modalities")).toArray().size(), 2);

        // The written weights are the Python ones, bit for bit.
        auto model = SolarChipModel::load(outFile);
        QVERIFY2(model, qPrintable(model.errorString()));
        QCOMPARE(*model->hash(), o.value(QStringLiteral("sha256_state")).toString());
        const auto ref = readTensors(m_ref + QStringLiteral("/state.safetensors"));
        const auto mine = solarchip::detail::stateOf(*model->net());
        QCOMPARE(mine.size(), ref.size());
        for (const auto &[k, t] : ref)
            QVERIFY2(torch::equal(mine.at(k), t), k.c_str());

        // A prefix-less backbone.
        r = run(binPath(QStringLiteral("solarchip")), {QStringLiteral("import-checkpoint"), m_ref + QStringLiteral("/bare.pt"),
                                                        QStringLiteral("--out"), m_dir.path() + QStringLiteral("/bare.safetensors"),
                                                        QStringLiteral("--modality"), QStringLiteral("193"), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(parseJson(r.out).object().value(QStringLiteral("parameters")).toDouble(), double(90745 + 3));
    }

    void importRejectsMismatches()
    {
        const QString in = m_ref + QStringLiteral("/state.pt");
        const QString outFile = m_dir.path() + QStringLiteral("/wrong.safetensors");
        // Wrong preset: the first key whose shape differs is named, with the file.
        ProcessResult r = run(binPath(QStringLiteral("solarchip")), {QStringLiteral("import-checkpoint"), in, QStringLiteral("--out"),
                                                                      outFile, QStringLiteral("--preset"), QStringLiteral("tiny-cnn")});
        QCOMPARE(r.exitCode, 1);
        const QString err = QString::fromUtf8(r.err);
        QVERIFY2(err.contains(in) && err.contains(QStringLiteral("key 'model_dict.")) && err.contains(QStringLiteral("tiny-cnn")),
                 qPrintable(err));
        QVERIFY(!QFile::exists(outFile));
        // Wrong architecture.
        r = run(binPath(QStringLiteral("solarchip")), {QStringLiteral("import-checkpoint"), in, QStringLiteral("--out"), outFile,
                                                        QStringLiteral("--arch"), QStringLiteral("vit")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(QString::fromUtf8(r.err).contains(QStringLiteral("encoder.conv_in.weight")), r.err.constData());
        // Usage errors.
        r = run(binPath(QStringLiteral("solarchip")), {QStringLiteral("import-checkpoint"), in});
        QCOMPARE(r.exitCode, 2);
        // A truncated torch.save file.
        QFile f(in);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString cut = m_dir.path() + QStringLiteral("/cut.pt");
        QFile c(cut);
        QVERIFY(c.open(QIODevice::WriteOnly));
        c.write(f.readAll().left(5000));
        c.close();
        r = run(binPath(QStringLiteral("solarchip")), {QStringLiteral("import-checkpoint"), cut, QStringLiteral("--out"), outFile});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(QString::fromUtf8(r.err).contains(cut), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestCheckpointIo)
#include "tst_checkpoint_io.moc"
