// Which view the Display dock and the exports act on (issue 9, item 9): the grid's selected view, framed, the
// first until the user clicks another; focusing a channel (the selected cell goes away) moves the selection to
// the cell on screen and the dock with it; in the globe view the dock edits the globe channel's cell, whose
// colours the globe wears, and the globe shows that cell's label and colour bar. --state-json's windowState()
// reports the same (selected_view, shown). View > Axes toggles the WCS axes on every view.
#include "app/gui/ActionRegistry.h"
#include "app/gui/DisplayPanel.h"
#include "app/gui/HeaderDialog.h"
#include "app/gui/MainWindow.h"
#include "app/gui/ObservationDocument.h"
#include "app/gui/SetViewPresenter.h"
#include "app/gui/StudioSettings.h"
#include "app/gui/WindowState.h"
#include "core/archive/CatalogFixture.h"
#include "widgets/ColorBar.h"
#include "widgets/GlobeView.h"
#include "widgets/MapGrid.h"
#include "widgets/MapView.h"

#include "TestSupport.h"

#include <QAction>
#include <QGuiApplication>
#include <QJsonArray>
#include <QTest>
#include <QTimeZone>

#include <memory>

using namespace solarchip;

namespace {

constexpr qint64 kHour = 3600 * 1000;
const qint64 kT0 = QDateTime(QDate(2011, 6, 7), QTime(0, 0, 1), QTimeZone::utc()).toMSecsSinceEpoch();

}  // namespace

class TestSelection : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir = test::scratchDir();
    std::unique_ptr<StudioSettings> m_settings;
    std::unique_ptr<MainWindow> m_window;

    MapGrid *grid() const { return m_window->grid(); }
    int indexOf(const char *channel) const
    {
        for (int i = 0; i < grid()->count(); ++i)
            if (grid()->view(i)->map() && grid()->view(i)->map()->meta.channel == QLatin1String(channel))
                return i;
        return -1;
    }
    QJsonObject state() const { return windowState(m_window.get()); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qputenv("SOLARCHIP_SAMPLE_DIR", m_dir.filePath(QStringLiteral("no-sample")).toUtf8());
        QVector<FixtureFile> files;
        for (int k = 0; k < 2; ++k)
            for (const char *c : {"171", "193", "304"})
                files << FixtureFile{QString::fromLatin1(c), kT0 + k * 12 * kHour, 0, {}};
        FixtureOptions options;
        options.size = 64;
        QVERIFY(CatalogFixture::write(m_dir.filePath(QStringLiteral("archive")), files, options).ok());
        m_settings = std::make_unique<StudioSettings>(m_dir.filePath(QStringLiteral("settings.ini")));
        m_window = std::make_unique<MainWindow>(m_settings.get());
        m_window->setInteractive(false);
        m_window->resize(1100, 700);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        m_window->openArchive(m_dir.filePath(QStringLiteral("archive")));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled(), 30000);
        QCOMPARE(grid()->count(), 3);
    }

    void cleanupTestCase() { m_window.reset(); }

    void firstViewSelectedThenClicked()
    {
        QCOMPARE(grid()->currentIndex(), 0);
        QCOMPARE(m_window->displayPanel()->view(), grid()->view(0));
        QVERIFY(grid()->view(0)->isSelected());
        QCOMPARE(state().value(QStringLiteral("selected_view")).toInt(), 0);
        const int v304 = indexOf("304");
        QVERIFY(v304 > 0);
        QTest::mouseClick(grid()->view(v304), Qt::LeftButton, {}, QPoint(20, 20));
        QCOMPARE(grid()->currentIndex(), v304);
        QCOMPARE(m_window->displayPanel()->view(), grid()->view(v304));
        QVERIFY(grid()->view(v304)->isSelected() && !grid()->view(0)->isSelected());
        QCOMPARE(state().value(QStringLiteral("selected_view")).toInt(), v304);
    }

    // File > FITS header shows the selected view's map and follows the selection and the time while open.
    void headerDialogFollowsTheSelection()
    {
        const int v304 = indexOf("304"), v193 = indexOf("193");
        QTest::mouseClick(grid()->view(v304), Qt::LeftButton, {}, QPoint(20, 20));
        HeaderDialog *dialog = m_window->showHeaderDialog();
        QVERIFY(dialog && dialog->isVisible());
        QCOMPARE(dialog->map(), grid()->view(v304)->map().get());
        QTRY_VERIFY_WITH_TIMEOUT(dialog->isSettled(), 10000);
        QCOMPARE(dialog->state().value(QStringLiteral("file")).toString(), grid()->view(v304)->map()->meta.file);
        QTest::mouseClick(grid()->view(v193), Qt::LeftButton, {}, QPoint(20, 20));
        QCOMPARE(dialog->map(), grid()->view(v193)->map().get());
        // Another time: the 193 map of that time.
        const QString before = grid()->view(v193)->map()->meta.file;
        // (the archive's two times: go to the one not shown, and come back at the end)
        const bool atFirst = m_window->observation()->timeMs() < kT0 + 6 * kHour;
        m_window->observation()->step(atFirst ? ObservationDocument::Step::NextObservation
                                              : ObservationDocument::Step::PreviousObservation);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && grid()->view(v193)->map()
                                     && grid()->view(v193)->map()->meta.file != before,
                                 30000);
        QTRY_COMPARE_WITH_TIMEOUT(dialog->map(), grid()->view(v193)->map().get(), 5000);
        QCOMPARE(state().value(QStringLiteral("header")).toObject().value(QStringLiteral("file")).toString(),
                 grid()->view(v193)->map()->meta.file);
        dialog->close();
        m_window->observation()->step(atFirst ? ObservationDocument::Step::PreviousObservation
                                              : ObservationDocument::Step::NextObservation);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled(), 30000);
        QTest::mouseClick(grid()->view(v304), Qt::LeftButton, {}, QPoint(20, 20));
    }

    void focusMovesTheSelectionToTheViewOnScreen()
    {
        // 304 is selected; showing 171 alone removes the 304 cell: the dock must not keep editing it.
        m_window->setFocusChannel(QStringLiteral("171"));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && grid()->count() == 1 && grid()->view(0)->map()
                                     && grid()->view(0)->map()->meta.channel == QLatin1String("171"),
                                 30000);
        QCOMPARE(grid()->currentIndex(), 0);
        QCOMPARE(m_window->displayPanel()->view(), grid()->view(0));
        const QJsonObject s = state();
        QCOMPARE(s.value(QStringLiteral("selected_view")).toInt(), 0);
        const QJsonArray views = s.value(QStringLiteral("views")).toArray();
        QCOMPARE(views.size(), 1);
        QCOMPARE(views[0].toObject().value(QStringLiteral("channel")).toString(), QStringLiteral("171"));
        QVERIFY(views[0].toObject().value(QStringLiteral("shown")).toBool());
        m_window->setFocusChannel(QString());
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && grid()->count() == 3, 30000);
        QVERIFY(grid()->currentIndex() >= 0 && grid()->currentIndex() < 3);
        QCOMPARE(m_window->displayPanel()->view(), grid()->currentView());
    }

    void globeModeEditsTheGlobeChannel()
    {
        if (QGuiApplication::platformName() != QLatin1String("xcb"))
            QSKIP("the globe needs an OpenGL display (run under Xvfb with QT_QPA_PLATFORM=xcb)");
        QTest::mouseClick(grid()->view(indexOf("193")), Qt::LeftButton, {}, QPoint(20, 20));
        QCOMPARE(grid()->currentIndex(), indexOf("193"));
        m_window->setViewMode(QStringLiteral("globe"));
        const QString channel = m_window->presenter()->globeChannel();
        QCOMPARE(channel, QStringLiteral("171"));
        QCOMPARE(grid()->currentIndex(), indexOf("171"));
        QCOMPARE(m_window->displayPanel()->view(), grid()->view(indexOf("171")));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled(), 30000);
        const QJsonObject s = state();
        QCOMPARE(s.value(QStringLiteral("selected_view")).toInt(), indexOf("171"));
        for (const QJsonValue &v : s.value(QStringLiteral("views")).toArray())
            QVERIFY(!v.toObject().value(QStringLiteral("shown")).toBool());  // the grid is not on screen
        // The globe says what it shows, with the colour bar of the 171 view.
        GlobeView *globe = m_window->globe();
        QVERIFY(globe);
        QTRY_COMPARE_WITH_TIMEOUT(globe->caption(), grid()->view(indexOf("171"))->title(), 10000);
        QVERIFY(globe->colorBar()->isVisible());
        // A Display edit of that view reaches the globe (its texture and bar follow the 2D view).
        const GlobeView::CameraState camera = globe->cameraState();
        DisplaySettings ds = grid()->view(indexOf("171"))->displaySettings();
        ds.colormap = QStringLiteral("viridis");
        grid()->view(indexOf("171"))->setDisplaySettings(ds);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && !grid()->view(indexOf("171"))->isRenderPending(), 10000);
        QTest::qWait(50);
        QVERIFY(globe->cameraState() == camera);
        m_window->setViewMode(QStringLiteral("map"));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled(), 30000);
    }

    void axesToggleFromTheViewMenu()
    {
        QAction *axes = m_window->actions()->action(QStringLiteral("view.overlay.axes"));
        QVERIFY(axes);
        QVERIFY(axes->isCheckable());
        QVERIFY(!axes->isChecked());
        const QRectF before = grid()->view(0)->mapArea();
        axes->trigger();
        for (int i = 0; i < grid()->count(); ++i)
            QVERIFY(grid()->view(i)->isOverlayVisible(QStringLiteral("axes")));
        const QRectF with = grid()->view(0)->mapArea();
        QVERIFY(with.left() > before.left() && with.bottom() < before.bottom());
        QCOMPARE(m_settings->overlayVisible(QStringLiteral("axes")), std::optional<bool>(true));
        axes->trigger();
        QVERIFY(!grid()->view(0)->isOverlayVisible(QStringLiteral("axes")));
        QCOMPARE(grid()->view(0)->mapArea(), before);
    }
};

QTEST_MAIN(TestSelection)
#include "tst_selection.moc"
