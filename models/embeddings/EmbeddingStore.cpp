#include "models/embeddings/EmbeddingStore.h"

#include "models/detail/Guarded.h"
#include "models/networks/SafetensorsFile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFloat16>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

#include <cstring>

namespace solarchip {

namespace {

const QString kFormat = QStringLiteral("solarchip-embeddings/1");
const QString kManifest = QStringLiteral("store.json");

QJsonObject infoToJson(const EmbeddingStoreInfo &i)
{
    return QJsonObject{{QStringLiteral("format"), kFormat},
                       {QStringLiteral("model_hash"), i.modelHash},
                       {QStringLiteral("model"), i.modelPath},
                       {QStringLiteral("model_config"), i.modelConfig},
                       {QStringLiteral("channels"), QJsonArray::fromStringList(i.channels)},
                       {QStringLiteral("prep"), i.prep},
                       {QStringLiteral("dim"), i.dim},
                       {QStringLiteral("grid"), i.grid},
                       {QStringLiteral("patch_dtype"), i.halfPatches ? QStringLiteral("F16") : QStringLiteral("F32")},
                       {QStringLiteral("normalized"), true}};
}

EmbeddingStoreInfo infoFromJson(const QJsonObject &j)
{
    EmbeddingStoreInfo i;
    i.modelHash = j.value(QStringLiteral("model_hash")).toString();
    i.modelPath = j.value(QStringLiteral("model")).toString();
    i.modelConfig = j.value(QStringLiteral("model_config")).toObject();
    for (const QJsonValue &v : j.value(QStringLiteral("channels")).toArray())
        i.channels << v.toString();
    i.prep = j.value(QStringLiteral("prep")).toObject();
    i.dim = j.value(QStringLiteral("dim")).toInt();
    i.grid = j.value(QStringLiteral("grid")).toInt();
    i.halfPatches = j.value(QStringLiteral("patch_dtype")).toString() == QLatin1String("F16");
    return i;
}

Status writeJsonAtomically(const QString &path, const QJsonObject &o)
{
    QSaveFile f(path);  // temporary + fsync + rename on commit
    const QByteArray bytes = QJsonDocument(o).toJson();
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit())
        return Error{path, QStringLiteral("cannot write: ") + f.errorString()};
    return Status::success();
}

}  // namespace

Expected<EmbeddingStore> EmbeddingStore::open(const QString &dir)
{
    return detail::guarded(detail::Doing{dir, QStringLiteral("opening the embedding store")}, [&] { return openUnguarded(dir); });
}

Expected<EmbeddingStore> EmbeddingStore::openOrCreate(const QString &dir, const EmbeddingStoreInfo &info)
{
    return detail::guarded(detail::Doing{dir, QStringLiteral("opening the embedding store for %1 (channels %2)")
                                                  .arg(info.modelHash.left(16), info.channels.join(u','))},
                           [&] { return openOrCreateUnguarded(dir, info); });
}

Status EmbeddingStore::append(const std::vector<EmbeddingRecord> &records)
{
    return detail::guarded(detail::Doing{m_dir, QStringLiteral("appending %1 embeddings").arg(records.size())},
                           [&] { return appendUnguarded(records); });
}

Expected<std::vector<EmbeddingRecord>> EmbeddingStore::readAll() const
{
    return detail::guarded(detail::Doing{m_dir, QStringLiteral("reading %1 embeddings (channels %2, %3 x %3 grid, dim %4)")
                                                    .arg(m_count).arg(m_info.channels.join(u',')).arg(m_info.grid).arg(m_info.dim)},
                           [&] { return readAllUnguarded(); });
}

Expected<EmbeddingStore> EmbeddingStore::openUnguarded(const QString &dir)
{
    const QString manifestPath = dir + QLatin1Char('/') + kManifest;
    QFile f(manifestPath);
    if (!f.open(QIODevice::ReadOnly))
        return Error{dir, QStringLiteral("not an embedding store (no readable store.json)")};
    QJsonParseError perr;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &perr);
    if (!doc.isObject())
        return Error{manifestPath, QStringLiteral("corrupt manifest: ") + perr.errorString()};
    const QJsonObject m = doc.object();
    if (m.value(QStringLiteral("format")).toString() != kFormat)
        return Error{manifestPath, QStringLiteral("unknown store format '%1' (this build reads %2)")
                                       .arg(m.value(QStringLiteral("format")).toString(), kFormat)};
    EmbeddingStore s;
    s.m_dir = QFileInfo(dir).absoluteFilePath();
    s.m_manifest = m;
    s.m_info = infoFromJson(m);
    if (s.m_info.modelHash.isEmpty() || s.m_info.channels.isEmpty() || s.m_info.dim <= 0 || s.m_info.grid <= 0)
        return Error{manifestPath, QStringLiteral("incomplete manifest (model hash, channels, dim or grid missing)")};
    // Times come from the listed shards only.
    for (const QJsonValue &v : m.value(QStringLiteral("shards")).toArray()) {
        const QString file = s.m_dir + QLatin1Char('/') + v.toObject().value(QStringLiteral("file")).toString();
        auto shard = SafetensorsFile::read(file);
        if (!shard)
            return shard.error();
        const auto it = shard->tensors.find("time_ms");
        if (it == shard->tensors.end() || it->second.dtype != TensorDType::I64)
            return Error{file, QStringLiteral("shard without an I64 'time_ms' tensor")};
        const qint64 n = it->second.elementCount();
        for (qint64 k = 0; k < n; ++k) {
            qint64 t;
            std::memcpy(&t, it->second.bytes.constData() + k * 8, 8);
            s.m_times.insert(t);
        }
        s.m_count += n;
    }
    return s;
}

Expected<EmbeddingStore> EmbeddingStore::openOrCreateUnguarded(const QString &dir, const EmbeddingStoreInfo &info)
{
    if (QFileInfo::exists(dir + QLatin1Char('/') + kManifest)) {
        auto s = open(dir);
        if (!s)
            return s;
        const EmbeddingStoreInfo &have = s->m_info;
        if (have.modelHash != info.modelHash)
            return Error{dir, QStringLiteral("holds embeddings of another model (store: %1, this model: %2); refusing to "
                                             "mix them: use another --out folder")
                                  .arg(have.modelHash.left(16), info.modelHash.left(16))};
        if (have.channels != info.channels || have.dim != info.dim || have.grid != info.grid)
            return Error{dir, QStringLiteral("holds channels %1 (dim %2, grid %3), not %4 (dim %5, grid %6)")
                                  .arg(have.channels.join(u','))
                                  .arg(have.dim)
                                  .arg(have.grid)
                                  .arg(info.channels.join(u','))
                                  .arg(info.dim)
                                  .arg(info.grid)};
        return s;
    }
    if (!QDir().mkpath(dir))
        return Error{dir, QStringLiteral("cannot create the store folder")};
    EmbeddingStore s;
    s.m_dir = QFileInfo(dir).absoluteFilePath();
    s.m_info = info;
    s.m_manifest = infoToJson(info);
    s.m_manifest.insert(QStringLiteral("shards"), QJsonArray());
    s.m_manifest.insert(QStringLiteral("count"), 0);
    Status w = s.writeManifest();
    if (!w)
        return w.error();
    return s;
}

Status EmbeddingStore::writeManifest() const { return writeJsonAtomically(m_dir + QLatin1Char('/') + kManifest, m_manifest); }

Status EmbeddingStore::appendUnguarded(const std::vector<EmbeddingRecord> &records)
{
    if (records.empty())
        return Status::success();
    const int c = static_cast<int>(m_info.channels.size()), dim = m_info.dim, np = m_info.grid * m_info.grid;
    const std::size_t clsSize = static_cast<std::size_t>(c) * dim, patchSize = clsSize * np;
    QSet<qint64> batchTimes;
    for (const EmbeddingRecord &r : records) {
        if (r.cls.size() != clsSize || r.patches.size() != patchSize || r.files.size() != c)
            return Error{m_dir, QStringLiteral("record at %1 ms does not match the store's shape").arg(r.timeMs)};
        if (m_times.contains(r.timeMs) || batchTimes.contains(r.timeMs))
            return Error{m_dir, QStringLiteral("already holds the set at %1 ms").arg(r.timeMs)};
        batchTimes.insert(r.timeMs);
    }
    const qint64 k = static_cast<qint64>(records.size());
    SafetensorsFile shard;
    TensorData times;
    times.dtype = TensorDType::I64;
    times.shape = {k};
    times.bytes.resize(static_cast<qsizetype>(k * 8));
    std::vector<float> cls, patches;
    cls.reserve(clsSize * k);
    patches.reserve(patchSize * k);
    QJsonArray files;
    for (qint64 i = 0; i < k; ++i) {
        const EmbeddingRecord &r = records[static_cast<std::size_t>(i)];
        std::memcpy(times.bytes.data() + i * 8, &r.timeMs, 8);
        cls.insert(cls.end(), r.cls.begin(), r.cls.end());
        patches.insert(patches.end(), r.patches.begin(), r.patches.end());
        files.append(QJsonArray::fromStringList(r.files));
    }
    shard.tensors.emplace("time_ms", std::move(times));
    shard.tensors.emplace("cls", TensorData::fromFloats({k, c, dim}, cls.data()));
    if (m_info.halfPatches) {
        TensorData h;
        h.dtype = TensorDType::F16;
        h.shape = {k, c, np, dim};
        h.bytes.resize(static_cast<qsizetype>(patches.size() * 2));
        qFloatToFloat16(reinterpret_cast<qfloat16 *>(h.bytes.data()), patches.data(), static_cast<qsizetype>(patches.size()));
        shard.tensors.emplace("patches", std::move(h));
    } else {
        shard.tensors.emplace("patches", TensorData::fromFloats({k, c, np, dim}, patches.data()));
    }
    shard.metadata.insert(QStringLiteral("files"), QString::fromUtf8(QJsonDocument(files).toJson(QJsonDocument::Compact)));
    shard.metadata.insert(QStringLiteral("channels"),
                          QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(m_info.channels)).toJson(QJsonDocument::Compact)));
    shard.metadata.insert(QStringLiteral("model_hash"), m_info.modelHash);

    // A fresh name: above every shard file present, listed or orphaned by a killed writer.
    int next = 1;
    for (const QString &f : QDir(m_dir).entryList({QStringLiteral("shard-*.safetensors")}, QDir::Files))
        next = std::max(next, f.mid(6, 6).toInt() + 1);
    const QString name = QStringLiteral("shard-%1.safetensors").arg(next, 6, 10, QLatin1Char('0'));
    Status w = shard.write(m_dir + QLatin1Char('/') + name);
    if (!w)
        return w;
    qint64 first = records.front().timeMs, last = first;
    for (const EmbeddingRecord &r : records) {
        first = std::min(first, r.timeMs);
        last = std::max(last, r.timeMs);
    }
    QJsonObject m = m_manifest;
    QJsonArray shards = m.value(QStringLiteral("shards")).toArray();
    shards.append(QJsonObject{{QStringLiteral("file"), name},
                              {QStringLiteral("count"), static_cast<double>(k)},
                              {QStringLiteral("first_ms"), static_cast<double>(first)},
                              {QStringLiteral("last_ms"), static_cast<double>(last)}});
    m.insert(QStringLiteral("shards"), shards);
    m.insert(QStringLiteral("count"), static_cast<double>(m_count + k));
    const QJsonObject previous = m_manifest;
    m_manifest = m;
    w = writeManifest();
    if (!w) {
        m_manifest = previous;
        return w;
    }
    m_count += k;
    for (qint64 t : batchTimes)
        m_times.insert(t);
    return Status::success();
}

Expected<std::vector<EmbeddingRecord>> EmbeddingStore::readAllUnguarded() const
{
    std::vector<EmbeddingRecord> out;
    const int c = static_cast<int>(m_info.channels.size()), dim = m_info.dim, np = m_info.grid * m_info.grid;
    for (const QJsonValue &v : m_manifest.value(QStringLiteral("shards")).toArray()) {
        const QString file = m_dir + QLatin1Char('/') + v.toObject().value(QStringLiteral("file")).toString();
        auto shard = SafetensorsFile::read(file);
        if (!shard)
            return shard.error();
        const auto t = shard->tensors.find("time_ms");
        const auto cl = shard->tensors.find("cls");
        const auto pa = shard->tensors.find("patches");
        if (t == shard->tensors.end() || cl == shard->tensors.end() || pa == shard->tensors.end())
            return Error{file, QStringLiteral("shard lacks time_ms, cls or patches")};
        const qint64 k = t->second.elementCount();
        if (cl->second.elementCount() != k * c * dim || pa->second.elementCount() != k * c * np * dim)
            return Error{file, QStringLiteral("shard tensors do not match the manifest's shape")};
        const std::vector<float> clsV = cl->second.toFloats();
        const std::vector<float> patV = pa->second.toFloats();
        const QJsonArray files = QJsonDocument::fromJson(shard->metadata.value(QStringLiteral("files")).toUtf8()).array();
        for (qint64 i = 0; i < k; ++i) {
            EmbeddingRecord r;
            std::memcpy(&r.timeMs, t->second.bytes.constData() + i * 8, 8);
            for (const QJsonValue &f : files.at(static_cast<int>(i)).toArray())
                r.files << f.toString();
            const std::size_t cs = static_cast<std::size_t>(c) * dim, ps = cs * np;
            r.cls.assign(clsV.begin() + static_cast<std::ptrdiff_t>(i * cs), clsV.begin() + static_cast<std::ptrdiff_t>((i + 1) * cs));
            r.patches.assign(patV.begin() + static_cast<std::ptrdiff_t>(i * ps), patV.begin() + static_cast<std::ptrdiff_t>((i + 1) * ps));
            out.push_back(std::move(r));
        }
    }
    return out;
}

Expected<ChannelEmbeddings> EmbeddingStore::channelEmbeddings(const QString &channel, std::vector<qint64> *times) const
{
    const int ci = static_cast<int>(m_info.channels.indexOf(channel));
    if (ci < 0)
        return Error{m_dir, QStringLiteral("the store has no channel '%1' (it has %2)").arg(channel, m_info.channels.join(u','))};
    auto all = readAll();
    if (!all)
        return all.error();
    return detail::guarded(detail::Doing{m_dir, QStringLiteral("collecting the channel %1 embeddings").arg(channel)},
                           [&]() -> Expected<ChannelEmbeddings> {
        ChannelEmbeddings e;
        e.dim = m_info.dim;
        e.patches = m_info.grid * m_info.grid;
        const std::size_t cs = static_cast<std::size_t>(e.dim), ps = cs * e.patches;
        for (const EmbeddingRecord &r : *all) {
            e.cls.insert(e.cls.end(), r.cls.begin() + static_cast<std::ptrdiff_t>(ci * cs), r.cls.begin() + static_cast<std::ptrdiff_t>((ci + 1) * cs));
            e.patch.insert(e.patch.end(), r.patches.begin() + static_cast<std::ptrdiff_t>(ci * ps),
                           r.patches.begin() + static_cast<std::ptrdiff_t>((ci + 1) * ps));
            ++e.count;
            if (times)
                times->push_back(r.timeMs);
        }
        return e;
    });
}

}  // namespace solarchip
