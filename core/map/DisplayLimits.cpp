#include "core/map/DisplayLimits.h"

#include "core/base/RecentCache.h"

#include <QStringList>

#include <algorithm>
#include <cmath>
#include <limits>

namespace solarchip {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool isAiaChannel(const QString &c)
{
    static const QStringList aia{QStringLiteral("94"),  QStringLiteral("131"),  QStringLiteral("171"),
                                 QStringLiteral("193"), QStringLiteral("211"),  QStringLiteral("304"),
                                 QStringLiteral("335"), QStringLiteral("1600"), QStringLiteral("1700"),
                                 QStringLiteral("4500")};
    return aia.contains(c);
}

}  // namespace

// ---- settings ---------------------------------------------------------------------------------------

double DisplaySettings::effectiveStretchParameter() const
{
    if (stretchParameter > 0)
        return stretchParameter;
    switch (stretch) {
    case DisplayStretch::Asinh:
        return 0.1;  // astropy AsinhStretch default
    case DisplayStretch::Log:
        return 1000.0;  // astropy LogStretch default
    case DisplayStretch::Power:
        return 2.0;
    default:
        return 0.0;
    }
}

bool DisplaySettings::operator==(const DisplaySettings &o) const
{
    return stretch == o.stretch && effectiveStretchParameter() == o.effectiveStretchParameter()
           && limits == o.limits && percentileLow == o.percentileLow && percentileHigh == o.percentileHigh
           && manualMin == o.manualMin && manualMax == o.manualMax && symmetric == o.symmetric
           && colormap == o.colormap && reverseColormap == o.reverseColormap;  // manualUnit: not how it is drawn
}

QString DisplaySettings::toString() const
{
    QStringList f;
    f << QStringLiteral("stretch=") + stretchName(stretch)
      << QStringLiteral("a=") + QString::number(stretchParameter, 'g', 17)
      << QStringLiteral("limits=") + limitsModeName(limits)
      << QStringLiteral("low=") + QString::number(percentileLow, 'g', 17)
      << QStringLiteral("high=") + QString::number(percentileHigh, 'g', 17)
      << QStringLiteral("min=") + QString::number(manualMin, 'g', 17)
      << QStringLiteral("max=") + QString::number(manualMax, 'g', 17)
      << QStringLiteral("symmetric=") + QString::number(symmetric ? 1 : 0)
      << QStringLiteral("cmap=") + colormap
      << QStringLiteral("reverse=") + QString::number(reverseColormap ? 1 : 0);
    if (!manualUnit.isEmpty())
        f << QStringLiteral("unit=") + manualUnit;
    return f.join(QLatin1Char(';'));
}

DisplaySettings DisplaySettings::fromString(const QString &text, const DisplaySettings &base)
{
    DisplaySettings s = base;
    for (const QString &field : text.split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
        const int eq = field.indexOf(QLatin1Char('='));
        if (eq <= 0)
            continue;
        const QString key = field.left(eq).trimmed();
        const QString value = field.mid(eq + 1).trimmed();
        bool ok = false;
        const double number = value.toDouble(&ok);
        if (key == QLatin1String("stretch"))
            stretchFromName(value, s.stretch);
        else if (key == QLatin1String("limits"))
            limitsModeFromName(value, s.limits);
        else if (key == QLatin1String("cmap") && !value.isEmpty())
            s.colormap = value;
        else if (key == QLatin1String("unit"))
            s.manualUnit = value;
        else if (!ok)
            continue;
        else if (key == QLatin1String("a"))
            s.stretchParameter = number;
        else if (key == QLatin1String("low"))
            s.percentileLow = std::clamp(number, 0.0, 100.0);
        else if (key == QLatin1String("high"))
            s.percentileHigh = std::clamp(number, 0.0, 100.0);
        else if (key == QLatin1String("min"))
            s.manualMin = number;
        else if (key == QLatin1String("max"))
            s.manualMax = number;
        else if (key == QLatin1String("symmetric"))
            s.symmetric = number != 0;
        else if (key == QLatin1String("reverse"))
            s.reverseColormap = number != 0;
    }
    return s;
}

DisplaySettings DisplaySettings::fromString(const QString &text) { return fromString(text, DisplaySettings()); }

bool DisplayRange::isValid() const { return std::isfinite(min) && std::isfinite(max) && min < max; }

// ---- limits -----------------------------------------------------------------------------------------

DisplayRange minMaxLimits(const Image &image)
{
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (float p : image.pixels) {
        if (!std::isfinite(p))
            continue;
        lo = std::min(lo, double(p));
        hi = std::max(hi, double(p));
    }
    if (!std::isfinite(lo))
        return {kNaN, kNaN};
    return {lo, hi};
}

DisplayRange percentileLimits(const Image &image, double lowPercent, double highPercent)
{
    // numpy.percentile's "linear" method on the finite pixels: order statistics r = floor(p/100 (n-1)) and
    // r + 1, interpolated with numpy's _lerp (exact at both ends). Selected high first: after that
    // partition the low ranks live in the part below, and each neighbour is an extreme of a small part.
    std::vector<float> v;
    v.reserve(image.size());
    for (float p : image.pixels)
        if (std::isfinite(p))
            v.push_back(p);
    if (v.empty())
        return {kNaN, kNaN};
    const long long n = static_cast<long long>(v.size());
    auto split = [n](double percent, long long &r, double &frac) {
        const double index = std::clamp(percent, 0.0, 100.0) / 100.0 * double(n - 1);
        r = std::min(n - 1, static_cast<long long>(std::floor(index)));
        frac = index - double(r);
    };
    auto lerp = [](double a, double b, double t) { return t >= 0.5 ? b - (b - a) * (1.0 - t) : a + (b - a) * t; };
    long long rl = 0, rh = 0;
    double fl = 0, fh = 0;
    split(std::min(lowPercent, highPercent), rl, fl);
    split(std::max(lowPercent, highPercent), rh, fh);
    auto it = [&v](long long k) { return v.begin() + static_cast<std::ptrdiff_t>(k); };
    // High: rank rh, and rank rh + 1 as the minimum of what lies above it.
    std::nth_element(v.begin(), it(rh), v.end());
    const double h0 = v[static_cast<size_t>(rh)];
    const double h1 = fh > 0 && rh + 1 < n ? double(*std::min_element(it(rh + 1), v.end())) : h0;
    // Low, within [0, rh]: rank rl + 1 selected, rank rl as the maximum below it.
    double l0 = h0, l1 = h0;
    if (rl < rh && fl == 0) {
        // Only rank rl (the minimum for the 0th percentile, the usual AIA default).
        if (rl == 0)
            l0 = double(*std::min_element(v.begin(), it(rh)));
        else {
            std::nth_element(v.begin(), it(rl), it(rh));
            l0 = v[static_cast<size_t>(rl)];
        }
        l1 = l0;
    } else if (rl < rh) {
        const long long upper = std::min(rl + 1, rh);
        std::nth_element(v.begin(), it(upper), it(rh));
        l1 = v[static_cast<size_t>(upper)];  // when rl + 1 == rh this is the high statistic itself
        l0 = double(*std::max_element(v.begin(), it(upper)));
    } else if (rl == rh) {
        l1 = h1;
    }
    const double low = fl > 0 ? lerp(l0, l1, fl) : l0;
    const double high = fh > 0 ? lerp(h0, h1, fh) : h0;
    return lowPercent <= highPercent ? DisplayRange{low, high} : DisplayRange{high, low};
}

DisplayRange zscaleLimits(const Image &image, const ZScaleParams &params)
{
    // Sample the finite pixels in row-major order with a stride, as astropy does.
    long long nFinite = 0;
    for (float p : image.pixels)
        nFinite += std::isfinite(p) ? 1 : 0;
    if (nFinite == 0)
        return {kNaN, kNaN};
    const long long stride =
        static_cast<long long>(std::max(1.0, double(nFinite) / double(std::max(1, params.samples))));
    std::vector<double> s;
    s.reserve(static_cast<size_t>(std::max(1, params.samples)));
    long long k = 0;
    for (float p : image.pixels) {
        if (!std::isfinite(p))
            continue;
        if (k % stride == 0 && static_cast<int>(s.size()) < params.samples)
            s.push_back(p);
        ++k;
    }
    std::sort(s.begin(), s.end());
    const int npix = static_cast<int>(s.size());
    double vmin = s.front(), vmax = s.back();

    const int minpix = std::max(params.minPixels, static_cast<int>(npix * params.maxReject));
    const int ngrow = std::max(1, static_cast<int>(npix * 0.01));
    std::vector<char> bad(static_cast<size_t>(npix), 0), grown(static_cast<size_t>(npix), 0);
    int ngood = npix;
    int lastNgood = npix + 1;
    double slope = 0, intercept = 0;
    bool fitted = false;
    for (int iter = 0; iter < params.maxIterations; ++iter) {
        if (ngood >= lastNgood || ngood < minpix)
            break;
        // Least-squares line through the good samples (np.polyfit with 0/1 weights).
        double sw = 0, sx = 0, sy = 0;
        for (int i = 0; i < npix; ++i)
            if (!bad[i]) {
                sw += 1;
                sx += i;
                sy += s[i];
            }
        const double mx = sx / sw, my = sy / sw;
        double sxx = 0, sxy = 0;
        for (int i = 0; i < npix; ++i)
            if (!bad[i]) {
                sxx += (i - mx) * (i - mx);
                sxy += (i - mx) * (s[i] - my);
            }
        slope = sxx > 0 ? sxy / sxx : 0.0;
        intercept = my - slope * mx;
        fitted = true;
        // k-sigma rejection about the line (population std of the good residuals, as numpy's .std()).
        double sum = 0, sum2 = 0;
        int cnt = 0;
        for (int i = 0; i < npix; ++i)
            if (!bad[i]) {
                sum += s[i] - (slope * i + intercept);
                ++cnt;
            }
        const double meanFlat = sum / cnt;
        for (int i = 0; i < npix; ++i)
            if (!bad[i]) {
                const double f = s[i] - (slope * i + intercept) - meanFlat;
                sum2 += f * f;
            }
        const double threshold = params.krej * std::sqrt(sum2 / cnt);
        for (int i = 0; i < npix; ++i) {
            const double f = s[i] - (slope * i + intercept);
            if (f < -threshold || f > threshold)
                bad[i] = 1;
        }
        // Dilate the mask like np.convolve(bad, ones(ngrow), mode="same"): a bad sample j marks
        // [j - (ngrow - 1) / 2, j + ngrow / 2].
        std::fill(grown.begin(), grown.end(), 0);
        for (int j = 0; j < npix; ++j) {
            if (!bad[j])
                continue;
            const int a = std::max(0, j - (ngrow - 1) / 2), b = std::min(npix - 1, j + ngrow / 2);
            for (int i = a; i <= b; ++i)
                grown[i] = 1;
        }
        bad.swap(grown);
        lastNgood = ngood;
        ngood = static_cast<int>(std::count(bad.begin(), bad.end(), 0));
    }
    if (fitted && ngood >= minpix) {
        if (params.contrast > 0)
            slope /= params.contrast;
        const int center = (npix - 1) / 2;
        const double median = npix % 2 ? s[npix / 2] : 0.5 * (s[npix / 2 - 1] + s[npix / 2]);
        vmin = std::max(vmin, median - (center - 1) * slope);
        vmax = std::min(vmax, median + (npix - center) * slope);
    }
    return {vmin, vmax};
}

DisplayRange resolveLimits(const Image &image, const DisplaySettings &settings)
{
    DisplayRange r;
    switch (settings.limits) {
    case DisplayLimitsMode::MinMax:
        r = minMaxLimits(image);
        break;
    case DisplayLimitsMode::Percentile:
        r = percentileLimits(image, std::min(settings.percentileLow, settings.percentileHigh),
                             std::max(settings.percentileLow, settings.percentileHigh));
        break;
    case DisplayLimitsMode::ZScale:
        r = zscaleLimits(image);
        break;
    case DisplayLimitsMode::Manual:
        r = {std::min(settings.manualMin, settings.manualMax), std::max(settings.manualMin, settings.manualMax)};
        break;
    }
    if (settings.symmetric && std::isfinite(r.min) && std::isfinite(r.max)) {
        const double m = std::max(std::abs(r.min), std::abs(r.max));
        r = {-m, m};
    }
    if (!r.isValid()) {
        if (std::isfinite(r.min) && r.min == r.max)
            r = {r.min - 0.5, r.max + 0.5};
        else
            r = {0.0, 1.0};
    }
    return r;
}

// ---- stretches --------------------------------------------------------------------------------------

double applyStretch(DisplayStretch stretch, double a, double t)
{
    switch (stretch) {
    case DisplayStretch::Linear:
    case DisplayStretch::HistEq:  // needs the data: see StretchTable
        return t;
    case DisplayStretch::Log:
        return std::log(a * t + 1.0) / std::log(a + 1.0);
    case DisplayStretch::Sqrt:
        return std::sqrt(t);
    case DisplayStretch::Asinh:
        return std::asinh(t / a) / std::asinh(1.0 / a);
    case DisplayStretch::Power:
        return std::pow(t, a);
    }
    return t;
}

double inverseStretch(DisplayStretch stretch, double a, double s)
{
    switch (stretch) {
    case DisplayStretch::Linear:
    case DisplayStretch::HistEq:
        return s;
    case DisplayStretch::Log:
        return std::expm1(s * std::log(a + 1.0)) / a;
    case DisplayStretch::Sqrt:
        return s * s;
    case DisplayStretch::Asinh:
        return a * std::sinh(s * std::asinh(1.0 / a));
    case DisplayStretch::Power:
        return std::pow(s, 1.0 / a);
    }
    return s;
}

StretchTable StretchTable::build(const DisplaySettings &settings, const DisplayRange &range, const Image *image)
{
    StretchTable t;
    t.m_range = range.isValid() ? range : DisplayRange{0.0, 1.0};
    t.m_scale = double(kBins - 1) / (t.m_range.max - t.m_range.min);
    if (settings.stretch == DisplayStretch::HistEq && image) {
        std::vector<float> values(kBins);
        std::vector<long long> counts(kBins, 0);
        long long n = 0;
        for (float p : image->pixels) {
            const int b = t.binOf(p);
            if (b < 0)
                continue;
            ++counts[static_cast<size_t>(b)];
            ++n;
        }
        // astropy's HistEqStretch gives a data value the rank of the first of its ties over n - 1, i.e. the
        // number of pixels strictly below it: here, the pixels in lower bins.
        long long below = 0;
        for (int b = 0; b < kBins; ++b) {
            values[static_cast<size_t>(b)] = n > 1 ? float(double(below) / double(n - 1)) : float(b) / float(kBins - 1);
            below += counts[static_cast<size_t>(b)];
        }
        t.m_values = std::make_shared<const std::vector<float>>(std::move(values));
        return t;
    }
    const DisplayStretch stretch = settings.stretch == DisplayStretch::HistEq ? DisplayStretch::Linear : settings.stretch;
    const double a = settings.effectiveStretchParameter();
    // Never destroyed: renders on pool threads may still use it at exit (widgets/MapRenderer's colourCrossings says why).
    static auto &curves = *new RecentCache<std::pair<DisplayStretch, double>, std::vector<float>>(16);
    t.m_values = curves.get({stretch, a}, [&] {
        std::vector<float> values(kBins);
        for (int b = 0; b < kBins; ++b)
            values[static_cast<size_t>(b)] = float(applyStretch(stretch, a, double(b) / double(kBins - 1)));
        return values;
    });
    return t;
}

const std::vector<float> &StretchTable::values() const
{
    static const auto &none = *new std::vector<float>();  // never destroyed (pool threads at exit)
    return m_values ? *m_values : none;
}

int StretchTable::binOf(double value) const
{
    if (std::isnan(value))
        return -1;
    const double x = (value - m_range.min) * m_scale;
    if (!(x > 0))
        return 0;
    if (x >= kBins - 1)
        return kBins - 1;
    return static_cast<int>(x + 0.5);
}

double StretchTable::map(double value) const
{
    const int b = binOf(value);
    return b < 0 || isEmpty() ? kNaN : double((*m_values)[static_cast<size_t>(b)]);
}

// ---- defaults ---------------------------------------------------------------------------------------

DisplaySettings defaultDisplaySettings(const QString &channel, const QString &unit)
{
    DisplaySettings s;
    if (isAiaChannel(channel)) {
        s.colormap = QStringLiteral("sdoaia") + channel;
        s.stretch = DisplayStretch::Asinh;
        s.stretchParameter = 0.01;
        s.limits = DisplayLimitsMode::Percentile;
        s.percentileLow = 0.0;
        s.percentileHigh = 99.9;
        return s;
    }
    if (channel == QLatin1String("hmi") || channel == QLatin1String("hmi_br") || isMagneticFieldUnit(unit)) {
        s.colormap = QStringLiteral("grey");
        s.stretch = DisplayStretch::Linear;
        s.limits = DisplayLimitsMode::Manual;
        s.manualMin = -1500.0;
        s.manualMax = 1500.0;
        s.symmetric = true;
        return s;
    }
    s.colormap = QStringLiteral("grey");
    s.stretch = DisplayStretch::Linear;
    s.limits = DisplayLimitsMode::MinMax;
    return s;
}

DisplaySettings defaultDisplaySettings(const MapMeta &meta)
{
    if (!meta.displayScaled)
        return defaultDisplaySettings(meta.channel, meta.unit);
    // Helioviewer already scaled these values for display (per-channel clip, log/sqrt, gamma): a second
    // stretch or data-derived limits would distort its scaling twice, and field limits in Gauss mean nothing
    // for bytes. Linear over the whole byte range, the channel's colours (what JHelioviewer shows).
    DisplaySettings s = defaultDisplaySettings(meta.channel, QString());
    s.stretch = DisplayStretch::Linear;
    s.stretchParameter = 0.0;
    s.limits = DisplayLimitsMode::Manual;
    s.manualMin = 0.0;
    s.manualMax = meta.bitpix == 16 ? 65535.0 : 255.0;
    s.symmetric = false;
    return s;
}

QString displaySettingsKey(const MapMeta &meta)
{
    return meta.displayScaled ? meta.channel + QStringLiteral("-helioviewer") : meta.channel;
}

namespace {

// "DN/s", "DN s-1", "dn / S" are one unit; "Gauss" and "G" are not merged (a file says one or the other).
QString comparableUnit(const QString &unit)
{
    QString u = unit.simplified().toLower();
    u.replace(QStringLiteral(" s-1"), QStringLiteral("/s")).replace(QStringLiteral(".s-1"), QStringLiteral("/s"));
    u.remove(QLatin1Char(' '));
    return u;
}

}  // namespace

DisplaySettings displaySettingsForMap(const DisplaySettings &saved, const MapMeta &meta)
{
    if (saved.limits != DisplayLimitsMode::Manual || saved.manualUnit.isEmpty() || meta.unit.isEmpty()
        || comparableUnit(saved.manualUnit) == comparableUnit(meta.unit))
        return saved;
    const DisplaySettings fallback = defaultDisplaySettings(meta);
    DisplaySettings s = saved;
    s.limits = fallback.limits;
    s.percentileLow = fallback.percentileLow;
    s.percentileHigh = fallback.percentileHigh;
    s.manualMin = fallback.manualMin;
    s.manualMax = fallback.manualMax;
    s.manualUnit.clear();
    return s;
}

DisplaySettings displaySettingsToRemember(DisplaySettings settings, const MapMeta &meta)
{
    settings.manualUnit = settings.limits == DisplayLimitsMode::Manual ? meta.unit : QString();
    return settings;
}

DisplaySettings defaultDifferenceDisplaySettings()
{
    DisplaySettings s;
    s.colormap = QStringLiteral("RdBu_r");
    s.stretch = DisplayStretch::Linear;
    s.limits = DisplayLimitsMode::Percentile;
    s.percentileLow = 0.5;
    s.percentileHigh = 99.5;
    s.symmetric = true;
    return s;
}

QString stretchName(DisplayStretch stretch)
{
    switch (stretch) {
    case DisplayStretch::Linear: return QStringLiteral("linear");
    case DisplayStretch::Log: return QStringLiteral("log");
    case DisplayStretch::Sqrt: return QStringLiteral("sqrt");
    case DisplayStretch::Asinh: return QStringLiteral("asinh");
    case DisplayStretch::Power: return QStringLiteral("power");
    case DisplayStretch::HistEq: return QStringLiteral("histeq");
    }
    return QStringLiteral("linear");
}

bool stretchFromName(const QString &name, DisplayStretch &out)
{
    const QString n = name.trimmed().toLower();
    for (DisplayStretch s : {DisplayStretch::Linear, DisplayStretch::Log, DisplayStretch::Sqrt, DisplayStretch::Asinh,
                             DisplayStretch::Power, DisplayStretch::HistEq})
        if (n == stretchName(s)) {
            out = s;
            return true;
        }
    if (n == QLatin1String("histogram") || n == QLatin1String("hist_eq") || n == QLatin1String("histequ")) {
        out = DisplayStretch::HistEq;
        return true;
    }
    return false;
}

QString limitsModeName(DisplayLimitsMode mode)
{
    switch (mode) {
    case DisplayLimitsMode::MinMax: return QStringLiteral("minmax");
    case DisplayLimitsMode::Percentile: return QStringLiteral("percentile");
    case DisplayLimitsMode::ZScale: return QStringLiteral("zscale");
    case DisplayLimitsMode::Manual: return QStringLiteral("manual");
    }
    return QStringLiteral("minmax");
}

bool limitsModeFromName(const QString &name, DisplayLimitsMode &out)
{
    const QString n = name.trimmed().toLower();
    for (DisplayLimitsMode m : {DisplayLimitsMode::MinMax, DisplayLimitsMode::Percentile, DisplayLimitsMode::ZScale,
                                DisplayLimitsMode::Manual})
        if (n == limitsModeName(m)) {
            out = m;
            return true;
        }
    return false;
}

}  // namespace solarchip
