#pragma once
// The synthetic SDO archive: a deterministic (per seed) model of the Sun observed by AIA and HMI, written as
// files every reader takes for real level-1 SDO data (JSOC export names, real header conventions, RICE
// tile compression, correct WCS and observer from the ephemeris of the date), with ground truth.
//
// Why: no co-temporal multi-channel full-disk archive can be had offline, and the product (catalog, prep,
// viewer, training) must be judged on data that behaves like the Sun: limb brightening in EUV and darkening
// in the continuum, quiet-Sun network, coronal holes, bipolar active regions that emerge, rotate
// differentially and decay, channel-specific responses, photon noise, and flares with a realistic GOES class
// distribution. Everything below is drawn from the seed alone: the same options give byte-identical files.
//
// Flares that can be known (model_version 2; the laws are in SyntheticHistory.h): each region's flare rate
// follows its flux and Schrijver's R, which its magnetogram shows (delta and gamma spots make strong-gradient
// polarity inversion lines); the yearly C and M counts of 2011-2014 are within a factor 1.5 of the SWPC list
// (tests/core/tst_synthetic_flarestats); SyntheticOracle turns the truth's rates into the best possible
// forecast (its TSS is the ceiling for forecasts from the images).
//
// Archive layout written by generate() (documented in docs of `solarchip synth` too):
//   OUT/synth.json                               the options and generator version (resume refuses others)
//   OUT/<channel>/YYYY/MM/DD/<JSOC export name>   one FITS file per channel and time step
//       AIA:  aia.lev1.171A_2011-06-07T00_00_00.34Z.image_lev1.fits   (time = DATE-OBS, UTC)
//       HMI:  hmi.M_720s.20110607_000000_TAI.1.magnetogram.fits        (time = T_REC, TAI; .1. = CAMERA:
//             1 = side camera before 2016-04-13, 3 = both cameras after)
//             hmi.Ic_720s.20110607_000000_TAI.1.continuum.fits
//   OUT/truth/YYYY/MM/DD/truth_YYYYMMDD_HHMMSS.json   ground truth per time step (regions, flares, holes);
//       each region has its Mount Wilson `complexity` (beta, beta-gamma, beta-gamma-delta), `anti_hale`,
//       Schrijver's `r_value` (Mx, SyntheticRValue's recipe) and `r_value_peak`, and the expected flares per
//       day of its rate law: `flare_rate_per_day` (>= A1.0), `flare_rate_c_per_day`, `flare_rate_m_per_day`
//   OUT/swpc_flarelist_YYYYMMDD-YYYYMMDD.csv      flares of the run in the SWPC CSV layout (FlareList reads it)
//   OUT/flarelist_sites_YYYYMMDD-YYYYMMDD.csv     the same flares in the cycle-24 list's layout, with their sites
//                                                 (Stonyhurst at the peak, and the Earth's helioprojective view)
//   OUT/srs/YYYY/YYYYMMDDSRS.txt                  a NOAA Solar Region Summary per day, with the flare list
//       (core/synthetic/SyntheticRegionSummary: the numbered regions at 00:00 UTC in SWPC's text layout)
// The folder of a file is the date in its name: DATE-OBS (UTC) for AIA, T_REC (TAI) for HMI.
// Every file is written atomically (temporary + fsync + rename); re-running with the same options skips the
// files that exist, so a killed run resumes where it stopped.

#include "core/base/Expected.h"
#include "core/map/FitsHeader.h"
#include "core/map/FitsWriter.h"
#include "core/archive/FlareList.h"
#include "core/base/Image.h"

#include <QDateTime>
#include <QJsonObject>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QVector>

#include <functional>
#include <limits>
#include <memory>

namespace solarchip {

/// An active region placed by hand (tests, demos), in addition to (or instead of) the random ones.
struct SyntheticRegionSpec {
    QDateTime emergence;       // UTC: the region starts to emerge here
    double lonDeg = 0;         // Stonyhurst longitude at `emergence` (then it rotates differentially)
    double latDeg = 15;        // heliographic latitude
    double fluxMx = 2e22;      // peak unsigned flux of the region (both polarities), Maxwell
    double riseDays = 2.0;     // emergence time to peak flux
    double lifetimeDays = 20;  // emergence to full decay
    double tiltDeg = std::numeric_limits<double>::quiet_NaN();  // NaN: Joy's law for the latitude
    int leadingSign = 0;       // +1/-1 leading polarity; 0: Hale's law for the hemisphere and cycle
    double flareRatePerDay = -1;  // flares (all classes >= A1) per day at peak flux; < 0: the rate law on flux and R
    int complexity = 1;        // Mount Wilson class: 1 beta, 2 beta-gamma, 3 beta-gamma-delta (shapes the spots)
};

struct SyntheticOptions {
    QString outDir;                 // generate() only
    QDateTime start;                // UTC of the first time step
    double days = 1.0;              // span; steps at start + k * cadence for k * cadence < days
    double cadenceHours = 12.0;
    int size = 1024;                // NAXIS1 = NAXIS2 (4096 = full resolution)
    QStringList channels = defaultChannels();  // canonical keys: "hmi", "hmi_ic", "94" ... "1700", "4500"
    quint64 seed = 1;

    /// < 0: from the solar-cycle phase of the date (Hathaway profile of cycles 19-28; cycle 24 with its
    /// southern 2014 surge, whose yearly mean is about 1 in 2014 and the monthly peak 1.24 in 2014.7);
    /// >= 0: a fixed level (1 = about the mean of 2014, 0 = no random active regions). Also sets the
    /// polar-hole size.
    double activity = -1;
    bool randomRegions = true;      // draw active regions from the seed
    QVector<SyntheticRegionSpec> regions;  // placed by hand, added to the random ones
    bool flares = true;
    bool noise = true;              // photon and read noise (HMI: magnetogram noise)
    bool writeTruth = true;         // generate(): truth JSON per step
    bool writeFlareList = true;     // generate(): SWPC CSV
    int threads = 0;                // 0: QThreadPool default

    static QStringList defaultChannels();  // hmi,94,131,171,193,211,304,335,1600,1700
    /// Checks ranges and channel names; the error says which option is wrong.
    Status validate() const;
    QJsonObject toJson() const;
    /// The options back from toJson() (an archive's synth.json), for the oracle of an existing archive. Errors
    /// say which key is missing or of another generator version.
    static Expected<SyntheticOptions> fromJson(const QJsonObject &json);
};

/// One active region at one time, as the ground truth reports it.
struct SyntheticRegionState {
    int id = 0;                 // stable id of the region over the run (1, 2, ...)
    int noaa = 0;               // NOAA-like number once the region has been seen on the disk (0: none yet)
    double lonDeg = 0;          // Stonyhurst longitude of the flux-weighted centre
    double latDeg = 0;
    double carringtonLonDeg = 0;
    double fluxMx = 0;          // unsigned flux now (both polarities)
    double areaMsh = 0;         // area in millionths of a solar hemisphere
    double tiltDeg = 0;         // of the bipole axis to the equator (positive: leading polarity nearer the equator)
    double separationDeg = 0;   // heliographic distance between the polarity centroids
    int leadingSign = 0;        // sign of the leading (westward) polarity
    double leadingLonDeg = 0, leadingLatDeg = 0;    // polarity centroids, Stonyhurst
    double followingLonDeg = 0, followingLatDeg = 0;
    bool visible = false;       // centre on the Earth-facing hemisphere
    QString complexity;         // Mount Wilson class: "beta", "beta-gamma", "beta-gamma-delta"
    bool antiHale = false;      // leading polarity opposite to Hale's law
    double rValueMx = 0;        // Schrijver's R now (Mx; SyntheticRValue, SyntheticHistory's rate law)
    double flareRateA1PerDay = 0;  // expected flares >= A1.0 per day now (the rate law)
    double flareRateCPerDay = 0;   // of them >= C1.0
    double flareRateMPerDay = 0;   // of them >= M1.0
};

/// One flare of the run (the flare list holds the visible ones at or above the list's threshold).
struct SyntheticFlare {
    int id = 0;
    int regionId = 0;
    int noaa = 0;
    QDateTime start, peak, end;  // UTC
    double peakFlux = 0;         // GOES 1-8 A, W/m^2
    double integratedFlux = 0;   // J/m^2, start to end
    double lonDeg = 0, latDeg = 0;  // Stonyhurst, at the peak
    bool visible = false;        // on the Earth-facing side at the peak (listed only then)
    QString goesClass() const { return goesFluxToClass(peakFlux); }
};

/// A coronal hole at one time.
struct SyntheticHoleState {
    int id = 0;
    double lonDeg = 0, latDeg = 0;  // Stonyhurst centre
    double radiusDeg = 0;           // heliographic radius of the core
    bool polar = false;
};

/// One channel at one time step: the header and the pixels exactly as the file holds them.
struct SyntheticFrame {
    QString channel;            // canonical key
    QString fileName;           // JSOC export name
    QString relativeDir;        // "<channel>/YYYY/MM/DD"
    QDateTime tObs;             // UTC
    FitsHeader header;
    Image image;                // physical values (DN, Gauss, DN/s); NaN = BLANK
    FitsWriteOptions writeOptions;
};

struct SyntheticProgress {
    int step = 0, steps = 0;    // time step being written (1-based), total
    QDateTime time;             // nominal UTC of the step
    qint64 written = 0, skipped = 0;  // files so far
    QString lastFile;           // path of the file just written or skipped
    bool lastSkipped = false;
};
/// Return false to cancel after the current file (nothing half-written is left).
using SyntheticProgressFn = std::function<bool(const SyntheticProgress &)>;

struct SyntheticSummary {
    qint64 written = 0, skipped = 0;
    int steps = 0;
    int regions = 0;             // regions alive during the run
    int flaresListed = 0;        // rows of the flare list
    int regionSummaries = 0;     // NOAA Solar Region Summaries written (srs/YYYY/YYYYMMDDSRS.txt; existing ones skipped)
    bool cancelled = false;
    double elapsedS = 0;
    QString flareListPath;
    QString flareSitesPath;      // the cycle-24 layout's list with the flares' sites
};

class SyntheticSun {
public:
    /// Version of the generator's physical model, recorded in synth.json: 2 = cycle-24 surge, activity nests,
    /// region complexity, flare rates from R. Archives of another version are not resumed or mixed.
    static constexpr int kModelVersion = 2;

    /// Builds the whole history of the run from the options (regions, holes, flares): cheap, no pixels.
    explicit SyntheticSun(const SyntheticOptions &options);
    ~SyntheticSun();
    SyntheticSun(const SyntheticSun &) = delete;
    SyntheticSun &operator=(const SyntheticSun &) = delete;

    const SyntheticOptions &options() const;
    /// Nominal UTC of every time step.
    QVector<QDateTime> timeSteps() const;

    /// Renders one channel at the time step `step` (nominal UTC). Thread-safe: channels may render in parallel.
    Expected<SyntheticFrame> render(const QString &channel, const QDateTime &step) const;
    /// Renders every channel of the options at one step, in parallel (QtConcurrent).
    Expected<QVector<SyntheticFrame>> renderStep(const QDateTime &step) const;

    QVector<SyntheticRegionState> regionsAt(const QDateTime &utc) const;
    QVector<SyntheticHoleState> holesAt(const QDateTime &utc) const;
    /// Every flare of the run, visible or not, sorted by peak time.
    const QVector<SyntheticFlare> &flares() const;
    /// The flares of the list: on the Earth-facing side at the peak, peaking in [start, start + days + 1 day)
    /// (the extra day covers the 24 h label window of the last steps), and above the GOES background of the
    /// moment (as flares are detected in GOES data). Times whole minutes, class to one decimal.
    QVector<FlareEvent> flareListEvents() const;
    /// Expected number of flares with peak flux >= fMin peaking in [from, from + hours) on the Earth-facing
    /// side, from the regions' rate law (integrated hourly): the truth behind the oracle (SyntheticOracle).
    double expectedVisibleFlares(const QDateTime &from, double hours, double fMin) const;
    /// Ground truth of one step: observer, regions (with pixel positions in each frame), holes, flares in
    /// progress and the strongest flare of the next 24 h. `frames` supplies the per-channel geometry.
    QJsonObject truth(const QDateTime &step, const QVector<SyntheticFrame> &frames) const;

    /// Peak fluxes (W/m^2) from the flare-size power law dN/dF ~ F^-alpha above fMin, drawn from `seed`
    /// (exposed so tests can check the distribution on a large draw).
    static QVector<double> drawFlareFluxes(quint64 seed, int n, double fMin = kGoesA);
    /// The exponent alpha of that power law.
    static double flarePowerLawIndex();
    /// Sidereal rotation rate (deg/day) of magnetic features at a latitude (Snodgrass 1983, as in sunpy's
    /// diff_rot 'snodgrass'): A + B sin^2(lat) + C sin^4(lat).
    static double siderealRateDegPerDay(double latDeg);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

}  // namespace solarchip
