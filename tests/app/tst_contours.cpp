// View > HMI contours (app/gui/ContourController, widgets/ContourLayer) in the app, on a small archive of HMI +
// AIA 171 pairs (tests/models/EngineFixtures.h: magnetograms with +-900 G and +-500 G blobs): switched on, the
// magnetogram on screen is contoured in the background at -500, -100, +100 and +500 G (the segments are those of
// core/map/Contours on that map, itself checked against scikit-image in core_tst_contours), drawn in red and blue
// over the HMI view and the AIA view it is co-registered onto, in the same place on the Sun in both; a new time gets the new magnetogram's lines; switched off, none are drawn and the choice is remembered.
#include "app/gui/ActionRegistry.h"
#include "app/gui/ArchiveDocument.h"
#include "app/gui/ContourController.h"
#include "app/gui/MainWindow.h"
#include "app/gui/ObservationDocument.h"
#include "app/gui/StudioSettings.h"
#include "app/gui/WindowState.h"
#include "core/map/Contours.h"
#include "widgets/ContourLayer.h"
#include "widgets/MapGrid.h"
#include "widgets/MapView.h"
#include "widgets/TimelineModel.h"

#include "TestSupport.h"
#include "tests/models/EngineFixtures.h"

#include <QAction>
#include <QJsonArray>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace solarchip;

class TestContours : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir = test::scratchDir();
    std::unique_ptr<StudioSettings> m_settings;
    std::unique_ptr<MainWindow> m_window;

    MapView *viewOf(const char *channel) const { return m_window->grid()->viewForChannel(QLatin1String(channel)); }
    QJsonObject state() const { return windowState(m_window.get()).value(QStringLiteral("contours")).toObject(); }
    // Strongly red or blue pixels of a view as it is on screen.
    static int colouredPixels(MapView *view)
    {
        const QImage shot = view->grab().toImage();
        int n = 0;
        for (int y = 0; y < shot.height(); ++y)
            for (int x = 0; x < shot.width(); ++x) {
                const QColor c(shot.pixel(x, y));
                n += (c.red() > 200 && c.green() < 110 && c.blue() < 110) || (c.blue() > 200 && c.red() < 110);
            }
        return n;
    }
    // Where the strongly red pixels of a view's picture are, on average, in helioprojective arcsec.
    static QPointF redCentroidOnSky(MapView *view)
    {
        const QImage shot = view->grab().toImage();
        double sx = 0, sy = 0;
        int n = 0;
        for (int y = 0; y < shot.height(); ++y)
            for (int x = 0; x < shot.width(); ++x) {
                const QColor c(shot.pixel(x, y));
                if (c.red() > 200 && c.green() < 110 && c.blue() < 110) {
                    sx += x + 0.5;
                    sy += y + 0.5;
                    ++n;
                }
            }
        if (n == 0)
            return {};
        const QPointF pixel = view->widgetToMap(QPointF(sx / n, sy / n) * (1.0 / shot.devicePixelRatio()));
        double tx = 0, ty = 0;
        view->map()->wcs.pixelToHelioprojective(pixel.x(), pixel.y(), tx, ty);
        return {tx, ty};
    }
    qint64 expectedSegments(const SdoMap &hmi) const
    {
        qint64 n = 0;
        for (double level : m_window->contours()->levels())
            n += static_cast<qint64>(contourSegments(hmi.image, level).size());
        return n;
    }

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("SOLARCHIP_SAMPLE_DIR", m_dir.filePath(QStringLiteral("no-sample")).toUtf8());
        const QString archive = m_dir.filePath(QStringLiteral("archive"));
        QVERIFY(QDir().mkpath(archive));
        QVERIFY(test::writeFakeArchive(archive, 2, 6.0));
        m_settings = std::make_unique<StudioSettings>(m_dir.filePath(QStringLiteral("settings.ini")));
        m_window = std::make_unique<MainWindow>(m_settings.get());
        m_window->setInteractive(false);
        m_window->resize(1000, 700);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        m_window->openArchive(archive);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && viewOf("hmi") && viewOf("171"), 60000);
    }

    void cleanupTestCase() { m_window.reset(); }

    void offByDefault()
    {
        QCOMPARE(state().value(QStringLiteral("enabled")).toBool(), false);
        QCOMPARE(state().value(QStringLiteral("views_drawn")).toInt(), 0);
        QCOMPARE(colouredPixels(viewOf("hmi")), 0);  // a grey magnetogram
    }

    void onDrawsTheMagnetogramsLines()
    {
        QAction *toggle = m_window->actions()->action(QStringLiteral("view.overlay.contours"));
        QVERIFY(toggle->isCheckable());
        toggle->setChecked(true);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && !state().value(QStringLiteral("pending")).toBool(), 30000);
        const QJsonObject s = state();
        QVERIFY(s.value(QStringLiteral("enabled")).toBool());
        MapView *hmi = viewOf("hmi");
        const qint64 expected = expectedSegments(*hmi->map());
        QVERIFY2(expected > 50, qPrintable(QString::number(expected)));
        QCOMPARE(s.value(QStringLiteral("segments")).toInteger(), expected);
        // Drawn on the HMI view and on the AIA view, whose grid the set's prep put the magnetogram on (the files
        // differ: 128 px at 19.2"/px against 150 px at 16.8"/px; other grids: widgets_tst_contourlayer).
        MapView *aia = viewOf("171");
        auto *onHmi = dynamic_cast<ContourLayer *>(hmi->overlay(QStringLiteral("contours")));
        QVERIFY(onHmi && onHmi->isVisible() && onHmi->drawsOnCurrentMap());
        auto *onAia = dynamic_cast<ContourLayer *>(aia->overlay(QStringLiteral("contours")));
        QVERIFY(onAia && onAia->isVisible() && onAia->drawsOnCurrentMap());
        QVERIFY(ContourSet::gridOf(*hmi->map()).sharesGridWith(*aia->map()));
        QCOMPARE(s.value(QStringLiteral("views_drawn")).toInt(), 2);
        QVERIFY2(colouredPixels(hmi) > 50, qPrintable(QString::number(colouredPixels(hmi))));
        QVERIFY2(colouredPixels(aia) > 50, qPrintable(QString::number(colouredPixels(aia))));
        // In the same place on the Sun: the red (positive) lines' centroid on screen, taken back through each
        // view's own pixel transform and WCS, lands on the same helioprojective point in both views.
        const QPointF onHmiSky = redCentroidOnSky(hmi), onAiaSky = redCentroidOnSky(aia);
        QVERIFY2(QLineF(onHmiSky, onAiaSky).length() < 20.0,  // arcsec: about one AIA pixel of this archive
                 qPrintable(QStringLiteral("(%1, %2) vs (%3, %4)").arg(onHmiSky.x()).arg(onHmiSky.y()).arg(onAiaSky.x()).arg(onAiaSky.y())));
        QCOMPARE(m_settings->overlayVisible(QStringLiteral("contours")), std::optional<bool>(true));
    }

    void followsTheTime()
    {
        const SdoMap *before = viewOf("hmi")->map().get();
        const QString beforeSource = state().value(QStringLiteral("source")).toString();
        // (two times 6 h apart: go to the other one)
        const bool atFirst = m_window->observation()->timeMs() < m_window->archive()->timeline()->first() + 3 * 3600 * 1000;
        m_window->observation()->step(atFirst ? ObservationDocument::Step::NextObservation
                                              : ObservationDocument::Step::PreviousObservation);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && viewOf("hmi") && viewOf("hmi")->map().get() != before
                                     && !state().value(QStringLiteral("pending")).toBool(),
                                 30000);
        const qint64 expected = expectedSegments(*viewOf("hmi")->map());
        QCOMPARE(state().value(QStringLiteral("segments")).toInteger(), expected);
        // The lines are the new magnetogram's (its time in the source).
        QVERIFY(state().value(QStringLiteral("source")).toString() != beforeSource);
        QVERIFY(state().value(QStringLiteral("source")).toString().contains(
            viewOf("hmi")->map()->meta.tObs.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm"))));
    }

    void levelsAreChosenAndRemembered()
    {
        // The text a user types: commas or spaces, any order, duplicates dropped.
        QCOMPARE(*ContourController::parseLevels(QStringLiteral("100, -100 500,-500  100")),
                 (QVector<double>{-500, -100, 100, 500}));
        QString error;
        QVERIFY(!ContourController::parseLevels(QStringLiteral("-500, abc"), &error));
        QVERIFY2(error.contains(QStringLiteral("'abc'")), qPrintable(error));
        QVERIFY(!ContourController::parseLevels(QStringLiteral(" , "), &error));
        QVERIFY(!ContourController::parseLevels(QStringLiteral("inf"), &error));
        QCOMPARE(ContourController::levelsText({-1000, 250.5}), QStringLiteral("-1000, 250.5"));

        QVERIFY(m_window->setContourLevels(QStringLiteral("-800 800")));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && !state().value(QStringLiteral("pending")).toBool(), 30000);
        QCOMPARE(state().value(QStringLiteral("levels_gauss")).toArray(), (QJsonArray{-800, 800}));
        QCOMPARE(state().value(QStringLiteral("segments")).toInteger(), expectedSegments(*viewOf("hmi")->map()));
        QCOMPARE(m_settings->raw().value(QStringLiteral("contours/levels")).toString(), QStringLiteral("-800, 800"));
        // A bad list changes nothing.
        QVERIFY(!m_window->setContourLevels(QStringLiteral("-800, x")));
        QCOMPARE(m_window->contours()->levels(), (QVector<double>{-800, 800}));
        QVERIFY(m_window->setContourLevels(QStringLiteral("-500, -100, 100, 500")));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && !state().value(QStringLiteral("pending")).toBool(), 30000);
    }

    void offDrawsNothing()
    {
        m_window->actions()->action(QStringLiteral("view.overlay.contours"))->setChecked(false);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled(), 30000);
        QCOMPARE(state().value(QStringLiteral("enabled")).toBool(), false);
        QCOMPARE(state().value(QStringLiteral("views_drawn")).toInt(), 0);
        QCOMPARE(colouredPixels(viewOf("hmi")), 0);
        QCOMPARE(m_settings->overlayVisible(QStringLiteral("contours")), std::optional<bool>(false));
    }
};

QTEST_MAIN(TestContours)
#include "tst_contours.moc"
