#pragma once
// What the OpenGL widget tests (VTK views under Xvfb) share: the surface format installed before the application
// exists, and the check that a display can show an OpenGL widget, made by each test's initTestCase so that the
// tests skip, with a reason, where none can (the offscreen platform) instead of failing on a missing context.

#include "widgets/VtkOpenGLWidget.h"

#include <QGuiApplication>
#include <QtTest>

namespace solarchip::test {

/// True where OpenGL widgets can be shown: the xcb platform (a real display or Xvfb, as scripts/test.sh runs).
inline bool glDisplayAvailable()
{
    return QGuiApplication::platformName() == QLatin1String("xcb");
}

/// Derived from by an OpenGL widget test class (besides QObject): QTEST_MAIN calls initMain() before
/// QApplication exists, so every GL widget of the process gets the core-profile format VTK needs.
struct GlWidgetTest {
    static void initMain() { VtkOpenGLWidget::installDefaultFormat(); }
};

}  // namespace solarchip::test

/// Skips the calling test function (from initTestCase: the whole test) where no display can show OpenGL widgets.
#define SOLARCHIP_SKIP_WITHOUT_GL_DISPLAY()                                                                          \
    do {                                                                                                             \
        if (!solarchip::test::glDisplayAvailable())                                                                  \
            QSKIP("OpenGL widget tests need a display (run under Xvfb with QT_QPA_PLATFORM=xcb, as scripts/test.sh does)"); \
    } while (0)
