// The shipped default model (models/default/, MODEL_CARD.md): the binary embeds exactly the committed file, and
// on a freshly generated synthetic archive with a seed and a period it never saw (20 daily sets of HMI + 171, a
// subset of its channels) the evaluation suite gives what issue 10 asks of it: the day identified by the on-disk
// patches (day_top1_by_patches >= 0.9), cells matched by content and not by position (the same cells of HMI half
// a rotation later mostly miss: patch_top1_other_time_ondisk <= 0.2), and CLS and patch skill far above the
// untrained model of the same configuration. The full targets on two fresh 4-year and 60-day archives per AIA
// channel are the card's figures (scripts/train_default_model.sh).
#include "TestSupport.h"

#include <QFile>
#include <QJsonObject>
#include <QtTest>

using namespace solarchip::test;

namespace {

const char *kModelFile = "models/default/solarchip-tiny-default.safetensors";

// The file's SHA-256 as coreutils computes it (independent of the hashing in `solarchip model-info`).
QString sha256Of(const QString &path)
{
    const ProcessResult r = run(QStringLiteral("sha256sum"), {QStringLiteral("--"), path}, 60000);
    return r.exitCode == 0 ? QString::fromLatin1(r.out.left(64)) : QString();
}

}  // namespace

class TestDefaultModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void embeddedModelIsTheCommittedFile();
    void alignsOnAFreshArchiveFarAboveUntrained();
};

void TestDefaultModel::embeddedModelIsTheCommittedFile()
{
    const QString committed = sourceDir() + QLatin1Char('/') + QLatin1String(kModelFile);
    QVERIFY2(QFileInfo::exists(committed), qPrintable(committed));
    QVERIFY(QFileInfo(committed).size() < 20 * 1024 * 1024);
    const ProcessResult r = run(binPath(QStringLiteral("solarchip")), {QStringLiteral("model-info"), QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject o = parseJson(r.out).object();
    const QString sha = sha256Of(committed);
    QVERIFY2(sha.size() == 64, "sha256sum (coreutils) failed");
    QCOMPARE(o.value(QStringLiteral("file_sha256")).toString(), sha);
    // The card names the file's hash, so a retrained model without an updated card fails here.
    QFile card(sourceDir() + QStringLiteral("/models/default/MODEL_CARD.md"));
    QVERIFY(card.open(QIODevice::ReadOnly));
    const QByteArray text = card.readAll();
    QVERIFY2(text.contains(sha.toLatin1()), "MODEL_CARD.md does not name the model file's SHA-256");
    QVERIFY2(text.contains(o.value(QStringLiteral("model_hash")).toString().toLatin1()),
             "MODEL_CARD.md does not name the model hash");
}

void TestDefaultModel::alignsOnAFreshArchiveFarAboveUntrained()
{
    QTemporaryDir dir = scratchDir();
    const QString archive = dir.path() + QStringLiteral("/fresh");
    const QString exe = binPath(QStringLiteral("solarchip"));
    // A seed and a period the model never saw (training: seed 11; the card's evaluation: seed 2).
    const ProcessResult s = run(exe, {QStringLiteral("synth"), archive, QStringLiteral("--start"), QStringLiteral("2012-02-01T00:00"),
                                      QStringLiteral("--days"), QStringLiteral("20"), QStringLiteral("--cadence"), QStringLiteral("24"),
                                      QStringLiteral("--size"), QStringLiteral("256"), QStringLiteral("--channels"),
                                      QStringLiteral("hmi,171"), QStringLiteral("--seed"), QStringLiteral("23"), QStringLiteral("--quiet")},
                                600000);
    QVERIFY2(s.exitCode == 0, s.err.constData());
    auto evalAlign = [&](bool untrained) {
        QStringList args{QStringLiteral("eval-align"), QStringLiteral("--archive"), archive, QStringLiteral("--channels"),
                         QStringLiteral("hmi,171"), QStringLiteral("--suite"), QStringLiteral("--daily-sets"),
                         QStringLiteral("20"), QStringLiteral("--threads"), QStringLiteral("1"), QStringLiteral("--json")};
        if (untrained)
            args << QStringLiteral("--untrained");
        const ProcessResult r = run(exe, args, 600000);
        if (r.exitCode != 0)
            qWarning("%s", r.err.constData());
        return parseJson(r.out).object();
    };
    const QJsonObject trained = evalAlign(false);
    const QJsonObject untrained = evalAlign(true);
    auto value = [](const QJsonObject &o, const char *key) { return o.value(QLatin1String(key)).toDouble(-1); };
    for (const char *key : {"cls_batch_top1", "cls_top1_within3d", "day_top1_by_patches", "patch_top1_ondisk",
                            "patch_top1_other_time_ondisk"})
        qInfo("fresh archive (seed 23, 20 daily sets): %s trained %.3f, untrained %.3f", key, value(trained, key),
              value(untrained, key));
    QCOMPARE(trained.value(QStringLiteral("n_samples")).toInt(), 20);
    // The per-day and content targets.
    QVERIFY(value(trained, "day_top1_by_patches") >= 0.9);
    const double other = value(trained, "patch_top1_other_time_ondisk");
    QVERIFY2(other >= 0 && other <= 0.2, qPrintable(QString::number(other)));
    // Far above the untrained model and chance on the cells (chance 1 / on-disk cells) and on the CLS.
    const double patch = value(trained, "patch_top1_ondisk");
    QVERIFY2(patch >= 0.5 && patch - value(untrained, "patch_top1_ondisk") >= 0.3, qPrintable(QString::number(patch)));
    const double batch = value(trained, "cls_batch_top1");
    QVERIFY2(batch >= 3 * value(trained, "cls_batch_top1_chance") && batch - value(untrained, "cls_batch_top1") >= 0.2,
             qPrintable(QString::number(batch)));
    QVERIFY(value(trained, "cls_top1_within3d") >= 0.5);
}

QTEST_GUILESS_MAIN(TestDefaultModel)
#include "tst_defaultmodel.moc"
