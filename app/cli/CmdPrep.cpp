// solarchip prep IN -o OUT [...]: level 1.5 prep (north up, plate scale, recentring, exposure normalisation),
// or co-registration onto another map's frame (--to-frame), written as a float32 FITS file with a correct
// header. A thin adapter over core/Prep (the GUI and the training pipeline call the same functions).
#include "app/cli/Command.h"
#include "app/cli/CommandLine.h"
#include "app/cli/MapSummaryJson.h"

#include "core/map/FitsWriter.h"
#include "core/map/Prep.h"
#include "core/map/SdoTime.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QTextStream>

#include <cmath>

namespace solarchip::cli {

namespace {

const QString kCmd = QStringLiteral("prep");

// "512" -> 512x512, "800x600" -> 800x600. false on anything else.
bool parseSize(const QString &text, int &w, int &h)
{
    static const QRegularExpression re(QStringLiteral(R"(^\s*(\d+)\s*(?:[xX]\s*(\d+))?\s*$)"));
    const auto m = re.match(text);
    if (!m.hasMatch())
        return false;
    w = m.captured(1).toInt();
    h = m.captured(2).isEmpty() ? w : m.captured(2).toInt();
    return w > 0 && h > 0 && w <= 32000 && h <= 32000;
}

QJsonObject mapJson(const SdoMap &map) { return mapSummaryJson(map, computeStats(map.image)); }

int runPrep(const QStringList &args)
{
    CommandLine p(kCmd, QStringLiteral(
        "Prepare an SDO map (level 1.5): rotate to solar north, rescale to a plate scale, optionally recentre the\n"
        "disk and divide by the exposure time; or resample it onto the pixel grid of a reference map (--to-frame,\n"
        "e.g. HMI into an AIA frame). Writes float32 FITS with CRPIX/CDELT/CROTA2=0, LVL_NUM 1.5 and HISTORY."));
    p.addPositionalArgument(QStringLiteral("IN"), QStringLiteral("An AIA or HMI FITS file."));
    p.addOption({{QStringLiteral("o"), QStringLiteral("output")}, QStringLiteral("Output FITS file."), QStringLiteral("OUT")});
    p.addOption({QStringLiteral("scale"),
                 QStringLiteral("Plate scale in arcsec/px (default 0.6 for AIA; HMI keeps its own unless given)."),
                 QStringLiteral("ARCSEC")});
    p.addOption({QStringLiteral("size"), QStringLiteral("Output size: PX (square) or WxH (default: the input's)."),
                 QStringLiteral("PX")});
    p.addOption({QStringLiteral("recenter"), QStringLiteral("Put the disk centre at the image centre (full-disk maps).")});
    p.addOption({QStringLiteral("to-frame"),
                 QStringLiteral("Resample onto the pixel grid of this reference map (co-registration)."),
                 QStringLiteral("REF")});
    p.addOption({{QStringLiteral("exposure-normalise"), QStringLiteral("exposure-normalize")},
                 QStringLiteral("Divide by EXPTIME (DN -> DN/s).")});
    p.addOption({QStringLiteral("order"), QStringLiteral("Interpolation: 1 bilinear, 3 cubic (default 3)."),
                 QStringLiteral("1|3"), QStringLiteral("3")});
    p.addOption({QStringLiteral("downsample"),
                 QStringLiteral("Then area-average to PX or WxH (model resolution; NaN-aware)."), QStringLiteral("PX")});
    p.addOption({QStringLiteral("mask-off-disk"), QStringLiteral("Then set pixels outside the solar disk to NaN.")});
    p.addJsonOption(QStringLiteral("Print a JSON summary."));
    if (auto exit = p.parseOrExit(args, {1, 1, QStringLiteral("no IN file given"), QStringLiteral("exactly one IN file")}))
        return *exit;
    const QString in = p.positionalArguments().first();
    const QString out = p.value(QStringLiteral("output"));
    if (out.isEmpty())
        return p.usage(QStringLiteral("no output file given (-o OUT)"));

    PrepOptions opts;
    const QString order = p.value(QStringLiteral("order"));
    if (order == QLatin1String("1"))
        opts.interpolation = Interpolation::Bilinear;
    else if (order == QLatin1String("3"))
        opts.interpolation = Interpolation::Cubic;
    else
        return p.usage(QStringLiteral("--order must be 1 or 3, got '%1'").arg(order));
    bool scaleGiven = p.isSet(QStringLiteral("scale"));
    if (scaleGiven) {
        bool ok = false;
        opts.scale = p.value(QStringLiteral("scale")).toDouble(&ok);
        if (!ok || !(opts.scale > 0) || !std::isfinite(opts.scale))
            return p.usage(QStringLiteral("--scale must be a positive number of arcsec/px"));
    }
    if (p.isSet(QStringLiteral("size")) && !parseSize(p.value(QStringLiteral("size")), opts.width, opts.height))
        return p.usage(QStringLiteral("--size must be PX or WxH"));
    int dsW = 0, dsH = 0;
    if (p.isSet(QStringLiteral("downsample")) && !parseSize(p.value(QStringLiteral("downsample")), dsW, dsH))
        return p.usage(QStringLiteral("--downsample must be PX or WxH"));
    opts.recenter = p.isSet(QStringLiteral("recenter"));
    opts.exposureNormalise = p.isSet(QStringLiteral("exposure-normalise"));
    const QString ref = p.value(QStringLiteral("to-frame"));
    if (!ref.isEmpty() && (scaleGiven || p.isSet(QStringLiteral("size")) || opts.recenter))
        return p.usage(QStringLiteral("--to-frame takes the reference's grid: it cannot be combined with "
                                      "--scale, --size or --recenter"));

    QElapsedTimer total;
    total.start();
    auto map = SdoMap::load(in);
    if (!map)
        return fail(kCmd, map.error());
    const double loadS = total.nsecsElapsed() * 1e-9;
    const QJsonObject inputJson = mapJson(*map);
    if (!scaleGiven && ref.isEmpty() && map->meta.instrument != Instrument::AIA)
        opts.scale = 0;  // HMI (and others) keep their plate scale unless asked

    QElapsedTimer t;
    t.start();
    ResampleInfo info;
    Expected<SdoMap> result = Error{};
    if (!ref.isEmpty()) {
        auto frame = PixelFrame::fromFile(ref);
        if (!frame)
            return fail(kCmd, frame.error());
        SdoMap src = std::move(map.value());
        if (opts.exposureNormalise) {
            auto n = Prep::normaliseExposure(std::move(src));
            if (!n)
                return fail(kCmd, n.error());
            src = std::move(n.value());
        }
        result = Prep::toFrame(std::move(src), *frame, opts.interpolation, &info);
    } else {
        result = Prep::level15(std::move(map.value()), opts, &info);
    }
    if (!result)
        return fail(kCmd, result.error());
    if (dsW > 0) {
        result = Prep::downsample(std::move(result.value()), dsW, dsH);
        if (!result)
            return fail(kCmd, result.error());
    }
    if (p.isSet(QStringLiteral("mask-off-disk"))) {
        result = Prep::maskOffDisk(std::move(result.value()));
        if (!result)
            return fail(kCmd, result.error());
    }
    const double prepS = t.nsecsElapsed() * 1e-9;

    t.restart();
    const Status written = FitsWriter::write(out, result->header, result->image);
    if (!written)
        return fail(kCmd, written.error());
    const double writeS = t.nsecsElapsed() * 1e-9;

    if (p.json()) {
        printJson(QJsonObject{
            {QStringLiteral("input"), in},
            {QStringLiteral("output"), out},
            {QStringLiteral("reference"), ref.isEmpty() ? QJsonValue() : QJsonValue(ref)},
            {QStringLiteral("method"), info.method},
            {QStringLiteral("model_error_px"), info.modelErrorPx},
            {QStringLiteral("through_sphere"), info.throughSphere},
            {QStringLiteral("rotation_deg"), info.rotationDeg},
            {QStringLiteral("scale_factor"), info.scaleFactor},
            {QStringLiteral("interpolation"), opts.interpolation == Interpolation::Cubic ? 3 : 1},
            {QStringLiteral("in"), inputJson},
            {QStringLiteral("out"), mapJson(*result)},
            {QStringLiteral("seconds"), QJsonObject{{QStringLiteral("load"), loadS},
                                                    {QStringLiteral("prep"), prepS},
                                                    {QStringLiteral("write"), writeS},
                                                    {QStringLiteral("total"), total.nsecsElapsed() * 1e-9}}},
        });
    } else {
        const MapMeta &m = result->meta;
        QTextStream(stdout) << out << ": " << m.naxis1 << " x " << m.naxis2 << " px, " << m.cdelt1 << " arcsec/px, CRPIX "
                            << m.crpix1 << ", " << m.crpix2 << ", level " << m.level << ", " << m.unit << " (" << info.method
                            << " mapping, " << QString::number(prepS, 'f', 3) << " s)" << Qt::endl;
    }
    return kOk;
}

const Registration reg(kCmd, QStringLiteral("level 1.5 prep / co-registration of an SDO map to FITS"), runPrep);

}  // namespace
}  // namespace solarchip::cli
