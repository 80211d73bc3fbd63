#pragma once
// The learning-rate schedule of pretraining: linear warmup from peakLr/warmupSteps to peakLr over the first
// warmupSteps optimizer steps, then a half cosine from peakLr down to minLr at totalSteps (and minLr after).
// Stepped per optimizer step, not per epoch: the research code stepped a cosine per epoch without warmup,
// which on short runs leaves the first epoch at the full rate on freshly initialised temperatures.

#include <QJsonObject>

namespace solarchip {

struct LrSchedule {
    double peakLr = 3e-4;
    double minLr = 0.0;
    long long warmupSteps = 0;
    long long totalSteps = 1;

    /// The rate used by optimizer step `step` (0-based):
    ///   step < warmup:  peak * (step + 1) / warmup
    ///   otherwise:      min + (peak - min) * (1 + cos(pi * p)) / 2,  p = clamp((step - warmup) / (total - warmup), 0, 1)
    double at(long long step) const;

    QJsonObject toJson() const;
    static LrSchedule fromJson(const QJsonObject &json);
};

}  // namespace solarchip
