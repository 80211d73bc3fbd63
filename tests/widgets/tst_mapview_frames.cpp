// MapView on maps that are not the file pixel for pixel, or not helioprojective (issue 9, items 3 and 5):
//  - a HMI SHARP patch in Carrington CEA is drawn as the rectangle it is (no shear, no rotation), reads out
//    Carrington lon/lat from its own WCS (equal to astropy's at chosen pixels), has no limb, and says so in the
//    view ("Carrington CEA: limb and co-registration off");
//  - a 4096^2 Helioviewer file shown at 1024^2 reads out the file's own pixel and the file's own value there
//    (glymur's decode), read off the UI thread and delivered by a second readoutChanged.
// References: tests/reference/frames_reference.py (astropy, glymur) at run time.
#include "core/archive/DisplayPrep.h"
#include "core/map/MapDifference.h"
#include "core/map/SdoMap.h"
#include "widgets/MapView.h"
#include "widgets/OverlayLimb.h"
#include "widgets/OverlayProjectionNote.h"
#include "TestSupport.h"

#include <QImage>
#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QtTest>

#include <cmath>

using namespace solarchip;

namespace {

const QString kAia304 = QStringLiteral("2024_04_16__11_15_41_129__SDO_AIA_AIA_304.jp2");

void moveMouse(QWidget *w, const QPointF &pos)
{
    QMouseEvent ev(QEvent::MouseMove, pos, w->mapToGlobal(pos), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
    QApplication::sendEvent(w, &ev);
}

std::shared_ptr<const SdoMap> displayMap(const QString &path, const QString &prep)
{
    auto m = loadDisplayMap(MapKey{path, prep});
    if (!m) {
        qWarning("%s", qPrintable(m.error().toString()));
        return nullptr;
    }
    return std::make_shared<const SdoMap>(std::move(m.value()));
}

}  // namespace

class TestMapViewFrames : public QObject {
    Q_OBJECT
    QJsonObject m_ref;

private slots:
    void initTestCase()
    {
        if (test::sdoDir().isEmpty())
            return;
        const auto py = test::runPython(QStringLiteral("frames_reference.py"), {test::sdoDir()}, 300000);
        QVERIFY2(py.exitCode == 0, py.err.constData());
        m_ref = test::parseJson(py.out).object();
    }

    void readoutNumberFormat()
    {
        QCOMPARE(MapReadout::formatNumber(1359.77), QStringLiteral("1359.8"));
        QCOMPARE(MapReadout::formatNumber(46), QStringLiteral("46"));
        QCOMPARE(MapReadout::formatNumber(-0.012345), QStringLiteral("-0.012345"));
        QCOMPARE(MapReadout::formatNumber(36074), QStringLiteral("36074"));
        QCOMPARE(MapReadout::formatNumber(123456.7), QStringLiteral("123457"));
        QCOMPARE(MapReadout::formatNumber(2.5e7), QStringLiteral("2.5000e+07"));
        QCOMPARE(MapReadout::formatNumber(0), QStringLiteral("0"));
    }

    void ceaPatchIsRectangularWithCarringtonReadout()
    {
        SOLARCHIP_REQUIRE_SDO();
        const QJsonObject cea = m_ref.value(QStringLiteral("cea")).toObject();
        QCOMPARE(cea.size(), 4);
        for (auto it = cea.begin(); it != cea.end(); ++it) {
            auto map = displayMap(test::sdoFile(QStringLiteral("fits/") + it.key()), QString());
            QVERIFY(map);
            MapView view;
            view.resize(800, 450);
            view.show();
            QVERIFY(QTest::qWaitForWindowExposed(&view));
            view.setMap(map);
            QVERIFY(view.waitForRender());
            // Drawn as a rectangle: pixel rows stay horizontal and columns vertical on screen.
            const QTransform t = view.pixelToWidget();
            QCOMPARE(t.m12(), 0.0);
            QCOMPARE(t.m21(), 0.0);
            QVERIFY(t.m11() > 0);
            QVERIFY(t.m22() < 0);  // row 0 at the bottom, north up
            QCOMPARE(view.displayRotation(), 0.0);
            // No limb in a heliographic projection, even when switched on, and the note says so.
            view.setOverlayVisible(QStringLiteral("limb"), true);
            QVERIFY(OverlayLimb::limbPixels(map->wcs).isEmpty());
            auto *note = dynamic_cast<OverlayProjectionNote *>(view.overlay(QStringLiteral("projection")));
            QVERIFY(note);
            QCOMPARE(note->text(), QStringLiteral("Carrington CEA: limb and co-registration off"));

            QSignalSpy spy(&view, &MapView::readoutChanged);
            for (const QJsonValue &v : it.value().toObject().value(QStringLiteral("points")).toArray()) {
                const QJsonObject p = v.toObject();
                const int x = p.value(QStringLiteral("x")).toInt(), y = p.value(QStringLiteral("y")).toInt();
                view.setZoom(4.0);
                view.setCentre(QPointF(x, y));
                moveMouse(&view, view.mapToWidget(QPointF(x + 0.2, y - 0.3)));
                QVERIFY(!spy.isEmpty());
                const MapReadout r = spy.takeLast().at(0).value<MapReadout>();
                spy.clear();
                QVERIFY(r.valid);
                QVERIFY(r.heliographicMap && r.carrington && r.hasNative);
                QVERIFY2(std::abs(r.nativeLon - p.value(QStringLiteral("lon")).toDouble()) < 1e-6,
                         qPrintable(QStringLiteral("%1 (%2,%3): lon %4 vs astropy %5").arg(it.key()).arg(x).arg(y)
                                        .arg(r.nativeLon, 0, 'f', 6).arg(p.value(QStringLiteral("lon")).toDouble(), 0, 'f', 6)));
                QVERIFY(std::abs(r.nativeLat - p.value(QStringLiteral("lat")).toDouble()) < 1e-6);
                QVERIFY(r.toString().contains(QStringLiteral("Carrington lon %1\u00b0 lat %2\u00b0")
                                                  .arg(p.value(QStringLiteral("lon")).toDouble(), 0, 'f', 3)
                                                  .arg(p.value(QStringLiteral("lat")).toDouble(), 0, 'f', 3)));
                QVERIFY(!r.toString().contains(QStringLiteral("off disk")));
                if (x == 371)
                    qInfo("%s", qPrintable(r.toString()));
                // The map is the file: the pixel is the file's, the value the file's.
                QVERIFY(r.hasFilePixel && r.fileIsDisplay);
                QCOMPARE(r.fileX, x);
                QCOMPARE(r.fileY, y);
                QCOMPARE(r.pixelText(), QStringLiteral("pixel %1, %2 (file)").arg(x).arg(y));
                if (p.value(QStringLiteral("value")).isNull())
                    QVERIFY(std::isnan(r.value));
                else
                    QVERIFY(std::abs(r.value - p.value(QStringLiteral("value")).toDouble()) < 1e-3);
            }
        }
    }

    // A difference image names the current file's pixel and reads the file's own value there (the shown
    // value is the difference). Reference: astropy reads 12.0 at (300, 200) of the 13:13:53 file.
    void differenceReadsCurrentFileValue()
    {
        SOLARCHIP_REQUIRE_SDO();
        auto cur = displayMap(test::sdoFile(QStringLiteral("fits/AIA20220402_131353_0304.fits")), QString());
        auto ref = displayMap(test::sdoFile(QStringLiteral("fits/AIA20220402_131341_0304.fits")), QString());
        QVERIFY(cur && ref);
        auto diff = differenceMap(*cur, *ref);
        QVERIFY2(diff, diff ? "" : qPrintable(diff.error().toString()));
        MapView view;
        view.resize(450, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setDifferenceMap(*diff);
        QVERIFY(view.waitForRender());
        view.setZoom(2.0);
        view.setCentre(QPointF(300, 200));
        moveMouse(&view, view.mapToWidget(QPointF(300.1, 199.9)));
        QTRY_VERIFY_WITH_TIMEOUT(view.lastReadout().fileValueState == MapReadout::FileValue::Ready, 30000);
        const MapReadout r = view.lastReadout();
        QVERIFY(!r.fileIsDisplay);
        QCOMPARE(r.fileX, 300);
        QCOMPARE(r.fileY, 200);
        QCOMPARE(r.fileValue, 12.0);
        QCOMPARE(r.value, double(diff->map.image.at(300, 200)));
        QVERIFY(r.valueText().startsWith(QStringLiteral("12 ")));
    }

    void reducedJp2ReadsFilePixelAndValue()
    {
        SOLARCHIP_REQUIRE_SDO();
        const QString path = test::sdoFile(QStringLiteral("jp2/") + kAia304);
        auto map = displayMap(path, QStringLiteral("ds:1024x1024"));
        QVERIFY(map);
        QCOMPARE(map->image.width, 1024);
        MapView view;
        view.resize(500, 500);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setMap(map);
        QVERIFY(view.waitForRender());
        QSignalSpy spy(&view, &MapView::readoutChanged);
        const QJsonArray points =
            m_ref.value(QStringLiteral("jp2")).toObject().value(kAia304).toObject().value(QStringLiteral("points")).toArray();
        QVERIFY(points.size() >= 3);
        for (const QJsonValue &v : points) {
            const QJsonObject p = v.toObject();
            const int fx = p.value(QStringLiteral("x")).toInt(), fy = p.value(QStringLiteral("y")).toInt();
            const int dx = fx / 4, dy = (fy - 3) / 4;
            view.setZoom(2.0);
            view.setCentre(QPointF(dx, dy));
            moveMouse(&view, view.mapToWidget(QPointF(dx + 0.05, dy - 0.05)));
            QVERIFY(!spy.isEmpty());
            const MapReadout first = spy.takeFirst().at(0).value<MapReadout>();
            QVERIFY(first.valid);
            QCOMPARE(first.ix, dx);
            QCOMPARE(first.iy, dy);
            QVERIFY(first.hasFilePixel);
            QVERIFY(!first.fileIsDisplay);
            QCOMPARE(first.fileX, fx);
            QCOMPARE(first.fileY, fy);
            QCOMPARE(first.pixelText(), QStringLiteral("pixel %1, %2 (file)").arg(fx).arg(fy));
            // The file's value arrives from the Io pool (the first time after a full-resolution decode).
            QTRY_VERIFY_WITH_TIMEOUT(view.lastReadout().fileValueState == MapReadout::FileValue::Ready, 60000);
            const MapReadout r = view.lastReadout();
            qInfo("%s", qPrintable(r.toString()));
            QCOMPARE(r.fileX, fx);
            QCOMPARE(r.fileValue, p.value(QStringLiteral("value")).toDouble());
            QVERIFY2(r.valueText().startsWith(MapReadout::formatNumber(r.fileValue) + QLatin1Char(' ')),
                     qPrintable(r.valueText()));
            QVERIFY(r.valueText().contains(QStringLiteral("(file; shown ")));
            QVERIFY(std::abs(r.tx - p.value(QStringLiteral("tx")).toDouble()) < 0.01);
            QVERIFY(std::abs(r.ty - p.value(QStringLiteral("ty")).toDouble()) < 0.01);
            spy.clear();
        }
    }
};

QTEST_MAIN(TestMapViewFrames)
#include "tst_mapview_frames.moc"
