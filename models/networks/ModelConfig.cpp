#include "models/networks/ModelConfig.h"

#include <QJsonArray>

#include <algorithm>
#include <set>

namespace solarchip {

QString architectureName(Architecture arch) { return arch == Architecture::Cnn ? QStringLiteral("cnn") : QStringLiteral("vit"); }

std::optional<Architecture> parseArchitecture(const QString &name)
{
    const QString n = name.trimmed().toLower();
    if (n == QLatin1String("cnn"))
        return Architecture::Cnn;
    if (n == QLatin1String("vit"))
        return Architecture::Vit;
    return std::nullopt;
}

int BackboneConfig::inChannels() const { return arch == Architecture::Cnn ? cnn.inChannels : vit.inChannels; }

int BackboneConfig::gridSize() const
{
    if (arch == Architecture::Cnn) {
        const int levels = static_cast<int>(cnn.chMult.size());
        return levels > 0 ? resolution >> (levels - 1) : 0;
    }
    return vit.patchSize > 0 ? resolution / vit.patchSize : 0;
}

int BackboneConfig::patchCount() const { return gridSize() * gridSize(); }
int BackboneConfig::tokenCount() const { return 1 + patchCount(); }
int BackboneConfig::latentChannels() const { return arch == Architecture::Cnn ? cnn.zChannels : vit.width; }

QString BackboneConfig::validate() const
{
    if (resolution <= 0)
        return QStringLiteral("resolution must be positive (got %1)").arg(resolution);
    if (contrastiveDim <= 0)
        return QStringLiteral("contrastive dimension must be positive (got %1)").arg(contrastiveDim);
    if (clsHead == ClsHead::Attn && arch != Architecture::Cnn)
        return QStringLiteral("the attention-pool CLS head (cls_head attn) exists for the CNN only; the ViT has its own CLS token");
    if (arch == Architecture::Cnn) {
        if (cnn.chMult.empty() || cnn.ch <= 0 || cnn.numResBlocks <= 0 || cnn.zChannels <= 0 || cnn.inChannels <= 0
            || cnn.outChannels <= 0)
            return QStringLiteral("CNN: ch, ch_mult, num_res_blocks, z_channels and channel counts must be positive");
        for (int m : cnn.chMult)
            if (m <= 0)
                return QStringLiteral("CNN: every ch_mult entry must be positive");
        const int down = 1 << (cnn.chMult.size() - 1);
        if (resolution % down != 0)
            return QStringLiteral("CNN: resolution %1 is not divisible by the downsampling factor %2").arg(resolution).arg(down);
    } else {
        if (vit.patchSize <= 0 || vit.width <= 0 || vit.layers <= 0 || vit.heads <= 0 || vit.inChannels <= 0)
            return QStringLiteral("ViT: patch size, width, layers, heads and channels must be positive");
        if (resolution % vit.patchSize != 0)
            return QStringLiteral("ViT: resolution %1 is not a multiple of the patch size %2").arg(resolution).arg(vit.patchSize);
        if (vit.width % vit.heads != 0)
            return QStringLiteral("ViT: width %1 is not divisible by %2 heads").arg(vit.width).arg(vit.heads);
    }
    return {};
}

namespace {

QJsonArray intArray(const std::vector<int> &v)
{
    QJsonArray a;
    for (int x : v)
        a.append(x);
    return a;
}

std::vector<int> intVector(const QJsonValue &v)
{
    std::vector<int> out;
    for (const QJsonValue &x : v.toArray())
        out.push_back(x.toInt());
    return out;
}

}  // namespace

QJsonObject BackboneConfig::toJson() const
{
    QJsonObject o{{QStringLiteral("arch"), architectureName(arch)},
                  {QStringLiteral("resolution"), resolution},
                  {QStringLiteral("contrastive_dim"), contrastiveDim}};
    // Written only for the opt-in head, so the configuration (and the files) of GAP models stay as they were.
    if (clsHead == ClsHead::Attn) {
        o.insert(QStringLiteral("cls_head"), QStringLiteral("attn"));
        o.insert(QStringLiteral("cls_position"),
                 clsPosition == ClsPosition::RadialXy ? QStringLiteral("radial-xy") : QStringLiteral("radial"));
    }
    if (arch == Architecture::Cnn) {
        o.insert(QStringLiteral("cnn"), QJsonObject{{QStringLiteral("in_channels"), cnn.inChannels},
                                                    {QStringLiteral("out_ch"), cnn.outChannels},
                                                    {QStringLiteral("ch"), cnn.ch},
                                                    {QStringLiteral("ch_mult"), intArray(cnn.chMult)},
                                                    {QStringLiteral("num_res_blocks"), cnn.numResBlocks},
                                                    {QStringLiteral("z_channels"), cnn.zChannels},
                                                    {QStringLiteral("attn_resolutions"), intArray(cnn.attnResolutions)}});
    } else {
        o.insert(QStringLiteral("vit"), QJsonObject{{QStringLiteral("input_dim"), vit.inChannels},
                                                    {QStringLiteral("patch_size"), vit.patchSize},
                                                    {QStringLiteral("hidden_dim"), vit.width},
                                                    {QStringLiteral("layers"), vit.layers},
                                                    {QStringLiteral("heads"), vit.heads},
                                                    {QStringLiteral("research_layout"), vit.researchLayout}});
    }
    return o;
}

Expected<BackboneConfig> BackboneConfig::fromJson(const QJsonObject &json)
{
    BackboneConfig c;
    const auto arch = parseArchitecture(json.value(QStringLiteral("arch")).toString());
    if (!arch)
        return Error{{}, QStringLiteral("model configuration: unknown architecture '%1'")
                             .arg(json.value(QStringLiteral("arch")).toString())};
    c.arch = *arch;
    c.resolution = json.value(QStringLiteral("resolution")).toInt();
    c.contrastiveDim = json.value(QStringLiteral("contrastive_dim")).toInt();
    const QString head = json.value(QStringLiteral("cls_head")).toString(QStringLiteral("gap"));
    if (head == QLatin1String("attn"))
        c.clsHead = ClsHead::Attn;
    else if (head != QLatin1String("gap"))
        return Error{{}, QStringLiteral("model configuration: unknown cls_head '%1' (expected gap or attn)").arg(head)};
    const QString pos = json.value(QStringLiteral("cls_position")).toString(QStringLiteral("radial"));
    if (pos == QLatin1String("radial-xy"))
        c.clsPosition = ClsPosition::RadialXy;
    else if (pos != QLatin1String("radial"))
        return Error{{}, QStringLiteral("model configuration: unknown cls_position '%1' (expected radial or radial-xy)").arg(pos)};
    if (c.arch == Architecture::Cnn) {
        const QJsonObject n = json.value(QStringLiteral("cnn")).toObject();
        c.cnn.inChannels = n.value(QStringLiteral("in_channels")).toInt(1);
        c.cnn.outChannels = n.value(QStringLiteral("out_ch")).toInt(1);
        c.cnn.ch = n.value(QStringLiteral("ch")).toInt();
        c.cnn.chMult = intVector(n.value(QStringLiteral("ch_mult")));
        c.cnn.numResBlocks = n.value(QStringLiteral("num_res_blocks")).toInt();
        c.cnn.zChannels = n.value(QStringLiteral("z_channels")).toInt();
        c.cnn.attnResolutions = intVector(n.value(QStringLiteral("attn_resolutions")));
    } else {
        const QJsonObject v = json.value(QStringLiteral("vit")).toObject();
        c.vit.inChannels = v.value(QStringLiteral("input_dim")).toInt(1);
        c.vit.patchSize = v.value(QStringLiteral("patch_size")).toInt();
        c.vit.width = v.value(QStringLiteral("hidden_dim")).toInt();
        c.vit.layers = v.value(QStringLiteral("layers")).toInt();
        c.vit.heads = v.value(QStringLiteral("heads")).toInt();
        c.vit.researchLayout = v.value(QStringLiteral("research_layout")).toBool(false);
    }
    const QString problem = c.validate();
    if (!problem.isEmpty())
        return Error{{}, QStringLiteral("model configuration: ") + problem};
    return c;
}

QString SolarChipConfig::describe() const
{
    return QStringLiteral("the %1 model (%2; %3 px input, %4x%4 grid)")
        .arg(backbone.arch == Architecture::Cnn ? QStringLiteral("CNN") : QStringLiteral("ViT"), modalities.join(u','))
        .arg(backbone.resolution)
        .arg(backbone.gridSize());
}

QStringList researchModalities()
{
    return {QStringLiteral("hmi"),  QStringLiteral("0094"), QStringLiteral("0131"), QStringLiteral("0171"),
            QStringLiteral("0193"), QStringLiteral("0211"), QStringLiteral("0304"), QStringLiteral("0335"),
            QStringLiteral("1600"), QStringLiteral("1700"), QStringLiteral("4500")};
}

QString modalityName(const QString &channel)
{
    const QString c = channel.trimmed().toLower();
    if (c == QLatin1String("hmi") || c == QLatin1String("aia"))
        return c;
    bool ok = false;
    const int wl = c.toInt(&ok);
    if (!ok)
        return {};
    const QString name = QStringLiteral("%1").arg(wl, 4, 10, QLatin1Char('0'));
    return researchModalities().contains(name) ? name : QString();
}

bool isAiaModality(const QString &modality) { return modality != QLatin1String("hmi") && !modality.isEmpty(); }

QStringList SolarChipConfig::backboneNames() const
{
    if (!sharedAia)
        return modalities;
    QStringList names;
    if (modalities.contains(QStringLiteral("hmi")))
        names << QStringLiteral("hmi");
    for (const QString &m : modalities)
        if (isAiaModality(m)) {
            names << QStringLiteral("aia");
            break;
        }
    return names;
}

QString SolarChipConfig::backboneFor(const QString &modality) const
{
    return sharedAia && isAiaModality(modality) ? QStringLiteral("aia") : modality;
}

std::vector<std::pair<QString, QString>> SolarChipConfig::pairs() const
{
    std::vector<std::pair<QString, QString>> out;
    if (topology == PairTopology::HmiStar) {
        for (const QString &m : modalities)
            if (m != QLatin1String("hmi"))
                out.emplace_back(QStringLiteral("hmi"), m);
    } else {
        for (int i = 0; i < modalities.size(); ++i)
            for (int j = i + 1; j < modalities.size(); ++j)
                out.emplace_back(modalities[i], modalities[j]);
    }
    return out;
}

QString SolarChipConfig::validate() const
{
    const QString b = backbone.validate();
    if (!b.isEmpty())
        return b;
    if (modalities.isEmpty())
        return QStringLiteral("no modalities");
    std::set<QString> seen;
    for (const QString &m : modalities) {
        if (!researchModalities().contains(m))
            return QStringLiteral("unknown modality '%1' (expected one of %2)").arg(m, researchModalities().join(u','));
        if (!seen.insert(m).second)
            return QStringLiteral("modality '%1' given twice").arg(m);
    }
    if (topology == PairTopology::HmiStar && modalities.size() > 1 && !modalities.contains(QStringLiteral("hmi")))
        return QStringLiteral("the HMI-centred pair topology needs 'hmi' among the modalities");
    return {};
}

QJsonObject SolarChipConfig::toJson() const
{
    return QJsonObject{{QStringLiteral("backbone"), backbone.toJson()},
                       {QStringLiteral("modalities"), QJsonArray::fromStringList(modalities)},
                       {QStringLiteral("shared_aia"), sharedAia},
                       {QStringLiteral("topology"), topology == PairTopology::HmiStar ? QStringLiteral("hmi-star")
                                                                                      : QStringLiteral("all-pairs")},
                       {QStringLiteral("weights"), QJsonObject{{QStringLiteral("reconstruction"), weights.reconstruction},
                                                               {QStringLiteral("cls"), weights.cls},
                                                               {QStringLiteral("pat"), weights.pat},
                                                               {QStringLiteral("int"), weights.intra}}}};
}

Expected<SolarChipConfig> SolarChipConfig::fromJson(const QJsonObject &json)
{
    auto backbone = BackboneConfig::fromJson(json.value(QStringLiteral("backbone")).toObject());
    if (!backbone)
        return backbone.error();
    SolarChipConfig c;
    c.backbone = *backbone;
    c.modalities.clear();
    for (const QJsonValue &v : json.value(QStringLiteral("modalities")).toArray())
        c.modalities << v.toString();
    c.sharedAia = json.value(QStringLiteral("shared_aia")).toBool(false);
    const QString topo = json.value(QStringLiteral("topology")).toString(QStringLiteral("hmi-star"));
    if (topo == QLatin1String("hmi-star"))
        c.topology = PairTopology::HmiStar;
    else if (topo == QLatin1String("all-pairs"))
        c.topology = PairTopology::AllPairs;
    else
        return Error{{}, QStringLiteral("model configuration: unknown pair topology '%1'").arg(topo)};
    const QJsonObject w = json.value(QStringLiteral("weights")).toObject();
    c.weights.reconstruction = w.value(QStringLiteral("reconstruction")).toDouble(1.0);
    c.weights.cls = w.value(QStringLiteral("cls")).toDouble(1.0);
    c.weights.pat = w.value(QStringLiteral("pat")).toDouble(1.0);
    c.weights.intra = w.value(QStringLiteral("int")).toDouble(1.0);
    const QString problem = c.validate();
    if (!problem.isEmpty())
        return Error{{}, QStringLiteral("model configuration: ") + problem};
    return c;
}

QStringList presetNames()
{
    return {QStringLiteral("tiny"),      QStringLiteral("tiny-cnn"),  QStringLiteral("tiny-vit"),
            QStringLiteral("small"),     QStringLiteral("small-cnn"), QStringLiteral("small-vit"),
            QStringLiteral("paper-cnn"), QStringLiteral("paper-vit")};
}

namespace {

BackboneConfig cnnPreset(int resolution, int ch, std::vector<int> mult, int resBlocks, int zc, int dc)
{
    BackboneConfig c;
    c.arch = Architecture::Cnn;
    c.resolution = resolution;
    c.contrastiveDim = dc;
    c.cnn.ch = ch;
    c.cnn.chMult = std::move(mult);
    c.cnn.numResBlocks = resBlocks;
    c.cnn.zChannels = zc;
    return c;
}

BackboneConfig vitPreset(int resolution, int patch, int width, int layers, int heads, int dc, bool research)
{
    BackboneConfig c;
    c.arch = Architecture::Vit;
    c.resolution = resolution;
    c.contrastiveDim = dc;
    c.vit.patchSize = patch;
    c.vit.width = width;
    c.vit.layers = layers;
    c.vit.heads = heads;
    c.vit.researchLayout = research;
    return c;
}

}  // namespace

Expected<BackboneConfig> presetConfig(const QString &name, std::optional<Architecture> arch)
{
    QString base = name.trimmed().toLower();
    std::optional<Architecture> fixed;
    for (const char *suffix : {"-cnn", "-vit"}) {
        if (base.endsWith(QLatin1String(suffix)) && base != QLatin1String("paper-cnn") && base != QLatin1String("paper-vit")) {
            fixed = parseArchitecture(QLatin1String(suffix + 1));
            base.chop(4);
        }
    }
    if (base == QLatin1String("paper-cnn"))
        fixed = Architecture::Cnn;
    if (base == QLatin1String("paper-vit"))
        fixed = Architecture::Vit;
    if (fixed && arch && *fixed != *arch)
        return Error{{}, QStringLiteral("preset '%1' is a %2 preset, but --arch %3 was given")
                             .arg(name, architectureName(*fixed), architectureName(*arch))};
    const Architecture a = fixed ? *fixed : arch.value_or(Architecture::Vit);

    // tiny: 256 px, 16x16 grid. small: 512 px, 16x16 grid. Channel widths chosen for a few million (tiny) and
    // tens of millions (small ViT) parameters per modality; see tst_architectures for the counts.
    if (base == QLatin1String("tiny"))
        return a == Architecture::Cnn ? cnnPreset(256, 32, {1, 1, 2, 2, 4}, 1, 64, 128)
                                      : vitPreset(256, 16, 192, 4, 4, 128, false);
    if (base == QLatin1String("small"))
        return a == Architecture::Cnn ? cnnPreset(512, 32, {1, 1, 2, 2, 4, 4}, 2, 64, 256)
                                      : vitPreset(512, 32, 384, 6, 6, 256, false);
    if (base == QLatin1String("paper-cnn"))
        return cnnPreset(1024, 8, {1, 1, 1, 1, 1, 2, 2}, 1, 32, 32);
    if (base == QLatin1String("paper-vit"))
        return vitPreset(1024, 64, 768, 6, 8, 512, false);
    return Error{{}, QStringLiteral("unknown preset '%1' (expected one of %2)").arg(name, presetNames().join(QStringLiteral(", ")))};
}

}  // namespace solarchip
