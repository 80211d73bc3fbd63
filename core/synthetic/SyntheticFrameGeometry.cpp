#include "core/synthetic/SyntheticFrameGeometry.h"

namespace solarchip {

namespace {
constexpr double kDeg = M_PI / 180.0;

void multiply(const double a[3][3], const double b[3][3], double out[3][3])
{
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
            out[i][j] = a[i][0] * b[0][j] + a[i][1] * b[1][j] + a[i][2] * b[2][j];
}
}  // namespace

void SyntheticFrameGeometry::lonLatToVector(double lonDeg, double latDeg, double v[3])
{
    const double lon = lonDeg * kDeg, lat = latDeg * kDeg;
    v[0] = std::cos(lat) * std::cos(lon);
    v[1] = std::cos(lat) * std::sin(lon);
    v[2] = std::sin(lat);
}

void SyntheticFrameGeometry::vectorToLonLat(const double v[3], double &lonDeg, double &latDeg)
{
    lonDeg = std::atan2(v[1], v[0]) / kDeg;
    latDeg = std::atan2(v[2], std::sqrt(v[0] * v[0] + v[1] * v[1])) / kDeg;
}

void SyntheticFrameGeometry::prepare()
{
    dr = obs.observer.dsun / obs.observer.rsun;
    // WCSLIB's reading of CROTA2 (the AIPS convention): PC1_1 = cos, PC1_2 = -sin * CDELT2/CDELT1,
    // PC2_1 = sin * CDELT1/CDELT2, PC2_2 = cos.
    const double c = std::cos(crota2 * kDeg), s = std::sin(crota2 * kDeg);
    const double pc[2][2] = {{c, -s * cdelt2 / cdelt1}, {s * cdelt1 / cdelt2, c}};
    const double k1 = cdelt1 / 3600.0 * kDeg, k2 = cdelt2 / 3600.0 * kDeg;
    // 0-based pixel x is FITS pixel x + 1.
    const double ox = 1.0 - crpix1, oy = 1.0 - crpix2;
    p2t[0][0] = k1 * pc[0][0];
    p2t[0][1] = k1 * pc[0][1];
    p2t[0][2] = k1 * (pc[0][0] * ox + pc[0][1] * oy);
    p2t[1][0] = k2 * pc[1][0];
    p2t[1][1] = k2 * pc[1][1];
    p2t[1][2] = k2 * (pc[1][0] * ox + pc[1][1] * oy);
    const double det = p2t[0][0] * p2t[1][1] - p2t[0][1] * p2t[1][0];
    t2p[0][0] = p2t[1][1] / det;
    t2p[0][1] = -p2t[0][1] / det;
    t2p[1][0] = -p2t[1][0] / det;
    t2p[1][1] = p2t[0][0] / det;
    t2p[0][2] = -(t2p[0][0] * p2t[0][2] + t2p[0][1] * p2t[1][2]);
    t2p[1][2] = -(t2p[1][0] * p2t[0][2] + t2p[1][1] * p2t[1][2]);

    // Heliocentric axes in Stonyhurst Cartesian: z toward the observer (HGLN L, HGLT B), y the projection of
    // the solar north pole on the plane of the sky, x = y cross z (solar west).
    const double L = obs.observer.hgln * kDeg, B = obs.observer.hglt * kDeg;
    const double cL = std::cos(L), sL = std::sin(L), cB = std::cos(B), sB = std::sin(B);
    const double h[3][3] = {{-sL, cL, 0.0}, {-sB * cL, -sB * sL, cB}, {cB * cL, cB * sL, sB}};
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
            hgsToHelio[i][j] = h[i][j];
    // Carrington longitude = Stonyhurst longitude + L0: Stonyhurst = Rz(-L0) Carrington.
    const double l0 = obs.l0Deg * kDeg;
    const double rz[3][3] = {{std::cos(l0), std::sin(l0), 0.0}, {-std::sin(l0), std::cos(l0), 0.0}, {0.0, 0.0, 1.0}};
    multiply(hgsToHelio, rz, carToHelio);
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
            helioToCar[i][j] = carToHelio[j][i];
}

bool SyntheticFrameGeometry::helioToPixel(const double p[3], double &px, double &py, bool *hidden) const
{
    const double depth = dr - p[2];  // distance along the line of sight toward the Sun
    if (depth <= 0) {
        px = py = std::nan("");
        if (hidden)
            *hidden = true;
        return false;
    }
    const double x = p[0] / depth, y = p[1] / depth;
    tangentToPixel(x, y, px, py);
    if (hidden) {
        // Blocked when the segment observer -> p enters the unit sphere before reaching p.
        const double d[3] = {p[0], p[1], p[2] - dr};
        const double a = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
        const double b = 2.0 * dr * d[2];
        const double c = dr * dr - 1.0;
        const double disc = b * b - 4.0 * a * c;
        bool blocked = false;
        if (disc > 0) {
            const double t = (-b - std::sqrt(disc)) / (2.0 * a);
            blocked = t > 0.0 && t < 1.0 - 1e-7;  // a visible surface point is met at t = 1
        }
        *hidden = blocked;
    }
    return true;
}

}  // namespace solarchip
