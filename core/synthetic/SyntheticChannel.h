#pragma once
// What the synthetic archive knows about each SDO channel: the instrument facts written into headers
// (telescope, camera, nominal exposure, plate scale, pointing offsets, time offset in the observing sequence,
// gain, effective area) and how the channel sees the Sun (quiet-Sun rate, which layer of the atmosphere it
// images, its temperature response, how coronal holes, network, plage, sunspots and flares appear in it).
// Rates are DN/s per full-resolution (0.6") pixel; the renderer turns them into DN for the exposure.
// The numbers are typical of the early SDO mission (2010-2014), rounded; they make images look and count like
// real level-1 data, not a calibrated instrument model.

#include <QString>
#include <QStringList>

namespace solarchip {

struct SyntheticChannel {
    enum class Kind {
        Corona,         // optically thin EUV (94, 131, 171, 193, 211, 335): limb brightening, off-limb corona
        Chromosphere,   // 304: optically thick disk, thin bright rim and spicule layer above the limb
        UvContinuum,    // 1600, 1700: limb darkening, network and plage bright, sunspots dark
        Continuum,      // 4500, HMI continuum: limb darkening, sunspots dark, faculae near the limb
        Magnetogram,    // HMI line-of-sight field
    };

    QString key;            // canonical channel key
    Kind kind = Kind::Corona;
    bool hmi = false;
    int wavelength = 0;     // Angstrom
    const char *detector = "";  // INSTRUME
    int camera = 0;
    const char *waveStr = "";
    double exptime = 2.0;       // nominal exposure, s (HMI: 0)
    double plateScale4096 = 0.6;  // arcsec/px at 4096 (IMSCL_MP)
    double instRotDeg = 0;      // INST_ROT: CROTA2 = INST_ROT + SAT_ROT (AIA); HMI: CROTA2 about 180
    double x0Offset = 0, y0Offset = 0;  // Sun centre minus CCD centre at 4096, pixels
    double obsOffsetS = 0;      // DATE-OBS after the nominal time in the 12 s (EUV) / 24 s (UV) cycle
    double dnGain = 18.0;       // electrons per DN
    double effArea = 1.0;       // cm^2
    double dnPerPhoton = 1.0;   // DN per detected photon (photon noise)
    double readNoise = 1.15;    // DN at full resolution

    double quietRate = 100;     // DN/s at disk centre, quiet Sun
    double coronaFraction = 0.4;  // Corona: share of the disk-centre emission in the hot stratified layer
    double scaleHeightMm = 60;  // scale height of that layer
    double lowHeightMm = 4;     // scale height of the low (transition-region-like) layer
    double holeDepth = 0.8;     // fractional darkening inside coronal holes
    double networkContrast = 0.2;
    double plageRate = 0;       // added DN/s at saturated plage (|B| >> plageField)
    double plageField = 300;    // Gauss
    double spotDepth = 0;       // fractional darkening of umbrae
    double limbU = 0, limbV = 0;  // limb darkening I(mu)/I(1) = 1 - u (1 - mu) - v (1 - mu^2)
    double arDiffuse = 0;       // diffuse active-region corona, DN/s at 1e22 Mx
    double loopPeak = 0;        // loop surface brightness at the response peak, DN/s
    double flareArcade = 0;     // flare arcade brightness at C1.0 and the response peak, DN/s
    double flareRibbon = 0;     // flare ribbon brightness at C1.0, DN/s
    double resp[3][3] = {};     // temperature response: up to three (amplitude, log T, sigma) bumps

    /// Relative response at log10(T/K) (peak 1 for the main bump).
    double response(double logT) const;
    bool isAia() const { return !hmi; }

    static const SyntheticChannel *find(const QString &key);
    /// Every channel the generator can write, in the order AIA by wavelength, then HMI.
    static QStringList keys();
};

}  // namespace solarchip
