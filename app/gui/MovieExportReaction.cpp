#include "app/gui/MovieExportReaction.h"

#include "app/gui/ArchiveDocument.h"
#include "app/gui/ExportViewReaction.h"
#include "app/gui/MainWindow.h"
#include "app/gui/PlaybackController.h"
#include "app/gui/StudioSettings.h"
#include "core/map/MapMeta.h"
#include "widgets/TimelineModel.h"
#include "widgets/MapGrid.h"
#include "widgets/MapView.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTimeZone>

#include <algorithm>

namespace solarchip {

MovieExportReaction::MovieExportReaction(QAction *action, MainWindow *window, StudioSettings *settings)
    : Reaction(action), m_window(window), m_settings(settings)
{
    m_exporter = new MovieExporter(
        window->observation(), [window] { return window->isSettled(); },
        [this]() -> QImage {
            MapGrid *grid = m_window->grid();
            if (m_content == Content::AllViews) {
                if (!grid)
                    return {};
                // The views as on screen, without the frame that marks the selected one (an editing aid).
                MapView *selected = grid->count() > 1 ? grid->currentView() : nullptr;
                if (selected)
                    selected->setSelected(false);
                const QImage image = grid->grab().toImage();
                if (selected)
                    selected->setSelected(true);
                return image;
            }
            MapView *view = ExportViewReaction::targetViewOf(grid);
            if (!view || !view->hasMap())
                return {};
            return view->renderView(m_content == Content::SelectedViewWithOverlays,
                                    m_dataResolution ? ExportViewReaction::dataResolutionSize(view) : QSize());
        },
        this);
    connect(window, &MainWindow::settledMaybe, m_exporter, &MovieExporter::poke);
    connect(m_exporter, &MovieExporter::progress, this, [this](int frames, const QDateTime &time) {
        if (m_progress)
            m_progress->setLabelText(tr("Frame %1: %2 UTC").arg(frames).arg(time.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))));
    });
    connect(m_exporter, &MovieExporter::finished, this, [this](bool ok, const QString &message) {
        if (m_progress) {
            m_progress->reset();
            m_progress->deleteLater();
        }
        m_window->statusBar()->showMessage(message, 30000);
        Q_EMIT finished(ok, message);
    });
}

Status MovieExportReaction::exportMovie(const MovieExportOptions &options, Content content, bool dataResolution, bool showProgress)
{
    if (m_exporter->isRunning())
        return Error{options.folder, tr("a movie export is already running")};
    if (content != Content::AllViews && !ExportViewReaction::targetViewOf(m_window->grid()))
        return Error{options.folder, tr("no map on screen to export")};
    m_content = content;
    m_dataResolution = dataResolution;
    m_window->playback()->pause();  // the exporter moves the time itself
    if (Status s = m_exporter->start(options); !s)
        return s;
    if (showProgress) {
        m_progress = new QProgressDialog(tr("Starting…"), tr("Cancel"), 0, 0, m_window);
        m_progress->setWindowTitle(tr("Export movie"));
        m_progress->setWindowModality(Qt::WindowModal);
        m_progress->setMinimumDuration(0);
        connect(m_progress, &QProgressDialog::canceled, m_exporter, &MovieExporter::cancel);
        m_progress->show();
    }
    return {};
}

void MovieExportReaction::onTriggered()
{
    ObservationDocument *doc = m_window->observation();
    MapView *view = ExportViewReaction::targetViewOf(m_window->grid());
    if (!doc || !doc->hasTime() || !view || !view->hasMap()) {
        QMessageBox::information(m_window, tr("Export movie"), tr("Open an archive with several times first: there is no map on screen."));
        return;
    }
    const QDateTime now = doc->time().toUTC();
    // The range defaults to a day from the time shown, within the anchor channel's observations.
    QDateTime last = now.addDays(1);
    if (TimelineModel *timeline = m_window->archive()->timeline()) {
        const QVector<qint64> &t = timeline->times(doc->anchorChannel());
        if (!t.isEmpty())
            last = std::min(last, QDateTime::fromMSecsSinceEpoch(t.back(), QTimeZone::utc()));
    }
    const auto &meta = view->map()->meta;
    QString channel = meta.channel.isEmpty() ? QStringLiteral("map") : meta.channel;
    if (channel.front().isDigit())
        channel.prepend(QStringLiteral("aia"));
    const QString stem = channel + QLatin1Char('_') + now.toString(QStringLiteral("yyyyMMdd'T'HHmm"));
    const QString base = m_settings ? m_settings->exportFolder() : QDir::homePath();

    QDialog dialog(m_window);
    dialog.setWindowTitle(tr("Export movie"));
    auto *form = new QFormLayout;
    auto *folder = new QLineEdit(QDir(base).filePath(stem));
    auto *browse = new QPushButton(tr("Browse…"));
    auto *folderRow = new QHBoxLayout;
    folderRow->addWidget(folder, 1);
    folderRow->addWidget(browse);
    connect(browse, &QPushButton::clicked, &dialog, [&] {
        const QString dir = QFileDialog::getExistingDirectory(&dialog, tr("Folder for the frames"), folder->text());
        if (!dir.isEmpty())
            folder->setText(dir);
    });
    form->addRow(tr("Folder:"), folderRow);
    auto *name = new QLineEdit(stem);
    form->addRow(tr("File names:"), name);
    auto makeTime = [](const QDateTime &t) {
        auto *e = new QDateTimeEdit(t);
        e->setTimeSpec(Qt::UTC);
        e->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"));
        e->setCalendarPopup(true);
        return e;
    };
    QDateTimeEdit *from = makeTime(now), *to = makeTime(last);
    form->addRow(tr("From:"), from);
    form->addRow(tr("To:"), to);
    auto *step = new QComboBox;
    step->addItem(tr("Every observation of %1").arg(doc->anchorChannel().isEmpty() ? tr("the anchor channel") : channelLabel(doc->anchorChannel())));
    step->addItem(tr("The playback step (the cadence)"));
    form->addRow(tr("Frames:"), step);
    auto *content = new QComboBox;
    content->addItem(tr("The selected view, with overlays"));
    content->addItem(tr("The selected view, without overlays"));
    content->addItem(tr("Every view, as on screen"));
    content->setCurrentIndex(static_cast<int>(m_content));
    form->addRow(tr("Each frame:"), content);
    auto *size = new QComboBox;
    size->addItem(tr("The view's size (%1 × %2)").arg(view->width()).arg(view->height()));
    const QSize data = ExportViewReaction::dataResolutionSize(view);
    size->addItem(tr("Data resolution (%1 × %2, one pixel per map pixel)").arg(data.width()).arg(data.height()));
    size->setCurrentIndex(m_dataResolution ? 1 : 0);
    connect(content, &QComboBox::currentIndexChanged, size, [size](int i) { size->setEnabled(i != 2); });
    form->addRow(tr("Size:"), size);
    auto *fps = new QDoubleSpinBox;
    fps->setRange(0.5, 60);
    fps->setValue(std::clamp(m_window->playback()->framesPerSecond(), 0.5, 60.0));
    fps->setSuffix(tr(" fps"));
    const bool haveFfmpeg = !QStandardPaths::findExecutable(QStringLiteral("ffmpeg")).isEmpty();
    auto *mp4 = new QCheckBox(haveFfmpeg ? tr("Also join the frames into an MP4 (ffmpeg)")
                                         : tr("MP4: ffmpeg is not installed (the frames and the command to join them are given)"));
    mp4->setChecked(haveFfmpeg);
    mp4->setEnabled(haveFfmpeg);
    form->addRow(tr("Movie:"), mp4);
    form->addRow(tr("Frame rate:"), fps);
    auto *note = new QLabel(tr("Frames are written as NAME_0001.png, NAME_0002.png, … with NAME_frames.csv (frame, time, "
                               "file); files of the same name in the folder are replaced."));
    note->setWordWrap(true);
    form->addRow(note);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Export"));
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto *layout = new QVBoxLayout(&dialog);
    layout->addLayout(form);
    layout->addWidget(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return;

    MovieExportOptions o;
    o.folder = folder->text().trimmed();
    o.stem = name->text().trimmed();
    o.from = from->dateTime().toUTC();
    o.to = to->dateTime().toUTC();
    o.step = step->currentIndex() == 0 ? ObservationDocument::Step::NextObservation : ObservationDocument::Step::ForwardByCadence;
    o.fps = fps->value();
    o.mp4 = mp4->isChecked();
    const Status started = exportMovie(o, static_cast<Content>(content->currentIndex()), size->currentIndex() == 1);
    if (!started) {
        QMessageBox::warning(m_window, tr("Export movie"), tr("Could not start the export:\n%1").arg(started.errorString()));
        return;
    }
    if (m_settings)
        m_settings->setExportDir(QFileInfo(o.folder).absolutePath());
}

}  // namespace solarchip
