#pragma once
// Where the pixels of a map lie on the pixels of the file it was read from. Display preparation changes the
// pixel grid: a JPEG2000 file is decoded at a coarser wavelet level, a large map is block-averaged to the
// display size, an HMI magnetogram is resampled onto the AIA grid of its set. The readout must still speak
// the file's own pixels (as DS9 does) and read the file's own values there, so every display map carries
// this mapping: file pixel = A * map pixel + b, both 0-based FITS pixel coordinates (FITS pixel minus one,
// the pixel centre at integers, as everywhere in the product). For block averaging and wavelet levels the
// mapping is exact; for a co-registration it is the affine fit of the resampling at the map centre (exact for
// maps of one observer, which differ by rotation, scale and shift only).

#include <QString>

namespace solarchip {

struct FilePixels {
    bool known = false;     // false: the map has no file of its own (a synthetic or difference map)
    QString file;           // the file read (FITS or JPEG2000)
    int width = 0;          // the file's image at full resolution
    int height = 0;
    double a11 = 1, a12 = 0, a21 = 0, a22 = 1;  // file x = a11 x + a12 y + b1
    double b1 = 0, b2 = 0;                      // file y = a21 x + a22 y + b2
    bool resampled = false;  // through a co-registration (interpolated values, an approximate file pixel)
    bool derived = false;    // the map's values are not the file's (a difference image): read them from the file

    /// The map is the file itself, pixel for pixel.
    static FilePixels identity(const QString &file, int width, int height);
    /// The map's pixel grid is the file's (its values may still be derived).
    bool isIdentity() const;
    /// The map's pixels and values are the file's.
    bool holdsFileValues() const { return isIdentity() && !derived; }
    /// Map pixel -> file pixel (continuous, 0-based).
    void toFile(double x, double y, double &fx, double &fy) const;
    /// The nearest file pixel to a map pixel position; false when it falls outside the file's image.
    bool nearestFilePixel(double x, double y, int &ix, int &iy) const;
    /// This mapping after the map went through a grid change `inner` (new pixel -> old pixel): file =
    /// this(inner(p)).
    FilePixels composedWith(double i11, double i12, double i21, double i22, double c1, double c2) const;
    /// After area-averaging a w0 x h0 map to w x h (output pixel q covers input [q s, (q+1) s), its centre is
    /// input (q + 0.5) s - 0.5, as in Resample::areaAverageFrame).
    FilePixels afterAreaAverage(int w0, int h0, int w, int h) const;
};

}  // namespace solarchip
