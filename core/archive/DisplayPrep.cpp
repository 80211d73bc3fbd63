#include "core/archive/DisplayPrep.h"

#include "core/map/FramePrep.h"
#include "core/map/MapFile.h"
#include "core/map/PixelFrame.h"
#include "core/map/Prep.h"
#include "core/map/Resample.h"

#include <QSize>
#include <QStringList>

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace solarchip {

QString DisplayPrep::toKey() const
{
    switch (kind) {
    case Kind::AsStored: return {};
    case Kind::Downsample: return QStringLiteral("ds:%1x%2").arg(width).arg(height);
    case Kind::IntoFrameOf: return QStringLiteral("into:%1x%2:%3").arg(width).arg(height).arg(referenceFile);
    }
    return {};
}

std::optional<DisplayPrep> DisplayPrep::fromKey(const QString &key)
{
    DisplayPrep p;
    if (key.isEmpty())
        return p;
    const QString head = key.section(QLatin1Char(':'), 0, 0);
    const QStringList size = key.section(QLatin1Char(':'), 1, 1).split(QLatin1Char('x'));
    if (size.size() != 2)
        return std::nullopt;
    bool okW = false, okH = false;
    p.width = size[0].toInt(&okW);
    p.height = size[1].toInt(&okH);
    if (!okW || !okH || p.width <= 0 || p.height <= 0)
        return std::nullopt;
    if (head == QLatin1String("ds")) {
        p.kind = Kind::Downsample;
        return p;
    }
    if (head == QLatin1String("into")) {
        p.kind = Kind::IntoFrameOf;
        p.referenceFile = key.section(QLatin1Char(':'), 2);  // the path may itself contain ':'
        return p.referenceFile.isEmpty() ? std::nullopt : std::optional<DisplayPrep>(p);
    }
    return std::nullopt;
}

QSize DisplayPrep::displaySize(const Observation &o, int maxSize)
{
    return FramePrep::displaySize(o.naxis1, o.naxis2, maxSize);
}

namespace {
// Members of a loose set with no tolerance of their own are co-temporal within this (an archive set's
// default tolerance).
constexpr qint64 kCoTemporalMs = 10 * 60 * 1000;
}  // namespace

DisplayPrep DisplayPrep::forMember(const Observation &member, const ObservationSet &set, int maxSize)
{
    DisplayPrep p;
    if (member.instrument == QLatin1String("HMI")) {
        // Only into the frame of an AIA map taken about when it was: loose files put side by side (a 2014
        // full disk beside a 2013 cut-out) keep their own frames.
        const qint64 coTemporalMs = std::max<qint64>(set.toleranceMs, kCoTemporalMs);
        for (const Observation &o : set.members) {
            if (o.isValid() && o.instrument == QLatin1String("AIA") && std::llabs(o.timeMs - member.timeMs) <= coTemporalMs) {
                const QSize size = displaySize(o, maxSize);
                p.kind = Kind::IntoFrameOf;
                p.width = size.width();
                p.height = size.height();
                p.referenceFile = o.path;
                return p;
            }
        }
    }
    const QSize size = displaySize(member, maxSize);
    if (size != QSize(member.naxis1, member.naxis2)) {
        p.kind = Kind::Downsample;
        p.width = size.width();
        p.height = size.height();
    }
    return p;
}

namespace {

// The display grid of the reference map: its own frame (a JPEG2000 file's at the resolution level the display
// decodes it at), block-averaged to width x height when smaller.
Expected<PixelFrame> referenceFrame(const QString &path, int width, int height)
{
    auto frame = MapFile::readFrame(path, std::max(width, height));
    if (!frame || (frame->width == width && frame->height == height))
        return frame;
    return Resample::areaAverageFrame(*frame, width, height);
}

}  // namespace

Expected<SdoMap> loadDisplayMap(const MapKey &key)
{
    const std::optional<DisplayPrep> prep = DisplayPrep::fromKey(key.prep);
    if (!prep)
        return Error{key.file, QStringLiteral("unknown display preparation '%1'").arg(key.prep)};
    auto map = MapFile::load(key.file, prep->kind == DisplayPrep::Kind::AsStored ? 0 : std::max(prep->width, prep->height));
    if (!map)
        return map;
    switch (prep->kind) {
    case DisplayPrep::Kind::AsStored:
        return map;
    case DisplayPrep::Kind::Downsample:
        if (map->image.width == prep->width && map->image.height == prep->height)  // a reduced .jp2
            return map;
        return Prep::downsample(std::move(map).value(), prep->width, prep->height);
    case DisplayPrep::Kind::IntoFrameOf: {
        auto frame = referenceFrame(prep->referenceFile, prep->width, prep->height);
        if (!frame)
            return frame.error();
        // The rule the model input uses too: shrink by a whole factor, then onto the AIA display grid. Unlike the
        // model input, what lies off the disk stays (on a spherical screen when the observers differ, e.g. the
        // reference of a difference image seconds or hours earlier): off-limb loops, CMEs and EUV waves.
        return FramePrep::ontoFrame(std::move(map).value(), *frame, Interpolation::Cubic, OffDisk::SphericalScreen);
    }
    }
    return map;
}

}  // namespace solarchip
