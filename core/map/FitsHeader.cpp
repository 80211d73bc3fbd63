#include "core/map/FitsHeader.h"

#include <QByteArray>

#include <cmath>
#include <cstdio>
#include <limits>

namespace solarchip {

namespace {

bool isCommentaryKey(const QString &key)
{
    return key == QLatin1String("HISTORY") || key == QLatin1String("COMMENT") || key.isEmpty();
}

// Splits "'value' / comment" or "123 / comment" into value and comment, honouring quoted strings with ''.
void splitValueComment(const QString &text, QString &value, QString &comment)
{
    const QString t = text.trimmed();
    if (t.startsWith(QLatin1Char('\''))) {
        int i = 1;
        while (i < t.size()) {
            if (t[i] == QLatin1Char('\'')) {
                if (i + 1 < t.size() && t[i + 1] == QLatin1Char('\'')) {
                    i += 2;
                    continue;
                }
                break;
            }
            ++i;
        }
        value = t.left(i + 1);
        const int slash = t.indexOf(QLatin1Char('/'), i + 1);
        comment = slash >= 0 ? t.mid(slash + 1).trimmed() : QString();
        return;
    }
    const int slash = t.indexOf(QLatin1Char('/'));
    value = (slash >= 0 ? t.left(slash) : t).trimmed();
    comment = slash >= 0 ? t.mid(slash + 1).trimmed() : QString();
}

}  // namespace

QString fitsNumber(double value)
{
    if (std::isnan(value))
        return QStringLiteral("NAN");
    if (value == std::floor(value) && std::fabs(value) < 1e15)
        return QString::number(static_cast<long long>(value)) + QStringLiteral(".0");
    // Shortest representation that round-trips.
    for (int precision = 6; precision <= 17; ++precision) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.*G", precision, value);
        if (std::strtod(buf, nullptr) == value) {
            QString s = QString::fromLatin1(buf);
            if (!s.contains(QLatin1Char('.')) && !s.contains(QLatin1Char('E')))
                s += QStringLiteral(".0");
            return s;
        }
    }
    return QString::number(value, 'G', 17);
}

FitsHeader FitsHeader::fromCardString(const QByteArray &cards)
{
    FitsHeader h;
    for (qsizetype pos = 0; pos + 8 <= cards.size(); pos += 80) {
        const QString card = QString::fromLatin1(cards.mid(pos, 80));
        const QString key = card.left(8).trimmed().toUpper();
        if (key == QLatin1String("END"))
            break;
        FitsCard c;
        c.key = key;
        // ESO's HIERARCH convention: "HIERARCH LONG KEY NAME = value / comment" (astropy and CFITSIO read it).
        if (key == QLatin1String("HIERARCH")) {
            const int eq = card.indexOf(QLatin1Char('='), 8);
            const QString name = eq > 8 ? card.mid(8, eq - 8).trimmed().toUpper() : QString();
            if (!name.isEmpty()) {
                c.key = name;
                splitValueComment(card.mid(eq + 1), c.value, c.comment);
                h.m_cards.append(c);
                continue;
            }
        }
        if (isCommentaryKey(key) || card.mid(8, 2) != QLatin1String("= ")) {
            c.value = card.mid(8).trimmed();
            if (key.isEmpty() && c.value.isEmpty())
                continue;  // blank padding card
            if (!isCommentaryKey(key))
                c.key = key;  // a value-less keyword (rare); keep its text
        } else {
            splitValueComment(card.mid(10), c.value, c.comment);
        }
        h.m_cards.append(c);
    }
    return h;
}

bool FitsHeader::isStandardKey(const QString &key)
{
    if (key.isEmpty() || key.size() > 8)
        return false;
    for (const QChar ch : key)
        if (!((ch >= QLatin1Char('A') && ch <= QLatin1Char('Z')) || ch.isDigit() || ch == QLatin1Char('_')
              || ch == QLatin1Char('-')))
            return false;
    return true;
}

QByteArray FitsHeader::cardImage(const FitsCard &c)
{
    QByteArray card;
    if (isCommentaryKey(c.key)) {
        card = c.key.leftJustified(8, QLatin1Char(' ')).toLatin1() + c.value.toLatin1();
        return card.left(80).leftJustified(80, ' ');
    }
    QByteArray v = c.value.toLatin1();
    if (isStandardKey(c.key)) {
        card = c.key.leftJustified(8, QLatin1Char(' ')).toLatin1() + "= ";
        // Fixed format: numbers and logicals right-justified to column 30.
        if (!v.startsWith('\''))
            v = v.rightJustified(20, ' ');
        card += v;
        if (card.size() > 80)
            return {};
    } else {
        // Longer names (or names with other characters) only fit the HIERARCH convention.
        card = "HIERARCH " + c.key.toLatin1() + " = " + v;
        if (card.size() > 80)
            return {};  // a card that would lose part of its value is not written at all
    }
    if (!c.comment.isEmpty())
        card += " / " + c.comment.toLatin1();
    return card.left(80).leftJustified(80, ' ');
}

QByteArray FitsHeader::toCardString() const
{
    QByteArray out;
    out.reserve((m_cards.size() + 1) * 80);
    for (const FitsCard &c : m_cards)
        out += cardImage(c);  // empty for a card no FITS record can hold
    out += QByteArray("END").leftJustified(80, ' ');
    return out;
}

int FitsHeader::indexOf(const QString &key) const
{
    const QString k = key.toUpper();
    for (int i = 0; i < m_cards.size(); ++i)
        if (m_cards[i].key == k)
            return i;
    return -1;
}

bool FitsHeader::has(const QString &key) const { return indexOf(key) >= 0; }

std::optional<QString> FitsHeader::raw(const QString &key) const
{
    const int i = indexOf(key);
    if (i < 0)
        return std::nullopt;
    return m_cards[i].value;
}

std::optional<QString> FitsHeader::string(const QString &key) const
{
    auto r = raw(key);
    if (!r)
        return std::nullopt;
    QString v = *r;
    if (v.startsWith(QLatin1Char('\'')) && v.endsWith(QLatin1Char('\'')) && v.size() >= 2) {
        v = v.mid(1, v.size() - 2);
        v.replace(QStringLiteral("''"), QStringLiteral("'"));
        // FITS: trailing blanks in strings are not significant.
        while (v.endsWith(QLatin1Char(' ')))
            v.chop(1);
    }
    return v;
}

QString FitsHeader::string(const QString &key, const QString &fallback) const
{
    auto v = string(key);
    return v ? *v : fallback;
}

std::optional<double> FitsHeader::number(const QString &key) const
{
    auto s = string(key);
    if (!s)
        return std::nullopt;
    QString t = s->trimmed();
    t.replace(QLatin1Char('D'), QLatin1Char('E'));  // Fortran exponent
    if (t.compare(QLatin1String("NAN"), Qt::CaseInsensitive) == 0)
        return std::numeric_limits<double>::quiet_NaN();
    bool ok = false;
    const double d = t.toDouble(&ok);
    if (!ok)
        return std::nullopt;
    return d;
}

double FitsHeader::number(const QString &key, double fallback) const
{
    auto v = number(key);
    return v ? *v : fallback;
}

std::optional<bool> FitsHeader::boolean(const QString &key) const
{
    auto r = raw(key);
    if (!r)
        return std::nullopt;
    const QString t = r->trimmed();
    if (t == QLatin1String("T"))
        return true;
    if (t == QLatin1String("F"))
        return false;
    return std::nullopt;
}

QStringList FitsHeader::commentary(const QString &key) const
{
    QStringList out;
    const QString k = key.toUpper();
    for (const FitsCard &c : m_cards)
        if (c.key == k)
            out << c.value;
    return out;
}

void FitsHeader::setRaw(const QString &key, const QString &rawValue, const QString &comment)
{
    const QString k = key.toUpper();
    const int i = indexOf(k);
    if (i >= 0) {
        m_cards[i].value = rawValue;
        if (!comment.isEmpty())
            m_cards[i].comment = comment;
    } else {
        m_cards.append(FitsCard{k, rawValue, comment});
    }
}

void FitsHeader::setString(const QString &key, const QString &value, const QString &comment)
{
    QString v = value;
    v.replace(QStringLiteral("'"), QStringLiteral("''"));
    // FITS strings are at least 8 characters between the quotes.
    setRaw(key, QLatin1Char('\'') + v.leftJustified(8, QLatin1Char(' ')) + QLatin1Char('\''), comment);
}

void FitsHeader::setNumber(const QString &key, double value, const QString &comment)
{
    setRaw(key, fitsNumber(value), comment);
}

void FitsHeader::setInteger(const QString &key, long long value, const QString &comment)
{
    setRaw(key, QString::number(value), comment);
}

void FitsHeader::setBoolean(const QString &key, bool value, const QString &comment)
{
    setRaw(key, value ? QStringLiteral("T") : QStringLiteral("F"), comment);
}

void FitsHeader::remove(const QString &key)
{
    const QString k = key.toUpper();
    m_cards.erase(std::remove_if(m_cards.begin(), m_cards.end(), [&](const FitsCard &c) { return c.key == k; }),
                  m_cards.end());
}

void FitsHeader::addHistory(const QString &text)
{
    // Long history lines are split over several cards (72 characters each).
    for (qsizetype i = 0; i < text.size() || i == 0; i += 72)
        m_cards.append(FitsCard{QStringLiteral("HISTORY"), text.mid(i, 72), {}});
}

void FitsHeader::addComment(const QString &text)
{
    for (qsizetype i = 0; i < text.size() || i == 0; i += 72)
        m_cards.append(FitsCard{QStringLiteral("COMMENT"), text.mid(i, 72), {}});
}

bool FitsHeader::isStructuralKey(const QString &key)
{
    static const QStringList exact{
        QStringLiteral("SIMPLE"),  QStringLiteral("BITPIX"),   QStringLiteral("NAXIS"),
        QStringLiteral("EXTEND"),  QStringLiteral("XTENSION"), QStringLiteral("PCOUNT"),
        QStringLiteral("GCOUNT"),  QStringLiteral("BSCALE"),   QStringLiteral("BZERO"),
        QStringLiteral("BLANK"),   QStringLiteral("TFIELDS"),  QStringLiteral("CHECKSUM"),
        QStringLiteral("DATASUM"), QStringLiteral("END"),      QStringLiteral("EXTNAME")};
    if (exact.contains(key))
        return true;
    if (key.startsWith(QLatin1String("NAXIS")))
        return true;
    // Tile-compression bookkeeping (ZIMAGE, ZCMPTYPE, ZBITPIX, ZNAXISn, ZTILEn, ZNAMEn, ZVALn, ZQUANTIZ...)
    // and binary-table column keywords that belong to the compressed representation.
    if (key.startsWith(QLatin1Char('Z')) && key.size() <= 8 && key != QLatin1String("ZEROTEMP"))
        return true;
    static const char *tableKeys[] = {"TTYPE", "TFORM", "TUNIT", "TSCAL", "TZERO", "TNULL", "TDIM", "THEAP"};
    for (const char *t : tableKeys)
        if (key.startsWith(QLatin1String(t)) && key.size() > int(qstrlen(t))
            && key.at(int(qstrlen(t))).isDigit())
            return true;
    return key == QLatin1String("THEAP");
}

QString FitsHeader::asciiText(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if (u >= 32 && u < 127) {
            out += c;
            continue;
        }
        switch (u) {
        case u'\n': out += QStringLiteral("; "); continue;
        case u'\t': case u'\r': out += QLatin1Char(' '); continue;
        case 0x2212: case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: out += QLatin1Char('-'); continue;
        case 0x0394: case 0x2206: case 0x03B4: out += QLatin1Char('d'); continue;   // Delta, increment, delta
        case 0x00C5: case 0x212B: out += QLatin1Char('A'); continue;                 // Angstrom
        case 0x00B1: out += QStringLiteral("+/-"); continue;
        case 0x00B0: out += QStringLiteral("deg"); continue;
        case 0x00B5: case 0x03BC: out += QLatin1Char('u'); continue;                 // micro
        case 0x00D7: out += QLatin1Char('x'); continue;
        case 0x2026: out += QStringLiteral("..."); continue;
        case 0x00A0: case 0x2009: case 0x202F: out += QLatin1Char(' '); continue;    // no-break and thin spaces
        case 0x2018: case 0x2019: out += QLatin1Char('\''); continue;
        case 0x201C: case 0x201D: out += QLatin1Char('"'); continue;
        case 0x00B2: out += QStringLiteral("^2"); continue;
        case 0x00B3: out += QStringLiteral("^3"); continue;
        default: break;
        }
        // Accented Latin letters: their base letter (canonical decomposition).
        const QString d = QString(c).normalized(QString::NormalizationForm_D);
        if (!d.isEmpty() && d.at(0).unicode() >= 32 && d.at(0).unicode() < 127)
            out += d.at(0);
        else
            out += QLatin1Char('?');
    }
    return out;
}

}  // namespace solarchip
