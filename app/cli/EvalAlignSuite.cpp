#include "app/cli/EvalAlignSuite.h"

#include "models/embeddings/EmbedSets.h"
#include "models/embeddings/EvalSuite.h"
#include "models/embeddings/ReferenceEmbeddings.h"
#include "models/networks/SolarChipModel.h"

#include <QTextStream>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>

namespace solarchip::cli {

namespace {

constexpr qint64 kDayMs = 86400000LL;
constexpr double kProbeMaxRotationDeg = 180.0;
constexpr quint64 kProbeSeed = 20261;

Expected<std::vector<EmbeddingRecord>> encode(const TrainedModel &model, const Dataset &dataset, const std::vector<int> &indices,
                                              const EncodeOptions &eo, long long *skipped)
{
    std::vector<EmbeddingRecord> records;
    Status st = encodeSets(model, dataset, Split::All, indices, eo,
                           [&](std::vector<EmbeddingRecord> &&batch) -> Status {
                               for (EmbeddingRecord &r : batch)
                                   records.push_back(std::move(r));
                               return Status::success();
                           },
                           [&](const QString &warning) {
                               if (skipped)
                                   ++*skipped;
                               QTextStream(stderr) << "solarchip eval-align: skipped: " << warning << Qt::endl;
                           });
    if (!st)
        return st.error();
    return records;
}

// Where each set (by its reference time) landed among the encoded records (skipped sets are absent).
std::map<qint64, int> positionsByTime(const std::vector<EmbeddingRecord> &records)
{
    std::map<qint64, int> out;
    for (std::size_t i = 0; i < records.size(); ++i)
        out.emplace(records[i].timeMs, static_cast<int>(i));
    return out;
}

}  // namespace

Expected<QJsonObject> runEvalSuite(const TrainedModel &model, const Dataset &dataset, const std::vector<int> &candidates,
                                   const std::vector<int> &evaluatedIn, const SuiteRunOptions &options, long long *skipped)
{
    const auto &sets = dataset.sets(Split::All);
    std::vector<int> evaluated = evaluatedIn;
    if (options.dailySets > 0) {
        evaluated.clear();
        std::vector<int> byTime = candidates;
        std::stable_sort(byTime.begin(), byTime.end(),
                         [&](int x, int y) { return sets[x].referenceTimeMs < sets[y].referenceTimeMs; });
        qint64 lastDay = std::numeric_limits<qint64>::min();
        for (int i : byTime) {
            const qint64 day = sets[i].referenceTimeMs / kDayMs;  // UTC day number
            if (day == lastDay)
                continue;
            evaluated.push_back(i);
            lastDay = day;
            if (static_cast<int>(evaluated.size()) == options.dailySets)
                break;
        }
    }
    const auto &cfg = model.model.config().backbone;
    const int grid = cfg.gridSize(), patches = cfg.patchCount(), dim = cfg.contrastiveDim;

    // 1. The sets of each question, chosen on times before anything is encoded.
    std::vector<qint64> candTimes, evalTimes;
    for (int i : candidates)
        candTimes.push_back(sets[i].referenceTimeMs);
    for (int i : evaluated)
        evalTimes.push_back(sets[i].referenceTimeMs);
    const qint64 minSpacingMs = static_cast<qint64>(std::llround(options.minSpacingHours * 3600000.0));
    std::vector<int> spaced;
    for (int k : EvalSuite::spacedSubset(candTimes, minSpacingMs))
        spaced.push_back(candidates[static_cast<std::size_t>(k)]);
    std::vector<int> partners;  // set index per evaluated set, or -1
    for (int k : EvalSuite::partnerByTime(evalTimes, candTimes, static_cast<qint64>(std::llround(options.otherTimeDays * kDayMs)),
                                          static_cast<qint64>(std::llround(options.otherTimeToleranceDays * kDayMs))))
        partners.push_back(k < 0 ? -1 : candidates[static_cast<std::size_t>(k)]);
    std::vector<int> all = evaluated;
    all.insert(all.end(), spaced.begin(), spaced.end());
    for (int j : partners)
        if (j >= 0)
            all.push_back(j);
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());

    // 2. The model's embeddings, and the prepared planes for the reference embeddings.
    EncodeOptions eo;
    eo.batch = std::max(1, options.batch);
    std::unique_ptr<ReferenceEmbeddings> refs;
    eo.onSample = [&](const Sample &s) {
        if (!refs)
            refs = std::make_unique<ReferenceEmbeddings>(grid, s.side);
        refs->addSample(s.plane(0), s.plane(1));
    };
    auto records = encode(model, dataset, all, eo, skipped);
    if (!records)
        return records.error();
    if (records->size() < 2)
        return Error{dataset.options().archiveDir, QStringLiteral("fewer than 2 sets could be encoded")};

    // 3. Positions of each question's sets among the records, times and on-disk cells per record.
    const std::map<qint64, int> pos = positionsByTime(*records);
    std::map<qint64, int> setOfTime;
    for (int i : all)
        setOfTime.emplace(sets[i].referenceTimeMs, i);
    auto posOf = [&](int setIndex) {
        const auto it = pos.find(sets[setIndex].referenceTimeMs);
        return it == pos.end() ? -1 : it->second;
    };
    SuiteInput in;
    int onDiskKnown = 0;
    for (const EmbeddingRecord &r : *records) {
        in.timesMs.push_back(r.timeMs);
        in.onDisk.push_back(onDiskCells(sets[setOfTime.at(r.timeMs)], model.prep, grid));
        onDiskKnown += in.onDisk.back().empty() ? 0 : 1;
    }
    for (std::size_t k = 0; k < evaluated.size(); ++k) {
        const int p = posOf(evaluated[k]);
        if (p < 0)
            continue;
        in.evaluated.push_back(p);
        in.otherTime.push_back(partners[k] < 0 ? -1 : posOf(partners[k]));
    }
    for (int i : spaced)
        if (const int p = posOf(i); p >= 0)
            in.spaced.push_back(p);
    if (in.spaced.size() < 2) {
        const double spanDays = candTimes.empty() ? 0.0
                                                  : (*std::max_element(candTimes.begin(), candTimes.end())
                                                     - *std::min_element(candTimes.begin(), candTimes.end())) / double(kDayMs);
        in.spacedReason = QStringLiteral("the held-out sets span %1 days: fewer than 2 sets lie at least %2 h apart")
                              .arg(spanDays, 0, 'f', 1).arg(options.minSpacingHours);
    }
    // How far the Sun turned between consecutive spaced sets: a spacing near a multiple of the synodic rotation
    // shows every set the longitudes of the previous one (said on stderr; the figures are in `suite`).
    std::vector<qint64> spacedTimes;
    for (int i : spaced)
        spacedTimes.push_back(sets[i].referenceTimeMs);
    const EvalSuite::LongitudeShifts turn = EvalSuite::longitudeShifts(spacedTimes);
    if (turn.pairs > 0 && turn.medianAbsDeg < turn.withinDeg)
        QTextStream(stderr) << "solarchip eval-align: the spaced sets are close to a multiple of the solar rotation apart: "
                            << "at " << turn.latitudeDeg << " deg latitude the Sun turned by a median of "
                            << QString::number(turn.medianAbsDeg, 'f', 1) << " deg (modulo whole turns) from one set to the next ("
                            << turn.pairsWithin << " of " << turn.pairs << " pairs within " << turn.withinDeg
                            << " deg), so long-lived regions return to the same place and cls_*_spaced asks to tell near-duplicates "
                            << "apart; choose a spacing away from multiples of ~27.3 days (e.g. 730 h)" << Qt::endl;
    const SuiteOptions so;
    auto suiteOf = [&](const std::vector<EmbeddingRecord> &recs) {
        const ChannelEmbeddings h = channelFromRecords(recs, 0, 2, patches, dim);
        const ChannelEmbeddings a = channelFromRecords(recs, 1, 2, patches, dim);
        SuiteInput x = in;
        x.hmi = &h;
        x.aia = &a;
        return EvalSuite::evaluate(x, so);
    };
    QJsonObject out = suiteOf(*records);

    // 4. Baselines: an untrained re-initialisation (same sets), the non-learned references.
    QJsonObject baselines;
    {
        auto fresh = SolarChipModel::create(model.model.config(), options.untrainedSeed);
        if (!fresh)
            return fresh.error();
        Status moved = fresh->to(model.model.device());
        if (!moved)
            return moved.error();
        TrainedModel untrained{std::move(*fresh), model.channels, model.prep, {}, model.path, {}};
        EncodeOptions plain;
        plain.batch = eo.batch;
        auto u = encode(untrained, dataset, all, plain, nullptr);
        if (!u)
            return u.error();
        if (u->size() != records->size())
            return Error{dataset.options().archiveDir, QStringLiteral("the untrained model encoded another number of sets")};
        QJsonObject uo = suiteOf(*u);
        uo.insert(QStringLiteral("seed"), static_cast<double>(options.untrainedSeed));
        baselines.insert(QStringLiteral("untrained"), uo);
    }
    if (refs && refs->count() == static_cast<int>(records->size())) {
        for (int kind = 0; kind < 2; ++kind) {
            const ChannelEmbeddings h = kind == 0 ? refs->statistics(0) : refs->pooled(0);
            const ChannelEmbeddings a = kind == 0 ? refs->statistics(1) : refs->pooled(1);
            SuiteInput x = in;
            x.hmi = &h;
            x.aia = &a;
            QJsonObject r = EvalSuite::evaluate(x, so);
            r.insert(QStringLiteral("what"),
                     kind == 0 ? QStringLiteral("rank matching of global statistics: total |HMI| against total AIA "
                                                "(normalised input values), per cell the cell means")
                               : QStringLiteral("pooled layout: |HMI| and AIA pooled to the token grid minus the set "
                                                "mean (CLS), each cell's own block pooled to at most 4x4 minus its mean (cells); cosine"));
            baselines.insert(kind == 0 ? QStringLiteral("global_statistics") : QStringLiteral("pooled_layout"), r);
        }
    }
    out.insert(QStringLiteral("baselines"), baselines);

    // 5. Rotation probe: the spaced sets again, each rotated by one random angle applied to both modalities.
    QJsonObject probe;
    if (in.spaced.size() >= 2) {
        EncodeOptions ro;
        ro.batch = eo.batch;
        AugmentSpec rot;
        rot.maxRotationDeg = kProbeMaxRotationDeg;
        rot.hflipProbability = rot.vflipProbability = 0;
        ro.augment = rot;
        ro.augmentSeed = kProbeSeed;
        auto r = encode(model, dataset, spaced, ro, nullptr);
        if (!r)
            return r.error();
        const ChannelEmbeddings h = channelFromRecords(*r, 0, 2, patches, dim);
        const ChannelEmbeddings a = channelFromRecords(*r, 1, 2, patches, dim);
        std::vector<int> every(static_cast<std::size_t>(h.count));
        for (int i = 0; i < h.count; ++i)
            every[static_cast<std::size_t>(i)] = i;
        EvalSuite::putMetric(probe, QStringLiteral("cls_top1_spaced"), EvalSuite::clsRetrieval(h, a, every)[0]);
    } else {
        EvalSuite::putMetric(probe, QStringLiteral("cls_top1_spaced"), SuiteMetric::unavailable(in.spacedReason));
    }
    probe.insert(QStringLiteral("max_rotation_deg"), kProbeMaxRotationDeg);
    probe.insert(QStringLiteral("seed"), static_cast<double>(kProbeSeed));
    out.insert(QStringLiteral("rotation_probe"), probe);

    int pairs = 0;
    for (int j : in.otherTime)
        pairs += j >= 0 ? 1 : 0;
    out.insert(QStringLiteral("suite"),
               QJsonObject{{QStringLiteral("directions"), QStringLiteral("K is the mean of K_aia_to_hmi (AIA queries, HMI candidates) "
                                                                        "and K_hmi_to_aia")},
                           {QStringLiteral("ci95"), QStringLiteral("Wilson score interval for proportions; mean +- 1.96 s/sqrt(n) "
                                                                   "for cls_mrr_spaced; queries counted as independent")},
                           {QStringLiteral("on_disk"), QStringLiteral("cell centre (core/map/ModelFrame) within 0.95 RSUN_OBS of "
                                                                      "the reference member")},
                           {QStringLiteral("sets_encoded"), static_cast<int>(records->size())},
                           {QStringLiteral("sets_evaluated"), static_cast<int>(in.evaluated.size())},
                           {QStringLiteral("daily_sets"), options.dailySets},
                           {QStringLiteral("sets_spaced"), static_cast<int>(in.spaced.size())},
                           {QStringLiteral("sets_with_on_disk_cells"), onDiskKnown},
                           {QStringLiteral("min_spacing_hours"), options.minSpacingHours},
                           {QStringLiteral("spaced_longitude_shift"),
                            turn.pairs == 0
                                ? QJsonValue()
                                : QJsonValue(QJsonObject{
                                      {QStringLiteral("latitude_deg"), turn.latitudeDeg},
                                      {QStringLiteral("median_abs_deg"), turn.medianAbsDeg},
                                      {QStringLiteral("min_abs_deg"), turn.minAbsDeg},
                                      {QStringLiteral("pairs"), turn.pairs},
                                      {QStringLiteral("pairs_within_deg"), turn.withinDeg},
                                      {QStringLiteral("pairs_within"), turn.pairsWithin},
                                      {QStringLiteral("meaning"),
                                       QStringLiteral("Stonyhurst longitude shift (Snodgrass rate, modulo whole turns) of a feature "
                                                      "from each spaced set to the next; near 0: the spacing is close to a "
                                                      "multiple of the synodic rotation and returning regions sit in the same "
                                                      "place")}})},
                           {QStringLiteral("batches"), so.batches},
                           {QStringLiteral("batch_size"), so.batchSize},
                           {QStringLiteral("within_days"), so.withinDays},
                           {QStringLiteral("other_time_days"), options.otherTimeDays},
                           {QStringLiteral("other_time_tolerance_days"), options.otherTimeToleranceDays},
                           {QStringLiteral("other_time_pairs"), pairs}});
    return out;
}

}  // namespace solarchip::cli
