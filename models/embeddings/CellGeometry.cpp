#include "models/embeddings/CellGeometry.h"

#include "core/map/PixelFrame.h"
#include "core/map/Wcs.h"
#include "models/data/DatasetSpec.h"

#include <cmath>
#include <limits>

namespace solarchip {

int CellGeometry::cellAt(QPointF p) const
{
    if (!frame)
        return -1;
    return frame->cellIndex(frame->cellAt(p));
}

int referenceMember(const QStringList &channels, const QString &referenceChannel)
{
    if (!referenceChannel.isEmpty() && channels.contains(referenceChannel))
        return static_cast<int>(channels.indexOf(referenceChannel));
    for (int i = 0; i < channels.size(); ++i)
        if (!channels[i].startsWith(QLatin1String("hmi")))
            return i;
    return 0;
}

Expected<CellGeometry> cellGeometry(const QStringList &files, const QStringList &channels, const PrepSpec &prep, int grid)
{
    const int ref = referenceMember(channels, prep.referenceChannel);
    if (ref >= files.size())
        return Error{files.join(u','), QStringLiteral("the set has no file for its reference channel")};
    CellGeometry g;
    g.grid = grid;
    g.referenceFile = files[ref];
    auto header = PixelFrame::fromFile(g.referenceFile);
    if (!header)
        return header.error();
    auto frame = ModelFrame::forReference(*header, prep.frameSpec(grid));
    if (!frame)
        return frame.error();
    g.frame = *frame;
    g.rsunArcsec = header->meta.rsunObs > 0 ? header->meta.rsunObs : 0;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const Observer &obs = header->wcs.observer();
    g.observer = obs;
    const int n = grid * grid;
    g.hpc.assign(static_cast<std::size_t>(n), QPointF(nan, nan));
    g.lonlat.assign(static_cast<std::size_t>(n), QPointF(nan, nan));
    g.radius.assign(static_cast<std::size_t>(n), std::numeric_limits<float>::quiet_NaN());
    for (int i = 0; i < n; ++i) {
        const auto c = frame->cellCentreHpc(frame->cellOfIndex(i));
        if (!c)
            continue;
        g.hpc[static_cast<std::size_t>(i)] = *c;
        if (g.rsunArcsec > 0)
            g.radius[static_cast<std::size_t>(i)] = static_cast<float>(std::hypot(c->x(), c->y()) / g.rsunArcsec);
        LonLat ll;
        if (Wcs::helioprojectiveToStonyhurst(c->x(), c->y(), obs, ll))
            g.lonlat[static_cast<std::size_t>(i)] = QPointF(ll.lon, ll.lat);
    }
    return g;
}

}  // namespace solarchip
