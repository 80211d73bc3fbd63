#include "app/gui/FlareController.h"

#include "app/gui/ArchiveDocument.h"
#include "app/gui/CurrentSetRequest.h"
#include "app/gui/DockFront.h"
#include "app/gui/FlarePanel.h"
#include "app/gui/InferenceWorker.h"
#include "app/gui/LabelEfficiencyRun.h"
#include "app/gui/ObservationDocument.h"
#include "app/gui/StoreTimeline.h"
#include "app/gui/StudioSettings.h"
#include "core/archive/FlareFluxBaseline.h"
#include "core/archive/FlareList.h"
#include "core/archive/FlareListCache.h"
#include "core/base/ThreadBudget.h"
#include "core/base/ThreadPriority.h"
#include "models/embeddings/EmbeddingStore.h"
#include "models/inference/SetEncoding.h"
#include "widgets/CellValueLayer.h"
#include "widgets/FlareTimeline.h"
#include "widgets/MapGrid.h"
#include "widgets/MapView.h"
#include "widgets/TimelineModel.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMainWindow>
#include <QProcess>
#include <QScrollArea>
#include <QSettings>
#include <QTimeZone>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>
#include <limits>

namespace solarchip {

namespace {

const QString kLayerId = QStringLiteral("flare");
const QString kSettingsKey = QStringLiteral("flare/headRun");
constexpr int kCacheSize = 256;

QJsonValue number(double v) { return std::isfinite(v) ? QJsonValue(v) : QJsonValue(); }

QString isoUtc(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(Qt::ISODateWithMs);
}

// The CLI's head hash (flare-predict --json head_hash): SHA-256 of head.json.
QString headHashOf(const QString &runDir)
{
    QFile f(QDir(runDir).filePath(QStringLiteral("head.json")));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromLatin1(QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex());
}

QString flareFolder(const QString &archiveDir) { return archiveDir + QStringLiteral("/.solarchip/flare"); }

// The model hash head.json names (read without loading the head).
QString headModelHash(const QString &runDir)
{
    QFile f(QDir(runDir).filePath(QStringLiteral("head.json")));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("model_hash")).toString();
}

// The P(>=C) / P(>=M) of one row of predict().
void probabilitiesOf(const FlareProbabilities &p, size_t row, double *c, double *m, double *primary)
{
    *c = row < p.geC.size() ? p.geC[row] : qQNaN();
    *m = row < p.geM.size() ? p.geM[row] : qQNaN();
    *primary = row < p.primary.size() ? p.primary[row] : qQNaN();
}

// Scores the set on screen: the head's inputs from the worker's embeddings, the probabilities, the attribution.
FlareController::Result scoreSet(const FlareRun &run, const SetEmbeddings &e, const QStringList &channels,
                                 const std::vector<int> *cells, const QString &archiveDir)
{
    FlareController::Result r;
    r.timeMs = e.timeMs;
    r.grid = e.grid;
    if (e.frame)
        r.frame = std::make_shared<const ModelFrame>(*e.frame);
    r.cellCentreHpc = e.cellCentreHpc;
    auto x = flareFeaturesOfSet(e, channels, flareHeadReadsPatches(run.head.kind()), cells);
    if (!x) {
        r.error = x.errorString();
        return r;
    }
    auto p = run.predict(*x);
    if (!p) {
        r.error = p.errorString();
        return r;
    }
    probabilitiesOf(*p, 0, &r.pGeC, &r.pGeM, &r.primary);
    // The non-learned reference beside the forecast: the set's magnetogram's unsigned flux through the run's
    // flux baseline (read here, off the UI thread, like the rest of the scoring).
    const int hmi = e.channelIndex(QStringLiteral("hmi"));
    if (!run.fluxBaseline.valid()) {
        r.fluxError = QObject::tr("the head has no flux baseline (trained before it existed, or without HMI)");
    } else if (hmi < 0 || hmi >= e.files.size()) {
        r.fluxError = QObject::tr("the set has no HMI magnetogram");
    } else {
        r.fluxFile = e.files[hmi];
        // Through the archive's flux cache (a full-resolution magnetogram takes most of a second to read).
        const std::vector<double> flux =
            diskFluxOfFiles({r.fluxFile}, &r.fluxError, nullptr, archiveDir.isEmpty() ? QString() : diskFluxCacheFile(archiveDir));
        if (std::isfinite(flux.front())) {
            r.fluxError.clear();
            r.fluxMx = flux.front();
            r.fluxP = run.fluxBaseline.probability(r.fluxMx);
        }
    }
    // The head's own map (attention: pool weights; mean pool: the cells' logit terms), then occlusion.
    auto pool = flareAttribution(run, *x, flareNativeAttribution(run.head.kind()));
    auto occlusion = pool ? flareAttribution(run, *x, FlareAttributionMethod::Occlusion) : pool;
    if (!pool)
        r.attributionError = pool.errorString();
    else if (!occlusion)
        r.attributionError = occlusion.errorString();
    else {
        r.pool = std::move(pool->values);
        r.occlusion = std::move(occlusion->values);
    }
    return r;
}

struct TimelineResult : StoreRead {
    QString flareList, flareError;
    QVector<FlareTimeline::Point> points;
    QStringList hmiFiles;  ///< each point's magnetogram (empty: none), for the non-learned reference's pass
    QVector<FlareTimeline::Flare> flares;
};

}  // namespace

FlareController::FlareController(QMainWindow *window, ArchiveDocument *archive, ObservationDocument *observation,
                                 MapGrid *grid, InferenceWorker *worker, StudioSettings *settings, QObject *parent)
    : QObject(parent), m_window(window), m_archive(archive), m_observation(observation), m_grid(grid), m_worker(worker),
      m_settings(settings)
{
    createDock(window);
    connect(m_observation, &ObservationDocument::setChanged, this, &FlareController::onSetChanged);
    connect(m_observation, &ObservationDocument::setLoaded, this, &FlareController::requestCurrentSet, Qt::QueuedConnection);
    connect(m_observation, &ObservationDocument::memberChanged, this, [this] { applyOverlays(); });
    connect(m_observation, &ObservationDocument::timeChanged, m_panel->timeline(), &FlareTimeline::setCurrentTime);
    connect(m_panel->timeline(), &FlareTimeline::timeRequested, m_observation, &ObservationDocument::goToTime);
    connect(m_worker, &InferenceWorker::encoded, this, &FlareController::onEncoded);
    connect(m_worker, &InferenceWorker::failed, this, &FlareController::onFailed);
    connect(m_worker, &InferenceWorker::busyChanged, this, [this](bool busy) {
        if (!busy && m_active && m_waitingEncode && !m_current && !m_scoring)
            QMetaObject::invokeMethod(this, [this] { askWorker(); }, Qt::QueuedConnection);
    });
    connect(m_worker, &InferenceWorker::currentModelChanged, this, [this](const QString &hash) {
        if (hash == m_modelHash)
            return;
        m_modelHash = hash;
        m_modelFailed = false;
        resolveHead();
    });
    connect(m_archive, &ArchiveDocument::opened, this, [this] {
        m_current.reset();
        m_cache.clear();
        m_cacheOrder.clear();
        resolveHead();
    });
    connect(m_panel, &FlarePanel::chooseHeadRequested, this, &FlareController::chooseHead);
    connect(m_panel, &FlarePanel::trainRequested, this, &FlareController::trainHead);
    connect(m_panel, &FlarePanel::cancelTrainingRequested, this, [this] {
        if (m_training && m_training->state() != QProcess::NotRunning)
            m_training->terminate();
    });
    connect(m_panel, &FlarePanel::attributionChanged, this, [this] {
        showResult();
        applyOverlays();
    });
    m_modelHash = m_worker->modelHash();
}

FlareController::~FlareController()
{
    if (m_training && m_training->state() != QProcess::NotRunning) {
        m_training->disconnect(this);
        m_training->kill();
        m_training->waitForFinished(3000);
    }
}

void FlareController::createDock(QMainWindow *window)
{
    m_dock = new QDockWidget(tr("Flare forecast"), window);
    m_dock->setObjectName(QStringLiteral("dock.flare"));
    // In a scroll area: on a short window the panel (word-wrapped notes, buttons, the plot) scrolls instead of
    // forcing its minimum height on the right column.
    auto *scroll = new QScrollArea(m_dock);
    scroll->setObjectName(QStringLiteral("flareScroll"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_panel = new FlarePanel(scroll);
    scroll->setWidget(m_panel);
    m_dock->setWidget(scroll);
    // Beside the maps: the numbers read at a glance, the timeline below them.
    window->addDockWidget(Qt::RightDockWidgetArea, m_dock, Qt::Vertical);
    m_dock->hide();
}

void FlareController::setActive(bool active)
{
    if (active == m_active) {
        m_dock->setVisible(active);
        return;
    }
    m_active = active;
    m_dock->setVisible(active);
    if (active) {
        if (m_window) {
            // The whole right column: in front of the docks already there (a tab away), a third of the window.
            if (m_window->dockWidgetArea(m_dock) == Qt::RightDockWidgetArea && !m_dock->isFloating()
                && m_window->tabifiedDockWidgets(m_dock).isEmpty())
                for (QDockWidget *other : m_window->findChildren<QDockWidget *>())
                    if (other != m_dock && !other->isHidden() && !other->isFloating()
                        && m_window->dockWidgetArea(other) == Qt::RightDockWidgetArea) {
                        m_window->tabifyDockWidget(other, m_dock);
                        break;
                    }
            bringDockToFront(m_dock);  // a restored layout may hold another tab in front
            m_window->resizeDocks({m_dock}, {std::max(420, m_window->width() / 3)}, Qt::Horizontal);
        }
        m_modelHash = m_worker->modelHash();
        resolveHead();
        m_panel->timeline()->setCurrentTime(m_observation->hasTime() ? m_observation->time() : QDateTime());
    } else {
        m_waitingEncode = false;
    }
    applyOverlays();
    Q_EMIT settledMaybe();
}

void FlareController::setHeadRun(const QString &runDir)
{
    const QString dir = runDir.isEmpty() ? QString() : QFileInfo(runDir).absoluteFilePath();
    m_override.clear();  // an explicit choice replaces --flare-head
    if (m_settings) {
        m_settings->raw().setValue(kSettingsKey, dir);
        m_settings->sync();
    }
    resolveHead();
}

void FlareController::setHeadOverride(const QString &runDir)
{
    m_override = runDir.isEmpty() ? QString() : QFileInfo(runDir).absoluteFilePath();
    resolveHead();
}

void FlareController::resolveHead()
{
    // The setting, else the newest head under the archive trained on the current model.
    const QString archiveDir = m_archive->archiveDir();
    QString dir = !m_override.isEmpty() ? m_override : m_settings ? m_settings->raw().value(kSettingsKey).toString() : QString();
    m_headProblem.clear();
    if (dir.isEmpty() && !archiveDir.isEmpty() && !m_modelHash.isEmpty()) {
        QDateTime newest;
        const QDir root(flareFolder(archiveDir));
        for (const QString &name : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
            const QFileInfo head(root.filePath(name) + QStringLiteral("/head.json"));
            if (head.isFile() && headModelHash(head.path()) == m_modelHash
                && (!newest.isValid() || head.lastModified() > newest)) {
                newest = head.lastModified();
                dir = head.path();
            }
        }
    }
    const QString previous = m_headHash;
    m_run.reset();
    m_runDir = dir;
    m_headHash.clear();
    if (dir.isEmpty()) {
        m_headProblem = tr("No flare head for this model yet. Make one (seconds on stored embeddings) with:  %1   or "
                           "press \"Train a head\".").arg(trainCommand());
    } else if (auto run = FlareRun::load(dir); !run) {
        m_headProblem = tr("The flare head %1 cannot be used: %2").arg(QDir::toNativeSeparators(dir), run.errorString());
    } else if (m_modelHash.isEmpty()) {
        m_headProblem = tr("Loading the model…");
    } else if (Status s = run->checkEncoder(m_modelHash); !s) {
        m_headProblem = tr("%1: %2. Train one for the current model with:  %3")
                            .arg(QDir::toNativeSeparators(dir), s.errorString(), trainCommand());
    } else {
        m_run = std::make_shared<const FlareRun>(std::move(*run));
        m_headHash = headHashOf(dir);
    }
    m_panel->setMeanPoolHead(m_run && flareNativeAttribution(m_run->head.kind()) == FlareAttributionMethod::LogitContribution);
    m_panel->setAttributionAvailable(m_run && m_run->head.kind() != FlareHeadKind::Linear);
    if (m_run) {
        const FlareRun &r = *m_run;
        QString trainedOn = r.archiveDir.isEmpty() ? QString() : tr(", trained on %1").arg(QDir::toNativeSeparators(r.archiveDir));
        m_panel->setHeadText(tr("Head: %1 (%2 head, target %3, %4 h window%5), head hash %6 · model %7 (hash %8)")
                                 .arg(QDir::toNativeSeparators(m_runDir), flareHeadKindName(r.head.kind()),
                                      flareTargetName(r.spec.target))
                                 .arg(r.spec.windowHours)
                                 .arg(trainedOn, m_headHash.left(12), QFileInfo(m_worker->modelPath()).fileName(),
                                      m_modelHash.left(12)));
        m_panel->setStatus({});
    } else {
        m_panel->setHeadText(m_runDir.isEmpty() ? tr("Head: none") : tr("Head: %1 (not used)").arg(QDir::toNativeSeparators(m_runDir)));
        m_panel->setStatus(m_headProblem);
        m_panel->clearForecast({});
    }
    Q_EMIT headChanged();
    if (previous != m_headHash || !m_run) {
        // Work for the old head is dropped; the set on screen is scored again (or from the cache).
        m_current.reset();
        m_cellIndex.clear();
        ++m_ticket;
        m_scoring = false;
        m_waitingEncode = false;
    }
    if (!m_active) {
        applyOverlays();
        return;
    }
    m_panel->timeline()->setClimatology(m_run ? m_run->climatology : qQNaN());
    reloadTimeline();
    requestCurrentSet();
    showResult();
    applyOverlays();
    Q_EMIT settledMaybe();
}

QString FlareController::trainCommand() const
{
    const QString archiveDir = m_archive->archiveDir();
    if (archiveDir.isEmpty())
        return tr("solarchip flare-train --archive ARCHIVE --target 4class --head attn --out RUN --threads 1  (open an "
                  "archive with a flare list first)");
    QStringList args = {QStringLiteral("solarchip"), QStringLiteral("flare-train"), QStringLiteral("--archive"),
                        QStringLiteral("'%1'").arg(QDir::toNativeSeparators(archiveDir)), QStringLiteral("--target"),
                        QStringLiteral("4class"), QStringLiteral("--head"), QStringLiteral("attn")};
    const QString model = m_worker->modelPath();
    if (!model.isEmpty() && !model.startsWith(QLatin1String(":/")))
        args << QStringLiteral("--model") << QStringLiteral("'%1'").arg(QDir::toNativeSeparators(model));
    // The default split wants 60-day blocks (five of them, 27-day buffers): a shorter archive lets flare-train cut
    // its span into blocks whose validation block holds both outcomes (any fixed length left some archives, the
    // 30-day sample among them, with a validation block without an M window, and no head could be calibrated).
    const TimelineModel *span = m_archive->timeline();
    const double days = span && span->last() > span->first() ? (span->last() - span->first()) / 86400000.0 : 0;
    if (splitForSpan(days, 24.0))  // shorter than the default split's five 60-day blocks
        args << QStringLiteral("--block-days") << QStringLiteral("auto");
    args << QStringLiteral("--out") << QStringLiteral("'%1'").arg(QDir::toNativeSeparators(flareFolder(archiveDir) + QStringLiteral("/attn-4class")))
         << QStringLiteral("--threads") << QStringLiteral("1");
    return args.join(QLatin1Char(' '));
}

bool FlareController::isTraining() const
{
    return m_training && m_training->state() != QProcess::NotRunning;
}

void FlareController::trainHead()
{
    const QString archiveDir = m_archive->archiveDir();
    if (isTraining())
        return;
    if (archiveDir.isEmpty()) {
        m_panel->setTraining(false, tr("Open an archive with a flare list (swpc_flarelist_*.csv) first."));
        return;
    }
    QString program = qEnvironmentVariable("SOLARCHIP_CLI");
    if (program.isEmpty())
        program = QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("solarchip"));
    if (!QFileInfo(program).isExecutable()) {
        m_panel->setTraining(false, tr("%1: the solarchip command is missing; cannot train a head").arg(QDir::toNativeSeparators(program)));
        return;
    }
    // The command the panel shows, with a run folder of its own (earlier heads are kept).
    QStringList args = trainCommand().split(QLatin1Char(' '));
    args.removeFirst();  // "solarchip"
    for (QString &a : args)
        if (a.startsWith(QLatin1Char('\'')) && a.endsWith(QLatin1Char('\'')))
            a = a.mid(1, a.size() - 2);
    m_trainingRun = flareFolder(archiveDir) + QStringLiteral("/attn-4class-")
                    + QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    const int out = static_cast<int>(args.indexOf(QStringLiteral("--out")));
    if (out >= 0 && out + 1 < args.size())
        args[out + 1] = m_trainingRun;
    args << QStringLiteral("--json");
    delete m_training;
    m_training = new QProcess(this);
    m_trainingOut.clear();
    m_trainingErr.clear();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("OMP_NUM_THREADS"), QStringLiteral("1"));  // one torch thread: see platform-notes
    m_training->setProcessEnvironment(env);
    connect(m_training, &QProcess::readyReadStandardOutput, this, [this] {
        m_trainingOut += m_training->readAllStandardOutput();
        // The last complete JSON line says where it is (embedding sets, epochs).
        const QList<QByteArray> lines = m_trainingOut.split('\n');
        for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
            const QJsonObject o = QJsonDocument::fromJson(*it).object();
            if (o.isEmpty())
                continue;
            const QString event = o.value(QStringLiteral("event")).toString();
            if (event == QLatin1String("embed"))
                m_panel->setTraining(true, tr("Training a head: embedding the archive's sets (%1 of %2)…")
                                               .arg(o.value(QStringLiteral("done")).toInt())
                                               .arg(o.value(QStringLiteral("total")).toInt()));
            else if (!event.isEmpty())
                m_panel->setTraining(true, tr("Training a head: %1…").arg(event));
            break;
        }
    });
    connect(m_training, &QProcess::readyReadStandardError, this, [this] { m_trainingErr += m_training->readAllStandardError(); });
    connect(m_training, &QProcess::finished, this, [this](int code, QProcess::ExitStatus status) {
        if (status == QProcess::NormalExit && code == 0 && QFileInfo::exists(m_trainingRun + QStringLiteral("/head.json"))) {
            m_panel->setTraining(false, tr("Trained %1").arg(QDir::toNativeSeparators(m_trainingRun)));
            setHeadRun(m_trainingRun);
        } else {
            const QString err = QString::fromUtf8(m_trainingErr).trimmed().split(QLatin1Char('\n')).value(0);
            m_panel->setTraining(false, tr("Training the head failed (exit %1): %2").arg(code).arg(err.isEmpty() ? tr("cancelled") : err));
        }
    });
    connect(m_training, &QProcess::errorOccurred, this, [this, program](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            m_panel->setTraining(false, tr("%1: could not start: %2").arg(QDir::toNativeSeparators(program), m_training->errorString()));
    });
    ThreadPriority::lowerChildProcess(m_training);
    m_panel->setTraining(true, tr("Training a head: solarchip %1").arg(args.join(QLatin1Char(' '))));
    m_training->start(program, args);
}

void FlareController::chooseHead()
{
    const QString start = m_runDir.isEmpty() ? flareFolder(m_archive->archiveDir()) : m_runDir;
    const QString dir = QFileDialog::getExistingDirectory(m_window, tr("Flare head (a flare-train run folder)"), start);
    if (!dir.isEmpty())
        setHeadRun(dir);
}

void FlareController::setAttributionShown(bool shown) { m_panel->setAttributionShown(shown); }
void FlareController::setAttributionMethod(int method) { m_panel->setAttributionMethod(method); }

bool FlareController::isSettled() const
{
    const bool reloadPending = m_timelineWanted && !m_cellIndex.empty();
    // A head is chosen and the model it needs is still loading: the head cannot be checked yet.
    const bool modelPending = m_modelHash.isEmpty() && !m_runDir.isEmpty() && !m_modelFailed;
    return !m_active || (!m_waitingEncode && !m_scoring && !m_store.loading && !reloadPending && !modelPending && !m_fluxLoading);
}

void FlareController::onSetChanged()
{
    m_current.reset();
    ++m_ticket;
    m_scoring = false;
    m_waitingEncode = m_active && m_run && m_observation->hasTime();
    applyOverlays();
    Q_EMIT settledMaybe();
}

void FlareController::requestCurrentSet()
{
    if (!m_active || !m_run || !m_observation->hasTime())
        return;
    const ObservationSet &set = m_observation->wholeSet();
    if (!hasMemberFiles(set)) {
        m_waitingEncode = false;
        Q_EMIT settledMaybe();
        return;
    }
    if (m_current || m_scoring)
        return;
    m_waitingEncode = true;
    m_encodeError.clear();
    m_panel->clearForecast(tr("Encoding the set of %1 with the model…").arg(set.referenceTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))));
    if (auto hit = cachedOrAsk(*m_worker, set, m_archive->archiveDir(), /*onlyWhenIdle=*/true)) {
        onEncoded(hit);
        return;
    }
    Q_EMIT settledMaybe();
}

void FlareController::askWorker()
{
    if (!m_active || !m_waitingEncode || !m_observation->hasTime())
        return;
    if (auto hit = cachedOrAsk(*m_worker, m_observation->wholeSet(), m_archive->archiveDir(), /*onlyWhenIdle=*/false))
        onEncoded(hit);
}

QString FlareController::resultKey(const SetEmbeddings &e) const
{
    return e.files.join(QLatin1Char('|')) + QLatin1Char('#') + e.modelHash + QLatin1Char('#') + m_headHash;
}

void FlareController::onEncoded(std::shared_ptr<const SetEmbeddings> embeddings)
{
    if (!m_active || !m_run || !embeddings || !InferenceWorker::isEncodingOf(*embeddings, m_observation->wholeSet()) || m_current || m_scoring)
        return;
    m_waitingEncode = false;
    const QString key = resultKey(*embeddings);
    if (auto hit = m_cache.value(key)) {
        m_current = hit;
        showResult();
        applyOverlays();
        Q_EMIT settledMaybe();
        return;
    }
    const quint64 ticket = ++m_ticket;
    m_scoring = true;
    auto run = m_run;
    // The model's channels the set has (its order), as the CLI takes the model's channels the archive has: a head
    // trained on other channels is refused by its width check.
    const QStringList channels = embeddings->channels;
    const std::vector<int> cells = m_cellIndex;
    const QString archiveDir = m_archive->archiveDir(), hash = m_modelHash;
    auto future = QtConcurrent::run(ThreadBudget::instance().pool(ThreadBudget::Pool::Inference),
                                    [run, embeddings, channels, cells, archiveDir, hash] {
        std::vector<int> use = cells;
        QString cellError;
        if (flareHeadReadsPatches(run->head.kind()) && use.empty()) {
            // The cells the head was trained on: the archive's first set's (flare-train's rule), from the store.
            const QString storeDir = findModelStore(archiveDir, hash);
            if (!storeDir.isEmpty()) {
                auto store = EmbeddingStore::open(storeDir);
                auto found = store ? flareHeadCells(*store) : Expected<std::vector<int>>(store.error());
                if (found)
                    use = std::move(*found);
                else
                    cellError = found.errorString();
            }
        }
        Result r = scoreSet(*run, *embeddings, channels, use.empty() ? nullptr : &use, archiveDir);
        r.cellIndex = use;
        if (!r.error.isEmpty() && !cellError.isEmpty())
            r.error += QStringLiteral(" (the archive's first set's cells: %1)").arg(cellError);
        return r;
    });
    auto *watcher = new QFutureWatcher<Result>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, ticket, key] {
        watcher->deleteLater();
        if (ticket != m_ticket)
            return;
        m_scoring = false;
        auto result = std::make_shared<const Result>(watcher->result());
        if (result->error.isEmpty() && m_cellIndex.empty() && !result->cellIndex.empty()) {
            // The cells the timeline's attention inputs keep.
            m_cellIndex = result->cellIndex;
            if (m_timelineWanted)
                QMetaObject::invokeMethod(this, [this] { reloadTimeline(); }, Qt::QueuedConnection);
        }
        if (result->error.isEmpty()) {
            m_cache.insert(key, result);
            m_cacheOrder << key;
            while (m_cacheOrder.size() > kCacheSize)
                m_cache.remove(m_cacheOrder.takeFirst());
        }
        m_current = result;
        showResult();
        addCurrentPoint();
        applyOverlays();
        Q_EMIT settledMaybe();
    });
    watcher->setFuture(future);
    Q_EMIT settledMaybe();
}

void FlareController::onFailed(const QString &message)
{
    if (m_modelHash.isEmpty() && !m_modelFailed) {
        // The model did not load: nothing can be scored (the message names the file).
        m_modelFailed = true;
        m_headProblem = tr("The model could not be loaded: %1").arg(message);
        m_panel->setStatus(m_headProblem);
        Q_EMIT settledMaybe();
        return;
    }
    if (!m_active || !m_waitingEncode)
        return;
    m_waitingEncode = false;
    m_encodeError = message;
    m_panel->clearForecast(tr("The set could not be encoded: %1").arg(message));
    Q_EMIT settledMaybe();
}

void FlareController::showResult()
{
    if (!m_run)
        return;
    if (!m_current) {
        if (!m_observation->hasTime())
            m_panel->clearForecast(tr("No set shown."));
        m_panel->setAttributionNote({});
        return;
    }
    const Result &r = *m_current;
    if (!r.error.isEmpty()) {
        m_panel->clearForecast(tr("No forecast for this set: %1").arg(r.error));
        m_panel->setAttributionNote({});
        return;
    }
    const FlareRun &run = *m_run;
    const bool primaryC = run.spec.target == FlareTarget::GeC;
    const double climC = primaryC ? run.climatology : qQNaN(), climM = primaryC ? qQNaN() : run.climatology;
    QString note = tr("Set of %1 UTC, next %2 h").arg(isoUtc(r.timeMs).left(19).replace(QLatin1Char('T'), QLatin1Char(' '))).arg(run.spec.windowHours);
    if (run.spec.target == FlareTarget::GeC)
        note += tr(" · this head forecasts ≥C only (a 4class head gives both)");
    else if (run.spec.target == FlareTarget::GeM)
        note += tr(" · this head forecasts ≥M only (a 4class head gives both)");
    else
        note += tr(" · the climatology is the training base rate of ≥M (the head's calibrated event)");
    note += tr(" · threshold %1").arg(run.threshold, 0, 'f', 2);
    if (std::isfinite(r.fluxP))
        note += tr(" · non-learned reference: P(%1) %2 from the disk's unsigned HMI flux %3 Mx (threshold %4)")
                    .arg(primaryC ? QStringLiteral("≥C") : QStringLiteral("≥M"))
                    .arg(r.fluxP, 0, 'f', 2)
                    .arg(r.fluxMx, 0, 'e', 2)
                    .arg(run.fluxBaseline.threshold, 0, 'f', 2);
    m_panel->setForecast(r.pGeC, r.pGeM, climC, climM, note);
    if (!r.attributionError.isEmpty())
        m_panel->setAttributionNote(tr("No attribution: %1").arg(r.attributionError));
    else if (m_panel->attributionMethod() == 1)
        m_panel->setAttributionNote(tr("Cells coloured by how much P(%1) falls when the cell is left out of the %2 "
                                       "(exact for this head; red raises the forecast, blue lowers it).")
                                        .arg(run.spec.target == FlareTarget::GeC ? QStringLiteral("≥C") : QStringLiteral("≥M"),
                                             run.head.kind() == FlareHeadKind::MeanPool ? tr("mean")
                                             : run.head.kind() == FlareHeadKind::Quad  ? tr("quad pool")
                                                                                       : tr("attention pool")));
    else if (run.head.kind() == FlareHeadKind::MeanPool)
        m_panel->setAttributionNote(tr("Cells coloured by their term of the head's logit (the head is linear in the cells' "
                                       "mean token, so the terms and the bias sum to the logit exactly; red raises the "
                                       "forecast, blue lowers it)."));
    else if (run.head.kind() == FlareHeadKind::Quad)
        m_panel->setAttributionNote(tr("Cells coloured by their term of the head's logit (the head is linear in the cells' "
                                       "mean of their tokens' principal-component scores and squared scores, so the terms "
                                       "and the bias sum to the logit exactly; a cell whose token strays from the disk's "
                                       "usual ones weighs more; red raises the forecast, blue lowers it)."));
    else {
        // A pool that weighs every cell alike (a head trained on too little, or on nothing regional) points at no
        // region: say so, and draw nothing rather than an evenly coloured disk to be read as a map (applyOverlay).
        m_panel->setAttributionNote(tr("Cells coloured by the attention head's pool weight (the share of the full-disk "
                                       "vector taken from the cell; the weights sum to 1).")
                                    + (poolSinglesOutNoRegion(r.pool)
                                           ? tr(" Here every cell gets the same weight (within 1%): the head singles out "
                                                "no region, so the maps are left uncoloured (occlusion shows how much "
                                                "each cell moves the forecast).")
                                           : QString()));
    }
}

bool FlareController::poolSinglesOutNoRegion(const std::vector<float> &pool)
{
    float lo = std::numeric_limits<float>::infinity(), hi = -lo;
    for (float w : pool)
        if (std::isfinite(w)) {
            lo = std::min(lo, w);
            hi = std::max(hi, w);
        }
    return hi >= lo && hi - lo <= 0.01f * hi;
}

void FlareController::addCurrentPoint()
{
    if (!m_current || !m_current->error.isEmpty())
        return;
    // A set already in the store's timeline is drawn there (the store dates it by its first channel, seconds
    // away from the set's reference time).
    const qint64 t = m_current->timeMs;
    if (m_store.holds(t, m_observation->toleranceMs()))
        return;
    const int before = static_cast<int>(m_panel->timeline()->points().size());
    m_panel->timeline()->addPoint({t, m_current->pGeC, m_current->pGeM});
    if (static_cast<int>(m_panel->timeline()->points().size()) > before)
        ++m_store.browsedPoints;
    updateTimelineMessage();
}

void FlareController::reloadTimeline()
{
    m_store.reset();
    m_flareError.clear();
    m_flareList.clear();
    m_timelineWanted = false;
    FlareTimeline *timeline = m_panel->timeline();
    timeline->clear();
    timeline->setFlares({});  // the markers come back with the list read below (another archive: another list)
    const TimelineModel *span = m_archive->timeline();
    const qint64 from = span && span->last() > span->first() ? span->first() : 0;
    const qint64 to = span && span->last() > span->first() ? span->last() : 0;
    timeline->setSpan(from, to);
    const QString archiveDir = m_archive->archiveDir();
    if (archiveDir.isEmpty()) {
        updateTimelineMessage();
        return;
    }
    // Mean-pool and attention heads read the on-disk cells: the first set scored gives them.
    if (m_run && flareHeadReadsPatches(m_run->head.kind()) && m_cellIndex.empty()) {
        m_timelineWanted = true;
        updateTimelineMessage();
        return;
    }
    // Without a head the timeline still shows the archive's flare list (markers over the default 24 h window).
    auto run = m_run;
    const QString hash = m_modelHash;
    const std::vector<int> cells = m_cellIndex;
    const double windowMs = (run ? run->spec.windowHours : 24.0) * 3600e3;
    m_flareFromMs = from - static_cast<qint64>(windowMs);
    m_flareToMs = to + static_cast<qint64>(windowMs);
    m_store.start<TimelineResult>(this, [archiveDir, hash, run, cells, from, to, windowMs] {
        TimelineResult r;
        QElapsedTimer clock;
        clock.start();
        // The flares of the archive's list, C and above, over the archive's span and a window either side.
        if (auto list = findFlareList(archiveDir); !list) {
            r.flareError = list.errorString();
        } else if (auto flares = loadFlareListShared(*list); !flares) {
            r.flareError = flares.errorString();
        } else {
            r.flareList = *list;
            const QDateTime a = QDateTime::fromMSecsSinceEpoch(from - static_cast<qint64>(windowMs), QTimeZone::utc());
            const QDateTime b = QDateTime::fromMSecsSinceEpoch(to + static_cast<qint64>(windowMs), QTimeZone::utc());
            for (const FlareEvent &e : (*flares)->between(a, b, kGoesC))
                r.flares << FlareTimeline::Flare{e.labelTime().toMSecsSinceEpoch(), flareClassIndex(e.peakFlux)};
        }
        if (!run)
            return r;  // no head: the flare list alone
        const bool read = readModelStore(archiveDir, hash, r, [&](EmbeddingStore &store) -> Status {
            const EmbeddingStoreInfo info = store.info();
            const bool attention = flareHeadReadsPatches(run->head.kind());
            const int hmi = static_cast<int>(info.channels.indexOf(QStringLiteral("hmi")));
            std::vector<EmbeddingRecord> batch;
            auto flush = [&]() -> Status {
                auto x = flareFeaturesOfRecords(batch, static_cast<int>(info.channels.size()), info.dim, info.grid, cells, attention);
                for (const EmbeddingRecord &rec : batch)
                    r.hmiFiles << (hmi >= 0 ? rec.files.value(hmi) : QString());
                batch.clear();
                if (!x)
                    return x.error();
                auto p = run->predict(*x);
                if (!p)
                    return p.error();
                for (int i = 0; i < x->n; ++i) {
                    FlareTimeline::Point point;
                    point.timeMs = x->timesMs[static_cast<size_t>(i)];
                    double primary;
                    probabilitiesOf(*p, static_cast<size_t>(i), &point.pGeC, &point.pGeM, &primary);
                    r.points << point;
                }
                return Status::success();
            };
            Status st = store.forEachRecord([&](EmbeddingRecord &&rec) -> Status {
                if (!attention)
                    std::vector<float>().swap(rec.patches);
                batch.push_back(std::move(rec));
                return batch.size() >= 128 ? flush() : Status::success();
            }, RecordOrder::Time);
            if (st && !batch.empty())
                st = flush();
            return st;
        });
        if (read)
            r.seconds = clock.nsecsElapsed() / 1e9;
        return r;
    }, [this](const TimelineResult &r) {
        m_flareList = r.flareList;
        m_flareError = r.flareError;
        FlareTimeline *timeline = m_panel->timeline();
        timeline->setPoints(r.error.isEmpty() ? r.points : QVector<FlareTimeline::Point>{});
        timeline->setFlares(r.flares);
        std::vector<qint64> times;
        if (r.error.isEmpty())
            for (const FlareTimeline::Point &p : r.points)
                times.push_back(p.timeMs);
        m_store.setStoredTimes(std::move(times));
        addCurrentPoint();
        timeline->setCurrentTime(m_observation->hasTime() ? m_observation->time() : QDateTime());
        updateTimelineMessage();
        if (r.error.isEmpty())
            startFluxPass(r.points, r.hmiFiles);
        Q_EMIT settledMaybe();
    });
    updateTimelineMessage();
}

void FlareController::startFluxPass(const QVector<FlareTimeline::Point> &points, const QStringList &files)
{
    // The head's non-learned reference along the timeline: each stored set's magnetogram's unsigned flux (the
    // archive's flux cache answers for files measured before; others are read once, off the UI thread, after the
    // head's own curve is shown), through the head's flux baseline.
    const quint64 ticket = ++m_fluxTicket;  // a pass still running is for points no longer shown
    m_fluxLoading = false;
    if (!m_run || !m_run->fluxBaseline.valid() || files.size() != points.size())
        return;
    const FluxBaseline baseline = m_run->fluxBaseline;
    const QString cache = diskFluxCacheFile(m_archive->archiveDir());
    m_fluxLoading = true;
    auto future = QtConcurrent::run(ThreadBudget::instance().pool(ThreadBudget::Pool::Background), [points, files, baseline, cache] {
        QVector<FlareTimeline::Point> out = points;
        const std::vector<double> flux = diskFluxOfFiles(files, nullptr, nullptr, cache);
        for (int i = 0; i < out.size(); ++i)
            out[i].pFlux = baseline.probability(flux[static_cast<size_t>(i)]);
        return out;
    });
    auto *watcher = new QFutureWatcher<QVector<FlareTimeline::Point>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, ticket] {
        watcher->deleteLater();
        if (ticket != m_fluxTicket)
            return;
        m_fluxLoading = false;
        // Onto the timeline's points as they are now (the set on screen may have been added meanwhile).
        QHash<qint64, double> byTime;
        for (const FlareTimeline::Point &p : watcher->result())
            byTime.insert(p.timeMs, p.pFlux);
        QVector<FlareTimeline::Point> now = m_panel->timeline()->points();
        for (FlareTimeline::Point &p : now)
            p.pFlux = byTime.value(p.timeMs, p.pFlux);
        m_panel->timeline()->setPoints(now);
        Q_EMIT settledMaybe();
    });
    watcher->setFuture(future);
}

void FlareController::updateTimelineMessage()
{
    FlareTimeline *timeline = m_panel->timeline();
    const QString archiveDir = m_archive->archiveDir();
    QString text;
    if (!m_run) {
        text.clear();
    } else if (m_store.loading) {
        text = tr("Scoring the embedding store of model %1…").arg(m_modelHash.left(12));
    } else if (m_timelineWanted) {
        text = tr("The timeline follows once the set on screen is scored (it gives the on-disk cells the attention head reads).");
    } else if (archiveDir.isEmpty()) {
        text = tr("Loose files, no archive: the points are the sets scored while you browse (%1).").arg(timeline->points().size());
    } else if (!m_store.error.isEmpty()) {
        text = tr("The embedding store could not be read: %1. The points are the sets scored while you browse (%2).")
                   .arg(m_store.error).arg(timeline->points().size());
    } else if (m_store.storeDir.isEmpty()) {
        text = tr("No embedding store of model %1 in this archive: the points are the sets scored while you browse (%2). "
                  "For the whole archive run:  solarchip embed --archive '%3'  (flare-train fills it too).")
                   .arg(m_modelHash.left(12)).arg(timeline->points().size()).arg(QDir::toNativeSeparators(archiveDir));
    } else {
        text = tr("%1 sets from the embedding store %2").arg(m_store.sets).arg(QDir::toNativeSeparators(m_store.storeDir));
        if (m_store.browsedPoints > 0)
            text += tr(", %n more scored while browsing", nullptr, m_store.browsedPoints);
    }
    QString flares;
    if (!m_flareError.isEmpty())
        flares = tr("No flare markers: %1").arg(m_flareError);
    else if (!m_flareList.isEmpty()) {
        const auto n = timeline->flareCounts();
        flares = tr("Flares of %1: %2 C, %3 M, %4 X").arg(QFileInfo(m_flareList).fileName()).arg(n[0]).arg(n[1]).arg(n[2]);
    }
    if (!flares.isEmpty())
        text += text.isEmpty() ? flares : tr(" · ") + flares;
    timeline->setMessage(text);
}

void FlareController::applyOverlays()
{
    if (!m_grid)
        return;
    for (int i = 0; i < m_grid->count(); ++i)
        applyOverlay(m_grid->view(i));
}

void FlareController::applyOverlay(MapView *view)
{
    if (!view)
        return;
    auto *layer = dynamic_cast<CellValueLayer *>(view->overlay(kLayerId));
    if (!layer) {
        if (!m_active)
            return;
        auto made = std::make_shared<CellValueLayer>(kLayerId);
        made->setVisible(false);
        layer = made.get();
        view->addOverlay(std::move(made));
    }
    const bool occlusion = m_panel->attributionMethod() == 1;
    const bool termHead = m_run && flareNativeAttribution(m_run->head.kind()) == FlareAttributionMethod::LogitContribution;
    const bool flatPool = m_run && m_current && !occlusion && !termHead
                          && poolSinglesOutNoRegion(m_current->pool);
    const bool shown = m_active && m_panel->attributionShown() && m_run && m_current && m_current->frame
                       && !m_current->pool.empty() && !flatPool;
    if (!shown) {
        layer->setValues({});
        view->setOverlayVisible(kLayerId, false);
        return;
    }
    std::vector<float> values = occlusion ? m_current->occlusion : m_current->pool;
    double lo = 0, hi = 0;
    for (float v : values)
        if (std::isfinite(v)) {
            lo = std::min(lo, static_cast<double>(v));
            hi = std::max(hi, static_cast<double>(v));
        }
    layer->setFrame(m_current->frame);
    layer->setValues(std::move(values));
    if (occlusion || termHead) {
        const double m = std::max({std::abs(lo), std::abs(hi), 1e-6});
        layer->setScale(-m, m, QStringLiteral("RdBu_r"), false,
                        occlusion ? tr("flare forecast: P drop without the cell (occlusion)")
                                  : tr("flare forecast: the cell's term of the logit"));
    } else {
        layer->setScale(0, std::max(hi, 1e-6), QStringLiteral("inferno"), false, tr("flare forecast: attention pool weight"));
    }
    layer->setOpacity(0.55);
    if (!layer->isVisible())
        view->setOverlayVisible(kLayerId, true);
    view->update();
}

QJsonObject FlareController::state() const
{
    QJsonObject o;
    o[QStringLiteral("active")] = m_active;
    o[QStringLiteral("dock_in_front")] = dockIsInFront(m_dock);
    o[QStringLiteral("head_run")] = m_runDir;
    o[QStringLiteral("head_setting")] = m_settings ? m_settings->raw().value(kSettingsKey).toString() : QString();
    o[QStringLiteral("head_hash")] = m_headHash;
    o[QStringLiteral("model_hash")] = m_modelHash;
    o[QStringLiteral("head_problem")] = m_headProblem;
    o[QStringLiteral("train_command")] = trainCommand();
    o[QStringLiteral("training")] = isTraining();
    if (m_run) {
        o[QStringLiteral("head_kind")] = flareHeadKindName(m_run->head.kind());
        o[QStringLiteral("target")] = flareTargetName(m_run->spec.target);
        o[QStringLiteral("window_hours")] = m_run->spec.windowHours;
        o[QStringLiteral("climatology")] = m_run->climatology;
        o[QStringLiteral("threshold")] = m_run->threshold;
    }
    const Result *r = m_current && m_current->error.isEmpty() ? m_current.get() : nullptr;
    o[QStringLiteral("time")] = r ? QJsonValue(isoUtc(r->timeMs)) : QJsonValue();
    o[QStringLiteral("p_ge_c")] = r ? number(r->pGeC) : QJsonValue();
    o[QStringLiteral("p_ge_m")] = r ? number(r->pGeM) : QJsonValue();
    o[QStringLiteral("flux_baseline")] =
        r ? QJsonValue(QJsonObject{{QStringLiteral("p"), number(r->fluxP)}, {QStringLiteral("flux_mx"), number(r->fluxMx)},
                                   {QStringLiteral("file"), r->fluxFile}, {QStringLiteral("error"), r->fluxError}})
          : QJsonValue();
    o[QStringLiteral("error")] = m_current && !m_current->error.isEmpty() ? m_current->error : m_encodeError;
    o[QStringLiteral("status")] = m_panel->statusText();
    // The attribution: the method shown and its top cell (grid row/col, helioprojective arcsec of its centre).
    QJsonObject attribution;
    const bool occlusion = m_panel->attributionMethod() == 1;
    attribution[QStringLiteral("method")] = flareAttributionMethodName(
        occlusion ? FlareAttributionMethod::Occlusion
                  : flareNativeAttribution(m_run ? m_run->head.kind() : FlareHeadKind::Attention));
    attribution[QStringLiteral("enabled")] = m_panel->attributionShown();
    attribution[QStringLiteral("error")] = r ? r->attributionError : QString();
    attribution[QStringLiteral("note")] = m_panel->attributionNote();
    int shownViews = 0;
    if (m_grid)
        for (int i = 0; i < m_grid->count(); ++i) {
            const auto *layer = dynamic_cast<const CellValueLayer *>(m_grid->view(i)->overlay(kLayerId));
            shownViews += layer && layer->isVisible() && layer->hasValues() ? 1 : 0;
        }
    attribution[QStringLiteral("views_shown")] = shownViews;
    if (r && !r->pool.empty()) {
        const std::vector<float> &v = occlusion ? r->occlusion : r->pool;
        int best = -1;
        for (size_t i = 0; i < v.size(); ++i)
            if (std::isfinite(v[i]) && (best < 0 || v[i] > v[static_cast<size_t>(best)]))
                best = static_cast<int>(i);
        if (best >= 0) {
            const QPointF hpc = static_cast<size_t>(best) < r->cellCentreHpc.size() ? r->cellCentreHpc[static_cast<size_t>(best)]
                                                                                    : QPointF(qQNaN(), qQNaN());
            attribution[QStringLiteral("top_cell")] = QJsonObject{
                {QStringLiteral("row"), best / r->grid}, {QStringLiteral("col"), best % r->grid},
                {QStringLiteral("value"), number(v[static_cast<size_t>(best)])},
                {QStringLiteral("hpc_x"), number(hpc.x())}, {QStringLiteral("hpc_y"), number(hpc.y())}};
        }
    }
    o[QStringLiteral("attribution")] = attribution;
    const FlareTimeline *timeline = m_panel->timeline();
    o[QStringLiteral("timeline_points")] = static_cast<int>(timeline->points().size());
    o[QStringLiteral("timeline_flux_points")] = static_cast<int>(
        std::count_if(timeline->points().begin(), timeline->points().end(), [](const FlareTimeline::Point &p) { return std::isfinite(p.pFlux); }));
    o[QStringLiteral("timeline_source")] = m_store.storeDir.isEmpty() ? QStringLiteral("browsing") : QStringLiteral("store");
    o[QStringLiteral("store")] = m_store.storeDir.isEmpty() ? QJsonValue() : QJsonValue(m_store.storeDir);
    o[QStringLiteral("timeline_seconds")] = m_store.seconds;
    o[QStringLiteral("timeline_message")] = timeline->message();
    const auto n = timeline->flareCounts();
    o[QStringLiteral("flare_markers")] = QJsonObject{{QStringLiteral("C"), n[0]}, {QStringLiteral("M"), n[1]}, {QStringLiteral("X"), n[2]}};
    o[QStringLiteral("flare_list")] = m_flareList;
    // The flares marked: label time (peak, else start) in [from, to), the archive's span and a window either side.
    o[QStringLiteral("flare_range_ms")] = QJsonArray{static_cast<double>(m_flareFromMs), static_cast<double>(m_flareToMs)};
    o[QStringLiteral("cursor_time")] = timeline->currentTime().isValid()
                                           ? QJsonValue(timeline->currentTime().toString(Qt::ISODateWithMs))
                                           : QJsonValue();
    if (timeline->points().size() <= 5000) {
        QJsonArray points;
        for (const FlareTimeline::Point &p : timeline->points())
            points.append(QJsonArray{p.timeMs, number(p.pGeC), number(p.pGeM)});
        o[QStringLiteral("timeline")] = points;
    }
    return o;
}

}  // namespace solarchip
