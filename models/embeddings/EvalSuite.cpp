#include "models/embeddings/EvalSuite.h"

#include "core/map/DifferentialRotation.h"
#include "models/embeddings/UnitRows.h"

#include <QJsonArray>
#include <QJsonValue>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace solarchip {

namespace {

constexpr double kZ95 = 1.959963984540054;

// Unit CLS rows and unit patch rows of a whole channel.
struct Unit {
    int dim = 0, patches = 0;
    std::vector<float> cls, patch;
    explicit Unit(const ChannelEmbeddings &e)
        : dim(e.dim), patches(e.patches), cls(unitRows(e.cls.data(), static_cast<std::size_t>(e.count), e.dim)),
          patch(unitRows(e.patch.data(), static_cast<std::size_t>(e.count) * e.patches, e.dim))
    {
    }
    const float *c(int s) const { return cls.data() + static_cast<std::size_t>(s) * dim; }
    const float *p(int s, int cell) const
    {
        return patch.data() + (static_cast<std::size_t>(s) * patches + cell) * dim;
    }
};

// 1-based pessimistic rank of sims[right] among sims.
long long rankOf(const std::vector<double> &sims, std::size_t right)
{
    const double own = sims[right];
    long long above = 0;
    for (std::size_t j = 0; j < sims.size(); ++j)
        if (j != right && !(sims[j] < own))
            ++above;
    return above + 1;
}

QString shapeProblem(const ChannelEmbeddings &h, const ChannelEmbeddings &a)
{
    if (h.count != a.count || h.patches != a.patches || h.dim != a.dim)
        return QStringLiteral("the two channels' embeddings differ in shape");
    if (h.cls.size() != static_cast<std::size_t>(h.count) * h.dim || a.cls.size() != h.cls.size()
        || h.patch.size() != h.cls.size() * h.patches || a.patch.size() != h.patch.size())
        return QStringLiteral("embedding arrays do not match their declared shape");
    return {};
}

QString setsProblem(const ChannelEmbeddings &h, const std::vector<int> &sets)
{
    for (int s : sets)
        if (s < 0 || s >= h.count)
            return QStringLiteral("set index %1 outside 0..%2").arg(s).arg(h.count - 1);
    return {};
}

// Why the on-disk masks cannot serve `sets` (empty when each of them has one flag per cell).
QString masksProblem(const std::vector<std::vector<uint8_t>> &onDisk, const std::vector<int> &sets, int patches)
{
    for (int s : sets)
        if (s < 0 || static_cast<std::size_t>(s) >= onDisk.size() || onDisk[s].size() != static_cast<std::size_t>(patches))
            return QStringLiteral("the on-disk cells are unknown (no solar radius in the sets' metadata)");
    return {};
}

// Why the cells of `sets` cannot be compared across sets (empty when they can): embeddings off their shapes,
// set indices outside them, fewer than two sets, or on-disk masks that do not fit.
QString cellSetsProblem(const ChannelEmbeddings &h, const ChannelEmbeddings &a, const std::vector<int> &sets,
                        const std::vector<std::vector<uint8_t>> &onDisk)
{
    if (QString p = shapeProblem(h, a) + setsProblem(h, sets); !p.isEmpty())
        return p;
    if (sets.size() < 2)
        return QStringLiteral("needs at least 2 sets, the archive gives %1").arg(static_cast<int>(sets.size()));
    return masksProblem(onDisk, sets, h.patches);
}

// Top-1 of cell queries among candidate cells (both directions, pessimistic rank), with the chance level
// averaged over the queries (1 / candidates each): what the on-disk patch metrics share.
struct CellTop1 {
    SuiteMetric m;
    double chanceSum = 0;
    long long queries = 0;
    std::vector<double> sims;

    // One query among `candidates` candidates, the right one at `right`; sim(dir, k) is the cosine with candidate
    // k of an AIA query among HMI candidates (dir 0) or of an HMI query among AIA candidates (dir 1).
    template <class Sim>
    void add(std::size_t candidates, std::size_t right, const Sim &sim)
    {
        chanceSum += 1.0 / static_cast<double>(candidates);
        ++queries;
        sims.resize(candidates);
        for (int dir = 0; dir < 2; ++dir) {
            for (std::size_t k = 0; k < candidates; ++k)
                sims[k] = sim(dir, k);
            (dir == 0 ? m.aiaToHmi : m.hmiToAia).add(rankOf(sims, right) == 1 ? 1 : 0);
        }
    }

    // The metric, or unavailable with `noQueries` when no query was made.
    SuiteMetric result(const QString &noQueries)
    {
        if (queries == 0)
            return SuiteMetric::unavailable(noQueries);
        m.available = true;
        m.chance = chanceSum / static_cast<double>(queries);
        return m;
    }
};

QJsonArray interval(const std::pair<double, double> &ci) { return QJsonArray{ci.first, ci.second}; }

std::pair<double, double> ciOf(const Tally &t, bool binary)
{
    if (binary)
        return EvalSuite::wilson95(t.sum, t.n);
    if (t.n < 2)
        return {t.mean(), t.mean()};
    const double m = t.mean();
    const double var = std::max(0.0, (t.sumSq - t.n * m * m) / static_cast<double>(t.n - 1));
    const double half = kZ95 * std::sqrt(var / static_cast<double>(t.n));
    return {m - half, m + half};
}

}  // namespace

SuiteMetric SuiteMetric::unavailable(const QString &why)
{
    SuiteMetric m;
    m.available = false;
    m.reason = why;
    return m;
}

std::pair<double, double> EvalSuite::wilson95(double k, long long n)
{
    if (n <= 0)
        return {0.0, 1.0};
    const double nn = static_cast<double>(n), p = k / nn, z2 = kZ95 * kZ95;
    const double denom = 1.0 + z2 / nn;
    const double centre = (p + z2 / (2 * nn)) / denom;
    const double half = kZ95 / denom * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn));
    return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

SuiteMetric EvalSuite::clsBatchTop1(const ChannelEmbeddings &hmi, const ChannelEmbeddings &aia, const std::vector<int> &sets,
                                    int batches, int batchSize, quint64 seed)
{
    if (QString p = shapeProblem(hmi, aia) + setsProblem(hmi, sets); !p.isEmpty())
        return SuiteMetric::unavailable(p);
    if (batchSize < 2 || static_cast<int>(sets.size()) < batchSize)
        return SuiteMetric::unavailable(
            QStringLiteral("batches of %1 need at least %1 sets, the archive gives %2").arg(batchSize).arg(sets.size()));
    const Unit h(hmi), a(aia);
    SuiteMetric m;
    m.available = true;
    m.chance = 1.0 / batchSize;
    std::mt19937_64 rng(seed);
    std::vector<int> pool = sets;
    std::vector<double> sims(static_cast<std::size_t>(batchSize));
    for (int b = 0; b < batches; ++b) {
        for (int i = 0; i < batchSize; ++i) {  // partial Fisher-Yates: the first batchSize entries are the batch
            std::uniform_int_distribution<std::size_t> pick(static_cast<std::size_t>(i), pool.size() - 1);
            std::swap(pool[static_cast<std::size_t>(i)], pool[pick(rng)]);
        }
        for (int i = 0; i < batchSize; ++i) {
            for (int j = 0; j < batchSize; ++j)
                sims[j] = rowDot(a.c(pool[i]), h.c(pool[j]), h.dim);
            m.aiaToHmi.add(rankOf(sims, i) == 1 ? 1 : 0);
            for (int j = 0; j < batchSize; ++j)
                sims[j] = rowDot(h.c(pool[i]), a.c(pool[j]), h.dim);
            m.hmiToAia.add(rankOf(sims, i) == 1 ? 1 : 0);
        }
    }
    return m;
}

std::vector<SuiteMetric> EvalSuite::clsRetrieval(const ChannelEmbeddings &hmi, const ChannelEmbeddings &aia,
                                                 const std::vector<int> &sets)
{
    if (QString p = shapeProblem(hmi, aia) + setsProblem(hmi, sets); !p.isEmpty())
        return {SuiteMetric::unavailable(p), SuiteMetric::unavailable(p), SuiteMetric::unavailable(p)};
    const int n = static_cast<int>(sets.size());
    if (n < 2) {
        const QString why = QStringLiteral("retrieval needs at least 2 sets, the archive gives %1").arg(n);
        return {SuiteMetric::unavailable(why), SuiteMetric::unavailable(why), SuiteMetric::unavailable(why)};
    }
    const Unit h(hmi), a(aia);
    SuiteMetric top1, recall5, mrr;
    top1.available = recall5.available = mrr.available = true;
    mrr.binary = false;
    top1.chance = 1.0 / n;
    recall5.chance = std::min(1.0, 5.0 / n);
    double harmonic = 0;
    for (int r = 1; r <= n; ++r)
        harmonic += 1.0 / r;
    mrr.chance = harmonic / n;
    std::vector<double> sims(static_cast<std::size_t>(n));
    for (int dir = 0; dir < 2; ++dir) {
        const Unit &q = dir == 0 ? a : h, &c = dir == 0 ? h : a;
        for (int i = 0; i < n; ++i) {
            for (int j = 0; j < n; ++j)
                sims[j] = rowDot(q.c(sets[i]), c.c(sets[j]), h.dim);
            const long long rank = rankOf(sims, i);
            (dir == 0 ? top1.aiaToHmi : top1.hmiToAia).add(rank == 1 ? 1 : 0);
            (dir == 0 ? recall5.aiaToHmi : recall5.hmiToAia).add(rank <= 5 ? 1 : 0);
            (dir == 0 ? mrr.aiaToHmi : mrr.hmiToAia).add(1.0 / static_cast<double>(rank));
        }
    }
    if (n <= 5)
        recall5 = SuiteMetric::unavailable(QStringLiteral("recall@5 among %1 <= 5 sets is 1 by construction").arg(n));
    return {top1, recall5, mrr};
}

SuiteMetric EvalSuite::clsWithinDays(const ChannelEmbeddings &hmi, const ChannelEmbeddings &aia, const std::vector<int> &sets,
                                     const std::vector<qint64> &timesMs, double days)
{
    if (QString p = shapeProblem(hmi, aia) + setsProblem(hmi, sets); !p.isEmpty())
        return SuiteMetric::unavailable(p);
    const int n = static_cast<int>(sets.size());
    for (int s : sets)
        if (static_cast<std::size_t>(s) >= timesMs.size())
            return SuiteMetric::unavailable(QStringLiteral("no time for set %1").arg(s));
    if (n < 2)
        return SuiteMetric::unavailable(QStringLiteral("needs at least 2 sets, the archive gives %1").arg(n));
    const qint64 window = static_cast<qint64>(std::llround(days * 86400000.0));
    qint64 lo = timesMs[sets[0]], hi = lo;
    for (int s : sets) {
        lo = std::min(lo, timesMs[s]);
        hi = std::max(hi, timesMs[s]);
    }
    if (hi - lo <= window)
        return SuiteMetric::unavailable(
            QStringLiteral("the sets span %1 days, within +-%2 days of each other: every answer would be a hit")
                .arg((hi - lo) / 86400000.0, 0, 'f', 2).arg(days));
    const Unit h(hmi), a(aia);
    SuiteMetric m;
    m.available = true;
    double chanceSum = 0;
    for (int i = 0; i < n; ++i) {
        int within = 0;
        for (int j = 0; j < n; ++j)
            within += std::llabs(timesMs[sets[j]] - timesMs[sets[i]]) <= window ? 1 : 0;
        chanceSum += static_cast<double>(within) / n;
        for (int dir = 0; dir < 2; ++dir) {
            const Unit &q = dir == 0 ? a : h, &c = dir == 0 ? h : a;
            int best = -1;
            double bestSim = 0;
            for (int j = 0; j < n; ++j) {
                const double s = rowDot(q.c(sets[i]), c.c(sets[j]), h.dim);
                if (best < 0 || s > bestSim) {
                    best = j;
                    bestSim = s;
                }
            }
            const bool hit = std::llabs(timesMs[sets[best]] - timesMs[sets[i]]) <= window;
            (dir == 0 ? m.aiaToHmi : m.hmiToAia).add(hit ? 1 : 0);
        }
    }
    m.chance = chanceSum / n;
    return m;
}

SuiteMetric EvalSuite::patDayTop1(const ChannelEmbeddings &hmi, const ChannelEmbeddings &aia, const std::vector<int> &sets,
                                  const std::vector<std::vector<uint8_t>> &onDisk)
{
    if (QString p = cellSetsProblem(hmi, aia, sets, onDisk); !p.isEmpty())
        return SuiteMetric::unavailable(p);
    const int n = static_cast<int>(sets.size());
    const Unit h(hmi), a(aia);
    CellTop1 top1;
    std::vector<int> cand;
    for (int cell = 0; cell < hmi.patches; ++cell) {
        cand.clear();
        for (int j = 0; j < n; ++j)
            if (onDisk[sets[j]][cell])
                cand.push_back(j);
        for (std::size_t qi = 0; qi < cand.size(); ++qi) {
            const int i = cand[qi];
            top1.add(cand.size(), qi, [&](int dir, std::size_t k) {
                const Unit &q = dir == 0 ? a : h, &c = dir == 0 ? h : a;
                return rowDot(q.p(sets[i], cell), c.p(sets[cand[k]], cell), h.dim);
            });
        }
    }
    return top1.result(QStringLiteral("no cell centre lies on the disk"));
}

SuiteMetric EvalSuite::dayTop1ByPatches(const ChannelEmbeddings &hmi, const ChannelEmbeddings &aia,
                                        const std::vector<int> &sets, const std::vector<std::vector<uint8_t>> &onDisk)
{
    if (QString p = cellSetsProblem(hmi, aia, sets, onDisk); !p.isEmpty())
        return SuiteMetric::unavailable(p);
    const int n = static_cast<int>(sets.size());
    const Unit h(hmi), a(aia);
    // score[i][j]: mean cosine of AIA cells of set i with HMI cells of set j over the cells on the disk in both.
    // A pair with no common on-disk cell scores -2, below any mean cosine: it is never chosen.
    std::vector<double> score(static_cast<std::size_t>(n) * n, -2.0);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
            double s = 0;
            int k = 0;
            for (int cell = 0; cell < hmi.patches; ++cell)
                if (onDisk[sets[i]][cell] && onDisk[sets[j]][cell]) {
                    s += rowDot(a.p(sets[i], cell), h.p(sets[j], cell), h.dim);
                    ++k;
                }
            if (k > 0)
                score[static_cast<std::size_t>(i) * n + j] = s / k;
        }
    SuiteMetric m;
    m.available = true;
    m.chance = 1.0 / n;
    std::vector<double> sims(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        for (int j = 0; j < n; ++j)
            sims[j] = score[static_cast<std::size_t>(i) * n + j];
        m.aiaToHmi.add(rankOf(sims, i) == 1 ? 1 : 0);
        for (int j = 0; j < n; ++j)
            sims[j] = score[static_cast<std::size_t>(j) * n + i];
        m.hmiToAia.add(rankOf(sims, i) == 1 ? 1 : 0);
    }
    return m;
}

SuiteMetric EvalSuite::patchTop1OnDisk(const ChannelEmbeddings &hmi, const ChannelEmbeddings &aia,
                                       const std::vector<int> &sets, const std::vector<int> &partners,
                                       const std::vector<std::vector<uint8_t>> &onDisk)
{
    if (QString p = shapeProblem(hmi, aia) + setsProblem(hmi, sets); !p.isEmpty())
        return SuiteMetric::unavailable(p);
    if (partners.size() != sets.size())
        return SuiteMetric::unavailable(QStringLiteral("one partner per set is needed"));
    std::vector<int> used;
    for (std::size_t k = 0; k < sets.size(); ++k)
        if (partners[k] >= 0) {
            if (partners[k] >= hmi.count)
                return SuiteMetric::unavailable(QStringLiteral("partner index %1 outside the sets").arg(partners[k]));
            used.push_back(sets[k]);
            used.push_back(partners[k]);
        }
    if (used.empty())
        return SuiteMetric::unavailable(QStringLiteral("no set has a partner"));
    if (QString p = masksProblem(onDisk, used, hmi.patches); !p.isEmpty())
        return SuiteMetric::unavailable(p);
    const Unit h(hmi), a(aia);
    CellTop1 top1;
    std::vector<int> cand;
    for (std::size_t k = 0; k < sets.size(); ++k) {
        if (partners[k] < 0)
            continue;
        const int i = sets[k], j = partners[k];
        // Cells on the disk in both sets: the query cell and its right answer must both be content.
        cand.clear();
        for (int cell = 0; cell < hmi.patches; ++cell)
            if (onDisk[i][cell] && onDisk[j][cell])
                cand.push_back(cell);
        if (cand.size() < 2)
            continue;
        for (std::size_t qi = 0; qi < cand.size(); ++qi)
            top1.add(cand.size(), qi, [&](int dir, std::size_t c) {
                return dir == 0 ? rowDot(a.p(i, cand[qi]), h.p(j, cand[c]), h.dim)
                                : rowDot(h.p(j, cand[qi]), a.p(i, cand[c]), h.dim);
            });
    }
    return top1.result(QStringLiteral("fewer than 2 cell centres lie on the disk"));
}

void EvalSuite::putMetric(QJsonObject &out, const QString &key, const SuiteMetric &metric)
{
    if (!metric.available) {
        out.insert(key, QJsonValue::Null);
        out.insert(key + QStringLiteral("_reason"), metric.reason);
        return;
    }
    Tally both;
    both.sum = metric.aiaToHmi.sum + metric.hmiToAia.sum;
    both.sumSq = metric.aiaToHmi.sumSq + metric.hmiToAia.sumSq;
    both.n = metric.aiaToHmi.n + metric.hmiToAia.n;
    out.insert(key, metric.mean());
    out.insert(key + QStringLiteral("_n"), static_cast<double>(both.n));
    out.insert(key + QStringLiteral("_ci95"), interval(ciOf(both, metric.binary)));
    out.insert(key + QStringLiteral("_chance"), metric.chance);
    for (const auto &[suffix, t] : {std::pair<QString, const Tally *>{QStringLiteral("_aia_to_hmi"), &metric.aiaToHmi},
                                    std::pair<QString, const Tally *>{QStringLiteral("_hmi_to_aia"), &metric.hmiToAia}}) {
        out.insert(key + suffix, t->mean());
        out.insert(key + suffix + QStringLiteral("_n"), static_cast<double>(t->n));
        out.insert(key + suffix + QStringLiteral("_ci95"), interval(ciOf(*t, metric.binary)));
    }
}

QJsonObject EvalSuite::evaluate(const SuiteInput &in, const SuiteOptions &options)
{
    QJsonObject o;
    const ChannelEmbeddings &h = *in.hmi, &a = *in.aia;
    putMetric(o, QStringLiteral("cls_batch_top1"), clsBatchTop1(h, a, in.evaluated, options.batches, options.batchSize, options.seed));
    std::vector<SuiteMetric> c2 = in.spaced.size() >= 2 || in.spacedReason.isEmpty()
                                      ? clsRetrieval(h, a, in.spaced)
                                      : std::vector<SuiteMetric>(3, SuiteMetric::unavailable(in.spacedReason));
    putMetric(o, QStringLiteral("cls_top1_spaced"), c2[0]);
    putMetric(o, QStringLiteral("cls_recall5_spaced"), c2[1]);
    putMetric(o, QStringLiteral("cls_mrr_spaced"), c2[2]);
    putMetric(o, QStringLiteral("cls_top1_within3d"), clsWithinDays(h, a, in.evaluated, in.timesMs, options.withinDays));
    putMetric(o, QStringLiteral("pat_day_top1"), patDayTop1(h, a, in.evaluated, in.onDisk));
    putMetric(o, QStringLiteral("day_top1_by_patches"), dayTop1ByPatches(h, a, in.evaluated, in.onDisk));
    putMetric(o, QStringLiteral("patch_top1_ondisk"), patchTop1OnDisk(h, a, in.evaluated, in.evaluated, in.onDisk));
    SuiteMetric other = in.otherTime.size() == in.evaluated.size()
                            ? patchTop1OnDisk(h, a, in.evaluated, in.otherTime, in.onDisk)
                            : SuiteMetric::unavailable(QStringLiteral("no partner times given"));
    if (!other.available && other.reason == QLatin1String("no set has a partner"))
        other.reason = QStringLiteral("no set has another set about half a rotation (13.6 days) away");
    putMetric(o, QStringLiteral("patch_top1_other_time_ondisk"), other);
    return o;
}

std::vector<int> EvalSuite::spacedSubset(const std::vector<qint64> &timesMs, qint64 minSpacingMs)
{
    std::vector<int> order(timesMs.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int x, int y) { return timesMs[x] < timesMs[y]; });
    std::vector<int> out;
    for (int i : order)
        if (out.empty() || timesMs[i] - timesMs[out.back()] >= minSpacingMs)
            out.push_back(i);
    return out;
}

EvalSuite::LongitudeShifts EvalSuite::longitudeShifts(std::vector<qint64> timesMs, double latitudeDeg, double withinDeg)
{
    LongitudeShifts out;
    out.latitudeDeg = latitudeDeg;
    out.withinDeg = withinDeg;
    std::sort(timesMs.begin(), timesMs.end());
    for (std::size_t i = 1; i < timesMs.size(); ++i) {
        // rotateStonyhurst wraps to [-180, 180): the shift modulo whole turns, as a returning feature is seen.
        const double d = rotateStonyhurst(QPointF(0.0, latitudeDeg), timesMs[i - 1], timesMs[i]).x();
        out.shiftsDeg.push_back(d);
    }
    out.pairs = static_cast<int>(out.shiftsDeg.size());
    if (out.pairs == 0)
        return out;
    std::vector<double> a;
    for (double d : out.shiftsDeg) {
        a.push_back(std::fabs(d));
        out.pairsWithin += std::fabs(d) < withinDeg ? 1 : 0;
    }
    std::sort(a.begin(), a.end());
    const std::size_t n = a.size();
    out.medianAbsDeg = n % 2 ? a[n / 2] : 0.5 * (a[n / 2 - 1] + a[n / 2]);
    out.minAbsDeg = a.front();
    return out;
}

std::vector<int> EvalSuite::partnerByTime(const std::vector<qint64> &queryTimesMs, const std::vector<qint64> &candidateTimesMs,
                                          qint64 offsetMs, qint64 toleranceMs)
{
    auto nearest = [&](qint64 target) {
        int best = -1;
        qint64 bestD = 0;
        for (std::size_t j = 0; j < candidateTimesMs.size(); ++j) {
            const qint64 d = std::llabs(candidateTimesMs[j] - target);
            if (best < 0 || d < bestD) {
                best = static_cast<int>(j);
                bestD = d;
            }
        }
        return best >= 0 && bestD <= toleranceMs ? best : -1;
    };
    std::vector<int> out;
    out.reserve(queryTimesMs.size());
    for (qint64 t : queryTimesMs) {
        int j = nearest(t + offsetMs);
        if (j < 0)
            j = nearest(t - offsetMs);
        out.push_back(j);
    }
    return out;
}

}  // namespace solarchip
