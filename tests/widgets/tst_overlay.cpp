// Overlays where the WCS says, against sunpy: the limb of a real full-disk header (aia_171_level1.fits,
// 128x128) — its angular radius and its pixel positions through sunpy's world_to_pixel — and the
// Stonyhurst grid (every visible lon/lat multiple of 15 deg lies on the matching grid lines); screenshots
// show the limb and grid pixels at those positions and nowhere inside the disk; the colorbar overlay and
// widget draw the colormap with sensible ticks.

#include "core/map/SdoMap.h"
#include "widgets/ColorBar.h"
#include "widgets/MapView.h"
#include "widgets/MapRenderer.h"
#include "widgets/OverlayGrid.h"
#include "widgets/OverlayLabel.h"
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
        // Steps of 1, 2 or 5 x 10^n only, the tick count nearest to count + 1.
        QCOMPARE(ColorBar::ticks(0, 1500, 6), (std::vector<double>{0, 200, 400, 600, 800, 1000, 1200, 1400}));
        QCOMPARE(ColorBar::ticks(-1500, 1500, 6), (std::vector<double>{-1500, -1000, -500, 0, 500, 1000, 1500}));
        QCOMPARE(ColorBar::ticks(0, 255, 6), (std::vector<double>{0, 50, 100, 150, 200, 250}));
        const std::vector<double> small = ColorBar::ticks(0.013, 0.1, 4);  // raw step 0.0218 -> 0.02
        QCOMPARE(small.size(), size_t(5));
        for (size_t i = 0; i < small.size(); ++i)
            QVERIFY(std::fabs(small[i] - 0.02 * double(i + 1)) < 1e-15);
        QVERIFY(ColorBar::ticks(3, 3).empty());
        // Every step is 1, 2 or 5 x 10^n, for ranges over 12 decades.
        for (double lo : {-7.3, 0.0, 0.013, 12.0, 3.3e4})
            for (double span : {1e-3, 0.37, 1.0, 42.5, 255.0, 1337.0, 2.9e4, 7.7e8}) {
                const std::vector<double> t = ColorBar::ticks(lo, lo + span, 6);
                QVERIFY(t.size() >= 3);
                const double step = t[1] - t[0];
                const double mantissa = step / std::pow(10.0, std::floor(std::log10(step) + 1e-9));
                QVERIFY2(std::abs(mantissa - 1) < 1e-6 || std::abs(mantissa - 2) < 1e-6 || std::abs(mantissa - 5) < 1e-6,
                         qPrintable(QStringLiteral("[%1, %2]: step %3").arg(lo).arg(lo + span).arg(step)));
            }
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

    // Non-linear stretches label round values (0, 1/2/5 x 10^n), placed where their colours are.
    void colorBarTicksRoundForNonLinearStretches()
    {
        SOLARCHIP_REQUIRE_SDO();
        for (DisplayStretch stretch : {DisplayStretch::Asinh, DisplayStretch::Log, DisplayStretch::Sqrt, DisplayStretch::HistEq}) {
            DisplaySettings s = defaultDisplaySettings(m_map->meta);  // AIA 171: 0 .. 99.9th percentile
            s.stretch = stretch;
            const RenderedMap r = MapRenderer::render(m_map->image, s);
            const auto ticks = ColorBar::tickPositions(r);
            QVERIFY2(ticks.size() >= 4, qPrintable(stretchName(stretch)));
            double last = -1;
            for (const auto &[v, pos] : ticks) {
                QVERIFY(v >= r.range.min && v <= r.range.max);
                if (v != 0) {
                    const double mantissa = std::abs(v) / std::pow(10.0, std::floor(std::log10(std::abs(v)) + 1e-12));
                    QVERIFY2(std::abs(mantissa - 1) < 1e-9 || std::abs(mantissa - 2) < 1e-9 || std::abs(mantissa - 5) < 1e-9,
                             qPrintable(QStringLiteral("%1: tick %2").arg(stretchName(stretch)).arg(v)));
                }
                QCOMPARE(pos, r.table->map(v));  // drawn where that value's colour is
                QVERIFY(pos >= last + 0.1 - 1e-12);
                last = pos;
            }
        }
    }

    // The limb line has a dark casing: visible on the white middle of a diverging difference colormap.
    void limbVisibleOnWhite()
    {
        SOLARCHIP_REQUIRE_SDO();
        auto flat = std::make_shared<SdoMap>(*m_map);
        std::fill(flat->image.pixels.begin(), flat->image.pixels.end(), 0.0f);  // a difference with no change
        MapView view;
        view.resize(400, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        DisplaySettings s = defaultDifferenceDisplaySettings();  // RdBu_r, symmetric: 0 is the white middle
        view.setMap(flat, s);
        view.setOverlayVisible(QStringLiteral("label"), false);
        view.setOverlayVisible(QStringLiteral("limb"), true);
        QVERIFY(view.waitForRender());
        const QImage shot = view.grab().toImage();
        const QRgb middle = shot.pixel(200, 200);
        QVERIFY(qRed(middle) > 220 && qGreen(middle) > 220 && qBlue(middle) > 220);  // white
        auto isDark = [](QRgb c) { return qRed(c) < 110 && qGreen(c) < 110 && qBlue(c) < 110; };
        int seen = 0, points = 0;
        for (const QPointF &p : OverlayLimb::limbPixels(flat->wcs, 36)) {
            const QPointF w = view.mapToWidget(p);
            if (!QRectF(view.rect()).adjusted(3, 3, -3, -3).contains(w))
                continue;
            ++points;
            seen += anyNear(shot, w, 2, isDark);
        }
        QVERIFY(points > 20);
        QCOMPARE(seen, points);
    }

    // A long difference label and its note wrap within a narrow cell instead of running off its edge.
    void labelWrapsInNarrowViews()
    {
        const QString title = QStringLiteral("304 \u00C5 2022-04-02 13:13:53 \u2212 13:13:41 (\u0394t = 12 s)\n"
                                             "blank: 0.9 % none in the reference (outside its field of view or blank there)");
        QFont font;
        const QRectF narrow(0, 0, 220, 300);
        const QRectF box = OverlayLabel::boxFor(title, font, narrow);
        QVERIFY(box.right() <= narrow.right());
        const QRectF wide = OverlayLabel::boxFor(title, font, QRectF(0, 0, 2000, 300));
        QVERIFY(box.height() > wide.height());  // wrapped onto more lines
        QVERIFY(wide.width() > narrow.width());  // which it needed
    }
};

QTEST_MAIN(TestOverlay)
#include "tst_overlay.moc"
