#include "widgets/OverlayProjectionNote.h"

#include "core/map/SdoMap.h"

#include <QCoreApplication>
#include <QFontMetricsF>

namespace solarchip {

namespace {
QString tr(const char *text) { return QCoreApplication::translate("solarchip::OverlayProjectionNote", text); }

// "CEA" from "CRLN-CEA".
QString projectionCode(const QString &ctype)
{
    const int dash = ctype.lastIndexOf(QLatin1Char('-'));
    return dash >= 0 ? ctype.mid(dash + 1).trimmed() : QString();
}
}  // namespace

OverlayProjectionNote::OverlayProjectionNote() { m_color = QColor(255, 230, 150); }

QString OverlayProjectionNote::name() const { return tr("Projection note"); }

QString OverlayProjectionNote::noteFor(const SdoMap &map)
{
    if (!map.wcs.isValid())
        return tr("no world coordinates: limb, grid and co-registration off");
    const QString code = projectionCode(map.meta.ctype1);
    switch (map.wcs.kind()) {
    case Wcs::Kind::Helioprojective:
        return {};
    case Wcs::Kind::Carrington:
        return tr("Carrington %1: limb and co-registration off").arg(code);
    case Wcs::Kind::Stonyhurst:
        return tr("Stonyhurst %1: limb and co-registration off").arg(code);
    case Wcs::Kind::Other:
        break;
    }
    return tr("%1 / %2: limb, grid and co-registration off").arg(map.meta.ctype1, map.meta.ctype2);
}

void OverlayProjectionNote::mapChanged(const SdoMap *map) { m_text = map ? noteFor(*map) : QString(); }

void OverlayProjectionNote::paint(QPainter &painter, const OverlayContext &context)
{
    if (m_text.isEmpty())
        return;
    QFont font = painter.font();
    font.setPointSizeF(font.pointSizeF() * 0.9);
    painter.setFont(font);
    const QFontMetricsF fm(font);
    const double margin = 6, pad = 3;
    const QRectF text(context.widgetRect.left() + margin + pad,
                      context.widgetRect.bottom() - margin - pad - fm.height(), fm.horizontalAdvance(m_text),
                      fm.height());
    painter.setPen(Qt::NoPen);
    painter.setBrush(QColor(0, 0, 0, 160));
    painter.drawRoundedRect(text.adjusted(-pad, -pad, pad, pad), 3, 3);
    painter.setPen(m_color);
    painter.drawText(text, Qt::AlignLeft | Qt::AlignVCenter, m_text);
}

}  // namespace solarchip
