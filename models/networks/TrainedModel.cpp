#include "models/networks/TrainedModel.h"

#include "core/map/MapMeta.h"
#include "models/detail/Guarded.h"
#include "models/networks/SafetensorsFile.h"
#include "models/networks/detail/TensorIo.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

namespace solarchip {

namespace {

const QString kChannelsKey = QStringLiteral("solarchip_channels");
const QString kPrepKey = QStringLiteral("solarchip_prep");
const QString kTrainingKey = QStringLiteral("solarchip_training");
const QString kResourcePath = QStringLiteral(":/solarchip/models/default.safetensors");

QString compact(const QJsonObject &o) { return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)); }
QString compact(const QJsonArray &a) { return QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Compact)); }

}  // namespace

QString channelOfModality(const QString &modality)
{
    if (modality == QLatin1String("hmi"))
        return modality;
    return canonicalChannel(modality);
}

QString TrainedModel::firstAiaChannel() const
{
    for (const QString &c : channels)
        if (c != QLatin1String("hmi") && !c.startsWith(QLatin1String("hmi_")))
            return c;
    return {};
}

Expected<TrainedModel> TrainedModel::load(const QString &path)
{
    return detail::guarded(detail::Doing{path, QStringLiteral("loading the trained model")}, [&]() -> Expected<TrainedModel> {
        auto file = SafetensorsFile::read(path);
        if (!file)
            return file.error();
        auto model = SolarChipModel::load(path);
        if (!model)
            return model.error();
        TrainedModel t{std::move(*model), {}, {}, {}, path, {}};
        const SolarChipConfig &cfg = t.model.config();

        const QString chJson = file->metadata.value(kChannelsKey);
        if (!chJson.isEmpty()) {
            for (const QJsonValue &v : QJsonDocument::fromJson(chJson.toUtf8()).array())
                t.channels << v.toString();
            if (t.channels.size() != cfg.modalities.size())
                return Error{path, QStringLiteral("metadata names %1 channels, the model has %2 modalities")
                                       .arg(t.channels.size()).arg(cfg.modalities.size())};
        } else {
            for (const QString &m : cfg.modalities)
                t.channels << channelOfModality(m);
        }
        const QString prepJson = file->metadata.value(kPrepKey);
        if (!prepJson.isEmpty()) {
            auto p = PrepSpec::fromJson(QJsonDocument::fromJson(prepJson.toUtf8()).object());
            if (!p)
                return Error{path, p.error().message};
            t.prep = *p;
        } else {
            t.prep.resolution = cfg.backbone.resolution;
        }
        if (t.prep.resolution != cfg.backbone.resolution)
            return Error{path, QStringLiteral("prep resolution %1 differs from the model's input size %2")
                                   .arg(t.prep.resolution).arg(cfg.backbone.resolution)};
        const QString trJson = file->metadata.value(kTrainingKey);
        if (!trJson.isEmpty())
            t.training = QJsonDocument::fromJson(trJson.toUtf8()).object();
        auto hash = t.model.hash();
        if (!hash)
            return Error{path, hash.error().message};
        t.hash = *hash;
        return t;
    });
}

QString TrainedModel::defaultModelLocation()
{
    const QString env = qEnvironmentVariable("SOLARCHIP_DEFAULT_MODEL");
    if (!env.isEmpty() && QFileInfo::exists(env))
        return env;
    if (QCoreApplication::instance()) {
        const QString installed = QCoreApplication::applicationDirPath()
                                  + QStringLiteral("/../share/solarchip/models/default.safetensors");
        if (QFileInfo::exists(installed))
            return QFileInfo(installed).absoluteFilePath();
    }
    if (QFileInfo::exists(kResourcePath))
        return kResourcePath;
    return {};
}

Expected<TrainedModel> TrainedModel::loadDefault()
{
    const QString where = defaultModelLocation();
    if (where.isEmpty())
        return Error{{}, QStringLiteral("no default model: this binary was built without the embedded model "
                                        "(resources/solarchip.qrc) and none is installed; pass --model FILE")};
    return load(where);
}

Status TrainedModel::save(const QString &path, bool halfPrecision) const
{
    return saveTrainedModel(model, channels, prep, training, path, halfPrecision);
}

Status saveTrainedModel(const SolarChipModel &model, const QStringList &channels, const PrepSpec &prep,
                        const QJsonObject &training, const QString &path, bool halfPrecision)
{
    return detail::guarded(detail::Doing{path, QStringLiteral("saving ") + model.config().describe()}, [&]() -> Status {
        // The model's own writer (tensors + configuration metadata, exactly as SolarChipModel::save() writes them,
        // so this stays right if that format changes), read back, and the dataset facts added next to it.
        SafetensorsFile f;
        {
            const QString tmp = path + QStringLiteral(".model-tmp");
            Status s = model.save(tmp);
            if (!s)
                return s;
            auto written = SafetensorsFile::read(tmp);
            QFile::remove(tmp);
            if (!written)
                return written.error();
            f = std::move(*written);
        }
        if (halfPrecision) {
            // float16 storage; the recorded hash is the one a loader computes over the float32 state it becomes.
            detail::TensorMap loaded;
            for (auto &[name, data] : f.tensors) {
                const torch::Tensor t = detail::toTensor(data);
                if (!t.is_floating_point())
                    continue;
                const torch::Tensor h = t.to(torch::kFloat16);
                data = detail::fromTensor(h);
                loaded.emplace(name, h.to(torch::kFloat32));
            }
            for (const auto &[name, data] : f.tensors)
                if (!loaded.count(name))
                    loaded.emplace(name, detail::toTensor(data));
            f.metadata.insert(QStringLiteral("sha256_state"), detail::stateHash(loaded));
            f.metadata.insert(QStringLiteral("storage"), QStringLiteral("float16 (loaded into float32)"));
        }
        QJsonArray ch;
        for (const QString &c : channels)
            ch.append(c);
        f.metadata.insert(kChannelsKey, compact(ch));
        f.metadata.insert(kPrepKey, compact(prep.toJson()));
        if (!training.isEmpty())
            f.metadata.insert(kTrainingKey, compact(training));
        return f.write(path);
    });
}

}  // namespace solarchip
