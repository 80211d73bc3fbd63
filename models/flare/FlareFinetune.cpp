#include "models/flare/FlareFinetune.h"

#include "core/archive/FlareFluxBaseline.h"

#include "models/detail/Guarded.h"
#include "models/embeddings/EmbedSets.h"
#include "models/flare/detail/FlareHeadForward.h"
#include "models/networks/detail/SolarChipNet.h"
#include "models/networks/detail/TensorIo.h"
#include "models/networks/detail/TorchDevice.h"

#include <torch/torch.h>

#include <QElapsedTimer>
#include <QJsonArray>
#include <QSet>
#include <QTimeZone>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <set>

namespace solarchip {

int flareEncoderGrid(const TrainedModel &model, int side)
{
    const BackboneConfig &b = model.model.config().backbone;
    return b.resolution > 0 ? b.gridSize() * side / b.resolution : 0;
}

Expected<int> flareFinetuneResolution(const TrainedModel &model, int requested)
{
    const int native = model.prep.resolution;
    const bool vit = model.model.config().backbone.arch == Architecture::Vit;
    const int side = requested > 0 ? requested : (vit ? native : std::min(64, native));
    if (vit && side != native)
        return Error{model.path, QStringLiteral("a ViT encoder keeps its input resolution (%1 px); %2 px asked").arg(native).arg(side)};
    const int cnnCell = model.model.config().backbone.resolution / std::max(1, model.model.config().backbone.gridSize());
    if (side <= 0 || native % side != 0 || side % std::max(1, cnnCell) != 0)
        return Error{model.path, QStringLiteral("the fine-tuning resolution must divide the model's %1 px and be a multiple of "
                                                "its %2 px cell; %3 px asked").arg(native).arg(cnnCell).arg(side)};
    return side;
}

namespace {

// Area average of one prepared sample (channel-major planes at `from` px) into `out` at `to` px.
void downsample(const Sample &s, int to, float *out)
{
    const int from = s.side, f = from / to;
    const float inv = 1.f / static_cast<float>(f * f);
    for (int c = 0; c < static_cast<int>(s.channels.size()); ++c) {
        const float *src = s.plane(c);
        float *dst = out + static_cast<size_t>(c) * to * to;
        for (int y = 0; y < to; ++y)
            for (int x = 0; x < to; ++x) {
                float sum = 0;
                for (int dy = 0; dy < f; ++dy)
                    for (int dx = 0; dx < f; ++dx)
                        sum += src[static_cast<size_t>(y * f + dy) * from + static_cast<size_t>(x * f + dx)];
                dst[static_cast<size_t>(y) * to + x] = sum * inv;
            }
    }
}

Status appendSample(FlareImages &img, const Sample &s)
{
    if (static_cast<int>(s.channels.size()) != img.channels || s.side % img.side != 0)
        return Error{s.files.value(0), QStringLiteral("a prepared set has %1 channels at %2 px, expected %3 channels at a multiple "
                                                      "of %4 px").arg(s.channels.size()).arg(s.side).arg(img.channels).arg(img.side)};
    const size_t per = static_cast<size_t>(img.channels) * img.side * img.side;
    img.data.resize(img.data.size() + per);
    downsample(s, img.side, img.data.data() + img.data.size() - per);
    img.timesMs.push_back(s.timeMs);
    ++img.n;
    return Status::success();
}

Expected<FlareImages> emptyImages(const TrainedModel &model, const QStringList &channels, int side, const ObservationSet *first)
{
    FlareImages img;
    img.side = side;
    img.channels = static_cast<int>(channels.size());
    for (const QString &c : channels)
        img.modalities << modalityName(c);
    img.grid = flareEncoderGrid(model, side);
    const std::vector<uint8_t> disk = first ? onDiskCells(*first, model.prep, img.grid) : std::vector<uint8_t>{};
    for (int c = 0; c < img.grid * img.grid; ++c)
        if (disk.empty() || disk[static_cast<size_t>(c)])
            img.cellIndex.push_back(c);
    return img;
}

}  // namespace

Expected<FlareImages> loadFlareImages(const TrainedModel &model, const DatasetOptions &base, int side,
                                      const std::function<void(qint64, qint64)> &progress)
{
    auto opts = datasetOptionsFor(model, base, base.selection.channels);
    if (!opts)
        return opts.error();
    auto ds = Dataset::open(*opts);
    if (!ds)
        return ds.error();
    const auto &sets = ds->sets(Split::All);
    auto img = emptyImages(model, ds->channels(), side, sets.isEmpty() ? nullptr : &sets.front());
    if (!img)
        return img;
    img->data.reserve(static_cast<size_t>(sets.size()) * img->channels * side * side);
    for (int i = 0; i < sets.size(); ++i) {
        auto s = ds->sample(Split::All, i);
        if (!s)
            return s.error();
        if (Status st = appendSample(*img, *s); !st)
            return st.error();
        if (progress && (i % 50 == 49 || i + 1 == sets.size()))
            progress(i + 1, sets.size());
    }
    img->diskFlux = diskFluxOfSets(sets, nullptr, nullptr, diskFluxCacheFile(ds->options().archiveDir));
    return img;
}

Expected<FlareImages> flareImagesOfSets(const TrainedModel &model, const QVector<ObservationSet> &sets, const DatasetOptions &base,
                                        int side)
{
    if (sets.isEmpty())
        return Error{{}, QStringLiteral("no set to prepare")};
    auto opts = datasetOptionsFor(model, base, base.selection.channels);
    if (!opts)
        return opts.error();
    auto ds = Dataset::forPreparing(*opts);
    if (!ds)
        return ds.error();
    auto img = emptyImages(model, opts->selection.channels, side, &sets.front());
    if (!img)
        return img;
    for (const ObservationSet &set : sets) {
        auto s = ds->sampleOf(set);
        if (!s)
            return s.error();
        if (s->channels != opts->selection.channels)
            return Error{set.members.value(0).path, QStringLiteral("the set holds channels %1; the model needs %2")
                                                        .arg(s->channels.join(u','), opts->selection.channels.join(u','))};
        if (Status st = appendSample(*img, *s); !st)
            return st.error();
    }
    return img;
}

namespace {

using TensorMap = std::map<std::string, torch::Tensor>;

// Unit CLS [B, C*D] and on-disk patch tokens [B, cells, C*D] of rows `rows` through the network.
void encodeRows(detail::SolarChipNetImpl &net, const FlareImages &img, const torch::Tensor &x, const torch::Tensor &cells, bool patches,
                torch::Tensor *cls, torch::Tensor *tok)
{
    std::vector<torch::Tensor> c, p;
    for (int ch = 0; ch < img.channels; ++ch) {
        const torch::Tensor t = net.tokens(img.modalities[ch].toStdString(), x.select(1, ch).unsqueeze(1));  // [B, 1+N, D]
        const torch::Tensor u = torch::nn::functional::normalize(t, torch::nn::functional::NormalizeFuncOptions().dim(2));
        c.push_back(u.select(1, 0));
        if (patches)
            p.push_back(u.slice(1, 1).index_select(1, cells));
    }
    *cls = torch::cat(c, 1);
    if (patches)
        *tok = torch::cat(p, 2);
}

torch::Tensor imagesOf(const FlareImages &img, const std::vector<int> &rows)
{
    const int64_t per = static_cast<int64_t>(img.channels) * img.side * img.side;
    torch::Tensor out = torch::empty({static_cast<int64_t>(rows.size()), img.channels, img.side, img.side});
    float *dst = out.data_ptr<float>();
    for (size_t i = 0; i < rows.size(); ++i)
        std::copy(img.set(rows[i]), img.set(rows[i]) + per, dst + static_cast<int64_t>(i) * per);
    return out;
}

torch::Tensor cellTensor(const FlareImages &img)
{
    std::vector<int64_t> c(img.cellIndex.begin(), img.cellIndex.end());
    return torch::tensor(c, torch::kInt64);
}

// The CLS rows (and on-disk patch tokens) of the images `rows`, in that order, through `net` in batches of
// `batch`, laid out as FlareFeatures (channels concatenated); no gradients. Times and the cell layout are filled.
FlareFeatures featuresOfRows(detail::SolarChipNetImpl &net, const FlareImages &images, const std::vector<int> &rows,
                             const torch::Tensor &cells, bool patches, int batch, const torch::Device &dev)
{
    torch::NoGradGuard ng;
    FlareFeatures f;
    f.grid = images.grid;
    f.channels = std::max(1, images.channels);
    f.cellIndex = patches ? images.cellIndex : std::vector<int>{};
    f.cells = patches ? static_cast<int>(images.cellIndex.size()) : 0;
    for (size_t at = 0; at < rows.size(); at += static_cast<size_t>(batch)) {
        const std::vector<int> part(rows.begin() + static_cast<std::ptrdiff_t>(at),
                                    rows.begin() + static_cast<std::ptrdiff_t>(std::min(rows.size(), at + static_cast<size_t>(batch))));
        torch::Tensor cls, tok;
        encodeRows(net, images, imagesOf(images, part).to(dev), cells, patches, &cls, &tok);
        cls = cls.to(torch::kCPU, torch::kFloat32).contiguous();
        f.width = static_cast<int>(cls.size(1));
        f.cls.insert(f.cls.end(), cls.data_ptr<float>(), cls.data_ptr<float>() + cls.numel());
        if (patches) {
            tok = tok.to(torch::kCPU, torch::kFloat32).contiguous();
            f.patches.insert(f.patches.end(), tok.data_ptr<float>(), tok.data_ptr<float>() + tok.numel());
        }
        for (int i : part) {
            f.timesMs.push_back(images.timesMs[static_cast<size_t>(i)]);
            if (!images.diskFlux.empty())
                f.diskFlux.push_back(images.diskFlux[static_cast<size_t>(i)]);
        }
        f.n += static_cast<int>(part.size());
    }
    return f;
}

QJsonObject paramJson(const torch::Tensor &t)
{
    const torch::Tensor c = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    QJsonArray shape;
    for (int64_t s : c.sizes())
        shape.append(static_cast<double>(s));
    const QByteArray raw(reinterpret_cast<const char *>(c.data_ptr<float>()), static_cast<qsizetype>(c.numel() * sizeof(float)));
    return QJsonObject{{QStringLiteral("shape"), shape}, {QStringLiteral("f32le_base64"), QString::fromLatin1(raw.toBase64())}};
}

// The encoder's parameter groups ("blocks"), bottom to top, decoder left out: encoder.down.K, encoder.mid and the
// other encoder modules, then the projection (cls_proj, cls_pool, contrasive_porject) for a CNN; the ViT's
// per-layer groups likewise by their first two name parts.
std::vector<std::pair<std::string, std::vector<torch::Tensor>>> encoderBlocks(detail::BackboneImpl &b)
{
    std::vector<std::pair<std::string, std::vector<torch::Tensor>>> groups;
    for (const auto &item : b.named_parameters(true)) {
        const std::string &name = item.key();
        if (name.rfind("decoder", 0) == 0 || name.find(".decoder") != std::string::npos || name.rfind("dec_", 0) == 0)
            continue;
        std::vector<std::string> parts;
        size_t start = 0;
        while (true) {
            const size_t dot = name.find('.', start);
            parts.push_back(name.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
            if (dot == std::string::npos)
                break;
            start = dot + 1;
        }
        std::string key = parts[0];
        if (parts.size() > 2 && (parts[1] == "down" || parts[1] == "layers" || parts[1] == "resblocks" || parts[1] == "blocks"))
            key += "." + parts[1] + "." + parts[2];
        else if (parts.size() > 1 && parts[0] == "encoder")
            key += "." + parts[1];
        if (groups.empty() || groups.back().first != key) {
            auto it = std::find_if(groups.begin(), groups.end(), [&](const auto &g) { return g.first == key; });
            if (it == groups.end()) {
                groups.push_back({key, {}});
                it = groups.end() - 1;
            }
            it->second.push_back(item.value());
        } else {
            groups.back().second.push_back(item.value());
        }
    }
    // Registration order puts some projection parameters first: the encoder's own blocks go first (bottom to
    // top), the projections to the contrastive space (CLS and cells) last, so "the last N blocks" are the top.
    std::stable_partition(groups.begin(), groups.end(), [](const auto &g) { return g.first.rfind("encoder", 0) == 0; });
    return groups;
}

}  // namespace

Expected<FlareFeatures> encodeFlareImages(const TrainedModel &encoder, const FlareImages &images, bool patches)
{
    return detail::guarded(detail::Doing{encoder.path, QStringLiteral("encoding %1 sets at %2 px for a flare head").arg(images.n).arg(images.side)},
                           [&]() -> Expected<FlareFeatures> {
        auto net = encoder.model.net();
        net->eval();
        const torch::Device dev = detail::toTorchDevice(encoder.model.device());
        std::vector<int> rows(static_cast<size_t>(images.n));
        std::iota(rows.begin(), rows.end(), 0);
        return featuresOfRows(*net, images, rows, cellTensor(images).to(dev), patches, 16, dev);
    });
}

Expected<FlareFinetuneResult> finetuneFlare(const TrainedModel &base, const FlareImages &images, const std::vector<int> &labels,
                                            const std::vector<int> &train, const std::vector<int> &val,
                                            const FlareFinetuneOptions &o,
                                            const std::function<void(const FlareHead::Progress &)> &progress,
                                            const std::vector<int> &unlabeled)
{
    if (train.empty() || val.empty())
        return Error{{}, QStringLiteral("fine-tuning needs training and validation rows")};
    std::vector<long long> counts(static_cast<size_t>(std::max(2, o.classes)), 0);
    for (int i : train)
        counts[static_cast<size_t>(std::clamp(labels[static_cast<size_t>(i)], 0, static_cast<int>(counts.size()) - 1))]++;
    if (o.classes == 2 && (counts[0] == 0 || counts[1] == 0))
        return Error{{}, QStringLiteral("the training samples hold %1 positives and %2 negatives: a binary head needs both")
                             .arg(counts[1]).arg(counts[0])};
    const bool tokens = flareHeadReadsPatches(o.head);
    if (tokens && images.cellIndex.empty())
        return Error{{}, QStringLiteral("the %1 head needs on-disk cells, and the images have none").arg(flareHeadKindName(o.head))};
    const QString what = QStringLiteral("%1 a %2 encoder with a %3 flare head on %4 px images")
                             .arg(o.scratch ? QStringLiteral("training from scratch") : QStringLiteral("fine-tuning"),
                                  base.model.config().describe(), flareHeadKindName(o.head))
                             .arg(images.side);
    return detail::guarded(detail::Doing{base.path, what}, [&]() -> Expected<FlareFinetuneResult> {
        QElapsedTimer clock;
        clock.start();
        torch::manual_seed(o.seed);
        auto created = SolarChipModel::create(base.model.config(), o.seed);
        if (!created)
            return created.error();
        auto result = FlareFinetuneResult{};
        result.encoder = std::make_unique<TrainedModel>(TrainedModel{std::move(*created), base.channels, base.prep, {}, {}, {}});
        auto net = result.encoder->model.net();
        if (!o.scratch)
            if (Status s = detail::loadState(*net, detail::stateOf(*base.model.net()), base.path); !s)
                return s.error();
        const torch::Device dev = detail::toTorchDevice(base.model.device());
        net->to(dev);
        net->eval();  // no dropout / batch statistics: the same function in training and prediction
        for (auto &p : net->parameters())
            p.set_requires_grad(false);

        // Trainable encoder blocks: the top `blocks` groups of every modality's backbone (0: all). Scratch trains all.
        std::vector<torch::Tensor> encoderParams;
        int64_t trainableCount = 0;
        QStringList trainedBlocks;
        QSet<const void *> seen;
        for (const QString &m : images.modalities) {
            auto groups = encoderBlocks(*net->backbone(m.toStdString()));
            const size_t from = o.scratch || o.blocks <= 0 ? 0 : groups.size() - std::min(groups.size(), static_cast<size_t>(o.blocks));
            for (size_t g = from; g < groups.size(); ++g) {
                if (!trainedBlocks.contains(QString::fromStdString(groups[g].first)))
                    trainedBlocks << QString::fromStdString(groups[g].first);
                for (torch::Tensor &t : groups[g].second) {
                    if (seen.contains(t.unsafeGetTensorImpl()))
                        continue;  // a shared AIA backbone
                    seen.insert(t.unsafeGetTensorImpl());
                    t.set_requires_grad(true);
                    encoderParams.push_back(t);
                    trainableCount += t.numel();
                }
            }
        }
        const torch::Tensor cells = cellTensor(images).to(dev);

        // The head starts as the probe trained on the starting encoder's features (linear probe, then fine-tune:
        // a randomly initialised head would send its random gradients into the pretrained encoder, and the fine-
        // tuned run could end worse than the frozen probe it starts from). The probe is FlareHead::train on the
        // training and validation rows' features (its standardisation, from the unlabelled rows when given, else
        // the training rows, stays a fixed affine map thereafter; the unlabelled rows' features also give the
        // principal components of --components); the scratch encoder gets the same treatment on its random
        // features.
        TensorMap p;
        QJsonObject probeFit;
        double headL2 = 0;
        {
            torch::NoGradGuard ng;
            std::vector<int> rowsTv = train;
            rowsTv.insert(rowsTv.end(), val.begin(), val.end());
            // The unlabelled rows not already there follow (their labels are never read by the probe).
            const std::set<int> labelled(rowsTv.begin(), rowsTv.end());
            for (int i : unlabeled)
                if (!labelled.count(i))
                    rowsTv.push_back(i);
            const FlareFeatures f = featuresOfRows(*net, images, rowsTv, cells, tokens, 32, dev);
            std::vector<int> probeLabels, probeTrain, probeVal, probeUnlabeled;
            const std::set<int> unlabeledSet(unlabeled.begin(), unlabeled.end());
            for (size_t i = 0; i < rowsTv.size(); ++i) {
                probeLabels.push_back(labels[static_cast<size_t>(rowsTv[i])]);
                if (i < train.size())
                    probeTrain.push_back(static_cast<int>(i));
                else if (i < train.size() + val.size())
                    probeVal.push_back(static_cast<int>(i));
                if (unlabeledSet.count(rowsTv[i]))
                    probeUnlabeled.push_back(static_cast<int>(i));
            }
            FlareHeadOptions ho;
            ho.kind = o.head;
            ho.classes = o.classes;
            ho.hidden = o.hidden;
            ho.seed = o.seed;
            ho.epochs = o.head == FlareHeadKind::Attention ? 150 : 300;
            ho.components = o.components;
            auto probe = FlareHead::train(f, probeLabels, probeTrain, probeVal, ho, {}, probeUnlabeled);
            if (!probe)
                return Error{base.path, QStringLiteral("the starting probe: %1").arg(probe.error().message)};
            probeFit = probe->fitReport();
            headL2 = o.head != FlareHeadKind::Attention ? probeFit.value(QStringLiteral("weight_decay")).toDouble() : 0.0;
            for (const char *name : {"mean", "std", "w", "b", "att_w", "att_b", "att_v", "tok_mean", "tok_proj", "tok_scale"}) {
                std::vector<int64_t> shape;
                std::vector<float> v = probe->parameter(QLatin1String(name), &shape);
                if (v.empty())
                    continue;
                p[name] = torch::from_blob(v.data(), shape, torch::kFloat32).clone().to(dev);
            }
        }
        // The head's input width: the tokens' (the quad pool's "mean" is over its pooled values).
        const int64_t width = p.count("tok_mean") ? p["tok_mean"].size(0) : p["mean"].size(0);
        std::vector<torch::Tensor> headParams;
        for (auto &[name, t] : p)
            if (!detail::isFixedHeadParameter(name)) {
                t.set_requires_grad(true);
                headParams.push_back(t);
            }
        // Scratch: the random encoder gets the head's rate (a low rate would leave it random, an unfair baseline).
        const double encLr = o.scratch ? o.headLr : o.encoderLr;
        std::vector<torch::optim::OptimizerParamGroup> groups;
        groups.emplace_back(headParams, std::make_unique<torch::optim::AdamWOptions>(torch::optim::AdamWOptions(o.headLr).weight_decay(o.weightDecay)));
        if (!encoderParams.empty())
            groups.emplace_back(encoderParams, std::make_unique<torch::optim::AdamWOptions>(torch::optim::AdamWOptions(encLr).weight_decay(o.weightDecay)));
        torch::optim::AdamW opt(std::move(groups), torch::optim::AdamWOptions(o.headLr));

        torch::Tensor classWeight;
        if (o.classes != 2) {
            std::vector<float> w;
            const double total = static_cast<double>(train.size());
            for (long long c : counts)
                w.push_back(c > 0 ? static_cast<float>(total / (static_cast<double>(counts.size()) * static_cast<double>(c))) : 0.f);
            classWeight = torch::tensor(w).to(dev);
        }
        const double posWeight = o.classes == 2 ? static_cast<double>(counts[0]) / static_cast<double>(counts[1]) : 1.0;
        auto lossOf = [&](const std::vector<int> &rows) {
            torch::Tensor cls, tok;
            encodeRows(*net, images, imagesOf(images, rows).to(dev), cells, tokens, &cls, &tok);
            // The head's input: the CLS rows, the cells' mean token (mean pool) or the tokens (attention, quad).
            const torch::Tensor input = o.head == FlareHeadKind::MeanPool ? tok.mean(1) : (tokens ? tok : cls);
            const torch::Tensor logits = detail::flareHeadLogits(o.head, input, p);
            std::vector<int64_t> y;
            for (int r : rows)
                y.push_back(labels[static_cast<size_t>(r)]);
            const torch::Tensor yt = torch::tensor(y, torch::kInt64).to(dev);
            if (o.classes == 2)
                return torch::binary_cross_entropy_with_logits(logits.squeeze(1), yt.to(torch::kFloat32), {},
                                                               torch::tensor({posWeight}, torch::kFloat32).to(dev));
            return torch::nn::functional::cross_entropy(logits, yt, torch::nn::functional::CrossEntropyFuncOptions().weight(classWeight));
        };
        auto valLoss = [&]() {
            torch::NoGradGuard ng;
            double sum = 0;
            for (size_t at = 0; at < val.size(); at += 32) {
                const std::vector<int> rows(val.begin() + static_cast<std::ptrdiff_t>(at),
                                            val.begin() + static_cast<std::ptrdiff_t>(std::min(val.size(), at + 32)));
                sum += lossOf(rows).item<double>() * static_cast<double>(rows.size());
            }
            return sum / static_cast<double>(val.size());
        };

        const int batch = std::max(1, std::min(o.batch, static_cast<int>(train.size())));
        const int perEpoch = static_cast<int>((train.size() + static_cast<size_t>(batch) - 1) / static_cast<size_t>(batch));
        const int steps = std::max(o.minSteps, o.epochs * perEpoch);
        const int evalEvery = std::max(perEpoch, std::max(5, o.minSteps / 6));
        std::mt19937_64 rng(o.seed);
        std::vector<int> order = train;
        size_t cursor = order.size();
        double best = std::numeric_limits<double>::infinity(), lastTrain = 0;
        int bestStep = 0, sinceBest = 0, done = 0, evaluations = 0;
        TensorMap bestEncoder, bestHead;
        auto snapshot = [&](int step) {
            torch::NoGradGuard ng;
            bestEncoder.clear();
            for (const auto &item : net->named_parameters(true))
                if (item.value().requires_grad())
                    bestEncoder[item.key()] = item.value().detach().clone();
            bestHead.clear();
            for (auto &[name, t] : p)
                bestHead[name] = t.detach().clone();
            bestStep = step;
        };
        QJsonArray history;
        {
            // Step 0 (the probe on the starting encoder) is a candidate too: fine-tuning is kept only where it
            // lowers the validation loss.
            const double v0 = valLoss();
            history.append(QJsonArray{0, QJsonValue(), std::isfinite(v0) ? QJsonValue(v0) : QJsonValue()});
            if (std::isfinite(v0)) {
                best = v0;
                snapshot(0);
            }
        }
        for (int step = 1; step <= steps; ++step) {
            std::vector<int> rows;
            while (static_cast<int>(rows.size()) < batch) {
                if (cursor >= order.size()) {
                    std::shuffle(order.begin(), order.end(), rng);
                    cursor = 0;
                }
                rows.push_back(order[cursor++]);
            }
            opt.zero_grad();
            // The probe's objective, L2 on the head's weights included: without it the head's weights, shrunk by
            // the L2 the validation block chose, grow freely as soon as the encoder moves.
            const torch::Tensor l = lossOf(rows);
            const torch::Tensor penalised = headL2 > 0 ? l + 0.5 * headL2 * p["w"].pow(2).sum() : l;
            penalised.backward();
            opt.step();
            lastTrain = l.item<double>();
            done = step;
            if (step % evalEvery == 0 || step == steps) {
                const double vl = valLoss();
                ++evaluations;
                history.append(QJsonArray{step, lastTrain, vl});
                if (progress)
                    progress(FlareHead::Progress{step, steps, lastTrain, vl});
                if (vl < best) {
                    best = vl;
                    sinceBest = 0;
                    snapshot(step);
                } else if (++sinceBest >= o.patience) {
                    break;
                }
            }
        }
        if (bestHead.empty())
            snapshot(done);  // every validation loss was NaN: keep the last weights
        {
            torch::NoGradGuard ng;
            for (const auto &item : net->named_parameters(true))
                if (auto it = bestEncoder.find(item.key()); it != bestEncoder.end())
                    item.value().copy_(it->second);
            for (auto &[name, t] : p)
                t = bestHead.at(name);
        }
        for (auto &q : net->parameters())
            q.set_requires_grad(false);
        auto hash = result.encoder->model.hash();
        if (!hash)
            return hash.error();
        result.encoder->hash = *hash;

        QJsonObject params;
        for (auto &[name, t] : p)
            params.insert(QString::fromStdString(name), paramJson(t));
        auto head = FlareHead::fromJson(QJsonObject{{QStringLiteral("kind"), flareHeadKindName(o.head)},
                                                    {QStringLiteral("classes"), o.classes},
                                                    {QStringLiteral("width"), static_cast<int>(width)},
                                                    {QStringLiteral("cells"), tokens ? static_cast<int>(images.cellIndex.size()) : 0},
                                                    {QStringLiteral("hidden"), o.head == FlareHeadKind::Attention ? o.hidden : 0},
                                                    {QStringLiteral("best_epoch"), bestStep},
                                                    {QStringLiteral("params"), params}});
        if (!head)
            return head.error();
        result.head = *head;
        result.report = QJsonObject{{QStringLiteral("steps_planned"), steps},
                                    {QStringLiteral("steps_done"), done},
                                    {QStringLiteral("best_step"), bestStep},
                                    {QStringLiteral("best_val_loss"), best},
                                    {QStringLiteral("evaluations"), evaluations},
                                    {QStringLiteral("eval_every_steps"), evalEvery},
                                    {QStringLiteral("early_stopped"), done < steps},
                                    {QStringLiteral("batch"), batch},
                                    {QStringLiteral("encoder_lr"), encoderParams.empty() ? 0.0 : encLr},
                                    {QStringLiteral("head_lr"), o.headLr},
                                    {QStringLiteral("trainable_encoder_parameters"), static_cast<double>(trainableCount)},
                                    {QStringLiteral("trained_blocks"), QJsonArray::fromStringList(trainedBlocks)},
                                    {QStringLiteral("history_step_train_val"), history},
                                    {QStringLiteral("start_probe"), probeFit},
                                    {QStringLiteral("head_l2"), headL2},
                                    {QStringLiteral("seconds"), clock.elapsed() / 1000.0}};
        return result;
    });
}

Expected<FlareFinetuneRun> trainFinetuneFlareRun(const TrainedModel &base, const FlareImages &images, const QVector<int> &labels4,
                                                 const FlareRunSpec &spec, FlareFinetuneOptions options, quint64 seed,
                                                 const std::function<void(const FlareHead::Progress &)> &progress)
{
    QVector<QDateTime> times;
    for (qint64 ms : images.timesMs)
        times << QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc());
    auto rows = flareRunRows(times, labels4, spec, seed);
    if (!rows)
        return rows.error();
    options.classes = flareTargetClasses(spec.target);
    options.seed = seed;
    options.components = spec.head.components;
    auto ft = finetuneFlare(base, images, rows->headLabels, rows->train, rows->val, options, progress, rows->trainBlock);
    if (!ft)
        return ft.error();
    auto features = encodeFlareImages(*ft->encoder, images, flareHeadReadsPatches(options.head));
    if (!features)
        return features.error();
    FlareFinetuneRun out;
    out.run.head = ft->head;
    out.run.spec = spec;
    out.run.spec.head.kind = options.head;
    out.run.spec.head.classes = options.classes;
    out.run.spec.head.seed = seed;
    out.run.spec.head.epochs = options.epochs;
    out.run.modelHash = base.hash;
    out.run.modelPath = base.path;
    out.run.encoder = QJsonObject{{QStringLiteral("mode"), options.scratch ? QStringLiteral("scratch") : QStringLiteral("finetune")},
                                  {QStringLiteral("file"), QStringLiteral("encoder.safetensors")},
                                  {QStringLiteral("hash"), ft->encoder->hash},
                                  {QStringLiteral("base_hash"), base.hash},
                                  {QStringLiteral("resolution"), images.side},
                                  {QStringLiteral("head"), flareHeadKindName(options.head)},
                                  {QStringLiteral("blocks"), options.scratch ? 0 : options.blocks},
                                  {QStringLiteral("training"), ft->report}};
    if (Status s = calibrateFlareRun(out.run, *features, *rows, seed); !s)
        return s.error();
    out.run.training.insert(QStringLiteral("best_step"), ft->report.value(QStringLiteral("best_step")));
    out.encoder = std::move(ft->encoder);
    out.features = std::move(*features);
    return out;
}

}  // namespace solarchip
