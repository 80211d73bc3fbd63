#pragma once
// The pretraining dataset: co-temporal sets of an SDO archive (core/Catalog::completeSets) turned into model
// input, one sample per set: every channel prepared onto one common frame at model resolution (see
// DatasetSpec.h for the geometry and the normalisation), optionally augmented jointly, split by time with a gap.
//
// The geometry is the expensive part (reading and decompressing FITS, resampling), so each member's prepared
// image is kept in a versioned on-disk cache (DatasetCache.h) keyed by the file (path, size, mtime), the
// reference file it was co-registered to, the geometry parameters and the prep code version: the second
// epoch reads no FITS, and a changed file or changed parameters miss the cache instead of serving stale data.
//
// Thread safety: sample() and preparedMember() may be called from several threads at once (SampleLoader does);
// each call opens its own FITS handles. No torch here: samples are plain float arrays.

#include "core/archive/Catalog.h"
#include "core/base/Expected.h"
#include "core/base/Image.h"
#include "core/archive/ObservationSet.h"
#include "models/data/DatasetCache.h"
#include "models/data/DatasetSpec.h"

#include <QString>
#include <QStringList>
#include <QVector>

#include <functional>
#include <memory>
#include <vector>

namespace solarchip {

enum class Split { Train, Validation, All };
QString splitName(Split split);  ///< "train", "val", "all"

/// One prepared sample: `channels.size()` planes of side x side float32, channel-major, row 0 = FITS row 1.
struct Sample {
    qint64 timeMs = 0;    ///< the set's reference (anchor) time, UTC ms
    QStringList channels; ///< catalog keys, in the dataset's order
    QStringList files;    ///< the member file of each channel
    int side = 0;
    std::vector<float> data;
    /// Quarter turns applied to each channel after the joint augmentation (AugmentSpec::modalityQuarterTurns);
    /// empty when none were drawn.
    std::vector<int> quarterTurns;

    float *plane(int c) { return data.data() + static_cast<std::size_t>(c) * side * side; }
    const float *plane(int c) const { return data.data() + static_cast<std::size_t>(c) * side * side; }
};

struct DatasetOptions {
    QString archiveDir;
    QString catalogDb;          ///< empty: Catalog::locate(archiveDir)
    bool updateCatalog = true;  ///< bring the catalog up to date first (incremental; new files are read)
    SelectionSpec selection;
    /// selection.channels are a model's, not a demand: open() keeps, after its own scan, those of them the
    /// catalog lists (in order) when at least two are there and some are missing, so a 4-channel model runs on
    /// an archive of HMI + 171; channels() then says which. Resolved here rather than by the caller so the
    /// catalog is scanned once. Not part of a training run's recorded options (the model fixes its channels).
    bool onlyChannelsPresent = false;
    /// Called by open() when onlyChannelsPresent narrowed the channels: (wanted, kept). The CLI says it on stderr.
    std::function<void(const QStringList &wanted, const QStringList &kept)> onChannelsNarrowed;
    PrepSpec prep;
    SplitSpec split;
    bool useCache = true;
    QString cacheDir;           ///< empty: TensorCache::defaultDir(archiveDir)
};

class Dataset {
public:
    /// Opens (and by default updates) the archive's catalog, lists the complete co-temporal sets of the
    /// selected channels and splits them. Fails naming the archive when it has no complete set.
    static Expected<Dataset> open(const DatasetOptions &options);
    /// A dataset without a catalog and without sets, for preparing sets the caller builds (the set the GUI
    /// shows, files opened on their own) with sampleOf()/preparedMember(): the same prep as open() gives
    /// (models/inference/SetEncoding.h uses it, so a set is prepared exactly as in training). The cache lives in
    /// options.cacheDir, else TensorCache::defaultDir(options.archiveDir); none when both are empty or
    /// useCache is off. selection.channels may be empty.
    static Expected<Dataset> forPreparing(const DatasetOptions &options);

    Dataset(Dataset &&) noexcept;
    Dataset &operator=(Dataset &&) noexcept;
    ~Dataset();

    const DatasetOptions &options() const;
    const QStringList &channels() const;
    const QVector<ObservationSet> &sets(Split split) const;
    int size(Split split) const;

    /// The prepared, normalised sample of sets(split)[index]; with `augment`, the joint augmentation drawn from
    /// `augmentSeed` (the same seed gives the same transform). Errors name the member file and the problem.
    Expected<Sample> sample(Split split, int index, const AugmentSpec *augment = nullptr,
                            quint64 augmentSeed = 0) const;
    /// The same for any set (e.g. one the caller built), without augmentation.
    Expected<Sample> sampleOf(const ObservationSet &set) const;
    /// sampleOf() that also says, per channel and input pixel, whether the prepared image had data there (1)
    /// or was NaN before the NaN -> 0 step (0: outside the reference's field of view, e.g. beyond a cut-out):
    /// `hasData` gets [channels, side*side]. What callers use to tell cells without data from the Sun.
    Expected<Sample> sampleOf(const ObservationSet &set, std::vector<uint8_t> *hasData) const;
    /// Geometry only: member `member` of `set` on the common frame at model resolution, in physical units,
    /// NaN where there is no data. Goes through the cache.
    Expected<Image> preparedMember(const ObservationSet &set, int member) const;

    const TensorCache &cache() const;

    /// Splits sets (any order) by time: the latest `validationFraction` of them (at least one when the
    /// fraction is positive and there are >= 2 sets) become validation; training keeps the sets earlier than
    /// (first validation time - gap). Both outputs are sorted by time.
    static void splitByTime(const QVector<ObservationSet> &sets, const SplitSpec &spec,
                            QVector<ObservationSet> *train, QVector<ObservationSet> *validation);

    class Impl;

private:
    explicit Dataset(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

/// The member of `set` the common frame is built on: spec.referenceChannel when the set has it, else the first AIA
/// member, else the first member (the one rule the Dataset and the app's set encoding share).
int referenceMemberIndex(const ObservationSet &set, const PrepSpec &spec);

}  // namespace solarchip
