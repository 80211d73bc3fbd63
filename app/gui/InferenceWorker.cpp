#include "app/gui/InferenceWorker.h"

#include "app/gui/ModelThread.h"
#include "models/networks/Device.h"
#include "models/networks/TrainedModel.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QThread>

#include <optional>

namespace solarchip {

/// Lives on the worker thread; everything it does runs there (posted functors).
class InferenceEngine : public ModelEngine {
public:
    std::optional<TrainedModel> model;
    QString device;
};

InferenceWorker::InferenceWorker(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<std::shared_ptr<const SetEmbeddings>>();
    m_engine = new InferenceEngine;
    m_thread = startModelThread(this, QStringLiteral("solarchip-inference"), m_engine);
}

InferenceWorker::~InferenceWorker()
{
    if (m_cancel)
        m_cancel->store(true);
    ++m_generation;
    stopModelThread(m_thread, m_engine);
}

QString InferenceWorker::modelHash() const { return m_hash; }
QString InferenceWorker::modelPath() const { return m_path; }
QStringList InferenceWorker::modelChannels() const { return m_channels; }
QString InferenceWorker::deviceName() const { return m_device; }
bool InferenceWorker::hasModel() const { return !m_hash.isEmpty(); }

void InferenceWorker::setModelFile(const QString &path)
{
    m_modelPending = true;
    setBusy(true);
    InferenceEngine *engine = m_engine;
    QMetaObject::invokeMethod(engine, [this, engine, path] {
        engine->prepareThread();
        auto loaded = path.isEmpty() ? TrainedModel::loadDefault() : TrainedModel::load(path);
        QString error;
        if (loaded) {
            const DeviceChoice dev = defaultDevice();
            Status s = loaded->model.to(dev);
            if (!s) {
                // CUDA refused (out of memory, busy): the CPU always works.
                (void)loaded->model.to(DeviceChoice{});
            }
            engine->device = loaded->model.device().kind == DeviceKind::Cuda
                                 ? loaded->model.device().toString()
                                 : QStringLiteral("cpu (%1 threads)").arg(torchThreads());
            engine->model = std::move(*loaded);
        } else {
            error = loaded.errorString();
        }
        const QString hash = engine->model ? engine->model->hash : QString();
        const QString mpath = engine->model ? engine->model->path : QString();
        const QStringList channels = engine->model ? engine->model->channels : QStringList();
        const QString device = engine->device;
        QMetaObject::invokeMethod(this, [=, this] { onModelLoaded(hash, mpath, channels, device, error); },
                                  Qt::QueuedConnection);
    }, Qt::QueuedConnection);
}

void InferenceWorker::onModelLoaded(const QString &hash, const QString &path, const QStringList &channels,
                                    const QString &device, const QString &error)
{
    m_modelPending = false;
    if (!error.isEmpty()) {
        setBusy(m_inFlight > 0);
        Q_EMIT failed(error);
        return;
    }
    const bool changed = hash != m_hash;
    m_hash = hash;
    m_path = path;
    m_channels = channels;
    m_device = device;
    if (changed) {
        m_current.reset();
        m_currentKey.clear();
    }
    setBusy(m_inFlight > 0);
    Q_EMIT currentModelChanged(hash, QStringLiteral("%1").arg(path.startsWith(QLatin1String(":/"))
                                                                  ? QStringLiteral("the shipped default model")
                                                                  : QFileInfo(path).fileName())
                                         + QStringLiteral(" (%1) on %2").arg(channels.join(u','), device));
}

QString InferenceWorker::cacheKey(const ObservationSet &set, const QString &modelHash)
{
    QStringList parts;
    for (const Observation &m : set.members)
        parts << (m.isValid() ? m.path : QString());
    return parts.join(u'|') + QStringLiteral("#") + modelHash;
}

bool InferenceWorker::isEncodingOf(const SetEmbeddings &e, const ObservationSet &set)
{
    for (int i = 0; i < e.channels.size() && i < e.files.size(); ++i) {
        const Observation *o = set.member(e.channels[i]);
        if (!o || o->path != e.files[i])
            return false;
    }
    return !e.channels.isEmpty();
}

std::shared_ptr<const SetEmbeddings> InferenceWorker::cached(const ObservationSet &set) const
{
    if (m_hash.isEmpty())
        return nullptr;
    return m_cache.value(cacheKey(set, m_hash));
}

void InferenceWorker::store(const QString &key, std::shared_ptr<const SetEmbeddings> embeddings)
{
    if (!m_cache.contains(key))
        m_cacheOrder << key;
    m_cache.insert(key, std::move(embeddings));
    while (m_cacheOrder.size() > kCacheSize)
        m_cache.remove(m_cacheOrder.takeFirst());
}

void InferenceWorker::request(const ObservationSet &set, const QString &archiveDir)
{
    const quint64 generation = ++m_generation;
    if (m_cancel)
        m_cancel->store(true);
    m_cancel.reset();
    m_current.reset();
    m_currentKey.clear();
    if (set.members.isEmpty())
        return;
    if (!hasModel() && !m_modelPending)
        setModelFile({});
    if (auto hit = cached(set)) {
        m_current = hit;
        m_currentKey = cacheKey(set, m_hash);
        Q_EMIT encoded(hit);
        return;
    }
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    m_cancel = cancel;
    ++m_inFlight;
    setBusy(true);
    InferenceEngine *engine = m_engine;
    QMetaObject::invokeMethod(engine, [this, engine, set, archiveDir, cancel, generation] {
        QElapsedTimer clock;
        clock.start();
        std::shared_ptr<const SetEmbeddings> result;
        QString error, key;
        if (cancel->load()) {
            error = QStringLiteral("cancelled");
        } else if (!engine->model) {
            error = QStringLiteral("no model is loaded");
        } else {
            EncodeSetOptions o;
            o.archiveDir = archiveDir;
            o.cancel = cancel.get();
            auto e = encodeObservationSet(*engine->model, set, o);
            if (e)
                result = std::make_shared<const SetEmbeddings>(std::move(*e));
            else
                error = cancel->load() ? QStringLiteral("cancelled") : e.errorString();
            key = cacheKey(set, engine->model->hash);
        }
        const double ms = clock.nsecsElapsed() / 1e6;
        QMetaObject::invokeMethod(this, [=, this] { onDone(generation, key, result, error, ms); }, Qt::QueuedConnection);
    }, Qt::QueuedConnection);
}

void InferenceWorker::onDone(quint64 generation, const QString &key, std::shared_ptr<const SetEmbeddings> embeddings,
                             const QString &error, double ms)
{
    --m_inFlight;
    if (embeddings) {
        m_lastEncodeMs = ms;
        if (embeddings->modelHash == m_hash)
            store(key, embeddings);
    }
    const bool latest = generation == m_generation;
    if (latest) {
        if (embeddings) {
            m_current = embeddings;
            m_currentKey = key;
            Q_EMIT encoded(embeddings);
        } else if (error != QLatin1String("cancelled")) {
            Q_EMIT failed(error);
        }
    }
    setBusy(m_inFlight > 0 || m_modelPending);
}

void InferenceWorker::setBusy(bool busy)
{
    if (busy == m_busy)
        return;
    m_busy = busy;
    Q_EMIT busyChanged(busy);
}

bool InferenceWorker::waitUntilIdle(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (m_busy) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        QThread::msleep(2);
    }
    QCoreApplication::processEvents();
    return true;
}

}  // namespace solarchip
