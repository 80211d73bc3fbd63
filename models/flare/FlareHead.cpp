#include "models/flare/FlareHead.h"

#include "models/detail/Guarded.h"
#include "models/flare/detail/FlareHeadForward.h"

#include <torch/torch.h>

#include <QJsonArray>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace solarchip {

FlareFeatures FlareFeatures::subset(const std::vector<int> &idx) const
{
    FlareFeatures s;
    s.n = static_cast<int>(idx.size());
    s.width = width;
    s.cells = cells;
    s.cellIndex = cellIndex;
    s.grid = grid;
    s.channels = channels;
    const size_t w = static_cast<size_t>(width), pc = static_cast<size_t>(cells) * w;
    for (int i : idx) {
        s.timesMs.push_back(timesMs[static_cast<size_t>(i)]);
        s.cls.insert(s.cls.end(), cls.begin() + static_cast<std::ptrdiff_t>(i * w),
                     cls.begin() + static_cast<std::ptrdiff_t>((i + 1) * w));
        if (!patches.empty())
            s.patches.insert(s.patches.end(), patches.begin() + static_cast<std::ptrdiff_t>(i * pc),
                             patches.begin() + static_cast<std::ptrdiff_t>((i + 1) * pc));
        if (!diskFlux.empty())
            s.diskFlux.push_back(diskFlux[static_cast<size_t>(i)]);
    }
    return s;
}

QString flareHeadKindName(FlareHeadKind kind)
{
    switch (kind) {
    case FlareHeadKind::Linear:
        return QStringLiteral("linear");
    case FlareHeadKind::Attention:
        return QStringLiteral("attn");
    case FlareHeadKind::MeanPool:
        return QStringLiteral("mean");
    case FlareHeadKind::Quad:
        return QStringLiteral("quad");
    }
    return {};
}

bool flareHeadKindFromName(const QString &name, FlareHeadKind *kind)
{
    for (FlareHeadKind k : {FlareHeadKind::Linear, FlareHeadKind::Attention, FlareHeadKind::MeanPool, FlareHeadKind::Quad})
        if (name == flareHeadKindName(k)) {
            *kind = k;
            return true;
        }
    return false;
}

// The torch side of FlareHead: tensors from the features, parameters in and out (the forward pass is
// detail::flareHeadLogits, shared with the fine-tuned heads).
struct FlareHeadTorch {
    // What the head's linear map reads: [n, F] (the CLS rows, or the mean over cells of the tokens), or the
    // tokens [n, cells, F] for the attention and quad pools.
    static torch::Tensor input(const FlareFeatures &x, FlareHeadKind kind)
    {
        if (kind == FlareHeadKind::Linear)
            return torch::from_blob(const_cast<float *>(x.cls.data()), {x.n, x.width}, torch::kFloat32);
        const torch::Tensor tokens = torch::from_blob(const_cast<float *>(x.patches.data()), {x.n, x.cells, x.width}, torch::kFloat32);
        if (kind == FlareHeadKind::MeanPool)
            return tokens.to(torch::kFloat64).mean(1).to(torch::kFloat32);
        return tokens;
    }

    static torch::Tensor fromParam(const FlareHead::Param &p)
    {
        return torch::from_blob(const_cast<float *>(p.values.data()), p.shape, torch::kFloat32).clone();
    }

    // The quad pool's fixed projection from the tokens [n, cells, F] of the unlabelled rows: per channel block of
    // F / channels values, the centred tokens' covariance over every row and cell, its first `components`
    // eigenvectors (by decreasing variance) as the block's columns of "tok_proj" and the square roots of their
    // eigenvalues as "tok_scale". A direction whose variance is below 1e-6 of the block's largest (a dead unit of an
    // encoder, a block narrower than `components` with fewer varying directions) carries only rounding noise, which
    // its division by a near-zero spread would blow up: its column is zero and its scale 1, so it pools to 0.
    static std::map<std::string, torch::Tensor> quadProjection(const torch::Tensor &tokens, int channels, int components)
    {
        const int64_t F = tokens.size(2), D = F / channels, P = std::min<int64_t>(components, D);
        // In double one channel block at a time (the unlabelled tokens are ~10^5 rows: a double copy of all of them at
        // once would double the peak memory for nothing).
        const torch::Tensor flat = tokens.reshape({-1, F});
        torch::Tensor mean = torch::zeros({F}, torch::kFloat64);
        torch::Tensor proj = torch::zeros({F, channels * P}, torch::kFloat64);
        torch::Tensor scale = torch::zeros({channels * P}, torch::kFloat64);
        for (int c = 0; c < channels; ++c) {
            const torch::Tensor block = flat.narrow(1, c * D, D).to(torch::kFloat64);
            mean.narrow(0, c * D, D).copy_(block.mean(0));
            const torch::Tensor b = block - mean.narrow(0, c * D, D);
            const torch::Tensor cov = torch::matmul(b.t(), b) / static_cast<double>(std::max<int64_t>(1, b.size(0) - 1));
            auto [values, vectors] = torch::linalg::eigh(cov, "L");  // ascending
            const torch::Tensor top = values.flip({0}).narrow(0, 0, P);
            const torch::Tensor kept = top > 1e-6 * std::max(values.max().item<double>(), 0.0);
            proj.narrow(0, c * D, D).narrow(1, c * P, P).copy_(vectors.flip({1}).narrow(1, 0, P) * kept.to(torch::kFloat64));
            scale.narrow(0, c * P, P).copy_(torch::where(kept, top.clamp_min(0).sqrt(), torch::ones_like(top)));
        }
        return {{"tok_mean", mean.to(torch::kFloat32)}, {"tok_proj", proj.to(torch::kFloat32)},
                {"tok_scale", scale.to(torch::kFloat32)}};
    }

    static FlareHead::Param toParam(const torch::Tensor &t)
    {
        FlareHead::Param p;
        const torch::Tensor c = t.detach().to(torch::kFloat32).contiguous();
        p.shape = c.sizes().vec();
        p.values.assign(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
        return p;
    }
};

Expected<FlareHead> FlareHead::train(const FlareFeatures &x, const std::vector<int> &labels, const std::vector<int> &train,
                                     const std::vector<int> &val, const FlareHeadOptions &o,
                                     const std::function<void(const Progress &)> &progress,
                                     const std::vector<int> &unlabeled)
{
    if (flareHeadReadsPatches(o.kind) && (x.patches.empty() || x.cells < 1))
        return Error{{}, QStringLiteral("the %1 head needs patch tokens, and the features hold none").arg(flareHeadKindName(o.kind))};
    if (train.empty())
        return Error{{}, QStringLiteral("no training samples")};
    if (o.kind == FlareHeadKind::Quad && (x.channels < 1 || x.width % x.channels != 0 || o.quadComponents < 1))
        return Error{{}, QStringLiteral("the quad head needs %1 values per cell in equal channel blocks (%2 channels given) and "
                                        "at least one component (%3 asked)").arg(x.width).arg(x.channels).arg(o.quadComponents)};
    const int k = o.classes == 2 ? 1 : o.classes;
    std::vector<long long> counts(static_cast<size_t>(std::max(2, o.classes)), 0);
    for (int i : train)
        counts[static_cast<size_t>(std::clamp(labels[static_cast<size_t>(i)], 0, static_cast<int>(counts.size()) - 1))]++;
    if (o.classes == 2 && (counts[0] == 0 || counts[1] == 0))
        return Error{{}, QStringLiteral("the training samples hold %1 positives and %2 negatives: a binary head needs both")
                             .arg(counts[1]).arg(counts[0])};
    return detail::guarded(detail::Doing{{}, QStringLiteral("training a %1 flare head").arg(flareHeadKindName(o.kind))},
                           [&]() -> Expected<FlareHead> {
        torch::manual_seed(o.seed);
        auto rows = [](const std::vector<int> &idx) {
            return torch::from_blob(const_cast<int *>(idx.data()), {static_cast<int64_t>(idx.size())}, torch::kInt32)
                .to(torch::kInt64);
        };
        const bool fromUnlabeled = !unlabeled.empty();
        std::map<std::string, torch::Tensor> p;
        torch::Tensor all = FlareHeadTorch::input(x, o.kind);
        if (o.kind == FlareHeadKind::Quad) {
            // The quad pool's projection from the unlabelled rows' tokens (else the training rows'), then every
            // row's pooled values: the rest of the fit is the linear head's on those.
            p = FlareHeadTorch::quadProjection(all.index_select(0, rows(fromUnlabeled ? unlabeled : train)), x.channels,
                                               o.quadComponents);
            torch::NoGradGuard ng;
            all = detail::quadPooled(all, p);
        }
        const int64_t fw = all.size(-1);  // the width the linear map reads (tokens' for attention)
        const torch::Tensor ti = rows(train);
        const torch::Tensor xt = all.index_select(0, ti);
        const torch::Tensor xv = val.empty() ? xt : all.index_select(0, rows(val));
        std::vector<int64_t> lab(labels.begin(), labels.end());
        const torch::Tensor yAll = torch::from_blob(lab.data(), {static_cast<int64_t>(lab.size())}, torch::kInt64).clone();
        const torch::Tensor yt = yAll.index_select(0, ti);
        const torch::Tensor yv = val.empty() ? yt : yAll.index_select(0, rows(val));

        // Standardisation from the training rows, or from the unlabelled rows when given (over cells too for
        // tokens).
        const torch::Tensor xu = fromUnlabeled ? all.index_select(0, rows(unlabeled)) : xt;
        const torch::Tensor flat = xu.reshape({-1, fw});
        p["mean"] = flat.mean(0);
        p["std"] = flat.std(0).clamp_min(1e-6);
        p["w"] = torch::zeros({k, fw}).normal_(0, 0.01);
        p["b"] = torch::zeros({k});
        if (o.kind == FlareHeadKind::Attention) {
            p["att_w"] = torch::randn({o.hidden, x.width}) / std::sqrt(static_cast<double>(x.width));
            p["att_b"] = torch::zeros({o.hidden});
            p["att_v"] = torch::randn({o.hidden}) / std::sqrt(static_cast<double>(o.hidden));
        }
        // Imbalance in the loss: positives weighted N-/N+ (binary), classes by inverse frequency (4-class).
        torch::Tensor classWeight;
        if (o.classes != 2) {
            std::vector<float> w;
            const double total = static_cast<double>(train.size());
            for (long long c : counts)
                w.push_back(c > 0 ? static_cast<float>(total / (static_cast<double>(counts.size()) * static_cast<double>(c))) : 0.f);
            classWeight = torch::tensor(w);
        }
        const double posWeight = o.classes == 2 ? static_cast<double>(counts[0]) / static_cast<double>(counts[1]) : 1.0;
        auto loss = [&](const torch::Tensor &logits, const torch::Tensor &y) {
            if (o.classes == 2)
                return torch::binary_cross_entropy_with_logits(logits.squeeze(1), y.to(torch::kFloat32), {},
                                                               torch::tensor({posWeight}, torch::kFloat32));
            return torch::nn::functional::cross_entropy(
                logits, y, torch::nn::functional::CrossEntropyFuncOptions().weight(classWeight));
        };

        FlareHead head;
        head.m_kind = o.kind;
        head.m_classes = o.classes;
        head.m_width = x.width;
        head.m_cells = flareHeadReadsPatches(o.kind) ? x.cells : 0;
        head.m_hidden = o.kind == FlareHeadKind::Attention ? o.hidden : 0;

        // Both kinds are fitted the same way: for each L2 coefficient of `weightDecayGrid` (or the one given), a
        // full-batch L-BFGS solve from the same initial weights (L2 on every weight, not the biases); the
        // coefficient with the lowest validation loss is kept. Deterministic. The linear head is convex and starts
        // from zero weights; the attention head (not convex) starts from its seeded random weights.
        // Linear heads may also be fitted on the first K principal components of the standardised inputs (basis:
        // the eigenvectors of the unlabelled rows' covariance, by decreasing variance), K picked on validation
        // jointly with the L2 coefficient. The basis is orthonormal, so the L2 on the K weights equals the L2 on
        // the folded full-width weights w = u P_K^T that are kept: the saved head has the usual form.
        const bool linear = o.kind != FlareHeadKind::Attention;  // a linear map of its input() (CLS, mean token, quad pool)
        std::vector<double> grid = o.weightDecay >= 0 ? std::vector<double>{o.weightDecay} : o.weightDecayGrid;
        if (grid.empty())
            grid = {linear ? 1e-3 : 1.0};
        std::vector<int> kGrid{0};
        if (linear && o.components > 0)
            kGrid = {o.components};
        else if (linear && o.components < 0 && !o.componentsGrid.empty())
            kGrid = o.componentsGrid;
        // A quad head may also keep its pooled values' first component alone: the direction along which the
        // disks' pooled values vary most over the unlabelled rows (for a pretrained encoder, how far the disk's tokens
        // stray from the usual ones: an activity index), the head then fitting a sign, a scale and a bias.
        if (o.kind == FlareHeadKind::Quad && o.components < 0 && std::find(kGrid.begin(), kGrid.end(), 1) == kGrid.end())
            kGrid.insert(kGrid.begin(), 1);
        const bool project = kGrid != std::vector<int>{0};
        torch::Tensor basis;  // [F, F], columns by decreasing variance
        int maxK = static_cast<int>(fw);
        if (project) {
            const torch::Tensor zu = ((flat - p["mean"]) / p["std"]).to(torch::kFloat64);
            const torch::Tensor cov = torch::matmul(zu.t(), zu) / static_cast<double>(std::max<int64_t>(1, zu.size(0) - 1));
            auto [values, vectors] = torch::linalg::eigh(cov, "L");
            (void)values;
            basis = vectors.flip({1}).to(torch::kFloat32).contiguous();
            maxK = static_cast<int>(std::min<int64_t>(fw, std::max<int64_t>(1, zu.size(0) - 1)));
        }
        // The linear head's fit works on standardised (projected) rows directly.
        const torch::Tensor zt = linear ? (xt - p["mean"]) / p["std"] : torch::Tensor();
        const torch::Tensor zv = linear ? (xv - p["mean"]) / p["std"] : torch::Tensor();
        const std::map<std::string, torch::Tensor> init = p;
        std::vector<std::string> trainableNames;
        if (linear)
            trainableNames = {"w", "b"};
        else
            for (const auto &[name, t] : init)
                if (!detail::isFixedHeadParameter(name))
                    trainableNames.push_back(name);
        const std::vector<std::string> penalised =
            linear ? std::vector<std::string>{"w"} : std::vector<std::string>{"w", "att_w", "att_v"};
        double best = std::numeric_limits<double>::infinity(), bestDecay = grid.front();
        int bestK = 0;
        QJsonArray byDecay, byComponents;
        std::vector<int> tried;
        int step = 0;
        const int steps = static_cast<int>(grid.size() * kGrid.size());
        for (int kWanted : kGrid) {
            const int kUsed = kWanted <= 0 ? 0 : std::min(kWanted, maxK);  // > 0 only for projected linear heads
            if (std::find(tried.begin(), tried.end(), kUsed) != tried.end())
                continue;
            tried.push_back(kUsed);
            const torch::Tensor pk = kUsed > 0 ? basis.narrow(1, 0, kUsed) : torch::Tensor();  // [F, K]
            const torch::Tensor ft = kUsed > 0 ? torch::matmul(zt, pk) : zt;
            const torch::Tensor fv = kUsed > 0 ? torch::matmul(zv, pk) : zv;
            auto logits = [&](bool training) {
                if (linear)
                    return torch::matmul(training ? ft : fv, p["w"].t()) + p["b"];
                return detail::flareHeadLogits(o.kind, training ? xt : xv, p);
            };
            double bestHere = std::numeric_limits<double>::infinity();
            QJsonArray byDecayHere;
            for (const double lambda : grid) {
                std::vector<torch::Tensor> trainable;
                for (const std::string &name : trainableNames) {
                    torch::Tensor start = init.at(name).clone();
                    if (linear && name == "w")
                        start = torch::zeros({k, kUsed > 0 ? kUsed : fw});
                    p[name] = start.set_requires_grad(true);
                    trainable.push_back(p[name]);
                }
                torch::optim::LBFGS opt(trainable, torch::optim::LBFGSOptions(1.0).max_iter(std::max(1, o.epochs)).history_size(20)
                                                       .tolerance_grad(1e-6).tolerance_change(1e-9).line_search_fn("strong_wolfe"));
                double trainLoss = 0;
                opt.step([&]() {
                    opt.zero_grad();
                    torch::Tensor penalty = torch::zeros({});
                    for (const std::string &name : penalised)
                        penalty = penalty + p[name].pow(2).sum();
                    torch::Tensor l = loss(logits(true), yt) + 0.5 * lambda * penalty;
                    l.backward();
                    trainLoss = l.item<double>();
                    return l;
                });
                torch::NoGradGuard ng;
                const double vl = loss(logits(false), yv).item<double>();
                byDecayHere.append(QJsonArray{lambda, std::isfinite(vl) ? QJsonValue(vl) : QJsonValue()});
                bestHere = std::min(bestHere, std::isfinite(vl) ? vl : bestHere);
                if (progress)
                    progress(Progress{++step, steps, trainLoss, vl});
                if (vl < best || head.m_params.isEmpty()) {
                    best = std::isfinite(vl) ? vl : best;
                    bestDecay = lambda;
                    bestK = kUsed;
                    std::map<std::string, torch::Tensor> kept = p;
                    if (kUsed > 0)
                        kept["w"] = torch::matmul(p["w"].detach(), pk.t());  // folded to the full width
                    head.m_params.clear();
                    for (auto &[name, t] : kept)
                        head.m_params.insert(QString::fromStdString(name), FlareHeadTorch::toParam(t));
                    head.m_bestEpoch = 0;
                }
            }
            if (bestK == kUsed)
                byDecay = byDecayHere;
            byComponents.append(QJsonArray{kUsed > 0 ? kUsed : static_cast<int>(fw), std::isfinite(bestHere) ? QJsonValue(bestHere) : QJsonValue()});
        }
        head.m_fit = QJsonObject{{QStringLiteral("solver"), QStringLiteral("lbfgs")},
                                 {QStringLiteral("weight_decay"), bestDecay},
                                 {QStringLiteral("weight_decay_chosen_on"), grid.size() > 1 ? QStringLiteral("validation loss")
                                                                                            : QStringLiteral("given")},
                                 {QStringLiteral("validation_loss_by_weight_decay"), byDecay},
                                 {QStringLiteral("components"), bestK > 0 ? bestK : static_cast<int>(fw)},
                                 {QStringLiteral("standardised_on"),
                                  fromUnlabeled ? QStringLiteral("%1 unlabelled rows").arg(unlabeled.size())
                                                : QStringLiteral("%1 training rows").arg(train.size())}};
        if (o.kind == FlareHeadKind::Quad)
            head.m_fit.insert(QStringLiteral("quad_pool"),
                              QJsonObject{{QStringLiteral("channels"), x.channels},
                                          {QStringLiteral("components_per_channel"), static_cast<int>(p["tok_scale"].size(0) / x.channels)},
                                          {QStringLiteral("pooled_values"), static_cast<int>(fw)},
                                          {QStringLiteral("projection_from"),
                                           QStringLiteral("%1 %2 rows' tokens").arg(fromUnlabeled ? unlabeled.size() : train.size())
                                               .arg(fromUnlabeled ? QStringLiteral("unlabelled") : QStringLiteral("training"))}});
        if (project) {
            head.m_fit.insert(QStringLiteral("components_chosen_on"),
                              tried.size() > 1 ? QStringLiteral("validation loss") : QStringLiteral("given"));
            head.m_fit.insert(QStringLiteral("validation_loss_by_components"), byComponents);
        }
        return head;
    });
}

Expected<std::vector<double>> FlareHead::scores(const FlareFeatures &x, std::vector<float> *attention) const
{
    if (x.width != m_width)
        return Error{{}, QStringLiteral("the features are %1 wide, the head was trained on %2").arg(x.width).arg(m_width)};
    if (flareHeadReadsPatches(m_kind) && (x.cells != m_cells || x.patches.empty()))
        return Error{{}, QStringLiteral("the features keep %1 on-disk cells, the head was trained on %2").arg(x.cells).arg(m_cells)};
    return detail::guarded(detail::Doing{{}, QStringLiteral("scoring with a %1 flare head").arg(flareHeadKindName(m_kind))},
                           [&]() -> Expected<std::vector<double>> {
        torch::NoGradGuard ng;
        std::map<std::string, torch::Tensor> p;
        for (auto it = m_params.begin(); it != m_params.end(); ++it)
            p[it.key().toStdString()] = FlareHeadTorch::fromParam(it.value());
        torch::Tensor a;
        const torch::Tensor logits =
            detail::flareHeadLogits(m_kind, FlareHeadTorch::input(x, m_kind), p, attention ? &a : nullptr).contiguous().to(torch::kFloat64);
        std::vector<double> out(logits.data_ptr<double>(), logits.data_ptr<double>() + logits.numel());
        if (attention && a.defined()) {
            const torch::Tensor ac = a.contiguous();
            attention->assign(ac.data_ptr<float>(), ac.data_ptr<float>() + ac.numel());
        }
        return out;
    });
}

std::vector<float> FlareHead::parameter(const QString &name, std::vector<int64_t> *shape) const
{
    const auto it = m_params.find(name);
    if (it == m_params.end())
        return {};
    if (shape)
        *shape = it->shape;
    return it->values;
}

QJsonObject FlareHead::toJson() const
{
    QJsonObject params;
    for (auto it = m_params.begin(); it != m_params.end(); ++it) {
        QJsonArray shape;
        for (int64_t s : it.value().shape)
            shape.append(static_cast<double>(s));
        const QByteArray raw(reinterpret_cast<const char *>(it.value().values.data()),
                             static_cast<qsizetype>(it.value().values.size() * sizeof(float)));
        params.insert(it.key(), QJsonObject{{QStringLiteral("shape"), shape},
                                            {QStringLiteral("f32le_base64"), QString::fromLatin1(raw.toBase64())}});
    }
    return QJsonObject{{QStringLiteral("kind"), flareHeadKindName(m_kind)}, {QStringLiteral("classes"), m_classes},
                       {QStringLiteral("width"), m_width}, {QStringLiteral("cells"), m_cells},
                       {QStringLiteral("hidden"), m_hidden}, {QStringLiteral("best_epoch"), m_bestEpoch},
                       {QStringLiteral("fit"), m_fit}, {QStringLiteral("params"), params}};
}

Expected<FlareHead> FlareHead::fromJson(const QJsonObject &j)
{
    FlareHead h;
    const QString kind = j.value(QStringLiteral("kind")).toString();
    if (!flareHeadKindFromName(kind, &h.m_kind))
        return Error{{}, QStringLiteral("unknown flare head kind '%1'").arg(kind)};
    h.m_classes = j.value(QStringLiteral("classes")).toInt();
    h.m_width = j.value(QStringLiteral("width")).toInt();
    h.m_cells = j.value(QStringLiteral("cells")).toInt();
    h.m_hidden = j.value(QStringLiteral("hidden")).toInt();
    h.m_bestEpoch = j.value(QStringLiteral("best_epoch")).toInt();
    h.m_fit = j.value(QStringLiteral("fit")).toObject();
    const QJsonObject params = j.value(QStringLiteral("params")).toObject();
    QStringList need{QStringLiteral("mean"), QStringLiteral("std"), QStringLiteral("w"), QStringLiteral("b")};
    if (h.m_kind == FlareHeadKind::Attention)
        need << QStringLiteral("att_w") << QStringLiteral("att_b") << QStringLiteral("att_v");
    if (h.m_kind == FlareHeadKind::Quad)
        need << QStringLiteral("tok_mean") << QStringLiteral("tok_proj") << QStringLiteral("tok_scale");
    for (const QString &name : need) {
        const QJsonObject o = params.value(name).toObject();
        Param p;
        long long count = 1;
        for (const QJsonValue &s : o.value(QStringLiteral("shape")).toArray()) {
            p.shape.push_back(static_cast<int64_t>(s.toDouble()));
            count *= p.shape.back();
        }
        const QByteArray raw = QByteArray::fromBase64(o.value(QStringLiteral("f32le_base64")).toString().toLatin1());
        if (o.isEmpty() || raw.size() != static_cast<qsizetype>(count * static_cast<long long>(sizeof(float))))
            return Error{{}, QStringLiteral("flare head parameter '%1' is missing or has the wrong size").arg(name)};
        p.values.resize(static_cast<size_t>(count));
        std::memcpy(p.values.data(), raw.constData(), static_cast<size_t>(raw.size()));
        h.m_params.insert(name, p);
    }
    return h;
}

}  // namespace solarchip
