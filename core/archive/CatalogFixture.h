#pragma once
// Many tiny SDO-like FITS files with chosen observation times, fast: the archive that catalog tests and the
// catalog benchmark index (100k files in seconds). Each channel's file is written once with FitsWriter (real AIA
// / HMI header conventions: TELESCOP/INSTRUME/WAVELNTH, UTC T_OBS for AIA, TAI T_OBS for HMI, WCS, observer),
// then copied with its T_OBS / DATE-OBS / QUALITY cards patched in place. The copies are plain writes (no fsync,
// no temporary): this makes test data, not user data. Not a model of the Sun: the pixels are a constant ramp.

#include "core/base/Expected.h"

#include <QDateTime>
#include <QString>
#include <QStringList>
#include <QVector>

#include <functional>

namespace solarchip {

struct FixtureFile {
    QString channel;      // canonical key: "171", "hmi", "hmi_ic"...
    qint64 timeMs = 0;    // UTC ms (HMI files carry it as TAI, as JSOC writes them)
    qint64 quality = 0;
    QString relativePath; // empty: a JSOC-style name in YYYY/MM/DD/ folders
};

struct FixtureOptions {
    int size = 8;            // image width = height in pixels
    bool compressed = false; // RICE_1 in HDU 2 like real level-1 files (larger files, slower)
    /// Called every 1000 files with the number written so far.
    std::function<void(qint64)> progress;
};

class CatalogFixture {
public:
    /// Writes every file under `dir` (created if needed). Fails naming the first file that could not be written.
    static Status write(const QString &dir, const QVector<FixtureFile> &files, const FixtureOptions &options = {});

    /// A regular schedule: `steps` times `cadenceMs` apart from `start` for each channel, each time moved by a
    /// deterministic pseudo-random jitter in [-jitterMs, +jitterMs] (per channel and step, from `seed`).
    static QVector<FixtureFile> schedule(const QStringList &channels, const QDateTime &start, qint64 cadenceMs,
                                         int steps, qint64 jitterMs = 0, quint32 seed = 1);

    /// The JSOC-style relative path used when FixtureFile::relativePath is empty.
    static QString jsocPath(const FixtureFile &file);
};

}  // namespace solarchip
