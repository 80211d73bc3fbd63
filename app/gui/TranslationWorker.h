#pragma once
// The translation view's background work (issue 14): an HMI magnetogram becomes a synthetic AIA map of one
// channel through the HMI→AIA translator (models/translate TranslatorRun), N samples from a fixed seed giving
// the per-pixel mean and spread; when the set has a real AIA map of that channel, that map is put onto the
// translation's grid (core FramePrep, the rule the models' input uses) and the difference (translated − real)
// and the Pearson CC of the two over the on-disk pixels where both have a value are made beside it.
//
//  - Everything runs on one worker thread at background priority (loading the translator, reading the files,
//    sampling, resampling), never on the UI thread. The translator is loaded once per run folder and kept.
//  - One job at a time. request() while a job runs cancels it (the translator's progress callback answers
//    false) and the new job starts as soon as the old one returns: only the last job asked for is answered.
//  - cancel() stops the running job at the translator's next progress step; cancelled() follows.
//  - Answers are cached in memory per (HMI file, AIA file, channel, model hash, seed, samples, steps): a job
//    asked again is answered from the cache before request() returns (TranslationOutcome::fromCache).
// The model call itself is one small adapter in the .cpp (translateWithRun), so the view does not depend on
// the translator's internals.

#include "core/map/SdoMap.h"

#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>

#include <atomic>
#include <cmath>
#include <list>
#include <memory>

class QThread;

namespace solarchip {

class TranslationEngine;

/// What to translate.
struct TranslationJob {
    QString runDir;    ///< translator run folder (empty: the shipped default translator)
    QString hmiFile;   ///< the line-of-sight magnetogram (FITS)
    QString aiaFile;   ///< the real AIA map of `channel` of the same set (empty: none)
    /// An AIA file of the set whose frame the translation is made on (the training frame); usually aiaFile, else
    /// another AIA member; empty: the translator builds an AIA-like frame around the HMI map.
    QString frameFile;
    QString channel;   ///< AIA channel key ("171")
    int samples = 1;   ///< N >= 1: the mean and spread are over N samples
    quint64 seed = 0;  ///< the first sample's seed (the preview is reproducible)
    int ddimSteps = 0; ///< 0: the translator's default

    /// The cache key under a translator (its model hash).
    QString cacheKey(const QString &modelHash) const;
};

/// What came back: the maps on the translation's grid (all share its WCS) and the numbers the view shows.
struct TranslationOutcome {
    TranslationJob job;
    QString modelHash;       ///< the translator's hash (what the cache key names)
    QString runName;         ///< "shipped default" or the run folder's name
    QString note;            ///< the translator's note (e.g. the input was cropped, frames differ)
    std::shared_ptr<const SdoMap> translated;  ///< the seed's sample (DN/s), synthetic
    std::shared_ptr<const SdoMap> mean;        ///< per-pixel mean over the samples
    std::shared_ptr<const SdoMap> spread;      ///< per-pixel standard deviation over the samples
    std::shared_ptr<const SdoMap> real;        ///< the real AIA map on the translation's grid, DN/s (null: none)
    std::shared_ptr<const SdoMap> difference;  ///< translated − real (null: none)
    QString realMissing;     ///< why `real` is null ("no AIA 171 Å observation in this set", a read error)
    double cc = std::nan("");   ///< Pearson CC of translated vs real (on disk, both finite); NaN: no real map
    qint64 ccPixels = 0;        ///< pixels it was computed over
    double seconds = 0;         ///< wall time of the job on the worker (load + sample + compare)
    bool fromCache = false;
};

/// The translator as loaded on the worker thread: its hash, channels and a description for the view.
struct TranslatorInfo {
    QString runDir;
    QString modelHash;
    QString runName;
    QStringList channels;
    QString device;
};

class TranslationWorker : public QObject {
    Q_OBJECT
public:
    explicit TranslationWorker(QObject *parent = nullptr);
    ~TranslationWorker() override;

    /// Loads a translator run on the worker thread (empty: the shipped default); translatorLoaded() or
    /// translatorFailed() follows. Jobs for that run asked meanwhile wait for it.
    void loadTranslator(const QString &runDir);
    /// The translator loaded last (empty hash before the first load finishes or after a failure).
    const TranslatorInfo &translator() const { return m_info; }

    /// Translates on the worker thread; progress(), then finished() / failed() / cancelled(). A cached answer
    /// is emitted before request() returns (and cancels the job running).
    void request(const TranslationJob &job);
    /// Stops the running job (and drops a queued one).
    void cancel();
    /// The cached answer to `job` under the translator loaded now (null: none).
    std::shared_ptr<const TranslationOutcome> cached(const TranslationJob &job) const;
    /// A job is running or queued.
    bool isBusy() const { return m_running || m_hasQueued; }
    /// The thread the last job ran on (tests: never the UI thread).
    QThread *lastJobThread() const { return m_lastJobThread; }
    /// Blocks (processing events) until idle; false on timeout. Tests and scripted runs only.
    bool waitUntilIdle(int timeoutMs = 60000);

    /// Answers kept in the cache (least recently used dropped first).
    static constexpr int kCacheEntries = 16;

Q_SIGNALS:
    void translatorLoaded(const solarchip::TranslatorInfo &info);
    void translatorFailed(const QString &message);
    /// Samples done of total for the job last asked for.
    void progress(int done, int total);
    void finished(std::shared_ptr<const solarchip::TranslationOutcome> outcome);
    void failed(const QString &message);
    void cancelled();
    void busyChanged(bool busy);

private:
    void start(const TranslationJob &job);
    void onDone(quint64 ticket, std::shared_ptr<TranslationOutcome> outcome, const QString &error, bool wasCancelled,
                QThread *thread);
    void insertCache(const std::shared_ptr<const TranslationOutcome> &outcome);
    void setBusyState();

    QThread *m_thread = nullptr;
    TranslationEngine *m_engine = nullptr;
    TranslatorInfo m_info;
    bool m_running = false;
    bool m_hasQueued = false;
    bool m_userCancelled = false;
    bool m_wasBusy = false;
    TranslationJob m_queued;
    quint64 m_ticket = 0;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    QThread *m_lastJobThread = nullptr;
    QHash<QString, std::shared_ptr<const TranslationOutcome>> m_cache;
    std::list<QString> m_cacheOrder;  // most recent last
};

}  // namespace solarchip

Q_DECLARE_METATYPE(solarchip::TranslatorInfo)
Q_DECLARE_METATYPE(std::shared_ptr<const solarchip::TranslationOutcome>)
