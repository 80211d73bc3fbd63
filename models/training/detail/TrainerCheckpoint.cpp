#include "models/training/detail/TrainerCheckpoint.h"

#include "core/base/AtomicFile.h"

#include <QByteArray>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>

#include <ATen/Context.h>

#include <sstream>

namespace solarchip::detail {

namespace {

torch::Tensor bytesTensor(const QByteArray &b)
{
    return torch::from_blob(const_cast<char *>(b.constData()), {b.size()}, torch::kUInt8).clone();
}

QByteArray tensorBytes(const torch::Tensor &t)
{
    const torch::Tensor c = t.to(torch::kCPU).contiguous();
    return QByteArray(reinterpret_cast<const char *>(c.data_ptr<uint8_t>()), static_cast<qsizetype>(c.numel()));
}

at::Generator generatorFor(const torch::Device &device)
{
    return at::globalContext().defaultGenerator(device.is_cuda() ? device : torch::Device(torch::kCPU));
}

}  // namespace

Status saveTrainingCheckpoint(const QString &path, torch::nn::Module &net, torch::optim::Optimizer &optimizer,
                              const QJsonObject &trainerState, const torch::Device &device)
{
    std::ostringstream out;
    try {
        torch::serialize::OutputArchive root;
        torch::serialize::OutputArchive model, optim;
        net.save(model);
        optimizer.save(optim);
        root.write("model", model);
        root.write("optimizer", optim);
        root.write("trainer_json", bytesTensor(QJsonDocument(trainerState).toJson(QJsonDocument::Compact)));
        {
            at::Generator cpu = generatorFor(torch::Device(torch::kCPU));
            std::lock_guard<std::mutex> lock(cpu.mutex());
            root.write("rng_cpu", cpu.get_state());
        }
        if (device.is_cuda()) {
            at::Generator g = generatorFor(device);
            std::lock_guard<std::mutex> lock(g.mutex());
            root.write("rng_cuda", g.get_state());
        }
        root.save_to(out);
    } catch (const std::exception &e) {
        return Error{path, QStringLiteral("cannot serialise the checkpoint: ") + QString::fromUtf8(e.what())};
    }
    const std::string s = out.str();
    return writeFileAtomically(path, QByteArray(s.data(), static_cast<qsizetype>(s.size())),
                               AtomicWriteOptions{.createFolder = true});
}

Expected<QJsonObject> loadTrainingCheckpoint(const QString &path, torch::nn::Module &net,
                                             torch::optim::Optimizer &optimizer, const torch::Device &device)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error{path, QStringLiteral("cannot read the checkpoint: ") + f.errorString()};
    const QByteArray bytes = f.readAll();
    QJsonObject state;
    try {
        std::istringstream in(std::string(bytes.constData(), static_cast<size_t>(bytes.size())));
        torch::serialize::InputArchive root;
        root.load_from(in, device);
        torch::serialize::InputArchive model, optim;
        root.read("model", model);
        net.load(model);
        root.read("optimizer", optim);
        optimizer.load(optim);
        torch::Tensor js;
        root.read("trainer_json", js);
        QJsonParseError perr;
        const QJsonDocument doc = QJsonDocument::fromJson(tensorBytes(js), &perr);
        if (!doc.isObject())
            return Error{path, QStringLiteral("corrupt trainer state: ") + perr.errorString()};
        state = doc.object();
        torch::Tensor rng;
        root.read("rng_cpu", rng);
        {
            at::Generator cpu = generatorFor(torch::Device(torch::kCPU));
            std::lock_guard<std::mutex> lock(cpu.mutex());
            cpu.set_state(rng.to(torch::kCPU));
        }
        if (device.is_cuda()) {
            torch::Tensor rc;
            if (root.try_read("rng_cuda", rc)) {
                at::Generator g = generatorFor(device);
                std::lock_guard<std::mutex> lock(g.mutex());
                g.set_state(rc.to(torch::kCPU));
            }
        }
    } catch (const std::exception &e) {
        return Error{path, QStringLiteral("not a readable training checkpoint (truncated or from another model?): ")
                               + QString::fromUtf8(e.what()).section(QLatin1Char('\n'), 0, 0)};
    }
    return state;
}

}  // namespace solarchip::detail
