#pragma once
// Flare-forecast targets and honest time-block splits (issue 12), torch-free so tests and the GUI share them.
//
// Target: for a sample time t, the largest GOES class peaking in [t, t + window) (FlareList::strongestIn, the
// field's convention), as the binary >=C or >=M question or the 4-class form quiet/C/M/X of the research
// repository. Persistence looks back the same window: [t - window, t).
//
// Splits: the span of the sample times is cut into consecutive blocks of `blockDays`, assigned to train /
// validation / test by a fixed repeating pattern (train, train, val, train, test: 60/20/20), so every split
// samples every phase of the run. Where two neighbouring blocks belong to different splits, the samples of the
// last `bufferDays` (at least the label window; 27 days, one solar rotation, by default as P-CNN does) of the
// earlier block are dropped: a label window looks forward, so no flare is counted on both sides of a boundary
// and the same active region is not seen on both sides within one rotation. The split is written with every
// run (toJson) so a result can be traced to the exact samples.

#include "core/archive/FlareList.h"
#include "core/base/Expected.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QVector>

#include <vector>

namespace solarchip {

enum class FlareTarget { GeC, GeM, FourClass };

/// "C" / "M" / "4class" (case-insensitive); nullopt for anything else.
std::optional<FlareTarget> flareTargetFromString(const QString &text);
QString flareTargetName(FlareTarget target);  ///< "C", "M", "4class"
/// 2 for the binary targets, 4 for 4-class.
int flareTargetClasses(FlareTarget target);

/// 0 quiet (below C1.0 or no flare), 1 C, 2 M, 3 X, from a peak flux (W/m^2).
int flareClassIndex(double peakFlux);
/// The target label of a 4-class index: binary targets give 0/1, 4-class the index itself.
int flareLabelOf(int classIndex, FlareTarget target);
/// Classes of the strongest flare in [t, t + window) for each time (0 when none).
QVector<int> flareWindowClasses(const FlareList &list, const QVector<QDateTime> &times, qint64 windowSeconds);
/// Classes of the strongest flare in [t - window, t) (persistence).
QVector<int> flarePastClasses(const FlareList &list, const QVector<QDateTime> &times, qint64 windowSeconds);

/// How the targets fall on an archive's sample times, before anything is trained: how many times have a >=C
/// and a >=M flare within the window after them (the base rates a forecaster is scored against), and how many
/// flares of each class peak in [first time, last time + window), the span those labels look at.
struct FlareTargetBalance {
    int samples = 0;
    int positiveC = 0, positiveM = 0;  ///< times with a >=C / >=M flare in [t, t + window)
    int flaresC = 0, flaresM = 0, flaresX = 0;
};
FlareTargetBalance flareTargetBalance(const FlareList &list, const QVector<QDateTime> &times, qint64 windowSeconds);

enum class FlareSplitPart { Train = 0, Validation = 1, Test = 2, Buffer = 3 };
QString flareSplitPartName(FlareSplitPart part);

struct FlareSplitOptions {
    double blockDays = 60;    ///< block length
    double bufferDays = 27;   ///< dropped at the end of a block followed by one of another split (raised to the window)
    qint64 windowSeconds = 86400;
};

struct FlareSplit {
    FlareSplitOptions options;
    QVector<FlareSplitPart> part;  ///< per sample, in the order of the times given
    struct Block {
        QDateTime start, end;  ///< [start, end)
        FlareSplitPart part = FlareSplitPart::Train;
    };
    QVector<Block> blocks;

    /// Sample indices of one part, in time order of the input.
    std::vector<int> indices(FlareSplitPart p) const;
    /// Blocks, options and counts per part (positives per part when `labels` is given; label > 0 = positive).
    QJsonObject toJson(const QVector<int> &labels = {}) const;
};

/// The options that cut a span of `spanDays` into `blocks` blocks, for archives shorter than the default split's
/// five 60-day blocks: blocks a hair over span / blocks (the last sample still falls in the last block), buffers
/// as long as the label window at least and a quarter block at most (capped at the default 27 days) unless the
/// window needs more. The buffer may then reach the block: the caller decides what to do with such a span.
FlareSplitOptions flareSplitOfSpan(double spanDays, int blocks, double windowHours);

/// The time-block split of `times` (any order). Errors when the span is too short for three blocks.
Expected<FlareSplit> makeFlareSplit(const QVector<QDateTime> &times, const FlareSplitOptions &options);

/// A fraction of the training samples drawn by time blocks: the training samples (time-ordered) are grouped in
/// runs of `chunkDays`, and round(fraction * runs) runs (at least one) are drawn with `seed`. fraction >= 1
/// returns them all.
std::vector<int> drawLabelFraction(const QVector<QDateTime> &times, const std::vector<int> &train, double fraction,
                                   quint64 seed, double chunkDays = 3);

}  // namespace solarchip
