#include "core/synthetic/SyntheticCorona.h"

#include "core/synthetic/SyntheticRandom.h"

#include <QMutex>
#include <QMutexLocker>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

namespace solarchip {

namespace {

constexpr double kRsunMm = 696.0;
constexpr quint64 kTagLoop = 0x4c4f4f50;  // "LOOP"

void normalise(double v[3])
{
    const double n = std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    if (n > 0)
        for (int i = 0; i < 3; ++i)
            v[i] /= n;
}

void cross(const double a[3], const double b[3], double out[3])
{
    out[0] = a[1] * b[2] - a[2] * b[1];
    out[1] = a[2] * b[0] - a[0] * b[2];
    out[2] = a[0] * b[1] - a[1] * b[0];
}

// Draws 3D Gaussian blobs (surface brightness S in DN/s, width sigma in solar radii) into an image. A blob
// narrower than a pixel is widened to about half a pixel keeping its integral (what a real PSF and pixel do).
class Splatter {
public:
    Splatter(const SyntheticFrameGeometry &g, Image &img) : m_g(g), m_img(img), m_rpx(g.radiusPixels()) {}

    double pixelsPerRadius() const { return m_rpx; }

    void blob(const double helio[3], double s, double sigmaR, bool showAboveLimbIfHidden)
    {
        double px = 0, py = 0;
        bool hidden = false;
        if (!m_g.helioToPixel(helio, px, py, &hidden) || s <= 0)
            return;
        if (hidden && !showAboveLimbIfHidden)
            return;
        const double sp = sigmaR * m_rpx;
        const double se2 = sp * sp + 0.3;
        draw(px, py, s * sp * sp / se2, std::sqrt(se2), hidden);
    }

    /// A tube through the points (heliocentric), surface brightness s across its axis, width sigmaR.
    void tube(const std::vector<std::array<double, 3>> &pts, double s, double sigmaR, double taper = 0)
    {
        if (pts.size() < 2 || s <= 0)
            return;
        const double sp = sigmaR * m_rpx;
        const double se = std::sqrt(sp * sp + 0.3);
        // Spacing of the samples in pixels (projected), so the chain reads as a continuous tube.
        for (size_t i = 0; i < pts.size(); ++i) {
            double px = 0, py = 0, qx = 0, qy = 0;
            bool hidden = false;
            if (!m_g.helioToPixel(pts[i].data(), px, py, &hidden) || hidden)
                continue;
            const size_t j = i + 1 < pts.size() ? i + 1 : i - 1;
            m_g.helioToPixel(pts[j].data(), qx, qy);
            const double ds = std::max(0.2, std::hypot(qx - px, qy - py));
            // taper > 0: emission falls off along the tube as exp(-fraction / taper) (fan loops fade upward).
            const double w = taper > 0 ? std::exp(-static_cast<double>(i) / (pts.size() - 1) / taper) : 1.0;
            draw(px, py, w * s * (sp / se) * ds / (std::sqrt(2 * M_PI) * se), se, false);
        }
    }

private:
    void draw(double px, double py, double amp, double sigma, bool offDiskOnly)
    {
        const int r = static_cast<int>(std::ceil(3.0 * sigma));
        const int x0 = std::max(0, static_cast<int>(std::floor(px)) - r), x1 = std::min(m_img.width - 1, static_cast<int>(std::ceil(px)) + r);
        const int y0 = std::max(0, static_cast<int>(std::floor(py)) - r), y1 = std::min(m_img.height - 1, static_cast<int>(std::ceil(py)) + r);
        if (x0 > x1 || y0 > y1)
            return;
        const double inv = 1.0 / (2 * sigma * sigma);
        m_gx.resize(x1 - x0 + 1);
        for (int x = x0; x <= x1; ++x)
            m_gx[x - x0] = std::exp(-(x - px) * (x - px) * inv);
        for (int y = y0; y <= y1; ++y) {
            const double gy = amp * std::exp(-(y - py) * (y - py) * inv);
            if (gy < 1e-6 * amp)
                continue;
            float *row = m_img.row(y);
            for (int x = x0; x <= x1; ++x) {
                if (offDiskOnly) {
                    double tx = 0, ty = 0;
                    m_g.pixelToTangent(x, y, tx, ty);
                    const double r2 = tx * tx + ty * ty;
                    if (m_g.dr * m_g.dr * r2 / (1 + r2) < 1.0)
                        continue;
                }
                row[x] += static_cast<float>(gy * m_gx[x - x0]);
            }
        }
    }

    const SyntheticFrameGeometry &m_g;
    Image &m_img;
    double m_rpx;
    std::vector<double> m_gx;
};

// Points of a loop between surface points a and b (Carrington unit vectors) with apex height h above the
// surface, leaning by psi radians; returned heliocentric.
std::vector<std::array<double, 3>> loopPoints(const SyntheticFrameGeometry &g, const double a[3], const double b[3],
                                              double h, double psi, double pixelsPerRadius, double spacingPx)
{
    double m[3], u[3];
    for (int i = 0; i < 3; ++i) {
        m[i] = 0.5 * (a[i] + b[i]);
        u[i] = b[i] - a[i];
    }
    const double len = std::sqrt(u[0] * u[0] + u[1] * u[1] + u[2] * u[2]);
    if (len <= 0)
        return {};
    for (double &x : u)
        x /= len;
    double nrm[3] = {m[0], m[1], m[2]};
    normalise(nrm);
    // Remove the component of the normal along the chord, then lean it about the chord.
    const double d = nrm[0] * u[0] + nrm[1] * u[1] + nrm[2] * u[2];
    for (int i = 0; i < 3; ++i)
        nrm[i] -= d * u[i];
    normalise(nrm);
    double side[3];
    cross(u, nrm, side);
    const double mlen = std::sqrt(m[0] * m[0] + m[1] * m[1] + m[2] * m[2]);
    const double H = h + (1.0 - mlen);
    double n2[3];
    for (int i = 0; i < 3; ++i)
        n2[i] = nrm[i] * std::cos(psi) + side[i] * std::sin(psi);
    const double arcPx = 0.5 * M_PI * (0.5 * len + H) * pixelsPerRadius;
    const int count = std::clamp(static_cast<int>(std::ceil(arcPx / spacingPx)) + 2, 3, 4000);
    std::vector<std::array<double, 3>> out;
    out.reserve(count);
    for (int k = 0; k < count; ++k) {
        const double th = M_PI * k / (count - 1);
        double p[3];
        for (int i = 0; i < 3; ++i)
            p[i] = m[i] - std::cos(th) * 0.5 * len * u[i] + std::sin(th) * H * n2[i];
        std::array<double, 3> q;
        SyntheticFrameGeometry::apply(g.carToHelio, p, q.data());
        out.push_back(q);
    }
    return out;
}

// Local axes of a region: c its centre, axis from the following to the leading polarity in the tangent
// plane, perp = c x axis.
void regionAxes(const double c[3], const double lead[3], const double follow[3], double axis[3], double perp[3])
{
    for (int i = 0; i < 3; ++i)
        axis[i] = lead[i] - follow[i];
    const double d = axis[0] * c[0] + axis[1] * c[1] + axis[2] * c[2];
    for (int i = 0; i < 3; ++i)
        axis[i] -= d * c[i];
    normalise(axis);
    cross(c, axis, perp);
}

void offsetOnSphere(const double base[3], const double a[3], double da, const double b[3], double db, double out[3])
{
    for (int i = 0; i < 3; ++i)
        out[i] = base[i] + da * a[i] + db * b[i];
    normalise(out);
}

void renderRegion(const SyntheticRegionModel &r, const SyntheticChannel &ch, const SyntheticFrameGeometry &g, double t,
                  quint64 seed, Splatter &splat)
{
    const double phi = r.flux(t);
    if (phi <= 0)
        return;
    double c[3], lead[3], follow[3];
    r.centroids(t, c, lead, follow);
    double ch3[3];
    SyntheticFrameGeometry::apply(g.carToHelio, c, ch3);
    if (ch3[2] < -0.45)
        return;  // well behind the limb: even tall loops are hidden
    double axis[3], perp[3];
    regionAxes(c, lead, follow, axis, perp);
    const double half = 0.5 * r.separationDeg(t) * M_PI / 180.0;  // solar radii on the surface
    const double phi22 = phi / 1e22;

    // Diffuse corona: blobs over each polarity and the core, and a wider halo.
    if (ch.arDiffuse > 0) {
        double p[3], h[3];
        const double *centres[3] = {c, lead, follow};
        const double weight[3] = {0.5, 0.35, 0.3};
        for (int k = 0; k < 3; ++k) {
            for (int i = 0; i < 3; ++i)
                p[i] = centres[k][i] * (1.0 + 0.4 * half);
            SyntheticFrameGeometry::apply(g.carToHelio, p, h);
            splat.blob(h, weight[k] * ch.arDiffuse * std::pow(phi22, 0.6), (k == 0 ? 0.8 : 0.6) * half, true);
        }
        for (int i = 0; i < 3; ++i)
            p[i] = c[i] * (1.0 + 1.0 * half);
        SyntheticFrameGeometry::apply(g.carToHelio, p, h);
        splat.blob(h, 0.3 * ch.arDiffuse * std::pow(phi22, 0.6), 2.0 * half, true);
    }
    if (ch.loopPeak <= 0)
        return;
    // Loops born every hour, each living 1.5-4 h (sin^2 envelope): continuous in time, the same set for all
    // channels of a step.
    const int perBin = static_cast<int>(std::lround(10.0 + 20.0 * std::sqrt(phi / 5e22)));
    const double hour = 1.0 / 24.0;
    const qint64 bin1 = static_cast<qint64>(std::floor(t / hour));
    for (qint64 bin = bin1 - 4; bin <= bin1; ++bin) {
        for (int k = 0; k < perBin; ++k) {
            SyntheticRandom rng(seed, kTagLoop, r.seed, static_cast<quint64>(bin) * 64 + k);
            const double birth = (bin + rng.uniform()) * hour;
            const double life = rng.uniform(1.5, 4.0) * hour;
            const double cls = rng.uniform();
            const double a1 = rng.normal(0, 0.25), a2 = rng.normal(0, 0.25);
            const double b1 = rng.normal(0, 0.35), b2 = rng.normal(0, 0.35);
            const bool fanFromLead = rng.chance(0.5);
            const double fanAngle = rng.normal(0, 0.6), fanLength = rng.uniform(1.5, 3.0);
            const double logTu = rng.uniform();
            const double widthMm = rng.uniform(1.2, 3.0);
            const double heightK = rng.uniform(0.4, 0.75);
            const double psi = rng.normal(0, 0.15);
            const double bright = std::exp(rng.normal(0, 0.4));
            if (t < birth || t > birth + life)
                continue;
            const double env = std::pow(std::sin(M_PI * (t - birth) / life), 2);
            double logT = 0;
            bool hot = false, fan = false;
            if (cls < 0.2) {
                logT = 5.75 + 0.2 * logTu;
                fan = true;
            } else if (cls < 0.4)
                logT = 5.75 + 0.25 * logTu;
            else if (cls < 0.75 || phi < 8e21)
                logT = 6.1 + 0.25 * logTu;
            else {
                logT = 6.45 + 0.45 * logTu;
                hot = true;
            }
            const double s = 0.35 * ch.loopPeak * ch.response(logT) * std::pow(phi22, 0.4) * bright * env;
            if (s < 1e-3)
                continue;
            double fa[3], fb[3];
            offsetOnSphere(lead, axis, a1 * half, perp, a2 * half, fa);
            offsetOnSphere(follow, axis, b1 * half, perp, b2 * half, fb);
            if (fan) {
                // Fan loops: from the edge of a polarity outward to distant network, fading with height
                // (the long 171 A fans of real regions).
                double out[3], foot[3];
                if (!fanFromLead)
                    std::copy(fb, fb + 3, fa);
                for (int i = 0; i < 3; ++i)
                    out[i] = fa[i] - c[i];
                const double d = out[0] * fa[0] + out[1] * fa[1] + out[2] * fa[2];
                for (int i = 0; i < 3; ++i)
                    out[i] -= d * fa[i];
                normalise(out);
                double side[3];
                cross(fa, out, side);
                offsetOnSphere(fa, out, fanLength * half * std::cos(fanAngle), side, fanLength * half * std::sin(fanAngle), foot);
                const double sigmaR = widthMm / kRsunMm;
                const double se = std::sqrt(std::pow(sigmaR * splat.pixelsPerRadius(), 2) + 0.3);
                const double flen = std::sqrt(std::pow(fa[0] - foot[0], 2) + std::pow(fa[1] - foot[1], 2) + std::pow(fa[2] - foot[2], 2));
                splat.tube(loopPoints(g, fa, foot, 0.45 * flen, psi + 0.3 * fanAngle, splat.pixelsPerRadius(), 0.7 * se), 0.6 * s,
                           1.6 * sigmaR, 0.3);
                continue;
            }
            if (hot) {
                // Hot core loops are short: footpoints pulled toward the polarity inversion line.
                for (int i = 0; i < 3; ++i) {
                    fa[i] = c[i] + 0.45 * (fa[i] - c[i]);
                    fb[i] = c[i] + 0.45 * (fb[i] - c[i]);
                }
                normalise(fa);
                normalise(fb);
            }
            const double len = std::sqrt(std::pow(fa[0] - fb[0], 2) + std::pow(fa[1] - fb[1], 2) + std::pow(fa[2] - fb[2], 2));
            const double sigmaR = widthMm / kRsunMm;
            const double se = std::sqrt(std::pow(sigmaR * splat.pixelsPerRadius(), 2) + 0.3);
            const auto pts = loopPoints(g, fa, fb, heightK * len, psi, splat.pixelsPerRadius(), 0.7 * se);
            splat.tube(pts, s, sigmaR);
        }
    }
}

void renderFlare(const SyntheticFlareModel &f, const SyntheticRegionModel &r, const SyntheticChannel &ch,
                 const SyntheticFrameGeometry &g, double t, Splatter &splat)
{
    const double start = f.tPeak - f.riseDays;
    if (t < start || t > f.tPeak + 6.0 * f.tauDays)
        return;
    const double peak = f.flare.peakFlux;
    const double c1 = peak / 1e-6;
    // Arcade: emission measure follows the rise, decays half as fast as the GOES flux; its temperature
    // falls after the peak, so the flare shows in 131/94 first, then 335, 211/193, and 171 last.
    const double g1 = t <= f.tPeak ? f.goesFlux(t) / peak : std::exp(-(t - f.tPeak) / (2.0 * f.tauDays));
    const double logT = t <= f.tPeak ? f.logTPeak
                                     : std::max(5.7, f.logTPeak - 1.1 * (t - f.tPeak) / (3.0 * f.tauDays));
    const double arcade = ch.flareArcade * std::pow(c1, 0.9) * g1 * ch.response(logT) /
        std::max(1e-9, ch.response(ch.resp[0][1]));
    // Ribbons: impulsive, peaking before the soft X-ray maximum (Neupert effect).
    const double tImp = start + 0.7 * f.riseDays;
    const double hImp = t < tImp ? std::exp(-std::pow((t - tImp) / (0.35 * f.riseDays), 2))
                                 : std::exp(-(t - tImp) / (0.6 * f.tauDays));
    const double ribbon = ch.flareRibbon * std::pow(c1, 0.8) * hImp;
    if (arcade < 1e-3 && ribbon < 1e-3)
        return;

    double c[3], lead[3], follow[3];
    r.centroids(t, c, lead, follow);
    double axis[3], perp[3];
    regionAxes(c, lead, follow, axis, perp);
    double site[3];
    offsetOnSphere(c, axis, f.offU * M_PI / 180.0, perp, f.offV * M_PI / 180.0, site);
    double sAxis[3], sPerp[3];
    {
        const double d = axis[0] * site[0] + axis[1] * site[1] + axis[2] * site[2];
        for (int i = 0; i < 3; ++i)
            sAxis[i] = axis[i] - d * site[i];
        normalise(sAxis);
        cross(site, sAxis, sPerp);
    }
    const double half = 0.5 * r.separationDeg(f.tPeak) * M_PI / 180.0;
    const double df = std::max(2.5 / kRsunMm, 0.12 * half) * (1.0 + 0.3 * std::log10(std::max(1.0, c1)));
    const double lp = std::max(5.0 / kRsunMm, 0.5 * half);
    const double rpx = splat.pixelsPerRadius();

    if (arcade >= 1e-3) {
        const double sigmaR = 1.0 / kRsunMm;
        const double se = std::sqrt(std::pow(sigmaR * rpx, 2) + 0.3);
        for (int k = 0; k < 7; ++k) {
            const double s = (k / 6.0 - 0.5) * lp;
            double a[3], b[3];
            for (int i = 0; i < 3; ++i) {
                a[i] = site[i] + s * sPerp[i] + df * sAxis[i];
                b[i] = site[i] + s * sPerp[i] - df * sAxis[i];
            }
            normalise(a);
            normalise(b);
            splat.tube(loopPoints(g, a, b, 0.8 * df, 0.0, rpx, 0.7 * se), arcade, sigmaR);
        }
        double k3[3], kh[3];
        for (int i = 0; i < 3; ++i)
            k3[i] = site[i] * (1.0 + 0.5 * df);
        SyntheticFrameGeometry::apply(g.carToHelio, k3, kh);
        splat.blob(kh, 0.3 * arcade, df, true);
    }
    if (ribbon >= 1e-3) {
        const double sigmaR = 0.8 / kRsunMm;
        const double se = std::sqrt(std::pow(sigmaR * rpx, 2) + 0.3);
        for (int side = -1; side <= 1; side += 2) {
            std::vector<std::array<double, 3>> pts;
            const int count = std::max(3, static_cast<int>(std::ceil(1.2 * lp * rpx / (0.7 * se))) + 1);
            for (int k = 0; k < count; ++k) {
                const double s = (k / double(count - 1) - 0.5) * 1.2 * lp;
                double p[3];
                for (int i = 0; i < 3; ++i)
                    p[i] = site[i] + s * sPerp[i] + side * 1.15 * df * sAxis[i];
                normalise(p);
                for (double &x : p)
                    x *= 1.0 + 0.5 / kRsunMm;
                std::array<double, 3> q;
                SyntheticFrameGeometry::apply(g.carToHelio, p, q.data());
                pts.push_back(q);
            }
            splat.tube(pts, ribbon, sigmaR);
        }
    }
}

}  // namespace

void SyntheticCorona::render(const SyntheticHistory &history, const SyntheticChannel &channel,
                             const SyntheticFrameGeometry &geometry, double t, quint64 seed, Image &rate)
{
    Splatter splat(geometry, rate);
    const auto &regions = history.regions();
    for (const SyntheticRegionModel &r : regions)
        if (r.alive(t))
            renderRegion(r, channel, geometry, t, seed, splat);
    if (channel.flareArcade <= 0 && channel.flareRibbon <= 0)
        return;
    // Flares are sorted by peak; rises last < 1 h and decays (to 6 e-foldings) < 8 h.
    const auto &flares = history.flares();
    auto it = std::lower_bound(flares.begin(), flares.end(), t - 0.35,
                               [](const SyntheticFlareModel &f, double x) { return f.tPeak < x; });
    for (; it != flares.end() && it->tPeak < t + 0.05; ++it)
        renderFlare(*it, regions[it->regionIndex], channel, geometry, t, splat);
}

const std::vector<float> &SyntheticCorona::limbTable(double hMm)
{
    static QMutex mutex;
    static std::map<long, std::vector<float>> cache;
    const long key = std::lround(hMm * 100.0);
    QMutexLocker lock(&mutex);
    auto it = cache.find(key);
    if (it != cache.end())
        return it->second;
    const double h = hMm / kRsunMm;
    const int n = static_cast<int>(std::lround(kLimbMax / kLimbStep)) + 1;
    std::vector<float> table(n);
    const double rMax = 1.0 + 40.0 * h;
    const int steps = 400;
    for (int i = 0; i < n; ++i) {
        const double rho = i * kLimbStep;
        double l0 = 0, factor = 2.0;
        if (rho < 1.0) {
            l0 = std::sqrt(1.0 - rho * rho);
            factor = 1.0;
        }
        if (rMax <= rho) {
            table[i] = 0.0f;
            continue;
        }
        const double lMax = std::sqrt(rMax * rMax - rho * rho);
        const double L = lMax - l0;
        double sum = 0;
        for (int k = 0; k < steps; ++k) {
            const double x = (k + 0.5) / steps;
            const double l = l0 + L * x * x;
            const double r = std::sqrt(rho * rho + l * l);
            sum += std::exp(-(r - 1.0) / h) * 2.0 * L * x / steps;
        }
        table[i] = static_cast<float>(factor * sum / h);
    }
    return cache.emplace(key, std::move(table)).first->second;
}

}  // namespace solarchip
