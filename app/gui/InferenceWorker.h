#pragma once
// The current model on its own thread. The GUI's encoders (similarity heatmaps, the cross-modal alignment view,
// archive search queries) ask it for the embeddings of the co-temporal set on screen; it prepares the set
// exactly as the model was trained and encodes it there (models/inference/SetEncoding.h), never on the UI
// thread.
//
//  - One QThread (background priority) owns the TrainedModel; the model is loaded there (setModelFile: a file,
//    or empty for the shipped default) and runs on CUDA when the LibTorch has it, else on the CPU with the
//    thread budget's torch share (core/base/ThreadBudget sizes().torchIntraOp), so the UI thread keeps a core.
//  - request(set): the answer comes with encoded() (or failed()). Results are cached per (set files, model
//    hash): a set already encoded answers at once, from the UI thread. A new request cancels the one running
//    (checked between prep and each channel) and replaces any queued: stepping through time never waits
//    behind stale work, and only the last set asked for is answered.
//  - currentModelChanged() after a model is loaded (its hash and a description).
// Used by HeatmapController (this issue), by the alignment view and the search gallery: keep the API stable.

#include "models/inference/SetEncoding.h"

#include <QHash>
#include <QMetaType>
#include <QMutex>
#include <QObject>
#include <QString>
#include <QStringList>

#include <atomic>
#include <memory>

class QThread;

namespace solarchip {

class InferenceEngine;

class InferenceWorker : public QObject {
    Q_OBJECT
public:
    explicit InferenceWorker(QObject *parent = nullptr);
    ~InferenceWorker() override;

    /// Loads a model file on the worker thread (empty: the shipped default model); currentModelChanged() or
    /// failed() follows. Requests made meanwhile are answered with the new model.
    void setModelFile(const QString &path);
    /// The loaded model (empty before the first load finishes).
    QString modelHash() const;
    QString modelPath() const;
    QStringList modelChannels() const;
    /// "cpu (2 threads)" or "cuda:0".
    QString deviceName() const;
    bool hasModel() const;

    /// Encodes `set` (only the model's channels it has; a cut-out or single map is fine, see SetEncoding.h).
    /// `archiveDir` names the prep cache (empty: none). Answers with encoded() for this set, or failed();
    /// a cached result is emitted before request() returns. An empty set cancels the running work.
    void request(const ObservationSet &set, const QString &archiveDir = {});
    /// The cached embeddings of `set` under the current model (null when not encoded yet).
    std::shared_ptr<const SetEmbeddings> cached(const ObservationSet &set) const;
    /// The embeddings of the last set asked for, once encoded (null before).
    std::shared_ptr<const SetEmbeddings> current() const { return m_current; }
    /// Work is running or queued.
    bool isBusy() const { return m_busy; }
    /// The last encode's wall time on the worker (prep + encode), ms; -1 before the first.
    double lastEncodeMs() const { return m_lastEncodeMs; }

    /// Blocks (processing events) until the worker is idle and the last answer delivered; false on timeout.
    /// For tests and scripted runs only.
    bool waitUntilIdle(int timeoutMs = 30000);

    /// The cache key of a set under a model: its member files and the model hash.
    static QString cacheKey(const ObservationSet &set, const QString &modelHash);
    /// Whether `embeddings` are those of `set` (its member file of each channel encoded): the answer for the set
    /// on screen, not for a set already left or another view's request.
    static bool isEncodingOf(const SetEmbeddings &embeddings, const ObservationSet &set);

Q_SIGNALS:
    /// The embeddings of the set last asked for.
    void encoded(std::shared_ptr<const solarchip::SetEmbeddings> embeddings);
    /// Why the set last asked for (or a model) could not be encoded; names the file and the problem.
    void failed(const QString &message);
    /// A model was loaded (hash, "solarchip-tiny-default.safetensors (hmi,171) on cpu").
    void currentModelChanged(const QString &hash, const QString &description);
    void busyChanged(bool busy);

private:
    void onModelLoaded(const QString &hash, const QString &path, const QStringList &channels, const QString &device,
                       const QString &error);
    void onDone(quint64 generation, const QString &key, std::shared_ptr<const SetEmbeddings> embeddings,
                const QString &error, double ms);
    void setBusy(bool busy);
    void store(const QString &key, std::shared_ptr<const SetEmbeddings> embeddings);

    QThread *m_thread = nullptr;
    InferenceEngine *m_engine = nullptr;  // lives on m_thread
    QString m_hash, m_path, m_device;
    QStringList m_channels;
    bool m_modelPending = false;
    quint64 m_generation = 0;             // bumped by each request: older answers are dropped
    std::shared_ptr<std::atomic<bool>> m_cancel;  // the running job's flag
    std::shared_ptr<const SetEmbeddings> m_current;
    QString m_currentKey;
    int m_inFlight = 0;
    bool m_busy = false;
    double m_lastEncodeMs = -1;
    // Cache (UI thread only): key -> embeddings, oldest first for eviction.
    QHash<QString, std::shared_ptr<const SetEmbeddings>> m_cache;
    QStringList m_cacheOrder;
    static constexpr int kCacheSize = 48;
};

}  // namespace solarchip

Q_DECLARE_METATYPE(std::shared_ptr<const solarchip::SetEmbeddings>)
