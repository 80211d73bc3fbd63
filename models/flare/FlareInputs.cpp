#include "models/flare/FlareInputs.h"

#include "models/data/DatasetSpec.h"
#include "models/embeddings/EmbedSets.h"
#include "models/embeddings/EmbeddingStore.h"
#include "models/inference/SetEncoding.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace solarchip {

Expected<FlareFeatures> flareFeaturesOfSet(const SetEmbeddings &e, const QStringList &channels, bool patches,
                                           const std::vector<int> *cellIndex)
{
    FlareFeatures f;
    f.n = 1;
    f.grid = e.grid;
    f.width = static_cast<int>(channels.size()) * e.dim;
    f.channels = static_cast<int>(channels.size());
    f.timesMs.push_back(e.timeMs);
    std::vector<int> index;
    for (const QString &c : channels) {
        const int i = e.channelIndex(c);
        if (i < 0)
            return Error{e.files.value(0), QStringLiteral("the set has no %1 map: the flare head reads every channel of the model (%2)")
                                               .arg(c, channels.join(QStringLiteral(", ")))};
        index.push_back(i);
    }
    for (int i : index)
        f.cls.insert(f.cls.end(), e.cls.begin() + static_cast<std::ptrdiff_t>(i) * e.dim,
                     e.cls.begin() + static_cast<std::ptrdiff_t>(i + 1) * e.dim);
    if (patches) {
        if (cellIndex) {
            f.cellIndex = *cellIndex;
        } else {
            if (e.onDisk.empty())
                return Error{e.files.value(0), QStringLiteral("no solar radius in the reference header: the on-disk cells "
                                                              "the attention head reads are unknown")};
            for (int cell = 0; cell < e.cells(); ++cell)
                if (e.onDisk[static_cast<size_t>(cell)])
                    f.cellIndex.push_back(cell);
        }
        for (int cell : f.cellIndex)
            if (cell < 0 || cell >= e.cells())
                return Error{{}, QStringLiteral("cell %1 is outside the model grid of %2 cells").arg(cell).arg(e.cells())};
        f.cells = static_cast<int>(f.cellIndex.size());
        for (int cell : f.cellIndex)
            for (int i : index)
                f.patches.insert(f.patches.end(), e.patch(i, cell), e.patch(i, cell) + e.dim);
    }
    return f;
}

Expected<FlareFeatures> flareFeaturesOfRecords(const std::vector<EmbeddingRecord> &records, int channels, int dim, int grid,
                                               const std::vector<int> &cellIndex, bool patches)
{
    FlareFeatures f;
    f.width = channels * dim;
    f.channels = channels;
    f.grid = grid;
    if (patches) {
        f.cellIndex = cellIndex;
        f.cells = static_cast<int>(cellIndex.size());
    }
    const size_t g2 = static_cast<size_t>(grid) * static_cast<size_t>(grid);
    for (const EmbeddingRecord &r : records) {
        if (static_cast<int>(r.cls.size()) != f.width)
            return Error{{}, QStringLiteral("a stored set holds %1 CLS values, expected %2").arg(r.cls.size()).arg(f.width)};
        if (patches && r.patches.size() != static_cast<size_t>(channels) * g2 * static_cast<size_t>(dim))
            return Error{{}, QStringLiteral("a stored set holds %1 patch values, expected %2")
                                 .arg(r.patches.size()).arg(static_cast<size_t>(channels) * g2 * static_cast<size_t>(dim))};
        f.timesMs.push_back(r.timeMs);
        f.cls.insert(f.cls.end(), r.cls.begin(), r.cls.end());
        if (patches)
            for (int cell : cellIndex)
                for (int c = 0; c < channels; ++c) {
                    const auto at = r.patches.begin()
                                    + static_cast<std::ptrdiff_t>((static_cast<size_t>(c) * g2 + static_cast<size_t>(cell)) * static_cast<size_t>(dim));
                    f.patches.insert(f.patches.end(), at, at + dim);
                }
        ++f.n;
    }
    return f;
}

Expected<std::vector<int>> flareHeadCells(const EmbeddingStore &store)
{
    auto times = store.times();
    if (!times)
        return times.error();
    if (times->empty())
        return Error{store.dir(), QStringLiteral("the embedding store is empty")};
    const qint64 first = std::min_element(times->begin(), times->end()) - times->begin();
    auto files = store.recordFiles(first);
    if (!files)
        return files.error();
    auto set = observationSetOfFiles(*files);
    if (!set)
        return set.error();
    auto prep = PrepSpec::fromJson(store.info().prep);
    if (!prep)
        return Error{store.dir(), prep.error().message};
    const std::vector<uint8_t> disk = onDiskCells(*set, *prep, store.info().grid);
    if (disk.empty())
        return Error{files->value(0), QStringLiteral("no solar radius in the header: the on-disk cells are unknown")};
    std::vector<int> cells;
    for (size_t c = 0; c < disk.size(); ++c)
        if (disk[c])
            cells.push_back(static_cast<int>(c));
    return cells;
}

QString flareAttributionMethodName(FlareAttributionMethod method)
{
    switch (method) {
    case FlareAttributionMethod::PoolWeight:
        return QStringLiteral("pool_weight");
    case FlareAttributionMethod::Occlusion:
        return QStringLiteral("occlusion");
    case FlareAttributionMethod::LogitContribution:
        return QStringLiteral("logit_contribution");
    }
    return {};
}

FlareAttributionMethod flareNativeAttribution(FlareHeadKind kind)
{
    return kind == FlareHeadKind::MeanPool || kind == FlareHeadKind::Quad ? FlareAttributionMethod::LogitContribution
                                                                           : FlareAttributionMethod::PoolWeight;
}

namespace {

// A parameter of the head's JSON (FlareHead::toJson): little-endian float32, base64.
std::vector<double> param(const QJsonObject &params, const QString &name)
{
    const QByteArray raw = QByteArray::fromBase64(params.value(name).toObject().value(QStringLiteral("f32le_base64")).toString().toLatin1());
    std::vector<float> f(static_cast<size_t>(raw.size()) / sizeof(float));
    if (!f.empty())  // memcpy with an empty vector's null data() is undefined (and GCC warns of it)
        std::memcpy(f.data(), raw.constData(), f.size() * sizeof(float));
    return std::vector<double>(f.begin(), f.end());
}

double logit(double p)
{
    p = std::clamp(p, 1e-7, 1 - 1e-7);
    return std::log(p / (1 - p));
}

// Calibrated P(primary event) from the head's logits, as FlareRun::predict computes it.
double primaryProbability(const FlareRun &run, const std::vector<double> &logits)
{
    if (logits.size() == 1)
        return run.platt.apply(logits[0]);
    const double m = *std::max_element(logits.begin(), logits.end());
    double e[4], sum = 0;
    for (int k = 0; k < 4; ++k)
        sum += e[k] = std::exp(logits[static_cast<size_t>(k)] - m);
    return run.platt.apply(logit((e[2] + e[3]) / sum));
}

}  // namespace

Expected<FlareAttribution> flareAttribution(const FlareRun &run, const FlareFeatures &x, FlareAttributionMethod method)
{
    if (run.head.kind() == FlareHeadKind::Linear)
        return Error{{}, QStringLiteral("a linear head reads only the full-disk CLS vector: no per-cell attribution without "
                                        "re-encoding the set with each cell occluded (train a mean-pool or attention head, "
                                        "--head mean or attn, for a map of what drives the forecast)")};
    const bool attention = run.head.kind() == FlareHeadKind::Attention;
    if (!attention && method == FlareAttributionMethod::PoolWeight)
        return Error{{}, QStringLiteral("a %1 head weighs every cell alike: it has no pool weights (its logit terms "
                                        "or occlusion show what drives it)").arg(run.head.kind() == FlareHeadKind::Quad
                                                                                     ? QStringLiteral("quad-pool") : QStringLiteral("mean-pool"))};
    if (x.n < 1 || x.cells != run.head.cells() || x.width != run.head.width() || x.patches.empty())
        return Error{{}, QStringLiteral("the set's inputs (%1 on-disk cells, %2 wide) do not fit the head (%3 cells, %4 wide)")
                             .arg(x.cells).arg(x.width).arg(run.head.cells()).arg(run.head.width())};
    const QJsonObject params = run.head.toJson().value(QStringLiteral("params")).toObject();
    const std::vector<double> mean = param(params, QStringLiteral("mean")), sd = param(params, QStringLiteral("std")),
                              w = param(params, QStringLiteral("w")), b = param(params, QStringLiteral("b")),
                              aw = param(params, QStringLiteral("att_w")), ab = param(params, QStringLiteral("att_b")),
                              av = param(params, QStringLiteral("att_v"));
    // Quad heads: each cell's token becomes its pooled values [z, z^2] first (z = (t - tok_mean) tok_proj / tok_scale).
    const bool quad = run.head.kind() == FlareHeadKind::Quad;
    const std::vector<double> tm = param(params, QStringLiteral("tok_mean")), tp = param(params, QStringLiteral("tok_proj")),
                              ts = param(params, QStringLiteral("tok_scale"));
    const size_t T = static_cast<size_t>(x.width), P = ts.size();
    const size_t F = quad ? 2 * P : T, C = static_cast<size_t>(x.cells), H = ab.size(), K = b.size();
    if (mean.size() != F || sd.size() != F || w.size() != K * F || aw.size() != H * F || av.size() != H || (K != 1 && K != 4)
        || (attention && H == 0) || (quad && (P == 0 || tm.size() != T || tp.size() != T * P)))
        return Error{{}, QStringLiteral("the %1 head's parameters have unexpected shapes").arg(flareHeadKindName(run.head.kind()))};
    if (method == FlareAttributionMethod::LogitContribution && K != 1)
        return Error{{}, QStringLiteral("a 4-class head has four logits: its cells' logit terms are not one map (use occlusion)")};
    // A mean-pool head is the attention formula with every pool score equal (H = 0: s_i = 0, a_i = 1 / C), since
    // mean_i z_i = sum_i z_i / C; so is a quad head, on each cell's [z_i, z_i^2]. The logit terms a_i w . z_i are
    // exact for all three kinds.
    // Standardised tokens, each cell's pool score s_i = v . tanh(W x_i + b) and its logit contribution w_k . x_i.
    std::vector<double> score(C), contrib(C * K);
    std::vector<double> xi(F), zi(P);
    for (size_t i = 0; i < C; ++i) {
        const float *t = x.patches.data() + i * T;
        if (quad) {
            std::fill(zi.begin(), zi.end(), 0.0);
            for (size_t r = 0; r < T; ++r) {
                const double d = static_cast<double>(t[r]) - tm[r];
                for (size_t q = 0; q < P; ++q)
                    zi[q] += d * tp[r * P + q];
            }
            for (size_t q = 0; q < P; ++q) {
                const double z = zi[q] / ts[q];
                xi[q] = (z - mean[q]) / sd[q];
                xi[P + q] = (z * z - mean[P + q]) / sd[P + q];
            }
        } else {
            for (size_t j = 0; j < F; ++j)
                xi[j] = (static_cast<double>(t[j]) - mean[j]) / sd[j];
        }
        double s = 0;
        for (size_t h = 0; h < H; ++h) {
            double z = ab[h];
            for (size_t j = 0; j < F; ++j)
                z += aw[h * F + j] * xi[j];
            s += av[h] * std::tanh(z);
        }
        score[i] = s;
        for (size_t k = 0; k < K; ++k) {
            double c = 0;
            for (size_t j = 0; j < F; ++j)
                c += w[k * F + j] * xi[j];
            contrib[i * K + k] = c;
        }
    }
    const double top = *std::max_element(score.begin(), score.end());
    std::vector<double> e(C);
    double total = 0;
    std::vector<double> sumContrib(K, 0.0);
    for (size_t i = 0; i < C; ++i) {
        total += e[i] = std::exp(score[i] - top);
        for (size_t k = 0; k < K; ++k)
            sumContrib[k] += e[i] * contrib[i * K + k];
    }
    // Logits with the cells in `skip` left out of the pool (none: the head's own forward pass).
    auto logitsWithout = [&](long skip) {
        std::vector<double> l(K);
        const double z = skip < 0 ? total : total - e[static_cast<size_t>(skip)];
        for (size_t k = 0; k < K; ++k) {
            const double s = skip < 0 ? sumContrib[k] : sumContrib[k] - e[static_cast<size_t>(skip)] * contrib[static_cast<size_t>(skip) * K + k];
            l[k] = s / z + b[k];
        }
        return l;
    };
    FlareAttribution out;
    out.method = method;
    out.probability = primaryProbability(run, logitsWithout(-1));
    auto check = run.predict(x.subset({0}));
    if (!check)
        return check.error();
    if (std::abs(check->primary.front() - out.probability) > 1e-4)
        return Error{{}, QStringLiteral("the attribution's forward pass gives P = %1, the head %2: not shown")
                             .arg(out.probability).arg(check->primary.front())};
    out.values.assign(static_cast<size_t>(x.grid) * static_cast<size_t>(x.grid), std::numeric_limits<float>::quiet_NaN());
    double best = -std::numeric_limits<double>::infinity();
    for (size_t i = 0; i < C; ++i) {
        double v = e[i] / total;
        if (method == FlareAttributionMethod::LogitContribution)
            v = e[i] * contrib[i] / total;
        else if (method == FlareAttributionMethod::Occlusion)
            v = C > 1 ? out.probability - primaryProbability(run, logitsWithout(static_cast<long>(i))) : out.probability;
        const int cell = x.cellIndex[i];
        out.values[static_cast<size_t>(cell)] = static_cast<float>(v);
        if (v > best) {
            best = v;
            out.topCell = cell;
        }
    }
    return out;
}

}  // namespace solarchip
