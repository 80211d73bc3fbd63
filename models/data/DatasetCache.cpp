#include "models/data/DatasetCache.h"

#include "core/base/AtomicFile.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QtEndian>

#include <cstring>

static_assert(Q_BYTE_ORDER == Q_LITTLE_ENDIAN, "the tensor cache stores little-endian floats by memcpy");

namespace solarchip {

namespace {

constexpr char kMagic[4] = {'S', 'C', 'T', 'C'};
constexpr int kHeaderBytes = 20;

bool folderWritable(const QString &dir)
{
    QDir d(dir);
    if (!d.exists() && !QDir().mkpath(dir))
        return false;
    QFileInfo fi(dir);
    return fi.isDir() && fi.isWritable();
}

}  // namespace

TensorCache::TensorCache(QString dir) : m_dir(std::move(dir)) {}

TensorCache::TensorCache(const TensorCache &other) : m_dir(other.m_dir) {}

TensorCache &TensorCache::operator=(const TensorCache &other)
{
    m_dir = other.m_dir;
    return *this;
}

QString TensorCache::defaultDir(const QString &archiveDir)
{
    const QString abs = QFileInfo(archiveDir).absoluteFilePath();
    const QString inArchive = abs + QStringLiteral("/.solarchip/tensor-cache");
    if (QFileInfo(abs).isWritable() && folderWritable(inArchive))
        return inArchive;
    const QByteArray h = QCryptographicHash::hash(abs.toUtf8(), QCryptographicHash::Sha256).toHex().left(12);
    return QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation)
           + QStringLiteral("/solarchip/tensor-cache/") + QFileInfo(abs).fileName() + QLatin1Char('-')
           + QString::fromLatin1(h);
}

QString TensorCache::fileIdentity(const QString &path)
{
    const QFileInfo fi(path);
    if (!fi.exists())
        return {};
    return QStringLiteral("%1|%2|%3")
        .arg(fi.absoluteFilePath())
        .arg(fi.size())
        .arg(fi.lastModified().toMSecsSinceEpoch());
}

QString TensorCache::entryPath(const QString &key) const
{
    const QString h = QString::fromLatin1(QCryptographicHash::hash(key.toUtf8(), QCryptographicHash::Sha256).toHex());
    return m_dir + QLatin1Char('/') + h.left(2) + QLatin1Char('/') + h + QStringLiteral(".sct");
}

std::optional<Image> TensorCache::get(const QString &key) const
{
    if (!enabled())
        return std::nullopt;
    QFile f(entryPath(key));
    if (!f.open(QIODevice::ReadOnly)) {
        ++m_misses;
        return std::nullopt;
    }
    const QByteArray bytes = f.readAll();
    const QByteArray keyBytes = key.toUtf8();
    auto u32 = [&](int offset) { return qFromLittleEndian<quint32>(bytes.constData() + offset); };
    bool good = bytes.size() >= kHeaderBytes && std::memcmp(bytes.constData(), kMagic, 4) == 0
                && u32(4) == kFormatVersion;
    quint32 w = 0, h = 0, kl = 0;
    if (good) {
        w = u32(8);
        h = u32(12);
        kl = u32(16);
        const qint64 expected = kHeaderBytes + static_cast<qint64>(kl) + static_cast<qint64>(w) * h * 4;
        good = w > 0 && h > 0 && w <= 65536 && h <= 65536 && bytes.size() == expected
               && kl == static_cast<quint32>(keyBytes.size())
               && std::memcmp(bytes.constData() + kHeaderBytes, keyBytes.constData(), kl) == 0;
    }
    if (!good) {
        // Corrupt, truncated, another format version or a hash collision: a miss, never an error.
        ++m_errors;
        ++m_misses;
        return std::nullopt;
    }
    Image img(static_cast<int>(w), static_cast<int>(h));
    std::memcpy(img.data(), bytes.constData() + kHeaderBytes + kl, img.size() * sizeof(float));
    ++m_hits;
    return img;
}

Status TensorCache::put(const QString &key, const Image &image) const
{
    if (!enabled())
        return Status::success();
    const QString path = entryPath(key);
    const QByteArray keyBytes = key.toUtf8();
    QByteArray buf(kHeaderBytes + keyBytes.size() + static_cast<qsizetype>(image.size() * sizeof(float)), Qt::Uninitialized);
    std::memcpy(buf.data(), kMagic, 4);
    qToLittleEndian<quint32>(kFormatVersion, buf.data() + 4);
    qToLittleEndian<quint32>(static_cast<quint32>(image.width), buf.data() + 8);
    qToLittleEndian<quint32>(static_cast<quint32>(image.height), buf.data() + 12);
    qToLittleEndian<quint32>(static_cast<quint32>(keyBytes.size()), buf.data() + 16);
    std::memcpy(buf.data() + kHeaderBytes, keyBytes.constData(), keyBytes.size());
    std::memcpy(buf.data() + kHeaderBytes + keyBytes.size(), image.data(), image.size() * sizeof(float));
    // Two loader threads may store the same entry at once: each renames a complete file of its own.
    if (Status s = writeFileAtomically(path, buf, AtomicWriteOptions{.createFolder = true}); !s) {
        ++m_errors;
        return Error{path, QStringLiteral("cannot write the cache entry: ") + s.error().message};
    }
    ++m_writes;
    return Status::success();
}

CacheCounters TensorCache::counters() const
{
    return CacheCounters{m_hits.load(), m_misses.load(), m_writes.load(), m_errors.load()};
}

}  // namespace solarchip
