// NOAA Solar Region Summaries (core/archive/RegionSummary, core/synthetic/SyntheticRegionSummary):
// - the real report of 2011-06-07 (../shared/sdo/labels/20110607SRS.txt) read as sunpy's read_srs reads it
//   (tests/reference/srs_reference.py), every row and column; written back in SWPC's layout row for row, and the
//   written text read by sunpy again;
// - the synthetic archive's daily reports: sunpy reads every one as we do, and each listed region is where the
//   generator's truth puts that NOAA number at 00:00 UTC (within the report's whole-degree rounding), every numbered
//   region with spots on the disk is listed;
// - a region carried to another time and seen from the Earth as sunpy's RotatedSunFrame (Snodgrass) carries it;
//   NOAA 11226 carried to the peak of its M2.5 flare lies within half its longitudinal extent of the flare's position
//   in the cycle-24 list (a fact about the real data);
// - a light curve that follows a region by its number: the box at every frame on the truth's centre of that region
//   (within 15": the reports' whole degrees), and where a report does not place it, the point says so;
// - which report a time uses; the month boundary of "Valid at"; "None" sections; bad input named with file and line.
#include "TestSupport.h"

#include "core/archive/RegionSummary.h"
#include "core/archive/LightCurve.h"
#include "core/map/MapFile.h"
#include "core/map/PixelFrame.h"
#include "core/archive/FlareList.h"
#include "core/map/EarthObserver.h"
#include "core/synthetic/SyntheticArchiveWriter.h"
#include "core/synthetic/SyntheticRegionSummary.h"

#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QTimeZone>
#include <QtTest>

#include <cmath>

using namespace solarchip;

namespace {

QDateTime utc(int y, int mo, int d, int h = 0, int mi = 0)
{
    return QDateTime(QDate(y, mo, d), QTime(h, mi), QTimeZone::utc());
}

QString sectionTag(NoaaRegion::Section s)
{
    return s == NoaaRegion::Section::Spots ? QStringLiteral("I") : s == NoaaRegion::Section::Plage ? QStringLiteral("IA")
                                                                                                  : QStringLiteral("II");
}

// Our rows against sunpy's for one file; empty when they agree, else what differs.
QString compareWithSunpy(const RegionSummary &ours, const QJsonObject &ref)
{
    QStringList problems;
    const QJsonArray rows = ref.value(QStringLiteral("rows")).toArray();
    if (rows.size() != ours.regions.size())
        return QStringLiteral("%1 rows, sunpy %2").arg(ours.regions.size()).arg(rows.size());
    const QDateTime issued = QDateTime::fromString(ref.value(QStringLiteral("issued")).toString(), Qt::ISODate);
    if (QDateTime(issued.date(), issued.time(), QTimeZone::utc()) != ours.issued)
        problems << QStringLiteral("issued %1 vs %2").arg(ours.issued.toString(Qt::ISODate), issued.toString(Qt::ISODate));
    auto num = [](const QJsonValue &v) { return v.isNull() ? qQNaN() : v.toDouble(); };
    auto same = [](double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; };
    for (int i = 0; i < rows.size(); ++i) {
        const QJsonObject r = rows[i].toObject();
        const NoaaRegion &n = ours.regions[i];
        const bool spots = n.section == NoaaRegion::Section::Spots;
        const QString what = QStringLiteral("row %1 (%2)").arg(i).arg(n.number);
        if (r.value(QStringLiteral("section")).toString() != sectionTag(n.section))
            problems << what + QStringLiteral(": section");
        if (r.value(QStringLiteral("number")).toInt() != n.number)
            problems << what + QStringLiteral(": number %1").arg(r.value(QStringLiteral("number")).toInt());
        if (!same(num(r.value(QStringLiteral("carrington"))), n.carringtonLonDeg))
            problems << what + QStringLiteral(": Lo");
        if (!same(num(r.value(QStringLiteral("lat"))), n.latDeg))
            problems << what + QStringLiteral(": latitude");
        if (!same(num(r.value(QStringLiteral("lon"))), n.lonDeg))
            problems << what + QStringLiteral(": longitude %1 vs %2").arg(n.lonDeg).arg(num(r.value(QStringLiteral("lon"))));
        if (!same(num(r.value(QStringLiteral("area"))), spots ? n.areaMsh : qQNaN()))
            problems << what + QStringLiteral(": area");
        if (!same(num(r.value(QStringLiteral("ll"))), spots ? n.extentDeg : qQNaN()))
            problems << what + QStringLiteral(": LL");
        if (!same(num(r.value(QStringLiteral("nn"))), spots ? n.spotCount : qQNaN()))
            problems << what + QStringLiteral(": NN");
        if (spots && (r.value(QStringLiteral("z")).toString() != n.mcIntosh || r.value(QStringLiteral("mag")).toString() != n.magType))
            problems << what + QStringLiteral(": Z/Mag Type %1 %2").arg(n.mcIntosh, n.magType);
    }
    return problems.join(QStringLiteral("; "));
}

QJsonObject sunpyRead(const QStringList &paths)
{
    const auto r = test::runPython(QStringLiteral("srs_reference.py"), QStringList{QStringLiteral("read")} + paths);
    if (r.exitCode != 0)
        qWarning("%s", r.err.constData());
    return test::parseJson(r.out).object();
}

Observer earthAt(const QDateTime &t)
{
    return earthObserverAt(t, 695700000.0);  // sunpy's default radius
}

// Six days of magnetograms from 2014-02-01 (the cycle's most active year: several numbered regions each day), seed 23.
SyntheticOptions februaryArchive(const QString &out, double cadenceHours)
{
    SyntheticOptions o;
    o.outDir = out;
    o.start = utc(2014, 2, 1);
    o.days = 6;
    o.cadenceHours = cadenceHours;
    o.size = 128;
    o.channels = {QStringLiteral("hmi")};
    o.seed = 23;
    o.noise = false;
    return o;
}

const QByteArray kJulyFirst =
    ":Product: 0701SRS.txt\n:Issued: 2011 Jul 01 0030 UTC\n# a test report\n#\n"
    "Joint USAF/NOAA Solar Region Summary\nSRS Number 182 Issued at 0030Z on 01 Jul 2011\n"
    "Report compiled from data received at SWO on 30 Jun\n"
    "I.  Regions with Sunspots.  Locations Valid at 30/2400Z\nNmbr Location  Lo  Area  Z   LL   NN Mag Type\nNone\n"
    "IA. H-alpha Plages without Spots.  Locations Valid at 30/2400Z Jun\nNmbr  Location  Lo\nNone\n"
    "II. Regions Due to Return 01 Jul to 03 Jul\nNmbr Lat    Lo\nNone\n";

}  // namespace

class TestRegionSummary : public QObject {
    Q_OBJECT
private:
    QString m_real;

private Q_SLOTS:
    void initTestCase()
    {
        if (!test::sdoDir().isEmpty())
            m_real = test::sdoFile(QStringLiteral("labels/20110607SRS.txt"));
    }

    void realReportReadAsSunpy()
    {
        SOLARCHIP_REQUIRE_SDO();
        auto report = RegionSummary::load(m_real);
        QVERIFY2(report, qPrintable(report.errorString()));
        QCOMPARE(report->regions.size(), 10);  // 5 with spots, 4 plages, 1 due to return
        const QString problems = compareWithSunpy(*report, sunpyRead({m_real}).value(m_real).toObject());
        QVERIFY2(problems.isEmpty(), qPrintable(problems));
        // What the report's own text says: issued 2011 Jun 07 0030 UTC, locations valid at 06/2400Z.
        QCOMPARE(report->issued, utc(2011, 6, 7, 0, 30));
        QCOMPARE(report->validAt, utc(2011, 6, 7));
        QCOMPARE(report->srsNumber, 158);
        QCOMPARE(report->regions[0].location, QStringLiteral("S22W52"));
        QCOMPARE(report->regions[0].magTypeSymbols(), QString(QChar(0x03B2)));
        QCOMPARE(report->regions[1].magTypeSymbols(), QString(QChar(0x03B1)));
        QVERIFY(std::isnan(report->regions[9].lonDeg));  // section II has no longitude
    }

    void writtenInSwpcLayout()
    {
        SOLARCHIP_REQUIRE_SDO();
        auto report = RegionSummary::load(m_real);
        QVERIFY(report);
        QFile f(m_real);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> original = f.readAll().split('\n');
        const QByteArray written = report->format();
        const QList<QByteArray> lines = written.split('\n');
        // Every row of the real report comes back character for character (SWPC's fixed columns).
        int rows = 0;
        for (const QByteArray &line : original) {
            const QByteArray l = line.trimmed();
            if (l.isEmpty() || !std::isdigit(static_cast<unsigned char>(l.at(0))))
                continue;
            QVERIFY2(lines.contains(l), l.constData());
            ++rows;
        }
        QCOMPARE(rows, 10);
        for (const char *line : {":Issued: 2011 Jun 07 0030 UTC", "SRS Number 158 Issued at 0030Z on 07 Jun 2011",
                                 "I.  Regions with Sunspots.  Locations Valid at 06/2400Z",
                                 "II. Regions Due to Return 07 Jun to 09 Jun"})
            QVERIFY2(lines.contains(QByteArray(line)), line);
        // ... and sunpy reads the written text as it read the original.
        QTemporaryDir dir = test::scratchDir();
        const QString path = dir.filePath(QStringLiteral("20110607SRS.txt"));
        QFile out(path);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(written);
        out.close();
        const QString problems = compareWithSunpy(*report, sunpyRead({path}).value(path).toObject());
        QVERIFY2(problems.isEmpty(), qPrintable(problems));
        auto again = RegionSummary::load(path);
        QVERIFY(again);
        QCOMPARE(again->validAt, report->validAt);
        QCOMPARE(again->regions.size(), report->regions.size());
    }

    void syntheticReportsAsSunpyAndTheTruth()
    {
        QTemporaryDir dir = test::scratchDir();
        // A step (and its truth) at 00:00 UTC, when each report's locations are valid.
        const SyntheticOptions o = februaryArchive(dir.filePath(QStringLiteral("archive")), 24);
        auto made = SyntheticArchiveWriter::run(o);
        QVERIFY2(made, qPrintable(made.errorString()));
        QCOMPARE(made->regionSummaries, 7);  // six days and the day after the last step
        const RegionSummaryArchive archive = RegionSummaryArchive::scan(o.outDir);
        QCOMPARE(archive.reports().size(), 7);
        QVERIFY(archive.failures().isEmpty());
        QStringList paths;
        for (const RegionSummary &r : archive.reports())
            paths << r.path;
        const QJsonObject ref = sunpyRead(paths);
        int listed = 0, spots = 0;
        for (int day = 0; day < 6; ++day) {
            const RegionSummary &r = archive.reports()[day];
            QCOMPARE(r.validAt, o.start.addDays(day));
            QVERIFY2(r.path.endsWith(QStringLiteral("srs/2014/") + RegionSummary::fileNameFor(r.issued)), qPrintable(r.path));
            QVERIFY(r.comments.join(QLatin1Char(' ')).contains(QStringLiteral("not a NOAA/SWPC product")));
            const QString problems = compareWithSunpy(r, ref.value(r.path).toObject());
            QVERIFY2(problems.isEmpty(), qPrintable(r.path + QStringLiteral(": ") + problems));
            // The truth of the step at the report's valid time.
            QFile t(dir.filePath(QStringLiteral("archive/") + SyntheticArchiveWriter::truthRelativePath(r.validAt)));
            QVERIFY2(t.open(QIODevice::ReadOnly), qPrintable(t.fileName()));
            QHash<int, QJsonObject> truth;
            for (const QJsonValue &v : test::parseJson(t.readAll()).object().value(QStringLiteral("regions")).toArray())
                if (v.toObject().value(QStringLiteral("noaa")).toInt() > 0)
                    truth.insert(v.toObject().value(QStringLiteral("noaa")).toInt(), v.toObject());
            QSet<int> inSpots;
            for (const NoaaRegion &n : r.regions) {
                QVERIFY2(truth.contains(n.number), qPrintable(QString::number(n.number)));
                const QJsonObject &tr = truth[n.number];
                QVERIFY(std::abs(n.latDeg - tr.value(QStringLiteral("lat")).toDouble()) <= 0.5);
                if (n.section != NoaaRegion::Section::DueToReturn) {
                    QVERIFY2(std::abs(n.lonDeg - tr.value(QStringLiteral("lon")).toDouble()) <= 0.5,
                             qPrintable(QStringLiteral("%1: %2 vs %3").arg(n.number).arg(n.lonDeg).arg(tr.value(QStringLiteral("lon")).toDouble())));
                    double lo = std::fmod(tr.value(QStringLiteral("carrington_lon")).toDouble(), 360.0);
                    const double dLo = std::abs(std::remainder(n.carringtonLonDeg - lo, 360.0));
                    QVERIFY2(dLo <= 0.5, qPrintable(QStringLiteral("%1: Lo %2 vs %3").arg(n.number).arg(n.carringtonLonDeg).arg(lo)));
                } else {
                    QVERIFY(tr.value(QStringLiteral("lon")).toDouble() < -90);  // behind the east limb
                }
                if (n.section == NoaaRegion::Section::Spots) {
                    // (the truth JSON keeps the area to a few decimals: 76.5 there may be 76.49 here)
                    QVERIFY2(std::abs(n.areaMsh - tr.value(QStringLiteral("area_msh")).toDouble()) <= 0.51,
                             qPrintable(QStringLiteral("%1: area %2 vs %3").arg(n.number).arg(n.areaMsh)
                                            .arg(tr.value(QStringLiteral("area_msh")).toDouble())));
                    inSpots.insert(n.number);
                    ++spots;
                }
                ++listed;
            }
            // Every numbered region on the disk with spots is listed with them.
            for (auto it = truth.begin(); it != truth.end(); ++it)
                if (std::abs(it.value().value(QStringLiteral("lon")).toDouble()) <= 90
                    && it.value().value(QStringLiteral("area_msh")).toDouble() >= 5)
                    QVERIFY2(inSpots.contains(it.key()), qPrintable(QString::number(it.key())));
        }
        QVERIFY2(spots >= 6, qPrintable(QString::number(spots)));  // Feb 2014: several regions with spots each day
        QVERIFY(listed > spots);
    }

    void lightCurveFollowsARegionByItsReports()
    {
        QTemporaryDir dir = test::scratchDir();
        const SyntheticOptions o = februaryArchive(dir.filePath(QStringLiteral("archive")), 12);
        QVERIFY(SyntheticArchiveWriter::run(o));
        auto reports = std::make_shared<const RegionSummaryArchive>(RegionSummaryArchive::scan(o.outDir));
        // The region with spots listed on most days.
        QHash<int, int> days;
        for (const RegionSummary &r : reports->reports())
            for (const NoaaRegion &n : r.regions)
                if (n.section == NoaaRegion::Section::Spots)
                    ++days[n.number];
        int number = 0;
        for (auto it = days.begin(); it != days.end(); ++it)
            if (!number || it.value() > days[number])
                number = it.key();
        QVERIFY2(number > 0 && days[number] >= 4, qPrintable(QString::number(number)));
        QVector<Observation> observations;
        QDirIterator files(o.outDir + QStringLiteral("/hmi"), {QStringLiteral("*.fits")}, QDir::Files, QDirIterator::Subdirectories);
        while (files.hasNext()) {
            const QString path = files.next();
            auto info = MapFile::readInfo(path);
            QVERIFY(info);
            Observation obs;
            obs.setFromFile(*info);
            obs.path = path;
            observations << obs;
        }
        QCOMPARE(observations.size(), 12);
        LightCurveRegion region;
        region.box = SkyBox{0, 0, 60, 60};
        region.noaa = number;
        region.reports = reports;
        const QVector<LightCurve> curves = measureLightCurves(observations, region);
        QCOMPARE(curves.size(), 1);
        int onTruth = 0;
        for (const LightCurvePoint &p : curves.front().points) {
            const QDateTime t = QDateTime::fromMSecsSinceEpoch(p.timeMs, QTimeZone::utc());
            // The truth of the nearest step: the region's centre, seen by this file's observer.
            const QDateTime step = QDateTime(t.addSecs(3600).date(), QTime(t.addSecs(3600).time().hour() < 12 ? 0 : 12, 0), QTimeZone::utc());
            QFile f(dir.filePath(QStringLiteral("archive/") + SyntheticArchiveWriter::truthRelativePath(step)));
            QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(f.fileName()));
            QJsonObject truth;
            for (const QJsonValue &v : test::parseJson(f.readAll()).object().value(QStringLiteral("regions")).toArray())
                if (v.toObject().value(QStringLiteral("noaa")).toInt() == number)
                    truth = v.toObject();
            if (!p.measure) {
                // Only where the report of that time does not place it.
                QVERIFY2(p.error.contains(QStringLiteral("NOAA %1").arg(number)), qPrintable(p.error));
                continue;
            }
            QVERIFY(!truth.isEmpty());
            auto frame = MapFile::readFrame(p.file);
            QVERIFY(frame);
            double tx = 0, ty = 0;
            QVERIFY(Wcs::stonyhurstToHelioprojective(LonLat{truth.value(QStringLiteral("lon")).toDouble(),
                                                            truth.value(QStringLiteral("lat")).toDouble()},
                                                     frame->wcs.observer(), tx, ty));
            const double off = std::hypot(p.measure->box.tx - tx, p.measure->box.ty - ty);
            // The reports' whole degrees: at most ~0.7 deg, 12" at disk centre.
            QVERIFY2(off < 15, qPrintable(QStringLiteral("%1: box (%2, %3), truth (%4, %5)").arg(t.toString(Qt::ISODate))
                                              .arg(p.measure->box.tx).arg(p.measure->box.ty).arg(tx).arg(ty)));
            ++onTruth;
        }
        QVERIFY2(onTruth >= 7, qPrintable(QString::number(onTruth)));
    }

    void carriedAndSeenAsSunpy()
    {
        SOLARCHIP_REQUIRE_SDO();
        auto report = RegionSummary::load(m_real);
        QVERIFY(report);
        // 11226 (S22W52 at 2011-06-07 00:00) at the peak of its M2.5 flare, 06:41.
        const QDateTime peak = utc(2011, 6, 7, 6, 41);
        const auto seen = regionsSeenAt(*report, peak.toMSecsSinceEpoch(), earthAt(peak));
        QCOMPARE(seen.size(), 9);  // sections I and IA, all still on the disk 6.7 h later
        const NoaaRegionSeen &ar = seen.front();
        QCOMPARE(ar.region.number, 11226);
        const auto r = test::runPython(QStringLiteral("srs_reference.py"),
                                       {QStringLiteral("seen"), QStringLiteral("52"), QStringLiteral("-22"),
                                        QStringLiteral("2011-06-07T00:00:00"), QStringLiteral("2011-06-07T06:41:00")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject want = test::parseJson(r.out).object();
        QVERIFY2(std::hypot(ar.tx - want.value(QStringLiteral("tx")).toDouble(), ar.ty - want.value(QStringLiteral("ty")).toDouble()) < 0.5,
                 qPrintable(QStringLiteral("(%1, %2) vs sunpy (%3, %4)").arg(ar.tx).arg(ar.ty)
                                .arg(want.value(QStringLiteral("tx")).toDouble()).arg(want.value(QStringLiteral("ty")).toDouble())));
        QVERIFY(std::abs(ar.lonDeg - want.value(QStringLiteral("lon")).toDouble()) < 0.01);
        // The cycle-24 list puts that flare at S22W53: within half the region's longitudinal extent (LL 10 deg).
        auto list = FlareList::load(test::sdoFile(QStringLiteral("labels/final_flare_list_sc24.csv")));
        QVERIFY(list);
        const auto flares = list->between(utc(2011, 6, 7, 6, 0), utc(2011, 6, 7, 7, 0), kGoesM);
        QCOMPARE(flares.size(), 1);
        QCOMPARE(flares.front().noaaAr, 11226);
        QVERIFY2(std::abs(ar.lonDeg - flares.front().hgsLon) <= ar.region.extentDeg / 2.0
                     && std::abs(ar.latDeg - flares.front().hgsLat) <= 1,
                 qPrintable(QStringLiteral("region at (%1, %2), flare at (%3, %4)").arg(ar.lonDeg).arg(ar.latDeg)
                                .arg(flares.front().hgsLon).arg(flares.front().hgsLat)));
        // The flare's listed position is in 11226 (2.6 deg from its centre, carried to the peak); the disk centre is
        // in no region (11232, the nearest, is 8.5 deg away); 11232's own place is 11232.
        const RegionSummaryArchive one({*report});
        double distance = -1;
        const auto in = one.regionNear(peak.toMSecsSinceEpoch(), flares.front().hgsLon, flares.front().hgsLat, 8, &distance);
        QVERIFY(in);
        QCOMPARE(in->number, 11226);
        QVERIFY2(std::abs(distance - std::abs(ar.lonDeg - 53) * std::cos(22 * M_PI / 180)) < 0.05, qPrintable(QString::number(distance)));
        QVERIFY(!one.regionNear(peak.toMSecsSinceEpoch(), 0, 0, 8));
        const auto centreOf11232 = std::find_if(seen.begin(), seen.end(), [](const NoaaRegionSeen &s) { return s.region.number == 11232; });
        QVERIFY(centreOf11232 != seen.end());
        QVERIFY(std::hypot(centreOf11232->lonDeg, centreOf11232->latDeg) > 8);
        QCOMPARE(one.regionNear(peak.toMSecsSinceEpoch(), centreOf11232->lonDeg + 1, centreOf11232->latDeg - 1, 8)->number, 11232);
        // Two days on, 1225 (N17W77) has rotated behind the west limb and is left out; 11232 (N08E07) is still seen.
        const QDateTime later = utc(2011, 6, 9);
        QSet<int> numbers;
        for (const NoaaRegionSeen &s : regionsSeenAt(*report, later.toMSecsSinceEpoch(), earthAt(later)))
            numbers.insert(s.region.number);
        QVERIFY(!numbers.contains(11225));
        QVERIFY(numbers.contains(11232));
    }

    void commandLine()
    {
        SOLARCHIP_REQUIRE_SDO();
        const QString bin = test::binPath(QStringLiteral("solarchip"));
        if (!QFile::exists(bin))
            QSKIP("build/bin/solarchip not built");
        // At the M2.5 flare's peak, from the Earth: 11226 where sunpy's RotatedSunFrame puts it (0.6": the Earth
        // observer's sphere is the 696 000 km of the SDO headers, sunpy's 695 700 km).
        auto r = test::run(bin, {QStringLiteral("regions"), m_real, QStringLiteral("--date"), QStringLiteral("2011-06-07T06:41"),
                                 QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject out = test::parseJson(r.out).object();
        QCOMPARE(out.value(QStringLiteral("valid_at")).toString(), QStringLiteral("2011-06-07T00:00:00.000"));
        const QJsonArray regions = out.value(QStringLiteral("regions")).toArray();
        QCOMPARE(regions.size(), 9);
        const QJsonObject ar = regions.first().toObject();
        QCOMPARE(ar.value(QStringLiteral("number")).toInt(), 11226);
        QCOMPARE(ar.value(QStringLiteral("mag_type")).toString(), QStringLiteral("Beta"));
        const auto ref = test::runPython(QStringLiteral("srs_reference.py"),
                                         {QStringLiteral("seen"), QStringLiteral("52"), QStringLiteral("-22"),
                                          QStringLiteral("2011-06-07T00:00:00"), QStringLiteral("2011-06-07T06:41:00")});
        QVERIFY2(ref.exitCode == 0, ref.err.constData());
        const QJsonObject want = test::parseJson(ref.out).object();
        QVERIFY(std::hypot(ar.value(QStringLiteral("tx")).toDouble() - want.value(QStringLiteral("tx")).toDouble(),
                           ar.value(QStringLiteral("ty")).toDouble() - want.value(QStringLiteral("ty")).toDouble()) < 1.0);
        // Without a time: the report as written.
        r = test::run(bin, {QStringLiteral("regions"), m_real, QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonArray reports = test::parseJson(r.out).object().value(QStringLiteral("reports")).toArray();
        QCOMPARE(reports.size(), 1);
        QCOMPARE(reports[0].toObject().value(QStringLiteral("regions")).toArray().size(), 10);
        // Too far from any report, a folder without one: refused with the reason.
        r = test::run(bin, {QStringLiteral("regions"), m_real, QStringLiteral("--date"), QStringLiteral("2011-06-12")});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("within 36 h"), r.err.constData());
        QTemporaryDir empty = test::scratchDir();
        r = test::run(bin, {QStringLiteral("regions"), QStringLiteral("--archive"), empty.path()});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains(empty.path().toUtf8()) && r.err.contains("no readable Solar Region Summary"), r.err.constData());
    }

    void whichReportATimeUses()
    {
        QVector<RegionSummary> reports(3);
        for (int i = 0; i < 3; ++i)
            reports[i].validAt = utc(2013, 6, 1 + i);
        reports[2].validAt = utc(2013, 6, 5);  // June 4 missing
        const RegionSummaryArchive a(reports);
        auto at = [&](const QDateTime &t) {
            const RegionSummary *r = a.nearest(t.toMSecsSinceEpoch());
            return r ? r->validAt : QDateTime();
        };
        QCOMPARE(at(utc(2013, 6, 1, 11)), utc(2013, 6, 1));
        // Mid-day: the maps of one set (HMI a minute before AIA) share the earlier report.
        QCOMPARE(at(utc(2013, 6, 1, 11, 59)), utc(2013, 6, 1));
        QCOMPARE(at(utc(2013, 6, 1, 12, 1)), utc(2013, 6, 1));
        QCOMPARE(at(utc(2013, 6, 1, 13, 5)), utc(2013, 6, 2));
        QCOMPARE(at(utc(2013, 6, 1, 23, 59)), utc(2013, 6, 2));
        QCOMPARE(at(utc(2013, 5, 31, 2)), utc(2013, 6, 1));
        // June 4's is missing: June 2's for 34 h after it, then June 5's (28 h before it); June 2's is out of reach
        // at 44 h.
        QCOMPARE(at(utc(2013, 6, 3, 10)), utc(2013, 6, 2));
        QCOMPARE(at(utc(2013, 6, 3, 20)), utc(2013, 6, 5));
        QCOMPARE(at(utc(2013, 6, 6, 10)), utc(2013, 6, 5));  // 34 h after the last
        QVERIFY(!at(utc(2013, 6, 7, 0)).isValid());          // 48 h: none
        QVERIFY(!RegionSummaryArchive().nearest(0));
    }

    void monthBoundaryAndEmptySections()
    {
        auto r = RegionSummary::parse(kJulyFirst, QStringLiteral("0701SRS.txt"));
        QVERIFY2(r, qPrintable(r.errorString()));
        QCOMPARE(r->issued, utc(2011, 7, 1, 0, 30));
        QCOMPARE(r->validAt, utc(2011, 7, 1));  // "30/2400Z" in a report issued on July 1: June 30, 24:00
        QVERIFY(r->regions.isEmpty());
        QCOMPARE(r->comments, QStringList{QStringLiteral("a test report")});
        // Written back: the same statements.
        auto again = RegionSummary::parse(r->format(), QStringLiteral("again"));
        QVERIFY(again);
        QCOMPARE(again->validAt, r->validAt);
        QVERIFY(r->format().contains("Locations Valid at 30/2400Z"));
        QVERIFY(r->format().contains("None"));
    }

    void badInputIsNamed()
    {
        QTemporaryDir dir = test::scratchDir();
        auto missing = RegionSummary::load(dir.filePath(QStringLiteral("20110101SRS.txt")));
        QVERIFY(!missing);
        QVERIFY(missing.error().file.endsWith(QStringLiteral("20110101SRS.txt")));
        QVERIFY(missing.error().message.contains(QStringLiteral("no such file")));
        // Not a report at all.
        auto notSrs = RegionSummary::parse("SIMPLE  =                    T\n", QStringLiteral("x.fits"));
        QVERIFY(!notSrs);
        QVERIFY2(notSrs.error().message.contains(QStringLiteral("not a Solar Region Summary")), qPrintable(notSrs.error().message));
        // A truncated row: the file, the line and its text.
        QByteArray cut = kJulyFirst;
        cut.replace("Nmbr Location  Lo  Area  Z   LL   NN Mag Type\nNone\n", "Nmbr Location  Lo  Area  Z   LL   NN Mag Type\n1226 S22W52   036\n");
        auto truncated = RegionSummary::parse(cut, QStringLiteral("cut.txt"));
        QVERIFY(!truncated);
        QCOMPARE(truncated.error().file, QStringLiteral("cut.txt"));
        QVERIFY2(truncated.error().message.startsWith(QStringLiteral("line 10:")) &&
                     truncated.error().message.contains(QStringLiteral("1226 S22W52")),
                 qPrintable(truncated.error().message));
        // A bad location.
        QByteArray badLocation = cut;
        badLocation.replace("1226 S22W52   036\n", "1226 X22W52   036  0080 Dao  10   08 Beta\n");
        auto bad = RegionSummary::parse(badLocation, QStringLiteral("bad.txt"));
        QVERIFY(!bad);
        QVERIFY(bad.error().message.contains(QStringLiteral("Location")));
        // A folder with one good and one bad report: the good one is used, the bad one named.
        QFile good(dir.filePath(QStringLiteral("20110701SRS.txt")));
        QVERIFY(good.open(QIODevice::WriteOnly));
        good.write(kJulyFirst);
        good.close();
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("sub")));
        QFile broken(dir.filePath(QStringLiteral("sub/20110702SRS.txt")));
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write(cut);
        broken.close();
        const RegionSummaryArchive a = RegionSummaryArchive::scan(dir.path());
        QCOMPARE(a.reports().size(), 1);
        QCOMPARE(a.failures().size(), 1);
        QVERIFY(a.failures().front().path.endsWith(QStringLiteral("sub/20110702SRS.txt")));
        QVERIFY(a.failures().front().reason.startsWith(QStringLiteral("line 10:")));
        // Not recursive (loose files' folder): the subfolder is not looked into.
        QVERIFY(RegionSummaryArchive::scan(dir.path(), false).failures().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestRegionSummary)
#include "tst_regionsummary.moc"
