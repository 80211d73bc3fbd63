#pragma once
// Value scalings shared by the viewer and the models, so a map looks and feeds the same everywhere.
//
// Two families, kept apart because they answer different questions:
//  - Display (DisplayNormalize): astropy.visualization semantics. Limits (min/max, manual, percentiles,
//    zscale) map the data to [0, 1], values outside are clipped, then a stretch (linear, sqrt, log, asinh,
//    power) maps [0, 1] -> [0, 1] for a colour table. Same formulas and defaults as astropy's
//    LinearStretch, SqrtStretch, LogStretch(a=1000), AsinhStretch(a=0.1), PowerStretch(a), so a user's
//    sunpy plot and our view agree (sunpy's AIA default is ImageNormalize(stretch=AsinhStretch(0.01))).
//  - Model input (ModelNormalize): physical values -> network input. Optional clip in physical units,
//    a pointwise transform (signed log sign(x)*ln(1+s|x|) as in SolarCHIP/Surya, log1p, sqrt, asinh),
//    then an optional per-channel z-score whose statistics are stored with the normalisation (JSON),
//    so training and inference use identical numbers. Every transform has an inverse (for translated maps).
//
// NaN stays NaN everywhere; statistics and limits use finite values only.

#include "core/base/Expected.h"

#include <QJsonObject>
#include <QMap>
#include <QString>

#include <cstddef>
#include <optional>
#include <vector>

namespace solarchip {

// ---------------------------------------------------------------------------------------------------------
// Statistics helpers.

/// numpy.percentile(values[isfinite], p) with the default "linear" method; p in [0, 100]. NaN when no finite
/// value. `maxSamples` > 0 uses every k-th finite value (astropy's n_samples idea) for speed on big images.
double percentile(const float *values, std::size_t n, double p, std::size_t maxSamples = 0);
/// Several percentiles at once (one copy of the data): returns one value per entry of `ps`.
std::vector<double> percentiles(const float *values, std::size_t n, const std::vector<double> &ps,
                                std::size_t maxSamples = 0);

/// Mergeable mean/variance accumulator over finite values (Chan et al. parallel update): feed images or
/// batches one by one, or merge accumulators computed in parallel; population std like numpy's default.
class RunningStats {
public:
    void add(const float *values, std::size_t n);
    void add(double value);
    void merge(const RunningStats &other);
    long long count() const { return m_count; }
    double mean() const;
    double std() const;
    double min() const { return m_min; }
    double max() const { return m_max; }

private:
    long long m_count = 0;
    double m_mean = 0, m_m2 = 0;
    double m_min = 0, m_max = 0;
};

// ---------------------------------------------------------------------------------------------------------
// Display normalisation (astropy ImageNormalize semantics).

enum class StretchKind { Linear, Sqrt, Log, Asinh, Power };

/// A stretch of normalised values [0, 1] -> [0, 1].
struct Stretch {
    StretchKind kind = StretchKind::Linear;
    /// Log: a (y = ln(a x + 1) / ln(a + 1), astropy default 1000). Asinh: softening a
    /// (y = asinh(x / a) / asinh(1 / a), astropy default 0.1). Power: the exponent (y = x^a). Unused otherwise.
    double a = 0;

    static Stretch linear() { return {StretchKind::Linear, 0}; }
    static Stretch sqrt() { return {StretchKind::Sqrt, 0}; }
    static Stretch log(double a = 1000.0) { return {StretchKind::Log, a}; }
    static Stretch asinh(double a = 0.1) { return {StretchKind::Asinh, a}; }
    static Stretch power(double a) { return {StretchKind::Power, a}; }

    double operator()(double x) const;
    /// Inverse on [0, 1] (for colour bars and readouts).
    double inverse(double y) const;
    /// "linear", "sqrt", "log", "asinh", "power".
    QString name() const;
    /// Parses "linear", "sqrt", "log", "log:500", "asinh", "asinh:0.01", "power:2". Empty on unknown text.
    static std::optional<Stretch> fromString(const QString &text);
};

/// Display limits of an image.
struct Limits {
    double vmin = 0;
    double vmax = 1;
};

/// How display limits are chosen from the data.
struct Interval {
    enum class Kind { MinMax, Manual, Percentile, ZScale };
    Kind kind = Kind::MinMax;
    /// Manual: the limits themselves. Percentile: lower and upper percentiles in [0, 100].
    double lower = 0, upper = 100;
    /// Percentile/MinMax: use at most this many (evenly strided) finite values; 0 = all. ZScale: samples
    /// (astropy default 1000).
    std::size_t maxSamples = 0;

    static Interval minMax() { return {Kind::MinMax, 0, 100, 0}; }
    static Interval manual(double vmin, double vmax) { return {Kind::Manual, vmin, vmax, 0}; }
    /// astropy PercentileInterval(keep): keeps the central `keep` percent (99.5 -> 0.25 .. 99.75).
    static Interval percentile(double keep) { return {Kind::Percentile, (100.0 - keep) / 2, 100.0 - (100.0 - keep) / 2, 0}; }
    /// astropy AsymmetricPercentileInterval(lower, upper).
    static Interval percentiles(double lower, double upper) { return {Kind::Percentile, lower, upper, 0}; }
    /// IRAF zscale as astropy's ZScaleInterval (n_samples 1000, contrast 0.25).
    static Interval zscale(std::size_t samples = 1000) { return {Kind::ZScale, 0, 0, samples}; }

    /// The limits for these values (finite values only). NaN limits when nothing is finite.
    Limits limits(const float *values, std::size_t n) const;
};

/// vmin/vmax -> [0, 1] (clipped) -> stretch, as astropy's ImageNormalize(vmin, vmax, stretch, clip=True).
/// vmax == vmin maps everything finite to 0 (as astropy does).
class DisplayNormalize {
public:
    DisplayNormalize() = default;
    DisplayNormalize(Limits limits, Stretch stretch, bool clip = true)
        : m_limits(limits), m_stretch(stretch), m_clip(clip) {}
    /// Limits from the data through `interval`, then the stretch.
    static DisplayNormalize fromData(const float *values, std::size_t n, const Interval &interval, Stretch stretch);

    const Limits &limits() const { return m_limits; }
    const Stretch &stretch() const { return m_stretch; }

    /// One value; NaN in, NaN out.
    double operator()(double value) const;
    /// Many values (in == out allowed); runs on all cores for large arrays.
    void apply(const float *in, float *out, std::size_t n) const;
    /// Display value [0, 1] -> data value (for colour bars).
    double inverse(double y) const;

private:
    Limits m_limits;
    Stretch m_stretch;
    bool m_clip = true;
};

// ---------------------------------------------------------------------------------------------------------
// Model input normalisation.

enum class ModelTransform {
    Identity,   // x
    SignedLog,  // sign(x) * ln(1 + s |x|)   (SolarCHIP: s = 1; Surya: s = 0.01)
    Log1p,      // ln(1 + s max(x, 0))
    Sqrt,       // sqrt(s max(x, 0))
    Asinh,      // asinh(s x)
};

/// sign(x) * ln(1 + scale * |x|) and its inverse.
double signedLog(double x, double scale = 1.0);
double signedLogInverse(double y, double scale = 1.0);

/// Per-channel statistics of transformed values for the z-score.
struct ChannelStats {
    double mean = 0;
    double std = 1;
    long long count = 0;
};

/// physical -> [clip lo, hi] -> transform -> (optional) (y - mean_c) / std_c for channel c.
class ModelNormalize {
public:
    ModelTransform transform = ModelTransform::Identity;
    double scale = 1.0;  // the s of the transform
    std::optional<double> clipMin, clipMax;  // physical units, applied before the transform
    /// Clip limits from data: the `lower` and `upper` percentiles of these values (e.g. 0.5 and 99.5 of a
    /// representative image). A bound is left unset when there is no finite value.
    void setClipPercentiles(const float *values, std::size_t n, double lower, double upper);
    bool zscore = false;
    QMap<QString, ChannelStats> stats;  // channel key ("171", "hmi") -> statistics of transformed values

    /// A radial climatology of one channel on a side x side model image: the mean and standard deviation of
    /// the transformed values as functions of the distance r (pixels) from the image centre ((side-1)/2, the
    /// disk centre of a recentred prep), one sample per pixel of r, linearly interpolated. Normalising by it,
    /// (t(x) - mean(r)) / std(r), removes what every day shares (the disk, limb darkening or brightening, the
    /// corona's fall-off) and leaves what differs (regions, network, flares); without it, a ViT sees 95% the
    /// same tokens every day (MODEL_CARD.md of the default model).
    struct RadialProfile {
        int side = 0;
        std::vector<double> mean, std;  // index k = r of k pixels
    };
    QMap<QString, RadialProfile> radial;  // used instead of `stats` for the channels it has
    /// Smallest std(r) used, in transformed units (off-disk HMI is all zeros: its std is 0).
    static constexpr double kRadialStdFloor = 0.1;
    /// Accumulates the radial profile of `channel` from one side x side image of values that are ALREADY
    /// transformed (non-finite values skipped); finishRadial() turns the sums into `radial`.
    void accumulateRadial(const QString &channel, const float *transformed, int side);
    void finishRadial();

    /// Pointwise transform (after clipping), without the z-score.
    double transformValue(double x) const;
    double inverseTransformValue(double y) const;

    /// Normalises `n` values of `channel` (in == out allowed). Fails when zscore is on and the channel has
    /// no statistics, or its std is not positive.
    Status apply(const QString &channel, const float *in, float *out, std::size_t n) const;
    /// Model output -> physical units (inverse z-score then inverse transform; clipping is not undone).
    Status invert(const QString &channel, const float *in, float *out, std::size_t n) const;

    /// Accumulates statistics of the *transformed* values of `channel` (call per image, then finishStats).
    void accumulate(const QString &channel, const float *values, std::size_t n);
    /// Turns the accumulated sums into `stats` and switches the z-score on.
    void finishStats();

    /// "identity", "signed_log", "log1p", "sqrt", "asinh".
    static QString transformName(ModelTransform t);
    static std::optional<ModelTransform> transformFromName(const QString &name);

    QJsonObject toJson() const;
    static Expected<ModelNormalize> fromJson(const QJsonObject &json, const QString &file = {});
    /// Atomic JSON save and load (the stored statistics travel with checkpoints and embedding stores).
    Status save(const QString &path) const;
    static Expected<ModelNormalize> load(const QString &path);

private:
    QMap<QString, RunningStats> m_accumulators;
    struct RadialSums {
        int side = 0;
        std::vector<double> sum, sumSq, count;
    };
    QMap<QString, RadialSums> m_radialSums;
};

}  // namespace solarchip
