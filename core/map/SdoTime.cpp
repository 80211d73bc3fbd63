#include "core/map/SdoTime.h"

#include <QRegularExpression>
#include <QTimeZone>

#include <cmath>

namespace solarchip::SdoTime {

namespace {

// IERS leap seconds: (UTC date from which it applies, TAI - UTC). Since 1972; before that 10 s is used
// (the pre-1972 rubber-second era predates SDO by decades).
struct Leap {
    int y, m, d, offset;
};
constexpr Leap kLeaps[] = {
    {1972, 1, 1, 10},  {1972, 7, 1, 11},  {1973, 1, 1, 12},  {1974, 1, 1, 13},  {1975, 1, 1, 14},
    {1976, 1, 1, 15},  {1977, 1, 1, 16},  {1978, 1, 1, 17},  {1979, 1, 1, 18},  {1980, 1, 1, 19},
    {1981, 7, 1, 20},  {1982, 7, 1, 21},  {1983, 7, 1, 22},  {1985, 7, 1, 23},  {1988, 1, 1, 24},
    {1990, 1, 1, 25},  {1991, 1, 1, 26},  {1992, 7, 1, 27},  {1993, 7, 1, 28},  {1994, 7, 1, 29},
    {1996, 1, 1, 30},  {1997, 7, 1, 31},  {1999, 1, 1, 32},  {2006, 1, 1, 33},  {2009, 1, 1, 34},
    {2012, 7, 1, 35},  {2015, 7, 1, 36},  {2017, 1, 1, 37},
};

QDateTime utcDateTime(int y, int mo, int d, int h, int mi, double sec)
{
    const int whole = static_cast<int>(std::floor(sec));
    int ms = static_cast<int>(std::lround((sec - whole) * 1000.0));
    QDateTime t(QDate(y, mo, d), QTime(h, mi, 0), QTimeZone::utc());
    if (!t.isValid())
        return {};
    return t.addMSecs(static_cast<qint64>(whole) * 1000 + ms);  // also handles sec == 60 (leap second)
}

}  // namespace

int taiMinusUtc(const QDateTime &utc)
{
    const QDate d = utc.toUTC().date();
    int offset = 10;
    for (const Leap &l : kLeaps)
        if (d >= QDate(l.y, l.m, l.d))
            offset = l.offset;
    return offset;
}

QDateTime taiToUtc(const QDateTime &tai)
{
    // The offset to apply is the one in force at the UTC instant; near a leap second the TAI label is
    // ahead by the new offset, so evaluate at tai - offset(tai) and correct once.
    QDateTime guess = tai.addSecs(-taiMinusUtc(tai));
    return tai.addSecs(-taiMinusUtc(guess));
}

QDateTime utcToTai(const QDateTime &utc) { return utc.addSecs(taiMinusUtc(utc)); }

std::optional<QDateTime> parse(const QString &textIn, Scale defaultScale)
{
    QString text = textIn.trimmed();
    if (text.isEmpty())
        return std::nullopt;
    Scale scale = defaultScale;
    static const QRegularExpression suffix(QStringLiteral("[_ ]?(TAI|UTC|UT|Z)$"),
                                           QRegularExpression::CaseInsensitiveOption);
    auto m = suffix.match(text);
    if (m.hasMatch()) {
        const QString s = m.captured(1).toUpper();
        scale = s == QLatin1String("TAI") ? Scale::TAI : Scale::UTC;
        text.chop(m.capturedLength(0));
    }
    // 2011-02-15T00:00:01.34 | 2011.02.14_20:35:09 | 2011-02-15 00:00:01 | 2011/02/15 ... | date only
    static const QRegularExpression re(QStringLiteral(
        R"(^(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?:[T_ ](\d{1,2}):(\d{2})(?::(\d{2}(?:\.\d*)?))?)?$)"));
    auto t = re.match(text);
    if (!t.hasMatch())
        return std::nullopt;
    const int y = t.captured(1).toInt(), mo = t.captured(2).toInt(), d = t.captured(3).toInt();
    const int h = t.captured(4).isEmpty() ? 0 : t.captured(4).toInt();
    const int mi = t.captured(5).isEmpty() ? 0 : t.captured(5).toInt();
    const double sec = t.captured(6).isEmpty() ? 0.0 : t.captured(6).toDouble();
    if (h > 23 || mi > 59 || sec >= 61.0)
        return std::nullopt;
    QDateTime dt = utcDateTime(y, mo, d, h, mi, sec);
    if (!dt.isValid())
        return std::nullopt;
    if (scale == Scale::TAI)
        dt = taiToUtc(dt);
    return dt;
}

QString toIso(const QDateTime &utc)
{
    return utc.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz"));
}

QString toFitsDate(const QDateTime &utc)
{
    const QDateTime t = utc.toUTC();
    const int cs = t.time().msec() / 10;
    return t.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss")) + QStringLiteral(".%1").arg(cs, 2, 10, QLatin1Char('0'));
}

QString toJsocTai(const QDateTime &utc, int fractionDigits)
{
    const QDateTime tai = utcToTai(utc.toUTC());
    QString s = tai.toString(QStringLiteral("yyyy.MM.dd_HH:mm:ss"));
    if (fractionDigits > 0) {
        const int ms = tai.time().msec();
        s += QLatin1Char('.') + QString::number(ms).rightJustified(3, QLatin1Char('0')).left(fractionDigits);
    }
    return s + QStringLiteral("_TAI");
}

std::optional<QDateTime> parseUserTime(const QString &text) { return parse(text, Scale::UTC); }

}  // namespace solarchip::SdoTime
