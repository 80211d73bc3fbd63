#pragma once
// One co-temporal set (or a single map) encoded by a trained model, with the geometry that puts every model cell
// back on the Sun: what the similarity heatmaps, the cross-modal alignment view and the archive search of the
// GUI and the `solarchip similarity` command are computed from. No torch here.
//
// The set is prepared exactly as the model was trained: a Dataset made with datasetOptionsFor(model) (the
// model's PrepSpec: the common frame of the reference member, the value normalisation), i.e. the one prep path
// of training, `embed` and `eval-align`. The cells' geometry is core/map/ModelFrame of the same reference
// member, so cell (row, col) <-> helioprojective arcsec is the geometry the model saw.
//
// Partial inputs are handled, never padded: a set may hold only some of the model's channels (a single AIA
// map opened on its own: self-similarity in its channel only), and the reference may be a cut-out, whose
// model frame then covers only part of the disk (or, because the frame is re-centred on the disk centre, the
// cut-out covers only part of the frame). Cells whose input had no data (NaN before the NaN -> 0 step of the
// prep) are flagged in `hasData`; the similarity helpers give them NaN and leave them out of the top-k, and
// `note` says in words what the frame covers.
//
// Conventions: cells are token indices row*grid + col, row 0 = the south edge (first image row), col 0 = east
// (as core/map/ModelFrame); vectors are unit length, so a dot product is a cosine similarity.

#include "core/archive/ObservationSet.h"
#include "core/base/Expected.h"
#include "core/map/ModelFrame.h"

#include <QPointF>
#include <QString>
#include <QStringList>

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>
#include <vector>

namespace solarchip {

struct TrainedModel;

struct SetEmbeddings {
    QString modelHash;
    QStringList channels;   ///< catalog keys encoded, in the model's channel order (a subset for partial sets)
    int grid = 0;           ///< cells per side
    int dim = 0;            ///< vector length
    qint64 timeMs = 0;      ///< the set's reference time (UTC ms)
    QStringList files;      ///< the member file of each channel
    std::vector<float> cls;      ///< [C, dim], unit
    std::vector<float> patches;  ///< [C, grid*grid, dim], unit, row 0 = south as the model grid
    /// [grid*grid]: the cell centre lies within 0.95 solar radii of the disk centre (empty without a radius).
    std::vector<uint8_t> onDisk;
    /// [C, grid*grid]: the channel's prepared input had data over at least half of the cell (0: outside the
    /// reference's field of view or the member's data; such a cell's embedding describes zeros, not the Sun).
    std::vector<uint8_t> hasData;

    // ---- model-frame geometry --------------------------------------------------------------------------
    std::optional<ModelFrame> frame;  ///< the model-input geometry (cell <-> helioprojective, any map's WCS)
    std::vector<QPointF> cellCentreHpc;                 ///< [grid*grid] arcsec (NaN where WCSLIB has none)
    std::vector<std::array<QPointF, 4>> cellCornersHpc; ///< [grid*grid] SE, SW, NW, NE corners in arcsec
    double rsunArcsec = 0;      ///< apparent solar radius of the reference (0: unknown)
    double diskCoverage = 1;    ///< fraction of the solar disk inside the model frame where the reference has data
    double frameDataFraction = 1;  ///< fraction of the frame's cells with data in the reference channel
    QString note;  ///< what the user should know (partial disk, channels missing, byte-scaled input); empty: none
    double prepSeconds = 0, encodeSeconds = 0;  ///< where the time went (reports, benchmarks)

    int cells() const { return grid * grid; }
    /// Index of a channel in `channels`, -1 when absent.
    int channelIndex(const QString &channel) const { return static_cast<int>(channels.indexOf(channel)); }
    /// The unit patch vector of `cell` in channel `c` (dim floats).
    const float *patch(int c, int cell) const
    {
        return patches.data() + (static_cast<std::size_t>(c) * cells() + static_cast<std::size_t>(cell)) * dim;
    }
    bool cellHasData(int c, int cell) const
    {
        return hasData.empty() || hasData[static_cast<std::size_t>(c) * cells() + static_cast<std::size_t>(cell)] != 0;
    }
    /// The cell at a helioprojective point (row*grid + col), -1 outside the model frame.
    int cellAt(QPointF hpc) const;
    /// The cells whose centres lie in the helioprojective box centred on `hpc` (width x height arcsec); at
    /// least the cell under `hpc` when it is inside the frame. Empty outside the frame.
    std::vector<int> cellsInBox(QPointF hpc, double width, double height) const;
    /// The cell's centre as [row, col].
    ModelCell cellOf(int cell) const { return grid > 0 ? ModelCell{cell / grid, cell % grid} : ModelCell{}; }
};

struct EncodeSetOptions {
    /// Model channels to encode; empty: every model channel the set has a member of (in the model's order).
    QStringList channels;
    /// Fail unless the set has a member for every channel asked for (`channels`, or all the model's).
    bool requireAll = false;
    /// The prep cache (models/data/DatasetCache): cacheDir, else the archive's default cache folder; none when
    /// both are empty or useCache is off.
    QString archiveDir;
    QString cacheDir;
    bool useCache = true;
    double onDiskLimit = 0.95;
    /// Checked between the steps (prep, each channel): when it becomes true the call fails with "cancelled".
    const std::atomic<bool> *cancel = nullptr;
};

/// Prepares `set` as `model` was trained and encodes every channel asked for. Errors name the file and the
/// problem (a channel the model lacks, a member that cannot be read, no member of the model's channels).
Expected<SetEmbeddings> encodeObservationSet(const TrainedModel &model, const ObservationSet &set,
                                             const EncodeSetOptions &options = {});

/// A set of files opened on their own (no archive): each file's header gives its channel and time; the
/// reference time is the first file's. Fails naming a file that is not an SDO map or a channel given twice.
Expected<ObservationSet> observationSetOfFiles(const QStringList &paths);

// ---- similarity ---------------------------------------------------------------------------------------------

/// The query vector of `cells` of channel `c`: their mean, scaled to unit length (one cell: its own vector).
std::vector<float> queryVector(const SetEmbeddings &e, int c, const std::vector<int> &cells);

/// Per channel (e.channels order), grid*grid cosine similarities of `query` (dim floats) to every cell;
/// NaN where the channel had no data. Row 0 = south, as the model grid.
std::vector<std::vector<float>> similarityMaps(const SetEmbeddings &e, const std::vector<float> &query);

struct CellMatch {
    int cell = -1;      ///< row*grid + col
    QPointF hpc;        ///< the cell centre, arcsec
    float score = 0;    ///< cosine similarity
};

/// The k best cells of one similarity map (NaN cells left out; `onDiskOnly` also leaves out off-disk cells),
/// best first, ties by cell index.
std::vector<CellMatch> topMatches(const SetEmbeddings &e, const std::vector<float> &map, int k, bool onDiskOnly = false);

}  // namespace solarchip
