#pragma once
// The geometry of one synthetic image: its WCS numbers (a TAN projection with CRVAL = 0 at Sun centre, CDELT,
// CROTA2, CRPIX, as written in the header) and the observer. The renderer maps every pixel to the solar
// sphere with this closed form instead of calling WCSLIB per pixel:
//   pixel -> intermediate coordinates (CDELT * PC(CROTA2) * (p - CRPIX), radians) = tangent-plane (x, y);
//   the line of sight is (x, y, 1)/sqrt(1 + x^2 + y^2) in (west, north, toward the Sun);
//   it meets the sphere of radius RSUN_REF seen from DSUN_OBS (heliocentric frame, z toward the observer),
//   and heliocentric -> Stonyhurst -> Carrington are fixed rotations by the observer's HGLT, HGLN and L0.
// This is exactly what WCSLIB (HPLN/HPLT-TAN) and core/Wcs::helioprojectiveToStonyhurst compute; the tests
// check it against core/Wcs and sunpy.

#include "core/synthetic/SyntheticObserver.h"

#include <cmath>

namespace solarchip {

struct SyntheticFrameGeometry {
    int width = 0, height = 0;
    double crpix1 = 0, crpix2 = 0;  // FITS, 1-based
    double cdelt1 = 1, cdelt2 = 1;  // arcsec per pixel
    double crota2 = 0;              // degrees
    SyntheticObserver obs;

    // Derived by prepare().
    double dr = 215;                // observer distance in units of RSUN_REF
    double p2t[2][3] = {};          // 0-based pixel (x, y, 1) -> tangent plane (radians)
    double t2p[2][3] = {};          // tangent plane -> 0-based pixel
    double hgsToHelio[3][3] = {};   // rows: heliocentric x (west), y (north), z (to observer) in Stonyhurst
    double carToHelio[3][3] = {};   // Carrington unit vector -> heliocentric
    double helioToCar[3][3] = {};

    /// Computes the derived members from the WCS numbers and the observer.
    void prepare();

    /// Plate scale in arcsec (geometric mean of |CDELT|).
    double plateScale() const { return std::sqrt(std::fabs(cdelt1 * cdelt2)); }
    /// Solar radius in pixels.
    double radiusPixels() const { return obs.rsunArcsec / plateScale(); }

    void pixelToTangent(double px, double py, double &x, double &y) const
    {
        x = p2t[0][0] * px + p2t[0][1] * py + p2t[0][2];
        y = p2t[1][0] * px + p2t[1][1] * py + p2t[1][2];
    }
    void tangentToPixel(double x, double y, double &px, double &py) const
    {
        px = t2p[0][0] * x + t2p[0][1] * y + t2p[0][2];
        py = t2p[1][0] * x + t2p[1][1] * y + t2p[1][2];
    }
    /// Where the line of sight through tangent-plane point (x, y) meets the sphere (heliocentric, units of
    /// RSUN_REF). Off the disk, `p` is the limb point below the ray's closest approach. `rho` is the impact
    /// parameter in solar radii, `mu` the cosine of the heliocentric angle (0 off the disk).
    bool tangentToSurface(double x, double y, double p[3], double &mu, double &rho) const
    {
        const double r2 = x * x + y * y, n2 = 1.0 + r2, n = std::sqrt(n2);
        rho = dr * std::sqrt(r2 / n2);
        const double disc = 1.0 - rho * rho;
        if (disc >= 0.0) {
            mu = std::sqrt(disc);
            const double s = dr / n - mu;
            p[0] = s * x / n;
            p[1] = s * y / n;
            p[2] = dr - s / n;
            return true;
        }
        mu = 0.0;
        // Closest approach C = dr/n^2 (x, y, r2); the limb point is C/|C| (|C| = rho).
        const double k = dr / n2 / rho;
        p[0] = k * x;
        p[1] = k * y;
        p[2] = k * r2;
        return false;
    }
    /// Projects a heliocentric point (units of RSUN_REF) to a 0-based pixel. `hidden` tells whether the
    /// sphere blocks the line of sight to it. Returns false for points behind the observer.
    bool helioToPixel(const double p[3], double &px, double &py, bool *hidden = nullptr) const;

    static void apply(const double m[3][3], const double v[3], double out[3])
    {
        out[0] = m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2];
        out[1] = m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2];
        out[2] = m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2];
    }
    /// Unit vector of a heliographic longitude/latitude (degrees).
    static void lonLatToVector(double lonDeg, double latDeg, double v[3]);
    static void vectorToLonLat(const double v[3], double &lonDeg, double &latDeg);
};

}  // namespace solarchip
