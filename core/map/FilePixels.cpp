#include "core/map/FilePixels.h"

#include <cmath>

namespace solarchip {

FilePixels FilePixels::identity(const QString &file, int width, int height)
{
    FilePixels f;
    f.known = true;
    f.file = file;
    f.width = width;
    f.height = height;
    return f;
}

bool FilePixels::isIdentity() const
{
    return known && !resampled && a11 == 1 && a12 == 0 && a21 == 0 && a22 == 1 && b1 == 0 && b2 == 0;
}

void FilePixels::toFile(double x, double y, double &fx, double &fy) const
{
    fx = a11 * x + a12 * y + b1;
    fy = a21 * x + a22 * y + b2;
}

bool FilePixels::nearestFilePixel(double x, double y, int &ix, int &iy) const
{
    if (!known)
        return false;
    double fx = 0, fy = 0;
    toFile(x, y, fx, fy);
    if (!std::isfinite(fx) || !std::isfinite(fy))
        return false;
    ix = static_cast<int>(std::floor(fx + 0.5));
    iy = static_cast<int>(std::floor(fy + 0.5));
    return ix >= 0 && iy >= 0 && ix < width && iy < height;
}

FilePixels FilePixels::composedWith(double i11, double i12, double i21, double i22, double c1, double c2) const
{
    FilePixels f = *this;
    f.a11 = a11 * i11 + a12 * i21;
    f.a12 = a11 * i12 + a12 * i22;
    f.a21 = a21 * i11 + a22 * i21;
    f.a22 = a21 * i12 + a22 * i22;
    f.b1 = a11 * c1 + a12 * c2 + b1;
    f.b2 = a21 * c1 + a22 * c2 + b2;
    return f;
}

FilePixels FilePixels::afterAreaAverage(int w0, int h0, int w, int h) const
{
    if (w <= 0 || h <= 0)
        return *this;
    const double sx = double(w0) / w, sy = double(h0) / h;
    return composedWith(sx, 0, 0, sy, 0.5 * sx - 0.5, 0.5 * sy - 0.5);
}

}  // namespace solarchip
