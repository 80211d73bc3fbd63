#pragma once
// The simple non-learned baseline every flare head is reported beside (issue 12): the total unsigned HMI flux of
// the set on the disk (core/map/DiskFlux: the classic full-disk predictor, one number per set), turned into a
// probability by a two-parameter logistic regression on log10(flux) fitted on the head's own labelled training
// rows (maximum likelihood by Newton's method, unweighted, so its probabilities keep the training base rate; a
// ridge of 1e-6 w^2 / 2 keeps a separable sample finite), its threshold the max-TSS one on the
// validation block like the heads'. No embedding, no image model: what a forecaster gets from a magnetogram
// alone.

#include "core/archive/ObservationSet.h"
#include "core/base/Expected.h"

#include <QJsonObject>

#include <vector>

namespace solarchip {

struct FluxBaseline {
    double mean = 0, spread = 1;  ///< of log10(flux / Mx) over the training rows
    double w = 0, b = 0;          ///< P = 1 / (1 + exp(-(w (log10 flux - mean) / spread + b)))
    double threshold = 0.5;       ///< max TSS on the validation rows
    int trainRows = 0, trainPositives = 0;

    bool valid() const { return trainRows > 0; }
    /// NaN for a flux that is not a positive number.
    double probability(double fluxMx) const;
    QJsonObject toJson() const;
    static FluxBaseline fromJson(const QJsonObject &json);  ///< invalid when absent

    /// Fits on rows `train` (labels `y` 0/1 per row of `flux`), threshold on rows `val`; rows without a flux are
    /// left out. Errors when the training rows with a flux hold no positive or no negative, or the validation
    /// rows with a flux are one-sided.
    static Expected<FluxBaseline> fit(const std::vector<double> &flux, const std::vector<int> &y, const std::vector<int> &train,
                                      const std::vector<int> &val);
};

/// The total unsigned flux (Mx, within 0.95 R_sun) of each set's HMI magnetogram, NaN where a set has none or it
/// cannot be read; `problem` gets the first reason (file and message) and `missing` the count of NaN.
/// `cacheFile` (an archive's .solarchip/disk_flux.json; empty: none): the flux of a file whose size and
/// modification time are those recorded there is read from it, not recomputed (a full-resolution magnetogram
/// takes most of a second to decompress); new values are added and the file rewritten atomically. A cache that
/// cannot be read is rebuilt; one that cannot be written is only reported in `problem` when nothing else is.
std::vector<double> diskFluxOfSets(const QVector<ObservationSet> &sets, QString *problem = nullptr, int *missing = nullptr,
                                   const QString &cacheFile = {});
/// The same for magnetogram files (an empty path: NaN, "no HMI magnetogram").
std::vector<double> diskFluxOfFiles(const QStringList &paths, QString *problem = nullptr, int *missing = nullptr,
                                    const QString &cacheFile = {});
/// The cache file diskFluxOfSets uses for an archive folder.
QString diskFluxCacheFile(const QString &archiveDir);

}  // namespace solarchip
