// solarchip eval-align [--model CKPT] --archive DIR --channels hmi,171 [--json]: cross-modal alignment of a
// SolarCHIP model on held-out times (models/embeddings/EvalAlign.h): cls_top1, patch_top1, their chance levels and mean
// ranks. Without --model, the shipped default model. --untrained scores a freshly initialised model of the same
// configuration (the baseline a trained model must beat). --suite adds the evaluation suite of issue 10
// (app/cli/EvalAlignSuite.h, models/embeddings/EvalSuite.h): both directions, 95% intervals, on-disk cells,
// baselines and the rotation probe; null with a *_reason key where the archive cannot answer a question.
#include "app/cli/Command.h"
#include "app/cli/CommandLine.h"
#include "app/cli/DataCliOptions.h"
#include "app/cli/EvalAlignSuite.h"
#include "app/cli/ModelCliOptions.h"

#include "models/embeddings/EmbedSets.h"
#include "models/embeddings/EvalAlign.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QTextStream>
#include <QTimeZone>

namespace solarchip::cli {

namespace {

const QString kName = QStringLiteral("eval-align");

// The suite's headline keys as text: value [95% interval] (chance), or why the archive cannot answer.
void printSuiteText(QTextStream &out, const QJsonObject &o)
{
    const QJsonObject untrained = o.value(QStringLiteral("baselines")).toObject().value(QStringLiteral("untrained")).toObject();
    for (const char *k : {"cls_batch_top1", "cls_top1_spaced", "cls_recall5_spaced", "cls_mrr_spaced", "cls_top1_within3d",
                          "pat_day_top1", "day_top1_by_patches", "patch_top1_ondisk", "patch_top1_other_time_ondisk"}) {
        const QString key = QLatin1String(k);
        out << key.leftJustified(30);
        if (o.value(key).isNull()) {
            out << "n/a: " << o.value(key + QStringLiteral("_reason")).toString() << '\n';
            continue;
        }
        const QJsonArray ci = o.value(key + QStringLiteral("_ci95")).toArray();
        out << QStringLiteral("%1 [%2, %3]  chance %4  untrained %5  n %6\n")
                   .arg(o.value(key).toDouble(), 0, 'f', 3).arg(ci.at(0).toDouble(), 0, 'f', 3).arg(ci.at(1).toDouble(), 0, 'f', 3)
                   .arg(o.value(key + QStringLiteral("_chance")).toDouble(), 0, 'f', 3)
                   .arg(untrained.value(key).toDouble(), 0, 'f', 3)
                   .arg(o.value(key + QStringLiteral("_n")).toDouble());
    }
}

int runEvalAlign(const QStringList &args)
{
    CommandLine p(kName, QStringLiteral(
        "Cross-modal alignment of a SolarCHIP model on held-out times: for each HMI CLS embedding, is the AIA CLS "
        "of the same time the nearest (cls_top1)? For each AIA patch, is the HMI patch at the same position the "
        "nearest of that sample's patches (patch_top1)? On the model's own training archive only the times after "
        "its training period count; any other archive is held out entirely."));
    addDataOptions(p, QStringLiteral("hmi and the model's first AIA channel"));
    addModelOptions(p);
    p.addOption({QStringLiteral("untrained"), QStringLiteral("Score a freshly initialised model of the same configuration.")});
    p.addOption({QStringLiteral("seed"), QStringLiteral("Initialisation seed for --untrained (default 0)."), QStringLiteral("S"),
                 QStringLiteral("0")});
    p.addOption({QStringLiteral("max-sets"), QStringLiteral("Evaluate at most this many sets, evenly spaced (default 0: all)."),
                 QStringLiteral("N"), QStringLiteral("0")});
    p.addOption({QStringLiteral("batch"), QStringLiteral("Sets encoded together (default 8)."), QStringLiteral("N"), QStringLiteral("8")});
    p.addOption({QStringLiteral("suite"), QStringLiteral("Also run the evaluation suite (both query directions, 95% intervals, "
                                                         "on-disk cells, baselines, rotation probe). With --suite, "
                                                         "--min-spacing-hours is the spacing of the cls_*_spaced sets (default "
                                                         "648) and does not thin the other questions' sets; keep the archive's "
                                                         "spacing away from multiples of the solar rotation (~27.3 d, e.g. 660 h: "
                                                         "the same longitudes return), reported as suite.spaced_longitude_shift.")});
    p.addOption({QStringLiteral("daily-sets"), QStringLiteral("--suite: the per-day questions use N consecutive daily sets from the "
                                                              "start (default 0: the evaluated sets)."), QStringLiteral("N"),
                 QStringLiteral("0")});
    p.addJsonOption();
    if (auto exit = p.parseOrExit(args))
        return *exit;
    auto model = loadModelFromOptions(p);
    if (!model)
        return fail(kName, model.error());
    const QJsonObject training = model->training;
    if (p.isSet(QStringLiteral("untrained"))) {
        auto fresh = SolarChipModel::create(model->model.config(), p.value(QStringLiteral("seed")).toULongLong());
        if (!fresh)
            return fail(kName, fresh.error());
        Status moved = fresh->to(model->model.device());
        if (!moved)
            return fail(kName, moved.error());
        model->model = std::move(*fresh);
        auto hash = model->model.hash();
        if (!hash)
            return fail(kName, hash.error());
        model->hash = *hash;
        model->training = {};
    }
    DatasetOptions base;
    QStringList fallback{QStringLiteral("hmi")};
    if (!model->firstAiaChannel().isEmpty())
        fallback << model->firstAiaChannel();
    const QString problem = readDataOptions(p, base, fallback);
    if (!problem.isEmpty())
        return p.usage(problem);
    const bool suite = p.isSet(QStringLiteral("suite"));
    const double spacedHours = p.isSet(QStringLiteral("min-spacing-hours")) ? base.selection.minSpacingMs / 3600000.0 : 648.0;
    if (suite)
        base.selection.minSpacingMs = 0;
    const QStringList channels = base.selection.channels;
    if (channels.size() != 2 || channels.first() != QLatin1String("hmi") || channels.last() == QLatin1String("hmi"))
        return p.usage(QStringLiteral("--channels must name hmi and one AIA channel, e.g. hmi,171"));
    auto opts = datasetOptionsFor(*model, base, channels);
    if (!opts)
        return fail(kName, opts.error());
    auto ds = Dataset::open(*opts);
    if (!ds)
        return fail(kName, ds.error());

    // Held-out times: on the training archive, the sets after (or before) the training period.
    const auto &sets = ds->sets(Split::All);
    QString heldOut = QStringLiteral("the whole archive (not the model's training archive)");
    std::vector<int> candidates;
    const QString trainArchive = training.value(QStringLiteral("archive")).toString();
    const bool sameArchive = !trainArchive.isEmpty()
                             && QFileInfo(trainArchive).canonicalFilePath() == QFileInfo(ds->options().archiveDir).canonicalFilePath();
    const qint64 t0 = static_cast<qint64>(training.value(QStringLiteral("train_first_ms")).toDouble());
    const qint64 t1 = static_cast<qint64>(training.value(QStringLiteral("train_last_ms")).toDouble());
    for (int i = 0; i < sets.size(); ++i)
        if (!sameArchive || sets[i].referenceTimeMs > t1 || sets[i].referenceTimeMs < t0)
            candidates.push_back(i);
    if (sameArchive)
        heldOut = QStringLiteral("times outside the training period %1 .. %2 of this archive")
                      .arg(QDateTime::fromMSecsSinceEpoch(t0, QTimeZone::utc()).toString(Qt::ISODate),
                           QDateTime::fromMSecsSinceEpoch(t1, QTimeZone::utc()).toString(Qt::ISODate));
    const int maxSets = p.value(QStringLiteral("max-sets")).toInt();
    std::vector<int> indices;
    if (maxSets > 0 && static_cast<int>(candidates.size()) > maxSets) {
        for (int k = 0; k < maxSets; ++k)
            indices.push_back(candidates[static_cast<std::size_t>(static_cast<long long>(k) * candidates.size() / maxSets)]);
    } else {
        indices = candidates;
    }
    if (indices.size() < 2)
        return fail(kName, Error{ds->options().archiveDir,
                                 QStringLiteral("fewer than 2 held-out co-temporal sets of %1 (%2)").arg(channels.join(u','), heldOut)});

    QElapsedTimer clock;
    clock.start();
    std::vector<EmbeddingRecord> records;
    long long skipped = 0;
    EncodeOptions eo;
    eo.batch = std::max(1, p.value(QStringLiteral("batch")).toInt());
    Status st = encodeSets(*model, *ds, Split::All, indices, eo,
                           [&](std::vector<EmbeddingRecord> &&batch) -> Status {
                               for (EmbeddingRecord &r : batch)
                                   records.push_back(std::move(r));
                               return Status::success();
                           },
                           [&](const QString &warning) {
                               ++skipped;
                               QTextStream(stderr) << "solarchip eval-align: skipped: " << warning << Qt::endl;
                           });
    if (!st)
        return fail(kName, st.error());
    const auto &cfg = model->model.config().backbone;
    const ChannelEmbeddings hmi = channelFromRecords(records, 0, 2, cfg.patchCount(), cfg.contrastiveDim);
    const ChannelEmbeddings aia = channelFromRecords(records, 1, 2, cfg.patchCount(), cfg.contrastiveDim);
    auto metrics = EvalAlign::evaluate(hmi, aia);
    if (!metrics)
        return fail(kName, metrics.error());
    QJsonObject o = metrics->toJson();
    o.insert(QStringLiteral("model"), model->path);
    o.insert(QStringLiteral("model_hash"), model->hash);
    o.insert(QStringLiteral("untrained"), p.isSet(QStringLiteral("untrained")));
    o.insert(QStringLiteral("archive"), ds->options().archiveDir);
    o.insert(QStringLiteral("channels"), QJsonArray::fromStringList(channels));
    o.insert(QStringLiteral("held_out"), heldOut);
    o.insert(QStringLiteral("skipped"), static_cast<double>(skipped));
    o.insert(QStringLiteral("first"), QDateTime::fromMSecsSinceEpoch(records.front().timeMs, QTimeZone::utc()).toString(Qt::ISODate));
    o.insert(QStringLiteral("last"), QDateTime::fromMSecsSinceEpoch(records.back().timeMs, QTimeZone::utc()).toString(Qt::ISODate));
    if (suite) {
        SuiteRunOptions so;
        so.minSpacingHours = spacedHours;
        so.untrainedSeed = p.value(QStringLiteral("seed")).toULongLong();
        so.batch = eo.batch;
        so.dailySets = std::max(0, p.value(QStringLiteral("daily-sets")).toInt());
        if (!(so.minSpacingHours > 0))
            return p.usage(QStringLiteral("--min-spacing-hours must be positive with --suite"));
        long long suiteSkipped = 0;
        auto suite = runEvalSuite(*model, *ds, candidates, indices, so, &suiteSkipped);
        if (!suite)
            return fail(kName, suite.error());
        for (auto it = suite->begin(); it != suite->end(); ++it)
            o.insert(it.key(), it.value());
        o.insert(QStringLiteral("suite_skipped"), static_cast<double>(suiteSkipped));
    }
    o.insert(QStringLiteral("seconds"), clock.elapsed() / 1000.0);
    if (p.json()) {
        printJson(o);
    } else {
        QTextStream out(stdout);
        out << "model " << model->path << (p.isSet(QStringLiteral("untrained")) ? " (untrained re-initialisation)" : "")
            << "\n" << channels.join(QStringLiteral(" vs ")) << " on " << metrics->nSamples << " sets (" << heldOut << ")\n"
            << QStringLiteral("cls_top1   %1  (chance %2)  mean rank %3 (chance %4)\n")
                   .arg(metrics->clsTop1, 0, 'f', 3).arg(metrics->clsChance, 0, 'f', 3)
                   .arg(metrics->clsMeanRank, 0, 'f', 2).arg(metrics->clsMeanRankChance, 0, 'f', 1)
            << QStringLiteral("patch_top1 %1  (chance %2)  mean rank %3 (chance %4)\n")
                   .arg(metrics->patchTop1, 0, 'f', 3).arg(metrics->patchChance, 0, 'f', 4)
                   .arg(metrics->patchMeanRank, 0, 'f', 2).arg(metrics->patchMeanRankChance, 0, 'f', 1);
        if (suite)
            printSuiteText(out, o);
    }
    return kOk;
}

const Registration reg(kName, QStringLiteral("cross-modal alignment metrics (cls_top1, patch_top1) on held-out times"),
                       runEvalAlign);

}  // namespace

}  // namespace solarchip::cli
