#pragma once
// The translation view (View > HMI → AIA translation, --view translation; issue 14): what would the corona look
// like above this magnetogram? For the current time, five linked panels:
//   HMI | translated AIA | real AIA | difference (translated − real) | spread
// The HMI panel is the set's magnetogram as the map grid shows it; the other four are on the translation's grid
// (the HMI map co-registered to the AIA frame at the translator's size): the translated map (the mean of the N
// samples; with N = 1 the seed's sample, what `solarchip translate --seed S` writes), the set's real AIA map of
// that channel put onto that grid (DN/s), their difference and the per-pixel standard deviation over the samples.
// They link for pan, zoom and cursor like the map grid (a MapGrid with its ViewLink: views sharing a frame) and
// use the real AIA maps' colour tables (defaultDisplaySettings per channel: sdoaia<wl>); the difference is
// diverging, the spread sequential.
//
// The translated panels are model output, not an observation: their titles say "synthetic", and the banner
// above them names the translator run, its model hash, the seed and the samples. Without a real AIA map (a single
// HMI file opened, or no member of that channel in the set) the real and difference panels say why they are
// empty. The translation runs in the background (TranslationWorker): progress, Cancel, never the UI thread;
// answers are cached per (set files, model, channel, seed, samples). Changing the time, the channel, N or the
// seed translates again while the view is active (after Cancel only Translate or a new choice starts one).
//
// The translator: the run folder in the settings key `translation/run` (setRunDir; empty: the shipped default).

#include "core/map/DisplayLimits.h"

#include <QJsonObject>
#include <QPointer>
#include <QString>
#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace solarchip {

class ElidedLabel;
class MapGrid;
class MapView;
class ObservationDocument;
class StudioSettings;
class TranslationWorker;
struct TranslationJob;
struct TranslationOutcome;
struct TranslatorInfo;

class TranslationView : public QWidget {
    Q_OBJECT
public:
    /// The panels, in grid order.
    enum Panel { HmiPanel = 0, TranslatedPanel, RealPanel, DifferencePanel, SpreadPanel, PanelCount };
    /// What the view is doing.
    enum class State { Inactive, NoTime, NoHmi, LoadingTranslator, Running, Done, Cancelled, Failed, Unavailable };

    TranslationView(ObservationDocument *observation, StudioSettings *settings, QWidget *parent = nullptr);
    ~TranslationView() override;

    /// The view mode is "translation": loads the translator on first use and translates the set shown.
    void setActive(bool active);
    bool isActive() const { return m_active; }

    /// The translator run folder (empty: the shipped default), remembered in the settings.
    void setRunDir(const QString &dir);
    QString runDir() const { return m_runDir; }
    void setChannel(const QString &channel);
    QString channel() const;
    void setSamples(int samples);
    int samples() const;
    void setSeed(quint64 seed);
    quint64 seed() const;

    /// Translates the set shown now (again), also after Cancel.
    void translate();
    /// Stops the running translation.
    void cancel();

    State state() const { return m_state; }
    static QString stateName(State state);  // "inactive", "no-time", "no-hmi", "loading", "running", "done"...
    /// What the status line says.
    QString message() const { return m_message; }
    /// The answer on screen (null before one).
    std::shared_ptr<const TranslationOutcome> current() const { return m_current; }
    MapGrid *grid() const { return m_grid; }
    MapView *panel(Panel panel) const;
    TranslationWorker *worker() const { return m_worker; }
    /// Progress of the running job: samples done, total (0, 0 before the first step).
    int progressDone() const { return m_progressDone; }
    int progressTotal() const { return m_progressTotal; }

    /// Nothing more is coming: inactive, or the job for the set on screen answered (done, failed, cancelled, no
    /// HMI, no translator) and every panel rendered. The --screenshot hook waits for it.
    bool isSettled() const;
    /// The --state-json `translation` object (see WindowState.h).
    QJsonObject stateJson() const;

Q_SIGNALS:
    /// isSettled() may have changed.
    void settledMaybe();

private:
    void buildUi();
    void onSetChanged();
    void onMemberChanged(int index);
    void onTranslatorLoaded(const TranslatorInfo &info);
    void onTranslatorFailed(const QString &message);
    void onFinished(std::shared_ptr<const TranslationOutcome> outcome);
    void scheduleTranslate();
    void startIfWanted();
    bool makeJob(TranslationJob &job, QString &why) const;
    void showHmi();
    void clearTranslatedPanels(const QString &why);
    void showPanelMessage(Panel panel, const QString &message);
    void setState(State state, const QString &message);
    void updateBanner();
    void onRendered();
    /// The Display dock changed a panel's display: remembered for its channel; the translated and real panels
    /// take it together.
    void onDisplayEdited(Panel which, const DisplaySettings &settings);

    ObservationDocument *m_observation;
    StudioSettings *m_settings;
    TranslationWorker *m_worker = nullptr;
    MapGrid *m_grid = nullptr;
    bool m_applyingDisplay = false;  // mirroring the translated/real panels' display onto each other
    QComboBox *m_channelBox = nullptr;
    QSpinBox *m_samplesBox = nullptr;
    QSpinBox *m_seedBox = nullptr;
    QPushButton *m_translateButton = nullptr;
    QPushButton *m_cancelButton = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_banner = nullptr;
    ElidedLabel *m_status = nullptr;

    bool m_active = false;
    bool m_translatorAsked = false;
    bool m_translatorReady = false;
    bool m_scheduled = false;
    bool m_heldAfterCancel = false;  // the user cancelled: wait for Translate or a new choice
    QString m_runDir;
    QString m_translatorError;
    State m_state = State::Inactive;
    QString m_message;
    QString m_jobKey;        // the job last asked for (its cache key without the model hash)
    std::shared_ptr<const TranslationOutcome> m_current;
    int m_progressDone = 0;
    int m_progressTotal = 0;
};

}  // namespace solarchip
