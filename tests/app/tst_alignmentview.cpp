// The cross-modal alignment view in the app (view mode "alignment"), read back through --state-json's `alignment`
// object (WindowState.h) and checked against an independent computation: numpy + astropy over the embedding store
// `solarchip embed` wrote for the same archive (tests/reference/alignment_reference.py): the set on screen's mean
// same-place cosine, fraction of on-disk cells ranked 1 and on-disk count, and every timeline point. The timeline
// follows the current time and a click on it moves the app to that set; the rank measure colours the AIA view
// by rank; without a store the timeline says how to make one and draws the sets aligned while browsing; the
// scripted run (--view alignment --screenshot --state-json) waits for the alignment.
#include "../models/EngineFixtures.h"
#include "TestSupport.h"

#include "app/gui/AlignmentView.h"
#include "app/gui/InferenceWorker.h"
#include "app/gui/MainWindow.h"
#include "app/gui/ObservationDocument.h"
#include "app/gui/StudioSettings.h"
#include "app/gui/WindowState.h"
#include "widgets/AlignmentTimeline.h"
#include "widgets/CellValueLayer.h"
#include "widgets/MapGrid.h"
#include "widgets/MapView.h"

#include <QImage>
#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>

#include <qcustomplot.h>

#include <cmath>

using namespace solarchip;

namespace {


}  // namespace

class TestAlignmentView : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir = test::scratchDir();
    std::unique_ptr<StudioSettings> m_settings;
    std::unique_ptr<MainWindow> m_window;
    QString m_store;
    QJsonArray m_reference;  // alignment_reference.py's sets, in time order

    QString archive() const { return m_dir.filePath(QStringLiteral("archive")); }
    QJsonObject state() const { return windowState(m_window.get())[QStringLiteral("alignment")].toObject(); }
    AlignmentView *alignment() const { return m_window->alignment(); }

    /// The reference set nearest a time (the store dates sets by HMI, the view by AIA: seconds apart).
    QJsonObject referenceNear(qint64 timeMs) const
    {
        QJsonObject best;
        qint64 bestDt = -1;
        for (const QJsonValue v : m_reference) {
            const qint64 dt = std::abs(static_cast<qint64>(v[QStringLiteral("time_ms")].toDouble()) - timeMs);
            if (bestDt < 0 || dt < bestDt) {
                bestDt = dt;
                best = v.toObject();
            }
        }
        return bestDt >= 0 && bestDt < 600000 ? best : QJsonObject();
    }

    void waitAligned()
    {
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && alignment()->current() != nullptr, 60000);
    }

    void compareWithReference()
    {
        const QJsonObject s = state();
        const QJsonArray views = s[QStringLiteral("views")].toArray();
        QCOMPARE(views.size(), 1);
        const QJsonObject v = views.first().toObject();
        QCOMPARE(v[QStringLiteral("channel")].toString(), QStringLiteral("171"));
        const QJsonObject ref = referenceNear(alignment()->current()->timeMs);
        QVERIFY2(!ref.isEmpty(), "no stored set near the set on screen");
        QCOMPARE(ref[QStringLiteral("ambiguous")].toInt(), 0);
        const QJsonObject r = ref[QStringLiteral("channels")][QStringLiteral("171")].toObject();
        const int n = ref[QStringLiteral("on_disk_cells")].toInt();
        QVERIFY(n > 20);
        QCOMPARE(v[QStringLiteral("on_disk_cells")].toInt(), n);
        // The app encodes the set itself (one set per batch), `embed` in batches: the vectors agree to float
        // rounding, so cosines to 1e-4 and at most one near-tie may rank differently.
        QVERIFY2(std::abs(v[QStringLiteral("mean_cosine")].toDouble() - r[QStringLiteral("mean_cosine")].toDouble()) < 1e-4,
                 qPrintable(QStringLiteral("%1 vs %2").arg(v[QStringLiteral("mean_cosine")].toDouble()).arg(r[QStringLiteral("mean_cosine")].toDouble())));
        QVERIFY2(std::abs(v[QStringLiteral("fraction_rank1")].toDouble() - r[QStringLiteral("fraction_rank1")].toDouble()) <= 1.0 / n + 1e-12,
                 qPrintable(QStringLiteral("%1 vs %2").arg(v[QStringLiteral("fraction_rank1")].toDouble()).arg(r[QStringLiteral("fraction_rank1")].toDouble())));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qputenv("SOLARCHIP_SAMPLE_DIR", m_dir.filePath(QStringLiteral("no-sample")).toUtf8());
        QVERIFY(QDir().mkpath(archive()));
        QVERIFY(test::writeFakeArchive(archive(), 4, 6.0));
        // The store the timeline reads, written by the CLI.
        const auto embed = test::run(test::binPath(QStringLiteral("solarchip")),
                                     {QStringLiteral("embed"), QStringLiteral("--archive"), archive(), QStringLiteral("--model"),
                                      test::fixtureModelPath(), QStringLiteral("--json")});
        QVERIFY2(embed.exitCode == 0, embed.err.constData());
        // Progress lines first (one JSON object a line), then the summary (indented, from a line "{").
        const qsizetype summary = embed.out.indexOf("\n{\n");
        QVERIFY(summary >= 0);
        m_store = test::parseJson(embed.out.mid(summary + 1)).object()[QStringLiteral("store")].toString();
        QVERIFY(QFileInfo::exists(m_store + QStringLiteral("/store.json")));
        const auto py = test::runPython(QStringLiteral("alignment_reference.py"), {m_store});
        QVERIFY2(py.exitCode == 0, py.err.constData());
        m_reference = test::parseJson(py.out).object()[QStringLiteral("sets")].toArray();
        QCOMPARE(m_reference.size(), 4);

        m_settings = std::make_unique<StudioSettings>(m_dir.filePath(QStringLiteral("settings.ini")));
        m_window = std::make_unique<MainWindow>(m_settings.get());
        m_window->setInteractive(false);
        m_window->resize(1200, 800);
        m_window->inference()->setModelFile(test::fixtureModelPath());
        m_window->setViewMode(QStringLiteral("alignment"));
        m_window->show();
        m_window->openArchive(archive());
        waitAligned();
        QCOMPARE(m_window->viewMode(), QStringLiteral("alignment"));
        QVERIFY(alignment()->dock()->isVisible());
    }

    void cleanupTestCase() { m_window.reset(); }

    void stateMatchesNumpyOverTheStore()
    {
        compareWithReference();
        const QJsonObject s = state();
        QCOMPARE(s[QStringLiteral("active")].toBool(), true);
        QCOMPARE(s[QStringLiteral("timeline_source")].toString(), QStringLiteral("store"));
        QCOMPARE(s[QStringLiteral("store")].toString(), m_store);
        QCOMPARE(s[QStringLiteral("timeline_points")].toInt(), 4);
        QCOMPARE(s[QStringLiteral("model_hash")].toString(), m_window->inference()->modelHash());
        // Every timeline point (read from the store, on-disk cells from each set's header) against numpy.
        const QJsonArray timeline = s[QStringLiteral("timeline")].toArray();
        QCOMPARE(timeline.size(), 4);
        for (int i = 0; i < 4; ++i) {
            const QJsonArray p = timeline[i].toArray();
            const QJsonObject r = m_reference[i].toObject();
            QCOMPARE(static_cast<qint64>(p[0].toDouble()), static_cast<qint64>(r[QStringLiteral("time_ms")].toDouble()));
            QVERIFY(std::abs(p[1].toDouble() - r[QStringLiteral("mean_cosine")].toDouble()) < 1e-6);
            QVERIFY(std::abs(p[2].toDouble() - r[QStringLiteral("fraction_rank1")].toDouble()) < 1e-9);
        }
        // The overlay is on the AIA view, with the same-place cosines of its cells.
        auto *layer = dynamic_cast<CellValueLayer *>(m_window->grid()->viewForChannel(QStringLiteral("171"))->overlay(QStringLiteral("alignment")));
        QVERIFY(layer && layer->isVisible() && layer->hasValues());
        auto *hmiLayer = dynamic_cast<CellValueLayer *>(m_window->grid()->viewForChannel(QStringLiteral("hmi"))->overlay(QStringLiteral("alignment")));
        QVERIFY(!hmiLayer || !hmiLayer->hasValues());
    }

    void timelineFollowsTimeAndClickJumps()
    {
        AlignmentTimeline *t = alignment()->timeline();
        QCOMPARE(t->currentTime(), m_window->observation()->time());
        QTest::qWait(50);
        // Step to the previous set (the archive opens at its latest): the cursor follows, that set is aligned.
        const QDateTime before = m_window->observation()->time();
        m_window->observation()->step(ObservationDocument::Step::PreviousObservation);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->observation()->time() < before, 10000);
        waitAligned();
        QCOMPARE(t->currentTime(), m_window->observation()->time());
        QVERIFY(std::abs(t->cursorX() - t->xAtTime(m_window->observation()->timeMs())) < 1e-6);
        compareWithReference();
        // A click on the first point moves the app to the first set.
        const qint64 first = t->points().front().timeMs;
        const int x = static_cast<int>(std::lround(t->xAtTime(first) - t->plot()->x()));
        const int y = t->plot()->axisRect()->rect().center().y();
        QTest::mouseClick(t->plot(), Qt::LeftButton, Qt::NoModifier, QPoint(x, y));
        QTRY_VERIFY_WITH_TIMEOUT(std::abs(m_window->observation()->timeMs() - first) < 600000, 10000);
        waitAligned();
        QCOMPARE(t->currentTime(), m_window->observation()->time());
        QVERIFY(std::abs(alignment()->current()->timeMs - first) < 600000);
        compareWithReference();
    }

    void showingOneChannelStillAligns()
    {
        // AIA 171 alone in focus: the grid loads 171 only, the alignment still encodes the HMI map of the same time
        // (the archive has it) and gives the store's figures on the one view shown.
        m_window->setFocusChannel(QStringLiteral("171"));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && !m_window->observation()->set().member(QStringLiteral("hmi"))
                                     && m_window->grid()->count() == 1,
                                 30000);
        waitAligned();
        compareWithReference();
        auto *layer = dynamic_cast<CellValueLayer *>(m_window->grid()->view(0)->overlay(QStringLiteral("alignment")));
        QVERIFY(layer && layer->isVisible() && layer->hasValues());
        m_window->setFocusChannel(QString());
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && m_window->observation()->set().member(QStringLiteral("hmi")), 30000);
        waitAligned();
    }

    void rankMeasureColoursByRank()
    {
        alignment()->setMeasure(AlignmentView::Measure::Rank);
        QCOMPARE(state()[QStringLiteral("measure")].toString(), QStringLiteral("rank"));
        auto *layer = dynamic_cast<CellValueLayer *>(m_window->grid()->viewForChannel(QStringLiteral("171"))->overlay(QStringLiteral("alignment")));
        QVERIFY(layer && layer->hasValues());
        const ChannelAlignment *c = alignment()->current()->channel(QStringLiteral("171"));
        QVERIFY(c);
        int compared = 0;
        for (std::size_t i = 0; i < layer->values().size(); ++i)
            if (std::isfinite(layer->values()[i])) {
                QCOMPARE(layer->values()[i], static_cast<float>(c->rank[i]));
                ++compared;
            }
        QVERIFY(compared >= c->onDiskCells);
        QCOMPARE(layer->scaleMin(), 1.0);
        QCOMPARE(layer->scaleMax(), double(c->onDiskCells));
        alignment()->setMeasure(AlignmentView::Measure::Cosine);
    }

    void withoutAStoreTheTimelineSaysHowToMakeOne()
    {
        // Out of ARCHIVE/.solarchip/embeddings (any folder there whose manifest names the model would be found).
        const QString moved = m_dir.filePath(QStringLiteral("store-away"));
        QVERIFY(QDir().rename(m_store, moved));
        m_window->openArchive(archive());
        waitAligned();
        const QJsonObject s = state();
        QCOMPARE(s[QStringLiteral("timeline_source")].toString(), QStringLiteral("browsing"));
        QVERIFY2(s[QStringLiteral("timeline_message")].toString().contains(QStringLiteral("solarchip embed --archive")),
                 qPrintable(s[QStringLiteral("timeline_message")].toString()));
        QCOMPARE(s[QStringLiteral("timeline_points")].toInt(), 1);  // the set on screen
        m_window->observation()->step(ObservationDocument::Step::PreviousObservation);
        QTRY_VERIFY_WITH_TIMEOUT(state()[QStringLiteral("timeline_points")].toInt() == 2 && m_window->isSettled(), 60000);
        QVERIFY(QDir().rename(moved, m_store));
        // Leaving the view hides its overlays and dock and asks nothing more of the worker.
        m_window->setViewMode(QStringLiteral("map"));
        QVERIFY(!alignment()->isActive());
        QVERIFY(!alignment()->dock()->isVisible());
        QVERIFY(!m_window->grid()->viewForChannel(QStringLiteral("171"))->isOverlayVisible(QStringLiteral("alignment")));
        // ... and the timeline, which shared the bottom area with that dock, goes back to its rows' height.
        QTRY_VERIFY_WITH_TIMEOUT(test::timelineRowsProblem(windowState(m_window.get())).isEmpty(), 5000);
        m_window->setViewMode(QStringLiteral("alignment"));
        waitAligned();
    }

    void realFilesSayWhatTheyCover()
    {
        SOLARCHIP_REQUIRE_SDO();
        // A real full-disk AIA 171 map with a real HMI submap of NOAA 11158 (rolled by ~180 deg, 0.5"/px, 205 min
        // earlier): only the cells the submap covers have data in both channels; only those are drawn and counted.
        const QString aia = test::sdoFile(QStringLiteral("fits/aia_171_level1.fits"));
        const QString hmi = test::sdoFile(QStringLiteral("fits/sdo-hmi_2011-02-14_20-34-12.fits"));
        m_window->openFiles({aia, hmi});
        waitAligned();
        const QJsonObject s = state();
        const QJsonObject v = s[QStringLiteral("views")].toArray().first().toObject();
        const int n = v[QStringLiteral("on_disk_cells")].toInt();
        QVERIFY2(n >= 1 && n <= 6, qPrintable(QString::number(n)));
        QVERIFY2(s[QStringLiteral("status")].toString().contains(QStringLiteral("partial field of view"))
                     && s[QStringLiteral("status")].toString().contains(QStringLiteral("min apart")),
                 qPrintable(s[QStringLiteral("status")].toString()));
        QCOMPARE(s[QStringLiteral("timeline_source")].toString(), QStringLiteral("browsing"));
        auto *layer = dynamic_cast<CellValueLayer *>(m_window->grid()->viewForChannel(QStringLiteral("171"))->overlay(QStringLiteral("alignment")));
        QVERIFY(layer && layer->hasValues());
        int drawn = 0;
        for (float value : layer->values())
            drawn += std::isfinite(value) ? 1 : 0;
        QVERIFY2(drawn >= n && drawn <= n + 6, qPrintable(QStringLiteral("%1 drawn, %2 counted").arg(drawn).arg(n)));
        // A single AIA map: nothing to align with, and the view says so.
        m_window->openFiles({aia});
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && state()[QStringLiteral("status")].toString().contains(QStringLiteral("needs an HMI")), 60000);
        QVERIFY(!alignment()->current());
        QCOMPARE(state()[QStringLiteral("views")].toArray().size(), 0);
        m_window->openArchive(archive());
        waitAligned();
    }

    void scriptedScreenshotWaitsForTheAlignment()
    {
        const QString png = m_dir.filePath(QStringLiteral("alignment.png"));
        const QString json = m_dir.filePath(QStringLiteral("alignment.json"));
        const auto r = test::run(test::binPath(QStringLiteral("solarchip-studio")),
                                 {QStringLiteral("--archive"), archive(), QStringLiteral("--date"), QStringLiteral("2012-03-04T06:00"),
                                  QStringLiteral("--view"), QStringLiteral("alignment"), QStringLiteral("--model"), test::fixtureModelPath(),
                                  QStringLiteral("--screenshot"), png, QStringLiteral("--state-json"), json,
                                  QStringLiteral("--settings"), m_dir.filePath(QStringLiteral("scripted.ini")),
                                  QStringLiteral("--window-size"), QStringLiteral("1200x800"), QStringLiteral("--timeout"),
                                  QStringLiteral("120")},
                                 180000);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(!QImage(png).isNull());
        QFile f(json);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject whole = QJsonDocument::fromJson(f.readAll()).object();
        const QString timeline = test::timelineRowsProblem(whole);  // the alignment dock shares the bottom area
        QVERIFY2(timeline.isEmpty(), qPrintable(timeline));
        const QJsonObject a = whole[QStringLiteral("alignment")].toObject();
        QCOMPARE(a[QStringLiteral("timeline_points")].toInt(), 4);
        QCOMPARE(a[QStringLiteral("views")].toArray().size(), 1);
        QVERIFY(a[QStringLiteral("views")].toArray().first()[QStringLiteral("overlay_shown")].toBool());
        const QJsonObject ref = referenceNear(QDateTime(QDate(2012, 3, 4), QTime(6, 0), QTimeZone::utc()).toMSecsSinceEpoch());
        QVERIFY(std::abs(a[QStringLiteral("views")].toArray().first()[QStringLiteral("mean_cosine")].toDouble()
                         - ref[QStringLiteral("channels")][QStringLiteral("171")][QStringLiteral("mean_cosine")].toDouble()) < 1e-4);

        // The layout saved by that run (its bottom area as tall as the timeline and the alignment dock) restored in
        // the map view: the alignment dock is hidden, and the timeline is at its rows' height, not blank below them.
        const QString mapJson = m_dir.filePath(QStringLiteral("after-alignment.json"));
        const auto again = test::run(test::binPath(QStringLiteral("solarchip-studio")),
                                     {QStringLiteral("--archive"), archive(), QStringLiteral("--view"), QStringLiteral("map"),
                                      QStringLiteral("--model"), test::fixtureModelPath(), QStringLiteral("--screenshot"),
                                      m_dir.filePath(QStringLiteral("after-alignment.png")), QStringLiteral("--state-json"),
                                      mapJson, QStringLiteral("--settings"), m_dir.filePath(QStringLiteral("scripted.ini")),
                                      QStringLiteral("--window-size"), QStringLiteral("1200x800")},
                                     180000);
        QVERIFY2(again.exitCode == 0, again.err.constData());
        QFile g(mapJson);
        QVERIFY(g.open(QIODevice::ReadOnly));
        const QString restored = test::timelineRowsProblem(QJsonDocument::fromJson(g.readAll()).object());
        QVERIFY2(restored.isEmpty(), qPrintable(restored));
    }
};

QTEST_MAIN(TestAlignmentView)
#include "tst_alignmentview.moc"
