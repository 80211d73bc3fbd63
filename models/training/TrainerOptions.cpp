// JSON form of TrainerOptions (RUN/run.json): a resumed run reads its configuration back from it.
#include "models/training/Trainer.h"

#include <QJsonArray>

namespace solarchip {

namespace {

QString topologyName(PairTopology t) { return t == PairTopology::AllPairs ? QStringLiteral("all-pairs") : QStringLiteral("hmi-star"); }

QJsonObject dataToJson(const DatasetOptions &d)
{
    return QJsonObject{{QStringLiteral("archive"), d.archiveDir},
                       {QStringLiteral("catalog_db"), d.catalogDb},
                       {QStringLiteral("update_catalog"), d.updateCatalog},
                       {QStringLiteral("selection"), d.selection.toJson()},
                       {QStringLiteral("prep"), d.prep.toJson()},
                       {QStringLiteral("split"), d.split.toJson()},
                       {QStringLiteral("use_cache"), d.useCache},
                       {QStringLiteral("cache_dir"), d.cacheDir}};
}

Expected<DatasetOptions> dataFromJson(const QJsonObject &j)
{
    DatasetOptions d;
    d.archiveDir = j.value(QStringLiteral("archive")).toString();
    d.catalogDb = j.value(QStringLiteral("catalog_db")).toString();
    d.updateCatalog = j.value(QStringLiteral("update_catalog")).toBool(true);
    auto sel = SelectionSpec::fromJson(j.value(QStringLiteral("selection")).toObject());
    if (!sel)
        return sel.error();
    d.selection = *sel;
    auto prep = PrepSpec::fromJson(j.value(QStringLiteral("prep")).toObject());
    if (!prep)
        return prep.error();
    d.prep = *prep;
    d.split = SplitSpec::fromJson(j.value(QStringLiteral("split")).toObject());
    d.useCache = j.value(QStringLiteral("use_cache")).toBool(true);
    d.cacheDir = j.value(QStringLiteral("cache_dir")).toString();
    return d;
}

}  // namespace

QJsonObject TrainerOptions::toJson() const
{
    QJsonObject model{{QStringLiteral("preset"), preset},
                      {QStringLiteral("custom_backbone"), customBackbone},
                      {QStringLiteral("arch"), arch ? architectureName(*arch) : QString()},
                      {QStringLiteral("shared_aia"), sharedAia},
                      {QStringLiteral("topology"), topologyName(topology)},
                      {QStringLiteral("cls_head"), clsHead},
                      {QStringLiteral("cls_position"), clsPosition},
                      {QStringLiteral("w_rec"), weights.reconstruction},
                      {QStringLiteral("w_cls"), weights.cls},
                      {QStringLiteral("w_pat"), weights.pat},
                      {QStringLiteral("w_int"), weights.intra},
                      {QStringLiteral("init_from"), initFrom}};
    QJsonObject optim{{QStringLiteral("epochs"), epochs},
                      {QStringLiteral("max_steps"), static_cast<double>(maxSteps)},
                      {QStringLiteral("batch"), batchSize},
                      {QStringLiteral("batch_window"), batchWindow},
                      {QStringLiteral("radial_norm_sets"), radialNormSets},
                      {QStringLiteral("accumulation"), accumulation},
                      {QStringLiteral("lr"), lr},
                      {QStringLiteral("min_lr"), minLr},
                      {QStringLiteral("warmup_steps"), static_cast<double>(warmupSteps)},
                      {QStringLiteral("weight_decay"), weightDecay},
                      {QStringLiteral("beta1"), beta1},
                      {QStringLiteral("beta2"), beta2},
                      {QStringLiteral("eps"), eps},
                      {QStringLiteral("grad_clip"), gradClip},
                      {QStringLiteral("save_memory"), saveMemory},
                      {QStringLiteral("device"), device},
                      {QStringLiteral("bf16"), bf16},
                      {QStringLiteral("threads"), threads},
                      {QStringLiteral("seed"), QString::number(seed)}};
    QJsonObject run{{QStringLiteral("dir"), runDir},
                    {QStringLiteral("checkpoint_every"), static_cast<double>(checkpointEvery)},
                    {QStringLiteral("validate_every"), static_cast<double>(validateEvery)},
                    {QStringLiteral("validation_max_sets"), validationMaxSets},
                    {QStringLiteral("keep_going_on_bad_samples"), keepGoingOnBadSamples},
                    {QStringLiteral("workers"), workers},
                    {QStringLiteral("prefetch"), prefetch}};
    return QJsonObject{{QStringLiteral("data"), dataToJson(data)},
                       {QStringLiteral("augment"), augment.toJson()},
                       {QStringLiteral("model"), model},
                       {QStringLiteral("optim"), optim},
                       {QStringLiteral("run"), run}};
}

Expected<TrainerOptions> TrainerOptions::fromJson(const QJsonObject &json)
{
    TrainerOptions o;
    auto data = dataFromJson(json.value(QStringLiteral("data")).toObject());
    if (!data)
        return data.error();
    o.data = *data;
    o.augment = AugmentSpec::fromJson(json.value(QStringLiteral("augment")).toObject());
    const QJsonObject m = json.value(QStringLiteral("model")).toObject();
    o.preset = m.value(QStringLiteral("preset")).toString(o.preset);
    o.customBackbone = m.value(QStringLiteral("custom_backbone")).toObject();
    const QString arch = m.value(QStringLiteral("arch")).toString();
    if (!arch.isEmpty()) {
        o.arch = parseArchitecture(arch);
        if (!o.arch)
            return Error{{}, QStringLiteral("unknown architecture '%1'").arg(arch)};
    }
    o.sharedAia = m.value(QStringLiteral("shared_aia")).toBool(false);
    o.clsHead = m.value(QStringLiteral("cls_head")).toString();
    o.clsPosition = m.value(QStringLiteral("cls_position")).toString(QStringLiteral("radial"));
    o.topology = m.value(QStringLiteral("topology")).toString() == QLatin1String("all-pairs") ? PairTopology::AllPairs
                                                                                            : PairTopology::HmiStar;
    o.weights.reconstruction = m.value(QStringLiteral("w_rec")).toDouble(o.weights.reconstruction);
    o.weights.cls = m.value(QStringLiteral("w_cls")).toDouble(o.weights.cls);
    o.weights.pat = m.value(QStringLiteral("w_pat")).toDouble(o.weights.pat);
    o.weights.intra = m.value(QStringLiteral("w_int")).toDouble(o.weights.intra);
    o.initFrom = m.value(QStringLiteral("init_from")).toString();
    const QJsonObject p = json.value(QStringLiteral("optim")).toObject();
    o.epochs = p.value(QStringLiteral("epochs")).toInt(o.epochs);
    o.maxSteps = static_cast<long long>(p.value(QStringLiteral("max_steps")).toDouble(0));
    o.batchSize = p.value(QStringLiteral("batch")).toInt(o.batchSize);
    o.batchWindow = p.value(QStringLiteral("batch_window")).toInt(0);
    o.radialNormSets = p.value(QStringLiteral("radial_norm_sets")).toInt(0);
    o.accumulation = p.value(QStringLiteral("accumulation")).toInt(o.accumulation);
    o.lr = p.value(QStringLiteral("lr")).toDouble(o.lr);
    o.minLr = p.value(QStringLiteral("min_lr")).toDouble(o.minLr);
    o.warmupSteps = static_cast<long long>(p.value(QStringLiteral("warmup_steps")).toDouble(-1));
    o.weightDecay = p.value(QStringLiteral("weight_decay")).toDouble(o.weightDecay);
    o.beta1 = p.value(QStringLiteral("beta1")).toDouble(o.beta1);
    o.beta2 = p.value(QStringLiteral("beta2")).toDouble(o.beta2);
    o.eps = p.value(QStringLiteral("eps")).toDouble(o.eps);
    o.gradClip = p.value(QStringLiteral("grad_clip")).toDouble(o.gradClip);
    o.saveMemory = p.value(QStringLiteral("save_memory")).toBool(false);
    o.device = p.value(QStringLiteral("device")).toString(o.device);
    o.bf16 = p.value(QStringLiteral("bf16")).toBool(true);
    o.threads = p.value(QStringLiteral("threads")).toInt(0);
    o.seed = p.value(QStringLiteral("seed")).toString(QStringLiteral("0")).toULongLong();
    const QJsonObject r = json.value(QStringLiteral("run")).toObject();
    o.runDir = r.value(QStringLiteral("dir")).toString();
    o.checkpointEvery = static_cast<long long>(r.value(QStringLiteral("checkpoint_every")).toDouble(100));
    o.validateEvery = static_cast<long long>(r.value(QStringLiteral("validate_every")).toDouble(0));
    o.validationMaxSets = r.value(QStringLiteral("validation_max_sets")).toInt(o.validationMaxSets);
    o.keepGoingOnBadSamples = r.value(QStringLiteral("keep_going_on_bad_samples")).toBool(true);
    o.workers = r.value(QStringLiteral("workers")).toInt(o.workers);
    o.prefetch = r.value(QStringLiteral("prefetch")).toInt(o.prefetch);
    return o;
}

}  // namespace solarchip
