// core/map/MapFile: a file is FITS or Helioviewer JPEG2000 by its content, whatever its name, and a folder of
// .jp2 files is catalogued and browsable by date and channel like a folder of FITS files. Expected values come
// from the files' own headers read by sunpy/astropy/glymur (tests/reference/mapfile_reference.py), never from
// the code under test.
#include "TestSupport.h"

#include "core/archive/Catalog.h"
#include "core/map/MapFile.h"
#include "core/map/SdoTime.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QMap>
#include <QtTest>

#include <algorithm>

using namespace solarchip;
using namespace solarchip::test;

namespace {

// What the reference says about one .jp2 file, and where the test put its copy.
struct Expected2 {
    QString source;   // the original under ../shared/sdo/jp2
    QString rel;      // the copy, relative to the archive folder
    QString channel;  // canonical key, from sunpy's instrument/wavelength/measurement
    qint64 timeMs = 0;
    int width = 0, height = 0;
};

// The product's channel keys (core/map/MapMeta.h) for what sunpy reports.
QString channelOf(const QJsonObject &r)
{
    if (r[QStringLiteral("instrument")].toString() == QLatin1String("AIA"))
        return QString::number(qRound(r[QStringLiteral("wavelength")].toDouble()));
    const QString m = r[QStringLiteral("measurement")].toString();
    if (m == QLatin1String("continuum"))
        return QStringLiteral("hmi_ic");
    if (m == QLatin1String("magnetogram"))
        return QStringLiteral("hmi");
    return QStringLiteral("unexpected HMI measurement ") + m;
}

qint64 isoMs(const QString &iso)
{
    QDateTime t = QDateTime::fromString(iso, Qt::ISODateWithMs);
    t.setTimeZone(QTimeZone::utc());
    return t.toMSecsSinceEpoch();
}

bool writeBytes(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

}  // namespace

class TestMapFile : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir = scratchDir();
    QVector<Expected2> m_files;

private slots:
    void initTestCase()
    {
        if (sdoDir().isEmpty())
            return;  // each test skips with the message
        const QStringList names = QDir(sdoFile(QStringLiteral("jp2"))).entryList({QStringLiteral("*.jp2")}, QDir::Files,
                                                                                 QDir::Name);
        QVERIFY2(names.size() >= 6, "expected the six Helioviewer files of ../shared/sdo/jp2");
        QStringList sources;
        for (const QString &n : names)
            sources << sdoFile(QStringLiteral("jp2/") + n);
        const ProcessResult r = runPython(QStringLiteral("mapfile_reference.py"), QStringList{QStringLiteral("jp2")} + sources);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonArray rows = parseJson(r.out).array();
        QCOMPARE(rows.size(), names.size());
        // Copies under names that say nothing (some upper case, in sub-folders): the catalogue must read the
        // channel and the time from the content.
        for (int i = 0; i < rows.size(); ++i) {
            const QJsonObject o = rows[i].toObject();
            Expected2 e;
            e.source = o[QStringLiteral("file")].toString();
            e.rel = QStringLiteral("hv/%1/image_%2.%3").arg(i % 2).arg(i).arg(i % 3 ? QStringLiteral("jp2") : QStringLiteral("JP2"));
            e.channel = channelOf(o);
            e.timeMs = isoMs(o[QStringLiteral("t_obs_utc")].toString());
            e.width = o[QStringLiteral("width")].toInt();
            e.height = o[QStringLiteral("height")].toInt();
            QVERIFY(e.timeMs > 0);
            const QString to = m_dir.filePath(e.rel);
            QDir().mkpath(QFileInfo(to).absolutePath());
            QVERIFY(QFile::copy(e.source, to));
            QFile(to).setPermissions(QFile::ReadOwner | QFile::WriteOwner);
            m_files << e;
        }
    }

    void headerOnlyReadMatchesTheFile()
    {
        SOLARCHIP_REQUIRE_SDO();
        for (const Expected2 &e : std::as_const(m_files)) {
            auto info = MapFile::readInfo(e.source);
            QVERIFY2(info.ok(), qPrintable(info.errorString()));
            QCOMPARE(info->format, MapFormat::Jp2);
            QCOMPARE(info->meta.channel, e.channel);
            QCOMPARE(info->meta.tObs.toMSecsSinceEpoch(), e.timeMs);
            QCOMPARE(info->meta.naxis1, e.width);  // the image's size, not the XML's NAXIS (4096 for the 410 px file)
            QCOMPARE(info->meta.naxis2, e.height);
            QCOMPARE(info->source.hdu, 0);
            QCOMPARE(info->source.compression, QStringLiteral("JPEG2000"));
            QCOMPARE(info->source.fileSize, QFileInfo(e.source).size());
        }
    }

    // readInfo/readFrame (header only) describe exactly the map load() decodes, also at a reduced level.
    void headerOnlyAgreesWithTheDecodedMap()
    {
        SOLARCHIP_REQUIRE_SDO();
        for (const Expected2 &e : std::as_const(m_files)) {
            if (e.width > 512)
                continue;  // the two small files are enough (decoding 4096^2 files four times is slow)
            for (int maxSide : {0, 200}) {
                auto info = MapFile::readInfo(e.source, maxSide);
                auto frame = MapFile::readFrame(e.source, maxSide);
                auto map = MapFile::load(e.source, maxSide);
                QVERIFY2(info.ok() && frame.ok() && map.ok(), qPrintable(e.source));
                QCOMPARE(info->meta.naxis1, map->image.width);
                QCOMPARE(info->meta.naxis2, map->image.height);
                QCOMPARE(frame->width, map->image.width);
                if (maxSide > 0)
                    QVERIFY(map->image.width <= maxSide && map->image.width > maxSide / 2);
                QCOMPARE(info->meta.cdelt1, map->meta.cdelt1);
                QCOMPARE(info->meta.crpix1, map->meta.crpix1);
                QCOMPARE(info->meta.crpix2, map->meta.crpix2);
                QCOMPARE(info->meta.unit, map->meta.unit);
                QCOMPARE(info->meta.bitpix, map->meta.bitpix);
                QCOMPARE(info->source.header.cards().size(), map->header.cards().size());
                double fx = 0, fy = 0, mx = 0, my = 0;
                QVERIFY(frame->wcs.worldToPixel(100.0, -200.0, fx, fy));
                QVERIFY(map->wcs.worldToPixel(100.0, -200.0, mx, my));
                QCOMPARE(fx, mx);
                QCOMPARE(fy, my);
            }
        }
    }

    void folderOfJp2IsIndexed()
    {
        SOLARCHIP_REQUIRE_SDO();
        auto catalog = Catalog::open(m_dir.path(), m_dir.filePath(QStringLiteral("catalog.sqlite")));
        QVERIFY2(catalog.ok(), qPrintable(catalog.errorString()));
        auto summary = catalog->update();
        QVERIFY2(summary.ok(), qPrintable(summary.errorString()));
        QCOMPARE(summary->seen, qint64(m_files.size()));
        QCOMPARE(summary->failed, qint64(0));
        auto stats = catalog->stats();
        QVERIFY(stats.ok());
        QCOMPARE(stats->observations, qint64(m_files.size()));

        QSet<QString> channels;
        for (const Expected2 &e : std::as_const(m_files))
            channels.insert(e.channel);
        auto listed = catalog->channels();
        QVERIFY(listed.ok());
        QCOMPARE(QSet<QString>(listed->begin(), listed->end()), channels);

        for (const Expected2 &e : std::as_const(m_files)) {
            auto o = catalog->observationForPath(e.rel);
            QVERIFY2(o.ok() && o->isValid(), qPrintable(e.rel));
            QCOMPARE(o->channel, e.channel);
            QCOMPARE(o->timeMs, e.timeMs);
            QCOMPARE(o->naxis1, e.width);
            QCOMPARE(o->naxis2, e.height);
            QCOMPARE(o->hdu, 0);
            QCOMPARE(o->compression, QStringLiteral("JPEG2000"));
        }

        // Browsable by date: every file's UTC day is listed with its channel counted.
        auto days = catalog->days();
        QVERIFY(days.ok());
        QMap<QDate, QMap<QString, int>> expectedDays;
        for (const Expected2 &e : std::as_const(m_files))
            expectedDays[QDateTime::fromMSecsSinceEpoch(e.timeMs, QTimeZone::utc()).date()][e.channel] += 1;
        QCOMPARE(days->size(), expectedDays.size());
        for (const DaySummary &d : *days)
            QCOMPARE(d.counts, expectedDays.value(d.date));
    }

    void nearestNextPreviousReturnTheFiles()
    {
        SOLARCHIP_REQUIRE_SDO();
        auto catalog = Catalog::open(m_dir.path(), m_dir.filePath(QStringLiteral("catalog.sqlite")));
        QVERIFY2(catalog.ok(), qPrintable(catalog.errorString()));
        QVERIFY(catalog->update().ok());
        const QString root = QDir(m_dir.path()).canonicalPath();
        auto same = [&](const Observation &o, const Expected2 &e) {
            return o.isValid() && QFileInfo(o.path).canonicalFilePath() == QDir(root).filePath(e.rel);
        };

        QVector<Expected2> byTime = m_files;
        std::sort(byTime.begin(), byTime.end(), [](const Expected2 &a, const Expected2 &b) { return a.timeMs < b.timeMs; });
        for (int i = 0; i < byTime.size(); ++i) {
            const Expected2 &e = byTime[i];
            const QDateTime t = QDateTime::fromMSecsSinceEpoch(e.timeMs, QTimeZone::utc());
            // A few seconds off the file's own time, its channel's nearest set is that file.
            auto set = catalog->nearestSet(t.addSecs(7), {e.channel}, 60'000);
            QVERIFY(set.ok());
            QVERIFY2(set->isComplete() && same(set->members.first(), e), qPrintable(e.rel));
            // Stepping through all channels visits the files in time order.
            auto next = catalog->next(t.addMSecs(-1));
            auto prev = catalog->previous(t.addMSecs(1));
            QVERIFY(next.ok() && prev.ok());
            QVERIFY2(same(*next, e), qPrintable(e.rel + QStringLiteral(" != ") + next->relativePath));
            QVERIFY2(same(*prev, e), qPrintable(e.rel + QStringLiteral(" != ") + prev->relativePath));
            auto after = catalog->next(t);
            QVERIFY(after.ok());
            if (i + 1 < byTime.size())
                QVERIFY2(same(*after, byTime[i + 1]), qPrintable(after->relativePath));
            else
                QVERIFY(!after->isValid());
        }
        // Within one channel too (two AIA 193 files, nine years apart).
        for (const Expected2 &a : std::as_const(byTime))
            for (const Expected2 &b : std::as_const(byTime)) {
                if (a.channel != b.channel || a.timeMs >= b.timeMs)
                    continue;
                auto next = catalog->next(QDateTime::fromMSecsSinceEpoch(a.timeMs, QTimeZone::utc()), a.channel);
                auto prev = catalog->previous(QDateTime::fromMSecsSinceEpoch(b.timeMs, QTimeZone::utc()), a.channel);
                QVERIFY(next.ok() && prev.ok());
                QVERIFY(same(*next, b));
                QVERIFY(same(*prev, a));
            }
    }

    // The name never decides: FITS under .jp2 and JPEG2000 under .fits open, in the core and in `info`.
    void contentDecidesNotTheName()
    {
        SOLARCHIP_REQUIRE_SDO();
        QTemporaryDir dir = scratchDir();
        const QString fitsAsJp2 = dir.filePath(QStringLiteral("looks_like.jp2"));
        const QString jp2AsFits = dir.filePath(QStringLiteral("looks_like.fits"));
        QVERIFY(QFile::copy(sdoFile(QStringLiteral("fits/aia_171_level1.fits")), fitsAsJp2));
        QVERIFY(!m_files.isEmpty());
        const Expected2 small = *std::min_element(m_files.begin(), m_files.end(), [](const Expected2 &a, const Expected2 &b) {
            return a.width < b.width;
        });
        QVERIFY(QFile::copy(small.source, jp2AsFits));

        QCOMPARE(MapFile::detect(fitsAsJp2).value(), MapFormat::Fits);
        QCOMPARE(MapFile::detect(jp2AsFits).value(), MapFormat::Jp2);
        auto fitsMap = MapFile::load(fitsAsJp2);
        QVERIFY2(fitsMap.ok(), qPrintable(fitsMap.errorString()));
        QCOMPARE(fitsMap->meta.channel, QStringLiteral("171"));  // WAVELNTH = 171 in the file (PROVENANCE.md)
        QCOMPARE(fitsMap->meta.naxis1, 128);
        auto jp2Map = MapFile::load(jp2AsFits);
        QVERIFY2(jp2Map.ok(), qPrintable(jp2Map.errorString()));
        QCOMPARE(jp2Map->meta.channel, small.channel);
        QCOMPARE(jp2Map->meta.tObs.toMSecsSinceEpoch(), small.timeMs);

        // The catalogue agrees (both names are ones it lists).
        auto catalog = Catalog::open(dir.path(), dir.filePath(QStringLiteral("c.sqlite")));
        QVERIFY(catalog.ok());
        auto summary = catalog->update();
        QVERIFY(summary.ok());
        QCOMPARE(summary->failed, qint64(0));
        QCOMPARE(catalog->observationForPath(QStringLiteral("looks_like.jp2"))->channel, QStringLiteral("171"));
        QCOMPARE(catalog->observationForPath(QStringLiteral("looks_like.fits"))->channel, small.channel);

        // And `solarchip info` (JSON keys as before).
        const ProcessResult r = run(binPath(QStringLiteral("solarchip")), {QStringLiteral("info"), fitsAsJp2, jp2AsFits, QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonArray both = parseJson(r.out).array();
        QCOMPARE(both.size(), 2);
        QCOMPARE(both[0][QStringLiteral("channel")].toString(), QStringLiteral("171"));
        QCOMPARE(both[0][QStringLiteral("hdu")].toInt(), 1);
        QCOMPARE(both[1][QStringLiteral("channel")].toString(), small.channel);
        QCOMPARE(both[1][QStringLiteral("compression")].toString(), QStringLiteral("JPEG2000"));
        QCOMPARE(both[1][QStringLiteral("naxis1")].toInt(), small.width);
    }

    void notAMapFileIsNamedAndExplained_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("needle");
        QTest::newRow("text as .jp2") << QStringLiteral("notes.jp2") << QByteArray("observing notes\n").repeated(50)
                                      << QStringLiteral("not a map file");
        QTest::newRow("png as .fits") << QStringLiteral("picture.fits")
                                      << QByteArray("\x89PNG\r\n\x1a\n", 8) + QByteArray(3000, 'x')
                                      << QStringLiteral("not a map file");
        QTest::newRow("bare codestream") << QStringLiteral("stream.jp2")
                                         << QByteArray("\xFF\x4F\xFF\x51\x00\x2F", 6) + QByteArray(200, '\0')
                                         << QStringLiteral("bare JPEG2000 codestream");
        QTest::newRow("gzip") << QStringLiteral("map.fits") << QByteArray("\x1F\x8B\x08\x00", 4) + QByteArray(100, '\0')
                              << QStringLiteral("gzip");
        QTest::newRow("empty") << QStringLiteral("empty.jp2") << QByteArray() << QStringLiteral("empty file");
    }

    void notAMapFileIsNamedAndExplained()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, bytes);
        QFETCH(QString, needle);
        QTemporaryDir dir = scratchDir();
        const QString path = dir.filePath(name);
        QVERIFY(writeBytes(path, bytes));
        for (const QString &msg : {MapFile::detect(path).errorString(), MapFile::readInfo(path).errorString(),
                                   MapFile::load(path).errorString()}) {
            QVERIFY2(msg.contains(path), qPrintable(msg));
            QVERIFY2(msg.contains(needle, Qt::CaseInsensitive), qPrintable(msg));
        }
        const ProcessResult r = run(binPath(QStringLiteral("solarchip")), {QStringLiteral("info"), path});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(QString::fromUtf8(r.err).contains(path) && QString::fromUtf8(r.err).contains(needle, Qt::CaseInsensitive),
                 r.err.constData());
    }

    void missingAndFolder()
    {
        QTemporaryDir dir = scratchDir();
        QVERIFY(MapFile::load(dir.filePath(QStringLiteral("nope.jp2"))).errorString().contains(QStringLiteral("no such file")));
        QVERIFY(MapFile::readInfo(dir.path()).errorString().contains(QStringLiteral("folder")));
    }
};

QTEST_GUILESS_MAIN(TestMapFile)
#include "tst_mapfile.moc"
