// MapView's PNG and FITS export (split from MapView.cpp).
#include "widgets/MapView.h"

#include "core/base/AtomicFile.h"
#include "core/map/FitsWriter.h"

#include <QFileInfo>
#include <QImageWriter>
#include <QPainter>
#include <QRegularExpression>
#include <QBuffer>

namespace solarchip {

namespace {

const QColor kBackground(0, 0, 0);

// Header cards that describe the pixel statistics of the original data and are wrong for a cutout or a
// derived map.
bool isStaleStatistic(const QString &key)
{
    static const QRegularExpression re(QStringLiteral("^(DATA(MIN|MAX|MEAN|MEDN|RMS|SKEW|KURT|VALS|P\\d\\d)|MISSVALS|TOTVALS)$"));
    return re.match(key).hasMatch();
}

}  // namespace

// ---- export -------------------------------------------------------------------------------------------

QImage MapView::renderView(bool withOverlays, QSize size) const
{
    const QSize sz = size.isValid() && !size.isEmpty() ? size : this->size();
    QImage img(sz, QImage::Format_ARGB32_Premultiplied);
    img.fill(kBackground);
    if (!m_map || sz.isEmpty())
        return img;
    // Same framing: the same centre, the zoom scaled with the width of the map's area (the colour bar and
    // axes take their room beside the map in the image too, as on screen).
    const QRectF area = mapAreaFor(QSizeF(sz), withOverlays);
    const double screenWidth = mapArea().width();
    const double zoom = m_zoom * (screenWidth > 0 ? area.width() / screenWidth : 1.0);
    QPainter painter(&img);
    painter.setClipRect(QRect(QPoint(0, 0), sz));
    paintScene(painter, QRectF(QPointF(0, 0), QSizeF(sz)), area, pixelToTarget(area, zoom), zoom, withOverlays, false);
    return img;
}

Status MapView::exportPng(const QString &path, bool withOverlays, QSize size) const
{
    if (!m_map)
        return Error{path, tr("no map to export")};
    return writePng(renderView(withOverlays, size), path);
}

Status MapView::writePng(const QImage &image, const QString &path)
{
    // Encoded in memory first: a failed encoding never touches the disk, and the file is replaced in one step.
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    QImageWriter writer(&buffer, "png");
    if (!writer.write(image))
        return Error{path, tr("could not encode the PNG: %1").arg(writer.errorString())};
    return writeFileAtomically(path, png);
}

Status MapView::exportFits(const QString &path, ExportRegion region) const
{
    if (!m_map)
        return Error{path, tr("no map to export")};
    FitsHeader header = m_map->header;
    for (const FitsCard &card : m_map->header.cards())
        if (isStaleStatistic(card.key))
            header.remove(card.key);
    const QString source = QFileInfo(m_map->meta.file).fileName();
    Image out;
    if (region == ExportRegion::WholeMap) {
        out = m_map->image;
        header.addHistory(QStringLiteral("SolarCHIP Studio export of %1").arg(source.isEmpty() ? title() : source));
    } else {
        const QRect r = visiblePixelRect();
        if (r.isEmpty())
            return Error{path, tr("the view shows no part of the map")};
        out = Image(r.width(), r.height());
        for (int y = 0; y < r.height(); ++y)
            std::copy_n(m_map->image.row(r.y() + y) + r.x(), r.width(), out.row(y));
        // The same sky position keeps the same world coordinates: shift the reference pixel.
        header.setNumber(QStringLiteral("CRPIX1"), m_map->meta.crpix1 - r.x());
        header.setNumber(QStringLiteral("CRPIX2"), m_map->meta.crpix2 - r.y());
        header.addHistory(QStringLiteral("SolarCHIP Studio cutout x %1..%2 y %3..%4 (0-based) of %5")
                              .arg(r.x()).arg(r.right()).arg(r.y()).arg(r.bottom())
                              .arg(source.isEmpty() ? title() : source));
    }
    if (!m_title.isEmpty())
        header.addHistory(m_title);  // FitsWriter writes it as plain ASCII ("-" for the minus, "d" for delta)
    // Say what the values are: AIA headers often have no BUNIT (only PIXLUNIT, or nothing). Display-scaled maps
    // keep '8-bit scaled' (never a physical unit); a difference has its maps' unit.
    if (!header.has(QStringLiteral("BUNIT"))) {
        if (m_map->meta.displayScaled)
            header.setString(QStringLiteral("BUNIT"), QString::fromLatin1(kDisplayScaledBunit),
                             QStringLiteral("Helioviewer display value, not physical"));
        else if (!m_map->meta.unit.isEmpty())
            header.setString(QStringLiteral("BUNIT"), m_map->meta.unit, QStringLiteral("unit of the pixel values"));
    }
    FitsWriteOptions options;
    options.type = FitsWriteOptions::Type::Float32;
    return FitsWriter::write(path, header, out, options);
}

}  // namespace solarchip
