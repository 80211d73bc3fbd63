#include "core/synthetic/SyntheticRenderer.h"

#include "core/synthetic/SyntheticCorona.h"
#include "core/synthetic/SyntheticRandom.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace solarchip {

namespace {

constexpr double kRsunMm = 696.0;
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr quint64 kTagNoise = 0x4e4f4953;  // "NOIS"
constexpr double kAiaSaturation = 16383.0;  // 14-bit camera

inline float smoothstepf(float x)
{
    x = x < 0 ? 0 : (x > 1 ? 1 : x);
    return x * x * (3 - 2 * x);
}

// Soft cap of a limb-brightening factor: the real corona and transition region are structured, so the
// smooth spherical layer's limb spike (up to ~30x) reads as a bright rim of a few times the disk centre.
inline float softCap(float x, float cap) { return cap * std::tanh(x / cap) / (cap * std::tanh(1.0f / cap)); }

quint64 keyHash(const QString &key)
{
    quint64 h = 1469598103934665603ULL;
    for (const QChar c : key) {
        h ^= c.unicode();
        h *= 1099511628211ULL;
    }
    return h;
}

}  // namespace

SyntheticImageStats SyntheticRenderer::stats(const Image &image, double scale, double zero, double saturation)
{
    SyntheticImageStats st;
    long long cmin = std::numeric_limits<long long>::max(), cmax = std::numeric_limits<long long>::min();
    double sum = 0;
    for (float v : image.pixels) {
        if (!std::isfinite(v)) {
            ++st.missing;
            continue;
        }
        const long long c = std::llround((v - zero) / scale);
        cmin = std::min(cmin, c);
        cmax = std::max(cmax, c);
        sum += v;
        ++st.values;
        if (v >= saturation)
            ++st.saturated;
    }
    if (st.values == 0)
        return st;
    st.mean = sum / st.values;
    double m2 = 0, m3 = 0, m4 = 0;
    std::vector<long long> hist(static_cast<size_t>(cmax - cmin + 1), 0);
    for (float v : image.pixels) {
        if (!std::isfinite(v))
            continue;
        const double d = v - st.mean;
        m2 += d * d;
        m3 += d * d * d;
        m4 += d * d * d * d;
        ++hist[static_cast<size_t>(std::llround((v - zero) / scale) - cmin)];
    }
    m2 /= st.values;
    m3 /= st.values;
    m4 /= st.values;
    st.rms = std::sqrt(m2);
    st.skew = m2 > 0 ? m3 / std::pow(m2, 1.5) : 0;
    st.kurt = m2 > 0 ? m4 / (m2 * m2) - 3.0 : 0;
    st.min = cmin * scale + zero;
    st.max = cmax * scale + zero;
    auto percentile = [&](double p) {
        const long long target = static_cast<long long>(std::ceil(p * st.values));
        long long acc = 0;
        for (size_t i = 0; i < hist.size(); ++i) {
            acc += hist[i];
            if (acc >= std::max(1LL, target))
                return (static_cast<long long>(i) + cmin) * scale + zero;
        }
        return st.max;
    };
    st.median = percentile(0.5);
    st.p01 = percentile(0.01);
    st.p10 = percentile(0.10);
    st.p25 = percentile(0.25);
    st.p75 = percentile(0.75);
    st.p90 = percentile(0.90);
    st.p95 = percentile(0.95);
    st.p98 = percentile(0.98);
    st.p99 = percentile(0.99);
    std::vector<float> column;
    const int cx = image.width / 2;
    for (int y = 0; y < image.height; ++y)
        if (std::isfinite(image.at(cx, y)))
            column.push_back(image.at(cx, y));
    if (!column.empty()) {
        std::nth_element(column.begin(), column.begin() + column.size() / 2, column.end());
        st.centre = column[column.size() / 2];
    }
    return st;
}

SyntheticFrame SyntheticRenderer::render(const SyntheticFrameSpec &spec, const SyntheticSurface &surface,
                                         const SyntheticHistory &history, double tStep, const SyntheticOptions &options)
{
    const SyntheticChannel &ch = *spec.channel;
    const SyntheticFrameGeometry &g = spec.geometry;
    const SyntheticFrameGeometry &rg = surface.frame();
    const int n = g.width;
    Image rate(n, n, 0.0f);

    // Channel heliocentric -> Carrington -> reference heliocentric.
    double m[3][3];
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
            m[i][j] = rg.carToHelio[i][0] * g.helioToCar[0][j] + rg.carToHelio[i][1] * g.helioToCar[1][j]
                + rg.carToHelio[i][2] * g.helioToCar[2][j];

    using Kind = SyntheticChannel::Kind;
    const std::vector<float> &tabHigh = SyntheticCorona::limbTable(ch.kind == Kind::Corona ? ch.scaleHeightMm : 60.0);
    const std::vector<float> &tabLow = SyntheticCorona::limbTable(ch.lowHeightMm);
    const float q = static_cast<float>(ch.quietRate);
    const float f = static_cast<float>(ch.coronaFraction);
    const float hd = static_cast<float>(ch.holeDepth), nc = static_cast<float>(ch.networkContrast);
    const float lu = static_cast<float>(ch.limbU), lv = static_cast<float>(ch.limbV);
    const float plageRate = static_cast<float>(ch.plageRate), plageField = static_cast<float>(ch.plageField);
    const float spotDepth = static_cast<float>(ch.spotDepth);
    const float meanLane = SyntheticSurface::kMeanLane, meanSqrtLane = SyntheticSurface::kMeanSqrtLane;
    // The quiet corona brightens with the cycle (more flux emerging and decaying into the quiet Sun heats it):
    // the hot layer scales by 1 + 0.5 (activity - 0.5), i.e. 0.75 at minimum, 1.0 at activity 0.5 (the
    // level the channel rates were set for) and 1.37 at the 2014 peak.
    const float cycleHot = static_cast<float>(std::max(0.6, 1.0 + 0.5 * (history.activity(tStep) - 0.5)));

    for (int y = 0; y < n; ++y) {
        float *row = rate.row(y);
        for (int x = 0; x < n; ++x) {
            double tx = 0, ty = 0, p[3], mu = 0, rho = 0;
            g.pixelToTangent(x, y, tx, ty);
            const bool onDisk = g.tangentToSurface(tx, ty, p, mu, rho);
            const double r0 = m[0][0] * p[0] + m[0][1] * p[1] + m[0][2] * p[2];
            const double r1 = m[1][0] * p[0] + m[1][1] * p[1] + m[1][2] * p[2];
            const double r2 = m[2][0] * p[0] + m[2][1] * p[1] + m[2][2] * p[2];
            const double depth = rg.dr - r2;
            double rx = 0, ry = 0;
            rg.tangentToPixel(r0 / depth, r1 / depth, rx, ry);
            const SyntheticSurface::Cell s = surface.sample(rx, ry);
            const float muf = static_cast<float>(mu);
            const float absB = std::fabs(s.br);
            const float umb = smoothstepf((absB - 1300.0f) / 600.0f);
            const float pen = smoothstepf((absB - 600.0f) / 400.0f);
            float v = 0;
            switch (ch.kind) {
            case Kind::Corona: {
                const float high = softCap(SyntheticCorona::limbLookup(tabHigh, rho), 4.0f);
                const float low = softCap(SyntheticCorona::limbLookup(tabLow, rho), 2.0f);
                // The transition-region network is broader than the photospheric one: sqrt of the lanes.
                // Holes darken the hot layer fully, the low layer less (bright points and network remain).
                v = q * s.qs
                    * (f * cycleHot * high * (1.0f - hd * s.hole)
                       + (1.0f - f) * low * (1.0f - 0.75f * hd * s.hole) * (1.0f + nc * (std::sqrt(s.lane) - meanSqrtLane)));
                break;
            }
            case Kind::Chromosphere: {
                if (onDisk) {
                    const float ld = 1.0f - lu * (1.0f - muf);
                    v = q * ld * (1.0f + nc * (std::sqrt(s.lane) - meanSqrtLane)) * std::sqrt(s.qs) * (1.0f - hd * s.hole)
                        + plageRate * (1.0f - std::exp(-absB / plageField)) * (1.0f - 0.6f * umb);
                } else {
                    v = q * (0.6f * softCap(SyntheticCorona::limbLookup(tabLow, rho), 2.0f)
                             + 0.05f * softCap(SyntheticCorona::limbLookup(tabHigh, rho), 4.0f)) * s.qs;
                }
                break;
            }
            case Kind::UvContinuum: {
                if (onDisk) {
                    const float ld = 1.0f - lu * (1.0f - muf) - lv * (1.0f - muf * muf);
                    const float spot = 1.0f - spotDepth * (0.3f * pen + 0.7f * umb);
                    v = (q * (1.0f + nc * (s.lane - meanLane)) * std::pow(s.qs, 0.3f)
                         + plageRate * (1.0f - std::exp(-absB / plageField)) * (1.0f - pen)) * ld * spot;
                } else {
                    v = q * 0.25f * static_cast<float>(std::exp(-(rho - 1.0) * kRsunMm / 1.5));
                }
                break;
            }
            case Kind::Continuum: {
                if (onDisk) {
                    const float ld = 1.0f - lu * (1.0f - muf) - lv * (1.0f - muf * muf);
                    v = q * ld * (1.0f - 0.3f * pen - (spotDepth - 0.3f) * umb)
                        + q * 0.12f * (1.0f - muf) * (1.0f - std::exp(-absB / plageField)) * (1.0f - pen);
                } else {
                    v = ch.hmi ? kNaN : 0.0f;
                }
                break;
            }
            case Kind::Magnetogram:
                v = onDisk ? s.br * muf : kNaN;
                break;
            }
            row[x] = v;
        }
    }

    if (ch.kind == Kind::Corona || ch.kind == Kind::Chromosphere || ch.kind == Kind::UvContinuum)
        SyntheticCorona::render(history, ch, g, tStep, options.seed, rate);

    // Exposure: AIA's automatic exposure control shortens the exposure when a flare would saturate.
    double exptime = spec.exptime;
    bool aec = false;
    if (ch.isAia()) {
        float maxRate = 0;
        for (float v : rate.pixels)
            if (std::isfinite(v))
                maxRate = std::max(maxRate, v);
        if (maxRate * exptime > 15000.0) {
            aec = true;
            exptime = std::max(0.03 * spec.exptime, 12000.0 / maxRate);
            exptime = std::max(0.003, std::round(exptime * 1000.0) / 1000.0);
        }
    }

    // Values as stored, with noise drawn per pixel from a counter-based hash (same at any thread count).
    const quint64 noiseKey = SyntheticRandom::hash(options.seed, kTagNoise, keyHash(ch.key),
                                                   static_cast<quint64>(spec.step.toMSecsSinceEpoch()));
    const double binning = std::pow(g.plateScale() / ch.plateScale4096, 2);  // full-resolution pixels per pixel
    double scale = 1.0, zero = 0.0, saturation = std::numeric_limits<double>::infinity();
    if (ch.isAia()) {
        saturation = kAiaSaturation;
        const double dnPerPhoton = ch.dnPerPhoton, read = ch.readNoise / std::sqrt(binning);
        for (int y = 0; y < n; ++y) {
            float *row = rate.row(y);
            for (int x = 0; x < n; ++x) {
                double dn = std::max(0.0f, row[x]) * exptime;
                if (options.noise) {
                    const quint64 h = SyntheticRandom::hash(noiseKey, static_cast<quint64>(y) * n + x);
                    const double photons = dn / dnPerPhoton * binning;
                    dn = SyntheticRandom::poissonFromUniform(photons, SyntheticRandom::openUnit(h)) * dnPerPhoton / binning;
                    dn += read * SyntheticRandom::normalQuantile(SyntheticRandom::openUnit(SyntheticRandom::mix(h)));
                }
                row[x] = static_cast<float>(std::clamp(std::nearbyint(dn), -32767.0, kAiaSaturation));
            }
        }
    } else if (ch.kind == Kind::Magnetogram) {
        scale = 0.1;
        for (int y = 0; y < n; ++y) {
            float *row = rate.row(y);
            for (int x = 0; x < n; ++x) {
                if (!std::isfinite(row[x]))
                    continue;
                double b = row[x];
                if (options.noise) {
                    double tx = 0, ty = 0;
                    g.pixelToTangent(x, y, tx, ty);
                    const double rr = tx * tx + ty * ty;
                    const double mu = std::sqrt(std::max(0.0, 1.0 - g.dr * g.dr * rr / (1 + rr)));
                    const double sigma = 6.0 * (1.0 + 0.6 * (1.0 - mu)) / std::sqrt(binning);
                    const quint64 h = SyntheticRandom::hash(noiseKey, static_cast<quint64>(y) * n + x);
                    b += sigma * SyntheticRandom::normalQuantile(SyntheticRandom::openUnit(h));
                }
                row[x] = static_cast<float>(std::nearbyint(b * 10.0) / 10.0);
            }
        }
    } else {
        scale = 3.0;
        zero = 97304.0;
        for (int y = 0; y < n; ++y) {
            float *row = rate.row(y);
            for (int x = 0; x < n; ++x) {
                if (!std::isfinite(row[x]))
                    continue;
                double v = row[x] * (ch.hmi ? 1.0 : exptime);
                if (options.noise) {
                    const quint64 h = SyntheticRandom::hash(noiseKey, static_cast<quint64>(y) * n + x);
                    v += 0.003 * v / std::sqrt(binning) * SyntheticRandom::normalQuantile(SyntheticRandom::openUnit(h));
                }
                if (!ch.hmi) {
                    row[x] = static_cast<float>(std::clamp(std::nearbyint(v), -32767.0, kAiaSaturation));
                    continue;
                }
                const double code = std::clamp(std::nearbyint((v - zero) / scale), -32767.0, 32767.0);
                row[x] = static_cast<float>(code * scale + zero);
            }
        }
        if (!ch.hmi) {
            scale = 1.0;
            zero = 0.0;
            saturation = kAiaSaturation;
        }
    }

    SyntheticFrame frame;
    frame.channel = ch.key;
    frame.fileName = spec.fileName;
    frame.relativeDir = spec.relativeDir;
    frame.tObs = spec.tObs;
    frame.header = spec.header(stats(rate, scale, zero, saturation), exptime, aec, options.seed);
    frame.writeOptions = spec.storage();
    frame.image = std::move(rate);
    return frame;
}

}  // namespace solarchip
