#include "models/training/detail/TrainerStep.h"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

namespace solarchip::detail {

namespace {

#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define SOLARCHIP_AUTOCAST_DEVICE_API 1
#endif

// Tokens computed under bf16 autocast go back to float32 for the losses; float32/float64 stay as they are.
torch::Tensor fullPrecision(const torch::Tensor &t)
{
    return (t.scalar_type() == torch::kBFloat16 || t.scalar_type() == torch::kHalf) ? t.to(torch::kFloat32) : t;
}

std::map<std::string, ModalityOutput> tokensOnly(SolarChipNetImpl &net, const Batch &x)
{
    std::map<std::string, ModalityOutput> out;
    for (const auto &[m, images] : x)
        out[m].tokens = net.tokens(m, images);
    return out;
}

void storeTerms(const LossTerms &t, StepValues &v)
{
    for (const auto &[k, x] : t.cls)
        v.cls[k] = x.item<double>();
    for (const auto &[k, x] : t.pat)
        v.pat[k] = x.item<double>();
    for (const auto &[k, x] : t.intra)
        v.intra[k] = x.item<double>();
}

}  // namespace

AutocastBf16::AutocastBf16(bool enabled) : m_enabled(enabled)
{
    if (!m_enabled)
        return;
#ifdef SOLARCHIP_AUTOCAST_DEVICE_API
    m_previous = at::autocast::is_autocast_enabled(at::kCUDA);
    at::autocast::set_autocast_enabled(at::kCUDA, true);
    at::autocast::set_autocast_dtype(at::kCUDA, at::kBFloat16);
#else
    m_previous = at::autocast::is_enabled();
    at::autocast::set_enabled(true);
    at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
#endif
    at::autocast::increment_nesting();
}

AutocastBf16::~AutocastBf16()
{
    if (!m_enabled)
        return;
    if (at::autocast::decrement_nesting() == 0)
        at::autocast::clear_cache();
#ifdef SOLARCHIP_AUTOCAST_DEVICE_API
    at::autocast::set_autocast_enabled(at::kCUDA, m_previous);
#else
    at::autocast::set_enabled(m_previous);
#endif
}

StepValues evaluateLoss(SolarChipNetImpl &net, const Batch &batch, bool bf16Autocast)
{
    torch::NoGradGuard noGrad;
    StepValues v;
    LossTerms t;
    {
        AutocastBf16 ac(bf16Autocast);
        if (net.config().weights.reconstruction != 0.0) {
            const auto outputs = net.forward(batch);
            t = net.loss(batch, outputs);
        } else {
            t = net.loss({}, tokensOnly(net, batch));
        }
    }
    v.total = t.total.item<double>();
    for (const auto &[k, x] : t.reconstruction)
        v.reconstruction[k] = x.item<double>();
    storeTerms(t, v);
    v.samples = batch.empty() ? 0 : static_cast<int>(batch.begin()->second.size(0));
    return v;
}

torch::Tensor alignCells(const torch::Tensor &tokens, const torch::Tensor &order)
{
    const int64_t b = tokens.size(0), n = tokens.size(1) - 1, d = tokens.size(2);
    const torch::Tensor idx = order.to(tokens.device(), torch::kLong).view({b, n, 1}).expand({b, n, d});
    return torch::cat({tokens.slice(1, 0, 1), tokens.slice(1, 1).gather(1, idx)}, 1);
}

StepValues accumulateGradients(SolarChipNetImpl &net, const std::vector<Batch> &microBatches, const StepOptions &options,
                               const std::vector<CellOrder> &cellOrders, const TokenGather &gather)
{
    auto aligned = [&](std::size_t micro, const std::string &m, const torch::Tensor &tokens) {
        if (micro >= cellOrders.size())
            return tokens;
        const auto it = cellOrders[micro].find(m);
        return it == cellOrders[micro].end() ? tokens : alignCells(tokens, it->second);
    };
    StepValues v;
    if (microBatches.empty())
        return v;
    int total = 0;
    for (const Batch &b : microBatches)
        total += b.empty() ? 0 : static_cast<int>(b.begin()->second.size(0));
    v.samples = total;

    // Without a reconstruction term the decoders get no gradient: run the encoders and projections only.
    const bool withDecoder = net.config().weights.reconstruction != 0.0;

    if (microBatches.size() == 1 && !options.saveMemory) {
        const Batch &x = microBatches.front();
        LossTerms t;
        {
            AutocastBf16 ac(options.bf16Autocast);
            auto outputs = withDecoder ? net.forward(x) : tokensOnly(net, x);
            for (auto &[m, o] : outputs) {
                o.tokens = aligned(0, m, o.tokens);
                if (gather)
                    o.tokens = gather(fullPrecision(o.tokens));
            }
            t = withDecoder ? net.loss(x, outputs) : net.loss({}, outputs);
        }
        t.total.backward();
        v.total = t.total.item<double>();
        for (const auto &[k, r] : t.reconstruction)
            v.reconstruction[k] = r.item<double>();
        storeTerms(t, v);
        return v;
    }

    // Pass 1: tokens of every micro-batch without a graph; the contrastive terms on the whole batch.
    std::map<std::string, std::vector<torch::Tensor>> parts;
    {
        torch::NoGradGuard noGrad;
        AutocastBf16 ac(options.bf16Autocast);
        for (std::size_t i = 0; i < microBatches.size(); ++i)
            for (const auto &[m, x] : microBatches[i])
                parts[m].push_back(fullPrecision(aligned(i, m, net.tokens(m, x))));
    }
    std::map<std::string, ModalityOutput> cached;
    for (auto &[m, p] : parts)
        cached[m].tokens = torch::cat(p, 0).detach().requires_grad_(true);
    // Multi-process: the contrastive terms of the global batch; the cached gradient of this rank's tokens comes
    // back through the gather (its local slice, scaled as DistributedContext.h derives).
    std::map<std::string, ModalityOutput> lossInput = cached;
    if (gather)
        for (auto &[m, o] : lossInput)
            o.tokens = gather(o.tokens);
    const LossTerms ctr = net.loss({}, lossInput);  // no images: reconstruction skipped, contrastive terms only
    if (ctr.total.requires_grad())
        ctr.total.backward();
    storeTerms(ctr, v);
    v.total = ctr.total.item<double>();

    // Pass 2: each micro-batch (each modality with save-memory) with a graph.
    const double wRec = net.config().weights.reconstruction;
    const double modalities = static_cast<double>(cached.size());
    std::map<std::string, double> recSum;
    int64_t offset = 0;
    for (std::size_t mb = 0; mb < microBatches.size(); ++mb) {
        const Batch &b = microBatches[mb];
        const int64_t n = b.begin()->second.size(0);
        const double share = static_cast<double>(n) / total;
        auto tokenGrad = [&](const std::string &m) {
            const torch::Tensor &g = cached.at(m).tokens.grad();
            return g.defined() ? g.slice(0, offset, offset + n) : torch::Tensor();
        };
        auto objective = [&](const std::string &m, const torch::Tensor &x, const torch::Tensor &recon,
                             const torch::Tensor &tokens) {
            const torch::Tensor rec = reconstructionLoss(x, recon);
            recSum[m] += rec.item<double>() * share;
            torch::Tensor obj = rec * (wRec * share / modalities);
            const torch::Tensor g = tokenGrad(m);
            if (g.defined())
                obj = obj + (fullPrecision(tokens) * g).sum();
            return obj;
        };
        if (!withDecoder) {
            torch::Tensor obj;
            {
                AutocastBf16 ac(options.bf16Autocast);
                for (const auto &[m, x] : b) {
                    const torch::Tensor g = tokenGrad(m);
                    if (!g.defined())
                        continue;
                    const torch::Tensor part = (fullPrecision(aligned(mb, m, net.tokens(m, x))) * g).sum();
                    obj = obj.defined() ? obj + part : part;
                }
            }
            if (obj.defined())
                obj.backward();
        } else if (options.saveMemory) {
            for (const auto &[m, x] : b) {
                torch::Tensor obj;
                {
                    AutocastBf16 ac(options.bf16Autocast);
                    auto bb = net.backbone(m);
                    const torch::Tensor z = bb->encode(x);
                    obj = objective(m, x, bb->decode(z), aligned(mb, m, bb->contrastiveProjection(z)));
                }
                obj.backward();
            }
        } else {
            torch::Tensor obj;
            {
                AutocastBf16 ac(options.bf16Autocast);
                const auto outs = net.forward(b);
                for (const auto &[m, o] : outs) {
                    const torch::Tensor part = objective(m, b.at(m), o.recon, aligned(mb, m, o.tokens));
                    obj = obj.defined() ? obj + part : part;
                }
            }
            obj.backward();
        }
        offset += n;
    }
    if (!withDecoder)
        return v;
    double rec = 0;
    for (const auto &[m, r] : recSum) {
        v.reconstruction[m] = r;
        rec += r;
    }
    v.total += wRec * rec / modalities;
    return v;
}

}  // namespace solarchip::detail
