#include "core/archive/FlareListCache.h"

#include "core/base/RecentCache.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>

#include <atomic>
#include <tuple>

namespace solarchip {

namespace {

struct ListKey {
    QString path;
    QByteArray digest;  // of the file's bytes
    bool operator==(const ListKey &o) const { return std::tie(path, digest) == std::tie(o.path, o.digest); }
};

std::atomic<int> g_parses{0};

}  // namespace

Expected<std::shared_ptr<const FlareList>> loadFlareListShared(const QString &path)
{
    // Keyed by the bytes, not the file's time: a list rewritten within the same millisecond with the same size (a
    // fixed row) is still read afresh. Reading a list (1 MB for SWPC's 2010-2021) costs a millisecond; parsing it is
    // what is saved.
    static RecentCache<ListKey, Expected<FlareList>> cache(4);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        auto error = FlareList::load(path);  // the reader's own message for a missing or unreadable file
        if (!error)
            return error.error();
        return std::make_shared<const FlareList>(std::move(*error));  // it appeared meanwhile
    }
    const QByteArray bytes = file.readAll();
    const ListKey key{QFileInfo(path).canonicalFilePath(), QCryptographicHash::hash(bytes, QCryptographicHash::Sha1)};
    const std::shared_ptr<const Expected<FlareList>> entry = cache.get(key, [&] {
        ++g_parses;
        return FlareList::parse(bytes, path);
    });
    if (!*entry)
        return entry->error();
    // Shares the entry's ownership: the list lives while anyone holds it, even after the cache dropped it.
    return std::shared_ptr<const FlareList>(entry, &**entry);
}

int flareListParses()
{
    return g_parses.load();
}

}  // namespace solarchip
