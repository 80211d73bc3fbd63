#pragma once
// How much memory a CUDA device has free, for the training panel's pre-launch check (app/gui/TrainingCheck):
// it compares its GPU estimate with this. Torch stays out of this header.
//
// Only a build against a CUDA LibTorch can ask (CMake defines SOLARCHIP_HAVE_CUDA for DeviceMemory.cpp then,
// models/CMakeLists.txt); Debian's libtorch-dev is CPU-only, and there the answer is "no CUDA in this build".
// Asking creates the device's CUDA context in the calling process (a few hundred MiB of that device's memory,
// kept until the process ends), so the app asks only when the user's run is meant for a GPU.

#include <QString>

#include <optional>

namespace solarchip {

struct GpuMemory {
    qint64 freeBytes = 0;
    qint64 totalBytes = 0;
    QString name;  ///< e.g. "NVIDIA H100 80GB HBM3"
};

/// True when this binary was built against a LibTorch with CUDA (whether or not a GPU is visible now).
bool cudaInBuild();

/// Free and total memory of CUDA device `index` (cudaMemGetInfo). nullopt with *why otherwise: "no CUDA in
/// this build (LibTorch 1.13.1 (CPU))", "this build has CUDA, but no GPU is visible", "cuda:3 does not exist
/// (2 CUDA devices visible)", or the CUDA runtime's error.
std::optional<GpuMemory> gpuMemory(int index, QString *why = nullptr);

}  // namespace solarchip
