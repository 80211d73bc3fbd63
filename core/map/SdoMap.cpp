#include "core/map/SdoMap.h"

#include "core/map/Jp2Reader.h"


namespace solarchip {

Expected<SdoMap> SdoMap::load(const QString &path)
{
    // Helioviewer JPEG2000 files are recognised by content (the JP2 signature box), not by extension.
    if (Jp2Reader::isJp2File(path))
        return Jp2Reader::read(path);
    auto fits = FitsReader::read(path);
    if (!fits)
        return fits.error();
    SdoMap map;
    map.source = std::move(fits->info);
    map.header = map.source.header;
    auto meta = MapMeta::fromHeader(map.header, path);
    if (!meta)
        return meta.error();
    map.meta = std::move(meta.value());
    map.meta.naxis1 = fits->image.width;
    map.meta.naxis2 = fits->image.height;
    map.meta.bitpix = map.source.bitpix;
    auto wcs = Wcs::fromHeader(map.header, map.meta);
    if (!wcs)
        return wcs.error();
    map.wcs = std::move(wcs.value());
    map.image = std::move(fits->image);
    return map;
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
