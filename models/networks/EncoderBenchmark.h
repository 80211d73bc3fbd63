#pragma once
// Timing the SolarCHIP backbones in LibTorch (`solarchip bench encoder`): forward and one full training step
// (two modalities, reconstruction + the three contrastive losses, backward, AdamW step) for a preset, plus a
// measured float32 matrix-multiply peak to express the achieved GFLOP/s against. The Python side of the
// comparison is bench/bench_encoder.py (same architecture in PyTorch, same input, same thread count).

#include "core/base/Expected.h"
#include "models/networks/ModelConfig.h"

#include <QString>

namespace solarchip {
// Errors, also those torch throws (a refused allocation for a large batch), come back as values.

struct EncoderBenchOptions {
    QString preset = QStringLiteral("tiny");
    std::optional<Architecture> arch;
    int batch = 2;
    int warmup = 1;
    int iterations = 3;
    /// Optional safetensors file with tensors "hmi" and "aia" [batch, C, R, R] to time on (the Python side
    /// reads the same file); deterministic synthetic images when empty.
    QString inputFile;
};

struct EncoderBenchResult {
    QString preset;
    BackboneConfig backbone;
    int batch = 0;
    int64_t parameters = 0;      ///< one backbone
    double forwardMs = 0;        ///< one backbone: encode + decode + projection of `batch` images (median)
    double trainStepMs = 0;      ///< two backbones + losses + backward + AdamW (median)
    double forwardFlops = 0;     ///< analytic multiply-add count x 2 for one forward of the batch
    double trainStepFlops = 0;   ///< 3 x forward x 2 modalities (the usual backward ~ 2 x forward estimate)
};

/// Runs the benchmark on the CPU with the current torch thread count.
Expected<EncoderBenchResult> benchEncoder(const EncoderBenchOptions &options);

/// Analytic FLOPs (2 x multiply-adds of convolutions, linear layers and attention matmuls) of one forward of
/// one image through encoder + decoder + projection.
double backboneForwardFlops(const BackboneConfig &config);

/// Measured float32 matmul throughput (GFLOP/s) with n x n matrices, median of `reps` runs.
Expected<double> measureMatmulGflops(int n = 1024, int reps = 5);

/// Writes the deterministic benchmark input (tensors "hmi" and "aia") for a preset to a safetensors file.
Status writeBenchInput(const QString &path, const BackboneConfig &config, int batch);

}  // namespace solarchip
