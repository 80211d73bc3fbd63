#include "models/inference/SetEncoding.h"

#include "core/map/MapFile.h"
#include "core/map/PixelFrame.h"
#include "models/data/Dataset.h"
#include "models/embeddings/EmbedSets.h"
#include "models/networks/ModelConfig.h"
#include "models/networks/TrainedModel.h"

#include <QElapsedTimer>
#include <QFileInfo>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

namespace solarchip {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool cancelled(const EncodeSetOptions &o) { return o.cancel && o.cancel->load(std::memory_order_relaxed); }

QString percent(double f) { return QString::number(std::lround(100.0 * f)) + QLatin1Char('%'); }

}  // namespace

int SetEmbeddings::cellAt(QPointF hpc) const
{
    if (!frame)
        return -1;
    return frame->cellIndex(frame->cellAt(hpc));
}

std::vector<int> SetEmbeddings::cellsInBox(QPointF hpc, double width, double height) const
{
    std::vector<int> out;
    const int centre = cellAt(hpc);
    if (centre < 0)
        return out;
    const double hw = std::abs(width) / 2, hh = std::abs(height) / 2;
    for (int i = 0; i < cells() && i < static_cast<int>(cellCentreHpc.size()); ++i) {
        const QPointF c = cellCentreHpc[static_cast<std::size_t>(i)];
        if (std::abs(c.x() - hpc.x()) <= hw && std::abs(c.y() - hpc.y()) <= hh)
            out.push_back(i);
    }
    if (std::find(out.begin(), out.end(), centre) == out.end()) {
        out.push_back(centre);
        std::sort(out.begin(), out.end());
    }
    return out;
}

Expected<ObservationSet> observationSetOfFiles(const QStringList &paths)
{
    ObservationSet set;
    if (paths.isEmpty())
        return Error{{}, QStringLiteral("no files given")};
    for (int i = 0; i < paths.size(); ++i) {
        const QString path = QFileInfo(paths[i]).absoluteFilePath();
        auto info = MapFile::readInfo(path);
        if (!info)
            return info.error();
        Observation o;
        o.setFromFile(*info);
        o.id = i + 1;
        o.path = path;
        o.relativePath = QFileInfo(path).fileName();
        if (o.channel.isEmpty())
            return Error{path, QStringLiteral("not a map of a known SDO channel")};
        if (set.channels.contains(o.channel))
            return Error{path, QStringLiteral("a second map of channel '%1' (one file per channel)").arg(o.channel)};
        if (i == 0)
            set.referenceTimeMs = o.timeMs;
        set.toleranceMs = std::max(set.toleranceMs, std::abs(o.timeMs - set.referenceTimeMs));
        set.channels << o.channel;
        set.members << o;
    }
    return set;
}

Expected<SetEmbeddings> encodeObservationSet(const TrainedModel &model, const ObservationSet &set,
                                             const EncodeSetOptions &options)
{
    QElapsedTimer clock;
    clock.start();
    const QString when = set.referenceTime().toString(Qt::ISODate);
    // Which of the model's channels to encode, in the model's order, and which of them the set has.
    const QStringList wanted = options.channels.isEmpty() ? model.channels : options.channels;
    for (const QString &c : wanted)
        if (!model.channels.contains(c))
            return Error{model.path, QStringLiteral("the model has no channel '%1' (it has %2)").arg(c, model.channels.join(u','))};
    // Missing: asked of the archive with the set, no file near its time. Not loaded: the set was opened with
    // other channels only (the studio showing one channel, files opened on their own): the archive may have them.
    QStringList present, missing, notLoaded;
    for (const QString &c : model.channels) {
        if (!wanted.contains(c))
            continue;
        const Observation *m = set.member(c);
        if (m && m->isValid())
            present << c;
        else if (!set.channels.isEmpty() && !set.channels.contains(c))
            notLoaded << c;
        else
            missing << c;
    }
    QStringList setFiles;
    for (const Observation &m : set.members)
        if (m.isValid())
            setFiles << m.path;
    if (present.isEmpty())
        return Error{setFiles.value(0), QStringLiteral("the set at %1 (%2) has none of the model's channels (%3)")
                                            .arg(when, set.channels.join(u','), wanted.join(u','))};
    if (options.requireAll && !(missing + notLoaded).isEmpty())
        return Error{setFiles.value(0), QStringLiteral("the set at %1 lacks the model's channel(s) %2 (it has %3)")
                                            .arg(when, (missing + notLoaded).join(u','), present.join(u','))};

    ObservationSet sub;
    sub.referenceTimeMs = set.referenceTimeMs;
    sub.toleranceMs = set.toleranceMs;
    for (const QString &c : present) {
        sub.channels << c;
        sub.members << *set.member(c);
    }
    if (cancelled(options))
        return Error{{}, QStringLiteral("cancelled")};

    // The prep of training: the model's PrepSpec through a Dataset (no second prep path).
    DatasetOptions base;
    base.archiveDir = options.archiveDir;
    base.cacheDir = options.cacheDir;
    base.useCache = options.useCache;
    auto dsOptions = datasetOptionsFor(model, base, present);
    if (!dsOptions)
        return dsOptions.error();
    auto ds = Dataset::forPreparing(*dsOptions);
    if (!ds)
        return ds.error();
    std::vector<uint8_t> pixelHasData;
    auto sample = ds->sampleOf(sub, &pixelHasData);
    if (!sample)
        return sample.error();

    SetEmbeddings e;
    e.modelHash = model.hash;
    e.channels = present;
    e.timeMs = set.referenceTimeMs;
    e.files = sample->files;
    e.prepSeconds = clock.nsecsElapsed() / 1e9;

    // Encode channel by channel with the channel's backbone.
    const int side = sample->side;
    const std::size_t plane = static_cast<std::size_t>(side) * side;
    for (int c = 0; c < present.size(); ++c) {
        if (cancelled(options))
            return Error{{}, QStringLiteral("cancelled")};
        const QString modality = modalityName(present[c]);
        if (modality.isEmpty() || !model.model.config().modalities.contains(modality))
            return Error{model.path, QStringLiteral("the model cannot encode channel '%1'").arg(present[c])};
        ImageBatch images;
        images.batch = 1;
        images.channels = 1;
        images.side = side;
        images.data.assign(sample->plane(c), sample->plane(c) + plane);
        auto enc = model.model.encode(modality, images, /*normalize=*/true, 1);
        if (!enc)
            return enc.error();
        if (c == 0) {
            e.grid = enc->grid;
            e.dim = enc->dim;
        } else if (enc->grid != e.grid || enc->dim != e.dim) {
            return Error{model.path, QStringLiteral("channel '%1' encodes to a %2x%2 grid of %3 (the first: %4x%4 of %5)")
                                         .arg(present[c]).arg(enc->grid).arg(enc->dim).arg(e.grid).arg(e.dim)};
        }
        e.cls.insert(e.cls.end(), enc->cls.begin(), enc->cls.end());
        e.patches.insert(e.patches.end(), enc->patches.begin(), enc->patches.end());
    }
    e.encodeSeconds = clock.nsecsElapsed() / 1e9 - e.prepSeconds;
    const int g = e.grid;
    if (g <= 0 || side % g != 0)
        return Error{model.path, QStringLiteral("a model grid of %1 cells does not divide the input side %2").arg(g).arg(side)};

    // Which cells had data: at least half of the cell's input pixels were not NaN.
    const int cs = side / g;
    e.hasData.assign(static_cast<std::size_t>(present.size()) * g * g, 0);
    for (int c = 0; c < present.size(); ++c)
        for (int row = 0; row < g; ++row)
            for (int col = 0; col < g; ++col) {
                int n = 0;
                for (int y = row * cs; y < (row + 1) * cs; ++y)
                    for (int x = col * cs; x < (col + 1) * cs; ++x)
                        n += pixelHasData[plane * c + static_cast<std::size_t>(y) * side + x];
                e.hasData[static_cast<std::size_t>(c) * g * g + row * g + col] = 2 * n >= cs * cs ? 1 : 0;
            }

    // The geometry: ModelFrame of the member the Dataset framed the set on.
    const int ref = referenceMemberIndex(sub, model.prep);
    const QString refPath = sub.members[ref].path;
    auto header = PixelFrame::fromFile(refPath);
    if (!header)
        return header.error();
    auto frame = ModelFrame::forReference(*header, model.prep.frameSpec(g));
    if (!frame)
        return frame.error();
    e.frame = std::move(*frame);
    e.rsunArcsec = header->meta.rsunObs > 0 ? header->meta.rsunObs : 0;
    e.onDisk = onDiskCells(sub, model.prep, g, options.onDiskLimit);
    e.cellCentreHpc.resize(static_cast<std::size_t>(g) * g);
    e.cellCornersHpc.resize(static_cast<std::size_t>(g) * g);
    for (int i = 0; i < g * g; ++i) {
        const ModelCell cell = e.frame->cellOfIndex(i);
        const auto centre = e.frame->cellCentreHpc(cell);
        e.cellCentreHpc[static_cast<std::size_t>(i)] = centre.value_or(QPointF(kNaN, kNaN));
        const QRectF r = e.frame->cellRect(cell);
        const QPointF px[4] = {{r.left(), r.top()}, {r.right(), r.top()}, {r.right(), r.bottom()}, {r.left(), r.bottom()}};
        // Input pixels: x grows west, y north (r.top() is the south edge), so the order is SE, SW, NW, NE.
        for (int k = 0; k < 4; ++k)
            e.cellCornersHpc[static_cast<std::size_t>(i)][static_cast<std::size_t>(k)] =
                e.frame->inputPixelToHpc(px[k]).value_or(QPointF(kNaN, kNaN));
    }

    // How much of the disk the frame covers with data, and how much of the frame has data (reference channel).
    int refDataCells = 0;
    for (int i = 0; i < g * g; ++i)
        refDataCells += e.cellHasData(ref, i) ? 1 : 0;
    e.frameDataFraction = static_cast<double>(refDataCells) / (g * g);
    if (e.rsunArcsec > 0) {
        int inside = 0, total = 0;
        const int n = 64;
        for (int j = 0; j < n; ++j)
            for (int i = 0; i < n; ++i) {
                const double x = (2.0 * (i + 0.5) / n - 1) * e.rsunArcsec, y = (2.0 * (j + 0.5) / n - 1) * e.rsunArcsec;
                if (x * x + y * y > e.rsunArcsec * e.rsunArcsec)
                    continue;
                ++total;
                const auto p = e.frame->hpcToInputPixel(QPointF(x, y));
                if (!p)
                    continue;
                const int px = static_cast<int>(std::lround(p->x())), py = static_cast<int>(std::lround(p->y()));
                if (px >= 0 && py >= 0 && px < side && py < side
                    && pixelHasData[plane * ref + static_cast<std::size_t>(py) * side + px])
                    ++inside;
            }
        e.diskCoverage = total > 0 ? static_cast<double>(inside) / total : 0;
    }

    QStringList notes;
    if (!missing.isEmpty() || !notLoaded.isEmpty()) {
        QStringList why;
        if (!missing.isEmpty())
            why << QStringLiteral("the set has no %1").arg(missing.join(u','));
        if (!notLoaded.isEmpty())
            why << QStringLiteral("%1 not loaded, the set was opened with %2 only").arg(notLoaded.join(u','), set.channels.join(u','));
        notes << QStringLiteral("encoded %1 only: %2 (%3)")
                     .arg(present.join(u','), why.join(QStringLiteral("; ")),
                          present.size() == 1 ? QStringLiteral("self-similarity in its channel only")
                                              : QStringLiteral("no cross-modal similarity to the other channels"));
    }
    if (e.rsunArcsec <= 0)
        notes << QStringLiteral("the reference header gives no solar radius: on-disk flags and disk coverage unknown");
    else if (e.diskCoverage < 0.98)
        notes << QStringLiteral("the model frame covers %1 of the solar disk with data (cut-out or partial field of view)")
                     .arg(percent(e.diskCoverage));
    if (e.frameDataFraction < 0.98)
        notes << QStringLiteral("%1 of the model cells have no data in %2 and are left blank (never padded with a Sun)")
                     .arg(percent(1 - e.frameDataFraction), sub.channels[ref]);
    // Files opened together need not be co-temporal: say how far apart they are when it shows (the Sun turns
    // ~10 arcsec an hour at the disk centre, so a cell's features drift between the members).
    if (sub.members.size() > 1 && sub.spreadMs() > 10 * 60 * 1000) {
        const double hours = sub.spreadMs() / 3.6e6;
        notes << QStringLiteral("the members are %1 h apart, not co-temporal (solar rotation moves features ~%2 arcsec "
                                "at the disk centre between them)")
                     .arg(hours, 0, 'f', 1)
                     .arg(std::lround(hours * 10.0));
    }
    bool jp2 = false;
    for (const Observation &m : sub.members)
        jp2 = jp2 || m.compression == QLatin1String("JPEG2000") || m.hdu == 0;
    if (jp2)
        notes << QStringLiteral("JPEG2000 (Helioviewer) pixels are byte-scaled, not the physical units the model was "
                                "trained on: similarities are indicative");
    e.note = notes.join(QStringLiteral("; "));
    return e;
}

std::vector<float> queryVector(const SetEmbeddings &e, int c, const std::vector<int> &cells)
{
    std::vector<float> q(static_cast<std::size_t>(std::max(0, e.dim)), 0.0f);
    if (c < 0 || c >= e.channels.size() || cells.empty())
        return {};
    std::vector<double> acc(q.size(), 0.0);
    int used = 0;
    for (int cell : cells) {
        if (cell < 0 || cell >= e.cells())
            continue;
        const float *v = e.patch(c, cell);
        for (int d = 0; d < e.dim; ++d)
            acc[static_cast<std::size_t>(d)] += v[d];
        ++used;
    }
    if (used == 0)
        return {};
    double norm = 0;
    for (double a : acc)
        norm += a * a;
    norm = std::sqrt(norm);
    for (std::size_t d = 0; d < q.size(); ++d)
        q[d] = norm > 0 ? static_cast<float>(acc[d] / norm) : 0.0f;
    return q;
}

std::vector<std::vector<float>> similarityMaps(const SetEmbeddings &e, const std::vector<float> &query)
{
    std::vector<std::vector<float>> out(static_cast<std::size_t>(e.channels.size()));
    if (static_cast<int>(query.size()) != e.dim)
        return out;
    for (int c = 0; c < e.channels.size(); ++c) {
        std::vector<float> &m = out[static_cast<std::size_t>(c)];
        m.resize(static_cast<std::size_t>(e.cells()));
        for (int i = 0; i < e.cells(); ++i) {
            if (!e.cellHasData(c, i)) {
                m[static_cast<std::size_t>(i)] = std::numeric_limits<float>::quiet_NaN();
                continue;
            }
            const float *v = e.patch(c, i);
            double dot = 0;
            for (int d = 0; d < e.dim; ++d)
                dot += static_cast<double>(v[d]) * query[static_cast<std::size_t>(d)];
            m[static_cast<std::size_t>(i)] = static_cast<float>(dot);
        }
    }
    return out;
}

std::vector<CellMatch> topMatches(const SetEmbeddings &e, const std::vector<float> &map, int k, bool onDiskOnly)
{
    std::vector<int> idx;
    for (int i = 0; i < static_cast<int>(map.size()); ++i) {
        if (!std::isfinite(map[static_cast<std::size_t>(i)]))
            continue;
        if (onDiskOnly && !e.onDisk.empty() && !e.onDisk[static_cast<std::size_t>(i)])
            continue;
        idx.push_back(i);
    }
    std::stable_sort(idx.begin(), idx.end(),
                     [&](int a, int b) { return map[static_cast<std::size_t>(a)] > map[static_cast<std::size_t>(b)]; });
    if (k >= 0 && static_cast<int>(idx.size()) > k)
        idx.resize(static_cast<std::size_t>(k));
    std::vector<CellMatch> out;
    for (int i : idx)
        out.push_back({i, i < static_cast<int>(e.cellCentreHpc.size()) ? e.cellCentreHpc[static_cast<std::size_t>(i)] : QPointF(),
                       map[static_cast<std::size_t>(i)]});
    return out;
}

}  // namespace solarchip
