// HMI -> AIA translation on CUDA (issue 14's GPU path; label `gpu`, skipped without CUDA). The reference is the
// same code on the CPU: the noise of a seed and the batches of a step are drawn on the CPU and moved, and the
// initial weights are made on the CPU, so a CUDA run must reproduce the CPU one up to floating-point rounding
// (cuDNN's algorithms and TF32 convolutions give ~1e-3 relative; the tolerances leave room for that, not more).
#include "TestSupport.h"
#include "TranslatorFixtures.h"

#include "models/networks/Device.h"
#include "models/translate/Translator.h"
#include "models/translate/TranslatorTraining.h"

#include <QJsonArray>
#include <QTest>

#include <algorithm>
#include <cmath>

using namespace solarchip;
using namespace solarchip::test;

class TestTranslateGpu : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cudaRunMatchesTheCpuRun();
};

void TestTranslateGpu::initTestCase()
{
    if (!cudaAvailable())
        QSKIP(qPrintable(QStringLiteral("no CUDA: %1").arg(torchBuildDescription())));
}

namespace {

double maxRelativeDifference(const Image &a, const Image &b)
{
    double diff = 0, scale = 0;
    for (std::size_t i = 0; i < a.pixels.size(); ++i) {
        diff = std::max(diff, double(std::abs(a.pixels[i] - b.pixels[i])));
        scale = std::max(scale, double(std::abs(b.pixels[i])));
    }
    return diff / std::max(scale, 1e-12);
}

double lastValLoss(const QJsonObject &info, const char *stage)
{
    return info[QStringLiteral("stages")].toObject()[QLatin1String(stage)].toObject()[QStringLiteral("val_loss")].toDouble();
}

}  // namespace

void TestTranslateGpu::cudaRunMatchesTheCpuRun()
{
    QTemporaryDir dir = scratchDir();
    const TranslatorFixture fixture = TranslatorFixture::write(dir.path());
    QVERIFY(!fixture.archive.isEmpty());
    const QString archive = fixture.archive;
    auto encoder = TrainedModel::load(fixture.encoder);
    QVERIFY2(encoder.ok(), qPrintable(encoder.errorString()));
    const DeviceChoice cpu{}, cuda{DeviceKind::Cuda, 0};

    // The same run trained on each device: the validation losses of every stage agree.
    TranslatorTrainOptions o = fixture.options(dir.path() + QStringLiteral("/cpu"), 4);
    o.hmiDecoder = true;
    o.device = cpu;
    auto onCpu = trainTranslator(*encoder, o);
    QVERIFY2(onCpu.ok(), qPrintable(onCpu.errorString()));
    o.device = cuda;
    o.outDir = dir.path() + QStringLiteral("/cuda");
    auto onCuda = trainTranslator(*encoder, o);
    QVERIFY2(onCuda.ok(), qPrintable(onCuda.errorString()));
    for (const char *stage : {"ae", "base", "control"}) {
        const double a = lastValLoss(*onCpu, stage), b = lastValLoss(*onCuda, stage);
        QVERIFY2(std::isfinite(a) && std::abs(a - b) <= 0.02 * std::abs(a),
                 qPrintable(QStringLiteral("%1: cpu %2, cuda %3").arg(QLatin1String(stage)).arg(a).arg(b)));
    }

    // One run translated on each device with the same seed: the same map (the noise is the CPU generator's).
    auto runCpu = TranslatorRun::load(dir.path() + QStringLiteral("/cpu"), {}, cpu);
    auto runCuda = TranslatorRun::load(dir.path() + QStringLiteral("/cpu"), {}, cuda);
    QVERIFY2(runCpu.ok() && runCuda.ok(), qPrintable(runCpu.errorString() + runCuda.errorString()));
    QCOMPARE(runCuda->device(), QStringLiteral("cuda:0"));
    TranslationRequest req;
    req.hmiFile = archive + QStringLiteral("/hmi_003.fits");
    req.seed = 7;
    req.samples = 3;
    auto a = runCpu->translate(req);
    auto b = runCuda->translate(req);
    QVERIFY2(a.ok() && b.ok(), qPrintable(a.errorString() + b.errorString()));
    QCOMPARE(b->device, QStringLiteral("cuda:0"));
    QVERIFY2(maxRelativeDifference(b->mean, a->mean) < 1e-2,
             qPrintable(QStringLiteral("mean differs by %1").arg(maxRelativeDifference(b->mean, a->mean))));

    // Weights trained on CUDA load and translate on the CPU.
    auto back = TranslatorRun::load(dir.path() + QStringLiteral("/cuda"), {}, cpu);
    QVERIFY2(back.ok(), qPrintable(back.errorString()));
    QVERIFY(back->translate(req).ok());

    // The evaluation on each device: the same scores.
    TranslatorEvalOptions eo;
    eo.archiveDir = archive;
    eo.bootstrap = 50;
    eo.maxSets = 3;
    eo.device = cpu;
    auto ea = evaluateTranslators({dir.path() + QStringLiteral("/cpu")}, eo);
    eo.device = cuda;
    auto eb = evaluateTranslators({dir.path() + QStringLiteral("/cpu")}, eo);
    QVERIFY2(ea.ok() && eb.ok(), qPrintable(ea.errorString() + eb.errorString()));
    auto cc = [](const QJsonObject &e) {
        return e[QStringLiteral("runs")].toArray().at(0).toObject()[QStringLiteral("channels")].toObject()
            [QStringLiteral("171")].toObject()[QStringLiteral("cc")].toObject()[QStringLiteral("mean")].toDouble();
    };
    QVERIFY2(std::abs(cc(*ea) - cc(*eb)) < 1e-2, qPrintable(QStringLiteral("cc cpu %1, cuda %2").arg(cc(*ea)).arg(cc(*eb))));
    QCOMPARE((*eb)[QStringLiteral("device")].toString(), QStringLiteral("cuda:0"));
}

QTEST_GUILESS_MAIN(TestTranslateGpu)
#include "tst_translate_gpu.moc"
