#include "models/data/DatasetSpec.h"

#include "core/map/MapMeta.h"

#include <QJsonArray>

namespace solarchip {

namespace {

QString interpolationName(Interpolation i) { return i == Interpolation::Cubic ? QStringLiteral("cubic") : QStringLiteral("bilinear"); }

}  // namespace

ModelNormalize PrepSpec::defaultNormalize()
{
    ModelNormalize n;
    n.transform = ModelTransform::SignedLog;
    n.scale = 1.0;
    return n;
}

QString PrepSpec::geometryKey() const
{
    QString key = QStringLiteral("res=%1;over=%2;ref=%3;interp=%4;expnorm=%5")
                      .arg(resolution)
                      .arg(oversample)
                      .arg(referenceChannel, interpolationName(interpolation))
                      .arg(exposureNormalise ? 1 : 0);
    // Appended only when set: the cache entries of the default geometry keep their keys.
    if (diskRadiusFraction > 0)
        key += QStringLiteral(";rfix=%1").arg(diskRadiusFraction, 0, 'g', 10);
    return key;
}

ModelFrameSpec PrepSpec::frameSpec(int gridSize) const
{
    ModelFrameSpec spec;
    spec.resolution = resolution;
    spec.oversample = oversample;
    spec.gridSize = gridSize;
    spec.interpolation = interpolation;
    spec.diskRadiusFraction = diskRadiusFraction;
    return spec;
}

QString PrepSpec::validate() const
{
    if (resolution < 8 || resolution > 8192)
        return QStringLiteral("resolution %1 is outside 8..8192").arg(resolution);
    if (oversample < 1 || oversample > 8)
        return QStringLiteral("oversample %1 is outside 1..8").arg(oversample);
    if (!(diskRadiusFraction >= 0 && diskRadiusFraction <= 1.5))
        return QStringLiteral("disk radius fraction %1 is outside 0..1.5").arg(diskRadiusFraction);
    if (!referenceChannel.isEmpty() && canonicalChannel(referenceChannel) != referenceChannel)
        return QStringLiteral("reference channel '%1' is not a canonical channel key").arg(referenceChannel);
    return {};
}

QJsonObject PrepSpec::toJson() const
{
    QJsonObject o{{QStringLiteral("resolution"), resolution},
                  {QStringLiteral("oversample"), oversample},
                  {QStringLiteral("reference_channel"), referenceChannel},
                  {QStringLiteral("interpolation"), interpolationName(interpolation)},
                  {QStringLiteral("exposure_normalise"), exposureNormalise},
                  {QStringLiteral("normalize"), normalize.toJson()}};
    if (diskRadiusFraction > 0)
        o.insert(QStringLiteral("disk_radius_fraction"), diskRadiusFraction);
    return o;
}

Expected<PrepSpec> PrepSpec::fromJson(const QJsonObject &json)
{
    PrepSpec p;
    p.resolution = json.value(QStringLiteral("resolution")).toInt(p.resolution);
    p.oversample = json.value(QStringLiteral("oversample")).toInt(p.oversample);
    p.referenceChannel = json.value(QStringLiteral("reference_channel")).toString();
    const QString interp = json.value(QStringLiteral("interpolation")).toString(QStringLiteral("bilinear"));
    if (interp == QLatin1String("cubic"))
        p.interpolation = Interpolation::Cubic;
    else if (interp == QLatin1String("bilinear"))
        p.interpolation = Interpolation::Bilinear;
    else
        return Error{{}, QStringLiteral("prep: unknown interpolation '%1'").arg(interp)};
    p.exposureNormalise = json.value(QStringLiteral("exposure_normalise")).toBool(false);
    p.diskRadiusFraction = json.value(QStringLiteral("disk_radius_fraction")).toDouble(0);
    if (json.contains(QStringLiteral("normalize"))) {
        auto n = ModelNormalize::fromJson(json.value(QStringLiteral("normalize")).toObject());
        if (!n)
            return n.error();
        p.normalize = *n;
    }
    const QString problem = p.validate();
    if (!problem.isEmpty())
        return Error{{}, QStringLiteral("prep: ") + problem};
    return p;
}

QJsonObject AugmentSpec::toJson() const
{
    QJsonObject o{{QStringLiteral("max_rotation_deg"), maxRotationDeg},
                  {QStringLiteral("hflip_probability"), hflipProbability},
                  {QStringLiteral("vflip_probability"), vflipProbability}};
    if (modalityQuarterTurns)
        o.insert(QStringLiteral("modality_quarter_turns"), true);
    return o;
}

AugmentSpec AugmentSpec::fromJson(const QJsonObject &json)
{
    AugmentSpec a;
    a.maxRotationDeg = json.value(QStringLiteral("max_rotation_deg")).toDouble(a.maxRotationDeg);
    a.hflipProbability = json.value(QStringLiteral("hflip_probability")).toDouble(a.hflipProbability);
    a.vflipProbability = json.value(QStringLiteral("vflip_probability")).toDouble(a.vflipProbability);
    a.modalityQuarterTurns = json.value(QStringLiteral("modality_quarter_turns")).toBool(false);
    return a;
}

QJsonObject SplitSpec::toJson() const
{
    return QJsonObject{{QStringLiteral("validation_fraction"), validationFraction},
                       {QStringLiteral("gap_ms"), static_cast<double>(gapMs)}};
}

SplitSpec SplitSpec::fromJson(const QJsonObject &json)
{
    SplitSpec s;
    s.validationFraction = json.value(QStringLiteral("validation_fraction")).toDouble(s.validationFraction);
    s.gapMs = static_cast<qint64>(json.value(QStringLiteral("gap_ms")).toDouble(static_cast<double>(s.gapMs)));
    return s;
}

QJsonObject SelectionSpec::toJson() const
{
    return QJsonObject{{QStringLiteral("channels"), QJsonArray::fromStringList(channels)},
                       {QStringLiteral("tolerance_ms"), static_cast<double>(toleranceMs)},
                       {QStringLiteral("min_spacing_ms"), static_cast<double>(minSpacingMs)},
                       {QStringLiteral("nominal_quality_only"), nominalQualityOnly},
                       {QStringLiteral("from_ms"), static_cast<double>(fromMs)},
                       {QStringLiteral("to_ms"), static_cast<double>(toMs)}};
}

Expected<SelectionSpec> SelectionSpec::fromJson(const QJsonObject &json)
{
    SelectionSpec s;
    for (const QJsonValue &v : json.value(QStringLiteral("channels")).toArray()) {
        const QString c = canonicalChannel(v.toString());
        if (c.isEmpty())
            return Error{{}, QStringLiteral("selection: '%1' is not an SDO channel").arg(v.toString())};
        s.channels << c;
    }
    s.toleranceMs = static_cast<qint64>(json.value(QStringLiteral("tolerance_ms")).toDouble(static_cast<double>(s.toleranceMs)));
    s.minSpacingMs = static_cast<qint64>(json.value(QStringLiteral("min_spacing_ms")).toDouble(0));
    s.nominalQualityOnly = json.value(QStringLiteral("nominal_quality_only")).toBool(false);
    s.fromMs = static_cast<qint64>(json.value(QStringLiteral("from_ms")).toDouble(0));
    s.toMs = static_cast<qint64>(json.value(QStringLiteral("to_ms")).toDouble(0));
    return s;
}

}  // namespace solarchip
