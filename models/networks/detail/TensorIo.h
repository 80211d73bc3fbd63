#pragma once
// Tensors in and out of files: safetensors (models/networks/SafetensorsFile.h) and Python `torch.save` dicts of
// tensors (via torch::pickle_load), plus strict state loading with messages that name the file and the key.
#include "core/base/Expected.h"
#include "models/networks/SafetensorsFile.h"

#include <torch/torch.h>

#include <map>
#include <string>

namespace solarchip::detail {

using TensorMap = std::map<std::string, torch::Tensor>;

torch::Tensor toTensor(const TensorData &data);     ///< a CPU tensor owning a copy of the bytes
TensorData fromTensor(const torch::Tensor &tensor);  ///< contiguous CPU copy

/// Reads a safetensors file or a torch.save'd dict of tensors (a nested "state_dict" dict is unwrapped).
/// `format` (optional) receives "safetensors" or "torch-pickle".
Expected<TensorMap> readTensorFile(const QString &path, QString *format = nullptr);
Status writeSafetensors(const QString &path, const TensorMap &tensors, const QMap<QString, QString> &metadata = {});

/// Every parameter and buffer by its dotted name.
TensorMap stateOf(const torch::nn::Module &module);
/// Copies `state` into the module's parameters/buffers. Every key must exist with the right shape and every
/// module tensor must be given: otherwise an Error naming `file` and the first offending key.
Status loadState(torch::nn::Module &module, const TensorMap &state, const QString &file);
/// SHA-256 hex over names, dtypes, shapes and bytes in name order.
QString stateHash(const TensorMap &state);
QString shapeString(const torch::Tensor &t);  ///< "[768, 1, 64, 64]"

}  // namespace solarchip::detail
