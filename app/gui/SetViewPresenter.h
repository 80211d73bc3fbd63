#pragma once
// Puts the observation document's current set on screen: one MapGrid view per channel (or only the focus
// channel), each map with the display settings the user chose for its channel (StudioSettings) or the
// channel's default, and the focus channel's map on the 3D globe with the colours of its 2D view. Tells when
// everything asked for is on screen (isSettled/settled), which the --screenshot hook and the stepping
// benchmark wait for. Difference images are made on the thread budget's Io pool, never on the UI thread; a
// result for a set already left is dropped. View > Compare: every view can show another channel of the same set (the map the
// document already loaded and prepared for that member, so it lines up with the grid) blinked or blended.

#include "widgets/MapView.h"

#include <QObject>
#include <QHash>
#include <QPointer>
#include <QString>
#include <QVector>

#include <memory>

class QThread;

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

    /// Every map of the current set is loaded (or failed), rendered and on screen, and the globe (when
    /// active) shows the current map.
    bool isSettled() const;
    /// Members of the current set that could not be loaded, as "file: problem" lines.
    QStringList errors() const;
    /// The thread the last difference image was made on (diagnostics and tests: never the UI thread).
    QThread *lastDifferenceThread() const { return m_lastDifferenceThread; }

Q_SIGNALS:
    /// isSettled() became true.
    void settled();
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
    std::shared_ptr<const SdoMap> m_globeMap;  // what the globe shows
    qint64 m_globeImageKey = 0;                // and the rendering its texture came from
    bool m_wasSettled = false;
    QHash<QString, bool> m_overlays;
    QString m_compareChannel;
    MapView::CompareMode m_compareMode = MapView::CompareMode::None;
    double m_compareOpacity = 0.5;
    int m_blinkMs = 500;
};

}  // namespace solarchip
