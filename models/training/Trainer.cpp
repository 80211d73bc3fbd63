#include "models/training/Trainer.h"

#include "core/base/AtomicFile.h"

#include "models/data/DatasetAugment.h"
#include "models/data/DatasetLoader.h"
#include "models/detail/Guarded.h"
#include "models/networks/Device.h"
#include "models/embeddings/EvalAlign.h"
#include "models/networks/SolarChipModel.h"
#include "models/networks/TrainedModel.h"
#include "models/networks/detail/SolarChipNet.h"
#include "models/networks/detail/TensorIo.h"
#include "models/networks/detail/TorchDevice.h"
#include "models/training/detail/DistributedContext.h"
#include "models/training/detail/TrainerCheckpoint.h"
#include "models/training/detail/TrainerSetup.h"
#include "models/training/detail/TrainerStep.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimeZone>

#include <cmath>
#include <cstdio>
#include <cstring>

namespace solarchip {

namespace {

// The run folder is made on demand: every file of a run is written atomically into it.
constexpr AtomicWriteOptions kInRunFolder{.createFolder = true};


const QString kRunFormat = QStringLiteral("solarchip-run/1");

QString isoMs(qint64 ms) { return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(Qt::ISODateWithMs); }

double meanOf(const std::map<std::string, double> &m)
{
    if (m.empty())
        return 0;
    double s = 0;
    for (const auto &[k, v] : m)
        s += v;
    return s / static_cast<double>(m.size());
}

}  // namespace

class Trainer::Impl {
public:
    TrainerOptions options;
    std::optional<Dataset> dataset;
    std::optional<SolarChipModel> model;
    std::shared_ptr<detail::SolarChipNetImpl> net;
    std::unique_ptr<torch::optim::AdamW> optimizer;
    torch::Device device{torch::kCPU};
    bool bf16 = false;
    QStringList channels;    // catalog keys, in the model's modality order (= the sample planes' order)
    QStringList modalities;  // research names, same order
    LrSchedule schedule;
    int stepsPerEpoch = 0;
    long long totalSteps = 0;
    bool resumed = false;

    // Trainer state (what checkpoint.pt's trainer_json holds).
    long long step = 0;      // optimizer steps done
    int epoch = 0;
    int position = 0;        // requests of this epoch's order consumed
    long long samplesSeen = 0;
    double bestValLoss = std::numeric_limits<double>::infinity();
    long long bestStep = -1;
    double lastLoss = 0;

    std::function<void(const QJsonObject &)> sink;
    QFile metrics;
    QElapsedTimer clock;

    // Multi-process data parallelism (null: one process). Rank 0 (the leader) alone writes the run folder and
    // the metrics and validates; every rank trains on its slice of each global batch.
    DistributedEnv distEnv;
    std::shared_ptr<detail::DistributedContext> dist;
    int world() const { return dist ? dist->worldSize() : 1; }
    int rank() const { return dist ? dist->rank() : 0; }
    bool leader() const { return rank() == 0; }

    QString path(const QString &name) const { return options.runDir + QLatin1Char('/') + name; }
    /// Sets per optimizer step on this rank, and over all ranks.
    int localBatch() const { return options.batchSize * options.accumulation; }
    int globalBatch() const { return localBatch() * world(); }

    void emitLine(QJsonObject o)
    {
        if (!leader()) {
            // Other ranks only report warnings (on stderr, naming the rank); rank 0 writes the metrics.
            if (o.value(QStringLiteral("event")).toString() == QLatin1String("warning"))
                std::fprintf(stderr, "solarchip pretrain: rank %d: %s\n", rank(),
                             qPrintable(o.value(QStringLiteral("message")).toString()));
            return;
        }
        const QByteArray line = QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
        if (metrics.isOpen()) {
            metrics.write(line);
            metrics.flush();
        }
        if (sink)
            sink(o);
    }

    void warn(const QString &message)
    {
        emitLine(QJsonObject{{QStringLiteral("event"), QStringLiteral("warning")},
                             {QStringLiteral("step"), static_cast<double>(step)},
                             {QStringLiteral("message"), message}});
    }

    QJsonObject trainerState() const
    {
        return QJsonObject{{QStringLiteral("step"), static_cast<double>(step)},
                           {QStringLiteral("epoch"), epoch},
                           {QStringLiteral("position"), position},
                           {QStringLiteral("samples_seen"), static_cast<double>(samplesSeen)},
                           {QStringLiteral("best_val_loss"), std::isfinite(bestValLoss) ? QJsonValue(bestValLoss) : QJsonValue()},
                           {QStringLiteral("best_step"), static_cast<double>(bestStep)},
                           {QStringLiteral("last_loss"), lastLoss},
                           {QStringLiteral("schedule"), schedule.toJson()}};
    }

    void restoreState(const QJsonObject &s)
    {
        step = static_cast<long long>(s.value(QStringLiteral("step")).toDouble());
        epoch = s.value(QStringLiteral("epoch")).toInt();
        position = s.value(QStringLiteral("position")).toInt();
        samplesSeen = static_cast<long long>(s.value(QStringLiteral("samples_seen")).toDouble());
        const QJsonValue b = s.value(QStringLiteral("best_val_loss"));
        bestValLoss = b.isDouble() ? b.toDouble() : std::numeric_limits<double>::infinity();
        bestStep = static_cast<long long>(s.value(QStringLiteral("best_step")).toDouble(-1));
        lastLoss = s.value(QStringLiteral("last_loss")).toDouble();
    }

    QJsonObject trainingProvenance() const
    {
        const auto &tr = dataset->sets(Split::Train);
        return QJsonObject{{QStringLiteral("run"), QFileInfo(options.runDir).absoluteFilePath()},
                           {QStringLiteral("step"), static_cast<double>(step)},
                           {QStringLiteral("epoch"), epoch},
                           {QStringLiteral("archive"), dataset->options().archiveDir},
                           {QStringLiteral("seed"), QString::number(options.seed)},
                           // How the inputs were augmented (e.g. per-modality quarter turns): part of how the model was made.
                           {QStringLiteral("augment"), options.augment.toJson()},
                           {QStringLiteral("train_sets"), static_cast<int>(tr.size())},
                           {QStringLiteral("train_first_ms"), tr.isEmpty() ? 0.0 : static_cast<double>(tr.first().referenceTimeMs)},
                           {QStringLiteral("train_last_ms"), tr.isEmpty() ? 0.0 : static_cast<double>(tr.last().referenceTimeMs)},
                           {QStringLiteral("best_val_loss"), std::isfinite(bestValLoss) ? QJsonValue(bestValLoss) : QJsonValue()},
                           {QStringLiteral("best_step"), static_cast<double>(bestStep)}};
    }

    // Stacks the given samples' planes into one [b, 1, R, R] tensor per modality on the training device.
    detail::Batch makeBatch(const std::vector<Sample> &samples, std::size_t from, std::size_t count) const
    {
        detail::Batch b;
        const int side = samples[from].side;
        const std::size_t plane = static_cast<std::size_t>(side) * side;
        for (int c = 0; c < modalities.size(); ++c) {
            torch::Tensor t = torch::empty({static_cast<int64_t>(count), 1, side, side}, torch::kFloat32);
            float *dst = t.data_ptr<float>();
            for (std::size_t i = 0; i < count; ++i)
                std::memcpy(dst + i * plane, samples[from + i].plane(c), plane * sizeof(float));
            b.emplace(modalities[c].toStdString(), t.to(device));
        }
        return b;
    }

    // The cell orders that undo each sample's per-modality quarter turns (empty when no sample was turned).
    detail::CellOrder makeCellOrder(const std::vector<Sample> &samples, std::size_t from, std::size_t count) const
    {
        detail::CellOrder order;
        bool any = false;
        for (std::size_t i = 0; i < count; ++i)
            any = any || !samples[from + i].quarterTurns.empty();
        if (!any)
            return order;
        const int grid = model->config().backbone.gridSize();
        const int64_t n = static_cast<int64_t>(grid) * grid;
        for (int c = 0; c < modalities.size(); ++c) {
            torch::Tensor t = torch::empty({static_cast<int64_t>(count), n}, torch::kLong);
            int64_t *dst = t.data_ptr<int64_t>();
            for (std::size_t i = 0; i < count; ++i) {
                const std::vector<int> &turns = samples[from + i].quarterTurns;
                const std::vector<int> idx = quarterTurnsUndoIndex(grid, c < static_cast<int>(turns.size()) ? turns[c] : 0);
                std::copy(idx.begin(), idx.end(), dst + i * n);
            }
            order.emplace(modalities[c].toStdString(), t.to(device));
        }
        return order;
    }

    void setLr(double lr)
    {
        for (auto &g : optimizer->param_groups())
            static_cast<torch::optim::AdamWOptions &>(g.options()).lr(lr);
    }

    Status checkpoint()
    {
        if (!leader())
            return Status::success();
        Status s = saveTrainedModel(*model, channels, options.data.prep, trainingProvenance(),
                                    path(QStringLiteral("model-last.safetensors")));
        if (!s)
            return s;
        s = detail::saveTrainingCheckpoint(path(QStringLiteral("checkpoint.pt")), *net, *optimizer, trainerState(), device);
        if (!s)
            return s;
        emitLine(QJsonObject{{QStringLiteral("event"), QStringLiteral("checkpoint")},
                             {QStringLiteral("step"), static_cast<double>(step)},
                             {QStringLiteral("epoch"), epoch},
                             {QStringLiteral("position"), position}});
        return Status::success();
    }

    // Trainer::create, step by step (in this order: the RNG is seeded when the model is built).
    Expected<DeviceChoice> setUpDevice();  // torch threads, the device, bf16, deterministic kernels
    Status openDataset(const SolarChipConfig &config);  // channels in the model's order; radial norm if asked
    Expected<ModelNormalize> measureRadialNormalisation(const Dataset &ds) const;
    Status planSteps();                    // steps per epoch, total steps, the LR schedule
    Status buildModel(const SolarChipConfig &config, const DeviceChoice &dev);  // model (+ init), optimizer
    Status writeRunDescription(const SolarChipConfig &config) const;            // run.json
    Status joinProcessGroup();             // rendezvous; checks a resumed run's world size
    QJsonObject distributedDescription() const;

    Status validate();
    Status trainStep(const std::vector<Sample> &samples, double waitedS, QElapsedTimer &stepClock);
};

Status Trainer::Impl::validate()
{
    const auto &val = dataset->sets(Split::Validation);
    if (!leader() || val.isEmpty())
        return Status::success();
    // An evenly spaced subset spanning the whole validation period, batched in a fixed random order (the same
    // at every validation): training batches are random draws, and batches of time-sorted neighbours would
    // ask the CLS a different (harder) question than the one it is trained on.
    std::vector<SampleRequest> req;
    const int n = static_cast<int>(val.size());
    const int k = options.validationMaxSets > 0 ? std::min(n, options.validationMaxSets) : n;
    for (int i = 0; i < k; ++i)
        req.push_back({static_cast<int>(static_cast<long long>(i) * n / k), false, 0});
    for (int i = k - 1; i > 0; --i)  // Fisher-Yates with the counter-based mixer: no global RNG state touched
        std::swap(req[i], req[static_cast<int>(mixSeed(options.seed, 0x7661u, static_cast<quint64>(i)) % static_cast<quint64>(i + 1))]);
    SampleLoader loader(*dataset, Split::Validation, req, AugmentSpec{}, options.workers, options.prefetch);
    net->eval();
    std::vector<Sample> pending;
    std::map<std::string, double> sums;
    double totalSum = 0;
    int counted = 0;
    const QString aia = [&] {
        for (const QString &m : modalities)
            if (m != QLatin1String("hmi"))
                return m;
        return QString();
    }();
    const bool align = modalities.contains(QStringLiteral("hmi")) && !aia.isEmpty();
    ChannelEmbeddings eh, ea;
    auto appendTokens = [](ChannelEmbeddings &e, const torch::Tensor &tok) {
        const torch::Tensor t = tok.to(torch::kCPU, torch::kFloat32).contiguous();
        const int b = static_cast<int>(t.size(0));
        e.patches = static_cast<int>(t.size(1)) - 1;
        e.dim = static_cast<int>(t.size(2));
        const torch::Tensor cls = t.select(1, 0).contiguous();
        const torch::Tensor pat = t.slice(1, 1).contiguous();
        e.cls.insert(e.cls.end(), cls.data_ptr<float>(), cls.data_ptr<float>() + cls.numel());
        e.patch.insert(e.patch.end(), pat.data_ptr<float>(), pat.data_ptr<float>() + pat.numel());
        e.count += b;
    };
    auto flush = [&] {
        if (pending.empty())
            return;
        const detail::Batch b = makeBatch(pending, 0, pending.size());
        const detail::StepValues v = detail::evaluateLoss(*net, b, bf16);
        const double w = static_cast<double>(pending.size());
        totalSum += v.total * w;
        sums["rec"] += meanOf(v.reconstruction) * w;
        sums["cls"] += meanOf(v.cls) * w;
        sums["pat"] += meanOf(v.pat) * w;
        sums["int"] += meanOf(v.intra) * w;
        counted += static_cast<int>(pending.size());
        if (align) {
            torch::NoGradGuard noGrad;
            detail::AutocastBf16 ac(bf16);
            appendTokens(eh, net->tokens("hmi", b.at("hmi")));
            appendTokens(ea, net->tokens(aia.toStdString(), b.at(aia.toStdString())));
        }
        pending.clear();
    };
    while (auto s = loader.next()) {
        if (!s->sample) {
            warn(QStringLiteral("validation sample skipped: ") + s->sample.errorString());
            continue;
        }
        pending.push_back(std::move(*s->sample));
        // A multi-process run validates on rank 0 in batches of the global size: the contrastive values then mean
        // what they mean for one process with that batch.
        if (static_cast<int>(pending.size()) == options.batchSize * world())
            flush();
    }
    flush();
    net->train();
    if (counted == 0)
        return Status::success();
    const double valLoss = totalSum / counted;
    QJsonObject o{{QStringLiteral("event"), QStringLiteral("val")},
                  {QStringLiteral("step"), static_cast<double>(step)},
                  {QStringLiteral("epoch"), epoch},
                  {QStringLiteral("val_loss"), valLoss},
                  {QStringLiteral("val_rec"), sums["rec"] / counted},
                  {QStringLiteral("val_cls"), sums["cls"] / counted},
                  {QStringLiteral("val_pat"), sums["pat"] / counted},
                  {QStringLiteral("val_int"), sums["int"] / counted},
                  {QStringLiteral("n_val"), counted}};
    if (align && eh.count >= 2) {
        auto m = EvalAlign::evaluate(eh, ea);
        if (m) {
            const QJsonObject mj = m->toJson();
            for (auto it = mj.begin(); it != mj.end(); ++it)
                if (it.key() != QLatin1String("n_samples"))
                    o.insert(it.key(), it.value());
            o.insert(QStringLiteral("align_pair"), QStringLiteral("hmi|") + aia);
        }
    }
    const bool best = valLoss < bestValLoss;
    o.insert(QStringLiteral("best"), best);
    if (best) {
        bestValLoss = valLoss;
        bestStep = step;
        Status s = saveTrainedModel(*model, channels, options.data.prep, trainingProvenance(),
                                    path(QStringLiteral("model-best.safetensors")));
        if (!s)
            return s;
        s = writeFileAtomically(path(QStringLiteral("best.json")), QJsonDocument(o).toJson(), kInRunFolder);
        if (!s)
            return s;
    }
    emitLine(o);
    return Status::success();
}

Status Trainer::Impl::trainStep(const std::vector<Sample> &samples, double waitedS, QElapsedTimer &stepClock)
{
    std::vector<detail::Batch> micro;
    std::vector<detail::CellOrder> orders;
    for (int a = 0; a < options.accumulation; ++a) {
        micro.push_back(makeBatch(samples, static_cast<std::size_t>(a) * options.batchSize, options.batchSize));
        orders.push_back(makeCellOrder(samples, static_cast<std::size_t>(a) * options.batchSize, options.batchSize));
    }
    const double lr = schedule.at(step);
    setLr(lr);
    optimizer->zero_grad();
    detail::StepOptions so;
    so.saveMemory = options.saveMemory;
    so.bf16Autocast = bf16;
    detail::TokenGather gather;
    if (dist)
        gather = [this](const torch::Tensor &local) { return dist->gatherKeepLocal(local); };
    detail::StepValues v = detail::accumulateGradients(*net, micro, so, orders, gather);
    std::vector<torch::Tensor> params;
    for (const auto &p : net->parameters())
        if (p.grad().defined())
            params.push_back(p);
    if (dist) {
        // Sum over ranks / N: the single-process gradient of the global batch (DistributedContext.h). The
        // reported reconstruction values become the global batch's too (the contrastive ones are already).
        dist->allReduceMeanGradients(params);
        std::vector<double> values{v.total};
        for (const auto &[k, x] : v.reconstruction)
            values.push_back(x);
        torch::Tensor t = torch::tensor(values, torch::kFloat64).to(device);
        dist->allReduceSum(t);
        t = (t / static_cast<double>(world())).cpu();
        v.total = t[0].item<double>();
        int i = 1;
        for (auto &[k, x] : v.reconstruction)
            x = t[i++].item<double>();
    }
    double gradNorm = 0;
    if (options.gradClip > 0) {
        gradNorm = torch::nn::utils::clip_grad_norm_(params, options.gradClip);
    } else {
        double s = 0;
        for (const auto &p : params)
            s += p.grad().pow(2).sum().item<double>();
        gradNorm = std::sqrt(s);
    }
    if (!std::isfinite(v.total) || !std::isfinite(gradNorm)) {
        warn(QStringLiteral("non-finite loss (%1) or gradient norm (%2): step skipped").arg(v.total).arg(gradNorm));
        optimizer->zero_grad();
        return Status::success();
    }
    optimizer->step();
    net->contrastive_loss_fn->clampParameters();
    ++step;
    samplesSeen += static_cast<long long>(samples.size()) * world();
    lastLoss = v.total;
    const double seconds = stepClock.nsecsElapsed() / 1e9;
    auto temp = [](const torch::Tensor &s) { return 1.0 / detail::logitScale(s).item<double>(); };
    QJsonObject terms;
    for (const auto &[k, x] : v.reconstruction)
        terms.insert(QStringLiteral("rec/") + QString::fromStdString(k), x);
    for (const auto &[k, x] : v.cls)
        terms.insert(QStringLiteral("cls/") + QString::fromStdString(k), x);
    for (const auto &[k, x] : v.pat)
        terms.insert(QStringLiteral("pat/") + QString::fromStdString(k), x);
    for (const auto &[k, x] : v.intra)
        terms.insert(QStringLiteral("int/") + QString::fromStdString(k), x);
    const auto &c = net->contrastive_loss_fn;
    emitLine(QJsonObject{{QStringLiteral("event"), QStringLiteral("train")},
                         {QStringLiteral("step"), static_cast<double>(step)},
                         {QStringLiteral("epoch"), epoch},
                         {QStringLiteral("epoch_progress"), static_cast<double>(position) / std::max(1, dataset->size(Split::Train))},
                         {QStringLiteral("loss"), v.total},
                         {QStringLiteral("rec"), meanOf(v.reconstruction)},
                         {QStringLiteral("cls"), meanOf(v.cls)},
                         {QStringLiteral("pat"), meanOf(v.pat)},
                         {QStringLiteral("int"), meanOf(v.intra)},
                         {QStringLiteral("temp_cls"), temp(c->cls_logit_scale)},
                         {QStringLiteral("temp_pat"), temp(c->pat_logit_scale)},
                         {QStringLiteral("temp_int"), temp(c->int_logit_scale)},
                         {QStringLiteral("lr"), lr},
                         {QStringLiteral("grad_norm"), gradNorm},
                         {QStringLiteral("samples_per_s"), seconds > 0 ? samples.size() * world() / seconds : 0.0},
                         {QStringLiteral("data_wait_s"), waitedS},
                         {QStringLiteral("samples"), static_cast<double>(samplesSeen)},
                         {QStringLiteral("time_s"), clock.nsecsElapsed() / 1e9},
                         {QStringLiteral("terms"), terms}});
    return Status::success();
}

Trainer::Trainer(std::unique_ptr<Impl> impl) : d(std::move(impl)) {}
Trainer::Trainer(Trainer &&) noexcept = default;
Trainer &Trainer::operator=(Trainer &&) noexcept = default;
Trainer::~Trainer() = default;

const TrainerOptions &Trainer::options() const { return d->options; }

Expected<DeviceChoice> Trainer::Impl::setUpDevice()
{
    configureTorchThreads(options.threads);
    DeviceChoice dev;
    QString devError;
    if (!parseDevice(options.device, &dev, &devError))
        return Error{{}, devError};
    device = detail::toTorchDevice(dev);
    bf16 = options.bf16 && dev.kind == DeviceKind::Cuda;
    // One GPU per process: rank r of a node takes cuda:LOCAL_RANK unless a device index was given.
    if (distEnv.active() && dev.kind == DeviceKind::Cuda && !options.device.contains(QLatin1Char(':'))) {
        dev.index = distEnv.localRank;
        device = detail::toTorchDevice(dev);
    }
    // Deterministic kernels where LibTorch has them (warn-only: a few CUDA kernels have no deterministic form).
    at::globalContext().setDeterministicAlgorithms(true, /*warn_only=*/true);
    return dev;
}

Status Trainer::Impl::openDataset(const SolarChipConfig &config)
{
    // The sample planes follow the model's modality order.
    modalities = config.modalities;
    for (const QString &m : modalities)
        channels << channelOfModality(m);
    options.data.selection.channels = channels;
    options.data.prep.resolution = config.backbone.resolution;
    // What this process opens: the model's channels exactly (the planes must match its modalities), and the
    // catalog brought up to date by rank 0 alone: the other ranks open it read-only after rank 0 has scanned
    // (Trainer::create's barrier), so no two processes write the SQLite catalog at once. options.data (run.json)
    // keeps update_catalog as given, so a resumed run still indexes new files.
    DatasetOptions data = options.data;
    data.onlyChannelsPresent = false;
    data.updateCatalog = data.updateCatalog && leader();
    auto ds = Dataset::open(data);
    if (!ds)
        return ds.error();
    if (options.radialNormSets > 0 && options.data.prep.normalize.radial.isEmpty()) {
        // The radial climatology of the training sets, measured on the transformed values; a resumed run has
        // it in run.json already. The dataset is reopened to normalise by it (the catalog is up to date now).
        auto norm = measureRadialNormalisation(*ds);
        if (!norm)
            return norm.error();
        options.data.prep.normalize = *norm;
        data.prep.normalize = *norm;
        data.updateCatalog = false;
        ds = Dataset::open(data);
        if (!ds)
            return ds.error();
    }
    dataset.emplace(std::move(*ds));
    return Status::success();
}

Expected<ModelNormalize> Trainer::Impl::measureRadialNormalisation(const Dataset &ds) const
{
    // Evenly spaced over the training period.
    ModelNormalize norm = options.data.prep.normalize;
    const int nTrain = ds.size(Split::Train);
    const int k = std::min(nTrain, options.radialNormSets);
    int used = 0;
    for (int j = 0; j < k; ++j) {
        auto s = ds.sample(Split::Train, static_cast<int>(static_cast<long long>(j) * nTrain / k), nullptr, 0);
        if (!s)
            continue;  // an unreadable set is skipped here and reported when training meets it
        for (int c = 0; c < s->channels.size(); ++c)
            norm.accumulateRadial(s->channels[c], s->plane(c), s->side);
        ++used;
    }
    if (used == 0)
        return Error{options.data.archiveDir, QStringLiteral("no readable training set to measure the radial normalisation on")};
    norm.finishRadial();
    return norm;
}

Status Trainer::Impl::planSteps()
{
    const int nTrain = dataset->size(Split::Train);
    stepsPerEpoch = nTrain / globalBatch();
    if (stepsPerEpoch < 1)
        return Error{options.data.archiveDir, QStringLiteral("the training split has %1 co-temporal sets, fewer than one "
                                                             "global batch (%2); lower --batch or add data")
                                                  .arg(nTrain).arg(globalBatch())};
    totalSteps = options.maxSteps > 0 ? options.maxSteps : static_cast<long long>(options.epochs) * stepsPerEpoch;
    schedule.peakLr = options.lr;
    schedule.minLr = std::min(options.minLr, options.lr);
    schedule.totalSteps = totalSteps;
    schedule.warmupSteps = options.warmupSteps >= 0 ? options.warmupSteps
                                                    : static_cast<long long>(std::llround(0.05 * totalSteps));
    return Status::success();
}

Status Trainer::Impl::buildModel(const SolarChipConfig &config, const DeviceChoice &dev)
{
    auto fresh = SolarChipModel::create(config, options.seed);
    if (!fresh)
        return fresh.error();
    if (!options.initFrom.isEmpty()) {
        auto init = SolarChipModel::load(options.initFrom);
        if (!init)
            return init.error();
        auto state = detail::stateOf(*init->net());
        Status s = detail::loadState(*fresh->net(), state, options.initFrom);
        if (!s)
            return s;
    }
    Status moved = fresh->to(dev);
    if (!moved)
        return moved;
    model.emplace(std::move(*fresh));
    net = model->net();
    net->train();
    optimizer = detail::makeTrainerOptimizer(*net, options);
    return Status::success();
}

QJsonObject Trainer::Impl::distributedDescription() const
{
    return QJsonObject{{QStringLiteral("world_size"), world()},
                       {QStringLiteral("backend"), dist ? dist->backend() : QStringLiteral("none")},
                       {QStringLiteral("batch_per_process"), options.batchSize},
                       {QStringLiteral("global_batch"), globalBatch()}};
}

Status Trainer::Impl::joinProcessGroup()
{
    if (!distEnv.active())
        return Status::success();
    if (resumed) {
        // The data order and the position within an epoch are counted in global batches: a resumed run keeps
        // its number of processes.
        QFile f(path(QStringLiteral("run.json")));
        const int saved = f.open(QIODevice::ReadOnly)
            ? QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("distributed")).toObject()
                  .value(QStringLiteral("world_size")).toInt(1)
            : 1;
        if (saved != distEnv.worldSize)
            return Error{options.runDir, QStringLiteral("this run was trained by %1 process(es) and cannot be resumed by %2: "
                                                        "the global batch and the data order would change (resume with "
                                                        "--nproc %1, or the same number of Slurm tasks)")
                                             .arg(saved).arg(distEnv.worldSize)};
    }
    auto c = detail::DistributedContext::create(distEnv, device);
    if (!c)
        return c.error();
    dist = *c;
    return Status::success();
}

Status Trainer::Impl::writeRunDescription(const SolarChipConfig &config) const
{
    if (!leader())
        return Status::success();
    // Written fresh on every start (an extension of epochs on resume is recorded).
    const auto &tr = dataset->sets(Split::Train);
    const auto &va = dataset->sets(Split::Validation);
    QJsonObject dsInfo{{QStringLiteral("n_all"), dataset->size(Split::All)},
                       {QStringLiteral("n_train"), static_cast<int>(tr.size())},
                       {QStringLiteral("n_val"), static_cast<int>(va.size())},
                       {QStringLiteral("train_first"), tr.isEmpty() ? QString() : isoMs(tr.first().referenceTimeMs)},
                       {QStringLiteral("train_last"), tr.isEmpty() ? QString() : isoMs(tr.last().referenceTimeMs)},
                       {QStringLiteral("val_first"), va.isEmpty() ? QString() : isoMs(va.first().referenceTimeMs)},
                       {QStringLiteral("val_last"), va.isEmpty() ? QString() : isoMs(va.last().referenceTimeMs)}};
    QJsonObject run{{QStringLiteral("format"), kRunFormat},
                    {QStringLiteral("options"), options.toJson()},
                    {QStringLiteral("model_config"), config.toJson()},
                    {QStringLiteral("channels"), QJsonArray::fromStringList(channels)},
                    {QStringLiteral("dataset"), dsInfo},
                    {QStringLiteral("distributed"), distributedDescription()},
                    {QStringLiteral("torch"), torchBuildDescription()}};
    return writeFileAtomically(path(QStringLiteral("run.json")), QJsonDocument(run).toJson(), kInRunFolder);
}

Expected<Trainer> Trainer::create(TrainerOptions options, bool resume, const QJsonObject &overrides,
                                  const DistributedEnv &distributed)
{
    bool resuming = false;
    auto effective = detail::effectiveTrainerOptions(std::move(options), resume, overrides, &resuming);
    if (!effective)
        return effective.error();
    const QString runDir = effective->runDir;
    return detail::guarded(detail::Doing{runDir, QStringLiteral("preparing the training run")}, [&]() -> Expected<Trainer> {
        auto impl = std::make_unique<Impl>();
        Impl &t = *impl;
        t.options = std::move(*effective);
        t.resumed = resuming;
        t.distEnv = distributed;
        auto dev = t.setUpDevice();
        if (!dev)
            return dev.error();
        Status joined = t.joinProcessGroup();
        if (!joined)
            return joined.error();
        auto cfg = detail::trainerModelConfig(t.options);
        if (!cfg)
            return cfg.error();
        // Rank 0 opens the dataset first (it may index the archive and fill the tensor cache); the others then
        // find both ready instead of writing the same catalog at once.
        if (t.dist && !t.leader())
            t.dist->barrier();
        Status s = t.openDataset(*cfg);
        if (t.dist && t.leader())
            t.dist->barrier();
        if (s)
            s = t.planSteps();
        if (s)
            s = t.buildModel(*cfg, *dev);
        if (!s)
            return s.error();
        if (!QDir().mkpath(runDir))
            return Error{runDir, QStringLiteral("cannot create the run folder")};
        if (resuming) {
            auto state = detail::loadTrainingCheckpoint(t.path(QStringLiteral("checkpoint.pt")), *t.net, *t.optimizer, t.device);
            if (!state)
                return state.error();
            t.restoreState(*state);
        }
        if (t.dist) {
            // Every rank built the same model from the same seed (or read the same checkpoint); rank 0's copy is
            // made authoritative anyway, so the ranks cannot start apart.
            std::vector<torch::Tensor> all;
            for (const auto &p : t.net->parameters())
                all.push_back(p);
            for (const auto &b : t.net->buffers())
                all.push_back(b);
            t.dist->broadcastFromRank0(all);
        }
        s = t.writeRunDescription(*cfg);
        if (!s)
            return s.error();
        return Trainer(std::move(impl));
    });
}

QJsonObject Trainer::describe() const
{
    return QJsonObject{{QStringLiteral("event"), QStringLiteral("start")},
                       {QStringLiteral("run"), d->options.runDir},
                       {QStringLiteral("device"), detail::fromTorchDevice(d->device).toString()},
                       {QStringLiteral("bf16_autocast"), d->bf16},
                       {QStringLiteral("threads"), torchThreads()},
                       {QStringLiteral("torch"), torchBuildDescription()},
                       {QStringLiteral("parameters"), static_cast<double>(d->model->parameterCount())},
                       {QStringLiteral("channels"), QJsonArray::fromStringList(d->channels)},
                       {QStringLiteral("n_train"), d->dataset->size(Split::Train)},
                       {QStringLiteral("n_val"), d->dataset->size(Split::Validation)},
                       {QStringLiteral("global_batch"), d->globalBatch()},
                       {QStringLiteral("world_size"), d->world()},
                       {QStringLiteral("distributed"), d->distributedDescription()},
                       {QStringLiteral("steps_per_epoch"), d->stepsPerEpoch},
                       {QStringLiteral("total_steps"), static_cast<double>(d->totalSteps)},
                       {QStringLiteral("warmup_steps"), static_cast<double>(d->schedule.warmupSteps)},
                       {QStringLiteral("resumed"), d->resumed},
                       {QStringLiteral("step"), static_cast<double>(d->step)},
                       {QStringLiteral("save_memory"), d->options.saveMemory},
                       {QStringLiteral("cache"), d->dataset->cache().dir()}};
}

Expected<TrainSummary> Trainer::run(const std::function<void(const QJsonObject &)> &onMetrics,
                                    const std::function<bool()> &cancelled)
{
    // Evaluated only when something was thrown: the step that was running then.
    auto doing = [this] {
        return detail::Doing{d->options.runDir, QStringLiteral("training step %1 (epoch %2, position %3) of %4")
                                                    .arg(d->step + 1)
                                                    .arg(d->epoch)
                                                    .arg(d->position)
                                                    .arg(d->model->config().describe())};
    };
    return detail::guarded(doing, [&] { return runUnguarded(onMetrics, cancelled); });
}

Expected<TrainSummary> Trainer::runUnguarded(const std::function<void(const QJsonObject &)> &onMetrics,
                                             const std::function<bool()> &cancelled)
{
    Impl &t = *d;
    t.sink = onMetrics;
    t.clock.start();
    const QString metricsPath = t.path(QStringLiteral("metrics.jsonl"));
    // Lines written after the checkpoint we resume from describe steps that will be redone: drop them (and a
    // half-written last line from a kill). Rank 0 alone writes the metrics.
    if (t.leader()) {
        QByteArray kept;
        QFile old(metricsPath);
        if (t.resumed && old.open(QIODevice::ReadOnly)) {
            for (const QByteArray &line : old.readAll().split('\n')) {
                const QJsonDocument doc = QJsonDocument::fromJson(line);
                if (!doc.isObject())
                    continue;
                if (doc.object().value(QStringLiteral("step")).toDouble() <= static_cast<double>(t.step))
                    kept += line + '\n';
            }
            old.close();
        }
        Status s = writeFileAtomically(metricsPath, kept, kInRunFolder);
        if (!s)
            return s.error();
    }
    t.metrics.setFileName(metricsPath);
    if (t.leader() && !t.metrics.open(QIODevice::WriteOnly | QIODevice::Append))
        return Error{metricsPath, QStringLiteral("cannot append: ") + t.metrics.errorString()};
    QJsonObject start = describe();
    t.emitLine(start);
    if (t.resumed)
        t.emitLine(QJsonObject{{QStringLiteral("event"), QStringLiteral("resume")},
                               {QStringLiteral("step"), static_cast<double>(t.step)},
                               {QStringLiteral("epoch"), t.epoch},
                               {QStringLiteral("position"), t.position}});

    TrainSummary summary;
    summary.resumed = t.resumed;
    const int nTrain = t.dataset->size(Split::Train);
    const int gb = t.globalBatch();
    if (t.options.stopAtStep > 0 && t.step >= t.options.stopAtStep && t.step < t.totalSteps) {
        // Already at the pause point (a resumed run): rewrite the checkpoint and model-last of this step.
        Status c = t.checkpoint();
        if (!c)
            return c.error();
        summary.cancelled = true;
    }
    while (!summary.cancelled && t.step < t.totalSteps) {
        const std::vector<int> order = epochOrderTimeLocal(nTrain, gb, t.options.batchWindow, t.options.seed, t.epoch);
        std::vector<SampleRequest> req;
        auto request = [&](int p) {
            req.push_back({order[p], true, mixSeed(t.options.seed, static_cast<quint64>(t.epoch) + 1, static_cast<quint64>(p))});
        };
        const int lb = t.localBatch();
        if (t.world() == 1) {
            for (int p = t.position; p < nTrain; ++p)
                request(p);
        } else {
            // This rank's slice of every whole global batch left in the epoch (the same count on every rank).
            for (int p0 = t.position; p0 + gb <= nTrain; p0 += gb)
                for (int j = 0; j < lb; ++j)
                    request(p0 + t.rank() * lb + j);
        }
        SampleLoader loader(*t.dataset, Split::Train, req, t.options.augment, t.options.workers, t.options.prefetch);
        bool epochDone = false;
        while (t.step < t.totalSteps) {
            std::vector<Sample> samples;
            QElapsedTimer stepClock;
            stepClock.start();
            bool skipBatch = false;
            if (t.world() > 1) {
                // A fixed slice per rank: an unreadable set cannot be replaced by the next one (the ranks would
                // drift apart), so the ranks agree to skip the whole global batch instead.
                int bad = 0;
                for (int j = 0; j < lb; ++j) {
                    auto s = loader.next();
                    if (!s) {
                        epochDone = true;
                        break;
                    }
                    if (!s->sample) {
                        if (!t.options.keepGoingOnBadSamples)
                            return s->sample.error();
                        t.warn(QStringLiteral("training sample skipped (with its global batch): ") + s->sample.errorString());
                        ++bad;
                        continue;
                    }
                    samples.push_back(std::move(*s->sample));
                }
                if (!epochDone)
                    t.position += gb;
                skipBatch = t.dist->any(bad > 0);
            }
            while (t.world() == 1 && static_cast<int>(samples.size()) < gb) {
                auto s = loader.next();
                if (!s) {
                    epochDone = true;
                    break;
                }
                ++t.position;
                if (!s->sample) {
                    if (!t.options.keepGoingOnBadSamples)
                        return s->sample.error();
                    t.warn(QStringLiteral("training sample skipped: ") + s->sample.errorString());
                    continue;
                }
                samples.push_back(std::move(*s->sample));
            }
            if (epochDone)
                break;  // an incomplete global batch at the end of an epoch is dropped
            const double waited = stepClock.nsecsElapsed() / 1e9;
            Status st = skipBatch ? Status::success() : t.trainStep(samples, waited, stepClock);
            if (!st)
                return st.error();
            // The next epoch starts when no full global batch is left in this one.
            if (nTrain - t.position < gb) {
                ++t.epoch;
                t.position = 0;
                epochDone = true;
            }
            const bool last = t.step >= t.totalSteps;
            const bool validateNow = t.options.validateEvery > 0 ? (t.step % t.options.validateEvery == 0)
                                                                 : (epochDone && t.position == 0);
            if (validateNow && !last) {
                Status v = t.validate();
                if (!v)
                    return v.error();
            }
            bool stop = (cancelled && cancelled()) || (t.options.stopAtStep > 0 && t.step >= t.options.stopAtStep);
            if (t.dist)
                stop = t.dist->any(stop);  // a signal to one rank stops all of them at the same step
            if (!last && (stop || (t.options.checkpointEvery > 0 && t.step % t.options.checkpointEvery == 0))) {
                Status c = t.checkpoint();
                if (!c)
                    return c.error();
            }
            if (stop) {
                summary.cancelled = true;
                break;
            }
            if (epochDone)
                break;
        }
        if (summary.cancelled)
            break;
        if (epochDone && t.position != 0) {  // loader ran dry (drop-last): move on
            ++t.epoch;
            t.position = 0;
        }
    }
    if (!summary.cancelled) {
        Status v = t.validate();
        if (!v)
            return v.error();
        Status c = t.checkpoint();
        if (!c)
            return c.error();
    }
    summary.steps = t.step;
    summary.epochs = t.epoch;
    summary.samples = t.samplesSeen;
    summary.lastLoss = t.lastLoss;
    summary.bestValLoss = t.bestValLoss;
    summary.bestStep = t.bestStep;
    summary.seconds = t.clock.nsecsElapsed() / 1e9;
    summary.modelLast = t.path(QStringLiteral("model-last.safetensors"));
    if (t.bestStep >= 0)
        summary.modelBest = t.path(QStringLiteral("model-best.safetensors"));
    t.emitLine(QJsonObject{{QStringLiteral("event"), summary.cancelled ? QStringLiteral("cancelled") : QStringLiteral("done")},
                           {QStringLiteral("step"), static_cast<double>(t.step)},
                           {QStringLiteral("epoch"), t.epoch},
                           {QStringLiteral("samples"), static_cast<double>(t.samplesSeen)},
                           {QStringLiteral("seconds"), summary.seconds},
                           {QStringLiteral("best_val_loss"), std::isfinite(t.bestValLoss) ? QJsonValue(t.bestValLoss) : QJsonValue()},
                           {QStringLiteral("best_step"), static_cast<double>(t.bestStep)},
                           {QStringLiteral("model"), summary.modelLast}});
    if (t.metrics.isOpen())
        t.metrics.close();
    return summary;
}

}  // namespace solarchip
