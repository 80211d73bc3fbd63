#pragma once
// Helpers for the GUI tests that look at what a map view draws (header-only: widgets and app tests include it).

#include "widgets/MapView.h"

#include <QImage>
#include <QPointF>

#include <algorithm>

namespace solarchip::test {

/// The view's pixels (device pixels, as grabbed) within `radius` of a 0-based map pixel.
inline QImage viewPixelsAround(MapView *view, const QPointF &pixel, int radius)
{
    const QImage img = view->grab().toImage();
    const QPointF c = view->mapToWidget(pixel) * img.devicePixelRatio();
    return img.copy(int(c.x()) - radius, int(c.y()) - radius, 2 * radius + 1, 2 * radius + 1);
}

/// How many pixels differ between two images, over the size they share.
inline int differingPixels(const QImage &a, const QImage &b)
{
    int n = 0;
    for (int y = 0; y < std::min(a.height(), b.height()); ++y)
        for (int x = 0; x < std::min(a.width(), b.width()); ++x)
            n += a.pixel(x, y) != b.pixel(x, y);
    return n;
}

}  // namespace solarchip::test
