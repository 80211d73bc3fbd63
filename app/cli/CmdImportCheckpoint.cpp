// solarchip import-checkpoint IN --out OUT.safetensors [--arch cnn|vit] [--preset NAME | --heads N --resolution PX
//   --config FILE] [--modality M] [--json]
// Converts a research-code checkpoint (torch.save dict of tensors, or safetensors; with or without the
// model_dict.<modality>. prefix) into our safetensors model file, validating every key and shape.
#include "app/cli/Command.h"
#include "app/cli/CommandLine.h"

#include "models/networks/CheckpointImport.h"

#include <QJsonArray>
#include <QTextStream>

namespace solarchip::cli {

namespace {

int runImport(const QStringList &args)
{
    const QString cmd = QStringLiteral("import-checkpoint");
    CommandLine p(cmd, QStringLiteral(
        "Convert a SolarCHIP research checkpoint (a Python torch.save dict of tensors, or safetensors; keys with or "
        "without the model_dict.<modality>. prefix) into a SolarCHIP Studio model file (safetensors)."));
    p.addPositionalArgument(QStringLiteral("IN"), QStringLiteral("The checkpoint to import."));
    p.addOption({QStringLiteral("out"), QStringLiteral("Output model file (.safetensors)."), QStringLiteral("OUT")});
    p.addOption({QStringLiteral("arch"), QStringLiteral("cnn or vit (detected from the keys by default)."), QStringLiteral("ARCH")});
    p.addOption({QStringLiteral("preset"), QStringLiteral("Architecture preset (default: inferred from the shapes)."),
                 QStringLiteral("NAME")});
    p.addOption({QStringLiteral("modality"), QStringLiteral("Modality of a backbone saved without prefix (default hmi)."),
                 QStringLiteral("M"), QStringLiteral("hmi")});
    p.addOption({QStringLiteral("heads"), QStringLiteral("ViT attention heads (the shapes cannot tell them)."), QStringLiteral("N")});
    p.addOption({QStringLiteral("resolution"), QStringLiteral("CNN input resolution in pixels (the shapes cannot tell it)."),
                 QStringLiteral("PX")});
    p.addOption({QStringLiteral("config"), QStringLiteral("The research configuration (YAML or JSON) whose ddconfig / dd_config "
                                                          "describes the backbone."), QStringLiteral("FILE")});
    p.addJsonOption();
    if (auto exit = p.parseOrExit(args, Positionals::exactly(1, QStringLiteral("give exactly one input checkpoint"))))
        return *exit;
    if (!p.isSet(QStringLiteral("out")))
        return p.usage(QStringLiteral("--out is required"));
    ImportOptions o;
    if (p.isSet(QStringLiteral("arch"))) {
        o.arch = parseArchitecture(p.value(QStringLiteral("arch")));
        if (!o.arch)
            return p.usage(QStringLiteral("--arch must be cnn or vit"));
    }
    o.preset = p.value(QStringLiteral("preset"));
    o.bareModality = p.value(QStringLiteral("modality"));
    for (const char *name : {"heads", "resolution"}) {
        if (!p.isSet(QLatin1String(name)))
            continue;
        bool ok = false;
        const int v = p.value(QLatin1String(name)).toInt(&ok);
        if (!ok || v <= 0)
            return p.usage(QStringLiteral("--%1 needs a positive integer").arg(QLatin1String(name)));
        (qstrcmp(name, "heads") == 0 ? o.heads : o.resolution) = v;
    }
    o.configFile = p.value(QStringLiteral("config"));

    auto r = importCheckpoint(p.positionalArguments().first(), p.value(QStringLiteral("out")), o);
    if (!r)
        return fail(cmd, r.error());
    if (p.json()) {
        printJson(QJsonObject{{QStringLiteral("input"), r->input},
                              {QStringLiteral("output"), r->output},
                              {QStringLiteral("format"), r->format},
                              {QStringLiteral("preset"), r->preset},
                              {QStringLiteral("config"), r->config.toJson()},
                              {QStringLiteral("tensors"), r->tensorCount},
                              {QStringLiteral("parameters"), static_cast<double>(r->parameterCount)},
                              {QStringLiteral("temperatures_from_file"), r->temperaturesFromFile},
                              {QStringLiteral("notes"), QJsonArray::fromStringList(r->notes)},
                              {QStringLiteral("sha256_state"), r->hash}});
    } else {
        QTextStream out(stdout);
        out << r->output << ": " << r->tensorCount << " tensors, " << r->parameterCount << " parameters, "
            << architectureName(r->config.backbone.arch) << " (" << r->preset << "), modalities "
            << r->config.modalities.join(u',') << "\n  sha256 " << r->hash << '\n';
        for (const QString &n : r->notes)
            out << "  note: " << n << '\n';
    }
    return kOk;
}

const Registration reg(QStringLiteral("import-checkpoint"),
                       QStringLiteral("convert a research SolarCHIP checkpoint to a model file"), runImport);

}  // namespace
}  // namespace solarchip::cli
