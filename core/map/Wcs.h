#pragma once
// World coordinates of a map through WCSLIB: pixel <-> helioprojective (arcsec) for HPLN/HPLT-TAN maps,
// pixel <-> Carrington/Stonyhurst degrees for CEA/CAR maps, and helioprojective <-> heliographic Stonyhurst
// for the observer of the map (the line of sight meets the solar sphere; NaN off disk).
// Pixel coordinates here are 0-based (FITS pixel minus one), as everywhere in this project.

#include "core/base/Expected.h"
#include "core/map/FitsHeader.h"
#include "core/map/MapMeta.h"

#include <memory>

struct wcsprm;

namespace solarchip {

/// Where the observer sits, in heliographic Stonyhurst coordinates, and the radius of the solar sphere.
struct Observer {
    double hgln = 0;        // degrees
    double hglt = 0;        // degrees (B0 for an Earth-bound observer)
    double dsun = 1.495978707e11;  // metres
    double rsun = 696000000.0;     // metres, radius of the sphere coordinates are projected on
    double crln = 0;        // Carrington longitude of the observer, degrees (for Carrington maps)
};

struct LonLat {
    double lon = 0;  // degrees
    double lat = 0;  // degrees
};

class Wcs {
public:
    enum class Kind { Helioprojective, Carrington, Stonyhurst, Other };

    Wcs();
    Wcs(const Wcs &other);
    Wcs &operator=(const Wcs &other);
    Wcs(Wcs &&) noexcept;
    Wcs &operator=(Wcs &&) noexcept;
    ~Wcs();

    /// Builds the WCS from a full header (WCSLIB's own parser) plus the observer from the metadata.
    static Expected<Wcs> fromHeader(const FitsHeader &header, const MapMeta &meta);
    /// Builds a helioprojective TAN WCS from the metadata's keywords alone (for derived maps).
    static Expected<Wcs> fromMeta(const MapMeta &meta);

    bool isValid() const { return static_cast<bool>(m_wcs); }
    Kind kind() const { return m_kind; }
    const Observer &observer() const { return m_observer; }

    /// Pixel (0-based) -> world: arcsec for helioprojective maps, degrees otherwise. false if undefined.
    bool pixelToWorld(double x, double y, double &w1, double &w2) const;
    bool worldToPixel(double w1, double w2, double &x, double &y) const;
    /// Many points at once: xy holds n (x, y) pairs; world receives n pairs (NaN where undefined).
    void pixelToWorld(const double *xy, double *world, int n) const;
    void worldToPixel(const double *world, double *xy, int n) const;

    /// Pixel -> helioprojective arcsec (for any map kind).
    bool pixelToHelioprojective(double x, double y, double &tx, double &ty) const;
    bool helioprojectiveToPixel(double tx, double ty, double &x, double &y) const;
    /// Pixel -> Stonyhurst lon/lat in degrees; false (and NaNs) off disk.
    bool pixelToStonyhurst(double x, double y, LonLat &out) const;

    /// Helioprojective (arcsec) -> Stonyhurst on the solar sphere seen by `obs`; false (NaN) off disk.
    static bool helioprojectiveToStonyhurst(double tx, double ty, const Observer &obs, LonLat &out);
    /// Stonyhurst -> helioprojective; `visible` tells whether the point is on the observer's near side.
    static bool stonyhurstToHelioprojective(const LonLat &hgs, const Observer &obs, double &tx, double &ty,
                                            bool *visible = nullptr);
    /// Where an off-disk point seen at helioprojective (tx, ty) by `from` appears to `to`, the point taken on a
    /// spherical screen about `from` through the Sun centre (distance dsun along the line of sight), as sunpy's
    /// Helioprojective.assume_spherical_screen(from, only_off_disk=True) does. For nearby observers (maps of
    /// one instrument minutes apart) this is nearly the identity; false if undefined.
    static bool helioprojectiveViaScreen(double tx, double ty, const Observer &from, const Observer &to, double &txOut,
                                         double &tyOut);

private:
    struct WcsDeleter {
        void operator()(wcsprm *p) const;
    };
    std::unique_ptr<wcsprm, WcsDeleter> m_wcs;
    Kind m_kind = Kind::Other;
    Observer m_observer;
    bool m_arcsec = false;  // world axes in arcsec (helioprojective) rather than degrees
};

}  // namespace solarchip
