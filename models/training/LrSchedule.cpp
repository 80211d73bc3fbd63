#include "models/training/LrSchedule.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace solarchip {

double LrSchedule::at(long long step) const
{
    if (step < 0)
        step = 0;
    if (warmupSteps > 0 && step < warmupSteps)
        return peakLr * static_cast<double>(step + 1) / static_cast<double>(warmupSteps);
    const long long span = std::max<long long>(1, totalSteps - warmupSteps);
    const double p = std::clamp(static_cast<double>(step - warmupSteps) / static_cast<double>(span), 0.0, 1.0);
    return minLr + (peakLr - minLr) * 0.5 * (1.0 + std::cos(std::numbers::pi * p));
}

QJsonObject LrSchedule::toJson() const
{
    return QJsonObject{{QStringLiteral("peak_lr"), peakLr},
                       {QStringLiteral("min_lr"), minLr},
                       {QStringLiteral("warmup_steps"), static_cast<double>(warmupSteps)},
                       {QStringLiteral("total_steps"), static_cast<double>(totalSteps)}};
}

LrSchedule LrSchedule::fromJson(const QJsonObject &json)
{
    LrSchedule s;
    s.peakLr = json.value(QStringLiteral("peak_lr")).toDouble(s.peakLr);
    s.minLr = json.value(QStringLiteral("min_lr")).toDouble(s.minLr);
    s.warmupSteps = static_cast<long long>(json.value(QStringLiteral("warmup_steps")).toDouble(0));
    s.totalSteps = static_cast<long long>(json.value(QStringLiteral("total_steps")).toDouble(1));
    return s;
}

}  // namespace solarchip
