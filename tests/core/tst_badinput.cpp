// Every kind of bad input core/ can meet gets a clear message naming the file and the problem, and a failed
// write leaves what was already on disk untouched (no partial files, no stray temporaries).
#include "TestSupport.h"

#include "core/map/FitsWriter.h"
#include "core/map/SdoMap.h"

#include <QDir>
#include <QFile>
#include <QtTest>

#include <csignal>
#include <cmath>
#include <sys/resource.h>

using namespace solarchip;

namespace {

QByteArray readAll(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

bool writeBytes(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

// A minimal SDO AIA header (as written by the synthetic archive and real level-1 files).
FitsHeader aiaHeader(int n)
{
    FitsHeader h;
    h.setString(QStringLiteral("TELESCOP"), QStringLiteral("SDO/AIA"));
    h.setString(QStringLiteral("INSTRUME"), QStringLiteral("AIA_3"));
    h.setNumber(QStringLiteral("WAVELNTH"), 171);
    h.setString(QStringLiteral("T_OBS"), QStringLiteral("2011-06-07T06:00:01.34Z"));
    h.setString(QStringLiteral("CTYPE1"), QStringLiteral("HPLN-TAN"));
    h.setString(QStringLiteral("CTYPE2"), QStringLiteral("HPLT-TAN"));
    h.setString(QStringLiteral("CUNIT1"), QStringLiteral("arcsec"));
    h.setString(QStringLiteral("CUNIT2"), QStringLiteral("arcsec"));
    h.setNumber(QStringLiteral("CRPIX1"), (n + 1) / 2.0);
    h.setNumber(QStringLiteral("CRPIX2"), (n + 1) / 2.0);
    h.setNumber(QStringLiteral("CDELT1"), 2400.0 / n);
    h.setNumber(QStringLiteral("CDELT2"), 2400.0 / n);
    h.setNumber(QStringLiteral("CRVAL1"), 0);
    h.setNumber(QStringLiteral("CRVAL2"), 0);
    h.setNumber(QStringLiteral("EXPTIME"), 2.0);
    return h;
}

}  // namespace

class TestBadInput : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir = test::scratchDir();
    QString path(const QString &name) const { return m_dir.filePath(name); }

    static void expectError(const QString &file, const QString &needle)
    {
        auto map = SdoMap::load(file);
        QVERIFY2(!map.ok(), qPrintable(QStringLiteral("%1 should not load").arg(file)));
        const QString msg = map.errorString();
        QVERIFY2(msg.contains(file), qPrintable(QStringLiteral("message does not name the file: ") + msg));
        QVERIFY2(msg.contains(needle, Qt::CaseInsensitive),
                 qPrintable(QStringLiteral("message '%1' does not say '%2'").arg(msg, needle)));
        // The command line says the same, with a non-zero exit.
        const auto r = test::run(test::binPath(QStringLiteral("solarchip")), {QStringLiteral("info"), file});
        if (QFile::exists(test::binPath(QStringLiteral("solarchip")))) {
            QCOMPARE(r.exitCode, 1);
            QVERIFY2(QString::fromUtf8(r.err).contains(needle, Qt::CaseInsensitive), r.err.constData());
        }
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void missingFile() { expectError(path(QStringLiteral("nope.fits")), QStringLiteral("no such file")); }

    void folderInsteadOfFile()
    {
        QDir().mkpath(path(QStringLiteral("adir.fits")));
        expectError(path(QStringLiteral("adir.fits")), QStringLiteral("folder"));
    }

    void emptyFile()
    {
        QVERIFY(writeBytes(path(QStringLiteral("empty.fits")), {}));
        expectError(path(QStringLiteral("empty.fits")), QStringLiteral("empty"));
    }

    void notFits()
    {
        QVERIFY(writeBytes(path(QStringLiteral("text.fits")), QByteArray("This is not a FITS file\n").repeated(200)));
        expectError(path(QStringLiteral("text.fits")), QStringLiteral("not a FITS file"));
        // A PNG signature renamed .fits.
        QVERIFY(writeBytes(path(QStringLiteral("png.fits")), QByteArray("\x89PNG\r\n\x1a\n", 8) + QByteArray(4000, 'x')));
        expectError(path(QStringLiteral("png.fits")), QStringLiteral("not a FITS file"));
    }

    void truncatedHeader()
    {
        SOLARCHIP_REQUIRE_SDO();
        const QByteArray all = readAll(test::sdoFile(QStringLiteral("fits/aia_171_level1.fits")));
        QVERIFY(all.size() > 2880);
        QVERIFY(writeBytes(path(QStringLiteral("head.fits")), all.left(1000)));
        expectError(path(QStringLiteral("head.fits")), QStringLiteral("truncated"));
    }

    void truncatedData()
    {
        SOLARCHIP_REQUIRE_SDO();
        // Uncompressed float64 image cut in the middle of its data.
        const QByteArray plain = readAll(test::sdoFile(QStringLiteral("fits/aia_171_level1.fits")));
        QVERIFY(writeBytes(path(QStringLiteral("cut.fits")), plain.left(plain.size() / 2)));
        expectError(path(QStringLiteral("cut.fits")), QStringLiteral("truncated"));
        // RICE tile-compressed image (real AIA layout, HDU 2) cut in the middle of the compressed table.
        const QByteArray rice = readAll(test::sdoFile(QStringLiteral("fits/aia_171_cutout.fits")));
        QVERIFY(writeBytes(path(QStringLiteral("cutrice.fits")), rice.left(rice.size() / 2)));
        expectError(path(QStringLiteral("cutrice.fits")), QStringLiteral("truncated"));
    }

    void tableOnly()
    {
        SOLARCHIP_REQUIRE_SDO();
        // GOES X-ray light curve: binary tables, no image.
        const QString goes = test::sdoFile(QStringLiteral("fits/go1520110607.fits"));
        auto map = SdoMap::load(goes);
        QVERIFY(!map.ok());
        QVERIFY(map.errorString().contains(QStringLiteral("no 2-D image HDU")));
    }

    void noSdoKeywords()
    {
        FitsHeader h;
        h.setString(QStringLiteral("OBJECT"), QStringLiteral("M31"));
        QVERIFY(FitsWriter::write(path(QStringLiteral("plain.fits")), h, Image(8, 8, 1.0f)).ok());
        expectError(path(QStringLiteral("plain.fits")), QStringLiteral("not an SDO map"));

        FitsHeader other = aiaHeader(8);
        other.setString(QStringLiteral("TELESCOP"), QStringLiteral("GOES-16"));
        other.setString(QStringLiteral("INSTRUME"), QStringLiteral("SUVI"));
        QVERIFY(FitsWriter::write(path(QStringLiteral("suvi.fits")), other, Image(8, 8, 1.0f)).ok());
        expectError(path(QStringLiteral("suvi.fits")), QStringLiteral("SUVI"));
    }

    void missingTimeOrWcs()
    {
        FitsHeader noTime = aiaHeader(8);
        noTime.remove(QStringLiteral("T_OBS"));
        QVERIFY(FitsWriter::write(path(QStringLiteral("notime.fits")), noTime, Image(8, 8, 1.0f)).ok());
        expectError(path(QStringLiteral("notime.fits")), QStringLiteral("observation time"));

        FitsHeader noWcs = aiaHeader(8);
        noWcs.remove(QStringLiteral("CTYPE1"));
        QVERIFY(FitsWriter::write(path(QStringLiteral("nowcs.fits")), noWcs, Image(8, 8, 1.0f)).ok());
        expectError(path(QStringLiteral("nowcs.fits")), QStringLiteral("world coordinates"));
    }

    void nanOnlyImage()
    {
        Image nan(16, 16, std::nanf(""));
        QVERIFY(FitsWriter::write(path(QStringLiteral("nan.fits")), aiaHeader(16), nan).ok());
        auto map = SdoMap::load(path(QStringLiteral("nan.fits")));
        QVERIFY2(map.ok(), qPrintable(map.errorString()));  // a valid file: the data are simply missing
        const ImageStats s = computeStats(map->image);
        QCOMPARE(s.finiteCount, 0LL);
        QCOMPARE(s.nanCount, 256LL);
        QVERIFY(std::isnan(s.mean));
        // The CLI reports it instead of printing NaN statistics as if they were numbers.
        const auto r = test::run(test::binPath(QStringLiteral("solarchip")),
                                 {QStringLiteral("info"), QStringLiteral("--json"), path(QStringLiteral("nan.fits"))});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = test::parseJson(r.out).object();
        QVERIFY(o.value(QStringLiteral("stats")).toObject().value(QStringLiteral("mean")).isNull());
        QCOMPARE(o.value(QStringLiteral("stats")).toObject().value(QStringLiteral("nan_count")).toInt(), 256);
        QVERIFY(o.value(QStringLiteral("warnings")).toArray().first().toString().contains(QStringLiteral("no finite pixels")));
    }

    void wrongDimensions()
    {
        // A header that does not match the pixels it is given.
        FitsHeader h = aiaHeader(32);
        h.setInteger(QStringLiteral("NAXIS1"), 32);
        h.setInteger(QStringLiteral("NAXIS2"), 32);
        auto map = SdoMap::fromHeaderAndImage(h, Image(16, 16), QStringLiteral("made-up.fits"));
        QVERIFY(!map.ok());
        QVERIFY(map.errorString().contains(QStringLiteral("made-up.fits")));
        QVERIFY(map.errorString().contains(QStringLiteral("16x16")));
    }

    void cube()
    {
        // A 3-D data cube is not an SDO map.
        QByteArray card;
        auto c = [&](const QByteArray &s) { card += s.leftJustified(80, ' '); };
        c("SIMPLE  =                    T");
        c("BITPIX  =                  -32");
        c("NAXIS   =                    3");
        c("NAXIS1  =                    4");
        c("NAXIS2  =                    4");
        c("NAXIS3  =                    3");
        c("END");
        card = card.leftJustified(2880, ' ');
        card += QByteArray(2880, '\0');
        QVERIFY(writeBytes(path(QStringLiteral("cube.fits")), card));
        expectError(path(QStringLiteral("cube.fits")), QStringLiteral("cube"));
    }

    // A full disk while writing: the write fails with a message naming the file, the previous version of
    // the file is intact, and no temporary is left behind. RLIMIT_FSIZE gives the same EFBIG/short-write
    // failure a full file system gives, without needing one.
    void fullDiskKeepsPreviousFile()
    {
        const QString target = path(QStringLiteral("keep.fits"));
        QVERIFY(FitsWriter::write(target, aiaHeader(16), Image(16, 16, 5.0f)).ok());
        const QByteArray before = readAll(target);

        std::signal(SIGXFSZ, SIG_IGN);
        rlimit old{};
        getrlimit(RLIMIT_FSIZE, &old);
        rlimit lim = old;
        lim.rlim_cur = 64 * 1024;  // far less than a 1024^2 float image
        QCOMPARE(setrlimit(RLIMIT_FSIZE, &lim), 0);
        const Status st = FitsWriter::write(target, aiaHeader(1024), Image(1024, 1024, 7.0f));
        setrlimit(RLIMIT_FSIZE, &old);

        QVERIFY(!st.ok());
        QVERIFY2(st.errorString().contains(target), qPrintable(st.errorString()));
        QCOMPARE(readAll(target), before);
        const QStringList leftovers = QDir(m_dir.path()).entryList({QStringLiteral(".keep.fits.tmp-*")},
                                                                  QDir::Files | QDir::Hidden);
        QVERIFY2(leftovers.isEmpty(), qPrintable(leftovers.join(QLatin1Char(' '))));
        auto map = SdoMap::load(target);
        QVERIFY(map.ok());
        QCOMPARE(map->image.at(3, 3), 5.0f);
    }

    void unwritableFolder()
    {
        const Status st = FitsWriter::write(path(QStringLiteral("no/such/dir/out.fits")), aiaHeader(8), Image(8, 8));
        QVERIFY(!st.ok());
        QVERIFY(st.errorString().contains(QStringLiteral("does not exist")));
    }
};

QTEST_GUILESS_MAIN(TestBadInput)
#include "tst_badinput.moc"
