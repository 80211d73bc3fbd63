// EvalAlign on constructed embeddings whose answers are known in closed form, and `solarchip eval-align` on a
// small archive (output keys, chance levels, held-out selection, the untrained baseline).
#include "EmbeddingFixtures.h"
#include "EngineFixtures.h"
#include "TestSupport.h"

#include "models/embeddings/EvalAlign.h"
#include "models/networks/SolarChipModel.h"
#include "models/networks/TrainedModel.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>

#include <cmath>
#include <numbers>
#include <algorithm>
#include <random>

using namespace solarchip;
using namespace solarchip::test;

class TestEvalAlign : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void identicalEmbeddingsAreAlwaysTop1();
    void randomEmbeddingsScoreChance();
    void shiftedCircleHasKnownRanks();
    void degenerateEmbeddingsRankLast();
    void otherTimeSeparatesContentFromPosition();
    void refusesMismatchedShapes();
    void cliReportsEveryMetricOnAnArchive();
};

// Cells coded by position only (the same vectors every sample) match as well with another time's HMI as with
// their own; cells coded by content (independent random vectors per sample, shared by the two modalities) only
// with their own: patch_top1_other_time 1 and ~chance (1/64) respectively.
void TestEvalAlign::otherTimeSeparatesContentFromPosition()
{
    std::mt19937 rng(11);
    const int n = 30, np = 64, dim = 24;
    const ChannelEmbeddings positional = positionalEmbeddings(n, np, dim, rng);
    auto p = EvalAlign::evaluate(positional, positional);
    QVERIFY(p.ok());
    QCOMPARE(p->patchTop1, 1.0);
    QCOMPARE(p->patchTop1OtherTime, 1.0);
    const ChannelEmbeddings content = randomEmbeddings(n, np, dim, rng);
    auto c = EvalAlign::evaluate(content, content);
    QVERIFY(c.ok());
    QCOMPARE(c->patchTop1, 1.0);
    QVERIFY2(std::abs(c->patchTop1OtherTime - 1.0 / np) < 0.01, qPrintable(QString::number(c->patchTop1OtherTime)));
    QVERIFY(c->toJson().contains(QStringLiteral("patch_top1_other_time")));
}

void TestEvalAlign::identicalEmbeddingsAreAlwaysTop1()
{
    std::mt19937 rng(3);
    const ChannelEmbeddings a = randomEmbeddings(40, 64, 16, rng);
    ChannelEmbeddings b = a;
    for (float &v : b.cls)
        v *= 3.0f;  // cosine similarity ignores the length
    auto m = EvalAlign::evaluate(a, b);
    QVERIFY2(m.ok(), qPrintable(m.errorString()));
    QCOMPARE(m->clsTop1, 1.0);
    QCOMPARE(m->patchTop1, 1.0);
    QCOMPARE(m->clsMeanRank, 1.0);
    QCOMPARE(m->patchMeanRank, 1.0);
    QCOMPARE(m->nSamples, 40);
    QCOMPARE(m->nPatches, 64);
    QCOMPARE(m->clsChance, 1.0 / 40);
    QCOMPARE(m->patchChance, 1.0 / 64);
    QCOMPARE(m->clsMeanRankChance, 20.5);
    QCOMPARE(m->patchMeanRankChance, 32.5);
}

void TestEvalAlign::randomEmbeddingsScoreChance()
{
    std::mt19937 rng(11);
    const int n = 300, np = 64;
    const ChannelEmbeddings a = randomEmbeddings(n, np, 32, rng);
    const ChannelEmbeddings b = randomEmbeddings(n, np, 32, rng);
    auto m = EvalAlign::evaluate(a, b);
    QVERIFY(m.ok());
    // Independent vectors: the right candidate's rank is uniform on 1..n. Top-1 ~ Binomial(n, 1/n) / n:
    // mean 1/300, so 0.03 is > 5 sigma away; the mean rank's standard error is ~ n/sqrt(12 n) = 5.
    QVERIFY2(m->clsTop1 < 0.03, qPrintable(QString::number(m->clsTop1)));
    QVERIFY2(std::abs(m->clsMeanRank - (n + 1) / 2.0) < 30, qPrintable(QString::number(m->clsMeanRank)));
    // 19200 patch queries, chance 1/64: standard error of the rate ~ 0.0009.
    QVERIFY2(std::abs(m->patchTop1 - 1.0 / np) < 0.005, qPrintable(QString::number(m->patchTop1)));
    QVERIFY2(std::abs(m->patchMeanRank - (np + 1) / 2.0) < 1.0, qPrintable(QString::number(m->patchMeanRank)));
}

void TestEvalAlign::shiftedCircleHasKnownRanks()
{
    // HMI at angles 2 pi i/n, AIA shifted by 0.75 of a step: for HMI query i the AIA vector i-1 is 0.25 step
    // away and the right one 0.75 step, every other farther. So the right answer ranks exactly 2, every time.
    // For the patch question the roles swap (AIA queries, HMI candidates): AIA p at p+0.75 is nearest to HMI
    // p+1 (0.25 step), then HMI p (0.75): rank 2 as well.
    const ChannelEmbeddings hmi = circle(24, 36, 0.0);
    const ChannelEmbeddings aia = circle(24, 36, 0.75);
    auto m = EvalAlign::evaluate(hmi, aia);
    QVERIFY(m.ok());
    QCOMPARE(m->clsTop1, 0.0);
    QCOMPARE(m->clsMeanRank, 2.0);
    QCOMPARE(m->patchTop1, 0.0);
    QCOMPARE(m->patchMeanRank, 2.0);
    // A shift of 0.25 step keeps the right answer nearest.
    auto near = EvalAlign::evaluate(hmi, circle(24, 36, 0.25));
    QVERIFY(near.ok());
    QCOMPARE(near->clsTop1, 1.0);
    QCOMPARE(near->patchTop1, 1.0);
}

void TestEvalAlign::degenerateEmbeddingsRankLast()
{
    // Everything mapped to one vector: every candidate ties; pessimistic ranking puts the right one last.
    ChannelEmbeddings a;
    a.count = 10;
    a.patches = 4;
    a.dim = 3;
    a.cls.assign(30, 1.0f);
    a.patch.assign(120, 1.0f);
    auto m = EvalAlign::evaluate(a, a);
    QVERIFY(m.ok());
    QCOMPARE(m->clsTop1, 0.0);
    QCOMPARE(m->clsMeanRank, 10.0);
    QCOMPARE(m->patchTop1, 0.0);
    QCOMPARE(m->patchMeanRank, 4.0);
}

void TestEvalAlign::refusesMismatchedShapes()
{
    std::mt19937 rng(1);
    const ChannelEmbeddings a = randomEmbeddings(5, 4, 8, rng);
    ChannelEmbeddings b = randomEmbeddings(6, 4, 8, rng);
    QVERIFY(!EvalAlign::evaluate(a, b).ok());
    ChannelEmbeddings c = randomEmbeddings(1, 4, 8, rng);
    QVERIFY(!EvalAlign::evaluate(c, c).ok());
    ChannelEmbeddings d = a;
    d.patch.pop_back();
    QVERIFY(!EvalAlign::evaluate(a, d).ok());
}

void TestEvalAlign::cliReportsEveryMetricOnAnArchive()
{
    QTemporaryDir dir = scratchDir();
    const QString archive = dir.path() + QStringLiteral("/archive");
    QDir().mkpath(archive);
    const QDateTime t0(QDate(2012, 3, 4), QTime(0, 0), QTimeZone::utc());
    for (int i = 0; i < 5; ++i) {
        const std::vector<Blob> b{{-500.0 + 250 * i, 150.0 - 60 * i, 900, 60}};
        FakeMap aia = fakeAia(b, t0.addSecs(6 * 3600 * i));
        aia.size = 128;
        aia.cdelt = 19.2;
        FakeMap hmi = fakeHmi(b, t0.addSecs(6 * 3600 * i));
        hmi.size = 150;
        hmi.cdelt = 16.8;
        QVERIFY(writeFakeMap(archive + QStringLiteral("/aia%1.fits").arg(i), aia).ok());
        QVERIFY(writeFakeMap(archive + QStringLiteral("/hmi%1.fits").arg(i), hmi).ok());
    }
    // A small untrained model written as a model file (no training provenance: the whole archive is held out).
    const QString modelPath = dir.path() + QStringLiteral("/model.safetensors");
    auto model = writeUntrainedTinyModel(modelPath);
    QVERIFY2(model.ok(), qPrintable(model.errorString()));

    const ProcessResult r = run(binPath(QStringLiteral("solarchip")),
                                {QStringLiteral("eval-align"), QStringLiteral("--model"), modelPath, QStringLiteral("--archive"),
                                 archive, QStringLiteral("--channels"), QStringLiteral("hmi,171"), QStringLiteral("--json"),
                                 QStringLiteral("--no-cache")},
                                120000);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject o = parseJson(r.out).object();
    for (const char *key : {"n_samples", "n_patches", "cls_top1", "cls_mean_rank", "cls_chance", "cls_mean_rank_chance",
                            "patch_top1", "patch_mean_rank", "patch_chance", "patch_mean_rank_chance", "model_hash",
                            "held_out"})
        QVERIFY2(o.contains(QLatin1String(key)), key);
    QCOMPARE(o.value(QStringLiteral("n_samples")).toInt(), 5);
    QCOMPARE(o.value(QStringLiteral("n_patches")).toInt(), 16);
    QCOMPARE(o.value(QStringLiteral("patch_chance")).toDouble(), 1.0 / 16);
    QCOMPARE(o.value(QStringLiteral("cls_chance")).toDouble(), 1.0 / 5);
    QCOMPARE(o.value(QStringLiteral("model_hash")).toString(), *model->hash());
    const double top1 = o.value(QStringLiteral("cls_top1")).toDouble();
    QVERIFY(top1 >= 0 && top1 <= 1);

    // --untrained with another seed re-initialises: another hash, same keys.
    const ProcessResult u = run(binPath(QStringLiteral("solarchip")),
                                {QStringLiteral("eval-align"), QStringLiteral("--model"), modelPath, QStringLiteral("--archive"),
                                 archive, QStringLiteral("--json"), QStringLiteral("--untrained"), QStringLiteral("--seed"),
                                 QStringLiteral("9"), QStringLiteral("--no-cache")},
                                120000);
    QVERIFY2(u.exitCode == 0, u.err.constData());
    const QJsonObject uo = parseJson(u.out).object();
    QVERIFY(uo.value(QStringLiteral("untrained")).toBool());
    QVERIFY(uo.value(QStringLiteral("model_hash")).toString() != *model->hash());

    // Bad usage: two AIA channels.
    const ProcessResult bad = run(binPath(QStringLiteral("solarchip")),
                                  {QStringLiteral("eval-align"), QStringLiteral("--model"), modelPath, QStringLiteral("--archive"),
                                   archive, QStringLiteral("--channels"), QStringLiteral("171,193")});
    QCOMPARE(bad.exitCode, 2);
}

QTEST_GUILESS_MAIN(TestEvalAlign)
#include "tst_evalalign.moc"
