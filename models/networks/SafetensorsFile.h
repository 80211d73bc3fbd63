#pragma once
// The safetensors format, without torch: an 8-byte little-endian header length, a JSON header
// {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ..., "__metadata__": {str: str}},
// then the raw little-endian tensor bytes. Used for every model file we write (models, imports, test
// fixtures) because it is trivial to read from C++ and Python alike, and cannot execute code when loaded.

#include "core/base/Expected.h"

#include <QByteArray>
#include <QMap>
#include <QString>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace solarchip {

enum class TensorDType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, Bool };

QString dtypeName(TensorDType dtype);  ///< safetensors spelling: "F32", "I64", "BOOL", ...
int dtypeSize(TensorDType dtype);      ///< bytes per element

/// One tensor: its element type, its shape and its bytes (row-major, little-endian).
struct TensorData {
    TensorDType dtype = TensorDType::F32;
    std::vector<int64_t> shape;
    QByteArray bytes;

    int64_t elementCount() const;
    /// Convenience for float32 tensors.
    static TensorData fromFloats(std::vector<int64_t> shape, const float *values);
    std::vector<float> toFloats() const;  ///< converts F32/F64/F16/BF16/integers to float
};

struct SafetensorsFile {
    std::map<std::string, TensorData> tensors;  ///< sorted by name (the writer's order)
    QMap<QString, QString> metadata;            ///< the optional "__metadata__" object

    /// Reads a file; errors name the file and the problem (truncated, bad header, offsets out of range, ...).
    static Expected<SafetensorsFile> read(const QString &path);
    /// Parses a whole file held in memory (`path` only names it in errors).
    static Expected<SafetensorsFile> parse(const QByteArray &bytes, const QString &path);
    /// Writes atomically (temporary file in the same folder, fsync, rename): an existing file is either
    /// replaced whole or left untouched.
    Status write(const QString &path) const;
    QByteArray serialize() const;
};

/// True when the first bytes look like a safetensors header (length + '{').
bool looksLikeSafetensors(const QString &path);

}  // namespace solarchip
