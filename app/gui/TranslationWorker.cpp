#include "app/gui/TranslationWorker.h"

#include "app/gui/ModelThread.h"
#include "core/map/DiskMask.h"
#include "core/map/FramePrep.h"
#include "core/map/PixelFrame.h"
#include "models/networks/Device.h"

#include "models/translate/Translator.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QThread>

#include <optional>

namespace solarchip {

namespace {

/// Pearson CC of two images over the pixels where both are finite and `mask` (when given) is set.
double pearson(const Image &a, const Image &b, const DiskMask *mask, qint64 &count)
{
    double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
    count = 0;
    for (int y = 0; y < a.height; ++y)
        for (int x = 0; x < a.width; ++x) {
            if (mask && !mask->at(x, y))
                continue;
            const double u = a.at(x, y), v = b.at(x, y);
            if (!std::isfinite(u) || !std::isfinite(v))
                continue;
            sa += u, sb += v, saa += u * u, sbb += v * v, sab += u * v;
            ++count;
        }
    if (count < 2)
        return std::nan("");
    const double n = double(count);
    const double cov = sab - sa * sb / n, va = saa - sa * sa / n, vb = sbb - sb * sb / n;
    return va > 0 && vb > 0 ? cov / std::sqrt(va * vb) : std::nan("");
}

/// A map on the translation's frame: its pixels, the frame's WCS and observer, and a header that says what it is.
std::shared_ptr<const SdoMap> mapOnFrame(Image image, const PixelFrame &frame, const QString &channel, double wavelength,
                                         const QString &unit, const QDateTime &time, const QString &what,
                                         bool synthetic = true)
{
    auto map = std::make_shared<SdoMap>();
    map->meta = frame.meta;
    map->meta.file.clear();  // no file holds these pixels: the readout shows the map's own values
    map->meta.channel = channel;
    map->meta.instrument = channel.startsWith(QLatin1String("hmi")) ? Instrument::HMI : Instrument::AIA;
    map->meta.wavelength = wavelength;
    map->meta.unit = unit;
    map->meta.displayScaled = false;
    if (time.isValid())
        map->meta.tObs = time;
    map->meta.naxis1 = image.width;
    map->meta.naxis2 = image.height;
    map->meta.bitpix = -32;
    map->wcs = frame.wcs;
    frame.writeWcs(map->header, true);
    map->header.setString(QStringLiteral("BUNIT"), unit);
    if (synthetic) {
        // As writeTranslatedFits labels it: nothing names SDO or AIA, so an exported panel is never taken for data.
        map->meta.telescope = QStringLiteral("SolarCHIP");
        map->meta.detector = QStringLiteral("HMI2AIA-TRANSLATOR");
        map->header.setString(QStringLiteral("TELESCOP"), map->meta.telescope);
        map->header.setString(QStringLiteral("INSTRUME"), map->meta.detector);
        map->header.setBoolean(QStringLiteral("SYNTHETC"), true, QStringLiteral("model output, not an observation"));
    } else {
        map->meta.telescope = QStringLiteral("SDO/AIA");
        map->header.setString(QStringLiteral("TELESCOP"), map->meta.telescope);
    }
    map->header.setNumber(QStringLiteral("WAVELNTH"), wavelength);
    map->header.addHistory(what);
    map->image = std::move(image);
    return map;
}

}  // namespace

QString TranslationJob::cacheKey(const QString &modelHash) const
{
    auto clean = [](const QString &f) { return f.isEmpty() ? QString() : QDir::cleanPath(f); };
    return QStringList{modelHash, clean(hmiFile), clean(aiaFile), clean(frameFile), channel, QString::number(samples), QString::number(seed), QString::number(ddimSteps)}
        .join(QLatin1Char('|'));
}

/// Lives on the worker thread; everything it does runs there (posted functors).
class TranslationEngine : public ModelEngine {
public:
    std::optional<TranslatorRun> run;
    QString runDir;
    bool loaded = false;
    QString loadError;

    /// Loads `dir` unless it is the run loaded already; fills `info` (empty hash and an error on failure).
    QString ensureLoaded(const QString &dir, TranslatorInfo &info)
    {
        prepareThread();
        if (!loaded || dir != runDir) {
            loaded = true;
            runDir = dir;
            loadError.clear();
            run.reset();
            // The GPU when this LibTorch has one; CUDA refused (out of memory, busy): the CPU always works.
            auto r = TranslatorRun::load(dir, {}, defaultDevice());
            if (!r && defaultDevice().kind == DeviceKind::Cuda)
                r = TranslatorRun::load(dir, {}, DeviceChoice{});
            if (r)
                run.emplace(std::move(*r));
            else
                loadError = r.errorString();
        }
        info = TranslatorInfo();
        info.runDir = dir;
        if (!loadError.isEmpty())
            return loadError;
        info.modelHash = run->modelHash();
        info.channels = run->channels();
        info.runName = dir.isEmpty() ? QStringLiteral("shipped default translator")
                                     : QFileInfo(dir).fileName() + QStringLiteral(" (%1)").arg(run->kind());
        info.device = run->device() == QLatin1String("cpu") ? QStringLiteral("cpu (%1 threads)").arg(torchThreads())
                                                            : run->device();
        return {};
    }

    /// The model call: the adapter between the view's job and the translator (models/translate).
    QString translate(const TranslationJob &job, const std::function<bool(int, int)> &progress,
                      TranslationOutcome &out)
    {
        TranslationRequest request;
        request.hmiFile = job.hmiFile;
        request.referenceFile = job.frameFile;  // the set's AIA frame, as in training (empty: built from the HMI map)
        request.channel = job.channel;
        request.samples = job.samples;
        request.seed = job.seed;
        request.ddimSteps = job.ddimSteps;
        auto r = run->translate(request, progress);
        if (!r)
            return r.errorString();
        TranslationResult &t = *r;
        out.note = t.note;
        const QString provenance = QStringLiteral("SYNTHETIC: HMI->AIA translation of %1 by %2 (model %3), seed %4, "
                                                  "%5 samples: model output, not an observation")
                                       .arg(QFileInfo(t.hmiFile).fileName(), out.runName, t.modelHash.left(12))
                                       .arg(t.seed)
                                       .arg(t.samples);
        out.translated = mapOnFrame(std::move(t.mean), t.frame, t.channel, t.wavelength, QStringLiteral("DN/s"),
                                    t.time, provenance);
        out.mean = out.translated;
        out.spread = mapOnFrame(std::move(t.spread), t.frame, t.channel, t.wavelength, QStringLiteral("DN/s"), t.time,
                                QStringLiteral("per-pixel standard deviation over the samples; ") + provenance);
        return {};
    }

    /// The real AIA map of the job on the translation's grid (DN/s), the difference and the CC.
    void compare(const TranslationJob &job, TranslationOutcome &out)
    {
        if (job.aiaFile.isEmpty()) {
            out.realMissing = QStringLiteral("no real AIA %1 Å observation beside this HMI map (a single HMI file, or "
                                             "the set has no %1 member within its tolerance)")
                                  .arg(job.channel);
            return;
        }
        auto real = SdoMap::load(job.aiaFile);
        if (!real) {
            out.realMissing = real.errorString();
            return;
        }
        if (real->meta.channel != job.channel) {
            out.realMissing = QStringLiteral("%1 is %2, not AIA %3 Å").arg(job.aiaFile, channelLabel(real->meta.channel), job.channel);
            return;
        }
        auto frame = PixelFrame::fromMap(*out.translated);
        if (!frame) {
            out.realMissing = frame.errorString();
            return;
        }
        // Level 1 AIA is in DN per exposure; the translator speaks DN/s.
        const bool perSecond = real->meta.unit.endsWith(QLatin1String("/s"));
        const QDateTime realTime = real->meta.tObs;
        const double exptime = real->meta.exptime;
        auto onGrid = FramePrep::ontoFrame(std::move(*real), *frame, Interpolation::Bilinear);
        if (!onGrid) {
            out.realMissing = onGrid.errorString();
            return;
        }
        Image realImage = std::move(onGrid->image);
        if (!perSecond && exptime > 0)
            for (float &v : realImage.pixels)
                v = float(v / exptime);
        const Image &tr = out.translated->image;
        Image diff(tr.width, tr.height, std::nanf(""));
        for (std::size_t i = 0; i < diff.pixels.size(); ++i)
            diff.pixels[i] = tr.pixels[i] - realImage.pixels[i];  // NaN where either is NaN
        auto mask = DiskMask::compute(*frame);
        out.cc = pearson(tr, realImage, mask ? &*mask : nullptr, out.ccPixels);
        const QString what = QStringLiteral("real AIA %1 put onto the translation's grid (FramePrep, bilinear)%2")
                                 .arg(QFileInfo(job.aiaFile).fileName(),
                                      !perSecond && exptime > 0 ? QStringLiteral(", divided by EXPTIME") : QString());
        out.real = mapOnFrame(std::move(realImage), *frame, job.channel, out.translated->meta.wavelength,
                              QStringLiteral("DN/s"), realTime, what, false);
        out.difference = mapOnFrame(std::move(diff), *frame, job.channel, out.translated->meta.wavelength,
                                    QStringLiteral("DN/s"), out.translated->meta.tObs,
                                    QStringLiteral("translated (synthetic) minus ") + what);
    }
};

TranslationWorker::TranslationWorker(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<TranslatorInfo>();
    qRegisterMetaType<std::shared_ptr<const TranslationOutcome>>();
    m_engine = new TranslationEngine;
    m_thread = startModelThread(this, QStringLiteral("solarchip-translation"), m_engine);
}

TranslationWorker::~TranslationWorker()
{
    if (m_cancel)
        m_cancel->store(true);
    ++m_ticket;
    stopModelThread(m_thread, m_engine);
}

void TranslationWorker::loadTranslator(const QString &runDir)
{
    TranslationEngine *engine = m_engine;
    QMetaObject::invokeMethod(engine, [this, engine, runDir] {
        TranslatorInfo info;
        const QString error = engine->ensureLoaded(runDir, info);
        QMetaObject::invokeMethod(this, [this, info, error] {
            if (!error.isEmpty()) {
                m_info = TranslatorInfo();
                m_info.runDir = info.runDir;
                Q_EMIT translatorFailed(error);
                return;
            }
            if (info.modelHash != m_info.modelHash) {
                m_cache.clear();
                m_cacheOrder.clear();
            }
            m_info = info;
            Q_EMIT translatorLoaded(m_info);
        }, Qt::QueuedConnection);
    }, Qt::QueuedConnection);
}

std::shared_ptr<const TranslationOutcome> TranslationWorker::cached(const TranslationJob &job) const
{
    if (m_info.modelHash.isEmpty() || job.runDir != m_info.runDir)
        return nullptr;
    return m_cache.value(job.cacheKey(m_info.modelHash));
}

void TranslationWorker::request(const TranslationJob &job)
{
    m_userCancelled = false;
    if (auto hit = cached(job)) {
        m_hasQueued = false;
        if (m_cancel)
            m_cancel->store(true);
        ++m_ticket;  // whatever runs now is no longer wanted
        // Most recently used goes last.
        const QString key = job.cacheKey(m_info.modelHash);
        m_cacheOrder.remove(key);
        m_cacheOrder.push_back(key);
        auto copy = std::make_shared<TranslationOutcome>(*hit);
        copy->fromCache = true;
        setBusyState();
        Q_EMIT finished(copy);
        return;
    }
    if (m_running) {
        m_cancel->store(true);
        m_queued = job;
        m_hasQueued = true;
        setBusyState();
        return;
    }
    start(job);
}

void TranslationWorker::cancel()
{
    m_hasQueued = false;
    if (m_running) {
        m_userCancelled = true;
        m_cancel->store(true);
    }
    setBusyState();
}

void TranslationWorker::start(const TranslationJob &job)
{
    m_running = true;
    const quint64 ticket = ++m_ticket;
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    m_cancel = cancel;
    setBusyState();
    TranslationEngine *engine = m_engine;
    QMetaObject::invokeMethod(engine, [this, engine, job, cancel, ticket] {
        QElapsedTimer timer;
        timer.start();
        auto out = std::make_shared<TranslationOutcome>();
        out->job = job;
        TranslatorInfo info;
        QString error = engine->ensureLoaded(job.runDir, info);
        out->modelHash = info.modelHash;
        out->runName = info.runName;
        if (error.isEmpty() && !cancel->load()) {
            error = engine->translate(job, [this, cancel, ticket](int done, int total) {
                QMetaObject::invokeMethod(this, [this, ticket, done, total] {
                    if (ticket == m_ticket)
                        Q_EMIT progress(done, total);
                }, Qt::QueuedConnection);
                return !cancel->load();
            }, *out);
        }
        if (error.isEmpty() && !cancel->load())
            engine->compare(job, *out);
        out->seconds = timer.elapsed() / 1000.0;
        const bool wasCancelled = cancel->load();
        QThread *thread = QThread::currentThread();
        QMetaObject::invokeMethod(this, [this, ticket, out, error, wasCancelled, thread] {
            onDone(ticket, out, error, wasCancelled, thread);
        }, Qt::QueuedConnection);
    }, Qt::QueuedConnection);
}

void TranslationWorker::onDone(quint64 ticket, std::shared_ptr<TranslationOutcome> outcome, const QString &error,
                               bool wasCancelled, QThread *thread)
{
    m_running = false;
    m_lastJobThread = thread;
    const bool current = ticket == m_ticket;
    if (!wasCancelled && error.isEmpty() && outcome->translated && !outcome->modelHash.isEmpty()) {
        if (outcome->modelHash != m_info.modelHash || outcome->job.runDir != m_info.runDir) {
            // The job loaded another run than the one announced: that run is the translator now.
            m_cache.clear();
            m_cacheOrder.clear();
            m_info.runDir = outcome->job.runDir;
            m_info.modelHash = outcome->modelHash;
            m_info.runName = outcome->runName;
        }
        insertCache(outcome);
    }
    if (m_hasQueued) {
        m_hasQueued = false;
        const TranslationJob next = m_queued;
        if (auto hit = cached(next)) {
            setBusyState();
            auto copy = std::make_shared<TranslationOutcome>(*hit);
            copy->fromCache = true;
            Q_EMIT finished(copy);
            return;
        }
        start(next);
        return;
    }
    setBusyState();
    if (!current && !m_userCancelled)
        return;  // superseded by a cached answer meanwhile
    if (wasCancelled) {
        m_userCancelled = false;
        Q_EMIT cancelled();
    } else if (!error.isEmpty()) {
        Q_EMIT failed(error);
    } else {
        Q_EMIT finished(outcome);
    }
}

void TranslationWorker::insertCache(const std::shared_ptr<const TranslationOutcome> &outcome)
{
    const QString key = outcome->job.cacheKey(outcome->modelHash);
    m_cacheOrder.remove(key);
    m_cacheOrder.push_back(key);
    m_cache.insert(key, outcome);
    while (int(m_cacheOrder.size()) > kCacheEntries) {
        m_cache.remove(m_cacheOrder.front());
        m_cacheOrder.pop_front();
    }
}

void TranslationWorker::setBusyState()
{
    const bool busy = isBusy();
    if (busy != m_wasBusy) {
        m_wasBusy = busy;
        Q_EMIT busyChanged(busy);
    }
}

bool TranslationWorker::waitUntilIdle(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (isBusy()) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        QThread::msleep(2);
    }
    QCoreApplication::processEvents();
    return true;
}

}  // namespace solarchip
