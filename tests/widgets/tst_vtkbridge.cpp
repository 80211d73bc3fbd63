// The Qt 6 <-> VTK bridge (widgets/VtkOpenGLWidget) under Xvfb: a 3.2+ core context, VTK's frame blitted
// into the widget's framebuffer (grabFramebuffer() shows VTK's background colour, not black), resizes and
// colour changes followed, two bridges in one window each showing their own frame.
#include "GlTestSupport.h"
#include "TestSupport.h"

#include "widgets/VtkOpenGLWidget.h"

#include <QHBoxLayout>
#include <QOpenGLContext>
#include <QScreen>
#include <QWidget>
#include <QtTest>

using namespace solarchip;

namespace {

bool near(QRgb a, const QColor &b, int tol = 2)
{
    return std::abs(qRed(a) - b.red()) <= tol && std::abs(qGreen(a) - b.green()) <= tol
        && std::abs(qBlue(a) - b.blue()) <= tol && qAlpha(a) == 255;
}

// Every pixel of a small lattice over the image has the colour.
bool uniform(const QImage &img, const QColor &c)
{
    for (int y = 0; y < img.height(); y += std::max(1, img.height() / 7))
        for (int x = 0; x < img.width(); x += std::max(1, img.width() / 7))
            if (!near(img.pixel(x, y), c))
                return false;
    return near(img.pixel(img.width() - 1, img.height() - 1), c);
}

QString describe(const QImage &img)
{
    const QRgb p = img.pixel(img.width() / 2, img.height() / 2);
    return QStringLiteral("%1x%2, centre rgba(%3,%4,%5,%6)").arg(img.width()).arg(img.height()).arg(qRed(p)).arg(qGreen(p)).arg(qBlue(p)).arg(qAlpha(p));
}

}  // namespace

class TestVtkBridge : public QObject, public test::GlWidgetTest {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        SOLARCHIP_SKIP_WITHOUT_GL_DISPLAY();
    }

    void coreContextAndBackground()
    {
        VtkOpenGLWidget w;
        w.resize(320, 240);
        w.setBackgroundColor(QColor(30, 120, 200));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const QImage img = w.grabFramebuffer();
        QVERIFY2(w.isVtkInitialized(), "VTK was not initialised in Qt's context");
        const QSurfaceFormat f = w.context()->format();
        QVERIFY2(f.majorVersion() * 10 + f.minorVersion() >= 32, qPrintable(w.glVersionString()));
        QCOMPARE(f.profile(), QSurfaceFormat::CoreProfile);
        QVERIFY(!w.glVersionString().isEmpty());
        QVERIFY(w.renderedFrames() > 0);
        QCOMPARE(img.size(), QSize(320, 240) * w.devicePixelRatio());
        QVERIFY2(uniform(img, QColor(30, 120, 200)), qPrintable(describe(img)));
    }

    void followsResizeAndColour()
    {
        VtkOpenGLWidget w;
        w.resize(200, 200);
        w.setBackgroundColor(QColor(250, 40, 10));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(uniform(w.grabFramebuffer(), QColor(250, 40, 10)));

        w.resize(410, 150);
        QTRY_COMPARE(w.size(), QSize(410, 150));
        w.setBackgroundColor(QColor(5, 200, 90));
        const QImage img = w.grabFramebuffer();
        QCOMPARE(img.size(), QSize(410, 150) * w.devicePixelRatio());
        QVERIFY2(uniform(img, QColor(5, 200, 90)), qPrintable(describe(img)));
    }

    // Two bridges in one top-level window: VTK's make-current requests must reach the right context.
    void twoWidgetsOneWindow()
    {
        QWidget top;
        auto *layout = new QHBoxLayout(&top);
        auto *a = new VtkOpenGLWidget;
        auto *b = new VtkOpenGLWidget;
        a->setBackgroundColor(QColor(200, 200, 0));
        b->setBackgroundColor(QColor(0, 60, 220));
        layout->addWidget(a);
        layout->addWidget(b);
        top.resize(500, 250);
        top.show();
        QVERIFY(QTest::qWaitForWindowExposed(&top));
        const QImage ia = a->grabFramebuffer();
        const QImage ib = b->grabFramebuffer();
        QVERIFY2(uniform(ia, QColor(200, 200, 0)), qPrintable(describe(ia)));
        QVERIFY2(uniform(ib, QColor(0, 60, 220)), qPrintable(describe(ib)));
        // What the X server shows: Qt composed both frames into the window.
        const QPoint ca = a->geometry().center() * top.devicePixelRatio(), cb = b->geometry().center() * top.devicePixelRatio();
        QImage window;
        auto composed = [&] {
            window = top.screen()->grabWindow(top.winId()).toImage();
            return near(window.pixel(ca), QColor(200, 200, 0)) && near(window.pixel(cb), QColor(0, 60, 220));
        };
        QTRY_VERIFY2(composed(), qPrintable(describe(window)));
    }

    // QWidget::grab() (what window screenshots use) shows the frame too: VTK's pixels are opaque.
    void widgetGrab()
    {
        QWidget top;
        auto *layout = new QHBoxLayout(&top);
        auto *a = new VtkOpenGLWidget;
        a->setBackgroundColor(QColor(200, 200, 0));
        layout->addWidget(a);
        top.resize(300, 250);
        top.show();
        QVERIFY(QTest::qWaitForWindowExposed(&top));
        const QImage own = a->grab().toImage();
        QVERIFY2(uniform(own, QColor(200, 200, 0)), qPrintable(describe(own)));
        const QImage window = top.grab().toImage();
        const QPoint c = a->geometry().center() * top.devicePixelRatio();
        QVERIFY2(near(window.pixel(c), QColor(200, 200, 0)), qPrintable(describe(window)));
    }

    // Reparenting re-creates the GL context; the bridge must come back with a correct frame.
    void survivesReparenting()
    {
        QWidget first, second;
        auto *w = new VtkOpenGLWidget(&first);
        w->resize(160, 120);
        w->setBackgroundColor(QColor(90, 10, 160));
        first.resize(200, 200);
        first.show();
        QVERIFY(QTest::qWaitForWindowExposed(&first));
        QVERIFY(uniform(w->grabFramebuffer(), QColor(90, 10, 160)));
        w->setParent(&second);
        w->show();
        second.resize(200, 200);
        second.show();
        QVERIFY(QTest::qWaitForWindowExposed(&second));
        w->setBackgroundColor(QColor(10, 170, 160));
        const QImage img = w->grabFramebuffer();
        QVERIFY2(uniform(img, QColor(10, 170, 160)), qPrintable(describe(img)));
    }
};

QTEST_MAIN(TestVtkBridge)
#include "tst_vtkbridge.moc"
