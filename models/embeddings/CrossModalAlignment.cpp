#include "models/embeddings/CrossModalAlignment.h"

#include "models/data/DatasetSpec.h"
#include "models/detail/Guarded.h"
#include "models/embeddings/EmbedSets.h"
#include "models/embeddings/UnitRows.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace solarchip {

namespace {

double meanOf(const std::vector<ChannelAlignment> &channels, double ChannelAlignment::*field)
{
    double sum = 0;
    int n = 0;
    for (const ChannelAlignment &c : channels)
        if (std::isfinite(c.*field)) {
            sum += c.*field;
            ++n;
        }
    return n > 0 ? sum / n : std::numeric_limits<double>::quiet_NaN();
}

QJsonValue number(double v)
{
    return std::isfinite(v) ? QJsonValue(v) : QJsonValue();
}

// One AIA channel against HMI: `aia` and `hmi` are unit rows [cells, dim]; `candidates` the HMI cells on the disk.
ChannelAlignment alignChannel(const QString &channel, const float *aia, const float *hmi, int cells, int dim,
                              const std::vector<uint8_t> &onDisk, const std::vector<int> &candidates)
{
    ChannelAlignment a;
    a.channel = channel;
    a.cosine.resize(static_cast<std::size_t>(cells));
    a.rank.resize(static_cast<std::size_t>(cells));
    double cosSum = 0, rankSum = 0;
    int hits = 0, n = 0;
    for (int cell = 0; cell < cells; ++cell) {
        const float *q = aia + static_cast<std::size_t>(cell) * dim;
        const double own = rowDot(q, hmi + static_cast<std::size_t>(cell) * dim, dim);
        int above = 0;
        for (int j : candidates)
            if (j != cell && !(rowDot(q, hmi + static_cast<std::size_t>(j) * dim, dim) < own))  // >= own; NaN counts against
                ++above;
        if (!std::isfinite(own))
            above = static_cast<int>(candidates.size());  // a NaN match ranks last
        a.cosine[static_cast<std::size_t>(cell)] = static_cast<float>(own);
        a.rank[static_cast<std::size_t>(cell)] = above + 1;
        if (onDisk[static_cast<std::size_t>(cell)]) {
            ++n;
            cosSum += std::isfinite(own) ? own : 0.0;
            rankSum += above + 1;
            hits += above == 0 ? 1 : 0;
        }
    }
    a.onDiskCells = n;
    if (n > 0) {
        a.meanCosine = cosSum / n;
        a.meanRank = rankSum / n;
        a.fractionRank1 = static_cast<double>(hits) / n;
    }
    a.rankChance = (static_cast<double>(candidates.size()) + 1) / 2.0;
    return a;
}

}  // namespace

const ChannelAlignment *SetAlignment::channel(const QString &key) const
{
    for (const ChannelAlignment &c : channels)
        if (c.channel == key)
            return &c;
    return nullptr;
}

double SetAlignment::meanCosine() const
{
    return meanOf(channels, &ChannelAlignment::meanCosine);
}

double SetAlignment::fractionRank1() const
{
    return meanOf(channels, &ChannelAlignment::fractionRank1);
}

QJsonObject SetAlignment::toJson() const
{
    QJsonObject perChannel;
    for (const ChannelAlignment &c : channels)
        perChannel.insert(c.channel, QJsonObject{{QStringLiteral("mean_cosine"), number(c.meanCosine)},
                                                 {QStringLiteral("fraction_rank1"), number(c.fractionRank1)},
                                                 {QStringLiteral("mean_rank"), number(c.meanRank)},
                                                 {QStringLiteral("rank_chance"), c.rankChance},
                                                 {QStringLiteral("on_disk_cells"), c.onDiskCells}});
    return QJsonObject{{QStringLiteral("time_ms"), timeMs},
                       {QStringLiteral("grid"), grid},
                       {QStringLiteral("hmi_channel"), hmiChannel},
                       {QStringLiteral("on_disk_known"), onDiskKnown},
                       {QStringLiteral("channels"), perChannel},
                       {QStringLiteral("mean_cosine"), number(meanCosine())},
                       {QStringLiteral("fraction_rank1"), number(fractionRank1())}};
}

Expected<SetAlignment> CrossModalAlignment::evaluate(const std::vector<float> &patches, const QStringList &channels,
                                                     int grid, int dim, const std::vector<uint8_t> &onDisk,
                                                     qint64 timeMs, const QString &hmiChannel)
{
    const detail::Doing doing{{}, QStringLiteral("cross-modal alignment of %1 channels on a %2x%2 grid of %3 dimensions")
                                      .arg(channels.size()).arg(grid).arg(dim)};
    return detail::guarded(doing, [&]() -> Expected<SetAlignment> {
        const int hmi = static_cast<int>(channels.indexOf(hmiChannel));
        if (hmi < 0)
            return Error{{}, QStringLiteral("the cross-modal alignment needs an %1 channel; the embeddings have %2")
                                 .arg(hmiChannel, channels.join(QStringLiteral(", ")))};
        if (channels.size() < 2)
            return Error{{}, QStringLiteral("the cross-modal alignment needs an AIA channel beside %1").arg(hmiChannel)};
        if (grid <= 0 || dim <= 0)
            return Error{{}, QStringLiteral("the cross-modal alignment got empty embeddings (grid %1, dim %2)").arg(grid).arg(dim)};
        const int cells = grid * grid;
        const std::size_t block = static_cast<std::size_t>(cells) * dim;
        if (patches.size() != block * static_cast<std::size_t>(channels.size()))
            return Error{{}, QStringLiteral("the patch embeddings hold %1 floats, not %2 channels x %3 cells x %4")
                                 .arg(patches.size()).arg(channels.size()).arg(cells).arg(dim)};
        if (!onDisk.empty() && onDisk.size() != static_cast<std::size_t>(cells))
            return Error{{}, QStringLiteral("the on-disk mask has %1 flags for %2 cells").arg(onDisk.size()).arg(cells)};

        SetAlignment out;
        out.timeMs = timeMs;
        out.grid = grid;
        out.hmiChannel = hmiChannel;
        out.onDiskKnown = !onDisk.empty();
        out.onDisk = onDisk.empty() ? std::vector<uint8_t>(static_cast<std::size_t>(cells), 1) : onDisk;
        std::vector<int> candidates;
        for (int cell = 0; cell < cells; ++cell)
            if (out.onDisk[static_cast<std::size_t>(cell)])
                candidates.push_back(cell);
        const std::vector<float> h = unitRows(patches.data() + block * hmi, static_cast<std::size_t>(cells), dim);
        for (int c = 0; c < channels.size(); ++c) {
            if (c == hmi)
                continue;
            const std::vector<float> a = unitRows(patches.data() + block * c, static_cast<std::size_t>(cells), dim);
            out.channels.push_back(alignChannel(channels[c], a.data(), h.data(), cells, dim, out.onDisk, candidates));
        }
        return out;
    });
}

AlignmentPoint CrossModalAlignment::summarise(const SetAlignment &alignment)
{
    AlignmentPoint p;
    p.timeMs = alignment.timeMs;
    p.meanCosine = alignment.meanCosine();
    p.fractionRank1 = alignment.fractionRank1();
    for (const ChannelAlignment &c : alignment.channels)
        p.onDiskCells = std::max(p.onDiskCells, c.onDiskCells);
    return p;
}

std::vector<uint8_t> CrossModalAlignment::onDiskOfRecord(const EmbeddingRecord &record, const EmbeddingStoreInfo &info)
{
    if (record.files.size() != info.channels.size())
        return {};
    auto prep = PrepSpec::fromJson(info.prep);
    if (!prep)
        return {};
    // The set the record was made from, as far as onDiskCells needs it: the members' files and instruments.
    ObservationSet set;
    set.referenceTimeMs = record.timeMs;
    set.channels = info.channels;
    for (int i = 0; i < info.channels.size(); ++i) {
        Observation o;
        o.id = i + 1;
        o.path = record.files[i];
        o.channel = info.channels[i];
        o.instrument = info.channels[i].startsWith(QLatin1String("hmi")) ? QStringLiteral("HMI") : QStringLiteral("AIA");
        set.members.push_back(o);
    }
    return onDiskCells(set, *prep, info.grid);
}

Expected<std::vector<AlignmentPoint>> CrossModalAlignment::timelineFromStore(
    const EmbeddingStore &store, const std::function<std::vector<uint8_t>(const EmbeddingRecord &)> &onDiskOf,
    const std::function<bool(int, int)> &progress)
{
    const EmbeddingStoreInfo &info = store.info();
    const detail::Doing doing{store.dir(), QStringLiteral("the alignment timeline of %1 stored sets").arg(store.count())};
    return detail::guarded(doing, [&]() -> Expected<std::vector<AlignmentPoint>> {
        if (!info.channels.contains(QStringLiteral("hmi")) || info.channels.size() < 2)
            return Error{store.dir(), QStringLiteral("the store's model has no HMI and AIA channels to align (it has %1)")
                                          .arg(info.channels.join(QStringLiteral(", ")))};
        // One shard in memory at a time (a 15-year store does not fit), in time order.
        std::vector<AlignmentPoint> points;
        const int total = static_cast<int>(store.count());
        int done = 0;
        bool stopped = false;
        const Status walked = store.forEachRecord(
            [&](EmbeddingRecord &&r) -> Status {
                const std::vector<uint8_t> mask = onDiskOf ? onDiskOf(r) : onDiskOfRecord(r, info);
                auto a = evaluate(r.patches, info.channels, info.grid, info.dim, mask, r.timeMs);
                if (!a)
                    return Error{store.dir(), QStringLiteral("the set of %1: %2")
                                                  .arg(QDateTime::fromMSecsSinceEpoch(r.timeMs, QTimeZone::utc())
                                                           .toString(Qt::ISODate),
                                                       a.error().message)};
                points.push_back(summarise(*a));
                if (progress && !progress(++done, total)) {
                    stopped = true;
                    return Error{store.dir(), QStringLiteral("stopped")};
                }
                return {};
            },
            RecordOrder::Time);
        if (!walked && !stopped)
            return walked.error();
        std::sort(points.begin(), points.end(),
                  [](const AlignmentPoint &a, const AlignmentPoint &b) { return a.timeMs < b.timeMs; });
        return points;
    });
}

}  // namespace solarchip
