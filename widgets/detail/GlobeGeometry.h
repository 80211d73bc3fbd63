#pragma once
// Geometry of the 3D globe (GlobeView's internals): the lon/lat sphere mesh with texture coordinates from
// core's WCS, the heliographic grid, the observer's limb circle, and where the observer and its field of
// view are. Units are solar radii in Stonyhurst Cartesian axes (x: lon 0 lat 0, y: lon 90 W, z: north).

#include "core/map/Wcs.h"

#include <vtkSmartPointer.h>

#include <array>

class vtkPolyData;

namespace solarchip {

/// The observer preset's field of view in the camera's tangent plane (tan of the angle from the Sun
/// centre): u to solar west, v to solar north.
struct GlobeFraming {
    double centerU = 0, centerV = 0;
    double halfWidth = 0, halfHeight = 0;
};

/// Observer distance in solar radii (1 AU when the observer's distance is missing or implausible).
double observerDistanceRadii(const Observer &obs);
/// Observer position in Stonyhurst Cartesian solar radii.
void observerPosition(const Observer &obs, double pos[3]);
/// Unit vectors of the observer's view: `toObserver` from the Sun centre to the observer, `west` and
/// `north` across the line of sight (the observer view's screen axes). False when north is undefined
/// (an observer above a pole).
bool observerBasis(const Observer &obs, double toObserver[3], double west[3], double north[3]);
/// True when the framing holds the whole disk (a full-disk map), false for cutouts and patches.
bool framingCoversDisk(const GlobeFraming &framing, const Observer &obs);
/// Where the line of sight through the framing's centre meets the solar sphere (or, when it misses, its
/// point nearest to the Sun centre): the pivot for viewing a cutout.
void framingPivot(const GlobeFraming &framing, const Observer &obs, double out[3]);
/// The map's pixel-edge box seen from the observer (what the 2D view shows when fitted).
GlobeFraming mapFraming(const Wcs &wcs, int naxis1, int naxis2, const Observer &obs);
/// The whole disk with a margin (no map, or a map whose corners are off the disk).
GlobeFraming fullDiskFraming(const Observer &obs);

struct GlobeMesh {
    vtkSmartPointer<vtkPolyData> mapped;   // triangles whose three vertices face the observer (with TCoords)
    vtkSmartPointer<vtkPolyData> neutral;  // every other triangle
};

/// Sphere of radius 1 sampled every `stepDeg` in lon and lat. Texture coordinates are the map pixel under
/// each vertex, (x + 0.5) / NAXIS1 and (y + 0.5) / NAXIS2 (t = 0 at FITS row 1), beyond 0..1 off the map:
/// the texture's border colour paints off-map parts, so map edges are exact whatever the mesh step.
/// Without a WCS every triangle is neutral.
GlobeMesh buildGlobeMesh(double stepDeg, const Wcs *wcs, int naxis1, int naxis2);
/// The map beyond the limb on the plane through the Sun centre facing the observer (what a 2D view shows
/// off the disk: the corona), with texture coordinates from the WCS; cells fully inside the disk, which the
/// sphere hides from every viewpoint, are left out. Null when the WCS has no off-disk coordinates.
vtkSmartPointer<vtkPolyData> buildOffLimbPlane(const Wcs &wcs, int naxis1, int naxis2, const GlobeFraming &framing);
/// Meridians and parallels every `spacingDeg` (parallels stop short of the poles).
vtkSmartPointer<vtkPolyData> buildGrid(double spacingDeg, double radius);
/// The circle where the observer's lines of sight graze the sphere.
vtkSmartPointer<vtkPolyData> buildLimb(const Observer &obs, double radius);

const std::array<double, 3> &neutralGrey();
const std::array<double, 3> &gridColor();
const std::array<double, 3> &limbColor();

}  // namespace solarchip
