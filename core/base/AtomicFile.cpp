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
    if (m_path.isEmpty())
        return Error{m_path, QStringLiteral("no file name given")};
    // A link is written through, as QSaveFile does: the file it points at is replaced, the link stays a link.
    const QFileInfo given(m_path);
    m_target = given.isSymLink() ? given.symLinkTarget() : m_path;
    const QFileInfo target(m_target);
    if (target.isDir())
        return Error{m_path, QStringLiteral("is a folder")};
    const QString dir = target.absolutePath();
    if (!QFileInfo(dir).isDir()) {
        if (!m_options.createFolder)
            return Error{m_path, QStringLiteral("the folder %1 does not exist").arg(dir)};
        if (!QDir().mkpath(dir))
            return Error{m_path, QStringLiteral("cannot create the folder %1").arg(dir)};
    }
    // A replaced file keeps its permission bits (a file the user made private stays private); the temporary is
    // created with them already, so its bytes are never readable by more people than the old file's.
    // (Applied at commit(): until then the owner must be able to write it, also through another writer's path.)
    struct stat old;
    m_keepMode = ::stat(QFile::encodeName(m_target).constData(), &old) == 0 && S_ISREG(old.st_mode);
    m_mode = m_keepMode ? (old.st_mode & 07777) : 0;
    // O_EXCL on a fresh 64-bit random name: concurrent writers of one path never share a temporary.
    for (int attempt = 0; attempt < 16; ++attempt) {
        // (Concatenated, not .arg(): a '%1' in a file name must stay as it is.)
        const QString tmp = dir + QStringLiteral("/.") + target.fileName() + QStringLiteral(".tmp-")
                            + QStringLiteral("%1").arg(QRandomGenerator::system()->generate64(), 16, 16, QLatin1Char('0'));
        const int fd = ::open(QFile::encodeName(tmp).constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                              m_keepMode ? 0600 : m_options.permissions);
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
        return Error{m_path, QStringLiteral("internal: write() before open()")};
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
    if (m_keepMode && ::fchmod(fd, m_mode) != 0) {
        const int e = errno;
        ::close(fd);
        return fail(QStringLiteral("cannot give the new file the old one's permissions: %1").arg(errnoText(e)));
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
    if (::rename(tmpName.constData(), QFile::encodeName(m_target).constData()) != 0) {
        const int e = errno;
        return fail(QStringLiteral("cannot move the finished file into place: %1").arg(errnoText(e)));
    }
    m_tmp.clear();
    syncFolder(QFileInfo(m_target).absolutePath());
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
