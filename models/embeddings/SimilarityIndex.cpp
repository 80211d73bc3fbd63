#include "models/embeddings/SimilarityIndex.h"

#include "models/data/DatasetSpec.h"
#include "models/detail/Guarded.h"
#include "models/embeddings/CellGeometry.h"
#include "models/embeddings/EmbeddingStore.h"
#include "models/networks/SafetensorsFile.h"

#include <QCryptographicHash>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <faiss/IndexFlat.h>
#include <faiss/IndexIVFPQ.h>
#include <faiss/impl/io.h>
#include <faiss/index_io.h>

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>

namespace solarchip {

namespace {

const QString kIndexFormat = QStringLiteral("solarchip-similarity-index/1");

int largestDivisorAtMost(int dim, int at)
{
    for (int m = std::max(1, at); m > 1; --m)
        if (dim % m == 0)
            return m;
    return 1;
}

QByteArray checksum(const QByteArray &a, const QByteArray &b, const QByteArray &c)
{
    QCryptographicHash h(QCryptographicHash::Sha1);
    h.addData(a);
    h.addData(b);
    h.addData(c);
    return h.result().toHex();
}

}  // namespace

struct SimilarityIndex::Impl {
    SimilarityIndexOptions options;
    Kind kind = Kind::Flat;
    int dim = 0;
    std::unique_ptr<faiss::Index> index;
    std::vector<IndexEntry> entries;
    std::vector<qint64> times;
    std::vector<float> memVectors;           // re-ranking source of an in-memory IVF-PQ index
    std::optional<EmbeddingStore> store;     // re-ranking source of a store's IVF-PQ index
    QString path;
    qint64 serialized = 0;
    int nprobe = 0;
    int rerank = 10;

    qint64 size() const { return index ? index->ntotal : 0; }

    void applyThreads() const
    {
        if (options.threads > 0)
            omp_set_num_threads(options.threads);
    }

    // The exact vector of entry `id` (re-ranking).
    Status exactVector(qint64 id, float *out) const
    {
        if (!memVectors.empty()) {
            std::memcpy(out, memVectors.data() + id * dim, sizeof(float) * static_cast<std::size_t>(dim));
            return Status::success();
        }
        if (store) {
            const IndexEntry &e = entries[static_cast<std::size_t>(id)];
            return store->readPatch(e.record, e.channel, e.cell, out);
        }
        // Flat: the index holds the vectors.
        index->reconstruct(id, out);
        return Status::success();
    }

    IndexHit hitOf(qint64 id, float score) const
    {
        IndexHit h;
        h.entry = entries[static_cast<std::size_t>(id)];
        h.score = score;
        const auto r = static_cast<std::size_t>(h.entry.record);
        h.timeMs = r < times.size() ? times[r] : 0;
        return h;
    }

    void setProbe() const
    {
        if (auto *ivf = dynamic_cast<faiss::IndexIVF *>(index.get()))
            ivf->nprobe = static_cast<std::size_t>(std::clamp<qint64>(nprobe, 1, static_cast<qint64>(ivf->nlist)));
    }

    static std::unique_ptr<faiss::Index> makeIndex(Kind kind, int dim, qint64 n, const SimilarityIndexOptions &o, int *nprobeOut)
    {
        if (kind == Kind::Flat)
            return std::make_unique<faiss::IndexFlatIP>(dim);
        const int nlist = o.nlist > 0 ? o.nlist : static_cast<int>(std::clamp(std::sqrt(static_cast<double>(n)), 16.0, 65536.0));
        const int m = o.pqBytes > 0 ? o.pqBytes : largestDivisorAtMost(dim, std::max(1, dim / 4));
        auto quantizer = new faiss::IndexFlatIP(dim);
        auto ivf = std::make_unique<faiss::IndexIVFPQ>(quantizer, dim, static_cast<std::size_t>(nlist), static_cast<std::size_t>(m), 8,
                                                       faiss::METRIC_INNER_PRODUCT);
        ivf->own_fields = true;
        *nprobeOut = o.nprobe > 0 ? o.nprobe : std::max(16, nlist / 16);
        return ivf;
    }

    // Trains (IVF-PQ: on 40 vectors per list, at least 10^4, evenly spaced: the coarse k-means costs
    // nlist * sample * dim per iteration, which must stay seconds on 2 cores) and adds.
    void trainAndAdd(const float *v, qint64 n)
    {
        if (!index->is_trained) {
            const qint64 want = std::min<qint64>(n, std::max<qint64>(static_cast<qint64>(dynamic_cast<faiss::IndexIVF *>(index.get())->nlist) * 40, 10000));
            std::vector<float> sample(static_cast<std::size_t>(want * dim));
            for (qint64 i = 0; i < want; ++i) {
                const qint64 src = n == want ? i : (i * n) / want;
                std::memcpy(sample.data() + i * dim, v + src * dim, sizeof(float) * static_cast<std::size_t>(dim));
            }
            index->train(want, sample.data());
        }
        index->add(n, v);
    }

    Expected<std::vector<IndexHit>> search(const float *q, int k, const IndexFilter &filter) const
    {
        applyThreads();
        std::vector<IndexHit> out;
        const qint64 n = size();
        if (n == 0 || k <= 0)
            return out;
        std::vector<float> query(q, q + dim);
        qint64 want = std::min<qint64>(n, filter ? std::max(4 * k, 64) : k);
        while (true) {
            const qint64 shortlist = kind == Kind::Flat ? want : std::min<qint64>(n, want * std::max(1, rerank));
            std::vector<float> dist(static_cast<std::size_t>(shortlist));
            std::vector<faiss::Index::idx_t> ids(static_cast<std::size_t>(shortlist));
            setProbe();
            index->search(1, query.data(), shortlist, dist.data(), ids.data());
            out.clear();
            std::vector<float> v(static_cast<std::size_t>(dim));
            for (qint64 i = 0; i < shortlist; ++i) {
                const faiss::Index::idx_t id = ids[static_cast<std::size_t>(i)];
                if (id < 0)
                    continue;
                IndexHit h = hitOf(id, dist[static_cast<std::size_t>(i)]);
                if (filter && !filter(h))
                    continue;
                if (kind == Kind::IvfPq) {
                    Status st = exactVector(id, v.data());
                    if (!st)
                        return st.error();
                    double s = 0;
                    for (int j = 0; j < dim; ++j)
                        s += static_cast<double>(v[static_cast<std::size_t>(j)]) * query[static_cast<std::size_t>(j)];
                    h.score = static_cast<float>(s);
                }
                out.push_back(h);
            }
            std::stable_sort(out.begin(), out.end(), [](const IndexHit &a, const IndexHit &b) { return a.score > b.score; });
            if (static_cast<int>(out.size()) >= k || shortlist >= n || !filter)
                break;
            want = std::min<qint64>(n, want * 4);
        }
        if (static_cast<int>(out.size()) > k)
            out.resize(static_cast<std::size_t>(k));
        return out;
    }

    // File I/O -----------------------------------------------------------------------------------------------
    Status save(const QString &file, const QString &modelHash, const QJsonArray &shards, qint64 storeCount)
    {
        faiss::VectorIOWriter w;
        faiss::write_index(index.get(), &w);
        QByteArray blob(reinterpret_cast<const char *>(w.data.data()), static_cast<qsizetype>(w.data.size()));
        serialized = blob.size();
        SafetensorsFile f;
        TensorData b;
        b.dtype = TensorDType::U8;
        b.shape = {static_cast<int64_t>(blob.size())};
        b.bytes = blob;
        TensorData e;
        e.dtype = TensorDType::I32;
        e.shape = {static_cast<int64_t>(entries.size()), 3};
        e.bytes.resize(static_cast<qsizetype>(entries.size() * 12));
        for (std::size_t i = 0; i < entries.size(); ++i) {
            const qint32 v[3] = {entries[i].record, entries[i].channel, entries[i].cell};
            std::memcpy(e.bytes.data() + i * 12, v, 12);
        }
        TensorData t;
        t.dtype = TensorDType::I64;
        t.shape = {static_cast<int64_t>(times.size())};
        t.bytes = QByteArray(reinterpret_cast<const char *>(times.data()), static_cast<qsizetype>(times.size() * 8));
        const QByteArray sum = checksum(b.bytes, e.bytes, t.bytes);
        f.tensors.emplace("faiss", std::move(b));
        f.tensors.emplace("entries", std::move(e));
        f.tensors.emplace("record_times", std::move(t));
        f.metadata.insert(QStringLiteral("format"), kIndexFormat);
        f.metadata.insert(QStringLiteral("model_hash"), modelHash);
        f.metadata.insert(QStringLiteral("channel"), options.channel);
        f.metadata.insert(QStringLiteral("kind"), kindName(kind));
        f.metadata.insert(QStringLiteral("dim"), QString::number(dim));
        f.metadata.insert(QStringLiteral("on_disk_only"), options.onDiskOnly ? QStringLiteral("1") : QStringLiteral("0"));
        f.metadata.insert(QStringLiteral("on_disk_limit"), QString::number(options.onDiskLimit, 'g', 10));
        f.metadata.insert(QStringLiteral("store_count"), QString::number(storeCount));
        f.metadata.insert(QStringLiteral("shards"), QString::fromUtf8(QJsonDocument(shards).toJson(QJsonDocument::Compact)));
        f.metadata.insert(QStringLiteral("nprobe"), QString::number(nprobe));
        f.metadata.insert(QStringLiteral("sha1"), QString::fromLatin1(sum));
        path = file;
        return f.write(file);
    }
};

void SimilarityIndex::setThreads(int threads)
{
    if (threads > 0)
        omp_set_num_threads(threads);
}

QString SimilarityIndex::kindName(Kind kind) { return kind == Kind::Flat ? QStringLiteral("flat") : QStringLiteral("ivfpq"); }

SimilarityIndex::SimilarityIndex() : d(std::make_unique<Impl>()) {}
SimilarityIndex::~SimilarityIndex() = default;
SimilarityIndex::SimilarityIndex(SimilarityIndex &&) noexcept = default;
SimilarityIndex &SimilarityIndex::operator=(SimilarityIndex &&) noexcept = default;

bool SimilarityIndex::isValid() const { return d && d->index; }
SimilarityIndex::Kind SimilarityIndex::kind() const { return d->kind; }
qint64 SimilarityIndex::size() const { return d->size(); }
int SimilarityIndex::dim() const { return d->dim; }
QString SimilarityIndex::path() const { return d->path; }
qint64 SimilarityIndex::serializedBytes() const { return d->serialized; }
const std::vector<IndexEntry> &SimilarityIndex::entries() const { return d->entries; }
const std::vector<qint64> &SimilarityIndex::recordTimes() const { return d->times; }

void SimilarityIndex::setSearchParameters(int nprobe, int rerank)
{
    if (nprobe > 0)
        d->nprobe = nprobe;
    if (rerank > 0)
        d->rerank = rerank;
}

qint64 SimilarityIndex::memoryBytes() const
{
    if (!d->index)
        return 0;
    if (d->kind == Kind::Flat)
        return d->size() * d->dim * 4;
    auto *ivf = dynamic_cast<faiss::IndexIVFPQ *>(d->index.get());
    // codes + ids per vector, the coarse centroids, the PQ codebooks.
    return d->size() * (static_cast<qint64>(ivf->code_size) + 8) + static_cast<qint64>(ivf->nlist) * d->dim * 4
           + static_cast<qint64>(ivf->pq.centroids.size()) * 4;
}

QString SimilarityIndex::indexPath(const QString &storeDir, const SimilarityIndexOptions &options)
{
    return storeDir + QStringLiteral("/index-") + (options.channel.isEmpty() ? QStringLiteral("all") : options.channel)
           + QStringLiteral(".safetensors");
}

Expected<SimilarityIndex> SimilarityIndex::build(const float *vectors, qint64 n, int dim, const SimilarityIndexOptions &options,
                                                 std::vector<IndexEntry> entries, std::vector<qint64> times)
{
    return detail::guarded(detail::Doing{QString(), QStringLiteral("building a similarity index over %1 x %2 vectors").arg(n).arg(dim)},
                           [&]() -> Expected<SimilarityIndex> {
        if (dim <= 0 || n < 0)
            return Error{QString(), QStringLiteral("bad index shape %1 x %2").arg(n).arg(dim)};
        if (!entries.empty() && static_cast<qint64>(entries.size()) != n)
            return Error{QString(), QStringLiteral("%1 entries for %2 vectors").arg(entries.size()).arg(n)};
        SimilarityIndex s;
        Impl &m = *s.d;
        m.options = options;
        m.dim = dim;
        m.rerank = options.rerank;
        m.applyThreads();
        m.kind = n > options.flatLimit ? Kind::IvfPq : Kind::Flat;
        m.index = Impl::makeIndex(m.kind, dim, n, options, &m.nprobe);
        if (entries.empty()) {
            entries.resize(static_cast<std::size_t>(n));
            for (qint64 i = 0; i < n; ++i)
                entries[static_cast<std::size_t>(i)].record = static_cast<qint32>(i);
        }
        m.entries = std::move(entries);
        m.times = std::move(times);
        if (m.kind == Kind::IvfPq)
            m.memVectors.assign(vectors, vectors + n * dim);
        if (n > 0)
            m.trainAndAdd(vectors, n);
        return s;
    });
}

Expected<std::vector<IndexHit>> SimilarityIndex::search(const float *query, int k, const IndexFilter &filter) const
{
    if (!isValid())
        return Error{QString(), QStringLiteral("the similarity index is empty")};
    return detail::guarded(detail::Doing{d->path, QStringLiteral("searching the similarity index")},
                           [&] { return d->search(query, k, filter); });
}

Expected<std::vector<std::vector<IndexHit>>> SimilarityIndex::searchBatch(const float *queries, int nq, int k) const
{
    std::vector<std::vector<IndexHit>> out;
    for (int q = 0; q < nq; ++q) {
        auto h = search(queries + static_cast<std::size_t>(q) * d->dim, k);
        if (!h)
            return h.error();
        out.push_back(std::move(*h));
    }
    return out;
}

// --- Building from a store ---------------------------------------------------------------------------------

namespace {

QJsonArray shardList(const EmbeddingStore &store, int upTo)
{
    QJsonArray a;
    for (int i = 0; i < upTo; ++i) {
        const EmbeddingShardInfo &sh = store.shards()[static_cast<std::size_t>(i)];
        a.append(QJsonObject{{QStringLiteral("file"), sh.file}, {QStringLiteral("count"), static_cast<double>(sh.count)}});
    }
    return a;
}

struct Loaded {
    std::unique_ptr<faiss::Index> index;
    std::vector<IndexEntry> entries;
    std::vector<qint64> times;
    int coveredShards = 0;
    int nprobe = 0;
    qint64 serialized = 0;
};

// Reads the index file and checks it against the store; an Error says why it cannot be used.
Expected<Loaded> loadMatching(const QString &file, const EmbeddingStore &store, const SimilarityIndexOptions &o)
{
    if (!QFileInfo::exists(file))
        return Error{file, QStringLiteral("no index yet")};
    auto f = SafetensorsFile::read(file);
    if (!f)
        return Error{file, QStringLiteral("unreadable (half-written or corrupt): ") + f.errorString()};
    const auto &md = f->metadata;
    if (md.value(QStringLiteral("format")) != kIndexFormat)
        return Error{file, QStringLiteral("unknown index format '%1'").arg(md.value(QStringLiteral("format")))};
    if (md.value(QStringLiteral("model_hash")) != store.info().modelHash)
        return Error{file, QStringLiteral("built for another model (%1, the store's is %2)")
                               .arg(md.value(QStringLiteral("model_hash")).left(16), store.info().modelHash.left(16))};
    if (md.value(QStringLiteral("channel")) != o.channel || md.value(QStringLiteral("dim")).toInt() != store.info().dim
        || (md.value(QStringLiteral("on_disk_only")) == QLatin1String("1")) != o.onDiskOnly
        || std::fabs(md.value(QStringLiteral("on_disk_limit")).toDouble() - o.onDiskLimit) > 1e-9)
        return Error{file, QStringLiteral("built with other options (channel, dim or on-disk limit)")};
    const auto fb = f->tensors.find("faiss"), fe = f->tensors.find("entries"), ft = f->tensors.find("record_times");
    if (fb == f->tensors.end() || fe == f->tensors.end() || ft == f->tensors.end())
        return Error{file, QStringLiteral("lacks the faiss, entries or record_times tensor")};
    if (checksum(fb->second.bytes, fe->second.bytes, ft->second.bytes) != md.value(QStringLiteral("sha1")).toLatin1())
        return Error{file, QStringLiteral("checksum mismatch (corrupt)")};
    const QJsonArray shards = QJsonDocument::fromJson(md.value(QStringLiteral("shards")).toUtf8()).array();
    if (shards.size() > static_cast<qsizetype>(store.shards().size()))
        return Error{file, QStringLiteral("covers %1 shards, the store lists %2").arg(shards.size()).arg(store.shards().size())};
    if (shards != shardList(store, static_cast<int>(shards.size())))
        return Error{file, QStringLiteral("covers shards the store no longer lists as they were")};
    Loaded l;
    l.coveredShards = static_cast<int>(shards.size());
    qint64 records = 0;
    for (int i = 0; i < l.coveredShards; ++i)
        records += store.shards()[static_cast<std::size_t>(i)].count;
    const qint64 ne = fe->second.elementCount() / 3;
    l.entries.resize(static_cast<std::size_t>(ne));
    for (qint64 i = 0; i < ne; ++i) {
        qint32 v[3];
        std::memcpy(v, fe->second.bytes.constData() + i * 12, 12);
        l.entries[static_cast<std::size_t>(i)] = IndexEntry{v[0], static_cast<qint16>(v[1]), static_cast<qint16>(v[2])};
    }
    l.times.resize(static_cast<std::size_t>(ft->second.elementCount()));
    std::memcpy(l.times.data(), ft->second.bytes.constData(), l.times.size() * 8);
    if (static_cast<qint64>(l.times.size()) != records)
        return Error{file, QStringLiteral("holds %1 record times for %2 records").arg(l.times.size()).arg(records)};
    faiss::VectorIOReader r;
    r.data.assign(reinterpret_cast<const uint8_t *>(fb->second.bytes.constData()),
                  reinterpret_cast<const uint8_t *>(fb->second.bytes.constData()) + fb->second.bytes.size());
    l.index.reset(faiss::read_index(&r));
    l.serialized = fb->second.bytes.size();
    if (!l.index || l.index->ntotal != ne || l.index->d != store.info().dim)
        return Error{file, QStringLiteral("the FAISS index does not match its entries")};
    l.nprobe = md.value(QStringLiteral("nprobe")).toInt();
    return l;
}

}  // namespace

Expected<SimilarityIndex> SimilarityIndex::openOrBuild(const EmbeddingStore &store, const SimilarityIndexOptions &options,
                                                       QString *rebuildReason, const std::function<void(qint64, qint64)> &progress)
{
    const QString file = indexPath(store.dir(), options);
    return detail::guarded(detail::Doing{file, QStringLiteral("opening or building the similarity index")},
                           [&]() -> Expected<SimilarityIndex> {
        const EmbeddingStoreInfo &info = store.info();
        int channel = -1;
        if (!options.channel.isEmpty()) {
            channel = static_cast<int>(info.channels.indexOf(options.channel));
            if (channel < 0)
                return Error{store.dir(), QStringLiteral("the store has no channel '%1' (it has %2)").arg(options.channel, info.channels.join(u','))};
        }
        auto prep = PrepSpec::fromJson(info.prep);
        if (!prep)
            return prep.error();
        SimilarityIndex s;
        Impl &m = *s.d;
        m.options = options;
        m.dim = info.dim;
        m.rerank = options.rerank;
        m.store = store;
        m.path = file;
        m.applyThreads();
        QString reason;
        int firstShard = 0;
        {
            // A throw while reading a corrupt FAISS blob is a reason to rebuild, not a failure.
            Expected<Loaded> l = detail::guarded(detail::Doing{file, QStringLiteral("reading the index")},
                                                 [&] { return loadMatching(file, store, options); });
            if (l) {
                m.index = std::move(l->index);
                m.entries = std::move(l->entries);
                m.times = std::move(l->times);
                m.nprobe = options.nprobe > 0 ? options.nprobe : l->nprobe;
                m.serialized = l->serialized;
                m.kind = dynamic_cast<faiss::IndexIVF *>(m.index.get()) ? Kind::IvfPq : Kind::Flat;
                firstShard = l->coveredShards;
                if (firstShard < static_cast<int>(store.shards().size()))
                    reason = QStringLiteral("extended with %1 new shard(s)").arg(static_cast<int>(store.shards().size()) - firstShard);
            } else {
                reason = l.error().message;
            }
        }
        const int nShards = static_cast<int>(store.shards().size());
        if (firstShard == nShards && m.index) {
            if (rebuildReason)
                rebuildReason->clear();
            return s;
        }
        // Collect the new vectors (one record at a time; the flat index needs them all in memory anyway).
        std::vector<float> vectors;
        std::vector<IndexEntry> entries;
        std::vector<qint64> newTimes;
        auto allTimes = store.times();
        if (!allTimes)
            return allTimes.error();
        const int np = info.grid * info.grid;
        QString geometryNote;
        auto collect = [&](int fromShard) -> Status {
            vectors.clear();
            entries.clear();
            newTimes.clear();
            const qint64 firstRecord = fromShard < nShards ? store.shards()[static_cast<std::size_t>(fromShard)].firstRecord : store.count();
            for (qint64 rec = firstRecord; rec < store.count(); ++rec) {
                newTimes.push_back((*allTimes)[static_cast<std::size_t>(rec)]);
                std::vector<uint8_t> use(static_cast<std::size_t>(np), 1);
                if (options.onDiskOnly) {
                    auto files = store.recordFiles(rec);
                    auto g = files ? cellGeometry(*files, info.channels, *prep, info.grid) : Expected<CellGeometry>(files.error());
                    if (g && g->rsunArcsec > 0) {
                        for (int c = 0; c < np; ++c)
                            use[static_cast<std::size_t>(c)] = g->radius[static_cast<std::size_t>(c)] < options.onDiskLimit ? 1 : 0;
                    } else if (geometryNote.isEmpty()) {
                        geometryNote = g ? QStringLiteral("no solar radius in %1").arg(g->referenceFile) : g.errorString();
                    }
                }
                for (int ch = 0; ch < info.channels.size(); ++ch) {
                    if (channel >= 0 && ch != channel)
                        continue;
                    auto p = store.recordPatches(rec, ch);
                    if (!p)
                        return p.error();
                    for (int c = 0; c < np; ++c) {
                        if (!use[static_cast<std::size_t>(c)])
                            continue;
                        vectors.insert(vectors.end(), p->begin() + static_cast<std::ptrdiff_t>(c) * info.dim,
                                       p->begin() + static_cast<std::ptrdiff_t>(c + 1) * info.dim);
                        entries.push_back(IndexEntry{static_cast<qint32>(rec), static_cast<qint16>(ch), static_cast<qint16>(c)});
                    }
                }
                if (progress)
                    progress(rec - firstRecord + 1, store.count() - firstRecord);
            }
            return Status::success();
        };
        Status st = collect(firstShard);
        if (!st)
            return st.error();
        qint64 nNew = static_cast<qint64>(entries.size());
        qint64 total = m.size() + nNew;
        if (m.index && m.kind == Kind::Flat && total > options.flatLimit) {
            // Grown past the exact-search size: rebuilt as IVF-PQ over everything.
            m.index.reset();
            m.entries.clear();
            m.times.clear();
            reason = QStringLiteral("grew past %1 vectors: rebuilt as IVF-PQ").arg(options.flatLimit);
            st = collect(0);
            if (!st)
                return st.error();
            nNew = total = static_cast<qint64>(entries.size());
        }
        if (!m.index) {
            m.kind = total > options.flatLimit ? Kind::IvfPq : Kind::Flat;
            m.index = Impl::makeIndex(m.kind, m.dim, total, options, &m.nprobe);
        }
        if (nNew > 0)
            m.trainAndAdd(vectors.data(), nNew);
        m.entries.insert(m.entries.end(), entries.begin(), entries.end());
        m.times.insert(m.times.end(), newTimes.begin(), newTimes.end());
        Status saved = m.save(file, info.modelHash, shardList(store, nShards), store.count());
        if (!saved)
            return saved.error();
        if (rebuildReason)
            *rebuildReason = geometryNote.isEmpty() ? reason : reason + QStringLiteral(" (all cells indexed: ") + geometryNote + u')';
        return s;
    });
}

}  // namespace solarchip
