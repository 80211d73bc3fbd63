#include "models/networks/SafetensorsFile.h"

#include "core/base/AtomicFile.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <bit>
#include <cstring>

static_assert(std::endian::native == std::endian::little, "safetensors I/O assumes a little-endian host");

namespace solarchip {

namespace {

struct DTypeInfo {
    TensorDType dtype;
    const char *name;
    int size;
};

constexpr DTypeInfo kDTypes[] = {
    {TensorDType::F64, "F64", 8}, {TensorDType::F32, "F32", 4}, {TensorDType::F16, "F16", 2},
    {TensorDType::BF16, "BF16", 2}, {TensorDType::I64, "I64", 8}, {TensorDType::I32, "I32", 4},
    {TensorDType::I16, "I16", 2}, {TensorDType::I8, "I8", 1}, {TensorDType::U8, "U8", 1},
    {TensorDType::Bool, "BOOL", 1},
};

std::optional<TensorDType> parseDType(const QString &s)
{
    for (const auto &d : kDTypes)
        if (s == QLatin1String(d.name))
            return d.dtype;
    return std::nullopt;
}

float halfToFloat(uint16_t h)
{
    const uint32_t sign = (h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1f;
    uint32_t mant = h & 0x3ff;
    uint32_t bits;
    if (exp == 0) {
        if (mant == 0) {
            bits = sign;
        } else {  // subnormal: renormalise
            exp = 127 - 15 + 1;
            while ((mant & 0x400) == 0) {
                mant <<= 1;
                --exp;
            }
            bits = sign | (exp << 23) | ((mant & 0x3ff) << 13);
        }
    } else if (exp == 31) {
        bits = sign | 0x7f800000u | (mant << 13);
    } else {
        bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
    }
    return std::bit_cast<float>(bits);
}

Error err(const QString &path, const QString &message) { return Error{path, message}; }

}  // namespace

QString dtypeName(TensorDType dtype)
{
    for (const auto &d : kDTypes)
        if (d.dtype == dtype)
            return QLatin1String(d.name);
    return {};
}

int dtypeSize(TensorDType dtype)
{
    for (const auto &d : kDTypes)
        if (d.dtype == dtype)
            return d.size;
    return 0;
}

int64_t TensorData::elementCount() const
{
    int64_t n = 1;
    for (int64_t s : shape)
        n *= s;
    return n;
}

TensorData TensorData::fromFloats(std::vector<int64_t> shape, const float *values)
{
    TensorData t;
    t.dtype = TensorDType::F32;
    t.shape = std::move(shape);
    t.bytes = QByteArray(reinterpret_cast<const char *>(values), static_cast<qsizetype>(t.elementCount() * 4));
    return t;
}

std::vector<float> TensorData::toFloats() const
{
    const int64_t n = elementCount();
    std::vector<float> out(static_cast<size_t>(n));
    const char *p = bytes.constData();
    for (int64_t i = 0; i < n; ++i) {
        float v = 0;
        switch (dtype) {
        case TensorDType::F64: { double d; std::memcpy(&d, p + 8 * i, 8); v = static_cast<float>(d); break; }
        case TensorDType::F32: std::memcpy(&v, p + 4 * i, 4); break;
        case TensorDType::F16: { uint16_t h; std::memcpy(&h, p + 2 * i, 2); v = halfToFloat(h); break; }
        case TensorDType::BF16: { uint16_t h; std::memcpy(&h, p + 2 * i, 2); v = std::bit_cast<float>(uint32_t(h) << 16); break; }
        case TensorDType::I64: { int64_t x; std::memcpy(&x, p + 8 * i, 8); v = static_cast<float>(x); break; }
        case TensorDType::I32: { int32_t x; std::memcpy(&x, p + 4 * i, 4); v = static_cast<float>(x); break; }
        case TensorDType::I16: { int16_t x; std::memcpy(&x, p + 2 * i, 2); v = static_cast<float>(x); break; }
        case TensorDType::I8: v = static_cast<float>(static_cast<int8_t>(p[i])); break;
        case TensorDType::U8:
        case TensorDType::Bool: v = static_cast<float>(static_cast<uint8_t>(p[i])); break;
        }
        out[static_cast<size_t>(i)] = v;
    }
    return out;
}

Expected<SafetensorsFile> SafetensorsFile::read(const QString &path)
{
    QFile f(path);
    if (!f.exists())
        return err(path, QStringLiteral("no such file"));
    if (!f.open(QIODevice::ReadOnly))
        return err(path, QStringLiteral("cannot open: ") + f.errorString());
    const QByteArray bytes = f.readAll();
    if (f.error() != QFileDevice::NoError)
        return err(path, QStringLiteral("read error: ") + f.errorString());
    return parse(bytes, path);
}

Expected<SafetensorsFile> SafetensorsFile::parse(const QByteArray &bytes, const QString &path)
{
    if (bytes.size() < 8)
        return err(path, QStringLiteral("not a safetensors file: shorter than its 8-byte header length"));
    uint64_t headerLen = 0;
    std::memcpy(&headerLen, bytes.constData(), 8);
    if (headerLen > static_cast<uint64_t>(bytes.size() - 8))
        return err(path, QStringLiteral("truncated or not a safetensors file: the header claims %1 bytes, the file has %2")
                             .arg(headerLen).arg(bytes.size() - 8));
    QJsonParseError perr;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes.mid(8, static_cast<qsizetype>(headerLen)), &perr);
    if (perr.error != QJsonParseError::NoError || !doc.isObject())
        return err(path, QStringLiteral("bad safetensors header (JSON): ") + perr.errorString());
    const qsizetype dataStart = 8 + static_cast<qsizetype>(headerLen);
    const qsizetype dataSize = bytes.size() - dataStart;

    SafetensorsFile out;
    const QJsonObject header = doc.object();
    for (auto it = header.begin(); it != header.end(); ++it) {
        if (it.key() == QLatin1String("__metadata__")) {
            const QJsonObject meta = it.value().toObject();
            for (auto m = meta.begin(); m != meta.end(); ++m)
                out.metadata.insert(m.key(), m.value().toString());
            continue;
        }
        const QJsonObject e = it.value().toObject();
        const auto dtype = parseDType(e.value(QStringLiteral("dtype")).toString());
        if (!dtype)
            return err(path, QStringLiteral("tensor '%1': unsupported dtype '%2'")
                                 .arg(it.key(), e.value(QStringLiteral("dtype")).toString()));
        TensorData t;
        t.dtype = *dtype;
        for (const QJsonValue &s : e.value(QStringLiteral("shape")).toArray()) {
            if (s.toInteger(-1) < 0)
                return err(path, QStringLiteral("tensor '%1': bad shape").arg(it.key()));
            t.shape.push_back(s.toInteger());
        }
        const QJsonArray off = e.value(QStringLiteral("data_offsets")).toArray();
        if (off.size() != 2)
            return err(path, QStringLiteral("tensor '%1': data_offsets must hold two numbers").arg(it.key()));
        const qint64 begin = off[0].toInteger(-1), end = off[1].toInteger(-1);
        if (begin < 0 || end < begin || end > dataSize)
            return err(path, QStringLiteral("tensor '%1': data offsets [%2, %3) outside the %4-byte data section "
                                            "(truncated file?)").arg(it.key()).arg(begin).arg(end).arg(dataSize));
        if (end - begin != t.elementCount() * dtypeSize(t.dtype))
            return err(path, QStringLiteral("tensor '%1': %2 bytes stored for %3 elements of %4")
                                 .arg(it.key()).arg(end - begin).arg(t.elementCount()).arg(dtypeName(t.dtype)));
        t.bytes = bytes.mid(dataStart + begin, end - begin);
        out.tensors.emplace(it.key().toStdString(), std::move(t));
    }
    return out;
}

QByteArray SafetensorsFile::serialize() const
{
    QJsonObject header;
    qint64 offset = 0;
    for (const auto &[name, t] : tensors) {
        QJsonArray shape;
        for (int64_t s : t.shape)
            shape.append(static_cast<qint64>(s));
        const qint64 size = t.bytes.size();
        header.insert(QString::fromStdString(name),
                      QJsonObject{{QStringLiteral("dtype"), dtypeName(t.dtype)},
                                  {QStringLiteral("shape"), shape},
                                  {QStringLiteral("data_offsets"), QJsonArray{offset, offset + size}}});
        offset += size;
    }
    if (!metadata.isEmpty()) {
        QJsonObject meta;
        for (auto it = metadata.begin(); it != metadata.end(); ++it)
            meta.insert(it.key(), it.value());
        header.insert(QStringLiteral("__metadata__"), meta);
    }
    QByteArray json = QJsonDocument(header).toJson(QJsonDocument::Compact);
    while (json.size() % 8 != 0)  // keep the data section 8-byte aligned (as the reference writer does)
        json.append(' ');
    QByteArray out;
    out.reserve(8 + json.size() + offset);
    const uint64_t len = static_cast<uint64_t>(json.size());
    out.append(reinterpret_cast<const char *>(&len), 8);
    out.append(json);
    for (const auto &[name, t] : tensors)
        out.append(t.bytes);
    return out;
}

Status SafetensorsFile::write(const QString &path) const
{
    return writeFileAtomically(path, serialize(), AtomicWriteOptions{.createFolder = true});
}

bool looksLikeSafetensors(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    const QByteArray head = f.read(9);
    if (head.size() < 9)
        return false;
    uint64_t len = 0;
    std::memcpy(&len, head.constData(), 8);
    return head.at(8) == '{' && len > 1 && len < static_cast<uint64_t>(f.size());
}

}  // namespace solarchip
