// solarchip eval-search --archive A [--model M] [--channels hmi,171] [--json]: the ground-truth retrieval metric
// of archive search on a synthetic archive (models/embeddings/SearchEval.h): every visible active region of every
// time step (the generator's truth JSON: region ids, Stonyhurst positions, flux, flare rates) is a query cell;
// same_region_recall10 and similar_class_precision10 for the model, for a freshly initialised model of the same
// configuration (baselines.untrained) and for the same cells' normalised pixels (baselines.pixels).
#include "app/cli/Command.h"
#include "app/cli/CommandLine.h"
#include "app/cli/DataCliOptions.h"
#include "app/cli/ModelCliOptions.h"

#include "core/map/Wcs.h"
#include "models/embeddings/CellGeometry.h"
#include "models/embeddings/EmbedSets.h"
#include "models/embeddings/SearchEval.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTextStream>
#include <QTimeZone>

#include <cmath>
#include <map>

namespace solarchip::cli {

namespace {

const QString kName = QStringLiteral("eval-search");

// The truth file of the step nearest `timeMs` (within an hour): ARCHIVE/truth/YYYY/MM/DD/truth_*.json.
QJsonObject truthNear(const QString &archive, qint64 timeMs, QString *path)
{
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(timeMs, QTimeZone::utc());
    qint64 bestGap = 3600 * 1000;
    QJsonObject best;
    for (int dd = -1; dd <= 1; ++dd) {
        const QDate day = t.date().addDays(dd);
        const QDir dir(QStringLiteral("%1/truth/%2").arg(archive, day.toString(QStringLiteral("yyyy/MM/dd"))));
        for (const QString &name : dir.entryList({QStringLiteral("truth_*.json")}, QDir::Files)) {
            const QDateTime nominal = QDateTime::fromString(name.mid(6, 15), QStringLiteral("yyyyMMdd_HHmmss"));
            if (!nominal.isValid())
                continue;
            const QDateTime utc(nominal.date(), nominal.time(), QTimeZone::utc());
            const qint64 gap = std::llabs(utc.toMSecsSinceEpoch() - timeMs);
            if (gap > bestGap)
                continue;
            QFile f(dir.filePath(name));
            if (!f.open(QIODevice::ReadOnly))
                continue;
            bestGap = gap;
            best = QJsonDocument::fromJson(f.readAll()).object();
            *path = dir.filePath(name);
        }
    }
    return best;
}

struct Encoded {
    std::vector<qint64> times;
    std::vector<QStringList> files;
    std::vector<std::vector<float>> patches;  // per set [C, g*g, D]
};

Expected<Encoded> encodeAll(const TrainedModel &model, const Dataset &ds, std::vector<std::vector<float>> *pixels, int grid)
{
    Encoded e;
    std::vector<int> all(static_cast<std::size_t>(ds.sets(Split::All).size()));
    for (int i = 0; i < static_cast<int>(all.size()); ++i)
        all[static_cast<std::size_t>(i)] = i;
    EncodeOptions eo;
    if (pixels)
        eo.onSample = [&](const Sample &s) {
            // Each cell's pixels of each channel, in the record's layout [C, g*g, side_cell^2].
            const int cs = s.side / grid, C = static_cast<int>(s.channels.size());
            std::vector<float> v(static_cast<std::size_t>(C) * grid * grid * cs * cs);
            std::size_t k = 0;
            for (int c = 0; c < C; ++c)
                for (int r = 0; r < grid; ++r)
                    for (int q = 0; q < grid; ++q)
                        for (int y = 0; y < cs; ++y)
                            for (int x = 0; x < cs; ++x)
                                v[k++] = s.plane(c)[static_cast<std::size_t>(r * cs + y) * s.side + q * cs + x];
            pixels->push_back(std::move(v));
        };
    Status st = encodeSets(model, ds, Split::All, all, eo, [&](std::vector<EmbeddingRecord> &&records) {
        for (EmbeddingRecord &r : records) {
            e.times.push_back(r.timeMs);
            e.files.push_back(r.files);
            e.patches.push_back(std::move(r.patches));
        }
        return Status::success();
    }, [](const QString &w) { QTextStream(stderr) << "solarchip eval-search: skipped: " << w << Qt::endl; });
    if (!st)
        return st.error();
    return e;
}

SearchEvalMetrics pooled(const std::vector<SearchEvalMetrics> &parts)
{
    SearchEvalMetrics m;
    double rc = 0, pc = 0;
    for (const SearchEvalMetrics &p : parts) {
        m.queries += p.queries;
        m.recalled += p.recalled;
        m.hits += p.hits;
        m.similarHits += p.similarHits;
        rc += p.recallChance * static_cast<double>(p.queries);
        pc += p.precisionChance * static_cast<double>(p.queries);
    }
    if (m.queries > 0) {
        m.recall10 = static_cast<double>(m.recalled) / static_cast<double>(m.queries);
        m.recallChance = rc / static_cast<double>(m.queries);
        m.precisionChance = pc / static_cast<double>(m.queries);
    }
    if (m.hits > 0)
        m.precision10 = static_cast<double>(m.similarHits) / static_cast<double>(m.hits);
    return m;
}

int runEvalSearch(const QStringList &args)
{
    CommandLine p(kName, QStringLiteral(
        "Ground-truth retrieval metric of archive search on a synthetic archive (`solarchip synth` truth JSON): for "
        "query cells on active regions, same_region_recall10 (the same region, at its rotated position, among the "
        "top-10 hits of other times; +-12 h excluded) and similar_class_precision10 (hits on a region of the same flux "
        "class or flare productivity), for the model, an untrained model and the raw normalised pixels."));
    addDataOptions(p, QStringLiteral("the model's"));
    addModelOptions(p);
    p.addOption({QStringLiteral("seed"), QStringLiteral("Initialisation seed of the untrained baseline (default 0)."), QStringLiteral("S"),
                 QStringLiteral("0")});
    p.addOption({QStringLiteral("exclude-hours"), QStringLiteral("Hits within +-H hours of the query are dropped (default 12)."),
                 QStringLiteral("H"), QStringLiteral("12")});
    p.addOption({QStringLiteral("match-cells"), QStringLiteral("A hit lies on a region within this many cells of its centre (default 1)."),
                 QStringLiteral("N"), QStringLiteral("1")});
    p.addOption({QStringLiteral("min-flux"), QStringLiteral("Regions below this unsigned flux (Mx) are not active regions here (default 3e21)."),
                 QStringLiteral("MX"), QStringLiteral("3e21")});
    p.addOption({QStringLiteral("no-baselines"), QStringLiteral("Only the model.")});
    p.addJsonOption();
    if (auto exit = p.parseOrExit(args))
        return *exit;
    QElapsedTimer clock;
    clock.start();
    auto model = loadModelFromOptions(p);
    if (!model)
        return fail(kName, model.error());
    DatasetOptions base;
    const QString problem = readDataOptions(p, base, model->channels);
    if (!problem.isEmpty())
        return p.usage(problem);
    auto opts = datasetOptionsFor(*model, base, base.selection.channels);
    if (!opts)
        return fail(kName, opts.error());
    auto ds = Dataset::open(*opts);
    if (!ds)
        return fail(kName, ds.error());
    const QString archive = ds->options().archiveDir;
    if (!QFileInfo::exists(archive + QStringLiteral("/truth")))
        return fail(kName, Error{archive, QStringLiteral("has no truth/ folder: eval-search needs a synthetic archive (`solarchip synth`)")});
    const int grid = model->model.config().backbone.gridSize();
    const QStringList channels = ds->channels();
    const bool baselines = !p.isSet(QStringLiteral("no-baselines"));
    const QString modelHash = model->hash;

    std::vector<std::vector<float>> pixels;
    auto trained = encodeAll(*model, *ds, baselines ? &pixels : nullptr, grid);
    if (!trained)
        return fail(kName, trained.error());
    if (trained->times.size() < 3)
        return fail(kName, Error{archive, QStringLiteral("only %1 sets could be encoded; eval-search needs several days").arg(trained->times.size())});

    bool okFlux = false;
    const double minFlux = p.value(QStringLiteral("min-flux")).toDouble(&okFlux);
    if (!okFlux || minFlux < 0)
        return p.usage(QStringLiteral("--min-flux needs a non-negative number (Mx)"));
    // Frames: truth regions on the model grid of each set.
    std::vector<SearchEvalFrame> frames;
    int withTruth = 0;
    for (std::size_t i = 0; i < trained->times.size(); ++i) {
        SearchEvalFrame f;
        f.timeMs = trained->times[i];
        auto g = cellGeometry(trained->files[i], channels, model->prep, grid);
        if (g) {
            f.onDisk.resize(static_cast<std::size_t>(grid * grid));
            for (int c = 0; c < grid * grid; ++c)
                f.onDisk[static_cast<std::size_t>(c)] = g->radius[static_cast<std::size_t>(c)] < 0.95f ? 1 : 0;
            QString path;
            const QJsonObject truth = truthNear(archive, f.timeMs, &path);
            if (!truth.isEmpty())
                ++withTruth;
            for (const QJsonValue &v : truth.value(QStringLiteral("regions")).toArray()) {
                const QJsonObject r = v.toObject();
                if (!r.value(QStringLiteral("visible")).toBool() || r.value(QStringLiteral("flux_mx")).toDouble() < minFlux)
                    continue;
                double tx = 0, ty = 0;
                bool visible = false;
                const LonLat ll{r.value(QStringLiteral("lon")).toDouble(), r.value(QStringLiteral("lat")).toDouble()};
                Wcs::stonyhurstToHelioprojective(ll, g->observer, tx, ty, &visible);
                if (!visible)
                    continue;
                SearchEvalRegion reg;
                reg.id = r.value(QStringLiteral("id")).toInt();
                reg.cell = g->cellAt(QPointF(tx, ty));
                reg.fluxClass = fluxClassOf(r.value(QStringLiteral("flux_mx")).toDouble());
                reg.flareClass = flareClassOf(r.value(QStringLiteral("flare_rate_c_per_day")).toDouble());
                f.regions.push_back(reg);
            }
        }
        frames.push_back(std::move(f));
    }
    if (withTruth == 0)
        return fail(kName, Error{archive, QStringLiteral("no truth JSON matches the encoded sets' times")});

    bool ok = false;
    const double excludeHours = p.value(QStringLiteral("exclude-hours")).toDouble(&ok);
    if (!ok || excludeHours < 0)
        return p.usage(QStringLiteral("--exclude-hours needs a non-negative number"));
    const int matchCells = p.value(QStringLiteral("match-cells")).toInt(&ok);
    if (!ok || matchCells < 0)
        return p.usage(QStringLiteral("--match-cells needs a non-negative integer"));

    // Metrics of one representation ([sets][C, g*g, dim]) per channel, pooled.
    auto score = [&](const std::vector<std::vector<float>> &vectors, int dim, QJsonObject *perChannel) -> Expected<SearchEvalMetrics> {
        std::vector<SearchEvalMetrics> parts;
        const int np = grid * grid;
        for (int c = 0; c < channels.size(); ++c) {
            SearchEvalInput in;
            in.grid = grid;
            in.dim = dim;
            in.frames = frames;
            in.excludeHours = excludeHours;
            in.matchCells = matchCells;
            for (const std::vector<float> &v : vectors)
                in.vectors.insert(in.vectors.end(), v.begin() + static_cast<std::ptrdiff_t>(c) * np * dim,
                                  v.begin() + static_cast<std::ptrdiff_t>(c + 1) * np * dim);
            auto m = evaluateSearch(in);
            if (!m)
                return m.error();
            perChannel->insert(channels[c], m->toJson());
            parts.push_back(*m);
        }
        return pooled(parts);
    };
    const int dim = model->model.config().backbone.contrastiveDim;
    QJsonObject perChannel;
    auto main = score(trained->patches, dim, &perChannel);
    if (!main)
        return fail(kName, main.error());
    QJsonObject out = main->toJson();
    out.insert(QStringLiteral("per_channel"), perChannel);
    QJsonObject baselineJson;
    if (baselines) {
        auto fresh = SolarChipModel::create(model->model.config(), p.value(QStringLiteral("seed")).toULongLong());
        if (!fresh)
            return fail(kName, fresh.error());
        Status moved = fresh->to(model->model.device());
        if (!moved)
            return fail(kName, moved.error());
        // The trained model is not needed any more: its place is taken by the re-initialised one (same prep).
        model->model = std::move(*fresh);
        auto u = encodeAll(*model, *ds, nullptr, grid);
        if (!u)
            return fail(kName, u.error());
        if (u->times != trained->times)
            return fail(kName, Error{archive, QStringLiteral("the untrained model's sets differ from the model's")});
        QJsonObject uc;
        auto um = score(u->patches, dim, &uc);
        if (!um)
            return fail(kName, um.error());
        QJsonObject uj = um->toJson();
        uj.insert(QStringLiteral("per_channel"), uc);
        baselineJson.insert(QStringLiteral("untrained"), uj);
        if (pixels.size() == trained->times.size()) {
            const int side = model->prep.resolution / grid;
            QJsonObject pc;
            auto pm = score(pixels, side * side, &pc);
            if (!pm)
                return fail(kName, pm.error());
            QJsonObject pj = pm->toJson();
            pj.insert(QStringLiteral("per_channel"), pc);
            baselineJson.insert(QStringLiteral("pixels"), pj);
        }
        out.insert(QStringLiteral("baselines"), baselineJson);
    }
    out.insert(QStringLiteral("model"), model->path);
    out.insert(QStringLiteral("model_hash"), modelHash);
    out.insert(QStringLiteral("archive"), archive);
    out.insert(QStringLiteral("channels"), QJsonArray::fromStringList(channels));
    out.insert(QStringLiteral("sets"), static_cast<double>(trained->times.size()));
    out.insert(QStringLiteral("sets_with_truth"), withTruth);
    out.insert(QStringLiteral("grid"), grid);
    out.insert(QStringLiteral("exclude_hours"), excludeHours);
    out.insert(QStringLiteral("match_cells"), matchCells);
    out.insert(QStringLiteral("min_flux_mx"), minFlux);
    out.insert(QStringLiteral("definitions"),
               QStringLiteral("queries: the centre cell of every visible region of at least min_flux_mx within 0.95 Rsun, per channel (pooled over channels); "
                              "hits: exact cosine top-10 over on-disk cells (r < 0.95) of sets more than exclude_hours away; a hit lies "
                              "on a region within match_cells cells (Chebyshev) of its truth centre at the hit's time. Flux classes "
                              "<1e22, <3e22, >=3e22 Mx; flare-productive: C-rate >= 0.1/day. Queries whose region is on no other "
                              "eligible set's disk are not counted."));
    out.insert(QStringLiteral("seconds"), clock.elapsed() / 1000.0);
    if (p.json()) {
        printJson(out);
        return kOk;
    }
    QTextStream s(stdout);
    auto line = [&](const QString &name, const QJsonObject &o) {
        s << name.leftJustified(12) << QStringLiteral("recall10 %1 (n %2)  precision10 %3 (n %4)\n")
                                           .arg(o.value(QStringLiteral("same_region_recall10")).toDouble(), 0, 'f', 3)
                                           .arg(o.value(QStringLiteral("same_region_recall10_n")).toDouble())
                                           .arg(o.value(QStringLiteral("similar_class_precision10")).toDouble(), 0, 'f', 3)
                                           .arg(o.value(QStringLiteral("similar_class_precision10_n")).toDouble());
    };
    line(QStringLiteral("model"), out);
    for (const QString &k : baselineJson.keys())
        line(k, baselineJson.value(k).toObject());
    return kOk;
}

const Registration reg(kName, QStringLiteral("ground-truth retrieval metrics of archive search on a synthetic archive"), runEvalSearch);

}  // namespace

}  // namespace solarchip::cli
