#include "models/flare/FlareRun.h"

#include "core/base/AtomicFile.h"
#include "core/synthetic/SyntheticOracle.h"
#include "models/embeddings/EmbedSets.h"
#include "models/embeddings/EmbeddingStore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimeZone>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

namespace solarchip {

namespace {

QVector<QDateTime> timesOf(const FlareFeatures &x)
{
    QVector<QDateTime> t;
    t.reserve(x.n);
    for (qint64 ms : x.timesMs)
        t << QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc());
    return t;
}

int primaryLevel(FlareTarget t) { return t == FlareTarget::GeC ? 1 : 2; }

QString eventName(FlareTarget t) { return t == FlareTarget::GeC ? QStringLiteral(">=C") : QStringLiteral(">=M"); }

double logit(double p)
{
    p = std::clamp(p, 1e-7, 1 - 1e-7);
    return std::log(p / (1 - p));
}

}  // namespace

Expected<FlareFeatureLoad> loadFlareFeatures(const TrainedModel &model, const DatasetOptions &base, const QString &storeDir,
                                             bool patches, const std::function<void(qint64, qint64)> &progress)
{
    auto opts = datasetOptionsFor(model, base, base.selection.channels);
    if (!opts)
        return opts.error();
    auto ds = Dataset::open(*opts);
    if (!ds)
        return ds.error();
    EmbeddingStoreInfo info;
    info.modelHash = model.hash;
    info.modelPath = model.path;
    info.modelConfig = model.model.config().toJson();
    info.channels = ds->channels();
    info.prep = model.prep.toJson();
    info.dim = model.model.config().backbone.contrastiveDim;
    info.grid = model.model.config().backbone.gridSize();
    FlareFeatureLoad out;
    out.storeDir = storeDir.isEmpty() ? ds->options().archiveDir + QStringLiteral("/.solarchip/embeddings/") + model.hash.left(16)
                                      : storeDir;
    auto store = EmbeddingStore::openOrCreate(out.storeDir, info);
    if (!store)
        return store.error();
    const auto &sets = ds->sets(Split::All);
    std::vector<int> todo;
    for (int i = 0; i < sets.size(); ++i)
        if (!store->contains(sets[i].referenceTimeMs))
            todo.push_back(i);
    if (!todo.empty()) {
        std::vector<EmbeddingRecord> pending;
        EncodeOptions eo;
        Status st = encodeSets(model, *ds, Split::All, todo, eo, [&](std::vector<EmbeddingRecord> &&records) -> Status {
            for (EmbeddingRecord &r : records)
                pending.push_back(std::move(r));
            out.encoded += static_cast<qint64>(records.size());
            if (progress)
                progress(out.encoded, static_cast<qint64>(todo.size()));
            if (pending.size() >= 64) {
                Status s = store->append(pending);
                pending.clear();
                return s;
            }
            return Status::success();
        });
        if (st && !pending.empty())
            st = store->append(pending);
        if (!st)
            return st.error();
        out.encoded = static_cast<qint64>(todo.size());
    }
    auto records = store->readAll();
    if (!records)
        return records.error();
    std::sort(records->begin(), records->end(), [](const EmbeddingRecord &a, const EmbeddingRecord &b) { return a.timeMs < b.timeMs; });
    const int channels = static_cast<int>(info.channels.size()), dim = info.dim, grid = info.grid;
    FlareFeatures &f = out.features;
    f.width = channels * dim;
    f.channels = channels;
    f.grid = grid;
    if (patches) {
        std::vector<uint8_t> disk = sets.isEmpty() ? std::vector<uint8_t>{} : onDiskCells(sets.front(), model.prep, grid);
        for (int c = 0; c < grid * grid; ++c)
            if (disk.empty() || disk[static_cast<size_t>(c)])
                f.cellIndex.push_back(c);
        f.cells = static_cast<int>(f.cellIndex.size());
    }
    for (EmbeddingRecord &r : *records) {
        if (static_cast<int>(r.cls.size()) != f.width)
            return Error{out.storeDir, QStringLiteral("a record holds %1 CLS values, expected %2").arg(r.cls.size()).arg(f.width)};
        f.timesMs.push_back(r.timeMs);
        f.cls.insert(f.cls.end(), r.cls.begin(), r.cls.end());
        if (patches) {
            const size_t g2 = static_cast<size_t>(grid) * static_cast<size_t>(grid);
            for (int cell : f.cellIndex)
                for (int c = 0; c < channels; ++c) {
                    const auto at = r.patches.begin() + static_cast<std::ptrdiff_t>((static_cast<size_t>(c) * g2 + static_cast<size_t>(cell)) * static_cast<size_t>(dim));
                    f.patches.insert(f.patches.end(), at, at + dim);
                }
        }
        std::vector<float>().swap(r.patches);
        ++f.n;
    }
    if (f.n == 0)
        return Error{base.archiveDir, QStringLiteral("no embedded sets")};
    // The non-learned baseline's input: each record's set's total unsigned HMI flux (NaN for a record whose set
    // the catalogue no longer has).
    const std::vector<double> setFlux = diskFluxOfSets(sets, nullptr, nullptr, diskFluxCacheFile(ds->options().archiveDir));
    std::map<qint64, double> fluxAt;
    for (int i = 0; i < sets.size(); ++i)
        fluxAt[sets[i].referenceTimeMs] = setFlux[static_cast<size_t>(i)];
    for (qint64 t : f.timesMs) {
        const auto it = fluxAt.find(t);
        f.diskFlux.push_back(it == fluxAt.end() ? std::nan("") : it->second);
    }
    return out;
}

Expected<std::vector<double>> oracleProbabilities(const QString &archiveDir, const QVector<QDateTime> &times,
                                                  double windowHours, double minFlux)
{
    const QString path = QDir(archiveDir).filePath(QStringLiteral("synth.json"));
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error{path, QStringLiteral("no synth.json: not a synthetic archive, so no oracle")};
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll());
    auto options = SyntheticOptions::fromJson(doc.object());
    if (!options)
        return Error{path, options.error().message};
    SyntheticSun sun(*options);
    SyntheticOracle oracle(sun);
    std::vector<double> p;
    p.reserve(static_cast<size_t>(times.size()));
    for (const QDateTime &t : times) {
        const auto fc = oracle.at(t, windowHours);
        p.push_back(minFlux >= kGoesM ? fc.pM : fc.pC);
    }
    return p;
}

Expected<FlareProbabilities> FlareRun::predict(const FlareFeatures &x) const
{
    FlareProbabilities out;
    auto s = head.scores(x, head.kind() == FlareHeadKind::Attention ? &out.attention : nullptr);
    if (!s)
        return s.error();
    const size_t n = static_cast<size_t>(x.n);
    for (size_t i = 0; i < n; ++i) {
        double z;
        if (head.classes() == 2) {
            z = (*s)[i];
        } else {
            const double *l = s->data() + i * 4;
            const double m = *std::max_element(l, l + 4);
            double e[4], sum = 0;
            for (int k = 0; k < 4; ++k)
                sum += e[k] = std::exp(l[k] - m);
            for (int k = 0; k < 4; ++k)
                out.fourClass.push_back(e[k] / sum);
            z = logit((e[2] + e[3]) / sum);
            out.geC.push_back((e[1] + e[2] + e[3]) / sum);
        }
        const double p = platt.apply(z);
        out.primary.push_back(p);
        if (spec.target == FlareTarget::GeC)
            out.geC.push_back(p);
        else
            out.geM.push_back(p);
    }
    return out;
}

Status FlareRun::checkEncoder(const QString &hash) const
{
    if (hash != modelHash)
        return Error{{}, QStringLiteral("this flare head was trained on encoder %1 and refuses encoder %2 (embeddings of "
                                        "two models are not comparable): train a head for this model")
                             .arg(modelHash.left(16), hash.left(16))};
    return Status::success();
}

Status FlareRun::save(const QString &dir) const
{
    const QJsonObject o{{QStringLiteral("format"), QStringLiteral("solarchip-flare-head/1")},
                        {QStringLiteral("model_hash"), modelHash},
                        {QStringLiteral("model"), modelPath},
                        {QStringLiteral("archive"), archiveDir},
                        {QStringLiteral("target"), flareTargetName(spec.target)},
                        {QStringLiteral("window_hours"), spec.windowHours},
                        {QStringLiteral("labels_fraction"), spec.labelsFraction},
                        {QStringLiteral("platt"), QJsonObject{{QStringLiteral("a"), platt.a}, {QStringLiteral("b"), platt.b}}},
                        {QStringLiteral("threshold"), threshold},
                        {QStringLiteral("climatology"), climatology},
                        {QStringLiteral("flux_baseline"), fluxBaseline.valid() ? QJsonValue(fluxBaseline.toJson()) : QJsonValue()},
                        {QStringLiteral("split"), split},
                        {QStringLiteral("training"), training},
                        {QStringLiteral("head"), head.toJson()}};
    QJsonObject full = o;
    if (!encoder.isEmpty())
        full.insert(QStringLiteral("encoder"), encoder);
    AtomicWriteOptions ao;
    ao.createFolder = true;
    return writeFileAtomically(QDir(dir).filePath(QStringLiteral("head.json")), QJsonDocument(full).toJson(QJsonDocument::Compact), ao);
}

std::vector<double> FlareRun::fluxProbabilities(const FlareFeatures &x, const std::vector<int> *rows, int *missing) const
{
    std::vector<double> out;
    int none = 0;
    if (fluxBaseline.valid() && x.diskFlux.size() == static_cast<size_t>(x.n)) {
        const size_t n = rows ? rows->size() : static_cast<size_t>(x.n);
        for (size_t j = 0; j < n; ++j) {
            const double p = fluxBaseline.probability(x.diskFlux[rows ? static_cast<size_t>((*rows)[j]) : j]);
            none += std::isfinite(p) ? 0 : 1;
            out.push_back(std::isfinite(p) ? p : climatology);
        }
    }
    if (missing)
        *missing = none;
    return out;
}

QString FlareRun::headName() const
{
    return trainsEncoder() ? encoder.value(QStringLiteral("mode")).toString() : flareHeadKindName(head.kind());
}

Status FlareRun::saveWithEncoder(const QString &dir, const TrainedModel &trainedEncoder) const
{
    if (!QDir().mkpath(dir))
        return Error{dir, QStringLiteral("cannot create the run folder")};
    const QString file = QDir(dir).filePath(encoder.value(QStringLiteral("file")).toString(QStringLiteral("encoder.safetensors")));
    if (Status s = trainedEncoder.save(file); !s)
        return s;
    return save(dir);
}

Expected<TrainedModel> FlareRun::loadEncoder(const QString &dir) const
{
    const QString base = QFileInfo(dir).isDir() ? dir : QFileInfo(dir).absolutePath();
    const QString file = QDir(base).filePath(encoder.value(QStringLiteral("file")).toString(QStringLiteral("encoder.safetensors")));
    auto m = TrainedModel::load(file);
    if (!m)
        return m.error();
    if (m->hash != encoder.value(QStringLiteral("hash")).toString())
        return Error{file, QStringLiteral("the encoder's weights (hash %1) are not the ones this run trained (%2): the run folder "
                                          "was changed").arg(m->hash.left(16), encoder.value(QStringLiteral("hash")).toString().left(16))};
    return m;
}

Expected<FlareRun> FlareRun::load(const QString &dir)
{
    const QString path = QFileInfo(dir).isDir() ? QDir(dir).filePath(QStringLiteral("head.json")) : dir;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error{path, QStringLiteral("cannot open the flare head (%1)").arg(f.errorString())};
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &err);
    const QJsonObject o = doc.object();
    if (err.error != QJsonParseError::NoError || o.value(QStringLiteral("format")).toString() != QLatin1String("solarchip-flare-head/1"))
        return Error{path, QStringLiteral("not a SolarCHIP flare head (format solarchip-flare-head/1)")};
    FlareRun r;
    auto head = FlareHead::fromJson(o.value(QStringLiteral("head")).toObject());
    if (!head)
        return Error{path, head.error().message};
    r.head = *head;
    const auto target = flareTargetFromString(o.value(QStringLiteral("target")).toString());
    if (!target)
        return Error{path, QStringLiteral("unknown target '%1'").arg(o.value(QStringLiteral("target")).toString())};
    r.spec.target = *target;
    r.spec.windowHours = o.value(QStringLiteral("window_hours")).toDouble(24);
    r.spec.labelsFraction = o.value(QStringLiteral("labels_fraction")).toDouble(1);
    r.spec.head.kind = r.head.kind();
    r.spec.head.classes = r.head.classes();
    r.platt.a = o.value(QStringLiteral("platt")).toObject().value(QStringLiteral("a")).toDouble(1);
    r.platt.b = o.value(QStringLiteral("platt")).toObject().value(QStringLiteral("b")).toDouble(0);
    r.threshold = o.value(QStringLiteral("threshold")).toDouble(0.5);
    r.climatology = o.value(QStringLiteral("climatology")).toDouble();
    r.fluxBaseline = FluxBaseline::fromJson(o.value(QStringLiteral("flux_baseline")).toObject());
    r.modelHash = o.value(QStringLiteral("model_hash")).toString();
    r.modelPath = o.value(QStringLiteral("model")).toString();
    r.archiveDir = o.value(QStringLiteral("archive")).toString();
    r.split = o.value(QStringLiteral("split")).toObject();
    r.training = o.value(QStringLiteral("training")).toObject();
    r.encoder = o.value(QStringLiteral("encoder")).toObject();
    return r;
}

namespace {

Expected<FlareRunRows> flareRunRowsOfSplit(const QVector<QDateTime> &times, const QVector<int> &labels4,
                                           const FlareRunSpec &spec, quint64 seed)
{
    FlareSplitOptions so = spec.split;
    so.windowSeconds = static_cast<qint64>(spec.windowHours * 3600);
    auto split = makeFlareSplit(times, so);
    if (!split)
        return split.error();
    const int level = primaryLevel(spec.target);
    FlareRunRows r;
    QVector<int> yq;
    for (int c : labels4) {
        r.headLabels.push_back(flareLabelOf(c, spec.target));
        r.y.push_back(c >= level ? 1 : 0);
        yq << (c >= level ? 1 : 0);
    }
    const std::vector<int> trainAll = split->indices(FlareSplitPart::Train);
    r.train = drawLabelFraction(times, trainAll, spec.labelsFraction, seed);
    r.trainBlock = trainAll;
    r.val = split->indices(FlareSplitPart::Validation);
    for (int i : r.train)
        r.trainPos += r.y[static_cast<size_t>(i)];
    for (int i : r.val)
        r.valPos += r.y[static_cast<size_t>(i)];
    if (r.trainPos < 2)
        return Error{{}, QStringLiteral("too few positives: %1% of the training labels (%2 samples) holds %3 %4 flare window(s); "
                                        "at least 2 are needed")
                             .arg(spec.labelsFraction * 100).arg(r.train.size()).arg(r.trainPos).arg(eventName(spec.target))};
    if (r.valPos == 0 || r.valPos == static_cast<int>(r.val.size()))
        return Error{{}, QStringLiteral("the validation block (%1 samples) has %2 %3 flare windows: calibration and the "
                                        "threshold need both outcomes (%4)")
                             .arg(r.val.size()).arg(r.valPos).arg(eventName(spec.target))
                             .arg(r.valPos == 0 ? QStringLiteral("the event is too rare for this archive: a longer archive, "
                                                                 "longer --block-days, or a lower class")
                                                : QStringLiteral("every window has the event: a higher class, or a shorter "
                                                                 "--window-hours"))};
    r.split = split->toJson(yq);
    return r;
}

}  // namespace

Expected<FlareRunRows> flareRunRows(const QVector<QDateTime> &times, const QVector<int> &labels4, const FlareRunSpec &spec,
                                    quint64 seed)
{
    if (spec.split.blockDays > 0)
        return flareRunRowsOfSplit(times, labels4, spec, seed);
    qint64 first = 0, last = 0;
    for (int i = 0; i < times.size(); ++i) {
        const qint64 t = times[i].toMSecsSinceEpoch();
        first = i == 0 ? t : std::min(first, t);
        last = i == 0 ? t : std::max(last, t);
    }
    const double spanDays = (last - first) / 86400000.0;
    QJsonArray tried;
    QString lastError = QStringLiteral("no sets");
    for (int blocks : {5, 6, 7, 8, 10, 12, 15, 20}) {
        FlareRunSpec s = spec;
        s.split = flareSplitOfSpan(spanDays, blocks, spec.windowHours);
        if (!(s.split.blockDays > 0) || s.split.bufferDays >= s.split.blockDays)
            continue;
        tried.append(QJsonObject{{QStringLiteral("blocks"), blocks}, {QStringLiteral("block_days"), s.split.blockDays},
                                 {QStringLiteral("buffer_days"), s.split.bufferDays}});
        auto rows = flareRunRowsOfSplit(times, labels4, s, seed);
        if (rows) {
            rows->split[QStringLiteral("auto")] = QJsonObject{
                {QStringLiteral("rule"), QStringLiteral("the first of 5..20 blocks over the span whose validation block holds both "
                                                        "outcomes and whose training labels 2 positives")},
                {QStringLiteral("tried"), tried}};
            return rows;
        }
        lastError = rows.error().message;
    }
    return Error{{}, QStringLiteral("--block-days auto: no split of the %1-day span into 5 to 20 blocks works (%2 tried); the "
                                    "last: %3").arg(spanDays, 0, 'f', 1).arg(tried.size()).arg(lastError)};
}

Status calibrateFlareRun(FlareRun &run, const FlareFeatures &x, const FlareRunRows &rows, quint64 seed)
{
    run.climatology = static_cast<double>(rows.trainPos) / static_cast<double>(rows.train.size());
    // Calibrate the validation block's raw P(event) (Platt on its logit), then pick the threshold there.
    run.platt = PlattScaling{1, 0};
    const FlareFeatures xv = x.subset(rows.val);
    auto raw = run.predict(xv);
    if (!raw)
        return raw.error();
    std::vector<double> zv;
    std::vector<int> yvi;
    for (size_t i = 0; i < rows.val.size(); ++i) {
        zv.push_back(logit(raw->primary[i]));
        yvi.push_back(rows.y[static_cast<size_t>(rows.val[i])]);
    }
    run.platt = PlattScaling::fit(zv, yvi);
    std::vector<double> pv;
    for (double z : zv)
        pv.push_back(run.platt.apply(z));
    run.threshold = maxTssThreshold(pv, yvi);
    auto vs = scoreForecast(pv, yvi, run.threshold, run.climatology, QStringLiteral("validation block"), 200);
    run.split = rows.split;
    QJsonObject tr{{QStringLiteral("train_samples"), static_cast<int>(rows.train.size())},
                   {QStringLiteral("train_positives"), rows.trainPos},
                   {QStringLiteral("validation_samples"), static_cast<int>(rows.val.size())},
                   {QStringLiteral("validation_positives"), rows.valPos},
                   {QStringLiteral("best_epoch"), run.head.bestEpoch()},
                   {QStringLiteral("head_fit"), run.head.fitReport()},
                   {QStringLiteral("epochs"), run.spec.head.epochs},
                   {QStringLiteral("seed"), QString::number(seed)}};
    if (vs)
        tr.insert(QStringLiteral("validation"), vs->toJson());
    // The non-learned reference on the same labelled rows (the labels of the fraction drawn, nothing else).
    run.fluxBaseline = {};
    if (x.diskFlux.size() == static_cast<size_t>(x.n)) {
        auto fb = FluxBaseline::fit(x.diskFlux, rows.y, rows.train, rows.val);
        if (fb)
            run.fluxBaseline = *fb;
        else
            tr.insert(QStringLiteral("flux_baseline_problem"), fb.error().message);
    } else {
        tr.insert(QStringLiteral("flux_baseline_problem"), QStringLiteral("no HMI flux with the features"));
    }
    run.training = tr;
    return Status::success();
}

Expected<FlareRun> trainFlareRun(const FlareFeatures &x, const QVector<int> &labels4, const FlareRunSpec &spec, quint64 seed,
                                 const std::function<void(const FlareHead::Progress &)> &progress)
{
    auto rows = flareRunRows(timesOf(x), labels4, spec, seed);
    if (!rows)
        return rows.error();
    FlareHeadOptions ho = spec.head;
    ho.classes = flareTargetClasses(spec.target);
    ho.seed = seed;
    auto head = FlareHead::train(x, rows->headLabels, rows->train, rows->val, ho, progress, rows->trainBlock);
    if (!head)
        return head.error();
    FlareRun run;
    run.head = *head;
    run.spec = spec;
    run.spec.head = ho;
    if (Status s = calibrateFlareRun(run, x, *rows, seed); !s)
        return s.error();
    return run;
}

QString undefinedSkillMessage(const FlareFeatures &x, const std::vector<int> &rows, int nPos, const QString &event,
                              const QString &where)
{
    QString range;
    if (!rows.empty()) {
        auto day = [&](int i) {
            return QDateTime::fromMSecsSinceEpoch(x.timesMs[static_cast<size_t>(i)], QTimeZone::utc()).toString(QStringLiteral("yyyy-MM-dd"));
        };
        range = QStringLiteral(" %1..%2").arg(day(*std::min_element(rows.begin(), rows.end())),
                                             day(*std::max_element(rows.begin(), rows.end())));
    }
    const QString place = (where.isEmpty() ? QStringLiteral("the scored sets") : where) + range;
    if (rows.empty())
        return QStringLiteral("no sets in %1: TSS undefined").arg(place);
    if (nPos == 0)
        return QStringLiteral("no %1 flares in %2 (%3 sets, 0 positive): TSS, HSS and ROC AUC undefined")
            .arg(event, place).arg(rows.size());
    return QStringLiteral("every one of the %1 sets in %2 is followed by a %3 flare (0 negative): TSS, HSS and ROC AUC undefined")
        .arg(rows.size()).arg(place, event);
}

Expected<QJsonObject> evaluateFlareRun(const FlareRun &run, const FlareFeatures &x, const QVector<int> &labels4,
                                       const QVector<int> &past4, const std::vector<double> &oracle,
                                       const std::vector<int> &rows, int bootstrap, const QString &where)
{
    const int level = primaryLevel(run.spec.target);
    const FlareFeatures xs = x.subset(rows);
    auto probs = run.predict(xs);
    if (!probs)
        return probs.error();
    std::vector<int> y;
    std::vector<double> clim, persist, orc;
    for (int i : rows) {
        y.push_back(labels4[i] >= level ? 1 : 0);
        clim.push_back(run.climatology);
        persist.push_back(past4[i] >= level ? 1.0 : 0.0);
        if (!oracle.empty())
            orc.push_back(oracle[static_cast<size_t>(i)]);
    }
    int missingFlux = 0;
    const std::vector<double> flux = run.fluxProbabilities(x, &rows, &missingFlux);
    const QString fluxNote = QStringLiteral("logistic regression on log10 total unsigned HMI flux within 0.95 R_sun, fitted on the "
                                            "head's labelled training rows; threshold max TSS on validation (non-learned feature)");
    const QString what = QStringLiteral("%1 %2 samples").arg(rows.size()).arg(eventName(run.spec.target));
    const int nPos = static_cast<int>(std::count(y.begin(), y.end(), 1));
    if (nPos == 0 || nPos == static_cast<int>(y.size())) {
        // TSS, HSS and AUC need both outcomes: report them as null with the reason, never a division by zero.
        const QString message = undefinedSkillMessage(x, rows, nPos, eventName(run.spec.target), where);
        auto undefinedScores = [&](const std::vector<double> &p, double threshold) {
            QJsonObject o{{QStringLiteral("tss"), QJsonValue()}, {QStringLiteral("tss_ci95"), QJsonValue()},
                          {QStringLiteral("hss"), QJsonValue()}, {QStringLiteral("hss_ci95"), QJsonValue()},
                          {QStringLiteral("auc"), QJsonValue()}, {QStringLiteral("auc_ci95"), QJsonValue()},
                          {QStringLiteral("threshold"), threshold},
                          {QStringLiteral("n_pos"), nPos}, {QStringLiteral("n_neg"), static_cast<int>(y.size()) - nPos},
                          {QStringLiteral("message"), message}};
            // The Brier score (and its skill against the climatology) stays defined with one outcome.
            const double bs = brierScore(p, y), bss = brierSkillScore(p, y, run.climatology);
            o.insert(QStringLiteral("brier"), y.empty() ? QJsonValue() : QJsonValue(bs));
            o.insert(QStringLiteral("bss"), std::isfinite(bss) ? QJsonValue(bss) : QJsonValue());
            return o;
        };
        QJsonObject out = undefinedScores(probs->primary, run.threshold);
        QJsonObject baselines{{QStringLiteral("climatology"), undefinedScores(clim, run.climatology)},
                              {QStringLiteral("persistence"), undefinedScores(persist, 0.5)},
                              {QStringLiteral("oracle"), orc.empty() ? QJsonValue() : QJsonValue(undefinedScores(orc, 0.5))},
                              {QStringLiteral("unsigned_flux"),
                               flux.empty() ? QJsonValue() : QJsonValue(undefinedScores(flux, run.fluxBaseline.threshold))}};
        out.insert(QStringLiteral("baselines"), baselines);
        out.insert(QStringLiteral("event"), eventName(run.spec.target));
        return out;
    }
    auto model = scoreForecast(probs->primary, y, run.threshold, run.climatology, what, bootstrap);
    if (!model)
        return model.error();
    QJsonObject out = model->toJson();
    QJsonObject baselines;
    // Climatology says "yes" to everything at its own rate: TSS 0, AUC 0.5, BSS 0 by construction.
    if (auto c = scoreForecast(clim, y, run.climatology, run.climatology, what, bootstrap))
        baselines.insert(QStringLiteral("climatology"), c->toJson());
    if (auto p = scoreForecast(persist, y, 0.5, run.climatology, what, bootstrap))
        baselines.insert(QStringLiteral("persistence"), p->toJson());
    if (!orc.empty()) {
        // The ceiling: the threshold is the one that maximises TSS on these very samples.
        if (auto o = scoreForecast(orc, y, maxTssThreshold(orc, y), run.climatology, what, bootstrap)) {
            QJsonObject oj = o->toJson();
            oj.insert(QStringLiteral("note"), QStringLiteral("generator truth; threshold maximising TSS on these samples (a ceiling)"));
            baselines.insert(QStringLiteral("oracle"), oj);
        }
    } else {
        baselines.insert(QStringLiteral("oracle"), QJsonValue());
    }
    baselines.insert(QStringLiteral("unsigned_flux"), QJsonValue());
    if (!flux.empty())
        if (auto f = scoreForecast(flux, y, run.fluxBaseline.threshold, run.climatology, what, bootstrap)) {
            QJsonObject fj = f->toJson();
            fj.insert(QStringLiteral("note"), fluxNote);
            fj.insert(QStringLiteral("missing_flux"), missingFlux);
            baselines.insert(QStringLiteral("unsigned_flux"), fj);
        }
    out.insert(QStringLiteral("baselines"), baselines);
    out.insert(QStringLiteral("event"), eventName(run.spec.target));
    return out;
}

}  // namespace solarchip
