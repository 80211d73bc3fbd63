#pragma once
// Where the networks run. CUDA when the LibTorch this was built against has it and a GPU is visible, the CPU
// otherwise. Torch stays out of this header: torch-level code converts with detail/TorchDevice.h.
//
// A CUDA build points CMAKE_PREFIX_PATH at a CUDA LibTorch, e.g. the one inside a pip-installed torch:
//     cmake -S . -B build -DCMAKE_PREFIX_PATH="$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)')"
// Debian's libtorch-dev (1.13) is CPU-only; the code builds against 1.13 and 2.x alike.

#include <QString>

namespace solarchip {

enum class DeviceKind { Cpu, Cuda };

struct DeviceChoice {
    DeviceKind kind = DeviceKind::Cpu;
    int index = 0;  ///< CUDA device ordinal (ignored for the CPU)

    /// "cpu" or "cuda:0".
    QString toString() const;
};

/// True when LibTorch was built with CUDA and at least one device is visible.
bool cudaAvailable();

/// CUDA device 0 when cudaAvailable(), the CPU otherwise.
DeviceChoice defaultDevice();

/// Parses "auto", "cpu", "cuda" or "cuda:N"; "auto" means defaultDevice(). Fails for CUDA without CUDA.
bool parseDevice(const QString &text, DeviceChoice *out, QString *error);

/// Sets LibTorch's intra-op thread count (it defaults to 1 on these machines). threads <= 0 means
/// std::thread::hardware_concurrency(). Returns the count now in force (unchanged when torch refuses it).
int configureTorchThreads(int threads = 0);

/// The intra-op thread count LibTorch currently uses.
int torchThreads();

/// "LibTorch 1.13.1 (CPU)" or "LibTorch 2.3.0 (CUDA 12.1)": for reports and benchmark JSON.
QString torchBuildDescription();

}  // namespace solarchip
