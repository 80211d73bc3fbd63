#pragma once
// Renders a whole window, OpenGL children (the VTK globe) included, into an image, and writes it as PNG
// atomically. Used by File > Save window image and by --screenshot.

#include "core/base/Expected.h"

#include <QImage>

class QWidget;

namespace solarchip {

class WindowCapture {
public:
    static QImage grab(QWidget *window);
    /// Writes grab(window) to `path` (temporary + rename); the error names the file.
    static Status save(QWidget *window, const QString &path);
};

}  // namespace solarchip
