#pragma once
// The app side of archive search (issue 11): finds the open archive's embedding store for the current model
// (ARCHIVE/.solarchip/embeddings/<model hash>; the current model is the InferenceWorker's), runs the embedding job (EmbedJob, a child process) with progress,
// ETA, cancel and resume, answers queries (a click or box on a map, --query-hpc) with runGallerySearch() off the
// UI thread, fills the gallery (ResultsGallery in the "Archive search" dock, SearchPanel) and cuts each hit's
// thumbnail off the UI thread, moves the app to a hit's time with the hit framed on the maps (OverlayHitBox),
// and exports hits to CSV and JSON. MainWindow creates it; it adds its dock to the window itself.
//
// States (state()): "no-archive", "model" (the current model's hash is being worked out), "no-store" (nothing
// embedded yet: the panel offers to embed), "other-model" (a store whose hash is not the current model's:
// never trusted, re-embed), "embedding", "ready", "searching", "error".

#include "app/gui/GallerySearch.h"
#include "app/gui/QueryPoint.h"

#include <QJsonObject>
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <optional>

class QDockWidget;

namespace solarchip {

class EmbedJob;
class MainWindow;
class OverlayHitBox;
class ResultsGallery;
class SearchPanel;

class SearchController : public QObject {
    Q_OBJECT
public:
    explicit SearchController(MainWindow *window);
    ~SearchController() override;

    /// A query to run once a time is shown and the store is known (--query-hpc): its time is the time shown
    /// then, its channel the one given (empty: the focus channel, else the store's reference channel).
    void setPendingQuery(const QPointF &hpc, const std::optional<QSizeF> &box, const QString &channel = {});

    QString state() const { return m_state; }
    QString message() const { return m_message; }
    QString storeDir() const;
    QString modelHash() const { return m_modelHash; }
    GalleryFilters filters() const { return m_filters; }
    void setFilters(const GalleryFilters &filters);
    const std::vector<GalleryHit> &hits() const;
    int framedHit() const { return m_framed; }
    std::optional<QueryPoint> lastQuery() const { return m_query; }
    const GallerySearchResult &lastResult() const { return m_result; }
    EmbedJob *embedJob() const { return m_job; }
    ResultsGallery *gallery() const;
    SearchPanel *panel() const { return m_panel; }
    QDockWidget *dock() const { return m_dock; }
    /// Brings the gallery's tab to the front.
    void raiseDock();
    /// Shows or hides the box framing the chosen hit on the maps (hidden where another view marks the query:
    /// the light curve's box).
    void setFrameVisible(bool visible);

    /// Nothing pending: the model hash is known, no search runs and every thumbnail is cut (or failed).
    bool isSettled() const;
    /// The "search" key of --state-json (WindowState.h documents it).
    QJsonObject stateJson() const;

    Status exportCsv(const QString &path) const;
    Status exportJson(const QString &path) const;

public Q_SLOTS:
    void query(const QueryPoint &query);
    /// Re-runs the last query (filters changed).
    void requery();
    /// Starts (or resumes) embedding the open archive.
    void embedArchive();
    void cancelEmbedding();
    /// Moves the app to a hit's time with the hit framed on the maps.
    void activateHit(int row);

Q_SIGNALS:
    void stateChanged(const QString &state, const QString &message);
    void embedProgress(qint64 done, qint64 total, double etaSeconds);
    void hitsChanged();
    void settledMaybe();

private:
    void onArchiveOpened();
    void onModel(const QString &hash);
    void checkStore();
    void setState(const QString &state, const QString &message = {});
    void runPending();
    void prepareIndex(const QStringList &channels);
    void cutThumbnails();
    /// Outlines a helioprojective box on every map view observed near `timeMs` (OverlayHitBox).
    void frame(const QRectF &hpcBox, qint64 timeMs, const QString &label);
    QJsonObject queryJson() const;

    MainWindow *m_window;
    EmbedJob *m_job;
    QDockWidget *m_dock = nullptr;
    SearchPanel *m_panel = nullptr;
    std::shared_ptr<OverlayHitBox> m_overlay;

    QString m_modelHash;
    QString m_storeHash;   // the store's own hash when it is another model's
    qint64 m_storeCount = 0;
    QString m_state = QStringLiteral("no-archive");
    QString m_message;
    bool m_resolving = true;  // until the inference worker has a model
    bool m_stale = false;
    bool m_raisePending = false;  // the search view mode's gallery tab, raised once the window is laid out     // a query came while the gallery was hidden
    bool m_checking = false;
    int m_searching = 0;
    int m_indexing = 0;
    QStringList m_indexNotes;  // what preparing each channel's index did
    quint64 m_ticket = 0;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    GalleryFilters m_filters;
    std::optional<QueryPoint> m_query;
    struct Pending {
        QPointF hpc;
        std::optional<QSizeF> box;
        QString channel;
    };
    std::optional<Pending> m_pending;
    GallerySearchResult m_result;
    int m_framed = -1;
    int m_thumbsPending = 0;
};

}  // namespace solarchip
