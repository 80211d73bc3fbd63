#include "app/gui/LowLabelWizard.h"

#include "app/gui/WizardJobs.h"
#include "core/archive/Catalog.h"
#include "core/archive/FlareLabels.h"
#include "core/archive/FlareListCache.h"
#include "core/base/ThreadBudget.h"
#include "widgets/LabelEfficiencyChart.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTimeZone>
#include <QtConcurrent>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <memory>

namespace solarchip {

// A page whose Next is allowed by a function (re-asked when `watch` changes) and whose fields are checked once
// more by another when the user leaves it.
class LowLabelWizard::Page : public QWizardPage {
public:
    using QWizardPage::QWizardPage;
    std::function<bool()> complete;
    std::function<bool()> validate;
    std::function<void()> initialize;
    bool isComplete() const override { return complete ? complete() : true; }
    bool validatePage() override { return validate ? validate() : true; }
    void initializePage() override
    {
        if (initialize)
            initialize();
    }
    void changed() { Q_EMIT completeChanged(); }
};

namespace {

// Files FlareList reads that `findFlareList` picks from an archive folder (the SWPC layout the generator writes).
QString archiveFlareList(const QString &archive)
{
    const QStringList lists = QDir(archive).entryList({QStringLiteral("swpc_flarelist_*.csv")}, QDir::Files, QDir::Name);
    return lists.isEmpty() ? QString() : QDir(archive).filePath(lists.last());
}

QString formatNumber(double v, int decimals = 2)
{
    return std::isfinite(v) ? QString::number(v, 'f', decimals) : QStringLiteral("–");
}

}  // namespace

LowLabelWizard::LowLabelWizard(WizardJobs *jobs, const QString &archiveDir, double spanDays, QWidget *parent)
    : QWizard(parent), m_jobs(jobs), m_archive(archiveDir), m_spanDays(spanDays)
{
    setObjectName(QStringLiteral("lowLabelWizard"));
    setWindowTitle(tr("Low-label wizard: flare heads and their label-efficiency curve"));
    setWizardStyle(QWizard::ClassicStyle);
    setOption(QWizard::NoBackButtonOnLastPage);
    setOption(QWizard::NoCancelButtonOnLastPage);
    setPage(TaskPage, makeTaskPage());
    setPage(EncoderPage, makeEncoderPage());
    setPage(BudgetsPage, makeBudgetsPage());
    setPage(StrategiesPage, makeStrategiesPage());
    setPage(RunPage, makeRunPage());
    updateCost();
    setStartId(TaskPage);
    setButtonText(QWizard::FinishButton, tr("Close"));
    resize(860, 640);
    connect(m_jobs, &WizardJobs::jobEvent, this, &LowLabelWizard::onEvent);
    connect(m_jobs, &WizardJobs::jobFinished, this, &LowLabelWizard::onFinished);
}

LowLabelWizard::~LowLabelWizard() = default;

QString LowLabelWizard::defaultOutDir(const QString &target)
{
    const QString base = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
    return QDir(base).filePath(QStringLiteral("low-label/%1-ge%2")
                                   .arg(QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss")),
                                        target));
}

// ---- pages -----------------------------------------------------------------------------------------------

QWizardPage *LowLabelWizard::makeTaskPage()
{
    auto *page = new Page(this);
    page->setObjectName(QStringLiteral("taskPage"));
    page->setTitle(tr("Task"));
    page->setSubTitle(tr("What the heads forecast, from the archive's images and its flare list."));
    auto *layout = new QVBoxLayout(page);
    auto *archive = new QLabel(tr("Archive: %1").arg(QDir::toNativeSeparators(m_archive)), page);
    archive->setWordWrap(true);
    layout->addWidget(archive);
    m_target = new QButtonGroup(page);
    auto *c = new QRadioButton(tr("A flare of class C or above within the next 24 h"), page);
    auto *m = new QRadioButton(tr("A flare of class M or above within the next 24 h"), page);
    c->setObjectName(QStringLiteral("targetC"));
    m->setObjectName(QStringLiteral("targetM"));
    m_target->addButton(c, 0);
    m_target->addButton(m, 1);
    // >= M by default: in the sample archive's month nearly every day has a C flare within 24 h, so a >= C
    // validation block holds no negatives; >= M windows come and go.
    m->setChecked(true);
    layout->addWidget(c);
    layout->addWidget(m);
    m_taskMessage = new QLabel(page);
    m_taskMessage->setObjectName(QStringLiteral("taskMessage"));
    m_taskMessage->setWordWrap(true);
    m_taskMessage->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_taskMessage);
    layout->addStretch(1);
    updateTaskMessage();
    page->complete = [this] { return m_flareListFound; };
    return page;
}

void LowLabelWizard::updateTaskMessage()
{
    const QString list = m_archive.isEmpty() ? QString() : archiveFlareList(m_archive);
    m_flareListFound = !list.isEmpty();
    if (m_archive.isEmpty())
        m_taskMessage->setText(tr("No archive is open: open one (File > Open archive folder) with its flare list."));
    else if (list.isEmpty())
        m_taskMessage->setText(tr("%1 has no flare list (swpc_flarelist_*.csv, the SWPC layout `solarchip synth` "
                                  "writes): put the archive's flare list there to train flare heads.")
                                   .arg(QDir::toNativeSeparators(m_archive)));
    else
        m_taskMessage->setText(tr("Flare list: %1").arg(QDir::toNativeSeparators(list))
                               + (m_balanceText.isEmpty() ? tr("\nCounting the flares over the archive's times…")
                                                          : QStringLiteral("\n") + m_balanceText));
    if (!list.isEmpty() && list != m_flareListPath) {
        m_flareListPath = list;
        countTargets(list);
    }
}

void LowLabelWizard::countTargets(const QString &flareList)
{
    // A catalog query over every magnetogram time and the list's file: milliseconds to a second on a large
    // archive, so off the UI thread. The times are the magnetograms' (every set a head sees has one).
    struct Result {
        FlareTargetBalance balance;
        QDateTime first, last;
        QString error;
    };
    const QString archive = m_archive;
    auto *watcher = new QFutureWatcher<Result>(this);
    connect(watcher, &QFutureWatcher<Result>::finished, this, [this, watcher, flareList] {
        const Result r = watcher->result();
        watcher->deleteLater();
        if (flareList != m_flareListPath)
            return;  // another list meanwhile
        const FlareTargetBalance &b = r.balance;
        const auto percent = [&b](int n) { return b.samples > 0 ? 100.0 * n / b.samples : 0.0; };
        if (!r.error.isEmpty()) {
            m_balanceText = r.error;
            m_balance = QJsonObject{{QStringLiteral("error"), r.error}};
        } else {
            m_balanceText = tr("Over the archive's %1 magnetogram times (%2 to %3) a flare of class C or above follows "
                               "within 24 h after %4 (%5%) and one of class M or above after %6 (%7%); the list has "
                               "%8 C, %9 M and %10 X flares in that span.")
                                .arg(b.samples)
                                .arg(r.first.toString(QStringLiteral("yyyy-MM-dd")), r.last.toString(QStringLiteral("yyyy-MM-dd")))
                                .arg(b.positiveC)
                                .arg(percent(b.positiveC), 0, 'f', 0)
                                .arg(b.positiveM)
                                .arg(percent(b.positiveM), 0, 'f', 0)
                                .arg(b.flaresC)
                                .arg(b.flaresM)
                                .arg(b.flaresX);
            for (const auto &[name, n] : {std::pair{QStringLiteral("C"), b.positiveC}, std::pair{QStringLiteral("M"), b.positiveM}}) {
                if (n == 0 || n == b.samples)
                    m_balanceText += tr(" ≥%1: every window is %2, there is nothing to tell apart.")
                                         .arg(name, n == 0 ? tr("quiet") : tr("positive"));
                else if (std::min(n, b.samples - n) < 20)
                    m_balanceText += tr(" ≥%1: only %2 windows of the rarer outcome; small budgets will hold too few "
                                        "to train on and are skipped.")
                                         .arg(name)
                                         .arg(std::min(n, b.samples - n));
            }
            m_balance = QJsonObject{{QStringLiteral("samples"), b.samples},
                                    {QStringLiteral("positive_c"), b.positiveC},
                                    {QStringLiteral("positive_m"), b.positiveM},
                                    {QStringLiteral("flares_c"), b.flaresC},
                                    {QStringLiteral("flares_m"), b.flaresM},
                                    {QStringLiteral("flares_x"), b.flaresX}};
        }
        updateTaskMessage();
        Q_EMIT settledMaybe();
    });
    watcher->setFuture(QtConcurrent::run(ThreadBudget::instance().pool(ThreadBudget::Pool::Io), [archive, flareList] {
        Result r;
        auto list = loadFlareListShared(flareList);
        if (!list) {
            r.error = list.errorString();
            return r;
        }
        auto catalog = Catalog::open(archive, {}, Catalog::OpenMode::ReadOnly);
        if (!catalog) {
            r.error = catalog.errorString();
            return r;
        }
        auto times = catalog->timesByChannel({QStringLiteral("hmi")});
        if (!times) {
            r.error = times.errorString();
            return r;
        }
        QVector<QDateTime> t;
        for (qint64 ms : times->value(QStringLiteral("hmi")))
            t << QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc());
        if (t.isEmpty()) {
            r.error = tr("%1 has no HMI magnetogram: the heads read sets that hold one.").arg(QDir::toNativeSeparators(archive));
            return r;
        }
        r.balance = flareTargetBalance(**list, t, 86400);
        r.first = t.front();  // timesByChannel gives them ascending
        r.last = t.back();
        return r;
    }));
}

void LowLabelWizard::updateCost()
{
    if (!m_cost)
        return;
    const LowLabelChoices c = choices();
    // The reference figures: the defaults on the sample archive (30 days at 12 h, 60 sets; its training blocks
    // hold too few >=M flares for budgets under 25 %, so 9 of the 15 heads are skipped there), `solarchip
    // label-efficiency` exactly as queued here, at nice 10, with --threads 1 on the 2-core CPU while other
    // work kept the load at 10-12 (bench/wizard_defaults.sh): 3 min 16 s and 4 min 54 s wall in two runs,
    // 62-65 s of CPU time; each encoder training 40-70 s wall, embedding the 60 sets ~25 s.
    m_cost->setText(tr("This run trains %1 heads: %2 frozen probe(s), trained in under a second each, and %3 encoder "
                       "training(s) (fine-tune and from scratch), at least %4 steps of 16 sets each, about a minute "
                       "each on a busy 2-core CPU. Budgets whose training labels hold too few flares are skipped "
                       "quickly. For reference, the defaults on the sample archive took 3 to 5 minutes on a 2-core CPU "
                       "shared with other work (about 1 min of CPU time); each extra seed adds as much again.")
                        .arg(c.headCount())
                        .arg(c.frozen ? int(c.budgets.size()) * c.seeds : 0)
                        .arg(c.encoderTrainings())
                        .arg(c.finetuneSteps));
}

QWizardPage *LowLabelWizard::makeEncoderPage()
{
    auto *page = new Page(this);
    page->setObjectName(QStringLiteral("encoderPage"));
    page->setTitle(tr("Encoder"));
    page->setSubTitle(tr("The pretrained encoder whose embeddings the frozen probe reads and the fine-tune starts from."));
    auto *layout = new QVBoxLayout(page);
    m_shipped = new QRadioButton(tr("The shipped default model"), page);
    m_shipped->setObjectName(QStringLiteral("shippedModel"));
    auto *file = new QRadioButton(tr("A trained model file:"), page);
    file->setObjectName(QStringLiteral("modelFileChoice"));
    m_shipped->setChecked(true);
    layout->addWidget(m_shipped);
    auto *row = new QHBoxLayout;
    row->addWidget(file);
    m_modelFile = new QLineEdit(page);
    m_modelFile->setObjectName(QStringLiteral("modelFile"));
    m_modelFile->setPlaceholderText(tr("a .safetensors model or a pretrain run's checkpoint"));
    row->addWidget(m_modelFile, 1);
    auto *browse = new QPushButton(tr("Browse…"), page);
    row->addWidget(browse);
    layout->addLayout(row);
    m_encoderMessage = new QLabel(page);
    m_encoderMessage->setObjectName(QStringLiteral("encoderMessage"));
    m_encoderMessage->setWordWrap(true);
    layout->addWidget(m_encoderMessage);
    layout->addStretch(1);
    connect(browse, &QPushButton::clicked, this, [this, file] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Trained model"), m_modelFile->text(),
                                                          tr("Models (*.safetensors *.pt);;All files (*)"));
        if (!path.isEmpty()) {
            m_modelFile->setText(path);
            file->setChecked(true);
        }
    });
    connect(m_modelFile, &QLineEdit::textEdited, file, [file] { file->setChecked(true); });
    page->validate = [this] {
        if (m_shipped->isChecked()) {
            m_encoderMessage->clear();
            return true;
        }
        const QFileInfo info(m_modelFile->text().trimmed());
        if (m_modelFile->text().trimmed().isEmpty() || !info.isFile() || !info.isReadable()) {
            m_encoderMessage->setText(tr("%1: no such model file").arg(QDir::toNativeSeparators(m_modelFile->text())));
            return false;
        }
        m_encoderMessage->clear();
        return true;
    };
    return page;
}

std::optional<QVector<double>> LowLabelWizard::parsedBudgets(QString *error) const
{
    QVector<double> budgets;
    for (const QString &part : m_budgets->text().split(QRegularExpression(QStringLiteral("[,;\\s%]+")), Qt::SkipEmptyParts)) {
        bool ok = false;
        const double v = part.toDouble(&ok);
        if (!ok || !(v > 0) || v > 100) {
            *error = tr("'%1' is not a percentage in (0, 100]").arg(part);
            return std::nullopt;
        }
        if (!budgets.contains(v))
            budgets << v;
    }
    if (budgets.isEmpty()) {
        *error = tr("give at least one budget");
        return std::nullopt;
    }
    std::sort(budgets.begin(), budgets.end());
    return budgets;
}

QWizardPage *LowLabelWizard::makeBudgetsPage()
{
    auto *page = new Page(this);
    page->setObjectName(QStringLiteral("budgetsPage"));
    page->setTitle(tr("Label budgets"));
    page->setSubTitle(tr("Percentages of the training labels each head may use, drawn by time blocks."));
    auto *layout = new QFormLayout(page);
    m_budgets = new QLineEdit(QStringLiteral("1, 5, 10, 25, 100"), page);
    m_budgets->setObjectName(QStringLiteral("budgets"));
    layout->addRow(tr("Budgets (%):"), m_budgets);
    m_budgetsMessage = new QLabel(page);
    m_budgetsMessage->setObjectName(QStringLiteral("budgetsMessage"));
    m_budgetsMessage->setWordWrap(true);
    layout->addRow(m_budgetsMessage);
    auto *split = new QLabel(page);
    split->setWordWrap(true);
    if (const auto s = splitForSpan(m_spanDays, 24))
        split->setText(tr("The archive spans %1 days: it is split into %2-day time blocks (train, train, validation, "
                          "train, test) with %3-day buffers. Budgets whose training labels hold too few flares are "
                          "shown as skipped.")
                           .arg(m_spanDays, 0, 'f', 1)
                           .arg(s->blockDays, 0, 'f', 1)
                           .arg(s->bufferDays, 0, 'f', 1));
    else
        split->setText(tr("The archive is split into 60-day time blocks (train, train, validation, train, test) with "
                          "27-day buffers."));
    layout->addRow(split);
    connect(m_budgets, &QLineEdit::textChanged, page, [this, page] {
        QString error;
        m_budgetsMessage->setText(parsedBudgets(&error) ? QString() : error);
        page->changed();
    });
    page->complete = [this] {
        QString error;
        return parsedBudgets(&error).has_value();
    };
    return page;
}

QWizardPage *LowLabelWizard::makeStrategiesPage()
{
    auto *page = new Page(this);
    page->setObjectName(QStringLiteral("strategiesPage"));
    page->setTitle(tr("Strategies and seeds"));
    page->setSubTitle(tr("What is trained at every budget; the from-scratch baseline is what pretraining must beat."));
    auto *layout = new QFormLayout(page);
    m_frozen = new QCheckBox(tr("Frozen probe: a linear head on the pretrained encoder's embeddings"), page);
    m_frozen->setObjectName(QStringLiteral("strategyFrozen"));
    m_frozen->setChecked(true);
    m_finetune = new QCheckBox(tr("Fine-tune: the pretrained encoder and a head, trained on the labels"), page);
    m_finetune->setObjectName(QStringLiteral("strategyFinetune"));
    m_finetune->setChecked(true);
    m_scratch = new QCheckBox(tr("From scratch: the same architecture, randomly initialised (baseline, always on)"), page);
    m_scratch->setObjectName(QStringLiteral("strategyScratch"));
    m_scratch->setChecked(true);
    m_scratch->setEnabled(false);
    layout->addRow(m_frozen);
    layout->addRow(m_finetune);
    layout->addRow(m_scratch);
    m_seeds = new QSpinBox(page);
    m_seeds->setObjectName(QStringLiteral("seeds"));
    m_seeds->setRange(1, 10);
    m_seeds->setValue(1);
    m_seeds->setToolTip(tr("Each seed draws other training blocks and initialisations; more seeds, tighter curves, "
                           "longer runs."));
    layout->addRow(tr("Seeds:"), m_seeds);
    // Encoder training is what the run's time is spent on (a frozen probe trains in well under a second).
    m_finetuneEpochs = new QSpinBox(page);
    m_finetuneEpochs->setObjectName(QStringLiteral("finetuneEpochs"));
    m_finetuneEpochs->setRange(1, 1000);
    m_finetuneEpochs->setValue(LowLabelChoices{}.finetuneEpochs);
    m_finetuneSteps = new QSpinBox(page);
    m_finetuneSteps->setObjectName(QStringLiteral("finetuneSteps"));
    m_finetuneSteps->setRange(1, 100000);
    m_finetuneSteps->setValue(LowLabelChoices{}.finetuneSteps);
    auto *training = new QHBoxLayout;
    training->addWidget(m_finetuneEpochs);
    training->addWidget(new QLabel(tr("passes over the labels, at least"), page));
    training->addWidget(m_finetuneSteps);
    training->addWidget(new QLabel(tr("steps"), page));
    training->addStretch(1);
    layout->addRow(tr("Encoder training:"), training);
    m_cost = new QLabel(page);
    m_cost->setObjectName(QStringLiteral("costMessage"));
    m_cost->setWordWrap(true);
    layout->addRow(m_cost);
    for (QCheckBox *box : {m_frozen, m_finetune})
        connect(box, &QCheckBox::toggled, this, &LowLabelWizard::updateCost);
    for (QSpinBox *box : {m_seeds, m_finetuneEpochs, m_finetuneSteps})
        connect(box, &QSpinBox::valueChanged, this, &LowLabelWizard::updateCost);
    m_outDir = new QLineEdit(page);
    m_outDir->setObjectName(QStringLiteral("outDir"));
    layout->addRow(tr("Results folder:"), m_outDir);
    page->initialize = [this] {
        updateCost();
        if (m_outDir->text().isEmpty())
            m_outDir->setText(defaultOutDir(m_target->checkedId() == 1 ? QStringLiteral("M") : QStringLiteral("C")));
    };
    page->validate = [this] { return !m_outDir->text().trimmed().isEmpty(); };
    setButtonText(QWizard::NextButton, tr("&Next >"));
    connect(this, &QWizard::currentIdChanged, this, [this](int id) {
        setButtonText(QWizard::NextButton, id == StrategiesPage ? tr("&Run") : tr("&Next >"));
    });
    return page;
}

QWizardPage *LowLabelWizard::makeRunPage()
{
    auto *page = new Page(this);
    page->setObjectName(QStringLiteral("runPage"));
    page->setTitle(tr("Label-efficiency curve"));
    page->setFinalPage(true);
    auto *layout = new QVBoxLayout(page);
    auto *top = new QHBoxLayout;
    m_status = new QLabel(page);
    m_status->setObjectName(QStringLiteral("runStatus"));
    m_status->setWordWrap(true);
    top->addWidget(m_status, 1);
    m_progress = new QProgressBar(page);
    m_progress->setRange(0, 0);
    m_progress->setMaximumWidth(220);
    top->addWidget(m_progress);
    m_cancel = new QPushButton(tr("Stop"), page);
    m_cancel->setToolTip(tr("Stop the job; running the wizard again on the same results folder resumes it."));
    top->addWidget(m_cancel);
    layout->addLayout(top);
    m_error = new QLabel(page);
    m_error->setObjectName(QStringLiteral("runError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_error->hide();
    layout->addWidget(m_error);
    m_chart = new LabelEfficiencyChart(page);
    layout->addWidget(m_chart, 3);
    m_table = new QTableWidget(0, 8, page);
    m_table->setObjectName(QStringLiteral("pointsTable"));
    m_table->setHorizontalHeaderLabels({tr("strategy"), tr("budget %"), tr("seed"), tr("TSS"), tr("95% interval"),
                                        tr("AUC"), tr("train +/−"), tr("head / note")});
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    layout->addWidget(m_table, 2);
    auto *bottom = new QHBoxLayout;
    m_installMessage = new QLabel(page);
    m_installMessage->setObjectName(QStringLiteral("installMessage"));
    m_installMessage->setWordWrap(true);
    bottom->addWidget(m_installMessage, 1);
    m_install = new QPushButton(tr("Install as the flare panel's head"), page);
    m_install->setObjectName(QStringLiteral("installHead"));
    m_install->setEnabled(false);
    bottom->addWidget(m_install);
    layout->addLayout(bottom);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &LowLabelWizard::updateInstallButton);
    connect(m_install, &QPushButton::clicked, this, [this] {
        const QModelIndexList rows = m_table->selectionModel()->selectedRows();
        if (!rows.isEmpty())
            installRow(rows.front().row());
    });
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (isJobRunning())
            m_jobs->cancel(m_jobId);
    });
    connect(m_chart, &LabelEfficiencyChart::pointClicked, this, &LowLabelWizard::selectPoint);
    page->initialize = [this] { startRun(); };
    page->complete = [this] { return m_jobEnded; };
    return page;
}

// ---- the run ---------------------------------------------------------------------------------------------

LowLabelChoices LowLabelWizard::choices() const
{
    LowLabelChoices c;
    c.archive = m_archive;
    c.target = m_target->checkedId() == 1 ? QStringLiteral("M") : QStringLiteral("C");
    c.model = m_shipped->isChecked() ? QString() : m_modelFile->text().trimmed();
    QString error;
    if (auto b = parsedBudgets(&error))
        c.budgets = *b;
    c.frozen = m_frozen->isChecked();
    c.finetune = m_finetune->isChecked();
    c.seeds = m_seeds->value();
    c.finetuneEpochs = m_finetuneEpochs->value();
    c.finetuneSteps = m_finetuneSteps->value();
    c.spanDays = m_spanDays;
    c.outDir = m_outDir->text().trimmed();
    if (c.outDir.isEmpty())
        c.outDir = defaultOutDir(c.target);
    return c;
}

QJsonObject LowLabelWizard::state() const
{
    static const char *pages[] = {"task", "encoder", "budgets", "strategies", "run"};
    const LowLabelChoices c = choices();
    QJsonArray budgets, points;
    for (double b : c.budgets)
        budgets.append(b);
    for (const EfficiencyPoint &p : m_points)
        points.append(p.toJson());
    const int id = currentId();
    return QJsonObject{
        {QStringLiteral("page"), id >= 0 && id <= RunPage ? QString::fromLatin1(pages[id]) : QString()},
        {QStringLiteral("archive"), c.archive},
        {QStringLiteral("target"), c.target},
        {QStringLiteral("model"), c.model},
        {QStringLiteral("budgets"), budgets},
        {QStringLiteral("strategies"), QJsonArray::fromStringList(c.strategies())},
        {QStringLiteral("seeds"), c.seeds},
        {QStringLiteral("finetune_epochs"), c.finetuneEpochs},
        {QStringLiteral("finetune_steps"), c.finetuneSteps},
        {QStringLiteral("heads"), c.headCount()},
        {QStringLiteral("encoder_trainings"), c.encoderTrainings()},
        {QStringLiteral("cost"), m_cost->text()},
        {QStringLiteral("command"), QJsonArray::fromStringList(labelEfficiencyArguments(c))},
        {QStringLiteral("out_dir"), m_outDir->text()},
        {QStringLiteral("flare_list_found"), m_flareListFound},
        {QStringLiteral("task_balance"), m_balance},
        {QStringLiteral("task_message"), m_taskMessage->text()},
        {QStringLiteral("status"), m_status->text()},
        {QStringLiteral("error"), errorText()},
        {QStringLiteral("job"), QJsonObject{{QStringLiteral("queued"), m_jobId > 0},
                                            {QStringLiteral("running"), isJobRunning()},
                                            {QStringLiteral("ended"), m_jobEnded},
                                            {QStringLiteral("ok"), jobSucceeded()},
                                            {QStringLiteral("arguments"), QJsonArray::fromStringList(m_jobArguments)}}},
        {QStringLiteral("points"), points},
        {QStringLiteral("installed_head"), m_installed}};
}

QString LowLabelWizard::statusText() const { return m_status->text(); }
QString LowLabelWizard::errorText() const { return m_error->isVisible() || !m_error->text().isEmpty() ? m_error->text() : QString(); }
QString LowLabelWizard::taskMessage() const { return m_taskMessage->text(); }

void LowLabelWizard::startRun()
{
    if (m_jobId > 0)
        return;  // the run page is shown once; Back is off there
    const LowLabelChoices c = choices();
    m_runOut = c.outDir;
    m_chart->setTitle(tr("flare ≥%1 within 24 h · %2 · %3 seed(s)")
                          .arg(c.target, c.model.isEmpty() ? tr("shipped model") : QFileInfo(c.model).fileName())
                          .arg(c.seeds));
    // A results folder used before: what it holds is shown now, the command resumes the rest.
    for (const EfficiencyPoint &p : readEfficiencyPoints(m_runOut))
        addPoint(p);
    // Builds of the command without --strategies (frozen probe and its untrained control only) are asked
    // without it rather than failing on an unknown option: its --help says which build this is.
    m_status->setText(tr("Checking the solarchip command…"));
    auto *probe = new QProcess(this);
    probe->setProcessChannelMode(QProcess::MergedChannels);
    connect(probe, &QProcess::finished, this, [this, probe] {
        probe->deleteLater();
        const QByteArray help = probe->readAll();
        queueJob(help.isEmpty() || help.contains("--strategies"));
    });
    connect(probe, &QProcess::errorOccurred, this, [this, probe](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart) {
            probe->deleteLater();
            queueJob(true);  // the job reports the missing program
        }
    });
    probe->start(m_jobs->program(), {QStringLiteral("label-efficiency"), QStringLiteral("--help")});
}

void LowLabelWizard::queueJob(bool withStrategies)
{
    const LowLabelChoices c = choices();
    m_withStrategies = withStrategies;
    m_jobArguments = labelEfficiencyArguments(c, withStrategies);
    m_jobEnded = false;
    m_jobId = -1;  // a queue that refuses at once says so with id -1, maybe before enqueue returns
    const qint64 id = m_jobs->enqueue(QStringLiteral("label-efficiency"), m_jobArguments, m_runOut,
                              tr("Low-label wizard: flare ≥%1, %2").arg(c.target, c.strategies().join(QStringLiteral(", "))));
    if (m_jobEnded)
        return;  // refused: onFinished showed why
    m_jobId = id;
    QString text = tr("Queued: %1 budgets × %2 strategies × %3 seed(s) into %4")
                       .arg(c.budgets.size())
                       .arg(withStrategies ? c.strategies().size() : 2)
                       .arg(c.seeds)
                       .arg(QDir::toNativeSeparators(m_runOut));
    if (!withStrategies)
        text += tr("\nThis solarchip build has no fine-tuning or from-scratch training in label-efficiency: it "
                   "runs the frozen probe and its untrained-encoder control only.");
    m_status->setText(text);
    m_progress->setRange(0, 0);
}

void LowLabelWizard::onEvent(qint64 id, const QJsonObject &event)
{
    if (id != m_jobId)
        return;
    const QString kind = event.value(QStringLiteral("event")).toString();
    if (kind == QLatin1String("embed")) {
        const int done = event.value(QStringLiteral("done")).toInt(), total = event.value(QStringLiteral("total")).toInt();
        m_status->setText(tr("Embedding the archive: %1 of %2 sets").arg(done).arg(total));
        m_progress->setRange(0, std::max(1, total));
        m_progress->setValue(done);
        return;
    }
    if (const int total = efficiencyTotal(event); total > 0) {
        m_status->setText(tr("Training %1 heads…").arg(total));
        m_progress->setRange(0, total);
        m_progress->setValue(0);
        return;
    }
    if (auto f = fluxBaselineOfEvent(event))
        addPoint(*f);  // the non-learned reference of the same labels, drawn beside the curves
    if (auto p = parseEfficiencyEvent(event)) {
        addPoint(*p);
        if (p->total > 0) {
            m_progress->setRange(0, p->total);
            m_progress->setValue(p->done);
            m_status->setText(tr("%1 of %2 heads trained").arg(p->done).arg(p->total));
        } else {
            m_status->setText(tr("%1 points so far").arg(m_points.size()));
        }
        Q_EMIT pointArrived(*p);
    }
}

void LowLabelWizard::onFinished(qint64 id, int exitCode, const QString &message)
{
    if (id != m_jobId)
        return;
    m_jobEnded = true;
    m_jobOk = exitCode == 0;
    m_cancel->setEnabled(false);
    m_progress->setRange(0, 1);
    m_progress->setValue(m_jobOk ? 1 : 0);
    if (m_jobOk) {
        reloadPoints();  // the command's own files: what was written is what is shown
        int skipped = 0;
        for (const EfficiencyPoint &p : m_points)
            skipped += p.skipped ? 1 : 0;
        m_status->setText(tr("Done: %1 points (%2 skipped) in %3")
                              .arg(m_points.size())
                              .arg(skipped)
                              .arg(QDir::toNativeSeparators(m_runOut)));
        m_error->clear();
        m_error->hide();
    } else {
        m_status->setText(tr("The job did not finish."));
        m_error->setText(tr("The label-efficiency job failed: %1\nLog: %2")
                             .arg(message.isEmpty() ? tr("exit code %1").arg(exitCode) : message,
                                  QDir::toNativeSeparators(QDir(m_runOut).filePath(QStringLiteral("job.log")))));
        m_error->show();
    }
    if (auto *p = dynamic_cast<Page *>(page(RunPage)))
        p->changed();
    Q_EMIT jobEnded(m_jobOk, m_jobOk ? QString() : m_error->text());
}

void LowLabelWizard::addPoint(const EfficiencyPoint &point)
{
    auto same = std::find_if(m_points.begin(), m_points.end(), [&](const EfficiencyPoint &p) { return p.key() == point.key(); });
    if (same != m_points.end())
        *same = point;
    else
        m_points << point;
    m_chart->addPoint({point.strategy, point.budget, point.seed, point.skipped, point.tss, point.tssLo, point.tssHi});
    rebuildTable();
}

void LowLabelWizard::reloadPoints()
{
    const QVector<EfficiencyPoint> written = readEfficiencyPoints(m_runOut);
    if (written.isEmpty())
        return;
    m_points.clear();
    m_chart->clear();
    for (const EfficiencyPoint &p : written)
        addPoint(p);
}

void LowLabelWizard::rebuildTable()
{
    const int selected = m_table->selectionModel() && !m_table->selectionModel()->selectedRows().isEmpty()
                             ? m_table->selectionModel()->selectedRows().front().row()
                             : -1;
    m_table->setRowCount(int(m_points.size()));
    for (int r = 0; r < m_points.size(); ++r) {
        const EfficiencyPoint &p = m_points[r];
        const QString note = p.skipped ? tr("skipped: %1").arg(p.reason)
                             : p.strategy == QLatin1String("unsigned_flux")
                                 ? tr("non-learned reference: the disk's unsigned HMI flux, fitted on these labels (no head)")
                             : p.runDir.isEmpty() ? tr("(no head saved by this command build)")
                                                  : QDir::toNativeSeparators(p.runDir);
        const QStringList cells{
            LabelEfficiencyChart::strategyLabel(p.strategy),
            QString::number(p.budget),
            p.seed < 0 ? tr("mean") : QString::number(p.seed),
            p.skipped ? QStringLiteral("–") : formatNumber(p.tss),
            p.skipped ? QStringLiteral("–") : QStringLiteral("[%1, %2]").arg(formatNumber(p.tssLo), formatNumber(p.tssHi)),
            p.skipped ? QStringLiteral("–") : formatNumber(p.auc),
            p.trainPositives < 0 ? QStringLiteral("–") : QStringLiteral("%1/%2").arg(p.trainPositives).arg(p.trainNegatives),
            note};
        for (int c = 0; c < cells.size(); ++c) {
            auto *item = new QTableWidgetItem(cells[c]);
            item->setToolTip(cells[c]);
            if (p.skipped)
                item->setForeground(QColor(120, 120, 120));
            m_table->setItem(r, c, item);
        }
    }
    if (selected >= 0 && selected < m_table->rowCount())
        m_table->selectRow(selected);
    updateInstallButton();
}

void LowLabelWizard::updateInstallButton()
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    const int row = rows.isEmpty() ? -1 : rows.front().row();
    const bool usable = row >= 0 && row < m_points.size() && !m_points[row].skipped && !m_points[row].runDir.isEmpty()
                        && QFileInfo(m_points[row].runDir).isDir();
    m_install->setEnabled(usable);
}

void LowLabelWizard::selectPoint(const QString &strategy, double budget)
{
    // The chart's marker is a mean over seeds: the best seed's head of that strategy and budget is offered.
    int best = -1;
    for (int r = 0; r < m_points.size(); ++r)
        if (m_points[r].strategy == strategy && m_points[r].budget == budget && !m_points[r].skipped
            && (best < 0 || m_points[r].tss > m_points[best].tss))
            best = r;
    if (best >= 0)
        m_table->selectRow(best);
}

QString LowLabelWizard::installRow(int row)
{
    QString error;
    if (row < 0 || row >= m_points.size())
        error = tr("no such point");
    else if (m_points[row].skipped)
        error = tr("this point was skipped: it has no head");
    else if (m_points[row].runDir.isEmpty() || !QFileInfo(m_points[row].runDir).isDir())
        error = tr("%1: no head run folder").arg(QDir::toNativeSeparators(m_points[row].runDir));
    if (error.isEmpty()) {
        const QString run = QFileInfo(m_points[row].runDir).absoluteFilePath();
        if (m_installer) {
            error = m_installer(run);
        } else {
            std::unique_ptr<QSettings> settings = m_settingsFile.isEmpty()
                                                      ? std::make_unique<QSettings>()
                                                      : std::make_unique<QSettings>(m_settingsFile, QSettings::IniFormat);
            settings->setValue(QStringLiteral("flare/headRun"), run);
            settings->sync();
            if (settings->status() != QSettings::NoError)
                error = tr("%1: could not write the settings").arg(settings->fileName());
        }
        if (error.isEmpty()) {
            m_installed = run;
            m_installMessage->setText(tr("Installed as the flare panel's head: %1").arg(QDir::toNativeSeparators(run)));
            Q_EMIT headInstalled(run);
            return {};
        }
    }
    m_installMessage->setText(error);
    return error;
}

}  // namespace solarchip
