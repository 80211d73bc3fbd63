#pragma once
// Random numbers for the synthetic archive. Two kinds: a sequential stream (splitmix64) for drawing the
// history (regions, flares), and counter-based values (a hash of seed, channel, step and pixel index) for
// per-pixel noise, so every pixel's noise is the same whatever the thread count or the order of work, and
// output is byte-identical for a seed.

#include <QtGlobal>

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace solarchip {

class SyntheticRandom {
public:
    explicit SyntheticRandom(quint64 seed) : m_state(seed) {}
    SyntheticRandom(quint64 a, quint64 b, quint64 c = 0, quint64 d = 0) : m_state(hash(a, b, c, d)) {}

    /// splitmix64's output function (Steele, Lea, Flood 2014): a bijective 64-bit mixer.
    static constexpr quint64 mix(quint64 z)
    {
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    /// A hash of up to four 64-bit words (order matters).
    static constexpr quint64 hash(quint64 a, quint64 b = 0, quint64 c = 0, quint64 d = 0)
    {
        constexpr quint64 g = 0x9e3779b97f4a7c15ULL;
        quint64 h = mix(a + g);
        h = mix(h ^ (b + 2 * g));
        h = mix(h ^ (c + 3 * g));
        return mix(h ^ (d + 4 * g));
    }
    /// [0, 1) from the top 53 bits.
    static constexpr double unit(quint64 h) { return static_cast<double>(h >> 11) * 0x1.0p-53; }
    /// (0, 1): never 0 or 1 (for logarithms and inverse CDFs).
    static constexpr double openUnit(quint64 h) { return (static_cast<double>(h >> 11) + 0.5) * 0x1.0p-53; }

    /// Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9).
    static double normalQuantile(double p);
    /// Poisson deviate with mean `mean` from one uniform u in (0,1): exact inversion below 30, a
    /// continuity-corrected normal approximation above (relative skew error < 1% there).
    static double poissonFromUniform(double mean, double u);

    quint64 next()
    {
        m_state += 0x9e3779b97f4a7c15ULL;
        return mix(m_state);
    }
    double uniform() { return unit(next()); }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    double normal() { return normalQuantile(openUnit(next())); }
    double normal(double mean, double sigma) { return mean + sigma * normal(); }
    double exponential(double mean) { return -mean * std::log(openUnit(next())); }
    int poisson(double mean) { return static_cast<int>(poissonFromUniform(mean, openUnit(next()))); }
    bool chance(double p) { return uniform() < p; }

private:
    quint64 m_state;
};

inline double SyntheticRandom::normalQuantile(double p)
{
    static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                                   1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
    static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                                   6.680131188771972e+01,  -1.328068155288572e+01};
    static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                                   -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
    static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                                   3.754408661907416e+00};
    constexpr double lo = 0.02425, hi = 1 - 0.02425;
    if (p < lo) {
        const double q = std::sqrt(-2 * std::log(p));
        return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
            / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    if (p > hi) {
        const double q = std::sqrt(-2 * std::log(1 - p));
        return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
            / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    const double q = p - 0.5, r = q * q;
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
        / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

inline double SyntheticRandom::poissonFromUniform(double mean, double u)
{
    if (!(mean > 0))
        return 0;
    if (mean < 30) {
        double p = std::exp(-mean), cdf = p;
        int k = 0;
        while (u > cdf && k < 200) {
            ++k;
            p *= mean / k;
            cdf += p;
        }
        return k;
    }
    return std::max(0.0, std::floor(mean + std::sqrt(mean) * normalQuantile(u) + 0.5));
}

}  // namespace solarchip
