// The globe keeps the user's camera when the map changes (issue 9, item 13): after a rotation and a zoom,
// a map of another channel and time (the rolled HMI cutout after AIA 171: another observer distance, size and
// framing) leaves camera position, focal point, view-up and view angle exactly as they were; a camera still
// in the observer preset follows the new map (it looks from the new observer). The caption and the colour bar
// sit inside the widget, the bar at the right, and follow what they are given.
#include "TestSupport.h"
#include "GlTestSupport.h"

#include "core/map/SdoMap.h"
#include "widgets/ColorBar.h"
#include "widgets/GlobeView.h"
#include "widgets/MapRenderer.h"

#include <QLabel>
#include <QtTest>


using namespace solarchip;

namespace {

SdoMap loadMap(const QString &name)
{
    auto m = SdoMap::load(test::sdoFile(QStringLiteral("fits/") + name));
    if (!m.ok())
        qFatal("%s", qPrintable(m.errorString()));
    return std::move(m.value());
}

using Camera = GlobeView::CameraState;
Camera cameraOf(const GlobeView &view) { return view.cameraState(); }

QString describe(const Camera &c)
{
    return QStringLiteral("pos %1 %2 %3 focal %4 %5 %6 angle %7")
        .arg(c.position[0]).arg(c.position[1]).arg(c.position[2])
        .arg(c.focalPoint[0]).arg(c.focalPoint[1]).arg(c.focalPoint[2]).arg(c.viewAngle);
}

}  // namespace

class TestGlobeCamera : public QObject, public test::GlWidgetTest {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        SOLARCHIP_SKIP_WITHOUT_GL_DISPLAY();
        SOLARCHIP_REQUIRE_SDO();
    }

    void cameraKeptAcrossChannelChange()
    {
        const SdoMap aia = loadMap(QStringLiteral("aia_171_level1.fits"));
        const SdoMap hmi = loadMap(QStringLiteral("sdo-hmi_2011-02-14_20-34-12.fits"));
        QVERIFY(std::fabs(aia.wcs.observer().dsun - hmi.wcs.observer().dsun) > 1e3);  // another observer
        GlobeView view;
        view.resize(400, 400);
        view.setMap(aia);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.grabFramebuffer();
        QVERIFY(!view.isCameraUserSet());
        view.rotateCamera(25, 10);
        view.zoomBy(1.4);
        view.grabFramebuffer();
        QVERIFY(view.isCameraUserSet());
        const Camera before = cameraOf(view);
        view.setMap(hmi);
        view.grabFramebuffer();
        QVERIFY2(cameraOf(view) == before, qPrintable(describe(before) + QStringLiteral(" became ") + describe(cameraOf(view))));
        // And back (a time step on the first channel): still the same camera.
        view.setMap(aia);
        view.grabFramebuffer();
        QVERIFY(cameraOf(view) == before);
        // Even before a frame was drawn in between (keys and a map change in one go).
        view.rotateCamera(-5, 0);
        const Camera turned = cameraOf(view);
        view.setMap(hmi);
        QVERIFY(cameraOf(view) == turned);
        // The observer view is a preset again: the next map moves it to that map's observer.
        view.viewFromObserver();
        view.setMap(aia);
        QVERIFY(!view.isCameraUserSet());
        QVERIFY(view.angleFromObserver() < 1e-6);
    }

    void captionAndColorBar()
    {
        const SdoMap aia = loadMap(QStringLiteral("aia_171_level1.fits"));
        GlobeView view;
        view.resize(500, 400);
        view.setMap(aia);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        auto *caption = view.findChild<QLabel *>(QStringLiteral("globeCaption"));
        QVERIFY(caption);
        QVERIFY(!caption->isVisible());
        view.setCaption(QStringLiteral("AIA 171 \u00C5 2011-06-07 06:52:01"));
        QVERIFY(caption->isVisible());
        QCOMPARE(view.caption(), QStringLiteral("AIA 171 \u00C5 2011-06-07 06:52:01"));
        QVERIFY(view.rect().contains(caption->geometry()));
        QVERIFY(caption->geometry().right() < view.width() / 2 && caption->geometry().bottom() < view.height() / 2);
        QVERIFY(!view.colorBar()->isVisible());
        const RenderedMap rendered = MapRenderer::render(aia.image, defaultDisplaySettings(aia.meta));
        view.setColorBar(rendered, aia.meta.unit);
        QVERIFY(view.colorBar()->isVisible());
        QVERIFY(view.rect().contains(view.colorBar()->geometry()));
        QVERIFY(view.colorBar()->geometry().left() > view.width() / 2);
        // The bar's pixels show the colormap's top colour.
        const QImage bar = view.colorBar()->grab().toImage();
        const QRgb top = rendered.colormap.rgb(255);
        bool found = false;
        for (int y = 0; y < bar.height() && !found; ++y)
            for (int x = 0; x < bar.width() && !found; ++x)
                found = std::abs(qRed(bar.pixel(x, y)) - qRed(top)) <= 2 && std::abs(qGreen(bar.pixel(x, y)) - qGreen(top)) <= 2
                        && std::abs(qBlue(bar.pixel(x, y)) - qBlue(top)) <= 2;
        QVERIFY(found);
        view.clearMap();
        QVERIFY(!caption->isVisible() && !view.colorBar()->isVisible());
    }
};

QTEST_MAIN(TestGlobeCamera)
#include "tst_globecamera.moc"
