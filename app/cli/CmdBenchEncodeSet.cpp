// solarchip bench encode-set --archive A [--model M] [--sets N] [--threads N] [--json]: what the GUI's
// InferenceWorker spends on one co-temporal set of the model's channels (encodeObservationSet): cold (prep from the
// files, no cache), warm (the prep cache filled: what stepping back to a set or a second visit costs) and the
// encode alone, plus a click's answer once a set is encoded (query vector + similarity maps + top-k), as
// p50/max over the first N sets. Threads default to the app's torch share of the thread budget
// (ThreadBudget::sizes().torchIntraOp), so the figure is the one the app sees beside its UI.
#include "app/cli/BenchRegistry.h"
#include "app/cli/Command.h"
#include "app/cli/CommandLine.h"
#include "app/cli/ModelCliOptions.h"

#include "core/archive/Catalog.h"
#include "core/base/ThreadBudget.h"
#include "models/inference/SetEncoding.h"
#include "models/networks/Device.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>
#include <ctime>

namespace solarchip::cli {

namespace {

// CPU time of the calling thread (ms): with one torch thread the encode runs on it, so this is what the encode
// costs a free core, whatever else the machine is doing (the wall times grow with the load).
double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

QJsonObject stats(std::vector<double> v)
{
    if (v.empty())
        return {};
    std::sort(v.begin(), v.end());
    return QJsonObject{{QStringLiteral("p50"), v[v.size() / 2]}, {QStringLiteral("max"), v.back()},
                       {QStringLiteral("n"), static_cast<int>(v.size())}};
}

int runBenchEncodeSet(const QStringList &args)
{
    CommandLine p(QStringLiteral("bench encode-set"),
                  QStringLiteral("Time encodeObservationSet (the GUI worker's job) on an archive's co-temporal sets: cold, warm, "
                                 "encode only, and a click's similarity maps."));
    p.addOption({QStringLiteral("archive"), QStringLiteral("Archive folder."), QStringLiteral("DIR")});
    p.addOption({QStringLiteral("sets"), QStringLiteral("Sets timed (default 5)."), QStringLiteral("N"), QStringLiteral("5")});
    addModelOptions(p);
    p.addJsonOption();
    if (auto exit = p.parseOrExit(args))
        return *exit;
    if (!p.isSet(QStringLiteral("archive")))
        return p.usage(QStringLiteral("--archive DIR is required"));
    auto model = loadModelFromOptions(p);
    if (!model)
        return fail(QStringLiteral("bench encode-set"), model.error());
    if (p.value(QStringLiteral("threads")).toInt() <= 0)
        configureTorchThreads(ThreadBudget::instance().sizes().torchIntraOp);
    auto catalog = Catalog::open(p.value(QStringLiteral("archive")));
    if (!catalog)
        return fail(QStringLiteral("bench encode-set"), catalog.error());
    if (auto scan = catalog->update(); !scan)
        return fail(QStringLiteral("bench encode-set"), scan.error());
    CoTemporalOptions co;
    co.anchorChannel = model->channels.first();
    auto sets = catalog->completeSets({}, {}, model->channels, co);
    if (!sets)
        return fail(QStringLiteral("bench encode-set"), sets.error());
    if (sets->isEmpty())
        return fail(QStringLiteral("bench encode-set"), Error{p.value(QStringLiteral("archive")),
                                                               QStringLiteral("no complete set of %1").arg(model->channels.join(u','))});
    const int n = std::min(static_cast<int>(sets->size()), std::max(1, p.value(QStringLiteral("sets")).toInt()));
    QTemporaryDir cache;
    std::vector<double> cold, warm, encodeOnly, prepWarm, click, warmCpu;
    // One untimed encode first: torch's first call allocates and picks kernels.
    {
        EncodeSetOptions o;
        o.useCache = false;
        (void)encodeObservationSet(*model, (*sets)[0], o);
    }
    for (int i = 0; i < n; ++i) {
        for (int pass = 0; pass < 2; ++pass) {
            EncodeSetOptions o;
            o.cacheDir = cache.path();
            QElapsedTimer t;
            t.start();
            const double cpu0 = threadCpuMs();
            auto e = encodeObservationSet(*model, (*sets)[i], o);
            const double ms = t.nsecsElapsed() / 1e6;
            if (pass == 1)
                warmCpu.push_back(threadCpuMs() - cpu0);
            if (!e)
                return fail(QStringLiteral("bench encode-set"), e.error());
            (pass == 0 ? cold : warm).push_back(ms);
            if (pass == 1) {
                encodeOnly.push_back(e->encodeSeconds * 1000);
                prepWarm.push_back(e->prepSeconds * 1000);
                QElapsedTimer c;
                c.start();
                const int cell = e->cells() / 2 + e->grid / 3;
                const auto maps = similarityMaps(*e, queryVector(*e, e->channels.size() - 1, {cell}));
                for (const auto &m : maps)
                    (void)topMatches(*e, m, 5);
                click.push_back(c.nsecsElapsed() / 1e6);
            }
        }
    }
    const QJsonObject out{{QStringLiteral("model_hash"), model->hash},
                          {QStringLiteral("channels"), QJsonArray::fromStringList(model->channels)},
                          {QStringLiteral("torch"), torchBuildDescription()},
                          {QStringLiteral("device"), model->model.device().toString()},
                          {QStringLiteral("torch_threads"), torchThreads()},
                          {QStringLiteral("image_size"), (*sets)[0].members[0].naxis1},
                          {QStringLiteral("cold_ms"), stats(cold)},
                          {QStringLiteral("warm_ms"), stats(warm)},
                          {QStringLiteral("warm_thread_cpu_ms"), stats(warmCpu)},
                          {QStringLiteral("load_average_note"), QStringLiteral("wall times grow with the machine's load; "
                                                                               "warm_thread_cpu_ms is the single-thread cost")},
                          {QStringLiteral("warm_prep_ms"), stats(prepWarm)},
                          {QStringLiteral("encode_only_ms"), stats(encodeOnly)},
                          {QStringLiteral("click_ms"), stats(click)}};
    if (p.json())
        printJson(out);
    else
        QTextStream(stdout) << QJsonDocument(out).toJson();
    return kOk;
}

const BenchRegistration reg(QStringLiteral("encode-set"),
                            QStringLiteral("encodeObservationSet per set (cold, warm, encode only) and a click's similarity maps"),
                            runBenchEncodeSet);

}  // namespace

}  // namespace solarchip::cli
