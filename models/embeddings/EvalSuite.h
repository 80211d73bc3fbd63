#pragma once
// The evaluation suite of `solarchip eval-align --suite` (issue 10): every question asked in both directions
// (AIA query -> HMI candidates and HMI query -> AIA candidates), each with its number of queries and a 95%
// interval, on-disk cells only for the patch questions, and each figure next to a chance level. Pure functions
// over embedding matrices (no torch, no archive), so tests feed constructed embeddings with known answers.
//
// Questions (C = global CLS, P = patch cells; "sets" are positions into the embedding arrays):
//  C1 cls_batch_top1            within random batches of `batchSize` sets, is the same set's other modality the
//                               nearest CLS? (the training loss's question; chance 1/batchSize)
//  C2 cls_top1_spaced, cls_recall5_spaced, cls_mrr_spaced
//                               retrieval among sets far apart in time (the caller picks them: spacedSubset())
//  C3 cls_top1_within3d         a hit when the nearest CLS belongs to a set within +-3 days of the query's
//  P1 pat_day_top1              per on-disk cell, is the same cell of the same set the nearest among that cell
//                               in every set (the fixed-position loss's question)
//  P2 day_top1_by_patches       the set whose on-disk cells have the highest mean cosine with the query's
//     patch_top1_ondisk         within one set, is the same on-disk cell the nearest among the other modality's
//                               on-disk cells; ..._other_time_ondisk asks it with another set's cells (chosen by
//                               time, partnerByTime()): cells matched by content score near chance there.
// Ranks are 1-based and pessimistic on ties (an equally similar wrong candidate counts above the right one).
// Intervals: Wilson score interval (z = 1.95996) for the proportions; mean +- 1.95996 s/sqrt(n) for the MRR.
// Both treat queries as independent, which they are not quite (the two directions share pairs, C1 batches
// reuse sets), so the intervals are a lower bound on the real uncertainty.

#include <QJsonObject>
#include <QString>

#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "models/embeddings/EvalAlign.h"

namespace solarchip {

/// Per-query outcomes of one direction: a sum of values (0/1 for hits, 1/rank for the MRR) and of squares.
struct Tally {
    double sum = 0;
    double sumSq = 0;
    long long n = 0;
    void add(double v)
    {
        sum += v;
        sumSq += v * v;
        ++n;
    }
    double mean() const { return n > 0 ? sum / static_cast<double>(n) : 0.0; }
};

/// One suite metric: both directions, or unavailable with the reason.
struct SuiteMetric {
    bool available = false;
    QString reason;       ///< why the archive does not support it (when !available)
    bool binary = true;   ///< proportions (Wilson interval); false: a mean of 1/rank (normal interval)
    Tally aiaToHmi;       ///< AIA queries, HMI candidates
    Tally hmiToAia;       ///< HMI queries, AIA candidates
    double chance = 0;    ///< the expected value for unrelated embeddings

    double mean() const { return 0.5 * (aiaToHmi.mean() + hmiToAia.mean()); }
    static SuiteMetric unavailable(const QString &why);
};

/// Everything the suite needs about the encoded sets. Embedding arrays hold every set; the index lists pick
/// the sets of each question.
struct SuiteInput {
    const ChannelEmbeddings *hmi = nullptr;
    const ChannelEmbeddings *aia = nullptr;
    std::vector<qint64> timesMs;                 ///< per set
    std::vector<std::vector<uint8_t>> onDisk;    ///< per set, grid^2 flags (1: cell centre on the disk); empty: unknown
    std::vector<int> evaluated;                  ///< the sets of C1, C3, P1, P2 and the patch questions
    std::vector<int> spaced;                     ///< the sets of C2 (spacedSubset() of the candidates)
    QString spacedReason;                        ///< why C2 is unavailable when spaced.size() < 2
    std::vector<int> otherTime;                  ///< per evaluated position: the partner set, or -1 (partnerByTime)
};

struct SuiteOptions {
    int batches = 200;
    int batchSize = 16;
    quint64 seed = 1;
    double withinDays = 3.0;
};

class EvalSuite {
public:
    // Metric functions. `sets` are positions into the embedding arrays; rows need not be unit vectors.
    static SuiteMetric clsBatchTop1(const ChannelEmbeddings &hmi, const ChannelEmbeddings &aia, const std::vector<int> &sets,
                                    int batches, int batchSize, quint64 seed);
    /// C2: {top1, recall@5, MRR}.
    static std::vector<SuiteMetric> clsRetrieval(const ChannelEmbeddings &hmi, const ChannelEmbeddings &aia,
                                                 const std::vector<int> &sets);
    static SuiteMetric clsWithinDays(const ChannelEmbeddings &hmi, const ChannelEmbeddings &aia, const std::vector<int> &sets,
                                     const std::vector<qint64> &timesMs, double days);
    static SuiteMetric patDayTop1(const ChannelEmbeddings &hmi, const ChannelEmbeddings &aia, const std::vector<int> &sets,
                                  const std::vector<std::vector<uint8_t>> &onDisk);
    static SuiteMetric dayTop1ByPatches(const ChannelEmbeddings &hmi, const ChannelEmbeddings &aia,
                                        const std::vector<int> &sets, const std::vector<std::vector<uint8_t>> &onDisk);
    /// AIA cells of sets[k] against HMI cells of partners[k] (and the reverse); partners[k] < 0 skips k.
    static SuiteMetric patchTop1OnDisk(const ChannelEmbeddings &hmi, const ChannelEmbeddings &aia,
                                       const std::vector<int> &sets, const std::vector<int> &partners,
                                       const std::vector<std::vector<uint8_t>> &onDisk);

    /// Every suite key (see putMetric) for one set of embeddings.
    static QJsonObject evaluate(const SuiteInput &input, const SuiteOptions &options);
    /// Writes K (mean of the directions), K_n, K_ci95, K_chance, K_aia_to_hmi, K_hmi_to_aia and their _n/_ci95;
    /// an unavailable metric writes K: null and K_reason.
    static void putMetric(QJsonObject &out, const QString &key, const SuiteMetric &metric);

    /// 95% Wilson score interval of k successes in n trials.
    static std::pair<double, double> wilson95(double k, long long n);

    // Set selection (on set times, before encoding).
    /// Greedy in time order: the first set, then every next set at least `minSpacingMs` after the last kept.
    static std::vector<int> spacedSubset(const std::vector<qint64> &timesMs, qint64 minSpacingMs);
    /// How far the Sun turned between consecutive sets, as seen from Earth: the Stonyhurst longitude shift of a
    /// feature at `latitudeDeg` (Snodgrass rates, core/map/DifferentialRotation) from each set to the next, folded
    /// to [-180, 180). A spacing near a multiple of the synodic rotation (27-28 d at active latitudes: 660 h is
    /// one) shows consecutive sets the same longitudes, so long-lived regions and active longitudes sit in the
    /// same place and the spaced CLS question asks the model to tell apart near-duplicates.
    struct LongitudeShifts {
        int pairs = 0;
        double latitudeDeg = 15.0;
        double withinDeg = 20.0;
        double medianAbsDeg = std::numeric_limits<double>::quiet_NaN();
        double minAbsDeg = std::numeric_limits<double>::quiet_NaN();
        int pairsWithin = 0;  ///< consecutive pairs whose |shift| < withinDeg
        std::vector<double> shiftsDeg;
    };
    static LongitudeShifts longitudeShifts(std::vector<qint64> timesMs, double latitudeDeg = 15.0, double withinDeg = 20.0);
    /// For each query time, the candidate whose time is nearest to query + offset (or, when none lies within
    /// the tolerance there, query - offset); -1 when neither lies within `toleranceMs`.
    static std::vector<int> partnerByTime(const std::vector<qint64> &queryTimesMs, const std::vector<qint64> &candidateTimesMs,
                                          qint64 offsetMs, qint64 toleranceMs);
};

}  // namespace solarchip
