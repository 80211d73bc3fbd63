// The time and export controls as a user meets them (issue 9), on a main window over a small archive
// (CatalogFixture: AIA 171, 193, 211 and 304 every 12 s, ten times, 96 px):
// - playback never puts a frame on screen that mixes times: the presenter counts what reaches the screen, and
//   with its frame hold switched off the same count sees the mixing (so the check can fail);
// - `solarchip-studio --bench-stepping --json` reports playback (asked and achieved fps, frames dropped,
//   mixed-time frames = 0) on a small `solarchip synth` archive;
// - Go to date takes typed ISO text, Enter presses Go, and bad text says so;
// - Ctrl+Shift+R / Ctrl+Shift+B pressed again turn differences off;
// - the export dialog says where it saved, remembers the folder and writes data resolution on request;
// - the Step box speaks human units, offers 27 d and a custom step, and shows the archive's cadence (12 s);
// - Play becomes Pause (text and icon) and back; Loop and Rescan have different icons;
// - the shortcuts dialog shows no internal ids and filters by what is typed;
// - status-bar texts never run into each other in a narrow window (they end in "…"), and a temporary message
//   gets the archive status's room.
#include "app/gui/ActionRegistry.h"
#include "app/gui/CalendarPopup.h"
#include "app/gui/ElidedLabel.h"
#include "app/gui/ExportDialog.h"
#include "app/gui/ExportViewReaction.h"
#include "app/gui/MainWindow.h"
#include "app/gui/ObservationDocument.h"
#include "app/gui/PlaybackController.h"
#include "app/gui/SetViewPresenter.h"
#include "app/gui/ShortcutsDialog.h"
#include "app/gui/StepCombo.h"
#include "app/gui/StudioSettings.h"
#include "core/archive/CatalogFixture.h"
#include "widgets/MapGrid.h"
#include "widgets/MapView.h"

#include "TestSupport.h"

#include <QAction>
#include <QApplication>
#include <QCalendarWidget>
#include <QHeaderView>
#include <QImage>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QSet>
#include <QStatusBar>
#include <QStyle>
#include <QTableWidget>
#include <QTest>
#include <QTimeEdit>
#include <QTimeZone>
#include <QTimer>

#include <functional>
#include <memory>

using namespace solarchip;
using Diff = ObservationDocument::DifferenceMode;

namespace {

constexpr int kTimes = 10;
constexpr qint64 kCadenceMs = 12000;
const qint64 kT0 = QDateTime(QDate(2011, 6, 7), QTime(0, 0, 1), QTimeZone::utc()).toMSecsSinceEpoch();
const QStringList kChannels = {QStringLiteral("171"), QStringLiteral("193"), QStringLiteral("211"),
                               QStringLiteral("304")};
// Each channel 1 s after the previous one, as AIA's exposures are staggered: one set per 12 s.
qint64 timeOf(int k, int channel = 0) { return kT0 + k * kCadenceMs + channel * 1000; }

QImage iconImage(const QIcon &icon)
{
    return icon.pixmap(24, 24).toImage().convertToFormat(QImage::Format_ARGB32);
}

// Runs `handle` on the next modal dialog of type T once it is up (the dialogs under test block in exec()).
template <class T>
void whenModal(std::function<void(T *)> handle)
{
    auto *timer = new QTimer;
    timer->setInterval(20);
    QObject::connect(timer, &QTimer::timeout, timer, [timer, handle] {
        if (auto *dialog = qobject_cast<T *>(QApplication::activeModalWidget())) {
            timer->stop();
            timer->deleteLater();
            handle(dialog);
        }
    });
    timer->start();
}

}  // namespace

class TestControls : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir = test::scratchDir();
    std::unique_ptr<StudioSettings> m_settings;
    std::unique_ptr<MainWindow> m_window;

    QAction *action(const char *id) const { return m_window->actions()->action(QString::fromLatin1(id)); }
    SetViewPresenter *presenter() const { return m_window->presenter(); }
    ObservationDocument *observation() const { return m_window->observation(); }

    void goTo(int k)
    {
        observation()->goToTime(QDateTime::fromMSecsSinceEpoch(timeOf(k), QTimeZone::utc()));
        QTRY_COMPARE_WITH_TIMEOUT(observation()->timeMs(), timeOf(k), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled(), 30000);
    }

    // Plays through the archive and back to its start (loop) and returns the times presented.
    QVector<qint64> playAround(int frames)
    {
        QVector<qint64> shown;
        auto c = connect(presenter(), &SetViewPresenter::framePresented, this, [&shown](qint64 t) { shown << t; });
        PlaybackController *playback = m_window->playback();
        playback->setLoop(true);
        playback->setFramesPerSecond(30);
        playback->play();
        // While playing a slow set is waited for, never shown half-filled.
        [&] { QCOMPARE(presenter()->maxHoldMs(), 0); }();
        [&] { QTRY_VERIFY_WITH_TIMEOUT(shown.size() >= frames, 60000); }();
        playback->pause();
        [&] { QCOMPARE(presenter()->maxHoldMs(), SetViewPresenter::kDefaultMaxHoldMs); }();
        disconnect(c);
        [&] { QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled(), 30000); }();
        return shown;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qputenv("SOLARCHIP_SAMPLE_DIR", m_dir.filePath(QStringLiteral("no-sample")).toUtf8());
        QVector<FixtureFile> files;
        for (int k = 0; k < kTimes; ++k)
            for (int c = 0; c < kChannels.size(); ++c)
                files << FixtureFile{kChannels[c], timeOf(k, c), 0, {}};
        FixtureOptions options;
        options.size = 96;
        QVERIFY(CatalogFixture::write(m_dir.filePath(QStringLiteral("archive")), files, options).ok());

        m_settings = std::make_unique<StudioSettings>(m_dir.filePath(QStringLiteral("settings.ini")));
        m_window = std::make_unique<MainWindow>(m_settings.get());
        m_window->setInteractive(false);
        m_window->resize(1200, 800);
        m_window->setInitialTime(QDateTime::fromMSecsSinceEpoch(timeOf(0), QTimeZone::utc()));
        m_window->show();
        m_window->openArchive(m_dir.filePath(QStringLiteral("archive")));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled(), 30000);
        QCOMPARE(observation()->timeMs(), timeOf(0));
        QCOMPARE(m_window->grid()->count(), kChannels.size());
    }

    void cleanupTestCase() { m_window.reset(); }

    // ---- playback: one frame, one time ------------------------------------------------------------------

    void playbackNeverMixesTimes()
    {
        goTo(0);
        const int mixedBefore = presenter()->mixedTimeFrames();
        const int presentedBefore = presenter()->framesPresented();
        // Fifteen frames: through all ten times and round the loop, each a whole set of one time.
        const QVector<qint64> shown = playAround(15);
        QCOMPARE(presenter()->mixedTimeFrames() - mixedBefore, 0);
        QVERIFY(presenter()->framesPresented() - presentedBefore >= 15);
        QSet<qint64> archiveTimes;
        for (int k = 0; k < kTimes; ++k)
            archiveTimes.insert(timeOf(k));
        for (qint64 t : shown)
            QVERIFY2(archiveTimes.contains(t), qPrintable(QString::number(t)));
        // In order, one observation per frame, and round the loop to the start.
        for (int i = 1; i < shown.size(); ++i)
            QVERIFY2(shown[i] == shown[i - 1] + kCadenceMs || shown[i] == timeOf(0),
                     qPrintable(QStringLiteral("frame %1").arg(i)));
        QVERIFY(shown.contains(timeOf(kTimes - 1)) && shown.contains(timeOf(0)));
        QCOMPARE(m_window->playback()->framesDropped(), 0);
    }

    void mixedTimeCountSeesMapsArrivingOneByOne()
    {
        // Without the frame hold every view shows its map as soon as it has rendered: a step then puts views
        // of two times on screen together, and the presenter must count it.
        goTo(0);
        presenter()->setHoldFrames(false);
        const int before = presenter()->mixedTimeFrames();
        observation()->step(ObservationDocument::Step::NextObservation);
        QTRY_COMPARE_WITH_TIMEOUT(observation()->timeMs(), timeOf(1), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled(), 30000);
        presenter()->setHoldFrames(true);
        QVERIFY2(presenter()->mixedTimeFrames() > before, "four views rendered one after the other");
    }

    void steppingWithTheHoldNeverMixes()
    {
        goTo(0);
        const int before = presenter()->mixedTimeFrames();
        for (int k = 1; k < 4; ++k) {
            observation()->step(ObservationDocument::Step::NextObservation);
            QTRY_COMPARE_WITH_TIMEOUT(observation()->timeMs(), timeOf(k), 20000);
            QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled(), 30000);
            QCOMPARE(presenter()->presentedTimeMs(), timeOf(k));
            for (int v = 0; v < m_window->grid()->count(); ++v) {
                const MapView *view = m_window->grid()->view(v);
                QVERIFY(view->map());
                // Each view's map is its channel's file of this set (1 s per channel after the set's time).
                const qint64 t = view->map()->meta.tObs.toMSecsSinceEpoch();
                QVERIFY2(std::llabs(t - timeOf(k)) < kCadenceMs / 2, qPrintable(view->map()->meta.channel));
            }
        }
        QCOMPARE(presenter()->mixedTimeFrames(), before);
    }

    void droppingFramesKeepsWholeFrames()
    {
        goTo(0);
        const int before = presenter()->mixedTimeFrames();
        m_window->playback()->setDropFrames(true);
        playAround(8);
        m_window->playback()->setDropFrames(false);
        QCOMPARE(presenter()->mixedTimeFrames(), before);
    }

    // ---- the stepping benchmark reports playback --------------------------------------------------------

    void benchmarkReportsPlayback()
    {
        const QString archive = m_dir.filePath(QStringLiteral("synth"));
        const auto synth = test::run(test::binPath(QStringLiteral("solarchip")),
                                     {QStringLiteral("synth"), archive, QStringLiteral("--start"),
                                      QStringLiteral("2011-06-07T00:00"), QStringLiteral("--days"), QStringLiteral("1"),
                                      QStringLiteral("--cadence"), QStringLiteral("2"), QStringLiteral("--size"),
                                      QStringLiteral("128"), QStringLiteral("--channels"), QStringLiteral("171,193,304"),
                                      QStringLiteral("--seed"), QStringLiteral("3"), QStringLiteral("--no-truth"),
                                      QStringLiteral("--quiet")},
                                     300000);
        QVERIFY2(synth.exitCode == 0, synth.err.constData());
        const auto run = test::run(test::binPath(QStringLiteral("solarchip-studio")),
                                   {QStringLiteral("--archive"), archive, QStringLiteral("--bench-stepping"),
                                    QStringLiteral("--json"), QStringLiteral("--steps"), QStringLiteral("6"),
                                    QStringLiteral("--interval"), QStringLiteral("20"), QStringLiteral("--fps"),
                                    QStringLiteral("20"), QStringLiteral("--settings"),
                                    m_dir.filePath(QStringLiteral("bench.ini")), QStringLiteral("--window-size"),
                                    QStringLiteral("900x700"), QStringLiteral("--timeout"), QStringLiteral("240")},
                                   300000);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonObject out = test::parseJson(run.out).object();
        for (const char *phase : {"playback", "playback_dropping"}) {
            const QJsonObject p = out.value(QLatin1String(phase)).toObject();
            QVERIFY2(!p.isEmpty(), phase);
            for (const char *key : {"asked_fps", "achieved_fps", "archive_fps", "frames", "frames_dropped",
                                    "mixed_time_frames", "frame_interval", "drop_frames"})
                QVERIFY2(p.contains(QLatin1String(key)), key);
            QCOMPARE(p.value(QStringLiteral("asked_fps")).toDouble(), 20.0);
            QCOMPARE(p.value(QStringLiteral("frames")).toInt(), 6);
            QVERIFY(p.value(QStringLiteral("achieved_fps")).toDouble() > 0);
            QCOMPARE(p.value(QStringLiteral("mixed_time_frames")).toInt(), 0);
            QCOMPARE(p.value(QStringLiteral("frame_interval")).toObject().value(QStringLiteral("count")).toInt(), 6);
        }
        QCOMPARE(out.value(QStringLiteral("playback")).toObject().value(QStringLiteral("frames_dropped")).toInt(), 0);
        QCOMPARE(out.value(QStringLiteral("playback_dropping")).toObject().value(QStringLiteral("drop_frames")).toBool(),
                 true);
        QCOMPARE(out.value(QStringLiteral("mixed_time_frames")).toInt(), 0);
        QVERIFY(out.value(QStringLiteral("frames_presented")).toInt() >= 12);
    }

    // ---- Go to date -------------------------------------------------------------------------------------

    void parsesIsoText()
    {
        auto utc = [](int h, int m, int s, int ms = 0) {
            return QDateTime(QDate(2022, 4, 2), QTime(h, m, s, ms), QTimeZone::utc());
        };
        QCOMPARE(CalendarPopup::parseUtc(QStringLiteral("2022-04-02T12:34:56")), utc(12, 34, 56));
        QCOMPARE(CalendarPopup::parseUtc(QStringLiteral(" 2022-04-02 12:34:56Z ")), utc(12, 34, 56));
        QCOMPARE(CalendarPopup::parseUtc(QStringLiteral("2022-04-02T12:34")), utc(12, 34, 0));
        QCOMPARE(CalendarPopup::parseUtc(QStringLiteral("2022-04-02T12:34:56.250")), utc(12, 34, 56, 250));
        QCOMPARE(CalendarPopup::parseUtc(QStringLiteral("2022/04/02 12:34:56")), utc(12, 34, 56));
        QCOMPARE(CalendarPopup::parseUtc(QStringLiteral("2022-04-02")), utc(0, 0, 0));
        QVERIFY(!CalendarPopup::parseUtc(QStringLiteral("yesterday")).isValid());
        QVERIFY(!CalendarPopup::parseUtc(QStringLiteral("2022-13-02T00:00")).isValid());
        QVERIFY(!CalendarPopup::parseUtc(QString()).isValid());
    }

    void jumpByTypedIsoText()
    {
        goTo(0);
        action("time.goToDate")->trigger();
        CalendarPopup *popup = nullptr;
        QTRY_VERIFY((popup = m_window->findChild<CalendarPopup *>()) && popup->isVisible());
        // The field starts at the current time, in the form it reads.
        QCOMPARE(popup->isoEdit()->text(), QStringLiteral("2011-06-07T00:00:01"));
        QPointer<CalendarPopup> guard(popup);
        popup->isoEdit()->setFocus();
        popup->isoEdit()->selectAll();
        // Nearest to 00:01:05 is the set of 00:01:01 (k = 5); typed, then Enter.
        QTest::keyClicks(popup->isoEdit(), QStringLiteral("2011-06-07 00:01:05"));
        QCOMPARE(popup->calendar()->selectedDate(), QDate(2011, 6, 7));
        QCOMPARE(popup->timeEdit()->time(), QTime(0, 1, 5));
        QTest::keyClick(popup->isoEdit(), Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(observation()->timeMs(), timeOf(5), 20000);
        QTRY_VERIFY(guard.isNull() || !guard->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled(), 30000);
    }

    void enterInTheTimeFieldPressesGo()
    {
        goTo(0);
        action("time.goToDate")->trigger();
        CalendarPopup *popup = nullptr;
        QTRY_VERIFY((popup = m_window->findChild<CalendarPopup *>()) && popup->isVisible());
        QTimeEdit *time = popup->timeEdit();
        time->setFocus();
        // A click into the minute section (between its digits), then typing: 00:00:01 -> 00:01:01 (k = 5).
        auto *edit = time->findChild<QLineEdit *>();
        QVERIFY(edit);
        const int x = edit->contentsRect().left() + 2 + edit->fontMetrics().horizontalAdvance(QStringLiteral("00:0"));
        QTest::mouseClick(edit, Qt::LeftButton, {}, QPoint(x, edit->height() / 2));  // "00:0|0:01"
        QCOMPARE(time->currentSection(), QDateTimeEdit::MinuteSection);
        QTRY_COMPARE(edit->selectedText(), QStringLiteral("00"));
        QTest::keyClicks(time, QStringLiteral("01"));
        QCOMPARE(time->time(), QTime(0, 1, 1));
        QCOMPARE(popup->isoEdit()->text(), QStringLiteral("2011-06-07T00:01:01"));
        QTest::keyClick(time, Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(observation()->timeMs(), timeOf(5), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled(), 30000);
    }

    void badIsoTextSaysSo()
    {
        action("time.goToDate")->trigger();
        CalendarPopup *popup = nullptr;
        QTRY_VERIFY((popup = m_window->findChild<CalendarPopup *>()) && popup->isVisible());
        popup->isoEdit()->setText(QStringLiteral("next tuesday"));
        QVERIFY(!popup->accept());
        QVERIFY(popup->isVisible());
        auto *problem = popup->findChild<QLabel *>(QStringLiteral("problemLabel"));
        QVERIFY(problem && problem->isVisible() && problem->text().contains(QStringLiteral("next tuesday")));
        popup->close();
    }

    // ---- difference shortcuts toggle ----------------------------------------------------------------------

    void differenceShortcutsToggleOff()
    {
        QCOMPARE(observation()->differenceMode(), Diff::None);
        for (const char *id : {"view.diff.running", "view.diff.base"}) {
            QAction *a = action(id);
            const Diff mode = QByteArray(id).endsWith("running") ? Diff::Running : Diff::Base;
            a->trigger();
            QCOMPARE(observation()->differenceMode(), mode);
            QVERIFY(a->isChecked());
            a->trigger();  // pressed again: off
            QCOMPARE(observation()->differenceMode(), Diff::None);
            QVERIFY(!a->isChecked());
            QVERIFY(action("view.diff.none")->isChecked());
        }
        // Running then base switches (not off); "No difference" stays none.
        action("view.diff.running")->trigger();
        action("view.diff.base")->trigger();
        QCOMPARE(observation()->differenceMode(), Diff::Base);
        action("view.diff.none")->trigger();
        action("view.diff.none")->trigger();
        QCOMPARE(observation()->differenceMode(), Diff::None);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled(), 30000);
    }

    // ---- export -------------------------------------------------------------------------------------------

    void exportRemembersFolderAndSaysWhere()
    {
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled(), 30000);
        const QString folder = m_dir.filePath(QStringLiteral("exports"));
        QVERIFY(QDir().mkpath(folder));
        const QString first = QDir(folder).filePath(QStringLiteral("first.png"));
        QString startPath;
        QSize dataSize;
        whenModal<ExportDialog>([&](ExportDialog *dialog) {
            startPath = dialog->path();
            QVERIFY(dialog->withOverlays());  // "Export view as PNG" starts with overlays on
            dialog->setPath(first);
            dialog->setDataResolution(true);
            dialog->accept();
        });
        action("file.exportPng")->trigger();
        QVERIFY(QFileInfo::exists(first));
        QVERIFY2(!startPath.startsWith(folder), qPrintable(startPath));
        // The status bar names the file; the folder and the resolution are remembered.
        QVERIFY2(m_window->statusBar()->currentMessage().contains(QDir::toNativeSeparators(first)),
                 qPrintable(m_window->statusBar()->currentMessage()));
        QCOMPARE(m_settings->exportDir(), QFileInfo(first).absolutePath());
        // Data resolution: one image pixel per map pixel of the framing on screen.
        auto *reaction = action("file.exportPng")->findChild<ExportViewReaction *>();
        QVERIFY(reaction);
        const MapView *view = reaction->targetView();
        dataSize = ExportViewReaction::dataResolutionSize(view);
        QVERIFY(dataSize.isValid());
        QCOMPARE(QImage(first).size(), dataSize);
        QCOMPARE(dataSize.width(), int(std::lround(view->width() / view->zoom())));

        // The next export starts in that folder, with the overlay choice of the entry used and the resolution kept.
        bool overlays = true, dataResolution = false;
        whenModal<ExportDialog>([&](ExportDialog *dialog) {
            startPath = dialog->path();
            overlays = dialog->withOverlays();
            dataResolution = dialog->dataResolution();
            dialog->setDataResolution(false);
            dialog->setPath(QDir(folder).filePath(QStringLiteral("second")));  // ".png" is added
            dialog->accept();
        });
        action("file.exportPngPlain")->trigger();
        QCOMPARE(QFileInfo(startPath).absolutePath(), QFileInfo(first).absolutePath());
        QVERIFY(!overlays);
        QVERIFY(dataResolution);
        const QString second = QDir(folder).filePath(QStringLiteral("second.png"));
        QVERIFY(QFileInfo::exists(second));
        QCOMPARE(QImage(second).size(), view->size());
    }

    // ---- the Step box -----------------------------------------------------------------------------------

    void stepComboSpeaksHumanUnits()
    {
        QCOMPARE(durationText(12000), QStringLiteral("12 s"));
        QCOMPARE(durationText(12 * 60000), QStringLiteral("12 min"));
        QCOMPARE(durationText(12LL * 3600000), QStringLiteral("12 h"));
        QCOMPARE(durationText(90000), QStringLiteral("1.5 min"));
        QCOMPARE(durationText(27LL * 86400000), QStringLiteral("27 d"));
        QCOMPARE(parseDuration(QStringLiteral("27 d")), 27LL * 86400000);
        QCOMPARE(parseDuration(QStringLiteral("1.5h")), 5400000LL);
        QCOMPARE(parseDuration(QStringLiteral("90")), 90000LL);
        QCOMPARE(parseDuration(QStringLiteral("45 min")), 45LL * 60000);
        QCOMPARE(parseDuration(QStringLiteral("soon")), -1LL);
        QCOMPARE(parseDuration(QStringLiteral("0 s")), -1LL);

        auto *combo = m_window->findChild<StepCombo *>(QStringLiteral("stepCombo"));
        QVERIFY(combo);
        QStringList texts;
        for (int i = 0; i < combo->count(); ++i)
            texts << combo->itemText(i);
        // The archive's cadence (12 s), worked out off the UI thread.
        QTRY_COMPARE_WITH_TIMEOUT(combo->itemText(0), QStringLiteral("Step: cadence (12 s)"), 10000);
        for (const QString &expected : {QStringLiteral("Step: 1 min"), QStringLiteral("Step: 12 h"),
                                        QStringLiteral("Step: 1 d"), QStringLiteral("Step: 27 d (Carrington rotation)"),
                                        QStringLiteral("Step: custom…")})
            QVERIFY2(texts.contains(expected), qPrintable(texts.join(QStringLiteral(" | "))));
        // A custom step (as a saved setting would bring) gets its own entry, selected, in the same units.
        combo->setStepMs(90000);
        QCOMPARE(combo->currentText(), QStringLiteral("Step: 1.5 min"));
        QCOMPARE(combo->stepMs(), 90000LL);
        combo->setStepMs(0);
        QCOMPARE(combo->currentIndex(), 0);
    }

    // ---- Play / Pause, Loop / Rescan -----------------------------------------------------------------------

    void playTurnsIntoPause()
    {
        goTo(0);
        QAction *play = action("time.play");
        QStyle *style = QApplication::style();
        QCOMPARE(play->text(), QStringLiteral("Play"));
        QCOMPARE(iconImage(play->icon()), iconImage(style->standardIcon(QStyle::SP_MediaPlay)));
        play->trigger();
        QVERIFY(m_window->playback()->isPlaying());
        QCOMPARE(play->text(), QStringLiteral("Pause"));
        QCOMPARE(iconImage(play->icon()), iconImage(style->standardIcon(QStyle::SP_MediaPause)));
        QVERIFY(iconImage(play->icon()) != iconImage(style->standardIcon(QStyle::SP_MediaPlay)));
        play->trigger();
        QVERIFY(!m_window->playback()->isPlaying());
        QCOMPARE(play->text(), QStringLiteral("Play"));
        QCOMPARE(iconImage(play->icon()), iconImage(style->standardIcon(QStyle::SP_MediaPlay)));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled(), 30000);
    }

    void loopAndRescanLookDifferent()
    {
        const QImage loop = iconImage(action("time.loop")->icon());
        const QImage rescan = iconImage(action("file.rescan")->icon());
        QVERIFY(!loop.isNull() && !rescan.isNull());
        QVERIFY(loop != rescan);
        // Not blank: something is drawn.
        int opaque = 0;
        for (int y = 0; y < loop.height(); ++y)
            for (int x = 0; x < loop.width(); ++x)
                opaque += qAlpha(loop.pixel(x, y)) > 128;
        QVERIFY(opaque > 20);
    }

    // ---- the status bar ----------------------------------------------------------------------------------

    void statusBarTextsDoNotOverlap()
    {
        auto *readout = m_window->findChild<ElidedLabel *>(QStringLiteral("readoutLabel"));
        auto *status = m_window->findChild<ElidedLabel *>(QStringLiteral("statusLabel"));
        auto *cache = m_window->findChild<QLabel *>(QStringLiteral("cacheLabel"));
        QVERIFY(readout && status && cache);
        const QSize before = m_window->size();
        m_window->statusBar()->clearMessage();  // the export's "Saved …" may still show
        m_window->resize(640, 500);
        readout->setFullText(QStringLiteral("x 1234.5 y 2345.6  Tx -512.3\" Ty 345.6\"  lon 12.3° lat -23.4°  1234.5 DN/s"));
        status->setFullText(QStringLiteral("Indexing /a/rather/long/archive/path/of/a/user: 12345 files, 10 channels"));
        QTRY_VERIFY(status->isVisible() && status->width() > 0);
        QCoreApplication::processEvents();
        const QRect r = readout->geometry(), s = status->geometry(), c = cache->geometry();
        QVERIFY2(!r.intersects(s) && !s.intersects(c) && !r.intersects(c),
                 qPrintable(QStringLiteral("%1 %2 %3").arg(r.right()).arg(s.left()).arg(s.right())));
        QVERIFY(status->shownText().endsWith(QStringLiteral("…")) || readout->shownText().endsWith(QStringLiteral("…")));
        QCOMPARE(status->toolTip(), status->fullText());
        // A message takes the status's room while it shows.
        m_window->statusBar()->showMessage(QStringLiteral("Saved /tmp/somewhere/aia171.png"));
        QVERIFY(!status->isVisible());
        m_window->statusBar()->clearMessage();
        QVERIFY(status->isVisible());
        m_window->resize(before);
    }

    // ---- the shortcuts dialog ------------------------------------------------------------------------------

    void shortcutsDialogHidesIdsAndFilters()
    {
        ShortcutsDialog dialog(m_window->actions(), m_settings.get(), m_window.get());
        QTableWidget *table = dialog.table();
        const QStringList ids = m_window->actions()->ids();
        QCOMPARE(table->columnCount(), 2);
        QCOMPARE(table->rowCount(), ids.size());
        for (int row = 0; row < table->rowCount(); ++row)
            for (int column = 0; column < table->columnCount(); ++column)
                QVERIFY2(!ids.contains(table->item(row, column)->text()), qPrintable(table->item(row, column)->text()));
        QCOMPARE(dialog.visibleRowCount(), ids.size());

        QTest::keyClicks(dialog.filterEdit(), QStringLiteral("difference"));
        QVERIFY(dialog.visibleRowCount() >= 3 && dialog.visibleRowCount() < ids.size());
        for (int row = 0; row < table->rowCount(); ++row)
            if (!table->isRowHidden(row))
                QVERIFY(table->item(row, 0)->text().contains(QStringLiteral("difference"), Qt::CaseInsensitive));
        // By key: the running difference's Ctrl+Shift+R.
        dialog.filterEdit()->setText(QKeySequence(QStringLiteral("Ctrl+Shift+R")).toString(QKeySequence::NativeText));
        QCOMPARE(dialog.visibleRowCount(), 1);
        dialog.filterEdit()->clear();
        QCOMPARE(dialog.visibleRowCount(), ids.size());
    }
};

QTEST_MAIN(TestControls)
#include "tst_controls.moc"
