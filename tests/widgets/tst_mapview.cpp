// MapView on real SDO files: the cursor readout (pixel, value, helioprojective, Stonyhurst, time) against
// sunpy at known pixels, north up against sunpy's Tx/Ty, screenshots proving the map is drawn with its
// colormap (grabbed colours = sunpy's display colours of the known values), pan/zoom/keyboard/wheel/drag
// geometry, rendering off the UI thread (with timings as JSON), blink and blend, PNG and FITS export (the
// exported cutout's WCS read back by sunpy), and MapGrid. Runs under Xvfb and QT_QPA_PLATFORM=offscreen.

#include "core/map/FitsHeader.h"
#include "core/map/Jp2Reader.h"
#include "core/map/MapDifference.h"
#include "core/map/Prep.h"
#include "core/map/SdoMap.h"
#include "widgets/ColorBar.h"
#include "widgets/MapGrid.h"
#include "widgets/MapView.h"
#include "widgets/OverlayLayer.h"
#include "widgets/ViewLink.h"

#include "TestSupport.h"

#include <QElapsedTimer>
#include <QPainter>
#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QtTest>

#include <cmath>
#include <set>

using namespace solarchip;

namespace {

// An added layer filling the whole view with one colour.
struct Flood : OverlayLayer {
    explicit Flood(QColor c) : colour(c) {}
    QColor colour;
    QString id() const override { return QStringLiteral("flood"); }
    QString name() const override { return QStringLiteral("flood"); }
    bool clipsToMap() const override { return false; }
    void paint(QPainter &p, const OverlayContext &c) override { p.fillRect(c.widgetRect, colour); }
};

std::shared_ptr<const SdoMap> loadMap(const QString &relative)
{
    auto m = SdoMap::load(solarchip::test::sdoFile(relative));
    if (!m.ok()) {
        qWarning("%s", qPrintable(m.errorString()));
        return nullptr;
    }
    return std::make_shared<const SdoMap>(std::move(m.value()));
}

// `view` at `size` showing the full-disk AIA map with `title`, rendered, under a Flood layer of `colour`.
bool showFlooded(MapView &view, QSize size, const QString &title, QColor colour)
{
    auto map = loadMap(QStringLiteral("fits/aia_171_level1.fits"));
    if (!map)
        return false;
    view.resize(size);
    view.show();
    if (!QTest::qWaitForWindowExposed(&view))
        return false;
    view.setMap(map);
    view.setTitle(title);
    if (!view.waitForRender())
        return false;
    view.addOverlay(std::make_shared<Flood>(colour));
    return true;
}

void moveMouse(QWidget *w, const QPointF &pos)
{
    QMouseEvent ev(QEvent::MouseMove, pos, w->mapToGlobal(pos), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
    QApplication::sendEvent(w, &ev);
}

void mouseButton(QWidget *w, QEvent::Type type, const QPointF &pos)
{
    const Qt::MouseButtons buttons = type == QEvent::MouseButtonPress ? Qt::LeftButton : Qt::NoButton;
    QMouseEvent ev(type, pos, w->mapToGlobal(pos), Qt::LeftButton, buttons, Qt::NoModifier);
    QApplication::sendEvent(w, &ev);
}

int channelDiff(QRgb a, const QJsonArray &rgb)
{
    return std::max({std::abs(qRed(a) - rgb[0].toInt()), std::abs(qGreen(a) - rgb[1].toInt()),
                     std::abs(qBlue(a) - rgb[2].toInt())});
}

// Several reference computations in one Python process (sunpy's import dominates the cost).
QJsonArray pythonBatch(const QList<QStringList> &calls)
{
    QJsonArray spec;
    for (const QStringList &c : calls)
        spec.append(QJsonArray::fromStringList(c));
    const auto r = solarchip::test::runPython(QStringLiteral("views_reference.py"),
                                              {QStringLiteral("batch"), QString::fromUtf8(QJsonDocument(spec).toJson(QJsonDocument::Compact))});
    if (r.exitCode != 0)
        qWarning("views_reference.py failed: %s", r.err.constData());
    return solarchip::test::parseJson(r.out).array();
}

const QString kCutout = QStringLiteral("fits/aia_171_cutout.fits");
const QString kHmi = QStringLiteral("fits/sdo-hmi_2011-02-14_20-34-12.fits");
const QString kFullDisk = QStringLiteral("fits/aia_171_level1.fits");
const QStringList kCutoutPixels{"0,0", "100,200", "384,352", "768,704", "500,90"};
const QStringList kHmiPixels{"0,0", "247,248", "400,100", "30,450", "100,100", "100,400", "400,100"};
const QStringList kFullDiskPixels{"0,0", "64,64", "20,100", "110,30", "127,64"};

QStringList colourPixels()
{
    QStringList pts;
    for (int k = 0; k < 40; ++k)
        pts << QStringLiteral("%1,%2").arg((k * 37 + 5) % 128).arg((k * 53 + 11) % 128);
    return pts;
}

}  // namespace

class TestMapView : public QObject {
    Q_OBJECT

    // sunpy readouts of kCutout, kHmi, kFullDisk, then sunpy display colours of kFullDisk.
    QJsonArray m_ref;

private Q_SLOTS:
    void initTestCase()
    {
        if (solarchip::test::sdoDir().isEmpty())
            return;
        const DisplaySettings s = defaultDisplaySettings(QStringLiteral("171"));
        m_ref = pythonBatch({QStringList{QStringLiteral("readout"), solarchip::test::sdoFile(kCutout)} + kCutoutPixels,
                             QStringList{QStringLiteral("readout"), solarchip::test::sdoFile(kHmi)} + kHmiPixels,
                             QStringList{QStringLiteral("readout"), solarchip::test::sdoFile(kFullDisk)} + kFullDiskPixels,
                             QStringList{QStringLiteral("colours"), solarchip::test::sdoFile(kFullDisk), QStringLiteral("asinh"),
                                         QString::number(s.stretchParameter), QString::number(s.percentileLow),
                                         QString::number(s.percentileHigh), s.colormap} + colourPixels()});
        QCOMPARE(m_ref.size(), 4);
    }

    // setMap returns at once; the 4096^2 rendering arrives later through renderFinished.
    void rendersOffTheUiThread()
    {
        SOLARCHIP_REQUIRE_SDO();
        auto small = loadMap(QStringLiteral("fits/aia_171_level1.fits"));
        QVERIFY(small);
        // A full-size AIA geometry from the real header: 4096^2 at 0.6"/px, disk centre at the centre.
        FitsHeader h = small->header;
        h.setInteger(QStringLiteral("NAXIS1"), 4096);
        h.setInteger(QStringLiteral("NAXIS2"), 4096);
        h.setNumber(QStringLiteral("CDELT1"), 0.6);
        h.setNumber(QStringLiteral("CDELT2"), 0.6);
        h.setNumber(QStringLiteral("CRPIX1"), 2048.5);
        h.setNumber(QStringLiteral("CRPIX2"), 2048.5);
        Image img(4096, 4096);
        for (int y = 0; y < 4096; ++y)
            for (int x = 0; x < 4096; ++x)
                img.at(x, y) = float((x * 7 + y * 13) % 4000);
        auto big = SdoMap::fromHeaderAndImage(h, std::move(img), QStringLiteral("synthetic-4096.fits"));
        QVERIFY2(big.ok(), qPrintable(big.errorString()));
        auto map = std::make_shared<const SdoMap>(std::move(big.value()));

        MapView view;
        view.resize(800, 800);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QSignalSpy finished(&view, &MapView::renderFinished);
        QElapsedTimer t;
        t.start();
        view.setMap(map);
        const double setMapMs = t.nsecsElapsed() / 1e6;
        QVERIFY(view.isRenderPending());
        QVERIFY(view.waitForRender(30000));
        const double firstFrameMs = t.nsecsElapsed() / 1e6;
        QCOMPARE(finished.count(), 1);
        QCOMPARE(view.rendered().image().size(), QSize(4096, 4096));
        // Painting cost at fit (from a pyramid level) and at 1:1, measured through grab().
        t.restart();
        QImage fit = view.grab().toImage();
        const double paintFitMs = t.nsecsElapsed() / 1e6;
        view.zoomToActualSize();
        t.restart();
        QImage one = view.grab().toImage();
        const double paintOneMs = t.nsecsElapsed() / 1e6;
        QVERIFY(!fit.isNull() && !one.isNull());
        // Changing only the colormap reuses the limits.
        DisplaySettings s = view.displaySettings();
        s.colormap = QStringLiteral("viridis");
        t.restart();
        view.setDisplaySettings(s);
        const double recolourCallMs = t.nsecsElapsed() / 1e6;
        QVERIFY(view.isRenderPending());  // the recolouring runs off the UI thread too
        QVERIFY(view.waitForRender(30000));
        const double recolourMs = t.nsecsElapsed() / 1e6;
        QVERIFY(!view.rendered().limitsComputed);  // no percentile pass: the limits of the first render are reused
        printf("{\"benchmark\": \"mapview_4096\", \"setmap_ui_ms\": %.2f, \"first_frame_ms\": %.1f, "
               "\"paint_fit_800_ms\": %.2f, \"paint_1to1_800_ms\": %.2f, \"recolour_ui_ms\": %.2f, \"recolour_ms\": %.1f}\n",
               setMapMs, firstFrameMs, paintFitMs, paintOneMs, recolourCallMs, recolourMs);
        fflush(stdout);
        // The figures are printed, not asserted (timings depend on the load); that the calls return before
        // the rendering is done is asserted above (isRenderPending right after setMap).
    }

    void readoutMatchesSunpy_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("refIndex");
        QTest::newRow("aia_171_cutout") << kCutout << 0;
        QTest::newRow("hmi_magnetogram") << kHmi << 1;
        QTest::newRow("aia_171_full_disk") << kFullDisk << 2;
    }
    void readoutMatchesSunpy()
    {
        SOLARCHIP_REQUIRE_SDO();
        QFETCH(QString, file);
        QFETCH(int, refIndex);
        auto map = loadMap(file);
        QVERIFY(map);
        const QJsonObject ref = m_ref[refIndex].toObject();
        const QJsonArray pts = ref.value(QStringLiteral("points")).toArray();
        QVERIFY(pts.size() >= 5);

        MapView view;
        view.resize(400, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setMap(map);
        QVERIFY(view.waitForRender());
        view.setZoom(4.0);
        QSignalSpy spy(&view, &MapView::readoutChanged);
        for (const QJsonValue &v : pts) {
            const QJsonObject o = v.toObject();
            const int x = o.value(QStringLiteral("x")).toInt(), y = o.value(QStringLiteral("y")).toInt();
            view.setCentre(QPointF(x, y));
            moveMouse(&view, QPointF(3, 3));
            moveMouse(&view, view.mapToWidget(QPointF(x + 0.2, y - 0.3)));  // inside the pixel, off centre
            QVERIFY(!spy.isEmpty());
            const MapReadout r = spy.takeLast().at(0).value<MapReadout>();
            spy.clear();
            QVERIFY(r.valid);
            QCOMPARE(r.ix, x);
            QCOMPARE(r.iy, y);
            const QJsonValue value = o.value(QStringLiteral("value"));
            if (value.isNull())
                QVERIFY(std::isnan(r.value));
            else
                QCOMPARE(r.value, value.toDouble());
            QCOMPARE(r.unit, ref.value(QStringLiteral("unit")).toString());
            QVERIFY(r.hasHelioprojective);
            QVERIFY2(std::fabs(r.tx - o.value(QStringLiteral("tx")).toDouble()) < 0.01,
                     qPrintable(QStringLiteral("Tx at (%1,%2): %3 vs sunpy %4").arg(x).arg(y).arg(r.tx, 0, 'f', 4)
                                    .arg(o.value(QStringLiteral("tx")).toDouble(), 0, 'f', 4)));
            QVERIFY(std::fabs(r.ty - o.value(QStringLiteral("ty")).toDouble()) < 0.01);
            if (o.value(QStringLiteral("lon")).isNull()) {
                QVERIFY(!r.onDisk);
                QCOMPARE(r.stonyhurstText(), QStringLiteral("off disk"));
            } else {
                QVERIFY(r.onDisk);
                QVERIFY2(std::fabs(r.lon - o.value(QStringLiteral("lon")).toDouble()) < 0.01,
                         qPrintable(QStringLiteral("lon at (%1,%2): %3 vs sunpy %4").arg(x).arg(y).arg(r.lon, 0, 'f', 4)
                                        .arg(o.value(QStringLiteral("lon")).toDouble(), 0, 'f', 4)));
                QVERIFY(std::fabs(r.lat - o.value(QStringLiteral("lat")).toDouble()) < 0.01);
            }
            QCOMPARE(r.time, map->meta.tObs);
            QVERIFY(r.toString().contains(r.pixelText()));
        }
        // Leaving the widget clears the readout.
        QEvent leave(QEvent::Leave);
        QApplication::sendEvent(&view, &leave);
        QVERIFY(!spy.isEmpty());
        QVERIFY(!spy.takeLast().at(0).value<MapReadout>().valid);
    }

    // HMI stores the Sun upside down (CROTA2 ~ 180): north up turns it so that larger sunpy Ty is higher
    // on screen and larger Tx is further right.
    void northUpFollowsSunpy()
    {
        SOLARCHIP_REQUIRE_SDO();
        auto map = loadMap(kHmi);
        QVERIFY(map);
        // The last three HMI reference pixels: (100,100), (100,400), (400,100).
        QJsonArray pts;
        const QJsonArray all = m_ref[1].toObject().value(QStringLiteral("points")).toArray();
        for (int i = all.size() - 3; i < all.size(); ++i)
            pts.append(all[i]);
        MapView view;
        view.resize(300, 300);
        view.setMap(map);
        QVERIFY(std::fabs(std::fabs(view.displayRotation()) - 179.93) < 0.01);
        auto widgetOf = [&](int i) {
            const QJsonObject o = pts[i].toObject();
            return view.mapToWidget(QPointF(o.value(QStringLiteral("x")).toInt(), o.value(QStringLiteral("y")).toInt()));
        };
        auto world = [&](int i, const char *k) { return pts[i].toObject().value(QLatin1String(k)).toDouble(); };
        for (int a = 0; a < 3; ++a)
            for (int b = 0; b < 3; ++b) {
                if (world(a, "ty") > world(b, "ty") + 10)
                    QVERIFY(widgetOf(a).y() < widgetOf(b).y());
                if (world(a, "tx") > world(b, "tx") + 10)
                    QVERIFY(widgetOf(a).x() > widgetOf(b).x());
            }
        // With north up off, FITS row 0 is simply at the bottom.
        view.setNorthUp(false);
        QCOMPARE(view.displayRotation(), 0.0);
        QVERIFY(view.mapToWidget(QPointF(10, 0)).y() > view.mapToWidget(QPointF(10, 400)).y());
    }

    // The widget shows each map pixel in the colour sunpy's default display gives its value.
    void screenshotShowsColormap()
    {
        SOLARCHIP_REQUIRE_SDO();
        auto map = loadMap(kFullDisk);
        QVERIFY(map);
        QCOMPARE(defaultDisplaySettings(map->meta).colormap, QStringLiteral("sdoaia171"));
        const QJsonObject ref = m_ref[3].toObject();
        MapView view;
        view.resize(512, 512);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setMap(map);
        view.setOverlayVisible(QStringLiteral("label"), false);  // its box would darken the top-left corner
        QVERIFY(view.waitForRender());
        // 128 px fit into 512 (a hair less: the 0.019 deg roll turned north up widens the bounding box).
        QVERIFY(std::fabs(view.zoom() - 4.0) < 0.01);
        view.setZoom(4.0);
        const QImage shot = view.grab().toImage();
        int exact = 0;
        for (const QJsonValue &v : ref.value(QStringLiteral("points")).toArray()) {
            const QJsonObject o = v.toObject();
            const QPoint wp = view.mapToWidget(QPointF(o.value(QStringLiteral("x")).toInt(), o.value(QStringLiteral("y")).toInt()))
                                  .toPoint();
            const QRgb got = shot.pixel(wp);
            if (channelDiff(got, o.value(QStringLiteral("rgb")).toArray()) == 0) {
                ++exact;
                continue;
            }
            const double t = o.value(QStringLiteral("t")).toDouble();
            const double frac = t * 256.0 - std::floor(t * 256.0);
            bool neighbour = false;
            for (const QJsonValue &nb : o.value(QStringLiteral("neighbours")).toArray())
                neighbour = neighbour || channelDiff(got, nb.toArray()) == 0;
            QVERIFY2(neighbour && (frac < 0.05 || frac > 0.95),
                     qPrintable(QStringLiteral("pixel %1: colour %2").arg(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)))
                                    .arg(got, 8, 16)));
        }
        QVERIFY(exact >= 38);
        // Outside the map: background.
        view.setZoom(1.0);
        const QImage small = view.grab().toImage();
        QCOMPARE(small.pixel(2, 2) & 0xffffff, 0u);
    }

    // A layer added to the view (a heatmap, cell values) is drawn under the view's own title and limb: a layer
    // filling the whole view with opaque green leaves the title's white text and the limb's line on top of it.
    void addedLayersStayUnderTheTitleAndLimb()
    {
        SOLARCHIP_REQUIRE_SDO();
        MapView view;
        view.setOverlayVisible(QStringLiteral("limb"), true);
        QVERIFY(showFlooded(view, QSize(512, 512), QStringLiteral("TITLE OVER DATA"), QColor(0, 255, 0)));
        const QImage shot = view.grab().toImage();
        auto count = [&](QRect r, auto pred) {
            int n = 0;
            for (int y = r.top(); y <= r.bottom(); ++y)
                for (int x = r.left(); x <= r.right(); ++x)
                    n += pred(QColor(shot.pixel(x, y)));
            return n;
        };
        // The title's text (white, top left) shows through; the green is under its dark box, not over it.
        const int white = count(QRect(0, 0, 300, 40), [](QColor c) { return c.red() > 200 && c.blue() > 200; });
        QVERIFY2(white > 20, qPrintable(QStringLiteral("%1 white pixels in the title's corner").arg(white)));
        // The limb's line is drawn over the green somewhere on the disk's edge (any colour but pure green there).
        const int notGreen = count(QRect(0, 100, 512, 312), [](QColor c) { return c != QColor(0, 255, 0); });
        QVERIFY2(notGreen > 50, qPrintable(QStringLiteral("%1 pixels of the limb over the layer").arg(notGreen)));
        // The bottom-right corner (no annotation) is the layer's green.
        QCOMPARE(QColor(shot.pixel(505, 505)), QColor(0, 255, 0));
        // Replacing and removing the layer keeps the order (the built-in ones last).
        view.addOverlay(std::make_shared<Flood>(QColor(0, 255, 0)));
        QCOMPARE(view.overlayIds().first(), QStringLiteral("flood"));
        view.removeOverlay(QStringLiteral("flood"));
        QVERIFY(!view.overlayIds().contains(QStringLiteral("flood")));
        QCOMPARE(view.overlayIds().first(), QStringLiteral("limb"));
    }

    // A title wrapped in a narrow view: the dark box follows its rows, so the short second row darkens only
    // itself, not the width of the first row beneath it.
    void wrappedTitleBoxFollowsItsRows()
    {
        SOLARCHIP_REQUIRE_SDO();
        MapView view;
        QVERIFY(showFlooded(view, QSize(230, 300), QStringLiteral("HMI magnetogram 2011-06-30 11:59:18"),
                            QColor(255, 255, 255)));
        const QImage shot = view.grab().toImage();
        // Rows of the title box: any pixel darker than the white flood, per image row, and how far right it goes.
        QList<int> rightmost;
        for (int y = 0; y < 80; ++y) {
            int right = -1;
            for (int x = 0; x < shot.width(); ++x)
                if (qGray(shot.pixel(x, y)) < 200)
                    right = x;
            if (right >= 0)
                rightmost << right;
        }
        QVERIFY2(rightmost.size() > 20, qPrintable(QString::number(rightmost.size())));  // two rows of text
        const int first = rightmost.first(), last = rightmost.last();
        QVERIFY2(first > 150, qPrintable(QString::number(first)));  // the first row spans most of the view
        QVERIFY2(last < first - 40, qPrintable(QStringLiteral("second row's box ends at %1, the first's at %2").arg(last).arg(first)));
    }

    void panZoomKeyboardWheelDrag()
    {
        SOLARCHIP_REQUIRE_SDO();
        auto map = loadMap(QStringLiteral("fits/aia_171_cutout.fits"));
        QVERIFY(map);
        MapView view;
        view.resize(400, 300);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setNorthUp(false);
        view.setAnimatedZoom(false);  // exact steps here; the glide is tested in animatedZoomGlides
        view.setMap(map);
        QVERIFY(view.isFitMode());
        QCOMPARE(view.zoom(), std::min(400.0 / 769.0, 300.0 / 705.0));
        QCOMPARE(view.centre(), QPointF(384, 352));
        QSignalSpy changed(&view, &MapView::viewChanged);
        // Wheel: zoom about the cursor keeps the map point under it.
        const QPointF cursor(120, 80);
        const QPointF under = view.widgetToMap(cursor);
        QWheelEvent wheel(cursor, view.mapToGlobal(cursor), QPoint(), QPoint(0, 240), Qt::NoButton, Qt::NoModifier,
                          Qt::NoScrollPhase, false);
        const double z0 = view.zoom();
        QApplication::sendEvent(&view, &wheel);
        QVERIFY(std::fabs(view.zoom() - z0 * 1.44) < 1e-12);
        QVERIFY((view.widgetToMap(cursor) - under).manhattanLength() < 1e-9);
        QVERIFY(!view.isFitMode());
        QVERIFY(!changed.isEmpty());
        // Keyboard: 1:1, +, -, arrows (10 % of the width), F.
        QTest::keyClick(&view, Qt::Key_1);
        QCOMPARE(view.zoom(), 1.0);
        QTest::keyClick(&view, Qt::Key_Plus);
        QCOMPARE(view.zoom(), 1.25);
        QTest::keyClick(&view, Qt::Key_Minus);
        QCOMPARE(view.zoom(), 1.0);
        const QPointF c = view.centre();
        QTest::keyClick(&view, Qt::Key_Right);
        QVERIFY((view.centre() - (c + QPointF(40, 0))).manhattanLength() < 1e-9);  // view moves right
        QTest::keyClick(&view, Qt::Key_Up);
        QVERIFY((view.centre() - (c + QPointF(40, 30))).manhattanLength() < 1e-9);  // north (FITS +y)
        // Drag: the map follows the mouse.
        const QPointF before = view.centre();
        mouseButton(&view, QEvent::MouseButtonPress, QPointF(200, 150));
        moveMouse(&view, QPointF(230, 170));
        mouseButton(&view, QEvent::MouseButtonRelease, QPointF(230, 170));
        QVERIFY((view.centre() - (before + QPointF(-30, 20))).manhattanLength() < 1e-9);
        QTest::keyClick(&view, Qt::Key_F);
        QVERIFY(view.isFitMode());
        // Fit follows resizes until the user zooms.
        view.resize(769, 705);
        QCOMPARE(view.zoom(), 1.0);
        // Zoom limits.
        view.setZoom(1e6);
        QCOMPARE(view.zoom(), view.maximumZoom());
        view.setZoom(1e-9);
        QCOMPARE(view.zoom(), view.minimumZoom());
        // The visible region at 1:1 centred: the whole map.
        view.fitToWindow();
        QCOMPARE(view.visiblePixelRect(), QRect(0, 0, 769, 705));
    }

    void animatedZoomGlides()
    {
        SOLARCHIP_REQUIRE_SDO();
        auto map = loadMap(kCutout);
        QVERIFY(map);
        MapView view;
        view.resize(400, 300);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setMap(map);
        QVERIFY(view.isAnimatedZoom());
        const double z0 = view.zoom();
        const QPointF cursor(300, 60);
        const QPointF under = view.widgetToMap(cursor);
        QSignalSpy changed(&view, &MapView::viewChanged);
        for (int tick = 0; tick < 2; ++tick) {  // two quick wheel ticks add up
            QWheelEvent wheel(cursor, view.mapToGlobal(cursor), QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier,
                              Qt::NoScrollPhase, false);
            QApplication::sendEvent(&view, &wheel);
        }
        QVERIFY(view.zoom() < z0 * 1.44 - 1e-9);  // not there yet
        QTRY_VERIFY_WITH_TIMEOUT(std::fabs(view.zoom() - z0 * 1.44) < 1e-9, 3000);
        QVERIFY(changed.count() >= 3);  // intermediate frames
        QVERIFY((view.widgetToMap(cursor) - under).manhattanLength() < 1e-6);
    }

    // Two views of the same patch of Sun at plate scales 24x apart stay aligned in world coordinates.
    void linkedViewsStayAligned()
    {
        SOLARCHIP_REQUIRE_SDO();
        auto fine = loadMap(QStringLiteral("fits/aia_171_cutout.fits"));    // 0.6"/px
        QVERIFY(fine);
        // The same cut-out area-averaged to 32 x 29 pixels (about 14.4"/px): one frame, another plate scale.
        auto averaged = Prep::downsample(*fine, 32, 29);
        QVERIFY2(averaged.ok(), qPrintable(averaged.errorString()));
        auto coarse = std::make_shared<const SdoMap>(std::move(averaged).value());
        QVERIFY(coarse->meta.cdelt1 / fine->meta.cdelt1 > 20);
        MapView a, b;
        a.resize(300, 300);
        b.resize(300, 300);
        a.setMap(fine);
        b.setMap(coarse);
        ViewLink link;
        link.addView(a.hasMap() ? &a : nullptr);
        link.addView(&b);
        QCOMPARE(link.views().size(), 2);
        auto checkAligned = [&](const char *when) {
            const double scaleA = a.worldView().arcsecPerScreenPixel, scaleB = b.worldView().arcsecPerScreenPixel;
            QVERIFY2(std::fabs(scaleA / scaleB - 1.0) < 1e-9, when);
            for (const QPointF &w : {QPointF(150, 150), QPointF(20, 40), QPointF(280, 260)}) {
                const QPointF pa = a.widgetToMap(w), pb = b.widgetToMap(w);
                double ax, ay, bx, by;
                QVERIFY(fine->wcs.pixelToHelioprojective(pa.x(), pa.y(), ax, ay));
                QVERIFY(coarse->wcs.pixelToHelioprojective(pb.x(), pb.y(), bx, by));
                // Within a tenth of a screen pixel.
                QVERIFY2(std::hypot(ax - bx, ay - by) < 0.1 * scaleA,
                         qPrintable(QStringLiteral("%1: (%2,%3) vs (%4,%5) arcsec").arg(QLatin1String(when))
                                        .arg(ax).arg(ay).arg(bx).arg(by)));
            }
        };
        checkAligned("after linking");
        a.setZoom(2.0);
        checkAligned("after zooming the fine view");
        a.panBy(QPointF(37, -12));
        checkAligned("after panning the fine view");
        b.zoomAbout(b.zoom() * 3, QPointF(40, 250));
        checkAligned("after zooming the coarse view about a point");
        // Zoom ratio = plate-scale ratio (769 and 705 px do not divide by one factor: within the 1% the two
        // axes' factors 24.0 and 24.3 differ by).
        QVERIFY(std::fabs(b.zoom() / a.zoom() / (coarse->meta.cdelt1 / fine->meta.cdelt1) - 1) < 0.015);
        // Linked cursor: b shows a crosshair where a's cursor points.
        QSignalSpy cursor(&link, &ViewLink::cursorMoved);
        moveMouse(&a, QPointF(100, 120));
        QCOMPARE(cursor.count(), 1);
        QVERIFY(b.hasLinkedCursor());
        QVERIFY(!a.hasLinkedCursor());
        double tx, ty, bx, by;
        const QPointF pa = a.widgetToMap(QPointF(100, 120));
        fine->wcs.pixelToHelioprojective(pa.x(), pa.y(), tx, ty);
        coarse->wcs.pixelToHelioprojective(b.linkedCursorPixel().x(), b.linkedCursorPixel().y(), bx, by);
        QVERIFY(std::hypot(tx - bx, ty - by) < 1e-6);
        // Unlinked views move alone.
        link.setPanZoomLinked(false);
        const double zb = b.zoom();
        a.setZoom(a.zoom() * 2);
        QCOMPARE(b.zoom(), zb);
    }

    void blinkAndBlend()
    {
        SOLARCHIP_REQUIRE_SDO();
        auto map = loadMap(QStringLiteral("fits/aia_171_level1.fits"));
        QVERIFY(map);
        MapView view;
        view.resize(256, 256);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        DisplaySettings base = defaultDisplaySettings(map->meta);
        view.setMap(map, base);
        DisplaySettings grey = base;
        grey.colormap = QStringLiteral("grey");
        view.setComparisonMap(map, grey);  // same frame: placement must be the identity
        QVERIFY(view.waitForRender());
        view.setOverlayVisible(QStringLiteral("label"), false);
        const QPoint probe = view.mapToWidget(QPointF(64, 64)).toPoint();
        const QRgb colourBase = view.rendered().image().pixel(64, 127 - 64);
        const QRgb colourGrey = view.comparisonRendered().image().pixel(64, 127 - 64);
        QVERIFY(colourBase != colourGrey);
        QCOMPARE(view.grab().toImage().pixel(probe), colourBase);  // CompareMode::None
        view.setCompareMode(MapView::CompareMode::Overlay);
        view.setComparisonOpacity(0.5);
        const QRgb blended = view.grab().toImage().pixel(probe);
        for (int shift : {16, 8, 0}) {
            auto ch = [shift](QRgb c) { return int((c >> shift) & 0xff); };
            QVERIFY(std::abs(ch(blended) - (ch(colourBase) + ch(colourGrey)) / 2) <= 2);
        }
        view.setCompareMode(MapView::CompareMode::Blink);
        view.setShowingComparison(true);
        QCOMPARE(view.grab().toImage().pixel(probe), colourGrey);
        view.setShowingComparison(false);
        QCOMPARE(view.grab().toImage().pixel(probe), colourBase);
        view.setBlinkInterval(30);
        QTRY_VERIFY_WITH_TIMEOUT(view.isShowingComparison(), 2000);
        QTRY_VERIFY_WITH_TIMEOUT(!view.isShowingComparison(), 2000);
    }

    // Blinking HMI (Gauss) against AIA 171 (DN): while the 171 image is on screen the colour bar and the unit
    // are 171's, not the HMI cell's.
    void blinkColourBarFollowsShownImage()
    {
        SOLARCHIP_REQUIRE_SDO();
        auto hmi = loadMap(QStringLiteral("fits/sdo-hmi_2011-02-14_20-34-12.fits"));
        auto aia = loadMap(QStringLiteral("fits/aia_171_level1.fits"));
        QVERIFY(hmi && aia);
        MapView view;
        view.resize(300, 300);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setMap(hmi);
        view.setComparisonMap(aia, defaultDisplaySettings(aia->meta));
        QVERIFY(view.waitForRender());
        QCOMPARE(view.shownValueLabel(), QStringLiteral("Gauss"));
        view.setCompareMode(MapView::CompareMode::Blink);
        view.setBlinkInterval(100000);  // stepped by hand below
        ColorBar bar;
        bar.resize(90, 300);
        bar.setView(&view);
        const Colormap aiaColours = view.comparisonRendered().colormap;
        auto hasColour = [](const QImage &img, QRgb c) {
            for (int y = 0; y < img.height(); ++y)
                for (int x = 0; x < img.width(); ++x)
                    if (std::abs(qRed(img.pixel(x, y)) - qRed(c)) <= 2 && std::abs(qGreen(img.pixel(x, y)) - qGreen(c)) <= 2
                        && std::abs(qBlue(img.pixel(x, y)) - qBlue(c)) <= 2)
                        return true;
            return false;
        };
        const QRgb aiaMiddle = aiaColours.rgb(128);  // golden brown: no grey has it
        QVERIFY(qRed(aiaMiddle) - qBlue(aiaMiddle) > 40);
        view.setShowingComparison(true);
        QCOMPARE(view.shownMap(), aia);
        QCOMPARE(view.shownValueLabel(), QStringLiteral("DN"));
        QVERIFY(hasColour(bar.grab().toImage(), aiaMiddle));
        view.setShowingComparison(false);
        QCOMPARE(view.shownMap(), hmi);
        QCOMPARE(view.shownValueLabel(), QStringLiteral("Gauss"));
        QVERIFY(!hasColour(bar.grab().toImage(), aiaMiddle));
    }

    // The Helioviewer magnetogram JP2 (8-bit bytes) renders linearly over 0..255, not flat grey at +-1500 G.
    void helioviewerJp2RendersItsBytes()
    {
        SOLARCHIP_REQUIRE_SDO();
        auto m = Jp2Reader::read(solarchip::test::sdoFile(QStringLiteral("jp2/2022_08_02__10_47_53_000__SDO_HMI_HMI_magnetogram.jp2")), 2);
        QVERIFY2(m.ok(), qPrintable(m.errorString()));
        auto map = std::make_shared<const SdoMap>(std::move(m.value()));
        MapView view;
        view.resize(300, 300);
        view.setMap(map);
        QVERIFY(view.waitForRender());
        QCOMPARE(view.displaySettings().stretch, DisplayStretch::Linear);
        QCOMPARE(view.rendered().range.min, 0.0);
        QCOMPARE(view.rendered().range.max, 255.0);
        QCOMPARE(view.shownValueLabel(), QStringLiteral("Helioviewer byte value"));
        // Not flat: the rendered grey levels are as many as the distinct bytes (grey colormap, one level each).
        std::set<int> bytes, greys;
        const QImage &img = view.rendered().image();
        for (int y = 0; y < map->image.height; ++y)
            for (int x = 0; x < map->image.width; ++x) {
                bytes.insert(int(map->image.at(x, y)));
                greys.insert(qRed(img.pixel(x, map->image.height - 1 - y)));
            }
        QVERIFY(bytes.size() > 200);
        QCOMPARE(greys.size(), bytes.size());
    }

    // An exported difference: HISTORY in plain ASCII (the label's minus and delta spelled out, no '?'), one
    // FITS-definition COMMENT block, BUNIT set (the AIA files have none) -- read back by astropy.
    void exportedFitsHeaderIsPlainAscii()
    {
        SOLARCHIP_REQUIRE_SDO();
        const QString currentFile = solarchip::test::sdoFile(QStringLiteral("fits/AIA20220402_131353_0304.fits"));
        auto current = loadMap(QStringLiteral("fits/AIA20220402_131353_0304.fits"));
        auto earlier = loadMap(QStringLiteral("fits/AIA20220402_131341_0304.fits"));
        QVERIFY(current && earlier);
        auto d = differenceMap(*current, *earlier);
        QVERIFY2(d.ok(), qPrintable(d.errorString()));
        QVERIFY(d->label.contains(QChar(0x2212)) && d->label.contains(QChar(0x0394)));
        MapView view;
        view.resize(300, 300);
        view.setDifferenceMap(*d);
        QVERIFY(view.waitForRender());
        auto dir = solarchip::test::scratchDir();
        const QString out = dir.filePath(QStringLiteral("difference.fits"));
        QVERIFY(view.exportFits(out).ok());
        const auto py = solarchip::test::runPython(QStringLiteral("export_check.py"), {out, currentFile});
        QVERIFY2(py.exitCode == 0, py.err.constData());
        const QJsonObject exported = solarchip::test::parseJson(py.out).object().value(QStringLiteral("export")).toObject();
        const QJsonObject source = solarchip::test::parseJson(py.out).object().value(QStringLiteral("source")).toObject();
        QVERIFY(source.value(QStringLiteral("BUNIT")).isNull());  // the real file has none
        QCOMPARE(exported.value(QStringLiteral("BUNIT")).toString(), QStringLiteral("DN"));
        QStringList history;
        for (const QJsonValue &v : exported.value(QStringLiteral("HISTORY")).toArray())
            history << v.toString();
        const QString all = history.join(QLatin1Char('\n'));
        for (const QString &line : history)
            for (const QChar c : line)
                QVERIFY2(c.unicode() >= 32 && c.unicode() < 127, qPrintable(line));
        QVERIFY2(!all.contains(QLatin1Char('?')), qPrintable(all));
        // The label's times are the headers' T_OBS (13:13:54.582 and 13:13:42.580), to the second.
        QVERIFY2(all.contains(QStringLiteral("304 A 2022-04-02 13:13:54 - 13:13:42 (dt = 12 s)")), qPrintable(all));
        int definitions = 0;
        for (const QJsonValue &v : exported.value(QStringLiteral("COMMENT")).toArray())
            definitions += v.toString().contains(QStringLiteral("FITS (Flexible Image Transport System) format is defined"));
        QCOMPARE(definitions, 1);
    }

    void exportPngAndFits()
    {
        SOLARCHIP_REQUIRE_SDO();
        const QString file = QStringLiteral("fits/aia_171_cutout.fits");
        auto map = loadMap(file);
        QVERIFY(map);
        MapView view;
        view.resize(300, 200);
        view.setMap(map);
        QVERIFY(view.waitForRender());
        view.setZoom(1.5);
        view.setCentre(QPointF(300, 250));
        auto dir = solarchip::test::scratchDir();
        // PNG without overlays: exactly the rendered view; with the limb/label it differs.
        const QString png = dir.filePath(QStringLiteral("view.png"));
        QVERIFY2(view.exportPng(png, false).ok(), qPrintable(view.exportPng(png, false).errorString()));
        const QImage read(png);
        QCOMPARE(read.size(), QSize(300, 200));
        QCOMPARE(read.convertToFormat(QImage::Format_RGB32), view.renderView(false).convertToFormat(QImage::Format_RGB32));
        const QString pngOverlay = dir.filePath(QStringLiteral("view-overlays.png"));
        QVERIFY(view.exportPng(pngOverlay, true, QSize(600, 400)).ok());
        QCOMPARE(QImage(pngOverlay).size(), QSize(600, 400));
        QVERIFY(QImage(pngOverlay).convertToFormat(QImage::Format_RGB32).copy(0, 0, 600, 40)
                != view.renderView(false, QSize(600, 400)).convertToFormat(QImage::Format_RGB32).copy(0, 0, 600, 40));
        // A bad path fails with the path in the message and leaves nothing behind.
        const Status bad = view.exportPng(dir.filePath(QStringLiteral("no/such/dir/x.png")), false);
        QVERIFY(!bad.ok());
        QVERIFY(bad.errorString().contains(QStringLiteral("x.png")));

        // FITS of the visible region: sunpy must find the same sky at the same data.
        // 300x200 screen pixels at zoom 1.5 about (300, 250): x 200..400, y 183.3..316.7 (pixels partly on
        // screen included).
        const QRect r = view.visiblePixelRect();
        QCOMPARE(r, QRect(QPoint(200, 183), QPoint(400, 317)));
        const QString fits = dir.filePath(QStringLiteral("cutout.fits"));
        const Status st = view.exportFits(fits, MapView::ExportRegion::VisibleRegion);
        QVERIFY2(st.ok(), qPrintable(st.errorString()));
        auto back = SdoMap::load(fits);
        QVERIFY2(back.ok(), qPrintable(back.errorString()));
        QCOMPARE(back->image.width, r.width());
        QCOMPARE(back->image.height, r.height());
        QCOMPARE(back->image.at(5, 7), map->image.at(r.x() + 5, r.y() + 7));
        const QJsonArray both = pythonBatch({{QStringLiteral("readout"), solarchip::test::sdoFile(file),
                                              QStringLiteral("%1,%2").arg(r.x() + 5).arg(r.y() + 7)},
                                             {QStringLiteral("readout"), fits, QStringLiteral("5,7")}});
        QCOMPARE(both.size(), 2);
        const QJsonArray orig = both[0].toObject().value(QStringLiteral("points")).toArray();
        const QJsonArray cut = both[1].toObject().value(QStringLiteral("points")).toArray();
        QCOMPARE(cut.size(), 1);
        QVERIFY(std::fabs(orig[0].toObject().value(QStringLiteral("tx")).toDouble()
                          - cut[0].toObject().value(QStringLiteral("tx")).toDouble()) < 1e-3);
        QVERIFY(std::fabs(orig[0].toObject().value(QStringLiteral("ty")).toDouble()
                          - cut[0].toObject().value(QStringLiteral("ty")).toDouble()) < 1e-3);
        QCOMPARE(cut[0].toObject().value(QStringLiteral("value")).toDouble(), double(map->image.at(r.x() + 5, r.y() + 7)));
        // The whole map round-trips too.
        const QString whole = dir.filePath(QStringLiteral("whole.fits"));
        QVERIFY(view.exportFits(whole).ok());
        auto w = SdoMap::load(whole);
        QVERIFY(w.ok());
        QCOMPARE(w->image.pixels, map->image.pixels);
    }

    void emptyViewSaysWhy()
    {
        MapView view;
        view.resize(300, 200);
        const QImage blank = view.grab().toImage();
        view.setTitle(QStringLiteral("AIA 171 Å: no data within ±6 min"));
        QVERIFY(!view.hasMap());
        const QImage titled = view.grab().toImage();
        QVERIFY(titled != blank);  // the message replaces "No map"
        QCOMPARE(view.title(), QStringLiteral("AIA 171 Å: no data within ±6 min"));
        QCOMPARE(view.renderView(true).pixel(150, 100) & 0xffffff, 0u);  // exports of nothing are black
    }

    void mapGridLinksAndKeepsSettings()
    {
        SOLARCHIP_REQUIRE_SDO();
        auto a = loadMap(QStringLiteral("fits/aia_171_level1.fits"));
        auto b = loadMap(QStringLiteral("fits/aia_171_cutout.fits"));
        auto h = loadMap(QStringLiteral("fits/sdo-hmi_2011-02-14_20-34-12.fits"));
        QVERIFY(a && b && h);
        MapGrid grid;
        grid.resize(900, 300);
        grid.show();
        QVERIFY(QTest::qWaitForWindowExposed(&grid));
        grid.setColumns(3);
        grid.setMaps({a, b, h});
        QCOMPARE(grid.count(), 3);
        QVERIFY(grid.waitForRender());
        QCOMPARE(grid.view(2)->displaySettings().colormap, QStringLiteral("grey"));
        QCOMPARE(grid.viewForChannel(QStringLiteral("hmi")), grid.view(2));
        QCOMPARE(grid.link()->views().size(), 3);
        // The user's colormap for the HMI view survives a step in time (same channels).
        DisplaySettings s = grid.view(2)->displaySettings();
        s.colormap = QStringLiteral("hmimag");
        grid.view(2)->setDisplaySettings(s);
        grid.setMaps({a, b, h});
        QCOMPARE(grid.view(2)->displaySettings().colormap, QStringLiteral("hmimag"));
        // A full disk, a 171 cut-out and an HMI patch overlapping it by a third: no two share a frame, so
        // zooming one view leaves the others as they were.
        QCOMPARE(grid.linkedGroups(), (QVector<QVector<int>>{{0}, {1}, {2}}));
        const double zoom0 = grid.view(0)->zoom(), zoom2 = grid.view(2)->zoom();
        grid.view(1)->setZoom(3.0);
        QCOMPARE(grid.view(0)->zoom(), zoom0);
        QCOMPARE(grid.view(2)->zoom(), zoom2);
        QSignalSpy readouts(&grid, &MapGrid::readoutChanged);
        moveMouse(grid.view(2), QPointF(50, 50));
        QCOMPARE(readouts.count(), 1);
        QCOMPARE(readouts.at(0).at(0).toInt(), 2);
        grid.setOverlayVisible(QStringLiteral("limb"), true);
        for (int i = 0; i < 3; ++i)
            QVERIFY(grid.view(i)->isOverlayVisible(QStringLiteral("limb")));
        grid.setMaps({a});
        QCOMPARE(grid.count(), 1);
    }
};

QTEST_MAIN(TestMapView)
#include "tst_mapview.moc"
