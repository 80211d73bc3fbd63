#include "widgets/ResultsGallery.h"

#include <QDateTime>
#include <QListView>
#include <QPainter>
#include <QTimeZone>
#include <QVBoxLayout>

#include <cmath>

namespace solarchip {

QString formatLonLat(QPointF lonlat)
{
    if (!std::isfinite(lonlat.x()) || !std::isfinite(lonlat.y()))
        return QObject::tr("off disk");
    // Solar convention: latitude N/S, Stonyhurst longitude E (negative) / W (positive).
    return QStringLiteral("%1%2 %3%4")
        .arg(lonlat.y() >= 0 ? QLatin1Char('N') : QLatin1Char('S'))
        .arg(std::abs(lonlat.y()), 0, 'f', 1)
        .arg(lonlat.x() >= 0 ? QLatin1Char('W') : QLatin1Char('E'))
        .arg(std::abs(lonlat.x()), 0, 'f', 1);
}

GalleryHitModel::GalleryHitModel(QObject *parent) : QAbstractListModel(parent) { setPlaceholderSide(128); }

void GalleryHitModel::setPlaceholderSide(int side)
{
    // A dark square while the thumbnail is being cut, a red-crossed one where it could not be (the tooltip says
    // why): every tile has its final size from the start.
    m_placeholder = QImage(side, side, QImage::Format_ARGB32_Premultiplied);
    m_placeholder.fill(QColor(40, 40, 40));
    m_failed = m_placeholder;
    QPainter p(&m_failed);
    p.setPen(QPen(QColor(200, 60, 60), 2));
    p.drawLine(0, 0, side, side);
    p.drawLine(0, side, side, 0);
}

void GalleryHitModel::setHits(std::vector<GalleryHit> hits)
{
    beginResetModel();
    m_hits = std::move(hits);
    m_thumbs.assign(m_hits.size(), QImage());
    m_errors.assign(m_hits.size(), QString());
    m_done.assign(m_hits.size(), false);
    endResetModel();
}

void GalleryHitModel::setThumbnail(int row, const QImage &image, const QString &error)
{
    if (row < 0 || row >= rowCount())
        return;
    const auto r = static_cast<std::size_t>(row);
    m_thumbs[r] = image;
    m_errors[r] = error;
    m_done[r] = true;
    const QModelIndex i = index(row);
    Q_EMIT dataChanged(i, i);
}

bool GalleryHitModel::hasThumbnail(int row) const
{
    return row >= 0 && row < rowCount() && !m_thumbs[static_cast<std::size_t>(row)].isNull();
}

bool GalleryHitModel::thumbnailsDone() const
{
    for (bool d : m_done)
        if (!d)
            return false;
    return true;
}

int GalleryHitModel::thumbnailsDrawn() const
{
    int n = 0;
    for (const QImage &t : m_thumbs)
        n += t.isNull() ? 0 : 1;
    return n;
}

QString GalleryHitModel::caption(const GalleryHit &hit)
{
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(hit.timeMs, QTimeZone::utc());
    QString text = QStringLiteral("%1\n%2  %3")
                       .arg(t.toString(QStringLiteral("yyyy-MM-dd HH:mm")), formatLonLat(hit.lonlat))
                       .arg(hit.score, 0, 'f', 3);
    if (hit.noaaAr > 0)
        text += QStringLiteral("\nAR %1").arg(hit.noaaAr);
    return text;
}

int GalleryHitModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_hits.size());
}

QVariant GalleryHitModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const auto r = static_cast<std::size_t>(index.row());
    const GalleryHit &h = m_hits[r];
    switch (role) {
    case Qt::DisplayRole:
        return caption(h);
    case Qt::DecorationRole:
        if (!m_thumbs[r].isNull())
            return m_thumbs[r];
        return m_done[r] ? m_failed : m_placeholder;
    case Qt::ToolTipRole: {
        QString tip = QObject::tr("#%1  %2 cell (%3, %4)  Tx %5\" Ty %6\"\n%7")
                          .arg(index.row() + 1)
                          .arg(h.channel)
                          .arg(h.row())
                          .arg(h.col())
                          .arg(h.hpc.x(), 0, 'f', 0)
                          .arg(h.hpc.y(), 0, 'f', 0)
                          .arg(h.file);
        if (!m_errors[r].isEmpty())
            tip += QLatin1Char('\n') + m_errors[r];
        return tip;
    }
    case HitIndexRole:
        return index.row();
    case TimeRole:
        return h.timeMs;
    case ScoreRole:
        return h.score;
    case HasThumbnailRole:
        return !m_thumbs[r].isNull();
    default:
        return {};
    }
}

ResultsGallery::ResultsGallery(QWidget *parent) : QWidget(parent), m_model(new GalleryHitModel(this))
{
    m_list = new QListView(this);
    m_list->setObjectName(QStringLiteral("galleryList"));
    m_list->setViewMode(QListView::IconMode);
    m_list->setResizeMode(QListView::Adjust);
    m_list->setMovement(QListView::Static);
    m_list->setWrapping(true);
    m_list->setUniformItemSizes(false);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->setWordWrap(true);
    m_list->setModel(m_model);
    setThumbnailSide(m_side);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_list);
    // A click (not only a double click) moves the app: browsing hits is the point of the gallery.
    connect(m_list, &QListView::clicked, this, [this](const QModelIndex &i) { Q_EMIT hitActivated(i.row()); });
    connect(m_list, &QListView::activated, this, [this](const QModelIndex &i) { Q_EMIT hitActivated(i.row()); });
}

void ResultsGallery::setThumbnailSide(int side)
{
    m_side = side;
    m_model->setPlaceholderSide(side);
    m_list->setIconSize(QSize(side, side));
    const int textHeight = 3 * fontMetrics().height() + 6;  // date; position and score; the NOAA region
    m_list->setGridSize(QSize(side + 16, side + textHeight + 10));
}

void ResultsGallery::setCurrentHit(int row)
{
    if (row < 0 || row >= m_model->rowCount()) {
        m_list->clearSelection();
        return;
    }
    m_list->setCurrentIndex(m_model->index(row));
}

}  // namespace solarchip
