// The 3D globe (widgets/GlobeView) under Xvfb, rendered from real maps and grabbed. Expectations come from
// sunpy/astropy (tests/reference/globe_reference.py -> globe_reference.json: helioprojective coordinates of
// map pixels and of heliographic points, the Sun centre pixel, the apparent radius, the observer) and from
// closed forms of the documented camera presets:
//  - observer view: a camera at the observer looking at the Sun centre, north up, the map's field of view
//    fitted to the widget and centred on the map centre. For small angles a helioprojective point (Tx, Ty)
//    lands at widget (W/2 + (Tx - Tx_c)/a, H/2 - (Ty - Ty_c)/a), a = max(N1 |CDELT1| / W, N2 |CDELT2| / H)
//    arcsec per widget pixel, (Tx_c, Ty_c) the map centre; the map off the disk lies on the plane of the
//    sky through the Sun centre, so it lands at the same place;
//  - north-pole view: camera on the rotation axis at the observer's distance D (solar radii), the observer's
//    meridian pointing down, tan(view angle / 2) = 1.25 / (D - 1).
// The texture encodes map coordinates in colour (R = 255, G = x, B = y scaled to 0..255), so a grabbed pixel
// tells which map pixel the globe shows there.
#include "TestSupport.h"

#include "core/map/SdoMap.h"
#include "widgets/GlobeView.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QGuiApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QtTest>

#include <cmath>

using namespace solarchip;

namespace {

constexpr double kDeg = M_PI / 180.0;

QImage encodingTexture(int w, int h)
{
    QImage img(w, h, QImage::Format_RGB888);
    for (int row = 0; row < h; ++row) {
        const int y = h - 1 - row;  // FITS row of this image row (row 0 is the top)
        for (int x = 0; x < w; ++x)
            img.setPixel(x, row, qRgb(255, qRound(x * 255.0 / (w - 1)), qRound(y * 255.0 / (h - 1))));
    }
    return img;
}

bool decode(QRgb p, int w, int h, double &x, double &y)
{
    if (qRed(p) < 250)
        return false;
    x = qGreen(p) * (w - 1) / 255.0;
    y = qBlue(p) * (h - 1) / 255.0;
    return true;
}

bool isBackground(QRgb p) { return qRed(p) < 8 && qGreen(p) < 8 && qBlue(p) < 8; }
// The lit neutral grey of the far side / off-map sphere: grey, a little blue, never texture-red.
bool isNeutral(QRgb p)
{
    return qRed(p) > 30 && qRed(p) < 200 && std::abs(qRed(p) - qGreen(p)) <= 3 && qBlue(p) >= qRed(p);
}

QString rgb(QRgb p) { return QStringLiteral("rgb(%1,%2,%3)").arg(qRed(p)).arg(qGreen(p)).arg(qBlue(p)); }

// The observer view's mapping of helioprojective arcsec to widget coordinates (see the file comment).
struct ObserverFrame {
    double a = 1, cx = 0, cy = 0, tc = 0, uc = 0;
    ObserverFrame(const QJsonObject &ref, int w, int h)
    {
        const int n1 = ref.value(QStringLiteral("naxis1")).toInt(), n2 = ref.value(QStringLiteral("naxis2")).toInt();
        a = std::max(n1 * std::fabs(ref.value(QStringLiteral("cdelt1")).toDouble()) / w,
                     n2 * std::fabs(ref.value(QStringLiteral("cdelt2")).toDouble()) / h);
        cx = w / 2.0;
        cy = h / 2.0;
        const QJsonArray c = ref.value(QStringLiteral("map_centre_hpc")).toArray();
        tc = c[0].toDouble();
        uc = c[1].toDouble();
    }
    QPointF widget(double tx, double ty) const { return {cx + (tx - tc) / a, cy - (ty - uc) / a}; }
};

QRgb pixelAt(const QImage &img, QPointF p) { return img.pixel(int(std::floor(p.x())), int(std::floor(p.y()))); }

// Map coordinates shown around a widget point: the mean over the 3x3 pixels about it, which averages out
// the 8-bit rounding of the encoding (each pixel alone is good to about half a colour level).
bool decodeAt(const QImage &img, QPointF p, int w, int h, double &x, double &y)
{
    double sx = 0, sy = 0;
    const int px = int(std::floor(p.x())), py = int(std::floor(p.y()));
    for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx) {
            double a = 0, b = 0;
            if (!decode(img.pixel(px + dx, py + dy), w, h, a, b))
                return false;
            sx += a;
            sy += b;
        }
    x = sx / 9;
    y = sy / 9;
    return true;
}

}  // namespace

class TestGlobeView : public QObject {
    Q_OBJECT

    QJsonObject m_ref;
    QJsonObject ref(const QString &name) const { return m_ref.value(name).toObject(); }

    // `name` is a file under ../shared/sdo/fits, or a path relative to ../shared/sdo.
    SdoMap load(const QString &name)
    {
        auto map = SdoMap::load(test::sdoFile(name.contains(QLatin1Char('/')) ? name : QStringLiteral("fits/") + name));
        if (!map.ok())
            qFatal("%s", qPrintable(map.errorString()));
        return std::move(map.value());
    }

    QImage show(GlobeView &view, const SdoMap &map, const QImage &texture, QSize size = QSize(400, 400))
    {
        view.resize(size);
        view.setMap(map, texture);
        view.show();
        if (!QTest::qWaitForWindowExposed(&view))
            return {};
        return view.grabFramebuffer();
    }

public:
    static void initMain() { VtkOpenGLWidget::installDefaultFormat(); }

private slots:
    void initTestCase()
    {
        if (QGuiApplication::platformName() != QLatin1String("xcb"))
            QSKIP("OpenGL widget tests need a display (run under Xvfb with QT_QPA_PLATFORM=xcb, as scripts/test.sh does)");
        QFile f(test::sourceDir() + QStringLiteral("/tests/reference/globe_reference.json"));
        QVERIFY2(f.open(QIODevice::ReadOnly), "tests/reference/globe_reference.json missing");
        m_ref = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(m_ref.size(), 4);
    }

    // The observer view shows each map pixel where the 2D view fitted to the widget would: sampled pixels,
    // heliographic points, the Sun centre and the limb all where sunpy puts them.
    void observerView_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QSize>("size");
        QTest::addColumn<double>("tolerance");  // map pixels (colour quantisation: (N - 1) / 255 per level)
        QTest::newRow("aia_171_level1 square") << QStringLiteral("aia_171_level1.fits") << QSize(400, 400) << 0.4;
        QTest::newRow("aia_171_level1 wide") << QStringLiteral("aia_171_level1.fits") << QSize(520, 360) << 0.4;
        QTest::newRow("hmi crota2 180") << QStringLiteral("resampled_hmi.fits") << QSize(400, 400) << 0.4;
        QTest::newRow("aia cutout") << QStringLiteral("aia_171_cutout.fits") << QSize(400, 400) << 2.5;
        QTest::newRow("helioviewer jp2") << QStringLiteral("jp2/2023_01_31__03_39_23_200__SDO_HMI_HMI_continuum.jp2")
                                         << QSize(400, 400) << 2.5;
    }
    void observerView()
    {
        SOLARCHIP_REQUIRE_SDO();
        QFETCH(QString, name);
        QFETCH(QSize, size);
        QFETCH(double, tolerance);
        const QJsonObject r = ref(QFileInfo(name).fileName());
        const SdoMap map = load(name);
        const int n1 = map.image.width, n2 = map.image.height;
        QCOMPARE(n1, r.value(QStringLiteral("naxis1")).toInt());

        // The observer core's WCS reports is sunpy's (B0 and Stonyhurst longitude).
        const QJsonObject obs = r.value(QStringLiteral("observer")).toObject();
        QVERIFY(std::fabs(map.wcs.observer().hglt - obs.value(QStringLiteral("hglt")).toDouble()) < 2e-3);
        QVERIFY(std::fabs(map.wcs.observer().hgln - obs.value(QStringLiteral("hgln")).toDouble()) < 2e-2);

        GlobeView view;
        view.setGridVisible(false);
        view.setLimbVisible(false);
        const QImage img = show(view, map, encodingTexture(n1, n2), size);
        QCOMPARE(img.size(), size * view.devicePixelRatio());
        QVERIFY(view.angleFromObserver() < 1e-6);
        const ObserverFrame frame(r, size.width(), size.height());
        const double rsun = r.value(QStringLiteral("rsun_obs_arcsec")).toDouble();

        // Lattice of map pixels: on the disk (the sphere) and off it (the plane of the sky) they appear where
        // the 2D view puts them.
        int onDisk = 0, offDisk = 0;
        for (const QJsonValue &v : r.value(QStringLiteral("samples")).toArray()) {
            const QJsonObject s = v.toObject();
            const double tx = s.value(QStringLiteral("tx")).toDouble(), ty = s.value(QStringLiteral("ty")).toDouble();
            const QPointF w = frame.widget(tx, ty);
            const double rho = std::hypot(tx, ty) / rsun;
            if (rho > 0.97 && rho < 1.03)
                continue;
            double x = 0, y = 0;
            QVERIFY2(decodeAt(img, w, n1, n2, x, y), qPrintable(QStringLiteral("no map at widget %1,%2: %3").arg(w.x()).arg(w.y()).arg(rgb(pixelAt(img, w)))));
            QVERIFY2(std::fabs(x - s.value(QStringLiteral("x")).toDouble()) < tolerance
                         && std::fabs(y - s.value(QStringLiteral("y")).toDouble()) < tolerance,
                     qPrintable(QStringLiteral("widget %1,%2 shows map pixel %3,%4; sunpy: %5,%6")
                                    .arg(w.x()).arg(w.y()).arg(x).arg(y)
                                    .arg(s.value(QStringLiteral("x")).toDouble()).arg(s.value(QStringLiteral("y")).toDouble())));
            ++(rho < 1 ? onDisk : offDisk);
        }
        QVERIFY(onDisk >= 9);
        if (name != QLatin1String("aia_171_cutout.fits"))
            QVERIFY(offDisk >= 4);

        // Heliographic points facing the observer: at their helioprojective place, showing their map pixel.
        for (const QJsonValue &v : r.value(QStringLiteral("points")).toArray()) {
            const QJsonObject s = v.toObject();
            const double x0 = s.value(QStringLiteral("x")).toDouble(), y0 = s.value(QStringLiteral("y")).toDouble();
            const double tx = s.value(QStringLiteral("tx")).toDouble(), ty = s.value(QStringLiteral("ty")).toDouble();
            if (!s.value(QStringLiteral("visible")).toBool() || std::hypot(tx, ty) > 0.97 * rsun || x0 < 1 || y0 < 1
                || x0 > n1 - 2 || y0 > n2 - 2)
                continue;
            double x = 0, y = 0;
            const QPointF w = frame.widget(tx, ty);
            QVERIFY2(decodeAt(img, w, n1, n2, x, y), qPrintable(rgb(pixelAt(img, w))));
            QVERIFY2(std::fabs(x - x0) < tolerance && std::fabs(y - y0) < tolerance,
                     qPrintable(QStringLiteral("lon %1 lat %2: map %3,%4 vs sunpy %5,%6").arg(s.value(QStringLiteral("lon")).toDouble())
                                    .arg(s.value(QStringLiteral("lat")).toDouble()).arg(x).arg(y).arg(x0).arg(y0)));
        }

        if (name == QLatin1String("aia_171_cutout.fits")) {
            // 769x705 in 400x400: bands above and below the map are on the disk but off the map.
            QVERIFY2(isNeutral(img.pixel(200, 3)), qPrintable(rgb(img.pixel(200, 3))));
            QVERIFY2(isNeutral(img.pixel(200, 396)), qPrintable(rgb(img.pixel(200, 396))));
            double x = 0, y = 0;
            QVERIFY(decodeAt(img, QPointF(200, 200), n1, n2, x, y));
            QVERIFY2(std::fabs(x - (n1 - 1) / 2.0) < tolerance && std::fabs(y - (n2 - 1) / 2.0) < tolerance,
                     qPrintable(QStringLiteral("widget centre shows %1,%2").arg(x).arg(y)));
            return;
        }
        // Beside the map (the wide widget) there is nothing.
        if (size.width() > size.height())
            QVERIFY2(isBackground(img.pixel(3, img.height() / 2)), qPrintable(rgb(img.pixel(3, img.height() / 2))));

        // Without the off-limb plane: off the disk is background, corners included, and the disk ends at
        // the limb.
        view.setOffLimbVisible(false);
        const QImage disk = view.grabFramebuffer();
        for (const QJsonValue &v : r.value(QStringLiteral("samples")).toArray()) {
            const QJsonObject s = v.toObject();
            const double tx = s.value(QStringLiteral("tx")).toDouble(), ty = s.value(QStringLiteral("ty")).toDouble();
            if (std::hypot(tx, ty) > 1.03 * rsun)
                QVERIFY2(isBackground(pixelAt(disk, frame.widget(tx, ty))), qPrintable(rgb(pixelAt(disk, frame.widget(tx, ty)))));
        }
        const QPoint corners[4] = {{1, 1}, {disk.width() - 2, 1}, {1, disk.height() - 2}, {disk.width() - 2, disk.height() - 2}};
        for (const QPoint &c : corners)
            QVERIFY2(isBackground(disk.pixel(c)), qPrintable(rgb(disk.pixel(c))));

        // The limb: along the row and the column through the Sun centre the disk ends at rsun / a.
        const QPointF c = frame.widget(0, 0);
        const double radius = rsun / frame.a;
        const int row = int(std::floor(c.y())), col = int(std::floor(c.x()));
        int left = -1, right = -1, top = -1, bottom = -1;
        for (int x = 0; x < disk.width(); ++x)
            if (!isBackground(disk.pixel(x, row))) {
                if (left < 0)
                    left = x;
                right = x;
            }
        for (int y = 0; y < disk.height(); ++y)
            if (!isBackground(disk.pixel(col, y))) {
                if (top < 0)
                    top = y;
                bottom = y;
            }
        // Pixel i is inside when its centre i + 0.5 is within the radius.
        const auto expectFirst = [](double edge) { return std::ceil(edge - 0.5); };
        const auto expectLast = [](double edge) { return std::floor(edge - 0.5); };
        const QString limb = QStringLiteral("limb l%1 r%2 t%3 b%4, expected l%5 r%6 t%7 b%8").arg(left).arg(right).arg(top).arg(bottom)
                                 .arg(expectFirst(c.x() - radius)).arg(expectLast(c.x() + radius))
                                 .arg(expectFirst(c.y() - radius)).arg(expectLast(c.y() + radius));
        QVERIFY2(std::fabs(left - expectFirst(c.x() - radius)) <= 1.5, qPrintable(limb));
        QVERIFY2(std::fabs(right - expectLast(c.x() + radius)) <= 1.5, qPrintable(limb));
        QVERIFY2(std::fabs(top - expectFirst(c.y() - radius)) <= 1.5, qPrintable(limb));
        QVERIFY2(std::fabs(bottom - expectLast(c.y() + radius)) <= 1.5, qPrintable(limb));
    }

    // With the map's values as texture, the Sun centre shows the colour of the map at the Sun centre.
    void diskCentreColour()
    {
        SOLARCHIP_REQUIRE_SDO();
        const QString name = QStringLiteral("aia_171_level1.fits");
        const QJsonObject r = ref(name);
        const SdoMap map = load(name);
        const int n1 = map.image.width, n2 = map.image.height;
        // A linear colour ramp over the data range, so interpolated colours are colours of interpolated values.
        const ImageStats st = computeStats(map.image);
        QImage tex(n1, n2, QImage::Format_RGB888);
        for (int y = 0; y < n2; ++y)
            for (int x = 0; x < n1; ++x) {
                const int g = qBound(0, qRound(255.0 * (map.image.at(x, y) - st.min) / (st.max - st.min)), 255);
                tex.setPixel(x, n2 - 1 - y, qRgb(g, 255 - g, 40));
            }
        GlobeView view;
        view.setGridVisible(false);
        view.setLimbVisible(false);
        const QImage img = show(view, map, tex);
        const ObserverFrame frame(r, 400, 400);
        const QPointF c = frame.widget(0, 0);
        const QPoint px(int(std::floor(c.x())), int(std::floor(c.y())));
        // The map position this widget pixel's centre shows, and the texture there (bilinear, texel centres
        // at integer pixel coordinates).
        const QJsonArray cp = r.value(QStringLiteral("centre_pixel")).toArray();
        const double mx = cp[0].toDouble() + (px.x() + 0.5 - c.x()) * frame.a / r.value(QStringLiteral("cdelt1")).toDouble();
        const double my = cp[1].toDouble() - (px.y() + 0.5 - c.y()) * frame.a / r.value(QStringLiteral("cdelt2")).toDouble();
        const int x0 = int(std::floor(mx)), y0 = int(std::floor(my));
        const double fx = mx - x0, fy = my - y0;
        auto texel = [&](int x, int y) { return tex.pixel(x, n2 - 1 - y); };
        auto lerp = [&](int channel) {
            auto ch = [&](QRgb p) { return channel == 0 ? qRed(p) : channel == 1 ? qGreen(p) : qBlue(p); };
            return (1 - fx) * (1 - fy) * ch(texel(x0, y0)) + fx * (1 - fy) * ch(texel(x0 + 1, y0))
                + (1 - fx) * fy * ch(texel(x0, y0 + 1)) + fx * fy * ch(texel(x0 + 1, y0 + 1));
        };
        const QRgb got = img.pixel(px);
        const QString msg = QStringLiteral("centre %1 vs texture %2,%3,%4 at map %5,%6").arg(rgb(got)).arg(lerp(0)).arg(lerp(1))
                                .arg(lerp(2)).arg(mx).arg(my);
        QVERIFY2(std::fabs(qRed(got) - lerp(0)) <= 4 && std::fabs(qGreen(got) - lerp(1)) <= 4
                     && std::fabs(qBlue(got) - lerp(2)) <= 4, qPrintable(msg));
        // And that colour is the ramp of the map's value there (a nearest-pixel check against sunpy's read).
        const double value = map.image.at(qRound(cp[0].toDouble()), qRound(cp[1].toDouble()));
        QCOMPARE(value, r.value(QStringLiteral("data_at_centre")).toDouble());
    }

    // Grid lines and the limb circle are drawn, the limb where the disk ends.
    void gridAndLimb()
    {
        SOLARCHIP_REQUIRE_SDO();
        const QString name = QStringLiteral("aia_171_level1.fits");
        const QJsonObject r = ref(name);
        const SdoMap map = load(name);
        QImage black(map.image.width, map.image.height, QImage::Format_RGB888);
        black.fill(Qt::black);  // a black map: only the lines are bright
        GlobeView view;
        QVERIFY(view.isGridVisible() && view.isLimbVisible());
        QCOMPARE(view.gridSpacing(), 15.0);
        const QImage img = show(view, map, black);
        const ObserverFrame frame(r, 400, 400);
        const QPointF c = frame.widget(0, 0);
        const double radius = r.value(QStringLiteral("rsun_obs_arcsec")).toDouble() / frame.a;
        auto isLimb = [](QRgb p) { return qRed(p) > 200 && qGreen(p) > 140 && qGreen(p) < 230 && qBlue(p) < 110; };
        auto isGrid = [](QRgb p) { return qRed(p) > 150 && std::abs(qRed(p) - qBlue(p)) < 12; };
        int limbHits = 0;
        for (int k = 0; k < 24; ++k) {
            const double t = 2 * M_PI * k / 24;
            bool hit = false;
            for (double dr = -2.0; dr <= 2.0 && !hit; dr += 0.5)
                hit = isLimb(img.pixel(int(c.x() + (radius + dr) * std::cos(t)), int(c.y() + (radius + dr) * std::sin(t))));
            limbHits += hit ? 1 : 0;
        }
        QVERIFY2(limbHits >= 20, qPrintable(QStringLiteral("limb found at %1 of 24 angles").arg(limbHits)));
        int gridPixels = 0, limbElsewhere = 0;
        for (int y = 0; y < img.height(); ++y)
            for (int x = 0; x < img.width(); ++x) {
                const double d = std::hypot(x + 0.5 - c.x(), y + 0.5 - c.y());
                if (d < radius - 3 && isGrid(img.pixel(x, y)))
                    ++gridPixels;
                if ((d < radius - 4 || d > radius + 4) && isLimb(img.pixel(x, y)))
                    ++limbElsewhere;
            }
        QVERIFY2(gridPixels > 500, qPrintable(QString::number(gridPixels)));
        QCOMPARE(limbElsewhere, 0);
        // The central meridian (lon 0) of the grid runs through the sub-observer point, just left of the
        // Sun centre here (observer at lon -0.013 deg): a grid pixel within 2 px above the centre row.
        bool meridian = false;
        for (int dx = -2; dx <= 2; ++dx)
            meridian = meridian || isGrid(img.pixel(int(c.x()) + dx, int(c.y() - radius * 0.5)));
        QVERIFY(meridian);
        view.setGridVisible(false);
        view.setLimbVisible(false);
        const QImage plain = view.grabFramebuffer();
        for (int y = 0; y < plain.height(); y += 3)
            for (int x = 0; x < plain.width(); x += 3)
                QVERIFY2(!isGrid(plain.pixel(x, y)) && !isLimb(plain.pixel(x, y)), qPrintable(rgb(plain.pixel(x, y))));
    }

    // Looking down on the north pole: heliographic points at their closed-form places show their map pixel.
    void northPoleView()
    {
        SOLARCHIP_REQUIRE_SDO();
        const QString name = QStringLiteral("aia_171_level1.fits");
        const QJsonObject r = ref(name);
        const SdoMap map = load(name);
        const int n1 = map.image.width, n2 = map.image.height;
        GlobeView view;
        view.setGridVisible(false);
        view.setLimbVisible(false);
        show(view, map, encodingTexture(n1, n2));
        QSignalSpy moved(&view, &GlobeView::viewChanged);
        view.viewFromNorthPole();
        QCOMPARE(moved.count(), 1);
        const QImage img = view.grabFramebuffer();
        const QJsonObject obs = r.value(QStringLiteral("observer")).toObject();
        const double hgln = obs.value(QStringLiteral("hgln")).toDouble() * kDeg;
        const double hglt = obs.value(QStringLiteral("hglt")).toDouble();
        QVERIFY2(std::fabs(view.angleFromObserver() - (90.0 - hglt)) < 0.05, qPrintable(QString::number(view.angleFromObserver())));
        const double D = obs.value(QStringLiteral("dsun_m")).toDouble() / obs.value(QStringLiteral("rsun_m")).toDouble();
        const double halfTan = 1.25 / (D - 1.0);
        const double W = img.width(), H = img.height();
        int checked = 0;
        for (const QJsonValue &v : r.value(QStringLiteral("points")).toArray()) {
            const QJsonObject s = v.toObject();
            const double lon = s.value(QStringLiteral("lon")).toDouble() * kDeg, lat = s.value(QStringLiteral("lat")).toDouble() * kDeg;
            if (lat < 40 * kDeg || !s.value(QStringLiteral("visible")).toBool())
                continue;
            // Camera on +z at distance D; up = -(cos L, sin L, 0); right = forward x up = (-sin L, cos L, 0).
            const double P[3] = {std::cos(lat) * std::cos(lon), std::cos(lat) * std::sin(lon), std::sin(lat)};
            const double xr = -P[0] * std::sin(hgln) + P[1] * std::cos(hgln);
            const double yu = -P[0] * std::cos(hgln) - P[1] * std::sin(hgln);
            const double depth = D - P[2];
            const QPointF w(W / 2 * (1 + xr / (depth * halfTan) * H / W), H / 2 * (1 - yu / (depth * halfTan)));
            double x = 0, y = 0;
            QVERIFY2(decodeAt(img, w, n1, n2, x, y), qPrintable(rgb(pixelAt(img, w))));
            QVERIFY2(std::fabs(x - s.value(QStringLiteral("x")).toDouble()) < 1.0 && std::fabs(y - s.value(QStringLiteral("y")).toDouble()) < 1.0,
                     qPrintable(QStringLiteral("lon %1 lat %2 at widget %3,%4 shows %5,%6; sunpy %7,%8").arg(lon / kDeg).arg(lat / kDeg)
                                    .arg(w.x()).arg(w.y()).arg(x).arg(y).arg(s.value(QStringLiteral("x")).toDouble())
                                    .arg(s.value(QStringLiteral("y")).toDouble())));
            ++checked;
        }
        QCOMPARE(checked, 4);
        // B0 < 0: the pole itself faces away from the observer, so it has no data.
        QVERIFY2(isNeutral(img.pixel(int(W / 2), int(H / 2))), qPrintable(rgb(img.pixel(int(W / 2), int(H / 2)))));
    }

    // Rotating changes the picture; the far side is neutral; reset brings the observer view back.
    void rotation()
    {
        SOLARCHIP_REQUIRE_SDO();
        const SdoMap map = load(QStringLiteral("aia_171_level1.fits"));
        GlobeView view;
        view.setGridVisible(false);
        view.setLimbVisible(false);
        const QImage before = show(view, map, encodingTexture(map.image.width, map.image.height));
        // Map pixels beyond the disk: the off-limb plane, there in the observer view and faded out at 60 deg.
        const QJsonObject r = ref(QStringLiteral("aia_171_level1.fits"));
        const ObserverFrame frame(r, 400, 400);
        const QPointF sun = frame.widget(0, 0);
        const double radius = r.value(QStringLiteral("rsun_obs_arcsec")).toDouble() / frame.a;
        auto offDiskMap = [&](const QImage &img) {
            int n = 0;
            double x = 0, y = 0;
            for (int j = 0; j < img.height(); j += 2)
                for (int i = 0; i < img.width(); i += 2)
                    if (std::hypot(i + 0.5 - sun.x(), j + 0.5 - sun.y()) > radius + 3 && decode(img.pixel(i, j), 128, 128, x, y))
                        ++n;
            return n;
        };
        QVERIFY(offDiskMap(before) > 10000);
        view.rotateCamera(60, 0);
        QVERIFY2(std::fabs(view.angleFromObserver() - 60.0) < 0.01, qPrintable(QString::number(view.angleFromObserver())));
        const QImage turned = view.grabFramebuffer();
        QCOMPARE(offDiskMap(turned), 0);
        int changed = 0, total = 0;
        for (int y = 0; y < before.height(); y += 2)
            for (int x = 0; x < before.width(); x += 2, ++total)
                changed += before.pixel(x, y) != turned.pixel(x, y) ? 1 : 0;
        QVERIFY2(changed > total / 5, qPrintable(QStringLiteral("%1 of %2 pixels changed").arg(changed).arg(total)));
        view.rotateCamera(120, 0);
        QVERIFY(std::fabs(view.angleFromObserver() - 180.0) < 0.01);
        const QImage back = view.grabFramebuffer();
        QVERIFY2(isNeutral(back.pixel(200, 200)), qPrintable(rgb(back.pixel(200, 200))));
        view.resetView();
        QVERIFY(view.angleFromObserver() < 1e-6);
        const QImage again = view.grabFramebuffer();
        int same = 0;
        for (int y = 0; y < before.height(); ++y)
            for (int x = 0; x < before.width(); ++x)
                same += before.pixel(x, y) == again.pixel(x, y) ? 1 : 0;
        QVERIFY2(same >= before.width() * before.height() * 999 / 1000, qPrintable(QString::number(same)));
    }

    // Mouse drags rotate about the Sun centre, the wheel zooms, keys select presets.
    void mouseAndKeys()
    {
        SOLARCHIP_REQUIRE_SDO();
        const SdoMap map = load(QStringLiteral("aia_171_level1.fits"));
        GlobeView view;
        view.setGridVisible(false);
        view.setLimbVisible(false);
        view.setOffLimbVisible(false);  // the disk alone, so its width measures the zoom
        const QImage before = show(view, map, encodingTexture(map.image.width, map.image.height));
        QSignalSpy moved(&view, &GlobeView::viewChanged);
        const QPoint start(200, 200), end(300, 200);
        QMouseEvent press(QEvent::MouseButtonPress, start, view.mapToGlobal(start), Qt::LeftButton, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&view, &press);
        for (int x = start.x() + 10; x <= end.x(); x += 10) {
            const QPoint p(x, 200);
            QMouseEvent move(QEvent::MouseMove, p, view.mapToGlobal(p), Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
            QApplication::sendEvent(&view, &move);
        }
        QMouseEvent release(QEvent::MouseButtonRelease, end, view.mapToGlobal(end), Qt::LeftButton, Qt::NoButton, Qt::NoModifier);
        QApplication::sendEvent(&view, &release);
        QVERIFY2(view.angleFromObserver() > 10.0, qPrintable(QString::number(view.angleFromObserver())));
        QVERIFY(moved.count() > 0);
        QVERIFY(view.grabFramebuffer() != before);

        view.resetView();
        auto diskWidth = [](const QImage &img) {
            int n = 0;
            for (int x = 0; x < img.width(); ++x)
                n += isBackground(img.pixel(x, img.height() / 2)) ? 0 : 1;
            return n;
        };
        const int w0 = diskWidth(view.grabFramebuffer());
        QWheelEvent wheel(QPointF(200, 200), view.mapToGlobal(QPointF(200, 200)), QPoint(), QPoint(0, 120), Qt::NoButton,
                          Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(&view, &wheel);
        const int w1 = diskWidth(view.grabFramebuffer());
        QVERIFY2(w1 > w0, qPrintable(QStringLiteral("disk %1 px wide before the wheel, %2 after").arg(w0).arg(w1)));

        QTest::keyClick(&view, Qt::Key_N);
        QVERIFY(view.angleFromObserver() > 90.0);
        QTest::keyClick(&view, Qt::Key_O);
        QVERIFY(view.angleFromObserver() < 1e-6);
        QTest::keyClick(&view, Qt::Key_Right);
        QVERIFY(std::fabs(view.angleFromObserver() - 5.0) < 0.01);
        QTest::keyClick(&view, Qt::Key_Q);  // VTK's "quit" key does nothing here
        QVERIFY(view.isVisible());
    }

    // A Carrington (CEA) SHARP patch goes on the sphere through the Stonyhurst <-> Carrington path of the
    // WCS: the observer view is framed on the patch (its projected outline fitted to the widget), so the
    // widget shows the whole patch with its middle near the widget centre.
    void carringtonMap()
    {
        SOLARCHIP_REQUIRE_SDO();
        const SdoMap map = load(QStringLiteral("hmi.sharp_cea_720s.377.20110215_020000_TAI.continuum.fits"));
        QVERIFY(map.wcs.kind() == Wcs::Kind::Carrington);
        GlobeView view;
        view.setGridVisible(false);
        view.setLimbVisible(false);
        const int n1 = map.image.width, n2 = map.image.height;
        const QImage img = show(view, map, encodingTexture(n1, n2));
        double x = 0, y = 0;
        QVERIFY2(decodeAt(img, QPointF(200, 200), n1, n2, x, y), qPrintable(rgb(img.pixel(200, 200))));
        QVERIFY2(std::fabs(x - (n1 - 1) / 2.0) < 0.05 * n1 && std::fabs(y - (n2 - 1) / 2.0) < 0.05 * n2,
                 qPrintable(QStringLiteral("centre shows %1,%2 of %3x%4").arg(x).arg(y).arg(n1).arg(n2)));
        double xmin = 1e9, xmax = -1e9, ymin = 1e9, ymax = -1e9;
        for (int j = 0; j < img.height(); ++j)
            for (int i = 0; i < img.width(); ++i)
                if (decode(img.pixel(i, j), n1, n2, x, y)) {
                    xmin = std::min(xmin, x);
                    xmax = std::max(xmax, x);
                    ymin = std::min(ymin, y);
                    ymax = std::max(ymax, y);
                }
        QVERIFY2(xmin < 0.02 * n1 && xmax > 0.98 * (n1 - 1) && ymin < 0.02 * n2 && ymax > 0.98 * (n2 - 1),
                 qPrintable(QStringLiteral("shown x %1..%2, y %3..%4").arg(xmin).arg(xmax).arg(ymin).arg(ymax)));
    }

    void greyscaleAndClear()
    {
        SOLARCHIP_REQUIRE_SDO();
        const SdoMap map = load(QStringLiteral("aia_171_level1.fits"));
        GlobeView view;
        view.setGridVisible(false);
        view.setLimbVisible(false);
        view.resize(300, 300);
        view.setMap(map);
        QVERIFY(view.hasMap());
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const QRgb centre = view.grabFramebuffer().pixel(150, 150);
        QVERIFY2(qRed(centre) == qGreen(centre) && qGreen(centre) == qBlue(centre) && qRed(centre) > 20, qPrintable(rgb(centre)));
        view.clearMap();
        QVERIFY(!view.hasMap());
        const QRgb empty = view.grabFramebuffer().pixel(150, 150);
        QVERIFY2(isNeutral(empty), qPrintable(rgb(empty)));
    }

    // How long a 1024^2 texture takes to go on the globe and to render (printed as JSON for the report).
    void timing()
    {
        SOLARCHIP_REQUIRE_SDO();
        const SdoMap map = load(QStringLiteral("aia_171_level1.fits"));
        GlobeView view;
        view.resize(600, 600);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const QImage tex = encodingTexture(map.image.width, map.image.height).scaled(1024, 1024);
        QElapsedTimer t;
        t.start();
        view.setMap(map, tex);
        const double setMs = t.nsecsElapsed() / 1e6;
        view.grabFramebuffer();  // first frame uploads the texture
        t.restart();
        const int frames = 5;
        for (int i = 0; i < frames; ++i) {
            view.rotateCamera(3, 0);
            view.grabFramebuffer();
        }
        const double frameMs = t.nsecsElapsed() / 1e6 / frames;
        QJsonObject out{{QStringLiteral("setMap_1024_ms"), setMs}, {QStringLiteral("frame_600px_ms"), frameMs},
                        {QStringLiteral("gl"), view.glVersionString()}};
        qInfo().noquote() << "GLOBETIMING" << QJsonDocument(out).toJson(QJsonDocument::Compact);
    }
};

QTEST_MAIN(TestGlobeView)
#include "tst_globeview.moc"
