#pragma once
// The time line of the synthetic Sun, drawn from the seed before any pixel is rendered: the solar cycle
// (activity and emergence latitudes), bipolar active regions (emergence, differential rotation, decay),
// coronal holes, and flares with their GOES light curves. Random draws are made per UTC day (regions,
// flares) and per 27-day block (holes) from the seed and the day's index, so a given date looks the same
// whatever the run's start and length.
//
// Physics used (closed forms, referenced so tests can check them independently):
// - Differential rotation of magnetic features, Snodgrass (1983) as sunpy's diff_rot 'snodgrass':
//   omega = 2.851 - 0.343 sin^2(lat) - 0.474 sin^4(lat) microrad/s (sidereal); Carrington frame 14.1844 deg/day.
// - Cycle shape (Hathaway 1994): f(tau) = tau^3 / (exp(tau^2/b^2) - 0.71), b = 3.8 yr, per cycle.
// - Sporer's law: mean emergence latitude 28 deg * exp(-tau / 7.5 yr), sigma 6 deg.
// - Joy's law: tilt = 32.1 deg * sin|lat| (+- 8 deg); Hale's law: leading polarity of the northern hemisphere
//   negative in even cycles (24), positive in odd ones (23, 25), opposite in the south; polar fields reverse
//   at cycle maximum.
// - Flare peak fluxes: dN/dF ~ F^-2 from A1.0 to X20 (Hudson 1991; Aschwanden 2011 find 1.8-2.1);
//   the rate of flares of a region is tied to Schrijver's R (SyntheticRValue), which its magnetogram shows:
//   flares >= A1 per day = kRateFlux (flux / 1e22 Mx) + kRateR sqrt(R / 1e20 Mx), at the region's peak, and
//   (flux(t) / peak flux)^1.5 times that at t (R(t) is taken as R_peak (flux(t) / peak flux)^1.5).
//   Complex regions (Mount Wilson classes) carry the structure that raises R: beta-gamma regions a pair of
//   opposite spots near the middle, beta-gamma-delta regions a spot of following polarity inside the leading
//   spot's penumbra; their share grows with the region's flux, anti-Hale regions (leading polarity reversed)
//   are 4 % of all and 20 % of the delta regions (as in the Mount Wilson statistics).
// - Cycle 24 (the SDO era): a Hathaway profile of amplitude 0.66 starting 0.3 yr early, plus a southern surge
//   (Gaussian, 2014.75, sigma 0.45 yr, 1.6 in the south = 0.8 on the whole disk): the north peaked in 2011-12,
//   the south in 2014, and the SWPC list has more C and M flares in 2014 than in any other year.
// - Short-term variability: region emergence modulated by +-20 % at the Rieger period (154 d), phase per seed.
// - The quiet corona brightens with the cycle (SyntheticRenderer: the hot layer times 1 + 0.5 (activity - 0.5)).
// - Activity nests and active longitudes: half the regions emerge inside a nest (lifetime 3-8 months) near
//   an earlier one; nests sit at one of two active longitudes 180 deg apart per hemisphere and cycle (60 %),
//   so activity persists at the same Carrington longitudes over many rotations.

#include "core/map/DifferentialRotation.h"
#include "core/synthetic/SyntheticRegionModel.h"
#include "core/synthetic/SyntheticSun.h"

#include <QVector>

namespace solarchip {

struct SyntheticHoleModel {
    struct Lobe {
        double dlon, dlat, radiusDeg;
    };
    int id = 0;
    double t0 = 0, life = 60;
    double lonCar0 = 0, lat = 0;
    double radiusDeg = 8;
    int sign = 1;              // polarity of the open field
    QVector<Lobe> lobes;
    double depth(double t) const;  // 0..1, ramps in and out over 5 days
    double lonCar(double t) const;
};

/// A flare with everything the renderer needs (the public SyntheticFlare plus the light curve and site).
struct SyntheticFlareModel {
    SyntheticFlare flare;
    int regionIndex = -1;      // into SyntheticHistory::regions()
    double tPeak = 0;          // days
    double riseDays = 0, tauDays = 0;  // sin^2 rise, exponential decay e-folding
    double offU = 0, offV = 0; // site offset from the region centre along / across the axis (deg)
    double logTPeak = 7.0;     // arcade temperature at the peak
    bool listed = false;       // in the run's flare list

    double goesFlux(double t) const;  // W/m^2 above the background
};

class SyntheticHistory {
public:
    explicit SyntheticHistory(const SyntheticOptions &options);

    static double toDays(const QDateTime &utc);   // days since 2000-01-01T12:00:00 UTC
    static QDateTime fromDays(double days);

    double runStart() const { return m_runStart; }
    double runEnd() const { return m_runEnd; }
    /// Solar-cycle activity (1 = the maximum of cycle 24), or the fixed level of the options.
    double activity(double t) const;
    double cycleActivity(double t) const;
    /// Activity of one hemisphere (their mean is cycleActivity).
    double hemisphereActivity(double t, bool north) const;
    /// Expected listed-or-not flares with peak flux >= fMin per day at t from the regions visible from Earth
    /// then (the rate law above): the oracle's intensity.
    double visibleFlareRate(double t, double fMin) const;
    /// Share of flares >= A1.0 whose peak flux is >= f (the truncated power law).
    static double fractionAbove(double f);
    /// Flares >= A1 per day at peak for a region of peak flux `flux` and R `r` (Mx).
    static double rateLaw(double flux, double r);
    static constexpr double kRateFlux = 60.0;
    static constexpr double kRateR = 13.5;
    /// Latitude (deg) above which the polar coronal holes lie.
    double polarHoleBoundaryDeg(double t) const;
    /// Sign of the northern polar field (the southern one is opposite).
    int northPolarSign(double t) const;
    /// GOES 1-8 A background from the regions on the Earth-facing side (W/m^2).
    double goesBackground(double t) const;

    const QVector<SyntheticRegionModel> &regions() const { return m_regions; }
    const QVector<SyntheticHoleModel> &holes() const { return m_holes; }
    const QVector<SyntheticFlareModel> &flares() const { return m_flares; }

    static double siderealRate(double latDeg);  // deg/day
    static constexpr double kCarringtonRate = kCarringtonRateDegPerDay;  // deg/day, sidereal
    /// Truncated power law draw: F = fMin (1 - u (1 - (fMin/fMax)^(a-1)))^(-1/(a-1)).
    static double powerLaw(double u, double fMin, double fMax, double alpha);
    static constexpr double kFlareAlpha = 2.0;
    static constexpr double kFlareMax = 2e-3;  // X20

private:
    struct Nest {
        double t0, life, lonCar0, lat;
    };
    void drawNests();
    void drawRegions(const SyntheticOptions &o);
    void drawHoles();
    void drawFlares(const SyntheticOptions &o);
    void assignNoaaNumbers();
    SyntheticRegionModel makeRegion(quint64 seed, double t0, double lonCar0, double lat, double flux,
                                    double rise, double life, double tilt, int leadSign, double flareRate,
                                    int complexity = 1) const;

    quint64 m_seed = 1;
    double m_fixedActivity = -1;
    double m_runStart = 0, m_runEnd = 0;
    QVector<Nest> m_nests;
    QVector<SyntheticRegionModel> m_regions;
    QVector<SyntheticHoleModel> m_holes;
    QVector<SyntheticFlareModel> m_flares;
};

}  // namespace solarchip
