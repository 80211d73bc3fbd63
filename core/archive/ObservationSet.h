#pragma once
// What the catalog knows about one file (Observation) and a group of files of several channels taken at nearly
// the same time (ObservationSet). These are plain values: the GUI, the training dataset and the CLI pass them
// around without touching SQL, and load pixels with SdoMap::load(observation.path) when they need them.

#include <QDateTime>
#include <QString>
#include <QStringList>
#include <QTimeZone>
#include <QVector>

namespace solarchip {

struct MapMeta;
struct MapFileInfo;

/// One catalogued map file (FITS or Helioviewer JPEG2000) that could be read as an SDO map.
struct Observation {
    qint64 id = 0;            // catalog row id (0: no observation)
    QString path;             // absolute path of the file
    QString relativePath;     // path relative to the archive folder, '/' separators
    QString instrument;       // "AIA", "HMI"
    QString detector;         // INSTRUME: "AIA_3", "HMI_FRONT2"...
    QString channel;          // canonical key (see core/map/MapMeta.h): "171", "hmi", "hmi_ic"...
    qint64 timeMs = 0;        // observation time, UTC milliseconds since 1970-01-01 (T_OBS; HMI TAI converted)
    double wavelength = 0;    // Angstrom
    double exptime = 0;       // seconds
    int naxis1 = 0, naxis2 = 0;
    int bitpix = 0;           // stored BITPIX of the image (of the uncompressed image for tile-compressed HDUs)
    int hdu = 1;              // 1-based HDU holding the image (0: a JPEG2000 file)
    QString compression;      // "RICE_1", ..., "JPEG2000", or empty
    QString unit;             // BUNIT
    double level = 1;         // LVL_NUM
    qint64 quality = 0;       // QUALITY bit field (0: nominal)
    double cdelt1 = 0, cdelt2 = 0, crota2 = 0, rsunObs = 0;
    qint64 fileSize = 0;      // bytes
    qint64 mtimeMs = 0;       // file modification time when it was read (UTC ms)

    bool isValid() const { return id != 0; }
    QDateTime time() const { return QDateTime::fromMSecsSinceEpoch(timeMs, QTimeZone::utc()); }
    /// The fields a file's SDO metadata gives (instrument ... rsunObs, naxis from the header's NAXISn); the
    /// caller adds what depends on the file itself (id, paths, bitpix, HDU, compression, size, mtime).
    void setFromMeta(const MapMeta &meta);
    /// setFromMeta(info.meta) plus what the file's storage says (bitpix, hdu, compression, file size): every
    /// field a map file's header gives. The caller adds id, paths and mtime.
    void setFromFile(const MapFileInfo &info);
};

/// One file per requested channel, all close in time to a reference time. Members are aligned with
/// `channels`: members[i] is the observation chosen for channels[i], or an invalid Observation (id 0) when the
/// catalog has no file of that channel within the tolerance.
struct ObservationSet {
    qint64 referenceTimeMs = 0;  // the requested time (nearestSet) or the anchor channel's time (completeSets)
    qint64 toleranceMs = 0;      // the tolerance the set was built with
    QStringList channels;        // requested channels, canonical keys, in the order asked for
    QVector<Observation> members;

    QDateTime referenceTime() const { return QDateTime::fromMSecsSinceEpoch(referenceTimeMs, QTimeZone::utc()); }
    /// True when every requested channel has a member.
    bool isComplete() const;
    /// Channels without a member, in request order.
    QStringList missingChannels() const;
    /// The member for a channel key, or nullptr when absent/not requested.
    const Observation *member(const QString &channel) const;
    /// Largest |member time - reference time| over the members present (0 for an empty set).
    qint64 maxOffsetMs() const;
    /// Largest minus smallest member time (0 with fewer than two members).
    qint64 spreadMs() const;
};

}  // namespace solarchip
