#include "core/map/Jp2Reader.h"

#include "core/base/FileHead.h"

#include <openjpeg.h>

#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QThread>
#include <QXmlStreamReader>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <cstring>
#include <memory>

namespace solarchip {

namespace {
std::atomic<int> g_decoderThreads{std::max(1, QThread::idealThreadCount())};
}  // namespace

void Jp2Reader::setDecoderThreads(int threads)
{
    g_decoderThreads = threads > 0 ? threads : std::max(1, QThread::idealThreadCount());
}

namespace {

const char kSignature[12] = {0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, char(0x87), 0x0A};

quint64 be32(const uchar *p) { return (quint64(p[0]) << 24) | (quint64(p[1]) << 16) | (quint64(p[2]) << 8) | p[3]; }
quint64 be64(const uchar *p) { return (be32(p) << 32) | be32(p + 4); }

// What the JP2 box structure tells us before decoding anything.
struct Boxes {
    QByteArray xml;
    bool hasCodestream = false;
};

// Walks the boxes of [begin, end), descending into the superboxes that may hold an XML box.
bool walkBoxes(const QByteArray &bytes, qint64 begin, qint64 end, Boxes &out, QString &problem, int depth = 0)
{
    const auto *data = reinterpret_cast<const uchar *>(bytes.constData());
    qint64 pos = begin;
    while (pos + 8 <= end) {
        quint64 length = be32(data + pos);
        const QByteArray type = bytes.mid(pos, 8).mid(4, 4);
        qint64 header = 8;
        if (length == 1) {
            if (pos + 16 > end) {
                problem = QStringLiteral("truncated: box '%1' at byte %2 has no extended length").arg(QString::fromLatin1(type)).arg(pos);
                return false;
            }
            length = be64(data + pos + 8);
            header = 16;
        } else if (length == 0) {
            length = static_cast<quint64>(end - pos);  // the last box runs to the end of the file
        }
        if (length < static_cast<quint64>(header) || static_cast<quint64>(end - pos) < length) {
            problem = QStringLiteral("truncated or corrupt: box '%1' at byte %2 claims %3 bytes, %4 left")
                          .arg(QString::fromLatin1(type)).arg(pos).arg(length).arg(end - pos);
            return false;
        }
        const qint64 contentBegin = pos + header, contentEnd = pos + static_cast<qint64>(length);
        if (type == "xml " && out.xml.isEmpty())
            out.xml = bytes.mid(contentBegin, contentEnd - contentBegin);
        else if (type == "jp2c")
            out.hasCodestream = true;
        else if ((type == "jp2h" || type == "res " || type == "uinf" || type == "asoc") && depth < 8) {
            if (!walkBoxes(bytes, contentBegin, contentEnd, out, problem, depth + 1))
                return false;
        }
        pos = contentEnd;
    }
    return true;
}

Expected<QByteArray> readWholeFile(const QString &path)
{
    auto bytes = readFileHead(path, -1, QStringLiteral("JPEG2000 file"));
    if (!bytes)
        return bytes.error();
    if (!Jp2Reader::hasJp2Signature(*bytes))
        return Error{path, QStringLiteral("not a JPEG2000 (JP2) file: the JP2 signature box is missing")};
    return bytes;
}

// What readInfo needs, without reading the whole file: every box but the codestream's tail. Boxes before and
// after the codestream are small (signature, header, XML, UUID) and read whole; of the contiguous codestream box
// only the first `codestreamHead` bytes (its main header, before the first tile), under a box length of 0 ("to
// the end of the file") so that the box walk and OpenJPEG's header read accept the shortened copy. Anything
// unusual (a box running past the end, a codestream box missing, a huge box) falls back to the whole file, so
// the full checks and their messages apply.
Expected<QByteArray> readHead(const QString &path, qint64 codestreamHead)
{
    auto signature = readFileHead(path, 12, QStringLiteral("JPEG2000 file"));
    if (!signature)
        return signature.error();
    if (!Jp2Reader::hasJp2Signature(*signature))
        return Error{path, QStringLiteral("not a JPEG2000 (JP2) file: the JP2 signature box is missing")};
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error{path, QStringLiteral("cannot be read: %1").arg(f.errorString())};
    const qint64 size = f.size();
    constexpr qint64 kLargestSmallBox = 16 << 20;
    QByteArray boxes, codestream;
    bool haveCodestream = false;
    qint64 pos = 0;
    while (pos + 8 <= size) {
        if (!f.seek(pos))
            return readWholeFile(path);
        const QByteArray head = f.read(16);
        if (head.size() < 8)
            return readWholeFile(path);
        const auto *h = reinterpret_cast<const uchar *>(head.constData());
        quint64 length = be32(h);
        qint64 headerSize = 8;
        if (length == 1) {
            if (head.size() < 16)
                return readWholeFile(path);
            length = be64(h + 8);
            headerSize = 16;
        } else if (length == 0) {
            length = static_cast<quint64>(size - pos);
        }
        if (length < quint64(headerSize) || quint64(size - pos) < length)
            return readWholeFile(path);
        if (head.mid(4, 4) == "jp2c" && !haveCodestream) {
            haveCodestream = true;
            f.seek(pos + headerSize);
            codestream = f.read(std::min<qint64>(qint64(length) - headerSize, codestreamHead));
        } else {
            if (length > quint64(kLargestSmallBox))
                return readWholeFile(path);
            f.seek(pos);
            boxes += f.read(qint64(length));
        }
        pos += qint64(length);
    }
    if (!haveCodestream || codestream.isEmpty())
        return readWholeFile(path);
    static const char kOpenCodestreamBox[8] = {0, 0, 0, 0, 'j', 'p', '2', 'c'};
    return boxes + QByteArray(kOpenCodestreamBox, 8) + codestream;
}

// OpenJPEG reads from memory through these callbacks (the file is already in memory for the box walk,
// and this avoids OpenJPEG's fopen on paths with non-ASCII characters).
struct MemoryStream {
    const uchar *data = nullptr;
    OPJ_SIZE_T size = 0;
    OPJ_SIZE_T pos = 0;
};

OPJ_SIZE_T memRead(void *buffer, OPJ_SIZE_T n, void *user)
{
    auto *m = static_cast<MemoryStream *>(user);
    if (m->pos >= m->size)
        return static_cast<OPJ_SIZE_T>(-1);
    const OPJ_SIZE_T k = std::min(n, m->size - m->pos);
    std::memcpy(buffer, m->data + m->pos, k);
    m->pos += k;
    return k;
}

OPJ_OFF_T memSkip(OPJ_OFF_T n, void *user)
{
    auto *m = static_cast<MemoryStream *>(user);
    if (n < 0) {
        const OPJ_SIZE_T back = std::min<OPJ_SIZE_T>(m->pos, static_cast<OPJ_SIZE_T>(-n));
        m->pos -= back;
        return -static_cast<OPJ_OFF_T>(back);
    }
    m->pos += static_cast<OPJ_SIZE_T>(n);
    return n;
}

OPJ_BOOL memSeek(OPJ_OFF_T n, void *user)
{
    auto *m = static_cast<MemoryStream *>(user);
    if (n < 0 || static_cast<OPJ_SIZE_T>(n) > m->size)
        return OPJ_FALSE;
    m->pos = static_cast<OPJ_SIZE_T>(n);
    return OPJ_TRUE;
}

void collectMessage(const char *msg, void *user)
{
    auto *s = static_cast<QString *>(user);
    if (!s->isEmpty())
        *s += QStringLiteral("; ");
    *s += QString::fromLocal8Bit(msg).trimmed();
}

void ignoreMessage(const char *, void *) {}

// One decoder session over an in-memory file; everything OpenJPEG allocates is released on destruction.
class Decoder {
public:
    Decoder(const QByteArray &bytes)
    {
        m_mem.data = reinterpret_cast<const uchar *>(bytes.constData());
        m_mem.size = static_cast<OPJ_SIZE_T>(bytes.size());
        m_stream = opj_stream_create(OPJ_J2K_STREAM_CHUNK_SIZE, OPJ_TRUE);
        opj_stream_set_user_data(m_stream, &m_mem, nullptr);
        opj_stream_set_user_data_length(m_stream, m_mem.size);
        opj_stream_set_read_function(m_stream, memRead);
        opj_stream_set_skip_function(m_stream, memSkip);
        opj_stream_set_seek_function(m_stream, memSeek);
        m_codec = opj_create_decompress(OPJ_CODEC_JP2);
        opj_set_error_handler(m_codec, collectMessage, &m_errors);
        opj_set_warning_handler(m_codec, ignoreMessage, nullptr);
        opj_set_info_handler(m_codec, ignoreMessage, nullptr);
        opj_dparameters_t params;
        opj_set_default_decoder_parameters(&params);
        opj_setup_decoder(m_codec, &params);
        opj_codec_set_threads(m_codec, g_decoderThreads.load());
    }
    ~Decoder()
    {
        if (m_image)
            opj_image_destroy(m_image);
        if (m_codec)
            opj_destroy_codec(m_codec);
        if (m_stream)
            opj_stream_destroy(m_stream);
    }
    Decoder(const Decoder &) = delete;
    Decoder &operator=(const Decoder &) = delete;

    bool readHeader() { return opj_read_header(m_stream, m_codec, &m_image) && m_image && m_image->numcomps > 0; }

    int levels()
    {
        opj_codestream_info_v2_t *info = opj_get_cstr_info(m_codec);
        int n = 0;
        if (info && info->m_default_tile_info.tccp_info)
            n = static_cast<int>(info->m_default_tile_info.tccp_info[0].numresolutions) - 1;
        opj_destroy_cstr_info(&info);
        return std::max(0, n);
    }

    bool decode(int reduce)
    {
        if (reduce > 0 && !opj_set_decoded_resolution_factor(m_codec, static_cast<OPJ_UINT32>(reduce)))
            return false;
        return opj_decode(m_codec, m_stream, m_image) && opj_end_decompress(m_codec, m_stream);
    }

    opj_image_t *image() const { return m_image; }
    QString errors() const { return m_errors; }

private:
    MemoryStream m_mem;
    opj_stream_t *m_stream = nullptr;
    opj_codec_t *m_codec = nullptr;
    opj_image_t *m_image = nullptr;
    QString m_errors;
};

QString why(const Decoder &dec, const QString &what)
{
    return dec.errors().isEmpty() ? what : what + QStringLiteral(" (OpenJPEG: ") + dec.errors() + QLatin1Char(')');
}

// FITS text values are quoted, with quotes doubled.
QString quoted(const QString &s)
{
    QString v = s;
    v.replace(QLatin1Char('\''), QStringLiteral("''"));
    return QLatin1Char('\'') + v + QLatin1Char('\'');
}

// Commentary text wrapped to FITS's 72 columns.
void addCommentary(FitsHeader &h, const QString &key, const QString &text)
{
    for (QString line : text.split(QLatin1Char('\n'))) {
        line = line.trimmed();
        while (!line.isEmpty()) {
            FitsCard c;
            c.key = key;
            c.value = line.left(72);
            h.append(c);
            line = line.mid(72);
        }
    }
}

}  // namespace

bool Jp2Reader::hasJp2Signature(const QByteArray &bytes)
{
    return bytes.size() >= 12 && std::memcmp(bytes.constData(), kSignature, 12) == 0;
}

bool Jp2Reader::isJp2File(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    return hasJp2Signature(f.read(12));
}

Expected<FitsHeader> Jp2Reader::headerFromXml(const QByteArray &xmlIn, const QString &file)
{
    // Helioviewer's boxes end with NUL padding, which is not XML.
    QByteArray xml = xmlIn;
    while (!xml.isEmpty() && (xml.back() == '\0' || std::isspace(static_cast<unsigned char>(xml.back()))))
        xml.chop(1);
    QXmlStreamReader r(xml);
    FitsHeader h;
    bool found = false;
    while (!r.atEnd()) {
        r.readNext();
        if (!r.isStartElement() || r.name().compare(QLatin1String("fits"), Qt::CaseInsensitive) != 0)
            continue;
        found = true;
        // Each child element is one keyword: <KEY>value</KEY>.
        while (r.readNextStartElement()) {
            const QString key = r.name().toString().trimmed().toUpper();
            const QString text = r.readElementText(QXmlStreamReader::IncludeChildElements);
            if (r.hasError())
                break;
            if (key == QLatin1String("HISTORY") || key == QLatin1String("COMMENT")) {
                addCommentary(h, key, text);
                continue;
            }
            const QString value = text.trimmed();
            bool isNumber = false;
            const double d = value.toDouble(&isNumber);
            if (isNumber && !std::isfinite(d))
                continue;  // "nan"/"inf": FITS has no such literal; the keyword counts as absent
            FitsCard c;
            c.key = key;
            c.value = isNumber ? value : quoted(value);
            h.append(c);
        }
        break;
    }
    if (r.hasError())
        return Error{file, QStringLiteral("malformed XML box: %1 (line %2)").arg(r.errorString()).arg(r.lineNumber())};
    if (!found)
        return Error{file, QStringLiteral("the XML box has no <fits> element (not a Helioviewer JPEG2000 file?)")};
    return h;
}

FitsHeader Jp2Reader::rescaledHeader(const FitsHeader &header, double scale, double offsetX, double offsetY,
                                     int width, int height, const QString &why)
{
    FitsHeader h = header;
    for (int axis = 1; axis <= 2; ++axis) {
        const QString n = QString::number(axis);
        const double offset = axis == 1 ? offsetX : offsetY;
        if (auto crpix = h.number(QStringLiteral("CRPIX") + n))
            h.setNumber(QStringLiteral("CRPIX") + n, (*crpix - 1.0 - offset) / scale + 1.0);
        if (auto cdelt = h.number(QStringLiteral("CDELT") + n))
            h.setNumber(QStringLiteral("CDELT") + n, *cdelt * scale);
        // A CD matrix maps pixel offsets directly: column j scales with pixel axis j.
        for (int i = 1; i <= 2; ++i) {
            const QString cd = QStringLiteral("CD%1_%2").arg(i).arg(axis);
            if (auto v = h.number(cd))
                h.setNumber(cd, *v * scale);
        }
    }
    h.setInteger(QStringLiteral("NAXIS1"), width);
    h.setInteger(QStringLiteral("NAXIS2"), height);
    h.addHistory(QStringLiteral("solarchip: %1; pixel (x,y) = original (%2x + %3, %2y + %4)")
                     .arg(why, fitsNumber(scale), fitsNumber(offsetX), fitsNumber(offsetY)));
    return h;
}

int Jp2Reader::reduceForMaxSide(const Jp2Info &info, int maxSide)
{
    int r = 0;
    int side = std::max(info.width, info.height);
    while (r < info.resolutionLevels && side > maxSide) {
        side = (side + 1) / 2;
        ++r;
    }
    return r;
}

namespace {

Expected<Jp2Info> infoFromBytes(const QByteArray &bytes, const QString &path)
{
    Boxes boxes;
    QString problem;
    if (!walkBoxes(bytes, 0, bytes.size(), boxes, problem))
        return Error{path, problem};
    if (!boxes.hasCodestream)
        return Error{path, QStringLiteral("truncated: no contiguous codestream box (jp2c)")};

    Decoder dec(bytes);
    if (!dec.readHeader())
        return Error{path, why(dec, QStringLiteral("cannot read the JPEG2000 codestream header"))};
    Jp2Info info;
    info.file = path;
    const opj_image_t *img = dec.image();
    info.width = static_cast<int>(img->x1 - img->x0);
    info.height = static_cast<int>(img->y1 - img->y0);
    info.components = static_cast<int>(img->numcomps);
    info.precision = static_cast<int>(img->comps[0].prec);
    info.isSigned = img->comps[0].sgnd != 0;
    info.resolutionLevels = dec.levels();
    info.xml = boxes.xml;
    if (!info.xml.isEmpty()) {
        QXmlStreamReader r(info.xml);
        while (!r.atEnd())
            if (r.readNext() == QXmlStreamReader::StartElement && r.name() == QLatin1String("helioviewer")) {
                info.helioviewer = true;
                break;
            }
        auto header = Jp2Reader::headerFromXml(info.xml, path);
        if (header)
            info.header = std::move(header.value());
    }
    return info;
}

Expected<Image> imageFromBytes(const QByteArray &bytes, const QString &path, int reduce)
{
    Decoder dec(bytes);
    if (!dec.readHeader())
        return Error{path, why(dec, QStringLiteral("cannot read the JPEG2000 codestream header"))};
    const int levels = dec.levels();
    if (reduce < 0 || reduce > levels)
        return Error{path, QStringLiteral("cannot reduce the resolution %1 times: the file has %2 wavelet levels")
                               .arg(reduce).arg(levels)};
    if (!dec.decode(reduce))
        return Error{path, why(dec, QStringLiteral("cannot decode the JPEG2000 image (truncated or corrupt?)"))};
    const opj_image_t *img = dec.image();
    const opj_image_comp_t &c = img->comps[0];
    if (!c.data || c.w == 0 || c.h == 0)
        return Error{path, QStringLiteral("the JPEG2000 image has no pixels")};
    Image out(static_cast<int>(c.w), static_cast<int>(c.h));
    // JPEG2000 rows run top to bottom; FITS rows bottom to top.
    for (int y = 0; y < out.height; ++y) {
        const OPJ_INT32 *src = c.data + static_cast<size_t>(out.height - 1 - y) * c.w;
        float *dst = out.row(y);
        for (int x = 0; x < out.width; ++x)
            dst[x] = static_cast<float>(src[x]);
    }
    return out;
}

}  // namespace

Expected<Jp2Info> Jp2Reader::readInfo(const QString &path)
{
    // A catalogue scan reads thousands of headers: read the boxes and the codestream's main header only
    // (64 KiB, against ~1 MB for a 4096^2 Helioviewer file), and the whole file only when that is not enough.
    auto head = readHead(path, 64 << 10);
    if (!head)
        return head.error();
    auto info = infoFromBytes(*head, path);
    if (info)
        return info;
    auto bytes = readWholeFile(path);
    if (!bytes)
        return bytes.error();
    return infoFromBytes(*bytes, path);
}

Expected<Image> Jp2Reader::readImage(const QString &path, int reduce)
{
    auto bytes = readWholeFile(path);
    if (!bytes)
        return bytes.error();
    return imageFromBytes(*bytes, path, reduce);
}

int Jp2Reader::reducedSide(int side, int reduce)
{
    return reduce <= 0 ? side : static_cast<int>((static_cast<qint64>(side) + (qint64(1) << reduce) - 1) >> reduce);
}

int Jp2Reader::storedBitpix(const Jp2Info &info)
{
    return info.precision <= 8 ? 8 : 16;
}

Expected<FitsHeader> Jp2Reader::mapHeader(const Jp2Info &info, int reduce)
{
    const QString &path = info.file;
    if (info.xml.isEmpty())
        return Error{path, QStringLiteral("no XML box: the file carries no FITS header (not a Helioviewer JPEG2000 file)")};
    if (reduce < 0 || reduce > info.resolutionLevels)
        return Error{path, QStringLiteral("cannot reduce the resolution %1 times: the file has %2 wavelet levels")
                               .arg(reduce).arg(info.resolutionLevels)};
    auto parsed = headerFromXml(info.xml, path);
    if (!parsed)
        return parsed.error();
    FitsHeader header = std::move(parsed.value());

    // Keywords some Helioviewer files carry as placeholders (e.g. DSUN_OBS = 0.03, RSUN_OBS = 0) would
    // wreck the observer geometry; dropping them lets the ephemeris of the date stand in.
    if (auto dsun = header.number(QStringLiteral("DSUN_OBS")); dsun && !(*dsun > 1e9)) {
        header.remove(QStringLiteral("DSUN_OBS"));
        header.addHistory(QStringLiteral("solarchip: DSUN_OBS=%1 is not an observer distance in metres; ignored").arg(*dsun));
    }
    if (auto rsun = header.number(QStringLiteral("RSUN_OBS")); rsun && !(*rsun > 0)) {
        header.remove(QStringLiteral("RSUN_OBS"));
        header.addHistory(QStringLiteral("solarchip: RSUN_OBS=%1 is not an apparent radius; ignored").arg(*rsun));
    }

    // Some files hold a resampled image under the full-size header (e.g. 410x410 pixels, NAXIS 4096):
    // same aspect ratio -> the same field on a coarser grid, edges aligned.
    const int n1 = static_cast<int>(header.number(QStringLiteral("NAXIS1"), 0));
    const int n2 = static_cast<int>(header.number(QStringLiteral("NAXIS2"), 0));
    if (n1 > 0 && n2 > 0 && (n1 != info.width || n2 != info.height)) {
        const double s1 = static_cast<double>(n1) / info.width, s2 = static_cast<double>(n2) / info.height;
        if (std::fabs(s1 - s2) > 0.01 * std::max(s1, s2))
            return Error{path, QStringLiteral("image is %1x%2 but the header says NAXIS1=%3 NAXIS2=%4")
                                   .arg(info.width).arg(info.height).arg(n1).arg(n2)};
        header = rescaledHeader(header, s1, 0.5 * (s1 - 1.0), 0.5 * (s1 - 1.0), info.width, info.height,
                                QStringLiteral("JP2 image is %1x%2, header NAXIS %3x%4; resampled field assumed")
                                    .arg(info.width).arg(info.height).arg(n1).arg(n2));
    } else if (n1 <= 0 || n2 <= 0) {
        header.setInteger(QStringLiteral("NAXIS1"), info.width);
        header.setInteger(QStringLiteral("NAXIS2"), info.height);
    }

    if (reduce > 0) {
        // Low-pass samples sit on even rows counted from the top; rows here count from the bottom.
        const int width = reducedSide(info.width, reduce), height = reducedSide(info.height, reduce);
        const double scale = std::ldexp(1.0, reduce);
        const double offsetY = (info.height - 1) - scale * (height - 1);
        header = rescaledHeader(header, scale, 0.0, offsetY, width, height,
                                QStringLiteral("decoded at 1/%1 resolution (JPEG2000 reduce %2)")
                                    .arg(1 << reduce).arg(reduce));
    }
    // The pixels are display values: say so in BUNIT (keeping the original unit) so that anything reading
    // the header, or a FITS file written from this map, does not take them for DN or Gauss.
    if (auto unit = header.string(QStringLiteral("BUNIT")))
        header.setString(QStringLiteral("HVBUNIT"), *unit, QStringLiteral("BUNIT of the data before Helioviewer scaling"));
    header.setString(QStringLiteral("BUNIT"), QString::fromLatin1(kDisplayScaledBunit), QStringLiteral("Helioviewer display value, not physical"));
    header.addHistory(QStringLiteral("solarchip: pixels are the 8-bit scaled values of a Helioviewer JPEG2000 file"));
    // Keywords FITS cannot hold (longer than 8 characters, e.g. <helioviewer>): kept as COMMENT text.
    FitsHeader clean;
    for (const FitsCard &c : header.cards()) {
        static const QRegularExpression valid(QStringLiteral("^[A-Z0-9_-]{1,8}$"));
        if (c.key == QLatin1String("HISTORY") || c.key == QLatin1String("COMMENT") || valid.match(c.key).hasMatch())
            clean.append(c);
        else
            clean.addComment(c.key + QStringLiteral(" = ") + c.value);
    }
    return clean;
}

Expected<SdoMap> Jp2Reader::read(const QString &path, int reduce)
{
    auto bytes = readWholeFile(path);
    if (!bytes)
        return bytes.error();
    auto info = infoFromBytes(*bytes, path);
    if (!info)
        return info.error();
    auto header = mapHeader(*info, reduce);
    if (!header)
        return header.error();
    auto image = imageFromBytes(*bytes, path, reduce);
    if (!image)
        return image.error();
    const int width = reducedSide(info->width, reduce), height = reducedSide(info->height, reduce);
    if (image->width != width || image->height != height)
        return Error{path, QStringLiteral("decoded a %1x%2 image at reduce %3; the codestream header promised %4x%5")
                               .arg(image->width).arg(image->height).arg(reduce).arg(width).arg(height)};

    auto map = SdoMap::fromHeaderAndImage(*header, std::move(image.value()), path);
    if (!map)
        return map.error();
    // MapMeta::fromHeader recognised BUNIT: unit "byte", displayScaled (shown linearly over 0..255).
    map->meta.unit = QString::fromLatin1(kDisplayScaledUnit);
    map->meta.displayScaled = true;
    map->meta.bitpix = storedBitpix(*info);
    map->source.bitpix = map->meta.bitpix;
    map->source.hdu = 0;
    map->source.compression = QStringLiteral("JPEG2000");
    map->source.compressed = true;
    map->source.fileSize = QFileInfo(path).size();
    // Reduced pixel (x, y) is full-resolution pixel (2^r x, 2^r y + H - 1 - 2^r (h - 1)) (see the header).
    const double f = double(1 << reduce);
    map->filePixels = FilePixels::identity(path, info->width, info->height)
                          .composedWith(f, 0, 0, f, 0, info->height - 1 - f * (height - 1));
    return map;
}

}  // namespace solarchip
