// solarchip label-efficiency: what pretraining buys when labels are few (issue 12). For each strategy, budget
// (percent of the training labels, drawn by time blocks) and seed, a flare run is trained and scored on the same
// test block:
//   frozen     a head (linear, mean or attn) on the pretrained model's stored embeddings;
//   finetune   the pretrained encoder fine-tuned together with a head on the archive's images;
//   scratch    the same architecture from a random initialisation, trained the same way;
//   untrained  (on request) a frozen head on a never-trained encoder's embeddings (features without pretraining).
// Beside them, with the frozen strategy, the curve "unsigned_flux": the non-learned baseline (a logistic on log10
// total unsigned HMI flux, core/archive/FlareFluxBaseline) fitted on each frozen point's own labelled rows.
// With --test-archive B every point is scored on every set of B instead (a second archive the heads never saw:
// no buffer needed, about ten times the sets of a test block); the training archive's test block is then unused.
// Each point's run is a normal flare run folder (DIR/runs/<strategy>-b<budget>-s<seed>) that flare-predict,
// flare-eval and the app accept. Finished points are appended (fsync) to DIR/points.jsonl and never recomputed:
// a killed run resumes where it stopped, a finished one run again computes nothing. With --json, one-line events
// (start, point, skipped) go to stdout before the indented summary (the EmbedJob convention).
#include "app/cli/Command.h"
#include "app/cli/CommandLine.h"
#include "app/cli/FlareCliSupport.h"
#include "app/cli/LabelEfficiencyPlot.h"
#include "app/cli/ModelCliOptions.h"

#include "core/base/AtomicFile.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTextStream>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <optional>
#include <random>

#include <unistd.h>

namespace solarchip::cli {

namespace {

const QString kName = QStringLiteral("label-efficiency");
const QStringList kStrategies{QStringLiteral("frozen"), QStringLiteral("finetune"), QStringLiteral("scratch"), QStringLiteral("untrained")};

QString pointKey(const QString &strategy, double budget, int seed)
{
    return QStringLiteral("%1-b%2-s%3").arg(strategy, QString::number(budget)).arg(seed);
}

// DIR/points.jsonl: one finished point (or skip) per line. A torn last line (a kill mid-write) is ignored.
std::map<QString, QJsonObject> readPoints(const QString &path)
{
    std::map<QString, QJsonObject> out;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return out;
    while (!f.atEnd()) {
        const QJsonObject o = QJsonDocument::fromJson(f.readLine()).object();
        if (o.isEmpty())
            continue;
        out[pointKey(o.value(QStringLiteral("strategy")).toString(), o.value(QStringLiteral("budget")).toDouble(),
                     o.value(QStringLiteral("seed")).toInt())] = o;
    }
    return out;
}

Status appendPoint(const QString &path, const QJsonObject &o)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Append))
        return Error{path, QStringLiteral("cannot append (%1)").arg(f.errorString())};
    const QByteArray line = QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
    if (f.write(line) != line.size() || !f.flush() || ::fsync(f.handle()) != 0)
        return Error{path, QStringLiteral("cannot write a point (%1)").arg(f.errorString())};
    return Status::success();
}

// TSS of probabilities at a threshold on the rows `idx` of (p, y).
double tssAt(const std::vector<double> &p, const std::vector<int> &y, double threshold, const std::vector<int> &idx)
{
    Contingency t;
    for (int i : idx) {
        const bool yes = p[static_cast<size_t>(i)] >= threshold;
        if (y[static_cast<size_t>(i)])
            yes ? ++t.tp : ++t.fn;
        else
            yes ? ++t.fp : ++t.tn;
    }
    return t.tss();
}

struct Curve {
    std::vector<std::vector<double>> probs;
    std::vector<double> thresholds;
};

// Mean over seeds of TSS(a) - TSS(b) with a bootstrap over test samples (paired: the same resample for both).
std::array<double, 3> pairedDifference(const Curve &a, const Curve &b, const std::vector<int> &y, int bootstrap = 1000)
{
    std::vector<int> all(y.size());
    for (size_t i = 0; i < all.size(); ++i)
        all[i] = static_cast<int>(i);
    auto meanTss = [&](const Curve &c, const std::vector<int> &idx) {
        double s = 0;
        for (size_t k = 0; k < c.probs.size(); ++k)
            s += tssAt(c.probs[k], y, c.thresholds[k], idx);
        return s / static_cast<double>(c.probs.size());
    };
    const double d0 = meanTss(a, all) - meanTss(b, all);
    std::mt19937_64 rng(12);
    std::uniform_int_distribution<int> pick(0, static_cast<int>(y.size()) - 1);
    std::vector<double> ds;
    std::vector<int> idx(y.size());
    for (int r = 0; r < bootstrap; ++r) {
        for (int &i : idx)
            i = pick(rng);
        ds.push_back(meanTss(a, idx) - meanTss(b, idx));
    }
    std::sort(ds.begin(), ds.end());
    return {d0, ds[static_cast<size_t>(0.025 * (ds.size() - 1))], ds[static_cast<size_t>(0.975 * (ds.size() - 1))]};
}

int runLabelEfficiency(const QStringList &args)
{
    CommandLine p(kName, QStringLiteral(
        "TSS against the fraction of training labels (drawn by time blocks) for a frozen head on the model's embeddings, "
        "the fine-tuned encoder and the same architecture trained from scratch, all on the same test block. Each point's "
        "run is a flare run folder (DIR/runs/<strategy>-b<budget>-s<seed>); finished points are kept in DIR/points.jsonl "
        "and not recomputed. Writes DIR/label_efficiency.csv, .png and .json."));
    addFlareArchiveOptions(p);
    addFinetuneOptions(p);
    p.addOption({QStringLiteral("target"), QStringLiteral("C, M or 4class (default M)."), QStringLiteral("T"), QStringLiteral("M")});
    p.addOption({QStringLiteral("window-hours"), QStringLiteral("Label window (default 24)."), QStringLiteral("H"), QStringLiteral("24")});
    p.addOption({QStringLiteral("budgets"), QStringLiteral("Percentages of the training labels (default 1,2,5,10,25,100)."),
                 QStringLiteral("LIST"), QStringLiteral("1,2,5,10,25,100")});
    p.addOption({QStringLiteral("seeds"), QStringLiteral("Seeds per budget (default 3)."), QStringLiteral("N"), QStringLiteral("3")});
    p.addOption({QStringLiteral("strategies"),
                 QStringLiteral("Comma list of frozen, finetune, scratch, untrained (default frozen,finetune,scratch)."),
                 QStringLiteral("LIST"), QStringLiteral("frozen,finetune,scratch")});
    p.addOption({QStringLiteral("frozen-head"), QStringLiteral("linear (CLS), mean (linear on the mean of the on-disk patch tokens), quad (linear on the cells' mean of the tokens' per-channel principal-component scores and their squares) or attn (default linear)."), QStringLiteral("KIND"), QStringLiteral("linear")});
    p.addOption({QStringLiteral("epochs"), QStringLiteral("Frozen head L-BFGS iterations at most per L2 candidate (default 300 linear, 50 attn)."), QStringLiteral("N")});
    addComponentsOption(p);
    p.addOption({QStringLiteral("block-days"), QStringLiteral("Split block length in days (default 60)."), QStringLiteral("D"), QStringLiteral("60")});
    p.addOption({QStringLiteral("buffer-days"), QStringLiteral("Buffer between blocks of different splits (default 27)."),
                 QStringLiteral("D"), QStringLiteral("27")});
    p.addOption({QStringLiteral("no-untrained"), QStringLiteral("Kept for old scripts: the untrained curve runs only when --strategies lists it.")});
    p.addOption({QStringLiteral("test-archive"),
                 QStringLiteral("Score every point on every set of this second archive (its own catalog, flare list and "
                                "embedding store; a seed the model and the heads never saw) instead of the test block of --archive."),
                 QStringLiteral("B")});
    p.addOption({QStringLiteral("out"), QStringLiteral("Output folder (resumable)."), QStringLiteral("DIR")});
    p.addJsonOption(QStringLiteral("Events as JSON lines (start, point, skipped) and a JSON summary."));
    if (auto exit = p.parseOrExit(args))
        return *exit;
    const auto target = flareTargetFromString(p.value(QStringLiteral("target")));
    if (!target)
        return p.usage(QStringLiteral("--target must be C, M or 4class"));
    bool ok = false;
    const double window = p.value(QStringLiteral("window-hours")).toDouble(&ok);
    if (!ok || !(window > 0))
        return p.usage(QStringLiteral("--window-hours needs a positive number"));
    QVector<double> budgets;
    for (const QString &b : p.value(QStringLiteral("budgets")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const double v = b.trimmed().toDouble(&ok);
        if (!ok || !(v > 0) || v > 100)
            return p.usage(QStringLiteral("--budgets: '%1' is not a percentage in (0, 100]").arg(b));
        if (!budgets.contains(v))
            budgets << v;
    }
    std::sort(budgets.begin(), budgets.end());
    if (budgets.isEmpty())
        return p.usage(QStringLiteral("--budgets needs at least one percentage"));
    const int seeds = p.value(QStringLiteral("seeds")).toInt(&ok);
    if (!ok || seeds < 1)
        return p.usage(QStringLiteral("--seeds needs a positive integer"));
    QStringList strategies;
    for (const QString &s : p.value(QStringLiteral("strategies")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (!kStrategies.contains(s.trimmed()))
            return p.usage(QStringLiteral("--strategies: '%1' is not one of %2").arg(s, kStrategies.join(u',')));
        if (!strategies.contains(s.trimmed()))
            strategies << s.trimmed();
    }
    if (strategies.isEmpty())
        return p.usage(QStringLiteral("--strategies needs at least one of %1").arg(kStrategies.join(u',')));
    const QString kind = p.value(QStringLiteral("frozen-head"));
    FlareHeadKind frozenKind = FlareHeadKind::Linear;
    if (!flareHeadKindFromName(kind, &frozenKind))
        return p.usage(QStringLiteral("--frozen-head must be linear, mean, quad or attn"));
    FlareFinetuneOptions ftOptions;
    int ftResolution = 0;
    if (const QString bad = readFinetuneOptions(p, &ftOptions, &ftResolution); !bad.isEmpty())
        return p.usage(bad);
    if (!p.isSet(QStringLiteral("out")))
        return p.usage(QStringLiteral("--out DIR is required"));
    QString testArchive;
    if (p.isSet(QStringLiteral("test-archive"))) {
        testArchive = QFileInfo(p.value(QStringLiteral("test-archive"))).canonicalFilePath();
        if (testArchive.isEmpty() || !QFileInfo(testArchive).isDir())
            return p.usage(QStringLiteral("--test-archive: '%1' is not a folder").arg(p.value(QStringLiteral("test-archive"))));
        if (testArchive == QFileInfo(p.value(QStringLiteral("archive"))).canonicalFilePath())
            return p.usage(QStringLiteral("--test-archive must be another archive than --archive"));
    }
    FlareRunSpec spec;
    spec.target = *target;
    spec.windowHours = window;
    spec.head.kind = frozenKind;
    spec.head.epochs = p.isSet(QStringLiteral("epochs")) ? p.value(QStringLiteral("epochs")).toInt()
                                                         : (spec.head.kind == FlareHeadKind::Attention ? 50 : 300);
    if (const QString bad = readComponentsOption(p, &spec.head); !bad.isEmpty())
        return p.usage(bad);
    spec.split.blockDays = p.value(QStringLiteral("block-days")).toDouble();
    spec.split.bufferDays = p.value(QStringLiteral("buffer-days")).toDouble();
    if (!(spec.split.blockDays > 0) || spec.split.bufferDays < 0 || spec.split.bufferDays >= spec.split.blockDays)
        return p.usage(QStringLiteral("--block-days must be positive and --buffer-days in [0, block days)"));
    const bool json = p.json();
    const QString out = p.value(QStringLiteral("out"));
    if (!QDir().mkpath(out))
        return fail(kName, Error{out, QStringLiteral("cannot create the output folder")});
    const QString pointsPath = QDir(out).filePath(QStringLiteral("points.jsonl"));
    std::map<QString, QJsonObject> done = readPoints(pointsPath);
    // Points scored on another test set (a different --test-archive, or none), fitted with other --components or
    // with another head (points written before heads were recorded had linear ones) are computed again.
    const QString components = spec.head.components < 0 ? QStringLiteral("auto") : QString::number(spec.head.components);
    auto headOf = [&](const QString &strategy) {
        return flareHeadKindName(strategy == QLatin1String("finetune") || strategy == QLatin1String("scratch") ? ftOptions.head
                                                                                                                : spec.head.kind);
    };
    for (auto it = done.begin(); it != done.end();)
        it = it->second.value(QStringLiteral("test_archive")).toString() != testArchive
                     || it->second.value(QStringLiteral("components")).toString(QStringLiteral("0")) != components
                     || it->second.value(QStringLiteral("head")).toString(QStringLiteral("linear"))
                            != headOf(it->second.value(QStringLiteral("strategy")).toString())
                 ? done.erase(it)
                 : std::next(it);
    QElapsedTimer clock;
    clock.start();

    auto model = loadModelFromOptions(p);
    if (!model)
        return fail(kName, model.error());
    const QString archiveDir = QFileInfo(p.value(QStringLiteral("archive"))).canonicalFilePath();
    const int total = static_cast<int>(strategies.size() * budgets.size()) * seeds;
    int resumed = 0;
    for (const QString &s : strategies)
        for (double b : budgets)
            for (int k = 0; k < seeds; ++k)
                resumed += done.count(pointKey(s, b, k)) ? 1 : 0;
    if (json)
        printJsonLine(QJsonObject{{QStringLiteral("event"), QStringLiteral("start")}, {QStringLiteral("points"), total},
                                  {QStringLiteral("out"), out}, {QStringLiteral("resumed"), resumed},
                                  {QStringLiteral("strategies"), QJsonArray::fromStringList(strategies)}});

    // Inputs are loaded only when a point still needs them.
    QString usageError;
    std::optional<FlareArchive> frozenArchive, untrainedArchive;
    std::optional<FlareImageArchive> images;
    std::unique_ptr<TrainedModel> untrainedModel;
    auto frozenInputs = [&](bool untrained) -> Expected<const FlareArchive *> {
        std::optional<FlareArchive> &slot = untrained ? untrainedArchive : frozenArchive;
        if (!slot) {
            const TrainedModel *m = model.operator->();
            if (untrained) {
                // The same architecture, freshly initialised (seed 0) and never trained: its own embedding store.
                auto fresh = SolarChipModel::create(model->model.config(), 0);
                if (!fresh)
                    return fresh.error();
                untrainedModel = std::make_unique<TrainedModel>(TrainedModel{std::move(*fresh), model->channels, model->prep, {},
                                                                             QStringLiteral("untrained re-initialisation of ") + model->path, {}});
                auto hash = untrainedModel->model.hash();
                if (!hash)
                    return hash.error();
                untrainedModel->hash = *hash;
                m = untrainedModel.get();
            }
            auto a = loadFlareArchive(p, *m, window, flareHeadReadsPatches(spec.head.kind), json, &usageError);
            if (!a)
                return a.error();
            slot = std::move(*a);
        }
        return &*slot;
    };
    // The images of --archive (`other` empty) or of --test-archive, prepared once into `slot`.
    auto loadImages = [&](std::optional<FlareImageArchive> &slot, const QString &other) -> Expected<const FlareImageArchive *> {
        if (!slot) {
            auto side = flareFinetuneResolution(*model, ftResolution);
            if (!side)
                return side.error();
            auto a = loadFlareImageArchive(p, *model, window, *side, json, &usageError, other);
            if (!a)
                return a.error();
            slot = std::move(*a);
        }
        return &*slot;
    };
    auto imageInputs = [&] { return loadImages(images, {}); };

    // --test-archive: the second archive's embeddings (per encoder) and images, loaded when first needed.
    std::optional<FlareArchive> frozenTest, untrainedTest;
    std::optional<FlareImageArchive> imagesTest;
    auto frozenTestInputs = [&](bool untrained) -> Expected<const FlareArchive *> {
        std::optional<FlareArchive> &slot = untrained ? untrainedTest : frozenTest;
        if (!slot) {
            if (untrained && !untrainedModel)
                if (auto a = frozenInputs(true); !a)
                    return a.error();
            const TrainedModel &m = untrained ? *untrainedModel : *model;
            auto a = loadFlareArchive(p, m, window, flareHeadReadsPatches(spec.head.kind), json, &usageError, testArchive);
            if (!a)
                return a.error();
            slot = std::move(*a);
        }
        return &*slot;
    };
    auto imageTestInputs = [&] { return loadImages(imagesTest, testArchive); };

    // The test block (the same for every strategy: the same sets in time order).
    std::vector<int> testY;
    // The scored sets (testY, just filled) must hold both outcomes, or no TSS exists: the refusal names FILE and
    // the sets (WHAT), before any point is trained.
    auto oneOutcomeOnly = [&](const QString &file, const QVector<QDateTime> &times, const std::vector<int> &rows,
                              const QString &what) -> std::optional<Error> {
        const int nPos = static_cast<int>(std::count(testY.begin(), testY.end(), 1));
        if (nPos != 0 && nPos != static_cast<int>(testY.size()))
            return std::nullopt;
        FlareFeatures t;
        for (const QDateTime &d : times)
            t.timesMs.push_back(d.toMSecsSinceEpoch());
        return Error{file, undefinedSkillMessage(t, rows, nPos, *target == FlareTarget::GeC ? QStringLiteral(">=C")
                                                                                          : QStringLiteral(">=M"),
                                                 what)
                               + QStringLiteral("; no point trained")};
    };
    QJsonObject splitJson;
    auto testRowsOf = [&](const QVector<QDateTime> &times, const QVector<int> &next4) -> Expected<std::vector<int>> {
        FlareSplitOptions so = spec.split;
        so.windowSeconds = static_cast<qint64>(window * 3600);
        auto split = makeFlareSplit(times, so);
        if (!split)
            return Error{archiveDir, split.error().message};
        const std::vector<int> rows = split->indices(FlareSplitPart::Test);
        if (splitJson.isEmpty()) {
            QVector<int> yq;
            for (int c : next4)
                yq << (c >= (*target == FlareTarget::GeC ? 1 : 2) ? 1 : 0);
            splitJson = split->toJson(yq);
        }
        if (!testArchive.isEmpty())
            return rows;  // the training archive's split only; the test rows are the second archive's (testArchiveRows)
        if (testY.empty()) {
            QVector<int> yq;
            for (int c : next4)
                yq << (c >= (*target == FlareTarget::GeC ? 1 : 2) ? 1 : 0);
            for (int i : rows)
                testY.push_back(yq[i]);
            // Every point is scored on this block: without both outcomes no TSS exists, so say so before training.
            if (auto refused = oneOutcomeOnly(archiveDir, times, rows, QStringLiteral("the test block")))
                return *refused;
        }
        return rows;
    };

    // --test-archive: every set of the second archive, refused before training when it lacks an outcome.
    auto testArchiveRows = [&](const QVector<QDateTime> &times, const QVector<int> &next4) -> Expected<std::vector<int>> {
        std::vector<int> rows(static_cast<size_t>(times.size()));
        for (size_t i = 0; i < rows.size(); ++i)
            rows[i] = static_cast<int>(i);
        if (testY.empty()) {
            for (int c : next4)
                testY.push_back(c >= (*target == FlareTarget::GeC ? 1 : 2) ? 1 : 0);
            if (auto refused = oneOutcomeOnly(testArchive, times, rows, QStringLiteral("the test archive")))
                return *refused;
        }
        return rows;
    };

    int finished = 0;
    for (const QString &strategy : strategies) {
        for (double budget : budgets) {
            for (int k = 0; k < seeds; ++k) {
                const QString key = pointKey(strategy, budget, k);
                if (done.count(key)) {
                    ++finished;
                    QJsonObject e = done[key];
                    e.remove(QStringLiteral("test_p"));
                    e.remove(QStringLiteral("flux_test_p"));
                    e.insert(QStringLiteral("done"), finished);
                    e.insert(QStringLiteral("total"), total);
                    e.insert(QStringLiteral("resumed"), true);
                    if (json)
                        printJsonLine(e);
                    continue;
                }
                QElapsedTimer pointClock;
                pointClock.start();
                const quint64 seed = 1000 + static_cast<quint64>(k);
                FlareRunSpec ps = spec;
                ps.labelsFraction = budget / 100.0;
                const QString runDir = QDir(out).filePath(QStringLiteral("runs/") + key);
                Expected<FlareRun> run = Error{{}, {}};
                Expected<QJsonObject> report = Error{{}, {}};
                // testP: the run's P(event) on the scored rows; fluxTestP: its flux baseline's (the same labelled rows).
                std::vector<double> testP, fluxTestP;
                if (strategy == QLatin1String("frozen") || strategy == QLatin1String("untrained")) {
                    auto a = frozenInputs(strategy == QLatin1String("untrained"));
                    if (!usageError.isEmpty())
                        return p.usage(usageError);
                    if (!a)
                        return fail(kName, a.error());
                    auto rows = testRowsOf((*a)->times, (*a)->next4);
                    if (!rows)
                        return fail(kName, rows.error());
                    run = trainFlareRun((*a)->load.features, (*a)->next4, ps, seed);
                    if (run) {
                        const TrainedModel &m = strategy == QLatin1String("untrained") ? *untrainedModel : *model;
                        run->modelHash = m.hash;
                        run->modelPath = m.path;
                        run->archiveDir = archiveDir;
                        run->training.insert(QStringLiteral("flare_list"), (*a)->flareList);
                        run->training.insert(QStringLiteral("train_seconds"), pointClock.elapsed() / 1000.0);
                        if (Status s = run->save(runDir); !s)
                            return fail(kName, s.error());
                        if (testArchive.isEmpty()) {
                            report = evaluateFlareRun(*run, (*a)->load.features, (*a)->next4, (*a)->past4, {}, *rows, 300);
                            if (auto pr = run->predict((*a)->load.features.subset(*rows)))
                                testP = pr->primary;
                            fluxTestP = run->fluxProbabilities((*a)->load.features, &*rows);
                        } else {
                            auto b = frozenTestInputs(strategy == QLatin1String("untrained"));
                            if (!b)
                                return fail(kName, b.error());
                            auto bRows = testArchiveRows((*b)->times, (*b)->next4);
                            if (!bRows)
                                return fail(kName, bRows.error());
                            report = evaluateFlareRun(*run, (*b)->load.features, (*b)->next4, (*b)->past4, {}, *bRows, 300,
                                                      QStringLiteral("the test archive"));
                            if (auto pr = run->predict((*b)->load.features))
                                testP = pr->primary;
                            fluxTestP = run->fluxProbabilities((*b)->load.features);
                        }
                    }
                } else {
                    auto a = imageInputs();
                    if (!usageError.isEmpty())
                        return p.usage(usageError);
                    if (!a)
                        return fail(kName, a.error());
                    auto rows = testRowsOf((*a)->times, (*a)->next4);
                    if (!rows)
                        return fail(kName, rows.error());
                    FlareFinetuneOptions fo = ftOptions;
                    fo.scratch = strategy == QLatin1String("scratch");
                    auto ft = trainFinetuneFlareRun(*model, (*a)->images, (*a)->next4, ps, fo, seed);
                    if (ft) {
                        ft->run.archiveDir = archiveDir;
                        ft->run.training.insert(QStringLiteral("flare_list"), (*a)->flareList);
                        ft->run.training.insert(QStringLiteral("train_seconds"), pointClock.elapsed() / 1000.0);
                        if (Status s = ft->run.saveWithEncoder(runDir, *ft->encoder); !s)
                            return fail(kName, s.error());
                        if (testArchive.isEmpty()) {
                            report = evaluateFlareRun(ft->run, ft->features, (*a)->next4, (*a)->past4, {}, *rows, 300);
                            if (auto pr = ft->run.predict(ft->features.subset(*rows)))
                                testP = pr->primary;
                        } else {
                            auto b = imageTestInputs();
                            if (!b)
                                return fail(kName, b.error());
                            auto bRows = testArchiveRows((*b)->times, (*b)->next4);
                            if (!bRows)
                                return fail(kName, bRows.error());
                            auto fb = encodeFlareImages(*ft->encoder, (*b)->images, flareHeadReadsPatches(fo.head));
                            if (!fb)
                                return fail(kName, fb.error());
                            report = evaluateFlareRun(ft->run, *fb, (*b)->next4, (*b)->past4, {}, *bRows, 300,
                                                      QStringLiteral("the test archive"));
                            if (auto pr = ft->run.predict(*fb))
                                testP = pr->primary;
                        }
                        run = std::move(ft->run);
                    } else {
                        run = ft.error();
                    }
                }
                ++finished;
                QJsonObject e{{QStringLiteral("strategy"), strategy}, {QStringLiteral("budget"), budget}, {QStringLiteral("seed"), k}};
                if (!testArchive.isEmpty())
                    e.insert(QStringLiteral("test_archive"), testArchive);
                if (components != QLatin1String("0"))
                    e.insert(QStringLiteral("components"), components);
                e.insert(QStringLiteral("head"), headOf(strategy));
                const QString problem = !run ? run.error().message : (!report ? report.error().message : QString());
                if (!problem.isEmpty()) {
                    // Deterministic refusals (too few positives, a one-sided block): recorded, not retried.
                    e.insert(QStringLiteral("event"), QStringLiteral("skipped"));
                    e.insert(QStringLiteral("reason"), problem);
                } else {
                    const QJsonObject tr = run->training;
                    const int trainN = tr.value(QStringLiteral("train_samples")).toInt(), trainPos = tr.value(QStringLiteral("train_positives")).toInt();
                    e.insert(QStringLiteral("event"), QStringLiteral("point"));
                    for (const char *m : {"tss", "tss_ci95", "hss", "auc", "bss"})
                        e.insert(QLatin1String(m), report->value(QLatin1String(m)));
                    e.insert(QStringLiteral("n_train_pos"), trainPos);
                    e.insert(QStringLiteral("n_train_neg"), trainN - trainPos);
                    e.insert(QStringLiteral("threshold"), run->threshold);
                    e.insert(QStringLiteral("run"), runDir);
                    e.insert(QStringLiteral("seconds"), pointClock.elapsed() / 1000.0);
                    QJsonArray tp;
                    for (double v : testP)
                        tp.append(v);
                    e.insert(QStringLiteral("test_p"), tp);
                    const QJsonValue fluxScores = report->value(QStringLiteral("baselines")).toObject().value(QStringLiteral("unsigned_flux"));
                    if (strategy == QLatin1String("frozen") && fluxScores.isObject() && !fluxTestP.empty()) {
                        // The non-learned baseline fitted on this point's labels (same rows as the frozen head).
                        QJsonArray fp;
                        for (double v : fluxTestP)
                            fp.append(v);
                        e.insert(QStringLiteral("flux_test_p"), fp);
                        e.insert(QStringLiteral("flux_threshold"), run->fluxBaseline.threshold);
                        for (const char *m : {"tss", "tss_ci95", "auc", "bss"})
                            e.insert(QStringLiteral("flux_") + QLatin1String(m), fluxScores.toObject().value(QLatin1String(m)));
                    }
                }
                if (Status s = appendPoint(pointsPath, e); !s)
                    return fail(kName, s.error());
                done[key] = e;
                e.remove(QStringLiteral("test_p"));
                e.remove(QStringLiteral("flux_test_p"));
                e.insert(QStringLiteral("done"), finished);
                e.insert(QStringLiteral("total"), total);
                if (json)
                    printJsonLine(e);
            }
        }
    }

    // The summary from every point (resumed or new).
    if (testY.empty() && !testArchive.isEmpty()) {
        // Every point was resumed: the test labels come from the second archive's inputs.
        const bool frozenLike = strategies.contains(QStringLiteral("frozen")) || strategies.contains(QStringLiteral("untrained"));
        if (frozenLike) {
            auto b = frozenTestInputs(!strategies.contains(QStringLiteral("frozen")));
            if (!b)
                return fail(kName, b.error());
            if (auto r = testArchiveRows((*b)->times, (*b)->next4); !r)
                return fail(kName, r.error());
        } else {
            auto b = imageTestInputs();
            if (!b)
                return fail(kName, b.error());
            if (auto r = testArchiveRows((*b)->times, (*b)->next4); !r)
                return fail(kName, r.error());
        }
    }
    if (testY.empty()) {
        // Every point was resumed: the test labels come from the first point's inputs.
        if (strategies.contains(QStringLiteral("frozen")) || strategies.contains(QStringLiteral("untrained"))) {
            auto a = frozenInputs(!strategies.contains(QStringLiteral("frozen")));
            if (!a)
                return fail(kName, a.error());
            if (auto r = testRowsOf((*a)->times, (*a)->next4); !r)
                return fail(kName, r.error());
        } else {
            auto a = imageInputs();
            if (!a)
                return fail(kName, a.error());
            if (auto r = testRowsOf((*a)->times, (*a)->next4); !r)
                return fail(kName, r.error());
        }
    }
    QStringList csv{QStringLiteral("strategy,budget_percent,seed,train_samples,train_positives,tss,tss_lo,tss_hi,auc,bss,error")};
    QJsonObject curves;
    QVector<EfficiencyCurve> plot;
    std::map<QString, std::map<double, Curve>> perCurve;
    // A budget's point over the `ok` seeds that finished (score sums given): the mean scores and the paired-bootstrap
    // interval of the mean TSS over the seeds' test-set probabilities `c`; false when no seed finished.
    auto meanOverSeeds = [&](QJsonObject &point, EfficiencyCurve &pc, double budget, const Curve &c, double sumTss,
                             double sumAuc, double sumBss, int ok) {
        if (ok == 0)
            return false;
        const auto ci = c.probs.empty() ? std::pair<double, double>{NAN, NAN} : meanTssInterval(c.probs, c.thresholds, testY, 500);
        point.insert(QStringLiteral("tss"), sumTss / ok);
        point.insert(QStringLiteral("tss_ci95"), QJsonArray{ci.first, ci.second});
        point.insert(QStringLiteral("auc"), sumAuc / ok);
        point.insert(QStringLiteral("bss"), sumBss / ok);
        pc.points << EfficiencyPoint{budget, sumTss / ok, ci.first, ci.second};
        return true;
    };
    for (const QString &strategy : strategies) {
        QJsonArray points;
        EfficiencyCurve pc{strategy == QLatin1String("frozen") ? QStringLiteral("frozen (pretrained)") : strategy, {}};
        for (double budget : budgets) {
            QJsonArray perSeed;
            double sumTss = 0, sumAuc = 0, sumBss = 0;
            int okSeeds = 0;
            QString firstReason;
            Curve &c = perCurve[strategy][budget];
            for (int k = 0; k < seeds; ++k) {
                const QJsonObject e = done[pointKey(strategy, budget, k)];
                QJsonObject entry{{QStringLiteral("seed"), k}, {QStringLiteral("run"), e.value(QStringLiteral("run"))}};
                if (e.value(QStringLiteral("event")).toString() != QLatin1String("point")) {
                    const QString reason = e.value(QStringLiteral("reason")).toString();
                    if (firstReason.isEmpty())
                        firstReason = reason;
                    entry.insert(QStringLiteral("error"), reason);
                    csv << QStringLiteral("%1,%2,%3,,,,,,,,\"%4\"").arg(strategy).arg(budget).arg(k).arg(QString(reason).replace(u'"', u'\''));
                    perSeed.append(entry);
                    continue;
                }
                const double tss = e.value(QStringLiteral("tss")).toDouble(), auc = e.value(QStringLiteral("auc")).toDouble(),
                             bss = e.value(QStringLiteral("bss")).toDouble();
                sumTss += tss;
                sumAuc += auc;
                sumBss += bss;
                ++okSeeds;
                std::vector<double> tp;
                for (const QJsonValue &v : e.value(QStringLiteral("test_p")).toArray())
                    tp.push_back(v.toDouble());
                if (tp.size() == testY.size()) {
                    c.probs.push_back(tp);
                    c.thresholds.push_back(e.value(QStringLiteral("threshold")).toDouble());
                }
                for (const char *m : {"tss", "tss_ci95", "auc", "bss", "n_train_pos", "n_train_neg", "seconds"})
                    entry.insert(QLatin1String(m), e.value(QLatin1String(m)));
                perSeed.append(entry);
                const QJsonArray ci = e.value(QStringLiteral("tss_ci95")).toArray();
                const int pos = e.value(QStringLiteral("n_train_pos")).toInt();
                csv << QStringLiteral("%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,")
                           .arg(strategy).arg(budget).arg(k)
                           .arg(pos + e.value(QStringLiteral("n_train_neg")).toInt()).arg(pos)
                           .arg(tss).arg(ci.at(0).toDouble()).arg(ci.at(1).toDouble()).arg(auc).arg(bss);
            }
            QJsonObject point{{QStringLiteral("budget"), budget}, {QStringLiteral("seeds_ok"), okSeeds}, {QStringLiteral("per_seed"), perSeed}};
            if (!meanOverSeeds(point, pc, budget, c, sumTss, sumAuc, sumBss, okSeeds)) {
                point.insert(QStringLiteral("tss"), QJsonValue());
                point.insert(QStringLiteral("error"), firstReason);
            }
            points.append(point);
        }
        curves.insert(strategy, points);
        plot << pc;
    }
    // The non-learned baseline beside the curves: the unsigned-flux logistic fitted on each frozen point's labels.
    if (strategies.contains(QStringLiteral("frozen"))) {
        QJsonArray points;
        EfficiencyCurve pc{QStringLiteral("unsigned flux (non-learned)"), {}};
        for (double budget : budgets) {
            Curve c;
            double sumTss = 0, sumAuc = 0, sumBss = 0;
            for (int k = 0; k < seeds; ++k) {
                const QJsonObject e = done[pointKey(QStringLiteral("frozen"), budget, k)];
                const QJsonArray fp = e.value(QStringLiteral("flux_test_p")).toArray();
                if (e.value(QStringLiteral("event")).toString() != QLatin1String("point") || fp.size() != static_cast<qsizetype>(testY.size()))
                    continue;
                std::vector<double> p;
                for (const QJsonValue &v : fp)
                    p.push_back(v.toDouble());
                c.probs.push_back(p);
                c.thresholds.push_back(e.value(QStringLiteral("flux_threshold")).toDouble());
                sumTss += e.value(QStringLiteral("flux_tss")).toDouble();
                sumAuc += e.value(QStringLiteral("flux_auc")).toDouble();
                sumBss += e.value(QStringLiteral("flux_bss")).toDouble();
            }
            const int ok = static_cast<int>(c.probs.size());
            QJsonObject point{{QStringLiteral("budget"), budget}, {QStringLiteral("seeds_ok"), ok}};
            if (meanOverSeeds(point, pc, budget, c, sumTss, sumAuc, sumBss, ok)) {
                perCurve[QStringLiteral("unsigned_flux")][budget] = c;
            } else {
                point.insert(QStringLiteral("tss"), QJsonValue());
                point.insert(QStringLiteral("error"), QStringLiteral("no frozen point of this budget has the flux baseline (no HMI "
                                                                     "channel, or points from before it existed)"));
            }
            points.append(point);
        }
        curves.insert(QStringLiteral("unsigned_flux"), points);
        if (!pc.points.isEmpty())
            plot << pc;
    }

    // The closing note: pretrained (frozen or fine-tuned) against scratch at budgets <= 5%, paired bootstrap.
    QJsonArray comparisons;
    QStringList note;
    if (strategies.contains(QStringLiteral("scratch"))) {
        for (double budget : budgets) {
            if (budget > 5)
                continue;
            const Curve &s = perCurve[QStringLiteral("scratch")][budget];
            for (const QString &pre : {QStringLiteral("frozen"), QStringLiteral("finetune")}) {
                if (!strategies.contains(pre))
                    continue;
                const Curve &a = perCurve[pre][budget];
                if (a.probs.empty() || s.probs.empty()) {
                    note << QStringLiteral("%1% labels: %2 vs scratch not comparable (a strategy has no finished seed)").arg(budget).arg(pre);
                    continue;
                }
                const auto d = pairedDifference(a, s, testY);
                comparisons.append(QJsonObject{{QStringLiteral("budget"), budget}, {QStringLiteral("pretrained"), pre},
                                               {QStringLiteral("tss_minus_scratch"), d[0]},
                                               {QStringLiteral("ci95"), QJsonArray{d[1], d[2]}},
                                               {QStringLiteral("seeds"), static_cast<int>(std::min(a.probs.size(), s.probs.size()))}});
                const QString verdict = d[1] > 0 ? QStringLiteral("pretraining beats scratch")
                                                 : (d[2] < 0 ? QStringLiteral("scratch beats pretraining")
                                                             : QStringLiteral("no significant difference"));
                note << QStringLiteral("%1% labels: TSS(%2) - TSS(scratch) = %3 [95% %4, %5]: %6")
                            .arg(budget).arg(pre).arg(d[0], 0, 'f', 3).arg(d[1], 0, 'f', 3).arg(d[2], 0, 'f', 3).arg(verdict);
            }
        }
        if (note.isEmpty())
            note << QStringLiteral("no budget at or below 5% was run");
    } else {
        note << QStringLiteral("scratch was not among the strategies: no comparison");
    }

    AtomicWriteOptions ao;
    ao.createFolder = true;
    if (Status s = writeFileAtomically(QDir(out).filePath(QStringLiteral("label_efficiency.csv")), csv.join(QLatin1Char('\n')).toUtf8() + '\n', ao); !s)
        return fail(kName, s.error());
    const QString title = QStringLiteral("label efficiency, >=%1 in %2 h, %3 seed%4, %5 %6 sets (%7 positive)")
                              .arg(flareTargetName(*target)).arg(window).arg(seeds).arg(seeds == 1 ? QString() : QStringLiteral("s"))
                              .arg(testArchive.isEmpty() ? QStringLiteral("test block") : QStringLiteral("test archive"))
                              .arg(testY.size()).arg(std::count(testY.begin(), testY.end(), 1));
    if (Status s = writeLabelEfficiencyPng(QDir(out).filePath(QStringLiteral("label_efficiency.png")), plot, title,
                                           testArchive.isEmpty() ? QStringLiteral("TSS on the test block") : QStringLiteral("TSS on every set of the test archive")); !s)
        return fail(kName, s.error());
    int pos = 0;
    for (int v : testY)
        pos += v;
    const QJsonObject summary{
        {QStringLiteral("curves"), curves},
        {QStringLiteral("comparison"), comparisons},
        {QStringLiteral("note"), note.join(QStringLiteral("; "))},
        {QStringLiteral("strategies"), QJsonArray::fromStringList(strategies)},
        {QStringLiteral("target"), flareTargetName(*target)},
        {QStringLiteral("window_hours"), window},
        {QStringLiteral("frozen_head"), kind},
        {QStringLiteral("finetune_head"), flareHeadKindName(ftOptions.head)},
        {QStringLiteral("seeds"), seeds},
        {QStringLiteral("model_hash"), model->hash},
        {QStringLiteral("untrained_hash"), untrainedModel ? untrainedModel->hash : QString()},
        {QStringLiteral("test"), QJsonObject{{QStringLiteral("n"), static_cast<int>(testY.size())}, {QStringLiteral("n_pos"), pos},
                                             {QStringLiteral("archive"), testArchive.isEmpty() ? archiveDir : testArchive},
                                             {QStringLiteral("samples"), testArchive.isEmpty()
                                                                             ? QStringLiteral("test block of the training archive")
                                                                             : QStringLiteral("every set of the test archive")}}},
        {QStringLiteral("split"), splitJson},
        {QStringLiteral("points"), total},
        {QStringLiteral("resumed"), resumed},
        {QStringLiteral("seconds"), clock.elapsed() / 1000.0},
        {QStringLiteral("points_file"), pointsPath},
        {QStringLiteral("csv"), QDir(out).filePath(QStringLiteral("label_efficiency.csv"))},
        {QStringLiteral("png"), QDir(out).filePath(QStringLiteral("label_efficiency.png"))}};
    if (Status s = writeFileAtomically(QDir(out).filePath(QStringLiteral("label_efficiency.json")), QJsonDocument(summary).toJson(), ao); !s)
        return fail(kName, s.error());
    if (json)
        printJson(summary);
    else
        QTextStream(stdout) << out << ": " << total << " points (" << resumed << " resumed) in " << clock.elapsed() / 1000.0 << " s; "
                            << note.join(QStringLiteral("; ")) << "\n";
    return kOk;
}

const Registration reg(kName, QStringLiteral("TSS against the fraction of flare labels: frozen, fine-tuned and from-scratch encoders"),
                       runLabelEfficiency);

}  // namespace

}  // namespace solarchip::cli
