#pragma once
// The training panel (View > Training, `--view training`): launch, watch, pause, resume and compare pretraining
// and fine-tuning runs without a terminal. Left: the run's form (archive and date range, channels, preset,
// epochs/steps, batch, learning rate, augmentation, loss weights, device, seed, run folder; "Fine-tune" starts
// from a model's weights with --init), checked before launch off the UI thread (TrainingCheck.h: complete sets
// in the archive's catalog, the run folder, a memory estimate). Right: the job list (every job of the app's
// JobRunner, from its database), the selected job's live curves (TrainingCurves, from RUN/metrics.jsonl then its
// events), its log and why it failed, and the actions: cancel, pause, resume, open the run folder, compare with
// another run's curves, "use this model" (the run's best model, else its last, becomes the app's current model:
// InferenceWorker::setModelFile and the settings key model/current), copy the exact shell command, and export a
// Slurm batch script by running `solarchip pretrain <same args> --slurm-script FILE --nodes N --tasks-per-node T
// --gpus-per-node G [--time T] [--partition P]` (a CLI without that option gets a clear "this build cannot write
// Slurm scripts").

#include "app/gui/TrainingCheck.h"
#include "core/jobs/JobDatabase.h"

#include <QHash>
#include <QJsonObject>
#include <QSet>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QScrollArea;
class QTableWidget;
class QTabWidget;

namespace solarchip {

class InferenceWorker;
class JobRunner;
class StudioSettings;
class TrainingCurves;

class TrainingPanel : public QWidget {
    Q_OBJECT
public:
    TrainingPanel(JobRunner *runner, InferenceWorker *inference, StudioSettings *settings, QWidget *parent = nullptr);
    ~TrainingPanel() override;

    /// Pre-fills the form with the archive open in the app (folder and its time range) when the form has none;
    /// while the form shows that archive and its channels were not typed or set, they follow
    /// suggestTrainingChannels (the archive's channels against the current model's).
    void setArchive(const QString &dir, const QDateTime &first, const QDateTime &last,
                    const QStringList &channels = {});
    TrainingRequest request() const;
    void setRequest(const TrainingRequest &request);

    /// Checks the form off the UI thread; checked() follows.
    void check();
    /// Checks, then queues the job when the check passes (launched() / checked() with the problems).
    void launch();

    void selectJob(qint64 id);
    qint64 selectedJob() const { return m_selected; }
    /// Shows `id`'s curves dashed beside the selected job's (-1: none).
    void compareWith(qint64 id);
    /// Makes the job's model (model-best, else model-last) the app's current model. False and *message why not.
    bool useModel(qint64 id, QString *message = nullptr);
    /// The exact shell command of a job.
    QString shellCommand(qint64 id) const;
    /// Runs the job's command with --slurm-script FILE ...; slurmExported() follows.
    void exportSlurm(qint64 id, const QString &file, int nodes, int tasksPerNode, int gpusPerNode,
                     const QString &time = {}, const QString &partition = {});

    TrainingCurves *curves() const { return m_curves; }
    /// No check, metrics read or export running.
    bool isSettled() const { return m_busy == 0; }
    /// For --state-json ("training"): see WindowState.h.
    QJsonObject state() const;

    /// The content's natural size (the scroll area around it would offer a small default); the minimum stays
    /// small, so the dock scrolls rather than widening the window.
    QSize sizeHint() const override;

Q_SIGNALS:
    void checked(bool ok, const QString &text);
    void launched(qint64 id);
    void slurmExported(bool ok, const QString &message);
    void settledMaybe();

private:
    void buildForm(QWidget *host);
    void buildJobs(QWidget *host);
    void refreshJobs();
    void updateRow(qint64 id);
    void updateButtons();
    void onJobEvent(qint64 id, const QJsonObject &event);
    void onJobOutput(qint64 id, const QByteArray &text);
    void loadCurves(int slot, qint64 id);
    void showDetails();
    QString progressText(qint64 id, const JobRecord &job) const;
    void runExportDialog();
    void finishBusy();
    void suggestChannels();

    JobRunner *m_runner;
    InferenceWorker *m_inference;
    StudioSettings *m_settings;
    qint64 m_selected = -1;
    qint64 m_compared = -1;
    int m_busy = 0;
    QString m_checkText;
    bool m_checkOk = false;
    QString m_lastExport;
    QStringList m_archiveChannels;                // of the archive the form shows, when the app opened it
    bool m_channelsChosen = false;                // typed by the user or set by setRequest: not suggested
    QWidget *m_content = nullptr;                 // the scrolled content: form and job list
    QScrollArea *m_scroll = nullptr;               // around the content (a dock narrower than it)
    QScrollArea *m_formScroll = nullptr;           // around the form
    QHash<qint64, QJsonObject> m_startEvents;  // the last "start" event of each job (totals for the progress)
    QHash<qint64, QJsonObject> m_lastEvents;
    QSet<qint64> m_dirtyRows;
    double m_loadedUpTo[2] = {-1, -1};            // curves read from metrics.jsonl up to this step

    // form
    QComboBox *m_mode = nullptr;
    QLineEdit *m_archive = nullptr, *m_channels = nullptr, *m_initModel = nullptr, *m_runDir = nullptr;
    QDateTimeEdit *m_from = nullptr, *m_to = nullptr;
    QCheckBox *m_useRange = nullptr, *m_augment = nullptr;
    QComboBox *m_preset = nullptr, *m_device = nullptr;
    QSpinBox *m_epochs = nullptr, *m_maxSteps = nullptr, *m_batch = nullptr, *m_seed = nullptr, *m_threads = nullptr;
    QDoubleSpinBox *m_lr = nullptr, *m_rotation = nullptr, *m_wRec = nullptr, *m_wCls = nullptr, *m_wPat = nullptr,
                   *m_wInt = nullptr;
    QLabel *m_checkLabel = nullptr;
    QPushButton *m_checkButton = nullptr, *m_launchButton = nullptr;
    // jobs
    QTableWidget *m_table = nullptr;
    QPushButton *m_cancel = nullptr, *m_pause = nullptr, *m_resume = nullptr, *m_open = nullptr, *m_use = nullptr,
                *m_copy = nullptr, *m_slurm = nullptr, *m_remove = nullptr;
    QComboBox *m_compare = nullptr;
    QTabWidget *m_tabs = nullptr;
    TrainingCurves *m_curves = nullptr;
    QPlainTextEdit *m_log = nullptr;
    QLabel *m_details = nullptr;
};

}  // namespace solarchip
