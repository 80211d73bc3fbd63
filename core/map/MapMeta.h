#pragma once
// The metadata of one SDO map, read from its FITS header with SDO conventions applied: which instrument and
// channel, when (UTC), exposure, units, processing level, the WCS keywords and where the observer was.

#include "core/base/Expected.h"
#include "core/map/FitsHeader.h"

#include <QDateTime>
#include <QString>

namespace solarchip {

enum class Instrument { Unknown, AIA, HMI };

/// MapMeta::unit of display-scaled maps (Helioviewer JPEG2000 bytes): not a physical unit.
inline constexpr char kDisplayScaledUnit[] = "byte";
/// BUNIT that marks display-scaled pixels in a header (written by Jp2Reader, read back by MapMeta::fromHeader).
inline constexpr char kDisplayScaledBunit[] = "8-bit scaled";

QString instrumentName(Instrument instrument);  // "AIA", "HMI", "unknown"

struct MapMeta {
    QString file;
    QString telescope;      // TELESCOP: "SDO/AIA", "SDO/HMI", "SDO"
    QString detector;       // INSTRUME: "AIA_3", "HMI_FRONT2", "HMI_SIDE1"
    Instrument instrument = Instrument::Unknown;
    /// Canonical channel key used across the product: AIA "94","131","171","193","211","304","335","1600",
    /// "1700","4500"; HMI "hmi" (line-of-sight magnetogram), "hmi_ic" (continuum), "hmi_v" (Dopplergram),
    /// "hmi_br" (radial field), "hmi_bitmap", or "hmi_<content>" for other observables.
    QString channel;
    double wavelength = 0;  // Angstrom (AIA passband, 6173 for HMI)
    QDateTime tObs;         // observation time in UTC (T_OBS, else DATE-OBS; HMI TAI converted)
    double exptime = 0;     // seconds (0 when absent)
    QString unit;           // BUNIT or PIXLUNIT ("DN", "Gauss", "DN/s", "Mx/cm^2"); "byte" when displayScaled
    /// The pixels are display values, not measurements: the 0..255 bytes of a Helioviewer JPEG2000 file, which
    /// Helioviewer made from the data with its own per-channel scaling (clip, log/sqrt, gamma). Such a map
    /// has no physical unit: `unit` is "byte" (kDisplayScaledUnit), BUNIT in its header '8-bit scaled'
    /// (kDisplayScaledBunit, also how a FITS file written from it is recognised), and it is displayed
    /// linearly over 0..255 (core/map/DisplayLimits defaultDisplaySettings), as JHelioviewer does.
    bool displayScaled = false;
    double level = 1;       // LVL_NUM
    long long quality = 0;  // QUALITY bit field
    int naxis1 = 0, naxis2 = 0, bitpix = 0;

    // WCS keywords (1-based CRPIX as in FITS).
    QString ctype1, ctype2, cunit1 = QStringLiteral("arcsec"), cunit2 = QStringLiteral("arcsec");
    double crpix1 = 0, crpix2 = 0, crval1 = 0, crval2 = 0, cdelt1 = 1, cdelt2 = 1;
    double crota2 = 0;            // degrees, as in the header (from PCi_j when only those are given)
    double pc[2][2] = {{1, 0}, {0, 1}};
    bool hasPc = false;           // PCi_j present (takes precedence over CROTA2, as in sunpy)

    // Observer and Sun.
    double rsunObs = 0;     // apparent solar radius, arcsec (RSUN_OBS, else derived from DSUN_OBS)
    double rsunRef = 696000000.0;  // metres (RSUN_REF)
    double dsunObs = 0;     // observer-Sun distance, metres
    double crlnObs = 0, crltObs = 0;  // Carrington longitude/latitude of the observer, degrees
    double hglnObs = 0, hgltObs = 0;  // Stonyhurst longitude/latitude of the observer, degrees
    bool hglnFromHeader = false;      // false: derived from CRLN_OBS and the Carrington L0 of the date

    /// Plate scale along x and y in arcsec per pixel (|CDELT| for helioprojective maps).
    double plateScale() const;
    /// True for full-disk-style helioprojective maps (CTYPE HPLN/HPLT).
    bool isHelioprojective() const;
    QString displayName() const;  // "AIA 171 A 2011-02-15 00:00:01" / "HMI magnetogram ..."

    /// Reads the metadata from a header. Fails with a clear message when the header does not describe an
    /// SDO AIA/HMI map (no TELESCOP/INSTRUME naming SDO, AIA or HMI), has no usable time, or no WCS.
    static Expected<MapMeta> fromHeader(const FitsHeader &header, const QString &file);
};

/// Canonical channel key from user text: "171", "aia171", "0171", "hmi", "magnetogram", "hmi_ic"...
/// Returns an empty string for text that names no SDO channel.
QString canonicalChannel(const QString &text);
/// Every channel key the product knows about, AIA by wavelength then HMI.
QStringList knownChannels();
/// Human label: "AIA 171 Å", "HMI magnetogram".
QString channelLabel(const QString &channel);
/// What a map's values are, for colour bars and readouts: the unit ("DN", "Gauss"), or "Helioviewer byte value"
/// for display-scaled maps (never a physical unit for them).
QString valueLabel(const MapMeta &meta);
/// A BUNIT of magnetic field: Gauss or its flux-density spellings (Mx/cm^2, Mx cm^-2), any case.
bool isMagneticFieldUnit(const QString &unit);

}  // namespace solarchip
