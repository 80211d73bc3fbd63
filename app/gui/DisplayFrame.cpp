#include "app/gui/DisplayFrame.h"

#include "core/Jp2Reader.h"
#include "core/Prep.h"

#include <QStringList>

#include <algorithm>
#include <cmath>

namespace solarchip {

QString DisplayFrame::toKey() const
{
    return QStringLiteral("l15:%1:%2:%3").arg(size).arg(scale, 0, 'g', 8).arg(recenter ? QLatin1Char('c')
                                                                                        : QLatin1Char('k'));
}

std::optional<DisplayFrame> DisplayFrame::fromKey(const QString &key)
{
    const QStringList parts = key.split(QLatin1Char(':'));
    if (parts.size() != 4 || parts[0] != QLatin1String("l15"))
        return std::nullopt;
    DisplayFrame f;
    bool okSize = false, okScale = false;
    f.size = parts[1].toInt(&okSize);
    f.scale = parts[2].toDouble(&okScale);
    f.recenter = parts[3] == QLatin1String("c");
    if (!okSize || !okScale || f.size <= 0 || !(f.scale > 0))
        return std::nullopt;
    return f;
}

DisplayFrame DisplayFrame::forObservation(const Observation &o, int maxSize)
{
    DisplayFrame f;
    const int width = std::max(1, o.naxis1);
    const double plate = std::abs(o.cdelt1) > 0 ? std::abs(o.cdelt1) : 1.0;
    const double fov = width * plate;
    f.size = std::clamp(width, 1, std::max(1, maxSize));
    // Round to 1e-6 arcsec: tiny CDELT differences between files must not make different cache keys.
    f.scale = std::round(fov / f.size * 1e6) / 1e6;
    // Recentre only when the field holds the whole disk (a cutout keeps its own centre).
    f.recenter = o.rsunObs > 0 && fov >= 2.0 * o.rsunObs;
    return f;
}

DisplayFrame DisplayFrame::forSet(const ObservationSet &set, int maxSize)
{
    const Observation *reference = nullptr;
    for (const Observation &o : set.members) {
        if (!o.isValid())
            continue;
        if (o.instrument == QLatin1String("AIA")) {
            reference = &o;
            break;
        }
        if (!reference)
            reference = &o;
    }
    return reference ? forObservation(*reference, maxSize) : DisplayFrame{};
}

Expected<SdoMap> loadDisplayMap(const MapKey &key)
{
    const std::optional<DisplayFrame> frame = DisplayFrame::fromKey(key.prep);
    Expected<SdoMap> map = Error{key.file, QStringLiteral("not loaded")};
    if (Jp2Reader::isJp2File(key.file)) {
        int reduce = 0;
        if (frame) {
            auto info = Jp2Reader::readInfo(key.file);
            if (!info)
                return info.error();
            reduce = Jp2Reader::reduceForMaxSide(*info, frame->size);
        }
        map = Jp2Reader::read(key.file, reduce);
    } else {
        map = SdoMap::load(key.file);
    }
    if (!map || !frame)
        return map;
    PrepOptions options;
    options.scale = frame->scale;
    options.width = frame->size;
    options.height = frame->size;
    options.recenter = frame->recenter;
    options.interpolation = Interpolation::Cubic;
    return Prep::level15(std::move(map).value(), options);
}

}  // namespace solarchip
