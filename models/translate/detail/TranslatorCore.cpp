#include "models/translate/detail/TranslatorCore.h"

#include "core/base/AtomicFile.h"
#include "models/detail/Guarded.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

namespace solarchip::detail {

namespace F = torch::nn::functional;

torch::Tensor areaDown(const torch::Tensor &x, int side)
{
    const auto r = x.size(-1);
    if (r == side)
        return x;
    const auto k = r / side;
    return F::avg_pool2d(x, F::AvgPool2dFuncOptions(k).stride(k));
}

void TranslatorCore::createNets(int tokenDim, quint64 seed)
{
    torch::manual_seed(seed);
    ae = nullptr;
    base = nullptr;
    control = nullptr;
    unet = nullptr;
    const int c = static_cast<int>(channels.size());
    if (diffusion()) {
        ae = LatentAutoencoder(c, latentChannels, hmiDecoder);
        base = DenoiserUNet(latentChannels);
        control = ControlBranch(tokenDim, latentChannels, pixelHint);
    }
    if (!diffusion() || residual())
        unet = RegressionUNet(c);
    alphaBar = cosineAlphaBar();
}

Status TranslatorCore::to(const DeviceChoice &d)
{
    if (d.kind == DeviceKind::Cuda && !cudaAvailable())
        return Error{dir, QStringLiteral("%1 asked for, but this LibTorch has no CUDA or no GPU is visible (%2): "
                                         "translate on the CPU (--device cpu)").arg(d.toString(), torchBuildDescription())};
    if (encoder && encoder->model.device().toString() != d.toString()) {
        auto st = encoder->model.to(d);
        if (!st)
            return st;
    }
    return guarded(Doing{dir, QStringLiteral("moving the translator to %1").arg(d.toString())}, [&]() -> Status {
        device = toTorchDevice(d);
        if (ae)
            ae->to(device);
        if (base)
            base->to(device);
        if (control)
            control->to(device);
        if (unet)
            unet->to(device);
        if (alphaBar.defined())
            alphaBar = alphaBar.to(device);
        return Status::success();
    });
}

TensorMap TranslatorCore::state() const
{
    TensorMap out;
    auto add = [&](const char *prefix, const torch::nn::Module *m) {
        if (!m)
            return;
        for (auto &kv : stateOf(*m))
            out[std::string(prefix) + kv.first] = kv.second;
    };
    add("ae.", ae ? ae.get() : nullptr);
    add("base.", base ? base.get() : nullptr);
    add("control.", control ? control.get() : nullptr);
    add("unet.", unet ? unet.get() : nullptr);
    if (!latentScale.empty())
        out["latent_scale"] = torch::tensor(latentScale);
    return out;
}

Status TranslatorCore::loadState(const TensorMap &all, const QString &file)
{
    auto part = [&](const std::string &prefix) {
        TensorMap m;
        for (auto &kv : all)
            if (kv.first.rfind(prefix, 0) == 0)
                m[kv.first.substr(prefix.size())] = kv.second.to(torch::kFloat32);
        return m;
    };
    auto load = [&](const std::string &prefix, torch::nn::Module *m) -> Status {
        return m ? detail::loadState(*m, part(prefix), file) : Status::success();
    };
    for (auto st : {load("ae.", ae ? ae.get() : nullptr), load("base.", base ? base.get() : nullptr),
                    load("control.", control ? control.get() : nullptr), load("unet.", unet ? unet.get() : nullptr)})
        if (!st)
            return st;
    auto it = all.find("latent_scale");
    if (it != all.end()) {
        auto t = it->second.to(torch::kFloat32).contiguous();
        latentScale.assign(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
    }
    return Status::success();
}

Expected<std::shared_ptr<TrainedModel>> TranslatorCore::encoderFor(const QString &kind, TrainedModel pretrained, quint64 seed)
{
    auto out = std::make_shared<TrainedModel>(std::move(pretrained));
    if (kind != QLatin1String("random-encoder"))
        return out;
    auto random = SolarChipModel::create(out->model.config(), seed);
    if (!random)
        return random.error();
    out->model = std::move(*random);
    auto h = out->model.hash();
    if (!h)
        return h.error();
    out->hash = *h;
    out->training = QJsonObject{{QStringLiteral("random_init_seed"), QString::number(seed)}};
    return out;
}

Expected<torch::Tensor> TranslatorCore::tokens(const torch::Tensor &hmiNorm) const
{
    const auto b = static_cast<int>(hmiNorm.size(0));
    const auto r = static_cast<int>(hmiNorm.size(-1));
    ImageBatch batch;
    batch.batch = b;
    batch.channels = 1;
    batch.side = r;
    auto c = hmiNorm.to(torch::kCPU).to(torch::kFloat32).contiguous();
    batch.data.assign(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
    auto e = encoder->model.encode(QStringLiteral("hmi"), batch, /*normalize*/ true);
    if (!e)
        return e.error();
    auto t = torch::from_blob(e->patches.data(), {b, e->grid, e->grid, e->dim}, torch::kFloat32).clone();
    return t.permute({0, 3, 1, 2}).contiguous().to(device);
}

Expected<torch::Tensor> TranslatorCore::generate(const torch::Tensor &hmiNorm, int samples, quint64 seed, int steps,
                                                 const std::function<bool(int, int)> &progress) const
{
    torch::NoGradGuard ng;
    const auto b = hmiNorm.size(0);
    const int c = static_cast<int>(channels.size());
    const torch::Tensor x = hmiNorm.to(device);
    if (!diffusion()) {
        auto y = unet->forward(areaDown(x, side)).to(torch::kCPU);
        if (progress && !progress(1, 1))
            return torch::Tensor();
        return y.unsqueeze(0).expand({samples, b, c, side, side}).contiguous();
    }
    auto tok = tokens(x);
    if (!tok)
        return tok.error();
    const int l = side / 4;
    if (steps <= 0)
        steps = ddimSteps;
    auto scale = torch::tensor(latentScale).view({1, latentChannels, 1, 1}).to(device);
    // One generator per sample: sample s of seed S is sample 0 of seed S + s, whatever N is. The N samples run
    // as one batch (one network call per DDIM step).
    std::vector<torch::Tensor> noises;
    for (int s = 0; s < samples; ++s) {
        auto gen = at::detail::createCPUGenerator(seed + static_cast<quint64>(s));
        noises.push_back(torch::randn({b, latentChannels, l, l}, gen, torch::TensorOptions().dtype(torch::kFloat32)));
    }
    auto noise = torch::cat(noises, 0).to(device);  // [samples * b, ...], sample-major; drawn on the CPU
    auto tokAll = tok->repeat({samples, 1, 1, 1});
    const torch::Tensor pixAll = pixelHint || hmiDecoder ? areaDown(x, side).repeat({samples, 1, 1, 1}) : torch::Tensor();
    auto eps = [&](const torch::Tensor &z, const torch::Tensor &t) {
        auto res = control->forward(z, t, tokAll, pixAll);
        return base->forward(z, t, &res);
    };
    auto z = ddimSample(eps, noise, alphaBar, steps, [&](int done, int total) {
        return !progress || progress(done, total);
    }, ddimMinAlphaBar);
    if (!z.defined())
        return torch::Tensor();
    auto decoded = ae->decode(z * scale, pixAll).to(torch::kCPU);
    std::vector<torch::Tensor> outs;
    for (int s = 0; s < samples; ++s)
        outs.push_back(decoded.slice(0, s * b, (s + 1) * b));
    auto out = torch::stack(outs, 0);
    if (residual())
        out = out + regressionMean(hmiNorm).unsqueeze(0);
    return out;
}

torch::Tensor TranslatorCore::regressionMean(const torch::Tensor &hmiNorm) const
{
    torch::NoGradGuard ng;
    const auto n = hmiNorm.size(0);
    if (!residual())
        return torch::zeros({n, static_cast<int64_t>(channels.size()), side, side});
    std::vector<torch::Tensor> parts;
    for (int64_t i = 0; i < n; i += 32)
        parts.push_back(unet->forward(areaDown(hmiNorm.slice(0, i, std::min(n, i + 32)).to(device), side)).to(torch::kCPU));
    return torch::cat(parts, 0);
}

torch::Tensor TranslatorCore::autoencode(const torch::Tensor &y, const torch::Tensor &hmiNorm) const
{
    torch::NoGradGuard ng;
    auto mu = regressionMean(hmiNorm);
    auto decoded = ae->decode(ae->encode((y.to(torch::kCPU) - mu).to(device)),
                              hmiDecoder ? areaDown(hmiNorm.to(device), side) : torch::Tensor());
    return mu + decoded.to(torch::kCPU);
}

torch::Tensor TranslatorCore::normalizeTarget(const torch::Tensor &dns) const
{
    const auto c = static_cast<int64_t>(channels.size());
    std::vector<float> m(normMean.begin(), normMean.end()), s(normStd.begin(), normStd.end());
    auto mean = torch::tensor(m).view({c, 1, 1}).to(dns.device());
    auto sd = torch::tensor(s).view({c, 1, 1}).to(dns.device());
    return (torch::log1p(dns.clamp_min(0)) - mean) / sd;
}

torch::Tensor TranslatorCore::denormalizeTarget(const torch::Tensor &y) const
{
    const auto c = static_cast<int64_t>(channels.size());
    std::vector<float> m(normMean.begin(), normMean.end()), s(normStd.begin(), normStd.end());
    auto mean = torch::tensor(m).view({c, 1, 1}).to(y.device());
    auto sd = torch::tensor(s).view({c, 1, 1}).to(y.device());
    return torch::expm1(y * sd + mean).clamp_min(0);
}

QJsonObject TranslatorCore::baseInfo() const
{
    QJsonObject o = info;
    o[QStringLiteral("format")] = QStringLiteral("solarchip-translator-1");
    o[QStringLiteral("kind")] = kind;
    o[QStringLiteral("channels")] = QJsonArray::fromStringList(channels);
    o[QStringLiteral("side")] = side;
    o[QStringLiteral("resolution")] = resolution;
    o[QStringLiteral("ddim_steps")] = ddimSteps;
    o[QStringLiteral("ddim_min_alpha_bar")] = ddimMinAlphaBar;
    if (diffusion()) {
        o[QStringLiteral("design")] = design;
        o[QStringLiteral("latent_channels")] = latentChannels;
        o[QStringLiteral("control_hint")] = pixelHint ? QStringLiteral("tokens+pixels") : QStringLiteral("tokens");
        o[QStringLiteral("decoder_hint")] = hmiDecoder ? QStringLiteral("hmi_pixels") : QStringLiteral("none");
    }
    o[QStringLiteral("fov_rsun")] = fovRsun;
    QJsonArray nm, ns;
    for (std::size_t i = 0; i < normMean.size(); ++i) {
        nm.append(normMean[i]);
        ns.append(normStd[i]);
    }
    o[QStringLiteral("target_norm")] = QJsonObject{{QStringLiteral("transform"), QStringLiteral("log1p(max(DN/s,0))")},
                                                   {QStringLiteral("mean"), nm}, {QStringLiteral("std"), ns}};
    o[QStringLiteral("prep")] = prep.toJson();
    return o;
}

Status TranslatorCore::saveInfo(const QJsonObject &extra) const
{
    QJsonObject o = baseInfo();
    for (auto it = extra.begin(); it != extra.end(); ++it)
        o[it.key()] = it.value();
    const_cast<TranslatorCore *>(this)->info = o;
    return writeFileAtomically(QDir(dir).filePath(QLatin1String(kTranslatorJson)),
                             QJsonDocument(o).toJson(QJsonDocument::Indented));
}

Status TranslatorCore::saveWeights(const QMap<QString, QString> &metadata, bool half)
{
    TensorMap s = state();
    if (half)
        for (auto &kv : s)
            kv.second = kv.second.to(torch::kFloat16);
    const QString path = QDir(dir).filePath(QLatin1String(kTranslatorWeights));
    auto st = writeSafetensors(path, s, metadata);
    if (!st)
        return st;
    QFile f(path);
    if (f.open(QIODevice::ReadOnly))
        weightsHash = QString::fromLatin1(QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex());
    return Status::success();
}

Expected<std::unique_ptr<TranslatorCore>> TranslatorCore::load(const QString &dirIn, const QString &encoderPath,
                                                               const DeviceChoice &device)
{
    const QString dir = QFileInfo(dirIn).absoluteFilePath();
    return guarded(Doing{dir, QStringLiteral("loading the translator run")}, [&]() -> Expected<std::unique_ptr<TranslatorCore>> {
        QFile f(QDir(dir).filePath(QLatin1String(kTranslatorJson)));
        if (!f.open(QIODevice::ReadOnly))
            return Error{dir, QStringLiteral("not a translator run (no %1; make one with `solarchip translate-train`)")
                                  .arg(QLatin1String(kTranslatorJson))};
        QJsonParseError pe;
        const auto doc = QJsonDocument::fromJson(f.readAll(), &pe);
        if (!doc.isObject() || doc[QStringLiteral("format")].toString() != QLatin1String("solarchip-translator-1"))
            return Error{f.fileName(), QStringLiteral("not a translator description (%1)").arg(pe.errorString())};
        auto core = std::make_unique<TranslatorCore>();
        core->dir = dir;
        core->info = doc.object();
        const QJsonObject &o = core->info;
        core->kind = o[QStringLiteral("kind")].toString();
        for (const auto &v : o[QStringLiteral("channels")].toArray())
            core->channels << v.toString();
        core->side = o[QStringLiteral("side")].toInt(64);
        core->resolution = o[QStringLiteral("resolution")].toInt(256);
        core->ddimSteps = o[QStringLiteral("ddim_steps")].toInt(20);
        // Runs written before the DDIM start fix have no entry: they get the fixed start too.
        core->ddimMinAlphaBar = o[QStringLiteral("ddim_min_alpha_bar")].toDouble(kDdimMinAlphaBar);
        core->design = o[QStringLiteral("design")].toString(QStringLiteral("latent"));
        // Runs written before these entries existed: 4 latent channels, tokens only, a decoder of the latent only.
        core->latentChannels = o[QStringLiteral("latent_channels")].toInt(kLatentChannels);
        const QString hint = o[QStringLiteral("control_hint")].toString(QStringLiteral("tokens"));
        if (hint != QLatin1String("tokens") && hint != QLatin1String("tokens+pixels"))
            return Error{f.fileName(), QStringLiteral("unknown control_hint '%1' (tokens or tokens+pixels)").arg(hint)};
        core->pixelHint = hint == QLatin1String("tokens+pixels");
        const QString decHint = o[QStringLiteral("decoder_hint")].toString(QStringLiteral("none"));
        if (decHint != QLatin1String("none") && decHint != QLatin1String("hmi_pixels"))
            return Error{f.fileName(), QStringLiteral("unknown decoder_hint '%1' (none or hmi_pixels)").arg(decHint)};
        core->hmiDecoder = decHint == QLatin1String("hmi_pixels");
        if (core->latentChannels < 1 || core->latentChannels > 64)
            return Error{f.fileName(), QStringLiteral("latent_channels %1 out of range (1..64)").arg(core->latentChannels)};
        core->fovRsun = o[QStringLiteral("fov_rsun")].toDouble();
        const auto tn = o[QStringLiteral("target_norm")].toObject();
        for (const auto &v : tn[QStringLiteral("mean")].toArray())
            core->normMean.push_back(v.toDouble());
        for (const auto &v : tn[QStringLiteral("std")].toArray())
            core->normStd.push_back(v.toDouble());
        if (core->channels.isEmpty() || core->normMean.size() != static_cast<std::size_t>(core->channels.size()))
            return Error{f.fileName(), QStringLiteral("the run has no trained target normalisation yet (training not started?)")};
        const auto enc = o[QStringLiteral("encoder")].toObject();
        core->encoderHash = enc[QStringLiteral("hash")].toString();
        // The encoder: --encoder override, the recorded file, else the shipped default; its hash must match.
        QStringList tried;
        std::optional<TrainedModel> model;
        QString lastError;
        QStringList candidates;
        if (!encoderPath.isEmpty())
            candidates << encoderPath;
        else {
            const QString rec = enc[QStringLiteral("path")].toString();
            if (!rec.isEmpty() && QFileInfo::exists(rec))
                candidates << rec;
            candidates << QString();  // the default
        }
        for (const QString &c : candidates) {
            auto m = c.isEmpty() ? TrainedModel::loadDefault() : TrainedModel::load(c);
            if (!m) {
                lastError = m.error().message;
                continue;
            }
            if (m->hash != core->encoderHash) {
                lastError = QStringLiteral("the run was trained with encoder %1, but %2 is encoder %3 (a run for another "
                                           "encoder: pass the model it was trained with)")
                                .arg(core->encoderHash.left(12), c.isEmpty() ? QStringLiteral("the default model") : c,
                                     m->hash.left(12));
                continue;
            }
            model = std::move(*m);
            break;
        }
        if (!model)
            return Error{dir, lastError.isEmpty() ? QStringLiteral("no encoder found") : lastError};
        core->prep = model->prep;
        const int tokenDim = o[QStringLiteral("token_dim")].toInt();
        auto e = encoderFor(core->kind, std::move(*model),
                            enc[QStringLiteral("random_seed")].toString().toULongLong());
        if (!e)
            return e.error();
        core->encoder = *e;
        core->createNets(tokenDim, 0);
        const QString wpath = QDir(dir).filePath(QLatin1String(kTranslatorWeights));
        auto w = readTensorFile(wpath);
        if (!w)
            return w.error();
        auto st = core->loadState(*w, wpath);
        if (!st)
            return st.error();
        QFile wf(wpath);
        if (wf.open(QIODevice::ReadOnly))
            core->weightsHash = QString::fromLatin1(QCryptographicHash::hash(wf.readAll(), QCryptographicHash::Sha256).toHex());
        if (core->ae)
            core->ae->eval();
        if (core->unet)
            core->unet->eval();
        auto moved = core->to(device);
        if (!moved)
            return moved.error();
        return core;
    });
}

}  // namespace solarchip::detail
