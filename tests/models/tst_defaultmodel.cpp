// The shipped default model (models/default/, MODEL_CARD.md): the binary embeds exactly the committed file, and
// on a freshly generated synthetic archive with a seed it never saw it aligns HMI with AIA 171 far above the
// untrained model: patch_top1 >= 0.5 (the threshold). The cls_top1 >= 0.5 is not met by this
// model (MODEL_CARD.md, "Known limitation"): it is checked as an expected failure, so a model that meets it
// turns this test red until the expectation is updated.
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
                                      QStringLiteral("--size"), QStringLiteral("512"), QStringLiteral("--channels"),
                                      QStringLiteral("hmi,171"), QStringLiteral("--seed"), QStringLiteral("23"), QStringLiteral("--quiet")},
                                600000);
    QVERIFY2(s.exitCode == 0, s.err.constData());
    auto evalAlign = [&](bool untrained) {
        QStringList args{QStringLiteral("eval-align"), QStringLiteral("--archive"), archive, QStringLiteral("--channels"),
                         QStringLiteral("hmi,171"), QStringLiteral("--json")};
        if (untrained)
            args << QStringLiteral("--untrained");
        const ProcessResult r = run(exe, args, 600000);
        if (r.exitCode != 0)
            qWarning("%s", r.err.constData());
        return parseJson(r.out).object();
    };
    const QJsonObject trained = evalAlign(false);
    const QJsonObject untrained = evalAlign(true);
    const double cls = trained.value(QStringLiteral("cls_top1")).toDouble(-1);
    const double patch = trained.value(QStringLiteral("patch_top1")).toDouble(-1);
    const double cls0 = untrained.value(QStringLiteral("cls_top1")).toDouble(-1);
    const double patch0 = untrained.value(QStringLiteral("patch_top1")).toDouble(-1);
    qInfo("fresh archive (seed 23, %d sets): trained cls_top1 %.3f patch_top1 %.3f (mean ranks %.2f, %.2f); "
          "untrained cls_top1 %.3f patch_top1 %.3f; chance %.3f / %.4f",
          trained.value(QStringLiteral("n_samples")).toInt(), cls, patch,
          trained.value(QStringLiteral("cls_mean_rank")).toDouble(), trained.value(QStringLiteral("patch_mean_rank")).toDouble(),
          cls0, patch0, trained.value(QStringLiteral("cls_chance")).toDouble(), trained.value(QStringLiteral("patch_chance")).toDouble());
    QCOMPARE(trained.value(QStringLiteral("n_samples")).toInt(), 20);
    QVERIFY2(patch >= 0.5, qPrintable(QString::number(patch)));
    QVERIFY(patch - patch0 >= 0.3);
    // Matched by content, not by position: with the HMI of another time the cells mostly miss.
    const double other = trained.value(QStringLiteral("patch_top1_other_time")).toDouble(-1);
    QVERIFY2(other >= 0 && patch - other >= 0.3, qPrintable(QStringLiteral("patch_top1 %1, other time %2").arg(patch).arg(other)));
    // Far above chance on the cells; not on the CLS (see MODEL_CARD.md).
    QVERIFY(patch >= 50 * trained.value(QStringLiteral("patch_chance")).toDouble());
    QEXPECT_FAIL("", "the shipped model's CLS does not identify the day (MODEL_CARD.md, Known limitation)", Continue);
    QVERIFY2(cls >= 0.5, qPrintable(QString::number(cls)));
    QEXPECT_FAIL("", "the shipped model's CLS does not identify the day (MODEL_CARD.md, Known limitation)", Continue);
    QVERIFY(cls - cls0 >= 0.3);
}

QTEST_GUILESS_MAIN(TestDefaultModel)
#include "tst_defaultmodel.moc"
