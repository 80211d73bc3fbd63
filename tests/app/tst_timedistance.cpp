// View > Time-distance (app/gui/TimeDistanceController, widgets/TimeDistancePlot, widgets/OverlaySlit) on FITS files
// whose content is known in closed form: a ridge across x moving at 500 km/s on the plane of the sky, 10 frames 12 s
// apart (tests/reference/time_distance.py fixture, written by astropy):
// - no slit: the dock says what to do;
// - a Shift+drag on the map (real mouse events) gives the slit: its ends where the drag pressed and released (through
//   the map's WCS), every file measured, one diagram column per frame, the slit drawn on the map;
// - Shift+drag on the plot roughly along the ridge (a few Mm off at both ends: 8% off as drawn) is refined by a fit
//   through the ridge's peaks to 500 km/s within 0.5%, with its standard error;
// - the current time follows on the plot and a click on it goes to the frame under it; Export CSV;
// - running difference and base ratio against the closed form of the ridge (its height, its step between frames);
//   the readout under the pointer (time, distance, the ridge's height);
// - a click gives a radial slit of 200" centred on it (closed form).
#include "app/gui/HeatmapController.h"
#include "app/gui/MainWindow.h"
#include "app/gui/ObservationDocument.h"
#include "app/gui/StudioSettings.h"
#include "app/gui/TimeDistanceController.h"
#include "app/gui/WindowState.h"
#include "core/map/SdoTime.h"
#include "widgets/MapGrid.h"
#include "widgets/MapView.h"
#include "widgets/TimeDistancePlot.h"

#include "AppTestSupport.h"
#include "TestSupport.h"

#include <QComboBox>
#include <QDockWidget>
#include <QFile>
#include <QJsonArray>
#include <QRubberBand>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>
#include <qcustomplot.h>

#include <cmath>

using namespace solarchip;

class TestTimeDistanceView : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir = test::scratchDir();
    QString m_archive;
    double m_arcsecPerS = 0;
    std::unique_ptr<StudioSettings> m_settings;
    std::unique_ptr<MainWindow> m_window;

    TimeDistanceController *td() const { return m_window->timeDistance(); }
    QJsonObject state() const { return windowState(m_window.get()).value(QStringLiteral("timedistance")).toObject(); }
    MapView *view() const { return m_window->grid()->viewForChannel(QStringLiteral("171")); }
    QPoint widgetOf(QPointF hpc) const
    {
        double x = 0, y = 0;
        if (!view()->map()->wcs.helioprojectiveToPixel(hpc.x(), hpc.y(), x, y))
            return {};
        return view()->pixelToWidget().map(QPointF(x, y)).toPoint();
    }
    static qint64 t0() { return SdoTime::parseUserTime(QStringLiteral("2012-03-07T00:00"))->toMSecsSinceEpoch(); }

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("SOLARCHIP_SAMPLE_DIR", m_dir.filePath(QStringLiteral("no-sample")).toUtf8());
        m_archive = m_dir.filePath(QStringLiteral("archive"));
        QString error;
        m_arcsecPerS = test::writeRidgeFixture(m_archive, 10, 500, &error);
        QVERIFY2(m_arcsecPerS > 0.6 && m_arcsecPerS < 0.8, qPrintable(error));
        m_settings = std::make_unique<StudioSettings>(m_dir.filePath(QStringLiteral("settings.ini")));
        QVERIFY(test::openTestWindow(m_window, m_settings.get(), m_archive, QSize(1300, 1000)));
        QVERIFY(view() && view()->map());
        m_window->observation()->goToTime(QDateTime::fromMSecsSinceEpoch(t0(), QTimeZone::utc()));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && view()->map()->meta.tObs.toMSecsSinceEpoch() == t0(), 60000);
    }

    void cleanupTestCase() { m_window.reset(); }

    void withoutASlitTheDockSaysWhatToDo()
    {
        m_window->setViewMode(QStringLiteral("timedistance"));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled(), 30000);
        const QJsonObject s = state();
        QCOMPARE(s.value(QStringLiteral("state")).toString(), QStringLiteral("no-slit"));
        QVERIFY(s.value(QStringLiteral("dock_in_front")).toBool());
        QVERIFY2(s.value(QStringLiteral("plot")).toObject().value(QStringLiteral("message")).toString().contains(QStringLiteral("Shift+drag")),
                 qPrintable(s.value(QStringLiteral("plot")).toObject().value(QStringLiteral("message")).toString()));
        QCOMPARE(windowState(m_window.get()).value(QStringLiteral("view_mode")).toString(), QStringLiteral("timedistance"));
    }

    void shiftDragOnTheMapGivesTheSlit()
    {
        const QPoint a = widgetOf(QPointF(-80, 0)), b = widgetOf(QPointF(40, 0));
        QVERIFY(view()->rect().contains(a) && view()->rect().contains(b));
        QTest::mousePress(view(), Qt::LeftButton, Qt::ShiftModifier, a);
        QMouseEvent move(QEvent::MouseMove, b, view()->mapToGlobal(b), Qt::NoButton, Qt::LeftButton, Qt::ShiftModifier);
        QApplication::sendEvent(view(), &move);
        // While dragging, a line (not the box's rubber band) follows the pointer.
        for (const QRubberBand *band : view()->findChildren<QRubberBand *>())
            QVERIFY(!band->isVisible());
        QTest::mouseRelease(view(), Qt::LeftButton, Qt::ShiftModifier, b);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && state().value(QStringLiteral("state")).toString() == QLatin1String("done"), 60000);
        const QJsonObject s = state();
        const QJsonObject slit = s.value(QStringLiteral("slit")).toObject();
        const QJsonArray start = slit.value(QStringLiteral("start")).toArray(), end = slit.value(QStringLiteral("end")).toArray();
        // A widget pixel is at most a map pixel (0.6") at this zoom.
        QVERIFY2(std::hypot(start.at(0).toDouble() + 80, start.at(1).toDouble()) < 1.0, qPrintable(QString::number(start.at(0).toDouble())));
        QVERIFY2(std::hypot(end.at(0).toDouble() - 40, end.at(1).toDouble()) < 1.0, qPrintable(QString::number(end.at(0).toDouble())));
        QCOMPARE(s.value(QStringLiteral("channel")).toString(), QStringLiteral("171"));
        QCOMPARE(s.value(QStringLiteral("unit")).toString(), QStringLiteral("DN/s"));
        QCOMPARE(s.value(QStringLiteral("measured")).toInt(), 10);
        QCOMPARE(s.value(QStringLiteral("plot")).toObject().value(QStringLiteral("columns")).toInt(), 10);  // 12 s apart
        QVERIFY(s.value(QStringLiteral("plot")).toObject().value(QStringLiteral("log")).toBool());
        const QJsonArray drawn = s.value(QStringLiteral("drawn_on")).toArray();
        QCOMPARE(drawn.size(), 1);
        QCOMPARE(drawn.at(0).toObject().value(QStringLiteral("start")).toArray(), start);
        QVERIFY(view()->overlay(QStringLiteral("timeDistanceSlit")));
    }

    void shiftDragOnThePlotReadsTheSpeed()
    {
        TimeDistancePlot *plot = td()->plot();
        const double mmPerArcsec = state().value(QStringLiteral("mm_per_arcsec")).toDouble();
        const double startTx = state().value(QStringLiteral("slit")).toObject().value(QStringLiteral("start")).toArray().at(0).toDouble();
        // The ridge (Tx = -60" + v t) at the first and the last frame, as distances along the slit.
        // Drawn roughly: 2 Mm above the ridge at the first frame, 1.5 Mm below it at the last.
        const qint64 tA = t0(), tB = t0() + 9 * 12000;
        const double dA = (-60 - startTx) * mmPerArcsec + 2, dB = (-60 + m_arcsecPerS * 108 - startTx) * mmPerArcsec - 1.5;
        QCustomPlot *area = plot->plot();
        const QPoint a = area->mapFrom(plot, plot->widgetPoint(tA, dA).toPoint());
        const QPoint b = area->mapFrom(plot, plot->widgetPoint(tB, dB).toPoint());
        QVERIFY(area->axisRect()->rect().contains(a) && area->axisRect()->rect().contains(b));
        QTest::mousePress(area, Qt::LeftButton, Qt::ShiftModifier, a);
        QMouseEvent move(QEvent::MouseMove, b, area->mapToGlobal(b), Qt::NoButton, Qt::LeftButton, Qt::ShiftModifier);
        QApplication::sendEvent(area, &move);
        QTest::mouseRelease(area, Qt::LeftButton, Qt::ShiftModifier, b);
        const double speed = state().value(QStringLiteral("speed_km_s")).toDouble();
        const double drawn = state().value(QStringLiteral("speed_drawn_km_s")).toDouble();
        const double error = state().value(QStringLiteral("speed_error_km_s")).toDouble();
        qInfo("speed read off the plot: %.2f +- %.2f km/s fitted, %.1f km/s as drawn (the ridge moves at 500)", speed, error,
              drawn);
        // The line as drawn is ~8% off (3.5 Mm over 54 Mm); the fit through the ten frames' peaks is within 0.5%.
        QVERIFY2(std::fabs(drawn - 500) > 20, qPrintable(QString::number(drawn)));
        QCOMPARE(state().value(QStringLiteral("speed_fit_points")).toInt(), 10);
        QVERIFY2(std::fabs(speed - 500) < 2.5, qPrintable(QString::number(speed)));
        QVERIFY2(error >= 0 && error < 5, qPrintable(QString::number(error)));
        QVERIFY2(state().value(QStringLiteral("status")).toString().contains(QStringLiteral("km/s")),
                 qPrintable(state().value(QStringLiteral("status")).toString()));
        // The drag drew a line, it did not pan: the time axis still spans the frames.
        QVERIFY(plot->viewFrom() <= tA && plot->viewTo() >= tB);
    }

    void currentTimeFollowsAndAClickJumps()
    {
        TimeDistancePlot *plot = td()->plot();
        const qint64 target = t0() + 5 * 12000;
        QTRY_VERIFY(std::llabs(plot->currentTime().toMSecsSinceEpoch() - m_window->observation()->timeMs()) < 1000);
        QCustomPlot *area = plot->plot();
        const QPoint p = area->mapFrom(plot, plot->widgetPoint(target, 10).toPoint());
        QTest::mouseClick(area, Qt::LeftButton, Qt::NoModifier, p);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && std::llabs(m_window->observation()->timeMs() - target) < 1000, 30000);
        QTRY_VERIFY(std::llabs(plot->currentTime().toMSecsSinceEpoch() - target) < 1000);
    }

    void differencesShowTheFront()
    {
        TimeDistancePlot *plot = td()->plot();
        auto *show = td()->dock()->findChild<QComboBox *>(QStringLiteral("timeDistanceShow"));
        QVERIFY(show);
        const double mmPerArcsec = state().value(QStringLiteral("mm_per_arcsec")).toDouble();
        const double startTx = state().value(QStringLiteral("slit")).toObject().value(QStringLiteral("start")).toArray().at(0).toDouble();
        auto ridgeMm = [&](int frame) { return (-60 + m_arcsecPerS * 12 * frame - startTx) * mmPerArcsec; };
        // The ridge (100 + 2000 exp(-x^2 / 2 sigma^2)) DN over 2 s, sigma 3", moved by v 12 s between frames: at its new
        // place the running difference is 1000 (1 - exp(-(v 12 s)^2 / (2 sigma^2))) DN/s, at its old place minus that.
        const double step = m_arcsecPerS * 12;
        const double jump = 1000 * (1 - std::exp(-0.5 * (step / 3) * (step / 3)));
        show->setCurrentIndex(show->findData(static_cast<int>(TimeDistancePlot::Show::RunningDifference)));
        QCOMPARE(state().value(QStringLiteral("show")).toString(), QStringLiteral("running_difference"));
        const int c5 = plot->columnAt(t0() + 5 * 12000);
        QCOMPARE(c5, 5);
        const double up = plot->cellValue(c5, plot->rowAt(ridgeMm(5))), down = plot->cellValue(c5, plot->rowAt(ridgeMm(4)));
        QVERIFY2(std::fabs(up - jump) < 0.03 * jump, qPrintable(QStringLiteral("%1 vs %2").arg(up).arg(jump)));
        QVERIFY2(std::fabs(down + jump) < 0.03 * jump, qPrintable(QStringLiteral("%1 vs %2").arg(down).arg(-jump)));
        QVERIFY(std::fabs(plot->colourLow() + plot->colourHigh()) < 1e-9);  // grey about 0
        // Base ratio: 1 at the first frame; at frame 5 the ridge over the quiet level of frame 0 there: 1050 / 50.
        show->setCurrentIndex(show->findData(static_cast<int>(TimeDistancePlot::Show::BaseRatio)));
        QCOMPARE(plot->cellValue(0, 10), 1.0);
        const double ratio = plot->cellValue(c5, plot->rowAt(ridgeMm(5)));
        QVERIFY2(std::fabs(ratio - 21.0) < 0.03 * 21.0, qPrintable(QString::number(ratio)));
        show->setCurrentIndex(show->findData(static_cast<int>(TimeDistancePlot::Show::Values)));
        QVERIFY(plot->logScale());
        QVERIFY2(std::fabs(plot->cellValue(c5, plot->rowAt(ridgeMm(5))) - 1050) < 0.03 * 1050,
                 qPrintable(QString::number(plot->cellValue(c5, plot->rowAt(ridgeMm(5))))));
    }

    void readoutUnderThePointer()
    {
        // Over the ridge at frame 5 (values shown): its time, distance and height (1050 DN/s within 3%).
        TimeDistancePlot *plot = td()->plot();
        const double mmPerArcsec = state().value(QStringLiteral("mm_per_arcsec")).toDouble();
        const double startTx = state().value(QStringLiteral("slit")).toObject().value(QStringLiteral("start")).toArray().at(0).toDouble();
        const double mm = (-60 + m_arcsecPerS * 60 - startTx) * mmPerArcsec;
        const QString text = plot->readoutAt(plot->widgetPoint(t0() + 5 * 12000, mm));
        QVERIFY2(text.startsWith(QStringLiteral("2012-03-07 00:01:00 UTC · ")), qPrintable(text));
        const QStringList parts = text.split(QStringLiteral(" · "));
        QCOMPARE(parts.size(), 3);
        QVERIFY2(std::fabs(parts[1].section(QLatin1Char(' '), 0, 0).toDouble() - mm) < 1.0, qPrintable(parts[1]));
        const double value = parts[2].section(QLatin1Char(' '), 0, 0).toDouble();
        QVERIFY2(std::fabs(value - 1050) < 0.03 * 1050 && parts[2].endsWith(QStringLiteral("DN/s")), qPrintable(parts[2]));
        QVERIFY(plot->readoutAt(QPointF(-5, -5)).isEmpty());
    }

    void exportCsv()
    {
        const QString path = m_dir.filePath(QStringLiteral("td.csv"));
        QCOMPARE(td()->exportCsv(path), QString());
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 2 + 10);
        QCOMPARE(lines[1].split(',').size(), 2 + state().value(QStringLiteral("samples")).toInt());
    }

    void aClickGivesARadialSlit()
    {
        QueryPoint q;
        q.hpc = QPointF(-30, 40);  // 50" from the centre, direction (-0.6, 0.8)
        const QLineF l = TimeDistanceController::slitFor(q);
        QVERIFY(std::fabs(l.x1() - 30) < 1e-9 && std::fabs(l.y1() + 40) < 1e-9);
        QVERIFY(std::fabs(l.x2() + 90) < 1e-9 && std::fabs(l.y2() - 120) < 1e-9);
        q.hpc = QPointF(5, 5);  // near the centre: east to west
        const QLineF c = TimeDistanceController::slitFor(q);
        QVERIFY(std::fabs(c.x1() + 95) < 1e-9 && std::fabs(c.y1() - 5) < 1e-9 && std::fabs(c.x2() - 105) < 1e-9);
        q.drag = QLineF(1, 2, 3, 4);
        QCOMPARE(TimeDistanceController::slitFor(q), QLineF(1, 2, 3, 4));
    }
};

QTEST_MAIN(TestTimeDistanceView)
#include "tst_timedistance.moc"
