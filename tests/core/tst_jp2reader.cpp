// Helioviewer JPEG2000 files read by core/Jp2Reader against independent references: the XML box parsed by
// Python's xml.etree from the raw box bytes, pixels decoded by glymur, helioprojective coordinates from
// sunpy/astropy (tests/reference/jp2_reference.py -> jp2_reference.json, committed with the script), the
// physical position of the solar disk in reduced-resolution decodes, and closed forms.
#include "TestSupport.h"

#include "core/map/Jp2Reader.h"
#include "core/map/SdoMap.h"
#include "core/map/SunEphemeris.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>

#include <cmath>

using namespace solarchip;

namespace {

const QString kHmi512 = QStringLiteral("2023_01_31__03_39_23_200__SDO_HMI_HMI_continuum.jp2");
const QString kAia410 = QStringLiteral("2013_06_24__17_31_30_84__SDO_AIA_AIA_193.jp2");
const QString kHmi2010 = QStringLiteral("2010_12_06__18_56_41_105__SDO_HMI_HMI_continuum.jp2");
const QString kAia304 = QStringLiteral("2024_04_16__11_15_41_129__SDO_AIA_AIA_304.jp2");

QString jp2(const QString &name) { return test::sdoFile(QStringLiteral("jp2/") + name); }

// Centroid of the pixels brighter than `threshold` (the photospheric disk of an HMI continuum image).
void diskCentroid(const Image &img, float threshold, double &cx, double &cy)
{
    double sx = 0, sy = 0, n = 0;
    for (int y = 0; y < img.height; ++y)
        for (int x = 0; x < img.width; ++x)
            if (img.at(x, y) > threshold) {
                sx += x;
                sy += y;
                n += 1;
            }
    cx = sx / n;
    cy = sy / n;
}

}  // namespace

class TestJp2Reader : public QObject {
    Q_OBJECT

    QJsonObject m_ref;
    QJsonObject ref(const QString &name) const { return m_ref.value(name).toObject(); }

private slots:
    void initTestCase()
    {
        QFile f(test::sourceDir() + QStringLiteral("/tests/reference/jp2_reference.json"));
        QVERIFY2(f.open(QIODevice::ReadOnly), "tests/reference/jp2_reference.json missing");
        m_ref = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(m_ref.size(), 4);
    }

    void signature()
    {
        SOLARCHIP_REQUIRE_SDO();
        QVERIFY(Jp2Reader::isJp2File(jp2(kHmi512)));
        QVERIFY(!Jp2Reader::isJp2File(test::sdoFile(QStringLiteral("fits/aia_171_level1.fits"))));
        QVERIFY(!Jp2Reader::isJp2File(QStringLiteral("/nonexistent/file.jp2")));
        const char sig[12] = {0, 0, 0, 12, 'j', 'P', ' ', ' ', '\r', '\n', char(0x87), '\n'};
        QVERIFY(Jp2Reader::hasJp2Signature(QByteArray(sig, 12)));
        QVERIFY(!Jp2Reader::hasJp2Signature(QByteArray(sig, 11)));
        QVERIFY(!Jp2Reader::hasJp2Signature(QByteArray("SIMPLE  =                    T")));
    }

    void header_data()
    {
        QTest::addColumn<QString>("name");
        for (const QString &name : m_ref.keys())
            QTest::newRow(qPrintable(name)) << name;
    }

    // Every keyword of the <fits> element, as Python's xml.etree reads the raw box with sunpy's typing.
    void header()
    {
        SOLARCHIP_REQUIRE_SDO();
        QFETCH(QString, name);
        const QJsonObject r = ref(name);
        auto info = Jp2Reader::readInfo(jp2(name));
        QVERIFY2(info.ok(), qPrintable(info.errorString()));
        QCOMPARE(info->width, r.value(QStringLiteral("width")).toInt());
        QCOMPARE(info->height, r.value(QStringLiteral("height")).toInt());
        QCOMPARE(info->resolutionLevels, r.value(QStringLiteral("levels")).toInt());
        QCOMPARE(info->components, 1);
        QCOMPARE(info->precision, 8);
        const FitsHeader &h = info->header;
        const QJsonObject kw = r.value(QStringLiteral("keywords")).toObject();
        int expectedCards = 0;
        for (auto it = kw.begin(); it != kw.end(); ++it) {
            const QString key = it.key();
            const QJsonObject v = it.value().toObject();
            const QString type = v.value(QStringLiteral("type")).toString();
            if (type == QLatin1String("nan")) {
                QVERIFY2(!h.has(key), qPrintable(key + QStringLiteral(" is NaN in the XML and must be absent")));
                continue;
            }
            ++expectedCards;
            QVERIFY2(h.has(key), qPrintable(key + QStringLiteral(" missing")));
            if (type == QLatin1String("str")) {
                QCOMPARE(h.string(key, QStringLiteral("<absent>")), v.value(QStringLiteral("value")).toString());
            } else {
                auto num = h.number(key);
                QVERIFY2(num.has_value(), qPrintable(key));
                QCOMPARE(*num, v.value(QStringLiteral("value")).toDouble());
            }
        }
        int cards = 0;
        for (const FitsCard &c : h.cards())
            if (c.key != QLatin1String("HISTORY") && c.key != QLatin1String("COMMENT"))
                ++cards;
        QCOMPARE(cards, expectedCards);
    }

    // Pixels as glymur decodes them (sunpy's row flip: FITS row order), full and 1/4 resolution.
    void pixels_data() { header_data(); }
    void pixels()
    {
        SOLARCHIP_REQUIRE_SDO();
        QFETCH(QString, name);
        const QJsonObject r = ref(name);
        auto img = Jp2Reader::readImage(jp2(name));
        QVERIFY2(img.ok(), qPrintable(img.errorString()));
        QCOMPARE(img->width, r.value(QStringLiteral("width")).toInt());
        QCOMPARE(img->height, r.value(QStringLiteral("height")).toInt());
        for (const QJsonValue &s : r.value(QStringLiteral("pixels")).toArray()) {
            const QJsonArray a = s.toArray();
            QCOMPARE(img->at(a[0].toInt(), a[1].toInt()), static_cast<float>(a[2].toInt()));
        }
        const double mean = computeStats(*img).mean;
        QVERIFY(std::fabs(mean - r.value(QStringLiteral("mean")).toDouble()) < 1e-6);

        const QJsonObject red = r.value(QStringLiteral("reduced2")).toObject();
        auto small = Jp2Reader::readImage(jp2(name), 2);
        QVERIFY2(small.ok(), qPrintable(small.errorString()));
        QCOMPARE(small->width, red.value(QStringLiteral("width")).toInt());
        QCOMPARE(small->height, red.value(QStringLiteral("height")).toInt());
        for (const QJsonValue &s : red.value(QStringLiteral("pixels")).toArray()) {
            const QJsonArray a = s.toArray();
            QCOMPARE(small->at(a[0].toInt(), a[1].toInt()), static_cast<float>(a[2].toInt()));
        }
    }

    // Helioprojective coordinates of pixels against sunpy's WCS (astropy), at full and 1/4 resolution.
    void wcs_data()
    {
        QTest::addColumn<QString>("name");
        for (const QString &name : m_ref.keys())
            if (ref(name).contains(QStringLiteral("wcs")))
                QTest::newRow(qPrintable(name)) << name;
    }
    void wcs()
    {
        SOLARCHIP_REQUIRE_SDO();
        QFETCH(QString, name);
        auto map = Jp2Reader::read(jp2(name));
        QVERIFY2(map.ok(), qPrintable(map.errorString()));
        auto quarter = Jp2Reader::read(jp2(name), 2);
        QVERIFY2(quarter.ok(), qPrintable(quarter.errorString()));
        for (const QJsonValue &s : ref(name).value(QStringLiteral("wcs")).toArray()) {
            const QJsonArray a = s.toArray();
            const double x = a[0].toDouble(), y = a[1].toDouble();
            double tx = 0, ty = 0;
            QVERIFY(map->wcs.pixelToHelioprojective(x, y, tx, ty));
            QVERIFY2(std::fabs(tx - a[2].toDouble()) < 1e-4 && std::fabs(ty - a[3].toDouble()) < 1e-4,
                     qPrintable(QStringLiteral("(%1,%2): %3,%4 vs sunpy %5,%6").arg(x).arg(y).arg(tx).arg(ty)
                                    .arg(a[2].toDouble()).arg(a[3].toDouble())));
            // JPEG2000 geometry: reduced pixel (xr, yr) is full pixel (4 xr, 4 yr + H - 1 - 4 (h - 1)) in FITS
            // row order (low-pass samples sit on even rows counted from the top).
            const int H = map->image.height, h = quarter->image.height;
            const double xr = x / 4.0, yr = (y - (H - 1 - 4.0 * (h - 1))) / 4.0;
            QVERIFY(quarter->wcs.pixelToHelioprojective(xr, yr, tx, ty));
            QVERIFY2(std::fabs(tx - a[2].toDouble()) < 1e-4 && std::fabs(ty - a[3].toDouble()) < 1e-4,
                     qPrintable(QStringLiteral("reduce 2 (%1,%2): %3,%4").arg(xr).arg(yr).arg(tx).arg(ty)));
        }
    }

    // The solar disk is centred on helioprojective (0, 0): its centroid in a decoded image must fall on the
    // WCS's disk centre at every resolution. A block-average convention for reduced images would be off by
    // (2^r - 1) / 2^(r+1) pixel (0.44 px at r = 3); the wavelet's low-pass samples sit on even samples.
    void reducedDiskCentre_data()
    {
        QTest::addColumn<int>("reduce");
        for (int r : {0, 1, 3, 4})
            QTest::newRow(qPrintable(QStringLiteral("reduce %1").arg(r))) << r;
    }
    void reducedDiskCentre()
    {
        SOLARCHIP_REQUIRE_SDO();
        QFETCH(int, reduce);
        auto map = Jp2Reader::read(jp2(kHmi2010), reduce);
        QVERIFY2(map.ok(), qPrintable(map.errorString()));
        QCOMPARE(map->image.width, 4096 >> reduce);
        double cx = 0, cy = 0, px = 0, py = 0;
        diskCentroid(map->image, 30.0f, cx, cy);
        QVERIFY(map->wcs.helioprojectiveToPixel(0.0, 0.0, px, py));
        QVERIFY2(std::fabs(cx - px) < 0.15 && std::fabs(cy - py) < 0.15,
                 qPrintable(QStringLiteral("centroid %1,%2 vs WCS disk centre %3,%4").arg(cx).arg(cy).arg(px).arg(py)));
        // The disk's area gives its radius: compare with sunpy's apparent radius seen from Earth at that date
        // (RSUN_OBS is 0 in this file and DSUN_OBS a placeholder), within 1%.
        long long n = 0;
        for (float v : map->image.pixels)
            n += v > 30.0f ? 1 : 0;
        const double radiusPx = std::sqrt(n / M_PI);
        const double expected = ref(kHmi2010).value(QStringLiteral("earth_angular_radius_arcsec")).toDouble() / map->meta.cdelt1;
        QVERIFY2(std::fabs(radiusPx / expected - 1.0) < 0.01,
                 qPrintable(QStringLiteral("disk radius %1 px, ephemeris %2 px").arg(radiusPx).arg(expected)));
    }

    // Placeholder keywords (DSUN_OBS = 0.03, RSUN_OBS = 0, HGLN_OBS = nan) give way to the ephemeris.
    void placeholderObserver()
    {
        SOLARCHIP_REQUIRE_SDO();
        auto map = Jp2Reader::read(jp2(kHmi2010), 4);
        QVERIFY2(map.ok(), qPrintable(map.errorString()));
        const SunEphemeris e = SunEphemeris::at(map->meta.tObs);
        QVERIFY(std::fabs(map->meta.dsunObs / e.distanceM - 1.0) < 1e-6);
        const double sunpyRadius = ref(kHmi2010).value(QStringLiteral("earth_angular_radius_arcsec")).toDouble();
        QVERIFY2(std::fabs(map->meta.rsunObs - sunpyRadius) < 0.5,
                 qPrintable(QStringLiteral("RSUN_OBS %1 vs sunpy %2").arg(map->meta.rsunObs).arg(sunpyRadius)));
        QVERIFY(std::isfinite(map->wcs.observer().hgln));
        QVERIFY(!map->header.has(QStringLiteral("DSUN_OBS")));
        QVERIFY(map->header.commentary(QStringLiteral("HISTORY")).join(QLatin1Char('\n')).contains(QStringLiteral("DSUN_OBS=0.03")));
        LonLat c;
        QVERIFY(map->wcs.pixelToStonyhurst(map->meta.crpix1 - 1, map->meta.crpix2 - 1, c));
        QVERIFY(std::fabs(c.lat - map->meta.hgltObs) < 1e-6);
    }

    // 410x410 pixels under a 4096x4096 header: the same field resampled, edges aligned (closed form).
    void resampledFile()
    {
        SOLARCHIP_REQUIRE_SDO();
        auto map = Jp2Reader::read(jp2(kAia410));
        QVERIFY2(map.ok(), qPrintable(map.errorString()));
        const double s = 4096.0 / 410.0;
        QCOMPARE(map->meta.naxis1, 410);
        QVERIFY(std::fabs(map->meta.cdelt1 - 0.6 * s) < 1e-9);
        QVERIFY(std::fabs(map->meta.crpix1 - ((2048.5 - 1.0 - 0.5 * (s - 1.0)) / s + 1.0)) < 1e-9);
        QVERIFY(std::fabs(map->meta.crpix1 - 205.5) < 1e-9);  // the centre of 410 pixels, as for 4096
        QCOMPARE(map->meta.channel, QStringLiteral("193"));
        QCOMPARE(map->meta.unit, QStringLiteral("byte"));
        QVERIFY(map->meta.displayScaled);
        QCOMPARE(map->header.string(QStringLiteral("BUNIT"), {}), QStringLiteral("8-bit scaled"));
        QVERIFY(!map->header.has(QStringLiteral("HVBUNIT")));  // no BUNIT in this AIA header
    }

    void loadDispatchesByContent()
    {
        SOLARCHIP_REQUIRE_SDO();
        // A .jp2 copied under a FITS-like name still opens as JPEG2000.
        QTemporaryDir dir = test::scratchDir();
        const QString copy = dir.filePath(QStringLiteral("looks_like.fits"));
        QVERIFY(QFile::copy(jp2(kHmi512), copy));
        auto map = SdoMap::load(copy);
        QVERIFY2(map.ok(), qPrintable(map.errorString()));
        QCOMPARE(map->source.compression, QStringLiteral("JPEG2000"));
        QCOMPARE(map->meta.channel, QStringLiteral("hmi_ic"));
        QCOMPARE(map->image.width, 512);
        // The map's header is FITS-clean and honest about its pixels.
        QCOMPARE(map->header.string(QStringLiteral("BUNIT"), {}), QStringLiteral("8-bit scaled"));
        QCOMPARE(map->header.string(QStringLiteral("HVBUNIT"), {}), QStringLiteral("DN"));
        QVERIFY(!map->header.has(QStringLiteral("HELIOVIEWER")));
        QVERIFY(map->header.commentary(QStringLiteral("COMMENT")).contains(QStringLiteral("HELIOVIEWER = 1")));
        QCOMPARE(MapMeta::fromHeader(map->header, copy)->unit, QStringLiteral("byte"));
        QVERIFY(MapMeta::fromHeader(map->header, copy)->displayScaled);
        auto fits = SdoMap::load(test::sdoFile(QStringLiteral("fits/aia_171_level1.fits")));
        QVERIFY2(fits.ok(), qPrintable(fits.errorString()));
        QVERIFY(fits->source.compression != QStringLiteral("JPEG2000"));
    }

    void badInput()
    {
        SOLARCHIP_REQUIRE_SDO();
        QTemporaryDir dir = test::scratchDir();
        QFile src(jp2(kHmi512));
        QVERIFY(src.open(QIODevice::ReadOnly));
        const QByteArray bytes = src.readAll();

        // Truncated in the codestream.
        const QString cut = dir.filePath(QStringLiteral("cut.jp2"));
        {
            QFile f(cut);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(bytes.left(bytes.size() / 2));
        }
        auto r1 = Jp2Reader::read(cut);
        QVERIFY(!r1.ok());
        QVERIFY2(r1.errorString().startsWith(cut + QStringLiteral(": ")), qPrintable(r1.errorString()));
        QVERIFY2(r1.errorString().contains(QStringLiteral("truncated")), qPrintable(r1.errorString()));

        // The XML box renamed to a 'free' box: no FITS header.
        const QString noXml = dir.filePath(QStringLiteral("noxml.jp2"));
        {
            QByteArray b = bytes;
            const int at = b.indexOf("xml ");
            QVERIFY(at > 0);
            b.replace(at, 4, "free");
            QFile f(noXml);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(b);
        }
        auto r2 = Jp2Reader::read(noXml);
        QVERIFY(!r2.ok());
        QVERIFY2(r2.errorString().contains(QStringLiteral("no XML box")), qPrintable(r2.errorString()));
        // ... but the pixels still decode.
        auto img = Jp2Reader::readImage(noXml);
        QVERIFY2(img.ok(), qPrintable(img.errorString()));

        auto r3 = Jp2Reader::read(test::sdoFile(QStringLiteral("fits/aia_171_level1.fits")));
        QVERIFY(!r3.ok());
        QVERIFY2(r3.errorString().contains(QStringLiteral("not a JPEG2000")), qPrintable(r3.errorString()));
        auto r4 = Jp2Reader::read(dir.filePath(QStringLiteral("missing.jp2")));
        QVERIFY(!r4.ok());
        QVERIFY2(r4.errorString().contains(QStringLiteral("no such file")), qPrintable(r4.errorString()));
        auto r5 = Jp2Reader::readImage(jp2(kHmi512), 9);
        QVERIFY(!r5.ok());
        QVERIFY2(r5.errorString().contains(QStringLiteral("5 wavelet levels")), qPrintable(r5.errorString()));

        auto h = Jp2Reader::headerFromXml("<meta><other/></meta>", QStringLiteral("x.jp2"));
        QVERIFY(!h.ok());
        QVERIFY(h.errorString().contains(QStringLiteral("<fits>")));
        auto h2 = Jp2Reader::headerFromXml("<meta><fits><A>1</A><B>", QStringLiteral("x.jp2"));
        QVERIFY(!h2.ok());
        QVERIFY(h2.errorString().contains(QStringLiteral("malformed XML")));
    }

    void xmlTyping()
    {
        const QByteArray xml = "<meta><fits><SIMPLE>1</SIMPLE><CDELT1>0.60000000</CDELT1><T_OBS>2010.12.06_18:57:38_TAI</T_OBS>"
                               "<QUOTE>it's</QUOTE><EMPTY/><X>nan</X><lower>-5</lower>"
                               "<history>\nline one\nline two\n</history></fits></meta>\0\0";
        auto h = Jp2Reader::headerFromXml(xml, QStringLiteral("x.jp2"));
        QVERIFY2(h.ok(), qPrintable(h.errorString()));
        QCOMPARE(h->raw(QStringLiteral("CDELT1")).value(), QStringLiteral("0.60000000"));
        QCOMPARE(h->string(QStringLiteral("T_OBS")).value(), QStringLiteral("2010.12.06_18:57:38_TAI"));
        QCOMPARE(h->raw(QStringLiteral("QUOTE")).value(), QStringLiteral("'it''s'"));
        QCOMPARE(h->string(QStringLiteral("QUOTE")).value(), QStringLiteral("it's"));
        QCOMPARE(h->string(QStringLiteral("EMPTY")).value(), QString());
        QVERIFY(!h->has(QStringLiteral("X")));
        QCOMPARE(h->number(QStringLiteral("LOWER")).value(), -5.0);
        QCOMPARE(h->commentary(QStringLiteral("HISTORY")), (QStringList{QStringLiteral("line one"), QStringLiteral("line two")}));
    }

    void reduceForMaxSide()
    {
        Jp2Info info;
        info.width = info.height = 4096;
        info.resolutionLevels = 8;
        QCOMPARE(Jp2Reader::reduceForMaxSide(info, 4096), 0);
        QCOMPARE(Jp2Reader::reduceForMaxSide(info, 1024), 2);
        QCOMPARE(Jp2Reader::reduceForMaxSide(info, 1000), 3);
        QCOMPARE(Jp2Reader::reduceForMaxSide(info, 1), 8);  // capped at the file's levels
        info.width = 410;
        info.height = 300;
        info.resolutionLevels = 5;
        QCOMPARE(Jp2Reader::reduceForMaxSide(info, 205), 1);
        QCOMPARE(Jp2Reader::reduceForMaxSide(info, 204), 2);  // ceil(410 / 4) = 103
    }

    // Decode time of a 4096^2 file at several resolutions (printed as JSON for the report).
    void timing()
    {
        SOLARCHIP_REQUIRE_SDO();
        QJsonObject out;
        for (int r : {0, 2, 3}) {
            QElapsedTimer t;
            t.start();
            auto map = Jp2Reader::read(jp2(kAia304), r);
            const double ms = t.nsecsElapsed() / 1e6;
            QVERIFY2(map.ok(), qPrintable(map.errorString()));
            out.insert(QStringLiteral("read_reduce%1_ms").arg(r), ms);
        }
        out.insert(QStringLiteral("file"), kAia304);
        qInfo().noquote() << "JP2TIMING" << QJsonDocument(out).toJson(QJsonDocument::Compact);
    }

    void cliInfo()
    {
        SOLARCHIP_REQUIRE_SDO();
        const QString exe = test::binPath(QStringLiteral("solarchip"));
        if (!QFile::exists(exe))
            QSKIP("build/bin/solarchip not built");
        auto res = test::run(exe, {QStringLiteral("info"), QStringLiteral("--json"), jp2(kHmi512)}, 60000);
        QVERIFY2(res.exitCode == 0, res.err.constData());
        const QJsonDocument doc = test::parseJson(res.out);
        QJsonObject o = doc.isArray() ? doc.array().first().toObject() : doc.object();
        QCOMPARE(o.value(QStringLiteral("naxis1")).toInt(), 512);
        QCOMPARE(o.value(QStringLiteral("channel")).toString(), QStringLiteral("hmi_ic"));
        QCOMPARE(o.value(QStringLiteral("compression")).toString(), QStringLiteral("JPEG2000"));
        QCOMPARE(o.value(QStringLiteral("cdelt1")).toDouble(), 4.80000016);
    }
};

QTEST_GUILESS_MAIN(TestJp2Reader)
#include "tst_jp2reader.moc"
