#pragma once
// DeviceChoice <-> torch::Device (torch-level code only).
#include "models/networks/Device.h"

#include <torch/torch.h>

namespace solarchip::detail {

inline torch::Device toTorchDevice(const DeviceChoice &d)
{
    return d.kind == DeviceKind::Cuda ? torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(d.index))
                                      : torch::Device(torch::kCPU);
}

inline DeviceChoice fromTorchDevice(const torch::Device &d)
{
    DeviceChoice c;
    c.kind = d.is_cuda() ? DeviceKind::Cuda : DeviceKind::Cpu;
    c.index = d.has_index() ? d.index() : 0;
    return c;
}

}  // namespace solarchip::detail
