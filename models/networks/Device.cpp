#include "models/networks/Device.h"

#include <torch/torch.h>
#include <torch/version.h>

#include <QRegularExpression>

#include <thread>

namespace solarchip {

QString DeviceChoice::toString() const
{
    return kind == DeviceKind::Cuda ? QStringLiteral("cuda:%1").arg(index) : QStringLiteral("cpu");
}

bool cudaAvailable() { return torch::cuda::is_available(); }

DeviceChoice defaultDevice()
{
    DeviceChoice d;
    if (cudaAvailable())
        d.kind = DeviceKind::Cuda;
    return d;
}

bool parseDevice(const QString &text, DeviceChoice *out, QString *error)
{
    const QString t = text.trimmed().toLower();
    DeviceChoice d;
    if (t.isEmpty() || t == QLatin1String("auto")) {
        d = defaultDevice();
    } else if (t == QLatin1String("cpu")) {
        d.kind = DeviceKind::Cpu;
    } else {
        static const QRegularExpression re(QStringLiteral("^cuda(?::(\\d+))?$"));
        const auto m = re.match(t);
        if (!m.hasMatch()) {
            if (error)
                *error = QStringLiteral("unknown device '%1' (expected auto, cpu, cuda or cuda:N)").arg(text);
            return false;
        }
        if (!cudaAvailable()) {
            if (error)
                *error = QStringLiteral("device '%1' asked for, but this LibTorch has no CUDA or no GPU is visible "
                                        "(build against a CUDA LibTorch: see models/networks/Device.h)")
                             .arg(text);
            return false;
        }
        d.kind = DeviceKind::Cuda;
        d.index = m.captured(1).isEmpty() ? 0 : m.captured(1).toInt();
        const int count = static_cast<int>(torch::cuda::device_count());
        if (d.index >= count) {
            if (error)
                *error = QStringLiteral("device '%1' does not exist (%2 CUDA device(s) visible)").arg(text).arg(count);
            return false;
        }
    }
    if (out)
        *out = d;
    return true;
}

int configureTorchThreads(int threads)
{
    if (threads <= 0)
        threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    try {
        torch::set_num_threads(threads);
    } catch (const std::exception &) {
        // Refused (torch checks the count): the count in force stays, and the caller sees it in the result.
    }
    return torch::get_num_threads();
}

int torchThreads() { return torch::get_num_threads(); }

QString torchBuildDescription()
{
    QString s = QStringLiteral("LibTorch %1.%2.%3").arg(TORCH_VERSION_MAJOR).arg(TORCH_VERSION_MINOR).arg(TORCH_VERSION_PATCH);
    s += torch::cuda::is_available() ? QStringLiteral(" (CUDA, %1 device(s))").arg(torch::cuda::device_count())
                                     : QStringLiteral(" (CPU)");
    return s;
}

}  // namespace solarchip
