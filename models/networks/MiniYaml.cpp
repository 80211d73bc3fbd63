#include "models/networks/MiniYaml.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>

#include <vector>

namespace solarchip {

namespace {

struct Line {
    int number = 0;  // 1-based, for messages
    int indent = 0;
    QString text;    // without indentation, comment and trailing spaces
};

// The first index from `from` on where stop(i) holds, looking only outside single and double quotes (stop sees,
// in order, every character outside quotes except the quote marks themselves); -1 when there is none.
template <class Stop>
int findOutsideQuotes(const QString &s, int from, Stop stop)
{
    QChar quote;
    for (int i = from; i < s.size(); ++i) {
        const QChar c = s[i];
        if (!quote.isNull()) {
            if (c == quote)
                quote = QChar();
            continue;
        }
        if (c == u'\'' || c == u'"')
            quote = c;
        else if (stop(i))
            return i;
    }
    return -1;
}

// Removes a '#' comment that is outside quotes and at the start or after whitespace.
QString stripComment(const QString &s)
{
    const int hash = findOutsideQuotes(s, 0, [&](int i) { return s[i] == u'#' && (i == 0 || s[i - 1].isSpace()); });
    return hash < 0 ? s : s.left(hash);
}

// Index of the ':' separating a mapping key from its value (followed by a space or the end), outside quotes
// and brackets; -1 when the text is not a "key: value" pair.
int keySeparator(const QString &s)
{
    int depth = 0;
    return findOutsideQuotes(s, 0, [&](int i) {
        const QChar c = s[i];
        if (c == u'[' || c == u'{')
            ++depth;
        else if (c == u']' || c == u'}')
            --depth;
        else
            return c == u':' && depth == 0 && (i + 1 == s.size() || s[i + 1] == u' ');
        return false;
    });
}

QJsonValue scalar(QString s)
{
    s = s.trimmed();
    if (s.isEmpty() || s == QLatin1String("~") || s == QLatin1String("null") || s == QLatin1String("Null")
        || s == QLatin1String("NULL"))
        return QJsonValue::Null;
    if (s.size() >= 2 && ((s.front() == u'"' && s.back() == u'"') || (s.front() == u'\'' && s.back() == u'\''))) {
        QString inner = s.mid(1, s.size() - 2);
        if (s.front() == u'\'')
            inner.replace(QLatin1String("''"), QLatin1String("'"));
        else
            inner.replace(QLatin1String("\\\""), QLatin1String("\"")).replace(QLatin1String("\\\\"), QLatin1String("\\"));
        return inner;
    }
    if (s == QLatin1String("true") || s == QLatin1String("True") || s == QLatin1String("TRUE"))
        return true;
    if (s == QLatin1String("false") || s == QLatin1String("False") || s == QLatin1String("FALSE"))
        return false;
    bool ok = false;
    const qlonglong i = s.toLongLong(&ok);
    if (ok)
        return static_cast<double>(i);
    const double d = s.toDouble(&ok);
    if (ok)
        return d;
    return s;
}

class Parser {
public:
    Parser(std::vector<Line> lines, QString file) : m_lines(std::move(lines)), m_file(std::move(file)) {}

    Expected<QJsonValue> document()
    {
        if (m_lines.empty())
            return QJsonValue(QJsonValue::Null);
        std::size_t i = 0;
        QJsonValue v = block(i, m_lines[0].indent);
        if (!m_error.isEmpty())
            return Error{m_file, m_error};
        if (i < m_lines.size())
            return Error{m_file, QStringLiteral("line %1: unexpected indentation").arg(m_lines[i].number)};
        return v;
    }

private:
    void fail(const Line &l, const QString &what)
    {
        if (m_error.isEmpty())
            m_error = QStringLiteral("line %1: %2").arg(l.number).arg(what);
    }

    // The value of a flow or plain scalar text on one line.
    QJsonValue inlineValue(const Line &l, const QString &text)
    {
        const QString t = text.trimmed();
        if (t.startsWith(u'&') || t.startsWith(u'*') || t.startsWith(u'!'))
            fail(l, QStringLiteral("anchors, aliases and tags are not supported"));
        if (t == QLatin1String("|") || t == QLatin1String(">") || t.startsWith(QLatin1String("|-")) || t.startsWith(QLatin1String(">-")))
            fail(l, QStringLiteral("block scalars (| and >) are not supported"));
        if (t.startsWith(u'[') || t.startsWith(u'{')) {
            int pos = 0;
            QJsonValue v = flow(l, t, pos);
            while (pos < t.size() && t[pos].isSpace())
                ++pos;
            if (pos != t.size())
                fail(l, QStringLiteral("unexpected text after a flow collection (collections spanning lines are not supported)"));
            return v;
        }
        return scalar(t);
    }

    QJsonValue flow(const Line &l, const QString &t, int &pos)
    {
        auto skip = [&] {
            while (pos < t.size() && t[pos].isSpace())
                ++pos;
        };
        skip();
        if (pos >= t.size()) {
            fail(l, QStringLiteral("unterminated flow collection (collections spanning lines are not supported)"));
            return {};
        }
        const QChar open = t[pos];
        if (open == u'[' || open == u'{') {
            const QChar close = open == u'[' ? u']' : u'}';
            ++pos;
            QJsonArray arr;
            QJsonObject obj;
            skip();
            if (pos < t.size() && t[pos] == close) {
                ++pos;
                return open == u'[' ? QJsonValue(arr) : QJsonValue(obj);
            }
            while (m_error.isEmpty()) {
                if (open == u'[') {
                    arr.append(flow(l, t, pos));
                } else {
                    int colon = -1;
                    for (int k = pos; k < t.size() && t[k] != u',' && t[k] != close; ++k)
                        if (t[k] == u':') {
                            colon = k;
                            break;
                        }
                    if (colon < 0) {
                        fail(l, QStringLiteral("a flow mapping entry without ':'"));
                        return {};
                    }
                    const QString key = scalar(t.mid(pos, colon - pos)).toVariant().toString();
                    pos = colon + 1;
                    obj.insert(key, flow(l, t, pos));
                }
                skip();
                if (pos < t.size() && t[pos] == u',') {
                    ++pos;
                    continue;
                }
                if (pos < t.size() && t[pos] == close) {
                    ++pos;
                    break;
                }
                fail(l, QStringLiteral("unterminated flow collection (collections spanning lines are not supported)"));
                return {};
            }
            return open == u'[' ? QJsonValue(arr) : QJsonValue(obj);
        }
        // A scalar inside a flow collection ends at ',' ']' '}' outside quotes.
        const int start = pos;
        const int end = findOutsideQuotes(t, pos, [&](int i) { return t[i] == u',' || t[i] == u']' || t[i] == u'}'; });
        pos = end < 0 ? static_cast<int>(t.size()) : end;
        return scalar(t.mid(start, pos - start));
    }

    // The block starting at line i whose lines have `indent`.
    QJsonValue block(std::size_t &i, int indent)
    {
        const Line &first = m_lines[i];
        if (first.text == QLatin1String("-") || first.text.startsWith(QLatin1String("- ")))
            return sequence(i, indent);
        if (keySeparator(first.text) >= 0)
            return mapping(i, indent);
        QJsonValue v = inlineValue(first, first.text);
        ++i;
        return v;
    }

    QJsonValue sequence(std::size_t &i, int indent)
    {
        QJsonArray arr;
        while (i < m_lines.size() && m_error.isEmpty() && m_lines[i].indent == indent
               && (m_lines[i].text == QLatin1String("-") || m_lines[i].text.startsWith(QLatin1String("- ")))) {
            Line &l = m_lines[i];
            const QString rest = l.text.mid(1);
            const QString item = rest.trimmed();
            if (item.isEmpty()) {
                ++i;
                if (i < m_lines.size() && m_lines[i].indent > indent)
                    arr.append(block(i, m_lines[i].indent));
                else
                    arr.append(QJsonValue::Null);
                continue;
            }
            // "- key: v" or "- - x": the item is a block whose first line starts after "- ".
            const int offset = static_cast<int>(l.text.indexOf(item));
            if (keySeparator(item) >= 0 || item.startsWith(QLatin1String("- ")) || item == QLatin1String("-")) {
                l.indent = indent + offset;
                l.text = item;
                arr.append(block(i, l.indent));
                continue;
            }
            arr.append(inlineValue(l, item));
            ++i;
        }
        return arr;
    }

    QJsonValue mapping(std::size_t &i, int indent)
    {
        QJsonObject obj;
        while (i < m_lines.size() && m_error.isEmpty() && m_lines[i].indent == indent) {
            const Line &l = m_lines[i];
            const int sep = keySeparator(l.text);
            if (sep < 0) {
                fail(l, QStringLiteral("expected 'key: value'"));
                break;
            }
            const QString key = scalar(l.text.left(sep)).toVariant().toString();
            const QString rest = l.text.mid(sep + 1).trimmed();
            if (obj.contains(key))
                fail(l, QStringLiteral("duplicate key '%1'").arg(key));
            ++i;
            if (!rest.isEmpty()) {
                obj.insert(key, inlineValue(l, rest));
                continue;
            }
            if (i < m_lines.size() && m_lines[i].indent > indent)
                obj.insert(key, block(i, m_lines[i].indent));
            else if (i < m_lines.size() && m_lines[i].indent == indent
                     && (m_lines[i].text == QLatin1String("-") || m_lines[i].text.startsWith(QLatin1String("- "))))
                obj.insert(key, sequence(i, indent));  // "key:" followed by "- a" at the key's own indentation
            else
                obj.insert(key, QJsonValue::Null);
        }
        if (i < m_lines.size() && m_error.isEmpty() && m_lines[i].indent > indent)
            fail(m_lines[i], QStringLiteral("unexpected indentation"));
        return obj;
    }

    std::vector<Line> m_lines;
    QString m_file;
    QString m_error;
};

}  // namespace

Expected<QJsonValue> MiniYaml::parse(const QByteArray &text, const QString &file)
{
    std::vector<Line> lines;
    const QStringList raw = QString::fromUtf8(text).split(u'\n');
    for (int n = 0; n < raw.size(); ++n) {
        QString s = raw[n];
        if (s.endsWith(u'\r'))
            s.chop(1);
        int indent = 0;
        while (indent < s.size() && (s[indent] == u' ' || s[indent] == u'\t')) {
            if (s[indent] == u'\t')
                return Error{file, QStringLiteral("line %1: tab in indentation (YAML indents with spaces)").arg(n + 1)};
            ++indent;
        }
        const QString body = stripComment(s.mid(indent));
        const QString trimmed = body.trimmed();
        if (trimmed.isEmpty() || (indent == 0 && (trimmed == QLatin1String("---") || trimmed.startsWith(u'%'))))
            continue;
        if (trimmed == QLatin1String("..."))
            break;
        lines.push_back({n + 1, indent, trimmed});
    }
    return Parser(std::move(lines), file).document();
}

}  // namespace solarchip
