#include "app/gui/TrainingPanel.h"

#include "app/gui/InferenceWorker.h"
#include "app/gui/JobRunner.h"
#include "app/gui/StudioSettings.h"
#include "core/jobs/JobOutcome.h"
#include "models/networks/ModelConfig.h"
#include "widgets/TrainingCurves.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDesktopServices>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableWidget>
#include <QTimer>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent>

#include <algorithm>
#include <utility>

namespace solarchip {

namespace {

enum Column { ColId, ColTitle, ColKind, ColState, ColProgress, ColStarted, ColumnCount };

QString defaultRunDir()
{
    const QString base = QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).filePath(QStringLiteral("runs"));
    return QDir(base).filePath(QStringLiteral("pretrain-") + QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss")));
}

QDoubleSpinBox *doubleBox(QWidget *parent, double lo, double hi, double value, int decimals, double step)
{
    auto *b = new QDoubleSpinBox(parent);
    b->setRange(lo, hi);
    b->setDecimals(decimals);
    b->setSingleStep(step);
    b->setValue(value);
    return b;
}

QSpinBox *intBox(QWidget *parent, int lo, int hi, int value)
{
    auto *b = new QSpinBox(parent);
    b->setRange(lo, hi);
    b->setValue(value);
    return b;
}

}  // namespace

TrainingPanel::TrainingPanel(JobRunner *runner, InferenceWorker *inference, StudioSettings *settings, QWidget *parent)
    : QWidget(parent), m_runner(runner), m_inference(inference), m_settings(settings)
{
    setObjectName(QStringLiteral("trainingPanel"));
    // The dock never makes the window wider than asked: narrower than its content's minimum (the form's
    // fields beside the job list's rows of four buttons, about 770 px in all), it scrolls sideways inside the
    // dock. The form scrolls on its own as well.
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *scroll = m_scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("trainingScroll"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *content = m_content = new QWidget(scroll);
    auto *contentLayout = new QHBoxLayout(content);
    contentLayout->setContentsMargins(2, 2, 2, 2);
    auto *split = new QSplitter(Qt::Horizontal, content);
    split->setChildrenCollapsible(false);
    contentLayout->addWidget(split);
    auto *formHost = new QWidget(split);
    buildForm(formHost);
    auto *jobsHost = new QWidget(split);
    buildJobs(jobsHost);
    split->addWidget(formHost);
    split->addWidget(jobsHost);
    split->setStretchFactor(0, 0);
    split->setStretchFactor(1, 1);
    scroll->setWidget(content);
    layout->addWidget(scroll);

    connect(m_runner, &JobRunner::jobAdded, this, [this](qint64) { refreshJobs(); });
    connect(m_runner, &JobRunner::jobStateChanged, this, [this](qint64 id, JobState) {
        updateRow(id);
        if (id == m_selected) {
            updateButtons();
            showDetails();
        }
    });
    connect(m_runner, &JobRunner::jobEvent, this, &TrainingPanel::onJobEvent);
    connect(m_runner, &JobRunner::jobOutput, this, &TrainingPanel::onJobOutput);
    if (m_inference)  // the proposed channels follow the model in use (loaded in the background)
        connect(m_inference, &InferenceWorker::currentModelChanged, this, &TrainingPanel::suggestChannels);
    refreshJobs();
    const auto jobs = m_runner->database().jobs();
    if (!jobs.isEmpty())
        selectJob(jobs.last().id);
    updateButtons();
}

TrainingPanel::~TrainingPanel() = default;

QSize TrainingPanel::sizeHint() const
{
    return m_content->sizeHint();
}

void TrainingPanel::buildForm(QWidget *host)
{
    auto *outer = new QVBoxLayout(host);
    outer->setContentsMargins(0, 0, 0, 0);
    auto *scroll = new QScrollArea(host);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *formWidget = new QWidget(scroll);
    auto *form = new QFormLayout(formWidget);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);

    m_mode = new QComboBox(formWidget);
    m_mode->setObjectName(QStringLiteral("trainingMode"));
    m_mode->addItems({tr("Pretrain from scratch"), tr("Fine-tune a model")});
    form->addRow(tr("Run"), m_mode);
    m_initModel = new QLineEdit(formWidget);
    m_initModel->setPlaceholderText(tr("model file (.safetensors) to start from"));
    m_initModel->setEnabled(false);
    form->addRow(tr("Start from"), m_initModel);
    connect(m_mode, &QComboBox::currentIndexChanged, this, [this](int i) { m_initModel->setEnabled(i == 1); });

    auto *archiveRow = new QHBoxLayout;
    m_archive = new QLineEdit(formWidget);
    m_archive->setObjectName(QStringLiteral("trainingArchive"));
    auto *browse = new QPushButton(tr("…"), formWidget);
    browse->setMaximumWidth(30);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Archive"), m_archive->text());
        if (!dir.isEmpty())
            m_archive->setText(dir);
    });
    archiveRow->addWidget(m_archive, 1);
    archiveRow->addWidget(browse);
    form->addRow(tr("Archive"), archiveRow);
    m_useRange = new QCheckBox(tr("only sets in this date range"), formWidget);
    form->addRow(QString(), m_useRange);
    for (QDateTimeEdit **edit : {&m_from, &m_to}) {
        *edit = new QDateTimeEdit(formWidget);
        (*edit)->setTimeSpec(Qt::UTC);
        (*edit)->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
        (*edit)->setCalendarPopup(true);
        (*edit)->setEnabled(false);
        connect(m_useRange, &QCheckBox::toggled, *edit, &QWidget::setEnabled);
    }
    form->addRow(tr("From (UTC)"), m_from);
    form->addRow(tr("To (UTC)"), m_to);
    m_channels = new QLineEdit(QStringLiteral("hmi,171"), formWidget);
    m_channels->setToolTip(tr("SDO channels, HMI first (e.g. hmi,171,193,304)"));
    form->addRow(tr("Channels"), m_channels);
    connect(m_channels, &QLineEdit::textEdited, this, [this] { m_channelsChosen = true; });
    m_preset = new QComboBox(formWidget);
    m_preset->addItems(presetNames());
    m_preset->setCurrentText(QStringLiteral("tiny"));
    form->addRow(tr("Preset"), m_preset);
    m_epochs = intBox(formWidget, 1, 100000, 1);
    form->addRow(tr("Epochs"), m_epochs);
    m_maxSteps = intBox(formWidget, 0, 100000000, 0);
    m_maxSteps->setSpecialValueText(tr("(epochs decide)"));
    form->addRow(tr("Max steps"), m_maxSteps);
    m_batch = intBox(formWidget, 1, 4096, 8);
    form->addRow(tr("Batch"), m_batch);
    m_lr = doubleBox(formWidget, 1e-7, 1.0, 5e-4, 6, 1e-4);
    form->addRow(tr("Learning rate"), m_lr);
    m_augment = new QCheckBox(tr("augment (joint rotation)"), formWidget);
    m_augment->setChecked(true);
    m_rotation = doubleBox(formWidget, 0, 180, 10, 1, 1);
    m_rotation->setSuffix(QStringLiteral("°"));
    connect(m_augment, &QCheckBox::toggled, m_rotation, &QWidget::setEnabled);
    auto *augRow = new QHBoxLayout;
    augRow->addWidget(m_augment);
    augRow->addWidget(m_rotation);
    form->addRow(tr("Augmentation"), augRow);
    auto *weights = new QGridLayout;  // two by two: the form stays narrow
    m_wRec = doubleBox(formWidget, 0, 100, 1, 2, 0.1);
    m_wCls = doubleBox(formWidget, 0, 100, 1, 2, 0.1);
    m_wPat = doubleBox(formWidget, 0, 100, 1, 2, 0.1);
    m_wInt = doubleBox(formWidget, 0, 100, 1, 2, 0.1);
    int cell = 0;
    for (auto [label, box] : {std::pair{"rec", m_wRec}, std::pair{"cls", m_wCls}, std::pair{"pat", m_wPat},
                              std::pair{"int", m_wInt}}) {
        weights->addWidget(new QLabel(QLatin1String(label), formWidget), cell / 2, 2 * (cell % 2));
        weights->addWidget(box, cell / 2, 2 * (cell % 2) + 1);
        ++cell;
    }
    form->addRow(tr("Loss weights"), weights);
    m_device = new QComboBox(formWidget);
    m_device->setEditable(true);
    m_device->addItems({QStringLiteral("auto"), QStringLiteral("cpu"), QStringLiteral("cuda"), QStringLiteral("cuda:1")});
    form->addRow(tr("Device"), m_device);
    m_seed = intBox(formWidget, 0, 1 << 30, 0);
    form->addRow(tr("Seed"), m_seed);
    m_threads = intBox(formWidget, 0, 256, 1);
    m_threads->setSpecialValueText(tr("all cores"));
    m_threads->setToolTip(tr("Torch threads. 1 is fastest on a busy 2-core machine (threads spin-wait for each other)."));
    form->addRow(tr("Threads"), m_threads);
    m_runDir = new QLineEdit(defaultRunDir(), formWidget);
    m_runDir->setObjectName(QStringLiteral("trainingRunDir"));
    form->addRow(tr("Run folder"), m_runDir);
    scroll->setWidget(formWidget);
    outer->addWidget(scroll, 1);

    auto *buttons = new QHBoxLayout;
    m_checkButton = new QPushButton(tr("Check"), host);
    m_launchButton = new QPushButton(tr("Launch"), host);
    m_launchButton->setObjectName(QStringLiteral("trainingLaunch"));
    buttons->addWidget(m_checkButton);
    buttons->addWidget(m_launchButton);
    outer->addLayout(buttons);
    m_checkLabel = new QLabel(tr("Fill in the run, then Check or Launch (Launch checks first)."), host);
    m_checkLabel->setObjectName(QStringLiteral("trainingCheck"));
    m_checkLabel->setWordWrap(true);
    m_checkLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    outer->addWidget(m_checkLabel);
    connect(m_checkButton, &QPushButton::clicked, this, &TrainingPanel::check);
    connect(m_launchButton, &QPushButton::clicked, this, &TrainingPanel::launch);
    // The form scrolls up and down only: its host is as wide as its fields need (beside the vertical bar).
    m_formScroll = scroll;
    host->setMinimumWidth(std::max(300, formWidget->minimumSizeHint().width() + scroll->verticalScrollBar()->sizeHint().width()));
}

void TrainingPanel::buildJobs(QWidget *host)
{
    auto *layout = new QVBoxLayout(host);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *split = new QSplitter(Qt::Vertical, host);
    layout->addWidget(split);
    auto *top = new QWidget(split);
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    m_table = new QTableWidget(0, ColumnCount, top);
    m_table->setObjectName(QStringLiteral("trainingJobs"));
    m_table->setHorizontalHeaderLabels({tr("#"), tr("Job"), tr("Command"), tr("State"), tr("Progress"), tr("Started")});
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->setVisible(false);
    m_table->horizontalHeader()->setSectionResizeMode(ColProgress, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(ColTitle, QHeaderView::ResizeToContents);
    topLayout->addWidget(m_table, 1);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, [this] {
        const auto rows = m_table->selectionModel()->selectedRows();
        if (!rows.isEmpty()) {
            const qint64 id = m_table->item(rows.first().row(), ColId)->data(Qt::UserRole).toLongLong();
            if (id != m_selected)
                selectJob(id);
        }
    });
    // Two rows of four buttons, the comparison below: in one row they would need ~1000 px of the window's width.
    auto *actions = new QGridLayout;
    m_cancel = new QPushButton(tr("Cancel"), top);
    m_pause = new QPushButton(tr("Pause"), top);
    m_resume = new QPushButton(tr("Resume"), top);
    m_remove = new QPushButton(tr("Remove"), top);
    m_open = new QPushButton(tr("Open folder"), top);
    m_use = new QPushButton(tr("Use this model"), top);
    m_copy = new QPushButton(tr("Copy command"), top);
    m_slurm = new QPushButton(tr("Slurm script…"), top);
    int cell = 0;
    for (QPushButton *b : {m_cancel, m_pause, m_resume, m_remove, m_open, m_use, m_copy, m_slurm}) {
        actions->addWidget(b, cell / 4, cell % 4);
        ++cell;
    }
    actions->setColumnStretch(4, 1);
    topLayout->addLayout(actions);
    auto *compareRow = new QHBoxLayout;
    compareRow->addWidget(new QLabel(tr("Compare with"), top));
    m_compare = new QComboBox(top);
    m_compare->setMinimumWidth(120);
    m_compare->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_compare->setMinimumContentsLength(12);
    compareRow->addWidget(m_compare);
    compareRow->addStretch(1);
    topLayout->addLayout(compareRow);
    connect(m_cancel, &QPushButton::clicked, this, [this] { m_runner->cancel(m_selected); });
    connect(m_pause, &QPushButton::clicked, this, [this] { m_runner->pause(m_selected); });
    connect(m_resume, &QPushButton::clicked, this, [this] { m_runner->resume(m_selected); });
    connect(m_remove, &QPushButton::clicked, this, [this] {
        if (m_runner->remove(m_selected)) {
            m_selected = -1;
            refreshJobs();
            updateButtons();
        }
    });
    connect(m_open, &QPushButton::clicked, this, [this] {
        const auto job = m_runner->database().job(m_selected);
        if (job && !job->runDir.isEmpty())
            QDesktopServices::openUrl(QUrl::fromLocalFile(job->runDir));
    });
    connect(m_use, &QPushButton::clicked, this, [this] {
        QString message;
        useModel(m_selected, &message);
        m_details->setText(message);
    });
    connect(m_copy, &QPushButton::clicked, this, [this] {
        const QString cmd = shellCommand(m_selected);
        QApplication::clipboard()->setText(cmd);
        m_details->setText(tr("Copied: %1").arg(cmd));
    });
    connect(m_slurm, &QPushButton::clicked, this, &TrainingPanel::runExportDialog);
    connect(m_compare, &QComboBox::activated, this, [this](int i) { compareWith(m_compare->itemData(i).toLongLong()); });

    m_tabs = new QTabWidget(split);
    m_curves = new TrainingCurves(m_tabs);
    m_tabs->addTab(m_curves, tr("Curves"));
    m_log = new QPlainTextEdit(m_tabs);
    m_log->setObjectName(QStringLiteral("trainingLog"));
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(3000);
    m_log->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_tabs->addTab(m_log, tr("Log"));
    m_details = new QLabel(m_tabs);
    m_details->setObjectName(QStringLiteral("trainingDetails"));
    m_details->setWordWrap(true);
    m_details->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_tabs->addTab(m_details, tr("Details"));
    split->addWidget(top);
    split->addWidget(m_tabs);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 2);
}

void TrainingPanel::setArchive(const QString &dir, const QDateTime &first, const QDateTime &last,
                               const QStringList &channels)
{
    if (dir.isEmpty())
        return;  // loose files: training needs an archive folder
    const bool fill = m_archive->text().isEmpty();
    if (fill)
        m_archive->setText(dir);
    if (m_archive->text() != dir)
        return;  // the form is about another archive
    m_archiveChannels = channels;
    suggestChannels();
    if (!fill && m_useRange->isChecked())
        return;  // a range the user set for this archive stays
    if (first.isValid())
        m_from->setDateTime(first);
    if (last.isValid())
        m_to->setDateTime(last.addSecs(60));
}

void TrainingPanel::suggestChannels()
{
    if (m_channelsChosen)
        return;
    const QStringList s = suggestTrainingChannels(m_archiveChannels, m_inference ? m_inference->modelChannels() : QStringList());
    if (!s.isEmpty())
        m_channels->setText(s.join(QLatin1Char(',')));
}

TrainingRequest TrainingPanel::request() const
{
    TrainingRequest r;
    r.archiveDir = m_archive->text().trimmed();
    if (m_useRange->isChecked()) {
        r.from = m_from->dateTime().toUTC();
        r.to = m_to->dateTime().toUTC();
    }
    r.channels.clear();
    for (const QString &c : m_channels->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
        r.channels << c.trimmed().toLower();
    r.preset = m_preset->currentText();
    if (m_mode->currentIndex() == 1)
        r.initModel = m_initModel->text().trimmed();
    r.epochs = m_epochs->value();
    r.maxSteps = m_maxSteps->value();
    r.batch = m_batch->value();
    r.lr = m_lr->value();
    r.augment = m_augment->isChecked();
    r.maxRotationDeg = m_rotation->value();
    r.wRec = m_wRec->value();
    r.wCls = m_wCls->value();
    r.wPat = m_wPat->value();
    r.wInt = m_wInt->value();
    r.device = m_device->currentText().trimmed();
    r.seed = static_cast<quint64>(m_seed->value());
    r.threads = m_threads->value();
    r.runDir = m_runDir->text().trimmed();
    return r;
}

void TrainingPanel::setRequest(const TrainingRequest &r)
{
    m_archive->setText(r.archiveDir);
    m_useRange->setChecked(r.from.isValid() || r.to.isValid());
    if (r.from.isValid())
        m_from->setDateTime(r.from);
    if (r.to.isValid())
        m_to->setDateTime(r.to);
    m_channels->setText(r.channels.join(QLatin1Char(',')));
    m_channelsChosen = true;
    m_preset->setCurrentText(r.preset);
    m_mode->setCurrentIndex(r.initModel.isEmpty() ? 0 : 1);
    m_initModel->setText(r.initModel);
    m_epochs->setValue(r.epochs);
    m_maxSteps->setValue(static_cast<int>(r.maxSteps));
    m_batch->setValue(r.batch);
    m_lr->setValue(r.lr);
    m_augment->setChecked(r.augment);
    m_rotation->setValue(r.maxRotationDeg);
    m_wRec->setValue(r.wRec);
    m_wCls->setValue(r.wCls);
    m_wPat->setValue(r.wPat);
    m_wInt->setValue(r.wInt);
    m_device->setCurrentText(r.device);
    m_seed->setValue(static_cast<int>(r.seed));
    m_threads->setValue(r.threads);
    m_runDir->setText(r.runDir);
}

void TrainingPanel::finishBusy()
{
    --m_busy;
    if (m_busy == 0)
        Q_EMIT settledMaybe();
}

void TrainingPanel::check()
{
    const TrainingRequest req = request();
    ++m_busy;
    m_checkLabel->setText(tr("Checking…"));
    auto *watcher = new QFutureWatcher<TrainingCheckResult>(this);
    connect(watcher, &QFutureWatcher<TrainingCheckResult>::finished, this, [this, watcher] {
        const TrainingCheckResult r = watcher->result();
        watcher->deleteLater();
        m_checkOk = r.ok;
        m_checkText = r.text();
        m_checkLabel->setText(m_checkText);
        Q_EMIT checked(r.ok, m_checkText);
        finishBusy();
    });
    watcher->setFuture(QtConcurrent::run([req] { return checkTrainingRequest(req); }));
}

void TrainingPanel::launch()
{
    const TrainingRequest req = request();
    auto conn = std::make_shared<QMetaObject::Connection>();
    *conn = connect(this, &TrainingPanel::checked, this, [this, req, conn](bool ok, const QString &) {
        disconnect(*conn);
        if (!ok)
            return;
        const QString title = QStringLiteral("%1 %2 %3").arg(req.initModel.isEmpty() ? tr("pretrain") : tr("fine-tune"),
                                                             req.preset, req.channels.join(QLatin1Char(',')));
        const qint64 id = m_runner->enqueue(QStringLiteral("pretrain"), req.arguments(), req.runDir, title);
        if (id < 0)
            return;
        m_runDir->setText(defaultRunDir());  // the next launch gets a new folder
        selectJob(id);
        Q_EMIT launched(id);
    });
    check();
}

void TrainingPanel::refreshJobs()
{
    const QList<JobRecord> jobs = m_runner->database().jobs();
    m_table->blockSignals(true);
    m_table->setRowCount(0);
    m_compare->clear();
    m_compare->addItem(tr("(none)"), qint64(-1));
    for (int i = jobs.size() - 1; i >= 0; --i) {  // newest first
        const JobRecord &j = jobs[i];
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        for (int c = 0; c < ColumnCount; ++c)
            m_table->setItem(row, c, new QTableWidgetItem);
        m_table->item(row, ColId)->setData(Qt::UserRole, j.id);
        if (!j.runDir.isEmpty())
            m_compare->addItem(QStringLiteral("#%1 %2").arg(j.id).arg(j.title), j.id);
    }
    m_table->blockSignals(false);
    for (const JobRecord &j : jobs)
        updateRow(j.id);
    for (int r = 0; r < m_table->rowCount(); ++r)
        if (m_table->item(r, ColId)->data(Qt::UserRole).toLongLong() == m_selected) {
            m_table->blockSignals(true);
            m_table->selectRow(r);
            m_table->blockSignals(false);
        }
    const int ci = m_compare->findData(m_compared);
    m_compare->setCurrentIndex(ci >= 0 ? ci : 0);
}

QString TrainingPanel::progressText(qint64 id, const JobRecord &job) const
{
    const QJsonObject last = m_lastEvents.value(id, job.lastEvent);
    const QJsonObject start = m_startEvents.value(id);
    const QString event = last.value(QStringLiteral("event")).toString();
    if (job.state == JobState::Failed || job.state == JobState::Cancelled)
        return job.message.section(QLatin1Char('\n'), 0, 0);
    if (event == QLatin1String("train") || event == QLatin1String("val") || event == QLatin1String("checkpoint")) {
        const double step = last.value(QStringLiteral("step")).toDouble();
        const double total = start.value(QStringLiteral("total_steps")).toDouble();
        QString s = total > 0 ? tr("step %1/%2").arg(step).arg(total) : tr("step %1").arg(step);
        if (last.contains(QStringLiteral("loss")))
            s += tr(", loss %1").arg(last.value(QStringLiteral("loss")).toDouble(), 0, 'g', 4);
        if (last.contains(QStringLiteral("samples_per_s")))
            s += tr(", %1 sets/s").arg(last.value(QStringLiteral("samples_per_s")).toDouble(), 0, 'f', 2);
        const double t = last.value(QStringLiteral("time_s")).toDouble();
        const double step0 = start.value(QStringLiteral("step")).toDouble();
        if (job.state == JobState::Running && total > step && t > 0 && step > step0) {
            const double eta = (total - step) * t / (step - step0);
            s += tr(", ETA %1").arg(eta < 120 ? tr("%1 s").arg(qRound(eta)) : tr("%1 min").arg(qRound(eta / 60)));
        }
        if (start.contains(QStringLiteral("device")))
            s += QStringLiteral(" [%1]").arg(start.value(QStringLiteral("device")).toString());
        return s;
    }
    const QString d = describeJobEvent(last);
    return d.isEmpty() ? job.message.section(QLatin1Char('\n'), 0, 0) : d;
}

void TrainingPanel::updateRow(qint64 id)
{
    const auto job = m_runner->database().job(id);
    if (!job)
        return;
    for (int r = 0; r < m_table->rowCount(); ++r) {
        if (m_table->item(r, ColId)->data(Qt::UserRole).toLongLong() != id)
            continue;
        m_table->item(r, ColId)->setText(QString::number(id));
        m_table->item(r, ColTitle)->setText(job->title);
        m_table->item(r, ColKind)->setText(job->kind);
        m_table->item(r, ColState)->setText(jobStateName(job->state));
        m_table->item(r, ColProgress)->setText(progressText(id, *job));
        m_table->item(r, ColProgress)->setToolTip(job->message);
        m_table->item(r, ColStarted)->setText(job->started.isValid() ? job->started.toLocalTime().toString(QStringLiteral("MM-dd HH:mm")) : QString());
        return;
    }
}

void TrainingPanel::updateButtons()
{
    const auto job = m_runner->database().job(m_selected);
    const JobState s = job ? job->state : JobState::Finished;
    m_cancel->setEnabled(job && (s == JobState::Queued || s == JobState::Running || s == JobState::Paused));
    m_pause->setEnabled(job && s == JobState::Running);
    m_resume->setEnabled(job && isLegalJobTransition(s, JobState::Queued));
    m_remove->setEnabled(job && !isActiveJobState(s));
    m_open->setEnabled(job && !job->runDir.isEmpty());
    m_use->setEnabled(job && job->kind == QLatin1String("pretrain"));
    m_copy->setEnabled(bool(job));
    m_slurm->setEnabled(job && job->kind == QLatin1String("pretrain"));
}

void TrainingPanel::selectJob(qint64 id)
{
    m_selected = id;
    for (int r = 0; r < m_table->rowCount(); ++r)
        if (m_table->item(r, ColId)->data(Qt::UserRole).toLongLong() == id) {
            m_table->blockSignals(true);
            m_table->selectRow(r);
            m_table->blockSignals(false);
        }
    m_log->clear();
    const QString log = m_runner->logPath(id);
    if (!log.isEmpty())
        m_log->setPlainText(QString::fromUtf8(readFileTail(log, 64 * 1024)));
    m_log->moveCursor(QTextCursor::End);
    loadCurves(0, id);
    showDetails();
    updateButtons();
}

void TrainingPanel::compareWith(qint64 id)
{
    m_compared = id;
    const int ci = m_compare->findData(id);
    if (ci >= 0)
        m_compare->setCurrentIndex(ci);
    loadCurves(1, id);
}

void TrainingPanel::loadCurves(int slot, qint64 id)
{
    const auto job = m_runner->database().job(id);
    if (!job || job->runDir.isEmpty()) {
        m_curves->setRun(slot, {}, {});
        m_loadedUpTo[slot] = -1;
        return;
    }
    // metrics.jsonl of a long run is large: read and parse its lines off the UI thread.
    const QString path = QDir(job->runDir).filePath(QStringLiteral("metrics.jsonl"));
    const QString label = QStringLiteral("#%1").arg(id);
    ++m_busy;
    auto *watcher = new QFutureWatcher<QByteArray>(this);
    connect(watcher, &QFutureWatcher<QByteArray>::finished, this, [this, watcher, slot, id, label] {
        const QByteArray bytes = watcher->result();
        watcher->deleteLater();
        if ((slot == 0 && id == m_selected) || (slot == 1 && id == m_compared)) {
            m_curves->setRun(slot, label, bytes);
            const QJsonObject last = lastJsonEvent(bytes);
            m_loadedUpTo[slot] = last.isEmpty() ? -1 : last.value(QStringLiteral("step")).toDouble();
            // The start event (totals for the progress text) of a run the runner did not see start.
            for (const QByteArray &line : bytes.split('\n'))
                if (line.startsWith('{') && line.contains("\"event\":\"start\"")) {
                    const QJsonObject o = QJsonDocument::fromJson(line).object();
                    if (!o.isEmpty())
                        m_startEvents[id] = o;
                }
            updateRow(id);
        }
        finishBusy();
    });
    watcher->setFuture(QtConcurrent::run([path] {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }));
}

void TrainingPanel::onJobEvent(qint64 id, const QJsonObject &event)
{
    const QString name = event.value(QStringLiteral("event")).toString();
    m_lastEvents[id] = event;
    if (name == QLatin1String("start"))
        m_startEvents[id] = event;
    for (int slot = 0; slot < 2; ++slot) {
        if (id != (slot == 0 ? m_selected : m_compared))
            continue;
        if (name == QLatin1String("resume")) {  // steps after the checkpoint will be redone: reread
            loadCurves(slot, id);
        } else if (event.value(QStringLiteral("step")).toDouble() > m_loadedUpTo[slot]) {
            m_curves->appendEvent(slot, event);
        }
    }
    // A fast job prints many events per poll: the row (a table query) is updated once per event-loop turn.
    if (!m_dirtyRows.contains(id)) {
        m_dirtyRows.insert(id);
        if (m_dirtyRows.size() == 1)
            QTimer::singleShot(0, this, [this] {
                const QSet<qint64> rows = std::exchange(m_dirtyRows, {});
                for (qint64 r : rows)
                    updateRow(r);
            });
    }
}

void TrainingPanel::onJobOutput(qint64 id, const QByteArray &text)
{
    if (id != m_selected)
        return;
    QByteArray t = text;
    if (t.endsWith('\n'))
        t.chop(1);
    m_log->appendPlainText(QString::fromUtf8(t));
}

void TrainingPanel::showDetails()
{
    const auto job = m_runner->database().job(m_selected);
    if (!job) {
        m_details->clear();
        return;
    }
    QStringList lines;
    lines << tr("Job %1 (%2): %3").arg(job->id).arg(job->kind, jobStateName(job->state));
    lines << tr("Run folder: %1").arg(job->runDir.isEmpty() ? tr("(none)") : QDir::toNativeSeparators(job->runDir));
    lines << tr("Command: %1").arg(job->shellCommand());
    if (job->pid > 0)
        lines << tr("Process: %1").arg(job->pid);
    if (!job->ended.isNull() && job->state != JobState::Running)
        lines << tr("Exit status: %1").arg(job->exitCode);
    if (!job->failedFile.isEmpty())
        lines << tr("Failed on: %1").arg(job->failedFile);
    if (!job->message.isEmpty())
        lines << QString() << job->message;
    m_details->setText(lines.join(QLatin1Char('\n')));
    if (job->state == JobState::Failed)
        m_tabs->setCurrentWidget(m_details);
}

bool TrainingPanel::useModel(qint64 id, QString *message)
{
    const auto job = m_runner->database().job(id);
    QString path;
    if (job && !job->runDir.isEmpty())
        for (const char *name : {"model-best.safetensors", "model-last.safetensors"})
            if (QFileInfo::exists(QDir(job->runDir).filePath(QLatin1String(name)))) {
                path = QDir(job->runDir).filePath(QLatin1String(name));
                break;
            }
    if (path.isEmpty()) {
        if (message)
            *message = tr("Job %1 has no model yet (its run folder has no model-best or model-last .safetensors: "
                          "a pretrain writes one at its first checkpoint)").arg(id);
        return false;
    }
    if (m_inference)
        m_inference->setModelFile(path);
    if (m_settings)
        m_settings->setCurrentModel(path);
    if (message)
        *message = tr("The app's current model is now %1 (heatmaps, alignment, search; flare heads trained on it)")
                       .arg(QDir::toNativeSeparators(path));
    return true;
}

QString TrainingPanel::shellCommand(qint64 id) const
{
    const auto job = m_runner->database().job(id);
    return job ? job->shellCommand() : QString();
}

void TrainingPanel::exportSlurm(qint64 id, const QString &file, int nodes, int tasksPerNode, int gpusPerNode,
                                const QString &time, const QString &partition)
{
    const auto job = m_runner->database().job(id);
    if (!job) {
        Q_EMIT slurmExported(false, tr("No job %1").arg(id));
        return;
    }
    QStringList args = job->arguments;
    args.removeAll(QStringLiteral("--resume"));
    args << QStringLiteral("--slurm-script") << file << QStringLiteral("--nodes") << QString::number(nodes)
         << QStringLiteral("--tasks-per-node") << QString::number(tasksPerNode) << QStringLiteral("--gpus-per-node")
         << QString::number(gpusPerNode);
    if (!time.isEmpty())
        args << QStringLiteral("--time") << time;
    if (!partition.isEmpty())
        args << QStringLiteral("--partition") << partition;
    ++m_busy;
    auto *p = new QProcess(this);
    p->setProcessChannelMode(QProcess::MergedChannels);
    connect(p, &QProcess::finished, this, [this, p, file](int code, QProcess::ExitStatus status) {
        const QString out = QString::fromUtf8(p->readAll()).trimmed();
        p->deleteLater();
        bool ok = status == QProcess::NormalExit && code == 0 && QFileInfo::exists(file);
        QString message;
        if (ok)
            message = tr("Wrote the Slurm batch script %1").arg(QDir::toNativeSeparators(file));
        else if (out.contains(QStringLiteral("slurm-script")) && out.contains(QStringLiteral("nknown option")))
            message = tr("This build cannot write Slurm scripts: its solarchip pretrain has no --slurm-script option");
        else
            message = tr("Writing the Slurm script failed: %1").arg(out.section(QLatin1Char('\n'), 0, 2));
        m_lastExport = message;
        m_details->setText(message);
        Q_EMIT slurmExported(ok, message);
        finishBusy();
    });
    connect(p, &QProcess::errorOccurred, this, [this, p, job](QProcess::ProcessError e) {
        if (e != QProcess::FailedToStart)
            return;
        p->deleteLater();
        m_lastExport = tr("%1: could not start: %2").arg(job->program, p->errorString());
        Q_EMIT slurmExported(false, m_lastExport);
        finishBusy();
    });
    p->start(job->program, args);
}

void TrainingPanel::runExportDialog()
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Export as a Slurm batch script"));
    auto *form = new QFormLayout(&dialog);
    auto *nodes = intBox(&dialog, 1, 4096, 1);
    auto *tasks = intBox(&dialog, 1, 256, 4);
    auto *gpus = intBox(&dialog, 0, 64, 4);
    auto *time = new QLineEdit(QStringLiteral("24:00:00"), &dialog);
    auto *partition = new QLineEdit(&dialog);
    form->addRow(tr("Nodes"), nodes);
    form->addRow(tr("Tasks per node"), tasks);
    form->addRow(tr("GPUs per node"), gpus);
    form->addRow(tr("Time limit"), time);
    form->addRow(tr("Partition"), partition);
    auto *box = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    form->addRow(box);
    connect(box, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(box, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const auto job = m_runner->database().job(m_selected);
    const QString suggested = job && !job->runDir.isEmpty() ? QDir(job->runDir).filePath(QStringLiteral("pretrain.sbatch"))
                                                            : QStringLiteral("pretrain.sbatch");
    const QString file = QFileDialog::getSaveFileName(this, tr("Slurm batch script"), suggested);
    if (file.isEmpty())
        return;
    exportSlurm(m_selected, file, nodes->value(), tasks->value(), gpus->value(), time->text().trimmed(),
                partition->text().trimmed());
}

QJsonObject TrainingPanel::state() const
{
    QJsonArray jobs;
    for (const JobRecord &j : m_runner->database().jobs())
        jobs.append(QJsonObject{{QStringLiteral("id"), j.id},
                                {QStringLiteral("kind"), j.kind},
                                {QStringLiteral("state"), jobStateName(j.state)},
                                {QStringLiteral("run_dir"), j.runDir},
                                {QStringLiteral("step"), j.lastEvent.value(QStringLiteral("step"))},
                                {QStringLiteral("message"), j.message}});
    const TrainingRequest r = request();
    return QJsonObject{{QStringLiteral("visible"), isVisible()},
                       {QStringLiteral("database"), m_runner->database().path()},
                       {QStringLiteral("database_error"), m_runner->openError()},
                       {QStringLiteral("jobs"), jobs},
                       {QStringLiteral("running"), static_cast<int>(m_runner->runningJobs().size())},
                       {QStringLiteral("selected"), m_selected},
                       {QStringLiteral("compared"), m_compared},
                       {QStringLiteral("curves"), m_curves->curveCount()},
                       {QStringLiteral("curve_points"), m_curves->pointCount()},
                       {QStringLiteral("check_ok"), m_checkOk},
                       {QStringLiteral("check"), m_checkText},
                       {QStringLiteral("command"), QJsonArray::fromStringList(r.arguments())},
                       {QStringLiteral("form"), QJsonObject{{QStringLiteral("archive"), r.archiveDir},
                                                            {QStringLiteral("channels"), r.channels.join(QLatin1Char(','))},
                                                            {QStringLiteral("preset"), r.preset},
                                                            {QStringLiteral("batch"), r.batch},
                                                            {QStringLiteral("run_dir"), r.runDir},
                                                            {QStringLiteral("range_used"), m_useRange->isChecked()},
                                                            {QStringLiteral("range_from"), m_from->dateTime().toUTC().toString(Qt::ISODate)},
                                                            {QStringLiteral("range_to"), m_to->dateTime().toUTC().toString(Qt::ISODate)}}},
                       {QStringLiteral("export"), m_lastExport},
                       {QStringLiteral("width"), width()},
                       {QStringLiteral("content_min_width"), m_content->minimumSizeHint().width()},
                       {QStringLiteral("scrolls_sideways"), m_scroll->horizontalScrollBar()->maximum() > 0
                                                                || m_formScroll->horizontalScrollBar()->maximum() > 0}};
}

}  // namespace solarchip
