#include "core/archive/FlareList.h"

#include "core/base/AtomicFile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QTimeZone>

#include <algorithm>
#include <cmath>
#include <functional>
#include <initializer_list>
#include <optional>

namespace solarchip {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const char *const kSwpcHeader =
    "date,event_no,start_time,max_time,end_time,goes_sat,goes_channel,goes_class_ind,goes_class,"
    "integrated_flux,noaa_ar,ts";
const char *const kSc24Header =
    "event_starttime,event_peaktime,event_endtime,goes_class_ind,goes_class,goes_class_val,integrated_flux,"
    "noaa_ar,position_hgs,hgs_lat,hgs_lon,hpc_x,hpc_y";
// The HEK columns read (any order, others ignored); only the first four are required.
const char *const kHekColumns = "event_starttime,event_peaktime,event_endtime,fl_goescls[,ar_noaanum,hpc_x,hpc_y,hgs_x,hgs_y,frm_name]";

// Splits one CSV record (RFC 4180 quoting; no embedded newlines in these lists).
QStringList splitCsv(const QString &line)
{
    QStringList out;
    QString cur;
    bool quoted = false;
    for (int i = 0; i < line.size(); ++i) {
        const QChar c = line.at(i);
        if (quoted) {
            if (c == QLatin1Char('"')) {
                if (i + 1 < line.size() && line.at(i + 1) == QLatin1Char('"')) {
                    cur += QLatin1Char('"');
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                cur += c;
            }
        } else if (c == QLatin1Char('"')) {
            quoted = true;
        } else if (c == QLatin1Char(',')) {
            out << cur;
            cur.clear();
        } else {
            cur += c;
        }
    }
    out << cur;
    return out;
}

// "0709" -> minutes after midnight; -1 for "////" (missing); -2 for anything else.
int hhmm(const QString &text)
{
    const QString t = text.trimmed();
    if (t == QLatin1String("////") || t.isEmpty())
        return -1;
    if (t.size() != 4)
        return -2;
    bool ok = false;
    const int v = t.toInt(&ok);
    if (!ok || v < 0 || v / 100 > 23 || v % 100 > 59)
        return -2;
    return (v / 100) * 60 + v % 100;
}

double numberOrNaN(const QString &text, bool *bad)
{
    const QString t = text.trimmed();
    if (t.isEmpty() || t.compare(QLatin1String("nan"), Qt::CaseInsensitive) == 0)
        return kNaN;
    bool ok = false;
    const double v = t.toDouble(&ok);
    if (!ok && bad)
        *bad = true;
    return ok ? v : kNaN;
}

// "2011-08-09 07:48:00" (sc24 list), "2011-08-09 07:48:00.000" (astropy's ISO, as a HEK table exported by
// Table.write), "2011-08-09T07:48:00" (the HEK's own JSON), all UTC.
QDateTime sc24Time(const QString &text)
{
    const QString t0 = text.trimmed();
    QDateTime t = QDateTime::fromString(t0, QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    if (!t.isValid())
        t = QDateTime::fromString(t0, QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
    if (!t.isValid())
        t = QDateTime::fromString(t0, Qt::ISODateWithMs);
    if (t.isValid())
        t.setTimeZone(QTimeZone::utc());
    return t;
}

struct Rows {
    QStringList header;
    QVector<QStringList> rows;
    QVector<int> lines;
    QStringList texts;   // each row as written (for messages)
};

// A row that cannot be read refuses the whole file: a silently dropped flare would turn a positive window
// into a negative label. The message names the file, the line and the row's text.
// The event_starttime (required), event_peaktime and event_endtime (optional) columns the SC24 and HEK layouts
// share, into e; the problem with the row when one is not a time (startForm: the form the layout's start takes).
std::optional<QString> readEventTimes(const QStringList &f, int cStart, int cPeak, int cEnd, const char *startForm,
                                      FlareEvent &e)
{
    e.start = sc24Time(f[cStart]);
    if (!e.start.isValid())
        return QStringLiteral("event_starttime '%1' is not a time (%2)").arg(f[cStart], QLatin1String(startForm));
    if (!f[cPeak].trimmed().isEmpty()) {
        e.peak = sc24Time(f[cPeak]);
        if (!e.peak.isValid())
            return QStringLiteral("event_peaktime '%1' is not a time").arg(f[cPeak]);
    }
    if (!f[cEnd].trimmed().isEmpty()) {
        e.end = sc24Time(f[cEnd]);
        if (!e.end.isValid())
            return QStringLiteral("event_endtime '%1' is not a time").arg(f[cEnd]);
    }
    return std::nullopt;
}

Error rowError(const QString &file, int line, const QString &text, const QString &what)
{
    QString shown = text.trimmed();
    if (shown.size() > 160)
        shown = shown.left(157) + QStringLiteral("...");
    return Error{file, QStringLiteral("line %1: %2 (row: \"%3\"); the file was refused, no flare loaded")
                           .arg(line).arg(what, shown)};
}

Expected<Rows> readRows(const QByteArray &text, const QString &file)
{
    Rows r;
    const QList<QByteArray> lines = text.split('\n');
    int lineNo = 0;
    for (QByteArray raw : lines) {
        ++lineNo;
        if (raw.endsWith('\r'))
            raw.chop(1);
        if (raw.trimmed().isEmpty())
            continue;
        const QStringList fields = splitCsv(QString::fromUtf8(raw));
        if (r.header.isEmpty()) {
            r.header = fields;
            for (QString &h : r.header)
                h = h.trimmed();
            continue;
        }
        r.rows << fields;
        r.lines << lineNo;
        r.texts << QString::fromUtf8(raw);
    }
    if (r.header.isEmpty())
        return Error{file, QStringLiteral("empty flare list (no header line)")};
    return r;
}

// Both shipped lists carry a leading unnamed index column in the rows only (pandas to_csv with the index
// but without an index label), so a row has one field more than the header. Rows without it are accepted.
Expected<QStringList> alignRow(const Rows &r, int i, const QString &file)
{
    const QStringList &row = r.rows[i];
    const int headerCount = static_cast<int>(r.header.size());
    if (row.size() == headerCount + 1)
        return row.mid(1);
    if (row.size() == headerCount)
        return row;
    return rowError(file, r.lines[i], r.texts[i],
                    QStringLiteral("%1 fields, expected %2 (or %3 with the leading index column)")
                        .arg(row.size())
                        .arg(headerCount)
                        .arg(headerCount + 1));
}

int indexOf(const QStringList &header, const char *name) { return header.indexOf(QString::fromLatin1(name)); }

// What a layout's reader says of one row: nothing (the event is filled), a problem (the file is refused with
// it), or a reason to skip the row (listed in skippedRows()).
struct RowVerdict {
    QString problem, skip;
    static RowVerdict ok() { return {}; }
    static RowVerdict bad(const QString &what) { return {what, {}}; }
    static RowVerdict skipped(const QString &why) { return {{}, why}; }
};
using RowReader = std::function<RowVerdict(const QStringList &fields, FlareEvent &event)>;

// The frame the three layouts share: the header's required columns ("line 1: <layout> header lacks the column
// 'x'"), each row aligned to the header (leading index column), the event's line, and the row error that names
// the file, the line and the row's text.
Expected<FlareList> readEvents(const Rows &r, const QString &file, const QString &layout, std::initializer_list<const char *> need,
                               const RowReader &read, QVector<FlareList::SkippedRow> *skipped = nullptr)
{
    for (const char *n : need)
        if (indexOf(r.header, n) < 0)
            return Error{file, QStringLiteral("line 1: %1 header lacks the column '%2'").arg(layout, QLatin1String(n))};
    QVector<FlareEvent> events;
    events.reserve(r.rows.size());
    for (int i = 0; i < r.rows.size(); ++i) {
        auto aligned = alignRow(r, i, file);
        if (!aligned)
            return aligned.error();
        FlareEvent e;
        e.line = r.lines[i];
        const RowVerdict v = read(*aligned, e);
        if (!v.problem.isEmpty())
            return rowError(file, e.line, r.texts[i], v.problem);
        if (!v.skip.isEmpty()) {
            if (skipped)
                skipped->append({e.line, r.texts[i], v.skip});
            continue;
        }
        events << e;
    }
    return FlareList(std::move(events));
}

// The NOAA region column (noaa_ar) of the SWPC and SC24 layouts: empty is no region.
std::optional<QString> readRegion(const QStringList &f, int c, FlareEvent &e)
{
    if (c < 0 || f[c].trimmed().isEmpty())
        return std::nullopt;
    bool ok = false;
    e.noaaAr = f[c].trimmed().toInt(&ok);
    if (!ok)
        return QStringLiteral("noaa_ar '%1' is not a region number").arg(f[c]);
    return std::nullopt;
}

Expected<FlareList> parseSwpc(const Rows &r, const QString &file)
{
    const int cDate = indexOf(r.header, "date"), cNo = indexOf(r.header, "event_no"),
              cStart = indexOf(r.header, "start_time"), cMax = indexOf(r.header, "max_time"),
              cEnd = indexOf(r.header, "end_time"), cSat = indexOf(r.header, "goes_sat"),
              cClass = indexOf(r.header, "goes_class"), cFlux = indexOf(r.header, "integrated_flux"),
              cAr = indexOf(r.header, "noaa_ar");
    return readEvents(r, file, QStringLiteral("SWPC flare list"), {"date", "start_time", "max_time", "end_time", "goes_class"},
                      [&](const QStringList &f, FlareEvent &e) {
        const QDate date = QDate::fromString(f[cDate].trimmed(), QStringLiteral("yyyyMMdd"));
        if (!date.isValid())
            return RowVerdict::bad(QStringLiteral("date '%1' is not YYYYMMDD").arg(f[cDate]));
        const int start = hhmm(f[cStart]), peak = hhmm(f[cMax]), end = hhmm(f[cEnd]);
        if (start < 0)
            return RowVerdict::bad(QStringLiteral("start_time '%1' is not HHMM").arg(f[cStart]));
        if (peak == -2)
            return RowVerdict::bad(QStringLiteral("max_time '%1' is not HHMM or ////").arg(f[cMax]));
        if (end == -2)
            return RowVerdict::bad(QStringLiteral("end_time '%1' is not HHMM or ////").arg(f[cEnd]));
        const QDateTime day(date, QTime(0, 0), QTimeZone::utc());
        e.start = day.addSecs(start * 60);
        // Times are HHMM on the start date; an event running past midnight wraps (2340 -> 0003).
        if (peak >= 0)
            e.peak = day.addSecs((peak + (peak < start ? 1440 : 0)) * 60);
        if (end >= 0) {
            const int after = peak >= 0 ? (peak < start ? peak + 1440 : peak) : start;
            int endMin = end;
            while (endMin < after)
                endMin += 1440;
            e.end = day.addSecs(endMin * 60);
        }
        e.goesClass = f[cClass].trimmed();
        const auto flux = goesClassToFlux(e.goesClass);
        if (!flux)
            return RowVerdict::bad(QStringLiteral("goes_class '%1' is not a GOES class (A/B/C/M/X and a number)").arg(f[cClass]));
        e.peakFlux = *flux;
        if (cFlux >= 0) {
            bool wrong = false;
            e.integratedFlux = numberOrNaN(f[cFlux], &wrong);
            if (wrong)
                return RowVerdict::bad(QStringLiteral("integrated_flux '%1' is not a number").arg(f[cFlux]));
        }
        if (const auto why = readRegion(f, cAr, e))
            return RowVerdict::bad(*why);
        if (cSat >= 0)
            e.satellite = f[cSat].trimmed();
        if (cNo >= 0)
            e.eventNo = f[cNo].trimmed();
        return RowVerdict::ok();
    });
}

Expected<FlareList> parseSc24(const Rows &r, const QString &file)
{
    const int cStart = indexOf(r.header, "event_starttime"), cPeak = indexOf(r.header, "event_peaktime"),
              cEnd = indexOf(r.header, "event_endtime"), cClass = indexOf(r.header, "goes_class"),
              cVal = indexOf(r.header, "goes_class_val"), cFlux = indexOf(r.header, "integrated_flux"),
              cAr = indexOf(r.header, "noaa_ar"), cPos = indexOf(r.header, "position_hgs"),
              cLat = indexOf(r.header, "hgs_lat"), cLon = indexOf(r.header, "hgs_lon"),
              cX = indexOf(r.header, "hpc_x"), cY = indexOf(r.header, "hpc_y");
    return readEvents(r, file, QStringLiteral("flare list"), {"event_starttime", "event_peaktime", "event_endtime", "goes_class"},
                      [&](const QStringList &f, FlareEvent &e) {
        if (const auto why = readEventTimes(f, cStart, cPeak, cEnd, "YYYY-MM-DD HH:MM:SS", e))
            return RowVerdict::bad(*why);
        e.goesClass = f[cClass].trimmed();
        const auto flux = goesClassToFlux(e.goesClass);
        if (!flux)
            return RowVerdict::bad(QStringLiteral("goes_class '%1' is not a GOES class").arg(f[cClass]));
        e.peakFlux = *flux;
        bool wrong = false;
        if (cVal >= 0) {
            const double v = numberOrNaN(f[cVal], &wrong);
            if (std::isfinite(v) && v > 0)
                e.peakFlux = v;
        }
        if (cFlux >= 0)
            e.integratedFlux = numberOrNaN(f[cFlux], &wrong);
        if (cLat >= 0)
            e.hgsLat = numberOrNaN(f[cLat], &wrong);
        if (cLon >= 0)
            e.hgsLon = numberOrNaN(f[cLon], &wrong);
        if (cX >= 0)
            e.hpcX = numberOrNaN(f[cX], &wrong);
        if (cY >= 0)
            e.hpcY = numberOrNaN(f[cY], &wrong);
        if (wrong)
            return RowVerdict::bad(QStringLiteral("a numeric column (goes_class_val, integrated_flux, hgs_lat/lon, hpc_x/y) "
                                                  "holds text that is not a number"));
        if (cPos >= 0)
            e.location = f[cPos].trimmed();
        if (const auto why = readRegion(f, cAr, e))
            return RowVerdict::bad(*why);
        return RowVerdict::ok();
    });
}

// A HEK flare query (sunpy's HEKClient or Fido with a.hek.FL) written to CSV: one row per flare report, from
// any feature-recognition method. Rows without a GOES class (reports of methods that do not measure one, e.g.
// an EUV flare detector) are skipped and listed in skippedRows(); a row with a class that cannot be read
// refuses the file. hgs_x is the Stonyhurst longitude, hgs_y the latitude; ar_noaanum 0 means no region.
Expected<FlareList> parseHek(const Rows &r, const QString &file, QVector<FlareList::SkippedRow> *skipped)
{
    const int cStart = indexOf(r.header, "event_starttime"), cPeak = indexOf(r.header, "event_peaktime"),
              cEnd = indexOf(r.header, "event_endtime"), cClass = indexOf(r.header, "fl_goescls"),
              cAr = indexOf(r.header, "ar_noaanum"), cX = indexOf(r.header, "hpc_x"), cY = indexOf(r.header, "hpc_y"),
              cLon = indexOf(r.header, "hgs_x"), cLat = indexOf(r.header, "hgs_y"), cFrm = indexOf(r.header, "frm_name");
    return readEvents(r, file, QStringLiteral("HEK flare list"), {"event_starttime", "event_peaktime", "event_endtime", "fl_goescls"},
                      [&](const QStringList &f, FlareEvent &e) {
        e.goesClass = f[cClass].trimmed();
        if (e.goesClass.isEmpty() || e.goesClass == QLatin1String("--"))
            return RowVerdict::skipped(QStringLiteral("no GOES class (fl_goescls empty)"));
        const auto flux = goesClassToFlux(e.goesClass);
        if (!flux)
            return RowVerdict::bad(QStringLiteral("fl_goescls '%1' is not a GOES class (A/B/C/M/X and a number)").arg(f[cClass]));
        e.peakFlux = *flux;
        if (const auto why = readEventTimes(f, cStart, cPeak, cEnd, "YYYY-MM-DD HH:MM:SS[.mmm]", e))
            return RowVerdict::bad(*why);
        bool wrong = false;
        if (cX >= 0)
            e.hpcX = numberOrNaN(f[cX], &wrong);
        if (cY >= 0)
            e.hpcY = numberOrNaN(f[cY], &wrong);
        if (cLon >= 0)
            e.hgsLon = numberOrNaN(f[cLon], &wrong);
        if (cLat >= 0)
            e.hgsLat = numberOrNaN(f[cLat], &wrong);
        if (wrong)
            return RowVerdict::bad(QStringLiteral("a position column (hpc_x, hpc_y, hgs_x, hgs_y) holds text that is not a number"));
        if (cAr >= 0 && !f[cAr].trimmed().isEmpty()) {
            bool ok = false;
            const double ar = f[cAr].trimmed().toDouble(&ok);  // astropy may write 11263.0
            if (!ok || ar < 0 || ar != std::floor(ar))
                return RowVerdict::bad(QStringLiteral("ar_noaanum '%1' is not a region number").arg(f[cAr]));
            e.noaaAr = static_cast<int>(ar);
        }
        if (cFrm >= 0)
            e.satellite = f[cFrm].trimmed();
        return RowVerdict::ok();
    }, skipped);
}

QString hhmmText(const QDateTime &t) { return t.isValid() ? t.toString(QStringLiteral("HHmm")) : QStringLiteral("////"); }

// A float as Python's repr() (and so pandas' to_csv) writes it: the shortest digits that read back to the same
// double, positional for decimal exponents -4..15 with at least one decimal ("-20.0", "577.1446396445463"),
// scientific otherwise with a two-digit exponent ("1e-06", "7.099999999999999e-06"); empty for NaN.
QString pythonFloatText(double v)
{
    if (!std::isfinite(v))
        return {};
    // Shortest round-trip digits in scientific form: "-7.099999999999999e-06".
    const QString sci = QString::number(v, 'e', QLocale::FloatingPointShortest);
    const qsizetype e = sci.indexOf(QLatin1Char('e'));
    QString mantissa = sci.left(e);
    const int exponent = sci.mid(e + 1).toInt();
    const bool negative = mantissa.startsWith(QLatin1Char('-'));
    if (negative)
        mantissa.remove(0, 1);
    const QString digits = QString(mantissa).remove(QLatin1Char('.'));
    QString body;
    if (exponent >= -4 && exponent < 16) {
        if (exponent < 0) {
            body = QStringLiteral("0.") + QString(-exponent - 1, QLatin1Char('0')) + digits;
        } else {
            const QString whole = digits.left(exponent + 1).leftJustified(exponent + 1, QLatin1Char('0'));
            const QString frac = digits.mid(exponent + 1);
            body = whole + QLatin1Char('.') + (frac.isEmpty() ? QStringLiteral("0") : frac);
        }
    } else {
        body = digits.left(1) + (digits.size() > 1 ? QLatin1Char('.') + digits.mid(1) : QString()) + QLatin1Char('e')
               + (exponent < 0 ? QLatin1Char('-') : QLatin1Char('+')) + QStringLiteral("%1").arg(std::abs(exponent), 2, 10, QLatin1Char('0'));
    }
    return negative ? QLatin1Char('-') + body : body;
}

// Integrated flux as SWPC prints it: one decimal, a two-digit exponent signed only when negative, in 7 characters
// ("1.2E-03", and the X8.2 of 2017-09-10 "1.4E00 "); 7 blanks if unknown.
QString swpcIntegratedText(double v)
{
    if (!std::isfinite(v) || v <= 0)
        return QStringLiteral("       ");
    const QString e = QString::asprintf("%.1E", v);  // "1.4E+00", "1.2E-03"
    return e.contains(QLatin1String("E+")) ? QString(e).remove(QLatin1Char('+')).leftJustified(7) : e;
}

QString noaaText(int ar) { return ar > 0 ? QString::number(ar) : QStringLiteral("     "); }

}  // namespace

std::optional<double> goesClassToFlux(const QString &goesClass)
{
    const QString t = goesClass.trimmed().toUpper();
    if (t.isEmpty())
        return std::nullopt;
    double decade = 0;
    switch (t.at(0).toLatin1()) {
    case 'A': decade = kGoesA; break;
    case 'B': decade = kGoesB; break;
    case 'C': decade = kGoesC; break;
    case 'M': decade = kGoesM; break;
    case 'X': decade = kGoesX; break;
    default: return std::nullopt;
    }
    if (t.size() == 1)
        return decade;
    bool ok = false;
    const double m = t.mid(1).toDouble(&ok);
    if (!ok || !(m > 0) || !std::isfinite(m))
        return std::nullopt;
    return decade * m;
}

QString goesFluxToClass(double flux, int decimals)
{
    if (!(flux > 0) || !std::isfinite(flux))
        return {};
    static const char letters[] = {'A', 'B', 'C', 'M', 'X'};
    int k = static_cast<int>(std::floor(std::log10(flux / kGoesA) + 1e-12));
    k = std::clamp(k, 0, 4);
    double mantissa = flux / (kGoesA * std::pow(10.0, k));
    const double scale = std::pow(10.0, decimals);
    double rounded = std::round(mantissa * scale) / scale;
    // 9.96e-6 rounds to C10.0: that is M1.0 (the next letter), except above X where X10, X17... stay X.
    if (rounded >= 10.0 && k < 4) {
        ++k;
        mantissa = flux / (kGoesA * std::pow(10.0, k));
        rounded = std::round(mantissa * scale) / scale;
    }
    return QString(QLatin1Char(letters[k])) + QString::number(rounded, 'f', decimals);
}

QChar goesClassLetter(double flux)
{
    const QString c = goesFluxToClass(flux);
    return c.isEmpty() ? QChar() : c.at(0);
}

FlareList::FlareList(QVector<FlareEvent> events) : m_events(std::move(events))
{
    std::stable_sort(m_events.begin(), m_events.end(),
                     [](const FlareEvent &a, const FlareEvent &b) { return a.labelTime() < b.labelTime(); });
}

Expected<FlareList> FlareList::load(const QString &path, Format format)
{
    QFile f(path);
    if (!QFileInfo::exists(path))
        return Error{path, QStringLiteral("no such file")};
    if (!f.open(QIODevice::ReadOnly))
        return Error{path, QStringLiteral("cannot open for reading: %1").arg(f.errorString())};
    const QByteArray text = f.readAll();
    return parse(text, path, format);
}

Expected<FlareList> FlareList::parse(const QByteArray &text, const QString &file, Format format)
{
    auto rows = readRows(text, file);
    if (!rows)
        return rows.error();
    if (format == Format::Auto) {
        const QStringList &h = rows->header;
        if (h.contains(QLatin1String("fl_goescls")))
            format = Format::Hek;
        else if (h.contains(QLatin1String("event_starttime")))
            format = Format::Sc24;
        else if (h.contains(QLatin1String("start_time")) && h.contains(QLatin1String("date")))
            format = Format::Swpc;
        else {
            QString found = h.join(QLatin1Char(','));
            if (found.size() > 160)
                found = found.left(157) + QStringLiteral("...");
            return Error{file, QStringLiteral("line 1: not a known flare list layout; found the header \"%1\"; known layouts: "
                                              "the SWPC event list (%2), the cycle-24 list (%3), a HEK flare export (%4)")
                                   .arg(found, QLatin1String(kSwpcHeader), QLatin1String(kSc24Header), QLatin1String(kHekColumns))};
        }
    }
    if (format == Format::Hek) {
        QVector<SkippedRow> skipped;
        auto list = parseHek(*rows, file, &skipped);
        if (list)
            list->m_skipped = std::move(skipped);
        return list;
    }
    return format == Format::Swpc ? parseSwpc(*rows, file) : parseSc24(*rows, file);
}

QVector<FlareEvent> FlareList::between(const QDateTime &from, const QDateTime &to, double minFlux) const
{
    auto lo = std::lower_bound(m_events.begin(), m_events.end(), from,
                               [](const FlareEvent &e, const QDateTime &t) { return e.labelTime() < t; });
    QVector<FlareEvent> out;
    for (auto it = lo; it != m_events.end() && it->labelTime() < to; ++it)
        if (it->peakFlux >= minFlux)
            out << *it;
    return out;
}

std::optional<FlareEvent> FlareList::strongestIn(const QDateTime &t, qint64 windowSeconds) const
{
    std::optional<FlareEvent> best;
    for (const FlareEvent &e : between(t, t.addSecs(windowSeconds)))
        if (!best || e.peakFlux > best->peakFlux)
            best = e;
    return best;
}

bool FlareList::isPositive(const QDateTime &t, double minFlux, qint64 windowSeconds) const
{
    const QDateTime to = t.addSecs(windowSeconds);
    auto lo = std::lower_bound(m_events.begin(), m_events.end(), t,
                               [](const FlareEvent &e, const QDateTime &x) { return e.labelTime() < x; });
    for (auto it = lo; it != m_events.end() && it->labelTime() < to; ++it)
        if (it->peakFlux >= minFlux)
            return true;
    return false;
}

QVector<int> FlareList::labels(const QVector<QDateTime> &times, double minFlux, qint64 windowSeconds) const
{
    QVector<int> out;
    out.reserve(times.size());
    for (const QDateTime &t : times)
        out << (isPositive(t, minFlux, windowSeconds) ? 1 : 0);
    return out;
}

QByteArray FlareList::toSwpcCsv(const QVector<FlareEvent> &events)
{
    QByteArray out(kSwpcHeader);
    out += '\n';
    int index = 0;
    for (const FlareEvent &e : events) {
        const QString cls = e.goesClass.isEmpty() ? goesFluxToClass(e.peakFlux) : e.goesClass;
        const QStringList row{
            QString::number(index++),
            e.start.toString(QStringLiteral("yyyyMMdd")),
            e.eventNo.isEmpty() ? QStringLiteral("%1").arg(index % 10000, 4, 10, QLatin1Char('0')) : e.eventNo,
            hhmmText(e.start),
            hhmmText(e.peak),
            hhmmText(e.end),
            e.satellite.isEmpty() ? QStringLiteral("G15") : e.satellite,
            QStringLiteral("1-8A"),
            cls.left(1),
            cls,
            swpcIntegratedText(e.integratedFlux),
            noaaText(e.noaaAr),
            e.start.toString(QStringLiteral("yyyyMMddHHmm")),
        };
        out += row.join(QLatin1Char(',')).toLatin1();
        out += '\n';
    }
    return out;
}

Status FlareList::writeSwpcCsv(const QString &path, const QVector<FlareEvent> &events)
{
    return writeFileAtomically(path, toSwpcCsv(events));
}

QByteArray FlareList::toSc24Csv(const QVector<FlareEvent> &events)
{
    QByteArray out(kSc24Header);
    out += '\n';
    const QString timeFormat = QStringLiteral("yyyy-MM-dd HH:mm:ss");
    int index = 0;
    for (const FlareEvent &e : events) {
        const QString cls = e.goesClass.isEmpty() ? goesFluxToClass(e.peakFlux) : e.goesClass;
        const QStringList row{
            QString::number(index++),
            e.start.toUTC().toString(timeFormat),
            e.peak.isValid() ? e.peak.toUTC().toString(timeFormat) : QString(),
            e.end.isValid() ? e.end.toUTC().toString(timeFormat) : QString(),
            cls.left(1),
            cls,
            pythonFloatText(e.peakFlux),
            swpcIntegratedText(e.integratedFlux),
            noaaText(e.noaaAr),
            e.location,
            pythonFloatText(e.hgsLat),
            pythonFloatText(e.hgsLon),
            pythonFloatText(e.hpcX),
            pythonFloatText(e.hpcY),
        };
        out += row.join(QLatin1Char(',')).toLatin1();
        out += '\n';
    }
    return out;
}

Status FlareList::writeSc24Csv(const QString &path, const QVector<FlareEvent> &events)
{
    return writeFileAtomically(path, toSc24Csv(events));
}

Expected<QString> findFlareList(const QString &archiveDir)
{
    const QStringList found = QDir(archiveDir).entryList({QStringLiteral("swpc_flarelist_*.csv")}, QDir::Files, QDir::Name);
    if (found.isEmpty())
        return Error{archiveDir, QStringLiteral("no flare list (swpc_flarelist_*.csv) in the archive's top folder")};
    if (found.size() > 1)
        return Error{archiveDir, QStringLiteral("several flare lists (%1): keep one").arg(found.join(QStringLiteral(", ")))};
    return QDir(archiveDir).filePath(found.front());
}

}  // namespace solarchip
