#pragma once
// Our own Qt 6 <-> VTK bridge: a QOpenGLWidget that hosts a vtkGenericOpenGLRenderWindow in Qt's OpenGL
// context. Debian's VTK 9.1 Qt module is built for Qt 5 and cannot be loaded in a Qt 6 process, so this
// class does what QVTKOpenGLNativeWidget does there: VTK renders into its own framebuffer inside paintGL()
// and the result is blitted into the widget's framebuffer; mouse, wheel and key events are forwarded to a
// vtkGenericRenderWindowInteractor whose render requests become QWidget::update() calls.
//
// Needs a 3.2+ core profile context (defaultFormat()); call installDefaultFormat() in main() before the
// QApplication exists so every OpenGL widget of the process shares compatible contexts. Works under Xvfb
// (Mesa llvmpipe); a shown QOpenGLWidget does not work with QT_QPA_PLATFORM=offscreen.

#include <QColor>
#include <QOpenGLWidget>
#include <QString>

#include <memory>

class vtkGenericOpenGLRenderWindow;
class vtkRenderWindowInteractor;
class vtkRenderer;

namespace solarchip {

class VtkOpenGLWidget : public QOpenGLWidget {
    Q_OBJECT
public:
    explicit VtkOpenGLWidget(QWidget *parent = nullptr);
    ~VtkOpenGLWidget() override;

    /// OpenGL 3.2 core profile, 24-bit depth, 8-bit stencil, no multisampling (VTK renders off-screen).
    static QSurfaceFormat defaultFormat();
    /// QSurfaceFormat::setDefaultFormat(defaultFormat()); call before constructing QApplication.
    static void installDefaultFormat();

    /// The VTK window rendered by this widget (owned by the widget).
    vtkGenericOpenGLRenderWindow *renderWindow() const;
    /// The renderer that fills the window (created with the widget).
    vtkRenderer *renderer() const;
    /// The interactor fed with this widget's mouse, wheel and key events.
    vtkRenderWindowInteractor *interactor() const;

    void setBackgroundColor(const QColor &color);
    QColor backgroundColor() const;

    /// "4.5 (Core Profile) Mesa ..." once the context is initialised; empty before.
    QString glVersionString() const;
    /// Whether initializeGL() succeeded in setting VTK up in Qt's context.
    bool isVtkInitialized() const;
    /// Frames VTK rendered in paintGL() so far (diagnostics and tests).
    int renderedFrames() const;

protected:
    void initializeGL() override;
    void resizeGL(int w, int h) override;
    void paintGL() override;

    void mousePressEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void keyReleaseEvent(QKeyEvent *event) override;
    void enterEvent(QEnterEvent *event) override;
    void leaveEvent(QEvent *event) override;

    /// Called at the start of paintGL() before VTK renders (subclasses update their pipeline here).
    virtual void aboutToRender() {}

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

}  // namespace solarchip
