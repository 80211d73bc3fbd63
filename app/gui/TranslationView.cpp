#include "app/gui/TranslationView.h"

#include "app/gui/ElidedLabel.h"
#include "app/gui/ObservationDocument.h"
#include "app/gui/StudioSettings.h"
#include "app/gui/TranslationWorker.h"
#include "core/map/DisplayLimits.h"
#include "core/map/MapMeta.h"
#include "widgets/Colormap.h"
#include "widgets/MapGrid.h"
#include "widgets/MapView.h"
#include "widgets/ViewLink.h"

#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScopedValueRollback>
#include <QSettings>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>

#include <cmath>

namespace solarchip {

namespace {

const char kRunKey[] = "translation/run";
const char kChannelKey[] = "translation/channel";
const char kSamplesKey[] = "translation/samples";
const char kSeedKey[] = "translation/seed";

QString panelRole(int panel)
{
    static const char *roles[] = {"hmi", "translated", "real", "difference", "spread"};
    return QString::fromLatin1(roles[panel]);
}

DisplaySettings spreadDisplaySettings()
{
    DisplaySettings s;
    s.colormap = Colormap::exists(QStringLiteral("viridis")) ? QStringLiteral("viridis") : QStringLiteral("grey");
    s.stretch = DisplayStretch::Linear;
    s.limits = DisplayLimitsMode::Percentile;
    s.percentileLow = 0;
    s.percentileHigh = 99.5;
    return s;
}

}  // namespace

TranslationView::TranslationView(ObservationDocument *observation, StudioSettings *settings, QWidget *parent)
    : QWidget(parent), m_observation(observation), m_settings(settings)
{
    setObjectName(QStringLiteral("translationView"));
    m_worker = new TranslationWorker(this);
    buildUi();
    {
        QSettings &s = m_settings->raw();
        m_runDir = s.value(QLatin1String(kRunKey)).toString();
        m_samplesBox->setValue(std::clamp(s.value(QLatin1String(kSamplesKey), 1).toInt(), 1, m_samplesBox->maximum()));
        m_seedBox->setValue(std::clamp(s.value(QLatin1String(kSeedKey), 0).toInt(), 0, m_seedBox->maximum()));
        const QString channel = s.value(QLatin1String(kChannelKey)).toString();
        if (!channel.isEmpty())
            m_channelBox->addItem(channelLabel(channel), channel);
    }
    connect(m_worker, &TranslationWorker::translatorLoaded, this, &TranslationView::onTranslatorLoaded);
    connect(m_worker, &TranslationWorker::translatorFailed, this, &TranslationView::onTranslatorFailed);
    connect(m_worker, &TranslationWorker::finished, this, &TranslationView::onFinished);
    connect(m_worker, &TranslationWorker::failed, this, [this](const QString &message) {
        m_progress->hide();
        clearTranslatedPanels(tr("Translation failed: %1").arg(message));
        setState(State::Failed, tr("Translation failed: %1").arg(message));
    });
    connect(m_worker, &TranslationWorker::cancelled, this, [this] {
        m_progress->hide();
        if (!m_active)
            return;  // left the view: nothing to say
        m_heldAfterCancel = true;
        clearTranslatedPanels(tr("Translation cancelled: press Translate to run it again."));
        setState(State::Cancelled, tr("Cancelled. Press Translate to run it again."));
    });
    connect(m_worker, &TranslationWorker::progress, this, [this](int done, int total) {
        m_progressDone = done;
        m_progressTotal = total;
        m_progress->setRange(0, std::max(1, total));
        m_progress->setValue(done);
        m_progress->setFormat(tr("sampling %1/%2").arg(done).arg(total));
    });
    connect(m_worker, &TranslationWorker::busyChanged, this, [this](bool busy) {
        m_cancelButton->setEnabled(busy);
        if (!busy)
            Q_EMIT settledMaybe();
    });
    connect(m_observation, &ObservationDocument::setChanged, this, &TranslationView::onSetChanged);
    connect(m_observation, &ObservationDocument::memberChanged, this, &TranslationView::onMemberChanged);
    for (int i = 0; i < PanelCount; ++i)
        connect(panel(Panel(i)), &MapView::renderFinished, this, &TranslationView::onRendered);
    // The Display dock edits the selected panel here too: the magnetogram's and the AIA channel's choices are the
    // channel's (remembered, as in the map grid); the translated and the real panel keep one display between
    // them so the comparison stays fair. The difference and the spread are this view's own.
    for (Panel p : {HmiPanel, TranslatedPanel, RealPanel})
        connect(panel(p), &MapView::displaySettingsChanged, this,
                [this, p](const DisplaySettings &s) { onDisplayEdited(p, s); });
}

void TranslationView::onDisplayEdited(Panel which, const DisplaySettings &settings)
{
    MapView *view = panel(which);
    if (m_applyingDisplay || !view->map())
        return;
    m_settings->rememberDisplayFor(view->map()->meta, settings);
    if (which == TranslatedPanel || which == RealPanel) {
        MapView *other = panel(which == TranslatedPanel ? RealPanel : TranslatedPanel);
        if (other->hasMap()) {
            const QScopedValueRollback<bool> guard(m_applyingDisplay, true);
            other->setDisplaySettings(settings);
        }
    }
}

TranslationView::~TranslationView() = default;

void TranslationView::buildUi()
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(2);

    auto *controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("AIA channel:"), this));
    m_channelBox = new QComboBox(this);
    m_channelBox->setObjectName(QStringLiteral("translationChannel"));
    m_channelBox->setToolTip(tr("The AIA channel the translator makes (its run's channels)"));
    m_channelBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    controls->addWidget(m_channelBox);
    controls->addWidget(new QLabel(tr("Samples:"), this));
    m_samplesBox = new QSpinBox(this);
    m_samplesBox->setObjectName(QStringLiteral("translationSamples"));
    m_samplesBox->setRange(1, 64);
    m_samplesBox->setToolTip(tr("N samples: the translated map is their mean, the spread their per-pixel standard "
                                "deviation (the uncertainty to weigh before trusting the picture)"));
    controls->addWidget(m_samplesBox);
    controls->addWidget(new QLabel(tr("Seed:"), this));
    m_seedBox = new QSpinBox(this);
    m_seedBox->setObjectName(QStringLiteral("translationSeed"));
    m_seedBox->setRange(0, 1000000000);
    m_seedBox->setToolTip(tr("The first sample's seed (samples use seed, seed+1, ...): the same seed gives the same "
                             "picture, as `solarchip translate --seed` does"));
    controls->addWidget(m_seedBox);
    m_translateButton = new QPushButton(tr("Translate"), this);
    m_translateButton->setObjectName(QStringLiteral("translationRun"));
    m_cancelButton = new QPushButton(tr("Cancel"), this);
    m_cancelButton->setObjectName(QStringLiteral("translationCancel"));
    m_cancelButton->setEnabled(false);
    controls->addWidget(m_translateButton);
    controls->addWidget(m_cancelButton);
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("translationProgress"));
    m_progress->setMaximumWidth(220);
    m_progress->setTextVisible(true);
    m_progress->hide();
    controls->addWidget(m_progress);
    m_status = new ElidedLabel(this);
    m_status->setObjectName(QStringLiteral("translationStatus"));
    controls->addWidget(m_status, 1);
    layout->addLayout(controls);

    m_banner = new QLabel(this);
    m_banner->setObjectName(QStringLiteral("translationBanner"));
    m_banner->setWordWrap(true);
    m_banner->setStyleSheet(QStringLiteral("QLabel { background: #5a3d00; color: #ffe9b0; padding: 3px; }"));
    layout->addWidget(m_banner);

    m_grid = new MapGrid(this);
    m_grid->setObjectName(QStringLiteral("translationGrid"));
    m_grid->setColumns(3);
    for (int i = 0; i < PanelCount; ++i)
        m_grid->addMap(nullptr);
    layout->addWidget(m_grid, 1);

    connect(m_translateButton, &QPushButton::clicked, this, &TranslationView::translate);
    connect(m_cancelButton, &QPushButton::clicked, this, &TranslationView::cancel);
    connect(m_channelBox, &QComboBox::currentIndexChanged, this, [this] {
        m_settings->raw().setValue(QLatin1String(kChannelKey), channel());
        m_heldAfterCancel = false;  // a new choice
        scheduleTranslate();
    });
    connect(m_samplesBox, &QSpinBox::valueChanged, this, [this](int n) {
        m_settings->raw().setValue(QLatin1String(kSamplesKey), n);
        m_heldAfterCancel = false;  // a new choice
        scheduleTranslate();
    });
    connect(m_seedBox, &QSpinBox::valueChanged, this, [this](int seed) {
        m_settings->raw().setValue(QLatin1String(kSeedKey), seed);
        m_heldAfterCancel = false;  // a new choice
        scheduleTranslate();
    });
    updateBanner();
}

MapView *TranslationView::panel(Panel p) const
{
    return m_grid->view(int(p));
}

void TranslationView::setActive(bool active)
{
    if (active == m_active)
        return;
    m_active = active;
    if (!active) {
        m_worker->cancel();
        setState(State::Inactive, QString());
        return;
    }
    if (!m_translatorAsked) {
        m_translatorAsked = true;
        setState(State::LoadingTranslator, tr("Loading the translator…"));
        m_worker->loadTranslator(m_runDir);
    }
    onSetChanged();
}

void TranslationView::setRunDir(const QString &dir)
{
    if (dir == m_runDir && m_translatorAsked)
        return;
    m_runDir = dir;
    m_settings->raw().setValue(QLatin1String(kRunKey), dir);
    m_translatorReady = false;
    m_translatorError.clear();
    if (m_active || m_translatorAsked) {
        m_translatorAsked = true;
        setState(State::LoadingTranslator, tr("Loading the translator…"));
        m_worker->loadTranslator(m_runDir);
    }
}

void TranslationView::setChannel(const QString &channel)
{
    int index = m_channelBox->findData(channel);
    if (index < 0) {
        m_channelBox->addItem(channelLabel(channel), channel);
        index = m_channelBox->count() - 1;
    }
    m_channelBox->setCurrentIndex(index);
}

QString TranslationView::channel() const
{
    return m_channelBox->currentData().toString();
}

void TranslationView::setSamples(int samples) { m_samplesBox->setValue(samples); }
int TranslationView::samples() const { return m_samplesBox->value(); }
void TranslationView::setSeed(quint64 seed) { m_seedBox->setValue(int(std::min<quint64>(seed, 1000000000))); }
quint64 TranslationView::seed() const { return quint64(m_seedBox->value()); }

void TranslationView::onTranslatorLoaded(const TranslatorInfo &info)
{
    m_translatorReady = true;
    m_translatorError.clear();
    // The chooser offers the run's channels; the choice stays when the run has it, else the first channel the set
    // has a real map of, else the run's first.
    const QString before = channel();
    {
        const QSignalBlocker block(m_channelBox);
        m_channelBox->clear();
        for (const QString &c : info.channels)
            m_channelBox->addItem(channelLabel(c), c);
        int index = m_channelBox->findData(before);
        if (index < 0)
            for (int i = 0; i < m_channelBox->count() && index < 0; ++i)
                if (m_observation->wholeSet().member(m_channelBox->itemData(i).toString()))
                    index = i;
        m_channelBox->setCurrentIndex(std::max(0, index));
    }
    updateBanner();
    scheduleTranslate();
}

void TranslationView::onTranslatorFailed(const QString &message)
{
    m_translatorReady = false;
    m_translatorError = message;
    m_progress->hide();
    clearTranslatedPanels(tr("No translator: %1").arg(message));
    setState(State::Unavailable, tr("No translator: %1").arg(message));
    updateBanner();
}

void TranslationView::onSetChanged()
{
    if (!m_active)
        return;
    showHmi();
    m_heldAfterCancel = false;  // a new time is a new choice
    scheduleTranslate();
}

void TranslationView::onMemberChanged(int index)
{
    if (!m_active)
        return;
    const auto &members = m_observation->members();
    if (index >= 0 && index < members.size() && members[index].channel == QLatin1String("hmi"))
        showHmi();
}

void TranslationView::showHmi()
{
    MapView *view = panel(HmiPanel);
    for (const ObservationDocument::Member &m : m_observation->members())
        if (m.channel == QLatin1String("hmi")) {
            if (m.map) {
                // The magnetogram as the map grid shows it (co-registered to the AIA frame, the channel's display).
                view->setMap(m.map, m_settings->displayFor(m.map->meta));
            } else if (!m.error.isEmpty()) {
                view->clear();
                view->setTitle(m.error);
            } else if (!m.observation.path.isEmpty()) {
                view->clear();
                view->setTitle(tr("Loading the HMI magnetogram…"));
            }
            if (!m.observation.path.isEmpty() || !m.error.isEmpty())
                return;
        }
    view->clear();
    view->setTitle(tr("No HMI magnetogram in the set shown (choose View > Channels > All channels, or open an HMI "
                      "file)"));
}

bool TranslationView::makeJob(TranslationJob &job, QString &why) const
{
    if (!m_observation->hasTime()) {
        why = tr("Nothing shown yet.");
        return false;
    }
    const ObservationSet &set = m_observation->wholeSet();
    const Observation *hmi = set.member(QStringLiteral("hmi"));
    if (!hmi || hmi->path.isEmpty()) {
        why = tr("The archive has no HMI line-of-sight magnetogram near this time: nothing to translate.");
        return false;
    }
    job.runDir = m_runDir;
    job.hmiFile = hmi->path;
    job.channel = channel();
    job.samples = samples();
    job.seed = seed();
    if (const Observation *aia = set.member(job.channel); aia && !aia->path.isEmpty())
        job.aiaFile = aia->path;
    job.frameFile = job.aiaFile;
    if (job.frameFile.isEmpty())
        for (const Observation &o : set.members)
            if (o.instrument == QLatin1String("AIA") && !o.path.isEmpty() && o.channel != QLatin1String("hmi")) {
                job.frameFile = o.path;
                break;
            }
    return true;
}

void TranslationView::scheduleTranslate()
{
    if (!m_active || m_scheduled)
        return;
    // One translation per burst of changes (a new set, then its channel chosen).
    m_scheduled = true;
    QTimer::singleShot(0, this, [this] {
        m_scheduled = false;
        startIfWanted();
    });
}

void TranslationView::translate()
{
    m_heldAfterCancel = false;
    if (!m_translatorReady && !m_translatorError.isEmpty()) {
        // Try the run again (its folder may have been written meanwhile).
        m_translatorError.clear();
        setState(State::LoadingTranslator, tr("Loading the translator…"));
        m_worker->loadTranslator(m_runDir);
        return;
    }
    startIfWanted();
}

void TranslationView::cancel()
{
    m_worker->cancel();
}

void TranslationView::startIfWanted()
{
    if (!m_active)
        return;
    if (!m_translatorReady) {
        if (!m_translatorError.isEmpty())
            setState(State::Unavailable, tr("No translator: %1").arg(m_translatorError));
        return;  // the job starts when the translator is there
    }
    TranslationJob job;
    QString why;
    if (!makeJob(job, why)) {
        m_worker->cancel();
        m_jobKey.clear();
        m_current.reset();
        clearTranslatedPanels(why);
        setState(m_observation->hasTime() ? State::NoHmi : State::NoTime, why);
        return;
    }
    if (m_heldAfterCancel)
        return;
    const QString key = job.cacheKey(QString());
    if (key == m_jobKey && (m_state == State::Running || m_state == State::Done))
        return;  // asked already
    m_jobKey = key;
    m_progressDone = m_progressTotal = 0;
    if (!m_worker->cached(job)) {
        m_current.reset();
        clearTranslatedPanels(tr("Translating %1 to AIA %2 Å…").arg(QFileInfo(job.hmiFile).fileName(), job.channel));
        m_progress->setRange(0, 0);
        m_progress->setFormat(tr("starting…"));
        m_progress->show();
        setState(State::Running, tr("Translating %1 (%2 sample%3, seed %4) in the background…")
                                     .arg(QFileInfo(job.hmiFile).fileName())
                                     .arg(job.samples)
                                     .arg(job.samples == 1 ? QString() : QStringLiteral("s"))
                                     .arg(job.seed));
    }
    m_worker->request(job);
}

void TranslationView::onFinished(std::shared_ptr<const TranslationOutcome> outcome)
{
    m_progress->hide();
    if (!m_active || outcome->job.cacheKey(QString()) != m_jobKey)
        return;
    m_current = outcome;
    const TranslationOutcome &o = *outcome;
    const QString ch = o.job.channel;
    const QString samplesText = o.job.samples == 1
                                    ? tr("seed %1").arg(o.job.seed)
                                    : tr("mean of %1 samples, seeds %2–%3").arg(o.job.samples).arg(o.job.seed).arg(o.job.seed + o.job.samples - 1);
    // The real AIA maps' colour table and stretch (the channel's as chosen in the Display dock, sunpy's by
    // default), for the translated and the real panel alike.
    const DisplaySettings aiaSettings = m_settings->displayFor(o.translated->meta);
    MapView *translated = panel(TranslatedPanel);
    translated->setMap(o.translated, aiaSettings);
    translated->setTitle(tr("SYNTHETIC %1 — model output, not an observation (%2)").arg(channelLabel(ch), samplesText));
    if (o.real) {
        MapView *real = panel(RealPanel);
        real->setMap(o.real, aiaSettings);
        real->setTitle(tr("Real %1 %2 (on the translation grid, DN/s)")
                           .arg(channelLabel(ch), o.real->meta.tObs.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))));
        MapView *diff = panel(DifferencePanel);
        diff->setMap(o.difference, defaultDifferenceDisplaySettings());
        diff->setTitle(tr("Translated − real %1 (DN/s), CC %2 over %3 on-disk pixels")
                           .arg(channelLabel(ch))
                           .arg(std::isfinite(o.cc) ? QString::number(o.cc, 'f', 3) : QStringLiteral("n/a"))
                           .arg(o.ccPixels));
    } else {
        showPanelMessage(RealPanel, tr("No real AIA map to compare: %1").arg(o.realMissing));
        showPanelMessage(DifferencePanel, tr("No difference: there is no real AIA %1 Å map (%2)").arg(ch, o.realMissing));
    }
    MapView *spread = panel(SpreadPanel);
    if (o.job.samples >= 2) {
        spread->setMap(o.spread, spreadDisplaySettings());
        spread->setTitle(tr("Spread: per-pixel std over %1 samples (DN/s), synthetic").arg(o.job.samples));
    } else {
        showPanelMessage(SpreadPanel, tr("No spread from one sample: set Samples to 2 or more"));
    }
    // The new panels take the HMI panel's pan and zoom (what the user looks at); afterwards the link keeps them
    // together as the user pans and zooms any of them.
    QTimer::singleShot(0, this, [this] {
        MapView *leader = panel(HmiPanel)->hasMap() ? panel(HmiPanel) : panel(TranslatedPanel);
        if (leader->hasMap())
            m_grid->link()->synchronise(leader);
    });
    QString status = tr("Done in %1 s%2.").arg(o.seconds, 0, 'f', 1).arg(o.fromCache ? tr(" (cached)") : QString());
    if (o.real && std::isfinite(o.cc))
        status += tr(" CC against the real AIA %1 Å: %2.").arg(ch).arg(o.cc, 0, 'f', 3);
    if (!o.note.isEmpty())
        status += QLatin1Char(' ') + o.note;
    setState(State::Done, status);
    updateBanner();
}

void TranslationView::clearTranslatedPanels(const QString &why)
{
    for (Panel p : {TranslatedPanel, RealPanel, DifferencePanel, SpreadPanel})
        showPanelMessage(p, why);
}

void TranslationView::showPanelMessage(Panel p, const QString &message)
{
    MapView *view = panel(p);
    view->clear();
    view->setTitle(message);
}

void TranslationView::setState(State state, const QString &message)
{
    m_state = state;
    m_message = message;
    m_status->setFullText(message);
    m_status->setToolTip(message);
    m_cancelButton->setEnabled(m_worker->isBusy());
    Q_EMIT settledMaybe();
}

void TranslationView::updateBanner()
{
    const TranslatorInfo &info = m_worker->translator();
    QString text = tr("<b>Translated panels are model output, not an observation.</b> ");
    if (m_current) {
        text += tr("Translator: %1, model %2, seed %3, %4 sample%5, on %6.")
                    .arg(m_current->runName.toHtmlEscaped(), m_current->modelHash.left(12))
                    .arg(m_current->job.seed)
                    .arg(m_current->job.samples)
                    .arg(m_current->job.samples == 1 ? QString() : QStringLiteral("s"))
                    .arg(info.device.toHtmlEscaped());
    } else if (!info.modelHash.isEmpty()) {
        text += tr("Translator: %1, model %2 (%3).")
                    .arg(info.runName.toHtmlEscaped(), info.modelHash.left(12), info.channels.join(QStringLiteral(", ")));
    } else if (!m_translatorError.isEmpty()) {
        text += tr("No translator loaded (run folder: %1).")
                    .arg(m_runDir.isEmpty() ? tr("the shipped default") : QDir::toNativeSeparators(m_runDir).toHtmlEscaped());
    }
    m_banner->setText(text);
}

void TranslationView::onRendered()
{
    Q_EMIT settledMaybe();
}

bool TranslationView::isSettled() const
{
    if (!m_active)
        return true;
    if (m_scheduled || m_worker->isBusy())
        return false;
    switch (m_state) {
    case State::Running:
    case State::LoadingTranslator:
        return false;
    default:
        break;
    }
    for (int i = 0; i < PanelCount; ++i)
        if (panel(Panel(i))->isRenderPending())
            return false;
    return true;
}

QString TranslationView::stateName(State state)
{
    switch (state) {
    case State::Inactive: return QStringLiteral("inactive");
    case State::NoTime: return QStringLiteral("no-time");
    case State::NoHmi: return QStringLiteral("no-hmi");
    case State::LoadingTranslator: return QStringLiteral("loading");
    case State::Running: return QStringLiteral("running");
    case State::Done: return QStringLiteral("done");
    case State::Cancelled: return QStringLiteral("cancelled");
    case State::Failed: return QStringLiteral("failed");
    case State::Unavailable: return QStringLiteral("unavailable");
    }
    return {};
}

QJsonObject TranslationView::stateJson() const
{
    QJsonObject s;
    s[QStringLiteral("active")] = m_active;
    s[QStringLiteral("state")] = stateName(m_state);
    s[QStringLiteral("message")] = m_message;
    s[QStringLiteral("run")] = m_runDir;
    s[QStringLiteral("channel")] = channel();
    QJsonArray channels;
    for (const QString &c : m_worker->translator().channels)
        channels.append(c);
    s[QStringLiteral("channels")] = channels;
    s[QStringLiteral("seed")] = double(seed());
    s[QStringLiteral("samples")] = samples();
    s[QStringLiteral("progress")] = QJsonArray{m_progressDone, m_progressTotal};
    const TranslationOutcome *o = m_current.get();
    s[QStringLiteral("model_hash")] = o ? o->modelHash : m_worker->translator().modelHash;
    s[QStringLiteral("run_name")] = o ? o->runName : m_worker->translator().runName;
    s[QStringLiteral("device")] = m_worker->translator().device;  // "cpu (N threads)" or "cuda:N"
    s[QStringLiteral("hmi_file")] = o ? o->job.hmiFile : QString();
    s[QStringLiteral("aia_file")] = o ? o->job.aiaFile : QString();
    s[QStringLiteral("real_present")] = o && o->real != nullptr;
    s[QStringLiteral("real_note")] = o ? o->realMissing : QString();
    s[QStringLiteral("cc")] = o && std::isfinite(o->cc) ? QJsonValue(o->cc) : QJsonValue();
    s[QStringLiteral("cc_pixels")] = o ? double(o->ccPixels) : 0.0;
    s[QStringLiteral("seconds")] = o ? o->seconds : 0.0;
    s[QStringLiteral("cached")] = o && o->fromCache;
    s[QStringLiteral("note")] = o ? o->note : QString();
    QJsonArray views;
    for (int i = 0; i < PanelCount; ++i) {
        const MapView *v = panel(Panel(i));
        QJsonObject view;
        view[QStringLiteral("role")] = panelRole(i);
        view[QStringLiteral("shown")] = v->hasMap() && v->isVisible();
        view[QStringLiteral("title")] = v->title();
        view[QStringLiteral("channel")] = v->map() ? v->map()->meta.channel : QString();
        view[QStringLiteral("colormap")] = v->hasMap() ? v->displaySettings().colormap : QString();
        view[QStringLiteral("size")] = v->map() ? QJsonArray{v->map()->image.width, v->map()->image.height} : QJsonArray();
        views.append(view);
    }
    s[QStringLiteral("views")] = views;
    QJsonArray groups;
    for (const QVector<int> &g : m_grid->linkedGroups()) {
        QJsonArray group;
        for (int i : g)
            group.append(i);
        groups.append(group);
    }
    s[QStringLiteral("linked_groups")] = groups;
    return s;
}

}  // namespace solarchip
