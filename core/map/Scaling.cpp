#include "core/map/Scaling.h"

#include "core/base/AtomicFile.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <opencv2/core.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace solarchip {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Arrays larger than this are processed on all cores.
constexpr std::size_t kParallelThreshold = 1 << 16;

// Finite values, every `stride`-th one, at most `maxCount` of them (0 = no limit).
std::vector<float> finiteSample(const float *values, std::size_t n, std::size_t maxSamples)
{
    std::size_t finite = 0;
    for (std::size_t i = 0; i < n; ++i)
        finite += std::isfinite(values[i]);
    const std::size_t stride = maxSamples > 0 ? std::max<std::size_t>(1, finite / maxSamples) : 1;
    std::vector<float> out;
    out.reserve(maxSamples > 0 ? std::min(finite, maxSamples) : finite);
    std::size_t k = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (!std::isfinite(values[i]))
            continue;
        if (k++ % stride == 0) {
            out.push_back(values[i]);
            if (maxSamples > 0 && out.size() == maxSamples)
                break;
        }
    }
    return out;
}

// numpy's linear interpolation between neighbouring order statistics.
double lerp(double a, double b, double t) { return t < 0.5 ? a + (b - a) * t : b - (b - a) * (1.0 - t); }

template <class F>
void parallelApply(const float *in, float *out, std::size_t n, F f)
{
    if (n < kParallelThreshold) {
        for (std::size_t i = 0; i < n; ++i)
            out[i] = f(in[i]);
        return;
    }
    const int chunks = static_cast<int>((n + kParallelThreshold - 1) / kParallelThreshold);
    cv::parallel_for_(cv::Range(0, chunks), [&](const cv::Range &r) {
        const std::size_t b = static_cast<std::size_t>(r.start) * kParallelThreshold;
        const std::size_t e = std::min(n, static_cast<std::size_t>(r.end) * kParallelThreshold);
        for (std::size_t i = b; i < e; ++i)
            out[i] = f(in[i]);
    });
}

// IRAF's zscale as described for astropy's ZScaleInterval: fit a line to the sorted samples with
// iterative k-sigma rejection (rejected points grown by 1% of the sample), and take limits around the
// median from the slope divided by the contrast.
Limits zscaleLimits(const float *values, std::size_t n, std::size_t nSamples)
{
    constexpr double contrast = 0.25, maxReject = 0.5, krej = 2.5;
    constexpr int minPixels = 5, maxIterations = 5;
    std::vector<float> s = finiteSample(values, n, nSamples > 0 ? nSamples : 1000);
    if (s.empty())
        return {kNaN, kNaN};
    std::sort(s.begin(), s.end());
    const int npix = static_cast<int>(s.size());
    double vmin = s.front(), vmax = s.back();
    const int minpix = std::max(minPixels, static_cast<int>(npix * maxReject));
    const int ngrow = std::max(1, static_cast<int>(npix * 0.01));
    std::vector<char> bad(npix, 0), grown(npix, 0);
    int ngood = npix, lastNgood = npix + 1;
    double slope = 0, intercept = 0;
    for (int it = 0; it < maxIterations; ++it) {
        if (ngood >= lastNgood || ngood < minpix)
            break;
        // Least-squares line through the good points.
        double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (int i = 0; i < npix; ++i) {
            if (bad[i])
                continue;
            sw += 1;
            sx += i;
            sy += s[i];
            sxx += double(i) * i;
            sxy += double(i) * s[i];
        }
        const double det = sw * sxx - sx * sx;
        slope = det != 0 ? (sw * sxy - sx * sy) / det : 0.0;
        intercept = (sy - slope * sx) / sw;
        // Threshold from the (population) std of the residuals of the good points.
        double m = 0, m2 = 0;
        for (int i = 0; i < npix; ++i)
            if (!bad[i])
                m += s[i] - (intercept + slope * i);
        m /= sw;
        for (int i = 0; i < npix; ++i)
            if (!bad[i]) {
                const double d = s[i] - (intercept + slope * i) - m;
                m2 += d * d;
            }
        const double threshold = krej * std::sqrt(m2 / sw);
        for (int i = 0; i < npix; ++i) {
            const double r = s[i] - (intercept + slope * i);
            if (r < -threshold || r > threshold)
                bad[i] = 1;
        }
        // Grow: a point is bad when any point in [i - ngrow/2, i + (ngrow-1)/2] is bad
        // (numpy.convolve(bad, ones(ngrow), mode="same")).
        const int before = ngrow / 2, after = (ngrow - 1) / 2;
        for (int i = 0; i < npix; ++i) {
            char g = 0;
            for (int j = std::max(0, i - before); j <= std::min(npix - 1, i + after) && !g; ++j)
                g = bad[j];
            grown[i] = g;
        }
        bad.swap(grown);
        lastNgood = ngood;
        ngood = static_cast<int>(std::count(bad.begin(), bad.end(), 0));
    }
    if (ngood >= minpix) {
        const double sl = slope / contrast;
        const int centre = (npix - 1) / 2;
        const double median = npix % 2 ? s[npix / 2] : 0.5 * (double(s[npix / 2 - 1]) + s[npix / 2]);
        vmin = std::max(vmin, median - (centre - 1) * sl);
        vmax = std::min(vmax, median + (npix - centre) * sl);
    }
    return {vmin, vmax};
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------

std::vector<double> percentiles(const float *values, std::size_t n, const std::vector<double> &ps,
                                std::size_t maxSamples)
{
    std::vector<double> out(ps.size(), kNaN);
    std::vector<float> v = finiteSample(values, n, maxSamples);
    if (v.empty())
        return out;
    const std::size_t m = v.size();
    // The order statistics needed, ascending, each selected once with nth_element on what is left.
    std::vector<std::size_t> ranks;
    for (double p : ps) {
        const double idx = std::clamp(p, 0.0, 100.0) / 100.0 * double(m - 1);
        const auto lo = static_cast<std::size_t>(std::floor(idx));
        ranks.push_back(lo);
        ranks.push_back(std::min(lo + 1, m - 1));
    }
    std::sort(ranks.begin(), ranks.end());
    ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
    std::size_t from = 0;
    for (std::size_t r : ranks) {
        // [from, end) holds only values >= every rank already placed, so the earlier ranks stay put.
        std::nth_element(v.begin() + static_cast<long>(from), v.begin() + static_cast<long>(r), v.end());
        from = r + 1;
    }
    for (std::size_t i = 0; i < ps.size(); ++i) {
        if (std::isnan(ps[i]))
            continue;
        const double idx = std::clamp(ps[i], 0.0, 100.0) / 100.0 * double(m - 1);
        const auto lo = static_cast<std::size_t>(std::floor(idx));
        const std::size_t hi = std::min(lo + 1, m - 1);
        out[i] = lerp(v[lo], v[hi], idx - double(lo));
    }
    return out;
}

double percentile(const float *values, std::size_t n, double p, std::size_t maxSamples)
{
    return percentiles(values, n, {p}, maxSamples).front();
}

void RunningStats::add(double v)
{
    if (!std::isfinite(v))
        return;
    if (m_count == 0) {
        m_min = m_max = v;
    } else {
        m_min = std::min(m_min, v);
        m_max = std::max(m_max, v);
    }
    ++m_count;
    const double d = v - m_mean;
    m_mean += d / double(m_count);
    m_m2 += d * (v - m_mean);
}

void RunningStats::add(const float *values, std::size_t n)
{
    // Exact two-pass statistics of this batch, then a parallel merge (numerically stable for 4096^2 maps).
    RunningStats batch;
    double sum = 0;
    double mn = std::numeric_limits<double>::infinity(), mx = -mn;
    long long count = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const float v = values[i];
        if (!std::isfinite(v))
            continue;
        sum += v;
        mn = std::min<double>(mn, v);
        mx = std::max<double>(mx, v);
        ++count;
    }
    if (count == 0)
        return;
    const double mean = sum / double(count);
    double m2 = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const float v = values[i];
        if (std::isfinite(v))
            m2 += (v - mean) * (v - mean);
    }
    batch.m_count = count;
    batch.m_mean = mean;
    batch.m_m2 = m2;
    batch.m_min = mn;
    batch.m_max = mx;
    merge(batch);
}

void RunningStats::merge(const RunningStats &o)
{
    if (o.m_count == 0)
        return;
    if (m_count == 0) {
        *this = o;
        return;
    }
    const double n = double(m_count) + double(o.m_count);
    const double d = o.m_mean - m_mean;
    m_mean += d * double(o.m_count) / n;
    m_m2 += o.m_m2 + d * d * double(m_count) * double(o.m_count) / n;
    m_count += o.m_count;
    m_min = std::min(m_min, o.m_min);
    m_max = std::max(m_max, o.m_max);
}

double RunningStats::mean() const { return m_count ? m_mean : kNaN; }
double RunningStats::std() const { return m_count ? std::sqrt(m_m2 / double(m_count)) : kNaN; }

// ---------------------------------------------------------------------------------------------------------

double Stretch::operator()(double x) const
{
    switch (kind) {
    case StretchKind::Linear: return x;
    case StretchKind::Sqrt: return std::sqrt(x);
    case StretchKind::Log: return std::log(a * x + 1.0) / std::log(a + 1.0);
    case StretchKind::Asinh: return std::asinh(x / a) / std::asinh(1.0 / a);
    case StretchKind::Power: return std::pow(x, a);
    }
    return x;
}

double Stretch::inverse(double y) const
{
    switch (kind) {
    case StretchKind::Linear: return y;
    case StretchKind::Sqrt: return y * y;
    case StretchKind::Log: return std::expm1(y * std::log(a + 1.0)) / a;
    case StretchKind::Asinh: return a * std::sinh(y * std::asinh(1.0 / a));
    case StretchKind::Power: return std::pow(y, 1.0 / a);
    }
    return y;
}

QString Stretch::name() const
{
    switch (kind) {
    case StretchKind::Linear: return QStringLiteral("linear");
    case StretchKind::Sqrt: return QStringLiteral("sqrt");
    case StretchKind::Log: return QStringLiteral("log");
    case StretchKind::Asinh: return QStringLiteral("asinh");
    case StretchKind::Power: return QStringLiteral("power");
    }
    return {};
}

std::optional<Stretch> Stretch::fromString(const QString &text)
{
    const QString t = text.trimmed().toLower();
    const QString head = t.section(QLatin1Char(':'), 0, 0);
    const QString tail = t.section(QLatin1Char(':'), 1);
    bool ok = true;
    const double a = tail.isEmpty() ? 0.0 : tail.toDouble(&ok);
    if (!ok || !std::isfinite(a))
        return std::nullopt;
    if (head == QLatin1String("linear"))
        return linear();
    if (head == QLatin1String("sqrt"))
        return sqrt();
    if (head == QLatin1String("log"))
        return tail.isEmpty() ? log() : (a > 0 ? std::optional<Stretch>(log(a)) : std::nullopt);
    if (head == QLatin1String("asinh"))
        return tail.isEmpty() ? asinh() : (a > 0 ? std::optional<Stretch>(asinh(a)) : std::nullopt);
    if (head == QLatin1String("power") && !tail.isEmpty() && a > 0)
        return power(a);
    return std::nullopt;
}

Limits Interval::limits(const float *values, std::size_t n) const
{
    switch (kind) {
    case Kind::Manual:
        return {lower, upper};
    case Kind::MinMax: {
        const std::vector<float> v = finiteSample(values, n, maxSamples);
        if (v.empty())
            return {kNaN, kNaN};
        const auto [mn, mx] = std::minmax_element(v.begin(), v.end());
        return {*mn, *mx};
    }
    case Kind::Percentile: {
        const std::vector<double> p = solarchip::percentiles(values, n, {lower, upper}, maxSamples);
        return {p[0], p[1]};
    }
    case Kind::ZScale:
        return zscaleLimits(values, n, maxSamples);
    }
    return {kNaN, kNaN};
}

DisplayNormalize DisplayNormalize::fromData(const float *values, std::size_t n, const Interval &interval, Stretch stretch)
{
    return DisplayNormalize(interval.limits(values, n), stretch, true);
}

double DisplayNormalize::operator()(double v) const
{
    if (std::isnan(v))
        return v;
    const double range = m_limits.vmax - m_limits.vmin;
    double x = range != 0 ? (v - m_limits.vmin) / range : 0.0;
    if (m_clip)
        x = std::clamp(x, 0.0, 1.0);
    return m_stretch(x);
}

void DisplayNormalize::apply(const float *in, float *out, std::size_t n) const
{
    parallelApply(in, out, n, [this](float v) { return static_cast<float>((*this)(v)); });
}

double DisplayNormalize::inverse(double y) const
{
    return m_limits.vmin + m_stretch.inverse(y) * (m_limits.vmax - m_limits.vmin);
}

// ---------------------------------------------------------------------------------------------------------

double signedLog(double x, double scale) { return std::copysign(std::log1p(scale * std::fabs(x)), x); }

double signedLogInverse(double y, double scale) { return std::copysign(std::expm1(std::fabs(y)) / scale, y); }

void ModelNormalize::setClipPercentiles(const float *values, std::size_t n, double lower, double upper)
{
    const std::vector<double> p = percentiles(values, n, {lower, upper});
    clipMin = std::isfinite(p[0]) ? std::optional<double>(p[0]) : std::nullopt;
    clipMax = std::isfinite(p[1]) ? std::optional<double>(p[1]) : std::nullopt;
}

double ModelNormalize::transformValue(double x) const
{
    if (std::isnan(x))
        return x;
    if (clipMin && x < *clipMin)
        x = *clipMin;
    if (clipMax && x > *clipMax)
        x = *clipMax;
    switch (transform) {
    case ModelTransform::Identity: return x;
    case ModelTransform::SignedLog: return signedLog(x, scale);
    case ModelTransform::Log1p: return std::log1p(scale * std::max(x, 0.0));
    case ModelTransform::Sqrt: return std::sqrt(scale * std::max(x, 0.0));
    case ModelTransform::Asinh: return std::asinh(scale * x);
    }
    return x;
}

double ModelNormalize::inverseTransformValue(double y) const
{
    switch (transform) {
    case ModelTransform::Identity: return y;
    case ModelTransform::SignedLog: return signedLogInverse(y, scale);
    case ModelTransform::Log1p: return std::expm1(y) / scale;
    case ModelTransform::Sqrt: return y * y / scale;
    case ModelTransform::Asinh: return std::sinh(y) / scale;
    }
    return y;
}

namespace {

// Linear interpolation of a radial profile at distance r (clamped to its last sample).
inline double profileAt(const std::vector<double> &p, double r)
{
    const double last = static_cast<double>(p.size() - 1);
    if (r >= last)
        return p.back();
    const auto k = static_cast<std::size_t>(r);
    const double f = r - static_cast<double>(k);
    return p[k] + f * (p[k + 1] - p[k]);
}

// Checks that `p` fits an image of n values and calls fn(i, mean(r_i), std(r_i)) for every pixel i.
template <typename Fn>
Status forEachRadialPixel(const ModelNormalize::RadialProfile &p, const QString &channel, std::size_t n, Fn &&fn)
{
    const int side = p.side;
    if (static_cast<std::size_t>(side) * static_cast<std::size_t>(side) != n || p.mean.size() < 2
        || p.mean.size() != p.std.size())
        return Error{{}, QStringLiteral("the radial normalisation of channel '%1' is for %2 x %2 images, not %3 values")
                             .arg(channel).arg(side).arg(n)};
    const double c = 0.5 * (side - 1);
    for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x) {
            const double r = std::hypot(x - c, y - c);
            fn(static_cast<std::size_t>(y) * side + x, profileAt(p.mean, r),
               std::max(profileAt(p.std, r), ModelNormalize::kRadialStdFloor));
        }
    return Status::success();
}

}  // namespace

Status ModelNormalize::apply(const QString &channel, const float *in, float *out, std::size_t n) const
{
    const auto rp = radial.constFind(channel);
    if (rp != radial.constEnd())
        return forEachRadialPixel(*rp, channel, n, [&](std::size_t i, double mean, double sd) {
            out[i] = static_cast<float>((transformValue(in[i]) - mean) / sd);
        });
    double mean = 0, invStd = 1;
    if (zscore) {
        const auto it = stats.constFind(channel);
        if (it == stats.constEnd())
            return Error{{}, QStringLiteral("no z-score statistics for channel '%1'").arg(channel)};
        if (!(it->std > 0))
            return Error{{}, QStringLiteral("z-score statistics for channel '%1' have std %2").arg(channel).arg(it->std)};
        mean = it->mean;
        invStd = 1.0 / it->std;
    }
    parallelApply(in, out, n, [&](float v) { return static_cast<float>((transformValue(v) - mean) * invStd); });
    return Status::success();
}

Status ModelNormalize::invert(const QString &channel, const float *in, float *out, std::size_t n) const
{
    const auto rp = radial.constFind(channel);
    if (rp != radial.constEnd())
        return forEachRadialPixel(*rp, channel, n, [&](std::size_t i, double mean, double sd) {
            out[i] = static_cast<float>(inverseTransformValue(in[i] * sd + mean));
        });
    double mean = 0, sd = 1;
    if (zscore) {
        const auto it = stats.constFind(channel);
        if (it == stats.constEnd())
            return Error{{}, QStringLiteral("no z-score statistics for channel '%1'").arg(channel)};
        mean = it->mean;
        sd = it->std;
    }
    parallelApply(in, out, n, [&](float v) { return static_cast<float>(inverseTransformValue(v * sd + mean)); });
    return Status::success();
}

void ModelNormalize::accumulate(const QString &channel, const float *values, std::size_t n)
{
    std::vector<float> t(n);
    for (std::size_t i = 0; i < n; ++i)
        t[i] = static_cast<float>(transformValue(values[i]));
    m_accumulators[channel].add(t.data(), n);
}

void ModelNormalize::accumulateRadial(const QString &channel, const float *transformed, int side)
{
    RadialSums &a = m_radialSums[channel];
    const auto bins = static_cast<std::size_t>(std::ceil(std::sqrt(2.0) * 0.5 * side)) + 2;
    if (a.side != side) {
        a.side = side;
        a.sum.assign(bins, 0.0);
        a.sumSq.assign(bins, 0.0);
        a.count.assign(bins, 0.0);
    }
    const double c = 0.5 * (side - 1);
    for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x) {
            const float v = transformed[static_cast<std::size_t>(y) * side + x];
            if (!std::isfinite(v))
                continue;
            // Linear binning (the inverse of the interpolation in apply()).
            const double r = std::hypot(x - c, y - c);
            const auto k = static_cast<std::size_t>(r);
            const double f = r - static_cast<double>(k);
            for (const auto &[bin, w] : {std::pair{k, 1.0 - f}, std::pair{k + 1, f}}) {
                a.sum[bin] += w * v;
                a.sumSq[bin] += w * static_cast<double>(v) * v;
                a.count[bin] += w;
            }
        }
}

void ModelNormalize::finishRadial()
{
    for (auto it = m_radialSums.constBegin(); it != m_radialSums.constEnd(); ++it) {
        const RadialSums &a = it.value();
        RadialProfile p;
        p.side = a.side;
        p.mean.resize(a.sum.size());
        p.std.resize(a.sum.size());
        double lastMean = 0, lastStd = 1;
        for (std::size_t k = 0; k < a.sum.size(); ++k) {
            if (a.count[k] > 1e-9) {
                lastMean = a.sum[k] / a.count[k];
                lastStd = std::sqrt(std::max(0.0, a.sumSq[k] / a.count[k] - lastMean * lastMean));
            }
            p.mean[k] = lastMean;  // bins without samples (corners beyond the data) repeat the last one
            p.std[k] = std::max(lastStd, kRadialStdFloor);
        }
        radial[it.key()] = std::move(p);
    }
    m_radialSums.clear();
}

void ModelNormalize::finishStats()
{
    for (auto it = m_accumulators.constBegin(); it != m_accumulators.constEnd(); ++it)
        stats[it.key()] = ChannelStats{it->mean(), it->std(), it->count()};
    m_accumulators.clear();
    zscore = true;
}

QString ModelNormalize::transformName(ModelTransform t)
{
    switch (t) {
    case ModelTransform::Identity: return QStringLiteral("identity");
    case ModelTransform::SignedLog: return QStringLiteral("signed_log");
    case ModelTransform::Log1p: return QStringLiteral("log1p");
    case ModelTransform::Sqrt: return QStringLiteral("sqrt");
    case ModelTransform::Asinh: return QStringLiteral("asinh");
    }
    return {};
}

std::optional<ModelTransform> ModelNormalize::transformFromName(const QString &name)
{
    for (ModelTransform t : {ModelTransform::Identity, ModelTransform::SignedLog, ModelTransform::Log1p,
                             ModelTransform::Sqrt, ModelTransform::Asinh})
        if (transformName(t) == name.trimmed().toLower())
            return t;
    return std::nullopt;
}

QJsonObject ModelNormalize::toJson() const
{
    QJsonObject channels;
    for (auto it = stats.constBegin(); it != stats.constEnd(); ++it)
        channels.insert(it.key(), QJsonObject{{QStringLiteral("mean"), it->mean},
                                              {QStringLiteral("std"), it->std},
                                              {QStringLiteral("count"), static_cast<double>(it->count)}});
    QJsonObject o{{QStringLiteral("format"), QStringLiteral("solarchip-normalisation-1")},
                  {QStringLiteral("transform"), transformName(transform)},
                  {QStringLiteral("scale"), scale},
                  {QStringLiteral("zscore"), zscore},
                  {QStringLiteral("stats"), channels}};
    if (!radial.isEmpty()) {
        QJsonObject r;
        for (auto it = radial.constBegin(); it != radial.constEnd(); ++it) {
            QJsonArray m, sd;
            for (double v : it->mean)
                m.append(v);
            for (double v : it->std)
                sd.append(v);
            r.insert(it.key(), QJsonObject{{QStringLiteral("side"), it->side},
                                           {QStringLiteral("mean"), m},
                                           {QStringLiteral("std"), sd}});
        }
        o.insert(QStringLiteral("radial"), r);
    }
    o.insert(QStringLiteral("clip_min"), clipMin ? QJsonValue(*clipMin) : QJsonValue());
    o.insert(QStringLiteral("clip_max"), clipMax ? QJsonValue(*clipMax) : QJsonValue());
    return o;
}

Expected<ModelNormalize> ModelNormalize::fromJson(const QJsonObject &o, const QString &file)
{
    ModelNormalize n;
    const auto t = transformFromName(o.value(QStringLiteral("transform")).toString());
    if (!t)
        return Error{file, QStringLiteral("unknown normalisation transform '%1'")
                               .arg(o.value(QStringLiteral("transform")).toString())};
    n.transform = *t;
    n.scale = o.value(QStringLiteral("scale")).toDouble(1.0);
    if (!(n.scale > 0))
        return Error{file, QStringLiteral("normalisation scale must be positive, got %1").arg(n.scale)};
    if (o.value(QStringLiteral("clip_min")).isDouble())
        n.clipMin = o.value(QStringLiteral("clip_min")).toDouble();
    if (o.value(QStringLiteral("clip_max")).isDouble())
        n.clipMax = o.value(QStringLiteral("clip_max")).toDouble();
    n.zscore = o.value(QStringLiteral("zscore")).toBool(false);
    const QJsonObject channels = o.value(QStringLiteral("stats")).toObject();
    for (auto it = channels.constBegin(); it != channels.constEnd(); ++it) {
        const QJsonObject c = it.value().toObject();
        if (!c.value(QStringLiteral("mean")).isDouble() || !c.value(QStringLiteral("std")).isDouble())
            return Error{file, QStringLiteral("statistics of channel '%1' lack mean or std").arg(it.key())};
        n.stats.insert(it.key(), ChannelStats{c.value(QStringLiteral("mean")).toDouble(),
                                              c.value(QStringLiteral("std")).toDouble(),
                                              static_cast<long long>(c.value(QStringLiteral("count")).toDouble())});
    }
    const QJsonObject radialJson = o.value(QStringLiteral("radial")).toObject();
    for (auto it = radialJson.constBegin(); it != radialJson.constEnd(); ++it) {
        const QJsonObject c = it.value().toObject();
        RadialProfile p;
        p.side = c.value(QStringLiteral("side")).toInt();
        for (const QJsonValue &v : c.value(QStringLiteral("mean")).toArray())
            p.mean.push_back(v.toDouble());
        for (const QJsonValue &v : c.value(QStringLiteral("std")).toArray())
            p.std.push_back(v.toDouble());
        if (p.side < 2 || p.mean.size() < 2 || p.mean.size() != p.std.size())
            return Error{file, QStringLiteral("radial normalisation of channel '%1' is malformed").arg(it.key())};
        n.radial.insert(it.key(), std::move(p));
    }
    return n;
}

Status ModelNormalize::save(const QString &path) const
{
    return writeFileAtomically(path, QJsonDocument(toJson()).toJson(QJsonDocument::Indented));
}

Expected<ModelNormalize> ModelNormalize::load(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error{path, QStringLiteral("cannot read: %1").arg(f.errorString())};
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return Error{path, QStringLiteral("not a normalisation file (invalid JSON: %1)").arg(err.errorString())};
    return fromJson(doc.object(), path);
}

}  // namespace solarchip
