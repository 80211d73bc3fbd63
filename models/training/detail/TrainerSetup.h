#pragma once
// The free-standing steps of Trainer::create (models/training/Trainer.cpp): which options a run goes by, the
// model configuration they describe, and the optimizer over a network's parameters.

#include "core/base/Expected.h"
#include "models/networks/ModelConfig.h"
#include "models/networks/detail/SolarChipNet.h"
#include "models/training/Trainer.h"

#include <torch/torch.h>

#include <QJsonObject>

#include <memory>

namespace solarchip::detail {

/// The options a run goes by: `options`, or on resume those saved in RUN/run.json with the epochs/max_steps
/// `overrides` and this invocation's stopAtStep. Refuses a run folder that holds a run unless resuming, and
/// options with nothing to do. runDir comes back absolute; `resuming` says whether a checkpoint will be restored.
Expected<TrainerOptions> effectiveTrainerOptions(TrainerOptions options, bool resume, const QJsonObject &overrides,
                                                 bool *resuming);

/// The model configuration: the preset (or the custom backbone) for the selected channels, with the topology
/// and the loss weights.
Expected<SolarChipConfig> trainerModelConfig(const TrainerOptions &options);

/// AdamW over two parameter groups: biases, norms, class/positional embeddings and the temperatures are not
/// decayed (decaying the log temperatures would pull them towards 1).
std::unique_ptr<torch::optim::AdamW> makeTrainerOptimizer(SolarChipNetImpl &net, const TrainerOptions &options);

}  // namespace solarchip::detail
