#include "core/synthetic/SyntheticHistory.h"

#include "core/map/DifferentialRotation.h"

#include "core/map/SunEphemeris.h"
#include "core/synthetic/SyntheticFrameGeometry.h"
#include "core/synthetic/SyntheticRandom.h"
#include "core/synthetic/SyntheticRValue.h"

#include <QTimeZone>

#include <algorithm>
#include <cmath>

namespace solarchip {

namespace {

constexpr double kDeg = M_PI / 180.0;
constexpr double kPreRollDays = 100.0;   // regions alive at the start emerged up to this long before
constexpr double kMinNoaaFlux = 2e21;    // regions smaller than this get no NOAA-like number

// Stream tags: each kind of draw has its own family of seeds.
constexpr quint64 kTagRegionDay = 0x5245474e;   // "REGN"
constexpr quint64 kTagRegion = 0x52454731;
constexpr quint64 kTagHole = 0x484f4c45;        // "HOLE"
constexpr quint64 kTagFlare = 0x464c4152;       // "FLAR"
constexpr quint64 kTagSpec = 0x53504543;        // "SPEC"
constexpr quint64 kTagNest = 0x4e455354;        // "NEST"
constexpr quint64 kTagCycle = 0x4359434c;       // "CYCL"
constexpr double kRiegerDays = 154.0;

struct Cycle {
    int number;
    double startYear;
    double amplitude;  // relative to cycle 24
};
// Minima (cycle starts) from the SIDC record; amplitudes relative to cycle 24 (13-month smoothed maxima of
// the v2 sunspot number: 21: 233, 22: 213, 23: 180, 24: 116, 25: about 160). Cycles after 25 repeat 11 years.
const Cycle kCycles[] = {
    {19, 1954.3, 2.1}, {20, 1964.8, 1.35}, {21, 1976.2, 2.0}, {22, 1986.7, 1.85}, {23, 1996.4, 1.55},
    {24, 2008.95, 1.0}, {25, 2019.95, 1.35}, {26, 2030.9, 1.2}, {27, 2041.9, 1.2}, {28, 2052.9, 1.2},
};
constexpr double kHathawayB = 3.8;  // years

double hathaway(double tau)
{
    if (tau <= 0)
        return 0;
    return tau * tau * tau / (std::exp(tau * tau / (kHathawayB * kHathawayB)) - 0.71);
}

double hathawayMax()
{
    static const double m = [] {
        double best = 0;
        for (double tau = 0.01; tau < 12; tau += 0.001)
            best = std::max(best, hathaway(tau));
        return best;
    }();
    return m;
}

double yearOf(double days) { return 2000.0 + (days + 0.5) / 365.25; }

// One cycle's contribution to a hemisphere's activity in a year (see the header for cycle 24's shape).
double cycleShare(const Cycle &c, double year, bool north)
{
    if (c.number != 24)
        return c.amplitude * hathaway(year - c.startYear) / hathawayMax();
    const double base = 0.66 * hathaway(year - c.startYear + 0.3) / hathawayMax();
    const double z = (year - 2014.75) / 0.45;
    return base + (north ? 0.0 : 1.6 * std::exp(-0.5 * z * z));
}

double smoothstep(double x)
{
    x = std::clamp(x, 0.0, 1.0);
    return x * x * (3 - 2 * x);
}

double wrap180(double a)
{
    a = std::fmod(a + 180.0, 360.0);
    if (a < 0)
        a += 360.0;
    return a - 180.0;
}

double wrap360(double a)
{
    a = std::fmod(a, 360.0);
    return a < 0 ? a + 360.0 : a;
}

const Cycle &cycleAt(double year)
{
    const Cycle *c = &kCycles[0];
    for (const Cycle &k : kCycles)
        if (k.startYear <= year)
            c = &k;
    return *c;
}

// Leading polarity of the northern hemisphere in a cycle (Hale): negative in even cycles.
int leadNorth(int cycle) { return cycle % 2 == 0 ? -1 : 1; }

int haleLeadSign(double t, double lat)
{
    const Cycle &c = cycleAt(yearOf(t));
    const int north = leadNorth(c.number);
    return lat >= 0 ? north : -north;
}

// NOAA region numbers at known dates (from the SWPC list and well-known regions), interpolated.
double noaaBase(double days)
{
    struct A {
        double year;
        double number;
    };
    static const A anchors[] = {{1996.0, 7940}, {2002.45, 10000}, {2010.0, 11039}, {2011.12, 11158},
                                {2014.81, 12192}, {2017.68, 12673}, {2021.6, 12853}, {2024.36, 13664}};
    const double y = yearOf(days);
    const int n = static_cast<int>(std::size(anchors));
    int i = 0;
    while (i < n - 2 && y > anchors[i + 1].year)
        ++i;
    const A &a = anchors[i], &b = anchors[i + 1];
    return std::max(1.0, a.number + (b.number - a.number) * (y - a.year) / (b.year - a.year));
}

void localToLonLat(double lonC, double latC, double w, double n, double &lon, double &lat)
{
    lat = std::clamp(latC + n, -89.0, 89.0);
    lon = lonC + w / std::max(0.05, std::cos(latC * kDeg));
}

}  // namespace

// ---------------------------------------------------------------- holes

double SyntheticHoleModel::depth(double t) const
{
    if (t < t0 || t > t0 + life)
        return 0;
    return smoothstep((t - t0) / 5.0) * smoothstep((t0 + life - t) / 5.0);
}

double SyntheticHoleModel::lonCar(double t) const
{
    // Coronal holes rotate almost rigidly, near the equatorial rate.
    return lonCar0 + (SyntheticHistory::siderealRate(std::min(std::fabs(lat), 15.0)) - SyntheticHistory::kCarringtonRate)
        * (t - t0);
}

// ---------------------------------------------------------------- flares

double SyntheticFlareModel::goesFlux(double t) const
{
    const double start = tPeak - riseDays;
    if (t <= start)
        return 0;
    if (t <= tPeak) {
        const double s = std::sin(0.5 * M_PI * (t - start) / riseDays);
        return flare.peakFlux * s * s;
    }
    return flare.peakFlux * std::exp(-(t - tPeak) / tauDays);
}

// ---------------------------------------------------------------- history

double SyntheticHistory::toDays(const QDateTime &utc)
{
    static const QDateTime j2000(QDate(2000, 1, 1), QTime(12, 0, 0), QTimeZone::utc());
    return static_cast<double>(j2000.msecsTo(utc)) / 86400000.0;
}

QDateTime SyntheticHistory::fromDays(double days)
{
    static const QDateTime j2000(QDate(2000, 1, 1), QTime(12, 0, 0), QTimeZone::utc());
    return j2000.addMSecs(static_cast<qint64>(std::llround(days * 86400000.0)));
}

double SyntheticHistory::siderealRate(double latDeg)
{
    return siderealRateDegPerDay(latDeg);
}

double SyntheticHistory::powerLaw(double u, double fMin, double fMax, double alpha)
{
    const double k = alpha - 1.0;
    const double r = std::pow(fMin / fMax, k);
    return fMin * std::pow(1.0 - u * (1.0 - r), -1.0 / k);
}

double SyntheticHistory::hemisphereActivity(double t, bool north) const
{
    const double y = yearOf(t);
    double a = 0;
    for (const Cycle &c : kCycles)
        a += cycleShare(c, y, north);
    return a;
}

double SyntheticHistory::cycleActivity(double t) const
{
    return 0.5 * (hemisphereActivity(t, true) + hemisphereActivity(t, false));
}

double SyntheticHistory::fractionAbove(double f)
{
    // dN/dF ~ F^-2 between A1 and kFlareMax: N(>= F) / N(>= A1) = (1/F - 1/Fmax) / (1/A1 - 1/Fmax).
    static_assert(kFlareAlpha == 2.0, "fractionAbove assumes alpha = 2");
    if (f <= kGoesA)
        return 1.0;
    if (f >= kFlareMax)
        return 0.0;
    return (1.0 / f - 1.0 / kFlareMax) / (1.0 / kGoesA - 1.0 / kFlareMax);
}

double SyntheticHistory::rateLaw(double flux, double r)
{
    return kRateFlux * flux / 1e22 + kRateR * std::sqrt(std::max(0.0, r) / 1e20);
}

double SyntheticHistory::visibleFlareRate(double t, double fMin) const
{
    const double l0 = SunEphemeris::at(fromDays(t)).l0Deg;
    double rate = 0;
    for (const SyntheticRegionModel &r : m_regions) {
        if (!r.alive(t) || r.flareRateA1 <= 0)
            continue;
        if (std::fabs(wrap180(r.centreLonCar(t) - l0)) > 90.0)
            continue;
        rate += r.rateA1(t);
    }
    return rate * fractionAbove(fMin);
}

double SyntheticHistory::activity(double t) const
{
    return m_fixedActivity >= 0 ? m_fixedActivity : cycleActivity(t);
}

double SyntheticHistory::polarHoleBoundaryDeg(double t) const
{
    return std::clamp(60.0 + 25.0 * activity(t), 58.0, 88.0);
}

int SyntheticHistory::northPolarSign(double t) const
{
    const double y = yearOf(t);
    const Cycle &c = cycleAt(y);
    // The polar field keeps the sign of the cycle's leading polarity until it reverses near maximum.
    return y - c.startYear < 4.5 ? leadNorth(c.number) : -leadNorth(c.number);
}

double SyntheticHistory::goesBackground(double t) const
{
    double bg = 2e-9;
    const double l0 = SunEphemeris::at(fromDays(t)).l0Deg;
    for (const SyntheticRegionModel &r : m_regions) {
        if (!r.alive(t))
            continue;
        const double lon = wrap180(r.centreLonCar(t) - l0);
        if (std::fabs(lon) > 90)
            continue;
        bg += 2.5e-8 * std::pow(r.flux(t) / 1e22, 1.5);
    }
    return bg;
}

SyntheticHistory::SyntheticHistory(const SyntheticOptions &o)
    : m_seed(o.seed), m_fixedActivity(o.activity)
{
    m_runStart = toDays(o.start);
    m_runEnd = m_runStart + std::max(0.0, o.days);
    drawRegions(o);
    drawHoles();
    assignNoaaNumbers();
    if (o.flares)
        drawFlares(o);
}

SyntheticRegionModel SyntheticHistory::makeRegion(quint64 seed, double t0, double lonCar0, double lat, double flux,
                                                  double rise, double life, double tilt, int leadSign,
                                                  double flareRate, int complexity) const
{
    SyntheticRegionModel r;
    r.seed = seed;
    r.t0 = t0;
    r.lonCar0 = wrap360(lonCar0);
    r.lat = lat;
    r.fluxMax = flux;
    r.rise = rise;
    r.life = std::max(life, rise + 1.0);
    r.tiltDeg = tilt;
    r.leadSign = leadSign;
    r.complexity = complexity;
    const double size = std::sqrt(flux / 5e22);
    r.sepMaxDeg = 3.0 + 9.0 * size;
    SyntheticRandom rng(seed, kTagRegion);
    r.sepMaxDeg *= rng.uniform(0.85, 1.15);
    const double spotSigma = 0.25 + 0.35 * size;
    r.fragments.push_back({+1, 0.42, 1.0, 0.0, spotSigma, 0, 0, 1, 1, true});
    r.fragments.push_back({-1, 0.16, 1.05, rng.normal(0, 0.1), spotSigma * 0.9, 0, 0, 1, 1, true});
    // Plage: many small flux concentrations, compact around the leading spot, spread behind it.
    const int nLead = 10 + static_cast<int>(rng.uniform() * 7);
    const int nFollow = 16 + static_cast<int>(rng.uniform() * 11);
    for (int i = 0; i < nLead + nFollow; ++i) {
        SyntheticRegionModel::Fragment f;
        const bool lead = i < nLead;
        f.polarity = lead ? 1 : -1;
        f.share = rng.uniform(0.3, 1.7);
        f.u = lead ? 1.0 + rng.normal(0, 0.35) : 1.0 + rng.normal(0, 0.55);
        f.v = rng.normal(0, lead ? 0.35 : 0.55);
        f.sigmaDeg = (lead ? rng.uniform(0.2, 0.45) : rng.uniform(0.25, 0.55)) * (0.7 + 0.6 * size);
        // Sunspots sit in a moat free of plage: keep fragments off the spot (u = 1, v = 0) by a clear margin.
        {
            const double du = f.u - 1.0, dv = f.v, d = std::hypot(du, dv);
            const double moat = 0.45;
            if (d < moat) {
                const double a = d > 1e-9 ? std::atan2(dv, du) : rng.uniform(0, 2 * M_PI);
                f.u = 1.0 + moat * std::cos(a);
                f.v = moat * std::sin(a);
            }
        }
        f.phase1 = rng.uniform(0, 2 * M_PI);
        f.phase2 = rng.uniform(0, 2 * M_PI);
        f.period1 = rng.uniform(2, 6);
        f.period2 = rng.uniform(2, 6);
        f.spot = false;
        r.fragments.push_back(f);
    }
    // Complexity that shows: opposite spots side by side make strong-gradient polarity inversion lines.
    // (u is multiplied by the polarity when placed: a following fragment at u = -1 sits at the leading spot.)
    SyntheticRandom cx(seed, kTagRegion, 2);
    const double halfMax = 0.5 * r.sepMaxDeg;
    if (complexity >= 2) {
        // Gamma: a leading-polarity spot and a following-polarity spot near the middle of the region.
        const double gap = 2.4 * spotSigma / halfMax;
        const double a = cx.uniform(0, 2 * M_PI);
        const double cu = cx.normal(0, 0.1), cv = cx.normal(0, 0.15);
        r.fragments.push_back({+1, 0.14, cu + 0.5 * gap * std::cos(a), cv + 0.5 * gap * std::sin(a),
                               spotSigma * 0.75, 0, 0, 1, 1, true});
        r.fragments.push_back({-1, 0.14, -(cu - 0.5 * gap * std::cos(a)), cv - 0.5 * gap * std::sin(a),
                               spotSigma * 0.75, 0, 0, 1, 1, true});
    }
    if (complexity >= 3) {
        // Delta: a following-polarity umbra within the leading spot's penumbra.
        const double a = cx.uniform(0.25 * M_PI, 0.75 * M_PI) * (cx.chance(0.5) ? 1 : -1);
        const double gap = 2.2 * spotSigma / halfMax;
        r.fragments.push_back({-1, 0.24, -(1.0 + gap * std::cos(a)), gap * std::sin(a), spotSigma * 0.8, 0, 0, 1,
                               1, true});
    }
    // Schrijver's R at peak flux (face-on), and the rate law on it.
    QVector<SyntheticComponent> comps;
    r.components(t0 + r.rise, comps);
    r.rPeak = SyntheticRValue::ofComponents(comps, r.centreLonCar(t0 + r.rise), lat);
    r.flareRateA1 = flareRate >= 0 ? flareRate : SyntheticHistory::rateLaw(flux, r.rPeak);
    return r;
}

void SyntheticHistory::drawRegions(const SyntheticOptions &o)
{
    // Hand-placed regions first (ids 1..n), in the order given.
    for (int i = 0; i < o.regions.size(); ++i) {
        const SyntheticRegionSpec &s = o.regions[i];
        const double t0 = toDays(s.emergence);
        const double l0 = SunEphemeris::at(s.emergence).l0Deg;
        const double tilt = std::isfinite(s.tiltDeg) ? s.tiltDeg : 32.1 * std::sin(std::fabs(s.latDeg) * kDeg);
        const int lead = s.leadingSign != 0 ? (s.leadingSign > 0 ? 1 : -1) : haleLeadSign(t0, s.latDeg);
        const double rate = s.flareRatePerDay >= 0 ? s.flareRatePerDay : -1.0;  // < 0: the rate law
        SyntheticRegionModel r = makeRegion(SyntheticRandom::hash(o.seed, kTagSpec, static_cast<quint64>(i)), t0,
                                            s.lonDeg + l0, s.latDeg, s.fluxMx, std::max(0.1, s.riseDays),
                                            s.lifetimeDays, tilt, lead, rate, std::clamp(s.complexity, 1, 3));
        r.id = i + 1;
        m_regions.push_back(r);
    }
    if (!o.randomRegions)
        return;
    drawNests();
    const double riegerPhase = SyntheticRandom(o.seed, kTagCycle).uniform(0, 2 * M_PI);
    QVector<SyntheticRegionModel> random;
    const qint64 firstDay = static_cast<qint64>(std::floor(m_runStart - kPreRollDays));
    const qint64 lastDay = static_cast<qint64>(std::floor(m_runEnd + 1.5));
    for (qint64 day = firstDay; day <= lastDay; ++day) {
        SyntheticRandom rng(o.seed, kTagRegionDay, static_cast<quint64>(day));
        const double tMid = day + 0.5;
        const double rate = 1.1 * activity(tMid) * (1.0 + 0.2 * std::sin(2 * M_PI * tMid / kRiegerDays + riegerPhase));
        const int n = rng.poisson(rate);
        for (int k = 0; k < n; ++k) {
            const double t0 = day + rng.uniform();
            // Which cycle: in proportion to each cycle's share of the activity at that date.
            const double y = yearOf(t0);
            double total = 0, shares[std::size(kCycles)];
            for (size_t c = 0; c < std::size(kCycles); ++c) {
                shares[c] = kCycles[c].amplitude * hathaway(y - kCycles[c].startYear);
                total += shares[c];
            }
            size_t cyc = 0;
            if (total > 0) {
                double u = rng.uniform() * total;
                while (cyc + 1 < std::size(kCycles) && u > shares[cyc]) {
                    u -= shares[cyc];
                    ++cyc;
                }
            } else {
                cyc = static_cast<size_t>(&cycleAt(y) - kCycles);
                rng.uniform();
            }
            const double tau = std::max(0.0, y - kCycles[cyc].startYear);
            // North-south asymmetry: the hemisphere in proportion to its activity (equal at a fixed level).
            const double aN = m_fixedActivity >= 0 ? 1.0 : hemisphereActivity(t0, true);
            const double aS = m_fixedActivity >= 0 ? 1.0 : hemisphereActivity(t0, false);
            const double hemi = rng.uniform() * (aN + aS) < aN ? 1.0 : -1.0;
            double lat = hemi * std::clamp(std::fabs(rng.normal(28.0 * std::exp(-tau / 7.5), 6.0)), 2.0, 45.0);
            const double flux = powerLaw(rng.uniform(), 3e21, 8e22, 2.0);
            const double size = std::sqrt(flux / 5e22);
            const double life = (8.0 + 45.0 * std::pow(flux / 5e22, 0.6)) * rng.uniform(0.7, 1.3);
            const double rise = (1.5 + 2.5 * size) * rng.uniform(0.7, 1.3);
            const double tilt = 32.1 * std::sin(std::fabs(lat) * kDeg) + rng.normal(0, 8.0);
            const int north = leadNorth(kCycles[cyc].number);
            const int lead = hemi > 0 ? north : -north;
            double lonCar0 = rng.uniform(0, 360);
            const quint64 seed = rng.next();
            // Activity nests: half the regions emerge in a living nest of their hemisphere, near its centre.
            const double nestU = rng.uniform(), nestPick = rng.uniform();
            const double nestDLon = rng.normal(0, 4.0), nestDLat = rng.normal(0, 2.5);
            if (nestU < 0.5) {
                QVector<const Nest *> alive;
                for (const Nest &nst : m_nests)
                    if (t0 >= nst.t0 && t0 <= nst.t0 + nst.life && (nst.lat >= 0) == (hemi > 0))
                        alive.push_back(&nst);
                if (!alive.isEmpty()) {
                    const Nest &nst = *alive[std::min<int>(alive.size() - 1, static_cast<int>(nestPick * alive.size()))];
                    lat = std::clamp(nst.lat + nestDLat, -45.0, 45.0);
                    if (std::fabs(lat) < 2.0)
                        lat = hemi * 2.0;
                    lonCar0 = nst.lonCar0 + (siderealRate(nst.lat) - kCarringtonRate) * (t0 - nst.t0) + nestDLon;
                }
            }
            // Mount Wilson class: complex regions are the large ones (Jaeggli & Norton 2016: ~80 % of
            // regions are alpha/beta; delta regions are a few per cent, most of them large).
            const double big = std::clamp(std::log(flux / 3e21) / std::log(8e22 / 3e21), 0.0, 1.0);
            const double cu = rng.uniform();
            const double pDelta = 0.02 + 0.30 * big * big, pGamma = 0.05 + 0.25 * big;
            const int complexity = cu < pDelta ? 3 : (cu < pDelta + pGamma ? 2 : 1);
            const bool antiHale = rng.chance(complexity == 3 ? 0.2 : 0.035);
            SyntheticRegionModel reg = makeRegion(seed, t0, lonCar0, lat, flux, rise, life, tilt,
                                                  antiHale ? -lead : lead, -1.0, complexity);
            reg.antiHale = antiHale;
            random.push_back(reg);
        }
    }
    std::stable_sort(random.begin(), random.end(),
                     [](const SyntheticRegionModel &a, const SyntheticRegionModel &b) { return a.t0 < b.t0; });
    int id = static_cast<int>(m_regions.size());
    for (SyntheticRegionModel &r : random) {
        if (r.t0 + r.life < m_runStart - 1.0)
            continue;  // gone before the run
        r.id = ++id;
        m_regions.push_back(r);
    }
}

void SyntheticHistory::drawNests()
{
    // Nests per 27-day block (as holes): 2 per block at activity 1, living 3-8 months; 60 % at one of the
    // hemisphere's two active longitudes (fixed per seed, cycle and hemisphere, 180 deg apart).
    const qint64 firstBlock = static_cast<qint64>(std::floor((m_runStart - kPreRollDays - 250.0) / 27.0));
    const qint64 lastBlock = static_cast<qint64>(std::floor((m_runEnd + 1.5) / 27.0));
    for (qint64 b = firstBlock; b <= lastBlock; ++b) {
        SyntheticRandom rng(m_seed, kTagNest, static_cast<quint64>(b));
        const double tB = b * 27.0 + 13.5;
        const int n = rng.poisson(2.0 * activity(tB));
        for (int k = 0; k < n; ++k) {
            Nest nst;
            nst.t0 = b * 27.0 + rng.uniform() * 27.0;
            nst.life = rng.uniform(90, 240);
            const bool north = rng.chance(0.5);
            const Cycle &c = cycleAt(yearOf(nst.t0));
            const double tau = std::max(0.0, yearOf(nst.t0) - c.startYear);
            nst.lat = (north ? 1 : -1) * std::clamp(std::fabs(rng.normal(28.0 * std::exp(-tau / 7.5), 5.0)), 3.0, 40.0);
            const double activeLon = SyntheticRandom(m_seed, kTagCycle, static_cast<quint64>(c.number), north ? 1 : 2)
                                         .uniform(0, 360);
            const bool atActive = rng.chance(0.6);
            const double pick = rng.chance(0.5) ? 0.0 : 180.0;
            const double scatter = rng.normal(0, 15.0), anywhere = rng.uniform(0, 360);
            nst.lonCar0 = wrap360(atActive ? activeLon + pick + scatter : anywhere);
            m_nests.push_back(nst);
        }
    }
}

void SyntheticHistory::drawHoles()
{
    const qint64 firstBlock = static_cast<qint64>(std::floor((m_runStart - 170.0) / 27.0));
    const qint64 lastBlock = static_cast<qint64>(std::floor((m_runEnd + 1.0) / 27.0));
    int id = 0;
    for (qint64 b = firstBlock; b <= lastBlock; ++b) {
        SyntheticRandom rng(m_seed, kTagHole, static_cast<quint64>(b));
        const int n = rng.poisson(0.9);
        for (int k = 0; k < n; ++k) {
            SyntheticHoleModel h;
            h.t0 = b * 27.0 + rng.uniform() * 27.0;
            h.life = rng.uniform(25, 160);
            h.lonCar0 = rng.uniform(0, 360);
            h.lat = std::clamp(rng.normal(0, 18), -55.0, 55.0);
            h.radiusDeg = rng.uniform(4, 11);
            const int hemiSign = h.lat >= 0 ? northPolarSign(h.t0) : -northPolarSign(h.t0);
            h.sign = rng.chance(0.8) ? hemiSign : -hemiSign;
            h.lobes.push_back({0, 0, h.radiusDeg});
            for (int l = 0; l < 3; ++l)
                h.lobes.push_back({rng.normal(0, 0.7 * h.radiusDeg), rng.normal(0, 0.5 * h.radiusDeg),
                                   h.radiusDeg * rng.uniform(0.45, 0.85)});
            if (h.t0 + h.life < m_runStart - 1.0 || h.t0 > m_runEnd + 1.0)
                continue;
            h.id = ++id;
            m_holes.push_back(h);
        }
    }
}

void SyntheticHistory::assignNoaaNumbers()
{
    // A region gets the next number the first time its centre is on the Earth-facing side (within 85 deg
    // of the central meridian) with enough flux, as NOAA numbers regions seen from Earth.
    const double from = m_runStart - kPreRollDays, to = m_runEnd + 1.5;
    struct Seen {
        double t;
        int index;
    };
    QVector<Seen> seen;
    QVector<double> l0;
    const int hours = static_cast<int>(std::ceil((to - from) * 24.0)) + 1;
    l0.reserve(hours);
    for (int h = 0; h < hours; ++h)
        l0.push_back(SunEphemeris::at(fromDays(from + h / 24.0)).l0Deg);
    for (int i = 0; i < m_regions.size(); ++i) {
        const SyntheticRegionModel &r = m_regions[i];
        const int h0 = std::max(0, static_cast<int>(std::floor((r.t0 - from) * 24.0)));
        const int h1 = std::min(hours - 1, static_cast<int>(std::ceil((r.t0 + r.life - from) * 24.0)));
        for (int h = h0; h <= h1; ++h) {
            const double t = from + h / 24.0;
            if (r.flux(t) < kMinNoaaFlux)
                continue;
            if (std::fabs(wrap180(r.centreLonCar(t) - l0[h])) < 85.0) {
                seen.push_back({t, i});
                break;
            }
        }
    }
    std::stable_sort(seen.begin(), seen.end(), [](const Seen &a, const Seen &b) { return a.t < b.t; });
    const int base = static_cast<int>(std::lround(noaaBase(from)));
    for (int k = 0; k < seen.size(); ++k) {
        m_regions[seen[k].index].noaa = base + k;
        m_regions[seen[k].index].noaaSince = seen[k].t;
    }
}

void SyntheticHistory::drawFlares(const SyntheticOptions &o)
{
    const qint64 firstDay = static_cast<qint64>(std::floor(m_runStart - 1.0));
    const qint64 lastDay = static_cast<qint64>(std::floor(m_runEnd + 1.5));
    for (int i = 0; i < m_regions.size(); ++i) {
        const SyntheticRegionModel &r = m_regions[i];
        if (r.flareRateA1 <= 0)
            continue;
        const qint64 d0 = std::max(firstDay, static_cast<qint64>(std::floor(r.t0)));
        const qint64 d1 = std::min(lastDay, static_cast<qint64>(std::floor(r.t0 + r.life)));
        for (qint64 day = d0; day <= d1; ++day) {
            SyntheticRandom rng(o.seed, kTagFlare, r.seed, static_cast<quint64>(day));
            // Thinning: candidates at the peak rate, each kept with probability (flux(t)/flux_max)^1.5.
            const int n = rng.poisson(r.flareRateA1);
            for (int k = 0; k < n; ++k) {
                const double tPeak = day + rng.uniform();
                const double keep = rng.uniform();
                const double u = rng.uniform();
                const double riseU = rng.uniform(), riseTail = rng.uniform(), tauU = rng.uniform(),
                             tauTail = rng.uniform();
                const double offU = rng.normal(0, 0.15), offV = rng.normal(0, 0.3);
                if (keep >= r.activityShape(tPeak))
                    continue;
                SyntheticFlareModel f;
                f.regionIndex = i;
                f.tPeak = tPeak;
                f.flare.peakFlux = powerLaw(u, kGoesA, kFlareMax, kFlareAlpha);
                const double lf = std::log10(f.flare.peakFlux / 1e-8);
                const double riseMin = 2.0 + 4.0 * riseU + 1.6 * lf + 8.0 * riseTail * riseTail;
                const double tauMin = 3.0 + 7.0 * tauU + 3.0 * lf + 20.0 * tauTail * tauTail;
                f.riseDays = riseMin / 1440.0;
                f.tauDays = tauMin / 1440.0;
                const double half = 0.5 * r.separationDeg(tPeak);
                f.offU = offU * half;
                f.offV = offV * half;
                f.logTPeak = std::clamp(6.9 + 0.1 * std::log10(f.flare.peakFlux / 1e-6), 6.7, 7.3);
                m_flares.push_back(f);
            }
        }
    }
    std::stable_sort(m_flares.begin(), m_flares.end(),
                     [](const SyntheticFlareModel &a, const SyntheticFlareModel &b) { return a.tPeak < b.tPeak; });
    for (int k = 0; k < m_flares.size(); ++k) {
        SyntheticFlareModel &f = m_flares[k];
        const SyntheticRegionModel &r = m_regions[f.regionIndex];
        SyntheticFlare &p = f.flare;
        p.id = k + 1;
        p.regionId = r.id;
        p.noaa = r.noaa > 0 && r.noaaSince <= f.tPeak ? r.noaa : 0;
        p.peak = fromDays(f.tPeak);
        p.start = fromDays(f.tPeak - f.riseDays);
        p.end = fromDays(f.tPeak + f.tauDays * std::log(2.0));
        // sin^2 rise integrates to F * rise / 2; the decay to the half-peak end to F * tau / 2.
        p.integratedFlux = p.peakFlux * (f.riseDays + f.tauDays) * 86400.0 / 2.0;
        const double lonC = r.centreLonCar(f.tPeak);
        double lon = 0, lat = 0;
        const double g = r.tiltDeg * kDeg, sgn = r.lat >= 0 ? 1.0 : -1.0;
        const double w = f.offU * std::cos(g) + f.offV * sgn * std::sin(g);
        const double n = -f.offU * sgn * std::sin(g) + f.offV * std::cos(g);
        localToLonLat(lonC, r.lat, w, n, lon, lat);
        const double l0 = SunEphemeris::at(p.peak).l0Deg;
        p.lonDeg = wrap180(lon - l0);
        p.latDeg = lat;
        p.visible = std::fabs(p.lonDeg) <= 90.0;
        f.listed = p.visible && f.tPeak >= m_runStart && f.tPeak < m_runEnd + 1.0
            && p.peakFlux >= std::max(kGoesA, goesBackground(f.tPeak));
    }
}

}  // namespace solarchip
