#pragma once
// Small synthetic SDO-like FITS files for the dataset/trainer/embedding tests: an AIA map and an HMI
// magnetogram of the same instant with Gaussian features at chosen helioprojective positions. The geometry is
// written the way real files carry it (HMI rolled by ~180 degrees at another plate scale and reference pixel),
// and pixel values are computed from each file's own linear WCS (the TAN distortion is below 0.01 arcsec over
// the disk at these scales), so a feature's position in the files is known in closed form.

#include "core/map/FitsHeader.h"
#include "core/map/FitsWriter.h"
#include "core/base/Image.h"
#include "core/map/SdoTime.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QString>
#include <QTimeZone>

#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

namespace solarchip::test {

struct Blob {
    double tx = 0, ty = 0;  // helioprojective arcsec
    double amplitude = 0;
    double sigma = 40;      // arcsec
};

struct FakeMap {
    QString channel = QStringLiteral("171");  // "hmi" or an AIA wavelength
    int size = 256;
    double cdelt = 9.6;        // arcsec per pixel
    double crota2 = 0;         // degrees
    double crpixOffset = 0;    // CRPIX = (size+1)/2 + offset (both axes)
    double background = 10;
    bool nanOffDisk = false;   // HMI: NaN beyond the limb
    std::vector<Blob> blobs;
    QDateTime time = QDateTime(QDate(2011, 6, 7), QTime(6, 0, 0), QTimeZone::utc());
};

inline double fakeRsunArcsec() { return std::atan(6.96e8 / 1.51e11) * 180.0 / std::numbers::pi * 3600.0; }

/// The helioprojective position of 0-based pixel (x, y) of `m` (linear WCS with CROTA2).
inline void fakePixelToHpc(const FakeMap &m, double x, double y, double &tx, double &ty)
{
    const double crpix = (m.size + 1) / 2.0 + m.crpixOffset;
    const double dx = (x + 1 - crpix) * m.cdelt, dy = (y + 1 - crpix) * m.cdelt;
    const double r = m.crota2 * std::numbers::pi / 180.0;
    tx = std::cos(r) * dx - std::sin(r) * dy;
    ty = std::sin(r) * dx + std::cos(r) * dy;
}

inline Status writeFakeMap(const QString &path, const FakeMap &m)
{
    FitsHeader h;
    const bool hmi = m.channel == QLatin1String("hmi");
    if (hmi) {
        h.setString(QStringLiteral("TELESCOP"), QStringLiteral("SDO/HMI"));
        h.setString(QStringLiteral("INSTRUME"), QStringLiteral("HMI_FRONT2"));
        h.setString(QStringLiteral("CONTENT"), QStringLiteral("MAGNETOGRAM"));
        h.setNumber(QStringLiteral("WAVELNTH"), 6173);
        h.setString(QStringLiteral("BUNIT"), QStringLiteral("Gauss"));
        h.setString(QStringLiteral("T_OBS"), SdoTime::toJsocTai(m.time, 2));
    } else {
        h.setString(QStringLiteral("TELESCOP"), QStringLiteral("SDO/AIA"));
        const int w = m.channel.toInt();
        const QString det = (w == 171 || w == 1600 || w == 1700 || w == 4500) ? QStringLiteral("AIA_3")
                            : (w == 193 || w == 211)                         ? QStringLiteral("AIA_2")
                            : (w == 131 || w == 335)                         ? QStringLiteral("AIA_1")
                                                                              : QStringLiteral("AIA_4");
        h.setString(QStringLiteral("INSTRUME"), det);
        h.setNumber(QStringLiteral("WAVELNTH"), w);
        h.setString(QStringLiteral("BUNIT"), QStringLiteral("DN"));
        h.setNumber(QStringLiteral("EXPTIME"), 2.0);
        h.setString(QStringLiteral("T_OBS"), SdoTime::toFitsDate(m.time) + QStringLiteral("Z"));
    }
    h.setNumber(QStringLiteral("LVL_NUM"), 1.0);
    h.setString(QStringLiteral("CTYPE1"), QStringLiteral("HPLN-TAN"));
    h.setString(QStringLiteral("CTYPE2"), QStringLiteral("HPLT-TAN"));
    h.setString(QStringLiteral("CUNIT1"), QStringLiteral("arcsec"));
    h.setString(QStringLiteral("CUNIT2"), QStringLiteral("arcsec"));
    const double crpix = (m.size + 1) / 2.0 + m.crpixOffset;
    h.setNumber(QStringLiteral("CRPIX1"), crpix);
    h.setNumber(QStringLiteral("CRPIX2"), crpix);
    h.setNumber(QStringLiteral("CRVAL1"), 0);
    h.setNumber(QStringLiteral("CRVAL2"), 0);
    h.setNumber(QStringLiteral("CDELT1"), m.cdelt);
    h.setNumber(QStringLiteral("CDELT2"), m.cdelt);
    h.setNumber(QStringLiteral("CROTA2"), m.crota2);
    h.setNumber(QStringLiteral("DSUN_OBS"), 1.51e11);
    h.setNumber(QStringLiteral("RSUN_REF"), 6.96e8);
    h.setNumber(QStringLiteral("RSUN_OBS"), fakeRsunArcsec());
    h.setNumber(QStringLiteral("HGLN_OBS"), 0.0);
    h.setNumber(QStringLiteral("HGLT_OBS"), 0.5);
    h.setNumber(QStringLiteral("CRLN_OBS"), 100.0);
    h.setNumber(QStringLiteral("CRLT_OBS"), 0.5);
    h.setInteger(QStringLiteral("QUALITY"), 0);

    Image img(m.size, m.size);
    const double rsun = fakeRsunArcsec();
    for (int y = 0; y < m.size; ++y)
        for (int x = 0; x < m.size; ++x) {
            double tx, ty;
            fakePixelToHpc(m, x, y, tx, ty);
            if (m.nanOffDisk && std::hypot(tx, ty) > rsun) {
                img.at(x, y) = std::numeric_limits<float>::quiet_NaN();
                continue;
            }
            double v = m.background;
            for (const Blob &b : m.blobs) {
                const double r2 = (tx - b.tx) * (tx - b.tx) + (ty - b.ty) * (ty - b.ty);
                v += b.amplitude * std::exp(-0.5 * r2 / (b.sigma * b.sigma));
            }
            img.at(x, y) = static_cast<float>(v);
        }
    return FitsWriter::write(path, h, img);
}

/// A realistic pair: AIA north-up at 9.6"/px on 256 px, HMI rolled 179.93 deg at 8.4"/px on 300 px with an
/// offset reference pixel and NaN off the disk; both with the same features (HMI as signed field).
inline FakeMap fakeAia(const std::vector<Blob> &blobs, const QDateTime &t, const QString &channel = QStringLiteral("171"))
{
    FakeMap m;
    m.channel = channel;
    m.blobs = blobs;
    m.time = t.addSecs(1);
    return m;
}

inline FakeMap fakeHmi(std::vector<Blob> blobs, const QDateTime &t)
{
    FakeMap m;
    m.channel = QStringLiteral("hmi");
    m.size = 300;
    m.cdelt = 8.4;
    m.crota2 = 179.93;
    m.crpixOffset = 3.7;
    m.background = 0;
    m.nanOffDisk = true;
    for (Blob &b : blobs)
        b.amplitude = -b.amplitude;  // negative polarity: the signed log must keep the sign
    m.blobs = std::move(blobs);
    m.time = t;
    return m;
}

/// A small archive for trainer/embedding tests: `steps` co-temporal HMI + AIA 171 pairs, `hours` apart, with
/// two features that move (like active regions crossing the disk), AIA 128 px at 19.2"/px and HMI 150 px at
/// 16.8"/px rolled by ~180 degrees. Returns false on a write failure.
inline bool writeFakeArchive(const QString &dir, int steps, double hours = 6.0, int seed = 0)
{
    const QDateTime t0(QDate(2012, 3, 4), QTime(0, 0), QTimeZone::utc());
    for (int i = 0; i < steps; ++i) {
        const double phase = 0.7 * i + seed;
        const std::vector<Blob> b{{-600.0 + 1200.0 * std::fmod(0.137 * i + 0.05 * seed, 1.0), 300 * std::sin(phase), 900, 70},
                                  {500 * std::cos(1.3 * phase), -400.0 + 60 * (i % 7), 500, 50}};
        const QDateTime t = t0.addSecs(static_cast<qint64>(hours * 3600 * i));
        FakeMap aia = fakeAia(b, t);
        aia.size = 128;
        aia.cdelt = 19.2;
        FakeMap hmi = fakeHmi(b, t);
        hmi.size = 150;
        hmi.cdelt = 16.8;
        if (!writeFakeMap(dir + QStringLiteral("/aia_%1.fits").arg(i, 3, 10, QLatin1Char('0')), aia).ok()
            || !writeFakeMap(dir + QStringLiteral("/hmi_%1.fits").arg(i, 3, 10, QLatin1Char('0')), hmi).ok())
            return false;
    }
    return true;
}

/// A ViT backbone small enough for tests (32 px, 4x4 tokens, width 32), as `--preset FILE.json` takes it.
inline QByteArray testBackboneJson(int resolution = 32, int width = 32, int layers = 1)
{
    return QStringLiteral(R"({"arch":"vit","resolution":%1,"contrastive_dim":16,)"
                          R"("vit":{"input_dim":1,"patch_size":%2,"hidden_dim":%3,"layers":%4,"heads":2}})")
        .arg(resolution)
        .arg(resolution / 4)
        .arg(width)
        .arg(layers)
        .toUtf8();
}

/// What the pretraining tests (tst_trainer, tst_distributed) run on, written below `dir`: `archive`, a
/// writeFakeArchive() of 24 sets 6 h apart, and `backbone`, a testBackboneJson() file with `layers` layers for
/// --preset. Both paths stay empty when a file cannot be written.
struct PretrainFixture {
    QString archive, backbone;

    static PretrainFixture write(const QString &dir, int layers)
    {
        PretrainFixture f;
        const QString archive = dir + QStringLiteral("/archive");
        const QString backbone = dir + QStringLiteral("/backbone.json");
        QFile file(backbone);
        if (!QDir().mkpath(archive) || !writeFakeArchive(archive, 24, 6.0) || !file.open(QIODevice::WriteOnly)
            || file.write(testBackboneJson(32, 32, layers)) < 0)
            return f;
        f.archive = archive;
        f.backbone = backbone;
        return f;
    }
};

}  // namespace solarchip::test
