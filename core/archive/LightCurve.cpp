#include "core/archive/LightCurve.h"

#include "core/archive/RegionSummary.h"
#include "core/map/DifferentialRotation.h"
#include "core/map/MapFile.h"
#include "core/map/PixelFrame.h"
#include "core/map/EarthObserver.h"
#include "core/map/Wcs.h"

#include <QDateTime>
#include <QFileInfo>
#include <QHash>
#include <QTimeZone>

#include <algorithm>

namespace solarchip {

int LightCurve::measured() const
{
    return static_cast<int>(std::count_if(points.begin(), points.end(),
                                          [](const LightCurvePoint &p) { return p.measure.has_value(); }));
}

Expected<QPointF> regionCentreAt(const LightCurveRegion &region, qint64 timeMs, const Observer &observer)
{
    if (region.noaa > 0) {
        const RegionSummary *report = region.reports ? region.reports->nearest(timeMs) : nullptr;
        if (!report)
            return Error{QString(), QStringLiteral("no Solar Region Summary within 36 h to place NOAA %1").arg(region.noaa)};
        for (const NoaaRegionSeen &s : regionsSeenAt(*report, timeMs, observer))
            if (s.region.number == region.noaa)
                return QPointF(s.tx, s.ty);
        const bool listed = std::any_of(report->regions.begin(), report->regions.end(),
                                        [&](const NoaaRegion &r) { return r.number == region.noaa; });
        return Error{QString(), listed ? QStringLiteral("NOAA %1 is past the limb at this time (%2)")
                                             .arg(region.noaa)
                                             .arg(QFileInfo(report->path).fileName())
                                       : QStringLiteral("NOAA %1 is not in the Solar Region Summary of this time (%2)")
                                             .arg(region.noaa)
                                             .arg(QFileInfo(report->path).fileName())};
    }
    const QPointF centre(region.box.tx, region.box.ty);
    if (!region.followRotation || timeMs == region.referenceMs)
        return centre;
    // The reference position as seen from Earth at the reference time (SDO is within a few arcsec of it).
    const Observer earth = earthObserverAt(QDateTime::fromMSecsSinceEpoch(region.referenceMs, QTimeZone::utc()), observer.rsun);
    LonLat start;
    if (!Wcs::helioprojectiveToStonyhurst(centre.x(), centre.y(), earth, start))
        return Error{QString(), QStringLiteral("the box centre (%1, %2) arcsec is off the disk, so it cannot follow the "
                                               "Sun's rotation (measure it fixed on the sky instead)")
                                    .arg(centre.x(), 0, 'f', 1).arg(centre.y(), 0, 'f', 1)};
    const QPointF moved = rotateStonyhurst(QPointF(start.lon, start.lat), region.referenceMs, timeMs);
    double tx = 0, ty = 0;
    bool visible = false;
    if (!Wcs::stonyhurstToHelioprojective(LonLat{moved.x(), moved.y()}, observer, tx, ty, &visible) || !visible)
        return Error{QString(), QStringLiteral("the region has rotated behind the limb (Stonyhurst longitude %1 deg)")
                                    .arg(moved.x(), 0, 'f', 1)};
    return QPointF(tx, ty);
}

QVector<LightCurve> measureLightCurves(const QVector<Observation> &observations, const LightCurveRegion &region,
                                       const std::function<bool(int done, int total)> &progress)
{
    QVector<Observation> sorted = observations;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const Observation &a, const Observation &b) { return a.timeMs < b.timeMs; });
    QVector<LightCurve> curves;
    QHash<QString, int> index;
    for (const Observation &o : observations)
        if (!index.contains(o.channel)) {
            index.insert(o.channel, static_cast<int>(curves.size()));
            curves.append(LightCurve{o.channel, {}, {}});
        }
    const int total = static_cast<int>(sorted.size());
    for (int i = 0; i < total; ++i) {
        const Observation &o = sorted[i];
        LightCurve &curve = curves[index.value(o.channel)];
        LightCurvePoint p;
        p.timeMs = o.timeMs;
        p.file = o.path;
        auto frame = MapFile::readFrame(o.path);
        if (!frame) {
            p.error = frame.error().message;
        } else {
            auto centre = regionCentreAt(region, o.timeMs, frame->wcs.observer());
            if (!centre) {
                p.error = centre.error().message;
            } else {
                SkyBox box = region.box;
                box.tx = centre->x();
                box.ty = centre->y();
                auto m = measureRegion(o.path, *frame, box);
                if (m) {
                    if (curve.unit.isEmpty())
                        curve.unit = m->unit;
                    p.measure = std::move(m.value());
                } else {
                    p.error = m.error().message;
                }
            }
        }
        curve.points.append(std::move(p));
        if (progress && !progress(i + 1, total))
            break;
    }
    return curves;
}

namespace {

QByteArray csvField(const QString &text)
{
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) && !text.contains(QLatin1Char('\n')))
        return text.toUtf8();
    QString quoted = text;
    quoted.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return (QLatin1Char('"') + quoted + QLatin1Char('"')).toUtf8();
}

QByteArray number(double v)
{
    return QByteArray::number(v, 'g', 10);
}

}  // namespace

QByteArray lightCurvesCsv(const QVector<LightCurve> &curves)
{
    QByteArray out("channel,time,file,tx,ty,width,height,unit,mean,mean_abs,min,max,std,sum,pixels,nan_pixels,exptime,"
                   "quality,error\n");
    for (const LightCurve &c : curves)
        for (const LightCurvePoint &p : c.points) {
            QList<QByteArray> f;
            f << csvField(c.channel)
              << QDateTime::fromMSecsSinceEpoch(p.timeMs, QTimeZone::utc()).toString(Qt::ISODateWithMs).toUtf8()
              << csvField(p.file);
            if (const auto &m = p.measure) {
                f << number(m->box.tx) << number(m->box.ty) << number(m->box.width) << number(m->box.height)
                  << csvField(m->unit) << number(m->mean) << number(m->meanAbs) << number(m->min) << number(m->max)
                  << number(m->std) << number(m->sum) << QByteArray::number(m->pixels)
                  << QByteArray::number(m->nanPixels) << number(m->exptime) << QByteArray::number(m->quality) << "";
            } else {
                for (int i = 0; i < 15; ++i)
                    f << QByteArray();
                f << csvField(p.error);
            }
            out += f.join(',') + '\n';
        }
    return out;
}

}  // namespace solarchip
