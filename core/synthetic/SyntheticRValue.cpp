#include "core/synthetic/SyntheticRValue.h"

#include "core/synthetic/SyntheticFrameGeometry.h"

#include <algorithm>
#include <cmath>

namespace solarchip {

namespace {
constexpr double kDeg = M_PI / 180.0;
constexpr double kRsunKm = 6.96e5;
constexpr int kMaxSide = 512;
}  // namespace

double SyntheticRValue::ofMap(const QVector<float> &b, int w, int h, double pixelKm)
{
    if (w <= 0 || h <= 0 || b.size() != w * h)
        return 0;
    // 2-3. Strong-field masks dilated by one pixel; their overlap is the PIL.
    QVector<unsigned char> pos(w * h, 0), neg(w * h, 0);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const float v = b[y * w + x];
            if (!std::isfinite(v))
                continue;
            if (v > kThresholdG || v < -kThresholdG) {
                QVector<unsigned char> &m = v > 0 ? pos : neg;
                for (int j = std::max(0, y - 1); j <= std::min(h - 1, y + 1); ++j)
                    for (int i = std::max(0, x - 1); i <= std::min(w - 1, x + 1); ++i)
                        m[j * w + i] = 1;
            }
        }
    QVector<double> pil(w * h, 0.0);
    bool any = false;
    for (int i = 0; i < w * h; ++i)
        if (pos[i] && neg[i]) {
            pil[i] = 1.0;
            any = true;
        }
    if (!any)
        return 0;
    // 4. Separable Gaussian of unit peak, truncated at 3 sigma.
    const double sigmaPx = kFwhmMm * 1000.0 / (2.0 * std::sqrt(2.0 * std::log(2.0))) / pixelKm;
    const int r = static_cast<int>(std::ceil(3.0 * sigmaPx));
    QVector<double> k(2 * r + 1);
    for (int i = -r; i <= r; ++i)
        k[i + r] = std::exp(-0.5 * i * i / (sigmaPx * sigmaPx));
    QVector<double> tmp(w * h, 0.0), wmap(w * h, 0.0);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            double s = 0;
            for (int i = std::max(-r, -x); i <= std::min(r, w - 1 - x); ++i)
                s += k[i + r] * pil[y * w + x + i];
            tmp[y * w + x] = s;
        }
    // Unit peak of the 2-D kernel: the 1-D kernels each have unit peak, so their product does too; a long
    // straight PIL gives W = sum of one 1-D kernel across it, normalised below to 1.
    double across = 0;
    for (double v : k)
        across += v;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            double s = 0;
            for (int j = std::max(-r, -y); j <= std::min(r, h - 1 - y); ++j)
                s += k[j + r] * tmp[(y + j) * w + x];
            wmap[y * w + x] = s / across;
        }
    // 5. Weighted unsigned flux.
    const double areaCm2 = pixelKm * 1e5 * pixelKm * 1e5;
    double sum = 0;
    for (int i = 0; i < w * h; ++i)
        if (std::isfinite(b[i]))
            sum += std::fabs(b[i]) * wmap[i];
    return sum * areaCm2;
}

double SyntheticRValue::ofComponents(const QVector<SyntheticComponent> &comps, double lonC, double latC)
{
    if (comps.isEmpty())
        return 0;
    const double pxDeg = kPixelKm / kRsunKm / kDeg;
    const double cosLat = std::max(0.05, std::cos(latC * kDeg));
    struct C {
        double w, n, sigmaDeg, peakG;
    };
    QVector<C> cs;
    double wMin = 1e9, wMax = -1e9, nMin = 1e9, nMax = -1e9;
    for (const SyntheticComponent &c : comps) {
        double lon = 0, lat = 0;
        SyntheticFrameGeometry::vectorToLonLat(c.v, lon, lat);
        const double dl = std::remainder(lon - lonC, 360.0);
        const double sigmaCm = c.sigmaRad * kRsunKm * 1e5;
        C k{dl * cosLat, lat - latC, c.sigmaRad / kDeg, c.fluxMx / (2 * M_PI * sigmaCm * sigmaCm)};
        // Only concentrations that can reach the threshold matter to the masks; weaker ones still add |B|.
        wMin = std::min(wMin, k.w - 3 * k.sigmaDeg);
        wMax = std::max(wMax, k.w + 3 * k.sigmaDeg);
        nMin = std::min(nMin, k.n - 3 * k.sigmaDeg);
        nMax = std::max(nMax, k.n + 3 * k.sigmaDeg);
        cs.push_back(k);
    }
    const int w = std::clamp(static_cast<int>(std::ceil((wMax - wMin) / pxDeg)) + 1, 1, kMaxSide);
    const int h = std::clamp(static_cast<int>(std::ceil((nMax - nMin) / pxDeg)) + 1, 1, kMaxSide);
    const double wc = 0.5 * (wMin + wMax), nc = 0.5 * (nMin + nMax);
    QVector<float> b(w * h, 0.0f);
    QVector<double> gx(w), gy(h);
    for (const C &k : cs) {
        const double inv = 1.0 / (2.0 * k.sigmaDeg * k.sigmaDeg);
        for (int x = 0; x < w; ++x) {
            const double d = wc + (x - 0.5 * (w - 1)) * pxDeg - k.w;
            gx[x] = std::exp(-d * d * inv);
        }
        for (int y = 0; y < h; ++y) {
            const double d = nc + (y - 0.5 * (h - 1)) * pxDeg - k.n;
            gy[y] = k.peakG * std::exp(-d * d * inv);
        }
        for (int y = 0; y < h; ++y) {
            if (std::fabs(gy[y]) < 1e-3)
                continue;
            float *row = &b[y * w];
            for (int x = 0; x < w; ++x)
                row[x] += static_cast<float>(gy[y] * gx[x]);
        }
    }
    return ofMap(b, w, h, kPixelKm);
}

}  // namespace solarchip
