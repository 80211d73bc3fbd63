#pragma once
// Encoding co-temporal sets with a trained model (shared by `solarchip embed` and `solarchip eval-align`):
// each set is prepared by a Dataset opened with the model's PrepSpec (so the input matches training), every
// channel of the dataset is encoded by the model's backbone for that channel, and the CLS and patch vectors come
// back L2-normalised as EmbeddingRecords (channel order = the dataset's).

#include "core/base/Expected.h"
#include "models/data/Dataset.h"
#include "models/embeddings/EmbeddingStore.h"
#include "models/networks/TrainedModel.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace solarchip {

struct EncodeOptions {
    int batch = 8;    ///< sets encoded together
    int workers = 2;  ///< loader threads preparing sets
    /// When set, every set gets the dataset's joint augmentation drawn from augmentSeed + its index (the same
    /// transform for all channels of a set; eval-align's rotation probe).
    std::optional<AugmentSpec> augment;
    quint64 augmentSeed = 0;
    /// Called with each prepared sample (normalised planes) before it is encoded, in order (reference baselines).
    std::function<void(const Sample &)> onSample;
};

/// DatasetOptions that prepare sets exactly as `model` was trained (prep spec, channels). `channels` may pick a
/// subset of the model's channels (empty: all of them); archive/catalog/selection come from `base`.
Expected<DatasetOptions> datasetOptionsFor(const TrainedModel &model, const DatasetOptions &base,
                                           const QStringList &channels = {});

/// Encodes dataset.sets(split)[indices[i]] in order. `sink` receives each batch of records (return an error to
/// stop); a set that cannot be prepared is reported to `onWarning` and skipped.
Status encodeSets(const TrainedModel &model, const Dataset &dataset, Split split, const std::vector<int> &indices,
                  const EncodeOptions &options, const std::function<Status(std::vector<EmbeddingRecord> &&)> &sink,
                  const std::function<void(const QString &)> &onWarning = {});

/// Flags (grid^2, row-major as the tokens) of the model cells of `set` whose centre lies within `limit` solar
/// radii of the disk centre: the cell centres through core/map/ModelFrame (the Dataset's input geometry, built
/// from the reference member's header), the radius from its RSUN_OBS (or DSUN_OBS). Empty when the header
/// cannot be read or gives no radius. The one place eval-align's on-disk cells come from.
std::vector<uint8_t> onDiskCells(const ObservationSet &set, const PrepSpec &prep, int grid, double limit = 0.95);

/// The embeddings of one dataset channel from records made by encodeSets().
ChannelEmbeddings channelFromRecords(const std::vector<EmbeddingRecord> &records, int channelIndex, int channels,
                                     int patches, int dim);

}  // namespace solarchip
