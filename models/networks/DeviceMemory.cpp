#include "models/networks/DeviceMemory.h"

#include "models/networks/Device.h"

#include <torch/torch.h>

#ifdef SOLARCHIP_HAVE_CUDA
#include <cuda_runtime_api.h>
#endif

namespace solarchip {

bool cudaInBuild()
{
#ifdef SOLARCHIP_HAVE_CUDA
    return true;
#else
    return false;
#endif
}

std::optional<GpuMemory> gpuMemory(int index, QString *why)
{
    auto refuse = [why](const QString &reason) -> std::optional<GpuMemory> {
        if (why)
            *why = reason;
        return std::nullopt;
    };
#ifndef SOLARCHIP_HAVE_CUDA
    (void)index;
    return refuse(QStringLiteral("no CUDA in this build (%1)").arg(torchBuildDescription()));
#else
    if (!torch::cuda::is_available())
        return refuse(QStringLiteral("this build has CUDA, but no GPU is visible"));
    const int count = static_cast<int>(torch::cuda::device_count());
    if (index < 0 || index >= count)
        return refuse(QStringLiteral("cuda:%1 does not exist (%2 CUDA device(s) visible)").arg(index).arg(count));
    int previous = 0;
    cudaGetDevice(&previous);
    std::size_t freeBytes = 0, totalBytes = 0;
    cudaDeviceProp properties{};
    cudaError_t e = cudaSetDevice(index);
    if (e == cudaSuccess)
        e = cudaMemGetInfo(&freeBytes, &totalBytes);
    if (e == cudaSuccess)
        e = cudaGetDeviceProperties(&properties, index);
    cudaSetDevice(previous);
    if (e != cudaSuccess)
        return refuse(QStringLiteral("cuda:%1: %2").arg(index).arg(QString::fromLatin1(cudaGetErrorString(e))));
    return GpuMemory{static_cast<qint64>(freeBytes), static_cast<qint64>(totalBytes), QString::fromLatin1(properties.name)};
#endif
}

}  // namespace solarchip
