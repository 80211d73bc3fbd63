// Overlays where the WCS says, against sunpy: the limb of a real full-disk header (aia_171_level1.fits,
// 128x128) — its angular radius and its pixel positions through sunpy's world_to_pixel — and the
// Stonyhurst grid (every visible lon/lat multiple of 15 deg lies on the matching grid lines); screenshots
// show the limb and grid pixels at those positions and nowhere inside the disk; the colorbar overlay and
// widget draw the colormap with sensible ticks.

#include "core/map/SdoMap.h"
#include "widgets/ColorBar.h"
#include "widgets/MapView.h"
#include "widgets/OverlayGrid.h"
#include "widgets/OverlayLimb.h"

#include "TestSupport.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>

#include <cmath>

using namespace solarchip;

namespace {

double distanceToPolyline(const QPointF &p, const QPolygonF &line)
{
    double best = 1e300;
    for (int i = 0; i + 1 < line.size(); ++i) {
        const QPointF a = line[i], b = line[i + 1], ab = b - a;
        const double len2 = QPointF::dotProduct(ab, ab);
        const double t = len2 > 0 ? std::clamp(QPointF::dotProduct(p - a, ab) / len2, 0.0, 1.0) : 0.0;
        const QPointF q = a + t * ab;
        best = std::min(best, std::hypot(p.x() - q.x(), p.y() - q.y()));
    }
    return best;
}

bool isPureGreen(QRgb c) { return qGreen(c) > 200 && qRed(c) < 90 && qBlue(c) < 90; }
bool isMagenta(QRgb c) { return qRed(c) > 200 && qBlue(c) > 200 && qGreen(c) < 90; }

template <class Pred>
bool anyNear(const QImage &img, const QPointF &p, int radius, Pred pred)
{
    for (int dy = -radius; dy <= radius; ++dy)
        for (int dx = -radius; dx <= radius; ++dx) {
            const QPoint q = p.toPoint() + QPoint(dx, dy);
            if (img.rect().contains(q) && pred(img.pixel(q)))
                return true;
        }
    return false;
}

}  // namespace

class TestOverlay : public QObject {
    Q_OBJECT

    std::shared_ptr<const SdoMap> m_map;
    QJsonObject m_ref;

private Q_SLOTS:
    void initTestCase()
    {
        if (solarchip::test::sdoDir().isEmpty())
            return;
        const QString file = solarchip::test::sdoFile(QStringLiteral("fits/aia_171_level1.fits"));
        auto m = SdoMap::load(file);
        QVERIFY2(m.ok(), qPrintable(m.errorString()));
        m_map = std::make_shared<const SdoMap>(std::move(m.value()));
        const auto r = solarchip::test::runPython(QStringLiteral("views_reference.py"),
                                                  {QStringLiteral("limb"), file, QStringLiteral("72")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        m_ref = solarchip::test::parseJson(r.out).object();
    }

    void limbMatchesSunpy()
    {
        SOLARCHIP_REQUIRE_SDO();
        const double radius = OverlayLimb::apparentRadiusArcsec(m_map->wcs.observer());
        QVERIFY2(std::fabs(radius - m_ref.value(QStringLiteral("radius_arcsec")).toDouble()) < 0.01,
                 qPrintable(QString::number(radius, 'f', 4)));
        const QPolygonF limb = OverlayLimb::limbPixels(m_map->wcs, 72);
        const QJsonArray xs = m_ref.value(QStringLiteral("x")).toArray(), ys = m_ref.value(QStringLiteral("y")).toArray();
        QCOMPARE(limb.size(), 72);
        QCOMPARE(xs.size(), 72);
        double worst = 0;
        for (int i = 0; i < 72; ++i)
            worst = std::max(worst, std::hypot(limb[i].x() - xs[i].toDouble(), limb[i].y() - ys[i].toDouble()));
        qInfo("limb: max |ours - sunpy| = %.4g px", worst);
        QVERIFY(worst < 0.01);
    }

    void gridMatchesSunpy()
    {
        SOLARCHIP_REQUIRE_SDO();
        const QVector<OverlayGrid::Line> lines = OverlayGrid::gridLines(m_map->wcs, 15.0);
        QVERIFY(!lines.isEmpty());
        int checked = 0;
        double worst = 0;
        for (const QJsonValue &v : m_ref.value(QStringLiteral("grid")).toArray()) {
            const QJsonObject o = v.toObject();
            const int lon = o.value(QStringLiteral("lon")).toInt(), lat = o.value(QStringLiteral("lat")).toInt();
            if (std::abs(lon) >= 90)
                continue;  // on the limb: visibility is a coin toss between implementations
            const QPointF p(o.value(QStringLiteral("x")).toDouble(), o.value(QStringLiteral("y")).toDouble());
            double dLon = 1e300, dLat = 1e300;
            for (const OverlayGrid::Line &l : lines) {
                if (l.isLongitude && std::fabs(l.degrees - lon) < 1e-9)
                    dLon = std::min(dLon, distanceToPolyline(p, l.pixels));
                if (!l.isLongitude && std::fabs(l.degrees - lat) < 1e-9)
                    dLat = std::min(dLat, distanceToPolyline(p, l.pixels));
            }
            worst = std::max({worst, dLon, dLat});
            QVERIFY2(dLon < 0.02 && dLat < 0.02,
                     qPrintable(QStringLiteral("lon %1 lat %2: %3 / %4 px from the lines").arg(lon).arg(lat).arg(dLon).arg(dLat)));
            ++checked;
        }
        qInfo("grid: %d intersections, max distance %.4g px", checked, worst);
        QVERIFY(checked >= 60);
        // Only the near side: no line point farther from the disk centre than the limb.
        const QPolygonF limb = OverlayLimb::limbPixels(m_map->wcs, 360);
        const QPointF centre = limb.boundingRect().center();
        const double r = limb.boundingRect().width() / 2;
        for (const OverlayGrid::Line &l : lines)
            for (const QPointF &p : l.pixels)
                QVERIFY(std::hypot(p.x() - centre.x(), p.y() - centre.y()) < r + 0.05);
        // The lines reach the limb (bisection at the edge of each visible run).
        int atLimb = 0;
        for (const OverlayGrid::Line &l : lines)
            for (const QPointF &p : {l.pixels.front(), l.pixels.back()})
                atLimb += std::fabs(std::hypot(p.x() - centre.x(), p.y() - centre.y()) - r) < 0.05;
        QVERIFY(atLimb >= lines.size());
    }

    void screenshotShowsLimbAndGrid()
    {
        SOLARCHIP_REQUIRE_SDO();
        MapView view;
        view.resize(512, 512);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setMap(m_map);
        view.setOverlayVisible(QStringLiteral("label"), false);
        QVERIFY(view.waitForRender());
        // Without overlays there is no pure green or magenta anywhere (sdoaia171 has red >= green).
        QImage plain = view.grab().toImage();
        for (int y = 0; y < plain.height(); y += 3)
            for (int x = 0; x < plain.width(); x += 3)
                QVERIFY(!isPureGreen(plain.pixel(x, y)) && !isMagenta(plain.pixel(x, y)));

        view.overlay(QStringLiteral("limb"))->setColor(QColor(0, 255, 0));
        view.setOverlayVisible(QStringLiteral("limb"), true);
        const QImage shot = view.grab().toImage();
        const QJsonArray xs = m_ref.value(QStringLiteral("x")).toArray(), ys = m_ref.value(QStringLiteral("y")).toArray();
        const QPointF centre = view.mapToWidget(OverlayLimb::limbPixels(m_map->wcs, 360).boundingRect().center());
        for (int i = 0; i < xs.size(); ++i) {
            const QPointF w = view.mapToWidget(QPointF(xs[i].toDouble(), ys[i].toDouble()));
            QVERIFY2(anyNear(shot, w, 1, isPureGreen), qPrintable(QStringLiteral("no limb at sunpy point %1").arg(i)));
            // 6 screen pixels inside: map colours only.
            const QPointF inside = centre + (w - centre) * (1.0 - 6.0 / QLineF(centre, w).length());
            QVERIFY(!anyNear(shot, inside, 1, isPureGreen));
        }

        view.setOverlayVisible(QStringLiteral("limb"), false);
        view.overlay(QStringLiteral("grid"))->setColor(QColor(255, 0, 255));
        view.setOverlayVisible(QStringLiteral("grid"), true);
        const QImage grid = view.grab().toImage();
        int found = 0;
        for (const QJsonValue &v : m_ref.value(QStringLiteral("grid")).toArray()) {
            const QJsonObject o = v.toObject();
            if (std::abs(o.value(QStringLiteral("lon")).toInt()) > 45 || std::abs(o.value(QStringLiteral("lat")).toInt()) > 45)
                continue;
            const QPointF w = view.mapToWidget(QPointF(o.value(QStringLiteral("x")).toDouble(), o.value(QStringLiteral("y")).toDouble()));
            QVERIFY(anyNear(grid, w, 1, isMagenta));
            ++found;
        }
        QVERIFY(found >= 40);
        // Between grid lines (7.5 deg from any): no grid colour. Disk centre offsets by a half step.
        double tx, ty, x, y;
        QVERIFY(Wcs::stonyhurstToHelioprojective(LonLat{7.5, 7.5}, m_map->wcs.observer(), tx, ty));
        QVERIFY(m_map->wcs.helioprojectiveToPixel(tx, ty, x, y));
        QVERIFY(!anyNear(grid, view.mapToWidget(QPointF(x, y)), 2, isMagenta));
    }

    void colorBarTicksAndPixels()
    {
        QCOMPARE(ColorBar::ticks(0, 1500, 6), (std::vector<double>{0, 250, 500, 750, 1000, 1250, 1500}));
        QCOMPARE(ColorBar::ticks(-1500, 1500, 6), (std::vector<double>{-1500, -1000, -500, 0, 500, 1000, 1500}));
        const std::vector<double> small = ColorBar::ticks(0.013, 0.1, 4);  // raw step 0.0218 -> 0.025
        QCOMPARE(small.size(), size_t(4));
        for (size_t i = 0; i < small.size(); ++i)
            QVERIFY(std::fabs(small[i] - 0.025 * double(i + 1)) < 1e-15);
        QVERIFY(ColorBar::ticks(3, 3).empty());
        SOLARCHIP_REQUIRE_SDO();
        MapView view;
        view.resize(400, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setMap(m_map);
        view.setOverlayVisible(QStringLiteral("colorbar"), true);
        view.setOverlayVisible(QStringLiteral("label"), false);
        QVERIFY(view.waitForRender());
        view.setZoom(0.5);  // the disk away from the right edge
        const QImage shot = view.grab().toImage();
        // The bar shows the colormap's top entry above its middle entry, near the right edge (the 256
        // entries are resampled to the bar's height: compare within two levels).
        const Colormap cm = view.rendered().colormap;
        auto close = [](QRgb a, QRgb b) {
            return std::abs(qRed(a) - qRed(b)) <= 2 && std::abs(qGreen(a) - qGreen(b)) <= 2 && std::abs(qBlue(a) - qBlue(b)) <= 2;
        };
        int topY = -1, midY = -1;
        for (int y = 0; y < 400; ++y)
            for (int x = 300; x < 400; ++x) {
                if (topY < 0 && close(shot.pixel(x, y), cm.rgb(255)))
                    topY = y;
                if (midY < 0 && close(shot.pixel(x, y), cm.rgb(128)))
                    midY = y;
            }
        if (topY < 0 || midY < 0)
            shot.save(QStringLiteral("/tmp/views-colorbar-fail.png"));
        QVERIFY(topY >= 0 && midY >= 0);
        QVERIFY(topY < midY);
        // The standalone widget follows the view.
        ColorBar bar;
        bar.resize(90, 300);
        bar.setView(&view);
        const QImage b = bar.grab().toImage();
        bool hasTop = false;
        for (int y = 0; y < b.height(); ++y)
            for (int x = 0; x < b.width(); ++x)
                hasTop = hasTop || close(b.pixel(x, y), cm.rgb(255));
        QVERIFY(hasTop);
    }
};

QTEST_MAIN(TestOverlay)
#include "tst_overlay.moc"
