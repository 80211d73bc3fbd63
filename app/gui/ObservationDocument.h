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
    const QVector<Member> &members() const { return m_members; }
    /// Some member of the current set is still loading.
    bool isLoading() const { return m_pendingCount > 0; }
    /// Milliseconds since the current time was asked for (step latency while loading).
    double msSinceTimeChange() const { return m_sinceChange.nsecsElapsed() / 1e6; }
    bool canStep(Step step) const;
    /// The time a step would go to from `fromMs` (nullopt: nowhere to go).
    std::optional<qint64> stepTarget(Step step, qint64 fromMs) const;

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

private:
    void requestMembers();
    void prefetch(Step direction);
    void onLoaded(int index, bool reference, const MapLoadResult &result);
    /// The reference of a member for the difference mode (invalid when there is none).
    Observation referenceFor(const Observation &member) const;
    /// The reference prepared onto the grid the member is displayed on.
    MapKey referenceKeyFor(const Observation &member, const MapKey &memberKey, const Observation &reference) const;
    static Step inverse(Step step);

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
    QVector<Member> m_members;
    std::vector<std::unique_ptr<QFutureWatcher<MapLoadResult>>> m_watchers;
    int m_pendingCount = 0;
    QElapsedTimer m_sinceChange;
};

}  // namespace solarchip
