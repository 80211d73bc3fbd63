#include "core/archive/ObservationSet.h"

#include "core/map/MapFile.h"
#include "core/map/MapMeta.h"

#include <algorithm>
#include <cstdlib>

namespace solarchip {

void Observation::setFromMeta(const MapMeta &meta)
{
    instrument = instrumentName(meta.instrument);
    detector = meta.detector;
    channel = meta.channel;
    timeMs = meta.tObs.toMSecsSinceEpoch();
    wavelength = meta.wavelength;
    exptime = meta.exptime;
    naxis1 = meta.naxis1;
    naxis2 = meta.naxis2;
    unit = meta.unit;
    level = meta.level;
    quality = meta.quality;
    cdelt1 = meta.cdelt1;
    cdelt2 = meta.cdelt2;
    crota2 = meta.crota2;
    rsunObs = meta.rsunObs;
}

void Observation::setFromFile(const MapFileInfo &info)
{
    setFromMeta(info.meta);  // naxis: the image's own size (uncompressed, or as decoded from the JPEG2000 file)
    bitpix = info.source.bitpix;
    hdu = info.source.hdu;
    compression = info.source.compression;
    fileSize = info.source.fileSize;
}

bool ObservationSet::isComplete() const
{
    if (members.size() != channels.size())
        return false;
    return std::all_of(members.begin(), members.end(), [](const Observation &o) { return o.isValid(); });
}

QStringList ObservationSet::missingChannels() const
{
    QStringList missing;
    for (int i = 0; i < channels.size(); ++i)
        if (i >= members.size() || !members[i].isValid())
            missing << channels[i];
    return missing;
}

const Observation *ObservationSet::member(const QString &channel) const
{
    const int i = int(channels.indexOf(channel));
    if (i < 0 || i >= members.size() || !members[i].isValid())
        return nullptr;
    return &members[i];
}

qint64 ObservationSet::maxOffsetMs() const
{
    qint64 worst = 0;
    for (const Observation &o : members)
        if (o.isValid())
            worst = std::max(worst, std::llabs(o.timeMs - referenceTimeMs));
    return worst;
}

qint64 ObservationSet::spreadMs() const
{
    bool any = false;
    qint64 lo = 0, hi = 0;
    for (const Observation &o : members) {
        if (!o.isValid())
            continue;
        lo = any ? std::min(lo, o.timeMs) : o.timeMs;
        hi = any ? std::max(hi, o.timeMs) : o.timeMs;
        any = true;
    }
    return hi - lo;
}

}  // namespace solarchip
