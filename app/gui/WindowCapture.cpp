#include "app/gui/WindowCapture.h"

#include "core/base/AtomicFile.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QOpenGLWidget>
#include <QPainter>
#include <QWidget>

namespace solarchip {

QImage WindowCapture::grab(QWidget *window)
{
    QImage image = window->grab().toImage().convertToFormat(QImage::Format_RGB32);
    // QWidget::grab() draws OpenGL widgets from their last frame; paint them again from their framebuffer so
    // the capture shows what is rendered now, whatever the platform plugin does with GL children.
    QPainter painter(&image);
    for (QOpenGLWidget *gl : window->findChildren<QOpenGLWidget *>()) {
        if (!gl->isVisible())
            continue;
        const QImage frame = gl->grabFramebuffer();
        if (frame.isNull())
            continue;
        const QPoint at = gl->mapTo(window, QPoint(0, 0));
        painter.drawImage(QRectF(at.x(), at.y(), gl->width(), gl->height()), frame);
        // Widgets over the GL picture (the globe's caption and colour bar) go back on top of it.
        for (QWidget *child : gl->findChildren<QWidget *>(Qt::FindDirectChildrenOnly))
            if (child->isVisible() && !qobject_cast<QOpenGLWidget *>(child))
                child->render(&painter, at + child->pos(), QRegion(), QWidget::DrawWindowBackground | QWidget::DrawChildren);
    }
    return image;
}

Status WindowCapture::save(QWidget *window, const QString &path)
{
    const QImage image = grab(window);
    if (image.isNull())
        return Error{path, QCoreApplication::translate("solarchip::WindowCapture", "the window could not be rendered")};
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    if (!image.save(&buffer, "PNG"))
        return Error{path, QCoreApplication::translate("solarchip::WindowCapture", "could not encode the PNG")};
    return writeFileAtomically(path, png);
}

}  // namespace solarchip
