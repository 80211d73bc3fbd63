// Click -> similarity heatmaps in the app, read back through --state-json's `heatmap` object (WindowState.h):
// a click on the AIA view at a known helioprojective point picks the model cell of that point (closed form
// from the fake files' WCS), every view of the set gets its heatmap (self in 171: the clicked cell is the peak
// at similarity 1; cross-modal in HMI), a Shift+drag box queries the mean of its cells, a click outside the
// model frame says so, and the scripted run (--query-hpc=X,Y --screenshot --state-json) waits for the heatmaps.
#include "../models/EngineFixtures.h"
#include "TestSupport.h"

#include "app/gui/HeatmapController.h"
#include "app/gui/InferenceWorker.h"
#include "app/gui/MainWindow.h"
#include "app/gui/StudioSettings.h"
#include "app/gui/WindowState.h"
#include "widgets/HeatmapLayer.h"
#include "widgets/MapGrid.h"
#include "widgets/MapView.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QtTest>

using namespace solarchip;

namespace {


}  // namespace

class TestHeatmaps : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir = test::scratchDir();
    std::unique_ptr<StudioSettings> m_settings;
    std::unique_ptr<MainWindow> m_window;
    QDateTime m_time{QDate(2011, 6, 7), QTime(6, 0), QTimeZone::utc()};

    QString archive() const { return m_dir.filePath(QStringLiteral("archive")); }
    MapView *view(const char *channel) const { return m_window->grid()->viewForChannel(QString::fromLatin1(channel)); }
    QJsonObject heatmapState() const { return windowState(m_window.get())[QStringLiteral("heatmap")].toObject(); }

    QPoint widgetAt(MapView *v, QPointF hpc) const
    {
        double x = 0, y = 0;
        v->map()->wcs.helioprojectiveToPixel(hpc.x(), hpc.y(), x, y);
        return v->mapToWidget(QPointF(x, y)).toPoint();
    }

    QJsonObject viewState(const QString &channel) const
    {
        for (const QJsonValue v : heatmapState()[QStringLiteral("views")].toArray())
            if (v.toObject()[QStringLiteral("channel")].toString() == channel)
                return v.toObject();
        return {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qputenv("SOLARCHIP_SAMPLE_DIR", m_dir.filePath(QStringLiteral("no-sample")).toUtf8());
        QVERIFY(QDir().mkpath(archive()));
        // Bright features at the centre of cell (9, 5) and elsewhere (cells of 153.6": see tst_setencoding).
        const std::vector<test::Blob> blobs{{-384, 230.4, 400, 40}, {300, -200, 250, 60}};
        QVERIFY(test::writeFakeMap(archive() + QStringLiteral("/aia_171.fits"), test::fakeAia(blobs, m_time)));
        QVERIFY(test::writeFakeMap(archive() + QStringLiteral("/hmi_m.fits"), test::fakeHmi(blobs, m_time)));

        m_settings = std::make_unique<StudioSettings>(m_dir.filePath(QStringLiteral("settings.ini")));
        m_window = std::make_unique<MainWindow>(m_settings.get());
        m_window->setInteractive(false);
        m_window->resize(1200, 700);
        m_window->inference()->setModelFile(test::fixtureModelPath());
        m_window->show();
        m_window->openArchive(archive());
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled(), 30000);
        QVERIFY(view("171") && view("hmi"));
        // The shown set is encoded in the background.
        QTRY_VERIFY_WITH_TIMEOUT(m_window->heatmaps()->embeddings() != nullptr, 60000);
        const QJsonObject s = heatmapState();
        QCOMPARE(s[QStringLiteral("encoded")].toBool(), true);
        QCOMPARE(s[QStringLiteral("channels")].toArray(), (QJsonArray{QStringLiteral("hmi"), QStringLiteral("171")}));
        QCOMPARE(s[QStringLiteral("model_hash")].toString(), m_window->inference()->modelHash());
    }

    void cleanupTestCase() { m_window.reset(); }

    void clickShowsHeatmapsInEveryView()
    {
        QSignalSpy queries(m_window.get(), &MainWindow::queryChanged);
        QTest::mouseClick(view("171"), Qt::LeftButton, {}, widgetAt(view("171"), QPointF(-384, 230.4)));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->heatmaps()->isShown(), 5000);
        QCOMPARE(queries.size(), 1);
        const QueryPoint q = queries.first().first().value<QueryPoint>();
        QCOMPARE(q.channel, QStringLiteral("171"));
        QVERIFY(std::abs(q.hpc.x() + 384) < 10 && std::abs(q.hpc.y() - 230.4) < 10);
        const QJsonObject s = heatmapState();
        QCOMPARE(s[QStringLiteral("query_cell")].toArray(), (QJsonArray{9, 5}));
        QCOMPARE(s[QStringLiteral("channel")].toString(), QStringLiteral("171"));
        QVERIFY(s[QStringLiteral("error")].toString().isEmpty());
        const QJsonObject aia = viewState(QStringLiteral("171")), hmi = viewState(QStringLiteral("hmi"));
        QVERIFY(aia[QStringLiteral("drawn")].toBool() && aia[QStringLiteral("self")].toBool());
        QCOMPARE(aia[QStringLiteral("peak_cell")].toArray(), (QJsonArray{9, 5}));
        QVERIFY(std::abs(aia[QStringLiteral("peak_value")].toDouble() - 1.0) < 1e-4);
        QVERIFY(hmi[QStringLiteral("drawn")].toBool() && !hmi[QStringLiteral("self")].toBool());
        QVERIFY(hmi[QStringLiteral("peak_value")].toDouble() <= 1.0 + 1e-4);
        // Each view carries its layer with the query outlined and top-k marked.
        for (const char *c : {"171", "hmi"}) {
            HeatmapLayer *layer = HeatmapController::layerOf(view(c));
            QVERIFY(layer && layer->hasData());
            QCOMPARE(layer->data().queryCells, std::vector<int>{9 * 16 + 5});
            QCOMPARE(static_cast<int>(layer->data().topCells.size()), m_window->heatmaps()->topK());
        }
        // The readout carries the similarity under the cursor.
        int index = -1;
        for (int i = 0; i < m_window->grid()->count(); ++i)
            if (m_window->grid()->view(i) == view("171"))
                index = i;
        const QString readout = m_window->heatmaps()->readoutText(
            index, view("171")->readoutAt(view("171")->widgetToMap(widgetAt(view("171"), QPointF(-384, 230.4)))));
        QVERIFY2(readout.contains(QStringLiteral("similarity 1.000 (cell 9, 5)")), qPrintable(readout));
    }

    void alignmentModeHidesTheHeatmaps()
    {
        // The alignment view draws its own per-cell overlay on the AIA maps: the heatmaps stay computed (the
        // gallery and --state-json still use the query) but are not drawn over it, and come back on the maps.
        QTRY_VERIFY_WITH_TIMEOUT(m_window->heatmaps()->isShown(), 5000);
        m_window->setViewMode(QStringLiteral("alignment"));
        for (const char *c : {"171", "hmi"}) {
            HeatmapLayer *layer = HeatmapController::layerOf(view(c));
            QVERIFY(layer && layer->hasData() && !layer->isVisible());
        }
        QCOMPARE(heatmapState()[QStringLiteral("layers_visible")].toBool(), false);
        m_window->setViewMode(QStringLiteral("map"));
        for (const char *c : {"171", "hmi"})
            QVERIFY(HeatmapController::layerOf(view(c))->isVisible());
        QCOMPARE(heatmapState()[QStringLiteral("layers_visible")].toBool(), true);
    }

    void boxDragQueriesTheMeanOfItsCells()
    {
        MapView *v = view("171");
        const QPoint a = widgetAt(v, QPointF(-384 - 170, 230.4 - 20)), b = widgetAt(v, QPointF(-384 + 170, 230.4 + 20));
        QTest::mousePress(v, Qt::LeftButton, Qt::ShiftModifier, a);
        QMouseEvent move(QEvent::MouseMove, b, v->mapToGlobal(b), Qt::NoButton, Qt::LeftButton, Qt::ShiftModifier);
        QCoreApplication::sendEvent(v, &move);
        QTest::mouseRelease(v, Qt::LeftButton, Qt::ShiftModifier, b);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->heatmaps()->isShown(), 5000);
        const QJsonObject s = heatmapState();
        QVERIFY(s[QStringLiteral("query_box")].isArray());
        QCOMPARE(s[QStringLiteral("query_cells")].toArray(), (QJsonArray{QJsonArray{9, 4}, QJsonArray{9, 5}, QJsonArray{9, 6}}));
    }

    void clickOutsideTheFrameSaysSo()
    {
        m_window->heatmaps()->setQuery(QueryPoint{0, QStringLiteral("171"), QPointF(-5000, 0), std::nullopt});
        QVERIFY(m_window->heatmaps()->isSettled());
        const QJsonObject s = heatmapState();
        QVERIFY2(s[QStringLiteral("error")].toString().contains(QStringLiteral("outside the model frame")),
                 qPrintable(s[QStringLiteral("error")].toString()));
        QVERIFY(!HeatmapController::layerOf(view("171"))->hasData());
    }

    void scriptedQueryWaitsForTheHeatmaps()
    {
        const QString png = m_dir.filePath(QStringLiteral("shot.png")), state = m_dir.filePath(QStringLiteral("state.json"));
        auto r = test::run(test::binPath(QStringLiteral("solarchip-studio")),
                           {QStringLiteral("--archive"), archive(), QStringLiteral("--date"), m_time.toString(QStringLiteral("yyyy-MM-ddTHH:mm")),
                            QStringLiteral("--model"), test::fixtureModelPath(), QStringLiteral("--query-hpc=-384,230.4"),
                            QStringLiteral("--screenshot"), png, QStringLiteral("--window-size"), QStringLiteral("1000x600"),
                            QStringLiteral("--state-json"), state, QStringLiteral("--settings"),
                            m_dir.filePath(QStringLiteral("scripted.ini"))},
                           120000);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QFile f(state);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject s = test::parseJson(f.readAll()).object()[QStringLiteral("heatmap")].toObject();
        QCOMPARE(s[QStringLiteral("shown")].toBool(), true);
        QCOMPARE(s[QStringLiteral("query_cell")].toArray(), (QJsonArray{9, 5}));
        QCOMPARE(s[QStringLiteral("channel")].toString(), QStringLiteral("171"));
        QCOMPARE(s[QStringLiteral("views")].toArray().size(), 2);
        QVERIFY(QImage(png).width() == 1000);
    }
};

QTEST_MAIN(TestHeatmaps)
#include "tst_heatmaps.moc"
