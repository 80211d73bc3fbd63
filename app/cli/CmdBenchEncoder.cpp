// solarchip bench encoder [--presets tiny,paper-cnn,paper-vit] [--batch N] [--iterations N] [--threads N]
//                         [--python PATH] [--script PATH] [--no-python] [--json]
// Forward and training-step time of the SolarCHIP backbones in LibTorch, side by side in the same run with the
// same architecture in PyTorch (bench/bench_encoder.py: same input file, same thread count), with
// ratio_cpp_over_python and the achieved GFLOP/s against a measured float32 matmul peak.
#include "app/cli/BenchRegistry.h"
#include "app/cli/Command.h"

#include "models/networks/Device.h"
#include "models/networks/EncoderBenchmark.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTextStream>

namespace solarchip::cli {

namespace {

QString findScript(const QString &given)
{
    if (!given.isEmpty())
        return given;
    QStringList roots;
    if (qEnvironmentVariableIsSet("SOLARCHIP_SOURCE_DIR"))
        roots << qEnvironmentVariable("SOLARCHIP_SOURCE_DIR");
    // build-*/bin/solarchip -> the source tree is two levels up (in-tree build folders, as in CI and development).
    const QDir bin(QCoreApplication::applicationDirPath());
    roots << bin.absoluteFilePath(QStringLiteral("../..")) << bin.absoluteFilePath(QStringLiteral("../share/solarchip"));
    for (const QString &r : roots) {
        const QString p = QDir(r).absoluteFilePath(QStringLiteral("bench/bench_encoder.py"));
        if (QFileInfo::exists(p))
            return QDir::cleanPath(p);
    }
    return {};
}

QJsonObject runPython(const QString &python, const QString &script, const BackboneConfig &cfg, const QString &input,
                      int threads, int warmup, int iterations, QString *error)
{
    QProcess p;
    p.start(python, {script, QStringLiteral("--config"),
                     QString::fromUtf8(QJsonDocument(cfg.toJson()).toJson(QJsonDocument::Compact)),
                     QStringLiteral("--input"), input, QStringLiteral("--threads"), QString::number(threads),
                     QStringLiteral("--warmup"), QString::number(warmup), QStringLiteral("--iterations"),
                     QString::number(iterations)});
    if (!p.waitForStarted(30000)) {
        *error = QStringLiteral("cannot start %1").arg(python);
        return {};
    }
    p.waitForFinished(-1);
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        *error = QStringLiteral("%1 failed: %2").arg(script, QString::fromUtf8(p.readAllStandardError()).trimmed());
        return {};
    }
    const QByteArray out = p.readAllStandardOutput().trimmed();
    const QJsonDocument doc = QJsonDocument::fromJson(out.mid(out.lastIndexOf('\n') + 1));
    if (!doc.isObject())
        *error = QStringLiteral("%1 printed no JSON").arg(script);
    return doc.object();
}

int runBenchEncoder(const QStringList &args)
{
    const QString cmd = QStringLiteral("bench encoder");
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Time the SolarCHIP backbones in LibTorch against the same architecture in PyTorch."));
    p.addHelpOption();
    p.addOption({QStringLiteral("presets"), QStringLiteral("Comma-separated presets."), QStringLiteral("LIST"),
                 QStringLiteral("tiny,paper-cnn,paper-vit")});
    p.addOption({QStringLiteral("batch"), QStringLiteral("Images per batch (default 4 for tiny/small, 1 for paper presets)."),
                 QStringLiteral("N")});
    p.addOption({QStringLiteral("warmup"), QStringLiteral("Untimed runs first."), QStringLiteral("N"), QStringLiteral("1")});
    p.addOption({QStringLiteral("iterations"), QStringLiteral("Timed runs (median)."), QStringLiteral("N"), QStringLiteral("3")});
    p.addOption({QStringLiteral("threads"), QStringLiteral("Threads for both sides (default: hardware concurrency)."),
                 QStringLiteral("N"), QStringLiteral("0")});
    p.addOption({QStringLiteral("python"), QStringLiteral("Python with torch."), QStringLiteral("PATH")});
    p.addOption({QStringLiteral("script"), QStringLiteral("bench/bench_encoder.py (found next to the build by default)."),
                 QStringLiteral("PATH")});
    p.addOption({QStringLiteral("no-python"), QStringLiteral("LibTorch only.")});
    p.addOption({QStringLiteral("json"), QStringLiteral("Print JSON.")});
    if (!p.parse(args))
        return usage(cmd, p.errorText(), p.helpText());
    if (p.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << p.helpText();
        return kOk;
    }
    const int threads = configureTorchThreads(p.value(QStringLiteral("threads")).toInt());
    const int warmup = std::max(0, p.value(QStringLiteral("warmup")).toInt());
    const int iterations = std::max(1, p.value(QStringLiteral("iterations")).toInt());
    const bool withPython = !p.isSet(QStringLiteral("no-python"));
    QString python = p.value(QStringLiteral("python"));
    if (python.isEmpty())
        python = QStandardPaths::findExecutable(QStringLiteral("python3"), {QStringLiteral("/usr/bin")});
    if (python.isEmpty())
        python = QStandardPaths::findExecutable(QStringLiteral("python3"));
    const QString script = findScript(p.value(QStringLiteral("script")));
    if (withPython && (script.isEmpty() || python.isEmpty()))
        return fail(cmd, QStringLiteral("bench/bench_encoder.py or python3 not found (give --script/--python, or --no-python)"));
    QTemporaryDir tmp;
    if (!tmp.isValid())
        return fail(cmd, QStringLiteral("cannot create a temporary folder"));

    const auto measuredPeak = measureMatmulGflops(1024, 5);
    if (!measuredPeak)
        return fail(cmd, measuredPeak.error());
    const double peak = *measuredPeak;
    QJsonArray results;
    QTextStream out(stdout);
    for (const QString &preset : p.value(QStringLiteral("presets")).split(u',', Qt::SkipEmptyParts)) {
        auto cfg = presetConfig(preset);
        if (!cfg)
            return fail(cmd, cfg.error());
        const int batch = p.isSet(QStringLiteral("batch")) ? p.value(QStringLiteral("batch")).toInt()
                                                           : (preset.startsWith(QLatin1String("paper")) ? 1 : 4);
        const QString input = tmp.filePath(preset + QStringLiteral(".safetensors"));
        Status s = writeBenchInput(input, *cfg, batch);
        if (!s)
            return fail(cmd, s.error());
        EncoderBenchOptions o;
        o.preset = preset;
        o.batch = batch;
        o.warmup = warmup;
        o.iterations = iterations;
        o.inputFile = input;
        auto r = benchEncoder(o);
        if (!r)
            return fail(cmd, r.error());
        QJsonObject cpp{{QStringLiteral("forward_ms"), r->forwardMs},
                        {QStringLiteral("train_step_ms"), r->trainStepMs},
                        {QStringLiteral("forward_gflops"), r->forwardFlops / (r->forwardMs * 1e6)},
                        {QStringLiteral("train_step_gflops"), r->trainStepFlops / (r->trainStepMs * 1e6)}};
        QJsonObject row{{QStringLiteral("preset"), preset},
                        {QStringLiteral("arch"), architectureName(cfg->arch)},
                        {QStringLiteral("resolution"), cfg->resolution},
                        {QStringLiteral("batch"), r->batch},
                        {QStringLiteral("parameters_per_backbone"), static_cast<double>(r->parameters)},
                        {QStringLiteral("forward_gflop"), r->forwardFlops / 1e9},
                        {QStringLiteral("train_step_gflop"), r->trainStepFlops / 1e9},
                        {QStringLiteral("cpp"), cpp}};
        if (withPython) {
            QString error;
            const QJsonObject py = runPython(python, script, *cfg, input, threads, warmup, iterations, &error);
            if (!error.isEmpty())
                return fail(cmd, error);
            const double pf = py.value(QStringLiteral("forward_ms")).toDouble();
            const double pt = py.value(QStringLiteral("train_step_ms")).toDouble();
            QJsonObject pyRow = py;
            pyRow.insert(QStringLiteral("forward_gflops"), r->forwardFlops / (pf * 1e6));
            pyRow.insert(QStringLiteral("train_step_gflops"), r->trainStepFlops / (pt * 1e6));
            row.insert(QStringLiteral("python"), pyRow);
            if (py.value(QStringLiteral("parameters")).toDouble() != static_cast<double>(r->parameters))
                return fail(cmd, QStringLiteral("%1: the Python model has %2 parameters, ours %3 (not the same architecture)")
                                     .arg(preset).arg(py.value(QStringLiteral("parameters")).toDouble()).arg(r->parameters));
            row.insert(QStringLiteral("ratio_cpp_over_python"),
                       QJsonObject{{QStringLiteral("forward"), r->forwardMs / pf}, {QStringLiteral("train_step"), r->trainStepMs / pt}});
        }
        results.append(row);
        if (!p.isSet(QStringLiteral("json"))) {
            out << preset << " (" << architectureName(cfg->arch) << ", " << cfg->resolution << " px, batch " << r->batch
                << "): forward " << r->forwardMs << " ms, train step " << r->trainStepMs << " ms";
            if (row.contains(QStringLiteral("ratio_cpp_over_python"))) {
                const QJsonObject ratio = row.value(QStringLiteral("ratio_cpp_over_python")).toObject();
                out << "; C++/Python " << ratio.value(QStringLiteral("forward")).toDouble() << " (forward), "
                    << ratio.value(QStringLiteral("train_step")).toDouble() << " (train step)";
            }
            out << Qt::endl;
        }
    }
    const QJsonObject doc{{QStringLiteral("benchmark"), QStringLiteral("encoder")},
                          {QStringLiteral("torch"), torchBuildDescription()},
                          {QStringLiteral("threads"), threads},
                          {QStringLiteral("matmul_peak_gflops"), peak},
                          {QStringLiteral("results"), results}};
    if (p.isSet(QStringLiteral("json")))
        printJson(doc);
    else
        out << "matmul peak (1024^3 float32, " << threads << " threads): " << peak << " GFLOP/s" << Qt::endl;
    return kOk;
}

const BenchRegistration reg(QStringLiteral("encoder"),
                            QStringLiteral("SolarCHIP backbones: LibTorch vs PyTorch, forward and training step"),
                            runBenchEncoder);

}  // namespace
}  // namespace solarchip::cli
