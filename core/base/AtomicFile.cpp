#include "core/base/AtomicFile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QRegularExpression>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace solarchip {

namespace {

QString errnoText(int e) { return QString::fromLocal8Bit(std::strerror(e)); }

bool isDiskFull(int e) { return e == ENOSPC || e == EDQUOT || e == EFBIG; }

void syncFolder(const QString &dir)
{
    const int dfd = ::open(QFile::encodeName(dir).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
}

}  // namespace

AtomicFile::AtomicFile(QString path, AtomicWriteOptions options) : m_path(std::move(path)), m_options(options) {}

AtomicFile::~AtomicFile() { discard(); }

Error AtomicFile::fail(const QString &what)
{
    discard();
    return Error{m_path, what};
}

Expected<QString> AtomicFile::open() { return create(true); }

Expected<QString> AtomicFile::reserveName()
{
    // Created exclusively, then removed: the 64-bit random name stays unique, and the external writer's own
    // exclusive create (CFITSIO refuses an existing file) would notice the unlikely case of a taker.
    return create(false);
}

Expected<QString> AtomicFile::create(bool keepOpen)
{
    discard();
    const QFileInfo target(m_path);
    if (m_path.isEmpty())
        return Error{m_path, QStringLiteral("no file name given")};
    if (target.isDir())
        return Error{m_path, QStringLiteral("is a folder")};
    const QString dir = target.absolutePath();
    if (!QFileInfo(dir).isDir()) {
        if (!m_options.createFolder)
            return Error{m_path, QStringLiteral("the folder %1 does not exist").arg(dir)};
        if (!QDir().mkpath(dir))
            return Error{m_path, QStringLiteral("cannot create the folder %1").arg(dir)};
    }
    // O_EXCL on a fresh 64-bit random name: concurrent writers of one path never share a temporary.
    for (int attempt = 0; attempt < 16; ++attempt) {
        const QString tmp = QStringLiteral("%1/.%2.tmp-%3").arg(dir, target.fileName())
                                .arg(QRandomGenerator::system()->generate64(), 16, 16, QLatin1Char('0'));
        const int fd = ::open(QFile::encodeName(tmp).constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                              m_options.permissions);
        if (fd < 0) {
            if (errno == EEXIST)
                continue;
            const int e = errno;
            return Error{m_path, QStringLiteral("cannot create a temporary file in %1: %2%3")
                                     .arg(dir, isDiskFull(e) ? QStringLiteral("disk full: ") : QString(),
                                          errnoText(e))};
        }
        m_tmp = tmp;
        if (keepOpen) {
            m_fd = fd;
        } else {
            ::close(fd);
            ::unlink(QFile::encodeName(tmp).constData());
        }
        return m_tmp;
    }
    return Error{m_path, QStringLiteral("cannot find a free temporary name in %1").arg(dir)};
}

Status AtomicFile::write(const QByteArray &bytes)
{
    if (m_fd < 0)
        return Error{m_path, QStringLiteral("internal: write() before open(true)")};
    qint64 done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(m_fd, bytes.constData() + done, static_cast<size_t>(bytes.size() - done));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            const int e = errno;
            return fail(QStringLiteral("write failed, the old file is unchanged (%1): %2")
                            .arg(isDiskFull(e) ? QStringLiteral("disk full") : QStringLiteral("not writable"),
                                 errnoText(e)));
        }
        done += n;
    }
    return Status::success();
}

Status AtomicFile::commit()
{
    if (m_tmp.isEmpty())
        return Error{m_path, QStringLiteral("internal: commit() without open()")};
    const QByteArray tmpName = QFile::encodeName(m_tmp);
    int fd = m_fd;
    m_fd = -1;
    if (fd < 0)
        fd = ::open(tmpName.constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int e = errno;
        return fail(QStringLiteral("the temporary %1 was not written: %2").arg(m_tmp, errnoText(e)));
    }
    if (::fsync(fd) != 0) {
        const int e = errno;
        ::close(fd);
        return fail(QStringLiteral("fsync failed, the old file is unchanged%1: %2")
                        .arg(isDiskFull(e) ? QStringLiteral(" (disk full)") : QString(), errnoText(e)));
    }
    if (::close(fd) != 0) {
        const int e = errno;
        return fail(QStringLiteral("close failed, the old file is unchanged: %1").arg(errnoText(e)));
    }
    if (::rename(tmpName.constData(), QFile::encodeName(m_path).constData()) != 0) {
        const int e = errno;
        return fail(QStringLiteral("cannot move the finished file into place: %1").arg(errnoText(e)));
    }
    m_tmp.clear();
    syncFolder(QFileInfo(m_path).absolutePath());
    return Status::success();
}

void AtomicFile::discard()
{
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
    if (!m_tmp.isEmpty()) {
        ::unlink(QFile::encodeName(m_tmp).constData());
        m_tmp.clear();
    }
}

bool AtomicFile::isTemporaryName(const QString &fileName)
{
    static const QRegularExpression re(QStringLiteral("^\\..+\\.tmp-[0-9a-f]+$"));
    return re.match(fileName).hasMatch();
}

Status writeFileAtomically(const QString &path, const QByteArray &bytes, const AtomicWriteOptions &options)
{
    AtomicFile file(path, options);
    if (auto opened = file.open(); !opened)
        return opened.error();
    if (Status s = file.write(bytes); !s)
        return s;
    return file.commit();
}

}  // namespace solarchip
