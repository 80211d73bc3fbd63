// solarchip bench search [--vectors N[,N...]] [--dim D] [--queries Q] [--nprobe 16,64] [--threads 2] [--json]:
// single-query time, recall@10 against FAISS's exact search (same run, same vectors) and size of the similarity
// index kinds (models/embeddings/SearchBenchmark.h) on clustered synthetic unit vectors.
#include "app/cli/BenchRegistry.h"
#include "app/cli/Command.h"
#include "app/cli/CommandLine.h"

#include "models/embeddings/SearchBenchmark.h"

#include <QJsonArray>
#include <QTextStream>
#include <QThread>

namespace solarchip::cli {

namespace {

std::optional<std::vector<qint64>> parseSizes(const QString &text)
{
    std::vector<qint64> out;
    for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const double v = part.trimmed().toDouble(&ok);  // 1e6 works too
        if (!ok || v < 100 || v > 2e9)
            return std::nullopt;
        out.push_back(static_cast<qint64>(v));
    }
    if (out.empty())
        return std::nullopt;
    return out;
}

int runBenchSearch(const QStringList &args)
{
    const QString cmd = QStringLiteral("bench search");
    CommandLine p(cmd, QStringLiteral("Time the archive-search index kinds (exact flat, IVF-PQ with and without exact re-ranking) "
                                      "on clustered synthetic unit vectors, with recall@10 against FAISS's exact search in the same run."));
    p.addOption({QStringLiteral("vectors"), QStringLiteral("Index sizes, comma-separated (default 100000; 1e6 works)."), QStringLiteral("N"),
                 QStringLiteral("100000")});
    p.addOption({QStringLiteral("dim"), QStringLiteral("Vector dimension (default 128, the default model's)."), QStringLiteral("D"),
                 QStringLiteral("128")});
    p.addOption({QStringLiteral("queries"), QStringLiteral("Single queries timed (default 100)."), QStringLiteral("Q"), QStringLiteral("100")});
    p.addOption({QStringLiteral("nprobe"), QStringLiteral("IVF lists visited, comma-separated (default 16,64)."), QStringLiteral("LIST"),
                 QStringLiteral("16,64")});
    p.addOption({QStringLiteral("rerank"), QStringLiteral("Shortlists of rerank * k re-ranked exactly, comma-separated (default 10,50)."),
                 QStringLiteral("LIST"), QStringLiteral("10,50")});
    p.addOption({QStringLiteral("threads"), QStringLiteral("FAISS threads (default 2: the target CPU)."), QStringLiteral("N"), QStringLiteral("2")});
    p.addOption({QStringLiteral("seed"), QStringLiteral("Random seed (default 7)."), QStringLiteral("S"), QStringLiteral("7")});
    p.addJsonOption(QStringLiteral("Print {results: [...]} as JSON."));
    if (auto exit = p.parseOrExit(args))
        return *exit;
    SearchBenchOptions o;
    const auto sizes = parseSizes(p.value(QStringLiteral("vectors")));
    if (!sizes)
        return p.usage(QStringLiteral("--vectors needs sizes >= 100, e.g. 100000,1e6"));
    o.sizes = *sizes;
    bool ok1 = false, ok2 = false, ok3 = false;
    o.dim = p.value(QStringLiteral("dim")).toInt(&ok1);
    o.queries = p.value(QStringLiteral("queries")).toInt(&ok2);
    o.threads = p.value(QStringLiteral("threads")).toInt(&ok3);
    if (!ok1 || o.dim < 4 || !ok2 || o.queries < 1 || !ok3 || o.threads < 0)
        return p.usage(QStringLiteral("--dim (>= 4) and --queries need positive integers, --threads a non-negative one"));
    o.reranks.clear();
    for (const QString &s : p.value(QStringLiteral("rerank")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const int v = s.toInt(&ok);
        if (!ok || v < 2)
            return p.usage(QStringLiteral("--rerank needs integers >= 2"));
        o.reranks.push_back(v);
    }
    o.seed = p.value(QStringLiteral("seed")).toULongLong();
    o.nprobes.clear();
    for (const QString &s : p.value(QStringLiteral("nprobe")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const int v = s.toInt(&ok);
        if (!ok || v < 1)
            return p.usage(QStringLiteral("--nprobe needs positive integers"));
        o.nprobes.push_back(v);
    }
    const bool json = p.json();
    auto rows = runSearchBenchmark(o, [&](const SearchBenchRow &r) {
        // Rows as they finish (stderr with --json: a 10^6 run takes minutes on 2 cores).
        QTextStream(json ? stderr : stdout) << QStringLiteral("%1 n=%2 d=%3 nprobe=%4: p50 %5 ms, p95 %6 ms, recall10 %7, build %8 s, %9 MB\n")
                                       .arg(r.index).arg(r.vectors).arg(r.dim).arg(r.nprobe).arg(r.queryMsP50, 0, 'f', 3)
                                       .arg(r.queryMsP95, 0, 'f', 3).arg(r.recall10VsExact, 0, 'f', 3).arg(r.buildS, 0, 'f', 1)
                                       .arg(r.memoryBytes / 1e6, 0, 'f', 1)
                                << Qt::flush;
    });
    if (!rows)
        return fail(cmd, rows.error());
    if (json) {
        QJsonArray list;
        for (const SearchBenchRow &r : *rows)
            list.append(r.toJson());
        printJson(QJsonObject{{QStringLiteral("benchmark"), QStringLiteral("search")},
                              {QStringLiteral("threads"), o.threads},
                              {QStringLiteral("queries"), o.queries},
                              {QStringLiteral("hardware_threads"), QThread::idealThreadCount()},
                              {QStringLiteral("data"), QStringLiteral("clustered unit vectors: n/200 gaussian clusters, spread %1").arg(o.spread)},
                              {QStringLiteral("results"), list}});
    }
    return kOk;
}

const BenchRegistration reg(QStringLiteral("search"),
                            QStringLiteral("Similarity-index query time and recall@10 vs FAISS exact search (clustered synthetic vectors)"),
                            runBenchSearch);

}  // namespace

}  // namespace solarchip::cli
