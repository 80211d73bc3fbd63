// View > Light curve of a region (app/gui/LightCurveController, widgets/LightCurvePlot, widgets/OverlayRegionBox) on
// a synthetic archive whose one active region is known: `solarchip synth --no-random-regions --region
// 2013-06-04T00:00,-40,15,4e22,40` puts a 4e22 Mx region on the disk at Stonyhurst (-40, 15) deg on June 4 and writes,
// for every frame, where it is (the truth JSON: the HMI pixel of its centre). Clicking the region's box on June 6:
// - following the rotation, the box centre at every time lies on the truth's region centre (the generator moves
//   regions with the same Snodgrass law; within 15"), and the magnetogram's mean |B| in it jumps when the region
//   emerges (after June 4 it is more than 5 times the most it was before: the quiet Sun's noise);
// - fixed on the sky, the box loses the region as it rotates away (at the last time, well below the tracked box);
// - the box is drawn on the maps where the curve puts it; the archive's flare list's C, M and X flares are marked on
//   the plot (a B is not); the plot's channel, statistic and CSV export; the choices are remembered; no region: the
//   dock says what to do.
#include "app/gui/HeatmapController.h"
#include "app/gui/LightCurveController.h"
#include "app/gui/MainWindow.h"
#include "app/gui/ObservationDocument.h"
#include "app/gui/StudioSettings.h"
#include "app/gui/WindowState.h"
#include "core/archive/FlareList.h"
#include "core/map/MapFile.h"
#include "core/map/PixelFrame.h"
#include "core/map/SdoTime.h"
#include "widgets/Colormap.h"
#include "widgets/LightCurvePlot.h"
#include "widgets/MapGrid.h"
#include "widgets/MapView.h"
#include "widgets/OverlayRegionBox.h"

#include "TestSupport.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDirIterator>
#include <QDockWidget>
#include <QFile>
#include <QJsonArray>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

#include <cmath>

using namespace solarchip;

namespace {

constexpr qint64 kHour = 3600 * 1000;

qint64 msOf(const char *iso)
{
    return SdoTime::parseUserTime(QString::fromLatin1(iso))->toMSecsSinceEpoch();
}

}  // namespace

class TestLightCurve : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir = test::scratchDir();
    QString m_archive;
    std::unique_ptr<StudioSettings> m_settings;
    std::unique_ptr<MainWindow> m_window;
    // The region's centre (helioprojective arcsec) at each HMI frame, from the truth files.
    QMap<qint64, QPointF> m_truth;

    LightCurveController *lc() const { return m_window->lightCurve(); }
    QJsonObject state() const { return windowState(m_window.get()).value(QStringLiteral("lightcurve")).toObject(); }
    const LightCurve *curve(const QString &channel) const
    {
        for (const LightCurve &c : lc()->curves())
            if (c.channel == channel)
                return &c;
        return nullptr;
    }
    // The truth centre nearest a time (frames are 12 h apart; HMI's T_OBS is ~30 s before the nominal time).
    QPointF truthAt(qint64 timeMs) const
    {
        auto it = m_truth.lowerBound(timeMs - kHour);
        return it == m_truth.end() || it.key() > timeMs + kHour ? QPointF(qQNaN(), qQNaN()) : it.value();
    }
    MapView *viewOf(const char *channel) const { return m_window->grid()->viewForChannel(QLatin1String(channel)); }
    void query(const QPointF &hpc, qint64 timeMs)
    {
        QueryPoint q;
        q.timeMs = timeMs;
        q.channel = QStringLiteral("hmi");
        q.hpc = hpc;
        q.box = QSizeF(150, 150);
        m_window->heatmaps()->setQuery(q);
    }

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("SOLARCHIP_SAMPLE_DIR", m_dir.filePath(QStringLiteral("no-sample")).toUtf8());
        m_archive = m_dir.filePath(QStringLiteral("archive"));
        const auto made = test::run(test::binPath(QStringLiteral("solarchip")),
                                    {QStringLiteral("synth"), m_archive, QStringLiteral("--start"), QStringLiteral("2013-06-01T00:00"),
                                     QStringLiteral("--days"), QStringLiteral("8"), QStringLiteral("--cadence"), QStringLiteral("12"),
                                     QStringLiteral("--size"), QStringLiteral("256"), QStringLiteral("--channels"), QStringLiteral("hmi,171"),
                                     QStringLiteral("--seed"), QStringLiteral("5"), QStringLiteral("--no-random-regions"),
                                     QStringLiteral("--no-flares"), QStringLiteral("--region"),
                                     QStringLiteral("2013-06-04T00:00,-40,15,4e22,40"), QStringLiteral("--quiet")});
        QVERIFY2(made.exitCode == 0, made.err.constData());
        // The truth: the region's HMI pixel per frame, through that frame's magnetogram's WCS.
        QDirIterator it(m_archive + QStringLiteral("/truth"), {QStringLiteral("*.json")}, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QJsonObject t = test::parseJson(f.readAll()).object();
            const QJsonArray regions = t.value(QStringLiteral("regions")).toArray();
            if (regions.isEmpty())
                continue;  // (before the region's birth)
            const QJsonObject px = regions.first().toObject().value(QStringLiteral("pixels")).toObject().value(QStringLiteral("hmi")).toObject();
            if (!px.value(QStringLiteral("visible")).toBool())
                continue;
            const QDateTime time = *SdoTime::parseUserTime(t.value(QStringLiteral("time")).toString());
            QDirIterator hmi(m_archive + QStringLiteral("/hmi"), {time.toString(QStringLiteral("'*'yyyyMMdd_HHmmss'*'"))},
                             QDir::Files, QDirIterator::Subdirectories);
            QVERIFY(hmi.hasNext());
            auto frame = MapFile::readFrame(hmi.next());
            QVERIFY(frame);
            double tx = 0, ty = 0;
            QVERIFY(frame->wcs.pixelToHelioprojective(px.value(QStringLiteral("x")).toDouble(), px.value(QStringLiteral("y")).toDouble(), tx, ty));
            m_truth.insert(time.toMSecsSinceEpoch(), QPointF(tx, ty));
        }
        // The archive's flare list (the generator wrote an empty one: --no-flares), replaced by four flares: a B
        // (not drawn), a C, an M and an X.
        const QStringList lists = QDir(m_archive).entryList({QStringLiteral("swpc_flarelist_*.csv")});
        QCOMPARE(lists.size(), 1);
        QVector<FlareEvent> events;
        const std::pair<const char *, const char *> flares[] = {{"2013-06-02T06:00", "B5.0"}, {"2013-06-03T06:00", "C2.0"},
                                                                {"2013-06-05T06:00", "M1.5"}, {"2013-06-07T06:00", "X1.1"}};
        for (const auto &[time, cls] : flares) {
            FlareEvent e;
            e.start = *SdoTime::parseUserTime(QString::fromLatin1(time));
            e.peak = e.start.addSecs(600);
            e.end = e.start.addSecs(1800);
            e.goesClass = QString::fromLatin1(cls);
            e.peakFlux = *goesClassToFlux(e.goesClass);
            events << e;
        }
        QVERIFY(FlareList::writeSwpcCsv(QDir(m_archive).filePath(lists.first()), events));
        QVERIFY2(m_truth.size() >= 7, qPrintable(QString::number(m_truth.size())));  // June 4 to 8, 12 h apart

        m_settings = std::make_unique<StudioSettings>(m_dir.filePath(QStringLiteral("settings.ini")));
        m_window = std::make_unique<MainWindow>(m_settings.get());
        m_window->setInteractive(false);
        m_window->resize(1200, 800);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        m_window->openArchive(m_archive);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && viewOf("hmi"), 60000);
        m_window->observation()->goToTime(QDateTime::fromMSecsSinceEpoch(msOf("2013-06-06T00:00"), QTimeZone::utc()));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && viewOf("hmi")
                                     && std::llabs(viewOf("hmi")->map()->meta.tObs.toMSecsSinceEpoch() - msOf("2013-06-06T00:00")) < kHour,
                                 60000);
    }

    void cleanupTestCase() { m_window.reset(); }

    void withoutARegionTheDockSaysWhatToDo()
    {
        m_window->setViewMode(QStringLiteral("lightcurve"));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled(), 30000);
        const QJsonObject s = state();
        QCOMPARE(s.value(QStringLiteral("state")).toString(), QStringLiteral("no-region"));
        QVERIFY(s.value(QStringLiteral("dock_in_front")).toBool());
        QVERIFY2(s.value(QStringLiteral("message")).toString().contains(QStringLiteral("Click a map")),
                 qPrintable(s.value(QStringLiteral("message")).toString()));
        QCOMPARE(windowState(m_window.get()).value(QStringLiteral("view_mode")).toString(), QStringLiteral("lightcurve"));
    }

    void followedBoxStaysOnTheRegionAndSeesItEmerge()
    {
        lc()->dock()->findChild<QCheckBox *>(QStringLiteral("lightCurveFollow"))->setChecked(true);
        auto *span = lc()->dock()->findChild<QComboBox *>(QStringLiteral("lightCurveSpan"));
        span->setCurrentIndex(span->findData(0.0));  // the whole archive
        const qint64 t0 = viewOf("hmi")->map()->meta.tObs.toMSecsSinceEpoch();
        query(truthAt(t0), t0);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && state().value(QStringLiteral("state")).toString() == QLatin1String("done"), 60000);
        const LightCurve *hmi = curve(QStringLiteral("hmi"));
        QVERIFY(hmi);
        QCOMPARE(hmi->unit, QStringLiteral("Gauss"));
        QCOMPARE(hmi->points.size(), 16);  // 8 days at 12 h
        double quietMax = 0, activeMin = 1e9;
        int compared = 0;
        for (const LightCurvePoint &p : hmi->points) {
            QVERIFY2(p.measure, qPrintable(p.error));
            const QPointF truth = truthAt(p.timeMs);
            if (std::isfinite(truth.x())) {
                const double off = std::hypot(p.measure->box.tx - truth.x(), p.measure->box.ty - truth.y());
                QVERIFY2(off < 15, qPrintable(QStringLiteral("%1: box at (%2, %3), region at (%4, %5)")
                                                  .arg(p.timeMs).arg(p.measure->box.tx).arg(p.measure->box.ty)
                                                  .arg(truth.x()).arg(truth.y())));
                ++compared;
            }
            if (p.timeMs <= msOf("2013-06-03T12:00"))
                quietMax = std::max(quietMax, p.measure->meanAbs);
            if (p.timeMs >= msOf("2013-06-04T12:00"))
                activeMin = std::min(activeMin, p.measure->meanAbs);
        }
        QVERIFY(compared >= 7);
        QVERIFY2(activeMin > 5 * quietMax, qPrintable(QStringLiteral("after %1 G, before %2 G").arg(activeMin).arg(quietMax)));
        // The plot shows the clicked channel's mean |B| (Auto for a magnetogram) over every time.
        const QJsonObject s = state();
        QCOMPARE(s.value(QStringLiteral("channel")).toString(), QStringLiteral("hmi"));
        QCOMPARE(s.value(QStringLiteral("value_label")).toString(), QStringLiteral("mean |B| (Gauss)"));
        QCOMPARE(s.value(QStringLiteral("series")).toArray().first().toObject().value(QStringLiteral("points")).toInt(), 16);
        QVERIFY(s.value(QStringLiteral("region")).toObject().value(QStringLiteral("follow_rotation")).toBool());
        // The list's C, M and X flares are marked (the B is not).
        QCOMPARE(s.value(QStringLiteral("flare_markers")).toArray(), (QJsonArray{1, 1, 1}));
        QCOMPARE(s.value(QStringLiteral("curves")).toObject().value(QStringLiteral("171")).toObject().value(QStringLiteral("unit")).toString(),
                 QStringLiteral("DN/s"));
    }

    void boxIsDrawnWhereTheCurveMeasures()
    {
        MapView *view = viewOf("hmi");
        auto *layer = dynamic_cast<OverlayRegionBox *>(view->overlay(QStringLiteral("lightCurveRegion")));
        QVERIFY(layer && layer->isVisible());
        const QRectF box = layer->boxOn(*view->map());
        const QPointF truth = truthAt(view->map()->meta.tObs.toMSecsSinceEpoch());
        QVERIFY2(QLineF(box.center(), truth).length() < 15, qPrintable(QStringLiteral("(%1, %2)").arg(box.center().x()).arg(box.center().y())));
        QCOMPARE(box.width(), 150.0);
        // White dashes on the grey magnetogram's view.
        const QImage shot = view->grab().toImage();
        int white = 0;
        for (int y = 0; y < shot.height(); ++y)
            for (int x = 0; x < shot.width(); ++x)
                white += QColor(shot.pixel(x, y)).lightness() > 250;
        QVERIFY2(white > 20, qPrintable(QString::number(white)));
        // Leaving the view takes it off the maps.
        m_window->setViewMode(QStringLiteral("map"));
        QVERIFY(layer->boxOn(*view->map()).isEmpty());
        m_window->setViewMode(QStringLiteral("lightcurve"));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled(), 30000);
        QVERIFY(!layer->boxOn(*view->map()).isEmpty());
    }

    void fixedBoxLosesTheRegion()
    {
        const LightCurve *tracked = curve(QStringLiteral("hmi"));
        const double trackedLast = tracked->points.last().measure->meanAbs;
        lc()->dock()->findChild<QCheckBox *>(QStringLiteral("lightCurveFollow"))->setChecked(false);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && state().value(QStringLiteral("state")).toString() == QLatin1String("done"), 60000);
        QVERIFY(!state().value(QStringLiteral("region")).toObject().value(QStringLiteral("follow_rotation")).toBool());
        const LightCurve *fixed = curve(QStringLiteral("hmi"));
        const RegionMeasure &last = *fixed->points.last().measure;
        // The same place on the sky at every time.
        QCOMPARE(last.box.tx, fixed->points.first().measure->box.tx);
        // 2.5 days after the click the region has rotated ~33 deg west, out of the 150" box.
        QVERIFY2(last.meanAbs < trackedLast / 3, qPrintable(QStringLiteral("fixed %1 G, tracked %2 G").arg(last.meanAbs).arg(trackedLast)));
        QCOMPARE(m_settings->raw().value(QStringLiteral("lightcurve/follow")).toBool(), false);
    }

    void channelStatisticAndCsv()
    {
        auto *channel = lc()->dock()->findChild<QComboBox *>(QStringLiteral("lightCurveChannel"));
        channel->setCurrentIndex(channel->findData(QStringLiteral("171")));
        QCOMPARE(state().value(QStringLiteral("value_label")).toString(), QStringLiteral("mean (DN/s)"));
        auto *statistic = lc()->dock()->findChild<QComboBox *>(QStringLiteral("lightCurveStatistic"));
        statistic->setCurrentIndex(statistic->findData(static_cast<int>(LightCurveController::Statistic::Max)));
        QCOMPARE(state().value(QStringLiteral("value_label")).toString(), QStringLiteral("maximum (DN/s)"));
        QCOMPARE(state().value(QStringLiteral("statistic")).toString(), QStringLiteral("max"));
        // The series plotted is the curve's maxima.
        double hi = 0;
        for (const LightCurvePoint &p : curve(QStringLiteral("171"))->points)
            hi = std::max(hi, p.measure->max);
        QCOMPARE(state().value(QStringLiteral("series")).toArray().first().toObject().value(QStringLiteral("max")).toDouble(), hi);
        // Only one AIA channel: no normalised comparison offered.
        QCOMPARE(channel->findData(QStringLiteral("aia-normalised")), -1);

        const QString csv = m_dir.filePath(QStringLiteral("curve.csv"));
        QVERIFY(lc()->exportCsv(csv).isEmpty());
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 1 + 2 * 16);
        // A missing folder: the message names the file.
        const QString bad = m_dir.filePath(QStringLiteral("no/such/dir/curve.csv"));
        QVERIFY(lc()->exportCsv(bad).contains(QStringLiteral("curve.csv")));

        // The plot as an image for a paper: PNG at the size asked, with the curve's colour in it; PDF; not BMP.
        const QString png = m_dir.filePath(QStringLiteral("curve.png"));
        const Status savedPng = lc()->plot()->savePlot(png, 800, 300);
        QVERIFY2(savedPng, qPrintable(savedPng.errorString()));
        const QImage image(png);
        QCOMPARE(image.size(), QSize(800, 300));
        const QColor colour = Colormap::channelColour(QStringLiteral("171"));
        int curvePixels = 0;
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x) {
                const QColor c = image.pixelColor(x, y);
                curvePixels += std::abs(c.red() - colour.red()) + std::abs(c.green() - colour.green())
                                   + std::abs(c.blue() - colour.blue()) < 30;
            }
        QVERIFY2(curvePixels > 100, qPrintable(QString::number(curvePixels)));
        const QString pdf = m_dir.filePath(QStringLiteral("curve.pdf"));
        QVERIFY(lc()->plot()->savePlot(pdf));
        QFile pdfFile(pdf);
        QVERIFY(pdfFile.open(QIODevice::ReadOnly));
        QVERIFY(pdfFile.read(5) == "%PDF-");
        const Status bmp = lc()->plot()->savePlot(m_dir.filePath(QStringLiteral("curve.bmp")));
        QVERIFY(!bmp);
        QVERIFY(bmp.errorString().contains(QStringLiteral("curve.bmp")));
    }

    void plotFollowsAndMovesTheTime()
    {
        LightCurvePlot *plot = lc()->plot();
        QTRY_VERIFY(std::llabs(plot->currentTime().toMSecsSinceEpoch() - m_window->observation()->timeMs()) < 1000);
        const qint64 target = curve(QStringLiteral("171"))->points[3].timeMs;
        Q_EMIT plot->timeRequested(QDateTime::fromMSecsSinceEpoch(target, QTimeZone::utc()));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && std::llabs(m_window->observation()->timeMs() - target) < kHour, 30000);
    }
};

QTEST_MAIN(TestLightCurve)
#include "tst_lightcurve.moc"
