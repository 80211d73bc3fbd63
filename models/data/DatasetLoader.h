#pragma once
// Background loading of samples: `workers` threads prepare the requested samples (Dataset::sample, so FITS
// reading, resampling and cache I/O run in parallel) while the consumer takes them strictly in request order.
// The order, and each sample's augmentation seed, are fixed by the caller, so what the consumer sees does not
// depend on thread timing: training stays deterministic with any number of workers.
// At most `prefetch` samples are held ahead of the consumer. Destroying the loader stops the workers.

#include "models/data/Dataset.h"

#include <memory>
#include <optional>
#include <vector>

namespace solarchip {

struct SampleRequest {
    int index = 0;          ///< into dataset.sets(split)
    bool augment = false;
    quint64 augmentSeed = 0;
};

struct LoadedSample {
    int position = 0;  ///< position in the request list
    SampleRequest request;
    Expected<Sample> sample = Error{};
};

class SampleLoader {
public:
    /// `dataset` must outlive the loader. workers <= 0 loads on the consumer's thread (no threads).
    SampleLoader(const Dataset &dataset, Split split, std::vector<SampleRequest> requests, const AugmentSpec &augment,
                 int workers = 2, int prefetch = 8);
    ~SampleLoader();
    SampleLoader(const SampleLoader &) = delete;
    SampleLoader &operator=(const SampleLoader &) = delete;

    /// The next sample in request order (waits for it); nullopt after the last one.
    std::optional<LoadedSample> next();
    int total() const;

private:
    struct State;
    std::unique_ptr<State> d;
};

/// The training order of one epoch: a permutation of 0..n-1 drawn from (seed, epoch) by a Fisher-Yates shuffle
/// on a counter-based generator (identical on every platform).
std::vector<int> epochPermutation(int n, quint64 seed, int epoch);

/// A training order whose consecutive groups of `batch` come from one window of `window` consecutive sets (the
/// training sets are in time order): the sets are cut into windows of `window` (rounded up to a multiple of
/// `batch`), each window is shuffled, and the full windows are visited in a shuffled order (a short remainder last). Every set appears once per
/// epoch, as with epochPermutation; window <= batch (or <= 0) gives exactly epochPermutation. Contrastive batches
/// of nearby times are hard negatives: random batches spanning years are told apart by the solar cycle's activity
/// level alone, which teaches the CLS nothing about the configuration of the disk.
std::vector<int> epochOrderTimeLocal(int n, int batch, int window, quint64 seed, int epoch);

}  // namespace solarchip
