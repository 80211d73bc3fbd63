#pragma once
// The one way this project replaces a file: a uniquely named temporary in the target's folder, the bytes,
// fsync of the file, rename over the target, fsync of the folder. A crash, a kill or a full disk leaves either
// the old file or the new one, never a torn one; two threads or processes writing the same path each rename a
// complete file of their own (the last rename wins), never a mix. Every failure names the file and the step.
// As QSaveFile did for the writers that used it: a replaced file keeps its permission bits, and a symbolic link
// is written through (the file it points to is replaced; the link stays).
//
// Two forms: writeFileAtomically() for bytes in memory (JSON, CSV, checkpoints, manifests), and AtomicFile for
// writers that must fill a file through a path of their own (CFITSIO): reserveName() gives the temporary, the caller
// writes it, commit() syncs and renames, and the destructor removes the temporary when commit() never ran.

#include "core/base/Expected.h"

#include <QByteArray>
#include <QString>

namespace solarchip {

struct AtomicWriteOptions {
    bool createFolder = false;  // make the target's folder (and its parents) when missing
    int permissions = 0644;     // mode of a new file (before the umask); a replaced file keeps its own
};

Status writeFileAtomically(const QString &path, const QByteArray &bytes, const AtomicWriteOptions &options = {});

class AtomicFile {
public:
    explicit AtomicFile(QString path, AtomicWriteOptions options = {});
    ~AtomicFile();
    AtomicFile(const AtomicFile &) = delete;
    AtomicFile &operator=(const AtomicFile &) = delete;

    /// Creates the temporary (exclusively, a fresh random name) and returns its path, still empty; fd() is an
    /// open writable descriptor on it for write().
    Expected<QString> open();
    /// For a writer that creates the file itself and refuses an existing one (CFITSIO): a fresh random name in
    /// the target's folder that does not exist yet. The caller creates and fills it, then calls commit().
    Expected<QString> reserveName();
    int fd() const { return m_fd; }
    /// Writes all bytes to fd() (after open()), retrying short writes.
    Status write(const QByteArray &bytes);
    /// fsync the temporary, rename it over the target, fsync the folder. The temporary is gone afterwards
    /// whatever the outcome; on failure the old target is untouched.
    Status commit();
    /// Removes the temporary (the destructor does it too).
    void discard();

    const QString &path() const { return m_path; }
    const QString &temporaryPath() const { return m_tmp; }

    /// The temporary's name pattern, ".<name>.tmp-<hex>", so resumable writers can recognise leftovers.
    static bool isTemporaryName(const QString &fileName);

private:
    Expected<QString> create(bool keepOpen);
    Error fail(const QString &what);

    QString m_path;    // as given: errors name it
    QString m_target;  // what is replaced: m_path, or the file a link at m_path points to
    AtomicWriteOptions m_options;
    QString m_tmp;
    int m_fd = -1;
    bool m_keepMode = false;  // the target exists: the new file gets its permission bits (m_mode)
    unsigned m_mode = 0;
};

}  // namespace solarchip
