// Display limits and stretches (core/DisplayLimits) against numpy and astropy.visualization on real SDO files:
// min/max, numpy.percentile, astropy ZScaleInterval (default and custom parameters), astropy's Linear/Sqrt/
// Log/Asinh/Power stretches, HistEqStretch; plus closed-form cases (symmetric, degenerate, manual) and the
// per-channel defaults sunpy uses (AIA AsinhStretch(0.01) with sdoaia<wl>, HMI symmetric).

#include "core/map/DisplayLimits.h"
#include "core/map/FitsWriter.h"
#include "core/map/Jp2Reader.h"
#include "core/map/SdoMap.h"

#include "TestSupport.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <set>

using namespace solarchip;

namespace {
const QStringList kFiles{QStringLiteral("fits/aia_171_cutout.fits"), QStringLiteral("fits/resampled_hmi.fits"),
                         QStringLiteral("fits/sdo-hmi_2011-02-14_20-34-12.fits"),
                         QStringLiteral("fits/aia_171_level1.fits")};

bool near(double a, double b, double tol) { return std::fabs(a - b) <= tol; }
}  // namespace

class TestDisplayLimits : public QObject {
    Q_OBJECT

    QJsonObject m_ref;
    QMap<QString, SdoMap> m_maps;

private Q_SLOTS:
    void initTestCase()
    {
        if (solarchip::test::sdoDir().isEmpty())
            return;
        QStringList paths;
        for (const QString &f : kFiles) {
            paths << solarchip::test::sdoFile(f);
            auto m = SdoMap::load(paths.back());
            QVERIFY2(m.ok(), qPrintable(m.errorString()));
            m_maps.insert(f, m.value());
        }
        const auto r = solarchip::test::runPython(QStringLiteral("views_reference.py"),
                                                  QStringList{QStringLiteral("display")} + paths);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        m_ref = solarchip::test::parseJson(r.out).object();
        QCOMPARE(m_ref.size(), kFiles.size());
    }

    void minMaxAndPercentiles_data()
    {
        QTest::addColumn<QString>("file");
        for (const QString &f : kFiles)
            QTest::newRow(qPrintable(f)) << f;
    }
    void minMaxAndPercentiles()
    {
        SOLARCHIP_REQUIRE_SDO();
        QFETCH(QString, file);
        const Image &img = m_maps[file].image;
        const QJsonObject ref = m_ref.value(solarchip::test::sdoFile(file)).toObject();
        const DisplayRange mm = minMaxLimits(img);
        QCOMPARE(mm.min, ref.value(QStringLiteral("min")).toDouble());
        QCOMPARE(mm.max, ref.value(QStringLiteral("max")).toDouble());
        const double span = mm.max - mm.min;
        const QJsonObject ps = ref.value(QStringLiteral("percentiles")).toObject();
        for (auto it = ps.begin(); it != ps.end(); ++it) {
            const double p = it.key().toDouble();
            const DisplayRange r = percentileLimits(img, p, p);
            QVERIFY2(near(r.min, it.value().toDouble(), 1e-6 * span),
                     qPrintable(QStringLiteral("%1: p%2 = %3, numpy %4").arg(file, it.key()).arg(r.min, 0, 'g', 12)
                                    .arg(it.value().toDouble(), 0, 'g', 12)));
        }
        // Every pair of percentiles at once (the low and high selections share one partition).
        for (auto a = ps.begin(); a != ps.end(); ++a)
            for (auto b = ps.begin(); b != ps.end(); ++b) {
                const DisplayRange r = percentileLimits(img, a.key().toDouble(), b.key().toDouble());
                QVERIFY2(near(r.min, a.value().toDouble(), 1e-6 * span) && near(r.max, b.value().toDouble(), 1e-6 * span),
                         qPrintable(QStringLiteral("%1: p%2/p%3 = %4/%5").arg(file, a.key(), b.key()).arg(r.min).arg(r.max)));
            }
        // Settings route: Percentile mode with 0.5 .. 99.5.
        DisplaySettings s;
        s.limits = DisplayLimitsMode::Percentile;
        s.percentileLow = 0.5;
        s.percentileHigh = 99.5;
        const DisplayRange r = resolveLimits(img, s);
        QVERIFY(near(r.min, ps.value(QStringLiteral("0.5")).toDouble(), 1e-6 * span));
        QVERIFY(near(r.max, ps.value(QStringLiteral("99.5")).toDouble(), 1e-6 * span));
    }

    void zscale_data() { minMaxAndPercentiles_data(); }
    void zscale()
    {
        SOLARCHIP_REQUIRE_SDO();
        QFETCH(QString, file);
        const Image &img = m_maps[file].image;
        const QJsonObject ref = m_ref.value(solarchip::test::sdoFile(file)).toObject();
        const double span = ref.value(QStringLiteral("max")).toDouble() - ref.value(QStringLiteral("min")).toDouble();
        const QJsonArray z = ref.value(QStringLiteral("zscale")).toArray();
        const DisplayRange r = zscaleLimits(img);
        qInfo("%s zscale [%.6g, %.6g], astropy [%.6g, %.6g]", qPrintable(file), r.min, r.max, z[0].toDouble(),
              z[1].toDouble());
        QVERIFY(near(r.min, z[0].toDouble(), 1e-6 * span));
        QVERIFY(near(r.max, z[1].toDouble(), 1e-6 * span));
        ZScaleParams p;
        p.samples = 300;
        p.contrast = 0.1;
        const QJsonArray z2 = ref.value(QStringLiteral("zscale_300_0.1")).toArray();
        const DisplayRange r2 = zscaleLimits(img, p);
        QVERIFY(near(r2.min, z2[0].toDouble(), 1e-6 * span));
        QVERIFY(near(r2.max, z2[1].toDouble(), 1e-6 * span));
        DisplaySettings s;
        s.limits = DisplayLimitsMode::ZScale;
        const DisplayRange r3 = resolveLimits(img, s);
        QCOMPARE(r3.min, r.min);
        QCOMPARE(r3.max, r.max);
    }

    void stretchesMatchAstropy()
    {
        SOLARCHIP_REQUIRE_SDO();
        const QJsonObject ref = m_ref.value(solarchip::test::sdoFile(kFiles[0])).toObject();
        const QJsonArray t = ref.value(QStringLiteral("stretch_t")).toArray();
        const QJsonObject st = ref.value(QStringLiteral("stretches")).toObject();
        struct Case { const char *key; DisplayStretch s; double a; };
        const Case cases[] = {{"linear", DisplayStretch::Linear, 0},      {"sqrt", DisplayStretch::Sqrt, 0},
                              {"log:1000", DisplayStretch::Log, 0},       {"log:100", DisplayStretch::Log, 100},
                              {"asinh:0.1", DisplayStretch::Asinh, 0},   {"asinh:0.01", DisplayStretch::Asinh, 0.01},
                              {"power:2", DisplayStretch::Power, 0}};
        for (const Case &c : cases) {
            DisplaySettings s;
            s.stretch = c.s;
            s.stretchParameter = c.a;
            const QJsonArray expect = st.value(QLatin1String(c.key)).toArray();
            QCOMPARE(expect.size(), t.size());
            for (int i = 0; i < t.size(); ++i) {
                const double mine = applyStretch(c.s, s.effectiveStretchParameter(), t[i].toDouble());
                QVERIFY2(near(mine, expect[i].toDouble(), 1e-9),
                         qPrintable(QStringLiteral("%1 at t=%2: %3 vs astropy %4").arg(QLatin1String(c.key))
                                        .arg(t[i].toDouble()).arg(mine).arg(expect[i].toDouble())));
            }
            // The lookup table reproduces the stretch at bin centres, and within one bin anywhere.
            const StretchTable table = StretchTable::build(s, {0.0, 1.0}, nullptr);
            for (int i = 0; i < t.size(); ++i) {
                const double slope = 20.0;  // bound on d(stretch)/dt for these stretches (asinh 0.01: 18.9)
                QVERIFY(near(table.map(t[i].toDouble()), expect[i].toDouble(),
                             slope * 0.5 / (StretchTable::kBins - 1) + 1e-6));
            }
        }
    }

    // The sampled curve depends on the stretch and its parameter, not on the range: tables for other ranges share
    // it (one computation per stretch, not one per map rendered), and it is still the stretch at every bin.
    void stretchCurveSharedAcrossRanges()
    {
        DisplaySettings s;
        s.stretch = DisplayStretch::Asinh;
        s.stretchParameter = 0.01;
        const StretchTable a = StretchTable::build(s, {0.0, 1.0}, nullptr);
        const StretchTable b = StretchTable::build(s, {-3.0, 250.0}, nullptr);
        QCOMPARE(a.values().size(), std::size_t(StretchTable::kBins));
        QCOMPARE(b.values().data(), a.values().data());
        QCOMPARE(b.scale(), double(StretchTable::kBins - 1) / 253.0);
        for (int bin : {0, 1, 7, 1000, 32768, StretchTable::kBins - 1}) {
            const double t = double(bin) / (StretchTable::kBins - 1);
            QCOMPARE(b.valueAt(bin), float(std::asinh(t / 0.01) / std::asinh(1.0 / 0.01)));
        }
        DisplaySettings other = s;
        other.stretchParameter = 0.05;
        const StretchTable c = StretchTable::build(other, {0.0, 1.0}, nullptr);
        QVERIFY(c.values().data() != a.values().data());
        QCOMPARE(c.valueAt(1000), float(std::asinh((1000.0 / 65535.0) / 0.05) / std::asinh(1.0 / 0.05)));
        DisplaySettings log = s;
        log.stretch = DisplayStretch::Log;
        log.stretchParameter = 1000;
        const StretchTable d = StretchTable::build(log, {0.0, 1.0}, nullptr);
        QCOMPARE(d.valueAt(1000), float(std::log(1000.0 * (1000.0 / 65535.0) + 1.0) / std::log(1001.0)));
    }

    void histogramEqualisation_data() { minMaxAndPercentiles_data(); }
    void histogramEqualisation()
    {
        SOLARCHIP_REQUIRE_SDO();
        QFETCH(QString, file);
        const Image &img = m_maps[file].image;
        const QJsonObject h = m_ref.value(solarchip::test::sdoFile(file)).toObject().value(QStringLiteral("histeq")).toObject();
        DisplaySettings s;
        s.stretch = DisplayStretch::HistEq;
        s.limits = DisplayLimitsMode::Percentile;
        s.percentileLow = 0.5;
        s.percentileHigh = 99.5;
        const DisplayRange range = resolveLimits(img, s);
        const StretchTable table = StretchTable::build(s, range, &img);
        double worst = 0;
        const QJsonArray samples = h.value(QStringLiteral("samples")).toArray();
        QVERIFY(samples.size() >= 10);
        for (const QJsonValue &v : samples) {
            const QJsonObject o = v.toObject();
            const float value = img.at(o.value(QStringLiteral("x")).toInt(), o.value(QStringLiteral("y")).toInt());
            QCOMPARE(double(value), o.value(QStringLiteral("value")).toDouble());
            const double ours = table.map(value);
            const double first = o.value(QStringLiteral("tie_first")).toDouble();
            const double last = o.value(QStringLiteral("tie_last")).toDouble();
            const double astropy = o.value(QStringLiteral("histeq")).toDouble();
            // astropy returns a rank within the run of equal values; ours is the first rank of the run.
            QVERIFY(astropy >= std::min(first, last) - 1e-5 && astropy <= std::max(first, last) + 1e-5);  // float32 inside astropy
            QVERIFY2(ours >= first - 1.0 / 255.0 && ours <= last + 1.0 / 255.0,
                     qPrintable(QStringLiteral("value %1: ours %2, ranks of its run [%3, %4], astropy %5")
                                    .arg(value).arg(ours).arg(first).arg(last).arg(astropy)));
            worst = std::max(worst, std::fabs(ours - first));
        }
        qInfo("%s: histogram equalisation max |ours - first rank of the value| = %.3g", qPrintable(file), worst);
    }

    void closedFormCases()
    {
        Image img(4, 1);
        img.pixels = {-3.0f, 1.0f, 2.0f, std::numeric_limits<float>::quiet_NaN()};
        DisplaySettings s;
        s.symmetric = true;
        DisplayRange r = resolveLimits(img, s);
        QCOMPARE(r.min, -3.0);
        QCOMPARE(r.max, 3.0);
        s.symmetric = false;
        s.limits = DisplayLimitsMode::Manual;
        s.manualMin = 5;
        s.manualMax = -5;  // swapped by the user: still usable
        r = resolveLimits(img, s);
        QCOMPARE(r.min, -5.0);
        QCOMPARE(r.max, 5.0);
        // Constant and empty images still give a usable range.
        Image flat(3, 3, 7.0f);
        s.limits = DisplayLimitsMode::MinMax;
        r = resolveLimits(flat, s);
        QCOMPARE(r.min, 6.5);
        QCOMPARE(r.max, 7.5);
        Image nan(2, 2, std::numeric_limits<float>::quiet_NaN());
        r = resolveLimits(nan, s);
        QVERIFY(r.isValid());
        QVERIFY(!minMaxLimits(nan).isValid());
        // Percentile on 0..100: numpy gives p exactly.
        Image ramp(101, 1);
        for (int i = 0; i <= 100; ++i)
            ramp.pixels[i] = float(i);
        const DisplayRange p = percentileLimits(ramp, 2.5, 97.25);
        QCOMPARE(p.min, 2.5);
        QCOMPARE(p.max, 97.25);
        // The table clips outside the range and has no bin for NaN.
        const StretchTable t = StretchTable::build(DisplaySettings(), {0.0, 10.0}, nullptr);
        QCOMPARE(t.map(-4.0), 0.0);
        QCOMPARE(t.map(40.0), 1.0);
        QCOMPARE(t.map(5.0), double(float(32768.0 / 65535.0)));
        QVERIFY(std::isnan(t.map(std::nan(""))));
    }

    void settingsRoundTrip()
    {
        DisplaySettings s;
        s.stretch = DisplayStretch::HistEq;
        s.stretchParameter = 0.05;
        s.limits = DisplayLimitsMode::Percentile;
        s.percentileLow = 0.25;
        s.percentileHigh = 99.95;
        s.manualMin = -12.5;
        s.manualMax = 1e5;
        s.symmetric = true;
        s.colormap = QStringLiteral("sdoaia304");
        s.reverseColormap = true;
        const DisplaySettings back = DisplaySettings::fromString(s.toString());
        QVERIFY(back == s);
        // Unknown or broken fields keep the base values.
        const DisplaySettings base = defaultDisplaySettings(QStringLiteral("171"));
        const DisplaySettings partial = DisplaySettings::fromString(QStringLiteral("stretch=sqrt;low=abc;bogus=1"), base);
        QCOMPARE(partial.stretch, DisplayStretch::Sqrt);
        QCOMPARE(partial.percentileLow, base.percentileLow);
        QCOMPARE(partial.colormap, base.colormap);
    }

    // Manual limits remember their unit and carry only to maps in that unit; the rest of the choice carries.
    void manualLimitsCarryOnlyInTheirUnit()
    {
        MapMeta dn;
        dn.channel = QStringLiteral("171");
        dn.unit = QStringLiteral("DN");
        MapMeta dnPerS = dn;
        dnPerS.unit = QStringLiteral("DN/s");
        DisplaySettings chosen = defaultDisplaySettings(dn);
        chosen.stretch = DisplayStretch::Sqrt;
        chosen.limits = DisplayLimitsMode::Manual;
        chosen.manualMin = 10;
        chosen.manualMax = 5000;
        const DisplaySettings kept = displaySettingsToRemember(chosen, dn);
        QCOMPARE(kept.manualUnit, QStringLiteral("DN"));
        QVERIFY(kept.toString().endsWith(QStringLiteral(";unit=DN")));
        QCOMPARE(DisplaySettings::fromString(kept.toString()).manualUnit, QStringLiteral("DN"));
        // Same unit (also spelled otherwise): as chosen.
        QCOMPARE(displaySettingsForMap(kept, dn).manualMax, 5000.0);
        MapMeta spelled = dn;
        spelled.unit = QStringLiteral(" dn ");
        QCOMPARE(displaySettingsForMap(kept, spelled).limits, DisplayLimitsMode::Manual);
        // DN/s: the stretch and colours carry; the limits are the channel's 0..99.9 percentiles.
        const DisplaySettings there = displaySettingsForMap(kept, dnPerS);
        QCOMPARE(there.stretch, DisplayStretch::Sqrt);
        QCOMPARE(there.colormap, QStringLiteral("sdoaia171"));
        QCOMPARE(there.limits, DisplayLimitsMode::Percentile);
        QCOMPARE(there.percentileLow, 0.0);
        QCOMPARE(there.percentileHigh, 99.9);
        // "DN s-1" is DN/s: limits chosen there carry to a DN/s map.
        MapMeta written = dn;
        written.unit = QStringLiteral("DN s-1");
        QCOMPARE(displaySettingsForMap(displaySettingsToRemember(chosen, written), dnPerS).manualMin, 10.0);
        // Settings saved before the unit was recorded (no "unit=") carry as before; percentile limits need none.
        QCOMPARE(displaySettingsForMap(chosen, dnPerS).manualMax, 5000.0);
        DisplaySettings percent = chosen;
        percent.limits = DisplayLimitsMode::Percentile;
        percent.percentileHigh = 99.0;
        QVERIFY(displaySettingsToRemember(percent, dn).manualUnit.isEmpty());
        QCOMPARE(displaySettingsForMap(displaySettingsToRemember(percent, dn), dnPerS).percentileHigh, 99.0);
    }

    void defaultsFollowSunpy()
    {
        // sunpy AIAMap: ImageNormalize(stretch=AsinhStretch(0.01)) with cmap sdoaia<wavelength>.
        for (const char *wl : {"94", "131", "171", "193", "211", "304", "335", "1600", "1700", "4500"}) {
            const DisplaySettings s = defaultDisplaySettings(QLatin1String(wl));
            QCOMPARE(s.colormap, QStringLiteral("sdoaia") + QLatin1String(wl));
            QCOMPARE(s.stretch, DisplayStretch::Asinh);
            QCOMPARE(s.stretchParameter, 0.01);
            QCOMPARE(s.limits, DisplayLimitsMode::Percentile);
            QCOMPARE(s.percentileLow, 0.0);
        }
        // HMI magnetogram: symmetric about zero, +-1500 G (field notes).
        const DisplaySettings h = defaultDisplaySettings(QStringLiteral("hmi"), QStringLiteral("Gauss"));
        Image any(2, 1);
        any.pixels = {-3000.0f, 100.0f};
        const DisplayRange r = resolveLimits(any, h);
        QCOMPARE(r.min, -1500.0);
        QCOMPARE(r.max, 1500.0);
        QCOMPARE(h.stretch, DisplayStretch::Linear);
        const DisplaySettings d = defaultDifferenceDisplaySettings();
        QVERIFY(d.symmetric);
        QCOMPARE(d.colormap, QStringLiteral("RdBu_r"));
    }

    // Helioviewer JPEG2000 pixels are bytes Helioviewer already scaled for display: shown linearly over 0..255
    // with the channel's colours (JHelioviewer), never with the Gauss limits +-1500 (flat grey) or a second asinh.
    void helioviewerBytesShownLinearly()
    {
        SOLARCHIP_REQUIRE_SDO();
        const QString hmiJp2 = test::sdoFile(QStringLiteral("jp2/2022_08_02__10_47_53_000__SDO_HMI_HMI_magnetogram.jp2"));
        auto hmi = Jp2Reader::read(hmiJp2, 2);
        QVERIFY2(hmi.ok(), qPrintable(hmi.errorString()));
        QCOMPARE(hmi->meta.channel, QStringLiteral("hmi"));
        QVERIFY(hmi->meta.displayScaled);
        QCOMPARE(hmi->meta.unit, QStringLiteral("byte"));  // no physical unit
        QCOMPARE(valueLabel(hmi->meta), QStringLiteral("Helioviewer byte value"));
        const DisplaySettings s = defaultDisplaySettings(hmi->meta);
        QCOMPARE(s.stretch, DisplayStretch::Linear);
        QCOMPARE(s.colormap, QStringLiteral("grey"));
        QVERIFY(!s.symmetric);
        const DisplayRange r = resolveLimits(hmi->image, s);
        QCOMPARE(r.min, 0.0);
        QCOMPARE(r.max, 255.0);

        // The bytes against Pillow's decode of the same file (its own OpenJPEG binding) at the same reduce.
        const test::ProcessResult py = test::runPython(QStringLiteral("jp2_histogram.py"), {hmiJp2, QStringLiteral("2")});
        QVERIFY2(py.exitCode == 0, py.err.constData());
        const QJsonObject ref = test::parseJson(py.out).object();
        QCOMPARE(hmi->image.width, ref.value(QStringLiteral("width")).toInt());
        std::vector<long long> hist(256, 0);
        for (float v : hmi->image.pixels)
            ++hist[static_cast<size_t>(std::clamp(int(v), 0, 255))];
        const QJsonArray refHist = ref.value(QStringLiteral("hist")).toArray();
        int distinct = 0;
        for (int b = 0; b < 256; ++b) {
            QCOMPARE(hist[size_t(b)], static_cast<long long>(refHist.at(b).toDouble()));
            distinct += hist[size_t(b)] > 0;
        }
        // Linear 0..255: every byte value its own grey level (not flat). The Gauss limits +-1500 put all 256
        // bytes into [0.5, 0.585] of the colour range, 22 of 256 levels: the flat grey of the issue.
        const StretchTable table = StretchTable::build(s, r, &hmi->image);
        std::set<int> levels;
        for (float v : hmi->image.pixels)
            levels.insert(int(std::lround(table.map(v) * 255.0)));
        QCOMPARE(int(levels.size()), distinct);
        QVERIFY(distinct > 200);
        const DisplaySettings gauss = defaultDisplaySettings(QStringLiteral("hmi"), QStringLiteral("Gauss"));
        const StretchTable old = StretchTable::build(gauss, resolveLimits(hmi->image, gauss), &hmi->image);
        std::set<int> oldLevels;
        for (float v : hmi->image.pixels)
            oldLevels.insert(int(std::lround(old.map(v) * 255.0)));
        QVERIFY(oldLevels.size() <= 23);

        // AIA: the channel's colour table, linear (no asinh on top of Helioviewer's own scaling), 0..255.
        auto aia = Jp2Reader::read(test::sdoFile(QStringLiteral("jp2/2022_01_01__00_03_52_835__SDO_AIA_AIA_193.jp2")), 2);
        QVERIFY2(aia.ok(), qPrintable(aia.errorString()));
        QVERIFY(aia->meta.displayScaled);
        const DisplaySettings a = defaultDisplaySettings(aia->meta);
        QCOMPARE(a.colormap, QStringLiteral("sdoaia193"));
        QCOMPARE(a.stretch, DisplayStretch::Linear);
        QCOMPARE(resolveLimits(aia->image, a).min, 0.0);
        QCOMPARE(resolveLimits(aia->image, a).max, 255.0);
        // The user's choices for bytes are remembered apart from the channel's data.
        QCOMPARE(displaySettingsKey(aia->meta), QStringLiteral("193-helioviewer"));

        // FITS data keep their physical defaults.
        auto fits = SdoMap::load(test::sdoFile(QStringLiteral("fits/sdo-hmi_2011-02-14_20-34-12.fits")));
        QVERIFY2(fits.ok(), qPrintable(fits.errorString()));
        QVERIFY(!fits->meta.displayScaled);
        QCOMPARE(displaySettingsKey(fits->meta), QStringLiteral("hmi"));
        QCOMPARE(resolveLimits(fits->image, defaultDisplaySettings(fits->meta)).max, 1500.0);

        // A FITS file written from the bytes is still recognised as display-scaled (BUNIT '8-bit scaled').
        QTemporaryDir dir = test::scratchDir();
        const QString out = dir.filePath(QStringLiteral("bytes.fits"));
        QVERIFY(FitsWriter::write(out, hmi->header, hmi->image).ok());
        auto back = SdoMap::load(out);
        QVERIFY2(back.ok(), qPrintable(back.errorString()));
        QVERIFY(back->meta.displayScaled);
        QCOMPARE(back->meta.unit, QStringLiteral("byte"));
        QCOMPARE(resolveLimits(back->image, defaultDisplaySettings(back->meta)).max, 255.0);
    }
};

QTEST_GUILESS_MAIN(TestDisplayLimits)
#include "tst_displaylimits.moc"
