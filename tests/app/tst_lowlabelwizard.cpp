// The low-label wizard (issue 13) driven end to end on a tiny synthetic archive (`solarchip synth --days 40
// --cadence 24 --size 64 --channels hmi,171 --activity 1`: 40 daily sets with a flare list) and a tiny model
// (`solarchip pretrain --preset <a 32 px CNN> --max-steps 1`: only the pipeline is under test, not the weights;
// encoder training of one pass and one step at least, one seed):
// - the defaults: flare >= M in 24 h, the shipped model, budgets 1, 5, 10, 25, 100 %, frozen + fine-tune +
//   scratch (scratch ticked and not untickable), one seed, --threads 1; the split sized from the archive's span
//   (closed form: five blocks of span/5 days, buffers of max(window, block/4));
// - the command's events parsed into points (contract "point"/"skipped" lines, the older per-budget lines),
//   points.jsonl read back with a torn last line and a recomputed point;
// - an archive without a flare list: the task page says so (naming the folder) and Next is off;
// - Next, Next, Next, Run on the tiny archive: the job runs, points arrive while it runs, and when it ends the
//   curve's points equal the command's own files (points.jsonl, else label_efficiency.json's curves), parsed
//   here independently; a point's head installed through the wizard lands in the settings key flare/headRun;
// - a job that fails (a "model" file that is no model) shows a message naming the file in the wizard;
// - `solarchip-studio --archive A --view wizard --screenshot PNG --state-json J` shows the first page.
#include "app/gui/JobRunner.h"
#include "app/gui/LabelEfficiencyRun.h"
#include "app/gui/LowLabelWizard.h"
#include "app/gui/WizardJobs.h"
#include "widgets/LabelEfficiencyChart.h"

#include "TestSupport.h"

#include <QAbstractButton>
#include <QApplication>
#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QJsonArray>
#include <QJsonObject>
#include <QLineEdit>
#include <QRadioButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTest>

#include <cmath>

using namespace solarchip;

namespace {

bool near(double a, double b) { return std::abs(a - b) < 1e-9; }

}  // namespace

class TestLowLabelWizard : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir = test::scratchDir();
    QString m_archive, m_noList, m_model;
    const double m_spanDays = 39;  // 40 daily sets: first to last

    QString cli() const { return test::binPath(QStringLiteral("solarchip")); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qputenv("OMP_NUM_THREADS", "1");
        m_archive = m_dir.filePath(QStringLiteral("archive"));
        const auto synth = test::run(cli(), {QStringLiteral("synth"), m_archive, QStringLiteral("--start"),
                                             QStringLiteral("2011-01-01T00:00"), QStringLiteral("--days"), QStringLiteral("40"),
                                             QStringLiteral("--cadence"), QStringLiteral("24"), QStringLiteral("--size"),
                                             QStringLiteral("64"), QStringLiteral("--channels"), QStringLiteral("hmi,171"),
                                             QStringLiteral("--activity"), QStringLiteral("1"), QStringLiteral("--threads"),
                                             QStringLiteral("1"), QStringLiteral("--no-truth"), QStringLiteral("--no-noise"),
                                             QStringLiteral("--quiet")});
        QVERIFY2(synth.exitCode == 0, synth.err.constData());
        // A very small CNN at 32 px (the shipped default's layout, narrower): embedding the 60 sets and each
        // encoder training take seconds; the 256 px tiny ViT preset took minutes here.
        const QString backbone = m_dir.filePath(QStringLiteral("backbone.json"));
        QFile json(backbone);
        QVERIFY(json.open(QIODevice::WriteOnly));
        json.write(R"({"arch": "cnn", "resolution": 32, "contrastive_dim": 32, "cls_head": "attn", "cls_position": "radial",
                       "cnn": {"in_channels": 1, "out_ch": 1, "ch": 8, "ch_mult": [1, 2], "num_res_blocks": 1,
                               "z_channels": 16, "attn_resolutions": []}})");
        json.close();
        const auto pretrain = test::run(cli(), {QStringLiteral("pretrain"), QStringLiteral("--archive"), m_archive,
                                                QStringLiteral("--preset"), backbone, QStringLiteral("--max-steps"),
                                                QStringLiteral("1"), QStringLiteral("--batch"), QStringLiteral("2"),
                                                QStringLiteral("--threads"), QStringLiteral("1"), QStringLiteral("--workers"),
                                                QStringLiteral("1"), QStringLiteral("--out"), m_dir.filePath(QStringLiteral("tiny"))});
        QVERIFY2(pretrain.exitCode == 0, pretrain.err.right(2000).constData());
        m_model = m_dir.filePath(QStringLiteral("tiny/model-last.safetensors"));
        QVERIFY(QFile::exists(m_model));
        // The same images without the flare list.
        m_noList = m_dir.filePath(QStringLiteral("nolist"));
        QVERIFY(QDir().mkpath(m_noList));
        for (const QString &c : {QStringLiteral("hmi"), QStringLiteral("171")})
            QVERIFY(QFile::link(QDir(m_archive).filePath(c), QDir(m_noList).filePath(c)));
    }

    void splitFromSpan()
    {
        // Five blocks of a hair over span/5 days; buffers of the window at least, a quarter block otherwise.
        const auto s30 = splitForSpan(30, 24);
        QVERIFY(s30);
        QVERIFY(near(s30->blockDays, 6 * 1.0001));
        QVERIFY(near(s30->bufferDays, 0.25 * 6 * 1.0001));
        const auto s10 = splitForSpan(10, 24);
        QVERIFY(s10);
        QVERIFY(near(s10->bufferDays, 1.0));  // the 24 h window wins over a quarter of a 2-day block
        QVERIFY(!splitForSpan(400, 24));      // long archives: the command's own 60/27-day split
        QVERIFY(!splitForSpan(0, 24));
    }

    void defaults()
    {
        WizardJobs jobs;
        LowLabelWizard wizard(&jobs, m_archive, 30, nullptr);
        const LowLabelChoices c = wizard.choices();
        QCOMPARE(c.target, QStringLiteral("M"));
        QCOMPARE(c.windowHours, 24.0);
        QCOMPARE(c.model, QString());
        QCOMPARE(c.budgets, (QVector<double>{1, 5, 10, 25, 100}));
        QCOMPARE(c.strategies(), (QStringList{QStringLiteral("frozen"), QStringLiteral("finetune"), QStringLiteral("scratch")}));
        QCOMPARE(c.seeds, 1);
        QCOMPARE(c.threads, 1);
        // The baseline is always on: ticked and not untickable.
        auto *scratch = wizard.findChild<QCheckBox *>(QStringLiteral("strategyScratch"));
        QVERIFY(scratch);
        QVERIFY(scratch->isChecked());
        QVERIFY(!scratch->isEnabled());
        wizard.findChild<QCheckBox *>(QStringLiteral("strategyFrozen"))->setChecked(false);
        wizard.findChild<QCheckBox *>(QStringLiteral("strategyFinetune"))->setChecked(false);
        QCOMPARE(wizard.choices().strategies(), QStringList{QStringLiteral("scratch")});
        // The arguments of the default run on a 30-day archive.
        LowLabelChoices d = c;
        d.outDir = QStringLiteral("/out");
        const QStringList a = labelEfficiencyArguments(d);
        auto after = [&a](const char *option) {
            const qsizetype i = a.indexOf(QLatin1String(option));
            return i >= 0 && i + 1 < a.size() ? a.at(i + 1) : QString();
        };
        QCOMPARE(a.first(), QStringLiteral("label-efficiency"));
        QCOMPARE(after("--archive"), m_archive);
        QCOMPARE(after("--target"), QStringLiteral("M"));
        QCOMPARE(after("--budgets"), QStringLiteral("1,5,10,25,100"));
        QCOMPARE(after("--strategies"), QStringLiteral("frozen,finetune,scratch"));
        QCOMPARE(after("--seeds"), QStringLiteral("1"));
        QCOMPARE(after("--threads"), QStringLiteral("1"));
        QCOMPARE(after("--window-hours"), QStringLiteral("24"));
        // Encoder training as long as the command's own defaults (6 passes, at least 30 steps).
        QCOMPARE(after("--finetune-epochs"), QStringLiteral("6"));
        QCOMPARE(after("--finetune-steps"), QStringLiteral("30"));
        QCOMPARE(c.headCount(), 15);
        QCOMPARE(c.encoderTrainings(), 10);
        QVERIFY(near(after("--block-days").toDouble(), 6.0006));
        QVERIFY(near(after("--buffer-days").toDouble(), 1.50015));
        QCOMPARE(after("--out"), QStringLiteral("/out"));
        QVERIFY(a.contains(QStringLiteral("--json")));
        QVERIFY(!a.contains(QStringLiteral("--model")));
        QVERIFY(!labelEfficiencyArguments(d, false).contains(QStringLiteral("--strategies")));
        QVERIFY(!labelEfficiencyArguments(d, false).contains(QStringLiteral("--finetune-steps")));
        // The strategies page says what the run costs, and follows the choices.
        wizard.findChild<QCheckBox *>(QStringLiteral("strategyFrozen"))->setChecked(true);
        wizard.findChild<QCheckBox *>(QStringLiteral("strategyFinetune"))->setChecked(true);
        auto *cost = wizard.findChild<QLabel *>(QStringLiteral("costMessage"));
        QVERIFY(cost);
        QVERIFY2(cost->text().startsWith(QStringLiteral("This run trains 15 heads: 5 frozen probe(s)")), qPrintable(cost->text()));
        QVERIFY2(cost->text().contains(QStringLiteral("10 encoder training(s)")), qPrintable(cost->text()));
        wizard.findChild<QSpinBox *>(QStringLiteral("seeds"))->setValue(2);
        QVERIFY2(cost->text().startsWith(QStringLiteral("This run trains 30 heads")), qPrintable(cost->text()));
        wizard.findChild<QSpinBox *>(QStringLiteral("seeds"))->setValue(1);
        wizard.findChild<QSpinBox *>(QStringLiteral("finetuneSteps"))->setValue(5);
        QVERIFY2(cost->text().contains(QStringLiteral("at least 5 steps")), qPrintable(cost->text()));
        QCOMPARE(wizard.choices().finetuneSteps, 5);
        // The task page finds the archive's flare list and lets the user go on.
        QVERIFY(wizard.taskMessage().contains(QStringLiteral("swpc_flarelist_")));
        QVERIFY(wizard.page(LowLabelWizard::TaskPage)->isComplete());
    }

    void events()
    {
        const auto point = parseEfficiencyEvent(QJsonObject{
            {"event", "point"}, {"strategy", "finetune"}, {"budget", 5}, {"seed", 0}, {"tss", 0.4},
            {"tss_ci95", QJsonArray{0.1, 0.6}}, {"auc", 0.8}, {"bss", 0.1}, {"n_train_pos", 3}, {"n_train_neg", 20},
            {"done", 4}, {"total", 15}, {"run", "/r/finetune-b5-s0"}});
        QVERIFY(point);
        QCOMPARE(point->strategy, QStringLiteral("finetune"));
        QCOMPARE(point->budget, 5.0);
        QCOMPARE(point->seed, 0);
        QVERIFY(!point->skipped);
        QCOMPARE(point->tss, 0.4);
        QCOMPARE(point->tssLo, 0.1);
        QCOMPARE(point->tssHi, 0.6);
        QCOMPARE(point->trainPositives, 3);
        QCOMPARE(point->trainNegatives, 20);
        QCOMPARE(point->runDir, QStringLiteral("/r/finetune-b5-s0"));
        QCOMPARE(point->done, 4);
        const auto skipped = parseEfficiencyEvent(QJsonObject{{"event", "skipped"}, {"strategy", "scratch"}, {"budget", 1},
                                                              {"seed", 0}, {"reason", "too few positives (0)"}});
        QVERIFY(skipped && skipped->skipped);
        QCOMPARE(skipped->reason, QStringLiteral("too few positives (0)"));
        const auto legacy = parseEfficiencyEvent(QJsonObject{{"event", "budget"}, {"curve", "frozen"}, {"budget", 10},
                                                             {"tss", QJsonValue()}, {"seeds_ok", 0}});
        QVERIFY(legacy && legacy->skipped);
        QCOMPARE(legacy->seed, -1);
        QVERIFY(!parseEfficiencyEvent(QJsonObject{{"event", "embed"}, {"done", 1}, {"total", 2}}));
        // A frozen point's non-learned baseline (fitted on the same labels) is a point of its own, without a head.
        const QJsonObject frozen{{"event", "point"}, {"strategy", "frozen"}, {"budget", 25}, {"seed", 1}, {"tss", 0.3},
                                 {"flux_tss", 0.28}, {"flux_tss_ci95", QJsonArray{0.2, 0.35}}, {"flux_auc", 0.7},
                                 {"n_train_pos", 9}, {"n_train_neg", 30}, {"run", "/r/frozen-b25-s1"}};
        const auto flux = fluxBaselineOfEvent(frozen);
        QVERIFY(flux);
        QCOMPARE(flux->strategy, QStringLiteral("unsigned_flux"));
        QCOMPARE(flux->budget, 25.0);
        QCOMPARE(flux->seed, 1);
        QCOMPARE(flux->tss, 0.28);
        QCOMPARE(flux->tssLo, 0.2);
        QCOMPARE(flux->tssHi, 0.35);
        QCOMPARE(flux->trainPositives, 9);
        QVERIFY(flux->runDir.isEmpty());
        QVERIFY(!fluxBaselineOfEvent(QJsonObject{{"event", "point"}, {"strategy", "finetune"}, {"flux_tss", 0.2}}));
        QVERIFY(!fluxBaselineOfEvent(QJsonObject{{"event", "point"}, {"strategy", "frozen"}, {"tss", 0.2}}));
        QCOMPARE(efficiencyTotal(QJsonObject{{"event", "start"}, {"points", 15}}), 15);

        // points.jsonl: a recomputed point (the later line wins) and a torn last line (a killed run).
        QTemporaryDir dir = test::scratchDir();
        QFile f(dir.filePath(QStringLiteral("points.jsonl")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"event\":\"point\",\"strategy\":\"frozen\",\"budget\":5,\"seed\":0,\"tss\":0.2,\"tss_ci95\":[0,0.4],\"run\":\"a\"}" "\n");
        f.write("{\"event\":\"skipped\",\"strategy\":\"scratch\",\"budget\":5,\"seed\":0,\"reason\":\"too few positives\"}" "\n");
        f.write("{\"event\":\"point\",\"strategy\":\"frozen\",\"budget\":5,\"seed\":0,\"tss\":0.3,\"tss_ci95\":[0.1,0.5],\"run\":\"b\"}" "\n");
        f.write("{\"event\":\"point\",\"strategy\":\"frozen\",\"bud");
        f.close();
        const QVector<EfficiencyPoint> read = readEfficiencyPoints(dir.path());
        QCOMPARE(read.size(), 2);
        QCOMPARE(read[0].tss, 0.3);
        QCOMPARE(read[0].runDir, QStringLiteral("b"));
        QVERIFY(read[1].skipped);
    }

    void noFlareList()
    {
        WizardJobs jobs;
        LowLabelWizard wizard(&jobs, m_noList, m_spanDays, nullptr);
        wizard.show();
        QVERIFY(!wizard.page(LowLabelWizard::TaskPage)->isComplete());
        QVERIFY(!wizard.button(QWizard::NextButton)->isEnabled());
        QVERIFY2(wizard.taskMessage().contains(QDir::toNativeSeparators(m_noList)), qPrintable(wizard.taskMessage()));
        QVERIFY(wizard.taskMessage().contains(QStringLiteral("no flare list")));
    }

    void endToEnd()
    {
        // Through the app's job runner (its own job table here), as the main window does.
        JobRunner runner(nullptr, m_dir.filePath(QStringLiteral("jobs-e2e.sqlite")));
        QVERIFY2(runner.openError().isEmpty(), qPrintable(runner.openError()));
        runner.setProgram(cli());
        WizardJobs jobs(&runner);
        LowLabelWizard wizard(&jobs, m_archive, m_spanDays, nullptr);
        const QString settingsFile = m_dir.filePath(QStringLiteral("settings.ini"));
        wizard.setSettingsFile(settingsFile);
        const QString out = m_dir.filePath(QStringLiteral("results"));
        wizard.show();
        // Task: >= M (the default). Encoder: the tiny model file. Budgets: 1 and 100 %. Strategies: defaults; results folder.
        wizard.findChild<QRadioButton *>(QStringLiteral("targetM"))->setChecked(true);
        wizard.next();
        QCOMPARE(wizard.currentId(), int(LowLabelWizard::EncoderPage));
        wizard.findChild<QRadioButton *>(QStringLiteral("modelFileChoice"))->setChecked(true);
        wizard.findChild<QLineEdit *>(QStringLiteral("modelFile"))->setText(m_model);
        wizard.next();
        QCOMPARE(wizard.currentId(), int(LowLabelWizard::BudgetsPage));
        wizard.findChild<QLineEdit *>(QStringLiteral("budgets"))->setText(QStringLiteral("1, 100"));
        wizard.next();
        QCOMPARE(wizard.currentId(), int(LowLabelWizard::StrategiesPage));
        wizard.findChild<QLineEdit *>(QStringLiteral("outDir"))->setText(out);
        // Only the pipeline is under test: encoder training of one pass and one step at least (seconds, not minutes).
        wizard.findChild<QSpinBox *>(QStringLiteral("finetuneEpochs"))->setValue(1);
        wizard.findChild<QSpinBox *>(QStringLiteral("finetuneSteps"))->setValue(1);
        QSignalSpy ended(&wizard, &LowLabelWizard::jobEnded);
        QSignalSpy arrived(&wizard, &LowLabelWizard::pointArrived);
        wizard.next();  // Run
        QCOMPARE(wizard.currentId(), int(LowLabelWizard::RunPage));
        QVERIFY(ended.wait(600000));
        QVERIFY2(wizard.jobSucceeded(), qPrintable(wizard.errorText()));
        QVERIFY2(arrived.size() >= 2, "points arrive while the job runs");
        const QStringList args = wizard.jobArguments();
        QCOMPARE(args.at(args.indexOf(QStringLiteral("--target")) + 1), QStringLiteral("M"));
        QCOMPARE(args.at(args.indexOf(QStringLiteral("--model")) + 1), m_model);
        QCOMPARE(args.at(args.indexOf(QStringLiteral("--finetune-steps")) + 1), QStringLiteral("1"));
        QCOMPARE(args.at(args.indexOf(QStringLiteral("--strategies")) + 1), QStringLiteral("frozen,finetune,scratch"));
        QVERIFY(wizard.button(QWizard::FinishButton)->isEnabled());

        // The curve against the command's own files, read here without the wizard's parser.
        const QVector<LabelEfficiencyChart::Drawn> drawn = wizard.chart()->drawn();
        QVERIFY(!drawn.isEmpty());
        auto drawnAt = [&drawn](const QString &strategy, double budget) -> const LabelEfficiencyChart::Drawn * {
            for (const auto &d : drawn)
                if (d.strategy == strategy && d.budget == budget)
                    return &d;
            return nullptr;
        };
        int compared = 0, fluxMarkers = 0;
        QFile lines(QDir(out).filePath(QStringLiteral("points.jsonl")));
        if (lines.open(QIODevice::ReadOnly)) {  // one seed: each line is one drawn marker
            for (const QByteArray &line : lines.readAll().split('\n')) {
                if (line.trimmed().isEmpty())
                    continue;
                const QJsonObject o = test::parseJson(line).object();
                const auto *d = drawnAt(o.value("strategy").toString(), o.value("budget").toDouble());
                QVERIFY2(d, line.constData());
                const bool skipped = o.value("event").toString() == QLatin1String("skipped") || !o.value("tss").isDouble();
                QCOMPARE(d->skipped, skipped);
                if (!skipped) {
                    QVERIFY(near(d->tss, o.value("tss").toDouble()));
                    QVERIFY(near(d->lo, o.value("tss_ci95").toArray().at(0).toDouble()));
                    QVERIFY(near(d->hi, o.value("tss_ci95").toArray().at(1).toDouble()));
                }
                ++compared;
                if (o.value("flux_tss").isDouble()) {  // a frozen point's non-learned baseline: a marker of its own
                    const auto *f = drawnAt(QStringLiteral("unsigned_flux"), o.value("budget").toDouble());
                    QVERIFY2(f, line.constData());
                    QVERIFY(near(f->tss, o.value("flux_tss").toDouble()));
                    QVERIFY(near(f->lo, o.value("flux_tss_ci95").toArray().at(0).toDouble()));
                    ++compared;
                    ++fluxMarkers;
                }
            }
            // The archive (hmi,171) has magnetograms: the frozen points that were scored carry the baseline.
            QVERIFY(fluxMarkers >= 1);
        } else {  // a command build without points.jsonl: its summary's curves (means over the one seed)
            QFile summary(QDir(out).filePath(QStringLiteral("label_efficiency.json")));
            QVERIFY(summary.open(QIODevice::ReadOnly));
            const QJsonObject curves = test::parseJson(summary.readAll()).object().value("curves").toObject();
            QVERIFY(!curves.isEmpty());
            for (auto c = curves.begin(); c != curves.end(); ++c)
                for (const QJsonValue &v : c.value().toArray()) {
                    const QJsonObject o = v.toObject();
                    const auto *d = drawnAt(c.key(), o.value("budget").toDouble());
                    QVERIFY(d);
                    QCOMPARE(d->skipped, !o.value("tss").isDouble());
                    if (!d->skipped) {
                        QVERIFY(near(d->tss, o.value("tss").toDouble()));
                        QVERIFY(near(d->lo, o.value("tss_ci95").toArray().at(0).toDouble()));
                        QVERIFY(near(d->hi, o.value("tss_ci95").toArray().at(1).toDouble()));
                    }
                    ++compared;
                }
        }
        QCOMPARE(compared, int(drawn.size()));
        QCOMPARE(wizard.pointsTable()->rowCount(), int(wizard.points().size()));

        // Install a point's head: the first row with a head run folder.
        int row = -1;
        for (int r = 0; r < wizard.points().size() && row < 0; ++r)
            if (!wizard.points()[r].skipped && QFileInfo(wizard.points()[r].runDir).isDir())
                row = r;
        if (row < 0) {
            // Command builds that save no head per point: the wizard says so instead of installing anything.
            QVERIFY(!wizard.installRow(0).isEmpty());
            QVERIFY(wizard.installedHead().isEmpty());
            QSKIP("this solarchip label-efficiency saves no head run folder per point: installing is not exercised");
        }
        wizard.pointsTable()->selectRow(row);
        auto *install = wizard.findChild<QAbstractButton *>(QStringLiteral("installHead"));
        QVERIFY(install->isEnabled());
        install->click();
        const QString chosen = QFileInfo(wizard.points()[row].runDir).absoluteFilePath();
        QCOMPARE(wizard.installedHead(), chosen);
        QSettings settings(settingsFile, QSettings::IniFormat);
        QCOMPARE(settings.value(QStringLiteral("flare/headRun")).toString(), chosen);
    }

    void failingJob()
    {
        const QString notAModel = m_dir.filePath(QStringLiteral("not-a-model.safetensors"));
        QFile f(notAModel);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("this is no model\n");
        f.close();
        JobRunner runner(nullptr, m_dir.filePath(QStringLiteral("jobs-failing.sqlite")));
        runner.setProgram(cli());
        WizardJobs jobs(&runner);
        LowLabelWizard wizard(&jobs, m_archive, m_spanDays, nullptr);
        wizard.show();
        wizard.next();
        wizard.findChild<QRadioButton *>(QStringLiteral("modelFileChoice"))->setChecked(true);
        wizard.findChild<QLineEdit *>(QStringLiteral("modelFile"))->setText(m_dir.filePath(QStringLiteral("missing.safetensors")));
        wizard.next();  // refused: no such file
        QCOMPARE(wizard.currentId(), int(LowLabelWizard::EncoderPage));
        wizard.findChild<QLineEdit *>(QStringLiteral("modelFile"))->setText(notAModel);
        wizard.next();
        wizard.next();
        wizard.findChild<QLineEdit *>(QStringLiteral("outDir"))->setText(m_dir.filePath(QStringLiteral("failing")));
        QSignalSpy ended(&wizard, &LowLabelWizard::jobEnded);
        wizard.next();
        QVERIFY(ended.wait(120000));
        QCOMPARE(ended.first().at(0).toBool(), false);
        QVERIFY(!wizard.jobSucceeded());
        const QString error = wizard.errorText();
        QVERIFY2(error.contains(QStringLiteral("failed")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("not-a-model.safetensors")), qPrintable(error));
        QVERIFY(wizard.button(QWizard::FinishButton)->isEnabled());  // the user can close it
    }

    void screenshotFirstPage()
    {
        const QString png = m_dir.filePath(QStringLiteral("wizard.png"));
        const QString state = m_dir.filePath(QStringLiteral("wizard.json"));
        const auto r = test::run(test::binPath(QStringLiteral("solarchip-studio")),
                                 {QStringLiteral("--archive"), m_archive, QStringLiteral("--view"), QStringLiteral("wizard"),
                                  QStringLiteral("--screenshot"), png, QStringLiteral("--state-json"), state,
                                  QStringLiteral("--settings"), m_dir.filePath(QStringLiteral("studio.ini")),
                                  QStringLiteral("--timeout"), QStringLiteral("240")},
                                 300000);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QImage image(png);
        QVERIFY(!image.isNull());
        QFile f(state);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject wizard = test::parseJson(f.readAll()).object().value("wizard").toObject();
        QCOMPARE(wizard.value("page").toString(), QStringLiteral("task"));
        QCOMPARE(wizard.value("archive").toString(), m_archive);
        QVERIFY(wizard.value("flare_list_found").toBool());
        // The task page's balance (counted off the UI thread; the screenshot waits for it) against Python's count
        // from the CSV and the magnetograms' T_OBS (astropy, TAI to UTC): the same times, windows and flares.
        const QStringList lists = QDir(m_archive).entryList({QStringLiteral("swpc_flarelist_*.csv")}, QDir::Files);
        QCOMPARE(lists.size(), 1);
        const auto ref = test::runPython(QStringLiteral("flare_marker_counts.py"),
                                         {QDir(m_archive).filePath(lists.first()), QStringLiteral("--windows"),
                                          QDir(m_archive).filePath(QStringLiteral("hmi")), QStringLiteral("24")},
                                         120000);
        QVERIFY2(ref.exitCode == 0, ref.err.constData());
        const QJsonObject expected = test::parseJson(ref.out).object();
        const QJsonObject balance = wizard.value("task_balance").toObject();
        QCOMPARE(balance.value("samples").toInt(), 40);
        for (const char *key : {"samples", "positive_c", "positive_m", "flares_c", "flares_m", "flares_x"})
            QVERIFY2(balance.value(QLatin1String(key)).toInt() == expected.value(QLatin1String(key)).toInt(),
                     qPrintable(QStringLiteral("%1: %2 vs Python's %3").arg(QLatin1String(key))
                                    .arg(balance.value(QLatin1String(key)).toInt())
                                    .arg(expected.value(QLatin1String(key)).toInt())));
        QCOMPARE(wizard.value("budgets").toArray(), (QJsonArray{1, 5, 10, 25, 100}));
        QCOMPARE(wizard.value("strategies").toArray(), (QJsonArray{"frozen", "finetune", "scratch"}));
        // The command Run would queue, for scripts that time the defaults (README: the wizard's cost).
        const QJsonArray command = wizard.value("command").toArray();
        QCOMPARE(command.first().toString(), QStringLiteral("label-efficiency"));
        QVERIFY(command.contains(QStringLiteral("--finetune-steps")) && command.contains(QStringLiteral("30")));
        QCOMPARE(wizard.value("heads").toInt(), 15);
        QVERIFY(wizard.value("cost").toString().contains(QStringLiteral("15 heads")));
        // The picture is the wizard's window, not the main window's.
        QVERIFY2(image.width() < 1400 && image.height() < 900,
                 qPrintable(QStringLiteral("%1x%2").arg(image.width()).arg(image.height())));
    }
};

// The end-to-end run embeds the archive in a child process: on a loaded 2-core machine that can pass QtTest's
// default 5-minute watchdog, which is read before the first test function starts.
int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QTEST_FUNCTION_TIMEOUT"))
        qputenv("QTEST_FUNCTION_TIMEOUT", "900000");
    QApplication app(argc, argv);
    TestLowLabelWizard test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_lowlabelwizard.moc"
