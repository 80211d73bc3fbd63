#include "core/archive/FlareLabels.h"

#include <QJsonArray>
#include <QTimeZone>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

namespace solarchip {

std::optional<FlareTarget> flareTargetFromString(const QString &text)
{
    const QString t = text.trimmed().toLower();
    if (t == QLatin1String("c"))
        return FlareTarget::GeC;
    if (t == QLatin1String("m"))
        return FlareTarget::GeM;
    if (t == QLatin1String("4class"))
        return FlareTarget::FourClass;
    return std::nullopt;
}

QString flareTargetName(FlareTarget target)
{
    switch (target) {
    case FlareTarget::GeC: return QStringLiteral("C");
    case FlareTarget::GeM: return QStringLiteral("M");
    case FlareTarget::FourClass: return QStringLiteral("4class");
    }
    return {};
}

int flareTargetClasses(FlareTarget target) { return target == FlareTarget::FourClass ? 4 : 2; }

int flareClassIndex(double peakFlux)
{
    // Through the class letter, so a flux that rounds up to the next decade (9.96e-6 -> "M1.0") counts as the
    // list writes it.
    if (!(peakFlux > 0))
        return 0;
    switch (goesClassLetter(peakFlux).toLatin1()) {
    case 'X': return 3;
    case 'M': return 2;
    case 'C': return 1;
    default: return 0;
    }
}

int flareLabelOf(int classIndex, FlareTarget target)
{
    switch (target) {
    case FlareTarget::GeC: return classIndex >= 1 ? 1 : 0;
    case FlareTarget::GeM: return classIndex >= 2 ? 1 : 0;
    case FlareTarget::FourClass: return classIndex;
    }
    return 0;
}

QVector<int> flareWindowClasses(const FlareList &list, const QVector<QDateTime> &times, qint64 windowSeconds)
{
    QVector<int> out;
    out.reserve(times.size());
    for (const QDateTime &t : times) {
        const auto e = list.strongestIn(t, windowSeconds);
        out << (e ? flareClassIndex(e->peakFlux) : 0);
    }
    return out;
}

QVector<int> flarePastClasses(const FlareList &list, const QVector<QDateTime> &times, qint64 windowSeconds)
{
    QVector<QDateTime> before;
    before.reserve(times.size());
    for (const QDateTime &t : times)
        before << t.addSecs(-windowSeconds);
    return flareWindowClasses(list, before, windowSeconds);
}

FlareTargetBalance flareTargetBalance(const FlareList &list, const QVector<QDateTime> &times, qint64 windowSeconds)
{
    FlareTargetBalance b;
    b.samples = static_cast<int>(times.size());
    if (times.isEmpty())
        return b;
    QDateTime first = times.front(), last = times.front();
    for (const QDateTime &t : times) {
        first = std::min(first, t);
        last = std::max(last, t);
    }
    for (int c : flareWindowClasses(list, times, windowSeconds)) {
        b.positiveC += c >= 1;
        b.positiveM += c >= 2;
    }
    for (const FlareEvent &e : list.between(first, last.addSecs(windowSeconds))) {
        const int c = flareClassIndex(e.peakFlux);
        b.flaresC += c == 1;
        b.flaresM += c == 2;
        b.flaresX += c == 3;
    }
    return b;
}

QString flareSplitPartName(FlareSplitPart part)
{
    switch (part) {
    case FlareSplitPart::Train: return QStringLiteral("train");
    case FlareSplitPart::Validation: return QStringLiteral("validation");
    case FlareSplitPart::Test: return QStringLiteral("test");
    case FlareSplitPart::Buffer: return QStringLiteral("buffer");
    }
    return {};
}

std::vector<int> FlareSplit::indices(FlareSplitPart p) const
{
    std::vector<int> out;
    for (int i = 0; i < part.size(); ++i)
        if (part[i] == p)
            out.push_back(i);
    return out;
}

QJsonObject FlareSplit::toJson(const QVector<int> &labels) const
{
    QJsonArray bl;
    for (const Block &b : blocks)
        bl.append(QJsonObject{{QStringLiteral("start"), b.start.toString(Qt::ISODate)},
                              {QStringLiteral("end"), b.end.toString(Qt::ISODate)},
                              {QStringLiteral("part"), flareSplitPartName(b.part)}});
    QJsonObject counts;
    for (FlareSplitPart p : {FlareSplitPart::Train, FlareSplitPart::Validation, FlareSplitPart::Test, FlareSplitPart::Buffer}) {
        int n = 0, pos = 0;
        for (int i = 0; i < part.size(); ++i) {
            if (part[i] != p)
                continue;
            ++n;
            if (i < labels.size() && labels[i] > 0)
                ++pos;
        }
        QJsonObject c{{QStringLiteral("n"), n}};
        if (!labels.isEmpty()) {
            c.insert(QStringLiteral("n_pos"), pos);
            c.insert(QStringLiteral("n_neg"), n - pos);
        }
        counts.insert(flareSplitPartName(p), c);
    }
    return QJsonObject{{QStringLiteral("scheme"), QStringLiteral("time blocks: train,train,validation,train,test repeating")},
                       {QStringLiteral("block_days"), options.blockDays},
                       {QStringLiteral("buffer_days"), options.bufferDays},
                       {QStringLiteral("window_hours"), options.windowSeconds / 3600.0},
                       {QStringLiteral("blocks"), bl},
                       {QStringLiteral("counts"), counts}};
}

FlareSplitOptions flareSplitOfSpan(double spanDays, int blocks, double windowHours)
{
    FlareSplitOptions o;
    o.blockDays = spanDays / blocks * 1.0001;
    o.bufferDays = std::max(windowHours / 24.0, std::min(FlareSplitOptions().bufferDays, 0.25 * o.blockDays));
    o.windowSeconds = static_cast<qint64>(windowHours * 3600);
    return o;
}

Expected<FlareSplit> makeFlareSplit(const QVector<QDateTime> &times, const FlareSplitOptions &options)
{
    if (times.isEmpty())
        return Error{{}, QStringLiteral("no sample times to split")};
    if (!(options.blockDays > 0))
        return Error{{}, QStringLiteral("split block length must be positive")};
    FlareSplit s;
    s.options = options;
    s.options.bufferDays = std::max(options.bufferDays, options.windowSeconds / 86400.0);
    qint64 t0 = std::numeric_limits<qint64>::max(), t1 = std::numeric_limits<qint64>::min();
    for (const QDateTime &t : times) {
        t0 = std::min(t0, t.toMSecsSinceEpoch());
        t1 = std::max(t1, t.toMSecsSinceEpoch());
    }
    const double blockMs = options.blockDays * 86400e3;
    const int nBlocks = static_cast<int>(std::floor((t1 - t0) / blockMs)) + 1;
    // The pattern puts the first validation block third and the first test block fifth: five blocks at least.
    if (nBlocks < 5)
        return Error{{}, QStringLiteral("the samples span %1 days: too short for time-block splits of %2-day blocks "
                                        "(need 5 blocks: train, train, validation, train, test)")
                             .arg((t1 - t0) / 86400e3, 0, 'f', 1)
                             .arg(options.blockDays)};
    static const FlareSplitPart pattern[] = {FlareSplitPart::Train, FlareSplitPart::Train, FlareSplitPart::Validation,
                                             FlareSplitPart::Train, FlareSplitPart::Test};
    for (int b = 0; b < nBlocks; ++b) {
        FlareSplit::Block blk;
        blk.start = QDateTime::fromMSecsSinceEpoch(t0 + static_cast<qint64>(b * blockMs), QTimeZone::utc());
        blk.end = QDateTime::fromMSecsSinceEpoch(t0 + static_cast<qint64>((b + 1) * blockMs), QTimeZone::utc());
        blk.part = pattern[b % 5];
        s.blocks << blk;
    }
    const double bufferMs = s.options.bufferDays * 86400e3;
    s.part.resize(times.size());
    for (int i = 0; i < times.size(); ++i) {
        const qint64 t = times[i].toMSecsSinceEpoch();
        const int b = std::min(nBlocks - 1, static_cast<int>(std::floor((t - t0) / blockMs)));
        FlareSplitPart p = s.blocks[b].part;
        const bool changesAfter = b + 1 < nBlocks && s.blocks[b + 1].part != p;
        const double blockEnd = t0 + (b + 1) * blockMs;
        if (changesAfter && t >= blockEnd - bufferMs)
            p = FlareSplitPart::Buffer;
        s.part[i] = p;
    }
    return s;
}

std::vector<int> drawLabelFraction(const QVector<QDateTime> &times, const std::vector<int> &train, double fraction,
                                   quint64 seed, double chunkDays)
{
    if (fraction >= 1.0 || train.empty())
        return train;
    std::vector<int> sorted = train;
    std::sort(sorted.begin(), sorted.end(), [&](int a, int b) { return times[a] < times[b]; });
    // Runs of consecutive training samples within chunkDays of the run's first sample.
    std::vector<std::vector<int>> runs;
    qint64 runStart = 0;
    for (int i : sorted) {
        const qint64 t = times[i].toMSecsSinceEpoch();
        if (runs.empty() || t - runStart >= static_cast<qint64>(chunkDays * 86400e3)) {
            runs.emplace_back();
            runStart = t;
        }
        runs.back().push_back(i);
    }
    const int want = std::max(1, static_cast<int>(std::lround(fraction * static_cast<double>(runs.size()))));
    std::vector<int> order(runs.size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = static_cast<int>(i);
    std::mt19937_64 rng(seed);
    std::shuffle(order.begin(), order.end(), rng);
    order.resize(std::min<size_t>(order.size(), static_cast<size_t>(want)));
    std::sort(order.begin(), order.end());
    std::vector<int> out;
    for (int r : order)
        out.insert(out.end(), runs[r].begin(), runs[r].end());
    return out;
}

}  // namespace solarchip
