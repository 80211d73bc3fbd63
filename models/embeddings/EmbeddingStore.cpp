#include "models/embeddings/EmbeddingStore.h"

#include "core/base/AtomicFile.h"
#include "models/detail/Guarded.h"
#include "models/networks/SafetensorsFile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFloat16>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMutex>
#include <QMutexLocker>

#include <algorithm>
#include <cstring>
#include <map>
#include <numeric>

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
    return writeFileAtomically(path, QJsonDocument(o).toJson());
}

// A shard's safetensors header without its data: where each tensor's bytes are, and the metadata. Tensors are
// then read with positioned reads of just the bytes wanted.
struct TensorSpan {
    TensorDType dtype = TensorDType::F32;
    std::vector<int64_t> shape;
    qint64 begin = 0;  // absolute file offset
    qint64 end = 0;
};

struct ShardHeader {
    QString path;
    std::map<std::string, TensorSpan> tensors;
    QJsonArray files;  // metadata "files": one array of paths per record
};

Expected<TensorDType> dtypeFromName(const QString &name, const QString &path)
{
    for (TensorDType t : {TensorDType::F64, TensorDType::F32, TensorDType::F16, TensorDType::BF16, TensorDType::I64,
                          TensorDType::I32, TensorDType::I16, TensorDType::I8, TensorDType::U8, TensorDType::Bool})
        if (dtypeName(t) == name)
            return t;
    return Error{path, QStringLiteral("unknown tensor dtype '%1'").arg(name)};
}

Expected<ShardHeader> readShardHeader(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error{path, QStringLiteral("cannot open the shard: ") + f.errorString()};
    const qint64 size = f.size();
    quint64 headerLen = 0;
    if (size < 8 || f.read(reinterpret_cast<char *>(&headerLen), 8) != 8)
        return Error{path, QStringLiteral("truncated shard (no header length)")};
    if (headerLen > static_cast<quint64>(size - 8) || headerLen > 512ull * 1024 * 1024)
        return Error{path, QStringLiteral("truncated or corrupt shard (header of %1 bytes in a file of %2)").arg(headerLen).arg(size)};
    const QByteArray text = f.read(static_cast<qint64>(headerLen));
    QJsonParseError perr;
    const QJsonDocument doc = QJsonDocument::fromJson(text, &perr);
    if (!doc.isObject())
        return Error{path, QStringLiteral("corrupt shard header: ") + perr.errorString()};
    ShardHeader h;
    h.path = path;
    const qint64 dataStart = 8 + static_cast<qint64>(headerLen);
    const QJsonObject o = doc.object();
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (it.key() == QLatin1String("__metadata__")) {
            h.files = QJsonDocument::fromJson(it.value().toObject().value(QStringLiteral("files")).toString().toUtf8()).array();
            continue;
        }
        const QJsonObject t = it.value().toObject();
        auto dt = dtypeFromName(t.value(QStringLiteral("dtype")).toString(), path);
        if (!dt)
            return dt.error();
        TensorSpan span;
        span.dtype = *dt;
        for (const QJsonValue &v : t.value(QStringLiteral("shape")).toArray())
            span.shape.push_back(static_cast<int64_t>(v.toDouble()));
        const QJsonArray off = t.value(QStringLiteral("data_offsets")).toArray();
        span.begin = dataStart + static_cast<qint64>(off.at(0).toDouble());
        span.end = dataStart + static_cast<qint64>(off.at(1).toDouble());
        qint64 elements = 1;
        for (int64_t d : span.shape)
            elements *= d;
        if (span.end > size || span.end - span.begin != elements * dtypeSize(span.dtype))
            return Error{path, QStringLiteral("truncated or corrupt shard (tensor '%1' out of the file)").arg(it.key())};
        h.tensors.emplace(it.key().toStdString(), span);
    }
    return h;
}

// Reads `count` elements at element offset `first` of a tensor into floats (F32 or F16) or raw bytes.
Status readElements(const ShardHeader &h, const char *name, qint64 first, qint64 count, float *out)
{
    const auto it = h.tensors.find(name);
    if (it == h.tensors.end())
        return Error{h.path, QStringLiteral("shard lacks the tensor '%1'").arg(QLatin1String(name))};
    const TensorSpan &s = it->second;
    const int es = dtypeSize(s.dtype);
    if (s.dtype != TensorDType::F32 && s.dtype != TensorDType::F16)
        return Error{h.path, QStringLiteral("tensor '%1' is %2, not F32 or F16").arg(QLatin1String(name), dtypeName(s.dtype))};
    const qint64 offset = s.begin + first * es, bytes = count * es;
    if (first < 0 || offset + bytes > s.end)
        return Error{h.path, QStringLiteral("read outside tensor '%1'").arg(QLatin1String(name))};
    QFile f(h.path);
    if (!f.open(QIODevice::ReadOnly) || !f.seek(offset))
        return Error{h.path, QStringLiteral("cannot read the shard: ") + f.errorString()};
    if (s.dtype == TensorDType::F32) {
        if (f.read(reinterpret_cast<char *>(out), bytes) != bytes)
            return Error{h.path, QStringLiteral("truncated shard")};
        return Status::success();
    }
    std::vector<qfloat16> half(static_cast<std::size_t>(count));
    if (f.read(reinterpret_cast<char *>(half.data()), bytes) != bytes)
        return Error{h.path, QStringLiteral("truncated shard")};
    qFloatFromFloat16(out, half.data(), count);
    return Status::success();
}

Expected<std::vector<qint64>> readShardTimes(const ShardHeader &h)
{
    const auto it = h.tensors.find("time_ms");
    if (it == h.tensors.end() || it->second.dtype != TensorDType::I64)
        return Error{h.path, QStringLiteral("shard without an I64 'time_ms' tensor")};
    const qint64 n = (it->second.end - it->second.begin) / 8;
    std::vector<qint64> t(static_cast<std::size_t>(n));
    QFile f(h.path);
    if (!f.open(QIODevice::ReadOnly) || !f.seek(it->second.begin) || f.read(reinterpret_cast<char *>(t.data()), n * 8) != n * 8)
        return Error{h.path, QStringLiteral("cannot read the shard's times")};
    return t;
}

}  // namespace

struct EmbeddingStore::Cache {
    QMutex mutex;
    bool timesLoaded = false;
    QString timesError;
    std::vector<qint64> times;  // manifest order
    QSet<qint64> timeSet;
    std::map<QString, std::shared_ptr<const ShardHeader>> headers;  // by shard file, bounded

    std::shared_ptr<const ShardHeader> header(const QString &path, QString *error)
    {
        QMutexLocker lock(&mutex);
        if (auto it = headers.find(path); it != headers.end())
            return it->second;
        auto h = readShardHeader(path);
        if (!h) {
            *error = h.errorString();
            return {};
        }
        if (headers.size() >= 64)
            headers.clear();
        auto p = std::make_shared<const ShardHeader>(std::move(*h));
        headers.emplace(path, p);
        return p;
    }
};

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
    // Opening reads the manifest only: the shards are read when their contents are asked for.
    s.rebuildShardTable();
    for (const EmbeddingShardInfo &sh : s.m_shards)
        if (!QFileInfo::exists(s.m_dir + QLatin1Char('/') + sh.file))
            return Error{manifestPath, QStringLiteral("lists the shard %1, which is missing").arg(sh.file)};
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
    s.rebuildShardTable();
    Status w = s.writeManifest();
    if (!w)
        return w.error();
    return s;
}

void EmbeddingStore::rebuildShardTable()
{
    m_shards.clear();
    m_count = 0;
    for (const QJsonValue &v : m_manifest.value(QStringLiteral("shards")).toArray()) {
        const QJsonObject o = v.toObject();
        EmbeddingShardInfo sh;
        sh.file = o.value(QStringLiteral("file")).toString();
        sh.count = static_cast<qint64>(o.value(QStringLiteral("count")).toDouble());
        sh.firstMs = static_cast<qint64>(o.value(QStringLiteral("first_ms")).toDouble());
        sh.lastMs = static_cast<qint64>(o.value(QStringLiteral("last_ms")).toDouble());
        sh.firstRecord = m_count;
        m_count += sh.count;
        m_shards.push_back(sh);
    }
    if (!m_cache)
        m_cache = std::make_shared<Cache>();
}

std::pair<int, qint64> EmbeddingStore::locate(qint64 record) const
{
    if (record < 0 || record >= m_count)
        return {-1, -1};
    const auto it = std::upper_bound(m_shards.begin(), m_shards.end(), record,
                                     [](qint64 r, const EmbeddingShardInfo &sh) { return r < sh.firstRecord; });
    const int shard = static_cast<int>(it - m_shards.begin()) - 1;
    return {shard, record - m_shards[static_cast<std::size_t>(shard)].firstRecord};
}

Status EmbeddingStore::loadTimes() const
{
    QMutexLocker lock(&m_cache->mutex);
    if (m_cache->timesLoaded && static_cast<qint64>(m_cache->times.size()) == m_count)
        return Status::success();
    std::vector<qint64> all;
    all.reserve(static_cast<std::size_t>(m_count));
    for (const EmbeddingShardInfo &sh : m_shards) {
        auto h = readShardHeader(m_dir + QLatin1Char('/') + sh.file);
        if (!h)
            return h.error();
        auto t = readShardTimes(*h);
        if (!t)
            return t.error();
        if (static_cast<qint64>(t->size()) != sh.count)
            return Error{h->path, QStringLiteral("holds %1 records, the manifest says %2").arg(t->size()).arg(sh.count)};
        all.insert(all.end(), t->begin(), t->end());
    }
    m_cache->times = std::move(all);
    m_cache->timeSet = QSet<qint64>(m_cache->times.begin(), m_cache->times.end());
    m_cache->timesLoaded = true;
    m_cache->timesError.clear();
    return Status::success();
}

bool EmbeddingStore::contains(qint64 timeMs) const
{
    Status st = loadTimes();
    QMutexLocker lock(&m_cache->mutex);
    if (!st) {
        m_cache->timesError = st.errorString();
        return false;
    }
    return m_cache->timeSet.contains(timeMs);
}

QString EmbeddingStore::timesError() const
{
    QMutexLocker lock(&m_cache->mutex);
    return m_cache->timesError;
}

Expected<std::vector<qint64>> EmbeddingStore::times() const
{
    Status st = loadTimes();
    if (!st)
        return st.error();
    QMutexLocker lock(&m_cache->mutex);
    return m_cache->times;
}

Expected<QStringList> EmbeddingStore::recordFiles(qint64 record) const
{
    const auto [shard, row] = locate(record);
    if (shard < 0)
        return Error{m_dir, QStringLiteral("no record %1 (the store holds %2)").arg(record).arg(m_count)};
    QString error;
    auto h = m_cache->header(m_dir + QLatin1Char('/') + m_shards[static_cast<std::size_t>(shard)].file, &error);
    if (!h)
        return Error{m_dir, error};
    QStringList out;
    for (const QJsonValue &v : h->files.at(static_cast<int>(row)).toArray())
        out << v.toString();
    return out;
}

Expected<std::vector<float>> EmbeddingStore::recordPatches(qint64 record, int channel) const
{
    const int c = static_cast<int>(m_info.channels.size()), np = m_info.grid * m_info.grid, dim = m_info.dim;
    const auto [shard, row] = locate(record);
    if (shard < 0 || channel < 0 || channel >= c)
        return Error{m_dir, QStringLiteral("no record %1 channel %2 (the store holds %3 records of %4 channels)")
                                .arg(record).arg(channel).arg(m_count).arg(c)};
    QString error;
    auto h = m_cache->header(m_dir + QLatin1Char('/') + m_shards[static_cast<std::size_t>(shard)].file, &error);
    if (!h)
        return Error{m_dir, error};
    std::vector<float> out(static_cast<std::size_t>(np) * dim);
    Status st = readElements(*h, "patches", ((row * c) + channel) * static_cast<qint64>(np) * dim,
                             static_cast<qint64>(np) * dim, out.data());
    if (!st)
        return st.error();
    return out;
}

Status EmbeddingStore::readPatch(qint64 record, int channel, int cell, float *out) const
{
    const int c = static_cast<int>(m_info.channels.size()), np = m_info.grid * m_info.grid, dim = m_info.dim;
    const auto [shard, row] = locate(record);
    if (shard < 0 || channel < 0 || channel >= c || cell < 0 || cell >= np)
        return Error{m_dir, QStringLiteral("no record %1 channel %2 cell %3").arg(record).arg(channel).arg(cell)};
    QString error;
    auto h = m_cache->header(m_dir + QLatin1Char('/') + m_shards[static_cast<std::size_t>(shard)].file, &error);
    if (!h)
        return Error{m_dir, error};
    return readElements(*h, "patches", (((row * c) + channel) * static_cast<qint64>(np) + cell) * dim, dim, out);
}

Status EmbeddingStore::writeManifest() const { return writeJsonAtomically(m_dir + QLatin1Char('/') + kManifest, m_manifest); }

Status EmbeddingStore::appendUnguarded(const std::vector<EmbeddingRecord> &records)
{
    if (records.empty())
        return Status::success();
    const int c = static_cast<int>(m_info.channels.size()), dim = m_info.dim, np = m_info.grid * m_info.grid;
    const std::size_t clsSize = static_cast<std::size_t>(c) * dim, patchSize = clsSize * np;
    QSet<qint64> batchTimes;
    Status loaded = loadTimes();
    if (!loaded)
        return loaded;
    for (const EmbeddingRecord &r : records) {
        if (r.cls.size() != clsSize || r.patches.size() != patchSize || r.files.size() != c)
            return Error{m_dir, QStringLiteral("record at %1 ms does not match the store's shape").arg(r.timeMs)};
        if (contains(r.timeMs) || batchTimes.contains(r.timeMs))
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
    rebuildShardTable();
    QMutexLocker lock(&m_cache->mutex);
    for (const EmbeddingRecord &r : records) {
        m_cache->times.push_back(r.timeMs);
        m_cache->timeSet.insert(r.timeMs);
    }
    return Status::success();
}

Expected<std::vector<EmbeddingRecord>> EmbeddingStore::readAllUnguarded() const
{
    std::vector<EmbeddingRecord> out;
    out.reserve(static_cast<std::size_t>(m_count));
    Status st = forEachRecord([&](EmbeddingRecord &&r) {
        out.push_back(std::move(r));
        return Status::success();
    });
    if (!st)
        return st.error();
    return out;
}

namespace {

// Groups of shards read together for a time-ordered walk: shards sorted by first time, and shards whose time
// ranges overlap merged into one group (usually every group is one shard: embed appends in time order).
std::vector<std::vector<int>> timeOrderedGroups(const std::vector<EmbeddingShardInfo> &shards)
{
    std::vector<int> order(shards.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return shards[a].firstMs < shards[b].firstMs; });
    std::vector<std::vector<int>> groups;
    qint64 groupLast = 0;
    for (int i : order) {
        if (groups.empty() || shards[i].firstMs > groupLast) {
            groups.push_back({i});
            groupLast = shards[i].lastMs;
        } else {
            groups.back().push_back(i);
            groupLast = std::max(groupLast, shards[i].lastMs);
        }
    }
    return groups;
}

}  // namespace

Status EmbeddingStore::forEachRecord(const std::function<Status(EmbeddingRecord &&)> &sink, RecordOrder order) const
{
    const int c = static_cast<int>(m_info.channels.size()), dim = m_info.dim, np = m_info.grid * m_info.grid;
    const std::size_t cs = static_cast<std::size_t>(c) * dim, ps = cs * np;
    auto readShard = [&](int index, std::vector<EmbeddingRecord> &out) -> Status {
        const QString file = m_dir + QLatin1Char('/') + m_shards[static_cast<std::size_t>(index)].file;
        auto h = readShardHeader(file);
        if (!h)
            return h.error();
        auto t = readShardTimes(*h);
        if (!t)
            return t.error();
        const qint64 k = static_cast<qint64>(t->size());
        std::vector<float> clsV(cs * k), patV(ps * k);
        Status st = readElements(*h, "cls", 0, static_cast<qint64>(clsV.size()), clsV.data());
        if (st)
            st = readElements(*h, "patches", 0, static_cast<qint64>(patV.size()), patV.data());
        if (!st)
            return Error{file, QStringLiteral("shard tensors do not match the manifest's shape: ") + st.errorString()};
        for (qint64 i = 0; i < k; ++i) {
            EmbeddingRecord r;
            r.timeMs = (*t)[static_cast<std::size_t>(i)];
            for (const QJsonValue &f : h->files.at(static_cast<int>(i)).toArray())
                r.files << f.toString();
            r.cls.assign(clsV.begin() + static_cast<std::ptrdiff_t>(i * cs), clsV.begin() + static_cast<std::ptrdiff_t>((i + 1) * cs));
            r.patches.assign(patV.begin() + static_cast<std::ptrdiff_t>(i * ps), patV.begin() + static_cast<std::ptrdiff_t>((i + 1) * ps));
            out.push_back(std::move(r));
        }
        return Status::success();
    };
    std::vector<std::vector<int>> groups;
    if (order == RecordOrder::Time) {
        groups = timeOrderedGroups(m_shards);
    } else {
        for (int i = 0; i < static_cast<int>(m_shards.size()); ++i)
            groups.push_back({i});
    }
    for (const std::vector<int> &g : groups) {
        std::vector<EmbeddingRecord> batch;
        for (int i : g) {
            Status st = readShard(i, batch);
            if (!st)
                return st;
        }
        if (order == RecordOrder::Time)
            std::stable_sort(batch.begin(), batch.end(), [](const EmbeddingRecord &a, const EmbeddingRecord &b) { return a.timeMs < b.timeMs; });
        for (EmbeddingRecord &r : batch) {
            Status st = sink(std::move(r));
            if (!st)
                return st;
        }
    }
    return Status::success();
}

Expected<ChannelEmbeddings> EmbeddingStore::channelEmbeddings(const QString &channel, std::vector<qint64> *times,
                                                             RecordOrder order) const
{
    const int ci = static_cast<int>(m_info.channels.indexOf(channel));
    if (ci < 0)
        return Error{m_dir, QStringLiteral("the store has no channel '%1' (it has %2)").arg(channel, m_info.channels.join(u','))};
    return detail::guarded(detail::Doing{m_dir, QStringLiteral("collecting the channel %1 embeddings").arg(channel)},
                           [&]() -> Expected<ChannelEmbeddings> {
        ChannelEmbeddings e;
        e.dim = m_info.dim;
        e.patches = m_info.grid * m_info.grid;
        const int c = static_cast<int>(m_info.channels.size());
        const qint64 cs = e.dim, ps = cs * e.patches;
        std::vector<std::pair<qint64, qint64>> rows;  // (time, record)
        auto all = this->times();
        if (!all)
            return all.error();
        for (qint64 i = 0; i < m_count; ++i)
            rows.push_back({(*all)[static_cast<std::size_t>(i)], i});
        if (order == RecordOrder::Time)
            std::stable_sort(rows.begin(), rows.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
        e.cls.resize(static_cast<std::size_t>(cs * m_count));
        e.patch.resize(static_cast<std::size_t>(ps * m_count));
        for (const auto &[t, record] : rows) {
            const auto [shard, row] = locate(record);
            QString error;
            auto h = m_cache->header(m_dir + QLatin1Char('/') + m_shards[static_cast<std::size_t>(shard)].file, &error);
            if (!h)
                return Error{m_dir, error};
            Status st = readElements(*h, "cls", (row * c + ci) * cs, cs, e.cls.data() + e.count * cs);
            if (st)
                st = readElements(*h, "patches", (row * c + ci) * ps, ps, e.patch.data() + e.count * ps);
            if (!st)
                return st.error();
            ++e.count;
            if (times)
                times->push_back(t);
        }
        return e;
    });
}

}  // namespace solarchip
