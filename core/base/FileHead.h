#pragma once
// The first bytes of a file, read to decide what it is before any format library touches it. Every reader of
// user files (FITS, JPEG2000, the map-file dispatcher) starts here, so a missing file, a folder, an empty file
// or an unreadable one is reported the same way everywhere, naming the file.

#include "core/base/Expected.h"

#include <QByteArray>
#include <QString>

namespace solarchip {

/// Up to `n` bytes from the start of the regular file `path` (n < 0: the whole file); fails with "no such file", "is a folder, not a
/// <what>", "empty file (0 bytes)" or "cannot be read: <reason>".
Expected<QByteArray> readFileHead(const QString &path, qint64 n, const QString &what);

}  // namespace solarchip
