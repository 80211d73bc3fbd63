#include "models/translate/Translator.h"

#include "core/map/FitsWriter.h"
#include "core/map/MapMeta.h"
#include "core/map/ModelFrame.h"
#include "models/detail/Guarded.h"
#include "models/translate/detail/TranslatorCore.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>

#include <cmath>

namespace solarchip {

struct TranslatorRun::Impl {
    std::unique_ptr<detail::TranslatorCore> core;
};

TranslatorRun::TranslatorRun(std::unique_ptr<Impl> impl) : d(std::move(impl)) {}
TranslatorRun::TranslatorRun(TranslatorRun &&) noexcept = default;
TranslatorRun &TranslatorRun::operator=(TranslatorRun &&) noexcept = default;
TranslatorRun::~TranslatorRun() = default;

QString defaultTranslatorDir()
{
    const QString env = qEnvironmentVariable("SOLARCHIP_DEFAULT_TRANSLATOR");
    if (!env.isEmpty())
        return env;
    const QString installed = QCoreApplication::instance()
        ? QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("../share/solarchip/models/translator"))
        : QString();
    if (!installed.isEmpty() && QFileInfo::exists(QDir(installed).filePath(QLatin1String(detail::kTranslatorJson))))
        return installed;
    // Compiled into the binaries that link solarchip_default_model (resources/CMakeLists.txt; models/translator).
    const QString embedded = QStringLiteral(":/solarchip/models/translator");
    if (QFileInfo::exists(embedded + QLatin1Char('/') + QLatin1String(detail::kTranslatorJson)))
        return embedded;
    return {};
}

namespace {

/// The input frame at `side` pixels: the area average by k = R / side (pixel j covers old pixels kj..kj+k-1).
Expected<PixelFrame> frameAtSide(const PixelFrame &input, int side)
{
    const double k = double(input.width) / side;
    MapMeta m = input.meta;
    m.cdelt1 *= k;
    m.cdelt2 *= k;
    m.crpix1 = (m.crpix1 - 0.5) / k + 0.5;
    m.crpix2 = (m.crpix2 - 0.5) / k + 0.5;
    m.naxis1 = side;
    m.naxis2 = side;
    return PixelFrame::fromMeta(side, side, m);
}

Image nanAreaDown(const Image &in, int side)
{
    const int k = in.width / side;
    Image out(side, side, std::nanf(""));
    for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x) {
            double s = 0;
            int n = 0;
            for (int dy = 0; dy < k; ++dy)
                for (int dx = 0; dx < k; ++dx) {
                    const float v = in.at(x * k + dx, y * k + dy);
                    if (std::isfinite(v)) {
                        s += v;
                        ++n;
                    }
                }
            if (n > 0)
                out.at(x, y) = static_cast<float>(s / n);
        }
    return out;
}

QString hmiObservableName(const QString &channel)
{
    if (channel == QLatin1String("hmi_ic"))
        return QStringLiteral("a continuum intensity map");
    if (channel == QLatin1String("hmi_v"))
        return QStringLiteral("a Dopplergram");
    if (channel == QLatin1String("hmi_br"))
        return QStringLiteral("a radial-field map");
    if (channel == QLatin1String("hmi_bitmap"))
        return QStringLiteral("a region bitmap");
    return QStringLiteral("an HMI '%1' map").arg(channel);
}

}  // namespace

Status checkLosMagnetogram(const SdoMap &map, const QString &file)
{
    const MapMeta &m = map.meta;
    if (m.displayScaled)
        return Error{file, QStringLiteral("a display-scaled image (Helioviewer bytes), not a magnetogram in Gauss: "
                                          "translation needs the FITS file")};
    if (m.instrument != Instrument::HMI)
        return Error{file, QStringLiteral("not an HMI map (%1): translation needs an HMI line-of-sight magnetogram")
                               .arg(m.displayName())};
    if (m.channel != QLatin1String("hmi"))
        return Error{file, QStringLiteral("%1 (BUNIT '%2'), not a line-of-sight magnetogram: translation needs "
                                          "hmi.M_720s or hmi.M_45s").arg(hmiObservableName(m.channel), m.unit)};
    if (!m.isHelioprojective())
        return Error{file, QStringLiteral("not a helioprojective full-disk map (CTYPE %1/%2; a SHARP CEA cut-out?)")
                               .arg(m.ctype1, m.ctype2)};
    if (!ModelFrame::showsWholeDisk(m, map.image.width, map.image.height))
        return Error{file, QStringLiteral("a cut-out (%1 x %2 px) that does not show the whole disk: the translator "
                                          "was trained on full-disk maps").arg(map.image.width).arg(map.image.height)};
    const ImageStats st = computeStats(map.image);
    if (st.finiteCount == 0)
        return Error{file, QStringLiteral("no finite pixel (all NaN)")};
    return Status::success();
}

Expected<TranslatorRun> TranslatorRun::load(const QString &dir, const QString &encoderPath, const DeviceChoice &device)
{
    QString d = dir;
    if (d.isEmpty()) {
        d = defaultTranslatorDir();
        if (d.isEmpty())
            return Error{{}, QStringLiteral("no default translator is installed: pass a run folder made by "
                                            "`solarchip translate-train` (or set SOLARCHIP_DEFAULT_TRANSLATOR)")};
    }
    auto core = detail::TranslatorCore::load(d, encoderPath, device);
    if (!core)
        return core.error();
    auto impl = std::make_unique<Impl>();
    impl->core = std::move(*core);
    return TranslatorRun(std::move(impl));
}

QStringList TranslatorRun::channels() const { return d->core->channels; }
QString TranslatorRun::kind() const { return d->core->kind; }
QString TranslatorRun::dir() const { return d->core->dir; }
QString TranslatorRun::modelHash() const { return d->core->weightsHash; }
QString TranslatorRun::encoderHash() const { return d->core->encoderHash; }
int TranslatorRun::side() const { return d->core->side; }
int TranslatorRun::defaultDdimSteps() const { return d->core->ddimSteps; }
QString TranslatorRun::device() const { return detail::fromTorchDevice(d->core->device).toString(); }
const QJsonObject &TranslatorRun::info() const { return d->core->info; }

Expected<TranslationResult> TranslatorRun::translate(const TranslationRequest &request,
                                                     const std::function<bool(int, int)> &progress) const
{
    const detail::TranslatorCore &core = *d->core;
    const QString file = request.hmiFile;
    return detail::guarded(detail::Doing{file, QStringLiteral("translating with %1").arg(core.dir)},
                           [&]() -> Expected<TranslationResult> {
        QElapsedTimer timer;
        timer.start();
        const QString channel = request.channel.isEmpty() ? core.channels.value(0) : request.channel;
        const int ci = static_cast<int>(core.channels.indexOf(channel));
        if (ci < 0)
            return Error{core.dir, QStringLiteral("the run translates to %1 only, not '%2'")
                                       .arg(core.channels.join(QLatin1Char(',')), channel)};
        if (request.samples < 1 || request.samples > 64)
            return Error{{}, QStringLiteral("samples must be 1..64 (got %1)").arg(request.samples)};
        std::shared_ptr<const SdoMap> map = request.hmiMap;
        if (!map) {
            auto loaded = SdoMap::load(file);
            if (!loaded)
                return loaded.error();
            map = std::make_shared<const SdoMap>(std::move(*loaded));
        }
        auto ok = checkLosMagnetogram(*map, file);
        if (!ok)
            return ok.error();

        // The frame: the AIA reference's (as in training), or an AIA-like one around the HMI map.
        TranslationResult r;
        const ModelFrameSpec spec = core.prep.frameSpec();
        std::optional<ModelFrame> frame;
        if (!request.referenceFile.isEmpty()) {
            auto pf = PixelFrame::fromFile(request.referenceFile);
            if (!pf)
                return pf.error();
            auto f = ModelFrame::forReference(*pf, spec);
            if (!f)
                return Error{request.referenceFile, f.error().message};
            frame = std::move(*f);
        } else {
            const MapMeta &m = map->meta;
            int w = std::max(map->image.width, map->image.height);
            if (core.fovRsun > 0 && m.rsunObs > 0 && m.plateScale() > 0)
                w = static_cast<int>(std::lround(core.fovRsun * m.rsunObs / m.plateScale()));
            auto f = ModelFrame::forReference(m, w, w, spec);
            if (!f)
                return Error{file, f.error().message};
            frame = std::move(*f);
            r.note = QStringLiteral("no AIA map beside it: an AIA-like frame around the HMI map (field of view %1 "
                                    "solar radii, as in training)").arg(core.fovRsun, 0, 'f', 2);
        }
        auto prepared = frame->prepare(*map);
        if (!prepared)
            return Error{file, prepared.error().message};
        const int R = core.resolution;
        if (prepared->image.width != R)
            return Error{file, QStringLiteral("prep gave %1 px, the run expects %2").arg(prepared->image.width).arg(R)};
        std::vector<float> norm(prepared->image.pixels);
        auto st = core.prep.normalize.apply(QStringLiteral("hmi"), norm.data(), norm.data(), norm.size());
        if (!st)
            return Error{file, st.error().message};
        for (float &v : norm)
            if (!std::isfinite(v))
                v = 0;
        auto x = torch::from_blob(norm.data(), {1, 1, R, R}, torch::kFloat32).clone();

        std::lock_guard<std::mutex> lock(core.mutex);
        auto y = core.generate(x, request.samples, request.seed, request.ddimSteps, progress);
        if (!y)
            return y.error();
        if (!y->defined())
            return Error{file, QStringLiteral("cancelled")};
        auto dns = core.denormalizeTarget(y->select(1, 0)).select(1, ci).contiguous();  // [n, S, S]
        auto mean = dns.mean(0).contiguous();
        auto sd = (dns - mean.unsqueeze(0)).pow(2).mean(0).sqrt().contiguous();  // population spread; 0 for one sample
        const int S = core.side;
        r.mean = Image(S, S);
        r.spread = Image(S, S);
        std::copy(mean.data_ptr<float>(), mean.data_ptr<float>() + S * S, r.mean.pixels.begin());
        std::copy(sd.data_ptr<float>(), sd.data_ptr<float>() + S * S, r.spread.pixels.begin());
        r.hmi = nanAreaDown(prepared->image, S);
        auto fs = frameAtSide(frame->inputFrame(), S);
        if (!fs)
            return fs.error();
        r.frame = *fs;
        r.channel = channel;
        r.wavelength = channel.toDouble();
        r.time = map->meta.tObs;
        r.hmiFile = file.isEmpty() ? map->meta.file : file;
        r.runDir = core.dir;
        r.runKind = core.kind;
        r.modelHash = core.weightsHash;
        r.encoderHash = core.encoderHash;
        r.samples = request.samples;
        r.seed = request.seed;
        r.ddimSteps = core.diffusion() ? (request.ddimSteps > 0 ? request.ddimSteps : core.ddimSteps) : 0;
        r.seconds = timer.nsecsElapsed() * 1e-9;
        r.device = device();
        return r;
    });
}

namespace {

FitsHeader translatedHeader(const TranslationResult &r, const QString &plane)
{
    FitsHeader h;
    r.frame.writeWcs(h, /*withObserver*/ true);
    const QString t = r.time.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz"));
    h.setString(QStringLiteral("DATE-OBS"), t, QStringLiteral("time of the HMI map translated"));
    h.setString(QStringLiteral("T_OBS"), t + QLatin1Char('Z'), QStringLiteral("time of the HMI map translated"));
    h.setString(QStringLiteral("TELESCOP"), QStringLiteral("SolarCHIP"), QStringLiteral("synthetic: not observed by SDO/AIA"));
    h.setString(QStringLiteral("INSTRUME"), QStringLiteral("SOLARCHIP-TRANSLATOR"), QStringLiteral("a model, not an instrument"));
    h.setString(QStringLiteral("ORIGIN"), QStringLiteral("SolarCHIP Studio"), QString());
    h.setInteger(QStringLiteral("WAVELNTH"), static_cast<long long>(std::lround(r.wavelength)), QStringLiteral("AIA passband translated to"));
    h.setString(QStringLiteral("WAVEUNIT"), QStringLiteral("angstrom"), QString());
    h.setString(QStringLiteral("BUNIT"), QStringLiteral("DN/s"), QStringLiteral("synthetic AIA count rate"));
    h.setBoolean(QStringLiteral("SYNTHETC"), true, QStringLiteral("synthetic image: not an observation"));
    h.setString(QStringLiteral("TRPLANE"), plane, QStringLiteral("mean or spread over the samples"));
    h.setString(QStringLiteral("TRKIND"), r.runKind, QStringLiteral("translator | random-encoder | unet"));
    h.setString(QStringLiteral("TRMODEL"), r.modelHash.left(16), QStringLiteral("SHA-256 (16 hex) of the weights"));
    h.setString(QStringLiteral("TRENC"), r.encoderHash.left(16), QStringLiteral("HMI encoder hash (16 hex)"));
    h.setString(QStringLiteral("TRRUN"), QFileInfo(r.runDir).fileName(), QStringLiteral("translator run folder"));
    h.setString(QStringLiteral("TRSRC"), QFileInfo(r.hmiFile).fileName(), QStringLiteral("HMI file translated"));
    h.setInteger(QStringLiteral("TRSEED"), static_cast<long long>(r.seed), QStringLiteral("DDIM noise seed"));
    h.setInteger(QStringLiteral("TRNSAMP"), static_cast<long long>(r.samples), QStringLiteral("samples averaged"));
    h.setInteger(QStringLiteral("TRSTEPS"), static_cast<long long>(r.ddimSteps), QStringLiteral("DDIM steps (0: regression)"));
    h.addHistory(QStringLiteral("SYNTHETIC IMAGE made by SolarCHIP Studio HMI->AIA translation; not observed."));
    h.addHistory(QStringLiteral("Source HMI file: %1").arg(QFileInfo(r.hmiFile).fileName()));
    h.addHistory(QStringLiteral("Model run %1 (%2), weights sha256 %3").arg(r.runDir, r.runKind, r.modelHash));
    h.addHistory(QStringLiteral("%1 over %2 sample(s), seed %3, %4 DDIM steps").arg(plane).arg(r.samples).arg(r.seed).arg(r.ddimSteps));
    return h;
}

}  // namespace

Status writeTranslatedFits(const TranslationResult &result, const QString &path)
{
    return FitsWriter::write(path, translatedHeader(result, QStringLiteral("mean")), result.mean);
}

Status writeTranslatedSpreadFits(const TranslationResult &result, const QString &path)
{
    return FitsWriter::write(path, translatedHeader(result, QStringLiteral("spread")), result.spread);
}

}  // namespace solarchip
