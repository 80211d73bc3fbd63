#include "models/training/detail/TrainerSetup.h"

#include "models/networks/SolarChipModel.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>

namespace solarchip::detail {

namespace {

Expected<QJsonObject> readJsonFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error{path, QStringLiteral("cannot read: ") + f.errorString()};
    QJsonParseError perr;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &perr);
    if (!doc.isObject())
        return Error{path, QStringLiteral("not a JSON object: ") + perr.errorString()};
    return doc.object();
}

}  // namespace

Expected<TrainerOptions> effectiveTrainerOptions(TrainerOptions options, bool resume, const QJsonObject &overrides, bool *resuming)
{
    if (options.runDir.isEmpty())
        return Error{{}, QStringLiteral("no run folder given (--out RUN)")};
    const QString runDir = QFileInfo(options.runDir).absoluteFilePath();
    const bool haveCheckpoint = QFileInfo::exists(runDir + QStringLiteral("/checkpoint.pt"));
    if (haveCheckpoint && !resume)
        return Error{runDir, QStringLiteral("already holds a training run (checkpoint.pt); pass --resume to continue it, "
                                            "or choose another --out")};
    *resuming = resume && haveCheckpoint;
    if (*resuming) {
        const QString runJson = runDir + QStringLiteral("/run.json");
        auto saved = readJsonFile(runJson);
        if (!saved)
            return saved.error();
        auto o = TrainerOptions::fromJson(saved->value(QStringLiteral("options")).toObject());
        if (!o)
            return Error{runJson, o.error().message};
        if (overrides.contains(QStringLiteral("epochs")))
            o->epochs = overrides.value(QStringLiteral("epochs")).toInt();
        if (overrides.contains(QStringLiteral("max_steps")))
            o->maxSteps = static_cast<long long>(overrides.value(QStringLiteral("max_steps")).toDouble());
        o->stopAtStep = options.stopAtStep;
        options = *o;
    }
    options.runDir = runDir;
    if (options.batchSize < 1 || options.accumulation < 1)
        return Error{{}, QStringLiteral("batch size and accumulation must be at least 1")};
    if (options.epochs < 1 && options.maxSteps <= 0)
        return Error{{}, QStringLiteral("nothing to do: --epochs must be at least 1 (or --max-steps given)")};
    return options;
}

Expected<SolarChipConfig> trainerModelConfig(const TrainerOptions &options)
{
    auto cfg = SolarChipModel::configFor(options.customBackbone.isEmpty() ? options.preset : QStringLiteral("tiny"),
                                         options.data.selection.channels, options.arch, options.sharedAia);
    if (!cfg)
        return cfg.error();
    if (!options.customBackbone.isEmpty()) {
        auto bb = BackboneConfig::fromJson(options.customBackbone);
        if (!bb)
            return Error{options.preset, bb.error().message};
        cfg->backbone = *bb;
        const QString problem = cfg->validate();
        if (!problem.isEmpty())
            return Error{options.preset, problem};
    }
    if (!options.clsHead.isEmpty() || options.clsPosition != QLatin1String("radial")) {
        // The same names and checks as the configuration JSON (BackboneConfig::fromJson).
        QJsonObject bb = cfg->backbone.toJson();
        bb.insert(QStringLiteral("cls_head"), options.clsHead.isEmpty() ? QStringLiteral("gap") : options.clsHead);
        bb.insert(QStringLiteral("cls_position"), options.clsPosition);
        auto withHead = BackboneConfig::fromJson(bb);
        if (!withHead)
            return withHead.error();
        cfg->backbone = *withHead;
    }
    cfg->topology = options.topology;
    cfg->weights = options.weights;
    return cfg;
}

std::unique_ptr<torch::optim::AdamW> makeTrainerOptimizer(SolarChipNetImpl &net, const TrainerOptions &options)
{
    std::vector<torch::Tensor> decay, noDecay;
    for (const auto &p : net.named_parameters()) {
        if (!p.value().requires_grad())
            continue;
        const std::string &name = p.key();
        const bool skip = p.value().dim() < 2 || name.find("embedding") != std::string::npos
                          || name.find("logit_scale") != std::string::npos;
        (skip ? noDecay : decay).push_back(p.value());
    }
    torch::optim::AdamWOptions ao(options.lr);
    ao.betas({options.beta1, options.beta2}).eps(options.eps).weight_decay(options.weightDecay);
    torch::optim::AdamWOptions aoNoDecay = ao;
    aoNoDecay.weight_decay(0.0);
    std::vector<torch::optim::OptimizerParamGroup> groups;
    groups.emplace_back(decay, std::make_unique<torch::optim::AdamWOptions>(ao));
    groups.emplace_back(noDecay, std::make_unique<torch::optim::AdamWOptions>(aoNoDecay));
    return std::make_unique<torch::optim::AdamW>(groups, ao);
}

}  // namespace solarchip::detail
