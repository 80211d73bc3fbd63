#pragma once
// Everything about one synthetic file except its pixels: the observation times (AIA: DATE-OBS at the
// channel's place in the 12 s / 24 s sequence, T_OBS mid-exposure, UTC; HMI: T_REC on the 720 s TAI grid,
// T_OBS in TAI), the pointing (CRPIX near the centre with the telescope's offset and a slow wobble,
// CROTA2 = INST_ROT + SAT_ROT, CDELT scaled from the 4096 plate scale), the observer, the JSOC export file name,
// and the FITS header as JSOC writes it for aia.lev1 / hmi.M_720s / hmi.Ic_720s.

#include "core/map/FitsHeader.h"
#include "core/map/FitsWriter.h"
#include "core/synthetic/SyntheticChannel.h"
#include "core/synthetic/SyntheticFrameGeometry.h"

#include <QDateTime>
#include <QString>

namespace solarchip {

/// Statistics of the stored values, for the DATA* keywords.
struct SyntheticImageStats {
    double min = 0, max = 0, mean = 0, median = 0, rms = 0, skew = 0, kurt = 0, centre = 0;
    double p01 = 0, p10 = 0, p25 = 0, p75 = 0, p90 = 0, p95 = 0, p98 = 0, p99 = 0;
    long long values = 0, missing = 0, saturated = 0;
};

struct SyntheticFrameSpec {
    const SyntheticChannel *channel = nullptr;
    QDateTime step;          // nominal UTC of the time step
    QDateTime dateObs;       // DATE-OBS, UTC (AIA: start of exposure)
    QDateTime tObs;          // T_OBS as UTC (AIA: mid-exposure; HMI: T_OBS converted from TAI)
    QDateTime tRec;          // T_REC as UTC (AIA: T_OBS to the second; HMI: the 720 s slot)
    QDateTime tRecTaiLabel;  // HMI: the slot's TAI clock reading (what the name and T_REC show)
    QDateTime tObsTaiLabel;  // HMI: T_OBS's TAI clock reading
    double exptime = 0;      // nominal with its small jitter (the renderer may shorten it: AEC)
    QString detector;
    int camera = 0;
    double instRot = 0, satRot = 0, satY0 = 0, satZ0 = 0;  // AIA pointing keywords
    double x0mp = 0, y0mp = 0, imsclMp = 0;                // at 4096
    SyntheticFrameGeometry geometry;
    QString fileName;
    QString relativeDir;     // "<channel>/YYYY/MM/DD" (the date in the file name)

    static SyntheticFrameSpec make(const SyntheticChannel &channel, const QDateTime &step, int size, quint64 seed);

    /// The full header. `exptimeUsed` is the exposure the image was taken with; `aec` tells whether the
    /// automatic exposure control shortened it for a flare.
    FitsHeader header(const SyntheticImageStats &stats, double exptimeUsed, bool aec, quint64 seed) const;
    /// Storage of the pixels: AIA int16 RICE_1; HMI magnetogram int32 BSCALE 0.1; continuum int16
    /// BSCALE 3 BZERO 97304 (JSOC's scaling for hmi.Ic).
    FitsWriteOptions storage() const;
};

}  // namespace solarchip
