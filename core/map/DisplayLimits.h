#pragma once
// Display scaling for map views: how data values become the 0..1 input of a colormap. Limits (min/max,
// percentiles, IRAF zscale, manual, symmetric about zero) and stretches (linear, log, sqrt, asinh, histogram
// equalisation) follow the definitions of astropy.visualization, so a map looks the way sunpy users know it,
// and the per-channel defaults follow sunpy's AIAMap/HMIMap plot settings. GUI-free: widgets/ turns the
// result into colours (widgets/MapRenderer). Model-input transforms (signed log, z-score) live in
// core/map/Scaling.h.

#include "core/base/Image.h"
#include "core/map/MapMeta.h"

#include <QString>

#include <memory>
#include <vector>

namespace solarchip {

/// Stretches on a value t already normalised to [0, 1] (astropy's definitions): Linear t; Log log(a t + 1) / log(a + 1); Sqrt sqrt(t); Asinh asinh(t / a) / asinh(1 / a);
/// Power t^a; HistEq the empirical distribution of the image's normalised finite pixels (astropy HistEqStretch).
enum class DisplayStretch { Linear, Log, Sqrt, Asinh, Power, HistEq };

/// How the data range [min, max] mapped onto the colormap is chosen.
enum class DisplayLimitsMode {
    MinMax,      // finite minimum and maximum (sunpy's default for ImageNormalize without vmin/vmax)
    Percentile,  // numpy.percentile (linear interpolation) of the finite pixels, low/high in percent
    ZScale,      // IRAF zscale as astropy.visualization.ZScaleInterval
    Manual       // the user's min/max
};

/// Everything that decides how one map is displayed. Plain value, persisted by the GUI with QSettings
/// through toString()/fromString().
struct DisplaySettings {
    DisplayStretch stretch = DisplayStretch::Linear;
    /// Stretch parameter `a` (asinh softening, log base, power exponent); <= 0 means the stretch's default
    /// (astropy: AsinhStretch 0.1, LogStretch 1000; power 2). sunpy's AIA default is asinh with a = 0.01.
    double stretchParameter = 0.0;
    DisplayLimitsMode limits = DisplayLimitsMode::MinMax;
    double percentileLow = 0.0;    // percent, Percentile mode (0 = the minimum)
    double percentileHigh = 100.0; // percent, Percentile mode (100 = the maximum)
    double manualMin = 0.0;        // Manual mode
    double manualMax = 1.0;
    /// The unit the manual limits were chosen in (the map's BUNIT: "DN", "DN/s", "Gauss"); empty: not known
    /// (settings saved before it was recorded). See displaySettingsForMap.
    QString manualUnit;
    /// Make the limits symmetric about zero: [-m, m] with m = max(|min|, |max|) of the chosen limits
    /// (magnetograms, difference images).
    bool symmetric = false;
    /// Colormap name (widgets/Colormap): "sdoaia171", "hmimag", "grey", "viridis", "RdBu_r"...
    QString colormap = QStringLiteral("grey");
    bool reverseColormap = false;

    /// The stretch parameter actually used (resolves <= 0 to the stretch's default).
    double effectiveStretchParameter() const;

    /// Whether both draw a map alike (manualUnit, a note on where the limits came from, is not compared).
    bool operator==(const DisplaySettings &o) const;
    bool operator!=(const DisplaySettings &o) const { return !(*this == o); }

    /// Compact text for QSettings: "stretch=asinh;a=0.01;limits=percentile;low=0;high=99.9;...".
    QString toString() const;
    /// Parses toString()'s text; unknown or missing fields keep the values of `base` (or the defaults).
    static DisplaySettings fromString(const QString &text, const DisplaySettings &base);
    static DisplaySettings fromString(const QString &text);
};

/// A data range mapped onto the colormap; valid when both ends are finite and min < max.
struct DisplayRange {
    double min = 0.0;
    double max = 1.0;
    bool isValid() const;
};

/// Finite minimum and maximum; invalid range when the image has no finite pixel.
DisplayRange minMaxLimits(const Image &image);
/// numpy.percentile(finite pixels, [low, high]) with linear interpolation; low/high in percent (0..100).
DisplayRange percentileLimits(const Image &image, double lowPercent, double highPercent);

/// astropy.visualization.ZScaleInterval parameters (IRAF defaults).
struct ZScaleParams {
    int samples = 1000;
    double contrast = 0.25;
    double maxReject = 0.5;
    int minPixels = 5;
    double krej = 2.5;
    int maxIterations = 5;
};
/// IRAF zscale exactly as astropy 5.2's ZScaleInterval.get_limits (sampling of the finite pixels in
/// row-major order with a stride, iterative k-sigma line fit to the sorted samples, contrast).
DisplayRange zscaleLimits(const Image &image, const ZScaleParams &params = {});

/// The limits the settings ask for on this image (symmetric applied). When the data give no valid range
/// (no finite pixel, constant image) the range is widened so it stays usable: [v - 0.5, v + 0.5] or [0, 1].
DisplayRange resolveLimits(const Image &image, const DisplaySettings &settings);

/// Applies a (non-HistEq) stretch to t in [0, 1]; `a` is the effective stretch parameter.
double applyStretch(DisplayStretch stretch, double a, double t);
/// The inverse: the t in [0, 1] that a (non-HistEq) stretch maps to s.
double inverseStretch(DisplayStretch stretch, double a, double s);

/// A lookup table from normalised value t in [0, 1] (clipped, sampled on kBins bins) to the stretched
/// value, so the renderer spends one multiply and one load per pixel whatever the stretch is. For
/// HistEq it holds the empirical CDF of the image's normalised finite pixels: at the bin of t, the number of
/// pixels in lower bins over (n - 1), which is astropy's HistEqStretch (rank of the first of equal values)
/// for data spanning [0, 1] whenever distinct values fall in distinct bins.
class StretchTable {
public:
    static constexpr int kBins = 65536;

    StretchTable() = default;
    /// `image` is needed for HistEq only (may be null otherwise).
    static StretchTable build(const DisplaySettings &settings, const DisplayRange &range, const Image *image);

    bool isEmpty() const { return !m_values || m_values->empty(); }
    /// The bin of a data value (clipped to the range); NaN has no bin (-1).
    int binOf(double value) const;
    /// Stretched value for a bin, in [0, 1].
    float valueAt(int bin) const { return (*m_values)[static_cast<size_t>(bin)]; }
    /// Stretched value for a data value (NaN for NaN).
    double map(double value) const;
    const std::vector<float> &values() const;
    const DisplayRange &range() const { return m_range; }
    /// Bins per data unit: bin = (value - range.min) * scale, rounded.
    double scale() const { return m_scale; }

private:
    // A stretch other than HistEq samples the same curve whatever the range: shared by every table with the same
    // stretch and parameter (65536 logarithms or asinhs were most of a 256 px map's rendering time).
    std::shared_ptr<const std::vector<float>> m_values;
    DisplayRange m_range;
    double m_scale = 0.0;
};

/// Default display per channel, like sunpy: AIA sdoaia<wl> colormap, asinh stretch a = 0.01, limits from
/// the minimum to the 99.9th percentile (sunpy uses the maximum; clipping the top 0.1 % keeps saturated
/// flare pixels and hot pixels from dimming the disk). HMI magnetograms (and other field maps in Gauss or
/// Mx/cm^2): grey, linear, symmetric +-1500 G (field notes; sunpy's own default is symmetric about zero,
/// grey). HMI continuum/Dopplergrams and unknown data: grey, linear, min/max. Display-scaled maps (Helioviewer
/// JPEG2000 bytes, MapMeta::displayScaled): the channel's colours, linear, manual limits 0..255 (0..65535 for
/// 16-bit files), never symmetric.
DisplaySettings defaultDisplaySettings(const MapMeta &meta);
DisplaySettings defaultDisplaySettings(const QString &channel, const QString &unit = {});
/// The key under which the user's display choices for a map are remembered (per channel): the channel, with
/// "-helioviewer" appended for display-scaled maps, whose bytes need other limits than the channel's data.
QString displaySettingsKey(const MapMeta &meta);
/// A remembered choice applied to a map. Manual limits chosen in another unit do not carry (0..5000 DN is not
/// 0..5000 DN/s: the map grid shows AIA level 1 in DN, the translation view in DN/s): the map's default limits
/// replace them, the stretch and the colours are kept. Same unit, unknown unit, or limits not manual: as saved.
DisplaySettings displaySettingsForMap(const DisplaySettings &saved, const MapMeta &meta);
/// `settings` as they are remembered for a map: manual limits stamped with the map's unit.
DisplaySettings displaySettingsToRemember(DisplaySettings settings, const MapMeta &meta);
/// Default for difference images: diverging "RdBu_r", linear, symmetric at the 99.5th percentile of |diff|.
DisplaySettings defaultDifferenceDisplaySettings();

QString stretchName(DisplayStretch stretch);  // "linear", "log", "sqrt", "asinh", "power", "histeq"
bool stretchFromName(const QString &name, DisplayStretch &out);
QString limitsModeName(DisplayLimitsMode mode);         // "minmax", "percentile", "zscale", "manual"
bool limitsModeFromName(const QString &name, DisplayLimitsMode &out);

}  // namespace solarchip
