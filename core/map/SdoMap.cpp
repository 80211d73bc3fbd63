#include "core/map/SdoMap.h"

#include "core/map/MapFile.h"

namespace solarchip {

Expected<SdoMap> SdoMap::load(const QString &path)
{
    return MapFile::load(path);
}

Expected<SdoMap> SdoMap::fromHeaderAndImage(const FitsHeader &header, Image image, const QString &file)
{
    SdoMap map;
    map.header = header;
    auto meta = MapMeta::fromHeader(header, file);
    if (!meta)
        return meta.error();
    map.meta = std::move(meta.value());
    if (map.meta.naxis1 != 0 && (map.meta.naxis1 != image.width || map.meta.naxis2 != image.height))
        return Error{file, QStringLiteral("image is %1x%2 but the header says NAXIS1=%3 NAXIS2=%4")
                               .arg(image.width).arg(image.height).arg(map.meta.naxis1).arg(map.meta.naxis2)};
    map.meta.naxis1 = image.width;
    map.meta.naxis2 = image.height;
    auto wcs = Wcs::fromHeader(header, map.meta);
    if (!wcs)
        return wcs.error();
    map.wcs = std::move(wcs.value());
    map.image = std::move(image);
    map.source.file = file;
    map.source.naxis1 = map.image.width;
    map.source.naxis2 = map.image.height;
    map.source.header = header;
    return map;
}

}  // namespace solarchip
