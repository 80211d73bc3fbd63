// solarchip info FILE [--json]: what a map is, where it is, and its pixel statistics.
#include "app/cli/Command.h"
#include "app/cli/CommandLine.h"
#include "app/cli/MapSummaryJson.h"

#include "core/map/MapFile.h"
#include "core/map/SdoTime.h"

#include <QJsonArray>
#include <QTextStream>


namespace solarchip::cli {

namespace {

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
    QJsonObject o = mapSummaryJson(map, s);
    // What only `info` shows: where the pixels come from, the observer, and the warnings.
    const QJsonObject more{
        {QStringLiteral("file"), m.file},
        {QStringLiteral("detector"), m.detector},
        {QStringLiteral("wavelength"), m.wavelength},
        {QStringLiteral("bitpix"), m.bitpix},
        {QStringLiteral("hdu"), map.source.hdu},
        {QStringLiteral("compression"), map.source.compression},
        {QStringLiteral("ctype1"), m.ctype1},
        {QStringLiteral("ctype2"), m.ctype2},
        {QStringLiteral("dsun_obs"), m.dsunObs},
        {QStringLiteral("hgln_obs"), m.hglnObs},
        {QStringLiteral("hglt_obs"), m.hgltObs},
        {QStringLiteral("crln_obs"), m.crlnObs},
        {QStringLiteral("crlt_obs"), m.crltObs},
        {QStringLiteral("quality"), static_cast<double>(m.quality)},
        {QStringLiteral("warnings"), warningsFor(map, s)},
    };
    for (auto it = more.begin(); it != more.end(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

int runInfo(const QStringList &args)
{
    CommandLine p(QStringLiteral("info"), QStringLiteral("Print the metadata and pixel statistics of an SDO FITS file."));
    p.addJsonOption();
    p.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("An AIA or HMI FITS file."), QStringLiteral("FILE..."));
    if (auto exit = p.parseOrExit(args, Positionals::atLeast(1, QStringLiteral("no FILE given"))))
        return *exit;
    const QStringList files = p.positionalArguments();

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
        if (p.json()) {
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
    if (p.json()) {
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
