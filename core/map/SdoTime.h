#pragma once
// Time handling for SDO headers: FITS ISO strings and JSOC's "2011.02.14_20:35:09_TAI" form, with TAI <-> UTC
// from the IERS leap-second table. All QDateTimes this project passes around are UTC (Qt::UTC).

#include <QDateTime>
#include <QString>

#include <optional>

namespace solarchip::SdoTime {

enum class Scale { UTC, TAI };

/// Parses "2011-02-15T00:00:01.34Z", "2011-02-15T00:00:01.34", "2011-02-15 00:00:01",
/// "2011.02.14_20:35:09_TAI", "2011.02.14_20:35:09.5_UTC", "2011-02-14" ... A "_TAI" suffix (or
/// defaultScale == TAI) converts from TAI. Returns UTC, or nullopt when the text is not a time.
std::optional<QDateTime> parse(const QString &text, Scale defaultScale = Scale::UTC);

/// TAI - UTC in seconds at a UTC instant (10 s before 1972, 37 s since 2017-01-01).
int taiMinusUtc(const QDateTime &utc);
QDateTime taiToUtc(const QDateTime &taiAsUtcLabel);
QDateTime utcToTai(const QDateTime &utc);

/// "2011-02-15T00:00:01.340" (UTC, milliseconds).
QString toIso(const QDateTime &utc);
/// "2011-02-15T00:00:01.34" (FITS DATE-OBS style, 2 decimals).
QString toFitsDate(const QDateTime &utc);
/// JSOC T_REC/T_OBS form in TAI: "2011.02.15_00:00:35_TAI" (or with .ss fraction when fractionDigits > 0).
QString toJsocTai(const QDateTime &utc, int fractionDigits = 0);
/// Parses a user-supplied ISO date/time for the CLI (date only means 00:00 UTC); nullopt if invalid.
std::optional<QDateTime> parseUserTime(const QString &text);

}  // namespace solarchip::SdoTime
