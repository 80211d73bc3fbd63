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

// The file pixels of a co-registered map: its pixels placed on the source map's pixels through both WCSs
// (an affine fit through three points about the centre), then on the file's.
FilePixels coRegisteredFilePixels(const FilePixels &source, const Wcs &sourceWcs, const SdoMap &map)
{
    FilePixels unknown;
    if (!source.known)
        return unknown;
    const double cx = (map.image.width - 1) / 2.0, cy = (map.image.height - 1) / 2.0;
    const double d = std::max(1.0, std::min(100.0, std::min(map.image.width, map.image.height) / 4.0));
    const double px[3] = {cx, cx + d, cx}, py[3] = {cy, cy, cy + d};
    double qx[3], qy[3];
    for (int i = 0; i < 3; ++i) {
        double tx = 0, ty = 0;
        if (!map.wcs.pixelToHelioprojective(px[i], py[i], tx, ty)
            || !sourceWcs.helioprojectiveToPixel(tx, ty, qx[i], qy[i]))
            return unknown;
    }
    const double i11 = (qx[1] - qx[0]) / d, i21 = (qy[1] - qy[0]) / d;
    const double i12 = (qx[2] - qx[0]) / d, i22 = (qy[2] - qy[0]) / d;
    FilePixels f = source.composedWith(i11, i12, i21, i22, qx[0] - i11 * cx - i12 * cy, qy[0] - i21 * cx - i22 * cy);
    f.resampled = true;
    return f;
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
    case DisplayPrep::Kind::Downsample: {
        // The size the key asks for came from the catalogue; the image read may be smaller (a reduced .jp2, a
        // Helioviewer file resampled below its header's NAXIS) or of another shape. Display preparation never
        // refuses a map for being small: it shrinks by the display rule what is larger than the display and
        // shows the rest at its own size.
        const int maxSize = std::max(prep->width, prep->height);
        const QSize size = FramePrep::displaySize(map->image.width, map->image.height, maxSize);
        if (size == QSize(map->image.width, map->image.height))
            return map;
        const FilePixels before = map->filePixels;
        const int w0 = map->image.width, h0 = map->image.height;
        auto down = Prep::downsample(std::move(map).value(), size.width(), size.height());
        if (down)
            down->filePixels = before.afterAreaAverage(w0, h0, size.width(), size.height());
        return down;
    }
    case DisplayPrep::Kind::IntoFrameOf: {
        auto frame = referenceFrame(prep->referenceFile, prep->width, prep->height);
        if (!frame)
            return frame.error();
        // Only helioprojective maps can be co-registered into a helioprojective frame; a map in another
        // projection (a Carrington CEA patch) is shown in its own.
        if (!map->meta.isHelioprojective() || !frame->meta.isHelioprojective())
            return map;
        const FilePixels before = map->filePixels;
        const Wcs sourceWcs = map->wcs;
        // The rule the model input uses too: shrink by a whole factor, then onto the AIA display grid. Unlike the
        // model input, what lies off the disk stays (on a spherical screen when the observers differ, e.g. the
        // reference of a difference image seconds or hours earlier): off-limb loops, CMEs and EUV waves.
        auto onto = FramePrep::ontoFrame(std::move(map).value(), *frame, Interpolation::Cubic, OffDisk::SphericalScreen);
        if (onto)
            onto->filePixels = coRegisteredFilePixels(before, sourceWcs, *onto);
        return onto;
    }
    }
    return map;
}

}  // namespace solarchip
