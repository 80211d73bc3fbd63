#include "core/map/FileValue.h"

#include "core/map/FitsReader.h"
#include "core/map/Jp2Reader.h"
#include "core/map/MapFile.h"

#include <QFileInfo>
#include <QMutex>
#include <QMutexLocker>

#include <cmath>
#include <cstdint>
#include <list>
#include <memory>
#include <vector>

namespace solarchip {

namespace {

// A decoded JPEG2000 image as the bytes it holds (Helioviewer files are 8-bit) or as floats otherwise.
struct Jp2Pixels {
    QString path;
    qint64 modified = 0;
    int width = 0, height = 0;
    std::vector<std::uint8_t> bytes;  // used when every sample is an integer 0..255
    std::vector<float> floats;        // otherwise
    double at(int x, int y) const
    {
        const std::size_t i = static_cast<std::size_t>(y) * width + x;
        return bytes.empty() ? double(floats[i]) : double(bytes[i]);
    }
};

struct Jp2Cache {
    QMutex mutex;        // guards `images`
    QMutex decodeMutex;  // one full-resolution decode at a time (each is large)
    std::list<std::shared_ptr<const Jp2Pixels>> images;  // most recently used first

    std::shared_ptr<const Jp2Pixels> find(const QString &path, qint64 modified)
    {
        QMutexLocker lock(&mutex);
        for (auto it = images.begin(); it != images.end(); ++it) {
            if ((*it)->path == path && (*it)->modified == modified) {
                auto hit = *it;
                images.erase(it);
                images.push_front(hit);
                return hit;
            }
        }
        return nullptr;
    }
    void insert(std::shared_ptr<const Jp2Pixels> p)
    {
        QMutexLocker lock(&mutex);
        images.remove_if([&](const auto &q) { return q->path == p->path; });
        images.push_front(std::move(p));
        while (static_cast<int>(images.size()) > FileValue::kMaxJp2Images)
            images.pop_back();
    }
};

Jp2Cache &cache()
{
    // Never destroyed: a read-out on an io-pool thread may still use it at exit, after function statics made later than
    // the ThreadBudget are destroyed and before the ThreadBudget waits for its pools.
    static auto &c = *new Jp2Cache;
    return c;
}

Expected<std::shared_ptr<const Jp2Pixels>> jp2Pixels(const QString &path)
{
    const qint64 modified = QFileInfo(path).lastModified().toMSecsSinceEpoch();
    if (auto hit = cache().find(path, modified))
        return hit;
    QMutexLocker decodeLock(&cache().decodeMutex);
    if (auto hit = cache().find(path, modified))  // decoded while this call waited
        return hit;
    auto image = Jp2Reader::readImage(path, 0);
    if (!image)
        return image.error();
    auto p = std::make_shared<Jp2Pixels>();
    p->path = path;
    p->modified = modified;
    p->width = image->width;
    p->height = image->height;
    const float *src = image->data();
    const std::size_t n = image->size();
    bool bytes = true;
    for (std::size_t i = 0; i < n && bytes; ++i)
        bytes = src[i] >= 0.f && src[i] <= 255.f && src[i] == std::floor(src[i]);
    if (bytes) {
        p->bytes.resize(n);
        for (std::size_t i = 0; i < n; ++i)
            p->bytes[i] = static_cast<std::uint8_t>(src[i]);
    } else {
        p->floats.assign(src, src + n);
    }
    std::shared_ptr<const Jp2Pixels> out = std::move(p);
    cache().insert(out);
    return out;
}

}  // namespace

Expected<double> FileValue::at(const QString &path, int x, int y)
{
    auto format = MapFile::detect(path);
    if (!format)
        return format.error();
    if (*format == MapFormat::Fits)
        return FitsReader::readPixel(path, x, y);
    auto pixels = jp2Pixels(path);
    if (!pixels)
        return pixels.error();
    const Jp2Pixels &p = **pixels;
    if (x < 0 || y < 0 || x >= p.width || y >= p.height)
        return Error{path, QStringLiteral("pixel (%1, %2) is outside the %3x%4 image").arg(x).arg(y).arg(p.width).arg(p.height)};
    return p.at(x, y);
}

bool FileValue::isCheap(const QString &path)
{
    if (!Jp2Reader::isJp2File(path))
        return true;
    return static_cast<bool>(cache().find(path, QFileInfo(path).lastModified().toMSecsSinceEpoch()));
}

void FileValue::clearCache()
{
    QMutexLocker lock(&cache().mutex);
    cache().images.clear();
}

}  // namespace solarchip
