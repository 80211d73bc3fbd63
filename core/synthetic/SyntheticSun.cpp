#include "core/synthetic/SyntheticSun.h"

#include "core/archive/RegionSummary.h"
#include "core/map/DifferentialRotation.h"
#include "core/map/EarthObserver.h"
#include "core/map/MapMeta.h"
#include "core/map/SdoTime.h"
#include "core/map/SunEphemeris.h"
#include "core/synthetic/SyntheticChannel.h"
#include "core/synthetic/SyntheticFrameSpec.h"
#include "core/synthetic/SyntheticHistory.h"
#include "core/synthetic/SyntheticRandom.h"
#include "core/synthetic/SyntheticRenderer.h"
#include "core/synthetic/SyntheticSurface.h"
#include "core/map/Wcs.h"

#include <QJsonArray>
#include <QMutex>
#include <QMutexLocker>
#include <QThreadPool>
#include <QTimeZone>
#include <QtConcurrent/QtConcurrentMap>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

namespace solarchip {

namespace {

constexpr double kDeg = M_PI / 180.0;

double wrap180(double a)
{
    a = std::fmod(a + 180.0, 360.0);
    if (a < 0)
        a += 360.0;
    return a - 180.0;
}

QJsonValue num(double v, int decimals = 6)
{
    if (!std::isfinite(v))
        return QJsonValue();
    const double s = std::pow(10.0, decimals);
    return std::round(v * s) / s;
}

QString isoZ(const QDateTime &t) { return SdoTime::toIso(t) + QStringLiteral("Z"); }

// GOES satellite that SWPC used as primary for the 1-8 A channel at a date (for the list's goes_sat column).
QString goesSatellite(const QDateTime &t)
{
    if (t < QDateTime(QDate(2010, 10, 28), QTime(0, 0), QTimeZone::utc()))
        return QStringLiteral("G14");
    if (t < QDateTime(QDate(2020, 3, 1), QTime(0, 0), QTimeZone::utc()))
        return QStringLiteral("G15");
    return QStringLiteral("G16");
}

QDateTime floorMinute(const QDateTime &t)
{
    const qint64 ms = t.toMSecsSinceEpoch();
    return QDateTime::fromMSecsSinceEpoch(ms - ((ms % 60000) + 60000) % 60000, QTimeZone::utc());
}

}  // namespace

// ---------------------------------------------------------------- options

QStringList SyntheticOptions::defaultChannels()
{
    return {QStringLiteral("hmi"), QStringLiteral("94"),  QStringLiteral("131"), QStringLiteral("171"),
            QStringLiteral("193"), QStringLiteral("211"), QStringLiteral("304"), QStringLiteral("335"),
            QStringLiteral("1600"), QStringLiteral("1700")};
}

Status SyntheticOptions::validate() const
{
    if (!start.isValid())
        return Error{{}, QStringLiteral("--start: not a valid time")};
    if (start.date().year() < 1990 || start.date().year() > 2100)
        return Error{{}, QStringLiteral("--start %1: outside 1990-2100").arg(start.toString(Qt::ISODate))};
    if (!(days > 0) || days > 3660)
        return Error{{}, QStringLiteral("--days %1: must be > 0 and at most 3660").arg(days)};
    if (!(cadenceHours > 0) || cadenceHours > 24 * 366)
        return Error{{}, QStringLiteral("--cadence %1: must be > 0 hours").arg(cadenceHours)};
    if (cadenceHours * 3600.0 < 60.0)
        return Error{{}, QStringLiteral("--cadence %1 h: below one minute (the 720 s HMI slots and 12 s AIA sequence "
                                        "would repeat)").arg(cadenceHours)};
    if (size < 16 || size > 4096)
        return Error{{}, QStringLiteral("--size %1: must be between 16 and 4096").arg(size)};
    if (channels.isEmpty())
        return Error{{}, QStringLiteral("--channels: no channel given")};
    for (const QString &c : channels)
        if (!SyntheticChannel::find(c))
            return Error{{}, QStringLiteral("--channels: unknown channel '%1' (known: %2)")
                                 .arg(c, SyntheticChannel::keys().join(QLatin1Char(',')))};
    for (int i = 0; i < channels.size(); ++i)
        if (channels.indexOf(channels[i]) != i)
            return Error{{}, QStringLiteral("--channels: '%1' is listed twice").arg(channels[i])};
    for (const SyntheticRegionSpec &r : regions) {
        if (!r.emergence.isValid() || !(r.fluxMx > 0) || std::fabs(r.latDeg) > 80 || !(r.lifetimeDays > 0))
            return Error{{}, QStringLiteral("a placed active region has an invalid time, flux, latitude or lifetime")};
    }
    const double steps = std::floor(days * 24.0 / cadenceHours - 1e-9) + 1;
    if (steps > 200000)
        return Error{{}, QStringLiteral("%1 time steps: too many (at most 200000)").arg(steps)};
    return Status::success();
}

QJsonObject SyntheticOptions::toJson() const
{
    QJsonArray regs;
    for (const SyntheticRegionSpec &r : regions)
        regs.append(QJsonObject{{QStringLiteral("emergence"), isoZ(r.emergence)},
                                {QStringLiteral("lon"), r.lonDeg},
                                {QStringLiteral("lat"), r.latDeg},
                                {QStringLiteral("flux_mx"), r.fluxMx},
                                {QStringLiteral("rise_days"), r.riseDays},
                                {QStringLiteral("lifetime_days"), r.lifetimeDays},
                                {QStringLiteral("tilt_deg"), num(r.tiltDeg)},
                                {QStringLiteral("leading_sign"), r.leadingSign},
                                {QStringLiteral("flare_rate_per_day"), r.flareRatePerDay},
                                {QStringLiteral("complexity"), r.complexity}});
    return QJsonObject{
        {QStringLiteral("generator"), QStringLiteral("solarchip synth")},
        {QStringLiteral("model_version"), SyntheticSun::kModelVersion},
        {QStringLiteral("start"), isoZ(start)},
        {QStringLiteral("days"), days},
        {QStringLiteral("cadence_hours"), cadenceHours},
        {QStringLiteral("size"), size},
        {QStringLiteral("channels"), QJsonArray::fromStringList(channels)},
        {QStringLiteral("seed"), QString::number(seed)},
        {QStringLiteral("activity"), activity},
        {QStringLiteral("random_regions"), randomRegions},
        {QStringLiteral("regions"), regs},
        {QStringLiteral("flares"), flares},
        {QStringLiteral("noise"), noise},
    };
}

Expected<SyntheticOptions> SyntheticOptions::fromJson(const QJsonObject &j)
{
    if (j.value(QStringLiteral("model_version")).toInt(-1) != SyntheticSun::kModelVersion)
        return Error{{}, QStringLiteral("synthetic archive of generator model_version %1, this build has %2")
                             .arg(j.value(QStringLiteral("model_version")).toInt(-1))
                             .arg(SyntheticSun::kModelVersion)};
    auto time = [](const QJsonValue &v) {
        QDateTime t = QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
        t.setTimeZone(QTimeZone::utc());
        return t;
    };
    SyntheticOptions o;
    o.start = time(j.value(QStringLiteral("start")));
    if (!o.start.isValid())
        return Error{{}, QStringLiteral("synth.json: 'start' is not an ISO time")};
    o.days = j.value(QStringLiteral("days")).toDouble();
    o.cadenceHours = j.value(QStringLiteral("cadence_hours")).toDouble();
    o.size = j.value(QStringLiteral("size")).toInt();
    o.channels.clear();
    for (const QJsonValue &c : j.value(QStringLiteral("channels")).toArray())
        o.channels << c.toString();
    bool ok = false;
    o.seed = j.value(QStringLiteral("seed")).toString().toULongLong(&ok);
    if (!ok)
        return Error{{}, QStringLiteral("synth.json: 'seed' is not an unsigned integer")};
    o.activity = j.value(QStringLiteral("activity")).toDouble(-1);
    o.randomRegions = j.value(QStringLiteral("random_regions")).toBool(true);
    o.flares = j.value(QStringLiteral("flares")).toBool(true);
    o.noise = j.value(QStringLiteral("noise")).toBool(true);
    for (const QJsonValue &v : j.value(QStringLiteral("regions")).toArray()) {
        const QJsonObject r = v.toObject();
        SyntheticRegionSpec spec;
        spec.emergence = time(r.value(QStringLiteral("emergence")));
        spec.lonDeg = r.value(QStringLiteral("lon")).toDouble();
        spec.latDeg = r.value(QStringLiteral("lat")).toDouble();
        spec.fluxMx = r.value(QStringLiteral("flux_mx")).toDouble();
        spec.riseDays = r.value(QStringLiteral("rise_days")).toDouble();
        spec.lifetimeDays = r.value(QStringLiteral("lifetime_days")).toDouble();
        spec.tiltDeg = r.value(QStringLiteral("tilt_deg")).isDouble() ? r.value(QStringLiteral("tilt_deg")).toDouble()
                                                                      : std::numeric_limits<double>::quiet_NaN();
        spec.leadingSign = r.value(QStringLiteral("leading_sign")).toInt();
        spec.flareRatePerDay = r.value(QStringLiteral("flare_rate_per_day")).toDouble(-1);
        spec.complexity = r.value(QStringLiteral("complexity")).toInt(1);
        o.regions << spec;
    }
    if (Status s = o.validate(); !s)
        return s.error();
    return o;
}

// ---------------------------------------------------------------- the Sun

struct SyntheticSun::Impl {
    SyntheticOptions options;
    SyntheticHistory history;
    QThreadPool pool;
    QMutex surfaceMutex;
    qint64 surfaceKey = std::numeric_limits<qint64>::min();
    std::shared_ptr<const SyntheticSurface> surface;
    QVector<SyntheticFlare> flares;

    explicit Impl(const SyntheticOptions &o) : options(o), history(o)
    {
        pool.setMaxThreadCount(o.threads > 0 ? o.threads : QThread::idealThreadCount());
        for (const SyntheticFlareModel &f : history.flares())
            flares.push_back(f.flare);
    }

    double referenceScale() const
    {
        double s = 1e9;
        for (const QString &c : options.channels)
            if (const SyntheticChannel *ch = SyntheticChannel::find(c))
                s = std::min(s, ch->plateScale4096 * 4096.0 / options.size);
        return s;
    }

    std::shared_ptr<const SyntheticSurface> surfaceAt(const QDateTime &step)
    {
        QMutexLocker lock(&surfaceMutex);
        const qint64 key = step.toMSecsSinceEpoch();
        if (surface && surfaceKey == key)
            return surface;
        SyntheticFrameGeometry ref;
        ref.obs = SyntheticObserver::sdoAt(step);
        ref.cdelt1 = ref.cdelt2 = referenceScale();
        const int half = static_cast<int>(std::ceil(1.03 * ref.obs.rsunArcsec / ref.cdelt1)) + 4;
        ref.width = ref.height = 2 * half + 1;
        ref.crpix1 = ref.crpix2 = half + 1.0;
        ref.crota2 = 0;
        ref.prepare();
        surface = std::make_shared<const SyntheticSurface>(
            SyntheticSurface::build(history, ref, SyntheticHistory::toDays(step), options.seed, &pool));
        surfaceKey = key;
        return surface;
    }
};

SyntheticSun::SyntheticSun(const SyntheticOptions &options) : d(std::make_unique<Impl>(options)) {}
SyntheticSun::~SyntheticSun() = default;

const SyntheticOptions &SyntheticSun::options() const { return d->options; }

QVector<QDateTime> SyntheticSun::timeSteps() const
{
    QVector<QDateTime> out;
    const qint64 stepMs = static_cast<qint64>(std::llround(d->options.cadenceHours * 3600000.0));
    const qint64 spanMs = static_cast<qint64>(std::llround(d->options.days * 86400000.0));
    for (qint64 t = 0; t < spanMs; t += stepMs)
        out.push_back(d->options.start.addMSecs(t));
    return out;
}

Expected<SyntheticFrame> SyntheticSun::render(const QString &channel, const QDateTime &step) const
{
    const SyntheticChannel *ch = SyntheticChannel::find(channel);
    if (!ch)
        return Error{{}, QStringLiteral("unknown channel '%1'").arg(channel)};
    const auto surface = d->surfaceAt(step);
    const SyntheticFrameSpec spec = SyntheticFrameSpec::make(*ch, step, d->options.size, d->options.seed);
    return SyntheticRenderer::render(spec, *surface, d->history, SyntheticHistory::toDays(step), d->options);
}

Expected<QVector<SyntheticFrame>> SyntheticSun::renderStep(const QDateTime &step) const
{
    const auto surface = d->surfaceAt(step);
    QVector<SyntheticFrame> frames(d->options.channels.size());
    QVector<int> idx(frames.size());
    for (int i = 0; i < idx.size(); ++i)
        idx[i] = i;
    const double t = SyntheticHistory::toDays(step);
    QtConcurrent::blockingMap(&d->pool, idx, [&](int i) {
        const SyntheticChannel *ch = SyntheticChannel::find(d->options.channels[i]);
        const SyntheticFrameSpec spec = SyntheticFrameSpec::make(*ch, step, d->options.size, d->options.seed);
        frames[i] = SyntheticRenderer::render(spec, *surface, d->history, t, d->options);
    });
    return frames;
}

QVector<SyntheticRegionState> SyntheticSun::regionsAt(const QDateTime &utc) const
{
    QVector<SyntheticRegionState> out;
    const double t = SyntheticHistory::toDays(utc);
    const double l0 = SunEphemeris::at(utc).l0Deg;
    for (const SyntheticRegionModel &r : d->history.regions()) {
        if (r.flux(t) <= 0)
            continue;
        double all[3], lead[3], follow[3];
        r.centroids(t, all, lead, follow);
        SyntheticRegionState s;
        s.id = r.id;
        s.noaa = r.noaa > 0 && r.noaaSince <= t ? r.noaa : 0;
        double lon = 0, lat = 0;
        SyntheticFrameGeometry::vectorToLonLat(all, lon, lat);
        s.carringtonLonDeg = lon < 0 ? lon + 360 : lon;
        s.lonDeg = wrap180(lon - l0);
        s.latDeg = lat;
        SyntheticFrameGeometry::vectorToLonLat(lead, lon, lat);
        s.leadingLonDeg = wrap180(lon - l0);
        s.leadingLatDeg = lat;
        SyntheticFrameGeometry::vectorToLonLat(follow, lon, lat);
        s.followingLonDeg = wrap180(lon - l0);
        s.followingLatDeg = lat;
        s.fluxMx = r.flux(t);
        s.areaMsh = r.spotAreaMsh(t);
        s.tiltDeg = r.tiltDeg;
        const double dot = std::clamp(lead[0] * follow[0] + lead[1] * follow[1] + lead[2] * follow[2], -1.0, 1.0);
        s.separationDeg = std::acos(dot) / kDeg;
        s.leadingSign = r.leadSign;
        s.visible = std::fabs(s.lonDeg) < 90.0;
        s.complexity = SyntheticRegionModel::complexityName(r.complexity);
        s.antiHale = r.antiHale;
        s.rValueMx = r.rValue(t);
        s.flareRateA1PerDay = r.rateA1(t);
        s.flareRateCPerDay = s.flareRateA1PerDay * SyntheticHistory::fractionAbove(kGoesC);
        s.flareRateMPerDay = s.flareRateA1PerDay * SyntheticHistory::fractionAbove(kGoesM);
        out.push_back(s);
    }
    return out;
}

QVector<SyntheticHoleState> SyntheticSun::holesAt(const QDateTime &utc) const
{
    QVector<SyntheticHoleState> out;
    const double t = SyntheticHistory::toDays(utc);
    const double l0 = SunEphemeris::at(utc).l0Deg;
    const double edge = d->history.polarHoleBoundaryDeg(t);
    if (edge < 85.0) {
        out.push_back({-1, 0.0, 90.0, 90.0 - edge, true});
        out.push_back({-2, 0.0, -90.0, 90.0 - edge, true});
    }
    for (const SyntheticHoleModel &h : d->history.holes()) {
        if (h.depth(t) < 0.5)
            continue;
        out.push_back({h.id, wrap180(h.lonCar(t) - l0), h.lat, h.radiusDeg, false});
    }
    return out;
}

const QVector<SyntheticFlare> &SyntheticSun::flares() const { return d->flares; }

double SyntheticSun::expectedVisibleFlares(const QDateTime &from, double hours, double fMin) const
{
    if (!d->options.flares)
        return 0;
    const double t0 = SyntheticHistory::toDays(from);
    const int n = std::max(1, static_cast<int>(std::ceil(hours)));
    const double dt = hours / 24.0 / n;
    double sum = 0;
    for (int i = 0; i < n; ++i)
        sum += d->history.visibleFlareRate(t0 + (i + 0.5) * dt, fMin) * dt;
    return sum;
}

QVector<FlareEvent> SyntheticSun::flareListEvents() const
{
    QVector<FlareEvent> out;
    int index = 0;
    for (const SyntheticFlareModel &m : d->history.flares()) {
        if (!m.listed)
            continue;
        const SyntheticFlare &f = m.flare;
        FlareEvent e;
        // The list gives whole minutes (HHMM).
        e.start = floorMinute(f.start);
        e.peak = floorMinute(f.peak);
        e.end = floorMinute(f.end);
        e.goesClass = goesFluxToClass(f.peakFlux);
        e.peakFlux = goesClassToFlux(e.goesClass).value_or(f.peakFlux);
        e.integratedFlux = f.integratedFlux;
        e.noaaAr = f.noaa;
        e.satellite = goesSatellite(f.peak);
        e.eventNo = QStringLiteral("%1").arg((++index * 10) % 10000, 4, 10, QLatin1Char('0'));
        // The cycle-24 list's columns: the site at the listed start (the truth's at the peak carried back by the same
        // differential rotation), in whole degrees as the location text, and the Earth's view of it then (on sunpy's
        // sphere, as that list's).
        const QPointF site = rotateStonyhurst(QPointF(f.lonDeg, f.latDeg), f.peak.toMSecsSinceEpoch(), e.siteTime().toMSecsSinceEpoch());
        e.hgsLon = site.x();
        e.hgsLat = site.y();
        e.location = NoaaRegion::locationText(e.hgsLat, e.hgsLon);
        Wcs::stonyhurstToHelioprojective(LonLat{e.hgsLon, e.hgsLat}, earthObserverAt(e.siteTime(), kSunpyRsunM), e.hpcX, e.hpcY);
        out.push_back(e);
    }
    return out;
}

QJsonObject SyntheticSun::truth(const QDateTime &step, const QVector<SyntheticFrame> &frames) const
{
    const double t = SyntheticHistory::toDays(step);
    const SyntheticObserver obs = SyntheticObserver::sdoAt(step);
    // Per-frame geometry through core's own WCS (what every reader of the files computes).
    struct FrameWcs {
        QString channel;
        Wcs wcs;
        double l0 = 0;
    };
    QVector<FrameWcs> wcs;
    QJsonObject framesJson;
    for (const SyntheticFrame &f : frames) {
        auto meta = MapMeta::fromHeader(f.header, f.fileName);
        if (!meta)
            continue;
        meta->naxis1 = meta->naxis2 = d->options.size;
        auto w = Wcs::fromHeader(f.header, *meta);
        if (!w)
            continue;
        wcs.push_back({f.channel, *w, SunEphemeris::at(meta->tObs).l0Deg});
        framesJson.insert(f.channel, QJsonObject{{QStringLiteral("file"), f.relativeDir + QLatin1Char('/') + f.fileName},
                                                 {QStringLiteral("t_obs"), isoZ(meta->tObs)},
                                                 {QStringLiteral("crpix1"), meta->crpix1},
                                                 {QStringLiteral("crpix2"), meta->crpix2},
                                                 {QStringLiteral("cdelt1"), meta->cdelt1},
                                                 {QStringLiteral("crota2"), meta->crota2},
                                                 {QStringLiteral("rsun_obs"), meta->rsunObs},
                                                 {QStringLiteral("hgln_obs"), meta->hglnObs},
                                                 {QStringLiteral("hglt_obs"), meta->hgltObs}});
    }
    // Where a Carrington position (at the step) lands in each frame: pixel (0-based; FITS = +1) and the
    // Stonyhurst lon/lat for that frame's time.
    auto pixels = [&](double carLon, double lat) {
        QJsonObject o;
        for (const FrameWcs &f : wcs) {
            const LonLat hgs{wrap180(carLon - f.l0), lat};
            double tx = 0, ty = 0, x = 0, y = 0;
            bool visible = false;
            Wcs::stonyhurstToHelioprojective(hgs, f.wcs.observer(), tx, ty, &visible);
            f.wcs.helioprojectiveToPixel(tx, ty, x, y);
            o.insert(f.channel, QJsonObject{{QStringLiteral("x"), num(x, 4)},
                                            {QStringLiteral("y"), num(y, 4)},
                                            {QStringLiteral("lon"), num(hgs.lon)},
                                            {QStringLiteral("lat"), num(hgs.lat)},
                                            {QStringLiteral("visible"), visible}});
        }
        return o;
    };
    auto lonLatOf = [](const double v[3], double &lon, double &lat) { SyntheticFrameGeometry::vectorToLonLat(v, lon, lat); };

    QJsonArray regions;
    for (const SyntheticRegionModel &r : d->history.regions()) {
        const double phi = r.flux(t);
        if (phi <= 0)
            continue;
        double all[3], lead[3], follow[3];
        r.centroids(t, all, lead, follow);
        double lon = 0, lat = 0, llon = 0, llat = 0, flon = 0, flat = 0;
        lonLatOf(all, lon, lat);
        lonLatOf(lead, llon, llat);
        lonLatOf(follow, flon, flat);
        const double dot = std::clamp(lead[0] * follow[0] + lead[1] * follow[1] + lead[2] * follow[2], -1.0, 1.0);
        regions.append(QJsonObject{
            {QStringLiteral("id"), r.id},
            {QStringLiteral("noaa"), r.noaa > 0 && r.noaaSince <= t ? r.noaa : 0},
            {QStringLiteral("lon"), num(wrap180(lon - obs.l0Deg))},
            {QStringLiteral("lat"), num(lat)},
            {QStringLiteral("carrington_lon"), num(lon < 0 ? lon + 360 : lon)},
            {QStringLiteral("flux_mx"), phi},
            {QStringLiteral("peak_flux_mx"), r.fluxMax},
            {QStringLiteral("area_msh"), num(r.spotAreaMsh(t), 1)},
            {QStringLiteral("tilt_deg"), num(r.tiltDeg, 3)},
            {QStringLiteral("separation_deg"), num(std::acos(dot) / kDeg, 4)},
            {QStringLiteral("leading_polarity"), r.leadSign > 0 ? QStringLiteral("+") : QStringLiteral("-")},
            {QStringLiteral("age_days"), num(t - r.t0, 4)},
            {QStringLiteral("complexity"), SyntheticRegionModel::complexityName(r.complexity)},
            {QStringLiteral("anti_hale"), r.antiHale},
            {QStringLiteral("r_value"), r.rValue(t)},
            {QStringLiteral("r_value_peak"), r.rPeak},
            {QStringLiteral("flare_rate_per_day"), r.rateA1(t)},
            {QStringLiteral("flare_rate_c_per_day"), r.rateA1(t) * SyntheticHistory::fractionAbove(kGoesC)},
            {QStringLiteral("flare_rate_m_per_day"), r.rateA1(t) * SyntheticHistory::fractionAbove(kGoesM)},
            {QStringLiteral("visible"), std::fabs(wrap180(lon - obs.l0Deg)) < 90.0},
            {QStringLiteral("pixels"), pixels(lon, lat)},
            {QStringLiteral("leading"), QJsonObject{{QStringLiteral("lon"), num(wrap180(llon - obs.l0Deg))},
                                                    {QStringLiteral("lat"), num(llat)},
                                                    {QStringLiteral("pixels"), pixels(llon, llat)}}},
            {QStringLiteral("following"), QJsonObject{{QStringLiteral("lon"), num(wrap180(flon - obs.l0Deg))},
                                                      {QStringLiteral("lat"), num(flat)},
                                                      {QStringLiteral("pixels"), pixels(flon, flat)}}},
        });
    }
    QJsonArray holes;
    for (const SyntheticHoleState &h : holesAt(step))
        holes.append(QJsonObject{{QStringLiteral("id"), h.id},
                                 {QStringLiteral("polar"), h.polar},
                                 {QStringLiteral("lon"), num(h.lonDeg)},
                                 {QStringLiteral("lat"), num(h.latDeg)},
                                 {QStringLiteral("radius_deg"), num(h.radiusDeg, 3)},
                                 {QStringLiteral("pixels"), pixels(h.lonDeg + obs.l0Deg, h.latDeg)}});
    QJsonArray active;
    const SyntheticFlareModel *strongest = nullptr;
    // Flares are sorted by peak; those in progress peaked less than ~8 h ago.
    const auto &all = d->history.flares();
    auto from = std::lower_bound(all.begin(), all.end(), t - 0.35,
                                 [](const SyntheticFlareModel &f, double x) { return f.tPeak < x; });
    for (auto it = from; it != all.end(); ++it) {
        const SyntheticFlareModel &m = *it;
        if (m.tPeak > t + 1.0 + 0.05)
            break;
        if (m.listed && m.tPeak >= t && m.tPeak < t + 1.0 && (!strongest || m.flare.peakFlux > strongest->flare.peakFlux))
            strongest = &m;
        const double start = m.tPeak - m.riseDays;
        if (t < start || t > m.tPeak + m.tauDays * std::log(2.0))
            continue;
        const SyntheticFlare &f = m.flare;
        active.append(QJsonObject{{QStringLiteral("id"), f.id},
                                  {QStringLiteral("class"), f.goesClass()},
                                  {QStringLiteral("peak_flux"), f.peakFlux},
                                  {QStringLiteral("goes_flux_now"), m.goesFlux(t)},
                                  {QStringLiteral("start"), isoZ(f.start)},
                                  {QStringLiteral("peak"), isoZ(f.peak)},
                                  {QStringLiteral("end"), isoZ(f.end)},
                                  {QStringLiteral("region_id"), f.regionId},
                                  {QStringLiteral("noaa"), f.noaa},
                                  {QStringLiteral("lon"), num(f.lonDeg)},
                                  {QStringLiteral("lat"), num(f.latDeg)},
                                  {QStringLiteral("visible"), f.visible},
                                  {QStringLiteral("listed"), m.listed},
                                  {QStringLiteral("pixels"), pixels(f.lonDeg + SunEphemeris::at(f.peak).l0Deg, f.latDeg)}});
    }
    QJsonObject next{{QStringLiteral("window_hours"), 24},
                     {QStringLiteral("c_or_above"), strongest && strongest->flare.peakFlux >= kGoesC},
                     {QStringLiteral("m_or_above"), strongest && strongest->flare.peakFlux >= kGoesM}};
    if (strongest) {
        next.insert(QStringLiteral("strongest_class"), strongest->flare.goesClass());
        next.insert(QStringLiteral("strongest_flux"), strongest->flare.peakFlux);
        next.insert(QStringLiteral("strongest_id"), strongest->flare.id);
    }
    return QJsonObject{
        {QStringLiteral("time"), isoZ(step)},
        {QStringLiteral("synthetic"), true},
        {QStringLiteral("seed"), QString::number(d->options.seed)},
        {QStringLiteral("observer"), QJsonObject{{QStringLiteral("hgln_obs"), num(obs.observer.hgln, 8)},
                                                 {QStringLiteral("hglt_obs"), num(obs.observer.hglt, 8)},
                                                 {QStringLiteral("dsun_obs"), obs.observer.dsun},
                                                 {QStringLiteral("l0"), num(obs.l0Deg, 8)},
                                                 {QStringLiteral("rsun_obs"), num(obs.rsunArcsec, 6)}}},
        {QStringLiteral("activity"), num(d->history.activity(t), 4)},
        {QStringLiteral("goes_background"), d->history.goesBackground(t)},
        {QStringLiteral("pixel_convention"), QStringLiteral("0-based (x, y): FITS pixel = (x + 1, y + 1)")},
        {QStringLiteral("frames"), framesJson},
        {QStringLiteral("regions"), regions},
        {QStringLiteral("holes"), holes},
        {QStringLiteral("flares_in_progress"), active},
        {QStringLiteral("next_24h"), next},
    };
}

QVector<double> SyntheticSun::drawFlareFluxes(quint64 seed, int n, double fMin)
{
    QVector<double> out;
    out.reserve(n);
    SyntheticRandom rng(seed, 0x44524157 /* "DRAW" */);
    for (int i = 0; i < n; ++i)
        out.push_back(SyntheticHistory::powerLaw(rng.uniform(), fMin, SyntheticHistory::kFlareMax,
                                                 SyntheticHistory::kFlareAlpha));
    return out;
}

double SyntheticSun::flarePowerLawIndex() { return SyntheticHistory::kFlareAlpha; }

double SyntheticSun::siderealRateDegPerDay(double latDeg) { return SyntheticHistory::siderealRate(latDeg); }

}  // namespace solarchip
