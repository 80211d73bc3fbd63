#pragma once
// The light curve of a region: one RegionMeasure (core/map/RegionMeasure) per observation of each channel, the
// statistics of the files' own pixels inside a helioprojective box. The box is fixed on the sky, or follows the
// Sun's differential rotation from a reference time (core/map/DifferentialRotation, as sunpy's
// solar_rotate_coordinate with the Snodgrass rates): its centre is taken to Stonyhurst coordinates as seen from
// Earth at the reference time, carried in longitude to each observation's time and seen there from the file's
// own observer (its WCS). The box keeps its size in arcsec. A point that cannot be measured (the centre rotated
// behind the limb, an unreadable file, a box outside a cut-out) carries its reason instead of values, so one bad
// file does not end the curve.

#include "core/archive/ObservationSet.h"
#include "core/base/Expected.h"
#include "core/map/RegionMeasure.h"

#include <QByteArray>
#include <QPointF>
#include <QString>
#include <QVector>

#include <functional>
#include <memory>
#include <optional>

namespace solarchip {

struct Observer;
class RegionSummaryArchive;

struct LightCurveRegion {
    SkyBox box;                    ///< where the region is at the reference time
    qint64 referenceMs = 0;        ///< UTC ms of the box's position (the map it was drawn on)
    bool followRotation = false;   ///< carry the centre with the Sun's differential rotation
    /// Track NOAA region `noaa` instead: at each time the box is centred where the Solar Region Summary valid nearest
    /// it puts the region (carried from the report's time by differential rotation, seen by the file's observer), so
    /// a curve over a whole disk passage follows the region as NOAA located it day by day, not one click carried for
    /// weeks. A time whose report does not list the region (not numbered yet, faded, past the limb, no report within
    /// 36 h) is a point with that reason. `box.tx/ty` are then unused.
    int noaa = 0;
    std::shared_ptr<const RegionSummaryArchive> reports;
};

struct LightCurvePoint {
    qint64 timeMs = 0;
    QString file;
    std::optional<RegionMeasure> measure;  ///< none: `error` says why
    QString error;
};

struct LightCurve {
    QString channel;
    QString unit;                   ///< of the points' statistics (the first measured point's)
    QVector<LightCurvePoint> points;  ///< by time
    int measured() const;
};

/// The box centre at `timeMs` for an observer: the box's own centre, or (followRotation) its centre carried by
/// differential rotation, or (noaa) the region's place by the reports; an error when the centre is off the disk at
/// the reference time or behind the limb then, or the reports do not place the region then.
Expected<QPointF> regionCentreAt(const LightCurveRegion &region, qint64 timeMs, const Observer &observer);

/// Measures every observation (any channels, any order); one curve per channel, in the order channels first
/// appear. `progress(done, total)` is called after each file; returning false stops (the curves hold what was
/// measured). Reads files one at a time: call it off the UI thread.
QVector<LightCurve> measureLightCurves(const QVector<Observation> &observations, const LightCurveRegion &region,
                                       const std::function<bool(int done, int total)> &progress = {});

/// The curves as CSV, one row per point (header: channel,time,file,tx,ty,width,height,unit,mean,mean_abs,min,max,
/// std,sum,pixels,nan_pixels,exptime,quality,error; empty value fields where a point has an error).
QByteArray lightCurvesCsv(const QVector<LightCurve> &curves);

}  // namespace solarchip
