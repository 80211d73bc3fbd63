#include "models/networks/detail/TensorIo.h"

#include <torch/serialize.h>

#include <QCryptographicHash>
#include <QFile>

#include <cstring>

namespace solarchip::detail {

namespace {

std::optional<torch::ScalarType> scalarType(TensorDType d)
{
    switch (d) {
    case TensorDType::F64: return torch::kFloat64;
    case TensorDType::F32: return torch::kFloat32;
    case TensorDType::F16: return torch::kFloat16;
    case TensorDType::BF16: return torch::kBFloat16;
    case TensorDType::I64: return torch::kInt64;
    case TensorDType::I32: return torch::kInt32;
    case TensorDType::I16: return torch::kInt16;
    case TensorDType::I8: return torch::kInt8;
    case TensorDType::U8: return torch::kUInt8;
    case TensorDType::Bool: return torch::kBool;
    }
    return std::nullopt;
}

std::optional<TensorDType> tensorDType(torch::ScalarType s)
{
    switch (s) {
    case torch::kFloat64: return TensorDType::F64;
    case torch::kFloat32: return TensorDType::F32;
    case torch::kFloat16: return TensorDType::F16;
    case torch::kBFloat16: return TensorDType::BF16;
    case torch::kInt64: return TensorDType::I64;
    case torch::kInt32: return TensorDType::I32;
    case torch::kInt16: return TensorDType::I16;
    case torch::kInt8: return TensorDType::I8;
    case torch::kUInt8: return TensorDType::U8;
    case torch::kBool: return TensorDType::Bool;
    default: return std::nullopt;
    }
}

// Flattens a (possibly nested) dict of tensors: {"state_dict": {...}} or {"a": {"b": t}} -> "a.b".
Status flatten(const c10::IValue &value, const std::string &prefix, TensorMap &out, const QString &path)
{
    if (value.isTensor()) {
        out.emplace(prefix, value.toTensor());
        return Status::success();
    }
    if (value.isGenericDict()) {
        for (const auto &entry : value.toGenericDict()) {
            if (!entry.key().isString())
                return Error{path, QStringLiteral("a dictionary key under '%1' is not a string").arg(QString::fromStdString(prefix))};
            const std::string key = entry.key().toStringRef();
            Status s = flatten(entry.value(), prefix.empty() ? key : prefix + "." + key, out, path);
            if (!s)
                return s;
        }
        return Status::success();
    }
    // Lightning checkpoints carry numbers and strings next to the state dict (epoch, versions): skip them.
    if (value.isInt() || value.isDouble() || value.isString() || value.isBool() || value.isNone())
        return Status::success();
    return Error{path, QStringLiteral("entry '%1' is a %2, not a tensor or a dict of tensors (save dict(state_dict) "
                                      "from Python, not an OrderedDict or a module)")
                           .arg(QString::fromStdString(prefix), QString::fromStdString(value.tagKind()))};
}

}  // namespace

torch::Tensor toTensor(const TensorData &data)
{
    const auto st = scalarType(data.dtype).value_or(torch::kFloat32);
    torch::Tensor t = torch::empty(data.shape, torch::TensorOptions().dtype(st));
    if (data.bytes.size() > 0)
        std::memcpy(t.data_ptr(), data.bytes.constData(), static_cast<size_t>(data.bytes.size()));
    return t;
}

TensorData fromTensor(const torch::Tensor &tensor)
{
    const torch::Tensor t = tensor.detach().to(torch::kCPU).contiguous();
    TensorData d;
    d.dtype = tensorDType(t.scalar_type()).value_or(TensorDType::F32);
    d.shape.assign(t.sizes().begin(), t.sizes().end());
    const torch::Tensor src = tensorDType(t.scalar_type()) ? t : t.to(torch::kFloat32);
    d.bytes = QByteArray(static_cast<const char *>(src.data_ptr()), static_cast<qsizetype>(src.numel() * src.element_size()));
    return d;
}

Expected<TensorMap> readTensorFile(const QString &path, QString *format)
{
    if (!QFile::exists(path))
        return Error{path, QStringLiteral("no such file")};
    if (looksLikeSafetensors(path)) {
        auto file = SafetensorsFile::read(path);
        if (!file)
            return file.error();
        TensorMap out;
        for (const auto &[name, data] : file->tensors)
            out.emplace(name, toTensor(data));
        if (format)
            *format = QStringLiteral("safetensors");
        return out;
    }
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error{path, QStringLiteral("cannot open: ") + f.errorString()};
    const QByteArray bytes = f.readAll();
    if (bytes.size() < 4 || !(bytes.startsWith("PK\x03\x04") || static_cast<unsigned char>(bytes[0]) == 0x80))
        return Error{path, QStringLiteral("neither a safetensors file nor a Python torch.save file")};
    c10::IValue value;
    try {
        value = torch::pickle_load(std::vector<char>(bytes.begin(), bytes.end()));
    } catch (const std::exception &e) {
        QString what = QString::fromUtf8(e.what()).section(QLatin1Char('\n'), 0, 0);
        return Error{path, QStringLiteral("cannot read this torch.save file (%1); save a plain dict of tensors "
                                          "(dict(model.state_dict())) or convert it to safetensors")
                               .arg(what)};
    }
    TensorMap out;
    Status s = flatten(value, {}, out, path);
    if (!s)
        return s.error();
    if (out.empty())
        return Error{path, QStringLiteral("holds no tensors")};
    if (format)
        *format = QStringLiteral("torch-pickle");
    return out;
}

Status writeSafetensors(const QString &path, const TensorMap &tensors, const QMap<QString, QString> &metadata)
{
    SafetensorsFile f;
    f.metadata = metadata;
    for (const auto &[name, t] : tensors)
        f.tensors.emplace(name, fromTensor(t));
    return f.write(path);
}

TensorMap stateOf(const torch::nn::Module &module)
{
    TensorMap out;
    for (const auto &p : module.named_parameters(/*recurse=*/true))
        out.emplace(p.key(), p.value());
    for (const auto &b : module.named_buffers(/*recurse=*/true))
        out.emplace(b.key(), b.value());
    return out;
}

QString shapeString(const torch::Tensor &t)
{
    QStringList parts;
    for (auto s : t.sizes())
        parts << QString::number(s);
    return QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
}

Status loadState(torch::nn::Module &module, const TensorMap &state, const QString &file)
{
    TensorMap mine = stateOf(module);
    for (const auto &[name, t] : state) {
        const auto it = mine.find(name);
        if (it == mine.end())
            return Error{file, QStringLiteral("unexpected key '%1' (not a parameter of this model)").arg(QString::fromStdString(name))};
        if (!it->second.sizes().equals(t.sizes()))
            return Error{file, QStringLiteral("key '%1' has shape %2, the model expects %3")
                                   .arg(QString::fromStdString(name), shapeString(t), shapeString(it->second))};
        if (!t.is_floating_point() && it->second.is_floating_point())
            return Error{file, QStringLiteral("key '%1' holds %2 values, the model expects floating point")
                                   .arg(QString::fromStdString(name), QString::fromStdString(std::string(c10::toString(t.scalar_type()))))};
    }
    for (const auto &[name, t] : mine)
        if (!state.count(name))
            return Error{file, QStringLiteral("missing key '%1' (shape %2)").arg(QString::fromStdString(name), shapeString(t))};
    torch::NoGradGuard noGrad;
    for (auto &[name, t] : mine)
        t.copy_(state.at(name));
    return Status::success();
}

QString stateHash(const TensorMap &state)
{
    QCryptographicHash h(QCryptographicHash::Sha256);
    for (const auto &[name, tensor] : state) {
        const TensorData d = fromTensor(tensor);
        h.addData(QByteArray::fromStdString(name));
        h.addData(QByteArray(1, '\0'));
        h.addData(dtypeName(d.dtype).toLatin1());
        for (int64_t s : d.shape) {
            const qint64 v = s;
            h.addData(QByteArrayView(reinterpret_cast<const char *>(&v), 8));
        }
        h.addData(d.bytes);
    }
    return QString::fromLatin1(h.result().toHex());
}

}  // namespace solarchip::detail
