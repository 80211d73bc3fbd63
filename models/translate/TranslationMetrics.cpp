#include "models/translate/TranslationMetrics.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

namespace solarchip {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool on(const std::vector<uint8_t> &mask, int i) { return mask.empty() || mask[i] != 0; }

/// Separable Gaussian filter with skimage's truncation (radius = int(3.5 sigma + 0.5)) and reflect-free "valid"
/// handling: only pixels whose window lies inside the image are computed (the rest are not used by the crop).
std::vector<double> gaussianKernel(double sigma, int *radius)
{
    *radius = static_cast<int>(3.5 * sigma + 0.5);
    std::vector<double> k(2 * *radius + 1);
    double s = 0;
    for (int i = -*radius; i <= *radius; ++i)
        s += k[i + *radius] = std::exp(-0.5 * i * i / (sigma * sigma));
    for (double &v : k)
        v /= s;
    return k;
}

/// scipy.ndimage.gaussian_filter with mode 'reflect' (skimage's default for SSIM): d c b a | a b c d | d c b a.
std::vector<double> filter(const std::vector<double> &img, int side, const std::vector<double> &k, int r)
{
    auto refl = [side](int i) {
        while (i < 0 || i >= side)
            i = i < 0 ? -i - 1 : 2 * side - i - 1;
        return i;
    };
    std::vector<double> tmp(img.size()), out(img.size());
    for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x) {
            double s = 0;
            for (int j = -r; j <= r; ++j)
                s += k[j + r] * img[static_cast<std::size_t>(y) * side + refl(x + j)];
            tmp[static_cast<std::size_t>(y) * side + x] = s;
        }
    for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x) {
            double s = 0;
            for (int j = -r; j <= r; ++j)
                s += k[j + r] * tmp[static_cast<std::size_t>(refl(y + j)) * side + x];
            out[static_cast<std::size_t>(y) * side + x] = s;
        }
    return out;
}

}  // namespace

double pearsonCc(const float *x, const float *y, int n, const std::vector<uint8_t> &mask)
{
    double sx = 0, sy = 0;
    int m = 0;
    for (int i = 0; i < n; ++i)
        if (on(mask, i)) {
            sx += x[i];
            sy += y[i];
            ++m;
        }
    if (m < 3)
        return kNaN;
    const double mx = sx / m, my = sy / m;
    double cxy = 0, cxx = 0, cyy = 0;
    for (int i = 0; i < n; ++i)
        if (on(mask, i)) {
            const double a = x[i] - mx, b = y[i] - my;
            cxy += a * b;
            cxx += a * a;
            cyy += b * b;
        }
    if (!(cxx > 0) || !(cyy > 0))
        return kNaN;
    return cxy / std::sqrt(cxx * cyy);
}

double ssim(const float *x, const float *y, int side, double L)
{
    const double c1 = (0.01 * L) * (0.01 * L), c2 = (0.03 * L) * (0.03 * L);
    int r = 0;
    const auto k = gaussianKernel(1.5, &r);
    const std::size_t n = static_cast<std::size_t>(side) * side;
    std::vector<double> a(x, x + n), b(y, y + n), aa(n), bb(n), ab(n);
    for (std::size_t i = 0; i < n; ++i) {
        aa[i] = a[i] * a[i];
        bb[i] = b[i] * b[i];
        ab[i] = a[i] * b[i];
    }
    const auto ma = filter(a, side, k, r), mb = filter(b, side, k, r);
    const auto saa = filter(aa, side, k, r), sbb = filter(bb, side, k, r), sab = filter(ab, side, k, r);
    // skimage crops (win_size - 1) / 2 with win_size = 2 * int(truncate * sigma + 0.5) + 1 = 11 -> pad 5.
    const int pad = r;
    double s = 0;
    int cnt = 0;
    for (int yy = pad; yy < side - pad; ++yy)
        for (int xx = pad; xx < side - pad; ++xx) {
            const std::size_t i = static_cast<std::size_t>(yy) * side + xx;
            const double va = saa[i] - ma[i] * ma[i], vb = sbb[i] - mb[i] * mb[i], cov = sab[i] - ma[i] * mb[i];
            s += ((2 * ma[i] * mb[i] + c1) * (2 * cov + c2)) / ((ma[i] * ma[i] + mb[i] * mb[i] + c1) * (va + vb + c2));
            ++cnt;
        }
    return cnt > 0 ? s / cnt : kNaN;
}

double psnr(const float *pred, const float *truth, int n, double L, const std::vector<uint8_t> &mask)
{
    double se = 0;
    int m = 0;
    for (int i = 0; i < n; ++i)
        if (on(mask, i)) {
            const double d = double(pred[i]) - truth[i];
            se += d * d;
            ++m;
        }
    if (m == 0)
        return kNaN;
    const double mse = se / m;
    if (mse == 0)
        return std::numeric_limits<double>::infinity();
    return 10 * std::log10(L * L / mse);
}

ImageScores scoreImage(const float *pred, const float *truth, int side, const std::vector<uint8_t> &disk,
                       const std::vector<uint8_t> &active)
{
    const int n = side * side;
    ImageScores s;
    s.cc = pearsonCc(pred, truth, n, disk);
    std::vector<uint8_t> quiet(n);
    int nActive = 0;
    for (int i = 0; i < n; ++i) {
        quiet[i] = on(disk, i) && !(active.size() == std::size_t(n) && active[i]);
        nActive += active.size() == std::size_t(n) && active[i];
    }
    s.ccActive = nActive >= 10 ? pearsonCc(pred, truth, n, active) : kNaN;
    s.ccQuiet = pearsonCc(pred, truth, n, quiet);
    std::vector<float> lp(n), lt(n);
    float lo = std::numeric_limits<float>::max(), hi = std::numeric_limits<float>::lowest();
    for (int i = 0; i < n; ++i) {
        lp[i] = std::log1p(std::max(0.0f, pred[i]));
        lt[i] = std::log1p(std::max(0.0f, truth[i]));
        lo = std::min(lo, lt[i]);
        hi = std::max(hi, lt[i]);
    }
    const double L = hi > lo ? hi - lo : 1.0;
    s.ssim = ssim(lp.data(), lt.data(), side, L);
    s.psnr = psnr(lp.data(), lt.data(), n, L, disk);
    double fp = 0, ft = 0;
    for (int i = 0; i < n; ++i)
        if (on(disk, i)) {
            fp += pred[i];
            ft += truth[i];
        }
    s.fluxRelErr = ft > 0 ? std::abs(fp - ft) / ft : kNaN;
    return s;
}

QJsonObject summariseScores(const std::vector<ImageScores> &scores, int bootstrap, unsigned seed)
{
    QJsonObject out;
    auto one = [&](const char *name, double ImageScores::*field) {
        std::vector<double> v;
        for (const auto &s : scores)
            if (std::isfinite(s.*field))
                v.push_back(s.*field);
        QJsonObject o{{QStringLiteral("n"), static_cast<int>(v.size())},
                      {QStringLiteral("skipped"), static_cast<int>(scores.size() - v.size())}};
        if (v.empty()) {
            o[QStringLiteral("mean")] = QJsonValue();
            out[QLatin1String(name)] = o;
            return;
        }
        double m = 0;
        for (double x : v)
            m += x;
        m /= v.size();
        o[QStringLiteral("mean")] = m;
        std::mt19937 rng(seed);
        std::uniform_int_distribution<std::size_t> u(0, v.size() - 1);
        std::vector<double> means;
        for (int b = 0; b < bootstrap; ++b) {
            double s = 0;
            for (std::size_t i = 0; i < v.size(); ++i)
                s += v[u(rng)];
            means.push_back(s / v.size());
        }
        if (!means.empty()) {
            std::sort(means.begin(), means.end());
            auto q = [&](double p) { return means[std::min(means.size() - 1, static_cast<std::size_t>(p * means.size()))]; };
            o[QStringLiteral("ci95")] = QJsonArray{q(0.025), q(0.975)};
        }
        out[QLatin1String(name)] = o;
    };
    one("cc", &ImageScores::cc);
    one("cc_active", &ImageScores::ccActive);
    one("cc_quiet", &ImageScores::ccQuiet);
    one("ssim", &ImageScores::ssim);
    one("psnr", &ImageScores::psnr);
    one("flux_rel_err", &ImageScores::fluxRelErr);
    return out;
}

}  // namespace solarchip
