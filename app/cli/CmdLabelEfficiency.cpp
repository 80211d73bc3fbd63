// solarchip label-efficiency: what pretraining buys when labels are few (issue 12). For each budget (percent of
// the training labels, drawn by time blocks) and seed, a frozen head on the model's embeddings is trained and
// scored on the same test block; the same is done on the embeddings of a freshly initialised encoder of the same
// architecture (the "untrained" curve: features without pretraining). Fine-tuning the encoder and training it
// from scratch on the labels are not built yet; the JSON says so.
#include "app/cli/Command.h"
#include "app/cli/CommandLine.h"
#include "app/cli/FlareCliSupport.h"
#include "app/cli/LabelEfficiencyPlot.h"
#include "app/cli/ModelCliOptions.h"

#include "core/base/AtomicFile.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QTextStream>

#include <cmath>

namespace solarchip::cli {

namespace {

const QString kName = QStringLiteral("label-efficiency");

struct CurveResult {
    QJsonArray points;
    QVector<EfficiencyPoint> plot;
};

// One curve: every budget x seed on the features of one encoder.
CurveResult runCurve(const QString &curve, const FlareArchive &a, const FlareRunSpec &base, const QVector<double> &budgets,
                     int seeds, const std::vector<int> &testRows, QStringList *csv, bool json)
{
    CurveResult out;
    for (double budget : budgets) {
        std::vector<std::vector<double>> probs;
        std::vector<double> thresholds;
        QJsonArray perSeed;
        double sumTss = 0, sumAuc = 0, sumBss = 0;
        int ok = 0;
        QStringList errors;
        std::vector<int> y;
        for (int i : testRows)
            y.push_back(a.next4[i] >= (base.target == FlareTarget::GeC ? 1 : 2) ? 1 : 0);
        for (int s = 0; s < seeds; ++s) {
            FlareRunSpec spec = base;
            spec.labelsFraction = budget / 100.0;
            const quint64 seed = 1000 + static_cast<quint64>(s);
            auto run = trainFlareRun(a.load.features, a.next4, spec, seed);
            QJsonObject entry{{QStringLiteral("seed"), static_cast<double>(seed)}};
            if (!run) {
                errors << run.error().message;
                entry.insert(QStringLiteral("error"), run.error().message);
                *csv << QStringLiteral("%1,%2,%3,,,,,,,,\"%4\"").arg(curve).arg(budget).arg(seed).arg(run.error().message);
                perSeed.append(entry);
                continue;
            }
            auto report = evaluateFlareRun(*run, a.load.features, a.next4, a.past4, {}, testRows, 300);
            if (!report) {
                errors << report.error().message;
                entry.insert(QStringLiteral("error"), report.error().message);
                perSeed.append(entry);
                continue;
            }
            auto pr = run->predict(a.load.features.subset(testRows));
            probs.push_back(pr->primary);
            thresholds.push_back(run->threshold);
            const double tss = report->value(QStringLiteral("tss")).toDouble(), auc = report->value(QStringLiteral("auc")).toDouble(),
                         bss = report->value(QStringLiteral("bss")).toDouble();
            sumTss += tss;
            sumAuc += auc;
            sumBss += bss;
            ++ok;
            const QJsonObject tr = run->training;
            entry.insert(QStringLiteral("tss"), tss);
            entry.insert(QStringLiteral("tss_ci95"), report->value(QStringLiteral("tss_ci95")));
            entry.insert(QStringLiteral("auc"), auc);
            entry.insert(QStringLiteral("bss"), bss);
            entry.insert(QStringLiteral("train_samples"), tr.value(QStringLiteral("train_samples")));
            entry.insert(QStringLiteral("train_positives"), tr.value(QStringLiteral("train_positives")));
            perSeed.append(entry);
            const QJsonArray ci = report->value(QStringLiteral("tss_ci95")).toArray();
            *csv << QStringLiteral("%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,")
                        .arg(curve).arg(budget).arg(seed)
                        .arg(tr.value(QStringLiteral("train_samples")).toInt())
                        .arg(tr.value(QStringLiteral("train_positives")).toInt())
                        .arg(tss).arg(ci.at(0).toDouble()).arg(ci.at(1).toDouble()).arg(auc).arg(bss);
        }
        QJsonObject point{{QStringLiteral("budget"), budget}, {QStringLiteral("seeds_ok"), ok}, {QStringLiteral("per_seed"), perSeed}};
        if (ok > 0) {
            const auto ci = meanTssInterval(probs, thresholds, y, 500);
            point.insert(QStringLiteral("tss"), sumTss / ok);
            point.insert(QStringLiteral("tss_ci95"), QJsonArray{ci.first, ci.second});
            point.insert(QStringLiteral("auc"), sumAuc / ok);
            point.insert(QStringLiteral("bss"), sumBss / ok);
            out.plot << EfficiencyPoint{budget, sumTss / ok, ci.first, ci.second};
        } else {
            point.insert(QStringLiteral("tss"), QJsonValue());
            point.insert(QStringLiteral("error"), errors.isEmpty() ? QString() : errors.front());
        }
        out.points.append(point);
        if (json)
            printJsonLine(QJsonObject{{QStringLiteral("event"), QStringLiteral("budget")}, {QStringLiteral("curve"), curve},
                                      {QStringLiteral("budget"), budget}, {QStringLiteral("tss"), point.value(QStringLiteral("tss"))},
                                      {QStringLiteral("seeds_ok"), ok}});
    }
    return out;
}

int runLabelEfficiency(const QStringList &args)
{
    CommandLine p(kName, QStringLiteral(
        "TSS against the fraction of training labels (drawn by time blocks), for a frozen head on the model's "
        "embeddings and on a freshly initialised encoder's, all on the same test block. Writes DIR/label_efficiency.csv, "
        ".png and .json."));
    addFlareArchiveOptions(p);
    p.addOption({QStringLiteral("target"), QStringLiteral("C, M or 4class (default M)."), QStringLiteral("T"), QStringLiteral("M")});
    p.addOption({QStringLiteral("window-hours"), QStringLiteral("Label window (default 24)."), QStringLiteral("H"), QStringLiteral("24")});
    p.addOption({QStringLiteral("budgets"), QStringLiteral("Percentages of the training labels (default 1,2,5,10,25,100)."),
                 QStringLiteral("LIST"), QStringLiteral("1,2,5,10,25,100")});
    p.addOption({QStringLiteral("seeds"), QStringLiteral("Seeds per budget (default 3)."), QStringLiteral("N"), QStringLiteral("3")});
    p.addOption({QStringLiteral("frozen-head"), QStringLiteral("linear or attn (default linear)."), QStringLiteral("KIND"), QStringLiteral("linear")});
    p.addOption({QStringLiteral("epochs"), QStringLiteral("Head epochs (default 300 linear, 150 attn)."), QStringLiteral("N")});
    p.addOption({QStringLiteral("block-days"), QStringLiteral("Split block length in days (default 60)."), QStringLiteral("D"), QStringLiteral("60")});
    p.addOption({QStringLiteral("buffer-days"), QStringLiteral("Buffer between blocks of different splits (default 27)."),
                 QStringLiteral("D"), QStringLiteral("27")});
    p.addOption({QStringLiteral("no-untrained"), QStringLiteral("Skip the untrained-encoder curve (it embeds the archive a second time).")});
    p.addOption({QStringLiteral("out"), QStringLiteral("Output folder."), QStringLiteral("DIR")});
    p.addJsonOption(QStringLiteral("Progress as JSON lines and a JSON summary."));
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
        budgets << v;
    }
    std::sort(budgets.begin(), budgets.end());
    const int seeds = p.value(QStringLiteral("seeds")).toInt(&ok);
    if (!ok || seeds < 1)
        return p.usage(QStringLiteral("--seeds needs a positive integer"));
    const QString kind = p.value(QStringLiteral("frozen-head"));
    if (kind != QLatin1String("linear") && kind != QLatin1String("attn"))
        return p.usage(QStringLiteral("--frozen-head must be linear or attn"));
    if (!p.isSet(QStringLiteral("out")))
        return p.usage(QStringLiteral("--out DIR is required"));
    FlareRunSpec spec;
    spec.target = *target;
    spec.windowHours = window;
    spec.head.kind = kind == QLatin1String("attn") ? FlareHeadKind::Attention : FlareHeadKind::Linear;
    spec.head.epochs = p.isSet(QStringLiteral("epochs")) ? p.value(QStringLiteral("epochs")).toInt()
                                                         : (spec.head.kind == FlareHeadKind::Attention ? 150 : 300);
    spec.split.blockDays = p.value(QStringLiteral("block-days")).toDouble();
    spec.split.bufferDays = p.value(QStringLiteral("buffer-days")).toDouble();
    if (!(spec.split.blockDays > 0) || spec.split.bufferDays < 0 || spec.split.bufferDays >= spec.split.blockDays)
        return p.usage(QStringLiteral("--block-days must be positive and --buffer-days in [0, block days)"));
    const bool json = p.json();
    QElapsedTimer clock;
    clock.start();

    auto model = loadModelFromOptions(p);
    if (!model)
        return fail(kName, model.error());
    QString usageError;
    auto archive = loadFlareArchive(p, *model, window, spec.head.kind == FlareHeadKind::Attention, json, &usageError);
    if (!usageError.isEmpty())
        return p.usage(usageError);
    if (!archive)
        return fail(kName, archive.error());
    FlareSplitOptions so = spec.split;
    so.windowSeconds = static_cast<qint64>(window * 3600);
    auto split = makeFlareSplit(archive->times, so);
    if (!split)
        return fail(kName, Error{p.value(QStringLiteral("archive")), split.error().message});
    const std::vector<int> testRows = split->indices(FlareSplitPart::Test);

    QStringList csv{QStringLiteral("curve,budget_percent,seed,train_samples,train_positives,tss,tss_lo,tss_hi,auc,bss,error")};
    QJsonObject curves;
    QVector<EfficiencyCurve> plot;
    const CurveResult frozen = runCurve(QStringLiteral("frozen"), *archive, spec, budgets, seeds, testRows, &csv, json);
    curves.insert(QStringLiteral("frozen"), frozen.points);
    plot << EfficiencyCurve{QStringLiteral("frozen (pretrained)"), frozen.plot};
    QString untrainedHash;
    const QString pretrainedHash = model->hash;
    if (!p.isSet(QStringLiteral("no-untrained"))) {
        // The same architecture, freshly initialised (seed 0) and never trained: its own embedding store.
        auto fresh = SolarChipModel::create(model->model.config(), 0);
        if (!fresh)
            return fail(kName, fresh.error());
        if (Status moved = fresh->to(model->model.device()); !moved)
            return fail(kName, moved.error());
        // The pretrained curve is done: the model object becomes its untrained twin (same channels and prep).
        TrainedModel &untrained = *model;
        untrained.model = std::move(*fresh);
        auto hash = untrained.model.hash();
        if (!hash)
            return fail(kName, hash.error());
        untrained.hash = *hash;
        untrainedHash = *hash;
        untrained.path = QStringLiteral("untrained re-initialisation of ") + untrained.path;
        auto ua = loadFlareArchive(p, untrained, window, spec.head.kind == FlareHeadKind::Attention, json, &usageError);
        if (!ua)
            return fail(kName, ua.error());
        const CurveResult u = runCurve(QStringLiteral("untrained"), *ua, spec, budgets, seeds, testRows, &csv, json);
        curves.insert(QStringLiteral("untrained"), u.points);
        plot << EfficiencyCurve{QStringLiteral("untrained encoder"), u.plot};
    }
    const QString out = p.value(QStringLiteral("out"));
    AtomicWriteOptions ao;
    ao.createFolder = true;
    if (Status s = writeFileAtomically(QDir(out).filePath(QStringLiteral("label_efficiency.csv")), csv.join(QLatin1Char('\n')).toUtf8() + '\n', ao); !s)
        return fail(kName, s.error());
    const QString title = QStringLiteral("label efficiency, >=%1 in %2 h, %3 head, %4 seeds")
                              .arg(flareTargetName(*target)).arg(window).arg(kind).arg(seeds);
    if (Status s = writeLabelEfficiencyPng(QDir(out).filePath(QStringLiteral("label_efficiency.png")), plot, title); !s)
        return fail(kName, s.error());
    QJsonObject testCounts{{QStringLiteral("n"), static_cast<int>(testRows.size())}};
    int pos = 0;
    for (int i : testRows)
        pos += archive->next4[i] >= (*target == FlareTarget::GeC ? 1 : 2) ? 1 : 0;
    testCounts.insert(QStringLiteral("n_pos"), pos);
    const QJsonObject summary{
        {QStringLiteral("curves"), curves},
        {QStringLiteral("not_built"), QJsonObject{{QStringLiteral("finetune"), QStringLiteral("fine-tuning the encoder on flare labels is not built yet")},
                                                  {QStringLiteral("scratch"), QStringLiteral("training the encoder from scratch on flare labels is not built yet")}}},
        {QStringLiteral("target"), flareTargetName(*target)},
        {QStringLiteral("window_hours"), window},
        {QStringLiteral("frozen_head"), kind},
        {QStringLiteral("seeds"), seeds},
        {QStringLiteral("model_hash"), pretrainedHash},
        {QStringLiteral("untrained_hash"), untrainedHash},
        {QStringLiteral("test"), testCounts},
        {QStringLiteral("split"), split->toJson()},
        {QStringLiteral("seconds"), clock.elapsed() / 1000.0},
        {QStringLiteral("csv"), QDir(out).filePath(QStringLiteral("label_efficiency.csv"))},
        {QStringLiteral("png"), QDir(out).filePath(QStringLiteral("label_efficiency.png"))}};
    if (Status s = writeFileAtomically(QDir(out).filePath(QStringLiteral("label_efficiency.json")), QJsonDocument(summary).toJson(), ao); !s)
        return fail(kName, s.error());
    if (json)
        printJson(summary);
    else
        QTextStream(stdout) << out << ": " << budgets.size() << " budgets x " << seeds << " seeds in " << clock.elapsed() / 1000.0 << " s\n";
    return kOk;
}

const Registration reg(kName, QStringLiteral("TSS against the fraction of flare labels: pretrained vs untrained encoder"), runLabelEfficiency);

}  // namespace

}  // namespace solarchip::cli
