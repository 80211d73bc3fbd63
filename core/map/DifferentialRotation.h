#pragma once
// Differential rotation of features on the solar surface, seen from Earth: the Snodgrass (1983) magnetic-feature
// rates (sunpy.physics.differential_rotation.diff_rot, rot_type 'snodgrass') in the Carrington frame, and the
// Earth's view of that frame through the Carrington longitude of the disk centre (SunEphemeris L0) at both times.
// The synthetic Sun moves its regions with these rates; the archive search follows a query's region with them;
// a light-curve box is carried with them (core/archive/LightCurve).

#include <QPointF>

namespace solarchip {

/// Sidereal rotation rate (deg/day) of magnetic features at a latitude (Snodgrass 1983).
double siderealRateDegPerDay(double latDeg);
/// The Carrington frame's sidereal rate (deg/day).
inline constexpr double kCarringtonRateDegPerDay = 14.1844;

/// Stonyhurst longitude/latitude (deg) of a feature at `fromMs` moved to `toMs` (UTC ms) by differential
/// rotation; latitude is unchanged, longitude wrapped to [-180, 180).
QPointF rotateStonyhurst(QPointF lonlat, qint64 fromMs, qint64 toMs);

/// Great-circle distance (deg) between two heliographic positions (lon, lat in degrees): the archive search's
/// own-region exclusion, the NOAA region a point lies in.
double heliographicDistanceDeg(QPointF a, QPointF b);

}  // namespace solarchip
