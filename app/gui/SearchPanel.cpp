#include "app/gui/SearchPanel.h"

#include "app/gui/EmbedJob.h"
#include "app/gui/SearchController.h"
#include "core/map/MapMeta.h"
#include "widgets/ResultsGallery.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTimeZone>
#include <QVBoxLayout>

namespace solarchip {

namespace {

QString formatEta(double seconds)
{
    if (seconds < 0)
        return QObject::tr("estimating…");
    if (seconds < 90)
        return QObject::tr("%1 s left").arg(qRound(seconds));
    return QObject::tr("%1 min left").arg(seconds / 60.0, 0, 'f', 1);
}

}  // namespace

SearchPanel::SearchPanel(SearchController *controller, QWidget *parent) : QWidget(parent), m_controller(controller)
{
    auto *layout = new QVBoxLayout(this);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("searchStatus"));
    m_status->setWordWrap(true);
    layout->addWidget(m_status);

    auto *jobRow = new QHBoxLayout;
    m_embed = new QPushButton(tr("Embed archive"), this);
    m_embed->setObjectName(QStringLiteral("embedButton"));
    m_embed->setToolTip(tr("Encode every co-temporal set of the archive with the current model into its embedding "
                           "store (in the background; resumes where it stopped, adds new files)"));
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setObjectName(QStringLiteral("embedCancelButton"));
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("embedProgress"));
    m_progress->setTextVisible(true);
    jobRow->addWidget(m_embed);
    jobRow->addWidget(m_progress, 1);
    jobRow->addWidget(m_cancel);
    layout->addLayout(jobRow);

    auto *form = new QFormLayout;
    m_channel = new QComboBox(this);
    m_channel->setObjectName(QStringLiteral("searchChannel"));
    m_channel->addItem(tr("The query's channel"), QString());
    form->addRow(tr("Channel"), m_channel);
    auto *dates = new QHBoxLayout;
    m_useDates = new QCheckBox(tr("from"), this);
    m_from = new QDateEdit(this);
    m_to = new QDateEdit(this);
    for (QDateEdit *d : {m_from, m_to}) {
        d->setCalendarPopup(true);
        d->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    }
    m_from->setDate(QDate(2010, 5, 1));
    m_to->setDate(QDate::currentDate());
    dates->addWidget(m_useDates);
    dates->addWidget(m_from);
    dates->addWidget(new QLabel(tr("to"), this));
    dates->addWidget(m_to);
    form->addRow(tr("Dates"), dates);
    m_exclude = new QDoubleSpinBox(this);
    m_exclude->setObjectName(QStringLiteral("excludeDays"));
    m_exclude->setRange(0, 60);
    m_exclude->setDecimals(1);
    m_exclude->setSuffix(tr(" days"));
    m_exclude->setToolTip(tr("Leave out the query's own region (followed by differential rotation) within this many "
                             "days of the query; 0 keeps it"));
    form->addRow(tr("Exclude own region ±"), m_exclude);
    m_onDisk = new QCheckBox(tr("On-disk cells only"), this);
    m_onDisk->setChecked(true);
    m_onDisk->setToolTip(tr("Only cells whose centre lies on the disk (the search index holds the cells within 0.98 "
                            "solar radii; off-limb cells are never indexed)"));
    form->addRow(QString(), m_onDisk);
    m_limb = new QDoubleSpinBox(this);
    m_limb->setRange(0, 1);
    m_limb->setDecimals(2);
    m_limb->setSingleStep(0.05);
    m_limb->setSpecialValueText(tr("any"));
    m_limb->setToolTip(tr("Only cells within this fraction of the solar radius from disk centre"));
    form->addRow(tr("Max. distance from centre (R☉)"), m_limb);
    m_k = new QSpinBox(this);
    m_k->setRange(1, 200);
    m_k->setValue(controller->filters().k);
    form->addRow(tr("Hits"), m_k);
    layout->addLayout(form);

    m_queryLabel = new QLabel(this);
    m_queryLabel->setObjectName(QStringLiteral("queryLabel"));
    m_queryLabel->setWordWrap(true);
    layout->addWidget(m_queryLabel);
    m_gallery = new ResultsGallery(this);
    m_gallery->setObjectName(QStringLiteral("resultsGallery"));
    layout->addWidget(m_gallery, 1);
    auto *exports = new QHBoxLayout;
    m_exportCsv = new QPushButton(tr("Export CSV…"), this);
    m_exportJson = new QPushButton(tr("Export JSON…"), this);
    exports->addStretch(1);
    exports->addWidget(m_exportCsv);
    exports->addWidget(m_exportJson);
    layout->addLayout(exports);

    connect(m_embed, &QPushButton::clicked, controller, &SearchController::embedArchive);
    connect(m_cancel, &QPushButton::clicked, controller, &SearchController::cancelEmbedding);
    connect(m_exportCsv, &QPushButton::clicked, this, [this] { exportHits(false); });
    connect(m_exportJson, &QPushButton::clicked, this, [this] { exportHits(true); });
    connect(controller, &SearchController::stateChanged, this, &SearchPanel::updateState);
    connect(controller, &SearchController::hitsChanged, this, &SearchPanel::updateState);
    connect(controller, &SearchController::embedProgress, this, [this](qint64 done, qint64 total, double eta) {
        m_progress->setRange(0, int(std::max<qint64>(1, total)));
        m_progress->setValue(int(done));
        m_progress->setFormat(tr("%1/%2 sets — %3").arg(done).arg(total).arg(formatEta(eta)));
    });
    connect(m_channel, &QComboBox::currentIndexChanged, this, &SearchPanel::applyFilters);
    connect(m_useDates, &QCheckBox::toggled, this, &SearchPanel::applyFilters);
    connect(m_from, &QDateEdit::dateChanged, this, &SearchPanel::applyFilters);
    connect(m_to, &QDateEdit::dateChanged, this, &SearchPanel::applyFilters);
    connect(m_exclude, &QDoubleSpinBox::editingFinished, this, &SearchPanel::applyFilters);
    connect(m_onDisk, &QCheckBox::toggled, this, &SearchPanel::applyFilters);
    connect(m_limb, &QDoubleSpinBox::editingFinished, this, &SearchPanel::applyFilters);
    connect(m_k, &QSpinBox::editingFinished, this, &SearchPanel::applyFilters);
    updateState();
}

void SearchPanel::setChannels(const QStringList &channels)
{
    const QString current = m_channel->currentData().toString();
    QSignalBlocker block(m_channel);
    while (m_channel->count() > 1)
        m_channel->removeItem(1);
    for (const QString &c : channels)
        m_channel->addItem(channelLabel(c), c);
    m_channel->setCurrentIndex(std::max(0, m_channel->findData(current)));
}

void SearchPanel::applyFilters()
{
    GalleryFilters f = m_controller->filters();
    f.channel = m_channel->currentData().toString();
    f.fromMs = m_useDates->isChecked() ? QDateTime(m_from->date(), QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch() : 0;
    f.toMs = m_useDates->isChecked() ? QDateTime(m_to->date(), QTime(23, 59, 59, 999), QTimeZone::utc()).toMSecsSinceEpoch()
                                     : 0;
    f.excludeDays = m_exclude->value();
    f.onDiskOnly = m_onDisk->isChecked();
    f.maxLimbDistance = m_limb->value();
    f.k = m_k->value();
    m_from->setEnabled(m_useDates->isChecked());
    m_to->setEnabled(m_useDates->isChecked());
    m_controller->setFilters(f);
}

void SearchPanel::updateState()
{
    const QString state = m_controller->state();
    m_status->setText(m_controller->message());
    const bool embedding = state == QLatin1String("embedding");
    m_embed->setEnabled(!embedding && state != QLatin1String("no-archive") && state != QLatin1String("model"));
    m_embed->setText(state == QLatin1String("ready") ? tr("Update embeddings") : tr("Embed archive"));
    m_cancel->setVisible(embedding);
    m_progress->setVisible(embedding);
    if (embedding && m_controller->embedJob()->total() == 0) {
        m_progress->setRange(0, 0);
        m_progress->setFormat(tr("starting…"));
    }
    const bool hits = m_gallery->model()->rowCount() > 0;
    m_exportCsv->setEnabled(hits);
    m_exportJson->setEnabled(hits);
    if (const auto q = m_controller->lastQuery()) {
        const GallerySearchResult &r = m_controller->lastResult();
        QString text = tr("Query: %1 at (%2\", %3\")")
                           .arg(channelLabel(q->channel))
                           .arg(q->hpc.x(), 0, 'f', 0)
                           .arg(q->hpc.y(), 0, 'f', 0);
        if (r.grid > 0)
            text += tr(", cell (%1, %2) of %3  %4")
                        .arg(r.queryCell / r.grid)
                        .arg(r.queryCell % r.grid)
                        .arg(QDateTime::fromMSecsSinceEpoch(r.queryTimeMs, QTimeZone::utc())
                                 .toString(QStringLiteral("yyyy-MM-dd HH:mm")))
                        .arg(formatLonLat(r.queryLonLat));
        m_queryLabel->setText(text);
    } else {
        m_queryLabel->setText(tr("Click or drag a box on a map to find similar regions across the archive."));
    }
}

void SearchPanel::exportHits(bool json)
{
    const QString path = QFileDialog::getSaveFileName(this, json ? tr("Export hits as JSON") : tr("Export hits as CSV"),
                                                      json ? QStringLiteral("search-hits.json")
                                                           : QStringLiteral("search-hits.csv"),
                                                      json ? tr("JSON (*.json)") : tr("CSV (*.csv)"));
    if (path.isEmpty())
        return;
    const Status s = json ? m_controller->exportJson(path) : m_controller->exportCsv(path);
    if (!s)
        QMessageBox::warning(this, tr("Export hits"), s.errorString());
}

}  // namespace solarchip
