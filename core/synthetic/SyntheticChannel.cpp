#include "core/synthetic/SyntheticChannel.h"

#include <cmath>
#include <vector>

namespace solarchip {

namespace {

using K = SyntheticChannel::Kind;

// DN per photon: (hc/lambda / 3.65 eV per electron) / gain for EUV; UV photons free about one electron.
double euvDnPerPhoton(int wavelength, double gain) { return 12398.4 / wavelength / 3.65 / gain; }

std::vector<SyntheticChannel> makeTable()
{
    std::vector<SyntheticChannel> t;
    auto add = [&](SyntheticChannel c) { t.push_back(c); };
    SyntheticChannel c;

    c = {};
    c.key = QStringLiteral("94"); c.kind = K::Corona; c.wavelength = 94; c.detector = "AIA_4"; c.camera = 4;
    c.waveStr = "94_THIN"; c.exptime = 2.901; c.plateScale4096 = 0.600165; c.instRotDeg = 0.0562;
    c.x0Offset = 2.1; c.y0Offset = -2.9; c.obsOffsetS = 1.12; c.dnGain = 18.3; c.effArea = 0.312;
    c.quietRate = 0.55; c.coronaFraction = 0.5; c.scaleHeightMm = 55; c.lowHeightMm = 6; c.holeDepth = 0.6;
    c.networkContrast = 0.05; c.arDiffuse = 4.0; c.loopPeak = 9.0; c.flareArcade = 600; c.flareRibbon = 0;
    c.resp[0][0] = 1.0; c.resp[0][1] = 6.85; c.resp[0][2] = 0.12;
    c.resp[1][0] = 0.35; c.resp[1][1] = 6.05; c.resp[1][2] = 0.12;
    add(c);

    c = {};
    c.key = QStringLiteral("131"); c.kind = K::Corona; c.wavelength = 131; c.detector = "AIA_1"; c.camera = 1;
    c.waveStr = "131_THIN"; c.exptime = 2.901; c.plateScale4096 = 0.600698; c.instRotDeg = -0.1398;
    c.x0Offset = 1.3; c.y0Offset = -1.1; c.obsOffsetS = 8.62; c.dnGain = 17.6; c.effArea = 0.935;
    c.quietRate = 2.1; c.coronaFraction = 0.25; c.scaleHeightMm = 30; c.lowHeightMm = 4; c.holeDepth = 0.45;
    c.networkContrast = 0.35; c.arDiffuse = 6.0; c.loopPeak = 25; c.flareArcade = 1000; c.flareRibbon = 150;
    c.resp[0][0] = 1.0; c.resp[0][1] = 7.05; c.resp[0][2] = 0.12;
    c.resp[1][0] = 0.6; c.resp[1][1] = 5.6; c.resp[1][2] = 0.12;
    add(c);

    c = {};
    c.key = QStringLiteral("171"); c.kind = K::Corona; c.wavelength = 171; c.detector = "AIA_3"; c.camera = 3;
    c.waveStr = "171_THIN"; c.exptime = 2.000; c.plateScale4096 = 0.599489; c.instRotDeg = 0.0193;
    c.x0Offset = 4.35; c.y0Offset = -1.93; c.obsOffsetS = 0.34; c.dnGain = 17.7; c.effArea = 2.36;
    c.quietRate = 150; c.coronaFraction = 0.35; c.scaleHeightMm = 40; c.lowHeightMm = 4; c.holeDepth = 0.5;
    c.networkContrast = 0.12; c.arDiffuse = 180; c.loopPeak = 1400; c.flareArcade = 2000; c.flareRibbon = 400;
    c.resp[0][0] = 1.0; c.resp[0][1] = 5.85; c.resp[0][2] = 0.13;
    add(c);

    c = {};
    c.key = QStringLiteral("193"); c.kind = K::Corona; c.wavelength = 193; c.detector = "AIA_2"; c.camera = 2;
    c.waveStr = "193_THIN"; c.exptime = 2.000; c.plateScale4096 = 0.600758; c.instRotDeg = -0.1233;
    c.x0Offset = 3.2; c.y0Offset = -0.6; c.obsOffsetS = 5.84; c.dnGain = 18.3; c.effArea = 1.6;
    c.quietRate = 170; c.coronaFraction = 0.55; c.scaleHeightMm = 70; c.lowHeightMm = 5; c.holeDepth = 0.82;
    c.networkContrast = 0.1; c.arDiffuse = 600; c.loopPeak = 1000; c.flareArcade = 3000; c.flareRibbon = 300;
    c.resp[0][0] = 1.0; c.resp[0][1] = 6.2; c.resp[0][2] = 0.15;
    c.resp[1][0] = 0.25; c.resp[1][1] = 7.25; c.resp[1][2] = 0.12;
    add(c);

    c = {};
    c.key = QStringLiteral("211"); c.kind = K::Corona; c.wavelength = 211; c.detector = "AIA_2"; c.camera = 2;
    c.waveStr = "211_THIN"; c.exptime = 2.901; c.plateScale4096 = 0.600758; c.instRotDeg = -0.1233;
    c.x0Offset = 3.2; c.y0Offset = -0.6; c.obsOffsetS = 11.63 - 12.0; c.dnGain = 18.3; c.effArea = 0.55;
    c.quietRate = 28; c.coronaFraction = 0.6; c.scaleHeightMm = 85; c.lowHeightMm = 5; c.holeDepth = 0.85;
    c.networkContrast = 0.08; c.arDiffuse = 200; c.loopPeak = 450; c.flareArcade = 1200; c.flareRibbon = 100;
    c.resp[0][0] = 1.0; c.resp[0][1] = 6.3; c.resp[0][2] = 0.15;
    add(c);

    c = {};
    c.key = QStringLiteral("304"); c.kind = K::Chromosphere; c.wavelength = 304; c.detector = "AIA_4";
    c.camera = 4; c.waveStr = "304_THIN"; c.exptime = 2.901; c.plateScale4096 = 0.600165; c.instRotDeg = 0.0562;
    c.x0Offset = 2.1; c.y0Offset = -2.9; c.obsOffsetS = 6.12; c.dnGain = 18.3; c.effArea = 0.28;
    c.quietRate = 22; c.lowHeightMm = 5; c.holeDepth = 0.25; c.networkContrast = 0.6; c.plageRate = 160;
    c.plageField = 250; c.spotDepth = 0.2; c.limbU = -0.15; c.limbV = 0.0; c.arDiffuse = 8; c.loopPeak = 40;
    c.flareArcade = 300; c.flareRibbon = 800;
    c.resp[0][0] = 1.0; c.resp[0][1] = 4.9; c.resp[0][2] = 0.2;
    add(c);

    c = {};
    c.key = QStringLiteral("335"); c.kind = K::Corona; c.wavelength = 335; c.detector = "AIA_1"; c.camera = 1;
    c.waveStr = "335_THIN"; c.exptime = 2.901; c.plateScale4096 = 0.600698; c.instRotDeg = -0.1398;
    c.x0Offset = 1.3; c.y0Offset = -1.1; c.obsOffsetS = 3.62; c.dnGain = 17.6; c.effArea = 0.041;
    c.quietRate = 2.4; c.coronaFraction = 0.6; c.scaleHeightMm = 100; c.lowHeightMm = 6; c.holeDepth = 0.8;
    c.networkContrast = 0.05; c.arDiffuse = 14; c.loopPeak = 45; c.flareArcade = 200; c.flareRibbon = 0;
    c.resp[0][0] = 1.0; c.resp[0][1] = 6.45; c.resp[0][2] = 0.2;
    add(c);

    c = {};
    c.key = QStringLiteral("1600"); c.kind = K::UvContinuum; c.wavelength = 1600; c.detector = "AIA_3";
    c.camera = 3; c.waveStr = "1600"; c.exptime = 2.901; c.plateScale4096 = 0.609373; c.instRotDeg = -0.0386;
    c.x0Offset = 5.1; c.y0Offset = -3.4; c.obsOffsetS = 15.12; c.dnGain = 18.0; c.effArea = 0.0118;
    c.quietRate = 30; c.networkContrast = 1.6; c.plageRate = 220; c.plageField = 300; c.spotDepth = 0.7;
    c.limbU = 0.3; c.limbV = 0.0; c.flareRibbon = 2500;
    add(c);

    c = {};
    c.key = QStringLiteral("1700"); c.kind = K::UvContinuum; c.wavelength = 1700; c.detector = "AIA_3";
    c.camera = 3; c.waveStr = "1700"; c.exptime = 1.000; c.plateScale4096 = 0.609373; c.instRotDeg = -0.0386;
    c.x0Offset = 5.1; c.y0Offset = -3.4; c.obsOffsetS = 5.73; c.dnGain = 18.0; c.effArea = 0.0268;
    c.quietRate = 1400; c.networkContrast = 0.35; c.plageRate = 2200; c.plageField = 350; c.spotDepth = 0.75;
    c.limbU = 0.75; c.limbV = 0.0; c.flareRibbon = 4000;
    add(c);

    c = {};
    c.key = QStringLiteral("4500"); c.kind = K::Continuum; c.wavelength = 4500; c.detector = "AIA_3";
    c.camera = 3; c.waveStr = "4500"; c.exptime = 1.000; c.plateScale4096 = 0.609373; c.instRotDeg = -0.0386;
    c.x0Offset = 5.1; c.y0Offset = -3.4; c.obsOffsetS = 0.5; c.dnGain = 18.0; c.effArea = 0.09;
    c.quietRate = 6000; c.networkContrast = 0.0; c.plageRate = 150; c.plageField = 400; c.spotDepth = 0.8;
    c.limbU = 0.95; c.limbV = -0.2;
    add(c);

    // HMI: the 720 s observables are computed from the side camera before 2016-04-13 (CAMERA 1) and from
    // both cameras after (CAMERA 3); the renderer picks per date. CROTA2 about 179.93 deg.
    c = {};
    c.key = QStringLiteral("hmi"); c.kind = K::Magnetogram; c.hmi = true; c.wavelength = 6173;
    c.detector = "HMI_SIDE1"; c.camera = 1; c.exptime = 0; c.plateScale4096 = 0.504297; c.instRotDeg = 179.9298;
    c.x0Offset = -9.1; c.y0Offset = 5.9; c.readNoise = 0;
    add(c);

    c = {};
    c.key = QStringLiteral("hmi_ic"); c.kind = K::Continuum; c.hmi = true; c.wavelength = 6173;
    c.detector = "HMI_SIDE1"; c.camera = 1; c.exptime = 0; c.plateScale4096 = 0.504297; c.instRotDeg = 179.9298;
    c.x0Offset = -9.1; c.y0Offset = 5.9; c.quietRate = 62000; c.spotDepth = 0.8; c.plageRate = 900;
    c.plageField = 400; c.limbU = 0.88; c.limbV = -0.23; c.readNoise = 0;
    add(c);

    for (SyntheticChannel &ch : t) {
        if (ch.hmi)
            ch.dnPerPhoton = 0;
        else if (ch.wavelength < 1000)
            ch.dnPerPhoton = euvDnPerPhoton(ch.wavelength, ch.dnGain);
        else
            ch.dnPerPhoton = 1.0 / ch.dnGain;
    }
    return t;
}

const std::vector<SyntheticChannel> &table()
{
    static const std::vector<SyntheticChannel> t = makeTable();
    return t;
}

}  // namespace

double SyntheticChannel::response(double logT) const
{
    double r = 0;
    for (const auto &b : resp)
        if (b[0] > 0) {
            const double z = (logT - b[1]) / b[2];
            r += b[0] * std::exp(-0.5 * z * z);
        }
    return r;
}

const SyntheticChannel *SyntheticChannel::find(const QString &key)
{
    for (const SyntheticChannel &c : table())
        if (c.key == key)
            return &c;
    return nullptr;
}

QStringList SyntheticChannel::keys()
{
    QStringList k;
    for (const SyntheticChannel &c : table())
        k << c.key;
    return k;
}

}  // namespace solarchip
