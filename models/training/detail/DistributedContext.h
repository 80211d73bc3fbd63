#pragma once
// The c10d process group of a multi-process training job (models/training/Distributed.h) and the three
// collectives the Trainer needs:
//  - allReduceMeanGradients: every parameter's .grad summed across ranks and divided by the world size, in
//    flat buckets of about 25 MB (one allreduce per bucket, all buckets in flight at once, as PyTorch's DDP
//    buckets them: fewer, larger messages amortise the per-message latency);
//  - gatherKeepLocal: an autograd-aware all-gather of a [b, ...] tensor into [world * b, ...] in rank order;
//    in the backward pass only this rank's slice gets a gradient, multiplied by the world size (see below);
//  - broadcast (rank 0's parameters to all, at start) and small flag/value reductions (any rank stopping, any
//    rank meeting an unreadable set, the reported losses).
//
// Why gatherKeepLocal multiplies by the world size N. Every rank computes the same contrastive loss L on the
// gathered global batch G = [t_0; ...; t_{N-1}] (t_r: rank r's tokens), but only t_r carries rank r's graph.
// Rank r's gradient for an encoder parameter theta is therefore (dL/dt_r)(dt_r/dtheta), and the sum over ranks
// is the full chain rule sum_r (dL/dt_r)(dt_r/dtheta) = dL/dtheta: the single-process gradient of the global
// batch. The trainer then divides the summed gradients by N (right for the reconstruction term, a per-rank
// mean of equal-sized slices), so the token path must carry N x dL/dt_r to come out as dL/dtheta. The
// log-temperatures enter L directly, not through the tokens: each rank gets the same dL/ds, and the mean over
// ranks is dL/ds, as wanted; so the factor N goes on the gathered slice's gradient (this function's backward),
// not on the loss. (PyTorch's torch.distributed.nn.all_gather reaches the same N x by summing the identical
// gradients of all ranks with a reduce-scatter; here that sum is known without the extra communication.)

#include "core/base/Expected.h"
#include "models/training/Distributed.h"

#include <torch/torch.h>

#include <memory>
#include <vector>

namespace solarchip::detail {

class DistributedContext {
public:
    /// Rendezvous (TCPStore at env.masterAddr:masterPort, served by rank 0) and the process group: Gloo for
    /// the CPU, NCCL for CUDA when this build has it. Blocks until every rank has joined (or env.timeoutS).
    static Expected<std::shared_ptr<DistributedContext>> create(const DistributedEnv &env, const torch::Device &device);

    ~DistributedContext();
    DistributedContext(const DistributedContext &) = delete;
    DistributedContext &operator=(const DistributedContext &) = delete;

    int rank() const { return m_env.rank; }
    int worldSize() const { return m_env.worldSize; }
    const DistributedEnv &env() const { return m_env; }
    QString backend() const { return m_backend; }

    static constexpr std::size_t kBucketBytes = 25u << 20;

    void allReduceMeanGradients(const std::vector<torch::Tensor> &parameters, std::size_t bucketBytes = kBucketBytes);
    /// Copies rank 0's values into every rank's tensors (in place).
    void broadcastFromRank0(const std::vector<torch::Tensor> &tensors);
    /// Element-wise sum over ranks (in place; the tensor lives on the training device).
    void allReduceSum(torch::Tensor &t);
    /// True on every rank when `flag` is true on at least one.
    bool any(bool flag);
    void barrier();

    torch::Tensor gatherKeepLocal(const torch::Tensor &local);
    /// Forward only: the gathered tensor without a graph.
    torch::Tensor allGather(const torch::Tensor &local);

private:
    DistributedContext() = default;
    struct Impl;
    std::unique_ptr<Impl> d;
    DistributedEnv m_env;
    QString m_backend;
    torch::Device m_device{torch::kCPU};
};

}  // namespace solarchip::detail
