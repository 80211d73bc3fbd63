#pragma once
// One active region of the synthetic Sun's time line: its flux history, its Gaussian flux concentrations on
// the sphere (spots and plage, the delta and gamma spots of complex regions), and the rate of its flares.
// SyntheticHistory draws them; SyntheticSurface renders their concentrations; the truth reports them.

#include <QString>
#include <QVector>

namespace solarchip {

/// One Gaussian flux concentration of an active region on the solar sphere.
struct SyntheticComponent {
    double v[3];       // Carrington unit vector of the centre
    double sigmaRad;   // Gaussian width on the sphere (radians)
    double fluxMx;     // signed flux (Mx)
    bool spot;         // a sunspot (umbra + penumbra) rather than plage
};

/// An active region over its life (see the file comment).
struct SyntheticRegionModel {
    struct Fragment {
        int polarity;      // +1 leading, -1 following (times leadSign gives the sign)
        double share;      // of its polarity's flux
        double u, v;       // offset along / across the bipole axis, in units of half the separation
        double sigmaDeg;
        double phase1, phase2, period1, period2;  // slow wandering
        bool spot;
    };
    int id = 0;
    int noaa = 0;
    double noaaSince = 0;      // days: when the number was assigned
    quint64 seed = 0;
    double t0 = 0;             // days since J2000: emergence starts
    double lonCar0 = 0;        // Carrington longitude of the centre at t0
    double lat = 0;
    double fluxMax = 0, rise = 2, life = 20;
    double tiltDeg = 0, sepMaxDeg = 5;
    int leadSign = 1;
    double flareRateA1 = 0;    // flares >= A1.0 per day at peak flux
    int complexity = 1;        // 0 alpha, 1 beta, 2 beta-gamma, 3 beta-gamma-delta (Mount Wilson)
    bool antiHale = false;     // leading polarity opposite to Hale's law
    double rPeak = 0;          // Schrijver R at peak flux (Mx)
    QVector<Fragment> fragments;

    bool alive(double t) const { return t >= t0 && t <= t0 + life; }
    double flux(double t) const;          // unsigned flux of the region (Mx)
    double separationDeg(double t) const;
    /// The region's Gaussian components at t (empty when not alive).
    void components(double t, QVector<SyntheticComponent> &out) const;
    /// Centre of the bipole axis (Carrington lon, lat) at t, rotating at the rate of its latitude.
    double centreLonCar(double t) const;
    /// Flux-weighted centroids (Carrington unit vectors) of all, leading and following components.
    void centroids(double t, double all[3], double leading[3], double following[3]) const;
    /// Area of the spot components above 600 G, millionths of a hemisphere.
    double spotAreaMsh(double t) const;
    /// (flux(t) / peak flux)^1.5: how R and the flare rate follow the region's life.
    double activityShape(double t) const;
    double rValue(double t) const { return rPeak * activityShape(t); }
    /// Expected flares >= A1.0 per day at t.
    double rateA1(double t) const { return flareRateA1 * activityShape(t); }
    static QString complexityName(int c);
};

}  // namespace solarchip
