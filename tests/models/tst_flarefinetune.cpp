// Flare runs that train the encoder (issue 12: `--head finetune|scratch`), flare-predict on files, and the
// label-efficiency events and resume, on a tiny synthetic archive (80 days, activity 0.3: about two days in three
// with a >= C flare) and a tiny CNN (64 px prep, fine-tuned at 32 px: four optimizer steps, no convergence). What is checked is what can be known independently:
//   - a fine-tuned run folder holds the encoder it trained (hash recorded, the base model's hash recorded) and
//     flare-predict at a test-block time reproduces the probability flare-eval scored for that set;
//   - a run refuses a model other than the one it was trained from (and names both hashes);
//   - scratch starts from random weights: its encoder is far from the pretrained one, while fine-tuning a few
//     steps at a low rate stays close to it;
//   - flare-predict FILE... (the set's FITS files, prepared on their own) gives the probabilities of
//     --archive --time for the same set, for a frozen head (embedding store path) and a fine-tuned one;
//   - label-efficiency prints start/point/skipped events, saves each point's run folder, keeps points.jsonl,
//     and a second run computes nothing new (every event resumed, the file unchanged);
//   - fine-tuning starts from the linear probe of the starting encoder (step 0 of its history is a candidate),
//     so the kept weights never have a higher validation loss than that probe; when step 0 is kept, the
//     encoder is the base one unchanged;
//   - label-efficiency --test-archive B scores every point on every set of B: the same TSS as flare-eval of the
//     point's run on B (a second path), n = B's sets; likewise its unsigned-flux baseline curve and flare-eval's
//     baselines.unsigned_flux of the frozen run.
#include "TestSupport.h"

#include "models/networks/TrainedModel.h"
#include "models/networks/detail/SolarChipNet.h"
#include "models/networks/detail/TensorIo.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>

#include <cmath>
#include <cstring>

using namespace solarchip;

namespace {

Expected<SolarChipModel> writeTinyCnn(const QString &path, quint64 seed)
{
    auto cfg = SolarChipModel::configFor(QStringLiteral("tiny"), {QStringLiteral("hmi"), QStringLiteral("171")});
    if (!cfg)
        return cfg.error();
    BackboneConfig bb;
    bb.arch = Architecture::Cnn;
    bb.resolution = 64;
    bb.contrastiveDim = 16;
    bb.cnn.ch = 8;
    bb.cnn.chMult = {1, 2, 2};
    bb.cnn.numResBlocks = 1;
    bb.cnn.zChannels = 8;
    cfg->backbone = bb;
    auto model = SolarChipModel::create(*cfg, seed);
    if (!model)
        return model;
    PrepSpec prep;
    prep.resolution = 64;
    if (Status s = saveTrainedModel(*model, {QStringLiteral("hmi"), QStringLiteral("171")}, prep, {}, path); !s)
        return s.error();
    return model;
}

struct Output {
    QList<QJsonObject> events;
    QJsonObject summary;
};

// One-line JSON events, then the indented summary.
Output splitOutput(const QByteArray &out)
{
    Output o;
    const QList<QByteArray> lines = out.split('\n');
    int i = 0;
    for (; i < lines.size(); ++i) {
        if (lines[i].trimmed() == "{")
            break;
        const QJsonObject e = QJsonDocument::fromJson(lines[i]).object();
        if (e.contains(QStringLiteral("event")))
            o.events << e;
    }
    QByteArray rest;
    for (; i < lines.size(); ++i)
        rest += lines[i] + '\n';
    o.summary = QJsonDocument::fromJson(rest).object();
    return o;
}

double relativeDistance(const SolarChipModel &a, const SolarChipModel &b)
{
    const auto sa = solarchip::detail::stateOf(*a.net());
    const auto sb = solarchip::detail::stateOf(*b.net());
    double num = 0, den = 0;
    for (const auto &[name, t] : sa) {
        if (name.find("encoder.") == std::string::npos || !t.is_floating_point())
            continue;
        num += (t - sb.at(name)).pow(2).sum().item<double>();
        den += t.pow(2).sum().item<double>();
    }
    return std::sqrt(num / std::max(den, 1e-30));
}

}  // namespace

class TestFlareFinetune : public QObject {
    Q_OBJECT

public:
    // Every check runs several `solarchip` processes; on a loaded 2-core machine a function can pass Qt Test's
    // default 5-minute watchdog (read once, before the first test function, so set here).
    TestFlareFinetune() { qputenv("QTEST_FUNCTION_TIMEOUT", "900000"); }

private:
    QTemporaryDir m_dir = test::scratchDir();
    QString m_archive, m_model, m_other;

    test::ProcessResult cli(const QStringList &args, int timeoutMs = 300000)
    {
        return test::run(test::binPath(QStringLiteral("solarchip")), args + QStringList{QStringLiteral("--threads"), QStringLiteral("1")},
                         timeoutMs);
    }
    // A small daily hmi,171 archive (64 px, activity 0.3, no truth) of DAYS days from START with SEED.
    test::ProcessResult synthArchive(const QString &dir, const QString &start, int days, int seed)
    {
        return cli({QStringLiteral("synth"), dir, QStringLiteral("--start"), start, QStringLiteral("--days"), QString::number(days),
                    QStringLiteral("--cadence"), QStringLiteral("24"), QStringLiteral("--size"), QStringLiteral("64"),
                    QStringLiteral("--channels"), QStringLiteral("hmi,171"), QStringLiteral("--seed"), QString::number(seed),
                    QStringLiteral("--activity"), QStringLiteral("0.3"), QStringLiteral("--no-truth"), QStringLiteral("--quiet")},
                   600000);
    }
    QStringList common() const
    {
        return {QStringLiteral("--archive"), m_archive, QStringLiteral("--model"), m_model, QStringLiteral("--target"), QStringLiteral("C"),
                QStringLiteral("--block-days"), QStringLiteral("12"), QStringLiteral("--buffer-days"), QStringLiteral("1")};
    }
    QStringList ftOptions() const
    {
        return {QStringLiteral("--finetune-resolution"), QStringLiteral("32"), QStringLiteral("--finetune-epochs"), QStringLiteral("1"),
                QStringLiteral("--batch"), QStringLiteral("8"), QStringLiteral("--patience"), QStringLiteral("1"),
                QStringLiteral("--finetune-steps"), QStringLiteral("4")};
    }
    QString trainRun(const QString &head, const QString &out)
    {
        QStringList args{QStringLiteral("flare-train")};
        args << common() << QStringLiteral("--head") << head << QStringLiteral("--out") << out << QStringLiteral("--json");
        if (head == QLatin1String("finetune") || head == QLatin1String("scratch"))
            args << ftOptions();
        const auto r = cli(args);
        if (r.exitCode != 0)
            return QString::fromUtf8(r.err);
        return {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("OMP_NUM_THREADS", "1");
        m_archive = m_dir.filePath(QStringLiteral("synth"));
        const auto synth = synthArchive(m_archive, QStringLiteral("2012-01-01T00:00"), 80, 5);
        QVERIFY2(synth.exitCode == 0, synth.err.constData());
        m_model = m_dir.filePath(QStringLiteral("tiny.safetensors"));
        m_other = m_dir.filePath(QStringLiteral("other.safetensors"));
        QVERIFY(writeTinyCnn(m_model, 3).ok());
        QVERIFY(writeTinyCnn(m_other, 4).ok());
    }

    void finetuneRunRoundTrip()
    {
        const QString run = m_dir.filePath(QStringLiteral("ft"));
        const QString err = trainRun(QStringLiteral("finetune"), run);
        QVERIFY2(err.isEmpty(), qPrintable(err));
        QVERIFY(QFile::exists(run + QStringLiteral("/encoder.safetensors")));
        QFile f(run + QStringLiteral("/head.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject head = QJsonDocument::fromJson(f.readAll()).object();
        const QJsonObject enc = head.value(QStringLiteral("encoder")).toObject();
        auto base = TrainedModel::load(m_model);
        QVERIFY(base.ok());
        QCOMPARE(enc.value(QStringLiteral("mode")).toString(), QStringLiteral("finetune"));
        QCOMPARE(enc.value(QStringLiteral("base_hash")).toString(), base->hash);
        QCOMPARE(head.value(QStringLiteral("model_hash")).toString(), base->hash);
        QCOMPARE(enc.value(QStringLiteral("resolution")).toInt(), 32);
        auto trained = TrainedModel::load(run + QStringLiteral("/encoder.safetensors"));
        QVERIFY(trained.ok());
        QCOMPARE(enc.value(QStringLiteral("hash")).toString(), trained->hash);
        // The start is the probe (L-BFGS linear head on the starting encoder's features), evaluated as step 0.
        const QJsonObject report = enc.value(QStringLiteral("training")).toObject();
        QCOMPARE(report.value(QStringLiteral("start_probe")).toObject().value(QStringLiteral("solver")).toString(), QStringLiteral("lbfgs"));
        // The probe's L2 stays on the head's weights while fine-tuning (the coefficient the validation block chose).
        QCOMPARE(report.value(QStringLiteral("head_l2")).toDouble(),
                 report.value(QStringLiteral("start_probe")).toObject().value(QStringLiteral("weight_decay")).toDouble());
        const QJsonArray history = report.value(QStringLiteral("history_step_train_val")).toArray();
        QVERIFY(history.size() >= 2);
        QCOMPARE(history.at(0).toArray().at(0).toInt(), 0);
        const double startVal = history.at(0).toArray().at(2).toDouble(), bestVal = report.value(QStringLiteral("best_val_loss")).toDouble();
        QVERIFY2(bestVal <= startVal, qPrintable(QStringLiteral("kept %1 > probe %2").arg(bestVal).arg(startVal)));
        const int bestStep = report.value(QStringLiteral("best_step")).toInt();
        qInfo("fine-tuning: probe validation loss %.5f, kept %.5f at step %d", startVal, bestVal, bestStep);
        if (bestStep > 0)
            QVERIFY(trained->hash != base->hash);
        else
            QCOMPARE(relativeDistance(base->model, trained->model), 0.0);

        // Predict at a test-block time = what eval scored for that set.
        const auto ev = cli({QStringLiteral("flare-eval"), QStringLiteral("--run"), run, QStringLiteral("--archive"), m_archive,
                             QStringLiteral("--model"), m_model, QStringLiteral("--json"), QStringLiteral("--per-sample"),
                             QStringLiteral("--bootstrap"), QStringLiteral("50")});
        QVERIFY2(ev.exitCode == 0, ev.err.constData());
        const QJsonObject eo = test::parseJson(ev.out).object();
        QCOMPARE(eo.value(QStringLiteral("head")).toString(), QStringLiteral("finetune"));
        QCOMPARE(eo.value(QStringLiteral("encoder_hash")).toString(), trained->hash);
        const QJsonArray samples = eo.value(QStringLiteral("per_sample")).toArray();
        QVERIFY(samples.size() >= 3);
        for (const int k : {0, static_cast<int>(samples.size()) - 1}) {
            const QJsonObject s = samples.at(k).toObject();
            const auto pr = cli({QStringLiteral("flare-predict"), QStringLiteral("--run"), run, QStringLiteral("--archive"), m_archive,
                                 QStringLiteral("--model"), m_model, QStringLiteral("--time"), s.value(QStringLiteral("time")).toString(),
                                 QStringLiteral("--json")});
            QVERIFY2(pr.exitCode == 0, pr.err.constData());
            const QJsonObject po = test::parseJson(pr.out).object();
            QCOMPARE(po.value(QStringLiteral("time")).toString(), s.value(QStringLiteral("time")).toString());
            QVERIFY2(std::abs(po.value(QStringLiteral("p_ge_c")).toDouble(-1) - s.value(QStringLiteral("p")).toDouble()) < 1e-5,
                     qPrintable(QStringLiteral("predict %1 vs eval %2").arg(po.value(QStringLiteral("p_ge_c")).toDouble())
                                    .arg(s.value(QStringLiteral("p")).toDouble())));
            QCOMPARE(po.value(QStringLiteral("encoder_hash")).toString(), trained->hash);
        }

        // Another encoder is refused, with both hashes in the message; nothing is written.
        const auto bad = cli({QStringLiteral("flare-predict"), QStringLiteral("--run"), run, QStringLiteral("--archive"), m_archive,
                              QStringLiteral("--model"), m_other, QStringLiteral("--time"), samples.at(0).toObject().value(QStringLiteral("time")).toString()});
        QVERIFY(bad.exitCode != 0);
        QVERIFY2(bad.err.contains("refuses encoder"), bad.err.constData());
        QVERIFY(bad.err.contains(base->hash.left(16).toLatin1()));
    }

    // The quad head (models/flare/FlareHead.h) end to end: on the stored embeddings and fine-tuned with its encoder
    // (its token projection fixed from the starting encoder). For each run, flare-predict at a test-block time gives
    // what flare-eval scored for that set; the frozen head's logit terms (flare-predict's five largest) and the
    // fine-tuned run's start at the probe (step 0) are there.
    void quadHeadFrozenAndFineTuned()
    {
        for (const QString &kind : {QStringLiteral("quad"), QStringLiteral("finetune")}) {
            const QString run = m_dir.filePath(QStringLiteral("quad-") + kind);
            QStringList args{QStringLiteral("flare-train")};
            args << common() << QStringLiteral("--head") << kind << QStringLiteral("--out") << run << QStringLiteral("--json");
            if (kind == QLatin1String("finetune"))
                args << ftOptions() << QStringLiteral("--finetune-head") << QStringLiteral("quad");
            const auto tr = cli(args);
            QVERIFY2(tr.exitCode == 0, tr.err.constData());
            QFile f(run + QStringLiteral("/head.json"));
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QJsonObject saved = QJsonDocument::fromJson(f.readAll()).object();
            const QJsonObject head = saved.value(QStringLiteral("head")).toObject();
            QCOMPARE(head.value(QStringLiteral("kind")).toString(), QStringLiteral("quad"));
            const QJsonObject params = head.value(QStringLiteral("params")).toObject();
            for (const char *name : {"tok_mean", "tok_proj", "tok_scale", "mean", "std", "w", "b"})
                QVERIFY2(params.contains(QLatin1String(name)), name);
            // 2 channels of the tiny model, 16 components each at most: the pooled values are twice the projection's columns.
            const QJsonArray projShape = params.value(QStringLiteral("tok_proj")).toObject().value(QStringLiteral("shape")).toArray();
            const QJsonArray wShape = params.value(QStringLiteral("w")).toObject().value(QStringLiteral("shape")).toArray();
            QCOMPARE(wShape.at(1).toInt(), 2 * projShape.at(1).toInt());
            QCOMPARE(projShape.at(0).toInt(), head.value(QStringLiteral("width")).toInt());
            if (kind == QLatin1String("finetune")) {
                const QJsonObject report = saved.value(QStringLiteral("encoder")).toObject().value(QStringLiteral("training")).toObject();
                QVERIFY(report.value(QStringLiteral("start_probe")).toObject().contains(QStringLiteral("quad_pool")));
                QCOMPARE(report.value(QStringLiteral("history_step_train_val")).toArray().at(0).toArray().at(0).toInt(), 0);
            }
            const auto ev = cli({QStringLiteral("flare-eval"), QStringLiteral("--run"), run, QStringLiteral("--archive"), m_archive,
                                 QStringLiteral("--model"), m_model, QStringLiteral("--json"), QStringLiteral("--per-sample"),
                                 QStringLiteral("--bootstrap"), QStringLiteral("50")});
            QVERIFY2(ev.exitCode == 0, ev.err.constData());
            const QJsonArray samples = test::parseJson(ev.out).object().value(QStringLiteral("per_sample")).toArray();
            QVERIFY(samples.size() >= 3);
            const QJsonObject s = samples.at(samples.size() / 2).toObject();
            const auto pr = cli({QStringLiteral("flare-predict"), QStringLiteral("--run"), run, QStringLiteral("--archive"), m_archive,
                                 QStringLiteral("--model"), m_model, QStringLiteral("--time"), s.value(QStringLiteral("time")).toString(),
                                 QStringLiteral("--json")});
            QVERIFY2(pr.exitCode == 0, pr.err.constData());
            const QJsonObject po = test::parseJson(pr.out).object();
            QVERIFY2(std::abs(po.value(QStringLiteral("p_ge_c")).toDouble(-1) - s.value(QStringLiteral("p")).toDouble()) < 1e-5,
                     qPrintable(QStringLiteral("%1: predict %2 vs eval %3").arg(kind).arg(po.value(QStringLiteral("p_ge_c")).toDouble())
                                    .arg(s.value(QStringLiteral("p")).toDouble())));
            QCOMPARE(po.value(QStringLiteral("head")).toString(), kind == QLatin1String("quad") ? QStringLiteral("quad") : QStringLiteral("finetune"));
            if (kind == QLatin1String("quad"))
                QCOMPARE(po.value(QStringLiteral("logit_terms_top")).toArray().size(), 5);
        }
    }

    void scratchStartsFromRandomWeights()
    {
        const QString ft = m_dir.filePath(QStringLiteral("ft"));
        if (!QFile::exists(ft + QStringLiteral("/encoder.safetensors")))
            QVERIFY(trainRun(QStringLiteral("finetune"), ft).isEmpty());
        const QString sc = m_dir.filePath(QStringLiteral("scratch"));
        const QString err = trainRun(QStringLiteral("scratch"), sc);
        QVERIFY2(err.isEmpty(), qPrintable(err));
        auto base = TrainedModel::load(m_model);
        auto fine = TrainedModel::load(ft + QStringLiteral("/encoder.safetensors"));
        auto scratch = TrainedModel::load(sc + QStringLiteral("/encoder.safetensors"));
        QVERIFY(base.ok() && fine.ok() && scratch.ok());
        const double dFine = relativeDistance(base->model, fine->model), dScratch = relativeDistance(base->model, scratch->model);
        qInfo("relative encoder distance to the pretrained weights: finetune %.4f, scratch %.4f", dFine, dScratch);
        QVERIFY2(dFine >= 0 && dFine < 0.2, qPrintable(QString::number(dFine)));
        QVERIFY2(dScratch > 0.5, qPrintable(QString::number(dScratch)));
        QFile f(sc + QStringLiteral("/head.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("encoder")).toObject().value(QStringLiteral("mode")).toString(),
                 QStringLiteral("scratch"));
    }

    void predictFilesEqualsArchiveTime()
    {
        // A frozen linear head (embedding store path) and the fine-tuned run (encoder in the run folder).
        const QString lin = m_dir.filePath(QStringLiteral("lin"));
        QString err = trainRun(QStringLiteral("linear"), lin);
        QVERIFY2(err.isEmpty(), qPrintable(err));
        const QString ft = m_dir.filePath(QStringLiteral("ft"));
        if (!QFile::exists(ft + QStringLiteral("/encoder.safetensors")))
            QVERIFY(trainRun(QStringLiteral("finetune"), ft).isEmpty());
        const QString when = QStringLiteral("2012-03-01T00:00");
        // The fine-tuned run's --archive --time answer names the set's files.
        const auto a = cli({QStringLiteral("flare-predict"), QStringLiteral("--run"), ft, QStringLiteral("--archive"), m_archive,
                            QStringLiteral("--model"), m_model, QStringLiteral("--time"), when, QStringLiteral("--json")});
        QVERIFY2(a.exitCode == 0, a.err.constData());
        const QJsonObject ao = test::parseJson(a.out).object();
        QStringList files;
        for (const QJsonValue &v : ao.value(QStringLiteral("files")).toArray())
            files << v.toString();
        QCOMPARE(files.size(), 2);
        for (const QString &run : {lin, ft}) {
            const auto byTime = cli({QStringLiteral("flare-predict"), QStringLiteral("--run"), run, QStringLiteral("--archive"), m_archive,
                                     QStringLiteral("--model"), m_model, QStringLiteral("--time"), when, QStringLiteral("--json")});
            QVERIFY2(byTime.exitCode == 0, byTime.err.constData());
            const auto byFiles = cli(QStringList{QStringLiteral("flare-predict"), QStringLiteral("--run"), run, QStringLiteral("--model"),
                                                 m_model, QStringLiteral("--json")} + files);
            QVERIFY2(byFiles.exitCode == 0, byFiles.err.constData());
            const QJsonObject t = test::parseJson(byTime.out).object(), f = test::parseJson(byFiles.out).object();
            QCOMPARE(f.value(QStringLiteral("time")).toString(), t.value(QStringLiteral("time")).toString());
            const double pt = t.value(QStringLiteral("p_ge_c")).toDouble(-1), pf = f.value(QStringLiteral("p_ge_c")).toDouble(-2);
            QVERIFY2(std::abs(pt - pf) < 1e-5, qPrintable(QStringLiteral("%1: --time %2, FILE %3").arg(run).arg(pt).arg(pf)));
            QCOMPARE(f.value(QStringLiteral("head_hash")).toString(), t.value(QStringLiteral("head_hash")).toString());
            // The non-learned reference: the set's magnetogram read through the archive and as a file.
            const QJsonObject ft = t.value(QStringLiteral("flux_baseline")).toObject(), ff = f.value(QStringLiteral("flux_baseline")).toObject();
            QVERIFY2(ft.value(QStringLiteral("p")).isDouble() && ff.value(QStringLiteral("p")).isDouble(), byFiles.out.constData());
            QCOMPARE(ff.value(QStringLiteral("flux_mx")).toDouble(), ft.value(QStringLiteral("flux_mx")).toDouble());
            QCOMPARE(ff.value(QStringLiteral("p")).toDouble(), ft.value(QStringLiteral("p")).toDouble());
        }
        // FILE and --time together is a usage error.
        const auto both = cli(QStringList{QStringLiteral("flare-predict"), QStringLiteral("--run"), lin, QStringLiteral("--time"), when} + files);
        QCOMPARE(both.exitCode, 2);
    }

    // A flare list with no flare of the target class in the test block: flare-eval reports TSS null with the
    // block's dates instead of dividing by zero, label-efficiency refuses before training anything; both name it.
    void splitWithoutFlares()
    {
        const QString lin = m_dir.filePath(QStringLiteral("lin"));
        if (!QFile::exists(lin + QStringLiteral("/head.json")))
            QVERIFY(trainRun(QStringLiteral("linear"), lin).isEmpty());
        // The archive's list without its C, M and X rows (SWPC layout: goes_class_ind is the 9th field).
        QDir archive(m_archive);
        const QStringList lists = archive.entryList({QStringLiteral("swpc_flarelist_*.csv")});
        QCOMPARE(lists.size(), 1);
        QFile in(archive.filePath(lists.first()));
        QVERIFY(in.open(QIODevice::ReadOnly));
        QByteArray quiet;
        int dropped = 0;
        for (const QByteArray &line : in.readAll().split('\n')) {
            if (line.isEmpty())
                continue;
            const QList<QByteArray> f = line.split(',');
            if (quiet.isEmpty() || (f.size() > 8 && (f[8] == "A" || f[8] == "B"))) {
                quiet += line + '\n';
            } else {
                ++dropped;
            }
        }
        QVERIFY(dropped > 0);
        const QString quietPath = m_dir.filePath(QStringLiteral("quiet_flarelist.csv"));
        QFile out(quietPath);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(quiet);
        out.close();

        const auto eval = cli({QStringLiteral("flare-eval"), QStringLiteral("--run"), lin, QStringLiteral("--archive"), m_archive,
                               QStringLiteral("--model"), m_model, QStringLiteral("--flare-list"), quietPath, QStringLiteral("--json")});
        QVERIFY2(eval.exitCode == 0, eval.err.constData());
        const QJsonObject e = test::parseJson(eval.out).object();
        QVERIFY(e.value(QStringLiteral("tss")).isNull());
        QVERIFY(e.value(QStringLiteral("tss_ci95")).isNull());
        QCOMPARE(e.value(QStringLiteral("n_pos")).toInt(), 0);
        const QString message = e.value(QStringLiteral("message")).toString();
        QVERIFY2(message.startsWith(QStringLiteral("no >=C flares in the test block 2012-")), qPrintable(message));
        QVERIFY2(message.endsWith(QStringLiteral("TSS, HSS and ROC AUC undefined")), qPrintable(message));

        const auto le = cli({QStringLiteral("label-efficiency"), QStringLiteral("--archive"), m_archive, QStringLiteral("--model"), m_model,
                             QStringLiteral("--target"), QStringLiteral("C"), QStringLiteral("--block-days"), QStringLiteral("12"),
                             QStringLiteral("--buffer-days"), QStringLiteral("1"), QStringLiteral("--flare-list"), quietPath,
                             QStringLiteral("--strategies"), QStringLiteral("frozen"), QStringLiteral("--budgets"), QStringLiteral("100"),
                             QStringLiteral("--seeds"), QStringLiteral("1"), QStringLiteral("--out"), m_dir.filePath(QStringLiteral("le-quiet"))});
        QVERIFY(le.exitCode != 0);
        const QString err = QString::fromUtf8(le.err);
        QVERIFY2(err.contains(QFileInfo(m_archive).canonicalFilePath()), qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("no >=C flares in the test block 2012-")), qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("no point trained")), qPrintable(err));
    }

    // --weight-decay reaches the head: a huge decay leaves the linear head's weights far smaller than the default;
    // a negative one is a usage error.
    void weightDecayReachesTheHead()
    {
        auto weightNorm = [](const QString &run) {
            QFile f(run + QStringLiteral("/head.json"));
            if (!f.open(QIODevice::ReadOnly))
                return -1.0;
            const QJsonObject w = test::parseJson(f.readAll()).object().value(QStringLiteral("head")).toObject()
                                      .value(QStringLiteral("params")).toObject().value(QStringLiteral("w")).toObject();
            const QByteArray raw = QByteArray::fromBase64(w.value(QStringLiteral("f32le_base64")).toString().toLatin1());
            double sum = 0;
            for (qsizetype i = 0; i + 4 <= raw.size(); i += 4) {
                float v = 0;
                std::memcpy(&v, raw.constData() + i, 4);
                sum += static_cast<double>(v) * v;
            }
            return raw.isEmpty() ? -1.0 : std::sqrt(sum);
        };
        auto train = [&](const QString &decay, const QString &out) {
            QStringList args{QStringLiteral("flare-train")};
            args << common() << QStringLiteral("--head") << QStringLiteral("linear") << QStringLiteral("--weight-decay") << decay
                 << QStringLiteral("--out") << out;
            return cli(args);
        };
        const QString plain = m_dir.filePath(QStringLiteral("wd-default")), heavy = m_dir.filePath(QStringLiteral("wd-heavy"));
        const auto a = train(QStringLiteral("1e-3"), plain), b = train(QStringLiteral("1e4"), heavy);
        QVERIFY2(a.exitCode == 0, a.err.constData());
        QVERIFY2(b.exitCode == 0, b.err.constData());
        const double na = weightNorm(plain), nb = weightNorm(heavy);
        QVERIFY2(na > 0 && nb >= 0 && nb < 0.5 * na, qPrintable(QStringLiteral("|w| %1 (1e-3) vs %2 (1e4)").arg(na).arg(nb)));
        QCOMPARE(train(QStringLiteral("-1"), m_dir.filePath(QStringLiteral("wd-bad"))).exitCode, 2);
    }

    void labelEfficiencyOnATestArchive()
    {
        const QString other = m_dir.filePath(QStringLiteral("synth-b"));
        const auto synth = synthArchive(other, QStringLiteral("2013-01-01T00:00"), 30, 6);
        QVERIFY2(synth.exitCode == 0, synth.err.constData());
        const QString out = m_dir.filePath(QStringLiteral("le-b"));
        QStringList args{QStringLiteral("label-efficiency")};
        args << common() << ftOptions()
             << QStringList{QStringLiteral("--budgets"), QStringLiteral("100"), QStringLiteral("--seeds"), QStringLiteral("1"),
                            QStringLiteral("--strategies"), QStringLiteral("frozen,finetune"), QStringLiteral("--test-archive"), other,
                            QStringLiteral("--out"), out, QStringLiteral("--json")};
        const auto r = cli(args);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const Output o = splitOutput(r.out);
        const QJsonObject test = o.summary.value(QStringLiteral("test")).toObject();
        QCOMPARE(test.value(QStringLiteral("archive")).toString(), QFileInfo(other).canonicalFilePath());
        QCOMPARE(test.value(QStringLiteral("n")).toInt(), 30);
        QCOMPARE(test.value(QStringLiteral("samples")).toString(), QStringLiteral("every set of the test archive"));
        int points = 0;
        for (const QJsonObject &e : o.events) {
            if (e.value(QStringLiteral("event")).toString() != QLatin1String("point"))
                continue;
            ++points;
            // flare-eval of the point's run on B: every set, the same TSS.
            const auto ev = cli({QStringLiteral("flare-eval"), QStringLiteral("--run"), e.value(QStringLiteral("run")).toString(),
                                 QStringLiteral("--archive"), other, QStringLiteral("--model"), m_model, QStringLiteral("--json"),
                                 QStringLiteral("--bootstrap"), QStringLiteral("50")});
            QVERIFY2(ev.exitCode == 0, ev.err.constData());
            const QJsonObject eo = test::parseJson(ev.out).object();
            QCOMPARE(eo.value(QStringLiteral("n_pos")).toInt() + eo.value(QStringLiteral("n_neg")).toInt(), 30);
            QVERIFY2(std::abs(eo.value(QStringLiteral("tss")).toDouble() - e.value(QStringLiteral("tss")).toDouble()) < 1e-9,
                     qPrintable(QStringLiteral("%1: flare-eval %2, label-efficiency %3").arg(e.value(QStringLiteral("strategy")).toString())
                                    .arg(eo.value(QStringLiteral("tss")).toDouble()).arg(e.value(QStringLiteral("tss")).toDouble())));
        }
        QCOMPARE(points, 2);
        // The non-learned baseline beside the curves: the frozen point's flux logistic, scored on every set of B;
        // flare-eval of that run reports the same TSS under baselines.unsigned_flux, with every set's flux read.
        const QJsonArray flux = o.summary.value(QStringLiteral("curves")).toObject().value(QStringLiteral("unsigned_flux")).toArray();
        QCOMPARE(flux.size(), 1);
        QCOMPARE(flux.at(0).toObject().value(QStringLiteral("seeds_ok")).toInt(), 1);
        for (const QJsonObject &e : o.events) {
            if (e.value(QStringLiteral("strategy")).toString() != QLatin1String("frozen"))
                continue;
            const auto ev = cli({QStringLiteral("flare-eval"), QStringLiteral("--run"), e.value(QStringLiteral("run")).toString(),
                                 QStringLiteral("--archive"), other, QStringLiteral("--model"), m_model, QStringLiteral("--json"),
                                 QStringLiteral("--bootstrap"), QStringLiteral("50")});
            QVERIFY2(ev.exitCode == 0, ev.err.constData());
            const QJsonObject fb = test::parseJson(ev.out).object().value(QStringLiteral("baselines")).toObject()
                                       .value(QStringLiteral("unsigned_flux")).toObject();
            QCOMPARE(fb.value(QStringLiteral("missing_flux")).toInt(-1), 0);
            QCOMPARE(fb.value(QStringLiteral("n_pos")).toInt() + fb.value(QStringLiteral("n_neg")).toInt(), 30);
            QVERIFY2(std::abs(fb.value(QStringLiteral("tss")).toDouble(-9) - flux.at(0).toObject().value(QStringLiteral("tss")).toDouble()) < 1e-9,
                     qPrintable(QStringLiteral("flare-eval %1, label-efficiency %2").arg(fb.value(QStringLiteral("tss")).toDouble())
                                    .arg(flux.at(0).toObject().value(QStringLiteral("tss")).toDouble())));
        }
        QCOMPARE(cli({QStringLiteral("label-efficiency"), QStringLiteral("--archive"), m_archive, QStringLiteral("--model"), m_model,
                      QStringLiteral("--test-archive"), m_archive, QStringLiteral("--out"), m_dir.filePath(QStringLiteral("le-same"))})
                     .exitCode,
                 2);
    }

    void labelEfficiencyEventsAndResume()
    {
        const QString out = m_dir.filePath(QStringLiteral("le"));
        QStringList args{QStringLiteral("label-efficiency")};
        args << common() << ftOptions()
             << QStringList{QStringLiteral("--budgets"), QStringLiteral("1,100"), QStringLiteral("--seeds"), QStringLiteral("1"),
                            QStringLiteral("--strategies"), QStringLiteral("frozen,finetune,scratch"), QStringLiteral("--out"), out,
                            QStringLiteral("--json")};
        const auto first = cli(args);
        QVERIFY2(first.exitCode == 0, first.err.constData());
        const Output o1 = splitOutput(first.out);
        QVERIFY(!o1.events.isEmpty());
        QCOMPARE(o1.events.first().value(QStringLiteral("event")).toString(), QStringLiteral("start"));
        QCOMPARE(o1.events.first().value(QStringLiteral("points")).toInt(), 6);
        int points = 0, skipped = 0;
        for (const QJsonObject &e : o1.events) {
            const QString kind = e.value(QStringLiteral("event")).toString();
            if (kind == QLatin1String("point")) {
                ++points;
                for (const char *k : {"strategy", "budget", "seed", "tss", "tss_ci95", "auc", "bss", "n_train_pos", "n_train_neg", "done",
                                      "total", "run"})
                    QVERIFY2(e.contains(QLatin1String(k)), k);
                QVERIFY(QFile::exists(e.value(QStringLiteral("run")).toString() + QStringLiteral("/head.json")));
                if (e.value(QStringLiteral("strategy")).toString() != QLatin1String("frozen"))
                    QVERIFY(QFile::exists(e.value(QStringLiteral("run")).toString() + QStringLiteral("/encoder.safetensors")));
            } else if (kind == QLatin1String("skipped")) {
                ++skipped;
                QVERIFY(!e.value(QStringLiteral("reason")).toString().isEmpty());
            }
        }
        QCOMPARE(points + skipped, 6);
        QVERIFY2(points >= 3, "the 100% budget of every strategy is a point");
        const QJsonObject curves = o1.summary.value(QStringLiteral("curves")).toObject();
        for (const char *s : {"frozen", "finetune", "scratch"})
            QCOMPARE(curves.value(QLatin1String(s)).toArray().size(), 2);
        QVERIFY(!o1.summary.contains(QStringLiteral("not_built")));
        QVERIFY(QFile::exists(out + QStringLiteral("/label_efficiency.png")));
        // The PNG (QCustomPlot, offscreen) read by skimage: its size, each curve's colour present (a point and its
        // interval at least), the dashed chance line at TSS 0 spanning much of the width.
        const auto png = test::runPython(QStringLiteral("label_efficiency_png.py"), {out + QStringLiteral("/label_efficiency.png")});
        QVERIFY2(png.exitCode == 0, png.err.constData());
        const QJsonObject pj = test::parseJson(png.out).object();
        QCOMPARE(pj.value(QStringLiteral("width")).toInt(), 960);
        QCOMPARE(pj.value(QStringLiteral("height")).toInt(), 600);
        const QJsonObject counts = pj.value(QStringLiteral("counts")).toObject();
        for (const char *c : {"c0", "c1", "c2"})
            QVERIFY2(counts.value(QLatin1String(c)).toInt() > 20, qPrintable(QString::fromUtf8(png.out)));
        QVERIFY2(pj.value(QStringLiteral("grey_row_max")).toInt() > 200, qPrintable(QString::fromUtf8(png.out)));
        QVERIFY(pj.value(QStringLiteral("white_fraction")).toDouble() > 0.5);
        QFile pf(out + QStringLiteral("/points.jsonl"));
        QVERIFY(pf.open(QIODevice::ReadOnly));
        const QByteArray before = pf.readAll();
        pf.close();
        QCOMPARE(before.count('\n'), 6);

        // The second run computes nothing: every event is resumed and points.jsonl is unchanged.
        const auto second = cli(args);
        QVERIFY2(second.exitCode == 0, second.err.constData());
        const Output o2 = splitOutput(second.out);
        QCOMPARE(o2.events.first().value(QStringLiteral("resumed")).toInt(), 6);
        int resumed = 0;
        for (const QJsonObject &e : o2.events)
            if (e.value(QStringLiteral("event")).toString() != QLatin1String("start")) {
                QVERIFY(e.value(QStringLiteral("resumed")).toBool());
                ++resumed;
            }
        QCOMPARE(resumed, 6);
        QVERIFY(pf.open(QIODevice::ReadOnly));
        QCOMPARE(pf.readAll(), before);
        QCOMPARE(o2.summary.value(QStringLiteral("curves")).toObject(), curves);
    }
};

QTEST_GUILESS_MAIN(TestFlareFinetune)
#include "tst_flarefinetune.moc"
