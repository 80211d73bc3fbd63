#include "core/archive/FlareMetrics.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

namespace solarchip {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kRidge = 1.0;

double sigmoid(double x) { return x >= 0 ? 1.0 / (1.0 + std::exp(-x)) : std::exp(x) / (1.0 + std::exp(x)); }

QJsonArray pair(double lo, double hi) { return QJsonArray{lo, hi}; }

double percentile(std::vector<double> v, double q)
{
    v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return !std::isfinite(x); }), v.end());
    if (v.empty())
        return kNaN;
    std::sort(v.begin(), v.end());
    const double pos = q * static_cast<double>(v.size() - 1);
    const size_t i = static_cast<size_t>(std::floor(pos));
    const size_t j = std::min(v.size() - 1, i + 1);
    return v[i] + (pos - static_cast<double>(i)) * (v[j] - v[i]);
}

}  // namespace

double Contingency::tss() const
{
    const long long p = tp + fn, n = fp + tn;
    if (p == 0 || n == 0)
        return 0;
    return static_cast<double>(tp) / static_cast<double>(p) - static_cast<double>(fp) / static_cast<double>(n);
}

double Contingency::hss() const
{
    const double a = static_cast<double>(tp), b = static_cast<double>(fp), c = static_cast<double>(fn),
                 d = static_cast<double>(tn);
    const double den = (a + c) * (c + d) + (a + b) * (b + d);
    return den == 0 ? 0 : 2 * (a * d - b * c) / den;
}

Contingency contingencyAt(const std::vector<double> &p, const std::vector<int> &y, double threshold)
{
    Contingency t;
    for (size_t i = 0; i < std::min(p.size(), y.size()); ++i) {
        const bool yes = p[i] >= threshold;
        if (y[i] > 0)
            (yes ? t.tp : t.fn)++;
        else
            (yes ? t.fp : t.tn)++;
    }
    return t;
}

double rocAuc(const std::vector<double> &p, const std::vector<int> &y)
{
    const size_t n = std::min(p.size(), y.size());
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return p[a] < p[b]; });
    // Mann-Whitney U from average ranks (ties share their mean rank).
    double rankSumPos = 0;
    long long nPos = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && p[order[j + 1]] == p[order[i]])
            ++j;
        const double rank = 0.5 * static_cast<double>(i + j) + 1.0;
        for (size_t k = i; k <= j; ++k)
            if (y[order[k]] > 0) {
                rankSumPos += rank;
                ++nPos;
            }
        i = j + 1;
    }
    const long long nNeg = static_cast<long long>(n) - nPos;
    if (nPos == 0 || nNeg == 0)
        return kNaN;
    const double u = rankSumPos - static_cast<double>(nPos) * static_cast<double>(nPos + 1) / 2.0;
    return u / (static_cast<double>(nPos) * static_cast<double>(nNeg));
}

double brierScore(const std::vector<double> &p, const std::vector<int> &y)
{
    const size_t n = std::min(p.size(), y.size());
    if (n == 0)
        return kNaN;
    double s = 0;
    for (size_t i = 0; i < n; ++i) {
        const double d = p[i] - (y[i] > 0 ? 1.0 : 0.0);
        s += d * d;
    }
    return s / static_cast<double>(n);
}

double brierSkillScore(const std::vector<double> &p, const std::vector<int> &y, double climatology)
{
    const std::vector<double> clim(std::min(p.size(), y.size()), climatology);
    const double ref = brierScore(clim, y);
    if (!(ref > 0))
        return kNaN;
    return 1.0 - brierScore(p, y) / ref;
}

double maxTssThreshold(const std::vector<double> &p, const std::vector<int> &y)
{
    std::vector<double> cand(p.begin(), p.end());
    std::sort(cand.begin(), cand.end());
    cand.erase(std::unique(cand.begin(), cand.end()), cand.end());
    double best = 0.5, bestTss = -2;
    // Sweep from the top so ties keep the higher threshold.
    for (auto it = cand.rbegin(); it != cand.rend(); ++it) {
        const double t = contingencyAt(p, y, *it).tss();
        if (t > bestTss) {
            bestTss = t;
            best = *it;
        }
    }
    return best;
}

double PlattScaling::apply(double z) const { return sigmoid(a * z + b); }

PlattScaling PlattScaling::fit(const std::vector<double> &z, const std::vector<int> &y)
{
    const size_t n = std::min(z.size(), y.size());
    double nPos = 0;
    for (size_t i = 0; i < n; ++i)
        nPos += y[i] > 0 ? 1 : 0;
    const double nNeg = static_cast<double>(n) - nPos;
    const double tPos = (nPos + 1) / (nPos + 2), tNeg = 1 / (nNeg + 2);
    // The penalised cross-entropy against the smoothed targets, computed stably (log(1 + e^x) for any x).
    auto softplus = [](double x) { return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); };
    auto objective = [&](double a, double b) {
        double f = 0.5 * kRidge * (a - 1) * (a - 1);
        for (size_t i = 0; i < n; ++i) {
            const double u = a * z[i] + b, t = y[i] > 0 ? tPos : tNeg;
            f += t * softplus(-u) + (1 - t) * softplus(u);
        }
        return f;
    };
    PlattScaling s;
    s.a = 1;
    s.b = std::log((nPos + 1) / (nNeg + 1));
    double f = objective(s.a, s.b);
    for (int it = 0; it < 100; ++it) {
        // Gradient and Hessian of the cross-entropy in (a, b) plus a unit ridge on the slope's distance from 1
        // (identity calibration): negligible on hundreds of validation cases, it keeps a handful of separable
        // cases from driving the slope to infinity (probabilities of exactly 0 and 1).
        double ga = kRidge * (s.a - 1), gb = 0, haa = kRidge, hab = 0, hbb = 1e-9;
        for (size_t i = 0; i < n; ++i) {
            const double p = s.apply(z[i]);
            const double t = y[i] > 0 ? tPos : tNeg;
            const double d = p - t, w = p * (1 - p);
            ga += d * z[i];
            gb += d;
            haa += w * z[i] * z[i];
            hab += w * z[i];
            hbb += w;
        }
        const double det = haa * hbb - hab * hab;
        if (!(std::abs(det) > 1e-300))
            break;
        const double da = (hbb * ga - hab * gb) / det, db = (haa * gb - hab * ga) / det;
        // Damped Newton: halve the step until the objective decreases. Plain Newton diverges when the scores
        // saturate (every p(1 - p) ~ 0, as for a head that overfits a few cases: logits of +-16), where the
        // Hessian in b vanishes and one step sent b to 1e10, every calibrated probability to 0 or 1.
        double step = 1;
        double fNew = objective(s.a - da, s.b - db);
        for (int k = 0; k < 60 && !(fNew <= f); ++k) {
            step *= 0.5;
            fNew = objective(s.a - step * da, s.b - step * db);
        }
        if (!(fNew <= f))
            break;
        s.a -= step * da;
        s.b -= step * db;
        const bool converged = std::abs(step * da) + std::abs(step * db) < 1e-10 || f - fNew < 1e-12 * std::max(1.0, f);
        f = fNew;
        if (converged)
            break;
    }
    return s;
}

std::vector<ReliabilityBin> reliability(const std::vector<double> &p, const std::vector<int> &y, int bins)
{
    std::vector<ReliabilityBin> out(static_cast<size_t>(std::max(1, bins)));
    for (size_t b = 0; b < out.size(); ++b) {
        out[b].lo = static_cast<double>(b) / static_cast<double>(out.size());
        out[b].hi = static_cast<double>(b + 1) / static_cast<double>(out.size());
    }
    for (size_t i = 0; i < std::min(p.size(), y.size()); ++i) {
        const size_t b = std::min(out.size() - 1, static_cast<size_t>(std::max(0.0, p[i]) * static_cast<double>(out.size())));
        out[b].n++;
        out[b].meanForecast += p[i];
        out[b].observedRate += y[i] > 0 ? 1 : 0;
    }
    for (ReliabilityBin &b : out)
        if (b.n > 0) {
            b.meanForecast /= b.n;
            b.observedRate /= b.n;
        }
    return out;
}

QJsonObject ForecastScores::toJson() const
{
    QJsonArray rel;
    for (const ReliabilityBin &b : bins)
        rel.append(QJsonObject{{QStringLiteral("lo"), b.lo}, {QStringLiteral("hi"), b.hi}, {QStringLiteral("n"), b.n},
                               {QStringLiteral("mean_forecast"), b.meanForecast},
                               {QStringLiteral("observed_rate"), b.observedRate}});
    auto num = [](double v) { return std::isfinite(v) ? QJsonValue(v) : QJsonValue(); };
    return QJsonObject{{QStringLiteral("tss"), tss}, {QStringLiteral("tss_ci95"), pair(tssLo, tssHi)},
                       {QStringLiteral("hss"), hss}, {QStringLiteral("hss_ci95"), pair(hssLo, hssHi)},
                       {QStringLiteral("auc"), num(auc)}, {QStringLiteral("auc_ci95"), pair(aucLo, aucHi)},
                       {QStringLiteral("brier"), num(brier)}, {QStringLiteral("bss"), num(bss)},
                       {QStringLiteral("bss_ci95"), pair(bssLo, bssHi)}, {QStringLiteral("threshold"), threshold},
                       {QStringLiteral("n_pos"), nPos}, {QStringLiteral("n_neg"), nNeg},
                       {QStringLiteral("tp"), static_cast<double>(table.tp)}, {QStringLiteral("fn"), static_cast<double>(table.fn)},
                       {QStringLiteral("fp"), static_cast<double>(table.fp)}, {QStringLiteral("tn"), static_cast<double>(table.tn)},
                       {QStringLiteral("reliability"), rel}};
}

Expected<ForecastScores> scoreForecast(const std::vector<double> &p, const std::vector<int> &y, double threshold,
                                       double climatology, const QString &what, int bootstrap, unsigned long long seed)
{
    ForecastScores s;
    s.threshold = threshold;
    const size_t n = std::min(p.size(), y.size());
    for (size_t i = 0; i < n; ++i)
        (y[i] > 0 ? s.nPos : s.nNeg)++;
    if (s.nPos == 0)
        return Error{{}, QStringLiteral("%1: no positive cases (no flare of the target class in this split, %2 samples); "
                                        "skill scores are undefined").arg(what).arg(n)};
    if (s.nNeg == 0)
        return Error{{}, QStringLiteral("%1: no negative cases (every one of the %2 samples flared); skill scores are "
                                        "undefined").arg(what).arg(n)};
    s.table = contingencyAt(p, y, threshold);
    s.tss = s.table.tss();
    s.hss = s.table.hss();
    s.auc = rocAuc(p, y);
    s.brier = brierScore(p, y);
    s.bss = brierSkillScore(p, y, climatology);
    s.bins = reliability(p, y, 10);
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<size_t> pick(0, n - 1);
    std::vector<double> tss, hss, auc, bss;
    std::vector<double> bp(n);
    std::vector<int> by(n);
    for (int b = 0; b < bootstrap; ++b) {
        for (size_t i = 0; i < n; ++i) {
            const size_t k = pick(rng);
            bp[i] = p[k];
            by[i] = y[k];
        }
        const Contingency t = contingencyAt(bp, by, threshold);
        tss.push_back(t.tp + t.fn > 0 && t.fp + t.tn > 0 ? t.tss() : kNaN);
        hss.push_back(t.hss());
        auc.push_back(rocAuc(bp, by));
        bss.push_back(brierSkillScore(bp, by, climatology));
    }
    s.tssLo = percentile(tss, 0.025);
    s.tssHi = percentile(tss, 0.975);
    s.hssLo = percentile(hss, 0.025);
    s.hssHi = percentile(hss, 0.975);
    s.aucLo = percentile(auc, 0.025);
    s.aucHi = percentile(auc, 0.975);
    s.bssLo = percentile(bss, 0.025);
    s.bssHi = percentile(bss, 0.975);
    return s;
}

std::pair<double, double> meanTssInterval(const std::vector<std::vector<double>> &p, const std::vector<double> &thresholds,
                                          const std::vector<int> &y, int bootstrap, unsigned long long seed)
{
    const size_t n = y.size();
    if (p.empty() || n == 0)
        return {kNaN, kNaN};
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<size_t> pick(0, n - 1);
    std::vector<double> means;
    std::vector<size_t> idx(n);
    std::vector<double> bp(n);
    std::vector<int> by(n);
    for (int b = 0; b < bootstrap; ++b) {
        for (size_t i = 0; i < n; ++i)
            idx[i] = pick(rng);
        for (size_t i = 0; i < n; ++i)
            by[i] = y[idx[i]];
        double sum = 0;
        bool defined = true;
        for (size_t k = 0; k < p.size(); ++k) {
            for (size_t i = 0; i < n; ++i)
                bp[i] = p[k][idx[i]];
            const Contingency t = contingencyAt(bp, by, thresholds[k]);
            defined = defined && t.tp + t.fn > 0 && t.fp + t.tn > 0;
            sum += t.tss();
        }
        if (defined)
            means.push_back(sum / static_cast<double>(p.size()));
    }
    return {percentile(means, 0.025), percentile(means, 0.975)};
}

}  // namespace solarchip
