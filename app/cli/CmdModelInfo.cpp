// solarchip model-info [FILE] [--json] [--write-half OUT]: what a model file is (configuration, channels, prep,
// training provenance, parameter count, content hash); without FILE, the shipped default model. --write-half
// writes a float16 copy (how the default model is shipped: half the size, same forward to ~1e-3).
#include "app/cli/Command.h"
#include "app/cli/CommandLine.h"

#include "models/networks/TrainedModel.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QTextStream>

namespace solarchip::cli {

namespace {

const QString kName = QStringLiteral("model-info");

QString fileSha256(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(&f);
    return QString::fromLatin1(h.result().toHex());
}

int runModelInfo(const QStringList &args)
{
    CommandLine p(kName, QStringLiteral("Describe a SolarCHIP model file (default: the shipped default model)."));
    p.addJsonOption();
    p.addOption({QStringLiteral("write-half"), QStringLiteral("Write a float16 copy of the model to OUT."), QStringLiteral("OUT")});
    p.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("Model file (safetensors)."), QStringLiteral("[FILE]"));
    if (auto exit = p.parseOrExit(args, Positionals::atMost(1, QStringLiteral("one FILE at most"))))
        return *exit;
    const QStringList pos = p.positionalArguments();
    auto model = pos.isEmpty() ? TrainedModel::loadDefault() : TrainedModel::load(pos.first());
    if (!model)
        return fail(kName, model.error());
    if (p.isSet(QStringLiteral("write-half"))) {
        const Status s = model->save(p.value(QStringLiteral("write-half")), /*halfPrecision=*/true);
        if (!s)
            return fail(kName, s.error());
    }
    const QJsonObject o{{QStringLiteral("file"), model->path},
                        {QStringLiteral("file_sha256"), fileSha256(model->path)},
                        {QStringLiteral("model_hash"), model->hash},
                        {QStringLiteral("parameters"), static_cast<double>(model->model.parameterCount())},
                        {QStringLiteral("channels"), QJsonArray::fromStringList(model->channels)},
                        {QStringLiteral("config"), model->model.config().toJson()},
                        {QStringLiteral("prep"), model->prep.toJson()},
                        {QStringLiteral("training"), model->training}};
    if (p.json()) {
        printJson(o);
    } else {
        QTextStream out(stdout);
        const auto &b = model->model.config().backbone;
        out << model->path << "\n  " << architectureName(b.arch) << " " << b.resolution << " px, grid " << b.gridSize()
            << "x" << b.gridSize() << ", Dc " << b.contrastiveDim << ", " << model->model.parameterCount()
            << " parameters\n  CLS head "
            << (b.clsHead == ClsHead::Attn ? (b.clsPosition == ClsPosition::RadialXy ? "attention pool, radial + x/y position code"
                                                                                      : "attention pool, radial position code")
                                           : "GAP + Linear (research)")
            << "\n  channels " << model->channels.join(u',') << "\n  model hash " << model->hash
            << "\n  file sha256 " << o.value(QStringLiteral("file_sha256")).toString() << "\n";
    }
    return kOk;
}

const Registration reg(kName, QStringLiteral("describe a model file (config, channels, prep, hash); write a float16 copy"),
                       runModelInfo);

}  // namespace

}  // namespace solarchip::cli
