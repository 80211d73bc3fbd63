#pragma once
// What the views that draw an archive's embedding store over time share (app/gui/AlignmentView: the alignment of
// every stored set; app/gui/FlareController: every stored set scored by a flare head):
//  - findModelStore: the store of the current model, ARCHIVE/.solarchip/embeddings/<store> whose store.json names
//    the model's hash (what `solarchip embed --archive ARCHIVE` writes);
//  - readModelStore: off the UI thread, that store found, opened and counted, then handed to the view's own
//    reading (a summary per set, or records streamed through a head);
//  - StoreTimeline: the read's bookkeeping on the UI thread: one read at a time on the background pool (a new
//    one drops the answer of the old), what came of it (store, sets, error, seconds) and the stored sets' times,
//    so that a set encoded while browsing is not drawn twice (holds: the store dates a set by its first channel,
//    HMI, the view by its anchor, seconds apart: the stored set nearest in time within the set tolerance is it).

#include "core/base/Expected.h"
#include "core/base/ThreadBudget.h"

#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <QtConcurrent/QtConcurrentRun>

#include <functional>
#include <utility>
#include <vector>

namespace solarchip {

class EmbeddingStore;

/// The store of `modelHash` under `archiveDir`; empty when there is none.
QString findModelStore(const QString &archiveDir, const QString &modelHash);

/// What a read of the model's store gave; a view's result type derives from it and adds its points.
struct StoreRead {
    QString storeDir;  ///< empty: the archive has no store of the model
    QString error;     ///< the store could not be opened or read
    qint64 sets = 0;
    double seconds = 0;
};

/// Off the UI thread: finds the store of `modelHash` under `archiveDir` (r.storeDir), opens it (else r.error),
/// counts its sets (r.sets) and calls `read` on it, whose failure becomes r.error. Returns whether `read` ran.
bool readModelStore(const QString &archiveDir, const QString &modelHash, StoreRead &r,
                    const std::function<Status(EmbeddingStore &)> &read);

class StoreTimeline {
public:
    /// Forgets the last read and its stored times; the answer of a read still running will be dropped.
    void reset();

    /// Runs `read` (returning R, a StoreRead) on the thread budget's background pool. Back on `context`'s
    /// thread, unless reset() or another start() came meanwhile, the StoreRead fields are taken from its result
    /// and `done(result)` is called.
    template <class R, class Read, class Done>
    void start(QObject *context, Read read, Done done)
    {
        const quint64 ticket = ++m_ticket;
        loading = true;
        auto future = QtConcurrent::run(ThreadBudget::instance().pool(ThreadBudget::Pool::Background), std::move(read));
        auto *watcher = new QFutureWatcher<R>(context);
        QObject::connect(watcher, &QFutureWatcherBase::finished, context, [this, watcher, ticket, done] {
            watcher->deleteLater();
            if (ticket != m_ticket)
                return;
            const R r = watcher->result();
            take(r);
            done(r);
        });
        watcher->setFuture(future);
    }

    /// The times of the sets drawn from the store (sorted); also forgets the points added while browsing.
    void setStoredTimes(std::vector<qint64> times);
    /// A stored set lies within `toleranceMs` of `timeMs`: that set is drawn from the store already.
    bool holds(qint64 timeMs, qint64 toleranceMs) const;

    bool loading = false;
    QString storeDir;   ///< empty: no store (the points are the sets encoded while browsing)
    QString error;
    qint64 sets = 0;
    double seconds = 0;     ///< the last read's wall time (reports)
    int browsedPoints = 0;  ///< points the view added from sets encoded while browsing (not in the store)

private:
    void take(const StoreRead &r);

    quint64 m_ticket = 0;
    std::vector<qint64> m_times;
};

}  // namespace solarchip
