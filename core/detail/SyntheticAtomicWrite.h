#pragma once
// Writes a small file (JSON, CSV) the way FitsWriter writes FITS: a temporary beside the target, fsync, rename,
// fsync of the folder. A crash or a full disk leaves either the old file or the new one, never a torn one.

#include "core/Expected.h"

#include <QByteArray>
#include <QString>

namespace solarchip::detail {

Status writeFileAtomically(const QString &path, const QByteArray &bytes);

}  // namespace solarchip::detail
