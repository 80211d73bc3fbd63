// The training engine: the learning-rate schedule against its closed form, gradient accumulation and the
// save-memory mode against one big backward, the metrics stream, and exact resume after kill -9 of
// `solarchip pretrain` (the weights after K straight steps equal those after K/2 + kill -9 + resume, bit for bit).
#include "EmbeddingFixtures.h"
#include "EngineFixtures.h"
#include "TestSupport.h"

#include "models/training/LrSchedule.h"
#include "models/networks/SafetensorsFile.h"
#include "models/networks/SolarChipModel.h"
#include "models/networks/detail/SolarChipNet.h"
#include "models/training/detail/TrainerStep.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QElapsedTimer>
#include <QThread>
#include <QtTest>

#include <cmath>
#include <numbers>

using namespace solarchip;
using namespace solarchip::test;

namespace {

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QList<QJsonObject> jsonLines(const QByteArray &text)
{
    QList<QJsonObject> out;
    for (const QByteArray &line : text.split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        QJsonParseError err;
        const QJsonDocument d = QJsonDocument::fromJson(line, &err);
        if (!d.isObject()) {
            qWarning("not a JSON object line: %s", line.constData());
            return {};
        }
        out << d.object();
    }
    return out;
}

SolarChipConfig smallConfig(double wRec = 1.0)
{
    auto cfg = tinyVitConfig(2);
    cfg->weights.reconstruction = wRec;
    return *cfg;
}

std::map<std::string, torch::Tensor> gradients(solarchip::detail::SolarChipNetImpl &net)
{
    std::map<std::string, torch::Tensor> g;
    for (const auto &p : net.named_parameters())
        g.emplace(p.key(), p.value().grad().defined() ? p.value().grad().clone() : torch::zeros_like(p.value()));
    return g;
}

// Max over parameters of |g - ref| / (max |ref| of that parameter + tiny).
double relativeDifference(const std::map<std::string, torch::Tensor> &g, const std::map<std::string, torch::Tensor> &ref)
{
    double worst = 0;
    for (const auto &[k, r] : ref) {
        const double scale = r.abs().max().item<double>() + 1e-30;
        worst = std::max(worst, (g.at(k) - r).abs().max().item<double>() / scale);
    }
    return worst;
}

QString pretrainBinary() { return binPath(QStringLiteral("solarchip")); }

}  // namespace

class TestTrainer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void scheduleFollowsClosedForm();
    void accumulationAndSaveMemoryEqualOneBigBatch_data();
    void accumulationAndSaveMemoryEqualOneBigBatch();
    void metricsLinesCarryEveryField();
    void killNineAndResumeIsBitExact();
    void stopAtPausesAndResumeIsBitExact();
    void refusesToOverwriteARun();

private:
    // The run the resume tests repeat: kResumeSteps steps, checkpoints every 3, validation every 7, seed 17.
    static constexpr int kResumeSteps = 40;
    QStringList resumeRunArgs(const QString &runDir) const
    {
        return {QStringLiteral("pretrain"), QStringLiteral("--archive"), m_archive, QStringLiteral("--preset"),
                m_backbone, QStringLiteral("--out"), runDir, QStringLiteral("--batch"), QStringLiteral("4"),
                QStringLiteral("--max-steps"), QString::number(kResumeSteps), QStringLiteral("--checkpoint-every"),
                QStringLiteral("3"), QStringLiteral("--validate-every"), QStringLiteral("7"),
                QStringLiteral("--val-fraction"), QStringLiteral("0.25"), QStringLiteral("--val-gap-hours"),
                QStringLiteral("6"), QStringLiteral("--seed"), QStringLiteral("17"), QStringLiteral("--threads"),
                QStringLiteral("1"), QStringLiteral("--workers"), QStringLiteral("3"), QStringLiteral("--quiet")};
    }

    QTemporaryDir m_dir{scratchDir()};
    QString m_archive, m_backbone;
};

void TestTrainer::initTestCase()
{
    const PretrainFixture fixture = PretrainFixture::write(m_dir.path(), 2);
    QVERIFY(!fixture.archive.isEmpty());
    m_archive = fixture.archive;
    m_backbone = fixture.backbone;
}

void TestTrainer::scheduleFollowsClosedForm()
{
    LrSchedule s;
    s.peakLr = 1e-3;
    s.minLr = 1e-5;
    s.warmupSteps = 10;
    s.totalSteps = 110;
    // Warmup: peak (step+1)/10.
    QCOMPARE(s.at(0), 1e-4);
    QCOMPARE(s.at(4), 5e-4);
    QCOMPARE(s.at(9), 1e-3);
    // Cosine over the 100 steps after warmup: min + (peak-min)(1+cos(pi p))/2.
    QCOMPARE(s.at(10), 1e-3);
    QVERIFY(std::abs(s.at(35) - (1e-5 + 0.99e-3 * 0.5 * (1 + std::cos(std::numbers::pi * 0.25)))) < 1e-15);
    QVERIFY(std::abs(s.at(60) - 0.505e-3) < 1e-15);  // p = 1/2: halfway between peak and min
    QVERIFY(std::abs(s.at(110) - 1e-5) < 1e-15);
    QVERIFY(std::abs(s.at(500) - 1e-5) < 1e-15);     // stays at min after the end
    for (long long k = 11; k <= 110; ++k)
        QVERIFY(s.at(k) <= s.at(k - 1));              // monotone decay
    LrSchedule noWarm;
    noWarm.peakLr = 2.0;
    noWarm.totalSteps = 4;
    QCOMPARE(noWarm.at(0), 2.0);
    QVERIFY(std::abs(noWarm.at(2) - 1.0) < 1e-15);
}

void TestTrainer::accumulationAndSaveMemoryEqualOneBigBatch_data()
{
    QTest::addColumn<double>("wRec");
    QTest::newRow("reconstruction + contrastive") << 1.0;
    QTest::newRow("contrastive only (decoders skipped)") << 0.0;
}

void TestTrainer::accumulationAndSaveMemoryEqualOneBigBatch()
{
    QFETCH(double, wRec);
    // Float64 so the comparison shows the algebra, not float32 rounding.
    auto model = SolarChipModel::create(smallConfig(wRec), 21);
    QVERIFY(model.ok());
    auto net = model->net();
    net->to(torch::kFloat64);
    torch::manual_seed(5);
    const int B = 4;  // micro-batch; the big batch is 2B
    const torch::Tensor hmi = torch::randn({2 * B, 1, 32, 32}, torch::kFloat64);
    const torch::Tensor aia = torch::randn({2 * B, 1, 32, 32}, torch::kFloat64) * 2 + 1;
    const solarchip::detail::Batch big{{"hmi", hmi}, {"0171", aia}};
    const solarchip::detail::Batch m1{{"hmi", hmi.slice(0, 0, B)}, {"0171", aia.slice(0, 0, B)}};
    const solarchip::detail::Batch m2{{"hmi", hmi.slice(0, B, 2 * B)}, {"0171", aia.slice(0, B, 2 * B)}};

    auto gradsOf = [&](const std::vector<solarchip::detail::Batch> &micro, bool saveMemory, double *total) {
        net->zero_grad();
        solarchip::detail::StepOptions o;
        o.saveMemory = saveMemory;
        const solarchip::detail::StepValues v = solarchip::detail::accumulateGradients(*net, micro, o);
        *total = v.total;
        return gradients(*net);
    };
    double tRef = 0, tAcc = 0, tSave = 0, tBoth = 0;
    const auto ref = gradsOf({big}, false, &tRef);
    const auto acc = gradsOf({m1, m2}, false, &tAcc);
    const auto save = gradsOf({big}, true, &tSave);
    const auto both = gradsOf({m1, m2}, true, &tBoth);

    // The reference is the model's own objective on the big batch.
    {
        torch::NoGradGuard ng;
        const auto out = wRec != 0 ? net->forward(big) : std::map<std::string, solarchip::detail::ModalityOutput>{};
        if (wRec != 0)
            QVERIFY(std::abs(net->loss(big, out).total.item<double>() - tRef) < 1e-12);
    }
    double gradNorm = 0;
    for (const auto &[k, g] : ref)
        gradNorm += g.pow(2).sum().item<double>();
    QVERIFY(gradNorm > 0);
    // Gradients reach the temperatures and both backbones' encoders.
    QVERIFY(ref.at("contrastive_loss_fn.cls_logit_scale").abs().item<double>() > 0);
    QVERIFY(ref.at("model_dict.hmi.encoder.conv1.weight").abs().max().item<double>() > 0);
    QVERIFY(ref.at("model_dict.0171.encoder.conv1.weight").abs().max().item<double>() > 0);
    if (wRec == 0)
        QCOMPARE(ref.at("model_dict.hmi.decoder.de_proj.weight").abs().max().item<double>(), 0.0);

    const double dAcc = relativeDifference(acc, ref), dSave = relativeDifference(save, ref),
                 dBoth = relativeDifference(both, ref);
    qInfo("relative gradient differences vs one batch of %d: accumulate 2x%d %.2e, save-memory %.2e, both %.2e", 2 * B, B,
          dAcc, dSave, dBoth);
    QVERIFY2(dAcc < 1e-6, qPrintable(QString::number(dAcc)));
    QVERIFY2(dSave < 1e-6, qPrintable(QString::number(dSave)));
    QVERIFY2(dBoth < 1e-6, qPrintable(QString::number(dBoth)));
    QVERIFY(std::abs(tAcc - tRef) < 1e-9 * (1 + std::abs(tRef)));
    QVERIFY(std::abs(tSave - tRef) < 1e-9 * (1 + std::abs(tRef)));
    QVERIFY(std::abs(tBoth - tRef) < 1e-9 * (1 + std::abs(tRef)));

    // Control: two independent steps of B are NOT the big-batch gradient (the CLS/patch negatives differ), so
    // the comparison above has the power to fail.
    net->zero_grad();
    solarchip::detail::accumulateGradients(*net, {m1}, {});
    solarchip::detail::accumulateGradients(*net, {m2}, {});
    auto separate = gradients(*net);
    for (auto &[k, g] : separate)
        g /= 2.0;
    QVERIFY(relativeDifference(separate, ref) > 1e-3);
}

void TestTrainer::metricsLinesCarryEveryField()
{
    const QString runDir = m_dir.path() + QStringLiteral("/run-metrics");
    const ProcessResult r = run(pretrainBinary(),
                                {QStringLiteral("pretrain"), QStringLiteral("--archive"), m_archive, QStringLiteral("--preset"),
                                 m_backbone, QStringLiteral("--out"), runDir, QStringLiteral("--batch"), QStringLiteral("4"),
                                 QStringLiteral("--max-steps"), QStringLiteral("4"), QStringLiteral("--checkpoint-every"),
                                 QStringLiteral("2"), QStringLiteral("--validate-every"), QStringLiteral("2"),
                                 QStringLiteral("--val-fraction"), QStringLiteral("0.25"), QStringLiteral("--val-gap-hours"),
                                 QStringLiteral("6"), QStringLiteral("--seed"), QStringLiteral("3"), QStringLiteral("--threads"),
                                 QStringLiteral("1")},
                                300000);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QList<QJsonObject> lines = jsonLines(r.out);
    QVERIFY(!lines.isEmpty());
    const QList<QJsonObject> fileLines = jsonLines(readAll(runDir + QStringLiteral("/metrics.jsonl")));
    QCOMPARE(fileLines.size(), lines.size());
    int train = 0, val = 0, ckpt = 0;
    for (int i = 0; i < lines.size(); ++i) {
        const QJsonObject &o = lines[i];
        const QString event = o.value(QStringLiteral("event")).toString();
        QCOMPARE(fileLines[i].value(QStringLiteral("event")).toString(), event);
        if (event == QLatin1String("train")) {
            ++train;
            for (const char *k : {"step", "epoch", "loss", "rec", "cls", "pat", "int", "temp_cls", "temp_pat", "temp_int",
                                  "lr", "samples_per_s", "grad_norm", "terms"})
                QVERIFY2(o.contains(QLatin1String(k)), k);
            QCOMPARE(o.value(QStringLiteral("step")).toInt(), train);
            const double tau = o.value(QStringLiteral("temp_cls")).toDouble();
            QVERIFY(tau > 0.05 && tau < 0.1);  // starts at 0.07 (CLIP's initial temperature)
            QVERIFY(std::isfinite(o.value(QStringLiteral("loss")).toDouble()));
            QVERIFY(o.value(QStringLiteral("terms")).toObject().contains(QStringLiteral("int/hmi|0171")));
        } else if (event == QLatin1String("val")) {
            ++val;
            for (const char *k : {"val_loss", "val_rec", "val_cls", "val_pat", "val_int", "cls_top1", "patch_top1",
                                  "patch_chance", "n_val", "best"})
                QVERIFY2(o.contains(QLatin1String(k)), k);
            QCOMPARE(o.value(QStringLiteral("patch_chance")).toDouble(), 1.0 / 16);
        } else if (event == QLatin1String("checkpoint")) {
            ++ckpt;
        }
    }
    QCOMPARE(train, 4);
    QCOMPARE(val, 2);   // after step 2, and the final one
    QVERIFY(ckpt >= 2);
    QCOMPARE(lines.last().value(QStringLiteral("event")).toString(), QStringLiteral("done"));
    for (const char *f : {"run.json", "checkpoint.pt", "model-last.safetensors", "model-best.safetensors", "best.json"})
        QVERIFY2(QFileInfo::exists(runDir + QLatin1Char('/') + QLatin1String(f)), f);
    // The schedule in the stream: 4 steps, warmup round(0.05*4) = 0, cosine from 5e-4 to 1e-5.
    QVERIFY(std::abs(lines[1].value(QStringLiteral("lr")).toDouble() - 5e-4) < 1e-12);
}

void TestTrainer::killNineAndResumeIsBitExact()
{
    const int steps = kResumeSteps;
    auto args = [&](const QString &runDir) { return resumeRunArgs(runDir); };
    // Straight through.
    const QString straight = m_dir.path() + QStringLiteral("/run-straight");
    const ProcessResult a = run(pretrainBinary(), args(straight), 600000);
    QVERIFY2(a.exitCode == 0, a.err.constData());

    // Killed with SIGKILL once it is past half way (between checkpoints), then resumed.
    const QString killed = m_dir.path() + QStringLiteral("/run-killed");
    QProcess p;
    p.start(pretrainBinary(), args(killed));
    QVERIFY(p.waitForStarted());
    const QString metricsPath = killed + QStringLiteral("/metrics.jsonl");
    int lastStep = 0;
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 300000 && p.state() == QProcess::Running) {
        for (const QJsonObject &o : jsonLines(readAll(metricsPath)))
            if (o.value(QStringLiteral("event")).toString() == QLatin1String("train"))
                lastStep = std::max(lastStep, o.value(QStringLiteral("step")).toInt());
        if (lastStep >= steps / 2 + 1)
            break;
        QThread::msleep(2);
    }
    QVERIFY2(p.state() == QProcess::Running, "pretrain finished before it could be killed");
    p.kill();  // SIGKILL
    QVERIFY(p.waitForFinished());
    QCOMPARE(p.exitStatus(), QProcess::CrashExit);
    const QByteArray before = readAll(metricsPath);
    QVERIFY(!before.contains("\"event\":\"done\""));
    qInfo("killed after step %d", lastStep);

    const ProcessResult b = run(pretrainBinary(), args(killed) << QStringLiteral("--resume"), 600000);
    QVERIFY2(b.exitCode == 0, b.err.constData());

    // Bit-identical weights.
    auto wa = SafetensorsFile::read(straight + QStringLiteral("/model-last.safetensors"));
    auto wb = SafetensorsFile::read(killed + QStringLiteral("/model-last.safetensors"));
    QVERIFY(wa.ok() && wb.ok());
    QCOMPARE(wa->tensors.size(), wb->tensors.size());
    for (const auto &[name, ta] : wa->tensors) {
        const auto it = wb->tensors.find(name);
        QVERIFY(it != wb->tensors.end());
        QVERIFY2(ta.bytes == it->second.bytes, name.c_str());
    }
    // The resumed run's metrics hold every step exactly once, and the same losses as the straight run.
    QMap<int, double> lossA, lossB;
    int resumes = 0;
    for (const QJsonObject &o : jsonLines(readAll(straight + QStringLiteral("/metrics.jsonl"))))
        if (o.value(QStringLiteral("event")).toString() == QLatin1String("train"))
            lossA[o.value(QStringLiteral("step")).toInt()] = o.value(QStringLiteral("loss")).toDouble();
    for (const QJsonObject &o : jsonLines(readAll(metricsPath))) {
        const QString e = o.value(QStringLiteral("event")).toString();
        if (e == QLatin1String("resume"))
            ++resumes;
        if (e != QLatin1String("train"))
            continue;
        const int s = o.value(QStringLiteral("step")).toInt();
        QVERIFY2(!lossB.contains(s), qPrintable(QStringLiteral("step %1 twice").arg(s)));
        lossB[s] = o.value(QStringLiteral("loss")).toDouble();
    }
    QCOMPARE(resumes, 1);
    QCOMPARE(lossA.size(), steps);
    QCOMPARE(lossB.size(), steps);
    for (int s = 1; s <= steps; ++s)
        QCOMPARE(lossB[s], lossA[s]);
}

// --stop-at pauses a run at a step (the schedule still spans --max-steps); --resume then finishes it with the
// weights of an uninterrupted run (run-straight, made by killNineAndResumeIsBitExact with the same options).
void TestTrainer::stopAtPausesAndResumeIsBitExact()
{
    const QString straight = m_dir.path() + QStringLiteral("/run-straight");
    QVERIFY(QFileInfo::exists(straight + QStringLiteral("/model-last.safetensors")));
    const QString paused = m_dir.path() + QStringLiteral("/run-paused");
    const QStringList args = resumeRunArgs(paused);
    const ProcessResult a = run(pretrainBinary(), args + QStringList{QStringLiteral("--stop-at"), QStringLiteral("13")}, 600000);
    QVERIFY2(a.exitCode == 0, a.err.constData());
    int last = 0;
    QString lastEvent;
    for (const QJsonObject &o : jsonLines(readAll(paused + QStringLiteral("/metrics.jsonl")))) {
        lastEvent = o.value(QStringLiteral("event")).toString();
        if (lastEvent == QLatin1String("train"))
            last = std::max(last, o.value(QStringLiteral("step")).toInt());
    }
    QCOMPARE(last, 13);
    QCOMPARE(lastEvent, QStringLiteral("cancelled"));
    // The schedule of the paused run spans all 40 steps (the saved options are the run's, not the pause's).
    const QJsonObject saved = QJsonDocument::fromJson(readAll(paused + QStringLiteral("/run.json"))).object();
    QCOMPARE(saved.value(QStringLiteral("options")).toObject().value(QStringLiteral("optim")).toObject()
                 .value(QStringLiteral("max_steps")).toInt(), kResumeSteps);
    // Resuming with a pause already reached stops again at once, without a step.
    const ProcessResult again = run(pretrainBinary(), args + QStringList{QStringLiteral("--resume"), QStringLiteral("--stop-at"),
                                                                        QStringLiteral("13")}, 600000);
    QVERIFY2(again.exitCode == 0, again.err.constData());
    const ProcessResult b = run(pretrainBinary(), args + QStringList{QStringLiteral("--resume")}, 600000);
    QVERIFY2(b.exitCode == 0, b.err.constData());
    auto wa = SafetensorsFile::read(straight + QStringLiteral("/model-last.safetensors"));
    auto wb = SafetensorsFile::read(paused + QStringLiteral("/model-last.safetensors"));
    QVERIFY(wa.ok() && wb.ok());
    for (const auto &[name, ta] : wa->tensors) {
        const auto it = wb->tensors.find(name);
        QVERIFY(it != wb->tensors.end());
        QVERIFY2(ta.bytes == it->second.bytes, name.c_str());
    }
    int trainLines = 0;
    for (const QJsonObject &o : jsonLines(readAll(paused + QStringLiteral("/metrics.jsonl"))))
        trainLines += o.value(QStringLiteral("event")).toString() == QLatin1String("train");
    QCOMPARE(trainLines, kResumeSteps);
}

void TestTrainer::refusesToOverwriteARun()
{
    const QString runDir = m_dir.path() + QStringLiteral("/run-metrics");  // made by metricsLinesCarryEveryField
    QVERIFY(QFileInfo::exists(runDir + QStringLiteral("/checkpoint.pt")));
    const ProcessResult r = run(pretrainBinary(),
                                {QStringLiteral("pretrain"), QStringLiteral("--archive"), m_archive, QStringLiteral("--preset"),
                                 m_backbone, QStringLiteral("--out"), runDir, QStringLiteral("--batch"), QStringLiteral("4")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("--resume") && r.err.contains(runDir.toUtf8()), r.err.constData());
    const ProcessResult noArchive = run(pretrainBinary(), {QStringLiteral("pretrain"), QStringLiteral("--out"),
                                                           m_dir.path() + QStringLiteral("/run-none")});
    QCOMPARE(noArchive.exitCode, 2);
}

QTEST_GUILESS_MAIN(TestTrainer)
#include "tst_trainer.moc"
