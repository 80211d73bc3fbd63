#include "models/networks/ResearchConfig.h"

#include "models/networks/MiniYaml.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

namespace solarchip {

namespace {

const char *const kDdKeys[] = {"ddconfig", "dd_config"};

bool looksLikeDdconfig(const QJsonObject &o)
{
    for (const char *k : {"hidden_dim", "patch_size", "input_resolution", "ch", "ch_mult", "z_channels", "num_res_blocks"})
        if (o.contains(QLatin1String(k)))
            return true;
    return false;
}

std::optional<Architecture> archOfTarget(const QString &target)
{
    if (target.contains(QLatin1String("ViT"), Qt::CaseInsensitive))
        return Architecture::Vit;
    if (target.contains(QLatin1String("CNN"), Qt::CaseInsensitive))
        return Architecture::Cnn;
    return std::nullopt;
}

// Depth-first search for the first mapping holding ddconfig / dd_config; `parent` is the mapping that holds
// `o` (for the `target:` of a {target, params: {ddconfig}} pair).
bool find(const QJsonValue &v, const QJsonObject &parent, ResearchConfig &out)
{
    if (v.isArray()) {
        for (const QJsonValue &x : v.toArray())
            if (find(x, {}, out))
                return true;
        return false;
    }
    if (!v.isObject())
        return false;
    const QJsonObject o = v.toObject();
    for (const char *k : kDdKeys) {
        if (o.value(QLatin1String(k)).isObject()) {
            out.ddconfig = o.value(QLatin1String(k)).toObject();
            if (o.value(QStringLiteral("contrastive_dim")).isDouble())
                out.contrastiveDim = o.value(QStringLiteral("contrastive_dim")).toInt();
            out.arch = archOfTarget(o.value(QStringLiteral("target")).toString());
            if (!out.arch)
                out.arch = archOfTarget(parent.value(QStringLiteral("target")).toString());
            return true;
        }
    }
    for (auto it = o.begin(); it != o.end(); ++it)
        if (find(it.value(), o, out))
            return true;
    return false;
}

}  // namespace

Expected<ResearchConfig> ResearchConfig::fromDocument(const QJsonValue &document, const QString &file)
{
    ResearchConfig c;
    c.file = file;
    if (!find(document, {}, c)) {
        const QJsonObject top = document.toObject();
        if (!document.isObject() || !looksLikeDdconfig(top))
            return Error{file, QStringLiteral("no ddconfig / dd_config mapping and no backbone keys (hidden_dim, patch_size, "
                                              "ch, ch_mult, z_channels ...) in the configuration")};
        c.ddconfig = top;
        if (top.value(QStringLiteral("contrastive_dim")).isDouble())
            c.contrastiveDim = top.value(QStringLiteral("contrastive_dim")).toInt();
    }
    if (!c.arch) {
        if (c.ddconfig.contains(QStringLiteral("hidden_dim")) || c.ddconfig.contains(QStringLiteral("patch_size")))
            c.arch = Architecture::Vit;
        else if (c.ddconfig.contains(QStringLiteral("ch")) || c.ddconfig.contains(QStringLiteral("ch_mult")))
            c.arch = Architecture::Cnn;
    }
    return c;
}

Expected<ResearchConfig> ResearchConfig::load(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error{path, QStringLiteral("cannot read the configuration: ") + f.errorString()};
    const QByteArray bytes = f.readAll();
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &pe);
    if (pe.error == QJsonParseError::NoError)
        return fromDocument(doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object()), path);
    auto yaml = MiniYaml::parse(bytes, path);
    if (!yaml)
        return yaml.error();
    return fromDocument(*yaml, path);
}

}  // namespace solarchip
