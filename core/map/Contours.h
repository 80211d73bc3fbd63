#pragma once
// Iso-lines of a map (the HMI magnetogram's +-100 and +-500 G drawn over AIA, as DS9's contours and sunpy's
// draw_contours do), by marching squares over the pixel centres: 0-based pixel coordinates, x along NAXIS1 and
// y along NAXIS2 (the FITS order MapView's pixel transform takes), the crossings linearly interpolated along
// the cell edges. The result is line segments, one or two per cell, which is what drawing needs (no joining
// into polylines). A cell whose four corners straddle the level diagonally (a saddle) is split by the mean of
// its corners. Cells with a NaN corner give nothing (off-disk HMI, blank pixels).

#include "core/base/Image.h"

#include <QLineF>

#include <vector>

namespace solarchip {

std::vector<QLineF> contourSegments(const Image &image, double level);

}  // namespace solarchip
