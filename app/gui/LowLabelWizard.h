#pragma once
// The low-label wizard (issue 13; Tools > Low-label wizard…, `solarchip-studio --view wizard`): from "I have an
// archive and a flare list" to fine-tuned flare heads and their label-efficiency curve in a few clicks.
// Pages: the task (flare >= C or >= M within 24 h; the archive's flare list is checked here), the encoder (the
// shipped default or any trained model file), the label budgets (percent of the training labels; default 1, 5,
// 10, 25, 100), the strategies (frozen probe, fine-tune, and the from-scratch baseline, which is always on: it
// is what pretraining has to beat) and seeds, then the run page: one `solarchip label-efficiency` job queued
// through the app's jobs (WizardJobs), its label-efficiency curve (LabelEfficiencyChart: TSS against budget per
// strategy with 95% intervals) filling in as the command's point events arrive, budgets the archive is too
// short for shown as skipped with the command's reason, and a list of the points from which the user installs
// one point's head (its flare run folder) as the flare panel's head.
//
// The defaults are chosen to run with Next-Next-...-Finish on the sample archive (30 days): its time-block
// split is sized from the archive's span (splitForSpan), one seed, --threads 1 (see docs/platform-notes.md),
// the command's own fine-tuning length (6 passes, at least 30 steps). Measured there as queued: 3 to 5 min on
// the 2-core CPU at load 10-12 (bench/wizard_defaults.sh; the strategies page says what a run costs: updateCost).
// When the job ends, the chart and list are re-read from the command's own files (OUT/points.jsonl, else
// OUT/label_efficiency.json), so what is shown is what was written; reopening the wizard on the same results
// folder shows what is there and the command resumes the rest.

#include "app/gui/LabelEfficiencyRun.h"

#include <QJsonObject>
#include <QWizard>

#include <functional>

class QButtonGroup;
class QCheckBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QRadioButton;
class QSpinBox;
class QTableWidget;

namespace solarchip {

class LabelEfficiencyChart;
class WizardJobs;

class LowLabelWizard : public QWizard {
    Q_OBJECT
public:
    enum PageId { TaskPage, EncoderPage, BudgetsPage, StrategiesPage, RunPage };

    /// `archiveDir`: the archive the heads are trained on; `spanDays`: its time span (0: unknown).
    LowLabelWizard(WizardJobs *jobs, const QString &archiveDir, double spanDays, QWidget *parent = nullptr);
    ~LowLabelWizard() override;

    /// What the pages say now (archive, target, model, budgets, strategies, seeds, results folder).
    LowLabelChoices choices() const;
    /// The default results folder: <app data>/low-label/<time>-ge<target>.
    static QString defaultOutDir(const QString &target);

    /// Installs a head: a flare run folder. Default: the settings key flare/headRun. Returns an error ("" ok).
    void setHeadInstaller(std::function<QString(const QString &runDir)> installer) { m_installer = std::move(installer); }
    /// The settings the default installer writes (null: the user's QSettings).
    void setSettingsFile(const QString &iniPath) { m_settingsFile = iniPath; }

    // For tests and scripts.
    LabelEfficiencyChart *chart() const { return m_chart; }
    QTableWidget *pointsTable() const { return m_table; }
    const QVector<EfficiencyPoint> &points() const { return m_points; }
    QString statusText() const;
    QString errorText() const;
    QString taskMessage() const;
    bool isJobRunning() const { return m_jobId > 0 && !m_jobEnded; }
    /// Nothing is being counted for the task page (scripted screenshots wait for it).
    bool isSettled() const { return !m_flareListFound || !m_balance.isEmpty(); }
    bool isJobEnded() const { return m_jobEnded; }
    bool jobSucceeded() const { return m_jobEnded && m_jobOk; }
    /// The arguments the job was queued with (empty before the run page).
    QStringList jobArguments() const { return m_jobArguments; }
    /// The --state-json object (WindowState.h documents its keys).
    QJsonObject state() const;
    /// Installs the head of row `row` of the points list; "" or the error.
    QString installRow(int row);
    QString installedHead() const { return m_installed; }

Q_SIGNALS:
    void pointArrived(const solarchip::EfficiencyPoint &point);
    /// The job ended: ok, or the message shown.
    void jobEnded(bool ok, const QString &message);
    void headInstalled(const QString &runDir);
    /// The task page's counts arrived (isSettled may have changed).
    void settledMaybe();

private:
    class Page;
    QWizardPage *makeTaskPage();
    QWizardPage *makeEncoderPage();
    QWizardPage *makeBudgetsPage();
    QWizardPage *makeStrategiesPage();
    QWizardPage *makeRunPage();
    void startRun();
    void queueJob(bool withStrategies);
    void onEvent(qint64 id, const QJsonObject &event);
    void onFinished(qint64 id, int exitCode, const QString &message);
    void addPoint(const EfficiencyPoint &point);
    void reloadPoints();
    void rebuildTable();
    void updateInstallButton();
    void selectPoint(const QString &strategy, double budget);
    std::optional<QVector<double>> parsedBudgets(QString *error) const;
    void updateTaskMessage();
    /// Counts, off the UI thread, how the targets fall on the archive's magnetogram times (taskBalance()).
    void countTargets(const QString &flareList);
    void updateCost();

    WizardJobs *m_jobs;
    QString m_archive;
    double m_spanDays;
    std::function<QString(const QString &)> m_installer;
    QString m_settingsFile;

    QButtonGroup *m_target = nullptr;
    QLabel *m_taskMessage = nullptr;
    bool m_flareListFound = false;
    QString m_flareListPath;
    QString m_balanceText;        // the counted balance (or why it could not be counted); empty while counting
    QJsonObject m_balance;        // the same as numbers, for state()
    QRadioButton *m_shipped = nullptr;
    QLineEdit *m_modelFile = nullptr;
    QLabel *m_encoderMessage = nullptr;
    QLineEdit *m_budgets = nullptr;
    QLabel *m_budgetsMessage = nullptr;
    QCheckBox *m_frozen = nullptr;
    QCheckBox *m_finetune = nullptr;
    QCheckBox *m_scratch = nullptr;
    QSpinBox *m_seeds = nullptr;
    QSpinBox *m_finetuneEpochs = nullptr;
    QSpinBox *m_finetuneSteps = nullptr;
    QLabel *m_cost = nullptr;
    QLineEdit *m_outDir = nullptr;

    QLabel *m_status = nullptr;
    QLabel *m_error = nullptr;
    QProgressBar *m_progress = nullptr;
    LabelEfficiencyChart *m_chart = nullptr;
    QTableWidget *m_table = nullptr;
    QPushButton *m_install = nullptr;
    QPushButton *m_cancel = nullptr;
    QLabel *m_installMessage = nullptr;

    qint64 m_jobId = 0;
    bool m_jobEnded = false;
    bool m_jobOk = false;
    bool m_withStrategies = true;
    QString m_runOut;
    QStringList m_jobArguments;
    QVector<EfficiencyPoint> m_points;
    QString m_installed;
};

}  // namespace solarchip
