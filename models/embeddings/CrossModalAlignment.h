#pragma once
// The cross-modal alignment of one co-temporal set, cell by cell: what the app's alignment view shows (issue 11).
// For every model cell and every AIA channel of the set:
//   cosine  the cosine similarity of the AIA cell's patch embedding to the HMI cell's at the same place;
//   rank    the 1-based rank of that true match among the HMI cells on the disk (the same cell counted in
//           even when it lies off the disk, so every cell has a rank to draw): 1 = the HMI cell at the same
//           place is the nearest, i.e. the two instruments' embeddings agree there.
// Per set the summary is taken over the on-disk cells only (the cell centre within 0.95 solar radii, the
// mask eval-align uses: models/embeddings/EmbedSets.h onDiskCells): the mean same-place cosine and the fraction
// of cells whose true match is rank 1. For on-disk cells this is exactly EvalSuite's patch_top1_ondisk question
// in the AIA -> HMI direction asked within one set. Ranks are pessimistic on ties (an equally similar wrong cell
// counts above the right one, NaN counts against), as in EvalAlign, so a degenerate encoder ranks last.
//
// Pure functions over plain arrays (no torch): the app feeds the embeddings its inference worker made for the
// set on screen, the timeline feeds every record of an EmbeddingStore (what `solarchip embed` wrote), and the
// tests feed constructed embeddings with known answers. Grid convention as everywhere: cell (row, col) is
// index row*g + col, row 0 = south (the first image row), col 0 = east.

#include "core/base/Expected.h"
#include "models/embeddings/EmbeddingStore.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

namespace solarchip {

/// One AIA channel against HMI in one set.
struct ChannelAlignment {
    QString channel;             ///< the AIA channel key ("171")
    std::vector<float> cosine;   ///< [g*g] same-place cosine
    std::vector<int> rank;       ///< [g*g] rank of the same-place HMI cell (1 = nearest)
    int onDiskCells = 0;         ///< cells the summary is taken over
    double meanCosine = std::numeric_limits<double>::quiet_NaN();     ///< over on-disk cells
    double fractionRank1 = std::numeric_limits<double>::quiet_NaN();  ///< over on-disk cells
    double meanRank = std::numeric_limits<double>::quiet_NaN();       ///< over on-disk cells
    double rankChance = 0;       ///< the mean rank of unrelated embeddings: (n+1)/2 for n on-disk cells
};

/// Every AIA channel of one set against its HMI member.
struct SetAlignment {
    qint64 timeMs = 0;
    int grid = 0;
    QString hmiChannel;
    /// false when no disk mask was given (a header without a solar radius): every cell was counted as on disk.
    bool onDiskKnown = true;
    std::vector<uint8_t> onDisk;          ///< [g*g] the mask the summaries used
    std::vector<ChannelAlignment> channels;  ///< one per AIA channel, in the input's channel order

    const ChannelAlignment *channel(const QString &key) const;
    /// Means over the AIA channels (NaN without channels or on-disk cells).
    double meanCosine() const;
    double fractionRank1() const;
    /// Keys: time_ms, grid, hmi_channel, on_disk_known, channels: {C: {mean_cosine, fraction_rank1, mean_rank,
    /// rank_chance, on_disk_cells}}, mean_cosine, fraction_rank1.
    QJsonObject toJson() const;
};

/// A set's summary: one point of the alignment timeline.
struct AlignmentPoint {
    qint64 timeMs = 0;
    double meanCosine = std::numeric_limits<double>::quiet_NaN();     ///< mean over the AIA channels
    double fractionRank1 = std::numeric_limits<double>::quiet_NaN();  ///< mean over the AIA channels
    int onDiskCells = 0;
};

class CrossModalAlignment {
public:
    /// `patches` holds [C, g*g, D] floats (row-major; rows need not be unit vectors), one block per entry of
    /// `channels` (catalog keys). `hmiChannel` must be one of them; every other channel is taken for an AIA
    /// channel. `onDisk` has g*g flags, or is empty when unknown (then every cell counts as on disk). Fails for
    /// a missing HMI channel, no AIA channel, or arrays that do not match their shape.
    static Expected<SetAlignment> evaluate(const std::vector<float> &patches, const QStringList &channels, int grid,
                                           int dim, const std::vector<uint8_t> &onDisk, qint64 timeMs = 0,
                                           const QString &hmiChannel = QStringLiteral("hmi"));
    static AlignmentPoint summarise(const SetAlignment &alignment);

    /// The on-disk flags of a stored set, from its files' headers (EmbedSets' onDiskCells for the set the record
    /// names, with the store's prep and grid); empty when the headers cannot be read or give no radius.
    static std::vector<uint8_t> onDiskOfRecord(const EmbeddingRecord &record, const EmbeddingStoreInfo &info);

    /// One point per stored set, in time order. `onDiskOf` gives each record's mask (default: onDiskOfRecord).
    /// `progress(done, total)` may return false to stop (the points so far are returned). The store must have an
    /// HMI channel and an AIA channel.
    static Expected<std::vector<AlignmentPoint>> timelineFromStore(
        const EmbeddingStore &store,
        const std::function<std::vector<uint8_t>(const EmbeddingRecord &)> &onDiskOf = {},
        const std::function<bool(int, int)> &progress = {});
};

}  // namespace solarchip
