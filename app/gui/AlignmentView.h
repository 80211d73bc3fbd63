#pragma once
// The cross-modal alignment view (View > Cross-modal alignment, --view alignment; issue 11): where do the
// encoder's AIA and HMI embeddings agree? The map grid of the set stays on screen; over every AIA view an overlay
// (CellValueLayer) colours each model cell by the same-place cosine of that AIA cell with the HMI cell, or by the
// rank of that true HMI match among the on-disk HMI cells (switchable), placed through the model frame so cells
// sit on their pixels. A dock below holds the controls and the AlignmentTimeline: the per-set mean alignment
// across the archive, following the current time, a click going to that set.
//
// Where the numbers come from:
//  - the set on screen: the InferenceWorker encodes it (the model as trained, its prep and frame), then
//    CrossModalAlignment::evaluate runs on the thread budget's background pool (never the UI thread);
//  - the timeline: the archive's embedding store of the current model (ARCHIVE/.solarchip/embeddings/<store>
//    whose store.json names the model's hash, what `solarchip embed --archive ARCHIVE` writes), read in the
//    background. Without one the timeline says how to make it and fills in with the sets encoded while the user
//    browses (every aligned set is added to the timeline either way, so new files show up too).
// Sets without an HMI member or an AIA channel of the model, loose files without an archive, cut-outs (the model
// frame covers part of the disk): the dock says so in words; nothing is padded or invented.

#include "app/gui/StoreTimeline.h"
#include "core/map/ModelFrame.h"
#include "models/embeddings/CrossModalAlignment.h"

#include <QDateTime>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QString>

#include <memory>
#include <vector>

class QComboBox;
class QDockWidget;
class QLabel;
class QMainWindow;
class QSlider;

namespace solarchip {

class AlignmentTimeline;
class ArchiveDocument;
class CellValueLayer;
class InferenceWorker;
class MapGrid;
class MapView;
class ObservationDocument;
struct SetEmbeddings;

class AlignmentView : public QObject {
    Q_OBJECT
public:
    /// What the cells are coloured by.
    enum class Measure { Cosine, Rank };

    AlignmentView(QMainWindow *window, ArchiveDocument *archive, ObservationDocument *observation, MapGrid *grid,
                  InferenceWorker *worker, QObject *parent = nullptr);
    ~AlignmentView() override;

    /// The view mode is "alignment": overlays and dock shown, sets encoded as they come. Off: nothing is asked of
    /// the worker and the overlays are hidden.
    void setActive(bool active);
    bool isActive() const { return m_active; }

    void setMeasure(Measure measure);
    Measure measure() const { return m_measure; }
    /// Opacity of the cells, 0..1.
    void setOpacity(double opacity);
    double opacity() const { return m_opacity; }

    QDockWidget *dock() const { return m_dock; }
    AlignmentTimeline *timeline() const { return m_timeline; }
    /// The alignment of the set on screen (null while it is being worked out, or when it cannot be).
    std::shared_ptr<const SetAlignment> current() const { return m_current; }
    /// The line the dock shows about the set (what is shown, or why nothing is).
    QString statusText() const { return m_status; }
    /// Nothing is being encoded, aligned or read for the view (always true while inactive).
    bool isSettled() const;
    /// The `alignment` key of --state-json (see WindowState.h).
    QJsonObject state() const;
    /// The store the timeline was read from (empty: none).
    QString storeDir() const { return m_store.storeDir; }

Q_SIGNALS:
    /// isSettled() may have changed.
    void settledMaybe();

private:
    void createDock(QMainWindow *window);
    void onSetChanged();
    void requestCurrentSet();
    void askWorker();
    void onEncoded(std::shared_ptr<const SetEmbeddings> embeddings);
    void onFailed(const QString &message);
    void onAligned(quint64 ticket, const QString &error, std::shared_ptr<const SetAlignment> alignment,
                   std::shared_ptr<const ModelFrame> frame, const QString &note);
    void reloadTimeline();
    void applyOverlays();
    void applyOverlay(MapView *view);
    void setStatus(const QString &text);
    void updateTimelineMessage();
    /// Adds the aligned set on screen to the timeline unless a point of the same set is there.
    void addCurrentPoint();
    void updateSpan();

    QPointer<QMainWindow> m_window;
    ArchiveDocument *m_archive;
    ObservationDocument *m_observation;
    QPointer<MapGrid> m_grid;
    InferenceWorker *m_worker;
    QDockWidget *m_dock = nullptr;
    AlignmentTimeline *m_timeline = nullptr;
    QComboBox *m_measureBox = nullptr;
    QSlider *m_opacitySlider = nullptr;
    QComboBox *m_regionBox = nullptr;
    QLabel *m_statusLabel = nullptr;

    bool m_active = false;
    Measure m_measure = Measure::Cosine;
    double m_opacity = 0.6;
    QString m_status;
    QString m_note;                   // the encoder's note on the set (cut-out, channels missing)
    std::shared_ptr<const SetAlignment> m_current;
    std::shared_ptr<const ModelFrame> m_frame;
    std::vector<uint8_t> m_cellHasData;  // per cell: every channel had data there
    std::vector<float> m_cellRadius;  // per cell of the aligned set: centre distance in solar radii (NaN: unknown)
    bool m_waitingEncode = false;     // asked the worker for the set on screen
    quint64 m_alignTicket = 0;        // the alignment being worked out (stale ones are dropped)
    bool m_aligning = false;
    // Timeline
    QString m_modelHash;
    StoreTimeline m_store;            // the store read, its sets' times, the points added while browsing
    double m_alignMs = 0;             // the last set's alignment on the pool (reports)
};

}  // namespace solarchip
