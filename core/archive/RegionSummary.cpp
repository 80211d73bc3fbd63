#include "core/archive/RegionSummary.h"

#include "core/map/DifferentialRotation.h"

#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QRegularExpression>
#include <QTimeZone>

#include <algorithm>
#include <cmath>

namespace solarchip {

namespace {

constexpr int kNumberOffset = 10000;  // the report prints the last four digits (sunpy's read_srs adds 10000 too)

const char *const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

int monthOf(const QString &name)
{
    for (int i = 0; i < 12; ++i)
        if (name.compare(QLatin1String(kMonths[i]), Qt::CaseInsensitive) == 0)
            return i + 1;
    return 0;
}

QString monthName(int month) { return QLatin1String(kMonths[std::clamp(month, 1, 12) - 1]); }

QDateTime utc(const QDate &d, int hhmm)
{
    return QDateTime(d, QTime(0, 0), QTimeZone::utc()).addSecs(static_cast<qint64>(hhmm / 100) * 3600 + (hhmm % 100) * 60);
}

// "S22W52" -> lat -22, lon +52.
bool parseLocation(const QString &text, double &lat, double &lon)
{
    static const auto &re = *new QRegularExpression(QStringLiteral("^([NS])(\\d{1,2})([EW])(\\d{1,3})$"));
    const auto m = re.match(text);
    if (!m.hasMatch())
        return false;
    lat = m.captured(2).toDouble() * (m.captured(1) == QLatin1String("S") ? -1 : 1);
    lon = m.captured(4).toDouble() * (m.captured(3) == QLatin1String("E") ? -1 : 1);
    return std::abs(lat) <= 90 && std::abs(lon) <= 180;
}

bool parseLatitude(const QString &text, double &lat)
{
    static const auto &re = *new QRegularExpression(QStringLiteral("^([NS])(\\d{1,2})$"));
    const auto m = re.match(text);
    if (!m.hasMatch())
        return false;
    lat = m.captured(2).toDouble() * (m.captured(1) == QLatin1String("S") ? -1 : 1);
    return std::abs(lat) <= 90;
}

bool parseInt(const QString &text, int &out, int lo, int hi)
{
    bool ok = false;
    out = text.toInt(&ok);
    return ok && out >= lo && out <= hi;
}

QString twoDigits(double v) { return QStringLiteral("%1").arg(static_cast<int>(std::lround(std::abs(v))), 2, 10, QLatin1Char('0')); }

QString carringtonText(double lo)
{
    int v = static_cast<int>(std::lround(lo)) % 360;
    if (v < 0)
        v += 360;
    return QStringLiteral("%1").arg(v, 3, 10, QLatin1Char('0'));
}

}  // namespace

QString NoaaRegion::magTypeSymbols() const
{
    QString out;
    for (const QString &part : magType.split(QLatin1Char('-'), Qt::SkipEmptyParts)) {
        const QString p = part.trimmed().toLower();
        if (p == QLatin1String("alpha"))
            out += QChar(0x03B1);
        else if (p == QLatin1String("beta"))
            out += QChar(0x03B2);
        else if (p == QLatin1String("gamma"))
            out += QChar(0x03B3);
        else if (p == QLatin1String("delta"))
            out += QChar(0x03B4);
        else
            return magType;  // a class spelled otherwise: shown as written
    }
    return out;
}

QString NoaaRegion::locationText(double lat, double lon)
{
    return QString(lat < 0 ? QLatin1Char('S') : QLatin1Char('N')) + twoDigits(lat) +
           QString(lon < 0 ? QLatin1Char('E') : QLatin1Char('W')) + twoDigits(lon);
}

QString NoaaRegion::sectionKey(Section section)
{
    switch (section) {
    case Section::Spots: return QStringLiteral("spots");
    case Section::Plage: return QStringLiteral("plage");
    case Section::DueToReturn: return QStringLiteral("due_to_return");
    }
    return {};
}

Expected<RegionSummary> RegionSummary::load(const QString &path)
{
    QFile f(path);
    if (!f.exists())
        return Error{path, QStringLiteral("no such file")};
    if (!f.open(QIODevice::ReadOnly))
        return Error{path, QStringLiteral("cannot be read: %1").arg(f.errorString())};
    // A real report is ~1-3 kB; anything far larger is not one.
    if (f.size() > 1024 * 1024)
        return Error{path, QStringLiteral("%1 bytes: far larger than a Solar Region Summary").arg(f.size())};
    auto r = parse(f.readAll(), path);
    if (r)
        r->path = path;
    return r;
}

Expected<RegionSummary> RegionSummary::parse(const QByteArray &text, const QString &source)
{
    RegionSummary out;
    const QStringList lines = QString::fromLatin1(text).split(QLatin1Char('\n'));
    // (the expressions are never destroyed: reports are read on the background pool, which may still run at exit)
    static const auto &issuedRe =
        *new QRegularExpression(QStringLiteral("^:Issued:\\s*(\\d{4})\\s+([A-Za-z]{3})\\s+(\\d{1,2})\\s+(\\d{4})\\s*UTC"));
    static const auto &numberRe = *new QRegularExpression(QStringLiteral("^SRS Number\\s+(\\d+)"));
    static const auto &validRe =
        *new QRegularExpression(QStringLiteral("Valid at\\s+(\\d{1,2})/(\\d{4})Z"), QRegularExpression::CaseInsensitiveOption);
    static const auto &space = *new QRegularExpression(QStringLiteral("\\s+"));
    enum class At { Header, Spots, Plage, Return } at = At::Header;
    int validDay = -1, validHhmm = 0;
    auto bad = [&](int line, const QString &what) {
        return Error{source, QStringLiteral("line %1: %2: '%3'").arg(line).arg(what, lines.value(line - 1).trimmed().left(80))};
    };
    for (int i = 0; i < lines.size(); ++i) {
        const int lineNo = i + 1;
        const QString line = lines[i].trimmed();
        if (line.isEmpty())
            continue;
        if (line.startsWith(QLatin1Char('#'))) {
            const QString c = line.mid(1).trimmed();
            if (!c.isEmpty())
                out.comments << c;
            continue;
        }
        if (line.startsWith(QLatin1Char(':'))) {
            if (const auto m = issuedRe.match(line); m.hasMatch()) {
                const int month = monthOf(m.captured(2));
                const QDate d(m.captured(1).toInt(), month, m.captured(3).toInt());
                if (!d.isValid())
                    return bad(lineNo, QStringLiteral("an issue date that is not a date"));
                out.issued = utc(d, m.captured(4).toInt());
            }
            continue;
        }
        if (const auto m = numberRe.match(line); m.hasMatch()) {
            out.srsNumber = m.captured(1).toInt();
            continue;
        }
        // Section heads: "I.  Regions with Sunspots...", "IA. H-alpha Plages...", "II. Regions Due to Return...".
        const auto sectionHead = [&](const char *tag) { return line.startsWith(QLatin1String(tag)); };
        if (sectionHead("IA.") || sectionHead("I.") || sectionHead("II.")) {
            at = sectionHead("IA.") ? At::Plage : sectionHead("II.") ? At::Return : At::Spots;
            if (const auto m = validRe.match(line); m.hasMatch() && validDay < 0) {
                validDay = m.captured(1).toInt();
                validHhmm = m.captured(2).toInt();
            }
            continue;
        }
        if (at == At::Header || line.startsWith(QLatin1String("Nmbr"), Qt::CaseInsensitive) ||
            line.compare(QLatin1String("None"), Qt::CaseInsensitive) == 0)
            continue;
        const QStringList t = line.split(space, Qt::SkipEmptyParts);
        NoaaRegion r;
        r.line = lineNo;
        if (!parseInt(t.value(0), r.number, 0, 9999))
            return bad(lineNo, QStringLiteral("a region row whose first column is not a 4-digit region number"));
        r.number += kNumberOffset;
        double lo = 0;
        int loInt = 0;
        if (at == At::Return) {
            r.section = NoaaRegion::Section::DueToReturn;
            if (t.size() < 3 || !parseLatitude(t[1], r.latDeg) || !parseInt(t[2], loInt, 0, 360))
                return bad(lineNo, QStringLiteral("a 'Regions Due to Return' row is 'Nmbr Lat Lo' (e.g. 1221 S18 253)"));
            lo = loInt;
        } else {
            r.section = at == At::Spots ? NoaaRegion::Section::Spots : NoaaRegion::Section::Plage;
            if (t.size() < 3 || !parseLocation(t[1], r.latDeg, r.lonDeg) || !parseInt(t[2], loInt, 0, 360))
                return bad(lineNo, QStringLiteral("a region row is 'Nmbr Location Lo ...' (e.g. 1226 S22W52 036)"));
            r.location = t[1];
            lo = loInt;
            if (at == At::Spots) {
                if (t.size() < 7 || !parseInt(t[3], r.areaMsh, 0, 99999) || !parseInt(t[5], r.extentDeg, 0, 999) ||
                    !parseInt(t[6], r.spotCount, 0, 999))
                    return bad(lineNo, QStringLiteral("a sunspot region row is 'Nmbr Location Lo Area Z LL NN Mag Type'"));
                r.mcIntosh = t[4];
                r.magType = t.mid(7).join(QLatin1Char(' '));
            }
        }
        r.carringtonLonDeg = lo == 360 ? 0 : lo;
        out.regions.push_back(r);
    }
    if (!out.issued.isValid())
        return Error{source, QStringLiteral("no ':Issued: YYYY Mon DD HHMM UTC' line: not a Solar Region Summary")};
    // "Valid at 06/2400Z" in a report issued on 07 Jun: the day is the issue month's unless it lies after the
    // issue day (a report issued on the 1st for the 31st of the month before).
    QDate day = out.issued.date();
    if (validDay > 0) {
        QDate d(day.year(), day.month(), std::min(validDay, day.daysInMonth()));
        if (validDay > day.day()) {
            const QDate previous = day.addMonths(-1);
            d = QDate(previous.year(), previous.month(), std::min(validDay, previous.daysInMonth()));
        }
        out.validAt = utc(d, validHhmm);
    } else {
        out.validAt = QDateTime(day, QTime(0, 0), QTimeZone::utc());
    }
    return out;
}

QByteArray RegionSummary::format() const
{
    const QDate issue = issued.date();
    const QDateTime before = validAt.addSecs(-1);  // 07 00:00 is written as 06/2400Z
    const QString validText = QStringLiteral("%1/%2Z")
                                  .arg(before.date().day(), 2, 10, QLatin1Char('0'))
                                  .arg(validAt.time() == QTime(0, 0) ? QStringLiteral("2400") : validAt.toString(QStringLiteral("HHmm")));
    QStringList o;
    o << QStringLiteral(":Product: %1").arg(fileNameFor(issued).mid(4));
    o << QStringLiteral(":Issued: %1 %2 %3 %4 UTC")
             .arg(issue.year())
             .arg(monthName(issue.month()))
             .arg(issue.day(), 2, 10, QLatin1Char('0'))
             .arg(issued.toString(QStringLiteral("HHmm")));
    const QStringList c = comments.isEmpty()
                              ? QStringList{QStringLiteral("Prepared jointly by the U.S. Dept. of Commerce, NOAA,"),
                                            QStringLiteral("Space Weather Prediction Center and the U.S. Air Force.")}
                              : comments;
    for (const QString &line : c)
        o << QStringLiteral("# ") + line;
    o << QStringLiteral("#");
    o << QStringLiteral("Joint USAF/NOAA Solar Region Summary");
    o << QStringLiteral("SRS Number %1 Issued at %2Z on %3 %4 %5")
             .arg(std::max(srsNumber, 0))
             .arg(issued.toString(QStringLiteral("HHmm")))
             .arg(issue.day(), 2, 10, QLatin1Char('0'))
             .arg(monthName(issue.month()))
             .arg(issue.year());
    o << QStringLiteral("Report compiled from data received at SWO on %1 %2")
             .arg(before.date().day(), 2, 10, QLatin1Char('0'))
             .arg(monthName(before.date().month()));
    auto rows = [&](NoaaRegion::Section s) {
        QVector<NoaaRegion> r;
        for (const NoaaRegion &x : regions)
            if (x.section == s)
                r.push_back(x);
        return r;
    };
    auto number = [](const NoaaRegion &r) { return QStringLiteral("%1").arg(r.number % kNumberOffset, 4, 10, QLatin1Char('0')); };
    o << QStringLiteral("I.  Regions with Sunspots.  Locations Valid at %1").arg(validText);
    o << QStringLiteral("Nmbr Location  Lo  Area  Z   LL   NN Mag Type");
    const auto spots = rows(NoaaRegion::Section::Spots);
    if (spots.isEmpty())
        o << QStringLiteral("None");
    for (const NoaaRegion &r : spots)
        o << QStringLiteral("%1 %2   %3  %4 %5  %6   %7 %8")
                 .arg(number(r), NoaaRegion::locationText(r.latDeg, r.lonDeg), carringtonText(r.carringtonLonDeg))
                 .arg(std::max(r.areaMsh, 0), 4, 10, QLatin1Char('0'))
                 .arg(r.mcIntosh.leftJustified(3, QLatin1Char(' '), true))
                 .arg(std::max(r.extentDeg, 0), 2, 10, QLatin1Char('0'))
                 .arg(std::max(r.spotCount, 0), 2, 10, QLatin1Char('0'))
                 .arg(r.magType);
    o << QStringLiteral("IA. H-alpha Plages without Spots.  Locations Valid at %1 %2").arg(validText, monthName(before.date().month()));
    o << QStringLiteral("Nmbr  Location  Lo");
    const auto plages = rows(NoaaRegion::Section::Plage);
    if (plages.isEmpty())
        o << QStringLiteral("None");
    for (const NoaaRegion &r : plages)
        o << QStringLiteral("%1  %2   %3").arg(number(r), NoaaRegion::locationText(r.latDeg, r.lonDeg), carringtonText(r.carringtonLonDeg));
    const QDate last = issue.addDays(2);
    o << QStringLiteral("II. Regions Due to Return %1 %2 to %3 %4")
             .arg(issue.day(), 2, 10, QLatin1Char('0'))
             .arg(monthName(issue.month()))
             .arg(last.day(), 2, 10, QLatin1Char('0'))
             .arg(monthName(last.month()));
    o << QStringLiteral("Nmbr Lat    Lo");
    const auto returning = rows(NoaaRegion::Section::DueToReturn);
    if (returning.isEmpty())
        o << QStringLiteral("None");
    for (const NoaaRegion &r : returning)
        o << QStringLiteral("%1 %2    %3")
                 .arg(number(r), QString(r.latDeg < 0 ? QLatin1Char('S') : QLatin1Char('N')) + twoDigits(r.latDeg),
                      carringtonText(r.carringtonLonDeg));
    return (o.join(QLatin1Char('\n')) + QLatin1Char('\n')).toLatin1();
}

QString RegionSummary::fileNameFor(const QDateTime &issued)
{
    return issued.toUTC().toString(QStringLiteral("yyyyMMdd")) + QStringLiteral("SRS.txt");
}

QVector<NoaaRegionSeen> regionsSeenAt(const RegionSummary &report, qint64 utcMs, const Observer &observer)
{
    QVector<NoaaRegionSeen> out;
    if (!report.validAt.isValid())
        return out;
    const qint64 from = report.validAt.toMSecsSinceEpoch();
    for (const NoaaRegion &r : report.regions) {
        if (r.section == NoaaRegion::Section::DueToReturn || !std::isfinite(r.lonDeg) || !std::isfinite(r.latDeg))
            continue;
        const QPointF moved = rotateStonyhurst(QPointF(r.lonDeg, r.latDeg), from, utcMs);
        NoaaRegionSeen s;
        s.region = r;
        s.lonDeg = moved.x();
        s.latDeg = moved.y();
        bool visible = false;
        if (!Wcs::stonyhurstToHelioprojective(LonLat{s.lonDeg, s.latDeg}, observer, s.tx, s.ty, &visible) || !visible)
            continue;
        out.push_back(s);
    }
    return out;
}

// ---- a folder of reports -----------------------------------------------------------------------------------

RegionSummaryArchive::RegionSummaryArchive(QVector<RegionSummary> reports) : m_reports(std::move(reports))
{
    std::stable_sort(m_reports.begin(), m_reports.end(),
                     [](const RegionSummary &a, const RegionSummary &b) { return a.validAt < b.validAt; });
}

RegionSummaryArchive RegionSummaryArchive::scan(const QString &root, bool recursive)
{
    QVector<RegionSummary> found;
    QVector<Failure> failures;
    if (!root.isEmpty() && QFileInfo(root).isDir()) {
        QStringList dirs{root};
        while (!dirs.isEmpty()) {
            QDirIterator d(dirs.takeFirst(), QDir::Dirs | QDir::Files | QDir::NoDotAndDotDot | QDir::Hidden);
            while (d.hasNext()) {
                d.next();
                const QFileInfo fi = d.fileInfo();
                if (fi.isDir()) {
                    if (recursive && !fi.fileName().startsWith(QLatin1Char('.')) && !fi.isSymLink())
                        dirs << fi.filePath();
                } else if (fi.fileName().endsWith(QLatin1String("SRS.txt"), Qt::CaseInsensitive)) {
                    auto r = RegionSummary::load(fi.filePath());
                    if (r)
                        found.push_back(std::move(*r));
                    else
                        failures.push_back({fi.filePath(), r.error().message});
                }
            }
        }
    }
    RegionSummaryArchive a(std::move(found));
    a.m_failures = std::move(failures);
    return a;
}

std::optional<NoaaRegion> RegionSummaryArchive::regionNear(qint64 utcMs, double lonDeg, double latDeg, double maxDeg,
                                                          double *distanceDeg) const
{
    const RegionSummary *report = nearest(utcMs);
    if (!report || !std::isfinite(lonDeg) || !std::isfinite(latDeg))
        return std::nullopt;
    std::optional<NoaaRegion> best;
    double bestDistance = maxDeg;
    const qint64 from = report->validAt.toMSecsSinceEpoch();
    for (const NoaaRegion &r : report->regions) {
        if (r.section == NoaaRegion::Section::DueToReturn || !std::isfinite(r.lonDeg))
            continue;
        const double d = heliographicDistanceDeg(rotateStonyhurst(QPointF(r.lonDeg, r.latDeg), from, utcMs),
                                                 QPointF(lonDeg, latDeg));
        if (d <= bestDistance) {
            bestDistance = d;
            best = r;
        }
    }
    if (best && distanceDeg)
        *distanceDeg = bestDistance;
    return best;
}

const RegionSummary *RegionSummaryArchive::nearest(qint64 utcMs, double maxHours) const
{
    const qint64 reach = static_cast<qint64>(maxHours * 3.6e6);
    // The first report valid after utcMs, and the last one at or before it.
    const auto after = std::upper_bound(m_reports.begin(), m_reports.end(), utcMs,
                                        [](qint64 t, const RegionSummary &r) { return t < r.validAt.toMSecsSinceEpoch(); });
    const RegionSummary *earlier = after == m_reports.begin() ? nullptr : &*(after - 1);
    const RegionSummary *later = after == m_reports.end() ? nullptr : &*after;
    const qint64 gapEarlier = earlier ? utcMs - earlier->validAt.toMSecsSinceEpoch() : reach + 1;
    const qint64 gapLater = later ? later->validAt.toMSecsSinceEpoch() - utcMs : reach + 1;
    if (gapEarlier > reach && gapLater > reach)
        return nullptr;
    // The nearer one, but the earlier report unless the later is nearer by more than an hour: the maps of one set
    // (HMI's T_OBS a minute before AIA's, AIA channels seconds apart) then share a report at mid-day, where the two
    // daily reports are equally near.
    constexpr qint64 kHourMs = 3600000;
    return gapEarlier <= gapLater + kHourMs && gapEarlier <= reach ? earlier : later;
}

}  // namespace solarchip
