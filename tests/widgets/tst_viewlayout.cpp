// What a map view shows besides the map (issue 9, items 6, 9 and 13), on the real files in ../shared/sdo:
//  - the colour bar sits in a strip beside the map: for a fitted full-disk map (aia_171_level1.fits) the bar's
//    rectangle never meets the disk's bounding box, the disk taken from the header alone (centre CRPIX -
//    CRVAL/CDELT, radius RSUN_OBS/CDELT, a closed form), at square, wide, tall and small view sizes;
//  - the WCS axes put their ticks where sunpy's pixel_to_world (tests/reference/views_reference.py world)
//    gives the tick's value: Tx along the bottom edge, Ty along the left edge, for a fitted full disk, a
//    zoomed and panned view, a cutout and a rolled HMI map (CROTA2 ~ 180 deg, shown north up);
//  - the zoom level is shown as "zoom N%";
//  - the grid's selected view is framed and moves to a view still there when its view goes away.
#include "TestSupport.h"

#include "core/map/SdoMap.h"
#include "widgets/MapGrid.h"
#include "widgets/MapView.h"
#include "widgets/OverlayAxes.h"
#include "widgets/OverlayColorBar.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QtTest>

#include <cmath>

using namespace solarchip;

namespace {

std::shared_ptr<const SdoMap> loadMap(const QString &name)
{
    auto m = SdoMap::load(test::sdoFile(QStringLiteral("fits/") + name));
    if (!m.ok())
        qFatal("%s", qPrintable(m.errorString()));
    return std::make_shared<const SdoMap>(std::move(m.value()));
}

// The disk's bounding box in widget coordinates, from the header's keywords alone.
QRectF diskBox(const MapView &view, const SdoMap &map)
{
    const MapMeta &m = map.meta;
    const double xc = m.crpix1 - 1 - m.crval1 / m.cdelt1, yc = m.crpix2 - 1 - m.crval2 / m.cdelt2;
    const double r = m.rsunObs / m.cdelt1;
    QPolygonF square;
    for (const QPointF &p : {QPointF(xc - r, yc - r), QPointF(xc + r, yc - r), QPointF(xc + r, yc + r), QPointF(xc - r, yc + r)})
        square << view.mapToWidget(p);
    return square.boundingRect();
}

}  // namespace

class TestViewLayout : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void colorBarBesideTheDisk_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::newRow("square 400") << QSize(400, 400);
        QTest::newRow("grid cell 300") << QSize(300, 300);
        QTest::newRow("wide 700x350") << QSize(700, 350);
        QTest::newRow("tall 260x520") << QSize(260, 520);
        QTest::newRow("small 200") << QSize(200, 200);
    }
    void colorBarBesideTheDisk()
    {
        SOLARCHIP_REQUIRE_SDO();
        QFETCH(QSize, size);
        const auto map = loadMap(QStringLiteral("aia_171_level1.fits"));
        MapView view;
        view.setAnimatedZoom(false);
        view.resize(size);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setMap(map);
        view.setOverlayVisible(QStringLiteral("colorbar"), true);
        QVERIFY(view.waitForRender());
        QVERIFY(view.isFitMode());
        const QImage shot = view.grab().toImage();  // paints: the bar records where it went
        auto *bar = dynamic_cast<OverlayColorBar *>(view.overlay(QStringLiteral("colorbar")));
        QVERIFY(bar);
        const QRectF barRect = bar->lastRect();
        const QRectF disk = diskBox(view, *map);
        QVERIFY2(!barRect.isEmpty(), "no colour bar drawn");
        QVERIFY(QRectF(view.rect()).contains(barRect));
        QVERIFY2(!barRect.intersects(disk),
                 qPrintable(QStringLiteral("bar %1,%2 %3x%4 over the disk %5,%6 %7x%8")
                                .arg(barRect.x()).arg(barRect.y()).arg(barRect.width()).arg(barRect.height())
                                .arg(disk.x()).arg(disk.y()).arg(disk.width()).arg(disk.height())));
        // The whole disk is on screen, inside the map's area, and the map's area leaves the bar's strip free.
        QVERIFY(view.mapArea().adjusted(-0.5, -0.5, 0.5, 0.5).contains(disk));
        QVERIFY(!view.mapArea().intersects(barRect));
        // The bar shows the colormap's top colour (the real pixels, not just the bookkeeping).
        const QRgb top = view.rendered().colormap.rgb(255);
        bool found = false;
        for (int y = int(barRect.top()); y < int(barRect.bottom()) && !found; ++y)
            for (int x = int(barRect.left()); x < int(barRect.right()) && !found; ++x) {
                const QRgb p = shot.pixel(x, y);
                found = std::abs(qRed(p) - qRed(top)) <= 2 && std::abs(qGreen(p) - qGreen(top)) <= 2
                        && std::abs(qBlue(p) - qBlue(top)) <= 2;
            }
        QVERIFY(found);
        // Turning the bar off gives the map the whole view again (and the fitted disk grows).
        view.setOverlayVisible(QStringLiteral("colorbar"), false);
        QCOMPARE(view.mapArea(), QRectF(view.rect()));
        QVERIFY(diskBox(view, *map).width() >= disk.width() - 1e-9);
    }

    void axesTicksMatchSunpy_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<double>("zoomFactor");  // relative to the fit; 1 = fitted
        QTest::addColumn<QPointF>("centre");      // map pixel to centre on when zoomed
        QTest::newRow("full disk fitted") << QStringLiteral("aia_171_level1.fits") << 1.0 << QPointF();
        QTest::newRow("full disk zoomed, panned") << QStringLiteral("aia_171_level1.fits") << 3.7 << QPointF(90.3, 41.8);
        QTest::newRow("cutout fitted") << QStringLiteral("aia_171_cutout.fits") << 1.0 << QPointF();
        QTest::newRow("rolled HMI fitted") << QStringLiteral("sdo-hmi_2011-02-14_20-34-12.fits") << 1.0 << QPointF();
    }
    void axesTicksMatchSunpy()
    {
        SOLARCHIP_REQUIRE_SDO();
        QFETCH(QString, file);
        QFETCH(double, zoomFactor);
        QFETCH(QPointF, centre);
        const auto map = loadMap(file);
        MapView view;
        view.setAnimatedZoom(false);
        view.resize(520, 480);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setMap(map);
        view.setOverlayVisible(QStringLiteral("axes"), true);
        QVERIFY(view.waitForRender());
        if (zoomFactor != 1.0)
            view.setPixelView(centre, view.zoom() * zoomFactor);
        view.grab();
        auto *axes = dynamic_cast<OverlayAxes *>(view.overlay(QStringLiteral("axes")));
        QVERIFY(axes);
        const QVector<OverlayAxes::Tick> ticks = axes->lastTicks();
        // The labels have their margins: the frame is inside the map's area, which leaves room at left and bottom.
        QVERIFY(view.mapArea().left() > 20 && view.mapArea().bottom() < view.height() - 10);
        QVERIFY(view.mapArea().adjusted(-0.5, -0.5, 0.5, 0.5).contains(axes->lastFrame()));
        QStringList args{QStringLiteral("world"), test::sdoFile(QStringLiteral("fits/") + file)};
        int bottom = 0, left = 0;
        for (const auto &t : ticks) {
            const QPointF p = view.widgetToMap(t.at);
            args << QStringLiteral("%1,%2").arg(p.x(), 0, 'g', 17).arg(p.y(), 0, 'g', 17);
            (t.edge == Qt::BottomEdge ? bottom : left)++;
        }
        QVERIFY2(bottom >= 3 && left >= 3, qPrintable(QStringLiteral("%1 bottom, %2 left ticks").arg(bottom).arg(left)));
        const auto r = test::runPython(QStringLiteral("views_reference.py"), args);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject ref = test::parseJson(r.out).object();
        const QJsonArray tx = ref.value(QStringLiteral("tx")).toArray(), ty = ref.value(QStringLiteral("ty")).toArray();
        QCOMPARE(tx.size(), ticks.size());
        double worst = 0;
        double step[2] = {0, 0};
        double previous[2] = {std::nan(""), std::nan("")};
        for (int i = 0; i < ticks.size(); ++i) {
            const auto &t = ticks[i];
            const int e = t.edge == Qt::BottomEdge ? 0 : 1;
            const double sunpy = (e == 0 ? tx : ty)[i].toDouble();
            worst = std::max(worst, std::fabs(sunpy - t.value));
            QVERIFY2(std::fabs(sunpy - t.value) < 0.05,
                     qPrintable(QStringLiteral("%1 tick %2: sunpy says %3 there").arg(e ? "left" : "bottom").arg(t.value).arg(sunpy)));
            // Round values, evenly stepped (1, 2 or 5 x 10^n arcsec), labelled with the arcsec sign.
            if (!std::isnan(previous[e])) {
                const double d = std::fabs(t.value - previous[e]);
                if (step[e] == 0)
                    step[e] = d;
                QVERIFY(std::fabs(d - step[e]) < 1e-6 * step[e]);
            }
            previous[e] = t.value;
            QVERIFY(t.text.endsWith(QChar(0x2033)));
            QCOMPARE(t.text.chopped(1).replace(QChar(0x2212), QLatin1Char('-')).toDouble(), t.value);
        }
        for (double s : step) {
            const double mantissa = s / std::pow(10.0, std::floor(std::log10(s)));
            QVERIFY2(std::fabs(mantissa - 1) < 1e-9 || std::fabs(mantissa - 2) < 1e-9 || std::fabs(mantissa - 5) < 1e-9,
                     qPrintable(QString::number(s)));
        }
        qInfo("%s: %d bottom, %d left ticks, steps %g/%g arcsec, max |tick - sunpy| = %.3g arcsec", qPrintable(file),
              bottom, left, step[0], step[1], worst);
    }

    void zoomLevelShown()
    {
        SOLARCHIP_REQUIRE_SDO();
        MapView view;
        view.setAnimatedZoom(false);
        view.resize(400, 400);
        view.setMap(loadMap(QStringLiteral("aia_171_level1.fits")));
        view.setZoom(0.5);
        QCOMPARE(view.zoomText(), QStringLiteral("zoom 50%"));
        view.setZoom(2.5);
        QCOMPARE(view.zoomText(), QStringLiteral("zoom 250%"));
        QCOMPARE(MapView::zoomText(0.0512), QStringLiteral("zoom 5.1%"));
    }

    void selectionFollowsTheViews()
    {
        SOLARCHIP_REQUIRE_SDO();
        const auto map = loadMap(QStringLiteral("aia_171_level1.fits"));
        MapGrid grid;
        grid.resize(600, 600);
        QSignalSpy changed(&grid, &MapGrid::currentViewChanged);
        grid.setMaps({map, map, map});
        grid.show();
        QVERIFY(QTest::qWaitForWindowExposed(&grid));
        QCOMPARE(grid.currentIndex(), 0);
        QVERIFY(grid.view(0)->isSelected() && !grid.view(1)->isSelected() && !grid.view(2)->isSelected());
        // A click selects; the selected view wears a frame in the highlight colour, the others none.
        QTest::mouseClick(grid.view(2), Qt::LeftButton, {}, QPoint(100, 100));
        QCOMPARE(grid.currentIndex(), 2);
        QCOMPARE(changed.last().at(0).toInt(), 2);
        QVERIFY(grid.view(2)->isSelected() && !grid.view(0)->isSelected());
        QVERIFY(grid.waitForRender());
        const QColor highlight = grid.view(2)->palette().color(QPalette::Active, QPalette::Highlight);
        const QImage selected = grid.view(2)->grab().toImage(), other = grid.view(0)->grab().toImage();
        QCOMPARE(QColor(selected.pixel(1, selected.height() / 2)), highlight);
        QCOMPARE(QColor(selected.pixel(selected.width() / 2, 1)), highlight);
        QVERIFY(QColor(other.pixel(1, other.height() / 2)) != highlight);
        // The selected view goes away: the selection moves to one still in the grid.
        grid.removeView(2);
        QCOMPARE(grid.currentIndex(), 1);
        QCOMPARE(changed.last().at(0).toInt(), 1);
        QVERIFY(grid.view(1)->isSelected());
        // Down to one view (a channel in focus): that one, and no frame is needed.
        grid.setMaps({map});
        QCOMPARE(grid.currentIndex(), 0);
        QCOMPARE(changed.last().at(0).toInt(), 0);
        QVERIFY(!grid.view(0)->isSelected());
        grid.clear();
        QCOMPARE(grid.currentIndex(), -1);
        QCOMPARE(grid.currentView(), nullptr);
    }
};

QTEST_MAIN(TestViewLayout)
#include "tst_viewlayout.moc"
