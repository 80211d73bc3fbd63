#pragma once
// Click -> similarity heatmaps. When the observation document's set is loaded, the InferenceWorker encodes it
// in the background (cached per set and model; stepping on cancels stale work). A click on any map view (or a
// Shift+drag box: the mean of the cells whose centres lie in it) picks the model cell under it through the
// shown map's WCS and the model frame, and every view of the set gets a HeatmapLayer with the cosine similarity
// of that cell's embedding to every cell of the view's channel (its own channel: self-similarity; the others:
// cross-modal), the top-k cells marked and the query outlined. Once the set is encoded, a click is answered on
// the UI thread in a few milliseconds (a dot product of 2 x 256 vectors of 128 and a recolouring; no model run).
// The query is kept in helioprojective arcsec: stepping in time shows the same place's similarity in the new
// set once that set is encoded.
//
// queryChanged(QueryPoint) is the signal the alignment view and the search gallery follow (see QueryPoint.h).
// --query-hpc/--query-box give the click for scripted runs (setScriptedQuery); isSettled() tells the
// --screenshot hook when the heatmaps of the current query are on screen.

#include "app/gui/QueryPoint.h"
#include "models/inference/SetEncoding.h"

#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QString>

#include <memory>
#include <optional>
#include <vector>

class QRubberBand;
class QWidget;

namespace solarchip {

class ArchiveDocument;
class HeatmapLayer;
class InferenceWorker;
class MapGrid;
class MapView;
class ObservationDocument;
struct MapReadout;

class HeatmapController : public QObject {
    Q_OBJECT
public:
    HeatmapController(ObservationDocument *document, ArchiveDocument *archive, MapGrid *grid, InferenceWorker *worker,
                      QObject *parent = nullptr);
    ~HeatmapController() override;

    /// Encode the shown sets (default on). Off: nothing is encoded and clicks do nothing.
    void setEnabled(bool enabled);
    bool isEnabled() const { return m_enabled; }

    /// A click (or box) at a point of the set on screen; the heatmaps follow at once when the set is encoded,
    /// else when it is.
    void setQuery(const QueryPoint &query);
    /// The click of --query-hpc: at `hpc` (box `box`) on `channel` (empty: the model's first AIA channel the
    /// set has, else the first view's), at whatever set is shown first.
    void setScriptedQuery(QPointF hpc, std::optional<QSizeF> box, const QString &channel,
                          std::optional<QLineF> drag = std::nullopt);
    void clearQuery();
    /// A Shift+drag shows the line from its press to the pointer (the time-distance view's slit) instead of a box.
    void setDragDrawsLine(bool line) { m_dragDrawsLine = line; }
    const std::optional<QueryPoint> &query() const { return m_query; }

    /// Nothing waits: no query, or the heatmaps of the query are drawn for the current set, or the set could
    /// not be encoded / the query could not be placed (the reason in lastError()).
    bool isSettled() const;
    bool isShown() const { return m_shown; }
    QString lastError() const { return m_error; }
    std::shared_ptr<const SetEmbeddings> embeddings() const { return m_embeddings; }

    /// Draw the heatmaps on the maps (default) or keep them computed but hidden: the alignment view draws its
    /// own per-cell overlay on the same maps, and two cell overlays with two colour bars on one map read as one.
    void setLayersVisible(bool visible);
    bool layersVisible() const { return m_layersVisible; }

    void setOpacity(double opacity);
    double opacity() const { return m_opacity; }
    void setThreshold(double threshold);
    double threshold() const { return m_threshold; }
    void setTopK(int k);
    int topK() const { return m_topK; }

    /// Milliseconds the last query took from setQuery to every layer updated (UI thread), and the last
    /// encode on the worker.
    double lastApplyMs() const { return m_applyMs; }
    /// The heatmap layer of a view (null when it has none yet).
    static HeatmapLayer *layerOf(MapView *view);
    /// "  similarity 0.873 (cell 8, 5)" for the readout of view `viewIndex` at `readout`'s pixel; "" when none.
    QString readoutText(int viewIndex, const MapReadout &readout) const;
    /// The `heatmap` object of --state-json (see WindowState.h).
    QJsonObject state() const;
    /// One line for the status area: "Similarity: encoding…", the note, an error.
    QString statusText() const;

Q_SIGNALS:
    /// A click, a box drag or --query-hpc picked a point (also the alignment view's and the gallery's cue).
    void queryChanged(const solarchip::QueryPoint &query);
    /// Heatmaps were drawn or cleared, or the encoding state changed (statusText()).
    void heatmapsChanged();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void onSetChanged();
    void onSetLoaded();
    void onEncoded(std::shared_ptr<const SetEmbeddings> embeddings);
    void onFailed(const QString &message);
    void apply();
    void clearLayers();
    void installFilters();
    HeatmapLayer *ensureLayer(MapView *view);
    int viewIndexOf(MapView *view) const;
    std::optional<QPointF> hpcAt(MapView *view, QPointF widgetPoint) const;

    struct ViewResult {
        QString channel;
        int peakCell = -1;
        double peakValue = 0;
        double queryValue = 0;
        std::vector<int> top;
        bool self = false;
    };

    ObservationDocument *m_document;
    ArchiveDocument *m_archive;
    QPointer<MapGrid> m_grid;
    InferenceWorker *m_worker;
    bool m_enabled = true;
    std::optional<QueryPoint> m_query;
    bool m_queryFromScript = false;
    std::shared_ptr<const SetEmbeddings> m_embeddings;
    bool m_encoding = false;
    bool m_shown = false;
    bool m_layersVisible = true;
    QString m_error;
    int m_queryChannel = -1;           // index in m_embeddings->channels
    std::vector<int> m_queryCells;
    std::vector<ViewResult> m_results;  // per grid view
    double m_opacity = 0.6;
    double m_threshold = -1.0;
    int m_topK = 5;
    double m_applyMs = -1;
    // Box drag (Shift + left button).
    QPointer<MapView> m_dragView;
    QPointF m_pressPos;
    bool m_pressed = false;
    bool m_boxDrag = false;
    QRubberBand *m_band = nullptr;
    QWidget *m_lineBand = nullptr;  // the drag drawn as a line (the time-distance slit)
    bool m_dragDrawsLine = false;
};

}  // namespace solarchip
