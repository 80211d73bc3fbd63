#pragma once
// The cards of one FITS header, in order, with typed access. Values are kept as FITS writes them
// (strings quoted) so a header read from a file can be written back unchanged apart from what we edit.

#include <QString>
#include <QStringList>
#include <QVector>

#include <optional>

namespace solarchip {

struct FitsCard {
    QString key;      // upper case, e.g. "CRPIX1", "HISTORY", "COMMENT"
    QString value;    // raw FITS value text: 'SDO/AIA', 171, 1.5E+00, T; commentary text for HISTORY/COMMENT
    QString comment;  // text after the '/' (may be empty)
};

class FitsHeader {
public:
    FitsHeader() = default;

    /// Parses a block of 80-character cards (as produced by fits_hdr2str), END optional. HIERARCH cards come
    /// back under their long name ("HIERARCH ESO DET DIT = 1.0" -> key "ESO DET DIT").
    static FitsHeader fromCardString(const QByteArray &cards);
    /// All cards as one string of 80-character records ending in END (for WCSLIB's wcspih).
    QByteArray toCardString() const;
    /// The 80-character record of one card: "KEY     = value / comment" for standard keys, "HIERARCH LONG_KEY =
    /// value / comment" for others (longer than 8 characters, or characters outside A-Z 0-9 _ -); empty when
    /// the record cannot hold the whole value. Comments are cut at 80 characters, values never.
    static QByteArray cardImage(const FitsCard &card);
    /// Header text as FITS allows it, printable ASCII (32-126): the symbols labels use become their plain
    /// spelling (U+2212 minus "-", delta "d", Angstrom "A", "+/-", degree "deg", micro "u", dashes "-",
    /// ellipsis "..."), accented letters lose their accents, anything else becomes '?'; line breaks become "; ".
    static QString asciiText(const QString &text);
    /// True for keys a standard FITS card can hold: 1-8 characters of A-Z, 0-9, '_' and '-'.
    static bool isStandardKey(const QString &key);

    const QVector<FitsCard> &cards() const { return m_cards; }
    bool has(const QString &key) const;
    /// The raw value text of the first card with this key, or nullopt.
    std::optional<QString> raw(const QString &key) const;
    /// A string value without quotes and trailing blanks ('SDO/AIA ' -> SDO/AIA). Numbers come back as text.
    std::optional<QString> string(const QString &key) const;
    QString string(const QString &key, const QString &fallback) const;
    /// A numeric value (integer, float, or a quoted number as some JSOC exports write). nullopt if absent/unparsable.
    std::optional<double> number(const QString &key) const;
    double number(const QString &key, double fallback) const;
    std::optional<bool> boolean(const QString &key) const;
    /// All HISTORY (or COMMENT) lines in order.
    QStringList commentary(const QString &key) const;

    /// Sets (replaces the first card, or appends) a value. Strings are quoted, numbers written exactly.
    void setString(const QString &key, const QString &value, const QString &comment = {});
    void setNumber(const QString &key, double value, const QString &comment = {});
    void setInteger(const QString &key, long long value, const QString &comment = {});
    void setBoolean(const QString &key, bool value, const QString &comment = {});
    void setRaw(const QString &key, const QString &rawValue, const QString &comment = {});
    void remove(const QString &key);
    void addHistory(const QString &text);
    void addComment(const QString &text);
    void append(const FitsCard &card) { m_cards.append(card); }

    /// Keys that describe the data layout (SIMPLE, BITPIX, NAXISn, Z*, BSCALE...) and are written by the
    /// FITS library itself; FitsWriter skips them when copying a header.
    static bool isStructuralKey(const QString &key);

private:
    int indexOf(const QString &key) const;
    QVector<FitsCard> m_cards;
};

/// Formats a double the way FITS headers carry it: shortest text that round-trips (up to 17 digits).
QString fitsNumber(double value);

}  // namespace solarchip
