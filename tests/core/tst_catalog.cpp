// The archive catalog on real SDO files (checked against astropy), on bad files, across incremental re-runs,
// and where the catalog lives (in the archive, or a per-user cache for read-only archives); its CLI.
#include "../models/CatalogScans.h"
#include "TestSupport.h"

#include "core/archive/Catalog.h"
#include "core/archive/CatalogFixture.h"
#include "core/map/SdoTime.h"

#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QLockFile>
#include <QScopeGuard>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QtConcurrent/QtConcurrentRun>
#include <QtTest>

#include <atomic>
#include <cmath>

using namespace solarchip;
using namespace solarchip::test;

namespace {

// Copies ../shared/sdo/fits into `dir`. Files whose channel the header alone names get arbitrary names in
// sub-folders (the catalog must not depend on names); SHARP segments keep their JSOC names (their header says
// only "HMI observable": the segment name is the only record of which one they are).
QStringList copyRealFiles(const QString &dir)
{
    QStringList copied;
    const QDir src(sdoFile(QStringLiteral("fits")));
    int n = 0;
    for (const QString &name : src.entryList({QStringLiteral("*.fits")}, QDir::Files, QDir::Name)) {
        QString rel = name;
        if (!name.startsWith(QLatin1String("hmi.sharp")))
            rel = QStringLiteral("obs/%1/file_%2.%3").arg(n % 3).arg(n, 3, 10, QLatin1Char('0'))
                      .arg(n % 2 ? QStringLiteral("FITS") : QStringLiteral("fits"));
        ++n;
        const QString to = dir + QLatin1Char('/') + rel;
        QDir().mkpath(QFileInfo(to).absolutePath());
        if (!QFile::copy(src.filePath(name), to))
            qWarning("cannot copy %s", qPrintable(name));
        QFile(to).setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther);
        copied << rel;
    }
    return copied;
}

QJsonArray referenceRows(const QString &dir)
{
    const ProcessResult r = runPython(QStringLiteral("catalog_reference.py"), {QStringLiteral("rows"), dir});
    if (r.exitCode != 0)
        qWarning("catalog_reference.py failed: %s", r.err.constData());
    return parseJson(r.out).array();
}

qint64 isoMs(const QString &iso)
{
    auto t = SdoTime::parse(iso);
    return t ? t->toMSecsSinceEpoch() : std::numeric_limits<qint64>::min();
}

void writeBytes(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(f.write(bytes), bytes.size());
}

QByteArray readBytes(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QJsonObject runJson(const QStringList &args, int expectedExit = 0)
{
    const ProcessResult r = run(binPath(QStringLiteral("solarchip")), args);
    if (r.exitCode != expectedExit)
        qWarning("solarchip %s: exit %d: %s", qPrintable(args.join(' ')), r.exitCode, r.err.constData());
    return parseJson(r.out).object();
}

}  // namespace

class TestCatalog : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_cache = scratchDir();
    QTemporaryDir m_real = scratchDir();  // a writable copy of ../shared/sdo/fits
    QStringList m_copied;
    QJsonArray m_ref;                     // astropy's rows for m_real

private slots:
    void initTestCase()
    {
        // Per-user cache catalogs of this test go to a scratch folder, for this process and its children.
        QVERIFY(m_cache.isValid());
        qputenv("XDG_CACHE_HOME", m_cache.path().toUtf8());
        if (sdoDir().isEmpty())
            return;
        m_copied = copyRealFiles(m_real.path());
        m_ref = referenceRows(m_real.path());
    }

    void realFilesMatchAstropy()
    {
        SOLARCHIP_REQUIRE_SDO();
        const QStringList &copied = m_copied;
        QVERIFY(copied.size() >= 10);
        const QJsonArray &ref = m_ref;
        QCOMPARE(ref.size(), copied.size());

        // In-process, into a catalog file outside the archive (the CLI test below uses the default place).
        QTemporaryDir dbDir = scratchDir();
        auto catalog = Catalog::open(m_real.path(), dbDir.path() + QStringLiteral("/api.sqlite"));
        QVERIFY2(catalog, qPrintable(catalog.errorString()));
        QCOMPARE(catalog->location(), CatalogLocation::Explicit);
        QCOMPARE(Catalog::locate(m_real.path()).dbPath,
                 QDir(m_real.path()).canonicalPath() + QStringLiteral("/.solarchip/catalog.sqlite"));
        auto summary = catalog->update();
        QVERIFY2(summary, qPrintable(summary.errorString()));
        QCOMPARE(summary->seen, qint64(copied.size()));
        QCOMPARE(summary->added, qint64(copied.size()));

        auto obs = catalog->observations({});
        QVERIFY(obs);
        auto bad = catalog->badFiles();
        QVERIFY(bad);
        QHash<QString, Observation> byPath;
        for (const Observation &o : *obs)
            byPath.insert(o.relativePath, o);
        QSet<QString> badPaths;
        for (const CatalogBadFile &b : *bad)
            badPaths.insert(QDir(catalog->archiveDir()).relativeFilePath(b.path));

        int checked = 0;
        for (const QJsonValue &v : ref) {
            const QJsonObject r = v.toObject();
            const QString rel = r[QStringLiteral("path")].toString();
            if (r[QStringLiteral("bad")].toBool()) {
                QVERIFY2(badPaths.contains(rel), qPrintable(rel + QStringLiteral(" should be recorded as bad")));
                continue;
            }
            QVERIFY2(byPath.contains(rel), qPrintable(rel + QStringLiteral(" missing from the catalog")));
            const Observation &o = byPath[rel];
            QCOMPARE(o.instrument, r[QStringLiteral("instrument")].toString());
            QCOMPARE(o.channel, r[QStringLiteral("channel")].toString());
            QVERIFY2(std::llabs(o.timeMs - isoMs(r[QStringLiteral("time")].toString())) <= 1,
                     qPrintable(rel + QStringLiteral(": ") + SdoTime::toIso(o.time()) + QStringLiteral(" vs ")
                                + r[QStringLiteral("time")].toString()));
            QCOMPARE(o.naxis1, r[QStringLiteral("naxis1")].toInt());
            QCOMPARE(o.naxis2, r[QStringLiteral("naxis2")].toInt());
            QCOMPARE(o.bitpix, r[QStringLiteral("bitpix")].toInt());
            QCOMPARE(o.wavelength, r[QStringLiteral("wavelength")].toDouble());
            QVERIFY(std::fabs(o.exptime - r[QStringLiteral("exptime")].toDouble()) < 1e-9);
            QCOMPARE(o.quality, qint64(r[QStringLiteral("quality")].toInt()));
            QCOMPARE(o.level, r[QStringLiteral("level")].toDouble());
            QCOMPARE(o.compression, r[QStringLiteral("compression")].toString());
            QCOMPARE(o.fileSize, QFileInfo(o.path).size());
            QCOMPARE(o.path, catalog->archiveDir() + QLatin1Char('/') + rel);
            ++checked;
        }
        QCOMPARE(checked, int(obs->size()));
        QCOMPARE(int(badPaths.size()), int(ref.size()) - checked);
        QVERIFY(checked >= 10);
    }

    void cliIndexAndCatalogMatchAstropy()
    {
        SOLARCHIP_REQUIRE_SDO();
        const QTemporaryDir &dir = m_real;
        const QJsonArray &ref = m_ref;
        QMap<QString, int> channels;
        QMap<QString, QMap<QString, int>> days;
        QStringList times;
        int bad = 0;
        for (const QJsonValue &v : ref) {
            const QJsonObject r = v.toObject();
            if (r[QStringLiteral("bad")].toBool()) {
                ++bad;
                continue;
            }
            const QString ch = r[QStringLiteral("channel")].toString();
            const QString t = r[QStringLiteral("time")].toString();
            channels[ch] += 1;
            days[t.left(10)][ch] += 1;
            times << t;
        }
        std::sort(times.begin(), times.end());

        const QJsonObject idx = runJson({QStringLiteral("index"), dir.path(), QStringLiteral("--json")});
        QCOMPARE(idx[QStringLiteral("files")].toInt(), int(ref.size()));
        QCOMPARE(idx[QStringLiteral("bad")].toInt(), bad);
        QCOMPARE(idx[QStringLiteral("added")].toInt(), int(ref.size()));
        QCOMPARE(idx[QStringLiteral("db_location")].toString(), QStringLiteral("archive"));
        QCOMPARE(idx[QStringLiteral("bad_files")].toArray().size(), bad);
        const QJsonObject chans = idx[QStringLiteral("channels")].toObject();
        QCOMPARE(chans.size(), channels.size());
        for (auto it = channels.cbegin(); it != channels.cend(); ++it)
            QCOMPARE(chans[it.key()].toInt(), it.value());
        QVERIFY(std::llabs(isoMs(idx[QStringLiteral("first")].toString()) - isoMs(times.first())) <= 1);
        QVERIFY(std::llabs(isoMs(idx[QStringLiteral("last")].toString()) - isoMs(times.last())) <= 1);

        const QJsonObject again = runJson({QStringLiteral("index"), dir.path(), QStringLiteral("--json")});
        QCOMPARE(again[QStringLiteral("skipped")].toInt(), int(ref.size()));
        QCOMPARE(again[QStringLiteral("added")].toInt(), 0);

        const QJsonObject cat = runJson({QStringLiteral("catalog"), dir.path(), QStringLiteral("--json")});
        const QJsonArray dayList = cat[QStringLiteral("days")].toArray();
        QCOMPARE(dayList.size(), days.size());
        int i = 0;
        for (auto it = days.cbegin(); it != days.cend(); ++it, ++i) {
            const QJsonObject d = dayList[i].toObject();
            QCOMPARE(d[QStringLiteral("date")].toString(), it.key());
            const QJsonObject c = d[QStringLiteral("channels")].toObject();
            QCOMPARE(c.size(), it.value().size());
            for (auto jt = it.value().cbegin(); jt != it.value().cend(); ++jt)
                QCOMPARE(c[jt.key()].toInt(), jt.value());
        }
        QCOMPARE(cat[QStringLiteral("channels")].toObject().size(), channels.size());

        // Nearest set around 2011-02-15T01:00 within 2 h: expected members from the astropy times.
        const qint64 t0 = isoMs(QStringLiteral("2011-02-15T01:00:00"));
        const qint64 tol = 120 * 60000;
        QMap<QString, qint64> best;
        for (const QJsonValue &v : ref) {
            const QJsonObject r = v.toObject();
            const QString ch = r[QStringLiteral("channel")].toString();
            if (r[QStringLiteral("bad")].toBool() || (ch != QLatin1String("hmi") && ch != QLatin1String("171")))
                continue;
            const qint64 t = isoMs(r[QStringLiteral("time")].toString());
            if (std::llabs(t - t0) <= tol && (!best.contains(ch) || std::llabs(t - t0) < std::llabs(best[ch] - t0)))
                best[ch] = t;
        }
        QCOMPARE(best.size(), 2);
        const QJsonObject near = runJson({QStringLiteral("catalog"), dir.path(), QStringLiteral("--json"),
                                          QStringLiteral("--nearest"), QStringLiteral("2011-02-15T01:00:00"),
                                          QStringLiteral("--channels"), QStringLiteral("hmi,171"),
                                          QStringLiteral("--tolerance-min"), QStringLiteral("120")});
        const QJsonObject set = near[QStringLiteral("nearest")].toObject();
        QVERIFY(set[QStringLiteral("complete")].toBool());
        for (const QString &ch : {QStringLiteral("hmi"), QStringLiteral("171")}) {
            const QJsonObject m = set[QStringLiteral("members")].toObject()[ch].toObject();
            QVERIFY2(std::llabs(isoMs(m[QStringLiteral("time")].toString()) - best[ch]) <= 1, qPrintable(ch));
        }
    }

    void synthArchiveIsCataloguedAsAstropyReadsIt()
    {
        // The synthetic archive (`solarchip synth`) through the catalog: every file an observation, times and
        // channels as astropy reads them, and one complete co-temporal set per time step.
        QTemporaryDir dir = scratchDir();
        const QString out = dir.path() + QStringLiteral("/synth");
        const ProcessResult synth = run(binPath(QStringLiteral("solarchip")),
                                        {QStringLiteral("synth"), out, QStringLiteral("--start"),
                                         QStringLiteral("2011-06-07T00:00"), QStringLiteral("--days"), QStringLiteral("1"),
                                         QStringLiteral("--cadence"), QStringLiteral("6"), QStringLiteral("--size"),
                                         QStringLiteral("64"), QStringLiteral("--channels"),
                                         QStringLiteral("hmi,171,193,304"), QStringLiteral("--no-truth"), QStringLiteral("--quiet")});
        if (synth.exitCode == 2 && synth.err.contains("unknown command"))
            QSKIP("solarchip synth is not part of this build");
        QVERIFY2(synth.exitCode == 0, synth.err.constData());
        const QJsonArray ref = referenceRows(out);
        QCOMPARE(ref.size(), 16);
        auto c = Catalog::open(out);
        QVERIFY(c);
        auto s = c->update();
        QVERIFY(s);
        QCOMPARE(s->added, qint64(16));
        QCOMPARE(s->failed, qint64(0));
        QMap<QString, QVector<qint64>> times;
        for (const QJsonValue &v : ref) {
            const QJsonObject r = v.toObject();
            QVERIFY(!r[QStringLiteral("bad")].toBool());
            auto o = c->observationForPath(r[QStringLiteral("path")].toString());
            QVERIFY(o && o->isValid());
            QCOMPARE(o->channel, r[QStringLiteral("channel")].toString());
            QVERIFY(std::llabs(o->timeMs - isoMs(r[QStringLiteral("time")].toString())) <= 1);
            QCOMPARE(o->naxis1, r[QStringLiteral("naxis1")].toInt());
            QCOMPARE(o->compression, r[QStringLiteral("compression")].toString());
            times[o->channel] << o->timeMs;
        }
        CoTemporalOptions opt;
        opt.toleranceMs = 60'000;
        auto sets = c->completeSets({}, {}, {QStringLiteral("hmi"), QStringLiteral("171"), QStringLiteral("193"),
                                             QStringLiteral("304")}, opt);
        QVERIFY(sets);
        QCOMPARE(sets->size(), 4);
        std::sort(times[QStringLiteral("hmi")].begin(), times[QStringLiteral("hmi")].end());
        for (int i = 0; i < 4; ++i)
            QCOMPARE((*sets)[i].referenceTimeMs, times[QStringLiteral("hmi")][i]);
    }

    void badFilesAreRecordedNotFatal()
    {
        SOLARCHIP_REQUIRE_SDO();
        QTemporaryDir dir = scratchDir();
        const QString d = dir.path();
        QVERIFY(QFile::copy(sdoFile(QStringLiteral("fits/aia_171_level1.fits")), d + QStringLiteral("/good.fits")));
        const QByteArray hmi = readBytes(sdoFile(QStringLiteral("fits/sdo-hmi_2011-02-14_20-34-12.fits")));
        QVERIFY(hmi.size() > 100000);
        writeBytes(d + QStringLiteral("/cut/data_truncated.fits"), hmi.left(100000));
        writeBytes(d + QStringLiteral("/cut/header_truncated.fits"), hmi.left(1000));
        // Real AIA files are RICE-compressed in HDU 2: cut inside the compressed tiles, and inside HDU 2's header.
        const QByteArray rice = readBytes(sdoFile(QStringLiteral("fits/aia_171_cutout.fits")));
        QVERIFY(rice.size() > 200000);
        writeBytes(d + QStringLiteral("/cut/rice_data_truncated.fits"), rice.left(200000));
        writeBytes(d + QStringLiteral("/cut/rice_header_truncated.fits"), rice.left(4000));
        writeBytes(d + QStringLiteral("/notes.fits"), "These are my observing notes, not a FITS file.\n");
        writeBytes(d + QStringLiteral("/empty.fits"), QByteArray());
        writeBytes(d + QStringLiteral("/README.txt"), "not a FITS name: ignored\n");
        writeBytes(d + QStringLiteral("/.hidden.fits"), "hidden: ignored\n");
        QVERIFY(QDir().mkpath(d + QStringLiteral("/folder.fits")));  // a folder with a FITS-like name: ignored
        // astropy writes the two valid FITS files that are not SDO maps, then lists what it makes of the folder.
        const ProcessResult made = runPython(QStringLiteral("catalog_reference.py"),
                                             {QStringLiteral("make-bad"), d + QStringLiteral("/hst.fits"),
                                              d + QStringLiteral("/notime.fits")});
        QVERIFY2(made.exitCode == 0, made.err.constData());

        const QMap<QString, QString> expected{
            {QStringLiteral("cut/data_truncated.fits"), QStringLiteral("truncated")},
            {QStringLiteral("cut/header_truncated.fits"), QStringLiteral("truncated")},
            {QStringLiteral("cut/rice_data_truncated.fits"), QStringLiteral("truncated")},
            {QStringLiteral("cut/rice_header_truncated.fits"), QStringLiteral("truncated")},
            {QStringLiteral("notes.fits"), QStringLiteral("not a FITS file")},
            {QStringLiteral("empty.fits"), QStringLiteral("empty file")},
            {QStringLiteral("hst.fits"), QStringLiteral("not an SDO map")},
            {QStringLiteral("notime.fits"), QStringLiteral("observation time")},
        };
        // astropy agrees on what is not an SDO map with a time (it cannot see truncated data without reading it).
        for (const QJsonValue &v : parseJson(made.out).array()) {
            const QJsonObject r = v.toObject();
            const QString rel = r[QStringLiteral("path")].toString();
            if (rel == QLatin1String("good.fits"))
                QVERIFY(!r[QStringLiteral("bad")].toBool());
            else if (!rel.contains(QLatin1String("data_truncated")))
                QVERIFY2(r[QStringLiteral("bad")].toBool(), qPrintable(rel));
        }

        const ProcessResult r = run(binPath(QStringLiteral("solarchip")), {QStringLiteral("index"), d, QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);  // bad files never make indexing fail
        const QJsonObject idx = parseJson(r.out).object();
        QCOMPARE(idx[QStringLiteral("files")].toInt(), 1 + int(expected.size()));
        QCOMPARE(idx[QStringLiteral("observations")].toInt(), 1);
        QCOMPARE(idx[QStringLiteral("bad")].toInt(), int(expected.size()));
        QMap<QString, QString> got;
        for (const QJsonValue &v : idx[QStringLiteral("bad_files")].toArray())
            got.insert(QDir(QDir(d).canonicalPath()).relativeFilePath(v[QStringLiteral("path")].toString()),
                       v[QStringLiteral("error")].toString());
        QCOMPARE(got.keys(), expected.keys());
        for (auto it = expected.cbegin(); it != expected.cend(); ++it)
            QVERIFY2(got[it.key()].contains(it.value(), Qt::CaseInsensitive),
                     qPrintable(it.key() + QStringLiteral(": ") + got[it.key()]));

        // The text listing names each bad file and its problem too.
        const ProcessResult text = run(binPath(QStringLiteral("solarchip")), {QStringLiteral("catalog"), d, QStringLiteral("--bad")});
        QCOMPARE(text.exitCode, 0);
        QVERIFY(text.out.contains("notes.fits: not a FITS file"));
    }

    void incrementalTouchModifyDeleteAdd()
    {
        SOLARCHIP_REQUIRE_SDO();
        QTemporaryDir dir = scratchDir();
        const QString d = dir.path();
        const QDir src(sdoFile(QStringLiteral("fits")));
        const QStringList names = src.entryList({QStringLiteral("*.fits")}, QDir::Files, QDir::Name);
        for (const QString &n : names) {
            QVERIFY(QFile::copy(src.filePath(n), d + QLatin1Char('/') + n));
            QFile(d + QLatin1Char('/') + n).setPermissions(QFile::ReadOwner | QFile::WriteOwner);
        }
        const qint64 n = names.size();
        auto catalog = Catalog::open(d);
        QVERIFY2(catalog, qPrintable(catalog.errorString()));
        auto first = catalog->update();
        QVERIFY(first);
        QCOMPARE(first->added, n);
        auto before = catalog->stats();
        QVERIFY(before);
        QCOMPARE(catalogScanCount(d), qint64(1));  // every update() counts (tests/models/CatalogScans.h)

        // touch (same bytes, new mtime), modify (other content), delete, add.
        const QString touched = d + QStringLiteral("/aia_171_level1.fits");
        QFile tf(touched);
        QVERIFY(tf.open(QIODevice::ReadWrite));
        QVERIFY(tf.setFileTime(QFileInfo(touched).lastModified().addSecs(10), QFileDevice::FileModificationTime));
        tf.close();
        const QString modified = d + QStringLiteral("/resampled_hmi.fits");
        writeBytes(modified, readBytes(src.filePath(QStringLiteral("sdo-hmi_2011-02-14_20-34-12.fits"))));
        QVERIFY(QFile::remove(d + QStringLiteral("/AIA20220402_131341_0304.fits")));
        QDir().mkpath(d + QStringLiteral("/new"));
        QVERIFY(QFile::copy(src.filePath(QStringLiteral("aia_171_cutout.fits")), d + QStringLiteral("/new/extra.fits")));

        auto second = catalog->update();
        QVERIFY(second);
        QCOMPARE(second->seen, n);
        QCOMPARE(second->added, qint64(1));
        QCOMPARE(second->updated, qint64(2));
        QCOMPARE(second->removed, qint64(1));
        QCOMPARE(second->skipped, n - 3);
        QCOMPARE(second->failed, qint64(0));

        auto mod = catalog->observationForPath(modified);
        QVERIFY(mod && mod->isValid());
        QCOMPARE(mod->channel, QStringLiteral("hmi"));  // it was the HMI continuum file; now the magnetogram
        QCOMPARE(mod->naxis1, 495);
        auto gone = catalog->observationForPath(QStringLiteral("AIA20220402_131341_0304.fits"));
        QVERIFY(gone && !gone->isValid());
        auto extra = catalog->observationForPath(QStringLiteral("new/extra.fits"));
        QVERIFY(extra && extra->isValid() && extra->channel == QLatin1String("171"));

        auto after = catalog->stats();
        QVERIFY(after);
        QCOMPARE(after->files, before->files);
        QCOMPARE(after->channels.value(QStringLiteral("304")), before->channels.value(QStringLiteral("304")) - 1);
        QCOMPARE(after->channels.value(QStringLiteral("171")), before->channels.value(QStringLiteral("171")) + 1);
        QCOMPARE(after->channels.value(QStringLiteral("hmi_ic")), before->channels.value(QStringLiteral("hmi_ic")) - 1);
        QCOMPARE(after->channels.value(QStringLiteral("hmi")), before->channels.value(QStringLiteral("hmi")) + 1);
        QVERIFY(after->scanComplete);

        auto third = catalog->update();
        QVERIFY(third);
        QCOMPARE(third->skipped, n);
        QCOMPARE(third->added + third->updated + third->removed, qint64(0));

        CatalogScanOptions retry;
        retry.retryErrors = true;
        auto fourth = catalog->update(retry);
        QVERIFY(fourth);
        QCOMPARE(fourth->updated, after->bad);  // only the bad file(s) are read again
        CatalogScanOptions all;
        all.rereadAll = true;
        auto fifth = catalog->update(all);
        QVERIFY(fifth);
        QCOMPARE(fifth->updated, n);
        auto last = catalog->stats();
        QVERIFY(last);
        QCOMPARE(last->channels, after->channels);
        QCOMPARE(catalogScanCount(d), qint64(5));
    }

    void readOnlyArchiveUsesUserCache()
    {
        SOLARCHIP_REQUIRE_SDO();
        QTemporaryDir dir = scratchDir();
        const QString d = dir.path() + QStringLiteral("/ro");
        QVERIFY(QDir().mkpath(d));
        QVERIFY(QFile::copy(sdoFile(QStringLiteral("fits/aia_171_level1.fits")), d + QStringLiteral("/a.fits")));
        QVERIFY(QFile::copy(sdoFile(QStringLiteral("fits/resampled_hmi.fits")), d + QStringLiteral("/b.fits")));
        QVERIFY(QFile(d).setPermissions(QFile::ReadOwner | QFile::ExeOwner | QFile::ReadGroup | QFile::ExeGroup
                                        | QFile::ReadOther | QFile::ExeOther));
        auto restore = qScopeGuard([&] { QFile(d).setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner); });

        const QJsonObject idx = runJson({QStringLiteral("index"), d, QStringLiteral("--json")});
        QCOMPARE(idx[QStringLiteral("db_location")].toString(), QStringLiteral("user-cache"));
        const QString db = idx[QStringLiteral("db")].toString();
        QVERIFY2(db.startsWith(m_cache.path() + QStringLiteral("/solarchip/catalogs/ro-")), qPrintable(db));
        QVERIFY(QFileInfo::exists(db));
        QCOMPARE(idx[QStringLiteral("observations")].toInt(), 2);
        QVERIFY(!QFileInfo::exists(d + QStringLiteral("/.solarchip")));
        // The text output says where the catalog went and why.
        const ProcessResult text = run(binPath(QStringLiteral("solarchip")), {QStringLiteral("index"), d});
        QVERIFY(text.out.contains("per-user cache"));
        // catalog finds the same file without being told.
        const QJsonObject cat = runJson({QStringLiteral("catalog"), d, QStringLiteral("--json")});
        QCOMPARE(cat[QStringLiteral("db")].toString(), db);
        QCOMPARE(cat[QStringLiteral("days")].toArray().size(), 2);

        // The real, read-only shared folder: catalogued into the cache, nothing written next to the data.
        const QString shared = sdoFile(QStringLiteral("fits"));
        if (Catalog::locate(shared).location == CatalogLocation::UserCache) {
            const QJsonObject real = runJson({QStringLiteral("index"), shared, QStringLiteral("--json")});
            QCOMPARE(real[QStringLiteral("db_location")].toString(), QStringLiteral("user-cache"));
            QVERIFY(real[QStringLiteral("observations")].toInt() >= 10);
            QVERIFY(!QFileInfo::exists(shared + QStringLiteral("/.solarchip")));
        }
    }

    void movedArchiveKeepsItsCatalog()
    {
        SOLARCHIP_REQUIRE_SDO();
        QTemporaryDir dir = scratchDir();
        const QString a = dir.path() + QStringLiteral("/before"), b = dir.path() + QStringLiteral("/after");
        QVERIFY(QDir().mkpath(a + QStringLiteral("/x")));
        QVERIFY(QFile::copy(sdoFile(QStringLiteral("fits/aia_171_level1.fits")), a + QStringLiteral("/x/1.fits")));
        QVERIFY(QFile::copy(sdoFile(QStringLiteral("fits/resampled_hmi.fits")), a + QStringLiteral("/2.fits")));
        {
            auto c = Catalog::open(a);
            QVERIFY(c && c->update());
        }
        QVERIFY(QDir().rename(a, b));
        // The catalog inside the folder moved with it: rows are relative, nothing is read again.
        auto c = Catalog::open(b);
        QVERIFY2(c, qPrintable(c.errorString()));
        auto s = c->update();
        QVERIFY(s);
        QCOMPARE(s->skipped, qint64(2));
        QCOMPARE(s->added + s->updated + s->removed, qint64(0));
        auto o = c->observationForPath(QStringLiteral("x/1.fits"));
        QVERIFY(o && o->isValid());
        QCOMPARE(o->path, QDir(b).canonicalPath() + QStringLiteral("/x/1.fits"));
        QVERIFY(QFileInfo::exists(o->path));
    }

    void databaseProblemsAreClear()
    {
        QTemporaryDir dir = scratchDir();
        const QString d = dir.path();
        auto c = Catalog::open(d);
        QVERIFY(c);
        const QString db = c->dbPath();
        QVERIFY(c->update());
        c = Error{};  // close it

        {  // a newer schema version
            QSqlDatabase raw = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("raw"));
            raw.setDatabaseName(db);
            QVERIFY(raw.open());
            QSqlQuery q(raw);
            QVERIFY(q.exec(QStringLiteral("UPDATE meta SET value = '99' WHERE key = 'schema_version'")));
            q.finish();
            raw.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("raw"));
        auto newer = Catalog::open(d);
        QVERIFY(!newer);
        QVERIFY2(newer.errorString().contains(db) && newer.errorString().contains(QStringLiteral("newer")),
                 qPrintable(newer.errorString()));
        const ProcessResult cli = run(binPath(QStringLiteral("solarchip")), {QStringLiteral("catalog"), d, QStringLiteral("--json")});
        QCOMPARE(cli.exitCode, 1);
        QVERIFY2(cli.err.contains(db.toUtf8()) && cli.err.contains("newer"), cli.err.constData());

        // Not an SQLite file.
        const QString text = d + QStringLiteral("/text.sqlite");
        writeBytes(text, QByteArray("hello, I am not a database").repeated(100));
        auto notDb = Catalog::open(d, text);
        QVERIFY(!notDb);
        QVERIFY2(notDb.errorString().contains(text) && notDb.errorString().contains(QStringLiteral("not an SQLite")),
                 qPrintable(notDb.errorString()));
        // An SQLite file that is not a catalog.
        const QString other = d + QStringLiteral("/other.sqlite");
        {
            QSqlDatabase raw = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("raw2"));
            raw.setDatabaseName(other);
            QVERIFY(raw.open());
            QSqlQuery q(raw);
            QVERIFY(q.exec(QStringLiteral("CREATE TABLE t(x)")));
            q.finish();
            raw.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("raw2"));
        auto foreign = Catalog::open(d, other);
        QVERIFY(!foreign);
        QVERIFY2(foreign.errorString().contains(QStringLiteral("not a SolarCHIP catalog")), qPrintable(foreign.errorString()));
        // A catalog of another folder given with --db.
        QTemporaryDir second = scratchDir();
        const QString ext = d + QStringLiteral("/ext.sqlite");
        QVERIFY(Catalog::open(d, ext));
        auto wrong = Catalog::open(second.path(), ext);
        QVERIFY(!wrong);
        QVERIFY2(wrong.errorString().contains(QStringLiteral("indexes")), qPrintable(wrong.errorString()));
        // A folder as --db.
        auto folder = Catalog::open(d, d);
        QVERIFY(!folder);
        QVERIFY(folder.errorString().contains(QStringLiteral("folder")));
    }

    void cliFailuresNameTheProblem()
    {
        QTemporaryDir dir = scratchDir();
        const QString missing = dir.path() + QStringLiteral("/no/such/archive");
        ProcessResult r = run(binPath(QStringLiteral("solarchip")), {QStringLiteral("index"), missing});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(missing.toUtf8()) && r.err.contains("not found"), r.err.constData());
        // catalog before index: says what to do.
        r = run(binPath(QStringLiteral("solarchip")), {QStringLiteral("catalog"), dir.path(), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("solarchip index"), r.err.constData());
        // usage errors exit 2
        r = run(binPath(QStringLiteral("solarchip")), {QStringLiteral("catalog"), dir.path(), QStringLiteral("--from"), QStringLiteral("yesterday")});
        QCOMPARE(r.exitCode, 2);
        r = run(binPath(QStringLiteral("solarchip")), {QStringLiteral("index")});
        QCOMPARE(r.exitCode, 2);
        // unknown channel: a clear message
        QVERIFY(Catalog::open(dir.path()));
        r = run(binPath(QStringLiteral("solarchip")), {QStringLiteral("catalog"), dir.path(), QStringLiteral("--nearest"),
                                                       QStringLiteral("2011-01-01"), QStringLiteral("--channels"), QStringLiteral("172")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("unknown channel '172'"), r.err.constData());
    }

    void cancelKeepsWhatWasWrittenAndResumes()
    {
        QTemporaryDir dir = scratchDir();
        const auto files = CatalogFixture::schedule({QStringLiteral("171"), QStringLiteral("hmi")},
                                                    QDateTime(QDate(2012, 3, 1), QTime(0, 0), QTimeZone::utc()),
                                                    600'000, 600);
        QVERIFY(CatalogFixture::write(dir.path(), files));
        auto c = Catalog::open(dir.path());
        QVERIFY(c);
        std::atomic<bool> cancel{false};
        QVector<CatalogScanProgress> seen;
        CatalogScanOptions o;
        o.batchSize = 100;
        o.cancel = &cancel;
        o.progress = [&](const CatalogScanProgress &p) {
            seen << p;
            if (p.phase == CatalogScanProgress::Phase::Reading && p.done >= 300)
                cancel = true;
        };
        auto s = c->update(o);
        QVERIFY(s);
        QVERIFY(s->cancelled);
        QVERIFY(s->added >= 300 && s->added < qint64(files.size()));
        auto st = c->stats();
        QVERIFY(st);
        QVERIFY(!st->scanComplete);
        QCOMPARE(st->observations, s->added);
        // Progress: a listing/reading report with the right total, done counts increasing.
        QVERIFY(!seen.isEmpty());
        qint64 lastDone = -1;
        for (const CatalogScanProgress &p : seen) {
            if (p.phase != CatalogScanProgress::Phase::Reading)
                continue;
            QCOMPARE(p.total, qint64(files.size()));
            QVERIFY(p.done >= lastDone);
            lastDone = p.done;
        }

        auto rest = c->update();
        QVERIFY(rest);
        QVERIFY(!rest->cancelled);
        QCOMPARE(rest->skipped, s->added);
        QCOMPARE(rest->added, qint64(files.size()) - s->added);
        auto done = c->stats();
        QVERIFY(done && done->scanComplete);
        QCOMPARE(done->observations, qint64(files.size()));
    }

    void queriesWhileScanningFromAnotherThread()
    {
        QTemporaryDir dir = scratchDir();
        const auto files = CatalogFixture::schedule({QStringLiteral("193"), QStringLiteral("211")},
                                                    QDateTime(QDate(2013, 5, 1), QTime(0, 0), QTimeZone::utc()),
                                                    300'000, 1000);
        QVERIFY(CatalogFixture::write(dir.path(), files));
        auto c = Catalog::open(dir.path());
        QVERIFY(c);
        CatalogScanOptions o;
        o.batchSize = 50;
        Catalog *cat = &*c;
        QFuture<Expected<CatalogScanSummary>> scan = QtConcurrent::run([cat, o] { return cat->update(o); });
        qint64 lastCount = 0;
        int queries = 0;
        while (!scan.isFinished()) {
            auto st = c->stats();  // this thread's own connection; WAL: never blocked by the writer
            QVERIFY2(st, qPrintable(st.errorString()));
            QVERIFY(st->observations >= lastCount);
            lastCount = st->observations;
            auto days = c->days({}, {}, {});
            QVERIFY2(days, qPrintable(days.errorString()));
            ++queries;
        }
        auto s = scan.result();
        QVERIFY2(s, qPrintable(s.errorString()));
        QVERIFY(queries > 0);
        auto st = c->stats();
        QVERIFY(st);
        QCOMPARE(st->observations, qint64(files.size()));
        // A second writer is refused while another holds the lock (here: this test, as another process would).
        QLockFile other(c->dbPath() + QStringLiteral(".lock"));
        QVERIFY(other.tryLock(0));
        auto refused = c->update();
        QVERIFY(!refused);
        QVERIFY2(refused.errorString().contains(QStringLiteral("another process")), qPrintable(refused.errorString()));
        // One that may wait: refused after its wait while the lock stays, done once the other writer finishes.
        CatalogScanOptions patient;
        patient.waitForWriterMs = 300;
        QElapsedTimer waited;
        waited.start();
        auto late = c->update(patient);
        QVERIFY(!late);
        QVERIFY2(late.errorString().contains(QStringLiteral("still updating")), qPrintable(late.errorString()));
        QVERIFY(waited.elapsed() >= 250);
        patient.waitForWriterMs = 20000;
        QTimer::singleShot(200, [&other] { other.unlock(); });
        auto waitedFor = QtConcurrent::run([&] { return c->update(patient); });
        while (!waitedFor.isFinished())
            QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        QVERIFY2(waitedFor.result(), qPrintable(waitedFor.result().errorString()));
        QVERIFY(c->update());
    }
};

QTEST_GUILESS_MAIN(TestCatalog)
#include "tst_catalog.moc"
