#include "core/map/Wcs.h"

#include <wcslib/sph.h>
#include <wcslib/wcs.h>
#include <wcslib/wcsfix.h>
#include <wcslib/wcshdr.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <mutex>
#include <vector>

namespace solarchip {

namespace {

constexpr double kDeg = M_PI / 180.0;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double wrap180(double a)
{
    a = std::fmod(a + 180.0, 360.0);
    if (a < 0)
        a += 360.0;
    return a - 180.0;
}

Wcs::Kind kindOf(const QString &ctype1, const QString &ctype2)
{
    if (ctype1.startsWith(QLatin1String("HPLN")) && ctype2.startsWith(QLatin1String("HPLT")))
        return Wcs::Kind::Helioprojective;
    if (ctype1.startsWith(QLatin1String("CRLN")) && ctype2.startsWith(QLatin1String("CRLT")))
        return Wcs::Kind::Carrington;
    if (ctype1.startsWith(QLatin1String("HGLN")) && ctype2.startsWith(QLatin1String("HGLT")))
        return Wcs::Kind::Stonyhurst;
    return Wcs::Kind::Other;
}

Observer observerOf(const MapMeta &m)
{
    Observer o;
    o.hgln = m.hglnObs;
    o.hglt = m.hgltObs;
    o.dsun = m.dsunObs > 0 ? m.dsunObs : o.dsun;
    o.rsun = m.rsunRef > 0 ? m.rsunRef : o.rsun;
    o.crln = m.crlnObs;
    return o;
}

// Euler angles (WCSLIB sph.h convention) of the rotation from the observer's heliocentric sphere to
// Stonyhurst. Native frame: longitude phi = atan2(x, z) from the Sun-observer line toward solar west,
// latitude theta = asin(y / r); its pole (+y) sits at Stonyhurst (hgln + 180, 90 - B0).
void observerEuler(const Observer &o, double eul[5])
{
    eul[0] = o.hgln + 180.0;
    eul[1] = o.hglt;
    eul[2] = 0.0;
    eul[3] = std::cos(o.hglt * kDeg);
    eul[4] = std::sin(o.hglt * kDeg);
}

// WCSLIB's parsers and wcsset are not documented as re-entrant (wcsprintf/wcserr use globals).
std::mutex &wcslibMutex()
{
    static std::mutex m;
    return m;
}

}  // namespace

void Wcs::WcsDeleter::operator()(wcsprm *p) const
{
    if (!p)
        return;
    wcsfree(p);
    std::free(p);
}

Wcs::Wcs() = default;
Wcs::~Wcs() = default;
Wcs::Wcs(Wcs &&) noexcept = default;
Wcs &Wcs::operator=(Wcs &&) noexcept = default;

Wcs::Wcs(const Wcs &other) { *this = other; }

Wcs &Wcs::operator=(const Wcs &other)
{
    if (this == &other)
        return *this;
    m_kind = other.m_kind;
    m_observer = other.m_observer;
    m_arcsec = other.m_arcsec;
    m_wcs.reset();
    if (other.m_wcs) {
        std::lock_guard<std::mutex> lock(wcslibMutex());
        auto *copy = static_cast<wcsprm *>(std::calloc(1, sizeof(wcsprm)));
        copy->flag = -1;
        if (wcssub(1, other.m_wcs.get(), nullptr, nullptr, copy) == 0 && wcsset(copy) == 0)
            m_wcs.reset(copy);
        else {
            wcsfree(copy);
            std::free(copy);
        }
    }
    return *this;
}

Expected<Wcs> Wcs::fromHeader(const FitsHeader &header, const MapMeta &meta)
{
    const QByteArray cards = header.toCardString();
    int nreject = 0, nwcs = 0;
    wcsprm *wcsArray = nullptr;
    Wcs out;
    {
        std::lock_guard<std::mutex> lock(wcslibMutex());
        int status = wcspih(const_cast<char *>(cards.constData()), static_cast<int>(cards.size() / 80),
                            WCSHDR_all, 0, &nreject, &nwcs, &wcsArray);
        if (status != 0 || nwcs < 1) {
            if (wcsArray)
                wcsvfree(&nwcs, &wcsArray);
            return Error{meta.file, QStringLiteral("WCSLIB could not parse the world coordinate keywords (status %1)")
                                        .arg(status)};
        }
        auto *copy = static_cast<wcsprm *>(std::calloc(1, sizeof(wcsprm)));
        copy->flag = -1;
        status = wcssub(1, &wcsArray[0], nullptr, nullptr, copy);
        wcsvfree(&nwcs, &wcsArray);
        if (status == 0) {
            int naxis[2] = {meta.naxis1, meta.naxis2};
            int stat[NWCSFIX];
            // Fix non-standard units ('degree'), dates and old conventions; failures are not fatal here.
            wcsfix(1, naxis, copy, stat);
            status = wcsset(copy);
        }
        if (status != 0) {
            const QString why = copy->err ? QString::fromLatin1(copy->err->msg) : QString::number(status);
            wcsfree(copy);
            std::free(copy);
            return Error{meta.file, QStringLiteral("invalid world coordinate system: %1").arg(why)};
        }
        out.m_wcs.reset(copy);
    }
    out.m_kind = kindOf(meta.ctype1, meta.ctype2);
    out.m_arcsec = out.m_kind == Kind::Helioprojective;
    out.m_observer = observerOf(meta);
    return out;
}

Expected<Wcs> Wcs::fromMeta(const MapMeta &meta)
{
    Wcs out;
    auto *w = static_cast<wcsprm *>(std::calloc(1, sizeof(wcsprm)));
    w->flag = -1;
    std::lock_guard<std::mutex> lock(wcslibMutex());
    if (wcsini(1, 2, w) != 0) {
        std::free(w);
        return Error{meta.file, QStringLiteral("WCSLIB could not initialise a WCS")};
    }
    w->crpix[0] = meta.crpix1;
    w->crpix[1] = meta.crpix2;
    w->cdelt[0] = meta.cdelt1;
    w->cdelt[1] = meta.cdelt2;
    w->crval[0] = meta.crval1;
    w->crval[1] = meta.crval2;
    w->pc[0] = meta.pc[0][0];
    w->pc[1] = meta.pc[0][1];
    w->pc[2] = meta.pc[1][0];
    w->pc[3] = meta.pc[1][1];
    std::strncpy(w->ctype[0], meta.ctype1.toLatin1().constData(), 71);
    std::strncpy(w->ctype[1], meta.ctype2.toLatin1().constData(), 71);
    std::strncpy(w->cunit[0], meta.cunit1.toLatin1().constData(), 71);
    std::strncpy(w->cunit[1], meta.cunit2.toLatin1().constData(), 71);
    int naxis[2] = {meta.naxis1, meta.naxis2};
    int stat[NWCSFIX];
    wcsfix(1, naxis, w, stat);
    if (wcsset(w) != 0) {
        wcsfree(w);
        std::free(w);
        return Error{meta.file, QStringLiteral("invalid world coordinate keywords")};
    }
    out.m_wcs.reset(w);
    out.m_kind = kindOf(meta.ctype1, meta.ctype2);
    out.m_arcsec = out.m_kind == Kind::Helioprojective;
    out.m_observer = observerOf(meta);
    return out;
}

void Wcs::pixelToWorld(const double *xy, double *world, int n) const
{
    if (!m_wcs || n <= 0) {
        for (int i = 0; i < 2 * n; ++i)
            world[i] = kNaN;
        return;
    }
    std::vector<double> pix(2 * static_cast<size_t>(n)), img(2 * static_cast<size_t>(n));
    std::vector<double> phi(n), theta(n);
    std::vector<int> stat(n);
    for (int i = 0; i < n; ++i) {
        pix[2 * i] = xy[2 * i] + 1.0;  // WCSLIB pixel coordinates are 1-based
        pix[2 * i + 1] = xy[2 * i + 1] + 1.0;
    }
    wcsp2s(m_wcs.get(), n, 2, pix.data(), img.data(), phi.data(), theta.data(), world, stat.data());
    for (int i = 0; i < n; ++i) {
        double &a = world[2 * i];
        double &b = world[2 * i + 1];
        if (stat[i] != 0) {
            a = b = kNaN;
            continue;
        }
        if (m_arcsec) {
            a = wrap180(a) * 3600.0;
            b *= 3600.0;
        }
    }
}

void Wcs::worldToPixel(const double *world, double *xy, int n) const
{
    if (!m_wcs || n <= 0) {
        for (int i = 0; i < 2 * n; ++i)
            xy[i] = kNaN;
        return;
    }
    std::vector<double> w(2 * static_cast<size_t>(n)), img(2 * static_cast<size_t>(n));
    std::vector<double> phi(n), theta(n);
    std::vector<int> stat(n);
    for (int i = 0; i < n; ++i) {
        w[2 * i] = m_arcsec ? world[2 * i] / 3600.0 : world[2 * i];
        w[2 * i + 1] = m_arcsec ? world[2 * i + 1] / 3600.0 : world[2 * i + 1];
    }
    wcss2p(m_wcs.get(), n, 2, w.data(), phi.data(), theta.data(), img.data(), xy, stat.data());
    for (int i = 0; i < n; ++i) {
        if (stat[i] != 0) {
            xy[2 * i] = xy[2 * i + 1] = kNaN;
        } else {
            xy[2 * i] -= 1.0;
            xy[2 * i + 1] -= 1.0;
        }
    }
}

bool Wcs::pixelToWorld(double x, double y, double &w1, double &w2) const
{
    const double xy[2] = {x, y};
    double w[2];
    pixelToWorld(xy, w, 1);
    w1 = w[0];
    w2 = w[1];
    return std::isfinite(w1) && std::isfinite(w2);
}

bool Wcs::worldToPixel(double w1, double w2, double &x, double &y) const
{
    const double w[2] = {w1, w2};
    double xy[2];
    worldToPixel(w, xy, 1);
    x = xy[0];
    y = xy[1];
    return std::isfinite(x) && std::isfinite(y);
}

bool Wcs::pixelToHelioprojective(double x, double y, double &tx, double &ty) const
{
    double a = 0, b = 0;
    if (!pixelToWorld(x, y, a, b)) {
        tx = ty = kNaN;
        return false;
    }
    switch (m_kind) {
    case Kind::Helioprojective:
        tx = a;
        ty = b;
        return true;
    case Kind::Carrington:
    case Kind::Stonyhurst: {
        LonLat hgs{m_kind == Kind::Carrington ? a - (m_observer.crln - m_observer.hgln) : a, b};
        bool visible = false;
        const bool ok = stonyhurstToHelioprojective(hgs, m_observer, tx, ty, &visible);
        return ok && visible;
    }
    default:
        tx = ty = kNaN;
        return false;
    }
}

bool Wcs::helioprojectiveToPixel(double tx, double ty, double &x, double &y) const
{
    switch (m_kind) {
    case Kind::Helioprojective:
        return worldToPixel(tx, ty, x, y);
    case Kind::Carrington:
    case Kind::Stonyhurst: {
        LonLat hgs;
        if (!helioprojectiveToStonyhurst(tx, ty, m_observer, hgs)) {
            x = y = kNaN;
            return false;
        }
        const double lon = m_kind == Kind::Carrington ? hgs.lon + (m_observer.crln - m_observer.hgln) : hgs.lon;
        return worldToPixel(lon, hgs.lat, x, y);
    }
    default:
        x = y = kNaN;
        return false;
    }
}

bool Wcs::pixelToStonyhurst(double x, double y, LonLat &out) const
{
    if (m_kind == Kind::Stonyhurst || m_kind == Kind::Carrington) {
        double a = 0, b = 0;
        if (!pixelToWorld(x, y, a, b)) {
            out = {kNaN, kNaN};
            return false;
        }
        out.lon = wrap180(m_kind == Kind::Carrington ? a - (m_observer.crln - m_observer.hgln) : a);
        out.lat = b;
        return true;
    }
    double tx = 0, ty = 0;
    if (!pixelToHelioprojective(x, y, tx, ty)) {
        out = {kNaN, kNaN};
        return false;
    }
    return helioprojectiveToStonyhurst(tx, ty, m_observer, out);
}

bool Wcs::helioprojectiveToStonyhurst(double txArcsec, double tyArcsec, const Observer &obs, LonLat &out)
{
    // Where the line of sight meets the sphere of radius rsun (nearest intersection), in heliocentric
    // Cartesian coordinates (x west, y north, z toward the observer).
    const double tx = txArcsec / 3600.0 * kDeg, ty = tyArcsec / 3600.0 * kDeg;
    const double D = obs.dsun, R = obs.rsun;
    const double b = -2.0 * D * std::cos(ty) * std::cos(tx);
    const double c = D * D - R * R;
    const double disc = b * b - 4.0 * c;
    if (!(disc >= 0.0)) {
        out = {kNaN, kNaN};
        return false;
    }
    const double d = (-b - std::sqrt(disc)) / 2.0;
    const double x = d * std::cos(ty) * std::sin(tx);
    const double y = d * std::sin(ty);
    const double z = D - d * std::cos(ty) * std::cos(tx);

    // Native spherical coordinates about the Sun-observer line, rotated into Stonyhurst by WCSLIB.
    const double phi = std::atan2(x, z) / kDeg;
    const double theta = std::asin(std::clamp(y / std::sqrt(x * x + y * y + z * z), -1.0, 1.0)) / kDeg;
    double eul[5];
    observerEuler(obs, eul);
    double lng = 0, lat = 0;
    sphx2s(eul, 1, 1, 1, 1, &phi, &theta, &lng, &lat);
    out.lon = wrap180(lng);
    out.lat = lat;
    return true;
}

bool Wcs::stonyhurstToHelioprojective(const LonLat &hgs, const Observer &obs, double &txArcsec, double &tyArcsec,
                                      bool *visible)
{
    double eul[5];
    observerEuler(obs, eul);
    double phi = 0, theta = 0;
    sphs2x(eul, 1, 1, 1, 1, &hgs.lon, &hgs.lat, &phi, &theta);
    const double R = obs.rsun, D = obs.dsun;
    const double x = R * std::cos(theta * kDeg) * std::sin(phi * kDeg);
    const double y = R * std::sin(theta * kDeg);
    const double z = R * std::cos(theta * kDeg) * std::cos(phi * kDeg);
    if (visible)
        *visible = z * D - R * R > 0.0;
    const double zz = D - z;
    const double dist = std::sqrt(x * x + y * y + zz * zz);
    txArcsec = std::atan2(x, zz) / kDeg * 3600.0;
    tyArcsec = std::asin(y / dist) / kDeg * 3600.0;
    return std::isfinite(txArcsec) && std::isfinite(tyArcsec);
}

bool Wcs::helioprojectiveViaScreen(double txArcsec, double tyArcsec, const Observer &from, const Observer &to,
                                   double &txOut, double &tyOut)
{
    txOut = tyOut = kNaN;
    // The point on the screen, in `from`'s heliocentric Cartesian coordinates (x west, y north, z toward it).
    const double tx = txArcsec / 3600.0 * kDeg, ty = tyArcsec / 3600.0 * kDeg;
    const double D = from.dsun;
    const double x = D * std::cos(ty) * std::sin(tx);
    const double y = D * std::sin(ty);
    const double z = D - D * std::cos(ty) * std::cos(tx);
    const double r = std::sqrt(x * x + y * y + z * z);
    if (!(r > 0) || !std::isfinite(r))
        return false;
    // Into Stonyhurst (the same rotation as helioprojectiveToStonyhurst), then into `to`'s frame.
    const double phi = std::atan2(x, z) / kDeg;
    const double theta = std::asin(std::clamp(y / r, -1.0, 1.0)) / kDeg;
    double eul[5];
    observerEuler(from, eul);
    double lng = 0, lat = 0;
    sphx2s(eul, 1, 1, 1, 1, &phi, &theta, &lng, &lat);
    observerEuler(to, eul);
    double phi2 = 0, theta2 = 0;
    sphs2x(eul, 1, 1, 1, 1, &lng, &lat, &phi2, &theta2);
    const double x2 = r * std::cos(theta2 * kDeg) * std::sin(phi2 * kDeg);
    const double y2 = r * std::sin(theta2 * kDeg);
    const double zz = to.dsun - r * std::cos(theta2 * kDeg) * std::cos(phi2 * kDeg);
    const double dist = std::sqrt(x2 * x2 + y2 * y2 + zz * zz);
    if (!(dist > 0))
        return false;
    txOut = std::atan2(x2, zz) / kDeg * 3600.0;
    tyOut = std::asin(std::clamp(y2 / dist, -1.0, 1.0)) / kDeg * 3600.0;
    return std::isfinite(txOut) && std::isfinite(tyOut);
}

}  // namespace solarchip
