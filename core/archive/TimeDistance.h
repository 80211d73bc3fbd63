#pragma once
// A time-distance plot (a "slit" or "stack plot"): the files' own values along a line on the sky, one profile per
// observation, stacked in time. The tool solar physicists use to measure the speed of what moves along a line —
// EUV waves, jets, coronal rain, propagating disturbances in loops, oscillations — from the slope of a ridge.
//
// The slit is a straight line in helioprojective arcsec from `start` to `end` (as drawn on the map at the reference
// time), sampled at `points` evenly spaced positions (both ends included; by default one per pixel of the first file
// along it). At each position the value is the bilinear interpolation of the file's pixels at the position's pixel
// coordinates (through the file's own WCS, so files of any plate scale, roll or observer line up on the sky),
// averaged over `across` positions spread evenly over `width` arcsec across the slit (width 0: the line alone).
// Values of AIA files in DN are divided by EXPTIME (DN/s), as the light curve does, so the automatic exposure
// control's short exposures during flares do not print stripes. A position with no finite neighbour (off an HMI
// disk, outside a cut-out) is NaN. With `followRotation` the whole slit is carried rigidly with the Sun's
// differential rotation of its midpoint (core/archive/LightCurve regionCentreAt): it keeps its length and angle on
// the sky. Distances are along the slit from `start`, in arcsec and in Mm projected on the plane of the sky at the
// first measured file's distance to the Sun (DSUN_OBS; 1 AU when absent): 1 arcsec ~ 725 km at 1 AU. Only the file
// pixels around the slit are read (a tile-compressed HDU decompresses only the tiles that hold them).

#include "core/archive/ObservationSet.h"
#include "core/base/Expected.h"

#include <QByteArray>
#include <QPointF>
#include <QString>
#include <QVector>

#include <functional>

namespace solarchip {

struct PixelFrame;

struct Slit {
    QPointF start;                 ///< helioprojective arcsec at the reference time
    QPointF end;
    double width = 0;              ///< arcsec across the slit averaged over (0: the line only)
    int points = 0;                ///< samples along the slit, ends included (0: one per pixel of the first file)
    int across = 0;                ///< samples across the width (0: one per pixel of the first file, at least 1)
    qint64 referenceMs = 0;        ///< UTC ms at which the slit is where it was drawn
    bool followRotation = false;   ///< carry the slit with the differential rotation of its midpoint

    double lengthArcsec() const;
};

struct SlitProfile {
    qint64 timeMs = 0;
    QString file;
    QVector<double> values;        ///< one per sample along the slit (NaN: no data there); empty on error
    QPointF start, end;            ///< where the slit was on this file (carried by rotation when asked)
    double exptime = 0;
    long long quality = 0;
    QString error;                 ///< why the file has no profile

    bool measured() const { return !values.isEmpty(); }
};

struct TimeDistance {
    QString channel;
    QString unit;                       ///< of the values (DN/s for AIA files in DN)
    Slit slit;                          ///< with `points` and `across` resolved
    QVector<double> distanceArcsec;     ///< of each sample from the slit's start
    double mmPerArcsec = 0;             ///< plane-of-sky Mm per arcsec at the first measured file's DSUN_OBS
    QVector<SlitProfile> profiles;      ///< by time
    int measured() const;
};

/// The samples of `slit` (resolved: points > 1) on one file whose header gave `frame`, the slit lying between
/// `start` and `end` there; `unit` receives the values' unit. Reads only the pixels around the slit.
Expected<QVector<double>> sampleSlit(const QString &path, const PixelFrame &frame, const Slit &slit, QPointF start,
                                     QPointF end, QString *unit = nullptr);

/// Resolves the slit's sample counts from the first readable file (one sample per pixel along and across), then
/// measures every observation of one channel (the first observation's channel; others are left out) in time
/// order. `progress(done, total)` after each file; returning false stops (the profiles measured so far are kept).
/// An error only when the slit is unusable (zero length, more than 20 000 samples) or no file's header can be read.
/// Reads files one at a time: call it off the UI thread.
Expected<TimeDistance> measureTimeDistance(const QVector<Observation> &observations, Slit slit,
                                           const std::function<bool(int done, int total)> &progress = {});

/// The plot as CSV: a comment line with the slit, then one row per measured profile: time, file, then one column
/// per sample headed by its distance in arcsec (values with 7 significant digits; empty for NaN).
QByteArray timeDistanceCsv(const TimeDistance &td);

/// The speed (km/s) of a ridge through (t0, d0) and (t1, d1) (UTC ms, arcsec along the slit) on the plane of the sky.
double ridgeSpeedKmPerS(const TimeDistance &td, qint64 t0Ms, double d0Arcsec, qint64 t1Ms, double d1Arcsec);

}  // namespace solarchip
