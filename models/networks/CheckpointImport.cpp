#include "models/networks/CheckpointImport.h"

#include "models/detail/Guarded.h"
#include "models/networks/ArchitectureInference.h"
#include "models/networks/SolarChipModel.h"
#include "models/networks/detail/SolarChipNet.h"
#include "models/networks/detail/TensorIo.h"

#include <set>

namespace solarchip {

using detail::TensorMap;

namespace {

const std::string kModelDict = "model_dict.";
const std::string kLossPrefix = "contrastive_loss_fn.";

bool startsWith(const std::string &s, const std::string &p) { return s.compare(0, p.size(), p) == 0; }

QString q(const std::string &s) { return QString::fromStdString(s); }

Expected<ImportReport> importUnguarded(const QString &input, const QString &output, const ImportOptions &options)
{
    ImportReport report;
    report.input = input;
    report.output = output;
    auto read = detail::readTensorFile(input, &report.format);
    if (!read)
        return read.error();

    // 1. Normalise the key layout.
    TensorMap raw;
    int dropped = 0;
    for (auto &[key0, t] : *read) {
        std::string key = key0;
        for (const std::string prefix : {"state_dict.", "module."})
            if (startsWith(key, prefix))
                key = key.substr(prefix.size());
        if (startsWith(key, "rec_loss_fn.")) {  // LPIPS VGG weights: not part of the encoders
            ++dropped;
            continue;
        }
        raw.emplace(key, t);
    }
    if (dropped > 0)
        report.notes << QStringLiteral("dropped %1 reconstruction-loss (LPIPS) tensors").arg(dropped);

    bool wrapped = false;
    for (const auto &[key, t] : raw)
        if (startsWith(key, kModelDict))
            wrapped = true;
    TensorMap state;  // keys in our layout: model_dict.<backbone>.<key>, contrastive_loss_fn.*
    std::set<std::string> backbones;
    for (const auto &[key, t] : raw) {
        if (startsWith(key, kLossPrefix)) {
            state.emplace(key, t);
            continue;
        }
        if (wrapped) {
            if (!startsWith(key, kModelDict))
                return Error{input, QStringLiteral("unexpected key '%1' (neither model_dict.<modality>.* nor "
                                                   "contrastive_loss_fn.*)").arg(q(key))};
            const std::string rest = key.substr(kModelDict.size());
            const auto dot = rest.find('.');
            if (dot == std::string::npos)
                return Error{input, QStringLiteral("unexpected key '%1'").arg(q(key))};
            backbones.insert(rest.substr(0, dot));
            state.emplace(key, t);
        } else {
            const QString m = modalityName(options.bareModality);
            if (m.isEmpty())
                return Error{input, QStringLiteral("unknown modality '%1' for a backbone without prefix").arg(options.bareModality)};
            backbones.insert(m.toStdString());
            state.emplace(kModelDict + m.toStdString() + "." + key, t);
        }
    }
    if (backbones.empty())
        return Error{input, QStringLiteral("no backbone weights found (expected encoder.* / decoder.* keys, with or "
                                           "without a model_dict.<modality>. prefix)")};

    // 2. Architecture: from the keys, checked against --arch.
    auto has = [&](const std::string &suffix) {
        for (const std::string &b : backbones)
            if (state.count(kModelDict + b + "." + suffix))
                return true;
        return false;
    };
    std::optional<Architecture> detected;
    if (has("encoder.conv1.weight"))
        detected = Architecture::Vit;
    else if (has("encoder.conv_in.weight"))
        detected = Architecture::Cnn;
    if (!detected && !options.arch)
        return Error{input, QStringLiteral("cannot tell the architecture: neither encoder.conv1.weight (ViT) nor "
                                           "encoder.conv_in.weight (CNN) is present; give --arch")};
    if (detected && options.arch && *detected != *options.arch)
        return Error{input, QStringLiteral("the keys are those of a %1 (key '%2'), but --arch %3 was given")
                                .arg(architectureName(*detected),
                                     *detected == Architecture::Vit ? QStringLiteral("encoder.conv1.weight")
                                                                    : QStringLiteral("encoder.conv_in.weight"),
                                     architectureName(*options.arch))};
    const Architecture arch = options.arch.value_or(*detected);
    Expected<BackboneConfig> backbone = BackboneConfig{};
    if (options.backbone) {
        if (options.backbone->arch != arch)
            return Error{input, QStringLiteral("the keys are those of a %1, the configuration given is a %2")
                                    .arg(architectureName(arch), architectureName(options.backbone->arch))};
        report.preset = QStringLiteral("custom");
        backbone = *options.backbone;
    } else if (options.preset.isEmpty()) {
        // Any size: the architecture from the shapes of one backbone (HMI's when present), the rest from hints.
        InferenceHints hints;
        hints.heads = options.heads;
        hints.resolution = options.resolution;
        if (!options.configFile.isEmpty()) {
            auto rc = ResearchConfig::load(options.configFile);
            if (!rc)
                return rc.error();
            hints.config = *rc;
        }
        const std::string first = backbones.count("hmi") ? std::string("hmi") : *backbones.begin();
        const std::string prefix = kModelDict + first + ".";
        ArchitectureInference::ShapeMap shapes;
        for (const auto &[key, t] : state)
            if (startsWith(key, prefix))
                shapes.emplace(key.substr(prefix.size()), t.sizes().vec());
        auto inferred = ArchitectureInference::infer(arch, shapes, hints, input);
        if (!inferred)
            return inferred.error();
        report.preset = inferred->matchedPreset.isEmpty() ? QStringLiteral("inferred") : inferred->matchedPreset;
        report.notes << inferred->notes;
        backbone = inferred->config;
    } else {
        if (options.heads || options.resolution || !options.configFile.isEmpty())
            return Error{input, QStringLiteral("give either --preset or --heads/--resolution/--config, not both")};
        report.preset = options.preset;
        backbone = presetConfig(report.preset, arch);
        if (!backbone)
            return Error{input, backbone.error().message};
    }
    if (arch == Architecture::Vit) {
        backbone->vit.researchLayout = !has("decoder.positional_embedding");
        if (backbone->vit.researchLayout)
            report.notes << QStringLiteral("no decoder.positional_embedding: research layout (naive row-major "
                                           "un-patchify), reproduces the research forward");
    }

    // 3. Modalities from the backbone names.
    SolarChipConfig config;
    config.backbone = *backbone;
    config.modalities.clear();
    if (backbones.count("all"))
        return Error{input, QStringLiteral("a single backbone for every modality (model_dict.all, the research "
                                           "solarchip_mergeall) is not supported: import it with a bare prefix instead")};
    if (backbones.count("aia")) {
        config.sharedAia = true;
        if (backbones.count("hmi"))
            config.modalities << QStringLiteral("hmi");
        for (const QString &m : researchModalities())
            if (isAiaModality(m))
                config.modalities << m;
        report.notes << QStringLiteral("shared AIA backbone (model_dict.aia) serves all ten AIA passbands");
    } else {
        for (const QString &m : researchModalities())  // research order, HMI first
            if (backbones.count(m.toStdString()))
                config.modalities << m;
        for (const std::string &b : backbones)
            if (!researchModalities().contains(q(b)))
                return Error{input, QStringLiteral("unknown modality '%1' in key prefix model_dict.%1. (expected %2)")
                                        .arg(q(b), researchModalities().join(u','))};
    }
    if (config.modalities.size() == 1 || !config.modalities.contains(QStringLiteral("hmi")))
        config.topology = config.modalities.contains(QStringLiteral("hmi")) ? PairTopology::HmiStar : PairTopology::AllPairs;
    const QString problem = config.validate();
    if (!problem.isEmpty())
        return Error{input, problem};

    // 4. Every key and shape against a model of that configuration.
    auto model = SolarChipModel::create(config, 0);
    if (!model)
        return Error{input, model.error().message};
    const TensorMap expected = detail::stateOf(*model->net());
    for (const auto &[key, t] : state) {
        const auto it = expected.find(key);
        if (it == expected.end())
            return Error{input, QStringLiteral("key '%1' is not a parameter of the %2 %3 model (wrong --preset or --arch?)")
                                    .arg(q(key), report.preset, architectureName(arch))};
        if (!it->second.sizes().equals(t.sizes()))
            return Error{input, QStringLiteral("key '%1' has shape %2, the %3 preset expects %4 (wrong --preset?)")
                                    .arg(q(key), detail::shapeString(t), report.preset, detail::shapeString(it->second))};
        if (!t.is_floating_point())
            return Error{input, QStringLiteral("key '%1' is not a floating-point tensor").arg(q(key))};
    }
    TensorMap full = state;
    int initialisedScales = 0;
    for (const auto &[key, t] : expected) {
        if (full.count(key))
            continue;
        if (startsWith(key, kLossPrefix)) {
            full.emplace(key, t.detach().clone());  // ln(1/0.07) from the fresh model
            ++initialisedScales;
            continue;
        }
        return Error{input, QStringLiteral("missing key '%1' (shape %2) for the %3 preset")
                                .arg(q(key), detail::shapeString(t), report.preset)};
    }
    report.temperaturesFromFile = initialisedScales == 0;
    if (initialisedScales > 0)
        report.notes << QStringLiteral("%1 contrastive temperature(s) absent: initialised to ln(1/0.07)").arg(initialisedScales);
    for (auto &[key, t] : full)
        t = t.to(torch::kFloat32);
    Status s = detail::loadState(*model->net(), full, input);
    if (!s)
        return s.error();
    s = model->save(output);
    if (!s)
        return s.error();
    report.config = config;
    report.tensorCount = static_cast<int>(full.size());
    report.parameterCount = model->parameterCount();
    auto hash = model->hash();
    if (!hash)
        return hash.error();
    report.hash = *hash;
    return report;
}

}  // namespace

Expected<ImportReport> importCheckpoint(const QString &input, const QString &output, const ImportOptions &options)
{
    return detail::guarded(detail::Doing{input, QStringLiteral("importing the checkpoint into ") + output},
                           [&] { return importUnguarded(input, output, options); });
}

}  // namespace solarchip
