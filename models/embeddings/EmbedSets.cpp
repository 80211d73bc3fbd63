#include "models/embeddings/EmbedSets.h"

#include "core/map/ModelFrame.h"
#include "core/map/PixelFrame.h"
#include "models/data/DatasetLoader.h"
#include "models/detail/Guarded.h"
#include "models/networks/ModelConfig.h"

#include <cmath>
#include <cstring>

namespace solarchip {

Expected<DatasetOptions> datasetOptionsFor(const TrainedModel &model, const DatasetOptions &base, const QStringList &channels)
{
    DatasetOptions o = base;
    o.prep = model.prep;
    o.split.validationFraction = 0;
    const QStringList wanted = channels.isEmpty() ? model.channels : channels;
    for (const QString &c : wanted)
        if (!model.channels.contains(c))
            return Error{model.path, QStringLiteral("the model has no channel '%1' (it has %2)").arg(c, model.channels.join(u','))};
    o.selection.channels = wanted;
    return o;
}

std::vector<uint8_t> onDiskCells(const ObservationSet &set, const PrepSpec &prep, int grid, double limit)
{
    // The member the Dataset builds its frame on: prep.referenceChannel, else the first AIA member.
    int ref = prep.referenceChannel.isEmpty() ? -1 : static_cast<int>(set.channels.indexOf(prep.referenceChannel));
    for (int i = 0; ref < 0 && i < set.members.size(); ++i)
        if (set.members[i].instrument == QLatin1String("AIA"))
            ref = i;
    if (ref < 0)
        ref = 0;
    if (ref >= set.members.size() || grid <= 0)
        return {};
    auto header = PixelFrame::fromFile(set.members[ref].path);
    if (!header || !(header->meta.rsunObs > 0))
        return {};
    auto frame = ModelFrame::forReference(*header, prep.frameSpec(grid));
    if (!frame)
        return {};
    std::vector<uint8_t> out(static_cast<std::size_t>(grid) * grid, 0);
    for (int index = 0; index < grid * grid; ++index) {
        const auto hpc = frame->cellCentreHpc(frame->cellOfIndex(index));
        out[static_cast<std::size_t>(index)] =
            hpc && std::hypot(hpc->x(), hpc->y()) < limit * header->meta.rsunObs ? 1 : 0;
    }
    return out;
}

ChannelEmbeddings channelFromRecords(const std::vector<EmbeddingRecord> &records, int channelIndex, int channels,
                                     int patches, int dim)
{
    ChannelEmbeddings e;
    e.dim = dim;
    e.patches = patches;
    const std::size_t cs = static_cast<std::size_t>(dim), ps = cs * patches;
    for (const EmbeddingRecord &r : records) {
        if (r.cls.size() != cs * channels)
            continue;
        e.cls.insert(e.cls.end(), r.cls.begin() + static_cast<std::ptrdiff_t>(channelIndex * cs),
                     r.cls.begin() + static_cast<std::ptrdiff_t>((channelIndex + 1) * cs));
        e.patch.insert(e.patch.end(), r.patches.begin() + static_cast<std::ptrdiff_t>(channelIndex * ps),
                       r.patches.begin() + static_cast<std::ptrdiff_t>((channelIndex + 1) * ps));
        ++e.count;
    }
    return e;
}

namespace {

Status encodeUnguarded(const TrainedModel &model, const Dataset &dataset, Split split, const std::vector<int> &indices,
                       const EncodeOptions &options, const std::function<Status(std::vector<EmbeddingRecord> &&)> &sink,
                       const std::function<void(const QString &)> &onWarning)
{
    const QStringList &channels = dataset.channels();
    QStringList modalities;
    for (const QString &c : channels) {
        const QString m = modalityName(c);
        if (m.isEmpty() || !model.model.config().modalities.contains(m))
            return Error{model.path, QStringLiteral("the model cannot encode channel '%1'").arg(c)};
        modalities << m;
    }
    std::vector<SampleRequest> req;
    for (int i : indices)
        req.push_back({i, options.augment.has_value(), options.augmentSeed + static_cast<quint64>(i)});
    SampleLoader loader(dataset, split, req, options.augment.value_or(AugmentSpec{}), options.workers,
                        std::max(2, 2 * options.batch));
    const int batch = std::max(1, options.batch);
    const int side = model.prep.resolution;
    const std::size_t plane = static_cast<std::size_t>(side) * side;
    std::vector<Sample> pending;
    auto flush = [&]() -> Status {
        if (pending.empty())
            return Status::success();
        const int b = static_cast<int>(pending.size());
        std::vector<EmbeddingRecord> records(static_cast<std::size_t>(b));
        for (int c = 0; c < channels.size(); ++c) {
            ImageBatch images;
            images.batch = b;
            images.channels = 1;
            images.side = side;
            images.data.resize(plane * b);
            for (int i = 0; i < b; ++i)
                std::memcpy(images.data.data() + plane * i, pending[i].plane(c), plane * sizeof(float));
            auto e = model.model.encode(modalities[c], images, /*normalize=*/true, batch);
            if (!e)
                return e.error();
            const std::size_t cs = static_cast<std::size_t>(e->dim), ps = cs * e->grid * e->grid;
            for (int i = 0; i < b; ++i) {
                EmbeddingRecord &r = records[static_cast<std::size_t>(i)];
                r.cls.insert(r.cls.end(), e->cls.begin() + static_cast<std::ptrdiff_t>(i * cs),
                             e->cls.begin() + static_cast<std::ptrdiff_t>((i + 1) * cs));
                r.patches.insert(r.patches.end(), e->patches.begin() + static_cast<std::ptrdiff_t>(i * ps),
                                 e->patches.begin() + static_cast<std::ptrdiff_t>((i + 1) * ps));
            }
        }
        for (int i = 0; i < b; ++i) {
            records[static_cast<std::size_t>(i)].timeMs = pending[i].timeMs;
            records[static_cast<std::size_t>(i)].files = pending[i].files;
        }
        pending.clear();
        return sink(std::move(records));
    };
    while (auto s = loader.next()) {
        if (!s->sample) {
            if (onWarning)
                onWarning(s->sample.errorString());
            continue;
        }
        if (options.onSample)
            options.onSample(*s->sample);
        pending.push_back(std::move(*s->sample));
        if (static_cast<int>(pending.size()) == batch) {
            Status st = flush();
            if (!st)
                return st;
        }
    }
    return flush();
}

}  // namespace

Status encodeSets(const TrainedModel &model, const Dataset &dataset, Split split, const std::vector<int> &indices,
                  const EncodeOptions &options, const std::function<Status(std::vector<EmbeddingRecord> &&)> &sink,
                  const std::function<void(const QString &)> &onWarning)
{
    const detail::Doing doing{model.path, QStringLiteral("encoding %1 %2 sets of %3 in batches of %4 with %5")
                                              .arg(indices.size())
                                              .arg(splitName(split), dataset.channels().join(u','))
                                              .arg(options.batch)
                                              .arg(model.model.config().describe())};
    return detail::guarded(doing, [&] { return encodeUnguarded(model, dataset, split, indices, options, sink, onWarning); });
}

}  // namespace solarchip
