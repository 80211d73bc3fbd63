#include "core/synthetic/SyntheticRegionModel.h"

#include "core/synthetic/SyntheticFrameGeometry.h"
#include "core/synthetic/SyntheticHistory.h"

#include <algorithm>
#include <cmath>

namespace solarchip {

namespace {

constexpr double kDeg = M_PI / 180.0;
constexpr double kRsunCm = 6.96e10;
constexpr double kHemisphereCm2 = 2.0 * M_PI * kRsunCm * kRsunCm;

double smoothstep(double x)
{
    x = std::clamp(x, 0.0, 1.0);
    return x * x * (3 - 2 * x);
}

void localToLonLat(double lonC, double latC, double w, double n, double &lon, double &lat)
{
    lat = std::clamp(latC + n, -89.0, 89.0);
    lon = lonC + w / std::max(0.05, std::cos(latC * kDeg));
}

}  // namespace

// ---------------------------------------------------------------- regions

double SyntheticRegionModel::flux(double t) const
{
    if (!alive(t))
        return 0;
    const double x = (t - t0) / rise;
    if (x < 1)
        return fluxMax * smoothstep(x);
    const double d = (t - t0 - rise) / std::max(1e-6, life - rise);
    return fluxMax * std::max(0.0, 1.0 - d);
}

double SyntheticRegionModel::activityShape(double t) const
{
    return fluxMax > 0 ? std::pow(flux(t) / fluxMax, 1.5) : 0.0;
}

QString SyntheticRegionModel::complexityName(int c)
{
    switch (c) {
    case 0: return QStringLiteral("alpha");
    case 2: return QStringLiteral("beta-gamma");
    case 3: return QStringLiteral("beta-gamma-delta");
    default: return QStringLiteral("beta");
    }
}

double SyntheticRegionModel::separationDeg(double t) const
{
    const double x = std::clamp((t - t0) / rise, 0.0, 1.0);
    return sepMaxDeg * (0.35 + 0.65 * std::sqrt(x));
}

double SyntheticRegionModel::centreLonCar(double t) const
{
    return lonCar0 + (SyntheticHistory::siderealRate(lat) - SyntheticHistory::kCarringtonRate) * (t - t0);
}

void SyntheticRegionModel::components(double t, QVector<SyntheticComponent> &out) const
{
    out.clear();
    const double phi = flux(t);
    if (phi <= 0)
        return;
    const double decay = std::max(0.0, (t - t0 - rise) / std::max(1e-6, life - rise));
    const double riseFrac = std::clamp((t - t0) / rise, 0.0, 1.0);
    // Spots form during emergence and decay first (they are gone at 2/3 of the decay).
    const double spotFactor = t - t0 < rise ? smoothstep(riseFrac) : std::max(0.0, 1.0 - 1.5 * decay);
    const double half = 0.5 * separationDeg(t);
    const double g = tiltDeg * kDeg;
    const double sgn = lat >= 0 ? 1.0 : -1.0;
    // Bipole axis in the local (west, north) plane; leading polarity to the west and toward the equator.
    const double aw = std::cos(g), an = -sgn * std::sin(g);
    const double bw = sgn * std::sin(g), bn = std::cos(g);

    double spotShare[2] = {0, 0}, plageShare[2] = {0, 0};
    for (const Fragment &f : fragments) {
        const int k = f.polarity > 0 ? 0 : 1;
        (f.spot ? spotShare[k] : plageShare[k]) += f.share;
    }
    const double lonC = lonCar0, latC = lat;
    for (const Fragment &f : fragments) {
        const int k = f.polarity > 0 ? 0 : 1;
        double share = 0;
        if (f.spot)
            share = f.share * spotFactor;
        else
            share = plageShare[k] > 0 ? f.share / plageShare[k] * (1.0 - spotShare[k] * spotFactor) : 0;
        if (share <= 0)
            continue;
        double u = f.polarity * f.u, v = f.v;
        double sigma = f.sigmaDeg;
        if (!f.spot) {
            // Plage wanders slowly and spreads as the region decays.
            const double spread = 1.0 + 0.8 * decay;
            u = u * spread + 0.08 * std::sin(2 * M_PI * t / f.period1 + f.phase1);
            v = v * spread + 0.08 * std::sin(2 * M_PI * t / f.period2 + f.phase2);
            sigma *= std::sqrt(1.0 + 2.0 * decay);
        }
        const double w = half * (u * aw + v * bw), n = half * (u * an + v * bn);
        double lon = 0, la = 0;
        localToLonLat(lonC, latC, w, n, lon, la);
        // Each concentration rotates at the rate of its own latitude: plage shears over weeks.
        lon += (SyntheticHistory::siderealRate(la) - SyntheticHistory::kCarringtonRate) * (t - t0);
        SyntheticComponent c;
        SyntheticFrameGeometry::lonLatToVector(lon, la, c.v);
        const double fx = share * 0.5 * phi;
        // Keep umbral fields physical (< 3300 G).
        const double sMin = std::sqrt(fx / (2 * M_PI * 3300.0)) / kRsunCm;
        c.sigmaRad = std::max(sigma * kDeg, sMin);
        c.fluxMx = fx * f.polarity * leadSign;
        c.spot = f.spot;
        out.push_back(c);
    }
}

void SyntheticRegionModel::centroids(double t, double all[3], double leading[3], double following[3]) const
{
    QVector<SyntheticComponent> comps;
    components(t, comps);
    for (int i = 0; i < 3; ++i)
        all[i] = leading[i] = following[i] = 0;
    for (const SyntheticComponent &c : comps) {
        const double w = std::fabs(c.fluxMx);
        const bool lead = (c.fluxMx > 0) == (leadSign > 0);
        for (int i = 0; i < 3; ++i) {
            all[i] += w * c.v[i];
            (lead ? leading : following)[i] += w * c.v[i];
        }
    }
    for (double *p : {all, leading, following}) {
        const double n = std::sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]);
        if (n > 0)
            for (int i = 0; i < 3; ++i)
                p[i] /= n;
    }
}

double SyntheticRegionModel::spotAreaMsh(double t) const
{
    QVector<SyntheticComponent> comps;
    components(t, comps);
    double area = 0;
    for (const SyntheticComponent &c : comps) {
        if (!c.spot)
            continue;
        const double sigmaCm = c.sigmaRad * kRsunCm;
        const double peak = std::fabs(c.fluxMx) / (2 * M_PI * sigmaCm * sigmaCm);
        if (peak > 600.0)
            area += M_PI * 2.0 * sigmaCm * sigmaCm * std::log(peak / 600.0);
    }
    return area / kHemisphereCm2 * 1e6;
}

}  // namespace solarchip
