#pragma once
// Schrijver's (2007) R: the unsigned flux near strong-gradient polarity inversion lines, measured on an active
// region's own line-of-sight field as a magnetogram would show it at disk centre. The synthetic Sun ties each
// region's flare rate to it (SyntheticHistory), so what makes a region productive is visible in the images:
// delta spots and mixed (gamma) polarities put strong fields of both signs side by side.
//
// Recipe (the independent Python check in tests/reference/rvalue_reference.py follows the same steps):
//  1. B on a grid of 1450 km pixels (2.0" at 1 AU: MDI's 1.98" of Schrijver's study, and the HMI pixel of a
//     1024-pixel synthetic frame), here the region's Gaussian concentrations on the plane tangent at its centre.
//  2. Masks of strong fields: B > +150 G and B < -150 G.
//  3. Each mask dilated by one pixel (3x3 square); their intersection is the strong-gradient PIL mask.
//  4. The PIL mask convolved with a Gaussian of FWHM 15 Mm (sigma = 15 / 2.3548 Mm), truncated at 3 sigma and
//     divided by the sum of its 1-D profile, so a long straight PIL one pixel wide gets W = 1 on it.
//  5. R = sum over pixels of |B| * W * pixel area, in Mx.

#include "core/synthetic/SyntheticHistory.h"

#include <QVector>

namespace solarchip {

class SyntheticRValue {
public:
    static constexpr double kPixelKm = 1450.0;
    static constexpr double kThresholdG = 150.0;
    static constexpr double kFwhmMm = 15.0;

    /// R (Mx) of the concentrations `comps` (on the sphere) seen face-on around (lonC, latC) in degrees.
    static double ofComponents(const QVector<SyntheticComponent> &comps, double lonC, double latC);
    /// R (Mx) of a field map (Gauss, row-major, NaN = no data) of pixels `pixelKm` on a side.
    static double ofMap(const QVector<float> &b, int width, int height, double pixelKm);
};

}  // namespace solarchip
