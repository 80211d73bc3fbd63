// widgets/HeatmapLayer: a model cell's heatmap value lands on that cell's pixels of the shown map, through the
// model frame and the map's own WCS, also on a rolled map drawn north up (rotated by ~180 deg on screen) at
// another plate scale and zoom. The expected place is computed in closed form from the fake files' linear WCS
// (tests/models/EngineFixtures.h), not through ModelFrame.
#include "../models/EngineFixtures.h"
#include "TestSupport.h"

#include "core/map/PixelFrame.h"
#include "core/map/SdoMap.h"
#include "widgets/HeatmapLayer.h"
#include "widgets/MapView.h"

#include <QtTest>

#include <cmath>
#include <numbers>

using namespace solarchip;

namespace {

// The fake AIA reference: 256 px at 9.6"/px, disk centre at the array centre. Its model frame (256 px input,
// 16 x 16 cells) is the map itself: cell (row, col) is centred at ((col*16 + 7.5 - 127.5) * 9.6, same for row).
QPointF cellCentreHpc(int row, int col) { return {(col * 16 + 7.5 - 127.5) * 9.6, (row * 16 + 7.5 - 127.5) * 9.6}; }

// The 0-based pixel of the fake map `m` at helioprojective (tx, ty): fakePixelToHpc inverted.
QPointF hpcToFakePixel(const test::FakeMap &m, QPointF hpc)
{
    const double r = m.crota2 * std::numbers::pi / 180.0;
    const double dx = std::cos(r) * hpc.x() + std::sin(r) * hpc.y();
    const double dy = -std::sin(r) * hpc.x() + std::cos(r) * hpc.y();
    const double crpix = (m.size + 1) / 2.0 + m.crpixOffset;
    return {dx / m.cdelt + crpix - 1, dy / m.cdelt + crpix - 1};
}

bool near(QRgb a, QRgb b, int tol = 6)
{
    return std::abs(qRed(a) - qRed(b)) <= tol && std::abs(qGreen(a) - qGreen(b)) <= tol && std::abs(qBlue(a) - qBlue(b)) <= tol;
}

}  // namespace

class TestHeatmapLayer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void cellLandsOnItsPixelsOnARotatedRescaledDisplay()
    {
        QTemporaryDir dir = test::scratchDir();
        const QDateTime t(QDate(2011, 6, 7), QTime(6, 0), QTimeZone::utc());
        const test::FakeMap aia = test::fakeAia({}, t);
        test::FakeMap hmi = test::fakeHmi({}, t);  // rolled 179.93 deg, 8.4"/px, CRPIX offset
        hmi.nanOffDisk = false;
        hmi.background = 5;
        const QString aiaPath = dir.filePath(QStringLiteral("ref_171.fits")), hmiPath = dir.filePath(QStringLiteral("hmi.fits"));
        QVERIFY(test::writeFakeMap(aiaPath, aia));
        QVERIFY(test::writeFakeMap(hmiPath, hmi));
        auto ref = PixelFrame::fromFile(aiaPath);
        QVERIFY2(ref, qPrintable(ref.errorString()));
        ModelFrameSpec spec;
        spec.resolution = 256;
        spec.oversample = 2;
        spec.gridSize = 16;
        auto frame = ModelFrame::forReference(*ref, spec);
        QVERIFY2(frame, qPrintable(frame.errorString()));
        auto map = SdoMap::load(hmiPath);
        QVERIFY2(map, qPrintable(map.errorString()));

        MapView view;
        view.resize(520, 480);
        view.show();
        for (const QString &id : view.overlayIds())
            view.setOverlayVisible(id, false);  // only the heatmap over the map
        view.setMap(std::make_shared<const SdoMap>(std::move(*map)));
        QVERIFY(view.waitForRender(30000));
        view.setZoom(1.7);  // rescaled
        view.setCentre(hpcToFakePixel(hmi, cellCentreHpc(9, 5)));
        QVERIFY(std::abs(std::abs(view.displayRotation()) - 179.93) < 0.5);  // drawn north up: rotated on screen

        auto layer = std::make_shared<HeatmapLayer>();
        layer->setOpacity(1.0);
        HeatmapData d;
        d.frame = std::make_shared<const ModelFrame>(*frame);
        d.grid = 16;
        d.values.assign(256, std::numeric_limits<float>::quiet_NaN());
        d.values[9 * 16 + 5] = 1.0f;  // the hot cell
        d.values[2 * 16 + 2] = 0.0f;  // far away: sets the range [0, 1]
        layer->setData(d);
        const QImage bare = view.renderView(false);
        view.addOverlay(layer);
        const QImage drawn = view.renderView(true);
        const QRgb hot = layer->colormap().map(1.0);

        // The hot cell's centre and points 5 arcsec inside each of its edges carry the hot colour; points 5 arcsec
        // outside its edges (cells without a value) show the bare map.
        const QPointF c = cellCentreHpc(9, 5);
        const double half = 16 * 9.6 / 2;
        const QPointF inside[] = {c, c + QPointF(half - 5, 0), c - QPointF(half - 5, 0), c + QPointF(0, half - 5), c - QPointF(0, half - 5)};
        for (const QPointF &p : inside) {
            const QPoint w = view.mapToWidget(hpcToFakePixel(hmi, p)).toPoint();
            QVERIFY2(near(drawn.pixel(w), hot), qPrintable(QStringLiteral("inside at (%1, %2)\"").arg(p.x()).arg(p.y())));
        }
        const QPointF outside[] = {c + QPointF(half + 5, 0), c - QPointF(half + 5, 0), c + QPointF(0, half + 5), c - QPointF(0, half + 5)};
        for (const QPointF &p : outside) {
            const QPoint w = view.mapToWidget(hpcToFakePixel(hmi, p)).toPoint();
            QVERIFY2(near(drawn.pixel(w), bare.pixel(w), 2), qPrintable(QStringLiteral("outside at (%1, %2)\"").arg(p.x()).arg(p.y())));
        }
        // The readout's value and cell under a map pixel.
        const QPointF px = hpcToFakePixel(hmi, c);
        QCOMPARE(layer->cellAtMapPixel(px), 9 * 16 + 5);
        QCOMPARE(layer->valueAtMapPixel(px), 1.0);
        QVERIFY(std::isnan(layer->valueAtMapPixel(hpcToFakePixel(hmi, cellCentreHpc(9, 7)))));
        // The threshold hides cells below it.
        layer->setThreshold(0.5);
        const QImage thresholded = view.renderView(true);
        const QPoint far = view.mapToWidget(hpcToFakePixel(hmi, cellCentreHpc(2, 2))).toPoint();
        if (QRect(QPoint(), thresholded.size()).contains(far))
            QVERIFY(near(thresholded.pixel(far), bare.pixel(far), 2));

        // On screen the outlines are made on the render pool: new data in the view leave them pending (a render in
        // flight for the view) until they arrive, then the screen shows the hot cell as the image of the view does.
        layer->setThreshold(-1);
        d.frame = std::make_shared<const ModelFrame>(*frame);  // a new frame object: new outlines
        layer->setData(d);
        QVERIFY(layer->isGeometryPending());
        QVERIFY(view.isRenderPending());
        QVERIFY(view.waitForRender(30000));
        QVERIFY(!layer->isGeometryPending());
        const QPoint centre = view.mapToWidget(hpcToFakePixel(hmi, c)).toPoint();
        QVERIFY(near(view.grab().toImage().pixel(centre), hot));
        // The next map (the same one again as a new object): the last outlines stay on screen meanwhile.
        view.setMap(std::make_shared<const SdoMap>(*view.map()));
        QVERIFY(layer->isGeometryPending());
        QVERIFY(near(view.grab().toImage().pixel(centre), hot));
        QVERIFY(view.waitForRender(30000));
        QVERIFY(near(view.grab().toImage().pixel(centre), hot));

        // The colour bar's plate: in a view wider than the fitted map it sits in the band beside the image and
        // hides no data; zoomed in (no band) it goes over the map's lower-left corner.
        d.label = QStringLiteral("HMI magnetogram vs AIA 171 Å [9, 5]");  // the app's longest kind of label
        layer->setData(d);
        view.resize(600, 360);  // a band of ~120 px either side of the fitted map
        view.fitToWindow();
        QVERIFY(view.waitForRender(30000));
        (void)view.renderView(true);
        const int side = view.map()->image.width;
        QPolygonF corners;
        for (QPointF p : {QPointF(-0.5, -0.5), QPointF(side - 0.5, -0.5), QPointF(side - 0.5, side - 0.5), QPointF(-0.5, side - 0.5)})
            corners << view.mapToWidget(p);
        const QRectF imageOnScreen = corners.boundingRect();
        QVERIFY(!layer->lastPlateRect().isEmpty());
        QVERIFY2(!layer->lastPlateRect().intersects(imageOnScreen),
                 qPrintable(QStringLiteral("plate (%1, %2) %3 x %4, image from x %5 to %6")
                                .arg(layer->lastPlateRect().x()).arg(layer->lastPlateRect().y())
                                .arg(layer->lastPlateRect().width()).arg(layer->lastPlateRect().height())
                                .arg(imageOnScreen.left()).arg(imageOnScreen.right())));
        view.setZoom(view.zoom() * 3);
        (void)view.renderView(true);
        QPolygonF zoomed;
        for (QPointF p : {QPointF(-0.5, -0.5), QPointF(side - 0.5, -0.5), QPointF(side - 0.5, side - 0.5), QPointF(-0.5, side - 0.5)})
            zoomed << view.mapToWidget(p);
        QVERIFY(zoomed.boundingRect().contains(QRectF(view.rect())));  // the image fills the view: no band
        QVERIFY(QRectF(view.rect()).contains(layer->lastPlateRect()));
        QVERIFY(layer->lastPlateRect().left() < view.width() / 4.0);  // its lower-left corner
    }
};

QTEST_MAIN(TestHeatmapLayer)
#include "tst_heatmaplayer.moc"
