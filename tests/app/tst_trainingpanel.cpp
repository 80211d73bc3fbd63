// The training panel: its pre-launch check on an archive whose content is known (the number of complete
// hmi+171 sets, a channel that is not SDO's, a batch larger than the training sets, a run folder that holds a
// run), the memory estimate against the paper ViT's published parameter count, the curves from a metrics file
// written here, "use this model" (the settings key), the Slurm export (either the script, checked by bash -n, or
// the clear message of a CLI without --slurm-script), and `solarchip-studio --view training --state-json` under
// Xvfb showing a job table with a finished run and its curves, in a window of the asked size (the dock scrolls
// rather than widening it). The memory estimate's parts against closed forms (torch's parameter count of the
// tiny presets x bytes per parameter), and the GPU estimate of a cuda run ("no CUDA in this build" here).
#include "app/gui/InferenceWorker.h"
#include "app/gui/JobRunner.h"
#include "app/gui/StudioSettings.h"
#include "app/gui/TrainingCheck.h"
#include "app/gui/TrainingPanel.h"
#include "core/archive/Catalog.h"
#include "models/networks/Device.h"
#include "models/networks/DeviceMemory.h"
#include "models/networks/ModelConfig.h"
#include "models/networks/SolarChipModel.h"
#include "widgets/TrainingCurves.h"

#include "TestSupport.h"
#include "tests/models/EngineFixtures.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace solarchip;
using namespace solarchip::test;

namespace {

// Five train steps and one validation at step 4, as pretrain writes them.
QByteArray metricsText()
{
    QByteArray t = "{\"event\":\"start\",\"step\":0,\"total_steps\":5,\"device\":\"cpu\"}\n";
    for (int s = 1; s <= 5; ++s)
        t += QStringLiteral("{\"event\":\"train\",\"step\":%1,\"loss\":%2,\"rec\":0.5,\"cls\":%3,\"pat\":1.0,\"int\":1.1,"
                            "\"temp_cls\":0.07,\"temp_pat\":0.07,\"temp_int\":0.08,\"lr\":%4,\"grad_norm\":0.9,"
                            "\"samples_per_s\":12.5,\"time_s\":%1}\n")
                 .arg(s)
                 .arg(4.0 - 0.25 * s)
                 .arg(2.0 - 0.1 * s)
                 .arg(1e-4 * s)
                 .toUtf8();
    t += "{\"event\":\"val\",\"step\":4,\"epoch\":1,\"val_loss\":3.5,\"val_rec\":0.4,\"val_cls\":1.5,\"val_pat\":0.9,"
         "\"val_int\":1.0,\"n_val\":4,\"mean_cosine\":0.31,\"best\":true}\n";
    t += "{\"event\":\"done\",\"step\":5}\n";
    return t;
}

}  // namespace

class TestTrainingPanel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void checkCountsCompleteSets();
    void memoryEstimate();
    void memoryEstimateParts();
    void gpuCheck();
    void curvesFromMetrics();
    void panelActions();
    void proposedChannels();
    void viewTrainingStateJson();

private:
    QTemporaryDir m_dir{scratchDir()};
    QString m_archive;
    qint64 makeFinishedJob(JobDatabase &db, const QString &runDir);
};

void TestTrainingPanel::initTestCase()
{
    m_archive = m_dir.filePath(QStringLiteral("archive"));
    QDir().mkpath(m_archive);
    QVERIFY(writeFakeArchive(m_archive, 12, 6.0));  // 12 hmi+171 pairs, 6 h apart
    // The catalog, as opening the archive in the app (or any CLI command) makes it.
    const auto r = run(binPath(QStringLiteral("solarchip")), {QStringLiteral("index"), m_archive}, 60000);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    qputenv("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("xdg")).toUtf8());
}

void TestTrainingPanel::checkCountsCompleteSets()
{
    TrainingRequest req;
    req.archiveDir = m_archive;
    req.channels = {QStringLiteral("hmi"), QStringLiteral("171")};
    req.preset = QStringLiteral("tiny");
    req.batch = 4;
    req.runDir = m_dir.filePath(QStringLiteral("runs/new"));
    TrainingCheckResult ok = checkTrainingRequest(req);
    QVERIFY2(ok.ok, qPrintable(ok.text()));
    QCOMPARE(ok.completeSets, 12);
    // A date range holding the first 4 sets (00, 06, 12, 18 h of 2012-03-04).
    req.from = QDateTime(QDate(2012, 3, 4), QTime(0, 0), QTimeZone::utc());
    req.to = QDateTime(QDate(2012, 3, 5), QTime(0, 0), QTimeZone::utc());
    const TrainingCheckResult day = checkTrainingRequest(req);
    QCOMPARE(day.completeSets, 4);
    QVERIFY(!day.ok);  // about 3 for training < batch 4
    QVERIFY2(day.text().contains(QStringLiteral("fewer than one batch of 4")), qPrintable(day.text()));
    req.from = req.to = QDateTime();
    // No 193 in the archive: no complete set.
    req.channels = {QStringLiteral("hmi"), QStringLiteral("193")};
    const TrainingCheckResult none = checkTrainingRequest(req);
    QCOMPARE(none.completeSets, 0);
    QVERIFY2(none.text().contains(QStringLiteral("no complete set of hmi,193")), qPrintable(none.text()));
    req.channels = {QStringLiteral("hmi"), QStringLiteral("5000")};
    QVERIFY(checkTrainingRequest(req).text().contains(QStringLiteral("'5000' is not an SDO channel")));
    // A run folder that holds a run.
    req.channels = {QStringLiteral("hmi"), QStringLiteral("171")};
    QDir().mkpath(req.runDir);
    QFile cp(req.runDir + QStringLiteral("/checkpoint.pt"));
    QVERIFY(cp.open(QIODevice::WriteOnly));
    cp.close();
    QVERIFY(checkTrainingRequest(req).text().contains(QStringLiteral("already holds a run")));
    // The command line the form makes.
    const QStringList a = req.arguments();
    QCOMPARE(a.first(), QStringLiteral("pretrain"));
    QCOMPARE(a.at(a.indexOf(QStringLiteral("--out")) + 1), req.runDir);
    QCOMPARE(a.at(a.indexOf(QStringLiteral("--batch")) + 1), QStringLiteral("4"));
    QCOMPARE(a.at(a.indexOf(QStringLiteral("--channels")) + 1), QStringLiteral("hmi,171"));
}

void TestTrainingPanel::memoryEstimate()
{
    qint64 params = 0;
    const double bytes = estimateTrainingMemory(QStringLiteral("paper-vit"), 2, 8, &params);
    // The research AE_ViT has 91,945,984 parameters (ModelConfig.h); the closed form is within 2 %.
    QVERIFY2(std::abs(double(params) - 91945984.0) / 91945984.0 < 0.02, qPrintable(QString::number(params)));
    QVERIFY(bytes > 16.0 * 2 * params);  // at least the optimizer state
    // More batch, more memory; an unknown preset: negative.
    QVERIFY(estimateTrainingMemory(QStringLiteral("tiny"), 2, 16) > estimateTrainingMemory(QStringLiteral("tiny"), 2, 8));
    QVERIFY(estimateTrainingMemory(QStringLiteral("huge"), 2, 8) < 0);
}

void TestTrainingPanel::memoryEstimateParts()
{
    // The tiny CNN with hmi+171: its parameters counted by building the model (torch), then the closed forms
    // of the state: fp32 weights and gradients 4 B each, AdamW's two moments 8 B, per parameter.
    const QStringList channels{QStringLiteral("hmi"), QStringLiteral("171")};
    auto config = SolarChipModel::configFor(QStringLiteral("tiny-cnn"), channels);
    QVERIFY(config);
    auto model = SolarChipModel::create(*config);
    QVERIFY(model);
    const double P = double(model->parameterCount());  // both backbones
    QVERIFY(P > 1000);
    const double r = presetConfig(QStringLiteral("tiny-cnn"))->resolution;
    const auto cpu = estimateMemory(QStringLiteral("tiny-cnn"), 2, 4, false);
    const auto gpu = estimateMemory(QStringLiteral("tiny-cnn"), 2, 4, true);
    QVERIFY(cpu && gpu);
    QCOMPARE(double(cpu->parametersPerBackbone), std::floor(P / 2));
    for (const MemoryEstimate &e : {*cpu, *gpu}) {
        QCOMPARE(e.weightBytes, 4 * P);
        QCOMPARE(e.gradientBytes, 4 * P);
        QCOMPARE(e.optimizerBytes, 8 * P);
        QCOMPARE(e.total(), e.weightBytes + e.gradientBytes + e.optimizerBytes + e.activationBytes + e.inputBytes + e.overheadBytes);
    }
    // The input: 16 prefetched fp32 samples of 2 channels on the CPU, the micro-batch of 4 on the GPU.
    QCOMPARE(cpu->inputBytes, 4.0 * 16 * 2 * r * r);
    QCOMPARE(gpu->inputBytes, 4.0 * 4 * 2 * r * r);
    // bf16 autocast on CUDA: activations in 2 bytes instead of 4; the CUDA context 0.5 GiB; none on the CPU.
    QCOMPARE(gpu->activationBytes, cpu->activationBytes / 2);
    QCOMPARE(gpu->overheadBytes, 512.0 * 1024 * 1024);
    QCOMPARE(cpu->overheadBytes, 0.0);
    // Activations grow with the micro-batch, the state does not.
    const auto cpu8 = estimateMemory(QStringLiteral("tiny-cnn"), 2, 8, false);
    QCOMPARE(cpu8->activationBytes, 2 * cpu->activationBytes);
    QCOMPARE(cpu8->optimizerBytes, cpu->optimizerBytes);
    // The total the CPU check uses is the CPU estimate's.
    QCOMPARE(estimateTrainingMemory(QStringLiteral("tiny-cnn"), 2, 4), cpu->total());
    QVERIFY(!estimateMemory(QStringLiteral("huge"), 2, 4, true));

    // tiny (a ViT): the closed-form count against the model torch builds, within 0.1 %; the state bytes from it.
    auto vitConfig = SolarChipModel::configFor(QStringLiteral("tiny"), channels);
    QVERIFY(vitConfig);
    auto vit = SolarChipModel::create(*vitConfig);
    QVERIFY(vit);
    const double vitP = double(vit->parameterCount()) / 2;
    const auto vitE = estimateMemory(QStringLiteral("tiny"), 2, 2, true);
    QVERIFY2(std::abs(double(vitE->parametersPerBackbone) - vitP) / vitP < 1e-3,
             qPrintable(QStringLiteral("%1 vs %2").arg(vitE->parametersPerBackbone).arg(vitP)));
    QVERIFY(std::abs(vitE->weightBytes + vitE->gradientBytes + vitE->optimizerBytes - 16 * 2 * vitP) < 1e-3 * 32 * vitP);
}

void TestTrainingPanel::gpuCheck()
{
    // A run meant for cuda: the GPU estimate is shown; without CUDA in the build (Debian's LibTorch) the check
    // says so and refuses (pretrain would fail at start); with CUDA and a GPU it compares with the free memory.
    TrainingRequest req;
    req.archiveDir = m_archive;
    req.preset = QStringLiteral("tiny");
    req.batch = 4;
    req.runDir = m_dir.filePath(QStringLiteral("runs/gpu"));
    req.device = QStringLiteral("cuda");
    const TrainingCheckResult r = checkTrainingRequest(req);
    QVERIFY(r.onGpu);
    QCOMPARE(r.gpuEstimateBytes, estimateMemory(QStringLiteral("tiny"), 2, 4, true)->total());
    QVERIFY2(r.text().contains(QStringLiteral("GPU memory estimate for tiny with 2 channels, batch 4 on cuda:0")), qPrintable(r.text()));
    QVERIFY2(r.text().contains(QStringLiteral("AdamW moments")), qPrintable(r.text()));
    QString why;
    const auto mem = gpuMemory(0, &why);
    if (!cudaInBuild()) {
        QVERIFY(!mem);
        QVERIFY2(why.startsWith(QStringLiteral("no CUDA in this build")), qPrintable(why));
        QVERIFY(!r.ok);
        QVERIFY2(r.text().contains(QStringLiteral("no CUDA in this build")), qPrintable(r.text()));
        QCOMPARE(r.gpuFreeBytes, 0.0);
    } else if (mem) {
        QVERIFY(mem->freeBytes > 0 && mem->freeBytes <= mem->totalBytes);
        QVERIFY(r.gpuFreeBytes > 0);
        QVERIFY2(r.text().contains(QStringLiteral("free")), qPrintable(r.text()));
    }
    // The CPU: host memory, and "auto" says where it runs.
    req.device = QStringLiteral("cpu");
    const TrainingCheckResult c = checkTrainingRequest(req);
    QVERIFY(!c.onGpu);
    QVERIFY2(c.ok, qPrintable(c.text()));
    QVERIFY2(c.text().contains(QStringLiteral("on the CPU: about")), qPrintable(c.text()));
    QCOMPARE(c.estimateBytes, estimateMemory(QStringLiteral("tiny"), 2, 4, false)->total());
    if (!cudaAvailable()) {
        req.device = QStringLiteral("auto");
        const QString text = checkTrainingRequest(req).text();
        QVERIFY2(text.contains(cudaInBuild() ? QStringLiteral("no GPU visible") : QStringLiteral("no CUDA in this build")), qPrintable(text));
    }
}

void TestTrainingPanel::curvesFromMetrics()
{
    TrainingCurves curves;
    curves.setRun(0, QStringLiteral("#1"), metricsText());
    QCOMPARE(curves.seriesNames(0), (QStringList{QStringLiteral("cls"), QStringLiteral("int"), QStringLiteral("loss"),
                                                  QStringLiteral("pat"), QStringLiteral("rec"), QStringLiteral("val_cls"),
                                                  QStringLiteral("val_int"), QStringLiteral("val_loss"),
                                                  QStringLiteral("val_pat"), QStringLiteral("val_rec")}));
    QCOMPARE(curves.lastValue(0, QStringLiteral("loss")), 4.0 - 0.25 * 5);
    QCOMPARE(curves.lastValue(0, QStringLiteral("val_loss")), 3.5);
    QCOMPARE(curves.lastValue(0, QStringLiteral("lr")), 5e-4);
    QTRY_COMPARE(curves.pointCount(), 5 * 5 + 5);  // five train terms x 5 steps + five val terms x 1
    curves.setGroup(TrainingCurves::Group::Validation);
    QCOMPARE(curves.seriesNames(0), QStringList{QStringLiteral("metric:mean_cosine")});
    curves.setRun(1, QStringLiteral("#2"), metricsText());
    QTRY_COMPARE(curves.curveCount(), 2);
    curves.setGroup(TrainingCurves::Group::Temperatures);
    QTRY_COMPARE(curves.pointCount(), 2 * 3 * 5);
}

qint64 TestTrainingPanel::makeFinishedJob(JobDatabase &db, const QString &runDir)
{
    QDir().mkpath(runDir);
    QFile m(runDir + QStringLiteral("/metrics.jsonl"));
    if (m.open(QIODevice::WriteOnly))
        m.write(metricsText());
    m.close();
    QFile model(runDir + QStringLiteral("/model-best.safetensors"));
    if (model.open(QIODevice::WriteOnly))
        model.write("not read in this test");
    model.close();
    JobRecord r;
    r.kind = QStringLiteral("pretrain");
    r.program = binPath(QStringLiteral("solarchip"));
    r.runDir = runDir;
    r.title = QStringLiteral("finished run");
    r.arguments = {QStringLiteral("pretrain"), QStringLiteral("--archive"), m_archive, QStringLiteral("--preset"),
                   QStringLiteral("tiny"), QStringLiteral("--out"), runDir};
    const qint64 id = *db.add(r);
    db.transition(id, JobState::Running);
    db.setStarted(id, 0);
    db.setLastEvent(id, QJsonObject{{QStringLiteral("event"), QStringLiteral("done")}, {QStringLiteral("step"), 5}});
    db.finishRun(id, JobState::Finished, 0, QStringLiteral("done, step 5"));
    return id;
}

void TestTrainingPanel::panelActions()
{
    const QString dbPath = m_dir.filePath(QStringLiteral("panel/jobs.sqlite"));
    qint64 id = 0;
    {
        JobDatabase db;
        QVERIFY(db.open(dbPath));
        id = makeFinishedJob(db, m_dir.filePath(QStringLiteral("panel/run1")));
    }
    JobRunner runner(nullptr, dbPath);
    StudioSettings settings(m_dir.filePath(QStringLiteral("panel/settings.ini")));
    TrainingPanel panel(&runner, nullptr, &settings);
    QCOMPARE(panel.selectedJob(), id);  // the newest job is shown
    QTRY_VERIFY(panel.isSettled());
    QTRY_COMPARE(panel.curves()->pointCount(), 30);
    QCOMPARE(panel.state().value(QStringLiteral("jobs")).toArray().size(), 1);

    QString message;
    QVERIFY(panel.useModel(id, &message));
    QCOMPARE(settings.currentModel(), m_dir.filePath(QStringLiteral("panel/run1/model-best.safetensors")));
    QVERIFY(panel.shellCommand(id).endsWith(QStringLiteral("--out ") + m_dir.filePath(QStringLiteral("panel/run1"))));

    // Slurm: the CLI writes the script (h-dist's option) or says clearly that it cannot.
    QSignalSpy exported(&panel, &TrainingPanel::slurmExported);
    const QString script = m_dir.filePath(QStringLiteral("panel/run1/pretrain.sbatch"));
    panel.exportSlurm(id, script, 2, 4, 4, QStringLiteral("02:00:00"));
    QTRY_VERIFY_WITH_TIMEOUT(!exported.isEmpty(), 15000);
    const bool ok = exported.first().at(0).toBool();
    const QString said = exported.first().at(1).toString();
    if (ok) {
        QVERIFY(QFileInfo::exists(script));
        const auto bashN = run(QStringLiteral("/bin/bash"), {QStringLiteral("-n"), script}, 10000);
        QCOMPARE(bashN.exitCode, 0);
        QFile f(script);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray text = f.readAll();
        QVERIFY(text.contains("#SBATCH --nodes=2") || text.contains("--nodes 2") || text.contains("-N 2"));
        QVERIFY(text.contains("srun"));
    } else {
        QVERIFY2(said == QStringLiteral("This build cannot write Slurm scripts: its solarchip pretrain has no --slurm-script option"),
                 qPrintable(said));
    }
}

void TestTrainingPanel::proposedChannels()
{
    const QStringList model{QStringLiteral("hmi"), QStringLiteral("171"), QStringLiteral("193"), QStringLiteral("304")};
    const auto split = [](const char *text) { return QString::fromLatin1(text).split(QLatin1Char(','), Qt::SkipEmptyParts); };
    // The model's AIA channels the archive has, in the model's order, after hmi.
    QCOMPARE(suggestTrainingChannels(split("94,131,171,193,211,304,hmi"), model), split("hmi,171,193,304"));
    QCOMPARE(suggestTrainingChannels(split("171,hmi"), model), split("hmi,171"));
    QCOMPARE(suggestTrainingChannels(split("hmi,304,1600"), model), split("hmi,304"));
    // None of them: the archive's AIA channels, shortest wavelength first, at most three.
    QCOMPARE(suggestTrainingChannels(split("hmi,211,1600,94,335"), model), split("hmi,94,211,335"));
    QCOMPARE(suggestTrainingChannels(split("hmi,1700"), {}), split("hmi,1700"));
    // No magnetogram, no AIA channel, or only what the model does not know: nothing to propose.
    QVERIFY(suggestTrainingChannels(split("171,193"), model).isEmpty());
    QVERIFY(suggestTrainingChannels(split("hmi"), model).isEmpty());
    QVERIFY(suggestTrainingChannels(split("hmi,hmi_ic"), model).isEmpty());
}

void TestTrainingPanel::viewTrainingStateJson()
{
    const QString dbPath = m_dir.filePath(QStringLiteral("view/jobs.sqlite"));
    qint64 id = 0;
    {
        JobDatabase db;
        QVERIFY(db.open(dbPath));
        id = makeFinishedJob(db, m_dir.filePath(QStringLiteral("view/run1")));
    }
    qputenv("SOLARCHIP_JOBS_DB", dbPath.toUtf8());
    const QString png = m_dir.filePath(QStringLiteral("view/training.png"));
    const QString json = m_dir.filePath(QStringLiteral("view/training.json"));
    const auto r = run(binPath(QStringLiteral("solarchip-studio")),
                       {QStringLiteral("--archive"), m_archive, QStringLiteral("--view"), QStringLiteral("training"), QStringLiteral("--screenshot"), png,
                        QStringLiteral("--state-json"), json, QStringLiteral("--settings"),
                        m_dir.filePath(QStringLiteral("view/settings.ini")), QStringLiteral("--window-size"),
                        QStringLiteral("1400x900"), QStringLiteral("--timeout"), QStringLiteral("60")},
                       90000);
    qunsetenv("SOLARCHIP_JOBS_DB");
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QFile f(json);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject state = parseJson(f.readAll()).object();
    QCOMPARE(state.value(QStringLiteral("view_mode")).toString(), QStringLiteral("training"));
    const QJsonObject t = state.value(QStringLiteral("training")).toObject();
    QCOMPARE(t.value(QStringLiteral("visible")).toBool(), true);
    QCOMPARE(t.value(QStringLiteral("database")).toString(), dbPath);
    QCOMPARE(t.value(QStringLiteral("selected")).toInteger(), id);
    QCOMPARE(t.value(QStringLiteral("jobs")).toArray().size(), 1);
    QCOMPARE(t.value(QStringLiteral("jobs")).toArray().first().toObject().value(QStringLiteral("state")).toString(),
             QStringLiteral("finished"));
    QCOMPARE(t.value(QStringLiteral("curve_points")).toInt(), 30);
    const QJsonObject form = t.value(QStringLiteral("form")).toObject();
    QCOMPARE(form.value(QStringLiteral("archive")).toString(), m_archive);
    // The form proposes the archive's span (its first and last observation over all channels, as the catalog's
    // own min/max query gives them: 12 sets 6 h apart from 2012-03-04 00:00; the end a minute after the last)
    // and its channels the model knows, HMI first.
    auto catalog = Catalog::open(m_archive);
    QVERIFY2(catalog.ok(), qPrintable(catalog.errorString()));
    const QDateTime first = *catalog->firstTime(), last = *catalog->lastTime();
    QCOMPARE(first.date(), QDate(2012, 3, 4));
    QVERIFY(std::llabs(last.secsTo(QDateTime(QDate(2012, 3, 6), QTime(18, 0), QTimeZone::utc()))) < 60);
    QCOMPARE(form.value(QStringLiteral("range_from")).toString(), first.toUTC().toString(Qt::ISODate));
    QCOMPARE(form.value(QStringLiteral("range_to")).toString(), last.addSecs(60).toUTC().toString(Qt::ISODate));
    QCOMPARE(form.value(QStringLiteral("range_used")).toBool(), false);
    QCOMPARE(form.value(QStringLiteral("channels")).toString(), QStringLiteral("hmi,171"));
    // The dock keeps the window at the asked size (its form and job list scroll inside it): the window and
    // the picture are 1400 x 900, not widened to the panel's content.
    QCOMPARE(state.value(QStringLiteral("window_size")).toArray(), (QJsonArray{1400, 900}));
    // ... and at that size the training view gives the dock the width its content needs: nothing of the form, the
    // job list or the curves is behind a sideways scroll bar (neither the form's fields nor the panel's right half;
    // at 1200 x 800 the timeline beside it leaves the panel 735 of the 768 px it needs).
    QVERIFY(t.contains(QStringLiteral("scrolls_sideways")));
    QVERIFY2(!t.value(QStringLiteral("scrolls_sideways")).toBool(),
             qPrintable(QStringLiteral("panel %1 px, content needs %2 px").arg(t.value(QStringLiteral("width")).toInt())
                            .arg(t.value(QStringLiteral("content_min_width")).toInt())));
    QVERIFY(t.value(QStringLiteral("width")).toInt() >= t.value(QStringLiteral("content_min_width")).toInt());
    const QImage image(png);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), QSize(1400, 900));
}

QTEST_MAIN(TestTrainingPanel)
#include "tst_trainingpanel.moc"
