#include "widgets/detail/GlobeGeometry.h"

#include <vtkCellArray.h>
#include <vtkFloatArray.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>

#include <cmath>
#include <vector>

namespace solarchip {

namespace {

constexpr double kDeg = M_PI / 180.0;
constexpr double kAuRadii = 1.495978707e11 / 696000000.0;

void unitVector(double lonDeg, double latDeg, double out[3])
{
    const double lon = lonDeg * kDeg, lat = latDeg * kDeg;
    out[0] = std::cos(lat) * std::cos(lon);
    out[1] = std::cos(lat) * std::sin(lon);
    out[2] = std::sin(lat);
}

// Tangent-plane coordinates of a helioprojective direction as seen by a camera at the observer looking at
// the Sun centre, north up: the gnomonic projection about (0, 0).
bool tangentPlane(double txArcsec, double tyArcsec, double &u, double &v)
{
    const double tx = txArcsec / 3600.0 * kDeg, ty = tyArcsec / 3600.0 * kDeg;
    if (!(std::cos(tx) > 0))
        return false;
    u = std::tan(tx);
    v = std::tan(ty) / std::cos(tx);
    return std::isfinite(u) && std::isfinite(v);
}

}  // namespace

double observerDistanceRadii(const Observer &obs)
{
    const double r = obs.rsun > 0 ? obs.rsun : 696000000.0;
    const double d = obs.dsun / r;
    // Below 2 radii (or NaN) the keyword is not a distance in metres; SDO headers sometimes carry junk.
    return std::isfinite(d) && d > 2.0 ? d : kAuRadii;
}

void observerPosition(const Observer &obs, double pos[3])
{
    unitVector(std::isfinite(obs.hgln) ? obs.hgln : 0.0, std::isfinite(obs.hglt) ? obs.hglt : 0.0, pos);
    const double d = observerDistanceRadii(obs);
    for (int i = 0; i < 3; ++i)
        pos[i] *= d;
}

bool observerBasis(const Observer &obs, double o[3], double w[3], double n[3])
{
    observerPosition(obs, o);
    const double d = std::sqrt(o[0] * o[0] + o[1] * o[1] + o[2] * o[2]);
    for (int i = 0; i < 3; ++i)
        o[i] /= d;
    // North: the solar axis (z) minus its part along the line of sight; west = north x toward-observer.
    n[0] = -o[2] * o[0];
    n[1] = -o[2] * o[1];
    n[2] = 1.0 - o[2] * o[2];
    const double nn = std::sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
    if (nn < 1e-9)
        return false;
    for (int i = 0; i < 3; ++i)
        n[i] /= nn;
    w[0] = n[1] * o[2] - n[2] * o[1];
    w[1] = n[2] * o[0] - n[0] * o[2];
    w[2] = n[0] * o[1] - n[1] * o[0];
    return true;
}

bool framingCoversDisk(const GlobeFraming &f, const Observer &obs)
{
    const double tanDisk = std::tan(std::asin(1.0 / observerDistanceRadii(obs)));
    return std::fabs(f.centerU) + tanDisk <= f.halfWidth && std::fabs(f.centerV) + tanDisk <= f.halfHeight;
}

void framingPivot(const GlobeFraming &f, const Observer &obs, double out[3])
{
    double o[3], w[3], n[3];
    out[0] = out[1] = out[2] = 0.0;
    if (!observerBasis(obs, o, w, n))
        return;
    const double d = observerDistanceRadii(obs);
    double dir[3];
    for (int i = 0; i < 3; ++i)
        dir[i] = -o[i] + f.centerU * w[i] + f.centerV * n[i];
    const double len = std::sqrt(dir[0] * dir[0] + dir[1] * dir[1] + dir[2] * dir[2]);
    for (double &c : dir)
        c /= len;
    // |O + t dir| = 1 with O = d o: t^2 + 2 t (O.dir) + d^2 - 1 = 0, nearest root; else the closest approach.
    const double b = d * (o[0] * dir[0] + o[1] * dir[1] + o[2] * dir[2]);
    const double disc = b * b - (d * d - 1.0);
    const double t = disc >= 0 ? -b - std::sqrt(disc) : -b;
    for (int i = 0; i < 3; ++i)
        out[i] = d * o[i] + t * dir[i];
}

GlobeFraming fullDiskFraming(const Observer &obs)
{
    const double d = observerDistanceRadii(obs);
    const double tanDisk = std::tan(std::asin(1.0 / d));
    GlobeFraming f;
    f.halfWidth = f.halfHeight = 1.15 * tanDisk;
    return f;
}

GlobeFraming mapFraming(const Wcs &wcs, int naxis1, int naxis2, const Observer &obs)
{
    if (naxis1 <= 0 || naxis2 <= 0)
        return fullDiskFraming(obs);
    // The pixel-edge outline of the image (corners and edge midpoints).
    const double x0 = -0.5, x1 = naxis1 - 0.5, y0 = -0.5, y1 = naxis2 - 0.5;
    const double xm = 0.5 * (x0 + x1), ym = 0.5 * (y0 + y1);
    const double px[8][2] = {{x0, y0}, {xm, y0}, {x1, y0}, {x1, ym}, {x1, y1}, {xm, y1}, {x0, y1}, {x0, ym}};
    double umin = 1e300, umax = -1e300, vmin = 1e300, vmax = -1e300;
    for (const auto &p : px) {
        double tx = 0, ty = 0, u = 0, v = 0;
        if (!wcs.pixelToHelioprojective(p[0], p[1], tx, ty) || !tangentPlane(tx, ty, u, v))
            return fullDiskFraming(obs);
        umin = std::min(umin, u);
        umax = std::max(umax, u);
        vmin = std::min(vmin, v);
        vmax = std::max(vmax, v);
    }
    GlobeFraming f;
    f.centerU = 0.5 * (umin + umax);
    f.centerV = 0.5 * (vmin + vmax);
    f.halfWidth = 0.5 * (umax - umin);
    f.halfHeight = 0.5 * (vmax - vmin);
    if (!(f.halfWidth > 0 && f.halfHeight > 0))
        return fullDiskFraming(obs);
    return f;
}

GlobeMesh buildGlobeMesh(double stepDeg, const Wcs *wcs, int naxis1, int naxis2)
{
    const int nLon = std::max(8, static_cast<int>(std::lround(360.0 / stepDeg)));
    const int nLat = std::max(4, static_cast<int>(std::lround(180.0 / stepDeg)));
    const int rowLen = nLon + 1;  // the seam at +-180 is duplicated so texture coordinates never wrap
    const int nPoints = rowLen * (nLat + 1);

    auto points = vtkSmartPointer<vtkPoints>::New();
    points->SetDataTypeToFloat();
    points->SetNumberOfPoints(nPoints);
    std::vector<double> lon(nPoints), lat(nPoints);
    for (int j = 0; j <= nLat; ++j) {
        for (int i = 0; i <= nLon; ++i) {
            const int k = j * rowLen + i;
            lon[k] = -180.0 + 360.0 * i / nLon;
            lat[k] = -90.0 + 180.0 * j / nLat;
            double p[3];
            unitVector(lon[k], lat[k], p);
            points->SetPoint(k, p);
        }
    }

    // Which vertices face the observer, and the map pixel under them: Stonyhurst -> helioprojective (near
    // side only) -> pixel, inside the image or not.
    std::vector<char> valid(nPoints, 0);
    auto tcoords = vtkSmartPointer<vtkFloatArray>::New();
    tcoords->SetName("TCoords");
    tcoords->SetNumberOfComponents(2);
    tcoords->SetNumberOfTuples(nPoints);
    for (int k = 0; k < nPoints; ++k)
        tcoords->SetTuple2(k, 0.0, 0.0);
    if (wcs && wcs->isValid() && naxis1 > 0 && naxis2 > 0) {
        std::vector<int> index;
        std::vector<double> world;
        index.reserve(nPoints / 2);
        world.reserve(nPoints);
        const Observer &mapObs = wcs->observer();
        for (int k = 0; k < nPoints; ++k) {
            double tx = 0, ty = 0;
            bool visible = false;
            if (Wcs::stonyhurstToHelioprojective(LonLat{lon[k], lat[k]}, mapObs, tx, ty, &visible) && visible) {
                index.push_back(k);
                world.push_back(tx);
                world.push_back(ty);
            }
        }
        const int n = static_cast<int>(index.size());
        std::vector<double> xy(2 * static_cast<size_t>(n));
        if (wcs->kind() == Wcs::Kind::Helioprojective) {
            wcs->worldToPixel(world.data(), xy.data(), n);  // one WCSLIB call for the whole mesh
        } else {
            for (int m = 0; m < n; ++m)
                wcs->helioprojectiveToPixel(world[2 * m], world[2 * m + 1], xy[2 * m], xy[2 * m + 1]);
        }
        for (int m = 0; m < n; ++m) {
            const double x = xy[2 * m], y = xy[2 * m + 1];
            if (std::isfinite(x) && std::isfinite(y)) {
                valid[index[m]] = 1;
                tcoords->SetTuple2(index[m], (x + 0.5) / naxis1, (y + 0.5) / naxis2);
            }
        }
    }

    auto mappedCells = vtkSmartPointer<vtkCellArray>::New();
    auto neutralCells = vtkSmartPointer<vtkCellArray>::New();
    auto addTriangle = [&](vtkIdType a, vtkIdType b, vtkIdType c) {
        const vtkIdType ids[3] = {a, b, c};
        if (valid[a] && valid[b] && valid[c])
            mappedCells->InsertNextCell(3, ids);
        else
            neutralCells->InsertNextCell(3, ids);
    };
    for (int j = 0; j < nLat; ++j) {
        for (int i = 0; i < nLon; ++i) {
            const vtkIdType a = j * rowLen + i, b = a + 1, c = a + rowLen, e = c + 1;
            // Counter-clockwise seen from outside; skip the degenerate halves at the poles.
            if (j > 0)
                addTriangle(a, b, e);
            if (j < nLat - 1)
                addTriangle(a, e, c);
        }
    }

    GlobeMesh mesh;
    mesh.mapped = vtkSmartPointer<vtkPolyData>::New();
    mesh.mapped->SetPoints(points);
    mesh.mapped->SetPolys(mappedCells);
    mesh.mapped->GetPointData()->SetTCoords(tcoords);
    mesh.neutral = vtkSmartPointer<vtkPolyData>::New();
    mesh.neutral->SetPoints(points);
    mesh.neutral->SetPolys(neutralCells);
    // Normals for the lit neutral part: on a unit sphere they are the positions.
    auto normals = vtkSmartPointer<vtkFloatArray>::New();
    normals->SetNumberOfComponents(3);
    normals->SetNumberOfTuples(nPoints);
    for (int k = 0; k < nPoints; ++k) {
        double p[3];
        points->GetPoint(k, p);
        normals->SetTuple3(k, p[0], p[1], p[2]);
    }
    mesh.neutral->GetPointData()->SetNormals(normals);
    return mesh;
}

vtkSmartPointer<vtkPolyData> buildOffLimbPlane(const Wcs &wcs, int naxis1, int naxis2, const GlobeFraming &framing)
{
    const Observer &obs = wcs.observer();
    const double d = observerDistanceRadii(obs);
    // Plane axes: west and north as the observer sees them (the observer view's screen axes).
    double o[3], w[3], n[3];
    if (!observerBasis(obs, o, w, n))
        return nullptr;  // observer above a pole: north is undefined on the sky

    // A point (X, Y) of the plane is seen at tangent-plane coordinates (X / d, Y / d).
    const int cells = 64;
    const int side = cells + 1;
    auto points = vtkSmartPointer<vtkPoints>::New();
    points->SetNumberOfPoints(side * side);
    auto tcoords = vtkSmartPointer<vtkFloatArray>::New();
    tcoords->SetNumberOfComponents(2);
    tcoords->SetNumberOfTuples(side * side);
    std::vector<char> valid(side * side, 0), inside(side * side, 0);
    for (int j = 0; j < side; ++j) {
        for (int i = 0; i < side; ++i) {
            const int k = j * side + i;
            const double u = framing.centerU - framing.halfWidth + 2.0 * framing.halfWidth * i / cells;
            const double v = framing.centerV - framing.halfHeight + 2.0 * framing.halfHeight * j / cells;
            const double X = u * d, Y = v * d;
            points->SetPoint(k, X * w[0] + Y * n[0], X * w[1] + Y * n[1], X * w[2] + Y * n[2]);
            inside[k] = std::hypot(X, Y) < 1.0;
            const double tx = std::atan(u);
            const double ty = std::atan(v * std::cos(tx));
            double px = 0, py = 0;
            tcoords->SetTuple2(k, 0.0, 0.0);
            if (wcs.helioprojectiveToPixel(tx / kDeg * 3600.0, ty / kDeg * 3600.0, px, py)
                && px >= -0.5 && px <= naxis1 - 0.5 && py >= -0.5 && py <= naxis2 - 0.5) {
                valid[k] = 1;
                tcoords->SetTuple2(k, (px + 0.5) / naxis1, (py + 0.5) / naxis2);
            }
        }
    }
    auto polys = vtkSmartPointer<vtkCellArray>::New();
    for (int j = 0; j < cells; ++j) {
        for (int i = 0; i < cells; ++i) {
            const vtkIdType a = j * side + i, b = a + 1, c = a + side, e = c + 1;
            if (!(valid[a] && valid[b] && valid[c] && valid[e]) || (inside[a] && inside[b] && inside[c] && inside[e]))
                continue;
            const vtkIdType t1[3] = {a, b, e}, t2[3] = {a, e, c};
            polys->InsertNextCell(3, t1);
            polys->InsertNextCell(3, t2);
        }
    }
    if (polys->GetNumberOfCells() == 0)
        return nullptr;
    auto poly = vtkSmartPointer<vtkPolyData>::New();
    poly->SetPoints(points);
    poly->SetPolys(polys);
    poly->GetPointData()->SetTCoords(tcoords);
    return poly;
}

vtkSmartPointer<vtkPolyData> buildGrid(double spacingDeg, double radius)
{
    auto points = vtkSmartPointer<vtkPoints>::New();
    auto lines = vtkSmartPointer<vtkCellArray>::New();
    const double step = 1.0;  // sampling along each line
    auto addLine = [&](const std::vector<std::array<double, 2>> &lonlat) {
        std::vector<vtkIdType> ids;
        ids.reserve(lonlat.size());
        for (const auto &ll : lonlat) {
            double p[3];
            unitVector(ll[0], ll[1], p);
            ids.push_back(points->InsertNextPoint(radius * p[0], radius * p[1], radius * p[2]));
        }
        lines->InsertNextCell(static_cast<vtkIdType>(ids.size()), ids.data());
    };
    const int nMeridians = std::max(1, static_cast<int>(std::lround(360.0 / spacingDeg)));
    for (int m = 0; m < nMeridians; ++m) {
        const double lon = -180.0 + m * 360.0 / nMeridians;
        std::vector<std::array<double, 2>> ll;
        for (double lat = -90.0; lat <= 90.0 + 1e-9; lat += step)
            ll.push_back({lon, lat});
        addLine(ll);
    }
    for (double lat = -90.0 + spacingDeg; lat < 90.0 - 1e-9; lat += spacingDeg) {
        std::vector<std::array<double, 2>> ll;
        for (double lon = -180.0; lon <= 180.0 + 1e-9; lon += step)
            ll.push_back({lon, lat});
        addLine(ll);
    }
    auto poly = vtkSmartPointer<vtkPolyData>::New();
    poly->SetPoints(points);
    poly->SetLines(lines);
    return poly;
}

vtkSmartPointer<vtkPolyData> buildLimb(const Observer &obs, double radius)
{
    double o[3];
    observerPosition(obs, o);
    const double d = std::sqrt(o[0] * o[0] + o[1] * o[1] + o[2] * o[2]);
    for (double &c : o)
        c /= d;
    // Two unit vectors perpendicular to the line of sight.
    double e1[3] = {-o[1], o[0], 0.0};
    double n1 = std::hypot(e1[0], e1[1]);
    if (n1 < 1e-9) {
        e1[0] = 1;
        e1[1] = 0;
        n1 = 1;
    }
    for (double &c : e1)
        c /= n1;
    const double e2[3] = {o[1] * e1[2] - o[2] * e1[1], o[2] * e1[0] - o[0] * e1[2], o[0] * e1[1] - o[1] * e1[0]};
    const double cosT = 1.0 / d, sinT = std::sqrt(1.0 - cosT * cosT);
    auto points = vtkSmartPointer<vtkPoints>::New();
    const int n = 360;
    std::vector<vtkIdType> ids;
    for (int i = 0; i <= n; ++i) {
        const double a = 2.0 * M_PI * i / n;
        double p[3];
        for (int c = 0; c < 3; ++c)
            p[c] = radius * (cosT * o[c] + sinT * (std::cos(a) * e1[c] + std::sin(a) * e2[c]));
        ids.push_back(points->InsertNextPoint(p));
    }
    auto lines = vtkSmartPointer<vtkCellArray>::New();
    lines->InsertNextCell(static_cast<vtkIdType>(ids.size()), ids.data());
    auto poly = vtkSmartPointer<vtkPolyData>::New();
    poly->SetPoints(points);
    poly->SetLines(lines);
    return poly;
}

const std::array<double, 3> &neutralGrey()
{
    static const std::array<double, 3> c{0.42, 0.42, 0.45};
    return c;
}

const std::array<double, 3> &gridColor()
{
    static const std::array<double, 3> c{0.85, 0.85, 0.85};
    return c;
}

const std::array<double, 3> &limbColor()
{
    static const std::array<double, 3> c{1.0, 0.78, 0.2};
    return c;
}

}  // namespace solarchip
