// solarchip info FILE [--json]: what a map is, where it is, and its pixel statistics.
#include "app/cli/Command.h"

#include "core/map/MapFile.h"
#include "core/map/SdoTime.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QTextStream>

#include <cmath>

namespace solarchip::cli {

namespace {

QJsonValue num(double v) { return std::isfinite(v) ? QJsonValue(v) : QJsonValue(); }

// Things a user should know before trusting the numbers.
QJsonArray warningsFor(const SdoMap &map, const ImageStats &s)
{
    QJsonArray w;
    if (s.finiteCount == 0)
        w.append(QStringLiteral("no finite pixels: the image holds only NaN/BLANK values"));
    if (map.meta.quality != 0)
        w.append(QStringLiteral("QUALITY = %1 (non-zero: the observation is flagged)").arg(map.meta.quality));
    if (map.meta.exptime <= 0 && map.meta.instrument == Instrument::AIA)
        w.append(QStringLiteral("no EXPTIME: exposure normalisation is impossible"));
    return w;
}

QJsonObject infoJson(const SdoMap &map)
{
    const MapMeta &m = map.meta;
    const ImageStats s = computeStats(map.image);
    QJsonObject stats{{QStringLiteral("min"), num(s.min)},
                      {QStringLiteral("max"), num(s.max)},
                      {QStringLiteral("mean"), num(s.mean)},
                      {QStringLiteral("std"), num(s.std)},
                      {QStringLiteral("nan_count"), static_cast<double>(s.nanCount)}};
    return QJsonObject{
        {QStringLiteral("file"), m.file},
        {QStringLiteral("instrument"), instrumentName(m.instrument)},
        {QStringLiteral("detector"), m.detector},
        {QStringLiteral("channel"), m.channel},
        {QStringLiteral("wavelength"), m.wavelength},
        {QStringLiteral("t_obs"), SdoTime::toIso(m.tObs)},
        {QStringLiteral("naxis1"), m.naxis1},
        {QStringLiteral("naxis2"), m.naxis2},
        {QStringLiteral("bitpix"), m.bitpix},
        {QStringLiteral("hdu"), map.source.hdu},
        {QStringLiteral("compression"), map.source.compression},
        {QStringLiteral("ctype1"), m.ctype1},
        {QStringLiteral("ctype2"), m.ctype2},
        {QStringLiteral("cdelt1"), m.cdelt1},
        {QStringLiteral("cdelt2"), m.cdelt2},
        {QStringLiteral("crpix1"), m.crpix1},
        {QStringLiteral("crpix2"), m.crpix2},
        {QStringLiteral("crval1"), m.crval1},
        {QStringLiteral("crval2"), m.crval2},
        {QStringLiteral("crota2"), m.crota2},
        {QStringLiteral("rsun_obs"), m.rsunObs},
        {QStringLiteral("dsun_obs"), m.dsunObs},
        {QStringLiteral("hgln_obs"), m.hglnObs},
        {QStringLiteral("hglt_obs"), m.hgltObs},
        {QStringLiteral("crln_obs"), m.crlnObs},
        {QStringLiteral("crlt_obs"), m.crltObs},
        {QStringLiteral("exptime"), m.exptime},
        {QStringLiteral("unit"), m.unit},
        {QStringLiteral("level"), m.level},
        {QStringLiteral("quality"), static_cast<double>(m.quality)},
        {QStringLiteral("stats"), stats},
        {QStringLiteral("warnings"), warningsFor(map, s)},
    };
}

int runInfo(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Print the metadata and pixel statistics of an SDO FITS file."));
    p.addHelpOption();
    p.addOption({QStringLiteral("json"), QStringLiteral("Print JSON.")});
    p.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("An AIA or HMI FITS file."), QStringLiteral("FILE..."));
    if (!p.parse(args))
        return usage(QStringLiteral("info"), p.errorText(), p.helpText());
    if (p.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << p.helpText();
        return kOk;
    }
    const QStringList files = p.positionalArguments();
    if (files.isEmpty())
        return usage(QStringLiteral("info"), QStringLiteral("no FILE given"), p.helpText());

    int rc = kOk;
    QJsonArray all;
    for (const QString &file : files) {
        auto map = MapFile::load(file);
        if (!map) {
            fail(QStringLiteral("info"), map.error());
            rc = kFailed;
            continue;
        }
        const QJsonObject o = infoJson(*map);
        if (p.isSet(QStringLiteral("json"))) {
            all.append(o);
            continue;
        }
        QTextStream out(stdout);
        const MapMeta &m = map->meta;
        const QJsonObject s = o.value(QStringLiteral("stats")).toObject();
        out << m.file << '\n'
            << "  " << m.displayName() << " UTC  (" << m.telescope << ", " << m.detector << ")\n"
            << "  " << m.naxis1 << " x " << m.naxis2 << " px, BITPIX " << m.bitpix << ", HDU " << map->source.hdu
            << (map->source.compressed ? QStringLiteral(" (%1)").arg(map->source.compression) : QString()) << '\n'
            << "  CDELT " << m.cdelt1 << ", " << m.cdelt2 << "  CRPIX " << m.crpix1 << ", " << m.crpix2
            << "  CROTA2 " << m.crota2 << " deg\n"
            << "  RSUN_OBS " << m.rsunObs << " arcsec, DSUN_OBS " << m.dsunObs << " m, B0 " << m.hgltObs << " deg\n"
            << "  EXPTIME " << m.exptime << " s, unit " << m.unit << ", level " << m.level << ", QUALITY " << m.quality
            << '\n'
            << "  min " << s.value(QStringLiteral("min")).toDouble() << "  max " << s.value(QStringLiteral("max")).toDouble()
            << "  mean " << s.value(QStringLiteral("mean")).toDouble() << "  std " << s.value(QStringLiteral("std")).toDouble()
            << "  NaN " << s.value(QStringLiteral("nan_count")).toDouble() << Qt::endl;
        for (const QJsonValue &w : o.value(QStringLiteral("warnings")).toArray())
            out << "  warning: " << w.toString() << Qt::endl;
    }
    if (p.isSet(QStringLiteral("json"))) {
        if (files.size() == 1 && all.size() == 1)
            printJson(all.first().toObject());
        else if (!all.isEmpty())
            printJson(QJsonDocument(all));
    }
    return rc;
}

const Registration reg(QStringLiteral("info"), QStringLiteral("metadata and statistics of SDO FITS files"), runInfo);

}  // namespace
}  // namespace solarchip::cli
