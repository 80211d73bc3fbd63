#pragma once
// The flare forecast in the app (issue 12; View > Flare forecast, --view flare): a dock beside the maps
// (FlarePanel) with P(>=C) and P(>=M) in the next window for the set on screen, the head and model used and the
// climatological rate; a timeline of the forecast over the archive with the list's flares marked by class; and
// an attribution overlay on the maps (CellValueLayer, per model cell through each map's WCS).
//
// The head: a flare-train run folder (RUN/head.json, models/flare/FlareRun), the StudioSettings key
// `flare/headRun`; empty: the newest head under ARCHIVE/.solarchip/flare/*/ trained on the current model. A head of
// another encoder is refused with FlareRun::checkEncoder's message; without a head the panel gives the exact
// flare-train command and a "Train a head" button that runs it as a child process at low priority (as EmbedJob)
// and installs the head it writes. setHeadRun() is the public slot the model wizard's "install" calls.
//
// Where the numbers come from (never the UI thread):
//  - the set on screen: the InferenceWorker's SetEmbeddings (the same encoding the heatmaps and the alignment view
//    use; nothing is encoded twice), turned into the head's inputs (models/flare/FlareInputs.h) and scored by
//    FlareRun::predict on the thread budget's inference pool; results are cached per (set, model, head);
//  - the timeline: the archive's embedding store of the current model (what `solarchip embed` writes), streamed
//    record by record on the background pool; without one, the sets scored while browsing;
//  - flare markers: the archive's flare list (swpc_flarelist_*.csv in its top folder).
// Attribution: see models/flare/FlareInputs.h (attention heads: pool weights or exact occlusion of a cell from
// the pool; linear heads: none, and the panel says why).

#include "app/gui/StoreTimeline.h"
#include "models/flare/FlareInputs.h"
#include "widgets/FlareTimeline.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QPointF>
#include <QtNumeric>
#include <QString>

#include <memory>
#include <vector>

class QDockWidget;
class QMainWindow;
class QProcess;

namespace solarchip {

class ArchiveDocument;
class FlarePanel;
class InferenceWorker;
class MapGrid;
class MapView;
class ModelFrame;
class ObservationDocument;
class StudioSettings;
struct SetEmbeddings;

class FlareController : public QObject {
    Q_OBJECT
public:
    /// What the panel shows for one set under one head.
    struct Result {
        qint64 timeMs = 0;
        QString error;
        double pGeC = qQNaN(), pGeM = qQNaN(), primary = qQNaN();
        std::vector<float> pool, occlusion;  ///< [grid*grid] (attention heads; empty otherwise)
        QString attributionError;
        std::shared_ptr<const ModelFrame> frame;
        std::vector<QPointF> cellCentreHpc;
        int grid = 0;
        std::vector<int> cellIndex;  ///< the cells the attention head read (the archive's first set's on-disk cells)
        /// The run's non-learned baseline on this set (core/archive/FlareFluxBaseline): the HMI file read, its
        /// total unsigned flux and the baseline's P(event); NaN with `fluxError` when it has none.
        QString fluxFile, fluxError;
        double fluxMx = qQNaN(), fluxP = qQNaN();
    };

    FlareController(QMainWindow *window, ArchiveDocument *archive, ObservationDocument *observation, MapGrid *grid,
                    InferenceWorker *worker, StudioSettings *settings, QObject *parent = nullptr);
    ~FlareController() override;

    /// The view mode is "flare": the dock and the overlays shown, sets scored as they come.
    void setActive(bool active);
    bool isActive() const { return m_active; }

    /// Uses this run folder for this session only (--flare-head): not saved; empty: back to the setting.
    void setHeadOverride(const QString &runDir);
    /// The run folder in use (resolved: the setting, else the newest usable head found); empty: none.
    QString headRun() const { return m_runDir; }
    /// Why no forecast is shown (no head, another encoder, a head that cannot be read); empty when one is.
    QString headProblem() const { return m_headProblem; }
    /// The flare-train command the panel suggests for this archive and model.
    QString trainCommand() const;
    /// Runs that command as a child process (the "Train a head" button); the head it writes is installed.
    void trainHead();
    bool isTraining() const;

    void setAttributionShown(bool shown);
    /// 0 pool weight, 1 occlusion.
    void setAttributionMethod(int method);

    QDockWidget *dock() const { return m_dock; }
    FlarePanel *panel() const { return m_panel; }
    std::shared_ptr<const Result> current() const { return m_current; }
    /// Nothing is being encoded, scored or read for the panel (always true while inactive).
    bool isSettled() const;
    /// The `flare` key of --state-json (see WindowState.h).
    QJsonObject state() const;

public Q_SLOTS:
    /// Uses this flare-train run folder as the head (saved as `flare/headRun`); empty: the newest usable head of
    /// the archive. The panel says why when it cannot be used.
    void setHeadRun(const QString &runDir);

Q_SIGNALS:
    void settledMaybe();
    /// A head was installed or refused (headRun() / headProblem() changed).
    void headChanged();

private:
    void createDock(QMainWindow *window);
    void resolveHead();
    void onSetChanged();
    void requestCurrentSet();
    void askWorker();
    void onEncoded(std::shared_ptr<const SetEmbeddings> embeddings);
    void onFailed(const QString &message);
    void showResult();
    void reloadTimeline();
    void updateTimelineMessage();
    /// The non-learned reference along the timeline (`files`: each point's magnetogram), in the background.
    void startFluxPass(const QVector<FlareTimeline::Point> &points, const QStringList &files);
    void addCurrentPoint();
    void applyOverlays();
    void applyOverlay(MapView *view);
    /// An attention pool whose weights are all equal within 1% of the largest: it points at no region.
    static bool poolSinglesOutNoRegion(const std::vector<float> &pool);
    void chooseHead();
    QString resultKey(const SetEmbeddings &e) const;

    QPointer<QMainWindow> m_window;
    ArchiveDocument *m_archive;
    ObservationDocument *m_observation;
    QPointer<MapGrid> m_grid;
    InferenceWorker *m_worker;
    StudioSettings *m_settings;
    QDockWidget *m_dock = nullptr;
    FlarePanel *m_panel = nullptr;
    bool m_active = false;

    // The head
    QString m_override;
    bool m_modelFailed = false;
    QString m_runDir, m_headProblem, m_headHash, m_modelHash;
    std::shared_ptr<const FlareRun> m_run;

    // The set on screen
    std::shared_ptr<const Result> m_current;
    std::vector<int> m_cellIndex;  // the on-disk cells of the last set scored (the timeline's attention inputs)
    bool m_waitingEncode = false;
    bool m_scoring = false;
    quint64 m_ticket = 0;
    quint64 m_fluxTicket = 0;  ///< the timeline's non-learned reference pass (startFluxPass)
    bool m_fluxLoading = false;
    QString m_encodeError;
    QHash<QString, std::shared_ptr<const Result>> m_cache;
    QStringList m_cacheOrder;

    // Timeline
    StoreTimeline m_store;          // the store read, its sets' times, the points added while browsing
    bool m_timelineWanted = false;  // reload once the first set gives the on-disk cells (attention heads)
    QString m_flareList, m_flareError;
    qint64 m_flareFromMs = 0, m_flareToMs = 0;

    // Training child process
    QProcess *m_training = nullptr;
    QString m_trainingRun;
    QByteArray m_trainingOut, m_trainingErr;
};

}  // namespace solarchip
