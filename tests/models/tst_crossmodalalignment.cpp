// CrossModalAlignment (the alignment view's engine) on constructed embeddings whose answers are known in closed
// form: identical modalities rank every cell 1 with cosine 1; a grid whose AIA cells are shifted by a fraction of
// a cell against HMI has a closed-form same-place cosine and rank; the on-disk mask decides the candidates and the
// cells summarised; ties rank last; an EmbeddingStore gives one point per set in time order.
#include "TestSupport.h"

#include "models/embeddings/CrossModalAlignment.h"

#include <QtTest>

#include <cmath>
#include <numbers>
#include <random>

using namespace solarchip;

namespace {

// The embeddings of one set on a g x g grid, 4 dimensions per cell: a circle code of the column shifted by
// `shift` cells and one of the row, (cos a, sin a, cos b, sin b) / sqrt 2 with a = 2 pi (col + shift) / g,
// b = 2 pi row / g. The cosine of two cells is (cos da + cos db) / 2.
void appendGrid(std::vector<float> &out, int g, double shift)
{
    const double s = 1.0 / std::sqrt(2.0);
    for (int row = 0; row < g; ++row)
        for (int col = 0; col < g; ++col) {
            const double a = 2 * std::numbers::pi * (col + shift) / g, b = 2 * std::numbers::pi * row / g;
            for (double v : {std::cos(a), std::sin(a), std::cos(b), std::sin(b)})
                out.push_back(static_cast<float>(v * s));
        }
}

// HMI unshifted, then one AIA channel shifted by `shift` cells.
std::vector<float> shiftedSet(int g, double shift)
{
    std::vector<float> p;
    appendGrid(p, g, 0.0);
    appendGrid(p, g, shift);
    return p;
}

const QStringList kChannels{QStringLiteral("hmi"), QStringLiteral("171")};

}  // namespace

class TestCrossModalAlignment : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void identicalModalitiesRankEveryCellFirst();
    void shiftedGridHasClosedFormRanks();
    void onDiskMaskPicksCandidatesAndSummary();
    void tiesRankLast();
    void everyAiaChannelIsAligned();
    void refusesWhatItCannotAlign();
    void timelineFromStoreIsSortedAndMatchesEachSet();
};

void TestCrossModalAlignment::identicalModalitiesRankEveryCellFirst()
{
    std::mt19937 rng(4);
    std::normal_distribution<float> n;
    const int g = 6, dim = 16, cells = g * g;
    std::vector<float> p(2 * static_cast<std::size_t>(cells) * dim);
    for (int i = 0; i < cells * dim; ++i) {
        p[static_cast<std::size_t>(i)] = n(rng);
        p[static_cast<std::size_t>(cells * dim + i)] = 2.5f * p[static_cast<std::size_t>(i)];  // length does not matter
    }
    auto a = CrossModalAlignment::evaluate(p, kChannels, g, dim, {}, 1234);
    QVERIFY2(a.ok(), qPrintable(a.errorString()));
    QCOMPARE(a->timeMs, 1234);
    QVERIFY(!a->onDiskKnown);
    QCOMPARE(int(a->channels.size()), 1);
    const ChannelAlignment &c = a->channels[0];
    QCOMPARE(c.channel, QStringLiteral("171"));
    QCOMPARE(c.onDiskCells, cells);
    for (int i = 0; i < cells; ++i) {
        QCOMPARE(c.rank[static_cast<std::size_t>(i)], 1);
        QVERIFY(std::abs(c.cosine[static_cast<std::size_t>(i)] - 1.0f) < 1e-5f);
    }
    QCOMPARE(c.fractionRank1, 1.0);
    QCOMPARE(c.meanRank, 1.0);
    QVERIFY(std::abs(c.meanCosine - 1.0) < 1e-5);
    QCOMPARE(c.rankChance, (cells + 1) / 2.0);
    const AlignmentPoint pt = CrossModalAlignment::summarise(*a);
    QCOMPARE(pt.fractionRank1, 1.0);
    QCOMPARE(pt.onDiskCells, cells);
}

void TestCrossModalAlignment::shiftedGridHasClosedFormRanks()
{
    // AIA shifted by 0.75 of a cell: for AIA cell (r, c) the HMI cell (r, c+1) is 0.25 cell away (cosine
    // (cos(2 pi 0.25/g) + 1)/2), the true match (r, c) 0.75 away, every other cell farther (another row costs at
    // least a whole cell): every rank is exactly 2, the same-place cosine (cos(2 pi 0.75/g) + 1)/2 everywhere.
    const int g = 8;
    auto a = CrossModalAlignment::evaluate(shiftedSet(g, 0.75), kChannels, g, 4, {});
    QVERIFY2(a.ok(), qPrintable(a.errorString()));
    const ChannelAlignment &c = a->channels[0];
    const double expected = (std::cos(2 * std::numbers::pi * 0.75 / g) + 1) / 2;
    for (int i = 0; i < g * g; ++i) {
        QCOMPARE(c.rank[static_cast<std::size_t>(i)], 2);
        QVERIFY(std::abs(c.cosine[static_cast<std::size_t>(i)] - expected) < 1e-6);
    }
    QCOMPARE(c.fractionRank1, 0.0);
    QCOMPARE(c.meanRank, 2.0);
    QVERIFY(std::abs(c.meanCosine - expected) < 1e-6);
    // 0.25 of a cell keeps the true match nearest.
    auto near = CrossModalAlignment::evaluate(shiftedSet(g, 0.25), kChannels, g, 4, {});
    QCOMPARE(near->channels[0].fractionRank1, 1.0);
}

void TestCrossModalAlignment::onDiskMaskPicksCandidatesAndSummary()
{
    // Only even columns on the disk. The 0.75-cell shift's nearer neighbour (c+1) of an even column is odd, so
    // off the disk and no candidate: every on-disk cell ranks 1. An odd (off-disk) cell still gets a rank among
    // the on-disk cells and itself: its neighbour c+1 is even, on the disk: rank 2. The summary counts the
    // on-disk cells only.
    const int g = 8;
    std::vector<uint8_t> mask(static_cast<std::size_t>(g * g), 0);
    for (int row = 0; row < g; ++row)
        for (int col = 0; col < g; col += 2)
            mask[static_cast<std::size_t>(row * g + col)] = 1;
    auto a = CrossModalAlignment::evaluate(shiftedSet(g, 0.75), kChannels, g, 4, mask);
    QVERIFY2(a.ok(), qPrintable(a.errorString()));
    QVERIFY(a->onDiskKnown);
    const ChannelAlignment &c = a->channels[0];
    QCOMPARE(c.onDiskCells, g * g / 2);
    for (int row = 0; row < g; ++row)
        for (int col = 0; col < g; ++col)
            QCOMPARE(c.rank[static_cast<std::size_t>(row * g + col)], col % 2 == 0 ? 1 : 2);
    QCOMPARE(c.fractionRank1, 1.0);
    QCOMPARE(c.rankChance, (g * g / 2 + 1) / 2.0);
    QCOMPARE(a->fractionRank1(), 1.0);
    // No cell on the disk: nothing to summarise (NaN), yet every cell has its values.
    auto none = CrossModalAlignment::evaluate(shiftedSet(g, 0.75), kChannels, g, 4,
                                              std::vector<uint8_t>(static_cast<std::size_t>(g * g), 0));
    QVERIFY(none.ok());
    QCOMPARE(none->channels[0].onDiskCells, 0);
    QVERIFY(std::isnan(none->channels[0].fractionRank1));
    QCOMPARE(none->channels[0].rank[0], 1);  // only itself to rank against
}

void TestCrossModalAlignment::tiesRankLast()
{
    // A degenerate encoder (one vector for every cell): every cell ties with every candidate and ranks last.
    const int g = 4, cells = g * g;
    std::vector<float> p(2 * static_cast<std::size_t>(cells) * 3, 0.0f);
    for (std::size_t i = 0; i < p.size(); i += 3)
        p[i] = 1.0f;
    auto a = CrossModalAlignment::evaluate(p, kChannels, g, 3, {});
    QVERIFY(a.ok());
    QCOMPARE(a->channels[0].meanRank, double(cells));
    QCOMPARE(a->channels[0].fractionRank1, 0.0);
    QVERIFY(std::abs(a->channels[0].meanCosine - 1.0) < 1e-6);  // agree perfectly, and tell nothing apart
}

void TestCrossModalAlignment::everyAiaChannelIsAligned()
{
    // hmi in the middle of three channels: 171 identical to it, 193 shifted by 0.75 cell.
    const int g = 6;
    std::vector<float> p;
    appendGrid(p, g, 0.0);   // 171
    appendGrid(p, g, 0.0);   // hmi
    appendGrid(p, g, 0.75);  // 193
    auto a = CrossModalAlignment::evaluate(p, {QStringLiteral("171"), QStringLiteral("hmi"), QStringLiteral("193")}, g, 4, {});
    QVERIFY2(a.ok(), qPrintable(a.errorString()));
    QCOMPARE(int(a->channels.size()), 2);
    QCOMPARE(a->channel(QStringLiteral("171"))->fractionRank1, 1.0);
    QCOMPARE(a->channel(QStringLiteral("193"))->fractionRank1, 0.0);
    QVERIFY(a->channel(QStringLiteral("hmi")) == nullptr);
    QCOMPARE(a->fractionRank1(), 0.5);
    const QJsonObject j = a->toJson();
    QCOMPARE(j[QStringLiteral("channels")][QStringLiteral("171")][QStringLiteral("fraction_rank1")].toDouble(), 1.0);
    QCOMPARE(j[QStringLiteral("channels")][QStringLiteral("193")][QStringLiteral("mean_rank")].toDouble(), 2.0);
    QCOMPARE(j[QStringLiteral("fraction_rank1")].toDouble(), 0.5);
}

void TestCrossModalAlignment::refusesWhatItCannotAlign()
{
    const int g = 4;
    const std::vector<float> p = shiftedSet(g, 0.0);
    auto noHmi = CrossModalAlignment::evaluate(p, {QStringLiteral("171"), QStringLiteral("193")}, g, 4, {});
    QVERIFY(!noHmi.ok());
    QVERIFY2(noHmi.errorString().contains(QStringLiteral("hmi")), qPrintable(noHmi.errorString()));
    auto onlyHmi = CrossModalAlignment::evaluate(std::vector<float>(p.begin(), p.begin() + g * g * 4),
                                                 {QStringLiteral("hmi")}, g, 4, {});
    QVERIFY(!onlyHmi.ok());
    QVERIFY2(onlyHmi.errorString().contains(QStringLiteral("AIA")), qPrintable(onlyHmi.errorString()));
    auto shape = CrossModalAlignment::evaluate(p, kChannels, g, 5, {});
    QVERIFY(!shape.ok());
    auto mask = CrossModalAlignment::evaluate(p, kChannels, g, 4, std::vector<uint8_t>(3, 1));
    QVERIFY(!mask.ok());
    QVERIFY2(mask.errorString().contains(QStringLiteral("mask")), qPrintable(mask.errorString()));
}

void TestCrossModalAlignment::timelineFromStoreIsSortedAndMatchesEachSet()
{
    QTemporaryDir dir = test::scratchDir();
    const int g = 4;
    EmbeddingStoreInfo info;
    info.modelHash = QStringLiteral("h");
    info.modelPath = QStringLiteral("/models/x.safetensors");
    info.channels = kChannels;
    info.dim = 4;
    info.grid = g;
    auto store = EmbeddingStore::openOrCreate(dir.path() + QStringLiteral("/store"), info);
    QVERIFY2(store.ok(), qPrintable(store.errorString()));
    // Stored out of time order, over two shards: shift 0 (rank 1 everywhere), 0.75 (rank 2), 0.25 (rank 1).
    auto record = [&](qint64 t, double shift) {
        EmbeddingRecord r;
        r.timeMs = t;
        r.files = {QStringLiteral("/nowhere/hmi.fits"), QStringLiteral("/nowhere/171.fits")};
        r.cls.assign(2 * 4, 0.5f);
        r.patches = shiftedSet(g, shift);
        return r;
    };
    QVERIFY(store->append({record(3000, 0.25), record(1000, 0.0)}).ok());
    QVERIFY(store->append({record(2000, 0.75)}).ok());
    std::vector<uint8_t> all(static_cast<std::size_t>(g * g), 1);
    int calls = 0;
    auto points = CrossModalAlignment::timelineFromStore(
        *store, [&](const EmbeddingRecord &) { ++calls; return all; },
        [](int done, int total) { return done <= total; });
    QVERIFY2(points.ok(), qPrintable(points.errorString()));
    QCOMPARE(calls, 3);
    QCOMPARE(int(points->size()), 3);
    QCOMPARE((*points)[0].timeMs, 1000);
    QCOMPARE((*points)[1].timeMs, 2000);
    QCOMPARE((*points)[2].timeMs, 3000);
    QCOMPARE((*points)[0].fractionRank1, 1.0);
    QCOMPARE((*points)[1].fractionRank1, 0.0);
    QCOMPARE((*points)[2].fractionRank1, 1.0);
    QCOMPARE((*points)[1].onDiskCells, g * g);
    QVERIFY(std::abs((*points)[1].meanCosine - (std::cos(2 * std::numbers::pi * 0.75 / g) + 1) / 2) < 1e-6);
    // The default mask comes from the files' headers: files that do not exist give no mask (every cell counts).
    QVERIFY(CrossModalAlignment::onDiskOfRecord(record(1, 0), info).empty());
    // Cancelled after the first set: what was done so far.
    auto first = CrossModalAlignment::timelineFromStore(*store, [&](const EmbeddingRecord &) { return all; },
                                                         [](int, int) { return false; });
    QVERIFY(first.ok());
    QCOMPARE(int(first->size()), 1);
}

QTEST_GUILESS_MAIN(TestCrossModalAlignment)
#include "tst_crossmodalalignment.moc"
