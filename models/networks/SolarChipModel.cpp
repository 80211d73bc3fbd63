#include "models/networks/SolarChipModel.h"

#include "models/detail/Guarded.h"
#include "models/networks/detail/SolarChipNet.h"
#include "models/networks/detail/TensorIo.h"
#include "models/networks/detail/TorchDevice.h"

#include <QJsonDocument>

#include <cstring>

namespace solarchip {

using detail::Doing;
using detail::guarded;
using detail::TensorMap;

namespace {

const QString kConfigKey = QStringLiteral("solarchip_config");
const QString kFormatKey = QStringLiteral("format");
const QString kFormatValue = QStringLiteral("solarchip-model/1");

Expected<torch::Tensor> toBatchTensor(const QString &modality, const ImageBatch &b, const BackboneConfig &cfg)
{
    if (b.batch <= 0)
        return Error{{}, QStringLiteral("%1: empty batch").arg(modality)};
    if (b.channels != cfg.inChannels() || b.side != cfg.resolution)
        return Error{{}, QStringLiteral("%1: images are %2 x %3 x %3, the model expects %4 x %5 x %5")
                             .arg(modality).arg(b.channels).arg(b.side).arg(cfg.inChannels()).arg(cfg.resolution)};
    const size_t n = static_cast<size_t>(b.batch) * b.channels * b.side * b.side;
    if (b.data.size() != n)
        return Error{{}, QStringLiteral("%1: %2 values given for a [%3, %4, %5, %5] batch")
                             .arg(modality).arg(b.data.size()).arg(b.batch).arg(b.channels).arg(b.side)};
    return torch::from_blob(const_cast<float *>(b.data.data()), {b.batch, b.channels, b.side, b.side}).clone();
}

std::vector<float> toVector(const torch::Tensor &t)
{
    const torch::Tensor c = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    std::vector<float> v(static_cast<size_t>(c.numel()));
    std::memcpy(v.data(), c.data_ptr<float>(), v.size() * sizeof(float));
    return v;
}

QString shapeOf(const ImageBatch &b)
{
    return QStringLiteral("[%1, %2, %3, %3]").arg(b.batch).arg(b.channels).arg(b.side);
}

Embeddings toEmbeddings(const torch::Tensor &tokens, int grid, bool normalized)
{
    Embeddings e;
    e.batch = static_cast<int>(tokens.size(0));
    e.dim = static_cast<int>(tokens.size(2));
    e.grid = grid;
    e.normalized = normalized;
    e.cls = toVector(tokens.select(1, 0));
    e.patches = toVector(tokens.slice(1, 1));
    return e;
}

}  // namespace

struct SolarChipModel::Impl {
    SolarChipConfig config;
    detail::SolarChipNet net{nullptr};
    DeviceChoice device;
};

SolarChipModel::SolarChipModel(std::unique_ptr<Impl> impl) : d(std::move(impl)) {}
SolarChipModel::SolarChipModel(SolarChipModel &&) noexcept = default;
SolarChipModel &SolarChipModel::operator=(SolarChipModel &&) noexcept = default;
SolarChipModel::~SolarChipModel() = default;

Expected<SolarChipConfig> SolarChipModel::configFor(const QString &preset, const QStringList &channels,
                                                    std::optional<Architecture> arch, bool sharedAia)
{
    auto backbone = presetConfig(preset, arch);
    if (!backbone)
        return backbone.error();
    SolarChipConfig c;
    c.backbone = *backbone;
    c.sharedAia = sharedAia;
    c.modalities.clear();
    for (const QString &ch : channels) {
        const QString m = modalityName(ch);
        if (m.isEmpty() || m == QLatin1String("aia"))
            return Error{{}, QStringLiteral("unknown channel '%1' (expected hmi or an AIA passband: 94, 131, 171, 193, "
                                            "211, 304, 335, 1600, 1700, 4500)").arg(ch)};
        c.modalities << m;
    }
    // HMI first, as the research code requires.
    if (c.modalities.removeAll(QStringLiteral("hmi")) > 0)
        c.modalities.prepend(QStringLiteral("hmi"));
    const QString problem = c.validate();
    if (!problem.isEmpty())
        return Error{{}, problem};
    return c;
}

Expected<SolarChipModel> SolarChipModel::create(const SolarChipConfig &config, uint64_t seed)
{
    const QString problem = config.validate();
    if (!problem.isEmpty())
        return Error{{}, QStringLiteral("model configuration: ") + problem};
    return guarded(Doing{{}, QStringLiteral("cannot build ") + config.describe()}, [&]() -> Expected<SolarChipModel> {
        auto impl = std::make_unique<Impl>();
        impl->config = config;
        torch::manual_seed(seed);
        impl->net = detail::SolarChipNet(config);
        return SolarChipModel(std::move(impl));
    });
}

Expected<SolarChipModel> SolarChipModel::load(const QString &path)
{
    return guarded(Doing{path, QStringLiteral("loading the model")}, [&]() -> Expected<SolarChipModel> {
        auto file = SafetensorsFile::read(path);
        if (!file)
            return file.error();
        const QString json = file->metadata.value(kConfigKey);
        if (json.isEmpty())
            return Error{path, QStringLiteral("no SolarCHIP configuration in its metadata (a research checkpoint? convert it "
                                              "with `solarchip import-checkpoint`)")};
        QJsonParseError perr;
        const QJsonDocument doc = QJsonDocument::fromJson(json.toUtf8(), &perr);
        if (!doc.isObject())
            return Error{path, QStringLiteral("bad configuration metadata: ") + perr.errorString()};
        auto config = SolarChipConfig::fromJson(doc.object());
        if (!config)
            return Error{path, config.error().message};
        auto model = create(*config, 0);
        if (!model)
            return Error{path, model.error().message};
        TensorMap state;
        for (const auto &[name, data] : file->tensors)
            state.emplace(name, detail::toTensor(data));
        Status s = detail::loadState(*model->d->net, state, path);
        if (!s)
            return s.error();
        return model;
    });
}

const SolarChipConfig &SolarChipModel::config() const { return d->config; }

int64_t SolarChipModel::parameterCount() const
{
    int64_t n = 0;
    for (const auto &p : d->net->parameters())
        n += p.numel();
    return n;
}

Status SolarChipModel::to(const DeviceChoice &device)
{
    if (device.kind == DeviceKind::Cuda && !cudaAvailable())
        return Error{{}, QStringLiteral("CUDA asked for, but this LibTorch has no CUDA or no GPU is visible")};
    return guarded(Doing{{}, QStringLiteral("moving %1 to %2").arg(d->config.describe(), device.toString())}, [&]() -> Status {
        d->net->to(detail::toTorchDevice(device));
        d->device = device;
        return Status::success();
    });
}

DeviceChoice SolarChipModel::device() const { return d->device; }

Status SolarChipModel::save(const QString &path) const
{
    return guarded(Doing{path, QStringLiteral("saving ") + d->config.describe()}, [&]() -> Status {
        const TensorMap state = detail::stateOf(*d->net);
        QMap<QString, QString> meta;
        meta.insert(kFormatKey, kFormatValue);
        meta.insert(kConfigKey, QString::fromUtf8(QJsonDocument(d->config.toJson()).toJson(QJsonDocument::Compact)));
        meta.insert(QStringLiteral("sha256_state"), detail::stateHash(state));
        return detail::writeSafetensors(path, state, meta);
    });
}

Expected<QString> SolarChipModel::hash() const
{
    return guarded(Doing{{}, QStringLiteral("hashing the weights of ") + d->config.describe()},
                   [&]() -> Expected<QString> { return detail::stateHash(detail::stateOf(*d->net)); });
}

Expected<ForwardResult> SolarChipModel::forward(const std::map<QString, ImageBatch> &images) const
{
    auto doing = [&] {
        QStringList shapes;
        for (const auto &[m, b] : images)
            shapes << m + QLatin1Char(' ') + shapeOf(b);
        return Doing{{}, QStringLiteral("forward of %1 on %2").arg(d->config.describe(), shapes.join(QStringLiteral(", ")))};
    };
    return guarded(doing, [&]() -> Expected<ForwardResult> {
        std::map<std::string, torch::Tensor> inputs;
        int batch = -1;
        for (const QString &m : d->config.modalities) {
            const auto it = images.find(m);
            if (it == images.end())
                return Error{{}, QStringLiteral("no images for modality '%1'").arg(m)};
            if (batch >= 0 && it->second.batch != batch)
                return Error{{}, QStringLiteral("modality '%1' has %2 images, the others %3").arg(m).arg(it->second.batch).arg(batch)};
            batch = it->second.batch;
            auto t = toBatchTensor(m, it->second, d->config.backbone);
            if (!t)
                return t.error();
            inputs.emplace(m.toStdString(), t->to(detail::toTorchDevice(d->device)));
        }
        torch::NoGradGuard noGrad;
        ForwardResult r;
        const auto outputs = d->net->forward(inputs);
        const auto terms = d->net->loss(inputs, outputs);
        const int grid = d->config.backbone.gridSize();
        for (const auto &[m, o] : outputs) {
            ImageBatch rec;
            rec.batch = static_cast<int>(o.recon.size(0));
            rec.channels = static_cast<int>(o.recon.size(1));
            rec.side = static_cast<int>(o.recon.size(2));
            rec.data = toVector(o.recon);
            r.reconstruction.emplace(QString::fromStdString(m), std::move(rec));
            r.tokens.emplace(QString::fromStdString(m), toEmbeddings(o.tokens, grid, false));
        }
        LossReport &l = r.losses;
        l.total = terms.total.item<double>();
        for (const auto &[k, v] : terms.reconstruction)
            l.reconstruction.emplace(QString::fromStdString(k), v.item<double>());
        for (const auto &[k, v] : terms.cls)
            l.cls.emplace(QString::fromStdString(k), v.item<double>());
        for (const auto &[k, v] : terms.pat)
            l.pat.emplace(QString::fromStdString(k), v.item<double>());
        for (const auto &[k, v] : terms.intra)
            l.intra.emplace(QString::fromStdString(k), v.item<double>());
        const auto &c = d->net->contrastive_loss_fn;
        l.clsLogitScale = detail::logitScale(c->cls_logit_scale).item<double>();
        l.patLogitScale = detail::logitScale(c->pat_logit_scale).item<double>();
        l.intLogitScale = detail::logitScale(c->int_logit_scale).item<double>();
        return r;
    });
}

Expected<Embeddings> SolarChipModel::encode(const QString &modality, const ImageBatch &images, bool normalize, int chunk) const
{
    const QString m = modalityName(modality);
    if (m.isEmpty() || !d->config.modalities.contains(m))
        return Error{{}, QStringLiteral("the model has no modality '%1' (it has %2)").arg(modality, d->config.modalities.join(u','))};
    const Doing doing{{}, QStringLiteral("encoding %1 images %2 with %3").arg(m, shapeOf(images), d->config.describe())};
    return guarded(doing, [&]() -> Expected<Embeddings> {
        auto x = toBatchTensor(m, images, d->config.backbone);
        if (!x)
            return x.error();
        chunk = std::max(1, chunk);
        torch::NoGradGuard noGrad;
        std::vector<torch::Tensor> parts;
        for (int64_t i = 0; i < x->size(0); i += chunk) {
            const torch::Tensor xs = x->slice(0, i, std::min<int64_t>(i + chunk, x->size(0))).to(detail::toTorchDevice(d->device));
            torch::Tensor t = d->net->tokens(m.toStdString(), xs);
            if (normalize)
                t = detail::l2Normalize(t);
            parts.push_back(t.to(torch::kCPU));
        }
        return toEmbeddings(torch::cat(parts, 0), d->config.backbone.gridSize(), normalize);
    });
}

std::shared_ptr<detail::SolarChipNetImpl> SolarChipModel::net() const { return d->net.ptr(); }

}  // namespace solarchip
