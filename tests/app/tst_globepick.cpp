// Click -> query on the 3D globe (GlobeView::hpcPicked, wired by MainWindow to the heatmaps and the search):
// with the default (observer) camera the widget's centre pixel is the map centre, which the fake AIA map puts at
// disk centre (a click there picks hpc (0, 0) within a pixel), and a click where the camera's closed-form projection
// puts a cell centre picks the cell --query-hpc gives for that point (read back through --state-json's `heatmap`
// object); a click off the sphere and a drag (a rotation) query nothing; a Shift+drag box queries a
// box; the search hits of the time shown are outlined on the globe's texture, those of other times not.
#include "../models/EngineFixtures.h"
#include "TestSupport.h"

#include "app/gui/HeatmapController.h"
#include "app/gui/InferenceWorker.h"
#include "app/gui/MainWindow.h"
#include "app/gui/ObservationDocument.h"
#include "app/gui/SetViewPresenter.h"
#include "app/gui/StudioSettings.h"
#include "app/gui/WindowState.h"
#include "widgets/GlobeView.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QStatusBar>
#include <QtTest>

using namespace solarchip;

namespace {


}  // namespace

class TestGlobePick : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir = test::scratchDir();
    std::unique_ptr<StudioSettings> m_settings;
    std::unique_ptr<MainWindow> m_window;
    QDateTime m_time{QDate(2011, 6, 7), QTime(6, 0), QTimeZone::utc()};

    QString archive() const { return m_dir.filePath(QStringLiteral("archive")); }
    GlobeView *globe() const { return m_window->globe(); }
    QJsonObject heatmapState() const { return windowState(m_window.get())[QStringLiteral("heatmap")].toObject(); }
    QPoint centre() const { return QPoint(globe()->width() / 2, globe()->height() / 2); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qputenv("SOLARCHIP_SAMPLE_DIR", m_dir.filePath(QStringLiteral("no-sample")).toUtf8());
        QVERIFY(QDir().mkpath(archive()));
        const std::vector<test::Blob> blobs{{-384, 230.4, 400, 40}, {300, -200, 250, 60}};
        QVERIFY(test::writeFakeMap(archive() + QStringLiteral("/aia_171.fits"), test::fakeAia(blobs, m_time)));
        QVERIFY(test::writeFakeMap(archive() + QStringLiteral("/hmi_m.fits"), test::fakeHmi(blobs, m_time)));

        m_settings = std::make_unique<StudioSettings>(m_dir.filePath(QStringLiteral("settings.ini")));
        m_window = std::make_unique<MainWindow>(m_settings.get());
        m_window->setInteractive(false);
        m_window->resize(1000, 700);
        m_window->inference()->setModelFile(test::fixtureModelPath());
        m_window->show();
        m_window->openArchive(archive());
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled(), 30000);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->heatmaps()->embeddings() != nullptr, 60000);
        m_window->setViewMode(QStringLiteral("globe"));
        QVERIFY(globe());
        QTRY_VERIFY_WITH_TIMEOUT(globe()->hasMap() && globe()->isVisible(), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(globe()->renderedFrames() > 0, 20000);
        QVERIFY(!globe()->isCameraUserSet());
    }

    void cleanupTestCase() { m_window.reset(); }

    void clickAtCentrePicksTheDiskCentre()
    {
        QSignalSpy queries(m_window.get(), &MainWindow::queryChanged);
        QTest::mouseClick(globe(), Qt::LeftButton, {}, centre());
        QTRY_VERIFY_WITH_TIMEOUT(m_window->heatmaps()->isShown(), 5000);
        QCOMPARE(queries.size(), 1);
        const QueryPoint q = queries.first().first().value<QueryPoint>();
        QCOMPARE(q.channel, QStringLiteral("171"));
        QCOMPARE(q.timeMs, m_window->observation()->timeMs());
        QVERIFY(!q.box);
        // One widget pixel is ~4 arcsec here (the 2458" field over ~600 px): the centre pixel is within 10".
        QVERIFY2(std::abs(q.hpc.x()) < 10 && std::abs(q.hpc.y()) < 10,
                 qPrintable(QStringLiteral("%1 %2").arg(q.hpc.x()).arg(q.hpc.y())));
        // Disk centre is the corner of four cells of the 16 x 16 grid (153.6" cells): the pick is one of them.
        const QJsonArray cell = heatmapState()[QStringLiteral("query_cell")].toArray();
        QVERIFY(cell.size() == 2 && (cell[0].toInt() == 7 || cell[0].toInt() == 8) && (cell[1].toInt() == 7 || cell[1].toInt() == 8));
        QVERIFY(!globe()->isCameraUserSet());  // a click does not move the camera
    }

    void clickPicksTheScriptedQueryCell()
    {
        // The reference: the scripted query (what --query-hpc=76.8,76.8 does) at the centre of a cell NE of
        // disk centre.
        const QPointF hpc(76.8, 76.8);
        m_window->heatmaps()->setQuery(QueryPoint{m_window->observation()->timeMs(), QStringLiteral("171"), hpc, std::nullopt});
        QTRY_VERIFY_WITH_TIMEOUT(m_window->heatmaps()->isShown(), 5000);
        const QJsonArray reference = heatmapState()[QStringLiteral("query_cell")].toArray();
        QCOMPARE(reference, (QJsonArray{8, 8}));
        m_window->heatmaps()->clearQuery();
        // Where the observer camera shows it, closed form: a perspective camera at the observer looking at the
        // disk centre (the widget centre, above) puts a point at angle a from the axis tan(a) / tan(fov / 2)
        // half-heights from the centre, west to the right, north up.
        const double halfTan = std::tan(globe()->cameraState().viewAngle / 2 * M_PI / 180);
        const double arcsec = M_PI / 180 / 3600;
        const double half = globe()->height() / 2.0;
        const QPoint at = centre() + QPoint(static_cast<int>(std::lround(std::tan(hpc.x() * arcsec) / halfTan * half)),
                                            -static_cast<int>(std::lround(std::tan(hpc.y() * arcsec) / halfTan * half)));
        QSignalSpy queries(m_window.get(), &MainWindow::queryChanged);
        QTest::mouseClick(globe(), Qt::LeftButton, {}, at);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->heatmaps()->isShown(), 5000);
        QCOMPARE(queries.size(), 1);
        const QueryPoint q = queries.first().first().value<QueryPoint>();
        QVERIFY2(std::abs(q.hpc.x() - hpc.x()) < 10 && std::abs(q.hpc.y() - hpc.y()) < 10,
                 qPrintable(QStringLiteral("%1 %2").arg(q.hpc.x()).arg(q.hpc.y())));
        QCOMPARE(heatmapState()[QStringLiteral("query_cell")].toArray(), reference);
    }

    void clickOffTheSphereQueriesNothing()
    {
        QSignalSpy queries(m_window.get(), &MainWindow::queryChanged);
        QSignalSpy rejected(globe(), &GlobeView::pickRejected);
        QTest::mouseClick(globe(), Qt::LeftButton, {}, QPoint(5, 5));
        QCOMPARE(rejected.size(), 1);
        QVERIFY(rejected.first().first().toString().contains(QStringLiteral("off the solar disk")));
        QVERIFY(m_window->statusBar()->currentMessage().contains(QStringLiteral("off the solar disk")));
        QCoreApplication::processEvents();
        QCOMPARE(queries.size(), 0);
    }

    void shiftDragQueriesABox()
    {
        QSignalSpy picked(globe(), &GlobeView::hpcPicked);
        const QPoint a = centre() - QPoint(30, 20), b = centre() + QPoint(30, 20);
        QTest::mousePress(globe(), Qt::LeftButton, Qt::ShiftModifier, a);
        QMouseEvent move(QEvent::MouseMove, b, globe()->mapToGlobal(b), Qt::NoButton, Qt::LeftButton, Qt::ShiftModifier);
        QCoreApplication::sendEvent(globe(), &move);
        QTest::mouseRelease(globe(), Qt::LeftButton, Qt::ShiftModifier, b);
        QCOMPARE(picked.size(), 1);
        const QPointF c = picked.first().at(0).toPointF();
        const QSizeF box = picked.first().at(1).toSizeF();
        // Symmetric about the centre pixel: the box is centred near disk centre, wider than high (60 x 40 px).
        QVERIFY(std::abs(c.x()) < 10 && std::abs(c.y()) < 10);
        QVERIFY2(box.width() > box.height() && box.height() > 100, qPrintable(QStringLiteral("%1 x %2").arg(box.width()).arg(box.height())));
        QTRY_VERIFY_WITH_TIMEOUT(heatmapState()[QStringLiteral("query_box")].isArray(), 5000);
        QVERIFY(!globe()->isCameraUserSet());  // no VTK pan either
    }

    void dragRotatesWithoutQuerying()
    {
        QSignalSpy picked(globe(), &GlobeView::hpcPicked);
        QSignalSpy rejected(globe(), &GlobeView::pickRejected);
        const GlobeView::CameraState before = globe()->cameraState();
        QTest::mousePress(globe(), Qt::LeftButton, {}, centre());
        for (int dx = 5; dx <= 40; dx += 5) {
            const QPoint p = centre() + QPoint(dx, 0);
            QMouseEvent move(QEvent::MouseMove, p, globe()->mapToGlobal(p), Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
            QCoreApplication::sendEvent(globe(), &move);
        }
        QTest::mouseRelease(globe(), Qt::LeftButton, {}, centre() + QPoint(40, 0));
        QVERIFY(!(globe()->cameraState() == before));
        QCOMPARE(picked.size(), 0);
        QCOMPARE(rejected.size(), 0);
        globe()->viewFromObserver();
    }

    void searchHitsOfTheTimeShownAreOnTheGlobe()
    {
        const qint64 t = m_window->observation()->timeMs();
        SetViewPresenter *p = m_window->presenter();
        p->setGlobeHits({{QRectF(-460, 150, 150, 150), t, QStringLiteral("#1")},
                         {QRectF(200, -300, 150, 150), t + 86400000, QStringLiteral("#2")}});
        QCOMPARE(p->globeHitsDrawn(), 1);  // the hit of another day is not drawn on this Sun
        QCOMPARE(windowState(m_window.get())[QStringLiteral("globe_hits")].toInt(), 1);
        p->setGlobeHits({});
        QCOMPARE(p->globeHitsDrawn(), 0);
    }
};

QTEST_MAIN(TestGlobePick)
#include "tst_globepick.moc"
