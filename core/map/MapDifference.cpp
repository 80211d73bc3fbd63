#include "core/map/MapDifference.h"

#include <QFileInfo>
#include <QStringList>

#include <cmath>
#include <limits>

namespace solarchip {

namespace {

QString fileName(const SdoMap &m)
{
    const QString f = m.meta.file.isEmpty() ? m.source.file : m.meta.file;
    return f.isEmpty() ? QStringLiteral("(unnamed map)") : QFileInfo(f).fileName();
}

QString timeText(const QDateTime &t, bool withSeconds, bool withDate)
{
    const QDateTime u = t.toUTC();
    QString fmt = withSeconds ? QStringLiteral("HH:mm:ss") : QStringLiteral("HH:mm");
    if (withDate)
        fmt = QStringLiteral("yyyy-MM-dd ") + fmt;
    return u.toString(fmt);
}

// Largest tolerated distance, in reference pixels, between where the two WCSs put the same world point,
// sampled at the centre and the four corners of the current map.
Status checkAligned(const SdoMap &cur, const SdoMap &ref, const DifferenceOptions &o)
{
    const double scaleX = ref.meta.cdelt1 != 0 ? cur.meta.cdelt1 / ref.meta.cdelt1 : 0;
    const double scaleY = ref.meta.cdelt2 != 0 ? cur.meta.cdelt2 / ref.meta.cdelt2 : 0;
    if (std::abs(scaleX - 1.0) > o.maxScaleMismatch || std::abs(scaleY - 1.0) > o.maxScaleMismatch)
        return Error{cur.meta.file,
                     QStringLiteral("not co-aligned with %1: plate scales differ (%2\" vs %3\" per pixel); "
                                    "prep both maps to a common frame first")
                         .arg(fileName(ref))
                         .arg(cur.meta.cdelt1)
                         .arg(ref.meta.cdelt1)};
    if (!cur.wcs.isValid() || !ref.wcs.isValid())
        return Status::success();
    const double w = cur.image.width - 1, h = cur.image.height - 1;
    const double pts[5][2] = {{w / 2, h / 2}, {0, 0}, {w, 0}, {0, h}, {w, h}};
    double worst = 0;
    for (const auto &p : pts) {
        double tx = 0, ty = 0, x = 0, y = 0;
        if (!cur.wcs.pixelToHelioprojective(p[0], p[1], tx, ty) || !ref.wcs.helioprojectiveToPixel(tx, ty, x, y))
            continue;
        worst = std::max(worst, std::hypot(x - p[0], y - p[1]));
    }
    if (worst > o.maxOffsetPixels)
        return Error{cur.meta.file, QStringLiteral("not co-aligned with %1: the same point on the Sun is %2 pixels "
                                                   "apart in the two maps; prep both maps to a common frame first")
                                        .arg(fileName(ref))
                                        .arg(worst, 0, 'f', 2)};
    return Status::success();
}

}  // namespace

QString formatTimeStep(double seconds)
{
    if (!std::isfinite(seconds))
        return QStringLiteral("?");
    const QString sign = seconds < 0 ? QStringLiteral("\u2212") : QString();
    long long s = std::llround(std::abs(seconds));
    auto two = [&](long long big, const char *bigUnit, long long small, const char *smallUnit) {
        QString t = QString::number(big) + QLatin1Char(' ') + QLatin1String(bigUnit);
        if (small != 0)
            t += QLatin1Char(' ') + QString::number(small) + QLatin1Char(' ') + QLatin1String(smallUnit);
        return sign + t;
    };
    if (s < 60)
        return sign + QString::number(s) + QStringLiteral(" s");
    if (s < 3600)
        return two(s / 60, "min", s % 60, "s");
    if (s < 48 * 3600) {
        const long long m = (s + 30) / 60;  // to the minute
        return two(m / 60, "h", m % 60, "min");
    }
    const long long h = (s + 1800) / 3600;  // to the hour
    return two(h / 24, "d", h % 24, "h");
}

QString differenceLabel(const MapMeta &current, const MapMeta &reference)
{
    // The whole channel name ("AIA 171 Å"), as every other caption: the view wraps a long label, never cuts it.
    const QString channel = channelLabel(current.channel);
    const QDateTime a = current.tObs.toUTC(), b = reference.tObs.toUTC();
    const bool seconds = a.time().second() != 0 || b.time().second() != 0;
    const bool sameDay = a.date() == b.date();
    const double dt = b.msecsTo(a) / 1000.0;
    return QStringLiteral("%1 %2 \u2212 %3 (\u0394t = %4)")
        .arg(channel, timeText(a, seconds, true), timeText(b, seconds, !sameDay), formatTimeStep(dt));
}

QString differenceBlankNote(const DifferenceMap &difference)
{
    if (difference.pixels <= 0 || difference.blank() <= 0)
        return {};
    auto percent = [&](long long count) {
        const double p = 100.0 * double(count) / double(difference.pixels);
        return QString::number(p, 'f', p < 1 ? 2 : 1) + QStringLiteral(" %");
    };
    QStringList parts;
    if (difference.blankInCurrent > 0) {
        const bool hmi = difference.map.meta.instrument == Instrument::HMI;
        parts << QStringLiteral("%1 no data in this map%2")
                     .arg(percent(difference.blankInCurrent), hmi ? QStringLiteral(" (HMI has none off the disk)") : QString());
    }
    if (difference.blankByReference > 0)
        parts << QStringLiteral("%1 none in the reference (outside its field of view or blank there)").arg(percent(difference.blankByReference));
    return QStringLiteral("blank: ") + parts.join(QStringLiteral("; "));
}

QString differenceTitle(const DifferenceMap &difference)
{
    const QString note = differenceBlankNote(difference);
    return note.isEmpty() ? difference.label : difference.label + QLatin1Char('\n') + note;
}

Expected<DifferenceMap> differenceMap(const SdoMap &current, const SdoMap &reference, DifferenceMap::Kind kind,
                                      const DifferenceOptions &options)
{
    if (current.image.isEmpty() || reference.image.isEmpty())
        return Error{current.meta.file, QStringLiteral("cannot build a difference image from an empty map")};
    if (current.image.width != reference.image.width || current.image.height != reference.image.height)
        return Error{current.meta.file, QStringLiteral("cannot subtract %1: sizes differ (%2x%3 vs %4x%5)")
                                            .arg(fileName(reference))
                                            .arg(current.image.width)
                                            .arg(current.image.height)
                                            .arg(reference.image.width)
                                            .arg(reference.image.height)};
    if (current.meta.channel != reference.meta.channel)
        return Error{current.meta.file, QStringLiteral("cannot subtract %1: different channels (%2 vs %3)")
                                            .arg(fileName(reference), channelLabel(current.meta.channel),
                                                 channelLabel(reference.meta.channel))};
    if (Status aligned = checkAligned(current, reference, options); !aligned)
        return aligned.error();

    double fc = 1.0, fr = 1.0;
    QString unit = current.meta.unit;
    if (options.normaliseByExposure) {
        if (unit.contains(QLatin1String("/s")))
            return Error{current.meta.file,
                         QStringLiteral("already in %1: cannot normalise by exposure a second time").arg(unit)};
        if (!(current.meta.exptime > 0))
            return Error{current.meta.file, QStringLiteral("no EXPTIME: cannot normalise by exposure")};
        if (!(reference.meta.exptime > 0))
            return Error{reference.meta.file, QStringLiteral("no EXPTIME: cannot normalise by exposure")};
        fc = 1.0 / current.meta.exptime;
        fr = 1.0 / reference.meta.exptime;
        unit = (unit.isEmpty() ? QStringLiteral("DN") : unit) + QStringLiteral("/s");
    }

    DifferenceMap out;
    out.kind = kind;
    out.map.meta = current.meta;
    out.map.wcs = current.wcs;
    out.map.header = current.header;
    out.map.source = current.source;
    out.map.filePixels = current.filePixels;  // the readout names the current file's pixel and reads its value
    out.map.filePixels.derived = true;
    out.map.image = Image(current.image.width, current.image.height);
    const size_t n = current.image.size();
    const float *a = current.image.data();
    const float *b = reference.image.data();
    float *d = out.map.image.data();
    const float nan = std::numeric_limits<float>::quiet_NaN();
    long long blankInCurrent = 0, blankByReference = 0;
    for (size_t i = 0; i < n; ++i) {
        const float va = a[i], vb = b[i];
        const bool hasA = std::isfinite(va), hasB = std::isfinite(vb);
        blankInCurrent += !hasA;
        blankByReference += hasA && !hasB;
        d[i] = hasA && hasB ? float(double(va) * fc - double(vb) * fr) : nan;
    }
    out.pixels = static_cast<long long>(n);
    out.blankInCurrent = blankInCurrent;
    out.blankByReference = blankByReference;
    out.map.meta.unit = unit;
    out.label = differenceLabel(current.meta, reference.meta);
    out.dtSeconds = reference.meta.tObs.msecsTo(current.meta.tObs) / 1000.0;
    out.referenceFile = reference.meta.file;

    FitsHeader &h = out.map.header;
    if (options.normaliseByExposure) {
        h.setString(QStringLiteral("BUNIT"), unit, QStringLiteral("difference of exposure-normalised maps"));
        if (h.has(QStringLiteral("PIXLUNIT")))
            h.setString(QStringLiteral("PIXLUNIT"), unit);
    }
    h.addHistory(QStringLiteral("%1 difference: this map minus %2")
                     .arg(kind == DifferenceMap::Kind::Running ? QStringLiteral("running") : QStringLiteral("base"),
                          fileName(reference)));
    h.addHistory(QStringLiteral("reference T_OBS %1, dt = %2 s%3")
                     .arg(reference.meta.tObs.toUTC().toString(Qt::ISODateWithMs))
                     .arg(out.dtSeconds, 0, 'f', 3)
                     .arg(options.normaliseByExposure ? QStringLiteral(", both divided by EXPTIME") : QString()));
    if (out.blank() > 0)
        h.addHistory(QStringLiteral("%1 of %2 pixels blank (NaN): %3 without data in this map, %4 without data in "
                                    "the reference")
                         .arg(out.blank()).arg(out.pixels).arg(out.blankInCurrent).arg(out.blankByReference));
    return out;
}

Expected<std::vector<DifferenceMap>> runningDifferences(const std::vector<SdoMap> &maps, const DifferenceOptions &options)
{
    if (maps.size() < 2)
        return Error{maps.empty() ? QString() : maps.front().meta.file,
                     QStringLiteral("running differences need at least two maps (got %1)").arg(maps.size())};
    std::vector<DifferenceMap> out;
    out.reserve(maps.size() - 1);
    for (size_t i = 1; i < maps.size(); ++i) {
        auto d = differenceMap(maps[i], maps[i - 1], DifferenceMap::Kind::Running, options);
        if (!d)
            return d.error();
        out.push_back(std::move(d.value()));
    }
    return out;
}

Expected<std::vector<DifferenceMap>> baseDifferences(const std::vector<SdoMap> &maps, const SdoMap &base,
                                                     const DifferenceOptions &options)
{
    std::vector<DifferenceMap> out;
    out.reserve(maps.size());
    for (const SdoMap &m : maps) {
        auto d = differenceMap(m, base, DifferenceMap::Kind::Base, options);
        if (!d)
            return d.error();
        out.push_back(std::move(d.value()));
    }
    return out;
}

}  // namespace solarchip
