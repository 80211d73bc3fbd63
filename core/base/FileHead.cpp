#include "core/base/FileHead.h"

#include <QFile>
#include <QFileInfo>

namespace solarchip {

Expected<QByteArray> readFileHead(const QString &path, qint64 n, const QString &what)
{
    const QFileInfo fi(path);
    if (!fi.exists())
        return Error{path, QStringLiteral("no such file")};
    if (fi.isDir())
        return Error{path, QStringLiteral("is a folder, not a %1").arg(what)};
    if (fi.size() == 0)
        return Error{path, QStringLiteral("empty file (0 bytes)")};
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error{path, QStringLiteral("cannot be read: %1").arg(f.errorString())};
    return n < 0 ? f.readAll() : f.read(n);
}

}  // namespace solarchip
