#include "core/synthetic/SyntheticSurface.h"

#include "core/synthetic/SyntheticRandom.h"

#include <QtConcurrent/QtConcurrentMap>

#include <algorithm>
#include <cmath>

namespace solarchip {

namespace {

constexpr double kDeg = M_PI / 180.0;
constexpr double kRsunCm = 6.96e10;
constexpr int kCellsPerRadius = 28;      // supergranules: ~25 Mm cells on a 696 Mm radius
constexpr double kCellLifeDays = 1.5;
constexpr double kLaneWidth = 0.22;      // network brightness lanes, in cell units
constexpr double kElementWidth = 0.12;   // magnetic elements sit in the middle of the lanes
constexpr double kNetworkField = 60.0;   // Gauss at a strong lane element (at this resolution)
constexpr quint64 kTagNet = 0x4e455457;  // "NETW"
constexpr quint64 kTagQs = 0x51534d44;   // "QSMD"

float smoothstepf(float x)
{
    x = std::clamp(x, 0.0f, 1.0f);
    return x * x * (3 - 2 * x);
}

// Feature points of the network cells around the sphere, computed once per step.
struct CellCache {
    int k = kCellsPerRadius;
    int lo = 0, dim = 0;
    std::vector<float> point;  // 3 per cell, absolute lattice coordinates
    std::vector<float> u;      // uniform per cell (polarity draw)
    std::vector<float> amp;    // element strength

    void build(quint64 seed, double t)
    {
        lo = -k - 4;
        dim = 2 * (k + 4) + 1;
        const size_t n = static_cast<size_t>(dim) * dim * dim;
        point.resize(3 * n);
        u.resize(n);
        amp.resize(n);
        for (int iz = 0; iz < dim; ++iz)
            for (int iy = 0; iy < dim; ++iy)
                for (int ix = 0; ix < dim; ++ix) {
                    const size_t idx = (static_cast<size_t>(iz) * dim + iy) * dim + ix;
                    const int cx = ix + lo, cy = iy + lo, cz = iz + lo;
                    const double r = std::sqrt(double(cx) * cx + double(cy) * cy + double(cz) * cz);
                    if (r < k - 4.5 || r > k + 4.5) {
                        point[3 * idx] = point[3 * idx + 1] = point[3 * idx + 2] = 1e6f;
                        continue;
                    }
                    const quint64 cell = (static_cast<quint64>(static_cast<quint32>(cx)) << 42)
                        ^ (static_cast<quint64>(static_cast<quint32>(cy)) << 21) ^ static_cast<quint32>(cz);
                    const quint64 h0 = SyntheticRandom::hash(seed, kTagNet, cell);
                    const double phase = SyntheticRandom::unit(h0);
                    const double e = t / kCellLifeDays + phase;
                    const double ep = std::floor(e);
                    double f = e - ep;
                    f = f * f * (3 - 2 * f);
                    double a[3], b[3];
                    for (int j = 0; j < 2; ++j) {
                        const quint64 h = SyntheticRandom::hash(seed, kTagNet + 1, cell, static_cast<quint64>(static_cast<qint64>(ep) + j));
                        double *p = j == 0 ? a : b;
                        p[0] = 0.1 + 0.8 * SyntheticRandom::unit(SyntheticRandom::mix(h));
                        p[1] = 0.1 + 0.8 * SyntheticRandom::unit(SyntheticRandom::mix(h + 1));
                        p[2] = 0.1 + 0.8 * SyntheticRandom::unit(SyntheticRandom::mix(h + 2));
                    }
                    point[3 * idx] = static_cast<float>(cx + a[0] + (b[0] - a[0]) * f);
                    point[3 * idx + 1] = static_cast<float>(cy + a[1] + (b[1] - a[1]) * f);
                    point[3 * idx + 2] = static_cast<float>(cz + a[2] + (b[2] - a[2]) * f);
                    const quint64 h1 = SyntheticRandom::hash(seed, kTagNet + 2, cell);
                    u[idx] = static_cast<float>(SyntheticRandom::unit(h1));
                    amp[idx] = static_cast<float>(std::exp(-0.5 + 0.6 * SyntheticRandom::normalQuantile(SyntheticRandom::openUnit(SyntheticRandom::mix(h1)))));
                }
    }
};

// Smooth value noise on an integer lattice (trilinear), values in [0, 1).
double valueNoise(double x, double y, double z, quint64 seed)
{
    const double fx = std::floor(x), fy = std::floor(y), fz = std::floor(z);
    const qint64 ix = static_cast<qint64>(fx), iy = static_cast<qint64>(fy), iz = static_cast<qint64>(fz);
    double tx = x - fx, ty = y - fy, tz = z - fz;
    tx = tx * tx * (3 - 2 * tx);
    ty = ty * ty * (3 - 2 * ty);
    tz = tz * tz * (3 - 2 * tz);
    double c[2][2][2];
    for (int k = 0; k < 2; ++k)
        for (int j = 0; j < 2; ++j)
            for (int i = 0; i < 2; ++i)
                c[k][j][i] = SyntheticRandom::unit(SyntheticRandom::hash(seed, static_cast<quint64>(ix + i),
                                                                         static_cast<quint64>(iy + j),
                                                                         static_cast<quint64>(iz + k)));
    auto lerp = [](double a, double b, double t) { return a + (b - a) * t; };
    const double x00 = lerp(c[0][0][0], c[0][0][1], tx), x10 = lerp(c[0][1][0], c[0][1][1], tx);
    const double x01 = lerp(c[1][0][0], c[1][0][1], tx), x11 = lerp(c[1][1][0], c[1][1][1], tx);
    return lerp(lerp(x00, x10, ty), lerp(x01, x11, ty), tz);
}

struct Blob {  // a Gaussian on the sphere, or a coronal-hole lobe
    double v[3];
    double sigma;   // radians (Gaussians) / radius in degrees (lobes)
    double value;   // peak Gauss (Gaussians) / depth (lobes)
    int sign;       // lobes: polarity of the hole
    bool spot;      // Gaussians: a sunspot (smooth) rather than plage (textured)
    int x0, x1, y0, y1;  // box in reference pixels
};

}  // namespace

SyntheticSurface SyntheticSurface::build(const SyntheticHistory &history, const SyntheticFrameGeometry &ref, double t,
                                         quint64 seed, QThreadPool *pool)
{
    SyntheticSurface s;
    s.m_ref = ref;
    s.m_n = ref.width;
    const int n = s.m_n;
    s.m_cells.assign(static_cast<size_t>(n) * n, Cell{0, 0, 0, 1});
    const double rpx = ref.radiusPixels();

    CellCache cache;
    cache.build(seed, t);

    auto boxFor = [&](Blob &b, double radiusRad) {
        double h[3];
        SyntheticFrameGeometry::apply(ref.carToHelio, b.v, h);
        double px = 0, py = 0;
        if (h[2] < -std::sin(radiusRad) - 0.02 || !ref.helioToPixel(h, px, py)) {
            b.x0 = b.y0 = 1;
            b.x1 = b.y1 = 0;
            return;
        }
        const double r = radiusRad * rpx + 2;
        b.x0 = std::max(0, static_cast<int>(std::floor(px - r)));
        b.x1 = std::min(n - 1, static_cast<int>(std::ceil(px + r)));
        b.y0 = std::max(0, static_cast<int>(std::floor(py - r)));
        b.y1 = std::min(n - 1, static_cast<int>(std::ceil(py + r)));
    };

    // Active-region flux concentrations.
    std::vector<Blob> gauss;
    QVector<SyntheticComponent> comps;
    for (const SyntheticRegionModel &r : history.regions()) {
        r.components(t, comps);
        for (const SyntheticComponent &c : comps) {
            Blob b;
            std::copy(c.v, c.v + 3, b.v);
            b.sigma = c.sigmaRad;
            const double sigmaCm = c.sigmaRad * kRsunCm;
            b.value = c.fluxMx / (2 * M_PI * sigmaCm * sigmaCm);
            b.sign = 0;
            b.spot = c.spot;
            boxFor(b, 4.0 * c.sigmaRad);
            if (b.x0 <= b.x1)
                gauss.push_back(b);
        }
    }
    // Coronal-hole lobes.
    std::vector<Blob> lobes;
    for (const SyntheticHoleModel &h : history.holes()) {
        const double depth = h.depth(t);
        if (depth <= 0)
            continue;
        const double lon = h.lonCar(t);
        for (const SyntheticHoleModel::Lobe &l : h.lobes) {
            Blob b;
            const double la = std::clamp(h.lat + l.dlat, -85.0, 85.0);
            SyntheticFrameGeometry::lonLatToVector(lon + l.dlon / std::max(0.1, std::cos(h.lat * kDeg)), la, b.v);
            b.sigma = l.radiusDeg;
            b.value = depth;
            b.sign = h.sign;
            b.spot = false;
            boxFor(b, (l.radiusDeg + 3.0) * kDeg);
            if (b.x0 <= b.x1)
                lobes.push_back(b);
        }
    }
    const double polarEdge = history.polarHoleBoundaryDeg(t);
    const int northSign = history.northPolarSign(t);
    const double wig1 = SyntheticRandom::unit(SyntheticRandom::hash(seed, kTagQs, 11)) * 2 * M_PI;
    const double wig2 = SyntheticRandom::unit(SyntheticRandom::hash(seed, kTagQs, 12)) * 2 * M_PI;

    // Rows in blocks; every pixel is computed from its own inputs only, so the result does not depend on
    // how the blocks are scheduled.
    const int blockRows = 16;
    std::vector<int> blocks;
    for (int y = 0; y < n; y += blockRows)
        blocks.push_back(y);
    auto work = [&](int yStart) {
        const int yEnd = std::min(n, yStart + blockRows);
        const size_t rowLen = static_cast<size_t>(n);
        std::vector<double> pc(3 * rowLen * (yEnd - yStart));
        std::vector<float> hole(rowLen * (yEnd - yStart), 0.0f);
        std::vector<signed char> hsign(rowLen * (yEnd - yStart), 0);
        std::vector<float> texture(rowLen * (yEnd - yStart), 1.0f);
        // 1. Where each pixel's line of sight meets the sphere (limb point off the disk), in Carrington axes.
        for (int y = yStart; y < yEnd; ++y)
            for (int x = 0; x < n; ++x) {
                double tx = 0, ty = 0, p[3], mu = 0, rho = 0;
                ref.pixelToTangent(x, y, tx, ty);
                ref.tangentToSurface(tx, ty, p, mu, rho);
                SyntheticFrameGeometry::apply(ref.helioToCar, p, &pc[3 * ((y - yStart) * rowLen + x)]);
            }
        // 2. Coronal holes: polar caps with a ragged edge, then the low-latitude lobes.
        for (int y = yStart; y < yEnd; ++y)
            for (int x = 0; x < n; ++x) {
                const size_t i = (y - yStart) * rowLen + x;
                const double *p = &pc[3 * i];
                const double lat = std::asin(std::clamp(p[2], -1.0, 1.0)) / kDeg;
                if (std::fabs(lat) > polarEdge - 8) {
                    const double lon = std::atan2(p[1], p[0]);
                    const double edge = polarEdge + 2.5 * std::sin(2 * lon + wig1) + 1.5 * std::sin(5 * lon + wig2);
                    const float m = smoothstepf(static_cast<float>((std::fabs(lat) - edge) / 8.0 + 0.5));
                    if (m > hole[i]) {
                        hole[i] = m;
                        hsign[i] = static_cast<signed char>(lat >= 0 ? northSign : -northSign);
                    }
                }
            }
        for (const Blob &b : lobes) {
            const int y0 = std::max(b.y0, yStart), y1 = std::min(b.y1, yEnd - 1);
            for (int y = y0; y <= y1; ++y)
                for (int x = b.x0; x <= b.x1; ++x) {
                    const size_t i = (y - yStart) * rowLen + x;
                    const double *p = &pc[3 * i];
                    const double dx = p[0] - b.v[0], dy = p[1] - b.v[1], dz = p[2] - b.v[2];
                    const double chord = std::sqrt(dx * dx + dy * dy + dz * dz);
                    const double d = 2.0 * std::asin(std::min(1.0, 0.5 * chord)) / kDeg;
                    const float m = static_cast<float>(b.value) * smoothstepf(static_cast<float>((b.sigma - d) / 5.0 + 0.5));
                    if (m > hole[i]) {
                        hole[i] = m;
                        hsign[i] = static_cast<signed char>(b.sign);
                    }
                }
        }
        // 3. Network (Worley F2 - F1 lanes), polar field, large-scale modulation.
        const float k = static_cast<float>(cache.k);
        for (int y = yStart; y < yEnd; ++y)
            for (int x = 0; x < n; ++x) {
                const size_t i = (y - yStart) * rowLen + x;
                const double *p = &pc[3 * i];
                // Domain warp: bends the lanes so the cells are not straight-edged polygons.
                const float px = static_cast<float>(p[0]) * k, py = static_cast<float>(p[1]) * k,
                            pz = static_cast<float>(p[2]) * k;
                const float qx = px + 0.28f * std::sin(1.7f * py + 0.5f) + 0.14f * std::sin(3.1f * pz + 1.3f);
                const float qy = py + 0.28f * std::sin(1.7f * pz + 2.1f) + 0.14f * std::sin(3.1f * px + 0.2f);
                const float qz = pz + 0.28f * std::sin(1.7f * px + 4.0f) + 0.14f * std::sin(3.1f * py + 2.9f);
                const int bx = static_cast<int>(std::floor(qx)), by = static_cast<int>(std::floor(qy)),
                          bz = static_cast<int>(std::floor(qz));
                float d1 = 1e30f, d2 = 1e30f;
                size_t best = 0;
                for (int dz = -1; dz <= 1; ++dz)
                    for (int dy = -1; dy <= 1; ++dy) {
                        const size_t row = (static_cast<size_t>(bz + dz - cache.lo) * cache.dim + (by + dy - cache.lo)) * cache.dim;
                        for (int dx = -1; dx <= 1; ++dx) {
                            const size_t idx = row + (bx + dx - cache.lo);
                            const float *fp = &cache.point[3 * idx];
                            const float ex = fp[0] - qx, ey = fp[1] - qy, ez = fp[2] - qz;
                            const float dd = ex * ex + ey * ey + ez * ez;
                            if (dd < d1) {
                                d2 = d1;
                                d1 = dd;
                                best = idx;
                            } else if (dd < d2) {
                                d2 = dd;
                            }
                        }
                    }
                const float gap = std::sqrt(d2) - std::sqrt(d1);
                const float gl = gap / static_cast<float>(kLaneWidth), ge = gap / static_cast<float>(kElementWidth);
                // Lanes are fragmented into clumps of network elements (value noise at ~0.6 cell); the field
                // itself sits in small concentrations (the peaks of a finer noise) in the lanes.
                const float patch = static_cast<float>(valueNoise(qx * 1.7, qy * 1.7, qz * 1.7, seed ^ (kTagNet + 7)));
                const float lane = std::exp(-gl * gl) * (0.2f + 1.6f * patch * patch);
                // Unwarped coordinates: compact, round concentrations (~3 Mm) rather than streaks along lanes.
                const float knot = static_cast<float>(valueNoise(px * 6.0, py * 6.0, pz * 6.0, seed ^ (kTagNet + 8)));
                const float k2 = knot * knot;
                const float element = std::exp(-ge * ge) * k2 * k2 * k2 * 12.0f;
                texture[i] = (0.3f + 1.4f * k2) / 0.77f;  // small-scale structure of active-region plage
                const double lat = std::asin(std::clamp(p[2], -1.0, 1.0)) / kDeg;
                const int polarSign = lat >= 0 ? northSign : -northSign;
                // Polarity: mixed, biased toward the open-field sign in holes and toward the polar sign near
                // the poles.
                const float polarBias = 0.2f * smoothstepf(static_cast<float>((std::fabs(lat) - 55.0) / 20.0));
                const float pPlus = 0.5f + 0.45f * hole[i] * hsign[i] + polarBias * polarSign;
                const float sign = cache.u[best] < pPlus ? 1.0f : -1.0f;
                Cell &c = s.m_cells[static_cast<size_t>(y) * n + x];
                // Network brightness follows the strength of its elements: patchy, not a uniform honeycomb.
                c.lane = lane * std::min(2.5f, cache.amp[best] / 0.75f);
                c.hole = hole[i];
                c.br = static_cast<float>(sign * cache.amp[best] * kNetworkField * element
                                          + polarSign * 6.0 * smoothstepf(static_cast<float>((std::fabs(lat) - 50.0) / 35.0)));
                const double drift = t / 40.0;
                const double v1 = valueNoise(p[0] * 2.5 + drift, p[1] * 2.5, p[2] * 2.5, seed ^ kTagQs);
                const double v2 = valueNoise(p[0] * 6.0, p[1] * 6.0 + drift, p[2] * 6.0, (seed ^ kTagQs) + 1);
                c.qs = static_cast<float>(1.0 + 0.36 * (v1 - 0.5) + 0.16 * (v2 - 0.5));
            }
        // 4. Active-region flux concentrations (exact Gaussians on the sphere).
        for (const Blob &b : gauss) {
            const int y0 = std::max(b.y0, yStart), y1 = std::min(b.y1, yEnd - 1);
            const double inv = 1.0 / (2.0 * b.sigma * b.sigma), cut = 16.0 * b.sigma * b.sigma;
            for (int y = y0; y <= y1; ++y)
                for (int x = b.x0; x <= b.x1; ++x) {
                    const size_t i = (y - yStart) * rowLen + x;
                    const double *p = &pc[3 * i];
                    const double dx = p[0] - b.v[0], dy = p[1] - b.v[1], dz = p[2] - b.v[2];
                    const double d2 = dx * dx + dy * dy + dz * dz;
                    if (d2 < cut)
                        s.m_cells[static_cast<size_t>(y) * n + x].br +=
                            static_cast<float>(b.value * std::exp(-d2 * inv)) * (b.spot ? 1.0f : texture[i]);
                }
        }
    };
    if (pool)
        QtConcurrent::blockingMap(pool, blocks, work);
    else
        for (int b : blocks)
            work(b);
    return s;
}

}  // namespace solarchip
