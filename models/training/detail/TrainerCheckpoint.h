#pragma once
// The resume checkpoint of a training run (RUN/checkpoint.pt): a LibTorch archive holding
//   "model"        every parameter and buffer (Module::save)
//   "optimizer"    the AdamW state (step counts, first and second moments per parameter, param groups)
//   "trainer_json" the trainer's own state as UTF-8 JSON bytes (step, epoch, position in the epoch, best
//                  validation loss, schedule, counters)
//   "rng_cpu"      the default CPU generator state; "rng_cuda" the CUDA one when training on CUDA
// written to memory, then to disk atomically (temporary in the same folder, fsync, rename, fsync of the
// folder), so a kill at any moment leaves either the previous checkpoint or the new one, never a mix.
#include "core/base/Expected.h"

#include <torch/torch.h>

#include <QJsonObject>
#include <QString>

namespace solarchip::detail {

Status saveTrainingCheckpoint(const QString &path, torch::nn::Module &net, torch::optim::Optimizer &optimizer,
                              const QJsonObject &trainerState, const torch::Device &device);

/// Restores model, optimizer and RNG states in place; returns the trainer state.
Expected<QJsonObject> loadTrainingCheckpoint(const QString &path, torch::nn::Module &net,
                                             torch::optim::Optimizer &optimizer, const torch::Device &device);

}  // namespace solarchip::detail
