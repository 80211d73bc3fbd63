#include "core/archive/CatalogFixture.h"

#include "core/map/FitsHeader.h"
#include "core/map/FitsWriter.h"
#include "core/base/Image.h"
#include "core/map/MapMeta.h"
#include "core/map/SdoTime.h"
#include "core/map/SunEphemeris.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QSet>
#include <QTimeZone>

#include <cmath>
#include <cstring>

namespace solarchip {

namespace {

// A file image of one channel plus where its time and quality cards sit.
struct Template {
    QByteArray bytes;
    qsizetype tObs = -1, dateObs = -1, quality = -1;  // byte offsets of the cards
    bool tai = false;
    double exptime = 0;
};

QString aiaInstrume(const QString &ch)
{
    if (ch == QLatin1String("131") || ch == QLatin1String("335"))
        return QStringLiteral("AIA_1");
    if (ch == QLatin1String("193") || ch == QLatin1String("211"))
        return QStringLiteral("AIA_2");
    if (ch == QLatin1String("94") || ch == QLatin1String("304"))
        return QStringLiteral("AIA_4");
    return QStringLiteral("AIA_3");
}

const QString kIsoPlaceholder = QStringLiteral("2000-01-01T00:00:00.000");
const QString kTaiPlaceholder = QStringLiteral("2000.01.01_00:00:00.000_TAI");
const QString kDatePlaceholder = QStringLiteral("2000-01-01T00:00:00.00");

Expected<Template> makeTemplate(const QString &channel, const QString &scratch, const FixtureOptions &o)
{
    const bool hmi = channel.startsWith(QLatin1String("hmi"));
    const int n = o.size;
    // A mid-2011 observer; the catalog reads none of it, but the header should be a whole, valid SDO map.
    const QDateTime t0(QDate(2011, 6, 7), QTime(0, 0), QTimeZone::utc());
    const SunEphemeris eph = SunEphemeris::at(t0);
    const double rsunObs = std::asin(696000000.0 / eph.distanceM) * 180.0 / M_PI * 3600.0;
    FitsHeader h;
    Template t;
    if (!hmi) {
        if (!knownChannels().contains(channel))
            return Error{{}, QStringLiteral("fixture: unknown channel '%1'").arg(channel)};
        static const QHash<QString, double> exposures{{"94", 2.9}, {"131", 2.9}, {"171", 2.0}, {"193", 2.0},
                                                      {"211", 2.9}, {"304", 2.9}, {"335", 2.9}, {"1600", 2.9},
                                                      {"1700", 1.0}, {"4500", 1.0}};
        t.exptime = exposures.value(channel, 2.0);
        h.setString(QStringLiteral("TELESCOP"), QStringLiteral("SDO/AIA"));
        h.setString(QStringLiteral("INSTRUME"), aiaInstrume(channel));
        h.setInteger(QStringLiteral("WAVELNTH"), channel.toInt());
        h.setString(QStringLiteral("WAVEUNIT"), QStringLiteral("angstrom"));
        h.setString(QStringLiteral("T_OBS"), kIsoPlaceholder);
        h.setString(QStringLiteral("DATE-OBS"), kDatePlaceholder);
        h.setNumber(QStringLiteral("EXPTIME"), t.exptime);
        h.setString(QStringLiteral("BUNIT"), QStringLiteral("DN"));
        h.setNumber(QStringLiteral("LVL_NUM"), 1.0);
        h.setNumber(QStringLiteral("CROTA2"), -0.0137);
    } else {
        QString content, unit;
        if (channel == QLatin1String("hmi")) {
            content = QStringLiteral("MAGNETOGRAM");
            unit = QStringLiteral("Gauss");
        } else if (channel == QLatin1String("hmi_ic")) {
            content = QStringLiteral("CONTINUUM INTENSITY");
            unit = QStringLiteral("DN/s");
        } else if (channel == QLatin1String("hmi_v")) {
            content = QStringLiteral("DOPPLERGRAM");
            unit = QStringLiteral("m/s");
        } else {
            return Error{{}, QStringLiteral("fixture: no full-disk HMI template for '%1'").arg(channel)};
        }
        t.tai = true;
        h.setString(QStringLiteral("TELESCOP"), QStringLiteral("SDO/HMI"));
        h.setString(QStringLiteral("INSTRUME"), QStringLiteral("HMI_FRONT2"));
        h.setNumber(QStringLiteral("WAVELNTH"), 6173.0);
        h.setString(QStringLiteral("CONTENT"), content);
        h.setString(QStringLiteral("T_OBS"), kTaiPlaceholder);
        h.setString(QStringLiteral("DATE-OBS"), kDatePlaceholder);
        h.setString(QStringLiteral("BUNIT"), unit);
        h.setNumber(QStringLiteral("CROTA2"), 180.0824);
    }
    const double scale = (hmi ? 0.504 : 0.6) * 4096.0 / n;
    h.setInteger(QStringLiteral("QUALITY"), 0);
    h.setString(QStringLiteral("CTYPE1"), QStringLiteral("HPLN-TAN"));
    h.setString(QStringLiteral("CTYPE2"), QStringLiteral("HPLT-TAN"));
    h.setString(QStringLiteral("CUNIT1"), QStringLiteral("arcsec"));
    h.setString(QStringLiteral("CUNIT2"), QStringLiteral("arcsec"));
    h.setNumber(QStringLiteral("CRPIX1"), (n + 1) / 2.0);
    h.setNumber(QStringLiteral("CRPIX2"), (n + 1) / 2.0);
    h.setNumber(QStringLiteral("CRVAL1"), 0.0);
    h.setNumber(QStringLiteral("CRVAL2"), 0.0);
    h.setNumber(QStringLiteral("CDELT1"), scale);
    h.setNumber(QStringLiteral("CDELT2"), scale);
    h.setNumber(QStringLiteral("RSUN_OBS"), rsunObs);
    h.setNumber(QStringLiteral("RSUN_REF"), 696000000.0);
    h.setNumber(QStringLiteral("DSUN_OBS"), eph.distanceM);
    h.setNumber(QStringLiteral("CRLN_OBS"), eph.l0Deg);
    h.setNumber(QStringLiteral("CRLT_OBS"), eph.b0Deg);

    Image img(n, n);
    for (int y = 0; y < n; ++y)
        for (int x = 0; x < n; ++x)
            img.at(x, y) = float(x + y * n);
    FitsWriteOptions w;
    w.type = hmi ? FitsWriteOptions::Type::Float32 : FitsWriteOptions::Type::Int16;
    if (o.compressed) {
        w.compression = QStringLiteral("RICE_1");
        w.type = FitsWriteOptions::Type::Int16;
    }
    const QString path = scratch + QStringLiteral("/.fixture-template-") + channel + QStringLiteral(".fits");
    if (Status s = FitsWriter::write(path, h, img, w); !s)
        return s.error();
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error{path, QStringLiteral("cannot read back the fixture template")};
    t.bytes = f.readAll();
    f.close();
    QFile::remove(path);
    // Cards sit on 80-byte boundaries; the value of a string card starts after "KEYWORD = '" (column 12).
    for (qsizetype at = 0; at + 80 <= t.bytes.size(); at += 80) {
        const QByteArray key = t.bytes.mid(at, 8);
        if (key == "T_OBS   " && t.tObs < 0)
            t.tObs = at;
        else if (key == "DATE-OBS" && t.dateObs < 0)
            t.dateObs = at;
        else if (key == "QUALITY " && t.quality < 0)
            t.quality = at;
    }
    if (t.tObs < 0 || t.dateObs < 0 || t.quality < 0)
        return Error{path, QStringLiteral("fixture template: T_OBS, DATE-OBS or QUALITY card not found")};
    return t;
}

void patchString(QByteArray &bytes, qsizetype card, const QString &value)
{
    const QByteArray v = value.toLatin1();
    std::memcpy(bytes.data() + card + 11, v.constData(), size_t(v.size()));
}

quint64 splitmix(quint64 x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

}  // namespace

QString CatalogFixture::jsocPath(const FixtureFile &file)
{
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(file.timeMs, QTimeZone::utc());
    const QString folder = t.toString(QStringLiteral("yyyy/MM/dd/"));
    if (file.channel == QLatin1String("hmi") || file.channel == QLatin1String("hmi_ic")
        || file.channel == QLatin1String("hmi_v")) {
        const QString series = file.channel == QLatin1String("hmi") ? QStringLiteral("hmi.m_45s")
            : file.channel == QLatin1String("hmi_ic")               ? QStringLiteral("hmi.ic_45s")
                                                                    : QStringLiteral("hmi.v_45s");
        const QString segment = file.channel == QLatin1String("hmi") ? QStringLiteral("magnetogram")
            : file.channel == QLatin1String("hmi_ic")                ? QStringLiteral("continuum")
                                                                     : QStringLiteral("Dopplergram");
        const QDateTime tai = SdoTime::utcToTai(t);
        return folder + series + QLatin1Char('.') + tai.toString(QStringLiteral("yyyyMMdd_HHmmss")) +
               QStringLiteral("_TAI.2.") + segment + QStringLiteral(".fits");
    }
    const bool uv = file.channel == QLatin1String("1600") || file.channel == QLatin1String("1700");
    return folder + (uv ? QStringLiteral("aia.lev1_uv_24s.") : QStringLiteral("aia.lev1_euv_12s.")) +
           t.toString(QStringLiteral("yyyy-MM-ddTHHmmss")) + QStringLiteral("Z.") + file.channel +
           QStringLiteral(".image_lev1.fits");
}

QVector<FixtureFile> CatalogFixture::schedule(const QStringList &channels, const QDateTime &start, qint64 cadenceMs,
                                              int steps, qint64 jitterMs, quint32 seed)
{
    QVector<FixtureFile> out;
    out.reserve(qsizetype(channels.size()) * steps);
    const qint64 t0 = start.toMSecsSinceEpoch();
    for (int s = 0; s < steps; ++s) {
        for (int c = 0; c < channels.size(); ++c) {
            FixtureFile f;
            f.channel = channels[c];
            f.timeMs = t0 + qint64(s) * cadenceMs;
            if (jitterMs > 0) {
                const quint64 r = splitmix((quint64(seed) << 40) ^ (quint64(c) << 32) ^ quint64(s));
                f.timeMs += qint64(r % quint64(2 * jitterMs + 1)) - jitterMs;
            }
            out.push_back(f);
        }
    }
    return out;
}

Status CatalogFixture::write(const QString &dir, const QVector<FixtureFile> &files, const FixtureOptions &options)
{
    if (!QDir().mkpath(dir))
        return Error{dir, QStringLiteral("cannot create the folder")};
    QHash<QString, Template> templates;
    QSet<QString> folders;
    qint64 written = 0;
    for (const FixtureFile &file : files) {
        auto it = templates.find(file.channel);
        if (it == templates.end()) {
            auto t = makeTemplate(file.channel, dir, options);
            if (!t)
                return t.error();
            it = templates.insert(file.channel, *t);
        }
        const Template &t = *it;
        const QDateTime when = QDateTime::fromMSecsSinceEpoch(file.timeMs, QTimeZone::utc());
        QByteArray bytes = t.bytes;
        patchString(bytes, t.tObs, t.tai ? SdoTime::toJsocTai(when, 3) : SdoTime::toIso(when));
        patchString(bytes, t.dateObs, SdoTime::toFitsDate(when.addMSecs(-qint64(t.exptime * 500.0))));
        const QByteArray q = QByteArray::number(file.quality).rightJustified(20, ' ');
        std::memcpy(bytes.data() + t.quality + 10, q.constData(), 20);

        const QString rel = file.relativePath.isEmpty() ? jsocPath(file) : file.relativePath;
        const QString path = dir + QLatin1Char('/') + rel;
        const QString folder = path.left(path.lastIndexOf(QLatin1Char('/')));
        if (!folders.contains(folder)) {
            if (!QDir().mkpath(folder))
                return Error{folder, QStringLiteral("cannot create the folder")};
            folders.insert(folder);
        }
        QFile out(path);
        if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate) || out.write(bytes) != bytes.size())
            return Error{path, QStringLiteral("cannot write: %1").arg(out.errorString())};
        out.close();
        if (options.progress && ++written % 1000 == 0)
            options.progress(written);
    }
    return {};
}

}  // namespace solarchip
