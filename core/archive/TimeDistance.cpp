#include "core/archive/TimeDistance.h"

#include "core/archive/LightCurve.h"
#include "core/map/FitsReader.h"
#include "core/map/MapFile.h"
#include "core/map/PixelFrame.h"
#include "core/map/Wcs.h"

#include <QDateTime>
#include <QTimeZone>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace solarchip {

namespace {

constexpr int kMaxSamples = 20000;
constexpr double kAu = 149597870700.0;                         // metres
constexpr double kArcsecRad = 3.14159265358979323846 / 648000.0;  // one arcsec in radians
const double kNaN = std::numeric_limits<double>::quiet_NaN();

// Bilinear interpolation at 0-based pixel (x, y) over the finite ones of the four neighbours (weights
// renormalised), NaN when none is finite or the point lies outside the section.
double bilinear(const Image &img, int x0, int y0, double x, double y)
{
    const double fx = std::floor(x), fy = std::floor(y);
    const int ix = static_cast<int>(fx) - x0, iy = static_cast<int>(fy) - y0;
    const double ax = x - fx, ay = y - fy;
    double sum = 0, wsum = 0;
    for (int dy = 0; dy <= 1; ++dy)
        for (int dx = 0; dx <= 1; ++dx) {
            const double w = (dx ? ax : 1 - ax) * (dy ? ay : 1 - ay);
            if (w <= 0)
                continue;
            const int px = ix + dx, py = iy + dy;
            if (px < 0 || py < 0 || px >= img.width || py >= img.height)
                continue;
            const double v = img.at(px, py);
            if (!std::isfinite(v))
                continue;
            sum += w * v;
            wsum += w;
        }
    return wsum > 0 ? sum / wsum : kNaN;
}

}  // namespace

double Slit::lengthArcsec() const
{
    return std::hypot(end.x() - start.x(), end.y() - start.y());
}

int TimeDistance::measured() const
{
    return static_cast<int>(std::count_if(profiles.begin(), profiles.end(), [](const SlitProfile &p) { return p.measured(); }));
}

Expected<QVector<double>> sampleSlit(const QString &path, const PixelFrame &frame, const Slit &slit, QPointF start,
                                     QPointF end, QString *unit)
{
    const MapMeta &meta = frame.meta;
    if (meta.displayScaled)
        return Error{path, QStringLiteral("a Helioviewer JPEG2000 file holds display-scaled bytes, not physical values: "
                                          "open the FITS file for a time-distance plot")};
    if (frame.wcs.kind() != Wcs::Kind::Helioprojective)
        return Error{path, QStringLiteral("the map is in a heliographic projection (%1), not helioprojective: a slit in "
                                          "arcsec does not apply").arg(meta.ctype1)};
    const int n = slit.points, m = std::max(1, slit.across);
    const double len = std::hypot(end.x() - start.x(), end.y() - start.y());
    if (n < 2 || !(len > 0) || n * m > kMaxSamples)
        return Error{path, QStringLiteral("the slit needs a length and 2 to %1 samples (got %2 x %3 over %4 arcsec)")
                               .arg(kMaxSamples).arg(n).arg(m).arg(len)};
    // The sample positions on the sky, then in file pixels (0-based).
    const double ux = (end.x() - start.x()) / len, uy = (end.y() - start.y()) / len;
    std::vector<double> world, xy(2 * static_cast<std::size_t>(n) * m);
    world.reserve(xy.size());
    for (int i = 0; i < n; ++i) {
        const double f = static_cast<double>(i) / (n - 1);
        const double px = start.x() + (end.x() - start.x()) * f, py = start.y() + (end.y() - start.y()) * f;
        for (int k = 0; k < m; ++k) {
            const double off = m == 1 ? 0.0 : slit.width * (static_cast<double>(k) / (m - 1) - 0.5);
            world.push_back(px - uy * off);  // the normal (-uy, ux)
            world.push_back(py + ux * off);
        }
    }
    frame.wcs.worldToPixel(world.data(), xy.data(), n * m);
    double xmin = std::numeric_limits<double>::infinity(), ymin = xmin, xmax = -xmin, ymax = -xmin;
    for (std::size_t j = 0; j + 1 < xy.size(); j += 2) {
        if (!std::isfinite(xy[j]) || !std::isfinite(xy[j + 1]))
            continue;
        xmin = std::min(xmin, xy[j]), xmax = std::max(xmax, xy[j]);
        ymin = std::min(ymin, xy[j + 1]), ymax = std::max(ymax, xy[j + 1]);
    }
    const int x0 = std::max(0, static_cast<int>(std::floor(xmin)));
    const int y0 = std::max(0, static_cast<int>(std::floor(ymin)));
    const int x1 = std::min(frame.width - 1, static_cast<int>(std::floor(xmax)) + 1);
    const int y1 = std::min(frame.height - 1, static_cast<int>(std::floor(ymax)) + 1);
    if (!std::isfinite(xmin) || x0 > x1 || y0 > y1)
        return Error{path, QStringLiteral("the slit from (%1, %2) to (%3, %4) arcsec lies outside the file's field of view")
                               .arg(start.x(), 0, 'f', 1).arg(start.y(), 0, 'f', 1).arg(end.x(), 0, 'f', 1).arg(end.y(), 0, 'f', 1)};
    auto section = FitsReader::readSection(path, x0, y0, x1 - x0 + 1, y1 - y0 + 1);
    if (!section)
        return section.error();
    const Image &img = section->image;
    double scale = 1;
    QString u = meta.unit;
    if (meta.instrument == Instrument::AIA && meta.unit.trimmed().compare(QLatin1String("DN"), Qt::CaseInsensitive) == 0
        && meta.exptime > 0) {
        scale = 1.0 / meta.exptime;
        u = QStringLiteral("DN/s");
    }
    if (unit)
        *unit = u;
    QVector<double> values(n, kNaN);
    for (int i = 0; i < n; ++i) {
        double sum = 0;
        int count = 0;
        for (int k = 0; k < m; ++k) {
            const std::size_t j = 2 * (static_cast<std::size_t>(i) * m + k);
            if (!std::isfinite(xy[j]) || !std::isfinite(xy[j + 1]))
                continue;
            const double v = bilinear(img, x0, y0, xy[j], xy[j + 1]);
            if (std::isfinite(v)) {
                sum += v;
                ++count;
            }
        }
        if (count > 0)
            values[i] = sum / count * scale;
    }
    return values;
}

Expected<TimeDistance> measureTimeDistance(const QVector<Observation> &observations, Slit slit,
                                           const std::function<bool(int done, int total)> &progress)
{
    const double len = slit.lengthArcsec();
    if (!(len > 0) || !std::isfinite(len))
        return Error{QString(), QStringLiteral("the slit has no length: give two different end points")};
    if (observations.isEmpty())
        return Error{QString(), QStringLiteral("no observations to measure")};
    QVector<Observation> sorted;
    for (const Observation &o : observations)
        if (o.channel == observations.first().channel)
            sorted.append(o);
    std::stable_sort(sorted.begin(), sorted.end(), [](const Observation &a, const Observation &b) { return a.timeMs < b.timeMs; });

    TimeDistance td;
    td.channel = sorted.first().channel;
    // Sample counts from the first readable header: one sample per pixel along and across the slit.
    QString firstError;
    for (const Observation &o : sorted) {
        auto frame = MapFile::readFrame(o.path);
        if (!frame) {
            if (firstError.isEmpty())
                firstError = frame.error().message;
            continue;
        }
        const double scale = std::max(1e-6, frame->meta.plateScale());
        if (slit.points <= 0)
            slit.points = std::max(2, static_cast<int>(std::lround(len / scale)) + 1);
        if (slit.across <= 0)
            slit.across = slit.width > 0 ? std::max(1, static_cast<int>(std::lround(slit.width / scale)) + 1) : 1;
        firstError.clear();
        break;
    }
    if (slit.points <= 0)
        return Error{sorted.first().path, QStringLiteral("no file's header could be read: %1").arg(firstError)};
    if (slit.points < 2 || static_cast<long long>(slit.points) * slit.across > kMaxSamples)
        return Error{QString(), QStringLiteral("the slit would take %1 x %2 samples (at most %3): give fewer points or a "
                                               "narrower width").arg(slit.points).arg(slit.across).arg(kMaxSamples)};
    td.slit = slit;
    for (int i = 0; i < slit.points; ++i)
        td.distanceArcsec.append(len * i / (slit.points - 1));

    // With followRotation: the midpoint carried like a light curve's box centre, the slit moved rigidly with it.
    LightCurveRegion mid;
    mid.box = SkyBox{(slit.start.x() + slit.end.x()) / 2, (slit.start.y() + slit.end.y()) / 2, 1, 1};
    mid.referenceMs = slit.referenceMs;
    mid.followRotation = slit.followRotation;

    const int total = static_cast<int>(sorted.size());
    for (int i = 0; i < total; ++i) {
        const Observation &o = sorted[i];
        SlitProfile p;
        p.timeMs = o.timeMs;
        p.file = o.path;
        auto frame = MapFile::readFrame(o.path);
        if (!frame) {
            p.error = frame.error().message;
        } else {
            p.exptime = frame->meta.exptime;
            p.quality = frame->meta.quality;
            auto centre = regionCentreAt(mid, o.timeMs, frame->wcs.observer());
            if (!centre) {
                p.error = centre.error().message;
            } else {
                const QPointF shift(centre->x() - mid.box.tx, centre->y() - mid.box.ty);
                p.start = slit.start + shift;
                p.end = slit.end + shift;
                QString unit;
                auto values = sampleSlit(o.path, *frame, slit, p.start, p.end, &unit);
                if (values) {
                    if (td.unit.isEmpty())
                        td.unit = unit;
                    if (!(td.mmPerArcsec > 0)) {
                        const double dsun = frame->meta.dsunObs > 0 ? frame->meta.dsunObs : kAu;
                        td.mmPerArcsec = dsun * std::tan(kArcsecRad) / 1e6;
                    }
                    p.values = std::move(values.value());
                } else {
                    p.error = values.error().message;
                }
            }
        }
        td.profiles.append(std::move(p));
        if (progress && !progress(i + 1, total))
            break;
    }
    if (!(td.mmPerArcsec > 0))
        td.mmPerArcsec = kAu * std::tan(kArcsecRad) / 1e6;
    return td;
}

QByteArray timeDistanceCsv(const TimeDistance &td)
{
    QByteArray out;
    const Slit &s = td.slit;
    out += QStringLiteral("# time-distance %1 (%2): slit from (%3, %4) to (%5, %6) arcsec, width %7 arcsec, %8 samples, "
                          "%9 Mm per arcsec%10\n")
               .arg(td.channel, td.unit.isEmpty() ? QStringLiteral("no unit") : td.unit)
               .arg(s.start.x()).arg(s.start.y()).arg(s.end.x()).arg(s.end.y()).arg(s.width).arg(s.points)
               .arg(td.mmPerArcsec, 0, 'g', 6)
               .arg(s.followRotation ? QStringLiteral(", following the rotation") : QString())
               .toUtf8();
    out += "time,file";
    for (double d : td.distanceArcsec)
        out += ',' + QByteArray::number(d, 'g', 7);
    out += '\n';
    for (const SlitProfile &p : td.profiles) {
        if (!p.measured())
            continue;
        out += QDateTime::fromMSecsSinceEpoch(p.timeMs, QTimeZone::utc()).toString(Qt::ISODateWithMs).toUtf8();
        QByteArray file = p.file.toUtf8();
        if (file.contains(',') || file.contains('"'))
            file = '"' + file.replace("\"", "\"\"") + '"';
        out += ',' + file;
        for (double v : p.values)
            out += ',' + (std::isfinite(v) ? QByteArray::number(v, 'g', 7) : QByteArray());
        out += '\n';
    }
    return out;
}

double ridgeSpeedKmPerS(const TimeDistance &td, qint64 t0Ms, double d0Arcsec, qint64 t1Ms, double d1Arcsec)
{
    const double dt = static_cast<double>(t1Ms - t0Ms) / 1000.0;
    if (dt == 0)
        return kNaN;
    return (d1Arcsec - d0Arcsec) * td.mmPerArcsec * 1000.0 / dt;
}

}  // namespace solarchip
