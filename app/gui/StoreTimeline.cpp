#include "app/gui/StoreTimeline.h"

#include "models/embeddings/EmbeddingStore.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cstdlib>

namespace solarchip {

QString findModelStore(const QString &archiveDir, const QString &modelHash)
{
    if (archiveDir.isEmpty() || modelHash.isEmpty())
        return {};
    const QDir root(archiveDir + QStringLiteral("/.solarchip/embeddings"));
    // `solarchip embed` names the folder after the hash; any folder whose manifest names the hash will do.
    for (const QString &name : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        QFile f(root.filePath(name) + QStringLiteral("/store.json"));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QJsonObject o = QJsonDocument::fromJson(f.read(1 << 20)).object();
        if (o.value(QStringLiteral("model_hash")).toString() == modelHash)
            return root.filePath(name);
    }
    return {};
}

bool readModelStore(const QString &archiveDir, const QString &modelHash, StoreRead &r,
                    const std::function<Status(EmbeddingStore &)> &read)
{
    r.storeDir = findModelStore(archiveDir, modelHash);
    if (r.storeDir.isEmpty())
        return false;
    auto store = EmbeddingStore::open(r.storeDir);
    if (!store) {
        r.error = store.errorString();
        return false;
    }
    r.sets = store->count();
    if (Status st = read(*store); !st)
        r.error = st.errorString();
    return true;
}

void StoreTimeline::reset()
{
    ++m_ticket;
    loading = false;
    storeDir.clear();
    error.clear();
    sets = 0;
    browsedPoints = 0;
    m_times.clear();
}

void StoreTimeline::take(const StoreRead &r)
{
    loading = false;
    storeDir = r.storeDir;
    sets = r.sets;
    seconds = r.seconds;
    error = r.error;
}

void StoreTimeline::setStoredTimes(std::vector<qint64> times)
{
    m_times = std::move(times);
    browsedPoints = 0;
}

bool StoreTimeline::holds(qint64 timeMs, qint64 toleranceMs) const
{
    auto it = std::lower_bound(m_times.begin(), m_times.end(), timeMs);
    for (auto near : {it, it == m_times.begin() ? it : it - 1})
        if (near != m_times.end() && std::abs(*near - timeMs) <= toleranceMs)
            return true;
    return false;
}

}  // namespace solarchip
