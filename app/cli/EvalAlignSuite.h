#pragma once
// `solarchip eval-align --suite`: picks the sets of each question (models/embeddings/EvalSuite.h), encodes
// them with the model, with an untrained re-initialisation of it and jointly rotated (the rotation probe),
// builds the non-learned reference embeddings from the same prepared input, and returns every suite key.
// Kept apart from CmdEvalAlign.cpp so the command's option handling stays small.

#include "core/base/Expected.h"
#include "models/data/Dataset.h"
#include "models/networks/TrainedModel.h"

#include <QJsonObject>

#include <vector>

namespace solarchip::cli {

struct SuiteRunOptions {
    double minSpacingHours = 648;   ///< C2: sets at least this far apart
    double otherTimeDays = 13.6;    ///< patch_top1_other_time_ondisk: the partner this far away (half a rotation)
    double otherTimeToleranceDays = 2.0;
    /// > 0: the per-day questions (C1, C3, P1, P2, patch) use this many consecutive daily sets (the first
    /// held-out set of each UTC day, from the start) instead of `evaluated`; the spaced and other-time sets
    /// still come from every candidate. Lets one run answer both kinds on a multi-year archive.
    int dailySets = 0;
    quint64 untrainedSeed = 0;
    int batch = 8;
};

/// `candidates`: held-out set indices (Split::All); `evaluated`: the subset the per-day questions use.
/// Returns the suite keys (model's at the top level, "baselines", "rotation_probe", "suite" notes).
Expected<QJsonObject> runEvalSuite(const TrainedModel &model, const Dataset &dataset, const std::vector<int> &candidates,
                                   const std::vector<int> &evaluated, const SuiteRunOptions &options,
                                   long long *skipped);

}  // namespace solarchip::cli
