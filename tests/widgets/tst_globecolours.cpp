// The 3D globe (widgets/GlobeView) as a new user first sees it, under Xvfb: a synthetic AIA 171 map straight
// from `solarchip synth`, coloured as the 2D view colours it, grabbed and composed over the window the way Qt
// and the app's screenshots compose an OpenGL widget. What the picture may hold is known without the code
// under test: the colours of the 171 table (sunpy's sdoaia171, widgets/Colormap), the background, the overlay
// and neutral colours the globe documents; and off the disk the observer view shows, pixel for pixel, what the
// fitted 2D view shows (the plane-of-sky corona), whose colours are the 2D rendering's.
#include "GlTestSupport.h"
#include "TestSupport.h"

#include "core/map/DisplayLimits.h"
#include "core/map/SdoMap.h"
#include "core/synthetic/SyntheticSun.h"
#include "widgets/Colormap.h"
#include "widgets/GlobeView.h"
#include "widgets/MapRenderer.h"

#include <QHash>
#include <QPainter>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace solarchip;

namespace {

// Sum of the three channels' differences (0..765) beyond which a colour is no colour of the picture. Blends
// of neighbouring texels of different table colours (bilinear filtering) lie on chords of the table's curve,
// up to 32 from it in the synthetic 171 map below; the defect's fringes were 94 and more away.
constexpr int kForeignColourDistance = 48;

QString rgb(QRgb p) { return QStringLiteral("rgb(%1,%2,%3)").arg(qRed(p)).arg(qGreen(p)).arg(qBlue(p)); }

int countTransparent(const QImage &img)
{
    int n = 0;
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x)
            n += qAlpha(img.pixel(x, y)) < 255 ? 1 : 0;
    return n;
}

}  // namespace

class TestGlobeColours : public QObject, public test::GlWidgetTest {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        SOLARCHIP_SKIP_WITHOUT_GL_DISPLAY();
    }

    // A new user's globe: the synthetic AIA 171 map of `solarchip synth A --start 2013-05-01T00:00:00 --days 3
    // --cadence 12 --size 512 --channels hmi,171,193,304 --seed 42` at 2013-05-02T00:00, coloured as the 2D
    // view colours it (the channel's default display), grid and limb on, seen as the window shows it (the
    // framebuffer composed over the window's background, as Qt and the app's screenshots compose it).
    //  - The widget is opaque: alpha 255 everywhere.
    //  - Every pixel is a colour the picture can hold: the background, the grid or limb colour, the lit
    //    neutral grey of the sphere's rim, or a colour of the 171 table (bilinear filtering blends
    //    neighbouring texels, which stays close to the table's curve).
    //  - The corona off the disk shows the 2D rendering's colours at the same map pixels (the observer view
    //    puts each map pixel where the fitted 2D view does), not a saturated sheet.
    void newUsersGlobe()
    {
        SyntheticOptions o;
        o.start = QDateTime(QDate(2013, 5, 1), QTime(0, 0), Qt::UTC);
        o.days = 3;
        o.cadenceHours = 12;
        o.size = 512;
        o.channels = {QStringLiteral("hmi"), QStringLiteral("171"), QStringLiteral("193"), QStringLiteral("304")};
        o.seed = 42;
        SyntheticSun sun(o);
        auto frame = sun.render(QStringLiteral("171"), QDateTime(QDate(2013, 5, 2), QTime(0, 0), Qt::UTC));
        QVERIFY2(frame.ok(), qPrintable(frame.errorString()));
        auto loaded = SdoMap::fromHeaderAndImage(frame->header, frame->image, frame->fileName);
        QVERIFY2(loaded.ok(), qPrintable(loaded.errorString()));
        const SdoMap &map = *loaded;
        const int n1 = map.image.width, n2 = map.image.height;
        const RenderedMap rendered = MapRenderer::render(map.image, defaultDisplaySettings(map.meta));
        QVERIFY(!rendered.isNull());
        const QVector<QRgb> table = Colormap::forChannel(QStringLiteral("171")).colorTable();
        QCOMPARE(table.size(), Colormap::kSize);
        QCOMPARE(rendered.colormap.colorTable(), table);
        const QImage texture = rendered.image().convertToFormat(QImage::Format_RGB32);

        GlobeView view;
        const QSize size(500, 500);
        view.resize(size);
        view.setMap(map, rendered.image());
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const QImage fb = view.grabFramebuffer();
        QCOMPARE(fb.size(), size * view.devicePixelRatio());
        const int transparent = countTransparent(fb);
        // What the window shows: the framebuffer (premultiplied ARGB) drawn over the window's background.
        QImage shown(fb.size(), QImage::Format_RGB32);
        shown.fill(view.palette().color(QPalette::Window));
        {
            QPainter painter(&shown);
            painter.drawImage(0, 0, fb);
        }

        // Colours the picture may hold.
        QVector<QRgb> allowed = table;
        allowed << qRgb(0, 0, 0);
        // The overlay colours and the neutral grey as widgets/detail/GlobeGeometry.cpp defines them; the grey
        // lit with ambient 0.55 + diffuse 0.45 (cos of the light's incidence): 0.55..1 of it (from 0.5, a margin).
        const auto toRgb = [](double r, double g, double b, double k) {
            return qRgb(qRound(255 * k * r), qRound(255 * k * g), qRound(255 * k * b));
        };
        allowed << toRgb(0.85, 0.85, 0.85, 1.0) << toRgb(1.0, 0.78, 0.2, 1.0);
        for (double k = 0.5; k <= 1.0001; k += 0.01)
            allowed << toRgb(0.42, 0.42, 0.45, k);
        const auto distance = [&](QRgb p) {
            int best = 255 * 3;
            for (QRgb c : allowed)
                best = std::min(best, std::abs(qRed(p) - qRed(c)) + std::abs(qGreen(p) - qGreen(c)) + std::abs(qBlue(p) - qBlue(c)));
            return best;
        };
        int foreign = 0, farthest = 0;
        QString firstForeign;
        QHash<QRgb, int> memo;
        for (int y = 0; y < shown.height(); ++y)
            for (int x = 0; x < shown.width(); ++x) {
                const QRgb p = shown.pixel(x, y) & 0xffffff;
                auto it = memo.find(p);
                if (it == memo.end())
                    it = memo.insert(p, distance(p));
                farthest = std::max(farthest, *it);
                if (*it > kForeignColourDistance) {
                    if (foreign++ == 0)
                        firstForeign = QStringLiteral("%1 at %2,%3 (%4 from the nearest)").arg(rgb(p)).arg(x).arg(y).arg(*it);
                }
            }

        // Off the disk: the globe against the 2D rendering at the same map pixel.
        const double a = std::max(n1 * std::fabs(map.meta.cdelt1) / size.width(), n2 * std::fabs(map.meta.cdelt2) / size.height());
        double tc = 0, uc = 0;
        QVERIFY(map.wcs.pixelToHelioprojective((n1 - 1) / 2.0, (n2 - 1) / 2.0, tc, uc));
        const double radius = map.meta.rsunObs / a;
        const QPointF sunCentre(size.width() / 2.0 - tc / a, size.height() / 2.0 + uc / a);
        std::vector<int> diffs;
        int saturated = 0, saturatedIn2d = 0;
        for (int v = 0; v < size.height(); v += 2)
            for (int u = 0; u < size.width(); u += 2) {
                if (std::hypot(u + 0.5 - sunCentre.x(), v + 0.5 - sunCentre.y()) < radius + 4)
                    continue;
                const double tx = tc + (u + 0.5 - size.width() / 2.0) * a, ty = uc - (v + 0.5 - size.height() / 2.0) * a;
                double mx = 0, my = 0;
                if (!map.wcs.helioprojectiveToPixel(tx, ty, mx, my))
                    continue;
                const int ix = qRound(mx), iy = qRound(my);
                if (ix < 1 || iy < 1 || ix > n1 - 2 || iy > n2 - 2)
                    continue;
                const QRgb want = texture.pixel(ix, n2 - 1 - iy), got = shown.pixel(u, v);
                diffs.push_back(std::max({std::abs(qRed(want) - qRed(got)), std::abs(qGreen(want) - qGreen(got)),
                                          std::abs(qBlue(want) - qBlue(got))}));
                const auto isSaturated = [](QRgb p) { return qRed(p) + qGreen(p) + qBlue(p) >= 3 * 230; };
                saturated += isSaturated(got) ? 1 : 0;
                saturatedIn2d += isSaturated(want) ? 1 : 0;
            }
        QVERIFY(diffs.size() > 10000);
        std::sort(diffs.begin(), diffs.end());
        const int median = diffs[diffs.size() / 2], p95 = diffs[diffs.size() * 95 / 100];
        const QString summary = QStringLiteral("%1 pixels with alpha < 255; %2 pixels of foreign colours (farthest %9), first %3; off disk "
                                               "vs the 2D rendering: median difference %4, 95th percentile %5, %6 saturated "
                                               "pixels (2D: %7) of %8")
                                    .arg(transparent).arg(foreign).arg(firstForeign).arg(median).arg(p95).arg(saturated)
                                    .arg(saturatedIn2d).arg(diffs.size()).arg(farthest);
        qInfo().noquote() << summary;
        QVERIFY2(transparent == 0, qPrintable(summary));
        QVERIFY2(foreign == 0, qPrintable(summary));
        QVERIFY2(median <= 3 && p95 <= 20, qPrintable(summary));
        QVERIFY2(saturated <= saturatedIn2d + diffs.size() / 1000, qPrintable(summary));

        // The camera sits at the observer looking at the Sun centre: the angle is zero up to rounding (an
        // acos of the cosine read 8.5e-7 deg here, and the corona plane went through VTK's translucency pass).
        QVERIFY2(view.angleFromObserver() < 1e-9, qPrintable(QString::number(view.angleFromObserver(), 'g', 17)));

        // Turned 5 deg the corona plane is half faded (drawn translucent): the widget stays opaque.
        view.rotateCamera(5, 0);
        QCOMPARE(countTransparent(view.grabFramebuffer()), 0);
    }
};

QTEST_MAIN(TestGlobeColours)
#include "tst_globecolours.moc"
