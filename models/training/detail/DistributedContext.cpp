#include "models/training/detail/DistributedContext.h"

// The c10d headers describe the Gloo and NCCL process groups only under these switches (torch's own build
// sets them); models/CMakeLists.txt defines SOLARCHIP_HAVE_C10D_GLOO when the Gloo headers (libgloo-dev) are
// there and SOLARCHIP_HAVE_C10D_NCCL when the LibTorch has CUDA and NCCL.
#ifdef SOLARCHIP_HAVE_C10D_GLOO
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO 1
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#ifdef SOLARCHIP_HAVE_C10D_NCCL
#ifndef USE_C10D_NCCL
#define USE_C10D_NCCL 1
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif
#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <chrono>
#include <cstdlib>

namespace solarchip {

bool distributedBackendAvailable(bool cuda)
{
#ifdef SOLARCHIP_HAVE_C10D_NCCL
    if (cuda)
        return true;
#endif
#ifdef SOLARCHIP_HAVE_C10D_GLOO
    if (!cuda)
        return true;
#endif
    return false;
}

}  // namespace solarchip

namespace solarchip::detail {

struct DistributedContext::Impl {
    c10::intrusive_ptr<c10d::Store> store;
    c10::intrusive_ptr<c10d::ProcessGroup> group;
};

namespace {

bool isLoopback(const QString &host)
{
    return host == QLatin1String("localhost") || host.startsWith(QLatin1String("127.")) || host == QLatin1String("::1");
}

// Its backward: N x the gradient of this rank's slice (DistributedContext.h derives the factor).
class GatherKeepLocalFn : public torch::autograd::Function<GatherKeepLocalFn> {
public:
    static torch::Tensor forward(torch::autograd::AutogradContext *ctx, torch::Tensor local, DistributedContext *dist)
    {
        ctx->saved_data["rank"] = static_cast<int64_t>(dist->rank());
        ctx->saved_data["world"] = static_cast<int64_t>(dist->worldSize());
        ctx->saved_data["n"] = local.size(0);
        return dist->allGather(local.detach());
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext *ctx,
                                                   torch::autograd::variable_list grads)
    {
        const int64_t rank = ctx->saved_data["rank"].toInt(), world = ctx->saved_data["world"].toInt(),
                      n = ctx->saved_data["n"].toInt();
        return {grads[0].slice(0, rank * n, (rank + 1) * n) * static_cast<double>(world), torch::Tensor()};
    }
};

}  // namespace

DistributedContext::~DistributedContext() = default;

Expected<std::shared_ptr<DistributedContext>> DistributedContext::create(const DistributedEnv &env, const torch::Device &device)
{
    std::shared_ptr<DistributedContext> c(new DistributedContext());
    c->d = std::make_unique<Impl>();
    c->m_env = env;
    c->m_device = device;
    const auto timeout = std::chrono::milliseconds(static_cast<long long>(env.timeoutS) * 1000);
    const QString where = QStringLiteral("%1:%2").arg(env.masterAddr).arg(env.masterPort);
    try {
        c10d::TCPStoreOptions so;
        so.port = static_cast<std::uint16_t>(env.masterPort);
        so.isServer = env.rank == 0;
        so.numWorkers = static_cast<std::size_t>(env.worldSize);
        so.waitWorkers = true;
        so.timeout = timeout;
        c->d->store = c10::make_intrusive<c10d::TCPStore>(env.masterAddr.toStdString(), so);
    } catch (const std::exception &e) {
        return Error{{}, QStringLiteral("rank %1 of %2: rendezvous at %3 failed (is rank 0 running, is the port free?): %4")
                             .arg(env.rank).arg(env.worldSize).arg(where, QString::fromUtf8(e.what()).section(QLatin1Char('\n'), 0, 0))};
    }
    try {
        if (device.is_cuda()) {
#ifdef SOLARCHIP_HAVE_C10D_NCCL
            auto o = c10d::ProcessGroupNCCL::Options::create();
            o->timeout = timeout;
            c->d->group = c10::make_intrusive<c10d::ProcessGroupNCCL>(c->d->store, env.rank, env.worldSize, o);
            c->m_backend = QStringLiteral("nccl");
#else
            return Error{{}, QStringLiteral("this build's LibTorch has no NCCL process group: a multi-process run on CUDA is "
                                            "not possible with it (use --device cpu for Gloo, or build against a CUDA LibTorch)")};
#endif
        } else {
#ifdef SOLARCHIP_HAVE_C10D_GLOO
            auto o = c10d::ProcessGroupGloo::Options::create();
            o->timeout = timeout;
            // Loopback for a job on one machine; otherwise the interface GLOO_SOCKET_IFNAME names, else the one the
            // host name resolves to (torch's own defaults).
            if (isLoopback(env.masterAddr))
                o->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
            else if (const char *ifname = std::getenv("GLOO_SOCKET_IFNAME"); ifname && *ifname)
                o->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(ifname));
            else
                o->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
            c->d->group = c10::make_intrusive<c10d::ProcessGroupGloo>(c->d->store, env.rank, env.worldSize, o);
            c->m_backend = QStringLiteral("gloo");
#else
            return Error{{}, QStringLiteral("this build has no Gloo process group (the Gloo headers, Debian's libgloo-dev, were "
                                            "missing when it was configured): a multi-process run is not possible")};
#endif
        }
    } catch (const std::exception &e) {
        return Error{{}, QStringLiteral("rank %1 of %2: creating the process group (rendezvous %3) failed: %4")
                             .arg(env.rank).arg(env.worldSize).arg(where, QString::fromUtf8(e.what()).section(QLatin1Char('\n'), 0, 0))};
    }
    return c;
}

void DistributedContext::allReduceMeanGradients(const std::vector<torch::Tensor> &parameters, std::size_t bucketBytes)
{
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> grads;
    for (const auto &p : parameters)
        if (p.grad().defined())
            grads.push_back(p.grad());
    // Consecutive gradients of one dtype into flat buckets of about bucketBytes; all allreduces in flight, then
    // each bucket divided by N and copied back.
    struct Bucket {
        std::vector<torch::Tensor> members;
        torch::Tensor flat;
        c10::intrusive_ptr<c10d::Work> work;
    };
    std::vector<Bucket> buckets;
    std::size_t bytes = 0;
    for (const auto &g : grads) {
        const std::size_t b = static_cast<std::size_t>(g.numel()) * g.element_size();
        if (buckets.empty() || bytes + b > bucketBytes || buckets.back().members.front().scalar_type() != g.scalar_type()) {
            buckets.emplace_back();
            bytes = 0;
        }
        buckets.back().members.push_back(g);
        bytes += b;
    }
    for (auto &bk : buckets) {
        std::vector<torch::Tensor> flat;
        for (const auto &g : bk.members)
            flat.push_back(g.reshape({-1}));
        bk.flat = torch::cat(flat);
        std::vector<torch::Tensor> io{bk.flat};
        bk.work = d->group->allreduce(io);
    }
    for (auto &bk : buckets) {
        bk.work->wait();
        bk.flat.div_(static_cast<double>(m_env.worldSize));
        int64_t offset = 0;
        for (auto &g : bk.members) {
            const int64_t n = g.numel();
            g.copy_(bk.flat.slice(0, offset, offset + n).view_as(g));
            offset += n;
        }
    }
}

void DistributedContext::broadcastFromRank0(const std::vector<torch::Tensor> &tensors)
{
    torch::NoGradGuard noGrad;
    for (const auto &t : tensors) {
        std::vector<torch::Tensor> io{t.is_contiguous() ? t : t.contiguous()};
        d->group->broadcast(io)->wait();
        if (!t.is_contiguous())
            const_cast<torch::Tensor &>(t).copy_(io.front());
    }
}

void DistributedContext::allReduceSum(torch::Tensor &t)
{
    std::vector<torch::Tensor> io{t};
    d->group->allreduce(io)->wait();
}

bool DistributedContext::any(bool flag)
{
    torch::Tensor t = torch::full({1}, flag ? 1.0f : 0.0f, torch::TensorOptions().dtype(torch::kFloat32).device(m_device));
    allReduceSum(t);
    return t.item<float>() > 0.5f;
}

void DistributedContext::barrier() { d->group->barrier()->wait(); }

torch::Tensor DistributedContext::allGather(const torch::Tensor &local)
{
    const torch::Tensor in = local.contiguous();
    std::vector<std::vector<torch::Tensor>> out(1);
    for (int r = 0; r < m_env.worldSize; ++r)
        out[0].push_back(torch::empty_like(in));
    std::vector<torch::Tensor> inputs{in};
    d->group->allgather(out, inputs)->wait();
    return torch::cat(out[0], 0);
}

torch::Tensor DistributedContext::gatherKeepLocal(const torch::Tensor &local)
{
    return GatherKeepLocalFn::apply(local, this);
}

}  // namespace solarchip::detail
