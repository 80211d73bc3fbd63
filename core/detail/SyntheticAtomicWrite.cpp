#include "core/detail/SyntheticAtomicWrite.h"

#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace solarchip::detail {

namespace {
QString errnoText() { return QString::fromLocal8Bit(std::strerror(errno)); }
}  // namespace

Status writeFileAtomically(const QString &path, const QByteArray &bytes)
{
    const QFileInfo target(path);
    const QString dir = target.absolutePath();
    if (!QFileInfo(dir).isDir())
        return Error{path, QStringLiteral("the folder %1 does not exist").arg(dir)};
    const QString tmp = QStringLiteral("%1/.%2.tmp-%3").arg(dir, target.fileName())
                            .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
    const QByteArray tmpName = QFile::encodeName(tmp);
    const int fd = ::open(tmpName.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return Error{path, QStringLiteral("cannot create a file in %1: %2").arg(dir, errnoText())};
    qint64 done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.constData() + done, static_cast<size_t>(bytes.size() - done));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            const QString why = errnoText();
            ::close(fd);
            QFile::remove(tmp);
            return Error{path, QStringLiteral("write failed (disk full or not writable?): %1").arg(why)};
        }
        done += n;
    }
    if (::fsync(fd) != 0) {
        const QString why = errnoText();
        ::close(fd);
        QFile::remove(tmp);
        return Error{path, QStringLiteral("fsync failed: %1").arg(why)};
    }
    ::close(fd);
    if (::rename(tmpName.constData(), QFile::encodeName(path).constData()) != 0) {
        const QString why = errnoText();
        QFile::remove(tmp);
        return Error{path, QStringLiteral("cannot move the finished file into place: %1").arg(why)};
    }
    const int dfd = ::open(QFile::encodeName(dir).constData(), O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    return Status::success();
}

}  // namespace solarchip::detail
