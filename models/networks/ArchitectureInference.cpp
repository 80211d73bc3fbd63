#include "models/networks/ArchitectureInference.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>
#include <set>

namespace solarchip {

namespace {

using ShapeMap = ArchitectureInference::ShapeMap;

const std::vector<int64_t> *shapeOf(const ShapeMap &s, const std::string &key)
{
    const auto it = s.find(key);
    return it == s.end() ? nullptr : &it->second;
}

// Number of consecutive k (from 0) for which prefix + k + suffix is a key.
int countIndexed(const ShapeMap &s, const std::string &prefix, const std::string &suffix)
{
    int k = 0;
    while (s.count(prefix + std::to_string(k) + suffix))
        ++k;
    return k;
}

QString q(const std::string &s) { return QString::fromStdString(s); }

QString shapeText(const std::vector<int64_t> &v)
{
    QStringList parts;
    for (int64_t x : v)
        parts << QString::number(x);
    return QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
}

Error missingKey(const QString &source, const std::string &key, const QString &why)
{
    return Error{source, QStringLiteral("cannot tell the architecture: key '%1' (%2) is missing").arg(q(key), why)};
}

// A configuration value that disagrees with the shapes is an error naming both.
QString contradiction(const ResearchConfig &c, const char *key, int fromShapes, const std::string &shapeKey)
{
    const QJsonValue v = c.ddconfig.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull())
        return {};
    if (!v.isDouble() || v.toInt() != fromShapes)
        return QStringLiteral("the configuration %1 says %2: %3, the checkpoint's shapes say %4 (from '%5')")
            .arg(c.file, QLatin1String(key), v.isDouble() ? QString::number(v.toDouble()) : v.toVariant().toString())
            .arg(fromShapes)
            .arg(q(shapeKey));
    return {};
}

std::vector<int> intList(const QJsonValue &v)
{
    std::vector<int> out;
    for (const QJsonValue &x : v.toArray())
        out.push_back(x.toInt());
    return out;
}

QString joinInts(const std::vector<int> &v)
{
    QStringList s;
    for (int x : v)
        s << QString::number(x);
    return QLatin1Char('[') + s.join(QStringLiteral(", ")) + QLatin1Char(']');
}

// The preset whose configuration equals `c` in everything but the fields named in `ignoring`.
QString presetMatching(const BackboneConfig &c, const std::set<QString> &ignoring, BackboneConfig *preset)
{
    auto strip = [&](BackboneConfig b) {
        QJsonObject o = b.toJson();
        QJsonObject cnn = o.value(QStringLiteral("cnn")).toObject(), vit = o.value(QStringLiteral("vit")).toObject();
        for (const QString &k : ignoring) {
            o.remove(k);
            cnn.remove(k);
            vit.remove(k);
        }
        vit.remove(QStringLiteral("research_layout"));
        if (o.contains(QStringLiteral("cnn")))
            o.insert(QStringLiteral("cnn"), cnn);
        if (o.contains(QStringLiteral("vit")))
            o.insert(QStringLiteral("vit"), vit);
        return o;
    };
    const QJsonObject want = strip(c);
    for (const QString &name : presetNames()) {
        auto p = presetConfig(name, c.arch);
        if (p && p->arch == c.arch && strip(*p) == want) {
            if (preset)
                *preset = *p;
            return name;
        }
    }
    return {};
}

Expected<InferredBackbone> inferVit(const ShapeMap &s, const InferenceHints &h, const QString &source)
{
    InferredBackbone out;
    BackboneConfig &c = out.config;
    c.arch = Architecture::Vit;
    const std::string kConv = "encoder.conv1.weight", kPos = "encoder.positional_embedding", kProj = "contrasive_porject";
    const auto *conv = shapeOf(s, kConv);
    if (!conv)
        return missingKey(source, kConv, QStringLiteral("the ViT patch embedding"));
    if (conv->size() != 4 || (*conv)[2] != (*conv)[3])
        return Error{source, QStringLiteral("key '%1' has shape %2, expected [width, channels, patch, patch]").arg(q(kConv), shapeText(*conv))};
    c.vit.width = static_cast<int>((*conv)[0]);
    c.vit.inChannels = static_cast<int>((*conv)[1]);
    c.vit.patchSize = static_cast<int>((*conv)[2]);
    const auto *pos = shapeOf(s, kPos);
    if (!pos)
        return missingKey(source, kPos, QStringLiteral("it gives the token grid, hence the input resolution"));
    const int tokens = pos->size() == 2 ? static_cast<int>((*pos)[0]) : 0;
    const int grid = static_cast<int>(std::lround(std::sqrt(std::max(0, tokens - 1))));
    if (tokens < 2 || grid * grid != tokens - 1 || (*pos)[1] != c.vit.width)
        return Error{source, QStringLiteral("key '%1' has shape %2, expected [grid^2 + 1, %3]").arg(q(kPos), shapeText(*pos)).arg(c.vit.width)};
    c.resolution = grid * c.vit.patchSize;
    c.vit.layers = countIndexed(s, "encoder.transformer.resblocks.", ".attn.in_proj_weight");
    const int decoderLayers = countIndexed(s, "decoder.transformer.resblocks.", ".attn.in_proj_weight");
    if (c.vit.layers == 0)
        return missingKey(source, "encoder.transformer.resblocks.0.attn.in_proj_weight", QStringLiteral("the encoder's first block"));
    if (decoderLayers != c.vit.layers)
        return Error{source, QStringLiteral("the encoder has %1 transformer blocks, the decoder %2: the research AE_ViT has "
                                            "the same depth in both").arg(c.vit.layers).arg(decoderLayers)};
    if (const auto *fc = shapeOf(s, "encoder.transformer.resblocks.0.mlp.c_fc.weight");
        fc && (fc->size() != 2 || (*fc)[0] != 4 * c.vit.width))
        return Error{source, QStringLiteral("key 'encoder.transformer.resblocks.0.mlp.c_fc.weight' has shape %1: the research "
                                            "ViT's MLP is 4 x width = %2 wide").arg(shapeText(*fc)).arg(4 * c.vit.width)};
    const auto *proj = shapeOf(s, kProj);
    if (!proj)
        return missingKey(source, kProj, QStringLiteral("the contrastive projection"));
    if (proj->size() != 2 || (*proj)[0] != c.vit.width)
        return Error{source, QStringLiteral("key '%1' has shape %2, expected [%3, contrastive_dim]").arg(q(kProj), shapeText(*proj)).arg(c.vit.width)};
    c.contrastiveDim = static_cast<int>((*proj)[1]);

    // Cross-check what the configuration says, then take the heads from the hints.
    std::optional<int> configHeads;
    if (h.config) {
        const ResearchConfig &rc = *h.config;
        if (rc.arch && *rc.arch != Architecture::Vit)
            return Error{source, QStringLiteral("the checkpoint is a ViT, the configuration %1 describes a CNN").arg(rc.file)};
        for (const QString &problem : {contradiction(rc, "input_dim", c.vit.inChannels, kConv),
                                       contradiction(rc, "patch_size", c.vit.patchSize, kConv),
                                       contradiction(rc, "hidden_dim", c.vit.width, kConv),
                                       contradiction(rc, "input_resolution", c.resolution, kPos),
                                       contradiction(rc, "layers", c.vit.layers, "encoder.transformer.resblocks.*")})
            if (!problem.isEmpty())
                return Error{source, problem};
        if (rc.contrastiveDim && *rc.contrastiveDim != c.contrastiveDim)
            return Error{source, QStringLiteral("the configuration %1 says contrastive_dim: %2, the checkpoint's shapes say %3 "
                                                "(from '%4')").arg(rc.file).arg(*rc.contrastiveDim).arg(c.contrastiveDim).arg(q(kProj))};
        if (rc.ddconfig.value(QStringLiteral("heads")).isDouble())
            configHeads = rc.ddconfig.value(QStringLiteral("heads")).toInt();
    }
    if (h.heads && configHeads && *h.heads != *configHeads)
        return Error{source, QStringLiteral("--heads %1 contradicts the configuration's heads: %2").arg(*h.heads).arg(*configHeads)};
    if (h.heads) {
        c.vit.heads = *h.heads;
        out.notes << QStringLiteral("heads %1 from --heads").arg(c.vit.heads);
    } else if (configHeads) {
        c.vit.heads = *configHeads;
        out.notes << QStringLiteral("heads %1 from %2").arg(c.vit.heads).arg(h.config->file);
    } else {
        BackboneConfig preset;
        const QString name = presetMatching(c, {QStringLiteral("heads")}, &preset);
        if (name.isEmpty())
            return Error{source, QStringLiteral("cannot tell the number of attention heads of this ViT (width %1, %2 layers, "
                                                "patch %3, %4 px) from its shapes, and it matches no preset: give --heads N "
                                                "(a divisor of %1; the research default is 8) or --config FILE with the "
                                                "research ddconfig (heads)").arg(c.vit.width).arg(c.vit.layers)
                                     .arg(c.vit.patchSize).arg(c.resolution)};
        c.vit.heads = preset.vit.heads;
        out.notes << QStringLiteral("heads %1 from the matching preset %2").arg(c.vit.heads).arg(name);
    }
    if (c.vit.heads <= 0 || c.vit.width % c.vit.heads != 0)
        return Error{source, QStringLiteral("%1 heads do not divide the width %2").arg(c.vit.heads).arg(c.vit.width)};
    return out;
}

Expected<InferredBackbone> inferCnn(const ShapeMap &s, const InferenceHints &h, const QString &source)
{
    InferredBackbone out;
    BackboneConfig &c = out.config;
    c.arch = Architecture::Cnn;
    c.resolution = 0;  // unknown until a hint or a preset gives it
    if (s.count("quant_conv.weight") || s.count("post_quant_conv.weight"))
        return Error{source, QStringLiteral("quant_conv / post_quant_conv present: a VAE_CNN, whose forward the research code "
                                            "cannot run (it returns a distribution); only AE_CNN checkpoints are supported")};
    const std::string kIn = "encoder.conv_in.weight", kOut = "encoder.conv_out.weight", kDec = "decoder.conv_out.weight",
                      kProj = "contrasive_porject";
    const auto *in = shapeOf(s, kIn);
    if (!in || in->size() != 4)
        return missingKey(source, kIn, QStringLiteral("the CNN's first convolution"));
    c.cnn.ch = static_cast<int>((*in)[0]);
    c.cnn.inChannels = static_cast<int>((*in)[1]);
    const int levels = countIndexed(s, "encoder.down.", ".block.0.conv2.weight");
    if (levels == 0)
        return missingKey(source, "encoder.down.0.block.0.conv2.weight", QStringLiteral("the first level's first res block"));
    c.cnn.numResBlocks = countIndexed(s, "encoder.down.0.block.", ".conv2.weight");
    c.cnn.chMult.clear();
    std::vector<int> attnLevels;
    for (int i = 0; i < levels; ++i) {
        const std::string key = "encoder.down." + std::to_string(i) + ".block.0.conv2.weight";
        const int out = static_cast<int>(s.at(key)[0]);
        if (c.cnn.ch <= 0 || out % c.cnn.ch != 0)
            return Error{source, QStringLiteral("key '%1' has %2 output channels, not a multiple of ch = %3").arg(q(key)).arg(out).arg(c.cnn.ch)};
        c.cnn.chMult.push_back(out / c.cnn.ch);
        if (s.count("encoder.down." + std::to_string(i) + ".attn.0.q.weight"))
            attnLevels.push_back(i);
    }
    const auto *zc = shapeOf(s, kOut);
    if (!zc || zc->empty())
        return missingKey(source, kOut, QStringLiteral("the latent width z_channels"));
    c.cnn.zChannels = static_cast<int>((*zc)[0]);
    const auto *dec = shapeOf(s, kDec);
    if (!dec || dec->empty())
        return missingKey(source, kDec, QStringLiteral("the output channels"));
    c.cnn.outChannels = static_cast<int>((*dec)[0]);
    const auto *proj = shapeOf(s, kProj);
    if (!proj || proj->size() != 2 || (*proj)[0] != c.cnn.zChannels)
        return proj ? Error{source, QStringLiteral("key '%1' has shape %2, expected [%3, contrastive_dim]").arg(q(kProj), shapeText(*proj)).arg(c.cnn.zChannels)}
                    : missingKey(source, kProj, QStringLiteral("the contrastive projection"));
    c.contrastiveDim = static_cast<int>((*proj)[1]);

    std::optional<int> configResolution;
    std::optional<std::vector<int>> configAttn;
    if (h.config) {
        const ResearchConfig &rc = *h.config;
        if (rc.arch && *rc.arch != Architecture::Cnn)
            return Error{source, QStringLiteral("the checkpoint is a CNN, the configuration %1 describes a ViT").arg(rc.file)};
        if (rc.ddconfig.value(QStringLiteral("double_z")).toBool(false))
            return Error{source, QStringLiteral("the configuration %1 says double_z: true (a VAE_CNN); the checkpoint and "
                                                "the supported AE_CNN have double_z: false").arg(rc.file)};
        for (const QString &problem : {contradiction(rc, "ch", c.cnn.ch, kIn), contradiction(rc, "in_channels", c.cnn.inChannels, kIn),
                                       contradiction(rc, "num_res_blocks", c.cnn.numResBlocks, "encoder.down.0.block.*"),
                                       contradiction(rc, "z_channels", c.cnn.zChannels, kOut),
                                       contradiction(rc, "out_ch", c.cnn.outChannels, kDec)})
            if (!problem.isEmpty())
                return Error{source, problem};
        if (rc.ddconfig.contains(QStringLiteral("ch_mult")) && intList(rc.ddconfig.value(QStringLiteral("ch_mult"))) != c.cnn.chMult)
            return Error{source, QStringLiteral("the configuration %1 says ch_mult: %2, the checkpoint's shapes say %3 "
                                                "(from 'encoder.down.*.block.0.conv2.weight')")
                                     .arg(rc.file, joinInts(intList(rc.ddconfig.value(QStringLiteral("ch_mult")))), joinInts(c.cnn.chMult))};
        if (rc.contrastiveDim && *rc.contrastiveDim != c.contrastiveDim)
            return Error{source, QStringLiteral("the configuration %1 says contrastive_dim: %2, the checkpoint's shapes say %3 "
                                                "(from '%4')").arg(rc.file).arg(*rc.contrastiveDim).arg(c.contrastiveDim).arg(q(kProj))};
        if (rc.ddconfig.value(QStringLiteral("resolution")).isDouble())
            configResolution = rc.ddconfig.value(QStringLiteral("resolution")).toInt();
        if (rc.ddconfig.value(QStringLiteral("attn_resolutions")).isArray())
            configAttn = intList(rc.ddconfig.value(QStringLiteral("attn_resolutions")));
    }
    if (h.resolution && configResolution && *h.resolution != *configResolution)
        return Error{source, QStringLiteral("--resolution %1 contradicts the configuration's resolution: %2").arg(*h.resolution).arg(*configResolution)};
    if (h.resolution) {
        c.resolution = *h.resolution;
        out.notes << QStringLiteral("resolution %1 from --resolution").arg(c.resolution);
    } else if (configResolution) {
        c.resolution = *configResolution;
        out.notes << QStringLiteral("resolution %1 from %2").arg(c.resolution).arg(h.config->file);
    }
    auto attnFromLevels = [&] {
        std::vector<int> r;
        for (int i : attnLevels)
            r.push_back(c.resolution >> i);
        return r;
    };
    if (c.resolution <= 0) {
        // Only a preset can still decide: the same shapes with attention at the same levels.
        for (const QString &name : presetNames()) {
            auto p = presetConfig(name, Architecture::Cnn);
            if (!p || p->arch != Architecture::Cnn)
                continue;
            BackboneConfig trial = c;
            trial.resolution = p->resolution;
            trial.cnn.attnResolutions.clear();
            for (int i : attnLevels)
                trial.cnn.attnResolutions.push_back(p->resolution >> i);
            if (!presetMatching(trial, {}, nullptr).isEmpty()) {
                c = trial;
                out.notes << QStringLiteral("resolution %1 from the matching preset %2").arg(c.resolution).arg(name);
                break;
            }
        }
        if (c.resolution <= 0)
            return Error{source, QStringLiteral("cannot tell the input resolution of this CNN (ch %1, ch_mult %2, %3 res blocks, "
                                                "z %4) from its shapes (it is convolutional), and it matches no preset: give "
                                                "--resolution N or --config FILE with the research ddconfig (resolution, "
                                                "attn_resolutions)").arg(c.cnn.ch).arg(joinInts(c.cnn.chMult)).arg(c.cnn.numResBlocks)
                                     .arg(c.cnn.zChannels)};
    } else {
        c.cnn.attnResolutions = attnFromLevels();
    }
    if (configAttn) {
        // The configuration's list may name sizes no level has; the levels it selects must be those with attention.
        std::vector<int> selected;
        for (int i = 0; i < levels; ++i)
            if (std::find(configAttn->begin(), configAttn->end(), c.resolution >> i) != configAttn->end())
                selected.push_back(i);
        if (selected != attnLevels)
            return Error{source, QStringLiteral("the configuration's attn_resolutions %1 at resolution %2 put attention at "
                                                "levels %3, the checkpoint has attention blocks at levels %4")
                                     .arg(joinInts(*configAttn)).arg(c.resolution).arg(joinInts(selected), joinInts(attnLevels))};
    }
    const int down = 1 << (levels - 1);
    if (c.resolution % down != 0)
        return Error{source, QStringLiteral("resolution %1 is not a multiple of the CNN's downsampling %2").arg(c.resolution).arg(down)};
    return out;
}

}  // namespace

Expected<InferredBackbone> ArchitectureInference::infer(Architecture arch, const ShapeMap &shapes, const InferenceHints &hints,
                                                        const QString &source)
{
    auto r = arch == Architecture::Vit ? inferVit(shapes, hints, source) : inferCnn(shapes, hints, source);
    if (!r)
        return r;
    const QString problem = r->config.validate();
    if (!problem.isEmpty())
        return Error{source, QStringLiteral("inferred configuration is not usable: ") + problem};
    r->matchedPreset = presetMatching(r->config, {}, nullptr);
    return r;
}

}  // namespace solarchip
