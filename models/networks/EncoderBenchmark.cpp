#include "models/networks/EncoderBenchmark.h"

#include "models/detail/Guarded.h"
#include "models/networks/detail/SolarChipNet.h"
#include "models/networks/detail/TensorIo.h"

#include <algorithm>
#include <chrono>

namespace solarchip {

namespace {

using Clock = std::chrono::steady_clock;

double medianOf(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

double msSince(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

bool hasAttn(const CnnConfig &c, int res) { return std::find(c.attnResolutions.begin(), c.attnResolutions.end(), res) != c.attnResolutions.end(); }

double convFlops(double cin, double cout, double k, double outSide) { return 2.0 * cin * cout * k * k * outSide * outSide; }
double resBlockFlops(double cin, double cout, double side)
{
    return convFlops(cin, cout, 3, side) + convFlops(cout, cout, 3, side) + (cin != cout ? convFlops(cin, cout, 1, side) : 0.0);
}
double attnFlops(double c, double side)
{
    const double hw = side * side;
    return 4 * 2.0 * c * c * hw + 2 * 2.0 * hw * hw * c;
}
double blockFlops(double d, double l) { return 2.0 * l * 12.0 * d * d + 4.0 * l * l * d; }

}  // namespace

double backboneForwardFlops(const BackboneConfig &config)
{
    const double dc = config.contrastiveDim;
    const double n = config.patchCount();
    double f = 0;
    if (config.arch == Architecture::Cnn) {
        const CnnConfig &c = config.cnn;
        const int levels = static_cast<int>(c.chMult.size());
        double side = config.resolution;
        f += convFlops(c.inChannels, c.ch, 3, side);
        double cin = c.ch;
        for (int i = 0; i < levels; ++i) {
            const double cout = c.ch * c.chMult[i];
            for (int j = 0; j < c.numResBlocks; ++j) {
                f += resBlockFlops(cin, cout, side);
                cin = cout;
                if (hasAttn(c, static_cast<int>(side)))
                    f += attnFlops(cin, side);
            }
            if (i != levels - 1) {
                side /= 2;
                f += convFlops(cin, cin, 3, side);
            }
        }
        f += 2 * resBlockFlops(cin, cin, side) + attnFlops(cin, side) + convFlops(cin, c.zChannels, 3, side);  // mid + out
        f += convFlops(c.zChannels, cin, 3, side) + 2 * resBlockFlops(cin, cin, side) + attnFlops(cin, side);  // decoder in + mid
        for (int i = levels - 1; i >= 0; --i) {
            const double cout = c.ch * c.chMult[i];
            for (int j = 0; j < c.numResBlocks + 1; ++j) {
                f += resBlockFlops(cin, cout, side);
                cin = cout;
                if (hasAttn(c, static_cast<int>(side)))
                    f += attnFlops(cin, side);
            }
            if (i != 0) {
                side *= 2;
                f += convFlops(cin, cin, 3, side);
            }
        }
        f += convFlops(cin, c.outChannels, 3, side);
        f += 2.0 * c.zChannels * c.zChannels + 2.0 * (n + 1) * c.zChannels * dc;
    } else {
        const VitConfig &v = config.vit;
        const double d = v.width;
        f += 2.0 * v.inChannels * v.patchSize * v.patchSize * d * n;
        f += v.layers * (blockFlops(d, n + 1) + blockFlops(d, n));
        f += 2.0 * n * d * v.inChannels * v.patchSize * v.patchSize;
        f += 2.0 * (n + 1) * d * dc;
    }
    return f;
}

Expected<double> measureMatmulGflops(int n, int reps)
{
    const detail::Doing doing{{}, QStringLiteral("measuring the float32 matmul peak with %1 x %1 matrices").arg(n)};
    return detail::guarded(doing, [&]() -> Expected<double> {
        torch::NoGradGuard g;
        const torch::Tensor a = torch::randn({n, n}), b = torch::randn({n, n});
        torch::Tensor c = torch::mm(a, b);  // warm-up
        std::vector<double> t;
        for (int i = 0; i < reps; ++i) {
            const auto t0 = Clock::now();
            c = torch::mm(a, b);
            t.push_back(msSince(t0));
        }
        return 2.0 * n * double(n) * n / (medianOf(t) * 1e6);
    });
}

Status writeBenchInput(const QString &path, const BackboneConfig &config, int batch)
{
    const int c = config.inChannels(), r = config.resolution;
    const detail::Doing doing{path, QStringLiteral("writing the benchmark input [%1, %2, %3, %3]").arg(batch).arg(c).arg(r)};
    return detail::guarded(doing, [&]() -> Status {
        torch::manual_seed(1234);
        detail::TensorMap m;
        m.emplace("hmi", torch::randn({batch, c, r, r}));
        m.emplace("aia", torch::randn({batch, c, r, r}));
        return detail::writeSafetensors(path, m);
    });
}

namespace {

Expected<EncoderBenchResult> benchUnguarded(const EncoderBenchOptions &o)
{
    auto backbone = presetConfig(o.preset, o.arch);
    if (!backbone)
        return backbone.error();
    EncoderBenchResult res;
    res.preset = o.preset;
    res.backbone = *backbone;
    res.batch = o.batch;

    torch::Tensor xh, xa;
    if (!o.inputFile.isEmpty()) {
        auto in = detail::readTensorFile(o.inputFile);
        if (!in)
            return in.error();
        if (!in->count("hmi") || !in->count("aia"))
            return Error{o.inputFile, QStringLiteral("benchmark input needs tensors 'hmi' and 'aia'")};
        xh = in->at("hmi");
        xa = in->at("aia");
        res.batch = static_cast<int>(xh.size(0));
    } else {
        torch::manual_seed(1234);
        xh = torch::randn({o.batch, backbone->inChannels(), backbone->resolution, backbone->resolution});
        xa = torch::randn_like(xh);
    }

    SolarChipConfig cfg;
    cfg.backbone = *backbone;
    cfg.modalities = {QStringLiteral("hmi"), QStringLiteral("0171")};
    torch::manual_seed(0);
    detail::SolarChipNet net(cfg);
    auto hmi = net->backbone("hmi");
    int64_t params = 0;
    for (const auto &p : hmi->parameters())
        params += p.numel();
    res.parameters = params;
    res.forwardFlops = backboneForwardFlops(*backbone) * res.batch;
    res.trainStepFlops = 3.0 * 2.0 * res.forwardFlops;

    {
        torch::NoGradGuard g;
        std::vector<double> t;
        for (int i = 0; i < o.warmup + o.iterations; ++i) {
            const auto t0 = Clock::now();
            const torch::Tensor z = hmi->encode(xh);
            const torch::Tensor rec = hmi->decode(z);
            const torch::Tensor tok = hmi->contrastiveProjection(z);
            (void)rec.sum().item<float>();
            (void)tok.sum().item<float>();
            if (i >= o.warmup)
                t.push_back(msSince(t0));
        }
        res.forwardMs = medianOf(t);
    }
    torch::optim::AdamW opt(net->parameters(), torch::optim::AdamWOptions(1e-4).weight_decay(0.01));
    std::vector<double> t;
    const std::map<std::string, torch::Tensor> images{{"hmi", xh}, {"0171", xa}};
    for (int i = 0; i < o.warmup + o.iterations; ++i) {
        const auto t0 = Clock::now();
        opt.zero_grad();
        const auto out = net->forward(images);
        const auto terms = net->loss(images, out);
        terms.total.backward();
        opt.step();
        net->contrastive_loss_fn->clampParameters();
        (void)terms.total.item<double>();
        if (i >= o.warmup)
            t.push_back(msSince(t0));
    }
    res.trainStepMs = medianOf(t);
    return res;
}

}  // namespace

Expected<EncoderBenchResult> benchEncoder(const EncoderBenchOptions &o)
{
    const detail::Doing doing{o.inputFile, QStringLiteral("benchmarking the %1%2 encoder with a batch of %3")
                                               .arg(o.preset, o.arch ? QLatin1Char('-') + architectureName(*o.arch) : QString())
                                               .arg(o.batch)};
    return detail::guarded(doing, [&] { return benchUnguarded(o); });
}

}  // namespace solarchip
