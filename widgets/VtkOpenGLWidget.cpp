#include "widgets/VtkOpenGLWidget.h"

#include <vtkCallbackCommand.h>
#include <vtkCommand.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkGenericRenderWindowInteractor.h>
#include <vtkInteractorStyleTrackballCamera.h>
#include <vtkOpenGLFramebufferObject.h>
#include <vtkOpenGLState.h>
#include <vtkRenderer.h>
#include <vtkSmartPointer.h>

#include <QCursor>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QOpenGLContext>
#include <QOpenGLFunctions>
#include <QSurfaceFormat>
#include <QWheelEvent>

#include <cmath>

namespace solarchip {

struct VtkOpenGLWidget::Impl {
    VtkOpenGLWidget *q = nullptr;
    vtkSmartPointer<vtkGenericOpenGLRenderWindow> window;
    vtkSmartPointer<vtkRenderer> renderer;
    vtkSmartPointer<vtkGenericRenderWindowInteractor> interactor;
    vtkSmartPointer<vtkCallbackCommand> windowObserver;
    vtkSmartPointer<vtkCallbackCommand> renderObserver;
    QColor background = QColor(0, 0, 0);
    QString glVersion;
    bool initialized = false;
    bool inPaint = false;
    int frames = 0;
    int wheelAccumulated = 0;
    QMetaObject::Connection contextConnection;  // touchpads send fractions of a notch

    // Device pixels: VTK works in framebuffer pixels, Qt events come in device-independent pixels.
    int devicePixels(double logical) const { return static_cast<int>(std::lround(logical * q->devicePixelRatioF())); }

    // VTK asks through events for what it cannot do itself with a context it does not own.
    static void onWindowEvent(vtkObject *, unsigned long eventId, void *clientData, void *callData)
    {
        auto *self = static_cast<Impl *>(clientData);
        QOpenGLContext *ctx = self->q->context();
        switch (eventId) {
        case vtkCommand::WindowMakeCurrentEvent:
            // Not QOpenGLWidget::makeCurrent(): that would also rebind Qt's FBO behind VTK's state cache.
            if (ctx && QOpenGLContext::currentContext() != ctx)
                ctx->makeCurrent(ctx->surface());
            break;
        case vtkCommand::WindowIsCurrentEvent:
            *static_cast<bool *>(callData) = ctx && QOpenGLContext::currentContext() == ctx;
            break;
        case vtkCommand::WindowIsDirectEvent:
            *static_cast<int *>(callData) = 1;
            break;
        case vtkCommand::WindowSupportsOpenGLEvent:
            *static_cast<int *>(callData) = ctx ? 1 : 0;
            break;
        case vtkCommand::WindowFrameEvent:
            // A render outside paintGL (someone called Render() directly): show it on the next paint.
            if (!self->inPaint)
                self->q->update();
            break;
        default:
            break;
        }
    }

    // The interactor never renders by itself (EnableRender off): its requests become repaints.
    static void onRenderRequest(vtkObject *, unsigned long, void *clientData, void *)
    {
        static_cast<Impl *>(clientData)->q->update();
    }

    int modifiers(Qt::KeyboardModifiers m, int &shift) const
    {
        shift = (m & Qt::ShiftModifier) ? 1 : 0;
        return (m & Qt::ControlModifier) ? 1 : 0;
    }

    void setPointerInfo(const QPointF &pos, Qt::KeyboardModifiers m, int repeat = 0)
    {
        int shift = 0;
        const int ctrl = modifiers(m, shift);
        interactor->SetAltKey((m & Qt::AltModifier) ? 1 : 0);
        interactor->SetEventInformationFlipY(devicePixels(pos.x()), devicePixels(pos.y()), ctrl, shift, 0, repeat);
    }
};

VtkOpenGLWidget::VtkOpenGLWidget(QWidget *parent) : QOpenGLWidget(parent), d(std::make_unique<Impl>())
{
    d->q = this;
    setFormat(defaultFormat());
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
    setMinimumSize(64, 64);

    d->window = vtkSmartPointer<vtkGenericOpenGLRenderWindow>::New();
    // Until initializeGL() made Qt's context available, VTK must not try to render.
    d->window->SetReadyForRendering(false);
    d->window->SetOwnContext(false);
    d->window->SetFrameBlitModeToNoBlit();  // paintGL() blits into Qt's framebuffer itself
    d->window->SetMultiSamples(0);
    d->window->SetForceMaximumHardwareLineWidth(1);

    d->windowObserver = vtkSmartPointer<vtkCallbackCommand>::New();
    d->windowObserver->SetClientData(d.get());
    d->windowObserver->SetCallback(&Impl::onWindowEvent);
    for (unsigned long e : {vtkCommand::WindowMakeCurrentEvent, vtkCommand::WindowIsCurrentEvent,
                            vtkCommand::WindowIsDirectEvent, vtkCommand::WindowSupportsOpenGLEvent,
                            vtkCommand::WindowFrameEvent})
        d->window->AddObserver(e, d->windowObserver);

    d->renderer = vtkSmartPointer<vtkRenderer>::New();
    d->renderer->SetBackground(0, 0, 0);
    // Opaque: VTK's default background alpha is 0, which QWidget::grab() and Qt's compositing would
    // treat as transparent (the widget would vanish from screenshots).
    d->renderer->SetBackgroundAlpha(1.0);
    d->window->AddRenderer(d->renderer);

    d->interactor = vtkSmartPointer<vtkGenericRenderWindowInteractor>::New();
    d->interactor->SetRenderWindow(d->window);
    d->interactor->EnableRenderOff();
    auto style = vtkSmartPointer<vtkInteractorStyleTrackballCamera>::New();
    d->interactor->SetInteractorStyle(style);
    d->renderObserver = vtkSmartPointer<vtkCallbackCommand>::New();
    d->renderObserver->SetClientData(d.get());
    d->renderObserver->SetCallback(&Impl::onRenderRequest);
    d->interactor->AddObserver(vtkCommand::RenderEvent, d->renderObserver);
    d->interactor->Initialize();
}

VtkOpenGLWidget::~VtkOpenGLWidget()
{
    // QOpenGLWidget's destructor destroys the context after this one has run: no callback into us then.
    disconnect(d->contextConnection);
    // Release VTK's GL objects in the context that owns them, then drop the observers that point here.
    if (d->initialized && context()) {
        makeCurrent();
        d->window->Finalize();
        doneCurrent();
    }
    d->window->RemoveObserver(d->windowObserver);
    d->interactor->RemoveObserver(d->renderObserver);
}

QSurfaceFormat VtkOpenGLWidget::defaultFormat()
{
    QSurfaceFormat f;
    f.setRenderableType(QSurfaceFormat::OpenGL);
    f.setVersion(3, 2);
    f.setProfile(QSurfaceFormat::CoreProfile);
    f.setRedBufferSize(8);
    f.setGreenBufferSize(8);
    f.setBlueBufferSize(8);
    f.setAlphaBufferSize(8);
    f.setDepthBufferSize(24);
    f.setStencilBufferSize(8);
    f.setSamples(0);
    f.setSwapBehavior(QSurfaceFormat::DoubleBuffer);
    return f;
}

void VtkOpenGLWidget::installDefaultFormat() { QSurfaceFormat::setDefaultFormat(defaultFormat()); }

vtkGenericOpenGLRenderWindow *VtkOpenGLWidget::renderWindow() const { return d->window; }
vtkRenderer *VtkOpenGLWidget::renderer() const { return d->renderer; }
vtkRenderWindowInteractor *VtkOpenGLWidget::interactor() const { return d->interactor; }

void VtkOpenGLWidget::setBackgroundColor(const QColor &color)
{
    d->background = color;
    d->renderer->SetBackground(color.redF(), color.greenF(), color.blueF());
    update();
}

QColor VtkOpenGLWidget::backgroundColor() const { return d->background; }
QString VtkOpenGLWidget::glVersionString() const { return d->glVersion; }
bool VtkOpenGLWidget::isVtkInitialized() const { return d->initialized; }
int VtkOpenGLWidget::renderedFrames() const { return d->frames; }

void VtkOpenGLWidget::initializeGL()
{
    QOpenGLContext *ctx = context();
    if (!ctx || !ctx->isValid())
        return;
    const QSurfaceFormat f = ctx->format();
    const auto *version = reinterpret_cast<const char *>(ctx->functions()->glGetString(GL_VERSION));
    d->glVersion = version ? QString::fromLatin1(version) : QString();
    if (f.majorVersion() * 10 + f.minorVersion() < 32) {
        qWarning("VtkOpenGLWidget: OpenGL %d.%d context; VTK needs 3.2 or newer", f.majorVersion(), f.minorVersion());
        return;
    }
    d->window->SetOwnContext(false);
    d->window->SetSize(d->devicePixels(width()), d->devicePixels(height()));
    d->window->OpenGLInitContext();
    d->window->SetReadyForRendering(true);
    d->interactor->UpdateSize(d->devicePixels(width()), d->devicePixels(height()));
    d->initialized = true;
    // Reparenting or closing destroys the context: free VTK's GL objects while it still exists.
    disconnect(d->contextConnection);
    d->contextConnection = connect(ctx, &QOpenGLContext::aboutToBeDestroyed, this, [this] {
        if (!d->initialized)
            return;
        makeCurrent();
        d->window->ReleaseGraphicsResources(d->window);
        doneCurrent();
        d->initialized = false;
        d->window->SetReadyForRendering(false);
    });
}

void VtkOpenGLWidget::resizeGL(int w, int h)
{
    const int pw = d->devicePixels(w), ph = d->devicePixels(h);
    d->window->SetSize(pw, ph);
    d->interactor->UpdateSize(pw, ph);
    d->interactor->InvokeEvent(vtkCommand::ConfigureEvent, nullptr);
}

void VtkOpenGLWidget::paintGL()
{
    if (!d->initialized)
        return;
    aboutToRender();
    const int pw = d->devicePixels(width()), ph = d->devicePixels(height());
    if (d->window->GetSize()[0] != pw || d->window->GetSize()[1] != ph)
        d->window->SetSize(pw, ph);

    vtkOpenGLState *state = d->window->GetState();
    d->inPaint = true;
    // Qt touched GL state since VTK's last frame: let VTK's state cache re-read it, and restore Qt's after.
    state->Reset();
    state->Push();
    d->window->Render();
    state->Pop();
    d->inPaint = false;
    ++d->frames;

    // Blit VTK's display framebuffer into the widget's framebuffer (the one Qt composes or grabs).
    // A render above may have triggered other widgets' updates: make sure our context is current.
    QOpenGLContext *ctx = context();
    if (QOpenGLContext::currentContext() != ctx)
        ctx->makeCurrent(ctx->surface());
    state->PushFramebufferBindings();
    state->vtkglBindFramebuffer(GL_DRAW_FRAMEBUFFER, defaultFramebufferObject());
    state->vtkglViewport(0, 0, pw, ph);
    state->vtkglScissor(0, 0, pw, ph);
    state->vtkglDisable(GL_SCISSOR_TEST);
    d->window->BlitDisplayFramebuffer(0, 0, 0, pw, ph, 0, 0, pw, ph, GL_COLOR_BUFFER_BIT, GL_NEAREST);
    // The widget is opaque: its pixels are the colours VTK rendered, alpha 1. VTK's alpha channel is not
    // coverage: its order-independent translucency pass (how VTK 9.1 draws any actor with opacity < 1
    // without depth peeling) leaves the transmittance there, 0 over an almost opaque surface. Qt composes
    // the widget's framebuffer as premultiplied ARGB, so a low alpha let the window's grey through and
    // colour channels above alpha overflowed into magenta and cyan fringes.
    {
        vtkOpenGLState::ScopedglColorMask mask(state);
        vtkOpenGLState::ScopedglClearColor clearColor(state);
        state->vtkglColorMask(GL_FALSE, GL_FALSE, GL_FALSE, GL_TRUE);
        state->vtkglClearColor(0.0f, 0.0f, 0.0f, 1.0f);
        state->vtkglClear(GL_COLOR_BUFFER_BIT);
    }
    state->PopFramebufferBindings();
}

void VtkOpenGLWidget::mousePressEvent(QMouseEvent *event)
{
    d->setPointerInfo(event->position(), event->modifiers());
    switch (event->button()) {
    case Qt::LeftButton: d->interactor->InvokeEvent(vtkCommand::LeftButtonPressEvent, event); break;
    case Qt::MiddleButton: d->interactor->InvokeEvent(vtkCommand::MiddleButtonPressEvent, event); break;
    case Qt::RightButton: d->interactor->InvokeEvent(vtkCommand::RightButtonPressEvent, event); break;
    default: break;
    }
    event->accept();
}

void VtkOpenGLWidget::mouseDoubleClickEvent(QMouseEvent *event)
{
    d->setPointerInfo(event->position(), event->modifiers(), 1);
    switch (event->button()) {
    case Qt::LeftButton: d->interactor->InvokeEvent(vtkCommand::LeftButtonDoubleClickEvent, event); break;
    case Qt::MiddleButton: d->interactor->InvokeEvent(vtkCommand::MiddleButtonDoubleClickEvent, event); break;
    case Qt::RightButton: d->interactor->InvokeEvent(vtkCommand::RightButtonDoubleClickEvent, event); break;
    default: break;
    }
    event->accept();
}

void VtkOpenGLWidget::mouseReleaseEvent(QMouseEvent *event)
{
    d->setPointerInfo(event->position(), event->modifiers());
    switch (event->button()) {
    case Qt::LeftButton: d->interactor->InvokeEvent(vtkCommand::LeftButtonReleaseEvent, event); break;
    case Qt::MiddleButton: d->interactor->InvokeEvent(vtkCommand::MiddleButtonReleaseEvent, event); break;
    case Qt::RightButton: d->interactor->InvokeEvent(vtkCommand::RightButtonReleaseEvent, event); break;
    default: break;
    }
    event->accept();
}

void VtkOpenGLWidget::mouseMoveEvent(QMouseEvent *event)
{
    d->setPointerInfo(event->position(), event->modifiers());
    d->interactor->InvokeEvent(vtkCommand::MouseMoveEvent, event);
    event->accept();
}

void VtkOpenGLWidget::wheelEvent(QWheelEvent *event)
{
    d->setPointerInfo(event->position(), event->modifiers());
    // One notch is 120 eighths of a degree; touchpads send smaller steps, accumulated here.
    int &accumulated = d->wheelAccumulated;
    accumulated += event->angleDelta().y();
    while (accumulated >= 120) {
        d->interactor->InvokeEvent(vtkCommand::MouseWheelForwardEvent, event);
        accumulated -= 120;
    }
    while (accumulated <= -120) {
        d->interactor->InvokeEvent(vtkCommand::MouseWheelBackwardEvent, event);
        accumulated += 120;
    }
    event->accept();
}

void VtkOpenGLWidget::keyPressEvent(QKeyEvent *event)
{
    int shift = 0;
    const int ctrl = d->modifiers(event->modifiers(), shift);
    const QByteArray text = event->text().toLatin1();
    const char code = text.size() == 1 ? text[0] : 0;
    const QPoint pos = mapFromGlobal(QCursor::pos());
    d->interactor->SetEventInformationFlipY(d->devicePixels(pos.x()), d->devicePixels(pos.y()), ctrl, shift,
                                            code, event->isAutoRepeat() ? 1 : 0, text.constData());
    d->interactor->InvokeEvent(vtkCommand::KeyPressEvent, event);
    if (code)
        d->interactor->InvokeEvent(vtkCommand::CharEvent, event);
    event->accept();
}

void VtkOpenGLWidget::keyReleaseEvent(QKeyEvent *event)
{
    int shift = 0;
    const int ctrl = d->modifiers(event->modifiers(), shift);
    const QByteArray text = event->text().toLatin1();
    const char code = text.size() == 1 ? text[0] : 0;
    d->interactor->SetKeyEventInformation(ctrl, shift, code, 0, text.constData());
    d->interactor->InvokeEvent(vtkCommand::KeyReleaseEvent, event);
    event->accept();
}

void VtkOpenGLWidget::enterEvent(QEnterEvent *event)
{
    d->setPointerInfo(event->position(), event->modifiers());
    d->interactor->InvokeEvent(vtkCommand::EnterEvent, event);
}

void VtkOpenGLWidget::leaveEvent(QEvent *event)
{
    d->interactor->InvokeEvent(vtkCommand::LeaveEvent, event);
}

}  // namespace solarchip
