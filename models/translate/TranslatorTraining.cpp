#include "models/translate/TranslatorTraining.h"

#include "core/base/AtomicFile.h"
#include "core/map/ModelFrame.h"
#include "models/data/Dataset.h"
#include "models/detail/Guarded.h"
#include "models/translate/TranslationMetrics.h"
#include "models/translate/Translator.h"
#include "models/translate/detail/TranslatorCore.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>
#include <random>

namespace solarchip {

using detail::TranslatorCore;

namespace {

/// Every complete set of one split, prepared: what training and evaluation read.
struct TranslationData {
    int n = 0;
    torch::Tensor hmiNorm;   ///< [N, 1, R, R] the encoder's input
    torch::Tensor aia;       ///< [N, C, S, S] DN/s (0 where no data)
    torch::Tensor hmiPhys;   ///< [N, S, S] Gauss (0 where no data)
    torch::Tensor disk;      ///< [N, S, S] 1 on the disk (r < 0.98 R_sun)
    std::vector<qint64> timesMs;
    QStringList hmiFiles;
    double fovRsun = 0;      ///< mean reference field of view in solar radii
};

Expected<TranslationData> loadDataUncached(const TrainedModel &encoder, const QString &archiveDir,
                                           const QStringList &aiaChannels, int side, Split split, qint64 minSpacingMs,
                                           int maxSets, const std::function<void(int, int)> &progress);

/// loadDataUncached through a cache folder (empty: no cache): preparing a set (reprojection at the encoder's
/// 256 px) costs ~1 s on the loaded CPU, and the translator, its baselines and the evaluation read the same sets.
/// The key is the archive's path and every setting that shapes the tensors; a stale cache is the caller's to
/// delete (the default-translator script keeps it in its own work folder).
Expected<TranslationData> loadData(const TrainedModel &encoder, const QString &archiveDir, const QStringList &aiaChannels,
                                   int side, Split split, qint64 minSpacingMs, int maxSets,
                                   const std::function<void(int, int)> &progress, const QString &cacheDir = {})
{
    if (cacheDir.isEmpty())
        return loadDataUncached(encoder, archiveDir, aiaChannels, side, split, minSpacingMs, maxSets, progress);
    const QJsonObject key{{QStringLiteral("archive"), QFileInfo(archiveDir).absoluteFilePath()},
                          {QStringLiteral("channels"), QJsonArray::fromStringList(aiaChannels)},
                          {QStringLiteral("side"), side}, {QStringLiteral("split"), splitName(split)},
                          {QStringLiteral("min_spacing_ms"), QString::number(minSpacingMs)},
                          {QStringLiteral("max_sets"), maxSets}, {QStringLiteral("prep"), encoder.prep.toJson()}};
    const QByteArray keyBytes = QJsonDocument(key).toJson(QJsonDocument::Compact);
    const QString stem = QDir(cacheDir).filePath(QStringLiteral("data-") + QString::fromLatin1(
        QCryptographicHash::hash(keyBytes, QCryptographicHash::Sha256).toHex().left(16)));
    QFile meta(stem + QStringLiteral(".json"));
    if (meta.open(QIODevice::ReadOnly)) {
        const QJsonObject m = QJsonDocument::fromJson(meta.readAll()).object();
        std::vector<torch::Tensor> t;
        try {
            torch::load(t, (stem + QStringLiteral(".pt")).toStdString());
        } catch (const std::exception &) {
            t.clear();
        }
        if (m[QStringLiteral("key")].toObject() == key && t.size() == 5) {
            TranslationData d;
            d.hmiNorm = t[0];
            d.aia = t[1];
            d.hmiPhys = t[2];
            d.disk = t[3];
            d.n = static_cast<int>(d.hmiNorm.size(0));
            auto times = t[4].contiguous();
            d.timesMs.assign(times.data_ptr<int64_t>(), times.data_ptr<int64_t>() + times.numel());
            for (const auto &v : m[QStringLiteral("hmi_files")].toArray())
                d.hmiFiles << v.toString();
            d.fovRsun = m[QStringLiteral("fov_rsun")].toDouble();
            return d;
        }
    }
    auto d = loadDataUncached(encoder, archiveDir, aiaChannels, side, split, minSpacingMs, maxSets, progress);
    if (!d || !QDir().mkpath(cacheDir))
        return d;
    const std::string tmp = (stem + QStringLiteral(".pt.part")).toStdString();
    torch::save(std::vector<torch::Tensor>{d->hmiNorm, d->aia, d->hmiPhys, d->disk,
                                           torch::tensor(std::vector<int64_t>(d->timesMs.begin(), d->timesMs.end()))},
                tmp);
    QFile::remove(stem + QStringLiteral(".pt"));
    QFile::rename(QString::fromStdString(tmp), stem + QStringLiteral(".pt"));
    writeFileAtomically(meta.fileName(), QJsonDocument(QJsonObject{{QStringLiteral("key"), key},
                                                                   {QStringLiteral("hmi_files"), QJsonArray::fromStringList(d->hmiFiles)},
                                                                   {QStringLiteral("fov_rsun"), d->fovRsun}})
                                             .toJson(QJsonDocument::Compact));
    return d;
}

Expected<TranslationData> loadDataUncached(const TrainedModel &encoder, const QString &archiveDir,
                                           const QStringList &aiaChannels, int side, Split split, qint64 minSpacingMs,
                                           int maxSets, const std::function<void(int, int)> &progress)
{
    DatasetOptions o;
    o.archiveDir = archiveDir;
    o.selection.channels = QStringList{QStringLiteral("hmi")} + aiaChannels;
    o.selection.minSpacingMs = minSpacingMs;
    o.prep = encoder.prep;
    o.prep.exposureNormalise = true;   // AIA targets in DN/s
    o.prep.normalize = ModelNormalize();  // physical values out; the encoder's normalisation is applied below
    o.prep.referenceChannel = aiaChannels.value(0);
    auto ds = Dataset::open(o);
    if (!ds)
        return ds.error();
    const auto &sets = ds->sets(split);
    const int n = maxSets > 0 ? std::min<int>(maxSets, sets.size()) : static_cast<int>(sets.size());
    if (n == 0)
        return Error{archiveDir, QStringLiteral("no complete %1 set of %2 in the %3 split")
                                     .arg(o.selection.channels.join(QLatin1Char(','))).arg(splitName(split))};
    const int R = o.prep.resolution;
    const int C = static_cast<int>(aiaChannels.size());
    if (R % side != 0)
        return Error{archiveDir, QStringLiteral("the encoder's resolution %1 is not a multiple of the side %2").arg(R).arg(side)};
    TranslationData d;
    d.n = n;
    d.hmiNorm = torch::zeros({n, 1, R, R});
    auto aiaR = torch::zeros({n, C, R, R});
    auto hmiR = torch::zeros({n, 1, R, R});
    auto disk = torch::zeros({n, 1, R, R});
    double fovSum = 0;
    int fovCount = 0;
    const std::size_t plane = static_cast<std::size_t>(R) * R;
    for (int i = 0; i < n; ++i) {
        std::vector<uint8_t> has;
        auto s = ds->sampleOf(sets[i], &has);
        if (!s)
            return s.error();
        // HMI: NaN back where there was no data, then exactly the encoder's normalisation, then NaN -> 0.
        std::vector<float> h(s->plane(0), s->plane(0) + plane);
        for (std::size_t k = 0; k < plane; ++k)
            if (!has[k])
                h[k] = std::nanf("");
        std::vector<float> hn(plane);
        auto st = encoder.prep.normalize.apply(QStringLiteral("hmi"), h.data(), hn.data(), plane);
        if (!st)
            return Error{s->files.value(0), st.error().message};
        float *dn = d.hmiNorm[i][0].data_ptr<float>();
        float *dp = hmiR[i][0].data_ptr<float>();
        for (std::size_t k = 0; k < plane; ++k) {
            dn[k] = std::isfinite(hn[k]) ? hn[k] : 0.0f;
            dp[k] = std::isfinite(h[k]) ? h[k] : 0.0f;
        }
        for (int c = 0; c < C; ++c)
            std::copy(s->plane(c + 1), s->plane(c + 1) + plane, aiaR[i][c].data_ptr<float>());
        // The disk on the reference frame.
        const int ref = referenceMemberIndex(sets[i], o.prep);
        auto pf = PixelFrame::fromFile(sets[i].members[ref].path);
        if (!pf)
            return pf.error();
        auto frame = ModelFrame::forReference(*pf, o.prep.frameSpec());
        if (!frame)
            return Error{sets[i].members[ref].path, frame.error().message};
        const auto centre = frame->hpcToInputPixel(QPointF(0, 0));
        const double cdelt = frame->inputFrame().meta.plateScale();
        const double rsun = pf->meta.rsunObs;
        if (centre && rsun > 0 && cdelt > 0) {
            const double rpx = 0.98 * rsun / cdelt;
            float *m = disk[i][0].data_ptr<float>();
            for (int y = 0; y < R; ++y)
                for (int x = 0; x < R; ++x)
                    m[y * R + x] = std::hypot(x - centre->x(), y - centre->y()) < rpx ? 1.0f : 0.0f;
            fovSum += R * cdelt / rsun;
            ++fovCount;
        } else {
            disk[i][0].fill_(1.0f);
        }
        d.timesMs.push_back(s->timeMs);
        d.hmiFiles << s->files.value(0);
        if (progress)
            progress(i + 1, n);
    }
    d.aia = detail::areaDown(aiaR, side);
    d.hmiPhys = detail::areaDown(hmiR, side).select(1, 0);
    d.disk = (detail::areaDown(disk, side).select(1, 0) > 0.5).to(torch::kFloat32);
    d.fovRsun = fovCount > 0 ? fovSum / fovCount : 0;
    return d;
}

/// Batch indices for step `step` (a function of seed and step only, so a resumed run draws the same batches).
torch::Tensor batchIndex(int n, int batch, quint64 seed, int step)
{
    std::mt19937_64 rng(seed * 1000003ULL + static_cast<quint64>(step));
    std::uniform_int_distribution<int> u(0, n - 1);
    std::vector<int64_t> idx(batch);
    for (auto &i : idx)
        i = u(rng);
    return torch::tensor(idx);
}

struct StageRun {
    const char *name;
    int steps;
};

QJsonObject jsonOf(std::initializer_list<QPair<QString, QJsonValue>> kv)
{
    QJsonObject o;
    for (const auto &p : kv)
        o[p.first] = p.second;
    return o;
}

}  // namespace

Expected<QJsonObject> trainTranslator(const TrainedModel &encoder, const TranslatorTrainOptions &opt,
                                      const std::function<bool(const QJsonObject &)> &eventIn)
{
    return detail::guarded(detail::Doing{opt.outDir, QStringLiteral("training a %1 run").arg(opt.kind)},
                           [&]() -> Expected<QJsonObject> {
        QElapsedTimer total;
        total.start();
        if (!QDir().mkpath(opt.outDir))
            return Error{opt.outDir, QStringLiteral("cannot create the run folder")};
        QFile metrics(QDir(opt.outDir).filePath(QStringLiteral("metrics.jsonl")));
        if (!metrics.open(QIODevice::Append | QIODevice::WriteOnly))
            return Error{metrics.fileName(), QStringLiteral("cannot append")};
        bool stopped = false;
        auto event = [&](QJsonObject o) {
            o[QStringLiteral("elapsed_s")] = total.nsecsElapsed() * 1e-9;
            metrics.write(QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n');
            metrics.flush();
            if (eventIn && !eventIn(o))
                stopped = true;
        };
        QStringList channels = opt.channels;
        if (channels.isEmpty())
            for (const QString &c : encoder.channels)
                if (c != QLatin1String("hmi"))
                    channels << c;
        if (channels.isEmpty())
            return Error{encoder.path, QStringLiteral("the encoder has no AIA channel and --channels gives none")};
        if (!encoder.channels.contains(QStringLiteral("hmi")))
            return Error{encoder.path, QStringLiteral("the encoder has no HMI branch")};
        for (const QString &c : channels)
            if (c == QLatin1String("hmi") || c.startsWith(QLatin1String("hmi")))
                return Error{{}, QStringLiteral("--channels lists AIA channels only ('%1' given)").arg(c)};

        auto core = std::make_unique<TranslatorCore>();
        core->dir = QFileInfo(opt.outDir).absoluteFilePath();
        core->kind = opt.kind;
        core->channels = channels;
        core->side = opt.side;
        core->resolution = encoder.prep.resolution;
        core->ddimSteps = opt.ddimSteps;
        core->design = opt.design;
        core->latentChannels = opt.latentChannels;
        core->pixelHint = opt.pixelHint;
        core->hmiDecoder = opt.hmiDecoder;
        if (opt.latentChannels < 1 || opt.latentChannels > 64)
            return Error{{}, QStringLiteral("--latent-channels must be 1..64 (got %1)").arg(opt.latentChannels)};
        if (core->diffusion() && opt.design != QLatin1String("latent") && opt.design != QLatin1String("residual"))
            return Error{{}, QStringLiteral("--design must be latent or residual (got '%1')").arg(opt.design)};
        core->prep = encoder.prep;
        core->encoderHash = encoder.hash;
        if (core->resolution % opt.side != 0 || opt.side % 8 != 0)
            return Error{{}, QStringLiteral("--side %1 must divide the encoder's resolution %2 and be a multiple of 8")
                                 .arg(opt.side).arg(core->resolution)};

        // Resume?
        QJsonObject progress;
        const QString infoPath = QDir(opt.outDir).filePath(QLatin1String(detail::kTranslatorJson));
        const bool resuming = QFileInfo::exists(infoPath);
        if (resuming) {
            QFile f(infoPath);
            if (!f.open(QIODevice::ReadOnly))
                return Error{infoPath, QStringLiteral("cannot read")};
            const QJsonObject prev = QJsonDocument::fromJson(f.readAll()).object();
            QStringList prevChannels;
            for (const auto &v : prev[QStringLiteral("channels")].toArray())
                prevChannels << v.toString();
            if (prev[QStringLiteral("kind")].toString() != opt.kind || prevChannels != channels)
                return Error{opt.outDir, QStringLiteral("holds a %1 run for %2: use another --out to train a %3 run for %4")
                                             .arg(prev[QStringLiteral("kind")].toString(), prevChannels.join(QLatin1Char(',')),
                                                  opt.kind, channels.join(QLatin1Char(',')))};
            if (prev[QStringLiteral("encoder")].toObject()[QStringLiteral("hash")].toString() != encoder.hash)
                return Error{opt.outDir, QStringLiteral("was started with another encoder (a run for another encoder)")};
            core->info = prev;
            progress = prev[QStringLiteral("progress")].toObject();
            if (core->diffusion() && prev[QStringLiteral("design")].toString(QStringLiteral("latent")) != opt.design)
                return Error{opt.outDir, QStringLiteral("holds a run of design '%1': pass --design %1 to resume it")
                                             .arg(prev[QStringLiteral("design")].toString(QStringLiteral("latent")))};
            if (core->diffusion() && prev[QStringLiteral("latent_channels")].toInt(detail::kLatentChannels) != opt.latentChannels)
                return Error{opt.outDir, QStringLiteral("holds a run with %1 latent channels: pass --latent-channels %1 to resume it")
                                             .arg(prev[QStringLiteral("latent_channels")].toInt(detail::kLatentChannels))};
            if (core->diffusion() && (prev[QStringLiteral("decoder_hint")].toString(QStringLiteral("none"))
                                      == QLatin1String("hmi_pixels")) != opt.hmiDecoder)
                return Error{opt.outDir, QStringLiteral("holds a run with decoder hint '%1': pass --decoder-hint %1 to resume it")
                                             .arg(prev[QStringLiteral("decoder_hint")].toString(QStringLiteral("none")))};
            if (core->diffusion() && (prev[QStringLiteral("control_hint")].toString(QStringLiteral("tokens"))
                                      == QLatin1String("tokens+pixels")) != opt.pixelHint)
                return Error{opt.outDir, QStringLiteral("holds a run with control hint '%1': pass --control-hint %1 to resume it")
                                             .arg(prev[QStringLiteral("control_hint")].toString(QStringLiteral("tokens")))};
        }
        // The encoder object the run keeps (a second copy: the caller's stays untouched).
        auto reloaded = TrainedModel::load(encoder.path);
        if (!reloaded)
            return reloaded.error();
        auto enc = TranslatorCore::encoderFor(opt.kind, std::move(*reloaded), opt.encoderSeed);
        if (!enc)
            return enc.error();
        core->encoder = *enc;
        if (Status moved = core->to(opt.device); !moved)
            return moved.error();

        event(jsonOf({{QStringLiteral("event"), QStringLiteral("loading")}, {QStringLiteral("archive"), opt.archiveDir}}));
        auto train = loadData(encoder, opt.archiveDir, channels, opt.side, Split::Train, opt.minSpacingMs, 0, {}, opt.cacheDir);
        if (!train)
            return train.error();
        auto val = loadData(encoder, opt.archiveDir, channels, opt.side, Split::Validation, opt.minSpacingMs, 0, {}, opt.cacheDir);
        core->fovRsun = train->fovRsun;
        // What the steps read lives on the training device (a few hundred MB at most for the default's archive).
        train->hmiNorm = train->hmiNorm.to(core->device);
        train->aia = train->aia.to(core->device);
        if (val) {
            val->hmiNorm = val->hmiNorm.to(core->device);
            val->aia = val->aia.to(core->device);
        }

        // Target normalisation from the training sets (on-disk and off-disk pixels alike).
        if (!resuming || core->info[QStringLiteral("target_norm")].toObject().isEmpty()) {
            auto l = torch::log1p(train->aia.clamp_min(0));
            for (int c = 0; c < channels.size(); ++c) {
                core->normMean.push_back(l.select(1, c).mean().item<double>());
                core->normStd.push_back(std::max(1e-3, l.select(1, c).std().item<double>()));
            }
        } else {
            const auto tn = core->info[QStringLiteral("target_norm")].toObject();
            for (const auto &v : tn[QStringLiteral("mean")].toArray())
                core->normMean.push_back(v.toDouble());
            for (const auto &v : tn[QStringLiteral("std")].toArray())
                core->normStd.push_back(v.toDouble());
        }
        auto y = core->normalizeTarget(train->aia);
        auto yVal = val ? core->normalizeTarget(val->aia) : torch::Tensor();

        // Tokens once (the encoder is frozen).
        torch::Tensor tok, tokVal;
        int tokenDim = 0;
        if (core->diffusion()) {
            std::vector<torch::Tensor> parts;
            for (int i = 0; i < train->n; i += 8) {
                auto t = core->tokens(train->hmiNorm.slice(0, i, std::min(train->n, i + 8)));
                if (!t)
                    return t.error();
                parts.push_back(*t);
            }
            tok = torch::cat(parts, 0);
            tokenDim = static_cast<int>(tok.size(1));
            if (val) {
                auto t = core->tokens(val->hmiNorm);
                if (t)
                    tokVal = *t;
            }
        }
        core->createNets(tokenDim, opt.seed);  // on the CPU, so the initial weights are the same on every device
        if (Status moved = core->to(opt.device); !moved)
            return moved.error();
        QJsonObject extra{
            {QStringLiteral("token_dim"), tokenDim},
            {QStringLiteral("encoder"), QJsonObject{{QStringLiteral("hash"), encoder.hash},
                                                    {QStringLiteral("path"), QFileInfo(encoder.path).absoluteFilePath()},
                                                    {QStringLiteral("channels"), QJsonArray::fromStringList(encoder.channels)},
                                                    {QStringLiteral("random_seed"), opt.kind == QLatin1String("random-encoder")
                                                         ? QString::number(opt.encoderSeed) : QString()},
                                                    {QStringLiteral("used_hash"), core->encoder->hash}}},
            {QStringLiteral("training"), QJsonObject{{QStringLiteral("archive"), QFileInfo(opt.archiveDir).absoluteFilePath()},
                                                     {QStringLiteral("seed"), QString::number(opt.seed)},
                                                     {QStringLiteral("train_sets"), train->n},
                                                     {QStringLiteral("val_sets"), val ? val->n : 0},
                                                     {QStringLiteral("batch"), opt.batch},
                                                     {QStringLiteral("lr"), opt.lr},
                                                     {QStringLiteral("init_from"), opt.initFrom}}},
        };
        QJsonObject stages = core->info[QStringLiteral("stages")].toObject();
        if (resuming) {
            const QString w = QDir(opt.outDir).filePath(QLatin1String(detail::kTranslatorWeights));
            auto state = detail::readTensorFile(w);
            if (!state)
                return state.error();
            auto st = core->loadState(*state, w);
            if (!st)
                return st.error();
        } else if (!opt.initFrom.isEmpty()) {
            // The parts copied (regression mean, autoencoder, base denoiser) never read the encoder's tokens, so
            // the other run may have been made with another encoder (its own, found by its record) as long as
            // the data were prepared alike: the same PrepSpec.
            auto other = TranslatorCore::load(opt.initFrom, {});
            if (!other)
                return other.error();
            if ((*other)->prep.toJson() != encoder.prep.toJson())
                return Error{opt.initFrom, QStringLiteral("was trained on data prepared otherwise (its encoder's prep "
                                                          "differs from %1's)").arg(encoder.path)};
            // A residual translator may also start from a U-Net run: its network becomes the regression mean.
            const bool meanFromUnet = core->residual() && !(*other)->diffusion();
            if ((*other)->channels != channels || (*other)->side != opt.side || (!(*other)->diffusion() && !meanFromUnet))
                return Error{opt.initFrom, QStringLiteral("--init-from needs a diffusion run with the same channels and side "
                                                          "(or, for --design residual, a U-Net run)")};
            if (core->diffusion() && !meanFromUnet && (*other)->design != core->design)
                return Error{opt.initFrom, QStringLiteral("is a run of design '%1': pass --design %1").arg((*other)->design)};
            if (core->diffusion() && !meanFromUnet && (*other)->latentChannels != core->latentChannels)
                return Error{opt.initFrom, QStringLiteral("has %1 latent channels: pass --latent-channels %1")
                                               .arg((*other)->latentChannels)};
            if (core->diffusion() && !meanFromUnet && (*other)->hmiDecoder != core->hmiDecoder)
                return Error{opt.initFrom, QStringLiteral("has decoder hint '%1': pass --decoder-hint %1")
                                               .arg((*other)->hmiDecoder ? QStringLiteral("hmi_pixels") : QStringLiteral("none"))};
            if (!core->diffusion() && !(*other)->residual())
                return Error{opt.initFrom, QStringLiteral("a U-Net baseline can start only from a residual-design run "
                                                          "(its regression mean)")};
            torch::NoGradGuard ng;
            auto copy = [](torch::nn::Module &to, torch::nn::Module &from) {
                auto src = from.named_parameters();
                for (auto &p : to.named_parameters())
                    p.value().copy_(src[p.key()]);
            };
            // The regression mean (residual design; for a U-Net baseline: the translator's own mean network).
            if (core->unet)
                copy(*core->unet, *(*other)->unet);
            if (core->diffusion() && !meanFromUnet) {
                copy(*core->ae, *(*other)->ae);
                copy(*core->base, *(*other)->base);
                core->latentScale = (*other)->latentScale;
            }
            core->normMean = (*other)->normMean;
            core->normStd = (*other)->normStd;
            y = core->normalizeTarget(train->aia);
            yVal = val ? core->normalizeTarget(val->aia) : torch::Tensor();
            const auto os = (*other)->info[QStringLiteral("stages")].toObject();
            if (meanFromUnet) {
                QJsonObject so = os[QStringLiteral("unet")].toObject();
                so[QStringLiteral("copied_from")] = (*other)->dir;
                stages[QStringLiteral("mean")] = so;
            }
            for (const char *s : {"mean", "ae", "base"}) {
                if (meanFromUnet || !os.contains(QLatin1String(s)) || (!core->diffusion() && std::string(s) != "mean"))
                    continue;
                QJsonObject so = os[QLatin1String(s)].toObject();
                so[QStringLiteral("copied_from")] = (*other)->dir;
                stages[QLatin1String(core->diffusion() || std::string(s) != "mean" ? s : "unet")] = so;
            }
            progress = QJsonObject{{QStringLiteral("stage"), meanFromUnet ? QStringLiteral("ae")
                                                             : core->diffusion() ? QStringLiteral("control") : QStringLiteral("unet")},
                                   {QStringLiteral("step"), 0}};
        }
        std::vector<StageRun> plan = core->diffusion()
            ? std::vector<StageRun>{{"ae", opt.aeSteps}, {"base", opt.baseSteps}, {"control", opt.controlSteps}}
            : std::vector<StageRun>{{"unet", opt.unetSteps}};
        if (core->residual())
            plan.insert(plan.begin(), StageRun{"mean", opt.meanSteps});
        const QString startStage = progress[QStringLiteral("stage")].toString(QLatin1String(plan.front().name));
        int startStep = progress[QStringLiteral("step")].toInt(0);
        bool reached = false;
        auto checkpoint = [&](const QString &stage, int step) -> Status {
            auto st = core->saveWeights();
            if (!st)
                return st;
            QJsonObject e = extra;
            e[QStringLiteral("progress")] = QJsonObject{{QStringLiteral("stage"), stage}, {QStringLiteral("step"), step}};
            e[QStringLiteral("stages")] = stages;
            e[QStringLiteral("weights_sha256")] = core->weightsHash;
            return core->saveInfo(e);
        };
        const int N = train->n;
        const int B = std::min(opt.batch, std::max(1, N));
        torch::Tensor z0, z0Val;  // scaled latents
        // What the autoencoder and the diffusion model: y itself, or (residual design) y - mu(HMI) once the mean
        // stage is done.
        torch::Tensor yAe, yAeVal;
        auto diffusionTargets = [&]() {
            if (yAe.defined())
                return;
            if (!core->residual()) {
                yAe = y;
                yAeVal = yVal;
                return;
            }
            yAe = y - core->regressionMean(train->hmiNorm).to(core->device);
            if (yVal.defined())
                yAeVal = yVal - core->regressionMean(val->hmiNorm).to(core->device);
        };
        auto latents = [&](const torch::Tensor &x) {
            torch::NoGradGuard ng;
            auto scale = torch::tensor(core->latentScale).view({1, core->latentChannels, 1, 1}).to(core->device);
            return core->ae->encode(x) / scale;
        };
        for (const StageRun &stage : plan) {
            const QString name = QLatin1String(stage.name);
            if (!reached && name != startStage)
                continue;  // done before
            const int first = reached ? 0 : startStep;
            reached = true;
            if (name == QLatin1String("control") && first == 0)
                core->control->initFrom(core->base->encoder);  // ControlNet: the copy starts as the trained base's encoder
            if (name == QLatin1String("ae") || name == QLatin1String("base") || name == QLatin1String("control"))
                diffusionTargets();
            if ((name == QLatin1String("base") || name == QLatin1String("control")) && core->latentScale.empty()) {
                torch::NoGradGuard ng;
                auto z = core->ae->encode(yAe);
                auto zz = z.transpose(0, 1).reshape({core->latentChannels, -1});
                auto s = (zz - zz.mean(1, true)).pow(2).mean(1).sqrt().to(torch::kCPU).contiguous();
                core->latentScale.assign(s.data_ptr<float>(), s.data_ptr<float>() + s.numel());
                for (float &v : core->latentScale)
                    v = std::max(v, 1e-3f);
            }
            if (name == QLatin1String("base") || name == QLatin1String("control")) {
                z0 = latents(yAe);
                if (yAeVal.defined())
                    z0Val = latents(yAeVal);
            }
            torch::nn::Module *trained = nullptr;
            if (name == QLatin1String("ae"))
                trained = core->ae.get();
            else if (name == QLatin1String("base"))
                trained = core->base.get();
            else if (name == QLatin1String("control"))
                trained = core->control.get();
            else
                trained = core->unet.get();
            if (core->base) {
                for (auto &p : core->base->parameters())
                    p.set_requires_grad(name == QLatin1String("base"));
                for (auto &p : core->ae->parameters())
                    p.set_requires_grad(name == QLatin1String("ae"));
            }
            torch::optim::Adam adam(trained->parameters(), torch::optim::AdamOptions(name == QLatin1String("control") ? opt.lr * 0.5 : opt.lr));
            auto stepLoss = [&](const torch::Tensor &cpuIdx, quint64 noiseSeed, bool validation) -> torch::Tensor {
                auto gen = at::detail::createCPUGenerator(noiseSeed);
                const torch::Tensor idx = cpuIdx.to(core->device);
                const torch::Tensor &Y = validation ? yVal : y;
                if (name == QLatin1String("ae")) {
                    auto x = (validation ? yAeVal : yAe).index_select(0, idx);
                    torch::Tensor hmi;
                    if (core->hmiDecoder)
                        hmi = detail::areaDown((validation ? val->hmiNorm : train->hmiNorm).index_select(0, idx), opt.side);
                    return (core->ae->decode(core->ae->encode(x), hmi) - x).abs().mean();
                }
                if (name == QLatin1String("unet") || name == QLatin1String("mean")) {
                    auto x = detail::areaDown((validation ? val->hmiNorm : train->hmiNorm).index_select(0, idx), opt.side);
                    return (core->unet->forward(x) - Y.index_select(0, idx)).abs().mean();
                }
                auto z = (validation ? z0Val : z0).index_select(0, idx);
                auto t = torch::randint(0, detail::kDiffusionSteps, {z.size(0)}, gen, torch::kLong).to(core->device);
                auto noise = torch::randn(z.sizes(), gen, torch::kFloat32).to(core->device);
                auto ab = core->alphaBar.index_select(0, t).view({-1, 1, 1, 1});
                auto zt = torch::sqrt(ab) * z + torch::sqrt(1 - ab) * noise;
                torch::Tensor pred;
                if (name == QLatin1String("base"))
                    pred = core->base->forward(zt, t);
                else {
                    torch::Tensor pix;
                    if (core->pixelHint)
                        pix = detail::areaDown((validation ? val->hmiNorm : train->hmiNorm).index_select(0, idx), opt.side);
                    auto res = core->control->forward(zt, t, (validation ? tokVal : tok).index_select(0, idx), pix);
                    pred = core->base->forward(zt, t, &res);
                }
                return (pred - noise).pow(2).mean();
            };
            auto valLoss = [&]() -> double {
                if (!val || val->n == 0 || (name == QLatin1String("control") && !tokVal.defined()))
                    return std::nan("");
                torch::NoGradGuard ng;
                double s = 0;
                const int reps = name == QLatin1String("ae") || name == QLatin1String("unet") || name == QLatin1String("mean") ? 1 : 4;
                for (int r = 0; r < reps; ++r)
                    s += stepLoss(torch::arange(val->n), 777 + r, true).item<double>();
                return s / reps;
            };
            QElapsedTimer st;
            st.start();
            double running = 0;
            int runningN = 0;
            for (int step = first; step < stage.steps; ++step) {
                trained->train();
                auto loss = stepLoss(batchIndex(N, B, opt.seed + std::hash<std::string>{}(stage.name), step),
                                     opt.seed * 7919 + step, false);
                adam.zero_grad();
                loss.backward();
                adam.step();
                running += loss.item<double>();
                ++runningN;
                const bool last = step + 1 == stage.steps;
                if ((step + 1) % opt.logEvery == 0 || last) {
                    QJsonObject ev{{QStringLiteral("event"), QStringLiteral("step")}, {QStringLiteral("stage"), name},
                                   {QStringLiteral("step"), step + 1}, {QStringLiteral("steps"), stage.steps},
                                   {QStringLiteral("loss"), running / runningN},
                                   {QStringLiteral("stage_s"), st.nsecsElapsed() * 1e-9}};
                    running = 0;
                    runningN = 0;
                    event(ev);
                }
                if (((step + 1) % opt.saveEvery == 0 && !last) || stopped) {
                    auto cs = checkpoint(name, step + 1);
                    if (!cs)
                        return cs.error();
                    if (stopped) {
                        event(jsonOf({{QStringLiteral("event"), QStringLiteral("stopped")}, {QStringLiteral("stage"), name},
                                      {QStringLiteral("step"), step + 1}}));
                        return core->info;
                    }
                }
            }
            const double v = valLoss();
            QJsonObject so = stages[name].toObject();
            so[QLatin1String(so.contains(QStringLiteral("copied_from")) ? "extra_steps" : "steps")] = stage.steps;
            so[QStringLiteral("seconds")] = st.nsecsElapsed() * 1e-9 + so[QStringLiteral("seconds")].toDouble();
            so[QStringLiteral("val_loss")] = std::isfinite(v) ? QJsonValue(v) : QJsonValue();
            stages[name] = so;
            event(jsonOf({{QStringLiteral("event"), QStringLiteral("stage_done")}, {QStringLiteral("stage"), name},
                          {QStringLiteral("val_loss"), so[QStringLiteral("val_loss")]},
                          {QStringLiteral("seconds"), so[QStringLiteral("seconds")]}}));
            // The next stage starts at step 0; the checkpoint says so.
            const auto next = &stage - plan.data() + 1;
            auto cs = checkpoint(next < static_cast<long>(plan.size()) ? QString::fromLatin1(plan[next].name) : QStringLiteral("done"), 0);
            if (!cs)
                return cs.error();
        }
        if (!reached && startStage != QLatin1String("done"))
            return Error{opt.outDir, QStringLiteral("unknown stage '%1' in the run's progress").arg(startStage)};
        event(jsonOf({{QStringLiteral("event"), QStringLiteral("done")}, {QStringLiteral("run"), core->dir},
                      {QStringLiteral("weights_sha256"), core->weightsHash}}));
        return core->info;
    });
}

Expected<QJsonObject> writeHalfTranslator(const QString &runDir, const QString &outDir, const QString &encoderPath)
{
    return detail::guarded(detail::Doing{runDir, QStringLiteral("writing the float16 translator")}, [&]() -> Expected<QJsonObject> {
        auto core = TranslatorCore::load(runDir, encoderPath);
        if (!core)
            return core.error();
        TranslatorCore &c = **core;
        if (c.info[QStringLiteral("progress")].toObject()[QStringLiteral("stage")].toString() != QLatin1String("done"))
            return Error{runDir, QStringLiteral("the run is not finished (run translate-train again to complete it)")};
        if (!QDir().mkpath(outDir))
            return Error{outDir, QStringLiteral("cannot create the folder")};
        QJsonObject info = c.info;
        QJsonObject enc = info[QStringLiteral("encoder")].toObject();
        enc[QStringLiteral("path")] = QString();  // found by hash: the default model, or --model
        info[QStringLiteral("encoder")] = enc;
        info[QStringLiteral("source_run")] = QFileInfo(runDir).absoluteFilePath();
        c.info = info;
        c.dir = QFileInfo(outDir).absoluteFilePath();
        auto st = c.saveWeights({{QStringLiteral("format"), QStringLiteral("solarchip-translator-1")}}, /*half*/ true);
        if (!st)
            return st.error();
        st = c.saveInfo(QJsonObject{{QStringLiteral("weights_sha256"), c.weightsHash},
                                    {QStringLiteral("weights_dtype"), QStringLiteral("float16")}});
        if (!st)
            return st.error();
        return c.info;
    });
}

// ------------------------------------------------------------------------------------------------ evaluation

Expected<QJsonObject> evaluateTranslators(const QStringList &runDirs, const TranslatorEvalOptions &opt,
                                          const std::function<void(const QJsonObject &)> &event)
{
    return detail::guarded(detail::Doing{opt.archiveDir, QStringLiteral("evaluating translators")}, [&]() -> Expected<QJsonObject> {
        QJsonArray runs;
        int sets = 0;
        for (const QString &given : runDirs) {
            const QString dir = given.isEmpty() ? defaultTranslatorDir() : given;
            if (dir.isEmpty())
                return Error{{}, QStringLiteral("no default translator is installed: pass --run RUN (a folder made by "
                                                "`solarchip translate-train`)")};
            auto core = TranslatorCore::load(dir, opt.encoderPath, opt.device);
            if (!core)
                return core.error();
            TranslatorCore &c = **core;
            auto data = loadData(*c.encoder, opt.archiveDir, c.channels, c.side, Split::All, 0, opt.maxSets, {}, opt.cacheDir);
            if (!data)
                return data.error();
            sets = data->n;
            QElapsedTimer timer;
            timer.start();
            std::vector<torch::Tensor> preds;
            for (int i = 0; i < data->n; ++i) {
                auto g = c.generate(data->hmiNorm.slice(0, i, i + 1), opt.samples, opt.seed, opt.ddimSteps);
                if (!g)
                    return g.error();
                preds.push_back(c.denormalizeTarget(g->mean(0)));  // [1, C, S, S], mean of the normalised samples
                if (event)
                    event(QJsonObject{{QStringLiteral("event"), QStringLiteral("eval")}, {QStringLiteral("run"), c.dir},
                                      {QStringLiteral("done"), i + 1}, {QStringLiteral("total"), data->n}});
            }
            auto pred = torch::cat(preds, 0).contiguous();
            const int S = c.side;
            auto scoreAll = [&](const torch::Tensor &predicted) {
                QJsonObject perChannel;
                for (int ch = 0; ch < c.channels.size(); ++ch) {
                    std::vector<ImageScores> scores;
                    for (int i = 0; i < data->n; ++i) {
                        auto p = predicted[i][ch].contiguous();
                        auto t = data->aia[i][ch].contiguous();
                        auto h = data->hmiPhys[i].contiguous();
                        auto m = data->disk[i].contiguous();
                        std::vector<uint8_t> disk(S * S), active(S * S);
                        for (int k = 0; k < S * S; ++k) {
                            disk[k] = m.data_ptr<float>()[k] > 0.5f;
                            active[k] = disk[k] && std::abs(h.data_ptr<float>()[k]) > kActiveGauss;
                        }
                        scores.push_back(scoreImage(p.data_ptr<float>(), t.data_ptr<float>(), S, disk, active));
                    }
                    perChannel[c.channels[ch]] = summariseScores(scores, opt.bootstrap, 17);
                }
                return perChannel;
            };
            const QJsonObject perChannel = scoreAll(pred);
            // The ceiling of a latent translator: the true images through the autoencoder (and, residual design,
            // around the regression mean); and the regression mean alone (what the diffusion adds to).
            QJsonObject ceiling, meanOnly;
            if (c.diffusion()) {
                auto y = c.normalizeTarget(data->aia);
                ceiling = scoreAll(c.denormalizeTarget(c.autoencode(y, data->hmiNorm)).contiguous());
                if (c.residual())
                    meanOnly = scoreAll(c.denormalizeTarget(c.regressionMean(data->hmiNorm)).contiguous());
            }
            runs.append(QJsonObject{{QStringLiteral("run"), c.dir}, {QStringLiteral("kind"), c.kind},
                                    {QStringLiteral("weights_sha256"), c.weightsHash},
                                    {QStringLiteral("seconds_per_set"), timer.nsecsElapsed() * 1e-9 / std::max(1, data->n)},
                                    {QStringLiteral("channels"), perChannel},
                                    {QStringLiteral("autoencoder_ceiling"), ceiling.isEmpty() ? QJsonValue() : QJsonValue(ceiling)},
                                    {QStringLiteral("regression_mean"), meanOnly.isEmpty() ? QJsonValue() : QJsonValue(meanOnly)}});
        }
        return QJsonObject{{QStringLiteral("archive"), QFileInfo(opt.archiveDir).absoluteFilePath()},
                           {QStringLiteral("sets"), sets}, {QStringLiteral("samples"), opt.samples},
                           {QStringLiteral("seed"), QString::number(opt.seed)},
                           {QStringLiteral("active_threshold_gauss"), kActiveGauss},
                           {QStringLiteral("device"), opt.device.toString()},
                           {QStringLiteral("runs"), runs}};
    });
}

}  // namespace solarchip
