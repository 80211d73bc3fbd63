#include "app/cli/ModelCliOptions.h"

#include "models/networks/Device.h"

namespace solarchip::cli {

void addModelOptions(QCommandLineParser &p)
{
    p.addOption({QStringLiteral("model"),
                 QStringLiteral("Model file (safetensors from pretrain/import-checkpoint; default: the shipped default model)."),
                 QStringLiteral("FILE")});
    addDeviceOption(p);
    p.addOption({QStringLiteral("threads"), QStringLiteral("Torch threads (default: all cores)."), QStringLiteral("N"),
                 QStringLiteral("0")});
}

void addDeviceOption(QCommandLineParser &p)
{
    p.addOption({QStringLiteral("device"), QStringLiteral("auto, cpu, cuda or cuda:N (default auto)."), QStringLiteral("DEV"),
                 QStringLiteral("auto")});
}

Expected<DeviceChoice> deviceFromOptions(const QCommandLineParser &p)
{
    DeviceChoice dev;
    QString error;
    if (!parseDevice(p.value(QStringLiteral("device")), &dev, &error))
        return Error{{}, error};
    return dev;
}

Expected<TrainedModel> loadModelFromOptions(const QCommandLineParser &p)
{
    configureTorchThreads(p.value(QStringLiteral("threads")).toInt());
    auto model = p.isSet(QStringLiteral("model")) ? TrainedModel::load(p.value(QStringLiteral("model")))
                                                  : TrainedModel::loadDefault();
    if (!model)
        return model;
    auto dev = deviceFromOptions(p);
    if (!dev)
        return dev.error();
    Status s = model->model.to(*dev);
    if (!s)
        return s.error();
    return model;
}

}  // namespace solarchip::cli
