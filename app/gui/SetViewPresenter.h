#pragma once
// Puts the observation document's current set on screen: one MapGrid view per channel (or only the focus
// channel), each map with the display settings the user chose for its channel (StudioSettings) or the
// channel's default, and the focus channel's map on the 3D globe with the colours of its 2D view. Tells when
// everything asked for is on screen (isSettled/settled), which the --screenshot hook and the stepping
// benchmark wait for. Difference images are made on the thread budget's Io pool, never on the UI thread; a
// result for a set already left is dropped. View > Compare: every view can show another channel of the same set (the map the
// document already loaded and prepared for that member, so it lines up with the grid) blinked or blended.
//
// One frame never mixes times: when a new set comes, the grid keeps painting the set on screen (its paints are
// held, QWidget::setUpdatesEnabled) while the new maps load, their differences are made and every view renders
// off the UI thread; the whole new set then goes on screen at once (meanwhile the status bar says "Loading…").
// Only a set that takes longer than maxHoldMs() (15 s, never while playing) is shown as it fills, counted as
// mixed frames, never hidden. The presenter counts
// what reaches the screen: frames presented (a complete set of one time) and mixed-time frames (views of
// different sets painted together), for the playback benchmark and the tests.

#include "widgets/MapView.h"
#include "widgets/OverlayHitBox.h"

#include <QObject>
#include <QHash>
#include <QPointer>
#include <QString>
#include <QVector>

#include <memory>
#include <vector>

class QThread;
class QTimer;

namespace solarchip {

class GlobeView;
class MapGrid;
class ObservationDocument;
class StudioSettings;
struct SdoMap;

class SetViewPresenter : public QObject {
    Q_OBJECT
public:
    SetViewPresenter(ObservationDocument *document, MapGrid *grid, StudioSettings *settings,
                     QObject *parent = nullptr);
    /// The 3D view (made on first use by the window).
    void setGlobe(GlobeView *globe);

    /// Show only this channel (empty: the whole set).
    void setFocusChannel(const QString &channel);
    QString focusChannel() const { return m_focus; }
    /// The channel the globe shows: the focus channel, else the document's anchor channel.
    QString globeChannel() const;
    /// Feed the globe only while it is visible (its texture costs a copy of the rendering).
    void setGlobeActive(bool active);
    /// Puts the globe map's texture on the sphere again (the similarity heatmap drawn on its 2D view changed:
    /// the globe wears it too, HeatmapLayer::composeOnto).
    void refreshGlobe();
    /// The map the globe shows (null when none): what a click on the sphere queries.
    std::shared_ptr<const SdoMap> globeMap() const { return m_globeMap; }
    /// The archive-search hits to mark on the globe's texture (those observed within 30 min of the globe's map
    /// are drawn, OverlayHitBox::composeOnto); empty clears them.
    void setGlobeHits(std::vector<GlobeHitMark> hits);
    /// How many of them the globe's current texture shows (for --state-json and tests).
    int globeHitsDrawn() const { return m_globeHitsDrawn; }
    /// NOAA region labels drawn on the globe's texture (View > NOAA active regions).
    int globeNoaaLabelsDrawn() const { return m_globeNoaaDrawn; }
    /// Flare events drawn onto the globe's texture (View > Flare events).
    int globeFlareEventsDrawn() const { return m_globeFlaresDrawn; }

    /// Overlay toggles ("limb", "grid", "label", "colorbar") for every view, kept across layout changes.
    void setOverlayVisible(const QString &id, bool visible);
    bool isOverlayVisible(const QString &id) const;

    /// Blink or blend every view with the current set's member of `channel` (that channel's own view shows
    /// no comparison). CompareMode::None or an empty channel turns it off. Follows time steps: each new set's
    /// member replaces the comparison map when it arrives.
    void setComparison(const QString &channel, MapView::CompareMode mode);
    QString comparisonChannel() const { return m_compareChannel; }
    MapView::CompareMode compareMode() const { return m_compareMode; }
    /// Overlay opacity (0..1) and blink interval (ms) for every view.
    void setComparisonOpacity(double opacity);
    double comparisonOpacity() const { return m_compareOpacity; }
    void setBlinkInterval(int milliseconds);
    int blinkInterval() const { return m_blinkMs; }

    /// Gives every view that shows a channel's map (not a difference image) the display remembered for that
    /// channel, when another page (the translation view's panels) changed it since the map was placed.
    void applySavedDisplays();

    /// Every map of the current set is loaded (or failed), rendered and on screen, and the globe (when
    /// active) shows the current map.
    bool isSettled() const;
    /// Members of the current set that could not be loaded, as "file: problem" lines.
    QStringList errors() const;
    /// The thread the last difference image was made on (diagnostics and tests: never the UI thread).
    QThread *lastDifferenceThread() const { return m_lastDifferenceThread; }

    /// The grid's paints are held while a new set completes.
    bool isHoldingFrame() const { return m_holding; }
    /// Hold frames until complete (default on). Off, views show each map as it arrives (tests show that the
    /// mixed-time count sees that).
    void setHoldFrames(bool on) { m_holdFrames = on; }
    /// The longest a frame is held (ms) before a slow set is shown as it fills; 0: no limit (playback, where a
    /// frame must never mix times, however slow the disk). The default is a safety valve far above any set's
    /// load time (a 4096^2 cold set on a loaded 2-core machine takes ~10 s), not a display choice.
    static constexpr int kDefaultMaxHoldMs = 15000;
    void setMaxHoldMs(int ms);
    int maxHoldMs() const { return m_maxHoldMs; }
    /// Complete sets put on screen since the start (each new time once).
    int framesPresented() const { return m_framesPresented; }
    /// Moments the grid showed views of different times together (0 unless a set outlasted maxHoldMs).
    int mixedTimeFrames() const { return m_mixedFrames; }
    /// Sets that outlasted maxHoldMs and were shown as they filled.
    int framesReleasedIncomplete() const { return m_releasedIncomplete; }
    /// The time of the complete set on screen (-1: none yet).
    qint64 presentedTimeMs() const { return m_presentedTimeMs; }

Q_SIGNALS:
    /// isSettled() became true.
    void settled();
    /// A complete set of a new time reached the screen.
    void framePresented(qint64 timeMs);
    /// The comparison channel, mode, opacity or interval changed.
    void comparisonChanged();

private:
    void onSetChanged();
    void onMemberChanged(int index);
    void showMap(int index, MapView *view);
    void showDifference(int index, MapView *view);
    void onDifferenceDone(int index, quint64 ticket, const QString &error, std::shared_ptr<const SdoMap> map,
                          const QString &label);
    void showMessage(int index, MapView *view, const QString &message);
    void updateGlobe();
    void applyComparison();
    void checkSettled();
    MapView *viewForMember(int index) const;
    /// Every view shows (has rendered) what the current set asks of it; paints may still be held.
    bool isFrameComplete() const;
    void holdFrame();
    void releaseFrame();
    /// The view of `slot` got new content of the current set (a map on its way to render, or a message).
    void noteContent(int slot);
    void onViewRendered(MapView *view);
    /// What the grid shows now was painted: count it.
    void countFrame();

    ObservationDocument *m_document;
    QPointer<MapGrid> m_grid;
    QPointer<GlobeView> m_globe;
    StudioSettings *m_settings;
    QString m_focus;
    bool m_globeActive = false;
    QVector<int> m_slotOfMember;  // member index -> grid view index (-1: not shown)
    // What each member's view should end up showing (its map, or the difference image made from it).
    QVector<std::shared_ptr<const SdoMap>> m_expected;
    QVector<bool> m_showsDifference;  // per grid view: the view holds a difference image
    QVector<quint64> m_differenceTicket;  // per member: the difference being made (0: none)
    quint64 m_nextTicket = 0;
    QThread *m_lastDifferenceThread = nullptr;
    std::vector<GlobeHitMark> m_globeHits;
    int m_globeHitsDrawn = 0;
    int m_globeNoaaDrawn = 0;
    int m_globeFlaresDrawn = 0;
    std::shared_ptr<const SdoMap> m_globeMap;  // what the globe shows
    qint64 m_globeImageKey = 0;                // and the rendering its texture came from
    bool m_wasSettled = false;
    // Frame holding and counting (see the header comment).
    qint64 m_setTimeMs = -1;          // the time of the document's current set
    QVector<bool> m_placed;           // per member: its view was given this set's content (map, image, message)
    QVector<qint64> m_pendingTime;    // per grid view: the set time of the content last given to it
    QVector<qint64> m_viewTime;       // per grid view: the set time of what it paints now (-1: nothing)
    bool m_holding = false;
    bool m_holdFrames = true;
    int m_maxHoldMs = kDefaultMaxHoldMs;
    int m_releasedIncomplete = 0;
    QTimer *m_holdLimit = nullptr;
    int m_framesPresented = 0;
    int m_mixedFrames = 0;
    qint64 m_presentedTimeMs = -1;
    QHash<QString, bool> m_overlays;
    QString m_compareChannel;
    MapView::CompareMode m_compareMode = MapView::CompareMode::None;
    double m_compareOpacity = 0.5;
    int m_blinkMs = 500;
};

}  // namespace solarchip
