// The evaluation suite (models/embeddings/EvalSuite.h, `solarchip eval-align --suite`): every metric on
// constructed embeddings whose answers are known in closed form (identical -> 1, independent -> chance, a fixed
// rank -> its reciprocal as MRR), the Wilson interval against Newcombe (1998)'s published table, the on-disk
// cells of a known geometry, the set selection by time, the longitude the Sun turns between spaced sets (against
// sunpy's L0 and diff_rot), the reference baselines, and the CLI on a small
// synthetic archive (keys, types, null with a reason where the archive cannot support a question).
#include "EmbeddingFixtures.h"
#include "TestSupport.h"

#include "models/embeddings/EvalSuite.h"
#include "models/embeddings/ReferenceEmbeddings.h"
#include "models/networks/SolarChipModel.h"
#include "models/networks/TrainedModel.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>
#include <random>

using namespace solarchip;
using namespace solarchip::test;

namespace {

constexpr qint64 kDay = 86400000LL;

std::vector<int> iota(int n)
{
    std::vector<int> v(static_cast<std::size_t>(n));
    std::iota(v.begin(), v.end(), 0);
    return v;
}

std::vector<std::vector<uint8_t>> allOnDisk(int n, int np)
{
    return std::vector<std::vector<uint8_t>>(static_cast<std::size_t>(n), std::vector<uint8_t>(static_cast<std::size_t>(np), 1));
}

std::vector<qint64> daily(int n)
{
    std::vector<qint64> t;
    for (int i = 0; i < n; ++i)
        t.push_back(1'300'000'000'000LL + i * kDay);
    return t;
}

}  // namespace

class TestEvalSuite : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void identicalEmbeddingsScoreOne();
    void independentEmbeddingsScoreChance();
    void fixedRankGivesKnownMrr();
    void withinDaysCountsNeighbours();
    void offDiskCellsAreLeftOut();
    void otherTimeSeparatesContentFromPosition();
    void wilsonMatchesNewcombe();
    void setSelectionByTime();
    void spacedLongitudeShiftMatchesSunpy();
    void unsupportedQuestionsAreNullWithReason();
    void referenceBaselines();
    void cliSuiteOnSyntheticArchive();
};

void TestEvalSuite::identicalEmbeddingsScoreOne()
{
    std::mt19937 rng(3);
    const int n = 24, np = 16;
    const ChannelEmbeddings a = randomEmbeddings(n, np, 12, rng);
    ChannelEmbeddings b = a;
    for (float &v : b.cls)
        v *= 2.5f;  // cosine ignores length
    const auto sets = iota(n);
    const auto masks = allOnDisk(n, np);
    auto check = [](const SuiteMetric &m, long long perDirection) {
        QVERIFY2(m.available, qPrintable(m.reason));
        QCOMPARE(m.aiaToHmi.mean(), 1.0);
        QCOMPARE(m.hmiToAia.mean(), 1.0);
        QCOMPARE(m.aiaToHmi.n, perDirection);
        QCOMPARE(m.hmiToAia.n, perDirection);
    };
    check(EvalSuite::clsBatchTop1(a, b, sets, 200, 16, 7), 200 * 16);
    for (const SuiteMetric &m : EvalSuite::clsRetrieval(a, b, sets))
        check(m, n);
    check(EvalSuite::patDayTop1(a, b, sets, masks), n * np);
    check(EvalSuite::dayTop1ByPatches(a, b, sets, masks), n);
    check(EvalSuite::patchTop1OnDisk(a, b, sets, sets, masks), n * np);
    QCOMPARE(EvalSuite::clsBatchTop1(a, b, sets, 200, 16, 7).chance, 1.0 / 16);
}

void TestEvalSuite::independentEmbeddingsScoreChance()
{
    std::mt19937 rng(11);
    const int n = 200, np = 16;
    const ChannelEmbeddings a = randomEmbeddings(n, np, 64, rng);
    const ChannelEmbeddings b = randomEmbeddings(n, np, 64, rng);
    const auto sets = iota(n);
    // C1: 6400 queries at chance 1/16 (sd ~ 0.003 if independent; the batches reuse 200 sets, so allow 0.02).
    const SuiteMetric c1 = EvalSuite::clsBatchTop1(a, b, sets, 200, 16, 1);
    QVERIFY2(std::abs(c1.mean() - 1.0 / 16) < 0.02, qPrintable(QString::number(c1.mean())));
    // C2 among 200: top1 chance 0.005, recall5 0.025, MRR H_200/200 = 0.02939.
    const auto c2 = EvalSuite::clsRetrieval(a, b, sets);
    QVERIFY(c2[0].mean() < 0.03);
    QVERIFY2(std::abs(c2[1].mean() - 0.025) < 0.025, qPrintable(QString::number(c2[1].mean())));
    QVERIFY2(std::abs(c2[2].chance - 5.8780309481 / 200) < 1e-9, qPrintable(QString::number(c2[2].chance, 'g', 12)));
    QVERIFY2(std::abs(c2[2].mean() - c2[2].chance) < 0.03, qPrintable(QString::number(c2[2].mean())));
    // P1 (3200 queries a direction, chance 1/200) and the intra-set patch question (chance 1/16).
    const auto masks = allOnDisk(n, np);
    const SuiteMetric p1 = EvalSuite::patDayTop1(a, b, sets, masks);
    QVERIFY2(p1.mean() < 0.02, qPrintable(QString::number(p1.mean())));
    QCOMPARE(p1.chance, 1.0 / n);
    const SuiteMetric pt = EvalSuite::patchTop1OnDisk(a, b, sets, sets, masks);
    QVERIFY2(std::abs(pt.mean() - 1.0 / np) < 0.015, qPrintable(QString::number(pt.mean())));
    QCOMPARE(pt.chance, 1.0 / np);
}

void TestEvalSuite::fixedRankGivesKnownMrr()
{
    // HMI at 2 pi i/n, AIA 0.75 step further: in both directions the right answer ranks exactly 2 (the
    // neighbour is 0.25 step away, the right one 0.75): top1 0, recall5 1, MRR 1/2.
    const int n = 24;
    const auto c2 = EvalSuite::clsRetrieval(circle(n, 4, 0.0), circle(n, 4, 0.75), iota(n));
    QCOMPARE(c2[0].mean(), 0.0);
    QCOMPARE(c2[1].mean(), 1.0);
    QCOMPARE(c2[2].mean(), 0.5);
    QVERIFY(!c2[2].binary);
    // Half the AIA queries rank 1, half rank 3: MRR (1 + 1/3)/2 = 2/3. HMI rows are e_i; AIA row i is e_i for
    // even i and e_i + 2 e_(i+1) + 2 e_(i+2) for odd i (two wrong HMI rows more similar than the right one).
    const int m = 6, dim = 6;
    ChannelEmbeddings h, a;
    h.count = a.count = m;
    h.patches = a.patches = 1;
    h.dim = a.dim = dim;
    for (int i = 0; i < m; ++i)
        for (int k = 0; k < dim; ++k) {
            h.cls.push_back(i == k ? 1.0f : 0.0f);
            h.patch.push_back(0.0f);
            a.patch.push_back(0.0f);
        }
    for (int i = 0; i < m; ++i)
        for (int k = 0; k < dim; ++k) {
            float v = i == k ? 1.0f : 0.0f;
            if (i % 2 == 1 && (k == (i + 1) % m || k == (i + 2) % m))
                v = 2.0f;  // the two following HMI rows are more similar than the right one
            a.cls.push_back(v);
        }
    const auto r = EvalSuite::clsRetrieval(h, a, iota(m));
    QCOMPARE(r[2].aiaToHmi.n, 6LL);
    QVERIFY2(std::abs(r[2].aiaToHmi.mean() - 2.0 / 3.0) < 1e-12, qPrintable(QString::number(r[2].aiaToHmi.mean())));
    QCOMPARE(r[0].aiaToHmi.mean(), 0.5);
}

void TestEvalSuite::withinDaysCountsNeighbours()
{
    // The shifted circle over 20 daily sets: the nearest is always the neighbour one step away, never the set
    // itself, so top-1 is 0; that neighbour is one day away except across the circle's seam (set 19 <-> set 0,
    // 19 days apart), once per direction: 19/20. Chance = mean fraction of sets within 3 days:
    // sum_i #{j : |i-j| <= 3} / 20^2 = (20*7 - 2*(3+2+1)) / 400 = 128/400.
    const int n = 20;
    const SuiteMetric m = EvalSuite::clsWithinDays(circle(n, 4, 0.0), circle(n, 4, 0.75), iota(n), daily(n), 3.0);
    QVERIFY2(m.available, qPrintable(m.reason));
    QCOMPARE(m.aiaToHmi.mean(), 0.95);
    QCOMPARE(m.hmiToAia.mean(), 0.95);
    QVERIFY(std::abs(m.chance - 128.0 / 400.0) < 1e-12);
    // Spaced 10 days apart, no other set lies within 3 days: the neighbour is a miss.
    std::vector<qint64> sparse;
    for (int i = 0; i < n; ++i)
        sparse.push_back(i * 10 * kDay);
    QCOMPARE(EvalSuite::clsWithinDays(circle(n, 4, 0.0), circle(n, 4, 0.75), iota(n), sparse, 3.0).mean(), 0.0);
}

void TestEvalSuite::offDiskCellsAreLeftOut()
{
    // Cells 0..3 off the disk carry the same vector in every set and modality (like off-disk zeros): asked, they
    // would all fail. Only the on-disk cells count, and those match: 1.0 with n = sets * 12 per direction.
    std::mt19937 rng(5);
    const int n = 10, np = 16;
    ChannelEmbeddings a = randomEmbeddings(n, np, 8, rng);
    for (int s = 0; s < n; ++s)
        for (int c = 0; c < 4; ++c)
            for (int k = 0; k < 8; ++k)
                a.patch[(static_cast<std::size_t>(s) * np + c) * 8 + k] = 1.0f;
    auto masks = allOnDisk(n, np);
    for (auto &m : masks)
        std::fill(m.begin(), m.begin() + 4, 0);
    const SuiteMetric p1 = EvalSuite::patDayTop1(a, a, iota(n), masks);
    QCOMPARE(p1.mean(), 1.0);
    QCOMPARE(p1.aiaToHmi.n, static_cast<long long>(n * 12));
    QVERIFY(std::abs(p1.chance - 1.0 / n) < 1e-12);
    const SuiteMetric pt = EvalSuite::patchTop1OnDisk(a, a, iota(n), iota(n), masks);
    QCOMPARE(pt.mean(), 1.0);
    QVERIFY(std::abs(pt.chance - 1.0 / 12) < 1e-12);
    // Without the mask the off-disk cells tie everywhere and fail (pessimistic ranks).
    QVERIFY(EvalSuite::patDayTop1(a, a, iota(n), allOnDisk(n, np)).mean() < 0.8);
    QCOMPARE(EvalSuite::dayTop1ByPatches(a, a, iota(n), masks).mean(), 1.0);
}

void TestEvalSuite::otherTimeSeparatesContentFromPosition()
{
    std::mt19937 rng(11);
    const int n = 30, np = 64, dim = 24;
    const ChannelEmbeddings positional = positionalEmbeddings(n, np, dim, rng);
    std::vector<int> partner(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i)
        partner[static_cast<std::size_t>(i)] = (i + 14) % n;
    const auto masks = allOnDisk(n, np);
    QCOMPARE(EvalSuite::patchTop1OnDisk(positional, positional, iota(n), partner, masks).mean(), 1.0);
    const ChannelEmbeddings content = randomEmbeddings(n, np, dim, rng);
    const SuiteMetric c = EvalSuite::patchTop1OnDisk(content, content, iota(n), partner, masks);
    QVERIFY2(std::abs(c.mean() - 1.0 / np) < 0.01, qPrintable(QString::number(c.mean())));
    // A partner of -1 skips that set.
    partner[0] = -1;
    QCOMPARE(EvalSuite::patchTop1OnDisk(content, content, iota(n), partner, masks).aiaToHmi.n, static_cast<long long>((n - 1) * np));
}

void TestEvalSuite::wilsonMatchesNewcombe()
{
    // Newcombe, Statistics in Medicine 17 (1998) 857, table I, method 3 (score interval without continuity
    // correction), to its 4 decimals.
    struct Case {
        int k, n;
        double lo, hi;
    };
    for (const Case &c : {Case{81, 263, 0.2553, 0.3662}, Case{15, 148, 0.0624, 0.1605}, Case{0, 20, 0.0, 0.1611},
                          Case{1, 29, 0.0061, 0.1718}}) {
        const auto [lo, hi] = EvalSuite::wilson95(c.k, c.n);
        QVERIFY2(std::abs(lo - c.lo) < 6e-5 && std::abs(hi - c.hi) < 6e-5,
                 qPrintable(QStringLiteral("%1/%2: %3 %4").arg(c.k).arg(c.n).arg(lo).arg(hi)));
    }
    // The JSON carries it per direction and pooled.
    SuiteMetric m;
    m.available = true;
    for (int i = 0; i < 263; ++i) {
        m.aiaToHmi.add(i < 81 ? 1 : 0);
        m.hmiToAia.add(i < 81 ? 1 : 0);
    }
    QJsonObject o;
    EvalSuite::putMetric(o, QStringLiteral("k"), m);
    QCOMPARE(o.value(QStringLiteral("k_n")).toInt(), 526);
    QVERIFY(std::abs(o.value(QStringLiteral("k_aia_to_hmi_ci95")).toArray().at(0).toDouble() - 0.2553) < 6e-5);
    QCOMPARE(o.value(QStringLiteral("k_aia_to_hmi_n")).toInt(), 263);
    QVERIFY(std::abs(o.value(QStringLiteral("k")).toDouble() - 81.0 / 263) < 1e-12);
}

void TestEvalSuite::setSelectionByTime()
{
    // Sets every 12 h over 100 days, unordered: the spaced subset keeps one every 27 days (648 h) from the first.
    std::vector<qint64> t;
    for (int i = 199; i >= 0; --i)
        t.push_back(i * kDay / 2);
    const auto spaced = EvalSuite::spacedSubset(t, 648LL * 3600000);
    QCOMPARE(spaced.size(), size_t(4));  // days 0, 27, 54, 81
    QCOMPARE(t[static_cast<std::size_t>(spaced[1])], 27 * kDay);
    // Partner about 13.6 days later, else earlier, else none.
    const std::vector<qint64> cand{0, 14 * kDay, 20 * kDay, 40 * kDay};
    // 0 -> 14 (13.6 later); 20: nothing within 2 days of 33.6 or 6.4; 27 -> 40; 33: nothing near 46.6, 20 near
    // 19.4 (earlier); 100: nothing.
    const auto p = EvalSuite::partnerByTime({0, 20 * kDay, 27 * kDay, 33 * kDay, 100 * kDay}, cand,
                                            static_cast<qint64>(13.6 * kDay), 2 * kDay);
    QCOMPARE(p, (std::vector<int>{1, -1, 3, 2, -1}));
}

void TestEvalSuite::spacedLongitudeShiftMatchesSunpy()
{
    // Sets 660 h apart (27.5 d: about one synodic rotation at active latitudes, the spacing the suite first used)
    // and 730 h apart (48 sets over 4 years): the shift of a feature at 15 deg from each set to the next, against
    // sunpy (diff_rot's Snodgrass rates in the Carrington frame, seen from Earth through sunpy's L0 at both times).
    const qint64 t0 = QDateTime(QDate(2011, 1, 1), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
    for (const int hours : {660, 730}) {
        std::vector<qint64> t;
        QStringList iso{QStringLiteral("15")};
        for (int i = 0; i < 8; ++i) {
            t.push_back(t0 + static_cast<qint64>(i) * hours * 3600000LL);
            iso << QDateTime::fromMSecsSinceEpoch(t.back(), Qt::UTC).toString(Qt::ISODate);
        }
        std::vector<qint64> shuffled(t.rbegin(), t.rend());  // order does not matter
        const EvalSuite::LongitudeShifts s = EvalSuite::longitudeShifts(shuffled);
        const ProcessResult ref = runPython(QStringLiteral("longitude_shift.py"), iso);
        QVERIFY2(ref.exitCode == 0, ref.err.constData());
        const QJsonArray want = parseJson(ref.out).object().value(QStringLiteral("shifts_deg")).toArray();
        QCOMPARE(s.pairs, 7);
        QCOMPARE(want.size(), 7);
        std::vector<double> absRef;
        for (int i = 0; i < 7; ++i) {
            QVERIFY2(std::fabs(s.shiftsDeg[static_cast<std::size_t>(i)] - want.at(i).toDouble()) < 0.5,
                     qPrintable(QStringLiteral("%1 h, pair %2: %3 vs sunpy %4").arg(hours).arg(i)
                                    .arg(s.shiftsDeg[static_cast<std::size_t>(i)]).arg(want.at(i).toDouble())));
            absRef.push_back(std::fabs(want.at(i).toDouble()));
        }
        std::sort(absRef.begin(), absRef.end());
        QVERIFY(std::fabs(s.medianAbsDeg - absRef[3]) < 0.5);
        QVERIFY(std::fabs(s.minAbsDeg - absRef[0]) < 0.5);
        const int within = static_cast<int>(std::count_if(absRef.begin(), absRef.end(), [](double a) { return a < 20.0; }));
        QCOMPARE(s.pairsWithin, within);
        if (hours == 660)
            QVERIFY2(s.medianAbsDeg < 10.0, qPrintable(QString::number(s.medianAbsDeg)));  // the same face again
        else
            QVERIFY2(s.medianAbsDeg > 25.0, qPrintable(QString::number(s.medianAbsDeg)));
    }
    QCOMPARE(EvalSuite::longitudeShifts({t0}).pairs, 0);
    QVERIFY(std::isnan(EvalSuite::longitudeShifts({}).medianAbsDeg));
}

void TestEvalSuite::unsupportedQuestionsAreNullWithReason()
{
    std::mt19937 rng(2);
    const ChannelEmbeddings a = randomEmbeddings(10, 4, 8, rng);
    const SuiteMetric c1 = EvalSuite::clsBatchTop1(a, a, iota(10), 200, 16, 1);
    QVERIFY(!c1.available);
    QVERIFY(c1.reason.contains(QStringLiteral("16")));
    QVERIFY(!EvalSuite::clsRetrieval(a, a, iota(5))[1].available);  // recall@5 among 5 is 1 by construction
    QVERIFY(EvalSuite::clsRetrieval(a, a, iota(5))[0].available);
    QVERIFY(!EvalSuite::clsWithinDays(a, a, iota(10), std::vector<qint64>(10, 0), 3.0).available);  // one instant
    QVERIFY(!EvalSuite::patDayTop1(a, a, iota(10), {}).available);  // on-disk cells unknown
    QJsonObject o;
    EvalSuite::putMetric(o, QStringLiteral("cls_batch_top1"), c1);
    QVERIFY(o.value(QStringLiteral("cls_batch_top1")).isNull());
    QVERIFY(!o.value(QStringLiteral("cls_batch_top1_reason")).toString().isEmpty());
}

void TestEvalSuite::referenceBaselines()
{
    QCOMPARE(ReferenceEmbeddings::rankFractions({3, 1, 2, 2, 5}), (std::vector<double>{0.75, 0.0, 0.375, 0.375, 1.0}));
    // Sets whose AIA brightness grows with their HMI flux: rank matching of the totals finds every set.
    const int side = 8, grid = 2, n = 7;
    ReferenceEmbeddings refs(grid, side);
    std::vector<float> hmi(side * side), aia(side * side);
    for (int s = 0; s < n; ++s) {
        const int perm = (s * 3) % n;  // not in time order
        for (int i = 0; i < side * side; ++i) {
            hmi[static_cast<std::size_t>(i)] = (i % 2 ? -1.0f : 1.0f) * (1.0f + perm) * (1.0f + static_cast<float>(i % 5));
            aia[static_cast<std::size_t>(i)] = 10.0f + 3.0f * perm + static_cast<float>(i % 3);
        }
        refs.addSample(hmi.data(), aia.data());
    }
    QCOMPARE(refs.count(), n);
    const auto r = EvalSuite::clsRetrieval(refs.statistics(0), refs.statistics(1), iota(n));
    QCOMPARE(r[0].mean(), 1.0);
    const ChannelEmbeddings pooled = refs.pooled(0);
    QCOMPARE(pooled.count, n);
    QCOMPARE(pooled.patches, grid * grid);
    QCOMPARE(pooled.dim, 16);  // max(grid^2 = 4, 4x4 sub-block = 16)
}

void TestEvalSuite::cliSuiteOnSyntheticArchive()
{
    QTemporaryDir dir = scratchDir();
    const QString archive = dir.path() + QStringLiteral("/archive");
    const ProcessResult synth = run(binPath(QStringLiteral("solarchip")),
                                    {QStringLiteral("synth"), archive, QStringLiteral("--start"), QStringLiteral("2012-01-01T00:00"),
                                     QStringLiteral("--days"), QStringLiteral("18"), QStringLiteral("--cadence"), QStringLiteral("24"),
                                     QStringLiteral("--size"), QStringLiteral("64"), QStringLiteral("--channels"),
                                     QStringLiteral("hmi,171"), QStringLiteral("--no-truth"), QStringLiteral("--quiet"),
                                     QStringLiteral("--threads"), QStringLiteral("2")});
    QVERIFY2(synth.exitCode == 0, synth.err.constData());
    // A small untrained ViT (32 px input, 4x4 grid) so the test stays fast.
    const QString modelPath = dir.path() + QStringLiteral("/model.safetensors");
    auto model = writeUntrainedTinyModel(modelPath);
    QVERIFY2(model.ok(), qPrintable(model.errorString()));

    auto suite = [&](const QStringList &extra) {
        QStringList args{QStringLiteral("eval-align"), QStringLiteral("--model"), modelPath, QStringLiteral("--archive"), archive,
                         QStringLiteral("--json"), QStringLiteral("--suite"), QStringLiteral("--no-cache")};
        const ProcessResult r = run(binPath(QStringLiteral("solarchip")), args + extra, 300000);
        if (r.exitCode != 0)
            qWarning("%s", r.err.constData());
        return r.exitCode == 0 ? parseJson(r.out).object() : QJsonObject{};
    };
    const QJsonObject o = suite({});
    QVERIFY(!o.isEmpty());
    // 18 daily sets: C1, C3, P1, P2 and both patch questions are supported; nothing is 648 h apart.
    for (const char *key : {"cls_batch_top1", "cls_top1_within3d", "pat_day_top1", "day_top1_by_patches", "patch_top1_ondisk",
                            "patch_top1_other_time_ondisk"}) {
        const QString k = QLatin1String(key);
        QVERIFY2(o.value(k).isDouble(), key);
        const double v = o.value(k).toDouble();
        QVERIFY2(v >= 0 && v <= 1, key);
        for (const QString &suffix : {QStringLiteral("_ci95"), QStringLiteral("_aia_to_hmi_ci95"), QStringLiteral("_hmi_to_aia_ci95")}) {
            const QJsonArray ci = o.value(k + suffix).toArray();
            QVERIFY2(ci.size() == 2 && ci.at(0).toDouble() <= ci.at(1).toDouble(), qPrintable(k + suffix));
        }
        QVERIFY2(o.value(k + QStringLiteral("_n")).toDouble() > 0, key);
        QVERIFY2(o.value(k + QStringLiteral("_aia_to_hmi")).isDouble() && o.value(k + QStringLiteral("_hmi_to_aia")).isDouble(), key);
        QVERIFY2(std::abs(v - 0.5 * (o.value(k + QStringLiteral("_aia_to_hmi")).toDouble()
                                     + o.value(k + QStringLiteral("_hmi_to_aia")).toDouble())) < 1e-12, key);
        for (const char *b : {"untrained", "global_statistics", "pooled_layout"})
            QVERIFY2(o.value(QStringLiteral("baselines")).toObject().value(QLatin1String(b)).toObject().value(k).isDouble(),
                     qPrintable(k + QLatin1Char(' ') + QLatin1String(b)));
    }
    QCOMPARE(o.value(QStringLiteral("cls_batch_top1_n")).toInt(), 2 * 200 * 16);
    QCOMPARE(o.value(QStringLiteral("cls_batch_top1_chance")).toDouble(), 1.0 / 16);
    QCOMPARE(o.value(QStringLiteral("day_top1_by_patches_n")).toInt(), 2 * 18);
    for (const char *key : {"cls_top1_spaced", "cls_recall5_spaced", "cls_mrr_spaced"}) {
        QVERIFY2(o.value(QLatin1String(key)).isNull(), key);
        QVERIFY2(!o.value(QLatin1String(key) + QStringLiteral("_reason")).toString().isEmpty(), key);
    }
    const QJsonObject probe = o.value(QStringLiteral("rotation_probe")).toObject();
    QVERIFY(probe.contains(QStringLiteral("cls_top1_spaced")) && probe.value(QStringLiteral("cls_top1_spaced")).isNull());
    // The compatibility keys stay.
    for (const char *key : {"cls_top1", "patch_top1", "patch_top1_other_time", "n_samples"})
        QVERIFY2(o.value(QLatin1String(key)).isDouble(), key);
    QCOMPARE(o.value(QStringLiteral("n_samples")).toInt(), 18);
    // 4x4 cells of a disk of radius ~0.4 of the image (AIA's field of view is 2.5 R_sun wide): the 4 inner cells'
    // centres at 0.18 of the side from the centre, the 8 edge cells' at 0.40 (> 0.95 * 0.4 R), so 4 on-disk cells
    // per set: 18 * 4 queries a direction.
    QCOMPARE(o.value(QStringLiteral("pat_day_top1_n")).toInt(), 2 * 18 * 4);

    // 100 h spacing: days 0, 5, 10, 15 -> 4 spaced sets; top-1 and MRR exist, recall@5 among 4 does not.
    // --daily-sets 10: the per-day questions on the first 10 days only.
    const QJsonObject s = suite({QStringLiteral("--min-spacing-hours"), QStringLiteral("100"), QStringLiteral("--daily-sets"),
                                 QStringLiteral("10")});
    QCOMPARE(s.value(QStringLiteral("suite")).toObject().value(QStringLiteral("sets_evaluated")).toInt(), 10);
    QCOMPARE(s.value(QStringLiteral("day_top1_by_patches_n")).toInt(), 2 * 10);
    QCOMPARE(s.value(QStringLiteral("suite")).toObject().value(QStringLiteral("sets_spaced")).toInt(), 4);
    // Sets 5 days (120 h) apart: the Sun turns ~65 deg between them (Snodgrass at 15 deg: 13.0 deg/day synodic).
    const QJsonObject turn = s.value(QStringLiteral("suite")).toObject().value(QStringLiteral("spaced_longitude_shift")).toObject();
    QCOMPARE(turn.value(QStringLiteral("pairs")).toInt(), 3);
    QVERIFY2(std::fabs(turn.value(QStringLiteral("median_abs_deg")).toDouble() - 65.0) < 2.0,
             qPrintable(QString::number(turn.value(QStringLiteral("median_abs_deg")).toDouble())));
    QCOMPARE(turn.value(QStringLiteral("pairs_within")).toInt(), 0);
    QVERIFY(o.value(QStringLiteral("suite")).toObject().value(QStringLiteral("spaced_longitude_shift")).isNull());
    QVERIFY(s.value(QStringLiteral("cls_top1_spaced")).isDouble());
    QCOMPARE(s.value(QStringLiteral("cls_top1_spaced_n")).toInt(), 8);
    QVERIFY(s.value(QStringLiteral("cls_mrr_spaced")).isDouble());
    QVERIFY(s.value(QStringLiteral("cls_recall5_spaced")).isNull());
    QVERIFY(s.value(QStringLiteral("rotation_probe")).toObject().value(QStringLiteral("cls_top1_spaced")).isDouble());
    QCOMPARE(s.value(QStringLiteral("n_samples")).toInt(), 18);  // the spacing does not thin the other questions
}

QTEST_GUILESS_MAIN(TestEvalSuite)
#include "tst_evalsuite.moc"
