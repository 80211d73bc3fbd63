#include "models/data/Dataset.h"

#include "core/map/MapMeta.h"
#include "core/map/ModelFrame.h"
#include "core/map/PixelFrame.h"
#include "core/map/Prep.h"
#include "core/map/SdoMap.h"
#include "models/data/DatasetAugment.h"
#include "models/detail/Guarded.h"

#include <QDir>
#include <QFileInfo>
#include <QTimeZone>

#include <algorithm>
#include <cmath>

namespace solarchip {

namespace {

/// Bump whenever the prepared geometry would change for the same inputs and parameters (Prep calls, frame
/// choice, pre-downsampling): every cached entry of older code then misses.
constexpr int kPrepCodeVersion = 1;

QDateTime msToTime(qint64 ms) { return ms == 0 ? QDateTime() : QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()); }

// "the set at 2012-03-04T00:00:00Z (hmi,171) at 64 px": how errors caught while preparing a set name it.
QString describeSet(const ObservationSet &set, const PrepSpec &prep)
{
    return QStringLiteral("the set at %1 (%2) at %3 px (oversample %4)")
        .arg(msToTime(set.referenceTimeMs).toString(Qt::ISODate), set.channels.join(u','))
        .arg(prep.resolution)
        .arg(prep.oversample);
}

}  // namespace

int referenceMemberIndex(const ObservationSet &set, const PrepSpec &spec)
{
    if (!spec.referenceChannel.isEmpty()) {
        const int i = static_cast<int>(set.channels.indexOf(spec.referenceChannel));
        if (i >= 0)
            return i;
    }
    for (int i = 0; i < set.members.size(); ++i)
        if (set.members[i].instrument == QLatin1String("AIA"))
            return i;
    return 0;
}

QString splitName(Split split)
{
    switch (split) {
    case Split::Train: return QStringLiteral("train");
    case Split::Validation: return QStringLiteral("val");
    case Split::All: return QStringLiteral("all");
    }
    return {};
}

class Dataset::Impl {
public:
    DatasetOptions options;
    QVector<ObservationSet> all, train, validation;
    TensorCache cache;

    QString cacheKey(const ObservationSet &set, int member, int ref, bool partialReference) const
    {
        // A reference that does not show the whole disk is framed on its own pointing (ModelFrame): such entries
        // get their own keys, so the full-disk keys (every training archive's) stay what they were.
        return QStringLiteral("solarchip-prep-v%1|%2|ref=%3:%4|src=%5:%6%7")
            .arg(kPrepCodeVersion)
            .arg(options.prep.geometryKey(), set.channels[ref], TensorCache::fileIdentity(set.members[ref].path),
                 set.channels[member], TensorCache::fileIdentity(set.members[member].path),
                 partialReference ? QStringLiteral("|partial-fov") : QString());
    }

    // The model-input geometry (core/map/ModelFrame): the reference map's level 1.5 frame (north up, disk
    // centred) with its full field of view on resolution*oversample pixels, area-averaged to the resolution.
    Expected<ModelFrame> modelFrame(const SdoMap &ref) const
    {
        return ModelFrame::forReference(ref, options.prep.frameSpec());
    }

    Expected<Image> prepare(SdoMap map, const ModelFrame &frame) const
    {
        if (options.prep.exposureNormalise && map.meta.instrument == Instrument::AIA) {
            auto e = Prep::normaliseExposure(std::move(map));
            if (!e)
                return e.error();
            map = std::move(*e);
        }
        auto prepared = frame.prepare(std::move(map));
        if (!prepared)
            return prepared.error();
        return std::move(prepared->image);
    }

    // Prepared images (physical units, NaN where no data) of every member, through the cache.
    Expected<std::vector<Image>> prepareSet(const ObservationSet &set, int onlyMember = -1) const
    {
        if (!set.isComplete())
            return Error{{}, QStringLiteral("the set at %1 lacks channel(s) %2")
                                 .arg(set.referenceTime().toString(Qt::ISODate), set.missingChannels().join(QLatin1Char(',')))};
        const int ref = referenceMemberIndex(set, options.prep);
        const int n = static_cast<int>(set.members.size());
        std::vector<Image> out(n);
        std::vector<QString> keys(n);
        std::optional<SdoMap> refMap;
        std::optional<ModelFrame> frame;
        const auto refHeader = PixelFrame::fromFile(set.members[ref].path);
        const bool partialReference =
            refHeader && !ModelFrame::showsWholeDisk(refHeader->meta, refHeader->width, refHeader->height);
        for (int i = 0; i < n; ++i) {
            if (onlyMember >= 0 && i != onlyMember)
                continue;
            keys[i] = cacheKey(set, i, ref, partialReference);
            if (TensorCache::fileIdentity(set.members[i].path).isEmpty())
                return Error{set.members[i].path, QStringLiteral("file not found (the catalog is out of date?)")};
            if (auto hit = cache.get(keys[i])) {
                if (hit->width == options.prep.resolution && hit->height == options.prep.resolution) {
                    out[i] = std::move(*hit);
                    continue;
                }
            }
            if (!frame) {
                auto loaded = SdoMap::load(set.members[ref].path);
                if (!loaded)
                    return loaded.error();
                refMap = std::move(*loaded);
                auto f = modelFrame(*refMap);
                if (!f)
                    return Error{set.members[ref].path, QStringLiteral("cannot build the common frame: ") + f.error().message};
                frame = std::move(*f);
            }
            Expected<SdoMap> map = i == ref ? Expected<SdoMap>(*refMap) : SdoMap::load(set.members[i].path);
            if (!map)
                return map.error();
            auto img = prepare(std::move(*map), *frame);
            if (!img)
                return Error{set.members[i].path, img.error().message};
            if (img->width != options.prep.resolution || img->height != options.prep.resolution)
                return Error{set.members[i].path, QStringLiteral("prep produced %1x%2 instead of %3x%3")
                                                      .arg(img->width).arg(img->height).arg(options.prep.resolution)};
            cache.put(keys[i], *img);  // a failed cache write only costs speed
            out[i] = std::move(*img);
        }
        return out;
    }
};

Dataset::Dataset(std::unique_ptr<Impl> impl) : d(std::move(impl)) {}
Dataset::Dataset(Dataset &&) noexcept = default;
Dataset &Dataset::operator=(Dataset &&) noexcept = default;
Dataset::~Dataset() = default;

Expected<Dataset> Dataset::open(const DatasetOptions &options)
{
    const detail::Doing doing{options.archiveDir, QStringLiteral("opening the dataset of %1 at %2 px")
                                                      .arg(options.selection.channels.join(u','))
                                                      .arg(options.prep.resolution)};
    return detail::guarded(doing, [&]() -> Expected<Dataset> {
        auto impl = std::make_unique<Impl>();
        impl->options = options;
        DatasetOptions &o = impl->options;
        const QString problem = o.prep.validate();
        if (!problem.isEmpty())
            return Error{{}, QStringLiteral("dataset: ") + problem};
        if (o.selection.channels.isEmpty())
            return Error{{}, QStringLiteral("dataset: no channels given")};
        QStringList canonical;
        for (const QString &c : o.selection.channels) {
            const QString k = canonicalChannel(c);
            if (k.isEmpty())
                return Error{{}, QStringLiteral("dataset: '%1' is not an SDO channel").arg(c)};
            if (canonical.contains(k))
                return Error{{}, QStringLiteral("dataset: channel '%1' given twice").arg(k)};
            canonical << k;
        }
        o.selection.channels = canonical;
        if (!QFileInfo(o.archiveDir).isDir())
            return Error{o.archiveDir, QStringLiteral("archive folder not found")};
        o.archiveDir = QFileInfo(o.archiveDir).absoluteFilePath();

        auto catalog = Catalog::open(o.archiveDir, o.catalogDb,
                                     o.updateCatalog ? Catalog::OpenMode::ReadWrite : Catalog::OpenMode::ReadOnly);
        if (!catalog)
            return catalog.error();
        if (o.updateCatalog) {
            // Brought up to date before reading: another process's update (a second job on this archive) is waited
            // for rather than refused.
            CatalogScanOptions so;
            so.waitForWriterMs = 10 * 60 * 1000;
            auto scan = catalog->update(so);
            if (!scan)
                return scan.error();
        }
        if (o.onlyChannelsPresent) {
            // A model's channels: those the archive has, when at least two (a pair) are there.
            if (auto have = catalog->channels()) {
                QStringList present;
                for (const QString &c : canonical)
                    if (have->contains(c))
                        present << c;
                if (present.size() >= 2 && present.size() < canonical.size()) {
                    if (o.onChannelsNarrowed)
                        o.onChannelsNarrowed(canonical, present);
                    canonical = present;
                    o.selection.channels = present;
                }
            }
        }
        CoTemporalOptions co;
        co.toleranceMs = o.selection.toleranceMs;
        co.anchorChannel = canonical.first();
        co.minSpacingMs = o.selection.minSpacingMs;
        co.nominalQualityOnly = o.selection.nominalQualityOnly;
        auto sets = catalog->completeSets(msToTime(o.selection.fromMs), msToTime(o.selection.toMs), canonical, co);
        if (!sets)
            return sets.error();
        if (sets->isEmpty()) {
            auto have = catalog->channels();
            return Error{o.archiveDir, QStringLiteral("no complete co-temporal set of %1 within %2 s (channels in the catalog: %3)")
                                           .arg(canonical.join(QLatin1Char(',')))
                                           .arg(o.selection.toleranceMs / 1000.0)
                                           .arg(have ? have->join(QLatin1Char(',')) : QStringLiteral("?"))};
        }
        impl->all = *sets;
        std::sort(impl->all.begin(), impl->all.end(),
                  [](const ObservationSet &a, const ObservationSet &b) { return a.referenceTimeMs < b.referenceTimeMs; });
        splitByTime(impl->all, o.split, &impl->train, &impl->validation);
        if (o.useCache)
            impl->cache = TensorCache(o.cacheDir.isEmpty() ? TensorCache::defaultDir(o.archiveDir) : o.cacheDir);
        return Dataset(std::move(impl));
    });
}

Expected<Dataset> Dataset::forPreparing(const DatasetOptions &options)
{
    auto impl = std::make_unique<Impl>();
    impl->options = options;
    DatasetOptions &o = impl->options;
    const QString problem = o.prep.validate();
    if (!problem.isEmpty())
        return Error{{}, QStringLiteral("dataset: ") + problem};
    QStringList canonical;
    for (const QString &c : o.selection.channels) {
        const QString k = canonicalChannel(c);
        if (k.isEmpty())
            return Error{{}, QStringLiteral("dataset: '%1' is not an SDO channel").arg(c)};
        canonical << k;
    }
    o.selection.channels = canonical;
    const QString cacheDir = !o.cacheDir.isEmpty()       ? o.cacheDir
                             : !o.archiveDir.isEmpty() ? TensorCache::defaultDir(QFileInfo(o.archiveDir).absoluteFilePath())
                                                       : QString();
    if (o.useCache && !cacheDir.isEmpty())
        impl->cache = TensorCache(cacheDir);
    return Dataset(std::move(impl));
}

const DatasetOptions &Dataset::options() const { return d->options; }
const QStringList &Dataset::channels() const { return d->options.selection.channels; }

const QVector<ObservationSet> &Dataset::sets(Split split) const
{
    switch (split) {
    case Split::Train: return d->train;
    case Split::Validation: return d->validation;
    case Split::All: break;
    }
    return d->all;
}

int Dataset::size(Split split) const { return static_cast<int>(sets(split).size()); }
const TensorCache &Dataset::cache() const { return d->cache; }

Expected<Image> Dataset::preparedMember(const ObservationSet &set, int member) const
{
    if (member < 0 || member >= set.members.size())
        return Error{{}, QStringLiteral("member %1 out of range").arg(member)};
    const detail::Doing doing{set.members[member].path, QStringLiteral("preparing member %1 of %2")
                                                            .arg(set.channels.value(member), describeSet(set, d->options.prep))};
    return detail::guarded(doing, [&]() -> Expected<Image> {
        auto imgs = d->prepareSet(set, member);
        if (!imgs)
            return imgs.error();
        return std::move((*imgs)[member]);
    });
}

Expected<Sample> Dataset::sampleOf(const ObservationSet &set) const { return sampleOf(set, nullptr); }

Expected<Sample> Dataset::sampleOf(const ObservationSet &set, std::vector<uint8_t> *hasData) const
{
    return detail::guarded(detail::Doing{{}, QStringLiteral("preparing ") + describeSet(set, d->options.prep)}, [&]() -> Expected<Sample> {
        auto imgs = d->prepareSet(set);
        if (!imgs)
            return imgs.error();
        const int side = d->options.prep.resolution;
        const std::size_t plane = static_cast<std::size_t>(side) * side;
        Sample s;
        s.timeMs = set.referenceTimeMs;
        s.channels = set.channels;
        s.side = side;
        s.data.resize(plane * set.channels.size());
        const ModelNormalize &norm = d->options.prep.normalize;
        if (hasData)
            hasData->assign(plane * set.channels.size(), 0);
        for (int c = 0; c < set.channels.size(); ++c) {
            if (hasData) {
                const float *src = (*imgs)[c].data();
                uint8_t *flag = hasData->data() + plane * c;
                for (std::size_t i = 0; i < plane; ++i)
                    flag[i] = std::isfinite(src[i]) ? 1 : 0;
            }
            s.files << set.members[c].path;
            float *dst = s.plane(c);
            const Status st = norm.apply(set.channels[c], (*imgs)[c].data(), dst, plane);
            if (!st)
                return Error{set.members[c].path, st.error().message};
            // NaN (off disk, outside the field of view) -> 0, as the research code's nan_to_num.
            for (std::size_t i = 0; i < plane; ++i)
                if (!std::isfinite(dst[i]))
                    dst[i] = 0.0f;
        }
        return s;
    });
}

Expected<Sample> Dataset::sample(Split split, int index, const AugmentSpec *augment, quint64 augmentSeed) const
{
    const QVector<ObservationSet> &v = sets(split);
    if (index < 0 || index >= v.size())
        return Error{{}, QStringLiteral("sample %1 out of range (%2 %3 sets)").arg(index).arg(v.size()).arg(splitName(split))};
    const detail::Doing doing{{}, QStringLiteral("preparing %1 sample %2, %3")
                                     .arg(splitName(split)).arg(index).arg(describeSet(v[index], d->options.prep))};
    return detail::guarded(doing, [&]() -> Expected<Sample> {
        auto s = sampleOf(v[index]);
        if (!s)
            return s;
        if (augment && augment->enabled()) {
            applyAugment(drawAugment(*augment, augmentSeed), s->data.data(), static_cast<int>(s->channels.size()), s->side);
            if (augment->modalityQuarterTurns)
                for (int c = 0; c < s->channels.size(); ++c) {
                    s->quarterTurns.push_back(drawQuarterTurns(augmentSeed, c));
                    applyQuarterTurns(s->plane(c), s->side, s->quarterTurns.back());
                }
        }
        return s;
    });
}

void Dataset::splitByTime(const QVector<ObservationSet> &sets, const SplitSpec &spec, QVector<ObservationSet> *train,
                          QVector<ObservationSet> *validation)
{
    QVector<ObservationSet> sorted = sets;
    std::stable_sort(sorted.begin(), sorted.end(), [](const ObservationSet &a, const ObservationSet &b) {
        return a.referenceTimeMs < b.referenceTimeMs;
    });
    train->clear();
    validation->clear();
    const int n = static_cast<int>(sorted.size());
    int nVal = 0;
    if (spec.validationFraction > 0 && n >= 2)
        nVal = std::clamp(static_cast<int>(std::lround(spec.validationFraction * n)), 1, n - 1);
    if (nVal == 0) {
        *train = sorted;
        return;
    }
    // Validation starts at the first set of the latest nVal; sets at the same time go with it.
    const qint64 tVal = sorted[n - nVal].referenceTimeMs;
    for (const ObservationSet &s : sorted) {
        if (s.referenceTimeMs >= tVal)
            validation->append(s);
        else if (s.referenceTimeMs < tVal - spec.gapMs)
            train->append(s);
    }
}

}  // namespace solarchip
