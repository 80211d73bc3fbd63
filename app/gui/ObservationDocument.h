#pragma once
// The current time and what is shown for it: the co-temporal set of the chosen channels (nearest file of
// each channel within a tolerance of the current time) and, as they arrive, their maps prepared into one
// display form (DisplayPrep: AIA as stored or block-averaged, HMI co-registered into the AIA frame). Time moves by steps (previous/next
// observation of the anchor channel, by the cadence, by a day, first/last) or by jumps (a clicked or typed
// time snaps to the nearest observation).
//
// Maps come from the MapCache: the visible set is requested first, then the sets the next steps will show
// (in the direction of travel, and one behind) as prefetch. Moving on drops queued loads that are no longer
// wanted and ignores results for times already left, so stepping never waits behind stale work.
//
// Steps and jumps are asked of the catalogue off the UI thread (ArchiveQuery on the thread budget's Io pool):
// step(), goToTime(), showTime() and reload() return at once and the new time and set follow with
// timeChanged()/setChanged(). Requests made while one is being answered are queued and answered from the
// time it reaches (three quick "next" go three observations on; only the last set is shown); an answer for
// an archive already closed is dropped. A catalogue error is reported with failed().

#include "app/gui/ArchiveQuery.h"
#include "core/archive/DisplayPrep.h"
#include "core/archive/MapCache.h"
#include "core/archive/ObservationSet.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QObject>
#include <QStringList>
#include <QVector>

#include <memory>

class QThread;

namespace solarchip {

class ArchiveDocument;

class ObservationDocument : public QObject {
    Q_OBJECT
public:
    enum class Step { PreviousObservation, NextObservation, BackByCadence, ForwardByCadence, PreviousDay, NextDay,
                      First, Last };
    /// What each member is shown against: nothing, its channel's previous observation (running difference)
    /// or its channel's first observation (base difference). The reference map is prepared onto the member's
    /// own display grid, so the two subtract pixel by pixel.
    enum class DifferenceMode { None, Running, Base };

    /// One channel of the current set.
    struct Member {
        QString channel;
        Observation observation;  // invalid: no file of this channel within the tolerance
        MapKey key;
        MapPtr map;               // the prepared map once loaded
        QString error;            // why it could not be loaded
        bool pending = false;
        // Difference modes: the observation subtracted, prepared onto this member's grid.
        Observation reference;    // invalid: none (no earlier observation) or no difference mode
        MapKey referenceKey;
        MapPtr referenceMap;
        QString referenceError;
        bool referencePending = false;
    };

    ObservationDocument(ArchiveDocument *archive, MapCache *cache, QObject *parent = nullptr);
    ~ObservationDocument() override;

    /// Channels to show, in order; empty: every channel of the archive.
    void setChannels(const QStringList &channels);
    QStringList channels() const;
    /// The channel whose observations define "previous/next observation" (empty: the first AIA channel shown,
    /// else the first channel shown).
    void setAnchorChannel(const QString &channel);
    QString anchorChannel() const;
    void setToleranceMs(qint64 ms);
    qint64 toleranceMs() const { return m_toleranceMs; }
    /// Step for BackByCadence/ForwardByCadence; 0: the anchor channel's median cadence.
    void setStepMs(qint64 ms);
    qint64 stepMs() const;
    /// Largest side of a displayed map (pixels); bigger maps are block-averaged down.
    void setDisplaySize(int pixels);
    int displaySize() const { return m_displaySize; }
    void setPrefetch(int ahead, int behind);
    void setDifferenceMode(DifferenceMode mode);
    DifferenceMode differenceMode() const { return m_differenceMode; }

    bool hasTime() const { return m_hasTime; }
    qint64 timeMs() const { return m_timeMs; }
    QDateTime time() const;
    const ObservationSet &set() const { return m_set; }
    /// The set at the same time over every channel of the archive: set() itself unless setChannels() narrowed
    /// what is loaded (one channel in focus). What the model's views encode (similarity, alignment, flare,
    /// translation): they read the files themselves, so a channel need not be on screen to be encoded.
    const ObservationSet &wholeSet() const { return m_wholeSet; }
    const QVector<Member> &members() const { return m_members; }
    /// Some member of the current set is still loading, or the time asked for is still being looked up.
    bool isLoading() const { return m_pendingCount > 0 || m_resolving; }
    /// A step or jump is being looked up in the catalogue (timeMs() and members() are still the old ones).
    bool isResolving() const { return m_resolving; }
    /// The thread the last look-up ran on (diagnostics and tests: never the UI thread).
    QThread *lastLookupThread() const { return m_lastLookupThread; }
    /// Milliseconds since the current time was asked for (step latency while loading).
    double msSinceTimeChange() const { return m_sinceChange.nsecsElapsed() / 1e6; }
    bool canStep(Step step) const;

public Q_SLOTS:
    void step(solarchip::ObservationDocument::Step step);
    /// Snaps to the observation of the anchor channel nearest to `utc` and shows its set.
    void goToTime(const QDateTime &utc);
    /// Shows the set at exactly this time (no snapping).
    void showTime(qint64 timeMs, solarchip::ObservationDocument::Step direction = Step::NextObservation);
    /// Resolves the current time again (the archive changed, channels changed...).
    void reload();
    /// Forgets the current time and set (archive closed or replaced).
    void clear();

Q_SIGNALS:
    void timeChanged(const QDateTime &utc);
    /// The members were replaced (their maps follow with memberChanged).
    void setChanged();
    /// Member `index` got its map (or its error).
    void memberChanged(int index);
    void loadingChanged(bool loading);
    /// Every member of the current set is loaded or failed.
    void setLoaded();
    void differenceModeChanged(solarchip::ObservationDocument::DifferenceMode mode);
    /// A catalogue question failed; the message names the archive.
    void failed(const QString &message);

private:
    /// What the user asked for: a step from the current time, a time to snap to, an exact time, or the
    /// current time again.
    struct Request {
        enum class Kind { Step, Nearest, Exact, Current };
        Kind kind = Kind::Current;
        Step step = Step::NextObservation;  // Step; for Exact: the direction of travel
        qint64 timeMs = 0;                  // Nearest, Exact
    };
    struct Inputs;
    struct Resolution;
    void enqueue(const Request &request);
    void launch();
    void onResolved(quint64 generation, const Resolution &resolution);
    void apply(const Resolution &resolution);
    void requestMembers();
    void prefetch(const QVector<MapKey> &wanted);
    void onLoaded(int index, bool reference, const MapLoadResult &result);
    void updateLoading();
    static Resolution resolve(const Inputs &inputs, bool hasTime, qint64 fromMs, const QVector<Request> &requests);

    ArchiveDocument *m_archive;
    MapCache *m_cache;
    QStringList m_channels;
    QString m_anchor;
    qint64 m_toleranceMs = 10 * 60 * 1000;
    qint64 m_stepMs = 0;
    int m_displaySize = 1024;
    int m_prefetchAhead = 2;
    int m_prefetchBehind = 1;
    DifferenceMode m_differenceMode = DifferenceMode::None;

    bool m_hasTime = false;
    qint64 m_timeMs = 0;
    ObservationSet m_set;
    ObservationSet m_wholeSet;
    QVector<Member> m_members;
    std::vector<std::unique_ptr<QFutureWatcher<MapLoadResult>>> m_watchers;
    int m_pendingCount = 0;
    QElapsedTimer m_sinceChange;
    // Catalogue look-ups: one in flight at a time; what is asked meanwhile waits in m_queued.
    bool m_resolving = false;
    QVector<Request> m_queued;
    quint64 m_generation = 0;  // bumped by each look-up and by clear(): older answers are dropped
    bool m_loadingSignalled = false;  // the state loadingChanged() last announced
    QThread *m_lastLookupThread = nullptr;
};

}  // namespace solarchip
